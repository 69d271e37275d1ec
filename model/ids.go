package model

import (
	"crypto/sha1"
	"fmt"
	"strings"
)

// Ids of what an update adds are name-based UUIDs of the resource, with
// the namespace trustmap's exports use (report/exportmodel.go), so an
// element an update adds to a model has the id the OTM and Threat Dragon
// exports give the same resource.

// trustmapNamespace is the RFC 4122 URL namespace applied to the project
// URL.
var trustmapNamespace = uuidV5([16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}, "https://github.com/trustmap/trustmap")

// stableUUID returns a version 5 UUID of the parts.
func stableUUID(parts ...string) string {
	u := uuidV5(trustmapNamespace, strings.Join(parts, "\x00"))
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func uuidV5(ns [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

// mitigationID is the stable id of a mitigation text (as the OTM export).
func mitigationID(text string) string { return "M-" + stableUUID("mitigation", text)[:8] }

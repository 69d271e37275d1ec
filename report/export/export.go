// Package export writes the interchange formats: Open Threat Model (JSON
// and YAML), OWASP Threat Dragon, SARIF and AWS Security Finding Format.
// They are one package because they are projections of the same things —
// the diagram model's elements and flows, the threats and findings — with
// the same stable ids (name-based UUIDs that keep an element's identity
// across scans), the same projections of the one risk scale (docs/scoring.md,
// formats.md §7.3) and the same limits on text; one package keeps those
// shared and unexported instead of making them API.
package export

import (
	"crypto/sha1"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

// ThreatRuleID is the rule id under which threats appear in SARIF and ASFF
// (findings carry their own analyzer rule ids). Never reused.
const ThreatRuleID = "TM-THR-001"

// isARN reports whether id is an ARN (an AWS resource rather than a
// principal placeholder such as "internet").
func isARN(id string) bool { return strings.HasPrefix(id, "arn:") }

// trustmapNamespace is the UUID namespace of stableUUID: the RFC 4122 URL
// namespace applied to the project URL.
var trustmapNamespace = uuidV5([16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}, "https://github.com/trustmap/trustmap")

// stableUUID returns a name-based (version 5) UUID of the parts: the same
// input gives the same id on every run, so re-imported models keep their
// elements' identity.
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

// severityWord spells a severity the way Threat Dragon shows it.
func severityWord(s results.Severity) string {
	switch s {
	case results.SevLow:
		return "Low"
	case results.SevMedium:
		return "Medium"
	case results.SevHigh:
		return "High"
	case results.SevCritical:
		return "Critical"
	}
	return "TBD"
}

// truncateUTF8 cuts s to at most max bytes at a rune boundary, marking the
// cut with an ellipsis. Byte limits are at least as strict as character
// limits, so the result fits either kind.
func truncateUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const ell = "…"
	cut := max - len(ell)
	if cut < 0 {
		cut = 0
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ell
}

func nodeOf(in report.Input, id string) *graph.Node {
	if in.Graph == nil {
		return nil
	}
	n, _ := in.Graph.Node(id)
	return n
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

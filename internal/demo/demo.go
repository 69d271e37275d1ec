// Package demo holds the built-in demo account: a fixture for
// internal/fakeaws that shows every kind of entry point trustmap finds.
// `trustmap scan --demo` serves it on 127.0.0.1 and scans it through the
// same code path as a real account.
package demo

import (
	_ "embed"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// Fixture is the demo account's YAML fixture.
//
//go:embed demo.yaml
var Fixture []byte

// AccessKeyID returns the access key id that authenticates as the demo's
// first account (a made-up id; the fake checks no signature).
func AccessKeyID(w *fakeaws.World) string {
	if len(w.Accounts) > 0 && len(w.Accounts[0].AccessKeys) > 0 {
		return w.Accounts[0].AccessKeys[0]
	}
	return "AKIADEMO000000000001"
}

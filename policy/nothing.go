package policy

import (
	"encoding/json"
	"strings"
)

// GrantsNothing reports whether a policy document, valid JSON but perhaps
// not a policy AWS would accept, cannot grant anything: it has no statement
// whose Effect could be Allow. Access needs an explicit Allow (IAM User
// Guide, "Policy evaluation logic": every request is denied by default), so
// such a document (an empty Statement list, only Deny statements) changes
// nobody's access however strictly it is judged. Parse still rejects the
// shapes AWS rejects; callers use GrantsNothing to tell a harmless reject
// (no finding to raise) from one that could hide a grant.
func GrantsNothing(doc []byte) bool {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return false
	}
	var raw json.RawMessage
	for k, v := range top {
		if strings.EqualFold(k, "Statement") {
			if raw != nil {
				return false // two spellings of Statement: AWS rejects it, and which one counts is unclear
			}
			raw = v
		}
	}
	if raw == nil || string(raw) == "null" {
		return true
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		list = []json.RawMessage{raw} // a single statement object
	}
	for _, st := range list {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(st, &m); err != nil {
			return false // not an object: cannot tell what it was meant to be
		}
		for k, v := range m {
			if !strings.EqualFold(k, "Effect") {
				continue
			}
			var effect string
			if err := json.Unmarshal(v, &effect); err != nil || strings.EqualFold(effect, string(Allow)) {
				return false
			}
		}
		if !hasKeyFold(m, "Effect") {
			return false // a statement without Effect: AWS rejects it; do not guess
		}
	}
	return true
}

func hasKeyFold(m map[string]json.RawMessage, key string) bool {
	for k := range m {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

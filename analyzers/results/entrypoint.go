package results

import (
	"cmp"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// EntryPoint is one way into one resource from outside its account: every
// access edge into the resource through the same way in (Via).
type EntryPoint struct {
	ID           string           `json:"id"`
	ResourceARN  string           `json:"resource_arn"`
	ResourceType graph.Kind       `json:"resource_type"`
	Name         string           `json:"name,omitempty"`
	Account      string           `json:"account"`
	Region       string           `json:"region,omitempty"`
	Exposure     policy.Verdict   `json:"exposure"`
	Principals   []string         `json:"principals"`
	Zones        []graph.Zone     `json:"zones"`
	Actions      []string         `json:"actions"`
	Access       []graph.EdgeKind `json:"access"`
	Via          graph.Via        `json:"via"`
	// Authorizer is set when callers need a token an authorizer accepts.
	Authorizer string `json:"authorizer,omitempty"`
	// Guards are what the least restricted grant demands of a caller.
	Guards       []policy.Guard `json:"guards,omitempty"`
	Recognized   bool           `json:"recognized"`
	RecognizedBy string         `json:"recognized_by,omitempty"`
	Certain      bool           `json:"certain"` // false when it rests on a fact the scan could not read
	Severity     Severity       `json:"severity"`
	Evidence     EPEvidence     `json:"evidence"`
}

// EPEvidence is the evidence behind an entry point. Grants holds every
// piece as the graph carries it; the flat fields summarise them for
// readers of report.json 1.0 (statements and Sids of every grant, the
// conditions of the least restricted grant, every fix).
type EPEvidence struct {
	Source     string           `json:"source"`
	Statements []int            `json:"statements,omitempty"` // 0-based statement indexes
	Sids       []string         `json:"sids,omitempty"`
	Conditions []string         `json:"conditions,omitempty"`
	Details    []string         `json:"details,omitempty"`
	Fix        []string         `json:"fix,omitempty"`
	Grants     []graph.Evidence `json:"grants,omitempty"`
}

// Strong reports whether the entry point lets outsiders change what the
// resource holds or does (write, administer, assume).
func (ep *EntryPoint) Strong() bool {
	for _, a := range ep.Access {
		if a.Strong() {
			return true
		}
	}
	return false
}

// HasAccess reports whether the entry point gives access of kind k.
func (ep *EntryPoint) HasAccess(k graph.EdgeKind) bool {
	for _, a := range ep.Access {
		if a == k {
			return true
		}
	}
	return false
}

// FromInternet reports whether unauthenticated internet callers are among
// those let in.
func (ep *EntryPoint) FromInternet() bool {
	for _, z := range ep.Zones {
		if z == graph.ZoneInternet {
			return true
		}
	}
	return false
}

// CompareEntryPoints orders unrecognized first, then severity (highest
// first), then exposure (public first), then strong access (write or
// administer before read), then resource and way in.
func CompareEntryPoints(a, b EntryPoint) int {
	if a.Recognized != b.Recognized {
		if !a.Recognized {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), cmp.Compare(b.Exposure.Rank(), a.Exposure.Rank()),
		cmpBool(b.Strong(), a.Strong()), cmp.Compare(a.ResourceARN, b.ResourceARN), a.Via.Compare(b.Via))
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

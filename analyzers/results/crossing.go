package results

import (
	"cmp"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// Crossing is an edge between two trust zones.
type Crossing struct {
	ID           string         `json:"id"`
	From         string         `json:"from"`
	To           string         `json:"to"`
	FromZone     graph.Zone     `json:"from_zone"`
	ToZone       graph.Zone     `json:"to_zone"`
	Kind         graph.EdgeKind `json:"kind"`
	Via          graph.Via      `json:"via,omitempty"`
	Exposure     policy.Verdict `json:"exposure,omitempty"`
	Principal    string         `json:"principal,omitempty"`
	Label        string         `json:"label,omitempty"` // well-known vendor name of the outside account
	Actions      []string       `json:"actions,omitempty"`
	Conditions   []string       `json:"conditions,omitempty"`
	Guards       []policy.Guard `json:"guards,omitempty"`
	Authorizer   string         `json:"authorizer,omitempty"`
	Certain      bool           `json:"certain"`
	Recognized   bool           `json:"recognized"`
	RecognizedBy string         `json:"recognized_by,omitempty"`
	EntryPoint   string         `json:"entry_point,omitempty"`
	// Organization is set when the crossing runs between two scanned
	// accounts of one organization: a boundary between accounts, internal
	// to the organization (report.json 1.3).
	Organization string           `json:"organization,omitempty"`
	Evidence     string           `json:"evidence,omitempty"` // the source API of the first piece (report.json 1.0)
	Grants       []graph.Evidence `json:"grants,omitempty"`   // every piece the crossing rests on
}

// CompareCrossings orders unrecognized first, then by exposure (public
// first), then by ends, kind and way.
func CompareCrossings(a, b Crossing) int {
	if a.Recognized != b.Recognized {
		if !a.Recognized {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(b.Exposure.Rank(), a.Exposure.Rank()), cmp.Compare(a.To, b.To), cmp.Compare(a.From, b.From),
		a.Kind.Compare(b.Kind), a.Via.Compare(b.Via))
}

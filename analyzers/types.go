package analyzers

import (
	"cmp"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
)

// Finding is one reported issue, the framework's diagnostic. RuleID is
// stable and never reused.
type Finding struct {
	ID          string                `json:"id"` // stable across scans: rule + resource (+ discriminator)
	RuleID      string                `json:"rule_id"`
	Analyzer    string                `json:"analyzer"`
	Title       string                `json:"title"`
	Severity    results.Severity      `json:"severity"`
	Confidence  results.Confidence    `json:"confidence"` // low when an Unknown fact was involved
	Resource    string                `json:"resource"`
	Account     string                `json:"account,omitempty"`
	Region      string                `json:"region,omitempty"`
	Message     string                `json:"message"`
	Remediation string                `json:"remediation,omitempty"`
	Recognized  bool                  `json:"recognized"`
	Suppressed  *results.SuppressedBy `json:"suppressed,omitempty"`
	Evidence    []*graph.Edge         `json:"evidence,omitempty"`
	Details     *Details              `json:"details,omitempty"`
}

// Details ties a finding to what it is about, when that is an entry point
// or a trust-boundary crossing.
type Details struct {
	EntryPoint string     `json:"entry_point,omitempty"`
	Via        graph.Via  `json:"via,omitempty"`
	Crossing   string     `json:"crossing,omitempty"`
	FromZone   graph.Zone `json:"from_zone,omitempty"`
	ToZone     graph.Zone `json:"to_zone,omitempty"`
}

// EntryPointID is the entry point a finding is about ("" if none).
func (f *Finding) EntryPointID() string {
	if f.Details == nil {
		return ""
	}
	return f.Details.EntryPoint
}

// CrossingID is the crossing a finding is about ("" if none).
func (f *Finding) CrossingID() string {
	if f.Details == nil {
		return ""
	}
	return f.Details.Crossing
}

// CompareFindings orders unrecognized before recognized, then severity
// (highest first), rule and resource.
func CompareFindings(a, b Finding) int {
	if a.Recognized != b.Recognized {
		if !a.Recognized {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), cmp.Compare(a.RuleID, b.RuleID),
		cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.ID, b.ID))
}

// ConfidenceOf is high for a certain fact and low otherwise.
func ConfidenceOf(certainty graph.Tri) results.Confidence {
	if certainty == graph.True {
		return results.ConfidenceHigh
	}
	return results.ConfidenceLow
}

package analyzers

import (
	"cmp"

	"github.com/trustmap/trustmap/graph"
)

// Severity is a finding's, entry point's or threat's severity.
type Severity string

// Severities, lowest first.
const (
	SevInfo     Severity = "info"
	SevLow      Severity = "low"
	SevMedium   Severity = "medium"
	SevHigh     Severity = "high"
	SevCritical Severity = "critical"
)

// Rank orders severities: info 0 … critical 4.
func (s Severity) Rank() int {
	switch s {
	case SevLow:
		return 1
	case SevMedium:
		return 2
	case SevHigh:
		return 3
	case SevCritical:
		return 4
	}
	return 0
}

// ParseSeverity reads a severity name.
func ParseSeverity(s string) (Severity, bool) {
	switch Severity(s) {
	case SevInfo, SevLow, SevMedium, SevHigh, SevCritical:
		return Severity(s), true
	}
	return "", false
}

// Finding is one reported issue. RuleID is stable and never reused.
type Finding struct {
	ID          string         `json:"id"` // stable across scans: rule + resource (+ discriminator)
	RuleID      string         `json:"rule_id"`
	Analyzer    string         `json:"analyzer"`
	Title       string         `json:"title"`
	Severity    Severity       `json:"severity"`
	Confidence  string         `json:"confidence"` // high, medium, low (low when an Unknown fact was involved)
	Resource    string         `json:"resource"`
	Account     string         `json:"account,omitempty"`
	Region      string         `json:"region,omitempty"`
	Message     string         `json:"message"`
	Remediation string         `json:"remediation,omitempty"`
	Recognized  bool           `json:"recognized"`
	Suppressed  *SuppressedBy  `json:"suppressed,omitempty"`
	Evidence    []graph.Edge   `json:"evidence,omitempty"`
	Details     map[string]any `json:"details,omitempty"`
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

// EntryPoint is one way into one resource from outside its account.
type EntryPoint struct {
	ID           string     `json:"id"`
	ResourceARN  string     `json:"resource_arn"`
	ResourceType string     `json:"resource_type"`
	Name         string     `json:"name,omitempty"`
	Account      string     `json:"account"`
	Region       string     `json:"region,omitempty"`
	Exposure     string     `json:"exposure"` // public, cross-account, internal
	Principals   []string   `json:"principals"`
	Zones        []string   `json:"zones"`
	Actions      []string   `json:"actions"`
	Access       []string   `json:"access"` // edge kinds: can-read, can-write, ...
	Via          string     `json:"via"`
	Recognized   bool       `json:"recognized"`
	RecognizedBy string     `json:"recognized_by,omitempty"`
	Certain      bool       `json:"certain"` // false when it rests on a fact the scan could not read
	Severity     Severity   `json:"severity"`
	Evidence     EPEvidence `json:"evidence"`
}

// EPEvidence is the evidence behind an entry point.
type EPEvidence struct {
	Source     string   `json:"source"`
	Statements []int    `json:"statements,omitempty"` // 0-based statement indexes
	Sids       []string `json:"sids,omitempty"`
	Conditions []string `json:"conditions,omitempty"`
	Details    []string `json:"details,omitempty"`
	Fix        []string `json:"fix,omitempty"`
}

// CompareEntryPoints orders unrecognized first, then severity, resource, via.
func CompareEntryPoints(a, b EntryPoint) int {
	if a.Recognized != b.Recognized {
		if !a.Recognized {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), cmp.Compare(a.ResourceARN, b.ResourceARN), cmp.Compare(a.Via, b.Via))
}

// SuppressedBy says which suppression silenced a finding.
type SuppressedBy struct {
	Owner   string `json:"owner"`
	Reason  string `json:"reason,omitempty"`
	Expires string `json:"expires"`
}

// Crossing is an edge between two trust zones.
type Crossing struct {
	ID           string   `json:"id"`
	From         string   `json:"from"`
	To           string   `json:"to"`
	FromZone     string   `json:"from_zone"`
	ToZone       string   `json:"to_zone"`
	Kind         string   `json:"kind"`
	Via          string   `json:"via,omitempty"`
	Exposure     string   `json:"exposure,omitempty"`
	Principal    string   `json:"principal,omitempty"`
	Label        string   `json:"label,omitempty"` // well-known vendor name of the outside account
	Actions      []string `json:"actions,omitempty"`
	Conditions   []string `json:"conditions,omitempty"`
	Certain      bool     `json:"certain"`
	Recognized   bool     `json:"recognized"`
	RecognizedBy string   `json:"recognized_by,omitempty"`
	EntryPoint   string   `json:"entry_point,omitempty"`
	Evidence     string   `json:"evidence,omitempty"`
}

// CompareCrossings orders unrecognized first, then public, then by ends.
func CompareCrossings(a, b Crossing) int {
	if a.Recognized != b.Recognized {
		if !a.Recognized {
			return -1
		}
		return 1
	}
	pa, pb := a.Exposure == "public", b.Exposure == "public"
	if pa != pb {
		if pa {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(a.To, b.To), cmp.Compare(a.From, b.From), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Via, b.Via))
}

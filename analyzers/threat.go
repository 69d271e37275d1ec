package analyzers

import "cmp"

// Threat is a STRIDE threat against one element or boundary crossing.
type Threat struct {
	ID          string       `json:"id"`
	Title       string       `json:"title"`
	STRIDE      []string     `json:"stride"`
	ResourceARN string       `json:"resource_arn"`
	Likelihood  int          `json:"likelihood"`
	Impact      int          `json:"impact"`
	Risk        int          `json:"risk"`
	Severity    Severity     `json:"severity"`
	AttackTree  *AttackNode  `json:"attack_tree"`
	Mitigations []string     `json:"mitigations"`
	References  []string     `json:"references,omitempty"`
	Reasons     ThreatReason `json:"reasons"`
	Recognized  bool         `json:"recognized"`
	EntryPoint  string       `json:"entry_point,omitempty"`
	AttackPath  string       `json:"attack_path,omitempty"`
}

// ThreatReason explains a threat's likelihood and impact scores.
type ThreatReason struct {
	Likelihood string `json:"likelihood"`
	Impact     string `json:"impact"`
}

// AttackNode is a node of an attack tree: a goal or sub-goal, and the
// failure condition that lets it hold in this account.
type AttackNode struct {
	Goal      string        `json:"goal"`
	Condition string        `json:"condition,omitempty"`
	Holds     string        `json:"holds"` // "true", "false", "unknown"
	Evidence  string        `json:"evidence,omitempty"`
	Children  []*AttackNode `json:"children,omitempty"`
}

// AttackPath is an ordered route from an outside zone to a target.
type AttackPath struct {
	ID       string     `json:"id"`
	FromZone string     `json:"from_zone"`
	Steps    []PathStep `json:"steps"`
	Target   string     `json:"target"`
	Severity Severity   `json:"severity"`
	EntryVia string     `json:"entry_via,omitempty"`
	Certain  bool       `json:"certain"`
}

// PathStep is one hop of an attack path.
type PathStep struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Edge     string `json:"edge"`
	Evidence string `json:"evidence,omitempty"`
}

// CompareThreats orders by risk (highest first), then id.
func CompareThreats(a, b Threat) int {
	return cmp.Or(cmp.Compare(b.Risk, a.Risk), cmp.Compare(a.ID, b.ID))
}

// ComparePaths orders by severity (highest first), length, then id.
func ComparePaths(a, b AttackPath) int {
	return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), cmp.Compare(len(a.Steps), len(b.Steps)), cmp.Compare(a.ID, b.ID))
}

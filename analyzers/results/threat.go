package results

import (
	"cmp"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// Threat is a STRIDE threat against one entry point.
type Threat struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	STRIDE      []string `json:"stride"`
	ResourceARN string   `json:"resource_arn"`
	Likelihood  int      `json:"likelihood"`
	Impact      int      `json:"impact"`
	Risk        int      `json:"risk"`
	Severity    Severity `json:"severity"`
	// Exposure and Access are the entry point's, for ordering threats of
	// equal risk.
	Exposure    policy.Verdict   `json:"exposure,omitempty"`
	Access      []graph.EdgeKind `json:"access,omitempty"`
	AttackTree  *AttackNode      `json:"attack_tree"`
	Mitigations []string         `json:"mitigations"`
	References  []string         `json:"references,omitempty"`
	Reasons     ThreatReason     `json:"reasons"`
	Recognized  bool             `json:"recognized"`
	EntryPoint  string           `json:"entry_point,omitempty"`
	AttackPath  string           `json:"attack_path,omitempty"`
}

// ThreatReason explains a threat's likelihood and impact scores.
type ThreatReason struct {
	Likelihood string `json:"likelihood"`
	Impact     string `json:"impact"`
}

// AttackNode is a node of an attack tree: a goal or sub-goal, and the
// failure condition that lets it hold in this account. The sub-threats of
// one threat share the nodes they have in common (the entry point, its
// authentication, the attack path's steps): a node is not changed once it
// is in a tree.
type AttackNode struct {
	Goal      string        `json:"goal"`
	Condition string        `json:"condition,omitempty"`
	Holds     graph.Tri     `json:"holds"`
	Evidence  string        `json:"evidence,omitempty"`
	Children  []*AttackNode `json:"children,omitempty"`
}

// CompareThreats orders by risk (highest first); ties by exposure (public
// first), then write or administer before read, then unrecognized first,
// then id.
func CompareThreats(a, b Threat) int {
	return cmp.Or(cmp.Compare(b.Risk, a.Risk), cmp.Compare(b.Exposure.Rank(), a.Exposure.Rank()),
		cmpBool(strong(b.Access), strong(a.Access)), cmpBool(a.Recognized, b.Recognized), cmp.Compare(a.ID, b.ID))
}

func strong(ks []graph.EdgeKind) bool {
	for _, k := range ks {
		if k.Strong() {
			return true
		}
	}
	return false
}

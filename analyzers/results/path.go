package results

import (
	"cmp"

	"github.com/trustmap/trustmap/graph"
)

// AttackPath is an ordered route from an outside zone to a target.
type AttackPath struct {
	ID       string     `json:"id"`
	FromZone graph.Zone `json:"from_zone"`
	Steps    []PathStep `json:"steps"`
	Target   string     `json:"target"`
	Severity Severity   `json:"severity"`
	EntryVia graph.Via  `json:"entry_via,omitempty"`
	Certain  bool       `json:"certain"`
}

// PathStep is one hop of an attack path.
type PathStep struct {
	From     string         `json:"from"`
	To       string         `json:"to"`
	Edge     graph.EdgeKind `json:"edge"`
	Via      graph.Via      `json:"via,omitempty"`
	Evidence string         `json:"evidence,omitempty"` // the hop's evidence in words
	// Key is set when the hop reaches data a KMS key protects: whether the
	// principal taking the hop may use the key as the access needs
	// (kms:Decrypt to read, kms:GenerateDataKey to write). Data it cannot
	// decrypt is ciphertext to it.
	Key *graph.KeyUse `json:"key,omitempty"`
}

// ComparePaths orders by severity (highest first), length, then id.
func ComparePaths(a, b AttackPath) int {
	return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), cmp.Compare(len(a.Steps), len(b.Steps)), cmp.Compare(a.ID, b.ID))
}

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

// EdgeImpact scores what the last hop of a path gives (docs/scoring.md):
// administer 5, write or assume 4, read, receive or send 3, invoke or run as
// 2, anything else 0.
func EdgeImpact(k graph.EdgeKind) int {
	switch k {
	case graph.EdgeCanAdminister:
		return 5
	case graph.EdgeCanWrite, graph.EdgeCanAssume:
		return 4
	case graph.EdgeCanRead, graph.EdgeCanReceive, graph.EdgeCanSend:
		return 3
	case graph.EdgeCanInvoke, graph.EdgeExecutesAs:
		return 2
	}
	return 0
}

// WorsePath orders paths by how bad they are for the entry point they
// start at: severity (highest first), then the impact of the last hop
// (EdgeImpact), then length (shortest first), then id. An entry point's
// threat is scored on its first path in this order.
func WorsePath(a, b AttackPath) int {
	return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), cmp.Compare(lastImpact(b), lastImpact(a)),
		cmp.Compare(len(a.Steps), len(b.Steps)), cmp.Compare(a.ID, b.ID))
}

func lastImpact(p AttackPath) int {
	if len(p.Steps) == 0 {
		return 0
	}
	return StepImpact(p.Steps[len(p.Steps)-1])
}

// StepImpact is EdgeImpact of a path's last hop, weighed by the KMS key of
// the data it reaches: data the principal cannot decrypt is ciphertext to
// it, so a read of it counts as a list (2), and a write it cannot encrypt
// one lower (it can still delete).
func StepImpact(s PathStep) int {
	return KeyedImpact(s.Edge, s.Key)
}

// KeyedImpact is EdgeImpact(k) weighed by what the principal may do with
// the key of the data (see StepImpact); key is nil when no key protects it.
func KeyedImpact(k graph.EdgeKind, key *graph.KeyUse) int {
	v := EdgeImpact(k)
	if key == nil || key.Access != graph.False || v == 0 {
		return v
	}
	if Reads(k) {
		return min(v, 2)
	}
	return v - 1
}

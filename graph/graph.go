package graph

import (
	"cmp"
	"slices"
)

// Graph is a resolved snapshot: its nodes, its structural edges plus the
// access edges Resolve derived, and indexes for the analyzers. It is
// read-only once built.
type Graph struct {
	Snapshot *Snapshot
	Nodes    []Node
	Edges    []Edge
	// Notes are observations Resolve made that are not edges: a policy that
	// could not be parsed, AWS's policy status disagreeing with ours, a
	// public grant that Block Public Access neutralises.
	Notes []Note
	// Scanned holds the scanned account ids.
	Scanned map[string]bool
	// OrgIDs maps a scanned account to its organization id when known.
	OrgIDs map[string]string

	orgOf map[string]string // account → organization (org.go)

	byID map[string]int
	out  map[string][]int
	in   map[string][]int
}

// Note is an observation about a resource that is not an edge.
type Note struct {
	Resource string   `json:"resource"`
	Kind     NoteKind `json:"kind"`
	Detail   string   `json:"detail"`
	Via      Via      `json:"via,omitempty"`
}

// Node returns the node with the given id.
func (g *Graph) Node(id string) (*Node, bool) {
	i, ok := g.byID[id]
	if !ok {
		return nil, false
	}
	return &g.Nodes[i], true
}

// Out returns the edges leaving id, in canonical order.
func (g *Graph) Out(id string) []*Edge {
	idx := g.out[id]
	es := make([]*Edge, len(idx))
	for i, j := range idx {
		es[i] = &g.Edges[j]
	}
	return es
}

// In returns the edges entering id, in canonical order.
func (g *Graph) In(id string) []*Edge {
	idx := g.in[id]
	es := make([]*Edge, len(idx))
	for i, j := range idx {
		es[i] = &g.Edges[j]
	}
	return es
}

// Zone returns the trust zone of the node with the given id. Ids that are
// not nodes (an ARN outside the scan) get the zone their account implies.
func (g *Graph) Zone(id string) Zone {
	if n, ok := g.Node(id); ok {
		return ZoneOf(n, g.Scanned)
	}
	acct := AccountOfARN(id)
	if acct == "" {
		return ZoneAnyAWSAccount
	}
	return ZoneOf(&Node{ID: id, Account: acct}, g.Scanned)
}

// Crosses reports whether e crosses a trust boundary.
func (g *Graph) Crosses(e *Edge) bool { return g.Zone(e.From) != g.Zone(e.To) }

// build indexes nodes and edges after sorting them.
func (g *Graph) build() {
	sortLarge(g.Nodes, func(a, b *Node) int { return cmp.Compare(a.ID, b.ID) })
	sortLarge(g.Edges, CompareEdges)
	g.Edges = mergeSorted(g.Edges)
	slices.SortFunc(g.Notes, func(a, b Note) int {
		return cmp.Or(cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Via, b.Via), cmp.Compare(a.Detail, b.Detail))
	})
	g.Notes = slices.Compact(g.Notes)
	g.byID = make(map[string]int, len(g.Nodes))
	for i, n := range g.Nodes {
		g.byID[n.ID] = i
	}
	g.out = map[string][]int{}
	g.in = map[string][]int{}
	for i, e := range g.Edges {
		g.out[e.From] = append(g.out[e.From], i)
		g.in[e.To] = append(g.in[e.To], i)
	}
}

// sortLarge sorts s as slices.SortFunc(s, cmp) would, to the same order
// (equal elements included: pdqsort's moves depend only on the comparisons,
// which are the same), but sorts int32 indexes and then moves each element
// once, instead of swapping elements of hundreds of bytes all along.
func sortLarge[T any](s []T, cmp func(a, b *T) int) {
	if len(s) < 2 {
		return
	}
	idx := make([]int32, len(s))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return cmp(&s[a], &s[b]) })
	// Position i takes s[idx[i]]: follow each cycle of the permutation.
	for i := range idx {
		if idx[i] < 0 || int(idx[i]) == i {
			continue
		}
		tmp := s[i]
		j := i
		for {
			k := int(idx[j])
			idx[j] = -1
			if k == i {
				s[j] = tmp
				break
			}
			s[j] = s[k]
			j = k
		}
	}
}

// AccountOfARN returns the account segment of an ARN ("" when there is none).
func AccountOfARN(arn string) string {
	// arn:partition:service:region:account:resource
	parts := 0
	start := 0
	for i := 0; i < len(arn); i++ {
		if arn[i] == ':' {
			parts++
			if parts == 4 {
				start = i + 1
			} else if parts == 5 {
				return arn[start:i]
			}
		}
	}
	return ""
}

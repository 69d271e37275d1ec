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
	// out holds, for each id with edges leaving it, their span of Edges
	// (sorted by From first, so they are consecutive); in, for each id
	// with edges entering it, its span of inOrder, which lists edge
	// indexes by To, each To's in canonical order. A large account has
	// hundreds of thousands of edges: a slice of indexes per id cost more
	// than the edges' endpoints.
	out     map[string]span
	in      map[string]span
	inOrder []int32
}

// span is a half-open range of indexes.
type span struct{ start, end int32 }

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
	sp := g.out[id]
	es := make([]*Edge, sp.end-sp.start)
	for i := range es {
		es[i] = &g.Edges[int(sp.start)+i]
	}
	return es
}

// In returns the edges entering id, in canonical order.
func (g *Graph) In(id string) []*Edge {
	sp := g.in[id]
	es := make([]*Edge, sp.end-sp.start)
	for i, j := range g.inOrder[sp.start:sp.end] {
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
	if len(g.Edges) < cap(g.Edges)-cap(g.Edges)/8 {
		// Merging left a large tail (a fifth of a large account's edges
		// are the same edge found twice): an array of exactly the edges
		// costs a moment's copy and saves the tail for the whole analysis.
		g.Edges = slices.Clone(g.Edges)
	}
	shareEdgeSlices(g.Edges)
	slices.SortFunc(g.Notes, func(a, b Note) int {
		return cmp.Or(cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Kind, b.Kind), a.Via.Compare(b.Via), cmp.Compare(a.Detail, b.Detail))
	})
	g.Notes = slices.Compact(g.Notes)
	g.byID = make(map[string]int, len(g.Nodes))
	for i, n := range g.Nodes {
		g.byID[n.ID] = i
	}
	g.out = map[string]span{}
	for i := 0; i < len(g.Edges); {
		j := i + 1
		for j < len(g.Edges) && g.Edges[j].From == g.Edges[i].From {
			j++
		}
		g.out[g.Edges[i].From] = span{int32(i), int32(j)}
		i = j
	}
	// in: count the edges into each id, give each id its span (end left
	// at start), then place the edges in order, moving each end on.
	count := map[string]int32{}
	for i := range g.Edges {
		count[g.Edges[i].To]++
	}
	g.in = make(map[string]span, len(count))
	var off int32
	for i := range g.Edges {
		to := g.Edges[i].To
		if _, ok := g.in[to]; !ok {
			g.in[to] = span{off, off}
			off += count[to]
		}
	}
	g.inOrder = make([]int32, len(g.Edges))
	for i := range g.Edges {
		sp := g.in[g.Edges[i].To]
		g.inOrder[sp.end] = int32(i)
		sp.end++
		g.in[g.Edges[i].To] = sp
	}
}

// sortLarge sorts s by cmp, keeping equal elements in their order (as
// slices.SortStableFunc does), but sorts int32 indexes and then moves each
// element once, instead of swapping elements of hundreds of bytes all
// along. Stable, because equal edges are merged in the order they were
// added (mergeSorted), as the builder once merged them on arrival.
func sortLarge[T any](s []T, cmp func(a, b *T) int) {
	if len(s) < 2 {
		return
	}
	idx := make([]int32, len(s))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c := cmp(&s[a], &s[b]); c != 0 {
			return c
		}
		return int(a - b) // distinct indexes never overflow this
	})
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

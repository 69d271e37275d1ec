package graph

import (
	"cmp"
	"reflect"
	"slices"
	"sync"
	"time"
)

// Builder collects nodes, edges and gaps from concurrent collectors.
// It is safe for concurrent use. Freeze sorts everything so that a snapshot
// never depends on goroutine timing.
//
// Nodes and edges are kept in the arrays the snapshot will have, not as
// one allocation each behind a map: Freeze hands the arrays over instead
// of copying them, and at 100,000 resources the maps, the separate nodes
// and edges and the snapshot's copies of them, all alive at once, were
// the largest moment of a scan. Edges with one key are merged at Freeze,
// in the order they were added (SortSnapshot).
type Builder struct {
	mu    sync.Mutex
	index map[string]int32 // node id → its position in nodes
	nodes []Node
	edges []Edge
	gaps  map[Gap]bool
	accts map[string]bool
	regs  map[string]bool
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder {
	return &Builder{
		index: map[string]int32{},
		gaps:  map[Gap]bool{},
		accts: map[string]bool{},
		regs:  map[string]bool{},
	}
}

// AddNode adds n, or updates the node with the same id: fields set in n
// replace those of the existing node.
func (b *Builder) AddNode(n Node) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if i, ok := b.index[n.ID]; ok {
		merge(&b.nodes[i], &n)
		return
	}
	b.index[n.ID] = int32(len(b.nodes))
	b.nodes = append(b.nodes, n)
}

// UpdateNode calls fn with the node of the given id under the builder's
// lock, creating it with kind k first if it does not exist. fn must not
// keep the pointer: the node moves when the builder's array grows.
func (b *Builder) UpdateNode(id string, k Kind, fn func(*Node)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	i, ok := b.index[id]
	if !ok {
		i = int32(len(b.nodes))
		b.index[id] = i
		b.nodes = append(b.nodes, Node{ID: id, Kind: k})
	}
	fn(&b.nodes[i])
}

// AddEdge adds e; an edge with the same key (Edge.Key) is merged with it
// at Freeze (Edge.Merge), keeping the evidence of both.
func (b *Builder) AddEdge(e Edge) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.edges = append(b.edges, e)
}

// AddGap records a coverage gap.
func (b *Builder) AddGap(g Gap) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.gaps[g] = true
}

// AddScope records an account and region the scan covered.
func (b *Builder) AddScope(account, region string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if account != "" {
		b.accts[account] = true
	}
	if region != "" {
		b.regs[region] = true
	}
}

// Freeze returns the snapshot of everything added, sorted, and empties the
// builder: the snapshot takes its node and edge arrays rather than copies.
func (b *Builder) Freeze(tool Tool, scannedAt time.Time) *Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.edges == nil {
		b.edges = []Edge{} // "edges": [], not null, for an account with none
	}
	s := &Snapshot{
		SchemaVersion: SchemaVersion,
		Tool:          tool,
		ScannedAt:     scannedAt.UTC(),
		Complete:      true,
		Accounts:      sortedKeys(b.accts),
		Regions:       sortedKeys(b.regs),
		// Room for Resolve's principals (ResolveInPlace).
		Nodes:    slices.Grow(b.nodes, PrincipalRoom(len(b.nodes))),
		Edges:    b.edges,
		Coverage: make([]Gap, 0, len(b.gaps)),
	}
	for g := range b.gaps {
		s.Coverage = append(s.Coverage, g)
	}
	b.index, b.nodes, b.edges = map[string]int32{}, nil, nil
	b.gaps, b.accts, b.regs = map[Gap]bool{}, map[string]bool{}, map[string]bool{}
	SortSnapshot(s)
	s.intern() // the collectors' strings, some in the SDK's blocks
	return s
}

// SortSnapshot puts nodes, edges and gaps in their canonical order.
func SortSnapshot(s *Snapshot) {
	sortLarge(s.Nodes, func(a, b *Node) int { return cmp.Compare(a.ID, b.ID) })
	sortLarge(s.Edges, CompareEdges)
	s.Edges = mergeSorted(s.Edges)
	slices.SortFunc(s.Coverage, func(a, b Gap) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Service, b.Service),
			cmp.Compare(a.Region, b.Region), cmp.Compare(a.API, b.API),
			cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Status, b.Status), cmp.Compare(a.Error, b.Error))
	})
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// merge copies the set fields of src into dst: the kind, name, account and
// region when set, the tags, and the attributes when src has them.
func merge(dst, src *Node) {
	if src.Kind != "" {
		dst.Kind = src.Kind
	}
	if src.Name != "" {
		dst.Name = src.Name
	}
	if src.Account != "" {
		dst.Account = src.Account
	}
	if src.Region != "" {
		dst.Region = src.Region
	}
	for k, v := range src.Tags {
		if dst.Tags == nil {
			dst.Tags = map[string]string{}
		}
		dst.Tags[k] = v
	}
	// A nil pointer of an attribute type is no attributes, as a nil
	// pointer field was before a node's attributes were one field.
	if src.Attrs != nil && !reflect.ValueOf(src.Attrs).IsNil() {
		dst.Attrs = src.Attrs
	}
}

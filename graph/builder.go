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
type Builder struct {
	mu    sync.Mutex
	nodes map[string]*Node
	edges map[EdgeKey]*Edge
	gaps  map[Gap]bool
	accts map[string]bool
	regs  map[string]bool
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder {
	return &Builder{
		nodes: map[string]*Node{},
		edges: map[EdgeKey]*Edge{},
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
	old, ok := b.nodes[n.ID]
	if !ok {
		nn := n
		b.nodes[n.ID] = &nn
		return
	}
	merge(old, &n)
}

// UpdateNode calls fn with the node of the given id under the builder's
// lock, creating it with kind k first if it does not exist.
func (b *Builder) UpdateNode(id string, k Kind, fn func(*Node)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, ok := b.nodes[id]
	if !ok {
		n = &Node{ID: id, Kind: k}
		b.nodes[id] = n
	}
	fn(n)
}

// AddEdge adds e; an edge with the same key (Edge.Key) is merged with it
// (Edge.Merge), keeping the evidence of both.
func (b *Builder) AddEdge(e Edge) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := e.Key()
	if old, ok := b.edges[k]; ok {
		old.Merge(e)
		return
	}
	b.edges[k] = &e
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

// Freeze returns the snapshot of everything added, sorted.
func (b *Builder) Freeze(tool Tool, scannedAt time.Time) *Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := &Snapshot{
		SchemaVersion: SchemaVersion,
		Tool:          tool,
		ScannedAt:     scannedAt.UTC(),
		Complete:      true,
		Accounts:      sortedKeys(b.accts),
		Regions:       sortedKeys(b.regs),
		Nodes:         make([]Node, 0, len(b.nodes)+PrincipalRoom(len(b.nodes))), // room for Resolve's principals (ResolveInPlace)
		Edges:         make([]Edge, 0, len(b.edges)),
		Coverage:      make([]Gap, 0, len(b.gaps)),
	}
	for _, n := range b.nodes {
		s.Nodes = append(s.Nodes, *n)
	}
	for _, e := range b.edges {
		s.Edges = append(s.Edges, *e)
	}
	for g := range b.gaps {
		s.Coverage = append(s.Coverage, g)
	}
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

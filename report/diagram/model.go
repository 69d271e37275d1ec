// Package diagram is the one picture of the report: a view model of the
// graph (trust zones, the nodes inside them, the data flows between them)
// and one layout engine that places it on a grid. The SVG of the HTML
// report, the Threat Dragon model, Mermaid and Graphviz DOT all draw the
// same Model; SVG and Threat Dragon also share its Layout (Mermaid and DOT
// are laid out by their own renderers).
//
// How a node is drawn follows its kind's class (graph.Kind.Class):
// principals are external entities, data is a store, everything else a
// process; its column follows the flows, so a new service's kinds draw
// sensibly without a change here.
package diagram

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

// Scope is what a Model holds.
type Scope int

const (
	// Reach is what outside principals reach: the principals outside the
	// scanned accounts that reach in, every resource that is an entry point
	// or lies on an attack path, and the edges between them (trust-boundary
	// crossings, attack-path steps, and the graph's edges that join two
	// resources already shown). Resources nothing outside reaches are left
	// out, so the picture stays readable on a large account.
	Reach Scope = iota
	// Everything is every node of the graph but accounts and managed-policy
	// documents, with the structural edges, the access edges that cross a
	// trust boundary and those an attack path walks: what the interchange
	// formats (OTM, Threat Dragon) model.
	Everything
)

// Shape is the DFD element a node draws as.
type Shape int

// Shapes.
const (
	Actor   Shape = iota // external entity: a box
	Process              // process: a rounded box or ellipse
	Store                // data store: a cylinder
)

func (s Shape) String() string {
	switch s {
	case Process:
		return "process"
	case Store:
		return "store"
	}
	return "actor"
}

// ShapeOf is the shape of a kind, decided by its class.
func ShapeOf(k graph.Kind) Shape {
	switch k.Class() {
	case graph.ClassPrincipal:
		return Actor
	case graph.ClassData:
		return Store
	}
	return Process
}

// Node is one drawn element.
type Node struct {
	ID    string      // graph node id (an ARN or a principal id)
	Graph *graph.Node // nil when the id is not a node of the graph
	Kind  graph.Kind
	Name  string // the node's name (report.Name)
	Label string // its caption in a drawing
	Sub   string // what it is ("S3 bucket")
	Shape Shape
	Zone  *Zone
	// Parent is the id of the node that contains it (an API for its
	// methods), or "".
	Parent string
	// Entry is set when an entry point targets the node; Unrecognized
	// when one of them is not recognized; Severity is the highest of them.
	Entry        bool
	Unrecognized bool
	Severity     results.Severity
	Threats      []results.Threat
}

// Zone is a trust zone: a box in a drawing.
type Zone struct {
	ID      graph.Zone
	Name    string // for people (report.ZoneName)
	Type    string // internet, any-aws-account, federated, external-account, organization, aws-service, account
	Rank    int    // least trusted first
	Outside bool   // outside every scanned account (an organization holding one is inside)
	// Parent is the zone it is drawn in (an account in its organization).
	Parent   *Zone
	Children []*Zone
	Nodes    []*Node
}

// Caption is the zone's title in a drawing: its name, and "(scanned)" for
// a scanned account.
func (z *Zone) Caption() string {
	if z.Type == "account" {
		return z.Name + " (scanned)"
	}
	return z.Name
}

// Edge is the drawn line between two nodes: every flow from one to the
// other.
type Edge struct {
	From, To     *Node
	Kinds        []graph.EdgeKind
	Crossing     bool // crosses a trust boundary
	Unrecognized bool // ... and nobody recognized it
	OnPath       bool // a step of an attack path
	Paths        []string
}

// Label is the edge's caption: its kinds.
func (e *Edge) Label() string {
	ks := make([]string, len(e.Kinds))
	for i, k := range e.Kinds {
		ks[i] = k.String()
	}
	return strings.Join(ks, ", ")
}

// Priority orders edges for truncation: attack-path steps first, then
// unrecognized crossings, recognized crossings, context.
func (e *Edge) Priority() int {
	switch {
	case e.OnPath:
		return 0
	case e.Unrecognized:
		return 1
	case e.Crossing:
		return 2
	}
	return 3
}

// Model is the view of the graph a diagram draws.
type Model struct {
	Zones []*Zone // top level, least trusted first; nested zones in Children
	Nodes []*Node // zone order, then class, name, id
	Edges []*Edge // by (from, to)
	// Flows are the graph's edges behind Edges (Everything scope, with a
	// graph), in the graph's order: the exports write one data flow each.
	Flows []graph.Edge
	byID  map[string]*Node
}

// Node returns the node with the given id, or nil.
func (m *Model) Node(id string) *Node { return m.byID[id] }

// AllZones lists every zone, parents before their children.
func (m *Model) AllZones() []*Zone {
	var out []*Zone
	var walk func(z *Zone)
	walk = func(z *Zone) {
		out = append(out, z)
		for _, c := range z.Children {
			walk(c)
		}
	}
	for _, z := range m.Zones {
		walk(z)
	}
	return out
}

// Build derives the model of the given scope from the writers' input. It
// works from the report alone when the input has no graph.
func Build(in report.Input, scope Scope) *Model {
	b := &builder{in: in, m: &Model{byID: map[string]*Node{}}, edges: map[[2]string]*Edge{}, crossZone: map[string]graph.Zone{},
		crossLabel: map[string]string{}, zoneLabel: map[graph.Zone]string{}, scanned: map[string]bool{}}
	r := in.Report
	for _, a := range r.Accounts {
		b.scanned[a] = true
	}
	for _, c := range r.Boundaries {
		b.crossZone[c.From], b.crossZone[c.To] = c.FromZone, c.ToZone
		if c.Label != "" {
			b.crossLabel[c.From] = c.Label
			b.zoneLabel[c.FromZone] = c.Label
		}
	}
	if scope == Everything {
		b.everything()
	} else {
		b.reach()
	}
	for _, t := range r.Threats {
		if n := b.node(t.ResourceARN, scope == Everything); n != nil {
			n.Threats = append(n.Threats, t)
		}
	}
	b.finish()
	return b.m
}

type builder struct {
	in         report.Input
	m          *Model
	edges      map[[2]string]*Edge
	crossZone  map[string]graph.Zone
	crossLabel map[string]string
	zoneLabel  map[graph.Zone]string
	scanned    map[string]bool
}

func (b *builder) zoneOf(id string, n *graph.Node) graph.Zone {
	if g := b.in.Graph; g != nil {
		return g.Zone(id)
	}
	if z, ok := b.crossZone[id]; ok {
		return z
	}
	if n == nil {
		n = &graph.Node{ID: id, Kind: report.KindOfID(id), Account: graph.AccountOfARN(id)}
		if n.Kind == graph.KindExternalAccount {
			n.Account = strings.TrimPrefix(id, "account:")
		}
	}
	return graph.ZoneOf(n, b.scanned)
}

// node returns the node with the given id, adding it when add is set.
func (b *builder) node(id string, add bool) *Node {
	if n, ok := b.m.byID[id]; ok || !add {
		return n
	}
	n := &Node{ID: id}
	if b.in.Graph != nil {
		n.Graph, _ = b.in.Graph.Node(id)
	}
	if n.Graph != nil {
		n.Kind = n.Graph.Kind
	} else {
		n.Kind = report.KindOfID(id)
	}
	n.Name = report.Name(id, n.Graph)
	n.Label = n.Name
	if n.Graph == nil || n.Graph.Name == "" || n.Graph.Name == id || n.Kind == graph.KindExternalAccount {
		n.Label = report.DisplayID(id)
	}
	if l := b.crossLabel[id]; l != "" {
		n.Label += " (" + l + ")"
	}
	n.Sub = report.KindText(n.Kind)
	n.Shape = ShapeOf(n.Kind)
	b.m.byID[id] = n
	return n
}

func (b *builder) edge(from, to string, kind graph.EdgeKind) *Edge {
	k := [2]string{from, to}
	e, ok := b.edges[k]
	if !ok {
		e = &Edge{From: b.node(from, true), To: b.node(to, true)}
		b.edges[k] = e
	}
	if !slices.Contains(e.Kinds, kind) {
		e.Kinds = append(e.Kinds, kind)
	}
	return e
}

// mark records what the report says about the nodes and edges already in
// the model (reach adds them first).
func (b *builder) mark(add bool) {
	r := b.in.Report
	for _, ep := range r.EntryPoints {
		n := b.node(ep.ResourceARN, add)
		if n == nil {
			continue
		}
		n.Entry = true
		if !ep.Recognized {
			n.Unrecognized = true
		}
		if n.Severity == "" || ep.Severity.Rank() > n.Severity.Rank() {
			n.Severity = ep.Severity
		}
	}
	for _, c := range r.Boundaries {
		if !add && (b.m.byID[c.From] == nil || b.m.byID[c.To] == nil || b.edges[[2]string{c.From, c.To}] == nil) {
			continue
		}
		e := b.edge(c.From, c.To, c.Kind)
		e.Crossing = true
		if !c.Recognized {
			e.Unrecognized = true
		}
	}
	for _, ap := range r.AttackPaths {
		for _, st := range ap.Steps {
			if !add && b.edges[[2]string{st.From, st.To}] == nil {
				continue
			}
			e := b.edge(st.From, st.To, st.Edge)
			e.OnPath = true
			if !slices.Contains(e.Paths, ap.ID) {
				e.Paths = append(e.Paths, ap.ID)
			}
		}
	}
}

func (b *builder) reach() {
	b.mark(true)
	// Context: edges of the graph between two resources already shown.
	if g := b.in.Graph; g != nil {
		for i := range g.Edges {
			ge := &g.Edges[i]
			x, y := b.m.byID[ge.From], b.m.byID[ge.To]
			if x == nil || y == nil || x == y {
				continue
			}
			e := b.edge(ge.From, ge.To, ge.Kind)
			if g.Crosses(ge) {
				e.Crossing = true
			}
		}
	}
}

func (b *builder) everything() {
	g := b.in.Graph
	if g == nil {
		b.mark(true)
		return
	}
	excluded := map[string]bool{}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if n.Kind == graph.KindAccount || n.Kind == graph.KindIAMPolicy {
			excluded[n.ID] = true
			continue
		}
		b.node(n.ID, true)
	}
	onPath := map[[3]string]bool{}
	for _, p := range b.in.Report.AttackPaths {
		for _, s := range p.Steps {
			onPath[[3]string{s.From, s.To, s.Edge.String()}] = true
		}
	}
	for _, e := range g.Edges {
		if excluded[e.From] || excluded[e.To] {
			continue
		}
		if e.Kind.IsAccess() && !g.Crosses(&e) && !onPath[[3]string{e.From, e.To, e.Kind.String()}] {
			continue
		}
		de := b.edge(e.From, e.To, e.Kind)
		if g.Crosses(&e) {
			de.Crossing = true
		}
		b.m.Flows = append(b.m.Flows, e)
	}
	for _, e := range b.m.Flows {
		switch {
		case e.Kind == graph.EdgeContains || e.Kind == graph.EdgeHasKey:
			b.setParent(e.To, e.From)
		case e.Kind == graph.EdgeRoutesTo && b.m.byID[e.From].Kind.Class() == graph.ClassFrontDoor && b.m.byID[e.To].Kind.Class() == graph.ClassCompute:
			// A function URL belongs to its function.
			b.setParent(e.From, e.To)
		}
	}
	b.mark(false)
}

// setParent nests child in parent when both are nodes of one zone.
func (b *builder) setParent(child, parent string) {
	c, p := b.m.byID[child], b.m.byID[parent]
	if c == nil || p == nil || p.Parent == child || c.Parent != "" {
		return
	}
	if b.zoneOf(c.ID, c.Graph) == b.zoneOf(p.ID, p.Graph) {
		c.Parent = parent
	}
}

func (b *builder) finish() {
	m := b.m
	for _, e := range b.edges {
		slices.SortFunc(e.Kinds, graph.EdgeKind.Compare)
		slices.Sort(e.Paths)
		m.Edges = append(m.Edges, e)
	}
	slices.SortFunc(m.Edges, func(x, y *Edge) int {
		return cmp.Or(cmp.Compare(x.From.ID, y.From.ID), cmp.Compare(x.To.ID, y.To.ID))
	})

	// Zones, with accounts nested in their organization when known.
	zones := map[graph.Zone]*Zone{}
	var zone func(id graph.Zone) *Zone
	zone = func(id graph.Zone) *Zone {
		if z, ok := zones[id]; ok {
			return z
		}
		z := &Zone{ID: id, Outside: id.Outside(), Name: report.ZoneName(id, b.zoneLabel[id], b.in.Graph)}
		z.Type, z.Rank = report.ZoneType(id)
		zones[id] = z
		if acct, ok := strings.CutPrefix(string(id), "account:"); ok && b.in.Graph != nil {
			if org := b.in.Graph.OrgIDs[acct]; org != "" {
				p := zone(graph.ZoneOrganization(org))
				z.Parent = p
				p.Children = append(p.Children, z)
				p.Outside = false
			}
		}
		return z
	}
	for _, n := range m.byID {
		n.Zone = zone(b.zoneOf(n.ID, n.Graph))
		m.Nodes = append(m.Nodes, n)
	}
	for _, z := range zones {
		if z.Parent == nil {
			m.Zones = append(m.Zones, z)
		}
		slices.SortFunc(z.Children, compareZones)
	}
	slices.SortFunc(m.Zones, compareZones)
	order := map[*Zone]int{}
	for i, z := range m.AllZones() {
		order[z] = i
	}
	slices.SortFunc(m.Nodes, func(x, y *Node) int {
		return cmp.Or(cmp.Compare(order[x.Zone], order[y.Zone]), cmp.Compare(classRank(x.Kind), classRank(y.Kind)),
			cmp.Compare(x.Name, y.Name), cmp.Compare(x.ID, y.ID))
	})
	for _, n := range m.Nodes {
		n.Zone.Nodes = append(n.Zone.Nodes, n)
	}
}

func compareZones(a, b *Zone) int {
	if a.Outside != b.Outside {
		if a.Outside {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.ID, b.ID))
}

// classRank orders nodes along the way a request travels: callers, what
// groups the ways in, the ways in, compute, identities, data, the rest.
func classRank(k graph.Kind) int {
	switch k.Class() {
	case graph.ClassPrincipal:
		return 0
	case graph.ClassGrouping:
		return 1
	case graph.ClassFrontDoor:
		return 2
	case graph.ClassCompute:
		return 3
	case graph.ClassIdentity:
		return 4
	case graph.ClassData:
		return 5
	}
	return 6
}

// Limit returns the edges to draw when at most max fit, highest priority
// first, and the nodes they touch; dropped counts the edges left out.
func (m *Model) Limit(max int) (nodes map[*Node]bool, edges []*Edge, dropped int) {
	sorted := slices.Clone(m.Edges)
	slices.SortStableFunc(sorted, func(a, b *Edge) int { return cmp.Compare(a.Priority(), b.Priority()) })
	if len(sorted) > max {
		dropped = len(sorted) - max
		sorted = sorted[:max]
	}
	keep := map[*Edge]bool{}
	for _, e := range sorted {
		keep[e] = true
	}
	nodes = map[*Node]bool{}
	for _, e := range m.Edges {
		if keep[e] {
			edges = append(edges, e)
			nodes[e.From], nodes[e.To] = true, true
		}
	}
	if dropped == 0 {
		for _, n := range m.Nodes {
			nodes[n] = true
		}
	}
	return nodes, edges, dropped
}

// Subset is the model of the given nodes and of the edges between them,
// with the zones that hold them.
func (m *Model) Subset(keep map[*Node]bool, edges []*Edge) *Model {
	s := &Model{byID: map[string]*Node{}}
	copies := map[*Zone]*Zone{}
	var zone func(z *Zone) *Zone
	zone = func(z *Zone) *Zone {
		if c, ok := copies[z]; ok {
			return c
		}
		c := &Zone{ID: z.ID, Name: z.Name, Type: z.Type, Rank: z.Rank, Outside: z.Outside}
		copies[z] = c
		if z.Parent != nil {
			c.Parent = zone(z.Parent)
			c.Parent.Children = append(c.Parent.Children, c)
		} else {
			s.Zones = append(s.Zones, c)
		}
		return c
	}
	// Visit zones in the model's order so that copies keep it.
	for _, z := range m.AllZones() {
		for _, n := range z.Nodes {
			if keep[n] {
				zone(z)
				break
			}
		}
	}
	nodes := map[*Node]*Node{}
	for _, n := range m.Nodes {
		if keep[n] {
			c := *n
			c.Zone = copies[n.Zone]
			c.Zone.Nodes = append(c.Zone.Nodes, &c)
			nodes[n] = &c
			s.Nodes = append(s.Nodes, &c)
			s.byID[c.ID] = &c
		}
	}
	for _, e := range edges {
		if nodes[e.From] != nil && nodes[e.To] != nil {
			c := *e
			c.From, c.To = nodes[e.From], nodes[e.To]
			s.Edges = append(s.Edges, &c)
		}
	}
	// An organization copied only as the parent of an account still holds
	// it; zones left empty (no node anywhere inside) are dropped.
	s.Zones = slices.DeleteFunc(s.Zones, func(z *Zone) bool { return !zoneHasNodes(z) })
	return s
}

func zoneHasNodes(z *Zone) bool {
	if len(z.Nodes) > 0 {
		return true
	}
	for _, c := range z.Children {
		if zoneHasNodes(c) {
			return true
		}
	}
	return false
}

// ByOutsideZone splits the model into one model per outside zone: the
// zone's principals, what they reach across the boundary, and the attack
// paths that continue from there. Zones whose principals reach nothing
// are left out.
func (m *Model) ByOutsideZone() []*Model {
	out := map[*Node][]*Edge{}
	for _, e := range m.Edges {
		out[e.From] = append(out[e.From], e)
	}
	var views []*Model
	for _, z := range m.AllZones() {
		if !z.Outside || len(z.Nodes) == 0 {
			continue
		}
		keep := map[*Node]bool{}
		var edges []*Edge
		var queue []*Node
		for _, n := range z.Nodes {
			keep[n] = true
			queue = append(queue, n)
		}
		seen := map[*Edge]bool{}
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			for _, e := range out[n] {
				// From the zone's principals every crossing; from there on,
				// attack-path steps only.
				if seen[e] || (n.Zone != z && !e.OnPath) || (n.Zone == z && !e.Crossing && !e.OnPath) {
					continue
				}
				if e.To.Zone.Outside && e.To.Zone != z {
					continue
				}
				seen[e] = true
				edges = append(edges, e)
				if !keep[e.To] {
					keep[e.To] = true
					queue = append(queue, e.To)
				}
			}
		}
		if len(edges) == 0 {
			continue
		}
		views = append(views, m.Subset(keep, edges))
	}
	return views
}

// SafeID turns any string into an identifier made of [A-Za-z0-9_] that
// starts with prefix: a readable part and a hash of the whole, so two ids
// never meet and no id is a keyword (Mermaid's "end", DOT's "node").
func SafeID(prefix, s string) string {
	var b strings.Builder
	b.WriteString(prefix)
	n := 0
	for _, r := range strings.ToLower(report.ShortID(s)) {
		if n == 24 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
		n++
	}
	sum := sha256.Sum256([]byte(s))
	b.WriteByte('_')
	b.WriteString(hex.EncodeToString(sum[:5]))
	return b.String()
}

// Package paths defines the paths analyzer: attack paths from each zone
// outside the scanned accounts, through an entry point, along the
// structural and permission edges of the graph (API method → function,
// queue → function, function → execution role, role → data store, role →
// role it can assume), to what they reach. Paths are shortest first; each
// step carries the evidence for its hop.
package paths

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// Analyzer finds attack paths.
var Analyzer = &analyzers.Analyzer{
	Name:       "paths",
	Doc:        "attack paths: outside zone → entry point → compute → role → data, shortest first",
	URL:        "https://github.com/trustmap/trustmap/blob/main/docs/analyzers.md#paths",
	ResultType: reflect.TypeFor[[]results.AttackPath](),
	Run:        run,
}

// MaxPaths bounds the paths reported (the shortest are kept).
const MaxPaths = 1000

// follows says which edges a path may take after its first hop. A
// provides-code edge (a repository or layer into the functions that run
// its code) is taken only by a path that arrived with write access (see
// hop.writer): a generalisation, not a case of ECR — any edge that carries
// a writer's influence is followed only by writers.
func follows(e *graph.Edge) bool {
	switch e.Kind {
	case graph.EdgeRoutesTo, graph.EdgeIntegratesWith, graph.EdgeTriggers, graph.EdgeExecutesAs, graph.EdgeProvidesCode:
		return e.Certainty != graph.False // a disabled event source mapping leads nowhere
	}
	return e.Via == graph.ViaIdentityPolicy && e.Kind.IsAccess()
}

// isTarget says whether a path may end at a node: data stores, roles and
// compute reached beyond the entry point.
func isTarget(n *graph.Node) bool {
	switch n.Kind.Class() {
	case graph.ClassData, graph.ClassIdentity, graph.ClassCompute:
		return n.Kind != graph.KindAccessKey && n.Kind != graph.KindIAMPolicy
	}
	return false
}

type hop struct {
	prev int // index into the BFS record, -1 for the start
	edge *graph.Edge
	node string
	// writer says the path arrived at node with write access (write,
	// administer, assume): only such a path goes on along provides-code,
	// since whoever can only read a repository or a layer runs nothing.
	writer bool
}

// visit is what the search remembers of a node: reaching a node that
// provides code with write access is a different state from reaching it
// to read, since only the first leads on into what runs the code.
type visit struct {
	node   string
	writer bool
}

func run(pass *analyzers.Pass) (any, error) {
	g := pass.Graph
	// Keep only the best MaxPaths as they are found, so memory stays
	// bounded on large accounts (ComparePaths ends on the unique id, so the
	// result is the same as sorting everything).
	out := []results.AttackPath{}
	keep := func(p results.AttackPath) {
		out = append(out, p)
		if len(out) >= 2*MaxPaths {
			slices.SortFunc(out, results.ComparePaths)
			clear(out[MaxPaths:])
			out = out[:MaxPaths]
		}
	}
	for i := range g.Nodes {
		start := &g.Nodes[i]
		if !start.Kind.IsPrincipal() || !g.Zone(start.ID).Outside() {
			continue
		}
		fromStart(g, start, keep)
	}
	slices.SortFunc(out, results.ComparePaths)
	if len(out) > MaxPaths {
		out = slices.Clone(out[:MaxPaths])
	}
	return out, nil
}

// fromStart runs, for each entry point an outside principal can use, a
// breadth-first search from it, and hands keep one shortest path to every
// target reached beyond it. Each entry point is searched on its own, so that
// every entry point's threat sees the worst it leads to, even where another
// entry point reaches the same targets first.
func fromStart(g *graph.Graph, start *graph.Node, keep func(results.AttackPath)) {
	zone := g.Zone(start.ID)
	for _, e := range g.Out(start.ID) {
		if !e.Kind.IsAccess() || e.Exposure == policy.Internal || e.Exposure == "" || e.To == start.ID {
			continue
		}
		fromEntry(g, zone, start, e, keep)
	}
}

// fromEntry searches breadth-first from one entry edge.
func fromEntry(g *graph.Graph, zone graph.Zone, start *graph.Node, entry *graph.Edge, keep func(results.AttackPath)) {
	codes := map[string]bool{}
	providesCode := func(id string) bool {
		v, ok := codes[id]
		if !ok {
			v = slices.ContainsFunc(g.Out(id), func(e *graph.Edge) bool { return e.Kind == graph.EdgeProvidesCode })
			codes[id] = v
		}
		return v
	}
	arrive := func(e *graph.Edge) visit {
		return visit{e.To, e.Kind.Strong() && providesCode(e.To)}
	}
	first := arrive(entry)
	rec := []hop{{prev: -1, edge: entry, node: entry.To, writer: first.writer}}
	seen := map[visit]bool{{start.ID, false}: true, first: true}
	queue := []int{0}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, e := range g.Out(rec[cur].node) {
			if !follows(e) || (e.Kind == graph.EdgeProvidesCode && !rec[cur].writer) {
				continue
			}
			v := arrive(e)
			// A node reached as a writer need not be reached again to read.
			if seen[v] || (!v.writer && seen[visit{e.To, true}]) || e.To == start.ID {
				continue
			}
			seen[v] = true
			rec = append(rec, hop{prev: cur, edge: e, node: e.To, writer: v.writer})
			idx := len(rec) - 1
			queue = append(queue, idx)
			if n, ok := g.Node(e.To); ok && isTarget(n) {
				keep(build(g, zone, start, rec, idx))
			}
		}
	}
}

func build(g *graph.Graph, zone graph.Zone, start *graph.Node, rec []hop, last int) results.AttackPath {
	var edges []*graph.Edge
	for i := last; i >= 0; i = rec[i].prev {
		edges = append(edges, rec[i].edge)
	}
	slices.Reverse(edges)
	p := results.AttackPath{FromZone: zone, Target: rec[last].node}
	certain := true
	var key strings.Builder
	key.WriteString(start.ID)
	for _, e := range edges {
		p.Steps = append(p.Steps, results.PathStep{From: e.From, To: e.To, Edge: e.Kind, Via: e.Via, Evidence: Evidence(e)})
		key.WriteString("|" + e.To + "|" + string(e.Kind))
		if e.Certainty != graph.True {
			certain = false
		}
	}
	sum := sha256.Sum256([]byte(key.String()))
	p.ID = "AP-" + hex.EncodeToString(sum[:])[:12]
	code := slices.ContainsFunc(edges, func(e *graph.Edge) bool { return e.Kind == graph.EdgeProvidesCode })
	p.Severity = severity(edges[0], edges[len(edges)-1], certain, code)
	p.EntryVia = edges[0].Via
	p.Certain = certain
	return p
}

// severity: from the open internet (or any account) to a write or
// administration is critical, to a read high; from a named outside party
// one step lower. A path that puts code where something runs it
// (provides-code, taken only after write access) gives the runner's
// whole identity, as assuming a role does: strong wherever it ends. An
// uncertain hop lowers it by one.
func severity(first, last *graph.Edge, certain, code bool) results.Severity {
	strong := last.Kind.Strong() || code
	rank := 2
	switch {
	case first.Exposure == policy.Public && strong:
		rank = 4
	case first.Exposure == policy.Public:
		rank = 3
	case strong:
		rank = 3
	}
	if !certain {
		rank--
	}
	return results.SeverityOfRank(rank)
}

// Evidence renders an edge's evidence in words, for a path step: the way,
// the source API, the statements and the actions of its first piece, and
// its setting.
func Evidence(e *graph.Edge) string {
	var parts []string
	if e.Via != "" {
		parts = append(parts, string(e.Via))
	}
	var ev graph.Evidence
	if len(e.Evidence) > 0 {
		ev = e.Evidence[0]
	}
	if ev.Source != "" {
		parts = append(parts, ev.Source)
	}
	if len(ev.Statements) > 0 {
		parts = append(parts, fmt.Sprintf("statement %d", ev.Statements[0].Index+1))
	}
	if len(e.Actions) > 0 {
		parts = append(parts, strings.Join(e.Actions, ","))
	}
	if ev.Detail != "" {
		parts = append(parts, ev.Detail)
	}
	return strings.Join(parts, "; ")
}

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
	"github.com/trustmap/trustmap/graph"
)

// Analyzer finds attack paths.
var Analyzer = &analyzers.Analyzer{
	Name:       "paths",
	Doc:        "attack paths: outside zone → entry point → compute → role → data, shortest first",
	URL:        "https://github.com/trustmap/trustmap/blob/main/docs/analyzers.md#paths",
	ResultType: reflect.TypeFor[[]analyzers.AttackPath](),
	Run:        run,
}

// MaxPaths bounds the paths reported (the shortest are kept).
const MaxPaths = 1000

// follows says which edges a path may take after its first hop.
func follows(e *graph.Edge) bool {
	switch e.Kind {
	case graph.EdgeRoutesTo, graph.EdgeIntegratesWith, graph.EdgeTriggers, graph.EdgeExecutesAs:
		return e.Certainty != graph.False // a disabled event source mapping leads nowhere
	}
	return e.Via == "identity-policy" && e.Kind.IsAccess()
}

// isTarget says whether a path may end at a node: data stores, roles and
// compute reached beyond the entry point.
func isTarget(n *graph.Node) bool {
	switch n.Kind {
	case graph.KindS3Bucket, graph.KindSQSQueue, graph.KindIAMRole, graph.KindLambdaFunction:
		return true
	}
	return false
}

type hop struct {
	prev int // index into the BFS record, -1 for the start
	edge *graph.Edge
	node string
}

func run(pass *analyzers.Pass) (any, error) {
	g := pass.Graph
	// Keep only the best MaxPaths as they are found, so memory stays
	// bounded on large accounts (ComparePaths ends on the unique id, so the
	// result is the same as sorting everything).
	var out []analyzers.AttackPath
	keep := func(p analyzers.AttackPath) {
		out = append(out, p)
		if len(out) >= 2*MaxPaths {
			slices.SortFunc(out, analyzers.ComparePaths)
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
	slices.SortFunc(out, analyzers.ComparePaths)
	if len(out) > MaxPaths {
		out = slices.Clone(out[:MaxPaths])
	}
	return out, nil
}

// fromStart runs a breadth-first search from one outside principal and
// hands keep one shortest path to every target reached beyond an entry point.
func fromStart(g *graph.Graph, start *graph.Node, keep func(analyzers.AttackPath)) {
	zone := string(g.Zone(start.ID))
	var rec []hop
	seen := map[string]bool{start.ID: true}
	queue := []int{}
	for _, e := range g.Out(start.ID) {
		if !e.Kind.IsAccess() || e.Exposure == "internal" || e.Exposure == "" || seen[e.To] {
			continue
		}
		seen[e.To] = true
		rec = append(rec, hop{prev: -1, edge: e, node: e.To})
		queue = append(queue, len(rec)-1)
	}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, e := range g.Out(rec[cur].node) {
			if !follows(e) || seen[e.To] {
				continue
			}
			seen[e.To] = true
			rec = append(rec, hop{prev: cur, edge: e, node: e.To})
			idx := len(rec) - 1
			queue = append(queue, idx)
			if n, ok := g.Node(e.To); ok && isTarget(n) {
				keep(build(g, zone, start, rec, idx))
			}
		}
	}
}

func build(g *graph.Graph, zone string, start *graph.Node, rec []hop, last int) analyzers.AttackPath {
	var edges []*graph.Edge
	for i := last; i >= 0; i = rec[i].prev {
		edges = append(edges, rec[i].edge)
	}
	slices.Reverse(edges)
	p := analyzers.AttackPath{FromZone: zone, Target: rec[last].node}
	certain := true
	var key strings.Builder
	key.WriteString(start.ID)
	for _, e := range edges {
		p.Steps = append(p.Steps, analyzers.PathStep{From: e.From, To: e.To, Edge: string(e.Kind), Evidence: evidence(e)})
		key.WriteString("|" + e.To + "|" + string(e.Kind))
		if e.Certainty != graph.True {
			certain = false
		}
	}
	sum := sha256.Sum256([]byte(key.String()))
	p.ID = "AP-" + hex.EncodeToString(sum[:])[:12]
	p.Severity = severity(edges[0], edges[len(edges)-1], certain)
	p.EntryVia = edges[0].Via
	p.Certain = certain
	return p
}

// severity: from the open internet (or any account) to a write or
// administration is critical, to a read high; from a named outside party
// one step lower. An uncertain hop lowers it by one.
func severity(first, last *graph.Edge, certain bool) analyzers.Severity {
	strong := last.Kind == graph.EdgeCanWrite || last.Kind == graph.EdgeCanAdminister || last.Kind == graph.EdgeCanAssume
	rank := 2
	switch {
	case first.Exposure == "public" && strong:
		rank = 4
	case first.Exposure == "public":
		rank = 3
	case strong:
		rank = 3
	}
	if !certain {
		rank--
	}
	return []analyzers.Severity{analyzers.SevInfo, analyzers.SevLow, analyzers.SevMedium, analyzers.SevHigh, analyzers.SevCritical}[max(rank, 0)]
}

func evidence(e *graph.Edge) string {
	var parts []string
	if e.Via != "" {
		parts = append(parts, e.Via)
	}
	if e.Evidence.Source != "" {
		parts = append(parts, e.Evidence.Source)
	}
	if len(e.Evidence.Statements) > 0 {
		parts = append(parts, fmt.Sprintf("statement %d", e.Evidence.Statements[0]+1))
	}
	if len(e.Actions) > 0 {
		parts = append(parts, strings.Join(e.Actions, ","))
	}
	if e.Evidence.Detail != "" {
		parts = append(parts, e.Evidence.Detail)
	}
	return strings.Join(parts, "; ")
}

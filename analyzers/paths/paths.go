// Package paths defines the paths analyzer: attack paths from each zone
// outside the scanned accounts, through an entry point, along the
// structural and permission edges of the graph (API method → function,
// queue → function, function → execution role, role → data store, role →
// role it can assume), to what they reach. Paths are shortest first; each
// step carries the evidence for its hop.
package paths

import (
	"cmp"
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

// Follows says which edges a path may take after its first hop. A
// provides-code edge (a repository or layer into the functions that run
// its code) is taken only by a path that arrived with write access (see
// hop.writer): a generalisation, not a case of ECR — any edge that carries
// a writer's influence is followed only by writers.
func Follows(e *graph.Edge) bool {
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
	prev    int // index into the BFS record, -1 for the start
	edge    *graph.Edge
	node    string
	depth   int  // edges from the start, this one included
	certain bool // every edge so far is certain
	// writer says the path arrived at node with write access (write,
	// administer, assume): only such a path goes on along provides-code,
	// since whoever can only read a repository or a layer runs nothing.
	writer bool
	// code says a provides-code edge is on the path so far.
	code bool
	// most bounds the rank of every path found by going on from here;
	// leads is false when none can be (reach.bound).
	most  rank
	leads bool
}

// visit is what the search remembers of a node: reaching a node that
// provides code with write access is a different state from reaching it
// to read, since only the first leads on into what runs the code.
type visit struct {
	node   string
	writer bool
}

func run(pass *analyzers.Pass) (any, error) {
	return find(pass.Graph, results.BusinessOf(pass.Trust, pass.Graph), false), nil
}

// find runs the searches from every outside principal. exhaustive turns
// off the bound that stops a search early (reach), for the test that
// checks the bound changes nothing.
func find(g *graph.Graph, b *results.Business, exhaustive bool) []results.AttackPath {
	k := newKeeper(newSteps(g))
	k.exhaustive = exhaustive
	for i := range g.Nodes {
		start := &g.Nodes[i]
		if !start.Kind.IsPrincipal() || !g.Zone(start.ID).Outside() {
			continue
		}
		fromStart(g, start, k, b)
	}
	return k.paths(g)
}

// fromStart runs, for each entry point an outside principal can use, a
// breadth-first search from it, and hands the keeper one shortest path to
// every target reached beyond it. Each entry point is searched on its own,
// so that every entry point's threat sees the worst it leads to, even where
// another entry point reaches the same targets first.
func fromStart(g *graph.Graph, start *graph.Node, k *keeper, b *results.Business) {
	zone := g.Zone(start.ID)
	for _, e := range g.Out(start.ID) {
		if !e.Kind.IsAccess() || e.Exposure == policy.Internal || e.Exposure == 0 || e.To == start.ID {
			continue
		}
		fromEntry(g, zone, start, e, k, b)
	}
}

// fromEntry searches breadth-first from one entry edge. A path found is
// ranked from its record (severity, impact, length) and only built when the
// keeper may keep it: most paths of a large account are not kept. With
// business context (b), the severity and impact of a path are weighed by
// the data it ends at (results.Classification; docs/scoring.md).
func fromEntry(g *graph.Graph, zone graph.Zone, start *graph.Node, entry *graph.Edge, k *keeper, b *results.Business) {
	arrive := func(e *graph.Edge) visit {
		return visit{e.To, e.Kind.Strong() && k.steps.providesCode[e.To]}
	}
	first := arrive(entry)
	rec := []hop{{prev: -1, edge: entry, node: entry.To, depth: 1, certain: entry.Certainty == graph.True, writer: first.writer}}
	seen := map[visit]bool{{start.ID, false}: true, first: true}
	queue := []int{0}
	key := entryKey{entry.To, entry.Via}
	// bounds counts the hops queued and not yet expanded by the most any
	// path found through them may rank (reach.bound): the search stops
	// once nothing it could still find can be kept.
	var bounds queueBounds
	public, business := entry.Exposure == policy.Public, b != nil
	rec[0].most, rec[0].leads = k.steps.reach.bound(rec[0], public, business)
	bounds.add(rec[0].most, rec[0].leads)
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		// The queue is in order of depth, a hop's bound is no more than
		// its parent's, and what the keeper would take only narrows: once
		// no path one hop longer than this one, ranked at the most any
		// queued hop allows, can be kept, nothing the rest of the search
		// finds can.
		most, open := bounds.most()
		if (!open && !k.exhaustive) || k.settled(key, rank{severity: most.severity, impact: most.impact, length: rec[cur].depth + 1}) {
			break
		}
		bounds.remove(rec[cur].most, rec[cur].leads)
		for _, e := range g.Out(rec[cur].node) {
			// What a data store triggers (a bucket's notifications, a
			// secret's rotation, a queue's consumers) fires on writes, not
			// on reads: a path that only read the store goes no further.
			if !Follows(e) || (e.Kind == graph.EdgeProvidesCode && !rec[cur].writer) ||
				(e.Kind == graph.EdgeTriggers && results.Reads(rec[cur].edge.Kind)) {
				continue
			}
			v := arrive(e)
			// A node reached as a writer need not be reached again to read.
			if seen[v] || (!v.writer && seen[visit{e.To, true}]) || e.To == start.ID {
				continue
			}
			seen[v] = true
			h := hop{prev: cur, edge: e, node: e.To, depth: rec[cur].depth + 1, certain: rec[cur].certain && e.Certainty == graph.True,
				writer: v.writer, code: rec[cur].code || e.Kind == graph.EdgeProvidesCode}
			h.most, h.leads = k.steps.reach.bound(h, public, business)
			bounds.add(h.most, h.leads)
			rec = append(rec, h)
			idx := len(rec) - 1
			queue = append(queue, idx)
			if n, ok := g.Node(e.To); ok && isTarget(n) {
				ku := k.steps.key(e)
				r := rank{severity: keyedSeverity(severity(entry, e, h.certain, h.code), ku), impact: results.KeyedImpact(e.Kind, ku), length: h.depth}
				if c, ok := b.Classify(e.To); ok {
					r.severity = c.WeighSeverity(r.severity, results.Reads(e.Kind))
					if r.impact > 0 {
						r.impact, _ = c.WeighImpact(r.impact, results.Reads(e.Kind), n.Name)
					}
				}
				k.offer(key, r, func() *candidate { return candidateOf(zone, start, rec, idx, r) })
			}
		}
	}
}

// rank is what orders a path before it is built; ties are broken by id.
type rank struct {
	severity results.Severity
	impact   int
	length   int
}

// compareTop is results.ComparePaths without the id: severity, then length.
func (a rank) compareTop(b rank) int {
	return cmp.Or(cmp.Compare(b.severity.Rank(), a.severity.Rank()), cmp.Compare(a.length, b.length))
}

// compareWorst is results.WorsePath without the id: severity, impact, length.
func (a rank) compareWorst(b rank) int {
	return cmp.Or(cmp.Compare(b.severity.Rank(), a.severity.Rank()), cmp.Compare(b.impact, a.impact), cmp.Compare(a.length, b.length))
}

// candidate is a path found, with what ranks it, before it is built: most
// paths found are not kept, and building one (its evidence in words) costs
// far more than ranking it.
type candidate struct {
	zone    graph.Zone
	start   string
	edges   []*graph.Edge
	rank    rank
	certain bool
	id      string // computed when first needed (ID)
}

func candidateOf(zone graph.Zone, start *graph.Node, rec []hop, last int, r rank) *candidate {
	edges := make([]*graph.Edge, rec[last].depth)
	for i, j := last, len(edges)-1; i >= 0; i, j = rec[i].prev, j-1 {
		edges[j] = rec[i].edge
	}
	return &candidate{zone: zone, start: start.ID, edges: edges, rank: r, certain: rec[last].certain}
}

// ID is the path's stable id: a hash of where it starts and each hop.
func (c *candidate) ID() string {
	if c.id == "" {
		// Ids are computed for most paths offered on a tie, and a large
		// account's paths run to hundreds of hops: the key is hashed
		// through one small buffer, never built whole.
		h := sha256.New()
		buf := make([]byte, 0, 1024)
		put := func(s string) {
			for len(s) > 0 {
				if len(buf) == cap(buf) {
					h.Write(buf)
					buf = buf[:0]
				}
				n := copy(buf[len(buf):cap(buf)], s)
				buf, s = buf[:len(buf)+n], s[n:]
			}
		}
		put(c.start)
		for _, e := range c.edges {
			put("|")
			put(e.To)
			put("|")
			put(e.Kind.String())
		}
		h.Write(buf)
		c.id = "AP-" + hex.EncodeToString(h.Sum(nil)[:6]) // the first 12 hex digits
	}
	return c.id
}

// entryKey names an entry point: the resource a path enters and the way in.
type entryKey struct {
	resource string
	via      graph.Via
}

// keeper keeps the MaxPaths best paths overall (results.ComparePaths) and,
// for every entry point, its worst path (results.WorsePath) even when that
// is not among them: each entry point's threat scores the worst it leads to,
// however many other paths there are. Memory stays bounded by MaxPaths plus
// the number of entry points.
type keeper struct {
	steps    *steps
	top      []*candidate
	perEntry map[entryKey]*candidate
	// bar is the worst path kept at the last trim of a full list: a path
	// no better than it can never be among the best MaxPaths.
	bar *candidate
	// exhaustive: settled is never true (find).
	exhaustive bool
}

func newKeeper(st *steps) *keeper { return &keeper{steps: st, perEntry: map[entryKey]*candidate{}} }

// offer considers a path of rank r into an entry point; build makes the
// candidate, and is called only when the path may be kept.
func (k *keeper) offer(key entryKey, r rank, build func() *candidate) {
	var c *candidate
	get := func() *candidate {
		if c == nil {
			c = build()
		}
		return c
	}
	if best, ok := k.perEntry[key]; !ok {
		k.perEntry[key] = get()
	} else if d := r.compareWorst(best.rank); d < 0 || (d == 0 && get().ID() < best.ID()) {
		k.perEntry[key] = get()
	}
	if k.bar != nil {
		if d := r.compareTop(k.bar.rank); d > 0 || (d == 0 && get().ID() >= k.bar.ID()) {
			return
		}
	}
	k.top = append(k.top, get())
	if len(k.top) >= 2*MaxPaths {
		k.trim()
	}
}

// settled says that no path of rank r or below it (no more severe, no
// more impact, no shorter) can change what the keeper keeps for key: it
// is no worse than key's worst path, and strictly below the bar of a full
// list (offer rejects both, whatever their ids).
func (k *keeper) settled(key entryKey, r rank) bool {
	if k.exhaustive {
		return false
	}
	best, ok := k.perEntry[key]
	return ok && k.bar != nil && r.compareWorst(best.rank) > 0 && r.compareTop(k.bar.rank) > 0
}

func (k *keeper) trim() {
	slices.SortFunc(k.top, rankCompare)
	if len(k.top) >= MaxPaths {
		clear(k.top[MaxPaths:])
		k.top = k.top[:MaxPaths]
		k.bar = k.top[MaxPaths-1]
	}
}

// paths builds the kept paths, best first.
func (k *keeper) paths(g *graph.Graph) []results.AttackPath {
	k.trim()
	seen := map[string]bool{}
	out := []results.AttackPath{}
	add := func(c *candidate) {
		if !seen[c.ID()] {
			seen[c.ID()] = true
			out = append(out, build(c, k.steps))
		}
	}
	for _, c := range k.top {
		add(c)
	}
	for _, c := range k.perEntry {
		add(c)
	}
	slices.SortFunc(out, results.ComparePaths)
	return out
}

// rankCompare is results.ComparePaths on candidates (the id only on a tie).
func rankCompare(a, b *candidate) int {
	if d := a.rank.compareTop(b.rank); d != 0 {
		return d
	}
	return cmp.Compare(a.ID(), b.ID())
}

func build(c *candidate, st *steps) results.AttackPath {
	p := results.AttackPath{ID: c.ID(), FromZone: c.zone, Target: c.edges[len(c.edges)-1].To, Severity: c.rank.severity,
		EntryVia: c.edges[0].Via, Certain: c.certain}
	for _, e := range c.edges {
		s := results.PathStep{From: e.From, To: e.To, Edge: e.Kind, Via: e.Via, Evidence: Evidence(e)}
		s.Key = st.key(e)
		p.Steps = append(p.Steps, s)
	}
	return p
}

// steps knows which data a KMS key protects, and answers once per edge
// whether the principal taking a hop into such data may use the key: the
// answer is the same on every path through the edge, and a large account's
// edges are on many paths. It also knows which nodes provide code to what
// runs it (fromEntry's writer state).
type steps struct {
	g            *graph.Graph
	protected    map[string]bool
	providesCode map[string]bool // nodes with a provides-code edge out (repositories, layers)
	reach        reach
	keys         map[*graph.Edge]*graph.KeyUse
}

func newSteps(g *graph.Graph) *steps {
	st := &steps{g: g, protected: map[string]bool{}, providesCode: map[string]bool{}, keys: map[*graph.Edge]*graph.KeyUse{}}
	for i := range g.Edges {
		switch g.Edges[i].Kind {
		case graph.EdgeProtects:
			st.protected[g.Edges[i].To] = true
		case graph.EdgeProvidesCode:
			st.providesCode[g.Edges[i].From] = true
		}
	}
	st.reach = reachOf(g, st)
	return st
}

// key is the key use of a hop into protected data (nil for any other hop):
// kms:Decrypt to read or receive it, kms:GenerateDataKey to write or send
// it. Other hops (invoking, assuming, administering) need no key of the
// data.
func (st *steps) key(e *graph.Edge) *graph.KeyUse {
	if !st.protected[e.To] {
		return nil
	}
	if u, ok := st.keys[e]; ok {
		return u
	}
	var action string
	switch e.Kind {
	case graph.EdgeCanRead, graph.EdgeCanReceive:
		action = "kms:Decrypt"
	case graph.EdgeCanWrite, graph.EdgeCanSend:
		action = "kms:GenerateDataKey"
	}
	var out *graph.KeyUse
	if action != "" {
		if u, ok := st.g.KeyAccess(e.From, e.To, action); ok {
			out = &u
		}
	}
	st.keys[e] = out
	return out
}

// keyedSeverity lowers a path's severity by one when the data at its end is
// ciphertext to the attacker (the key denies it): worth less.
func keyedSeverity(s results.Severity, k *graph.KeyUse) results.Severity {
	if k != nil && k.Access == graph.False {
		return results.SeverityOfRank(max(1, s.Rank()-1))
	}
	return s
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
	if e.Via != 0 {
		parts = append(parts, e.Via.String())
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

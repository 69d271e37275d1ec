package paths

import (
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
)

// reach bounds, for each node, the rank of every path a search can still
// find by going on from it, so that fromEntry stops once nothing it could
// find would be kept: a large account's entry points reach thousands of
// nodes each, and most of what they reach cannot change the result.
//
// It looks at every hop into a target (isTarget) beyond the node along
// the edges a search may take (taken: a superset of what it takes),
// and keeps the most each could add to a path's severity and its impact
// (see score). Each is a maximum over what is reachable, computed by one
// backward search per value, highest first.
type reach struct {
	lift     map[string]int // 1 + the highest score of a hop beyond, 0 for none
	liftCode map[string]int // the same, every hop counted as strong
	code     map[string]int // 1 when a provides-code edge is beyond
	impact   map[string]int // 1 + the highest KeyedImpact of a hop beyond
}

// score is what a hop e adds to the severity of a path ending with it:
// severity starts at 2, one more from the open internet or any account,
// one more for a strong last hop (or a path that provided code: strong
// is then true), one less when the hop is uncertain, one less when its
// data's key denies the principal (keyedSeverity). The result is the
// score plus 3 (so 1 to 4), for maxBack.
func score(e *graph.Edge, strong bool, st *steps) int {
	s := 3
	if strong {
		s++
	}
	if e.Certainty != graph.True {
		s--
	}
	if ku := st.key(e); ku != nil && ku.Access == graph.False {
		s--
	}
	return s
}

func reachOf(g *graph.Graph, st *steps) reach {
	targetHop := func(e *graph.Edge) bool {
		n, ok := g.Node(e.To)
		return ok && isTarget(n)
	}
	take := taken(g, st)
	return reach{
		lift: maxBack(g, take, func(e *graph.Edge) int {
			if !targetHop(e) {
				return 0
			}
			return score(e, e.Kind.Strong(), st)
		}),
		liftCode: maxBack(g, take, func(e *graph.Edge) int {
			if !targetHop(e) {
				return 0
			}
			return score(e, true, st)
		}),
		code: maxBack(g, take, func(e *graph.Edge) int {
			if e.Kind == graph.EdgeProvidesCode {
				return 1
			}
			return 0
		}),
		impact: maxBack(g, take, func(e *graph.Edge) int {
			if !targetHop(e) {
				return 0
			}
			return 1 + results.KeyedImpact(e.Kind, st.key(e))
		}),
	}
}

// taken is the set of edges a search may take: those it follows, less
// those it can never take because an earlier edge between the same two
// nodes (the edges are in canonical order, From and To first) is always
// tried first and leaves the node seen. An edge that may be skipped for
// the state of the search (provides-code, triggers) does not hide the
// ones after it, nor does any edge into a node that provides code, which
// a writer reaches again (visit).
func taken(g *graph.Graph, st *steps) map[*graph.Edge]bool {
	out := map[*graph.Edge]bool{}
	for i := 0; i < len(g.Edges); {
		j := i
		for j < len(g.Edges) && g.Edges[j].From == g.Edges[i].From && g.Edges[j].To == g.Edges[i].To {
			j++
		}
		for k := i; k < j; k++ {
			e := &g.Edges[k]
			if !Follows(e) {
				continue
			}
			out[e] = true
			if e.Kind != graph.EdgeProvidesCode && e.Kind != graph.EdgeTriggers && !st.providesCode[e.To] {
				break
			}
		}
		i = j
	}
	return out
}

// maxBack is, for every node, the highest value (> 0) of any edge a search
// may take (taken) reachable from it along such edges, its own out-edges
// included; a node with none is absent.
func maxBack(g *graph.Graph, take map[*graph.Edge]bool, value func(e *graph.Edge) int) map[string]int {
	best := map[string]int{}
	bySource := map[int][]string{}
	top := 0
	for i := range g.Edges {
		e := &g.Edges[i]
		if !take[e] {
			continue
		}
		if v := value(e); v > 0 {
			bySource[v] = append(bySource[v], e.From)
			top = max(top, v)
		}
	}
	for v := top; v > 0; v-- {
		var queue []string
		for _, id := range bySource[v] {
			if best[id] < v {
				best[id] = v
				queue = append(queue, id)
			}
		}
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			for _, e := range g.In(id) {
				if take[e] && best[e.From] < v {
					best[e.From] = v
					queue = append(queue, e.From)
				}
			}
		}
	}
	return best
}

// bound is the most any path found by going on from h may rank, its
// length left to the caller; ok is false when no path can be found
// beyond h. Business context may raise a severity one band, at most
// critical, and an impact by one, at most 5 (results.Classification). A
// hop's bound is never above its parent's: what lies beyond it lies
// beyond its parent, certainty only drops, and a provides-code edge into
// it is beyond its parent.
func (r reach) bound(h hop, public, business bool) (_ rank, ok bool) {
	lift := r.lift[h.node]
	if h.code || r.code[h.node] > 0 {
		lift = r.liftCode[h.node]
	}
	if lift == 0 {
		return rank{}, false
	}
	sev := lift - 1 // 2 + (score - 3)
	if public {
		sev++
	}
	if !h.certain {
		sev--
	}
	sev = max(sev, 1) // keyedSeverity keeps at least low
	imp := r.impact[h.node] - 1
	if business {
		sev = min(sev+1, results.SevCritical.Rank())
		imp = min(imp+1, 5)
	}
	return rank{severity: results.SeverityOfRank(sev), impact: imp}, true
}

// queueBounds counts the queued hops by their bound's severity and impact;
// hops beyond which nothing can be found are not counted.
type queueBounds struct {
	n        int
	severity [5]int
	impact   [6]int
}

func (q *queueBounds) add(r rank, ok bool) {
	if ok {
		q.n++
		q.severity[r.severity.Rank()]++
		q.impact[r.impact]++
	}
}

func (q *queueBounds) remove(r rank, ok bool) {
	if ok {
		q.n--
		q.severity[r.severity.Rank()]--
		q.impact[r.impact]--
	}
}

// most is the highest severity and the highest impact of any queued hop;
// ok is false when nothing can be found beyond any of them.
func (q *queueBounds) most() (_ rank, ok bool) {
	if q.n == 0 {
		return rank{}, false
	}
	var r rank
	for i := len(q.severity) - 1; i >= 0; i-- {
		if q.severity[i] > 0 {
			r.severity = results.SeverityOfRank(i)
			break
		}
	}
	for i := len(q.impact) - 1; i >= 0; i-- {
		if q.impact[i] > 0 {
			r.impact = i
			break
		}
	}
	return r, true
}

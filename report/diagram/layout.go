package diagram

import (
	"cmp"
	"hash/fnv"
	"math"
	"slices"
)

// The layout engine: every node sits in a cell of one grid of rows and
// columns, so the gaps between grid rows and between grid columns are free
// of nodes everywhere, and a flow whose straight line would cross another
// node is bent along them.
//
//   - the zones outside the scanned accounts are stacked in the left
//     column, least trusted on top, one empty grid row between boxes;
//   - the scanned accounts (inside their organization's box when it is
//     known) stand to the right, side by side;
//   - inside a zone's box its nodes stand in layers along the flows: a node
//     one layer right of the furthest node that leads to it (after the
//     edges that close a cycle are set aside), nodes no flow touches by
//     their class (grouping, front door, compute, identity, data); each
//     layer a grid column of at most Rows nodes that wraps into further
//     columns, ordered so that flows run straight (the barycenter of the
//     neighbours already placed).
//
// Boxes never overlap unless one holds the other, nodes never overlap, and
// every node lies inside its box with padding.

// Grid is the geometry of a layout, in pixels.
type Grid struct {
	NodeW, NodeH int
	GapX, GapY   int // between grid columns, between grid rows
	Pad          int // between a box's border and what it holds
	Header       int // a box's title band
	ZoneGap      int // between the outside column and the accounts, and between accounts
	Margin       int
	// Rows is the most nodes a layer stacks before it wraps into another
	// column; a zone with many nodes stacks more (about the square root of
	// its count), so a large account stays roughly as wide as high.
	Rows int
}

// Rect is a rectangle (y grows downwards).
type Rect struct{ X, Y, W, H int }

// Point is a point.
type Point struct{ X, Y int }

// Contains reports whether o lies inside r, at least pad away from its border.
func (r Rect) Contains(o Rect, pad int) bool {
	return o.X >= r.X+pad && o.Y >= r.Y+pad && o.X+o.W <= r.X+r.W-pad && o.Y+o.H <= r.Y+r.H-pad
}

// Overlaps reports whether r and o share any area.
func (r Rect) Overlaps(o Rect) bool {
	return r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H
}

// Center is the middle of r.
func (r Rect) Center() Point { return Point{r.X + r.W/2, r.Y + r.H/2} }

// Layout is where a model's zones and nodes are drawn.
type Layout struct {
	Grid  Grid
	Boxes map[*Zone]Rect
	Nodes map[string]Rect
	W, H  int
}

// Place lays out m on the grid g.
func Place(m *Model, g Grid) *Layout {
	lay := &Layout{Grid: g, Boxes: map[*Zone]Rect{}, Nodes: map[string]Rect{}}
	p := &placer{g: g, lay: lay, layer: layers(m), neighbors: map[string][]string{}, row: map[string]float64{}}
	for _, e := range m.Edges {
		p.neighbors[e.From.ID] = append(p.neighbors[e.From.ID], e.To.ID)
		p.neighbors[e.To.ID] = append(p.neighbors[e.To.ID], e.From.ID)
	}
	x := g.Margin
	var outside, inside []*Zone
	for _, z := range m.Zones {
		if z.Outside {
			outside = append(outside, z)
		} else {
			inside = append(inside, z)
		}
	}
	if len(outside) > 0 {
		// The stack shares one width: measure every box, then place.
		r, cols := 0, 1
		type stacked struct {
			z     *Zone
			cols  [][]*Node
			first int
		}
		var stack []stacked
		for _, z := range outside {
			cs := p.columns(z, r)
			stack = append(stack, stacked{z, cs, r})
			cols = max(cols, len(cs))
			r += max(1, tallest(cs)) + 1
		}
		for _, s := range stack {
			p.box(s.z, s.cols, x, p.width(cols), s.first, s.first+max(1, tallest(s.cols))-1)
		}
		x += p.width(cols) + g.ZoneGap
	}
	for _, z := range inside {
		w, _ := p.nested(z, x, 0)
		x += w + g.ZoneGap
	}
	for _, r := range lay.Boxes {
		lay.W = max(lay.W, r.X+r.W+g.Margin)
		lay.H = max(lay.H, r.Y+r.H+g.Margin)
	}
	return lay
}

type placer struct {
	g         Grid
	lay       *Layout
	layer     map[*Node]int
	neighbors map[string][]string
	row       map[string]float64 // grid row of each placed node
}

// rowTop is the y of grid row r's nodes.
func (p *placer) rowTop(r int) int {
	return p.g.Margin + p.g.Header + p.g.Pad + r*(p.g.NodeH+p.g.GapY)
}

func (p *placer) width(ncols int) int {
	ncols = max(1, ncols)
	return 2*p.g.Pad + ncols*p.g.NodeW + (ncols-1)*p.g.GapX
}

func tallest(cols [][]*Node) int {
	n := 0
	for _, c := range cols {
		n = max(n, len(c))
	}
	return n
}

// columns splits a zone's own nodes into grid columns, starting at grid
// row first: one group of columns per layer, each at most rows high.
func (p *placer) columns(z *Zone, first int) [][]*Node {
	byLayer := map[int][]*Node{}
	var ls []int
	for _, n := range z.Nodes {
		l := p.layer[n]
		if byLayer[l] == nil {
			ls = append(ls, l)
		}
		byLayer[l] = append(byLayer[l], n)
	}
	slices.Sort(ls)
	rows := max(p.g.Rows, int(math.Ceil(math.Sqrt(float64(len(z.Nodes))/2))))
	var cols [][]*Node
	for _, l := range ls {
		tier := byLayer[l]
		p.order(tier)
		for i, n := range tier {
			if i%rows == 0 {
				cols = append(cols, nil)
			}
			cols[len(cols)-1] = append(cols[len(cols)-1], n)
			p.row[n.ID] = float64(first + i%rows)
		}
	}
	return cols
}

// order sorts a layer by the mean row of its already placed neighbours
// (the barycenter heuristic), so flows run straight rather than cross;
// nodes with no placed neighbour keep model order, last.
func (p *placer) order(tier []*Node) {
	bary := map[string]float64{}
	for _, n := range tier {
		sum, k := 0.0, 0
		for _, nb := range p.neighbors[n.ID] {
			if r, ok := p.row[nb]; ok {
				sum += r
				k++
			}
		}
		bary[n.ID] = math.Inf(1)
		if k > 0 {
			bary[n.ID] = sum / float64(k)
		}
	}
	slices.SortStableFunc(tier, func(a, b *Node) int { return cmp.Compare(bary[a.ID], bary[b.ID]) })
}

// box places a zone's columns at x and records its box over grid rows
// first..last.
func (p *placer) box(z *Zone, cols [][]*Node, x, width, first, last int) {
	for ci, c := range cols {
		for ri, n := range c {
			p.lay.Nodes[n.ID] = Rect{X: x + p.g.Pad + ci*(p.g.NodeW+p.g.GapX), Y: p.rowTop(first + ri), W: p.g.NodeW, H: p.g.NodeH}
		}
	}
	top := p.rowTop(first) - p.g.Pad - p.g.Header
	p.lay.Boxes[z] = Rect{X: x, Y: top, W: width, H: p.rowTop(last) + p.g.NodeH + p.g.Pad - top}
}

// nested places an inside zone at x from grid row first: its own nodes in
// columns, then the zones it holds to their right, each starting one grid
// row lower so that its title band sits inside this box. It returns the
// box's width and its last grid row.
func (p *placer) nested(z *Zone, x, first int) (int, int) {
	cols := p.columns(z, first)
	last := first + max(1, tallest(cols)) - 1
	cx := x + p.g.Pad
	cx += len(cols) * (p.g.NodeW + p.g.GapX) // the zones it holds stand right of its own columns
	for _, c := range z.Children {
		w, l := p.nested(c, cx, first+1)
		cx += w + p.g.GapX
		last = max(last, l+1)
	}
	width := max(p.width(len(cols)), cx-x-p.g.GapX+p.g.Pad)
	if len(z.Children) == 0 {
		width = p.width(len(cols))
	}
	p.box(z, cols, x, width, first, last)
	return width, last
}

// layers assigns each node its layer: outside principals 0, then one right
// of the furthest node that leads to it over the edges left once those
// closing a cycle are set aside (a depth-first search from the outside
// principals first); nodes no edge touches stand by their class.
func layers(m *Model) map[*Node]int {
	out := map[*Node][]*Node{}
	indeg := map[*Node]int{}
	touched := map[*Node]bool{}
	for _, e := range m.Edges {
		if e.From != e.To {
			out[e.From] = append(out[e.From], e.To)
			touched[e.From], touched[e.To] = true, true
		}
	}
	left := func(n *Node) bool { return n.Zone.Outside }
	var order []*Node // outside nodes first, so cycles break away from them
	for _, n := range m.Nodes {
		if left(n) {
			order = append(order, n)
		}
	}
	for _, n := range m.Nodes {
		if !left(n) {
			order = append(order, n)
		}
	}
	back := map[[2]*Node]bool{}
	state := map[*Node]int{} // 0 unseen, 1 on the stack, 2 done
	var dfs func(n *Node)
	dfs = func(n *Node) {
		state[n] = 1
		for _, x := range out[n] {
			switch state[x] {
			case 0:
				dfs(x)
			case 1:
				back[[2]*Node{n, x}] = true
			}
		}
		state[n] = 2
	}
	for _, n := range order {
		if state[n] == 0 {
			dfs(n)
		}
	}
	for _, e := range m.Edges {
		if e.From != e.To && !back[[2]*Node{e.From, e.To}] {
			indeg[e.To]++
		}
	}
	layer := map[*Node]int{}
	var queue []*Node
	for _, n := range order {
		switch {
		case left(n):
			layer[n] = 0
		case !touched[n]:
			layer[n] = classRank(n.Kind)
		default:
			layer[n] = 1
		}
		if indeg[n] == 0 {
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, x := range out[n] {
			if back[[2]*Node{n, x}] {
				continue
			}
			if !left(x) {
				layer[x] = max(layer[x], layer[n]+1)
			}
			if indeg[x]--; indeg[x] == 0 {
				queue = append(queue, x)
			}
		}
	}
	return layer
}

// Route returns the bends of a flow from one node to another: none when
// the straight line between their centres touches no other node;
// otherwise a path along the free gaps of the grid (the row gap above the
// source, then down into a target in the same row, or down the column gap
// beside the target) that touches only its two ends.
func (l *Layout) Route(from, to string) []Point {
	s, t := l.Nodes[from], l.Nodes[to]
	sc, tc := s.Center(), t.Center()
	if !l.HitsOther(sc, tc, from, to) {
		return nil
	}
	// Each flow takes its own lane in a gap (up to 16px off its middle),
	// so flows sharing a gap stay apart.
	h := fnv.New32a()
	h.Write([]byte(from + "\x00" + to))
	off := (int(h.Sum32()%9) - 4) * min(4, l.Grid.GapY/10)
	cy := s.Y - l.Grid.GapY/2 + off // the row gap above the source
	if t.Y == s.Y {
		return []Point{{sc.X, cy}, {tc.X, cy}}
	}
	cx := t.X - l.Grid.GapX/2 + off // the column gap on the target's left…
	if t.X < s.X {
		cx = t.X + t.W + l.Grid.GapX/2 + off // …or on its right when it lies to the left
	}
	return []Point{{sc.X, cy}, {cx, cy}, {cx, tc.Y}}
}

// HitsOther reports whether the segment p–q touches a node other than
// the two named.
func (l *Layout) HitsOther(p, q Point, a, b string) bool {
	for id, r := range l.Nodes {
		if id != a && id != b && SegmentHits(p, q, r) {
			return true
		}
	}
	return false
}

// SegmentHits reports whether the segment p–q meets the rectangle r
// (Liang–Barsky clipping).
func SegmentHits(p, q Point, r Rect) bool {
	_, _, ok := clip(p, q, r)
	return ok
}

// clip returns the part of the segment p–q inside r as fractions t0 ≤ t1
// of its length, and whether there is one.
func clip(p, q Point, r Rect) (float64, float64, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := float64(q.X-p.X), float64(q.Y-p.Y)
	edge := func(den, num float64) bool {
		if den == 0 {
			return num >= 0
		}
		t := num / den
		if den < 0 {
			if t > t1 {
				return false
			}
			t0 = max(t0, t)
		} else {
			if t < t0 {
				return false
			}
			t1 = min(t1, t)
		}
		return true
	}
	ok := edge(-dx, float64(p.X-r.X)) && edge(dx, float64(r.X+r.W-p.X)) &&
		edge(-dy, float64(p.Y-r.Y)) && edge(dy, float64(r.Y+r.H-p.Y)) && t0 <= t1
	return t0, t1, ok
}

// Path is the polyline of a flow: from the border of its source's shape
// through the bends of Route to the border of its target's.
func (l *Layout) Path(from, to string) []Point {
	s, t := l.Nodes[from], l.Nodes[to]
	pts := append([]Point{s.Center()}, l.Route(from, to)...)
	pts = append(pts, t.Center())
	if _, t1, ok := clip(pts[0], pts[1], s); ok {
		pts[0] = lerp(pts[0], pts[1], t1)
	}
	n := len(pts)
	if t0, _, ok := clip(pts[n-2], pts[n-1], t); ok {
		pts[n-1] = lerp(pts[n-2], pts[n-1], t0)
	}
	return pts
}

func lerp(p, q Point, t float64) Point {
	return Point{p.X + int(math.Round(t*float64(q.X-p.X))), p.Y + int(math.Round(t*float64(q.Y-p.Y)))}
}

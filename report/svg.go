package report

import (
	"cmp"
	"fmt"
	"slices"
	"unicode/utf8"
)

// A server-side layout of the data-flow diagram for the HTML report, so
// the page needs no script to show it. It is a simple layered layout:
// outside principals in a column on the left, each in its zone's box; the
// scanned accounts' resources to the right in columns by their distance
// from outside (entry points first, then what they lead to), inside their
// zone's box (accounts nested in their organization). The view holds only
// numbers and strings; html/template escapes every string.

const (
	svgNodeW   = 170
	svgNodeH   = 44
	svgRowH    = 62
	svgColW    = 262
	svgPad     = 14
	svgHeader  = 28
	svgGap     = 16
	svgLeftGap = 84
	svgMaxText = 21 // characters of a label before it is cut with …
)

type svgView struct {
	W, H int
	// MinW is the narrowest the page shrinks the drawing to (3/4 of its
	// size, so labels stay legible); below that the box scrolls.
	MinW  int
	Zones []svgZone
	Nodes []svgNode
	Edges []svgEdge
	// Dropped counts edges left out to keep the picture drawable.
	Dropped, Total int
}

type svgZone struct {
	X, Y, W, H int
	Label      string
	Class      string
}

type svgNode struct {
	X, Y, W, H   int
	CX, TY1, TY2 int
	Shape        string // actor, process, store
	Body         string // path of a store's body
	TopY, RX, RY int    // a store's top ellipse
	Label, Sub   string
	Title        string
	Class        string
}

type svgEdge struct {
	D      string
	LX, LY int
	Label  string
	Title  string
	Class  string // plain, assume, red, orange, both
}

// layoutSVG lays out at most maxEdges edges of d.
func layoutSVG(d *diagram, maxEdges int) *svgView {
	keep, edges, dropped := d.limit(maxEdges)
	v := &svgView{Dropped: dropped, Total: len(d.edges)}
	if len(keep) == 0 {
		return v
	}
	left := func(n *dnode) bool { return n.kind.IsPrincipal() || n.zone.outside }

	// Columns: 0 for outside principals; a resource goes one column right
	// of the furthest resource or principal that leads to it (longest
	// path), after a depth-first search has set aside the edges that close
	// a cycle, so that most edges point right.
	out := map[*dnode][]*dnode{}
	in := map[*dnode][]*dnode{}
	for _, e := range edges {
		out[e.from] = append(out[e.from], e.to)
		in[e.to] = append(in[e.to], e.from)
	}
	back := map[[2]*dnode]bool{}
	state := map[*dnode]int{} // 0 unseen, 1 on the stack, 2 done
	var dfs func(n *dnode)
	dfs = func(n *dnode) {
		state[n] = 1
		for _, m := range out[n] {
			switch state[m] {
			case 0:
				dfs(m)
			case 1:
				back[[2]*dnode{n, m}] = true
			}
		}
		state[n] = 2
	}
	var order []*dnode // left nodes first, so cycles break away from them
	for _, n := range d.nodes {
		if keep[n] && left(n) {
			order = append(order, n)
		}
	}
	for _, n := range d.nodes {
		if keep[n] && !left(n) {
			order = append(order, n)
		}
	}
	for _, n := range order {
		if state[n] == 0 {
			dfs(n)
		}
	}
	col := map[*dnode]int{}
	indeg := map[*dnode]int{}
	for _, e := range edges {
		if !back[[2]*dnode{e.from, e.to}] {
			indeg[e.to]++
		}
	}
	var queue []*dnode
	for _, n := range order {
		if left(n) {
			col[n] = 0
		} else {
			col[n] = 1
		}
		if indeg[n] == 0 {
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, m := range out[n] {
			if back[[2]*dnode{n, m}] {
				continue
			}
			if !left(m) {
				col[m] = max(col[m], col[n]+1)
			}
			if indeg[m]--; indeg[m] == 0 {
				queue = append(queue, m)
			}
		}
	}
	maxCol := 1
	for _, n := range order {
		maxCol = max(maxCol, col[n])
	}

	// Left stack: one box per zone that holds an outside principal.
	pos := map[*dnode][2]int{} // x, y of the node's top-left corner
	y := svgPad
	var leftZones []*dzone
	var collect func(z *dzone)
	collect = func(z *dzone) {
		for _, n := range z.nodes {
			if keep[n] && left(n) {
				leftZones = append(leftZones, z)
				break
			}
		}
		for _, c := range z.children {
			collect(c)
		}
	}
	for _, z := range d.zones {
		collect(z)
	}
	leftW := svgNodeW + 2*svgPad + 40 // room for "External account 111122223333"
	for _, z := range leftZones {
		var ns []*dnode
		for _, n := range z.nodes {
			if keep[n] && left(n) {
				ns = append(ns, n)
			}
		}
		h := svgHeader + len(ns)*svgRowH - (svgRowH - svgNodeH) + svgPad
		v.Zones = append(v.Zones, svgZone{X: svgPad, Y: y, W: leftW, H: h, Label: ellipsize(z.label, 31), Class: "zone-outside"})
		for i, n := range ns {
			pos[n] = [2]int{svgPad + (leftW-svgNodeW)/2, y + svgHeader + i*svgRowH}
		}
		y += h + svgGap
	}
	leftBottom := y

	// Right stack: the zones of the scanned accounts, nested.
	depth := 0
	var maxDepth func(z *dzone, k int)
	maxDepth = func(z *dzone, k int) {
		depth = max(depth, k)
		for _, c := range z.children {
			maxDepth(c, k+1)
		}
	}
	for _, z := range d.zones {
		maxDepth(z, 0)
	}
	rightX := svgPad + leftW + svgLeftGap
	colX := func(c int) int { return rightX + (depth+1)*svgPad + (c-1)*svgColW }
	innerW := (maxCol-1)*svgColW + svgNodeW
	groups := map[*dzone]map[int][]*dnode{}
	y = svgPad
	var place func(z *dzone, k int)
	place = func(z *dzone, k int) {
		if !zoneHasRight(z, keep, left) {
			return
		}
		top := y
		// Reserve the zone's place first: an outer box is drawn before
		// (under) the boxes inside it.
		zi := len(v.Zones)
		v.Zones = append(v.Zones, svgZone{})
		y += svgHeader
		byCol := map[int][]*dnode{}
		rows := 0
		for _, n := range z.nodes {
			if keep[n] && !left(n) {
				byCol[col[n]] = append(byCol[col[n]], n)
				rows = max(rows, len(byCol[col[n]]))
			}
		}
		groups[z] = byCol
		for c, ns := range byCol {
			for i, n := range ns {
				pos[n] = [2]int{colX(c), y + i*svgRowH}
			}
		}
		if rows > 0 {
			y += rows*svgRowH - (svgRowH - svgNodeH) + svgPad
		}
		for _, c := range z.children {
			place(c, k+1)
		}
		y += svgPad
		x := rightX + k*svgPad
		v.Zones[zi] = svgZone{X: x, Y: top, W: innerW + 2*(depth+1-k)*svgPad, H: y - top, Label: z.label, Class: zoneClass(z)}
		y += svgGap
	}
	for _, z := range d.zones {
		place(z, 0)
	}
	v.W = rightX + innerW + 2*(depth+1)*svgPad + svgPad
	v.H = max(leftBottom, y)
	v.MinW = v.W * 3 / 4

	// Order each column of each zone by where its nodes' predecessors sit,
	// column by column, so that edges cross less.
	for c := 1; c <= maxCol; c++ {
		for _, byCol := range groups {
			ns := byCol[c]
			if len(ns) < 2 {
				continue
			}
			top := pos[ns[0]][1]
			for _, n := range ns {
				top = min(top, pos[n][1])
			}
			bary := map[*dnode]float64{}
			for _, n := range ns {
				sum, cnt := 0.0, 0
				for _, p := range in[n] {
					if col[p] < c {
						sum += float64(pos[p][1])
						cnt++
					}
				}
				if cnt == 0 {
					bary[n] = 1e9
				} else {
					bary[n] = sum / float64(cnt)
				}
			}
			slices.SortStableFunc(ns, func(a, b *dnode) int { return cmp.Compare(bary[a], bary[b]) })
			for i, n := range ns {
				pos[n] = [2]int{pos[n][0], top + i*svgRowH}
			}
		}
	}

	for _, n := range d.nodes {
		if !keep[n] {
			continue
		}
		p := pos[n]
		sn := svgNode{X: p[0], Y: p[1], W: svgNodeW, H: svgNodeH, CX: p[0] + svgNodeW/2,
			TY1: p[1] + 19, TY2: p[1] + 34, Label: ellipsize(n.label, svgMaxText), Sub: n.sub, Title: n.id}
		switch n.shape {
		case dfdActor:
			sn.Shape = "actor"
		case dfdProcess:
			sn.Shape = "process"
		case dfdStore:
			sn.Shape = "store"
			const ry = 6
			sn.RX, sn.RY, sn.TopY = svgNodeW/2, ry, p[1]+ry
			sn.Body = fmt.Sprintf("M%d,%d v%d a%d,%d 0 0 0 %d,0 v%d z", p[0], p[1]+ry, svgNodeH-2*ry, svgNodeW/2, ry, svgNodeW, -(svgNodeH - 2*ry))
			sn.TY1, sn.TY2 = p[1]+24, p[1]+37
		}
		sn.Class = "node-" + sn.Shape
		if n.unrecognized {
			sn.Class += " node-exposed"
			sn.Title += " (unrecognized entry point, " + string(n.severity) + ")"
		} else if n.entry {
			sn.Title += " (recognized entry point)"
		}
		v.Nodes = append(v.Nodes, sn)
	}
	// Edges, and their labels where they fit: the labels of attack-path
	// steps and unrecognized crossings are placed first; a label that would
	// cover a node or another label moves along its edge, or is left out
	// (the edge's tooltip still names it).
	type box struct{ x0, y0, x1, y1 int }
	var taken []box
	for _, p := range pos {
		taken = append(taken, box{p[0], p[1], p[0] + svgNodeW, p[1] + svgNodeH})
	}
	free := func(b box) bool {
		for _, t := range taken {
			if b.x0 < t.x1 && t.x0 < b.x1 && b.y0 < t.y1 && t.y0 < b.y1 {
				return false
			}
		}
		return true
	}
	byPriority := slices.Clone(edges)
	slices.SortStableFunc(byPriority, func(a, b *dedge) int { return cmp.Compare(a.priority(), b.priority()) })
	for _, e := range byPriority {
		a, b := pos[e.from], pos[e.to]
		ay, by := a[1]+svgNodeH/2, b[1]+svgNodeH/2
		var x0, y0, x1, y1, c0x, c0y, c1x, c1y int
		switch {
		case b[0] > a[0]: // forward: right side to left side
			x0, y0, x1, y1 = a[0]+svgNodeW, ay, b[0], by
			c0x, c0y, c1x, c1y = x0+(x1-x0)/2, y0, x1-(x1-x0)/2, y1
		case b[0] == a[0]: // same column: an arc through the gap on the right
			x0, y0, x1, y1 = a[0]+svgNodeW, ay, b[0]+svgNodeW, by
			bulge := 24 + min(80, abs(by-ay)/4)
			c0x, c0y, c1x, c1y = x0+bulge, y0, x1+bulge, y1
		default: // backwards: under the row, bottom to bottom
			x0, y0, x1, y1 = a[0]+svgNodeW/2, a[1]+svgNodeH, b[0]+svgNodeW/2, b[1]+svgNodeH
			low := max(y0, y1) + 34
			c0x, c0y, c1x, c1y = x0, low, x1, low
		}
		se := svgEdge{
			D:     fmt.Sprintf("M%d,%d C%d,%d %d,%d %d,%d", x0, y0, c0x, c0y, c1x, c1y, x1, y1),
			Title: e.from.id + " → " + e.to.id + " (" + e.label() + ")",
		}
		label := e.label()
		w := len(label)*58/10 + 4 // about 0.55em a character at 10.5px
		for _, tt := range []float64{0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8} {
			u := 1 - tt
			px := u*u*u*float64(x0) + 3*u*u*tt*float64(c0x) + 3*u*tt*tt*float64(c1x) + tt*tt*tt*float64(x1)
			py := u*u*u*float64(y0) + 3*u*u*tt*float64(c0y) + 3*u*tt*tt*float64(c1y) + tt*tt*tt*float64(y1)
			lb := box{int(px) - w/2, int(py) - 12, int(px) + w/2, int(py) + 2}
			if free(lb) {
				taken = append(taken, lb)
				se.Label, se.LX, se.LY = label, int(px), int(py)-3
				break
			}
		}
		switch {
		case e.unrecognized && e.onPath:
			se.Class = "both"
		case e.unrecognized:
			se.Class = "red"
		case e.onPath:
			se.Class = "orange"
		case len(e.kinds) == 1 && e.kinds[0] == "can-assume":
			se.Class = "assume"
		default:
			se.Class = "plain"
		}
		v.Edges = append(v.Edges, se)
	}
	// Highlighted edges last, so they are drawn on top.
	slices.SortStableFunc(v.Edges, func(a, b svgEdge) int { return cmp.Compare(edgeLayer(a.Class), edgeLayer(b.Class)) })
	return v
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func edgeLayer(class string) int {
	switch class {
	case "both", "red":
		return 2
	case "orange":
		return 1
	}
	return 0
}

func zoneHasRight(z *dzone, keep map[*dnode]bool, left func(*dnode) bool) bool {
	for _, n := range z.nodes {
		if keep[n] && !left(n) {
			return true
		}
	}
	for _, c := range z.children {
		if zoneHasRight(c, keep, left) {
			return true
		}
	}
	return false
}

func zoneClass(z *dzone) string {
	switch {
	case z.outside:
		return "zone-outside"
	case len(z.children) > 0:
		return "zone-org"
	}
	return "zone-account"
}

// ellipsize shortens s to n characters, ending with … when it was longer.
func ellipsize(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

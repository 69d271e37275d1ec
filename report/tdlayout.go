package report

import (
	"cmp"
	"hash/fnv"
	"math"
	"slices"

	"github.com/trustmap/trustmap/graph"
)

// Threat Dragon draws what the model says and computes no layout, so the
// writer places every shape on one grid of rows and columns:
//
//   - the zones outside the scanned accounts (internet, any AWS account,
//     external accounts, organizations, services) are stacked in the left
//     column, least trusted on top, one empty grid row between boxes;
//   - each scanned account is a column of its own to the right;
//   - inside a zone's box its members stand in tiers along the way a
//     request travels (callers | APIs | methods, routes, URLs and queues |
//     compute | identities | data), each tier a grid column of at most
//     tdRows members that wraps into further columns, ordered so that
//     flows run straight (barycenter of the neighbours already placed).
//
// Because every member sits in a grid cell, the gaps between grid rows and
// between grid columns are free of members everywhere, and a flow whose
// straight line would cross another member is bent along them. Boxes never
// overlap, members never overlap, and every member lies inside its box
// with padding.
const (
	tdMargin  = 40  // around the whole diagram
	tdNodeW   = 200 // every element's shape
	tdNodeH   = 80
	tdGapX    = 60 // between grid columns in one zone
	tdGapY    = 40 // between grid rows
	tdPad     = 30 // between a box's border and its members
	tdHeader  = 40 // the box's title band
	tdZoneGap = 120
	tdRows    = 8
)

// tdRect is a rectangle in diagram coordinates (y grows downwards).
type tdRect struct{ X, Y, W, H int }

// contains reports whether o lies inside r, at least pad away from its border.
func (r tdRect) contains(o tdRect, pad int) bool {
	return o.X >= r.X+pad && o.Y >= r.Y+pad && o.X+o.W <= r.X+r.W-pad && o.Y+o.H <= r.Y+r.H-pad
}

// overlaps reports whether r and o share any area.
func (r tdRect) overlaps(o tdRect) bool {
	return r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H
}

func (r tdRect) center() tdPoint { return tdPoint{r.X + r.W/2, r.Y + r.H/2} }

type tdLayout struct {
	boxes map[graph.Zone]tdRect
	nodes map[string]tdRect
}

// tdRowTop is the y of grid row r's members.
func tdRowTop(r int) int { return tdMargin + tdHeader + tdPad + r*(tdNodeH+tdGapY) }

func layoutTD(m *expModel) tdLayout {
	lay := tdLayout{boxes: map[graph.Zone]tdRect{}, nodes: map[string]tdRect{}}
	members := map[graph.Zone][]*expElement{}
	for _, e := range m.Elements {
		members[e.Zone] = append(members[e.Zone], e)
	}
	neighbors := map[string][]string{}
	for _, f := range m.Flows {
		neighbors[f.From] = append(neighbors[f.From], f.To)
		neighbors[f.To] = append(neighbors[f.To], f.From)
	}
	row := map[string]float64{} // grid row of each placed member

	// columnsOf splits a zone's members into grid columns, ordered.
	columnsOf := func(z graph.Zone, firstRow int) [][]*expElement {
		var cols [][]*expElement
		for _, tier := range tdTiers(members[z]) {
			tdOrderTier(tier, neighbors, row)
			for i, e := range tier {
				if i%tdRows == 0 {
					cols = append(cols, nil)
				}
				cols[len(cols)-1] = append(cols[len(cols)-1], e)
				row[e.ID] = float64(firstRow + i%tdRows)
			}
		}
		return cols
	}
	place := func(z graph.Zone, cols [][]*expElement, x, width, firstRow int) {
		rows := 1
		for ci, c := range cols {
			rows = max(rows, len(c))
			for ri, e := range c {
				lay.nodes[e.ID] = tdRect{X: x + tdPad + ci*(tdNodeW+tdGapX), Y: tdRowTop(firstRow + ri), W: tdNodeW, H: tdNodeH}
			}
		}
		top := tdRowTop(firstRow) - tdPad - tdHeader
		lay.boxes[z] = tdRect{X: x, Y: top, W: width, H: tdRowTop(firstRow+rows-1) + tdNodeH + tdPad - top}
	}
	width := func(ncols int) int { ncols = max(1, ncols); return 2*tdPad + ncols*tdNodeW + (ncols-1)*tdGapX }

	x := tdMargin
	var outside []expZone
	for _, z := range m.Zones {
		if z.Type != "account" {
			outside = append(outside, z)
		}
	}
	if len(outside) > 0 {
		type stacked struct {
			z        expZone
			cols     [][]*expElement
			firstRow int
		}
		var stack []stacked
		r, ncols := 0, 1
		for _, z := range outside {
			cols := columnsOf(z.Zone, r)
			stack = append(stack, stacked{z, cols, r})
			ncols = max(ncols, len(cols))
			rows := 1
			for _, c := range cols {
				rows = max(rows, len(c))
			}
			r += rows + 1 // an empty grid row between boxes
		}
		for _, s := range stack {
			place(s.z.Zone, s.cols, x, width(ncols), s.firstRow)
		}
		x += width(ncols) + tdZoneGap
	}
	for _, z := range m.Zones {
		if z.Type == "account" {
			cols := columnsOf(z.Zone, 0)
			place(z.Zone, cols, x, width(len(cols)), 0)
			x += width(len(cols)) + tdZoneGap
		}
	}
	return lay
}

// tdTiers splits a zone's members (in model order) into tiers.
func tdTiers(es []*expElement) [][]*expElement {
	var tiers [][]*expElement
	last := -1
	for _, e := range es {
		if t := tdTier(e.Kind); t != last || len(tiers) == 0 {
			tiers = append(tiers, nil)
			last = t
		}
		tiers[len(tiers)-1] = append(tiers[len(tiers)-1], e)
	}
	return tiers
}

// tdOrderTier orders a tier by the mean row of its already placed
// neighbours (the barycenter heuristic), so flows run straight rather
// than cross; members with no placed neighbour keep model order, last.
func tdOrderTier(tier []*expElement, neighbors map[string][]string, row map[string]float64) {
	bary := map[string]float64{}
	for _, e := range tier {
		sum, n := 0.0, 0
		for _, nb := range neighbors[e.ID] {
			if r, ok := row[nb]; ok {
				sum += r
				n++
			}
		}
		bary[e.ID] = math.Inf(1)
		if n > 0 {
			bary[e.ID] = sum / float64(n)
		}
	}
	slices.SortStableFunc(tier, func(a, b *expElement) int { return cmp.Compare(bary[a.ID], bary[b.ID]) })
}

// tdTier is the column group of a kind inside its zone; kindRank orders
// kinds so that each tier's kinds are contiguous.
func tdTier(k graph.Kind) int {
	switch k {
	case graph.KindDomainName, graph.KindRestAPI, graph.KindHTTPAPI, graph.KindRestAPIStage, graph.KindHTTPAPIStage:
		return 1 // API containers: their methods and routes stand next to them
	case graph.KindLambdaFunction:
		return 3
	case graph.KindIAMRole, graph.KindIAMUser, graph.KindIAMGroup, graph.KindAccessKey:
		return 4
	case graph.KindS3Bucket:
		return 5
	}
	if k.IsPrincipal() {
		return 0
	}
	if kindRank(k) > kindRank(graph.KindS3Bucket) {
		return 6 // kinds trustmap does not rank
	}
	return 2 // ways in: methods, routes, function URLs, queues, topics
}

// route returns the bends of a flow from one element to another: none when
// the straight line between their centres touches no other element;
// otherwise a path along the free gaps of the grid (the row gap above the
// source, then down into a target in the same row, or down the column gap
// beside the target) that touches only its two ends.
func (lay tdLayout) route(from, to string) []tdPoint {
	s, t := lay.nodes[from], lay.nodes[to]
	sc, tc := s.center(), t.center()
	if !lay.hitsOther(sc, tc, from, to) {
		return nil
	}
	// Each flow takes its own lane in a gap (up to 16px off its middle,
	// inside the 40px and 60px gaps), so flows sharing a gap stay apart.
	h := fnv.New32a()
	h.Write([]byte(from + "\x00" + to))
	off := (int(h.Sum32()%9) - 4) * 4
	cy := s.Y - tdGapY/2 + off // the row gap above the source
	if t.Y == s.Y {
		return []tdPoint{{sc.X, cy}, {tc.X, cy}}
	}
	cx := t.X - tdGapX/2 + off // the column gap on the target's left…
	if t.X < s.X {
		cx = t.X + t.W + tdGapX/2 + off // …or on its right when it lies to the left
	}
	return []tdPoint{{sc.X, cy}, {cx, cy}, {cx, tc.Y}}
}

// hitsOther reports whether the segment p–q touches an element other than
// the two named.
func (lay tdLayout) hitsOther(p, q tdPoint, a, b string) bool {
	for id, r := range lay.nodes {
		if id != a && id != b && segmentHits(p, q, r) {
			return true
		}
	}
	return false
}

// segmentHits reports whether the segment p–q meets the rectangle r
// (Liang–Barsky clipping).
func segmentHits(p, q tdPoint, r tdRect) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := float64(q.X-p.X), float64(q.Y-p.Y)
	clip := func(den, num float64) bool {
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
	return clip(-dx, float64(p.X-r.X)) && clip(dx, float64(r.X+r.W-p.X)) &&
		clip(-dy, float64(p.Y-r.Y)) && clip(dy, float64(r.Y+r.H-p.Y)) && t0 <= t1
}

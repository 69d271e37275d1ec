package model

import (
	"math"
)

// Placing what an update adds to a Threat Dragon diagram, without moving
// or covering anything the modeler drew:
//
//   - a new element of a zone the diagram draws as a box goes into free
//     space inside that box: the first spot, scanning rows from the box's
//     top left, where the shape and a margin around it touch no other
//     shape and no box nested in that box;
//   - what does not fit, and the elements of new zones, go to the right of
//     everything drawn, each zone a new box (a box named "... (continued)"
//     for a zone whose own box is full), its elements on a grid inside.
//
// Nothing new overlaps anything old, and every new element lies inside the
// box of its zone (tdplace_test.go checks both on every fixture).

const (
	placeMargin = 20  // kept free around a new shape
	placeStep   = 10  // scan step inside a box
	placePad    = 30  // between a box's border and its shapes
	placeHeader = 40  // a box's title band
	placeGapX   = 60  // between grid columns
	placeGapY   = 40  // between grid rows
	placeCellW  = 160 // a grid cell: the widest default shape
	placeCellH  = 100
	placeRows   = 5
	placeAway   = 120 // between the drawing and the new boxes
)

type obstacle struct {
	r   Rect
	box *Zone // non-nil for a trust-boundary box
}

func (ed *tdEditor) place() error {
	if len(ed.added) == 0 || ed.diagram == nil {
		return nil
	}
	isNew := map[node]bool{}
	for _, a := range ed.added {
		if a.n != nil {
			isNew[a.n] = true
		}
	}
	zoneOfCell := map[string]*Zone{}
	for _, z := range ed.m.Zones {
		zoneOfCell[z.ID] = z
	}
	var obs []obstacle
	minY, maxX := math.Inf(1), 0.0
	for _, c := range ed.cells().items() {
		if isNew[c] {
			continue
		}
		r := tdRect(c)
		if r == nil || (r.W == 0 && r.H == 0) {
			continue
		}
		o := obstacle{r: *r}
		if z := zoneOfCell[str(c, "id")]; z != nil && z.n == c {
			o.box = z
		}
		obs = append(obs, o)
		minY, maxX = math.Min(minY, r.Y), math.Max(maxX, r.X+r.W)
	}
	if math.IsInf(minY, 1) {
		minY = 40
	}

	// First: free space inside existing boxes.
	type group struct {
		zone  *Zone
		elems []*tdNew
		cont  bool // continues an existing box
	}
	var groups []*group
	byZone := map[*Zone]*group{}
	groupOf := func(z *Zone, cont bool) *group {
		if g := byZone[z]; g != nil {
			return g
		}
		g := &group{zone: z, cont: cont}
		byZone[z] = g
		groups = append(groups, g)
		return g
	}
	for _, a := range ed.added {
		if a.box {
			groupOf(a.zone, false)
		}
	}
	var loose []*tdNew // elements of no zone (Threat Dragon v1, or no box)
	for _, a := range ed.added {
		if a.elem == nil {
			continue
		}
		z := a.zone
		existingBox := z != nil && z.n != nil && !isNew[z.n] && z.Box != nil && z.Diagram == ed.diagram.Index
		if existingBox {
			if r, ok := freeSpot(*z.Box, a.w, a.h, obs, z); ok {
				ed.setPlace(a, r)
				obs = append(obs, obstacle{r: r})
				continue
			}
			groupOf(z, true).elems = append(groupOf(z, true).elems, a)
			continue
		}
		if z == nil || (z.n == nil && !ed.v1) {
			loose = append(loose, a)
			continue
		}
		groupOf(z, false).elems = append(groupOf(z, false).elems, a)
	}

	// Then: the rest to the right of the drawing, a box per zone.
	x, y := maxX+placeAway, minY
	if len(obs) == 0 {
		x = 40
	}
	colTop, colW := y, 0.0
	stack := func(n int, withBox bool) (Rect, []Rect) {
		cols := int(math.Ceil(float64(n) / placeRows))
		rows := min(n, placeRows)
		cols, rows = max(cols, 1), max(rows, 1)
		w := 2*placePad + float64(cols)*placeCellW + float64(cols-1)*placeGapX
		h := placeHeader + placePad + float64(rows)*placeCellH + float64(rows-1)*placeGapY
		if !withBox {
			w, h = float64(cols)*placeCellW+float64(cols-1)*placeGapX, float64(rows)*placeCellH+float64(rows-1)*placeGapY
		}
		if y > colTop && y+h > colTop+1200 { // a new column of boxes
			x += colW + placeAway
			y, colW = colTop, 0
		}
		box := Rect{x, y, w, h}
		var cells []Rect
		for i := range n {
			cx, cy := x+float64(i/placeRows)*(placeCellW+placeGapX), y+float64(i%placeRows)*(placeCellH+placeGapY)
			if withBox {
				cx, cy = cx+placePad, cy+placeHeader
			}
			cells = append(cells, Rect{cx, cy, placeCellW, placeCellH})
		}
		y += h + placeGapY
		colW = math.Max(colW, w)
		return box, cells
	}
	for _, g := range groups {
		if g.cont && len(g.elems) == 0 {
			continue
		}
		withBox := !ed.v1
		box, cells := stack(len(g.elems), withBox)
		if withBox {
			z := g.zone
			if g.cont {
				z = ed.addZone(newZone{id: stableUUID("td-zone-continued", g.zone.ID), name: oneLineName(g.zone.Name) + " (continued)",
					desc: "Continues the box \"" + oneLineName(g.zone.Name) + "\": what trustmap added that did not fit in it."})
				z.Attributes = g.zone.Attributes
			}
			ed.setBox(z, box)
		}
		for i, a := range g.elems {
			c := cells[i]
			ed.setPlace(a, Rect{c.X + (c.W-a.w)/2, c.Y + (c.H-a.h)/2, a.w, a.h})
		}
	}
	if len(loose) > 0 {
		_, cells := stack(len(loose), false)
		for i, a := range loose {
			c := cells[i]
			ed.setPlace(a, Rect{c.X + (c.W-a.w)/2, c.Y + (c.H-a.h)/2, a.w, a.h})
		}
	}
	return nil
}

// freeSpot finds room for a w×h shape inside box b.
func freeSpot(b Rect, w, h float64, obs []obstacle, zone *Zone) (Rect, bool) {
	for y := b.Y + placeHeader; y+h <= b.Y+b.H-placePad; y += placeStep {
		for x := b.X + placePad; x+w <= b.X+b.W-placePad; x += placeStep {
			r := Rect{x, y, w, h}
			grown := Rect{x - placeMargin, y - placeMargin, w + 2*placeMargin, h + 2*placeMargin}
			free := true
			for _, o := range obs {
				if o.box != nil && o.r.Contains(b) {
					continue // the zone's own box, or one around it
				}
				if o.r.Overlaps(grown) {
					free = false
					break
				}
			}
			if free {
				return r, true
			}
		}
	}
	return Rect{}, false
}

func (ed *tdEditor) setPlace(a *tdNew, r Rect) {
	pos := a.n.get("position")
	pos.set("x", int(math.Round(r.X)))
	pos.set("y", int(math.Round(r.Y)))
	a.elem.Box = &Rect{math.Round(r.X), math.Round(r.Y), a.w, a.h}
}

func (ed *tdEditor) setBox(z *Zone, r Rect) {
	z.Box = &Rect{math.Round(r.X), math.Round(r.Y), math.Round(r.W), math.Round(r.H)}
	if z.n == nil {
		return
	}
	pos, size := z.n.get("position"), z.n.get("size")
	pos.set("x", int(z.Box.X))
	pos.set("y", int(z.Box.Y))
	size.set("width", int(z.Box.W))
	size.set("height", int(z.Box.H))
}

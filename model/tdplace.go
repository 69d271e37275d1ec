package model

import (
	"fmt"
	"math"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report/diagram"
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
//     for a zone whose own box is full), laid out by the layout engine of
//     trustmap's own diagrams (report/diagram: layers along the flows,
//     bends along the free gaps of its grid) and moved there as a block.
//
// Nothing new overlaps anything old, and every new element lies inside the
// box of its zone (tdplace_test.go checks both on every fixture).

const (
	placeMargin = 20  // kept free around a new shape
	placeStep   = 10  // scan step inside a box
	placePad    = 30  // between a box's border and its shapes
	placeHeader = 40  // a box's title band
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

	// Then: the rest to the right of the drawing, a box per zone, laid out
	// by the layout engine of trustmap's diagrams (report/diagram) and
	// moved into place.
	var block []*group
	for _, g := range groups {
		if len(g.elems) > 0 || (!g.cont && !ed.v1) {
			block = append(block, g)
		}
	}
	if len(loose) > 0 {
		block = append(block, &group{elems: loose})
	}
	if len(block) == 0 {
		return nil
	}
	dm := &diagram.Model{}
	nodeOf := map[*tdNew]*diagram.Node{}
	byID := map[string]*diagram.Node{}
	for i, g := range block {
		z := &diagram.Zone{ID: graph.Zone(fmt.Sprintf("block-%d", i)), Rank: i}
		if g.zone != nil {
			z.Name, z.Outside = oneLineName(g.zone.Name), ed.outside(g.zone)
		}
		dm.Zones = append(dm.Zones, z)
		for _, a := range g.elems {
			n := &diagram.Node{ID: a.elem.ID, Kind: a.kind, Name: a.elem.Name, Zone: z}
			z.Nodes = append(z.Nodes, n)
			dm.Nodes = append(dm.Nodes, n)
			nodeOf[a], byID[a.elem.ID] = n, n
		}
	}
	for _, f := range ed.newFlows {
		if a, b := byID[f.Source], byID[f.Destination]; a != nil && b != nil {
			dm.Edges = append(dm.Edges, &diagram.Edge{From: a, To: b})
		}
	}
	lay := diagram.Place(dm, placeGrid)
	x0, y0 := int(maxX)+placeAway, int(minY)
	if len(obs) == 0 {
		x0, y0 = 40, 40
	}
	at := func(r diagram.Rect) Rect {
		return Rect{float64(r.X + x0), float64(r.Y + y0), float64(r.W), float64(r.H)}
	}
	for i, g := range block {
		if g.zone != nil && !ed.v1 {
			z := g.zone
			if g.cont {
				z = ed.addZone(newZone{id: stableUUID("td-zone-continued", g.zone.ID), name: oneLineName(g.zone.Name) + " (continued)",
					desc: "Continues the box \"" + oneLineName(g.zone.Name) + "\": what trustmap added that did not fit in it." + ed.noteOf(g.zone)})
			}
			ed.setBox(z, at(lay.Boxes[dm.Zones[i]]))
		}
		for _, a := range g.elems {
			c := at(lay.Nodes[nodeOf[a].ID])
			ed.setPlace(a, Rect{math.Round(c.X + (c.W-a.w)/2), math.Round(c.Y + (c.H-a.h)/2), a.w, a.h})
		}
	}
	// Flows between two cells placed together take the engine's bends.
	for _, f := range ed.newFlows {
		if byID[f.Source] == nil || byID[f.Destination] == nil || f.n == nil {
			continue
		}
		if bends := lay.Route(f.Source, f.Destination); len(bends) > 0 {
			var vs []any
			for _, b := range bends {
				vs = append(vs, omap{{"x", b.X + x0}, {"y", b.Y + y0}})
			}
			f.n.set("vertices", vs)
		}
	}
	return nil
}

// placeGrid is the layout engine's grid for the block of new cells: cells
// as large as Threat Dragon's largest default shape, with room around.
var placeGrid = diagram.Grid{NodeW: 180, NodeH: 110, GapX: 60, GapY: 40, Pad: 30, Header: 40, ZoneGap: 120, Margin: 0, Rows: 5}

// outside reports whether a zone is outside the account, for the layout.
func (ed *tdEditor) outside(z *Zone) bool {
	return classifyZone(z, func(string) bool { return false }).Outside
}

// noteOf repeats a zone's exposure note (update.go, zoneNote) for its
// continuation box, so both read the same.
func (ed *tdEditor) noteOf(z *Zone) string {
	if sm := zoneNoteRE.FindString(z.Description); sm != "" {
		return " " + sm
	}
	if v := z.Attributes["exposure"]; v != "" {
		return " (trustmap: exposure " + v + ")"
	}
	return ""
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

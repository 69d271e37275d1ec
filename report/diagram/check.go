package diagram

import "fmt"

// Problems lists what makes a layout of m unreadable, or nothing: a node
// without a place, shapes under 10×10 (Threat Dragon's minimum), two
// nodes that overlap, a node outside its zone's box (with padding), two
// boxes that overlap without one holding the other, a zone not inside
// its parent, and a flow whose path (straight, or bent by Route) touches a
// node other than its two ends. Tests of every writer that uses a layout
// check it.
func (l *Layout) Problems(m *Model) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	pad := l.Grid.Pad
	for i, a := range m.Nodes {
		ra, ok := l.Nodes[a.ID]
		if !ok {
			add("%s has no place", a.ID)
			continue
		}
		if ra.W < 10 || ra.H < 10 {
			add("%s is %dx%d, under 10x10", a.ID, ra.W, ra.H)
		}
		if box, ok := l.Boxes[a.Zone]; !ok || !box.Contains(ra, pad) {
			add("%s %+v is not inside its zone %s %+v with %dpx padding", a.ID, ra, a.Zone.ID, box, pad)
		}
		for _, b := range m.Nodes[i+1:] {
			if ra.Overlaps(l.Nodes[b.ID]) {
				add("%s %+v overlaps %s %+v", a.ID, ra, b.ID, l.Nodes[b.ID])
			}
		}
	}
	zones := m.AllZones()
	holds := func(outer, inner *Zone) bool {
		for z := inner.Parent; z != nil; z = z.Parent {
			if z == outer {
				return true
			}
		}
		return false
	}
	for i, a := range zones {
		ra, ok := l.Boxes[a]
		if !ok {
			add("zone %s has no box", a.ID)
			continue
		}
		if a.Parent != nil && !l.Boxes[a.Parent].Contains(ra, pad) {
			add("zone %s %+v is not inside its parent %s %+v", a.ID, ra, a.Parent.ID, l.Boxes[a.Parent])
		}
		for _, b := range zones[i+1:] {
			if ra.Overlaps(l.Boxes[b]) && !holds(a, b) && !holds(b, a) {
				add("zone %s %+v overlaps zone %s %+v", a.ID, ra, b.ID, l.Boxes[b])
			}
		}
	}
	for _, e := range m.Edges {
		if e.From == e.To {
			continue
		}
		pts := append([]Point{l.Nodes[e.From.ID].Center()}, l.Route(e.From.ID, e.To.ID)...)
		pts = append(pts, l.Nodes[e.To.ID].Center())
		for i := 1; i < len(pts); i++ {
			if l.HitsOther(pts[i-1], pts[i], e.From.ID, e.To.ID) {
				add("flow %s → %s crosses another node between %+v and %+v", e.From.ID, e.To.ID, pts[i-1], pts[i])
			}
		}
	}
	return out
}

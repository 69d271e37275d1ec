package diagram

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

// SVGGrid is the geometry of the HTML report's drawings.
var SVGGrid = Grid{NodeW: 170, NodeH: 44, GapX: 70, GapY: 34, Pad: 14, Header: 26, ZoneGap: 70, Margin: 8, Rows: 8}

const svgMaxText = 21 // characters of a label before it is cut with …

// SVG draws a model as an inline <svg> element for the HTML report, laid
// out by Place on SVGGrid: zones as boxes, nodes by shape, flows as lines
// with an arrow, unrecognized crossings red and attack-path steps thick
// orange. Every string from the account is escaped by html/template. The
// drawing scales with its box (viewBox); id prefixes the ids of its marker
// definitions, so several drawings share a page.
func SVG(m *Model, id string) (template.HTML, error) {
	v := svgLayout(m, id)
	var b bytes.Buffer
	if err := svgTmpl.Execute(&b, v); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

type svgView struct {
	ID          string
	W, H        int
	Zones       []svgZone
	Nodes       []svgNode
	Edges       []svgEdge
	Description string
}

type svgZone struct {
	X, Y, W, H, LX, LY int
	Label, Class       string
}

type svgNode struct {
	X, Y, W, H   int
	CX, TY1, TY2 int
	Shape        string
	Body         string // a store's body
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

func svgLayout(m *Model, id string) *svgView {
	lay := Place(m, SVGGrid)
	v := &svgView{ID: id, W: lay.W, H: lay.H,
		Description: fmt.Sprintf("%d nodes in %d trust zones, %d data flows", len(m.Nodes), len(m.AllZones()), len(m.Edges))}
	for _, z := range m.AllZones() {
		r := lay.Boxes[z]
		v.Zones = append(v.Zones, svgZone{X: r.X, Y: r.Y, W: r.W, H: r.H, LX: r.X + 10, LY: r.Y + 18,
			Label: report.Ellipsize(z.Caption(), max(12, r.W/8)), Class: zoneClass(z)})
	}
	for _, n := range m.Nodes {
		r := lay.Nodes[n.ID]
		sn := svgNode{X: r.X, Y: r.Y, W: r.W, H: r.H, CX: r.X + r.W/2, TY1: r.Y + 19, TY2: r.Y + 34,
			Label: report.Ellipsize(n.Label, svgMaxText), Sub: n.Sub, Title: n.ID, Shape: n.Shape.String()}
		if n.Shape == Store {
			const ry = 6
			sn.RX, sn.RY, sn.TopY = r.W/2, ry, r.Y+ry
			sn.Body = fmt.Sprintf("M%d,%d v%d a%d,%d 0 0 0 %d,0 v%d z", r.X, r.Y+ry, r.H-2*ry, r.W/2, ry, r.W, -(r.H - 2*ry))
			sn.TY1, sn.TY2 = r.Y+24, r.Y+37
		}
		sn.Class = "node-" + sn.Shape
		if n.Unrecognized {
			sn.Class += " node-exposed"
			sn.Title += " (unrecognized entry point, " + string(n.Severity) + ")"
		} else if n.Entry {
			sn.Title += " (recognized entry point)"
		}
		v.Nodes = append(v.Nodes, sn)
	}
	// Labels where they fit: those of attack-path steps and unrecognized
	// crossings first; a label that would cover a node or another label
	// is left out (the edge's tooltip still names it).
	var taken []Rect
	for _, r := range lay.Nodes {
		taken = append(taken, r)
	}
	free := func(b Rect) bool {
		for _, t := range taken {
			if b.Overlaps(t) {
				return false
			}
		}
		return true
	}
	byPriority := slices.Clone(m.Edges)
	slices.SortStableFunc(byPriority, func(a, b *Edge) int { return cmp.Compare(a.Priority(), b.Priority()) })
	for _, e := range byPriority {
		pts := lay.Path(e.From.ID, e.To.ID)
		var d strings.Builder
		for i, p := range pts {
			if i == 0 {
				fmt.Fprintf(&d, "M%d,%d", p.X, p.Y)
			} else {
				fmt.Fprintf(&d, " L%d,%d", p.X, p.Y)
			}
		}
		se := svgEdge{D: d.String(), Title: e.From.ID + " → " + e.To.ID + " (" + e.Label() + ")", Class: edgeClass(e)}
		label := e.Label()
		w := len(label)*58/10 + 4 // about 0.55em a character at 10.5px
		// Try the middle of each segment, longest first.
		segs := make([]int, len(pts)-1)
		for i := range segs {
			segs[i] = i
		}
		slices.SortStableFunc(segs, func(a, b int) int { return cmp.Compare(dist(pts[b], pts[b+1]), dist(pts[a], pts[a+1])) })
		for _, i := range segs {
			if dist(pts[i], pts[i+1]) < w/2 {
				continue
			}
			mid := lerp(pts[i], pts[i+1], 0.5)
			lb := Rect{mid.X - w/2, mid.Y - 12, w, 14}
			if free(lb) {
				taken = append(taken, lb)
				se.Label, se.LX, se.LY = label, mid.X, mid.Y-3
				break
			}
		}
		v.Edges = append(v.Edges, se)
	}
	// Highlighted edges last, so they are drawn on top.
	slices.SortStableFunc(v.Edges, func(a, b svgEdge) int { return cmp.Compare(edgeLayer(a.Class), edgeLayer(b.Class)) })
	return v
}

func dist(p, q Point) int { return max(abs(q.X-p.X), abs(q.Y-p.Y)) }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func edgeClass(e *Edge) string {
	switch {
	case e.Unrecognized && e.OnPath:
		return "both"
	case e.Unrecognized:
		return "red"
	case e.OnPath:
		return "orange"
	case len(e.Kinds) == 1 && e.Kinds[0] == graph.EdgeCanAssume:
		return "assume"
	}
	return "plain"
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

func zoneClass(z *Zone) string {
	switch {
	case z.Outside:
		return "zone-outside"
	case len(z.Children) > 0:
		return "zone-org"
	}
	return "zone-account"
}

var svgTmpl = template.Must(template.New("svg").Parse(`<svg xmlns="http://www.w3.org/2000/svg" class="dfd" viewBox="0 0 {{.W}} {{.H}}" width="{{.W}}" height="{{.H}}" data-w="{{.W}}" data-h="{{.H}}" role="img" aria-label="Data-flow diagram: {{.Description}}">
<defs>
<marker id="{{.ID}}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#78909c"/></marker>
<marker id="{{.ID}}-arrow-red" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#d32f2f"/></marker>
<marker id="{{.ID}}-arrow-orange" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#f57c00"/></marker>
</defs>
{{- range .Zones}}
<g><rect class="{{.Class}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" rx="10"/><text class="zone-label" x="{{.LX}}" y="{{.LY}}">{{.Label}}</text></g>
{{- end}}
{{- $id := .ID}}
{{- range .Edges}}
<path class="e {{.Class}}" d="{{.D}}" marker-end="url(#{{$id}}-arrow{{if eq .Class "red" "both"}}-red{{else if eq .Class "orange"}}-orange{{end}})"><title>{{.Title}}</title></path>
{{- end}}
{{- range .Nodes}}
<g><title>{{.Title}}</title>
{{- if eq .Shape "store"}}<path class="{{.Class}}" d="{{.Body}}"/><ellipse class="{{.Class}}" cx="{{.CX}}" cy="{{.TopY}}" rx="{{.RX}}" ry="{{.RY}}"/>
{{- else if eq .Shape "process"}}<rect class="{{.Class}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" rx="20"/>
{{- else}}<rect class="{{.Class}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" rx="3"/>
{{- end}}
<text class="nl" x="{{.CX}}" y="{{.TY1}}" text-anchor="middle">{{.Label}}</text><text class="ns" x="{{.CX}}" y="{{.TY2}}" text-anchor="middle">{{.Sub}}</text></g>
{{- end}}
{{- range .Edges}}{{if .Label}}
<text class="el {{.Class}}" x="{{.LX}}" y="{{.LY}}" text-anchor="middle"><title>{{.Title}}</title>{{.Label}}</text>
{{- end}}{{end}}
</svg>`))

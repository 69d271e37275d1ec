package model

import (
	"fmt"
	"math"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
)

// tdEditor writes an update into a Threat Dragon model, in the version it
// was read in: new cells at the end of the diagram that holds most of the
// matched elements, trustmap's threats in the threats of the element's
// cell (one per STRIDE category, as the export writes them), and stale
// marks as a line "[trustmap] stale: ..." in the description, the one free
// text Threat Dragon shows for every cell. New cells are placed in finish
// (tdplace.go).
type tdEditor struct {
	m        *Model
	v1       bool
	diagram  *Diagram
	created  bool // the update made the diagram (the model had none)
	zIndex   int
	number   int // the highest threat number in the model
	added    []*tdNew
	newFlows []*Flow
}

// tdNew is a cell an update added, to be placed.
type tdNew struct {
	n    node
	zone *Zone // for an element: its zone; for a box: itself
	box  bool
	elem *Element
	kind graph.Kind
	w, h float64
}

func newTDEditor(m *Model) *tdEditor {
	ed := &tdEditor{m: m, v1: m.TDMajor == 1}
	// New cells go where the model already draws most of the account.
	best, most := 0, -1
	for _, d := range m.Diagrams {
		n := 0
		for _, e := range m.Elements {
			if e.Diagram == d.Index {
				n++
			}
		}
		if n > most {
			best, most = d.Index, n
		}
	}
	for _, d := range m.Diagrams {
		if d.Index == best {
			ed.diagram = d
		}
	}
	if ed.diagram != nil && ed.diagram.cells != nil && ed.diagram.cells.kind() == kArray {
		for _, c := range ed.diagram.cells.items() {
			z, _ := num(c, "zIndex")
			if ed.v1 {
				z, _ = num(c, "z")
			}
			ed.zIndex = max(ed.zIndex, int(z))
		}
	}
	if n, ok := num(obj(m.doc.root(), "detail"), "threatTop"); ok {
		ed.number = int(n)
	}
	for _, t := range m.Threats {
		if t.n != nil {
			if n, ok := num(t.n, "number"); ok {
				ed.number = max(ed.number, int(n))
			}
		}
	}
	return ed
}

// ensureDiagram gives a model without diagrams (Threat Dragon's "New
// threat model" has none) one to draw the account in, shaped as the app
// writes a new STRIDE diagram in the model's version. It is made only when
// an update adds a cell, so a model with nothing to add is left as it was.
func (ed *tdEditor) ensureDiagram() *Diagram {
	if ed.diagram != nil {
		return ed.diagram
	}
	const title, thumb = "AWS account (trustmap)", "./public/content/images/thumbnail.stride.jpg"
	detail := obj(ed.m.doc.root(), "detail")
	var n node
	if ed.v1 {
		n = appendIn(detail, "diagrams", omap{{"title", title}, {"thumbnail", thumb}, {"diagramType", "STRIDE"}, {"id", 0},
			{"diagramJson", omap{{"cells", []any{}}}}})
	} else {
		version := str(ed.m.doc.root(), "version")
		if version == "" {
			version = "2.0.0"
		}
		n = appendIn(detail, "diagrams", omap{{"id", 0}, {"title", title}, {"diagramType", "STRIDE"},
			{"placeholder", "What trustmap found in the account"}, {"thumbnail", thumb}, {"version", version}, {"cells", []any{}}})
		if top, ok := num(detail, "diagramTop"); !ok || top < 1 {
			detail.set("diagramTop", 1)
		}
	}
	d := &Diagram{ID: "0", Title: title, Index: len(ed.m.Diagrams), n: n}
	ed.m.Diagrams = append(ed.m.Diagrams, d)
	ed.diagram, ed.created = d, true
	return d
}

func (ed *tdEditor) cells() node {
	d := ed.ensureDiagram()
	if d.cells == nil || d.cells.kind() != kArray {
		if ed.v1 {
			setIn(d.n, "diagramJson", "cells", []any{})
			d.cells = obj(d.n, "diagramJson").get("cells")
		} else {
			d.n.set("cells", []any{})
			d.cells = d.n.get("cells")
		}
	}
	return d.cells
}

func (ed *tdEditor) nextZ() int {
	ed.zIndex++
	return ed.zIndex
}

// addZone adds a trust-boundary box (version 2). Version 1 has no boxes:
// the zone only groups the new cells where they are placed.
func (ed *tdEditor) addZone(nz newZone) *Zone {
	z := &Zone{ID: nz.id, Name: nz.name, Type: "trust-boundary-box", Description: nz.desc, Diagram: ed.ensureDiagram().Index,
		Attributes: map[string]string{"exposure": nz.exposure.String()}, Box: &Rect{}}
	if ed.v1 {
		ed.added = append(ed.added, &tdNew{zone: z, box: true})
		ed.m.Zones = append(ed.m.Zones, z)
		return z
	}
	desc := nz.desc + zoneNote(nz)
	z.Description = desc
	n := ed.cells().add(omap{
		{"position", omap{{"x", 0}, {"y", 0}}},
		{"size", omap{{"width", 10}, {"height", 10}}},
		{"attrs", omap{{"label", omap{{"text", nz.name}}}}},
		{"visible", true},
		{"shape", "trust-boundary-box"},
		{"id", nz.id},
		{"zIndex", -1},
		{"data", omap{{"type", "tm.BoundaryBox"}, {"name", nz.name}, {"description", desc}, {"isTrustBoundary", true}, {"hasOpenThreats", false}}},
	})
	z.n = n
	ed.added = append(ed.added, &tdNew{n: n, zone: z, box: true})
	ed.m.Zones = append(ed.m.Zones, z)
	return z
}

// tdSizes are Threat Dragon's default shape sizes.
var tdSizes = map[string][2]float64{"actor": {160, 80}, "process": {100, 100}, "store": {160, 80}}

func (ed *tdEditor) addElement(ne newElement) *Element {
	r := ne.res
	typ := map[string]string{"actor": "tm.Actor", "process": "tm.Process", "store": "tm.Store"}[ne.shape]
	sz := tdSizes[ne.shape]
	line := omap{{"stroke", "#333333"}, {"strokeWidth", 1.5}, {"strokeDasharray", ""}}
	attrs := omap{{"text", omap{{"text", ne.name}}}, {"body", line}}
	if ne.shape == "store" {
		attrs = omap{{"text", omap{{"text", ne.name}}}, {"topLine", line}, {"bottomLine", line}}
	}
	props := omap{{"type", typ}, {"name", ne.name}, {"description", ne.desc}, {"outOfScope", false}, {"reasonOutOfScope", ""},
		{"hasOpenThreats", false}, {"threats", []any{}}}
	switch ne.shape {
	case "actor":
		props = append(props, kv{"providesAuthentication", false})
	case "store":
		props = append(props, kv{"isALog", false}, kv{"isEncrypted", false}, kv{"isSigned", false}, kv{"storesCredentials", false})
	default:
		props = append(props, kv{"handlesCardPayment", false}, kv{"handlesGoodsOrServices", false}, kv{"isWebApplication", false}, kv{"privilegeLevel", ""})
	}
	if strings.HasPrefix(r.ID, "arn:") {
		props = append(props, kv{"arn", r.ID})
	} else if isPrincipalID(r.ID) {
		props = append(props, kv{"principal", r.ID})
	}
	var cell omap
	if ed.v1 {
		cell = omap{{"type", typ}, {"size", omap{{"width", sz[0]}, {"height", sz[1]}}}, {"position", omap{{"x", 0}, {"y", 0}}},
			{"angle", 0}, {"id", ne.id}, {"z", ed.nextZ()}, {"attrs", omap{{"text", omap{{"text", ne.name}}}}}}
		for _, p := range props {
			if p.k != "type" && p.k != "name" {
				cell = append(cell, p)
			}
		}
	} else {
		cell = omap{{"position", omap{{"x", 0}, {"y", 0}}}, {"size", omap{{"width", sz[0]}, {"height", sz[1]}}}, {"attrs", attrs},
			{"visible", true}, {"shape", ne.shape}, {"id", ne.id}, {"zIndex", ed.nextZ()}, {"data", props}}
	}
	n := ed.cells().add(cell)
	e := &Element{ID: ne.id, Name: ne.name, Type: typ, Shape: ne.shape, Description: ne.desc, Zone: ne.zone, Diagram: ed.ensureDiagram().Index,
		Box: &Rect{W: sz[0], H: sz[1]}, n: n}
	if strings.HasPrefix(r.ID, "arn:") {
		e.ARN, e.ARNFrom = r.ID, "data.arn"
	} else if isPrincipalID(r.ID) {
		e.ARN, e.ARNFrom = r.ID, "data.principal"
	}
	ed.m.Elements = append(ed.m.Elements, e)
	ed.added = append(ed.added, &tdNew{n: n, zone: ed.m.Zone(ne.zone), elem: e, kind: r.Kind, w: sz[0], h: sz[1]})
	return e
}

func (ed *tdEditor) addFlow(nf newFlow) *Flow {
	var cell omap
	if ed.v1 {
		cell = omap{{"type", "tm.Flow"}, {"size", omap{{"width", 10}, {"height", 10}}}, {"smooth", true},
			{"source", omap{{"id", nf.from.ID}}}, {"target", omap{{"id", nf.to.ID}}}, {"vertices", []any{}}, {"id", nf.id},
			{"labels", []any{omap{{"position", 0.5}, {"attrs", omap{{"text", omap{{"text", nf.name}, {"font-weight", "400"}, {"font-size", "small"}}}}}}}},
			{"z", ed.nextZ()}, {"description", nf.desc}, {"threats", []any{}}, {"isPublicNetwork", nf.public}, {"isEncrypted", false},
			{"protocol", ""}, {"outOfScope", false}, {"hasOpenThreats", false}, {"attrs", omap{}}}
	} else {
		cell = omap{
			{"shape", "flow"},
			{"attrs", omap{{"line", omap{{"stroke", "#333333"}, {"strokeWidth", 1}, {"targetMarker", omap{{"name", "block"}}}, {"strokeDasharray", ""}}}}},
			{"zIndex", ed.nextZ()},
			{"connector", "smooth"},
			{"labels", []any{omap{{"position", 0.5}, {"attrs", omap{{"label", omap{{"text", nf.name}}}}}}}},
			{"data", omap{{"type", "tm.Flow"}, {"name", nf.name}, {"description", nf.desc}, {"outOfScope", false}, {"reasonOutOfScope", ""},
				{"protocol", ""}, {"isEncrypted", false}, {"isPublicNetwork", nf.public}, {"isBidirectional", false}, {"hasOpenThreats", false},
				{"threats", []any{}}, {"isTrustBoundary", false}}},
			{"id", nf.id},
			{"source", omap{{"cell", nf.from.ID}}},
			{"target", omap{{"cell", nf.to.ID}}},
		}
	}
	n := ed.cells().add(cell)
	f := &Flow{ID: nf.id, Name: nf.name, Description: nf.desc, Source: nf.from.ID, Destination: nf.to.ID, Diagram: ed.ensureDiagram().Index, n: n}
	ed.m.Flows = append(ed.m.Flows, f)
	ed.newFlows = append(ed.newFlows, f)
	return f
}

// data is where a cell keeps its properties.
func (ed *tdEditor) data(cell node) node {
	if ed.v1 {
		return cell
	}
	d := obj(cell, "data")
	if d == nil {
		cell.set("data", omap{})
		d = obj(cell, "data")
	}
	return d
}

// threat writes one threat per STRIDE category of t on the element's
// cell (titled "T-xxxxxxxx Category: ...", as the export writes them), or
// updates those the cell has; the status the modeler set is kept.
func (ed *tdEditor) threat(e *Element, t *results.Threat, _ *planner) string {
	data := ed.data(e.n)
	did := ""
	for _, cat := range t.STRIDE {
		title := t.Title
		if _, rest, ok := strings.Cut(t.Title, " — "); ok {
			title = rest
		}
		title = fmt.Sprintf("%s %s: %s", t.ID, cat, title)
		prefix := t.ID + " " + cat + ":"
		want := omap{{"title", title}, {"type", cat}, {"severity", severityWord(t.Severity)},
			{"description", fmt.Sprintf("%s\n%s\nResource: %s", t.Title, threatText(t), t.ResourceARN)},
			{"mitigation", strings.Join(t.Mitigations, "\n")}}
		var have node
		for _, x := range list(data, "threats") {
			if strings.HasPrefix(str(x, "title"), prefix) {
				have = x
			}
		}
		if have != nil {
			changed := false
			for _, f := range want {
				if have.set(f.k, f.v) {
					changed = true
				}
			}
			if !ed.v1 && have.set("score", fmt.Sprint(t.Risk)) {
				changed = true
			}
			if changed && did == "" {
				did = "updated"
			}
			continue
		}
		th := omap{{"status", "Open"}, {"severity", severityWord(t.Severity)}, {"title", title}, {"type", cat},
			{"description", want.get("description")}, {"mitigation", want.get("mitigation")}}
		if !ed.v1 {
			ed.number++
			id := stableUUID("td-threat", t.ID, cat)
			th = append(th, kv{"modelType", "STRIDE"}, kv{"id", id}, kv{"threatId", id}, kv{"number", ed.number}, kv{"score", fmt.Sprint(t.Risk)})
		}
		appendIn(data, "threats", th)
		did = "added"
	}
	open := false
	for _, x := range list(data, "threats") {
		if strings.EqualFold(str(x, "status"), "open") {
			open = true
		}
	}
	if open && data.set("hasOpenThreats", true) && did == "" {
		did = "updated"
	}
	return did
}

func (ed *tdEditor) target(t markable) (node, string) {
	switch {
	case t.e != nil:
		return ed.data(t.e.n), "description"
	case t.f != nil:
		return ed.data(t.f.n), "description"
	case t.t != nil:
		return t.t.n, "description"
	}
	return nil, ""
}

func (ed *tdEditor) mark(t markable, text string) bool {
	n, key := ed.target(t)
	if n == nil {
		return false
	}
	desc := str(n, key)
	if strings.Contains(desc, staleLine) {
		return false // marked before: keep the first date
	}
	if desc != "" {
		desc += "\n"
	}
	return n.set(key, desc+staleLine+" "+text)
}

func (ed *tdEditor) unmark(t markable) bool {
	n, key := ed.target(t)
	if n == nil {
		return false
	}
	return unmarkText(n, key)
}

// unmarkText removes the stale lines of a description.
func unmarkText(n node, key string) bool {
	desc := str(n, key)
	if !strings.Contains(desc, staleLine) {
		return false
	}
	var keep []string
	for _, l := range strings.Split(desc, "\n") {
		if !strings.HasPrefix(l, staleLine) {
			keep = append(keep, l)
		}
	}
	return n.set(key, strings.Join(keep, "\n"))
}

func (ed *tdEditor) finish(p *planner) error {
	if ed.number > 0 {
		if detail := obj(ed.m.doc.root(), "detail"); detail != nil && detail.get("threatTop") != nil {
			if cur, _ := num(detail, "threatTop"); int(cur) < ed.number {
				detail.set("threatTop", ed.number)
			}
		}
	}
	if err := ed.place(); err != nil {
		return err
	}
	if ed.created && ed.v1 {
		// A version 1 diagram has the size of its canvas (the schema
		// requires it, at least 50 by 50): the drawing and a margin.
		w, h := 50.0, 50.0
		for _, c := range ed.cells().items() {
			if r := tdRect(c); r != nil {
				w, h = max(w, r.X+r.W+placePad), max(h, r.Y+r.H+placePad)
			}
		}
		ed.diagram.n.set("size", omap{{"height", int(math.Ceil(h))}, {"width", int(math.Ceil(w))}})
	}
	return nil
}

package model

import (
	"fmt"
	"regexp"
	"strings"
)

// Reading OWASP Threat Dragon models. Version 2 (the app's current format,
// report/schema/threat-dragon-v2.schema.json) keeps each diagram's AntV X6
// cells under detail.diagrams[].cells, each with a shape, a position and
// size (nodes) or a source and target (edges), and a data object with the
// element's type, name, description and threats. Version 1 (JointJS) keeps
// them under detail.diagrams[].diagramJson.cells, with the type and the
// element's properties on the cell itself and its name in attrs.text.text.
//
// Threat Dragon has no trust zones, only boundaries: a trust-boundary box
// (v2) is a zone, and an element is in the innermost box that holds its
// centre; a boundary curve (both versions) separates, but places nothing
// in a zone.

// tdElementTypes are the cell types that are elements, by data.type.
var tdElementTypes = map[string]string{"tm.Actor": "actor", "tm.Process": "process", "tm.Store": "store"}

func readTD(m *Model, root node, p *problems) {
	p.want(root, "", "version", kString, kNumber)
	m.Version = str(root, "version")
	p.want(root, "", "summary", kObject)
	m.Title = str(obj(root, "summary"), "title")
	detail := obj(root, "detail")
	p.want(detail, "detail", "diagrams", kArray)
	m.TDMajor = 2
	diagrams := list(detail, "diagrams")
	for i, dg := range diagrams {
		path := fmt.Sprintf("detail.diagrams[%d]", i)
		if dg.kind() != kObject {
			p.add(dg, path, "expected a diagram (an object), found %s", dg.kind())
			continue
		}
		cells := dg.get("cells")
		if cells == nil && obj(dg, "diagramJson") != nil {
			m.TDMajor = 1
			cells = obj(dg, "diagramJson").get("cells")
			path += ".diagramJson"
		}
		if cells != nil && cells.kind() != kArray && cells.kind() != kNull {
			p.add(cells, path+".cells", "expected a list, found %s", cells.kind())
			continue
		}
		d := &Diagram{ID: str(dg, "id"), Title: str(dg, "title"), Index: i, n: dg, cells: cells}
		m.Diagrams = append(m.Diagrams, d)
		if cells == nil || cells.kind() == kNull {
			continue
		}
		readCells(m, d, path+".cells", cells.items(), p)
	}
	if len(m.Diagrams) == 0 && strings.HasPrefix(m.Version, "1.") {
		m.TDMajor = 1 // no diagram to tell: a new model, saved by Threat Dragon 1.x
	}
	for _, e := range m.Elements {
		e.Zone = innermostBox(m.Zones, e.Box, e.Diagram)
	}
	for _, z := range m.Zones {
		z.Parent = innermostBox(m.Zones, z.Box, z.Diagram, z.ID)
	}
	for _, f := range m.Flows {
		for _, end := range []string{f.Source, f.Destination} {
			if end != "" && m.Element(end) == nil {
				m.Warnings = append(m.Warnings, fmt.Sprintf("%s:%s: %s: its end %q is not an actor, process or store; the flow is not judged", m.File, f.At, f.Label(), end))
			}
		}
	}
}

func readCells(m *Model, d *Diagram, path string, cells []node, p *problems) {
	for i, c := range cells {
		cp := fmt.Sprintf("%s[%d]", path, i)
		if c.kind() != kObject {
			p.add(c, cp, "expected a cell (an object), found %s", c.kind())
			continue
		}
		p.need(c, cp, "id")
		data := tdData(m, c)
		if m.TDMajor == 2 {
			p.want(c, cp, "data", kObject)
		}
		typ := str(data, "type")
		if typ == "" {
			typ = "tm." + tdTypeOfShape(str(c, "shape"))
		}
		p.want(data, tdPath(m, cp), "threats", kArray, kNull)
		id := str(c, "id")
		switch {
		case typ == "tm.BoundaryBox":
			m.Zones = append(m.Zones, &Zone{ID: id, Name: tdName(m, c), Type: "trust-boundary-box", Description: str(data, "description"),
				Box: tdRect(c), Diagram: d.Index, At: c.at(), n: c})
		case tdElementTypes[typ] != "":
			e := &Element{ID: id, Name: tdName(m, c), Type: typ, Shape: tdElementTypes[typ], Description: str(data, "description"),
				Box: tdRect(c), Diagram: d.Index, OutOfScope: boolean(data, "outOfScope"), At: c.at(), n: c}
			e.ARN, e.ARNFrom = tdARN(m, data, e)
			m.Elements = append(m.Elements, e)
			m.Threats = append(m.Threats, tdThreats(m, data, id, tdPath(m, cp), p)...)
		case typ == "tm.Flow":
			f := &Flow{ID: id, Name: tdName(m, c), Description: str(data, "description"), Protocol: str(data, "protocol"),
				Bidirectional: boolean(data, "isBidirectional"), Diagram: d.Index, At: c.at(), n: c}
			f.Source, f.Destination = tdEnd(c, "source"), tdEnd(c, "target")
			m.Flows = append(m.Flows, f)
			m.Threats = append(m.Threats, tdThreats(m, data, id, tdPath(m, cp), p)...)
		}
	}
}

// tdData is where a cell keeps its properties: data (v2), the cell (v1).
func tdData(m *Model, c node) node {
	if m.TDMajor == 1 {
		return c
	}
	return obj(c, "data")
}

func tdPath(m *Model, cell string) string {
	if m.TDMajor == 1 {
		return cell
	}
	return cell + ".data"
}

func tdTypeOfShape(shape string) string {
	switch shape {
	case "actor":
		return "Actor"
	case "process":
		return "Process"
	case "store":
		return "Store"
	case "flow":
		return "Flow"
	case "trust-boundary-box":
		return "BoundaryBox"
	case "trust-boundary-curve":
		return "Boundary"
	}
	return "Unknown"
}

// tdName is what the diagram shows as a cell's name: data.name, else the
// text of its label.
func tdName(m *Model, c node) string {
	if n := str(tdData(m, c), "name"); n != "" && m.TDMajor == 2 {
		return n
	}
	attrs := obj(c, "attrs")
	for _, k := range []string{"text", "label", "headerText"} {
		if t := str(obj(attrs, k), "text"); t != "" {
			return t
		}
	}
	for _, l := range list(c, "labels") {
		a := obj(l, "attrs")
		for _, k := range []string{"text", "label", "labelText"} {
			if t := str(obj(a, k), "text"); t != "" {
				return t
			}
		}
	}
	return ""
}

func tdRect(c node) *Rect {
	pp, sz := obj(c, "position"), obj(c, "size")
	if pp == nil {
		return nil
	}
	r := &Rect{}
	r.X, _ = num(pp, "x")
	r.Y, _ = num(pp, "y")
	r.W, _ = num(sz, "width")
	r.H, _ = num(sz, "height")
	return r
}

// tdEnd is the cell id an edge's end is attached to (v2 "cell", v1 "id").
func tdEnd(c node, key string) string {
	e := obj(c, key)
	if id := str(e, "cell"); id != "" {
		return id
	}
	return str(e, "id")
}

// tdARN is the ARN a cell names: its data.arn property (trustmap writes
// it; Threat Dragon keeps unknown data properties), else an ARN in its
// description, else its name when that is an ARN.
func tdARN(m *Model, data node, e *Element) (string, string) {
	if a := str(data, "arn"); strings.HasPrefix(a, "arn:") {
		if m.TDMajor == 1 {
			return a, "arn"
		}
		return a, "data.arn"
	}
	if v := str(data, "principal"); isPrincipalID(v) {
		if m.TDMajor == 1 {
			return v, "principal"
		}
		return v, "data.principal"
	}
	if a := findARN(e.Description); a != "" {
		return a, "description"
	}
	if strings.HasPrefix(e.Name, "arn:") && !strings.ContainsAny(e.Name, " \n") {
		return e.Name, "name"
	}
	return "", ""
}

// tdTrustmapTitle matches the titles trustmap gives the threats it writes:
// "T-xxxxxxxx Category: ...".
var tdTrustmapTitle = regexp.MustCompile(`^(T-[0-9a-f]{8}) `)

func tdThreats(m *Model, data node, on, path string, p *problems) []*Threat {
	var out []*Threat
	for i, t := range list(data, "threats") {
		if t.kind() != kObject {
			p.add(t, fmt.Sprintf("%s.threats[%d]", path, i), "expected a threat (an object), found %s", t.kind())
			continue
		}
		th := &Threat{ID: str(t, "id"), Title: str(t, "title"), Description: str(t, "description"), Severity: str(t, "severity"),
			Status: str(t, "status"), On: on, At: t.at(), n: t}
		if c := str(t, "type"); c != "" {
			th.Categories = []string{c}
		}
		if mit := strings.TrimSpace(str(t, "mitigation")); mit != "" {
			th.Mitigations = []MitigationRef{{Text: mit, State: tdMitigationState(th.Status)}}
		}
		if sm := tdTrustmapTitle.FindStringSubmatch(th.Title); sm != nil {
			th.Trustmap = sm[1]
		}
		out = append(out, th)
	}
	return out
}

// tdMitigationState reads a threat's status as the state of its
// mitigation: a mitigated threat's mitigation is implemented.
func tdMitigationState(status string) string {
	switch strings.ToLower(status) {
	case "mitigated", "eliminated", "avoided":
		return "implemented"
	case "notapplicable", "not applicable", "accepted", "transferred":
		return "not-applicable"
	}
	return "required"
}

// innermostBox is the id of the smallest box of the diagram that holds the
// centre of r (other than the ids in skip), "" when none does.
func innermostBox(zones []*Zone, r *Rect, diagram int, skip ...string) string {
	if r == nil {
		return ""
	}
	cx, cy := r.X+r.W/2, r.Y+r.H/2
	best, bestArea := "", 0.0
	for _, z := range zones {
		if z.Box == nil || z.Diagram != diagram || (len(skip) > 0 && z.ID == skip[0]) {
			continue
		}
		b := z.Box
		if cx < b.X || cy < b.Y || cx > b.X+b.W || cy > b.Y+b.H {
			continue
		}
		if len(skip) > 0 && b.W*b.H <= r.W*r.H { // a zone's parent is larger than it
			continue
		}
		if a := b.W * b.H; best == "" || a < bestArea {
			best, bestArea = z.ID, a
		}
	}
	return best
}

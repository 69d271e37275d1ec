package model

import (
	"fmt"
	"strings"
)

// Reading Open Threat Model files (iriusrisk/OpenThreatModel, 0.1.0 and
// 0.2.0; report/schema/otm-0.2.0.schema.json). The reader is as lenient as
// the tools that write OTM: nulls where the schema allows them, numbers
// where a string is expected (YAML ids), unknown members kept. It refuses
// what it cannot read: a list that is not a list, an element that is not
// an object, a component or flow without an id.

func readOTM(m *Model, root node, p *problems) {
	p.want(root, "", "otmVersion", kString, kNumber)
	m.Version = str(root, "otmVersion")
	switch pr := root.get("project"); {
	case pr == nil:
		p.add(root, "", "project is required")
	case pr.kind() != kObject:
		p.add(pr, "project", "expected an object, found %s", pr.kind())
	default:
		m.Title = str(pr, "name")
	}
	for _, key := range []string{"representations", "trustZones", "components", "dataflows", "threats", "mitigations", "assets"} {
		p.want(root, "", key, kArray, kNull)
	}
	for i, r := range objects(root, "representations", p) {
		if str(r, "type") == "diagram" {
			m.Diagrams = append(m.Diagrams, &Diagram{ID: str(r, "id"), Title: str(r, "name"), Index: i, n: r})
		}
	}
	for i, z := range objects(root, "trustZones", p) {
		path := fmt.Sprintf("trustZones[%d]", i)
		p.need(z, path, "id")
		zone := &Zone{ID: str(z, "id"), Name: str(z, "name"), Type: str(z, "type"), Description: str(z, "description"),
			Attributes: stringMap(obj(z, "attributes")), At: z.at(), n: z}
		if r, ok := num(obj(z, "risk"), "trustRating"); ok {
			zone.TrustRating = &r
		}
		zone.Parent = str(obj(z, "parent"), "trustZone")
		zone.Box = otmBox(z)
		m.Zones = append(m.Zones, zone)
	}

	mits := map[string]*Mitigation{}
	for i, x := range objects(root, "mitigations", p) {
		p.need(x, fmt.Sprintf("mitigations[%d]", i), "id")
		mt := &Mitigation{ID: str(x, "id"), Name: str(x, "name"), Description: str(x, "description"), At: x.at(), n: x}
		mt.RiskReduction, _ = num(x, "riskReduction")
		m.Mitigations = append(m.Mitigations, mt)
		mits[mt.ID] = mt
	}
	catalogue := map[string]node{}
	for i, t := range objects(root, "threats", p) {
		p.need(t, fmt.Sprintf("threats[%d]", i), "id")
		catalogue[str(t, "id")] = t
	}

	parentComp := map[string]string{}
	used := map[string]bool{}
	for i, c := range objects(root, "components", p) {
		path := fmt.Sprintf("components[%d]", i)
		p.need(c, path, "id")
		p.want(c, path, "parent", kObject, kNull)
		p.want(c, path, "tags", kArray, kNull)
		p.want(c, path, "attributes", kObject, kNull)
		p.want(c, path, "threats", kArray, kNull)
		e := &Element{ID: str(c, "id"), Name: str(c, "name"), Type: str(c, "type"), Description: str(c, "description"),
			Attributes: stringMap(obj(c, "attributes")), Tags: stringList(c, "tags"), At: c.at(), n: c}
		par := obj(c, "parent")
		e.Zone = str(par, "trustZone")
		e.ParentComponent = str(par, "component")
		if e.ParentComponent != "" {
			parentComp[e.ID] = e.ParentComponent
		}
		e.ARN, e.ARNFrom = otmARN(e)
		e.Box = otmBox(c)
		m.Elements = append(m.Elements, e)
		m.Threats = append(m.Threats, otmInstances(c, e.ID, path, catalogue, mits, used, p)...)
	}
	// A component inside another component is in that one's zone.
	for _, e := range m.Elements {
		if e.Zone != "" {
			continue
		}
		seen := map[string]bool{}
		for c := e.ParentComponent; c != "" && !seen[c]; c = parentComp[c] {
			seen[c] = true
			if pe := m.Element(c); pe != nil && pe.Zone != "" {
				e.Zone = pe.Zone
				break
			}
		}
	}
	for i, f := range objects(root, "dataflows", p) {
		path := fmt.Sprintf("dataflows[%d]", i)
		p.need(f, path, "id")
		p.want(f, path, "attributes", kObject, kNull)
		p.want(f, path, "tags", kArray, kNull)
		p.want(f, path, "threats", kArray, kNull)
		fl := &Flow{ID: str(f, "id"), Name: str(f, "name"), Description: str(f, "description"),
			Source: str(f, "source"), Destination: str(f, "destination"), Bidirectional: boolean(f, "bidirectional"),
			Attributes: stringMap(obj(f, "attributes")), Tags: stringList(f, "tags"), At: f.at(), n: f}
		fl.Protocol = fl.Attributes["protocol"]
		for _, end := range []string{fl.Source, fl.Destination} {
			if m.Element(end) == nil {
				m.Warnings = append(m.Warnings, fmt.Sprintf("%s:%s: %s: %q is not a component of the model; the flow is not judged", m.File, fl.At, path, end))
			}
		}
		m.Flows = append(m.Flows, fl)
		m.Threats = append(m.Threats, otmInstances(f, fl.ID, path, catalogue, mits, used, p)...)
	}
	for _, t := range objects(root, "threats", p) {
		if id := str(t, "id"); !used[id] {
			m.Threats = append(m.Threats, otmThreat(t, nil, "", mits))
		}
	}
}

// objects returns the items of array member key, each checked to be an
// object.
func objects(n node, key string, p *problems) []node {
	var out []node
	for i, it := range list(n, key) {
		if it.kind() != kObject {
			p.add(it, fmt.Sprintf("%s[%d]", key, i), "expected an object, found %s", it.kind())
			continue
		}
		out = append(out, it)
	}
	return out
}

// otmInstances reads the threat instances on a component or flow.
func otmInstances(owner node, ownerID, path string, catalogue map[string]node, mits map[string]*Mitigation, used map[string]bool, p *problems) []*Threat {
	var out []*Threat
	for i, ti := range list(owner, "threats") {
		tp := fmt.Sprintf("%s.threats[%d]", path, i)
		if ti.kind() != kObject {
			p.add(ti, tp, "expected a threat instance (an object with threat and state), found %s", ti.kind())
			continue
		}
		p.need(ti, tp, "threat")
		id := str(ti, "threat")
		used[id] = true
		t := otmThreat(catalogue[id], ti, ownerID, mits)
		t.ID = id
		out = append(out, t)
	}
	return out
}

func otmThreat(def, inst node, on string, mits map[string]*Mitigation) *Threat {
	t := &Threat{ID: str(def, "id"), Title: str(def, "name"), Description: str(def, "description"),
		Categories: stringList(def, "categories"), On: on, n: inst, def: def}
	if def != nil {
		t.At = def.at()
	}
	if inst != nil {
		t.At = inst.at()
		t.Status = str(inst, "state")
		for _, mi := range list(inst, "mitigations") {
			ref := MitigationRef{ID: str(mi, "mitigation"), State: str(mi, "state")}
			if mt := mits[ref.ID]; mt != nil {
				ref.Name, ref.Text = mt.Name, mt.Name
				if d := strings.TrimSpace(mt.Description); d != "" && d != mt.Name {
					ref.Text += "\n" + d
				}
			}
			t.Mitigations = append(t.Mitigations, ref)
		}
	}
	if def != nil {
		t.Severity = stringMap(obj(def, "attributes"))["severity"]
	}
	if id := str(def, "id"); trustmapThreatRE.MatchString(id) && stringMap(obj(def, "attributes"))["resource_arn"] != "" {
		t.Trustmap = id
	}
	return t
}

// otmARN is the ARN the model gives a component, and where it gives it.
func otmARN(e *Element) (string, string) {
	for k, v := range e.Attributes {
		if strings.EqualFold(k, "arn") && strings.HasPrefix(v, "arn:") {
			return v, "attributes." + k
		}
	}
	if v := e.Attributes["principal"]; isPrincipalID(v) {
		return v, "attributes.principal"
	}
	if strings.HasPrefix(e.ID, "arn:") {
		return e.ID, "id"
	}
	if a := findARN(e.Description); a != "" {
		return a, "description"
	}
	return "", ""
}

// otmBox is the place of a zone or component on the first diagram
// representation that draws it.
func otmBox(n node) *Rect {
	for _, r := range list(n, "representations") {
		pp, sz := obj(r, "position"), obj(r, "size")
		if pp == nil || sz == nil {
			continue
		}
		x, _ := num(pp, "x")
		y, _ := num(pp, "y")
		w, _ := num(sz, "width")
		h, _ := num(sz, "height")
		return &Rect{x, y, w, h}
	}
	return nil
}

package model

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
)

// otmEditor writes an update into an OTM file: new trust zones,
// components and dataflows at the end of their lists, trustmap's threats
// in the threat and mitigation catalogues with an instance on their
// component, and stale marks as the attribute trustmap-stale.
type otmEditor struct {
	m *Model
}

func (o *otmEditor) root() node { return o.m.doc.root() }

func (o *otmEditor) addZone(nz newZone) *Zone {
	attrs := omap{{"zone", string(nz.zone)}}
	if nz.exposure != 0 {
		attrs = append(attrs, kv{"exposure", nz.exposure.String()})
	}
	if nz.outside {
		attrs = append(attrs, kv{"outside", "true"})
	}
	attrs = append(attrs, kv{addedKey, "added"})
	n := appendIn(o.root(), "trustZones", omap{{"id", nz.id}, {"name", nz.name}, {"type", nz.typ}, {"description", nz.desc},
		{"risk", omap{{"trustRating", nz.trust}}}, {"attributes", attrs}})
	rating := float64(nz.trust)
	z := &Zone{ID: nz.id, Name: nz.name, Type: nz.typ, Description: nz.desc, TrustRating: &rating, Attributes: stringMap(obj(n, "attributes")), n: n}
	o.m.Zones = append(o.m.Zones, z)
	return z
}

func (o *otmEditor) addElement(ne newElement) *Element {
	r := ne.res
	attrs := omap{}
	if strings.HasPrefix(r.ID, "arn:") {
		attrs = append(attrs, kv{"arn", r.ID})
	} else {
		attrs = append(attrs, kv{"principal", r.ID})
	}
	attrs = append(attrs, kv{"kind", string(r.Kind)})
	if r.Account != "" {
		attrs = append(attrs, kv{"account", r.Account})
	}
	if r.Region != "" {
		attrs = append(attrs, kv{"region", r.Region})
	}
	attrs = append(attrs, kv{addedKey, "added"})
	n := appendIn(o.root(), "components", omap{{"id", ne.id}, {"name", ne.name}, {"type", ne.typ}, {"description", ne.desc},
		{"parent", omap{{"trustZone", ne.zone}}}, {"tags", []any{string(r.Kind)}}, {"attributes", attrs}})
	e := &Element{ID: ne.id, Name: ne.name, Type: ne.typ, Description: ne.desc, Zone: ne.zone, Attributes: stringMap(obj(n, "attributes")),
		Tags: []string{string(r.Kind)}, n: n}
	e.ARN, e.ARNFrom = otmARN(e)
	o.m.Elements = append(o.m.Elements, e)
	return e
}

func (o *otmEditor) addFlow(nf newFlow) *Flow {
	tags := make([]any, len(nf.tags))
	for i, t := range nf.tags {
		tags[i] = t
	}
	n := appendIn(o.root(), "dataflows", omap{{"id", nf.id}, {"name", nf.name}, {"description", nf.desc}, {"bidirectional", false},
		{"source", nf.from.ID}, {"destination", nf.to.ID}, {"tags", tags}, {"attributes", nf.attrs}})
	f := &Flow{ID: nf.id, Name: nf.name, Description: nf.desc, Source: nf.from.ID, Destination: nf.to.ID, Attributes: stringMap(obj(n, "attributes")), Tags: nf.tags, n: n}
	o.m.Flows = append(o.m.Flows, f)
	return f
}

// threat writes a trustmap threat as the OTM export does: a catalogue
// entry (risk ×20 on OTM's 0–100 scale, the reasons as comments), its
// mitigations in the mitigation catalogue, and an instance on the
// component with state "exposed" and the mitigations "required". On a
// model that has it, the catalogue entry and mitigations follow the scan;
// the instance's state, and any mitigation state the modeler set, stay.
func (o *otmEditor) threat(e *Element, t *results.Threat, p *planner) string {
	root := o.root()
	did := ""
	note := func(s string) {
		if did == "" || s == "added" {
			did = s
		}
	}
	def := o.catalogueEntry("threats", t.ID)
	entry := otmThreatEntry(t)
	if def == nil {
		appendIn(root, "threats", entry)
		note("added")
	} else if o.setAll(def, entry) {
		note("updated")
	}
	var mitRefs []any
	for _, text := range t.Mitigations {
		id := mitigationID(text)
		red := 40
		if slices.Contains(p.fixes(t.EntryPoint), text) {
			red = 80
		}
		mit := omap{{"id", id}, {"name", truncate(text, 200)}, {"description", text}, {"riskReduction", red}}
		if x := o.catalogueEntry("mitigations", id); x == nil {
			appendIn(root, "mitigations", mit)
			note("updated")
		} else if x.get("riskReduction") != nil {
			if rr, _ := num(x, "riskReduction"); int(rr) < red && x.set("riskReduction", red) {
				note("updated")
			}
		}
		mitRefs = append(mitRefs, omap{{"mitigation", id}, {"state", "required"}})
	}
	var inst node
	for _, ti := range list(e.n, "threats") {
		if str(ti, "threat") == t.ID {
			inst = ti
		}
	}
	if inst == nil {
		if mitRefs == nil {
			mitRefs = []any{}
		}
		appendIn(e.n, "threats", omap{{"threat", t.ID}, {"state", "exposed"}, {"mitigations", mitRefs}})
		note("added")
		return did
	}
	have := map[string]bool{}
	for _, mi := range list(inst, "mitigations") {
		have[str(mi, "mitigation")] = true
	}
	for _, mr := range mitRefs {
		if id := mr.(omap).get("mitigation").(string); !have[id] {
			appendIn(inst, "mitigations", mr)
			note("updated")
		}
	}
	return did
}

// setAll sets every member of v on n (a catalogue entry trustmap owns),
// merging attributes rather than replacing them; it reports a change.
func (o *otmEditor) setAll(n node, v omap) bool {
	changed := false
	for _, e := range v {
		if e.k == "attributes" || e.k == "tags" {
			continue
		}
		if n.set(e.k, e.v) {
			changed = true
		}
	}
	for _, a := range v.get("attributes").(omap) {
		if setIn(n, "attributes", a.k, a.v) {
			changed = true
		}
	}
	return changed
}

func (o *otmEditor) catalogueEntry(list_, id string) node {
	for _, x := range list(o.root(), list_) {
		if str(x, "id") == id {
			return x
		}
	}
	return nil
}

func otmThreatEntry(t *results.Threat) omap {
	cats := make([]any, len(t.STRIDE))
	for i, c := range t.STRIDE {
		cats[i] = c
	}
	attrs := omap{{"resource_arn", t.ResourceARN}, {"likelihood", fmt.Sprint(t.Likelihood)}, {"impact", fmt.Sprint(t.Impact)},
		{"risk", fmt.Sprint(t.Risk)}, {"severity", string(t.Severity)}, {"recognized", fmt.Sprint(t.Recognized)}}
	if t.EntryPoint != "" {
		attrs = append(attrs, kv{"entry_point", t.EntryPoint})
	}
	if t.AttackPath != "" {
		attrs = append(attrs, kv{"attack_path", t.AttackPath})
	}
	if len(t.References) > 0 {
		attrs = append(attrs, kv{"references", strings.Join(t.References, "; ")})
	}
	tags := []any{string(t.Severity)}
	if !t.Recognized {
		tags = append(tags, "unrecognized")
	}
	return omap{{"id", t.ID}, {"name", t.Title}, {"description", threatText(t)}, {"categories", cats},
		{"risk", omap{{"likelihood", t.Likelihood * 20}, {"likelihoodComment", t.Reasons.Likelihood}, {"impact", t.Impact * 20}, {"impactComment", t.Reasons.Impact}}},
		{"tags", tags}, {"attributes", attrs}}
}

// fixes are the policy engine's fixes of an entry point: the mitigations
// that close the way in.
func (p *planner) fixes(ep string) []string {
	for _, x := range p.inv.scan.Report.EntryPoints {
		if x.ID == ep {
			return x.Evidence.Fix
		}
	}
	return nil
}

func (o *otmEditor) owner(t markable) node {
	switch {
	case t.e != nil:
		return t.e.n
	case t.f != nil:
		return t.f.n
	case t.t != nil:
		return t.t.def
	}
	return nil
}

func (o *otmEditor) mark(t markable, text string) bool {
	n := o.owner(t)
	if n == nil || n.kind() != kObject {
		return false
	}
	if a := obj(n, "attributes"); a != nil && a.get(staleKey) != nil {
		return false // marked before: keep the first date
	}
	return setIn(n, "attributes", staleKey, text)
}

func (o *otmEditor) unmark(t markable) bool {
	n := o.owner(t)
	if a := obj(n, "attributes"); a != nil {
		return a.unset(staleKey)
	}
	return false
}

func (o *otmEditor) finish(*planner) error { return nil }

func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

var _ = graph.KindAccount

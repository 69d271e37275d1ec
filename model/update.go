package model

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
	"github.com/trustmap/trustmap/report"
)

// Updating a model merges the scan into it, as edits of the file:
//
//   - every way into the account the model lacks gets an element for its
//     resource (inside the element of what contains it, when the model has
//     that: a method in its API), an element for the outside party it lets
//     in, and a flow between them; the attack path behind its threat gets
//     its elements and flows too;
//   - every threat trustmap finds is written on the element that stands for
//     its resource, or updated in place when the model already has it
//     (trustmap owns those: their scores, text and mitigations follow the
//     account; the status the modeler gave them is kept);
//   - elements with no deployed counterpart, flows the account does not
//     allow and trustmap threats the scan no longer finds are marked, never
//     deleted (StaleMark), or left alone (StaleKeep); a mark goes away when
//     a later scan sees the element again. An incomplete scan, or a
//     report.json without the inventory, marks nothing.
//
// A new element goes into the zone of the model that fits it: an outside
// party into the model's zone of such parties (the internet, partners), a
// resource into a zone of the account at least as exposed as the resource
// is (so the update itself causes no zone contradiction), preferring the
// zone of what contains it, then the zone most of its neighbours in the
// graph are in. When no zone fits, one is added, named after the account
// or party. Ids are stable (UUIDs of the ARN, as trustmap's exports use),
// and everything added carries its ARN, so a second update on the same
// account matches what the first added and changes nothing.

// StaleMode says what to do with what the scan no longer sees.
type StaleMode string

// Stale modes.
const (
	StaleMark StaleMode = "mark"
	StaleKeep StaleMode = "keep"
)

// UpdateOptions tune an update.
type UpdateOptions struct {
	Stale StaleMode
}

// Change is one edit an update made, for people.
type Change struct {
	Kind string `json:"kind"` // add-zone, add-element, add-flow, add-threat, update-threat, mark-stale, unmark-stale, skip
	What string `json:"what"`
}

// Edit reports whether the change edited the model: a skip (something not
// added because an ambiguous element may already stand for it) is a note,
// said again on every update until the modeler resolves it.
func (c Change) Edit() bool { return c.Kind != "skip" }

// Edits counts the changes that edited the model.
func Edits(cs []Change) int {
	n := 0
	for _, c := range cs {
		if c.Edit() {
			n++
		}
	}
	return n
}

// staleKey is the attribute (OTM) or description line prefix (Threat
// Dragon) of a stale mark.
const (
	staleKey  = "trustmap-stale"
	staleLine = "[trustmap] stale:"
	addedKey  = "trustmap"
)

// Update merges a scan into the model and returns the drift it found
// before the update and the changes it made. The model's bytes (Bytes)
// then hold the updated file.
func Update(m *Model, s *Scan, o UpdateOptions) (*Drift, []Change, error) {
	if o.Stale == "" {
		o.Stale = StaleMark
	}
	d := Validate(m, s)
	var ed editor
	switch m.Format {
	case FormatOTM:
		ed = &otmEditor{m: m}
	case FormatThreatDragon:
		ed = newTDEditor(m)
	default:
		return d, nil, fmt.Errorf("%s: cannot update a %s model", m.File, m.Format)
	}
	p := &planner{d: d, ed: ed, inv: d.inv, zc: zoneClasses(m, d.inv.own), elemOf: map[string]*Element{}, skipped: map[string]bool{},
		date: s.Report.ScannedAt.UTC().Format("2006-01-02")}
	p.run(o)
	if err := ed.finish(p); err != nil {
		return d, p.changes, err
	}
	return d, p.changes, nil
}

// editor writes what the planner decides into one format.
type editor interface {
	// zoneFor returns the id of a new zone for outsiders or for a part of
	// the account, adding it.
	addZone(z newZone) *Zone
	addElement(e newElement) *Element
	addFlow(f newFlow) *Flow
	// threat writes t (one of trustmap's) on element e, or updates the
	// model's copy; it reports what it did ("", "added", "updated").
	threat(e *Element, t *results.Threat, p *planner) string
	mark(target markable, text string) bool
	unmark(target markable) bool
	// finish completes the file: counters, placement of new shapes.
	finish(p *planner) error
}

// markable is an element, flow or threat that can carry a stale mark.
type markable struct {
	e *Element
	f *Flow
	t *Threat
}

// zoneNote is how a zone trustmap adds to a Threat Dragon diagram (whose
// boxes have no attributes) says what it is, for classifyZone to read back.
func zoneNote(nz newZone) string {
	if nz.exposure == 0 {
		return ""
	}
	s := " (trustmap: exposure " + nz.exposure.String()
	if nz.outside {
		s += ", outside the account"
	}
	return s + ")"
}

type newZone struct {
	id, name, typ, desc string
	exposure            policy.Verdict
	outside             bool
	trust               int
	zone                graph.Zone
}

type newElement struct {
	id, name, typ, desc string
	res                 *resource
	zone                string // zone id
	shape               string
}

type newFlow struct {
	id, name, desc string
	from, to       *Element
	attrs          omap
	tags           []string
	public         bool
}

type planner struct {
	d       *Drift
	ed      editor
	inv     *inventory
	zc      map[string]zoneClass
	elemOf  map[string]*Element // resource → the element that stands for it
	skipped map[string]bool
	changes []Change
	date    string
	added   []*Element
}

func (p *planner) change(kind, format string, args ...any) {
	p.changes = append(p.changes, Change{kind, fmt.Sprintf(format, args...)})
}

func (p *planner) run(o UpdateOptions) {
	r := p.inv.scan.Report
	// Ways in, with the parties they let in and the paths behind them.
	threatOf := map[string]*results.Threat{}
	for i := range r.Threats {
		threatOf[r.Threats[i].EntryPoint] = &r.Threats[i]
	}
	pathOf := map[string]*results.AttackPath{}
	for i := range r.AttackPaths {
		pathOf[r.AttackPaths[i].ID] = &r.AttackPaths[i]
	}
	byEP := map[string][]results.Crossing{}
	for _, c := range p.inv.crossings {
		if c.EntryPoint != "" {
			byEP[c.EntryPoint] = append(byEP[c.EntryPoint], c)
		}
	}
	for i := range r.EntryPoints {
		ep := &r.EntryPoints[i]
		target := p.element(ep.ResourceARN)
		for _, c := range byEP[ep.ID] {
			p.flow(p.element(c.From), target, c.Kind.String(), crossingFlow(c, p.inv))
		}
		if t := threatOf[ep.ID]; t != nil && t.AttackPath != "" {
			if ap := pathOf[t.AttackPath]; ap != nil {
				for _, st := range ap.Steps[1:] {
					p.flow(p.element(st.From), p.element(st.To), st.Edge.String(), stepFlow(st, p.inv))
				}
			}
		}
	}
	for _, c := range p.inv.crossings {
		if c.EntryPoint == "" {
			p.flow(p.element(c.From), p.element(c.To), c.Kind.String(), crossingFlow(c, p.inv))
		}
	}
	// Threats.
	produced := map[string]bool{}
	for i := range r.Threats {
		t := &r.Threats[i]
		produced[t.ID] = true
		e := p.element(t.ResourceARN)
		if e == nil {
			continue
		}
		switch p.ed.threat(e, t, p) {
		case "added":
			p.change("add-threat", "%s on %s: %s", t.ID, e.Label(), t.Title)
		case "updated":
			p.change("update-threat", "%s on %s: scores, text and mitigations follow the scan", t.ID, e.Label())
		}
	}
	// Stale marks.
	canMark := o.Stale == StaleMark && r.Complete && p.inv.scan.Full()
	stale := map[string]string{}
	for _, st := range p.d.Stale {
		stale[st.Element.ID] = st.What
	}
	for _, e := range p.d.model.Elements {
		if why, ok := stale[e.ID]; ok && canMark {
			if p.ed.mark(markable{e: e}, fmt.Sprintf("no deployed counterpart since the scan of %s: %s", p.date, why)) {
				p.change("mark-stale", "%s: %s", e.Label(), why)
			}
		} else if !ok && p.d.mt.Of(e.ID) != nil && o.Stale == StaleMark {
			if p.ed.unmark(markable{e: e}) {
				p.change("unmark-stale", "%s: the scan sees it again", e.Label())
			}
		}
	}
	notAllowed := map[string]string{}
	for _, fd := range p.d.Flows {
		notAllowed[fd.Flow.ID] = fd.What
	}
	for _, f := range p.d.model.Flows {
		if why, ok := notAllowed[f.ID]; ok && canMark {
			if p.ed.mark(markable{f: f}, fmt.Sprintf("the account does not allow it since the scan of %s: %s", p.date, why)) {
				p.change("mark-stale", "%s: %s", f.Label(), why)
			}
		}
	}
	for _, t := range p.d.model.Threats {
		if t.Trustmap == "" || produced[t.Trustmap] || !canMark {
			continue
		}
		if p.ed.mark(markable{t: t}, fmt.Sprintf("the scan of %s no longer finds this threat: its way in is gone", p.date)) {
			p.change("mark-stale", "threat %s: no longer found", t.Trustmap)
		}
	}
}

// element returns the element that stands for a resource or outside
// party, adding it (and what contains it) when the model has none.
func (p *planner) element(id string) *Element {
	if e := p.elemOf[id]; e != nil {
		return e
	}
	if es := p.d.standsFor(id); len(es) > 0 {
		p.elemOf[id] = es[0]
		return es[0]
	}
	if a := p.ambiguous(id); a != nil {
		if !p.skipped[id] {
			p.skipped[id] = true
			p.change("skip", "%s: %s may already stand for it (an ambiguous match): nothing added for it until the model says which resource it is", id, a.Element.Label())
		}
		return nil
	}
	r := p.inv.byID[id]
	if r == nil {
		r = &resource{ID: id, Kind: report.KindOfID(id), Name: shortName(id), Account: graph.AccountOfARN(id), Zone: graph.ZoneOf(&graph.Node{ID: id, Kind: report.KindOfID(id)}, p.inv.scanned)}
	}
	if r.Parent != "" {
		// A method, route, stage or function URL is drawn as what contains
		// it: the API, the function (as validate reads the model).
		e := p.element(r.Parent)
		p.elemOf[id] = e
		return e
	}
	ne := newElement{id: stableUUID("component", id), res: r, shape: tdShapeOf(r.Kind), typ: otmComponentType(r.Kind), name: p.inv.displayName(id)}
	ne.desc = fmt.Sprintf("%s %s, added by trustmap from the scan of %s.", r.Kind, id, p.date)
	if r.principal() || r.Kind == graph.KindExternalEndpoint {
		ne.desc = fmt.Sprintf("%s (%s), added by trustmap from the scan of %s.", ne.name, id, p.date)
	}
	ne.zone = p.zoneFor(r)
	e := p.ed.addElement(ne)
	p.elemOf[id] = e
	p.added = append(p.added, e)
	p.d.mt.byRes[id] = append(p.d.mt.byRes[id], e)
	p.change("add-element", "%s for %s in zone %q", e.Label(), id, p.zoneName(e.Zone))
	return e
}

// ambiguous returns the ambiguity that names a resource as a candidate.
func (p *planner) ambiguous(id string) *Ambiguity {
	for _, a := range p.d.mt.Ambiguous {
		for _, c := range a.Candidates {
			if c.Resource == id {
				return a
			}
		}
	}
	return nil
}

func (p *planner) zoneName(id string) string {
	if z := p.d.model.Zone(id); z != nil {
		return oneLineName(z.Name)
	}
	return id
}

// zoneFor picks the zone of a new element (see the comment at the top).
func (p *planner) zoneFor(r *resource) string {
	m := p.d.model
	if r.principal() || r.Kind == graph.KindExternalEndpoint || r.Zone.Outside() {
		return p.outsideZone(r)
	}
	exp := exposureRank(p.worstExposure(r.ID))
	fits := func(z *Zone) bool {
		c := p.zc[z.ID]
		return !c.Outside && (c.Exposure == 0 || exposureRank(c.Exposure) >= exp) && (c.AWS || c.Exposure != 0 || p.holdsAccount(z.ID))
	}
	// The zone most of its neighbours stand in, then the one holding most
	// of the account's elements, among the zones that fit.
	score := map[string]int{}
	for _, nb := range p.neighbours(r.ID) {
		for _, e := range p.d.standsFor(nb) {
			score[e.Zone] += 10
		}
	}
	for _, x := range p.d.mt.Matches {
		if res := p.inv.byID[x.Resource]; res != nil && res.Account == r.Account {
			score[x.Element.Zone]++
		}
	}
	var best *Zone
	for _, z := range m.Zones {
		if !fits(z) {
			continue
		}
		if best == nil || score[z.ID] > score[best.ID] || (score[z.ID] == score[best.ID] && exposureRank(p.zc[z.ID].Exposure) < exposureRank(p.zc[best.ID].Exposure)) {
			best = z
		}
	}
	if best != nil {
		return best.ID
	}
	words := map[int]string{0: "internal", 1: "reached from other accounts", 2: "reached from anywhere"}
	verdict := []policy.Verdict{policy.Internal, policy.CrossAccount, policy.Public}[exp]
	z := graph.ZoneAccount(r.Account)
	nz := newZone{id: stableUUID("zone", string(z), verdict.String()), name: fmt.Sprintf("Account %s: %s", r.Account, words[exp]),
		typ: "trustmap-account", desc: fmt.Sprintf("Resources of AWS account %s that the scan found %s; added by trustmap.", r.Account, words[exp]),
		exposure: verdict, trust: []int{90, 50, 20}[exp], zone: z}
	return p.ensureZone(nz)
}

// holdsAccount reports whether a zone holds elements matched to resources
// of a scanned account.
func (p *planner) holdsAccount(zone string) bool {
	for _, x := range p.d.mt.Matches {
		if x.Element.Zone == zone {
			if r := p.inv.byID[x.Resource]; r != nil && !r.principal() {
				return true
			}
		}
	}
	return false
}

func (p *planner) ensureZone(nz newZone) string {
	if z := p.d.model.Zone(nz.id); z != nil {
		return z.ID
	}
	z := p.ed.addZone(nz)
	p.zc[z.ID] = classifyZone(z, p.inv.own)
	p.change("add-zone", "trust zone %q", nz.name)
	return z.ID
}

// outsideZone is the zone of an outside party: the model's zone for such
// parties when it has one, else a new one named after the party.
func (p *planner) outsideZone(r *resource) string {
	m := p.d.model
	want := exposureCrossAccount
	if r.Zone == graph.ZoneInternet || r.Zone == graph.ZoneAnyAWSAccount {
		want = exposurePublic
	}
	acct := strings.TrimPrefix(string(r.Zone), "external-account:")
	var candidates []*Zone
	for _, z := range m.Zones {
		c := p.zc[z.ID]
		if !c.Outside || c.Exposure != want {
			continue
		}
		if want == exposureCrossAccount && strings.HasPrefix(string(r.Zone), "external-account:") {
			if strings.Contains(z.Name+" "+z.Description+" "+z.ID, acct) {
				return z.ID // the model's zone of that very account
			}
			continue
		}
		candidates = append(candidates, z)
	}
	if want == exposurePublic && len(candidates) > 0 {
		for _, z := range candidates {
			if z.ID == irisInternetZone {
				return z.ID
			}
		}
		return candidates[0].ID
	}
	nz := newZone{id: stableUUID("zone", string(r.Zone)), zone: r.Zone, outside: true, exposure: want, trust: 30, typ: "trustmap-" + strings.SplitN(string(r.Zone), ":", 2)[0]}
	switch {
	case want == exposurePublic:
		nz.id, nz.name, nz.typ, nz.trust, nz.desc = irisInternetZone, "Internet", irisInternetZone, 1, "Anyone on the internet; added by trustmap."
	case strings.HasPrefix(string(r.Zone), "external-account:"):
		nz.name = "External account " + acct
		if n := p.inv.scan.KnownAccounts[acct]; n != "" {
			nz.name += " (" + n + ")"
		}
		nz.desc = "An AWS account outside the scan; added by trustmap."
	case strings.HasPrefix(string(r.Zone), "organization:"):
		nz.name, nz.desc = "Organization "+strings.TrimPrefix(string(r.Zone), "organization:"), "The accounts of an AWS organization; added by trustmap."
	case strings.HasPrefix(string(r.Zone), "aws-service:"):
		nz.name, nz.desc, nz.trust = "AWS service "+strings.TrimPrefix(string(r.Zone), "aws-service:"), "An AWS service acting on its own; added by trustmap.", 70
	default:
		nz.name, nz.desc = string(r.Zone), "Added by trustmap."
	}
	return p.ensureZone(nz)
}

func (p *planner) worstExposure(id string) policy.Verdict {
	worst := policy.Internal
	for _, ep := range p.inv.entryPoints(id) {
		if exposureRank(ep.Exposure) > exposureRank(worst) {
			worst = ep.Exposure
		}
	}
	return worst
}

// neighbours are the resources the graph links to id, either way.
func (p *planner) neighbours(id string) []string {
	g := p.inv.scan.Graph
	if g == nil {
		return nil
	}
	var out []string
	for _, e := range g.Out(id) {
		out = append(out, e.To)
	}
	for _, e := range g.In(id) {
		out = append(out, e.From)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// flow adds a flow from one element to another unless the model already
// draws one between them in that direction (or both ways).
func (p *planner) flow(from, to *Element, kind string, nf newFlow) {
	if from == nil || to == nil || from == to {
		return
	}
	for _, f := range p.d.model.Flows {
		if (f.Source == from.ID && f.Destination == to.ID) || (f.Bidirectional && f.Source == to.ID && f.Destination == from.ID) {
			return
		}
	}
	nf.from, nf.to = from, to
	if nf.name == "" {
		nf.name = kind
	}
	f := p.ed.addFlow(nf)
	p.change("add-flow", "%s: %s → %s", f.Label(), oneLineName(from.Name), oneLineName(to.Name))
}

func crossingFlow(c results.Crossing, inv *inventory) newFlow {
	attrs := omap{{"from", c.From}, {"to", c.To}}
	if c.Via != 0 {
		attrs = append(attrs, kv{"via", c.Via.String()})
	}
	if c.Exposure != 0 {
		attrs = append(attrs, kv{"exposure", c.Exposure.String()})
	}
	if len(c.Actions) > 0 {
		attrs = append(attrs, kv{"actions", strings.Join(c.Actions, ",")})
	}
	if c.Principal != "" {
		attrs = append(attrs, kv{"principal", c.Principal})
	}
	ev := strings.Join(crossingEvidence(c), " | ")
	if ev != "" {
		attrs = append(attrs, kv{"evidence", ev})
	}
	attrs = append(attrs, kv{addedKey, "added"})
	desc := fmt.Sprintf("%s %s", c.Kind, inv.displayName(c.To))
	if len(c.Actions) > 0 {
		desc += ": " + strings.Join(c.Actions, ", ")
	}
	if ev != "" {
		desc += " (" + ev + ")"
	}
	tags := []string{c.Kind.String(), "crosses-trust-boundary"}
	if c.Via != 0 {
		tags = append(tags, c.Via.String())
	}
	return newFlow{id: stableUUID("dataflow", c.From, c.To, c.Kind.String(), c.Via.String()), name: c.Kind.String(), desc: desc,
		attrs: attrs, tags: tags, public: c.FromZone == graph.ZoneInternet}
}

func stepFlow(st results.PathStep, inv *inventory) newFlow {
	attrs := omap{{"from", st.From}, {"to", st.To}}
	if st.Via != 0 {
		attrs = append(attrs, kv{"via", st.Via.String()})
	}
	if st.Evidence != "" {
		attrs = append(attrs, kv{"evidence", st.Evidence})
	}
	attrs = append(attrs, kv{addedKey, "added"})
	desc := fmt.Sprintf("%s %s", st.Edge, inv.displayName(st.To))
	if st.Evidence != "" {
		desc += " (" + st.Evidence + ")"
	}
	tags := []string{st.Edge.String()}
	if st.Via != 0 {
		tags = append(tags, st.Via.String())
	}
	return newFlow{id: stableUUID("dataflow", st.From, st.To, st.Edge.String(), st.Via.String()), name: st.Edge.String(), desc: desc, attrs: attrs, tags: tags}
}

// otmComponentType is the component type IriusRisk's library and
// StartLeft's AWS mappings use for a kind (as trustmap's OTM export).
func otmComponentType(k graph.Kind) string {
	switch k {
	case graph.KindS3Bucket:
		return "s3"
	case graph.KindLambdaFunction, graph.KindLambdaFunctionURL:
		return "aws-lambda-function"
	case graph.KindSQSQueue:
		return "sqs-simple-queue-service"
	case graph.KindRestAPI, graph.KindHTTPAPI, graph.KindRestAPIMethod, graph.KindHTTPAPIRoute, graph.KindRestAPIStage, graph.KindHTTPAPIStage:
		return "api-gateway"
	case graph.KindIAMRole, graph.KindIAMUser, graph.KindIAMGroup:
		return "CD-AWS-IAM"
	case graph.KindInternet:
		return "generic-client"
	case graph.KindAnyAWSAccount, graph.KindExternalAccount:
		return "aws-account"
	case graph.KindOrganization:
		return "aws-organization"
	case graph.KindServicePrincipal:
		return "aws-service-principal"
	case graph.KindFederated:
		return "federated-identity-provider"
	case graph.KindPrincipalARN:
		return "aws-principal"
	}
	return "empty-component"
}

// tdShapeOf is the Threat Dragon shape of a kind.
func tdShapeOf(k graph.Kind) string {
	switch {
	case k.IsPrincipal() || k == graph.KindExternalEndpoint:
		return "actor"
	case k == graph.KindS3Bucket || k == graph.KindSQSQueue || k == graph.KindSNSTopic || k == graph.KindEventSource:
		return "store"
	}
	return "process"
}

// threatText is the body of a trustmap threat: scores with their reasons,
// then the attack tree (as trustmap's exports write it).
func threatText(t *results.Threat) string {
	s := fmt.Sprintf("Likelihood %d: %s.\nImpact %d: %s.\nRisk %d (%s).", t.Likelihood, t.Reasons.Likelihood, t.Impact, t.Reasons.Impact, t.Risk, t.Severity)
	if t.AttackTree != nil {
		var b strings.Builder
		var walk func(n *results.AttackNode, depth int)
		walk = func(n *results.AttackNode, depth int) {
			b.WriteString(strings.Repeat("  ", depth))
			if depth > 0 {
				b.WriteString("- ")
			} else {
				b.WriteString("goal: ")
			}
			b.WriteString(n.Goal)
			if n.Condition != "" {
				fmt.Fprintf(&b, " [%s: %s]", n.Holds, n.Condition)
			}
			b.WriteString("\n")
			for _, c := range n.Children {
				walk(c, depth+1)
			}
		}
		walk(t.AttackTree, 0)
		s += "\nAttack tree:\n" + strings.TrimRight(b.String(), "\n")
	}
	return s
}

// severityWord spells a severity the way Threat Dragon shows it.
func severityWord(s results.Severity) string {
	switch s {
	case results.SevLow:
		return "Low"
	case results.SevMedium:
		return "Medium"
	case results.SevHigh:
		return "High"
	case results.SevCritical:
		return "Critical"
	}
	return "TBD"
}

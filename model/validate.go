package model

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
	"github.com/trustmap/trustmap/report"
)

// Drift is what validating a model against a scan finds, both ways: what
// the account has that the model does not (ways in), what the model has
// that the account does not (stale elements, flows the account does not
// allow), and where the two disagree (contradictions). Every item names
// the model element and the evidence from the scan.
type Drift struct {
	Model          ModelInfo       `json:"model"`
	Scan           ScanInfo        `json:"scan"`
	Summary        DriftSummary    `json:"summary"`
	Matches        []MatchInfo     `json:"matches"`
	Unmodeled      []Unmodeled     `json:"unmodeled"`
	Stale          []Stale         `json:"stale"`
	Flows          []FlowDrift     `json:"flows"`
	Contradictions []Contradiction `json:"contradictions"`
	Ambiguous      []AmbiguityInfo `json:"ambiguous"`
	NotJudged      []NotJudged     `json:"not_judged"`
	Warnings       []string        `json:"warnings"`

	model *Model
	mt    *Matching
	inv   *inventory
}

// ModelInfo describes the model validated.
type ModelInfo struct {
	File     string `json:"file"`
	Format   Format `json:"format"`
	Version  string `json:"version,omitempty"`
	Encoding string `json:"encoding"`
	Title    string `json:"title,omitempty"`
	Elements int    `json:"elements"`
	Zones    int    `json:"trust_zones"`
	Flows    int    `json:"data_flows"`
	Threats  int    `json:"threats"`
}

// ScanInfo describes the scan the model was validated against.
type ScanInfo struct {
	Source    string   `json:"source"`
	ScannedAt string   `json:"scanned_at"`
	Accounts  []string `json:"accounts"`
	Regions   []string `json:"regions"`
	Complete  bool     `json:"complete"`
	// Full is false when the input was a report.json, which names only the
	// resources of its entry points, crossings, threats and paths.
	Full bool `json:"full_inventory"`
}

// DriftSummary counts the findings.
type DriftSummary struct {
	Elements       int `json:"elements"`
	Matched        int `json:"matched"`
	ByARN          int `json:"matched_by_arn"`
	ByTag          int `json:"matched_by_tag"`
	ByName         int `json:"matched_by_name"`
	Unmodeled      int `json:"unmodeled"`
	Stale          int `json:"stale"`
	Flows          int `json:"flows_not_allowed"`
	Contradictions int `json:"contradictions"`
	Ambiguous      int `json:"ambiguous"`
	NotJudged      int `json:"not_judged"`
}

// Drifted reports whether the model and the account disagree: anything
// unmodeled, stale, not allowed or contradicted. Ambiguous matches and
// what could not be judged are not drift.
func (d *Drift) Drifted() bool {
	return len(d.Unmodeled)+len(d.Stale)+len(d.Flows)+len(d.Contradictions) > 0
}

// Ref names a model element, flow, zone or threat, with its place in the
// file.
type Ref struct {
	What string `json:"what"` // component, actor, process, store, data flow, threat
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	At   string `json:"at,omitempty"` // file:line:column
}

// MatchInfo is a match, as reports show it.
type MatchInfo struct {
	Element    Ref     `json:"element"`
	Resource   string  `json:"resource"`
	Method     Method  `json:"method"`
	Confidence float64 `json:"confidence"`
	Reason     string  `json:"reason"`
}

// Unmodeled is a way into the account the model does not have.
type Unmodeled struct {
	Severity   results.Severity `json:"severity"`
	Exposure   policy.Verdict   `json:"exposure,omitempty"`
	Resource   string           `json:"resource"`
	Name       string           `json:"name"`
	Kind       graph.Kind       `json:"kind"`
	Via        graph.Via        `json:"via,omitempty"`
	Principals []string         `json:"principals,omitempty"`
	EntryPoint string           `json:"entry_point,omitempty"`
	Crossing   string           `json:"crossing,omitempty"`
	Recognized string           `json:"recognized_by,omitempty"`
	// ModeledAs is the element that stands for the resource when the model
	// has the resource but not this way into it.
	ModeledAs *Ref     `json:"modeled_as,omitempty"`
	What      string   `json:"what"`
	Evidence  []string `json:"evidence"`
}

// Stale is a model element with no deployed counterpart.
type Stale struct {
	Element  Ref      `json:"element"`
	Resource string   `json:"resource,omitempty"` // the ARN the model gives
	What     string   `json:"what"`
	Evidence []string `json:"evidence"`
}

// FlowDrift is a flow the model draws that the account does not allow.
type FlowDrift struct {
	Flow     Ref      `json:"flow"`
	From     string   `json:"from"`
	To       string   `json:"to"`
	What     string   `json:"what"`
	Evidence []string `json:"evidence"`
}

// Contradiction kinds.
const (
	ContradictsZone       = "trust-zone"
	ContradictsAuth       = "authentication"
	ContradictsMitigation = "mitigation"
)

// Contradiction is a place where the model and the account disagree.
type Contradiction struct {
	Kind     string   `json:"kind"`
	Element  Ref      `json:"element"`
	Resource string   `json:"resource"`
	Model    string   `json:"model_says"`
	Account  string   `json:"account_shows"`
	Evidence []string `json:"evidence"`
}

// AmbiguityInfo is an element trustmap would not match on its own.
type AmbiguityInfo struct {
	Element    Ref         `json:"element"`
	Why        string      `json:"why"`
	Candidates []Candidate `json:"candidates"`
}

// NotJudged is something trustmap could not judge, and why.
type NotJudged struct {
	Item Ref    `json:"item"`
	Why  string `json:"why"`
}

// Validate compares a model with a scan.
func Validate(m *Model, s *Scan) *Drift {
	inv := newInventory(s)
	mt := match(m, inv)
	d := &Drift{model: m, mt: mt, inv: inv,
		Matches: []MatchInfo{}, Unmodeled: []Unmodeled{}, Stale: []Stale{}, Flows: []FlowDrift{},
		Contradictions: []Contradiction{}, Ambiguous: []AmbiguityInfo{}, NotJudged: []NotJudged{}, Warnings: append([]string{}, m.Warnings...)}
	r := s.Report
	d.Model = ModelInfo{File: m.File, Format: m.Format, Version: m.Version, Encoding: m.Encoding, Title: m.Title,
		Elements: len(m.Elements), Zones: len(m.Zones), Flows: len(m.Flows), Threats: len(m.Threats)}
	d.Scan = ScanInfo{Source: s.Source, ScannedAt: r.ScannedAt.UTC().Format("2006-01-02T15:04:05Z"), Accounts: nonNil(r.Accounts),
		Regions: nonNil(r.Regions), Complete: r.Complete, Full: s.Full()}
	for _, x := range mt.Matches {
		d.Matches = append(d.Matches, MatchInfo{Element: d.ref(x.Element), Resource: x.Resource, Method: x.Method, Confidence: x.Confidence, Reason: x.Reason})
	}
	for _, a := range mt.Ambiguous {
		d.Ambiguous = append(d.Ambiguous, AmbiguityInfo{Element: d.ref(a.Element), Why: a.Why, Candidates: a.Candidates})
	}
	zc := zoneClasses(m, inv.own)
	d.contradictions(zc)
	d.unmodeled(zc)
	d.stale(zc)
	d.flows(zc)
	d.Summary = DriftSummary{Elements: len(m.Elements), Matched: len(mt.Matches), Unmodeled: len(d.Unmodeled), Stale: len(d.Stale),
		Flows: len(d.Flows), Contradictions: len(d.Contradictions), Ambiguous: len(d.Ambiguous), NotJudged: len(d.NotJudged)}
	for _, x := range mt.Matches {
		switch x.Method {
		case ByARN:
			d.Summary.ByARN++
		case ByTag:
			d.Summary.ByTag++
		case ByName:
			d.Summary.ByName++
		}
	}
	return d
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ref names an element for reports.
func (d *Drift) ref(e *Element) Ref {
	what := "component"
	if e.Shape != "" {
		what = e.Shape
	}
	return Ref{What: what, ID: e.ID, Name: oneLineName(e.Name), At: d.at(e.At)}
}

func (d *Drift) flowRef(f *Flow) Ref {
	return Ref{What: "data flow", ID: f.ID, Name: oneLineName(f.Name), At: d.at(f.At)}
}

func (d *Drift) threatRef(t *Threat) Ref {
	return Ref{What: "threat", ID: t.ID, Name: oneLineName(t.Title), At: d.at(t.At)}
}

func (d *Drift) at(p pos) string {
	if p.Line == 0 {
		return d.model.File
	}
	return d.model.File + ":" + p.String()
}

// outside reports whether an element stands for someone outside the
// account: matched to an outside party, in a zone of outsiders, an actor
// outside every AWS zone, or of a client type.
func (d *Drift) outside(e *Element, zc map[string]zoneClass) bool {
	if x := d.mt.Of(e.ID); x != nil {
		if r := d.inv.byID[x.Resource]; r != nil {
			return r.principal()
		}
	}
	c := zc[e.Zone]
	if c.Outside {
		return true
	}
	t := strings.ToLower(e.Type)
	return (e.Shape == "actor" && !c.AWS) || strings.Contains(t, "client") || strings.Contains(t, "aws-account") ||
		strings.Contains(t, "principal") || t == "actor" || t == "user"
}

// expects reports whether an element stands for something the scan should
// have seen: it carries an ARN, its type is an AWS kind, or it is a
// process or store (or component) inside a zone that reads as AWS.
func (d *Drift) expects(e *Element, zc map[string]zoneClass) bool {
	if e.ARN != "" {
		return true
	}
	if d.outside(e, zc) || e.OutOfScope {
		return false
	}
	if k, _ := kindsFor(e); k != nil && e.Shape == "" {
		return true
	}
	return zc[e.Zone].AWS
}

func (d *Drift) unmodeled(zc map[string]zoneClass) {
	inv := d.inv
	contradicted := map[string]bool{}
	for _, c := range d.Contradictions {
		if c.Kind == ContradictsZone {
			contradicted[c.Resource] = true
		}
	}
	for i := range inv.scan.Report.EntryPoints {
		ep := &inv.scan.Report.EntryPoints[i]
		u := Unmodeled{Severity: ep.Severity, Exposure: ep.Exposure, Resource: ep.ResourceARN, Name: inv.displayName(ep.ResourceARN),
			Kind: ep.ResourceType, Via: ep.Via, Principals: ep.Principals, EntryPoint: ep.ID, Recognized: ep.RecognizedBy, Evidence: epEvidence(ep)}
		elems := d.standsFor(ep.ResourceARN)
		if len(elems) == 0 {
			u.What = fmt.Sprintf("no element of the model stands for %s (%s); %s", u.Name, ep.ResourceType, who(ep))
			d.Unmodeled = append(d.Unmodeled, u)
			continue
		}
		if contradicted[ep.ResourceARN] || d.wayInModeled(elems, ep, zc) {
			continue
		}
		ref := d.ref(elems[0])
		u.ModeledAs = &ref
		u.What = fmt.Sprintf("the model has %s but no way into it from outside; %s", elems[0].Label(), who(ep))
		d.Unmodeled = append(d.Unmodeled, u)
	}
	// Crossings that are no entry point: a resource of the account reaching
	// out, or trusted from outside without a way in of its own.
	for _, c := range inv.crossings {
		if c.EntryPoint != "" {
			continue
		}
		from, to := d.standsFor(c.From), d.standsFor(c.To)
		if len(from) > 0 && len(to) > 0 && d.connected(from, to) {
			continue
		}
		u := Unmodeled{Severity: results.SevInfo, Exposure: c.Exposure, Resource: c.To, Name: inv.displayName(c.To), Kind: inv.kindOf(c.To),
			Via: c.Via, Crossing: c.ID, Recognized: c.RecognizedBy, Evidence: crossingEvidence(c)}
		u.What = fmt.Sprintf("the model draws no flow from %s to %s (%s, a trust-boundary crossing from %s to %s)",
			inv.displayName(c.From), inv.displayName(c.To), c.Kind, c.FromZone, c.ToZone)
		d.Unmodeled = append(d.Unmodeled, u)
	}
	slices.SortStableFunc(d.Unmodeled, func(a, b Unmodeled) int {
		return cmp.Or(compareSeverity(a.Severity, b.Severity), cmp.Compare(exposureRank(b.Exposure), exposureRank(a.Exposure)),
			cmp.Compare(a.Resource, b.Resource), a.Via.Compare(b.Via))
	})
}

func (inv *inventory) kindOf(id string) graph.Kind {
	if r := inv.byID[id]; r != nil {
		return r.Kind
	}
	return report.KindOfID(id)
}

func who(ep *results.EntryPoint) string {
	return fmt.Sprintf("the account lets %s %s it (%s, %s)", whoText(ep), accessText(ep.Access), ep.Via, ep.Exposure)
}

func whoText(ep *results.EntryPoint) string {
	switch {
	case ep.Exposure == policy.Public && ep.FromInternet() && ep.Authorizer != "":
		return "anyone holding a token the authorizer accepts (" + ep.Authorizer + ")"
	case ep.Exposure == policy.Public && ep.FromInternet():
		return "anyone on the internet"
	case ep.Exposure == policy.Public:
		return "any AWS account"
	case slices.Contains(ep.Principals, "*"):
		return "anyone inside the allowed network"
	}
	return strings.Join(ep.Principals, ", ")
}

func accessText(ks []graph.EdgeKind) string {
	var out []string
	for _, k := range ks {
		out = append(out, strings.TrimPrefix(k.String(), "can-"))
	}
	return strings.Join(out, "/")
}

// standsFor returns the elements that stand for a resource: matched to it
// or to what contains it (an API for its methods, a function for its URL).
func (d *Drift) standsFor(id string) []*Element {
	var out []*Element
	seen := map[string]bool{}
	for x := id; x != "" && !seen[x]; {
		seen[x] = true
		out = append(out, d.mt.Elements(x)...)
		r := d.inv.byID[x]
		if r == nil {
			break
		}
		x = r.Parent
	}
	return out
}

// wayInModeled reports whether the model shows a way into one of elems
// that covers the entry point: a flow into it from outside, or the element
// placed in a zone as exposed as the entry point.
func (d *Drift) wayInModeled(elems []*Element, ep *results.EntryPoint, zc map[string]zoneClass) bool {
	for _, e := range elems {
		if c := zc[e.Zone]; c.Exposure != 0 && exposureRank(c.Exposure) >= exposureRank(ep.Exposure) {
			return true
		}
		for _, f := range d.model.Flows {
			src := d.model.Element(f.Source)
			if f.Destination == e.ID && src != nil && d.outside(src, zc) {
				return true
			}
			if f.Bidirectional && f.Source == e.ID {
				if dst := d.model.Element(f.Destination); dst != nil && d.outside(dst, zc) {
					return true
				}
			}
		}
	}
	return false
}

// connected reports whether the model draws a flow between the two sets,
// either way.
func (d *Drift) connected(a, b []*Element) bool {
	in := func(es []*Element, id string) bool {
		return slices.ContainsFunc(es, func(e *Element) bool { return e.ID == id })
	}
	for _, f := range d.model.Flows {
		if (in(a, f.Source) && in(b, f.Destination)) || (in(b, f.Source) && in(a, f.Destination)) {
			return true
		}
	}
	return false
}

func (d *Drift) stale(zc map[string]zoneClass) {
	inv := d.inv
	ambiguous := map[string]bool{}
	for _, a := range d.mt.Ambiguous {
		ambiguous[a.Element.ID] = true
	}
	r := inv.scan.Report
	for _, e := range d.model.Elements {
		if d.mt.Of(e.ID) != nil || ambiguous[e.ID] {
			continue
		}
		ref := d.ref(e)
		if e.OutOfScope {
			d.NotJudged = append(d.NotJudged, NotJudged{ref, "the model marks it out of scope"})
			continue
		}
		if !d.expects(e, zc) {
			d.NotJudged = append(d.NotJudged, NotJudged{ref, "not an AWS resource of the account (an outside party or a client), and the scan saw no outside party it names"})
			continue
		}
		var kinds []graph.Kind
		account, region := "", ""
		if e.ARN != "" && !strings.HasPrefix(e.ARN, "arn:") {
			d.NotJudged = append(d.NotJudged, NotJudged{ref, fmt.Sprintf("%s is %s, an outside party: the scan no longer sees it reach the account", e.ARNFrom, e.ARN)})
			continue
		}
		if e.ARN != "" {
			if why := inv.outOfScope(e.ARN); why != "" {
				d.NotJudged = append(d.NotJudged, NotJudged{ref, fmt.Sprintf("%s is %s, outside the scan: %s", e.ARNFrom, e.ARN, why)})
				continue
			}
			kinds = []graph.Kind{report.KindOfID(e.ARN)}
			account, region = graph.AccountOfARN(e.ARN), regionOfARN(e.ARN)
		} else {
			kinds, _ = kindsFor(e)
		}
		switch {
		case !inv.scan.Full():
			d.NotJudged = append(d.NotJudged, NotJudged{ref, "validated against a report.json, which names only the resources of its entry points, crossings, threats and attack paths: give the snapshot.json beside it to judge staleness"})
			continue
		case !r.Complete:
			d.NotJudged = append(d.NotJudged, NotJudged{ref, fmt.Sprintf("the scan was incomplete (%s): what it did not see may still be there", r.IncompleteReason)})
			continue
		}
		if g := inv.gapAny(kinds, account, region); g != nil {
			d.NotJudged = append(d.NotJudged, NotJudged{ref, fmt.Sprintf("the scan could not list it: %s %s in %s was %s", g.Service, g.API, orAll(g.Region), g.Status)})
			continue
		}
		s := Stale{Element: ref, Resource: e.ARN}
		if e.ARN != "" {
			s.What = fmt.Sprintf("%s says it is %s; the scan did not see it", e.ARNFrom, e.ARN)
		} else {
			s.What = "no resource of the scan has its name and kind"
		}
		s.Evidence = inv.listingEvidence(kinds, account, region, e.ARN)
		d.Stale = append(d.Stale, s)
	}
}

func orAll(region string) string {
	if region == "" {
		return "every region"
	}
	return region
}

// gapAny is a coverage gap that hides any of the kinds.
func (inv *inventory) gapAny(kinds []graph.Kind, account, region string) *report.Coverage {
	if len(kinds) == 0 {
		for _, g := range inv.gaps {
			if g.Resource == "" && g.Status != report.StatusAnalyzerError {
				return &g
			}
		}
		return nil
	}
	for _, k := range kinds {
		if g := inv.gapFor(k, account, region); g != nil {
			return g
		}
	}
	return nil
}

// listingEvidence says what the calls that list a kind returned.
func (inv *inventory) listingEvidence(kinds []graph.Kind, account, region, arn string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range kinds {
		api := listingAPI(k)
		if seen[api] {
			continue
		}
		seen[api] = true
		n := 0
		for _, id := range inv.ids {
			x := inv.byID[id]
			if x.Kind == k && (account == "" || x.Account == account) && (region == "" || x.Region == "" || x.Region == region) {
				n++
			}
		}
		where := "accounts " + strings.Join(inv.scan.Report.Accounts, ", ")
		if account != "" {
			where = "account " + account
		}
		if region != "" {
			where += ", " + region
		} else if k != graph.KindS3Bucket && !strings.HasPrefix(string(k), "IAM") {
			where += ", regions " + strings.Join(inv.scan.Report.Regions, ", ")
		}
		if n == 0 {
			// A snapshot does not say which services were read: with no
			// resource of the kind, the listing may have found none or
			// not have run (a build without that collector).
			out = append(out, fmt.Sprintf("the scan holds no %s (%s): %s found none, or the scan did not call it", kindNoun(k, 2)[2:], where, api))
			continue
		}
		if arn != "" {
			out = append(out, fmt.Sprintf("%s (%s) listed %s, none of them %s", api, where, kindNoun(k, n), arn))
		} else {
			out = append(out, fmt.Sprintf("%s (%s) listed %s, none named like it", api, where, kindNoun(k, n)))
		}
	}
	if len(kinds) == 0 {
		out = append(out, fmt.Sprintf("the scan saw %s in accounts %s; none has its name", count(len(inv.ids), "resource"), strings.Join(inv.scan.Report.Accounts, ", ")))
	}
	return out
}

// epEvidence is an entry point's evidence, one line per piece.
func epEvidence(ep *results.EntryPoint) []string {
	var out []string
	for _, g := range ep.Evidence.Grants {
		if s := report.EdgeEvidence([]graph.Evidence{g}); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 && ep.Evidence.Source != "" {
		s := ep.Evidence.Source
		for _, st := range ep.Evidence.Statements {
			s += fmt.Sprintf("; statement %d", st+1)
		}
		out = append(out, s)
	}
	return out
}

func crossingEvidence(c results.Crossing) []string {
	var out []string
	for _, g := range c.Grants {
		if s := report.EdgeEvidence([]graph.Evidence{g}); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 && c.Evidence != "" {
		out = append(out, c.Evidence)
	}
	return out
}

package exposure

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"path"
	"reflect"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// Analyzer finds entry points.
var Analyzer = &analyzers.Analyzer{
	Name:       "exposure",
	Doc:        "entry points: every way into a resource from outside its account, with who, what and why",
	URL:        "https://github.com/trustmap/trustmap/blob/main/docs/analyzers.md#exposure",
	ResultType: reflect.TypeFor[[]results.EntryPoint](),
	Run:        run,
}

// Rule ids reported by this analyzer. Never reuse a retired id.
const (
	RulePublic          = "TM-EXP-001"
	RuleCrossAccount    = "TM-EXP-002"
	RuleUnparseable     = "TM-EXP-003"
	RuleStatusDisagrees = "TM-EXP-004"
	RuleUnknown         = "TM-EXP-005"
	RuleIneffective     = "TM-EXP-006"
	RuleWeakTLS         = "TM-EXP-007"
)

type key struct {
	resource string
	via      graph.Via
}

func run(pass *analyzers.Pass) (any, error) {
	g := pass.Graph
	groups := map[key][]*graph.Edge{}
	var keys []key
	for i := range g.Edges {
		e := &g.Edges[i]
		if !e.Kind.IsAccess() || e.Exposure == 0 || e.Exposure == policy.Internal {
			continue
		}
		k := key{e.To, e.Via}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], e)
	}
	eps := []results.EntryPoint{}
	for _, k := range keys {
		eps = append(eps, entryPoint(pass, k, groups[k]))
	}
	slices.SortFunc(eps, results.CompareEntryPoints)

	for _, ep := range eps {
		report(pass, ep)
	}
	for _, n := range g.Notes {
		noteFinding(pass, n)
	}
	return eps, nil
}

// ID returns the stable id of the entry point into resource via a way in.
func ID(resource string, via graph.Via) string {
	sum := sha256.Sum256([]byte(resource + "|" + via.String()))
	return "EP-" + hex.EncodeToString(sum[:])[:12]
}

// entryPoint gathers the access edges into one resource through one way in.
// Every piece of evidence of every edge is kept (Evidence.Grants); the
// conditions and guards shown are those of the least restricted edge, since
// any one grant lets its principal in; the fixes are all of them, since
// closing the way in takes every one.
func entryPoint(pass *analyzers.Pass, k key, edges []*graph.Edge) results.EntryPoint {
	g := pass.Graph
	ep := results.EntryPoint{ID: ID(k.resource, k.via), ResourceARN: k.resource, Via: k.via, Certain: true, Exposure: policy.CrossAccount}
	if n, ok := g.Node(k.resource); ok {
		ep.ResourceType = n.Kind
		ep.Name = n.Name
		ep.Account = n.Account
		ep.Region = n.Region
	} else {
		ep.Account = graph.AccountOfARN(k.resource)
	}
	principals, actions := set[string]{}, set[string]{}
	zones, access := set[graph.Zone]{}, map[graph.EdgeKind]bool{}
	var grants []graph.Evidence
	least := edges[0]
	for _, e := range edges {
		if e.Exposure.Rank() > ep.Exposure.Rank() {
			ep.Exposure = e.Exposure
		}
		if e.Certainty != graph.True {
			ep.Certain = false
		}
		if len(e.Conditions()) < len(least.Conditions()) {
			least = e
		}
		ep.Authorizer = cmp.Or(ep.Authorizer, e.Authorizer())
		principals.add(e.Principal)
		zones.add(g.Zone(e.From))
		actions.add(e.Actions...)
		access[e.Kind] = true
		grants = append(grants, e.Evidence...)
	}
	ep.Principals, ep.Zones, ep.Actions = principals.sorted(), zones.sorted(), actions.sorted()
	ep.Access = slices.SortedFunc(maps.Keys(access), graph.EdgeKind.Compare)
	ep.Guards = least.Guards()
	ep.Evidence = summarise(grants, least)
	ep.Severity = severity(ep)
	ep.Recognized, ep.RecognizedBy = recognized(pass.Trust, ep, g.OrgIDs[ep.Account], g.OrgOf)
	return ep
}

// summarise keeps every piece of evidence and the flat fields report.json
// 1.0 readers use, read from the pieces' typed fields.
func summarise(grants []graph.Evidence, least *graph.Edge) results.EPEvidence {
	slices.SortFunc(grants, graph.CompareEvidence)
	grants = slices.CompactFunc(grants, func(a, b graph.Evidence) bool { return graph.CompareEvidence(a, b) == 0 })
	ev := results.EPEvidence{Grants: grants, Conditions: least.Conditions()}
	sources, granting, opening, sids, details, fixes := set[string]{}, set[string]{}, set[string]{}, set[string]{}, set[string]{}, set[string]{}
	idx := set[int]{}
	for _, gr := range grants {
		sources.add(gr.Source)
		switch {
		case len(gr.Statements) > 0:
			granting.add(gr.Source) // a piece that grants, not a setting that lets it through
		case gr.Fix != "":
			opening.add(gr.Source) // a setting that opens the way (it has a fix), not one that only lets it through
		}
		for _, st := range gr.Statements {
			idx[st.Index] = true // 0 is a statement index too
			sids.add(st.Sid)
		}
		details.add(gr.Detail)
		fixes.add(gr.Fix)
	}
	for _, s := range []set[string]{granting, opening, sources} {
		if s := s.sorted(); len(s) > 0 {
			ev.Source = s[0]
			break
		}
	}
	ev.Statements, ev.Sids, ev.Details, ev.Fix = nilIfEmpty(idx.sorted()), nilIfEmpty(sids.sorted()), nilIfEmpty(details.sorted()), nilIfEmpty(fixes.sorted())
	return ev
}

// severity: public write or administration is critical; public read,
// invoke or send is high; behind an authorizer one step lower;
// cross-account write/administer or assume is high; other cross-account
// access is medium. A recognized entry point is reported at its severity
// but sorted after the unrecognized ones.
func severity(ep results.EntryPoint) results.Severity {
	strong := ep.HasAccess(graph.EdgeCanWrite) || ep.HasAccess(graph.EdgeCanAdminister)
	switch {
	case ep.Exposure == policy.Public && ep.Authorizer != "":
		// Internet-facing, but behind an authorizer.
		if strong {
			return results.SevHigh
		}
		return results.SevMedium
	case ep.Exposure == policy.Public:
		if strong {
			return results.SevCritical
		}
		return results.SevHigh
	case strong || ep.HasAccess(graph.EdgeCanAssume):
		return results.SevHigh
	}
	return results.SevMedium
}

// recognized says whether the user's trust config or baseline covers ep.
//
// The organization the resource's own account belongs to, and each of its
// member accounts, count as recognized: granting one's own organization is the usual way to share
// inside it (Access Analyzer with the organization as zone of trust).
func recognized(t *results.Trust, ep results.EntryPoint, ownOrg string, orgOf func(acct string) string) (bool, string) {
	if t == nil {
		return false, ""
	}
	if t.Known(ep.ID, ep.ResourceARN) {
		return true, "baseline " + t.BaselineName
	}
	// Anyone ("*"), public or held back only by a network condition, is
	// recognized by expected_public alone: what is fine for anyone is fine
	// for every narrower principal beside it.
	if ep.Exposure == policy.Public || slices.Contains(ep.Principals, "*") {
		if reason, ok := expectedPublic(t, ep.ResourceARN); ok {
			return true, "expected public: " + reason
		}
		return false, ""
	}
	var names []string
	for _, p := range ep.Principals {
		acct := p
		if a := graph.AccountOfARN(p); a != "" {
			acct = a
		}
		switch {
		case t.KnownAccounts[acct] != "":
			names = append(names, t.KnownAccounts[acct])
		case slices.Contains(t.OrgIDs, p):
			names = append(names, "organization "+p)
		case ownOrg != "" && p == ownOrg:
			names = append(names, "own organization "+p)
		case ownOrg != "" && orgOf(acct) == ownOrg:
			// An account of the resource's own organization (scanned, or
			// listed by its management account).
			names = append(names, "own organization "+ownOrg+" member "+acct)
		default:
			return false, ""
		}
	}
	if len(names) == 0 {
		return false, ""
	}
	return true, "known: " + strings.Join(uniq(names), ", ")
}

// expectedPublic returns the reason of the expected_public entry that
// covers resource: its exact ARN, else the first matching glob in sorted
// order, so the answer never depends on map order.
func expectedPublic(t *results.Trust, resource string) (string, bool) {
	if reason, ok := t.ExpectedPublic[resource]; ok {
		return reason, true
	}
	patterns := make([]string, 0, len(t.ExpectedPublic))
	for p := range t.ExpectedPublic {
		patterns = append(patterns, p)
	}
	slices.Sort(patterns)
	for _, p := range patterns {
		if ok, _ := path.Match(p, resource); ok {
			return t.ExpectedPublic[p], true
		}
	}
	return "", false
}

func report(pass *analyzers.Pass, ep results.EntryPoint) {
	rule, title := RuleCrossAccount, "Reachable from other AWS accounts"
	if ep.Exposure == policy.Public {
		rule, title = RulePublic, "Reachable by anyone"
	}
	conf := results.ConfidenceHigh
	if !ep.Certain {
		conf = results.ConfidenceLow
	}
	who := strings.Join(ep.Principals, ", ")
	var verbs []string
	for _, a := range ep.Access {
		verbs = append(verbs, strings.TrimPrefix(a.String(), "can-"))
	}
	msg := fmt.Sprintf("%s %s is %s through its %s: %s can %s (%s)", ep.ResourceType, nameOr(ep), ep.Exposure, ep.Via, who,
		strings.Join(verbs, "/"), strings.Join(ep.Actions, ", "))
	pass.Report(analyzers.Finding{
		ID: rule + ":" + ep.ID, RuleID: rule, Title: title, Severity: ep.Severity, Confidence: conf,
		Resource: ep.ResourceARN, Account: ep.Account, Region: ep.Region, Message: msg, Remediation: strings.Join(ep.Evidence.Fix, "; "),
		Recognized: ep.Recognized, Details: &analyzers.Details{EntryPoint: ep.ID, Via: ep.Via},
	})
}

// noteRules says what each kind of graph note becomes: a finding of a rule,
// or (rule "") nothing, because the note explains an absence that is the
// right answer (a neutralised grant, an unreachable or undeployed way in)
// and the report lists it among the notes.
var noteRules = map[graph.NoteKind]struct {
	rule, title string
	sev         results.Severity
}{
	graph.NotePolicyUnparseable:            {RuleUnparseable, "Policy could not be parsed: exposure unknown", results.SevMedium},
	graph.NotePolicyStatusDisagreement:     {RuleStatusDisagrees, "AWS and trustmap disagree on whether a policy is public", results.SevMedium},
	graph.NoteUnknownExposure:              {RuleUnknown, "Exposure could not be judged: a read was denied or failed", results.SevLow},
	graph.NoteBlockPublicPolicyIneffective: {RuleIneffective, "BlockPublicPolicy does not protect an existing public policy", results.SevLow},
	graph.NoteWeakTLS:                      {RuleWeakTLS, "A way in from the internet accepts TLS 1.0 or 1.1", results.SevMedium},
	graph.NoteNeutralised:                  {},
	graph.NoteUnreachable:                  {},
	graph.NoteNotDeployed:                  {},
	graph.NoteReachableThrough:             {},
}

func noteFinding(pass *analyzers.Pass, n graph.Note) {
	r, ok := noteRules[n.Kind]
	if !ok {
		panic(fmt.Sprintf("exposure: note kind %q has no rule: add it to noteRules", n.Kind))
	}
	if r.rule == "" {
		return
	}
	acct := graph.AccountOfARN(n.Resource)
	region := ""
	if node, ok := pass.Graph.Node(n.Resource); ok {
		acct, region = node.Account, node.Region
	}
	pass.Report(analyzers.Finding{
		ID: r.rule + ":" + n.Resource + ":" + n.Via.String(), RuleID: r.rule, Title: r.title, Severity: r.sev, Confidence: noteConfidence(n.Kind),
		Resource: n.Resource, Account: acct, Region: region, Message: n.Detail,
	})
}

// noteConfidence is low for what a note could not see (an unread or
// unparseable policy, a disagreement), high for a setting it read (a
// listener's TLS policy).
func noteConfidence(k graph.NoteKind) results.Confidence {
	if k == graph.NoteWeakTLS {
		return results.ConfidenceHigh
	}
	return results.ConfidenceLow
}

func nameOr(ep results.EntryPoint) string {
	if ep.Name != "" {
		return ep.Name
	}
	return ep.ResourceARN
}

type set[T cmp.Ordered] map[T]bool

// add adds the values that are set (not the zero value: "" for strings).
func (s set[T]) add(vs ...T) {
	var zero T
	for _, v := range vs {
		if v != zero {
			s[v] = true
		}
	}
}

func (s set[T]) sorted() []T {
	out := make([]T, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func uniq(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

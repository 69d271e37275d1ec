package exposure

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/graph"
)

// Analyzer finds entry points.
var Analyzer = &analyzers.Analyzer{
	Name:       "exposure",
	Doc:        "entry points: every way into a resource from outside its account, with who, what and why",
	URL:        "https://github.com/trustmap/trustmap/blob/main/docs/analyzers.md#exposure",
	ResultType: reflect.TypeFor[[]analyzers.EntryPoint](),
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
)

type key struct{ resource, via string }

func run(pass *analyzers.Pass) (any, error) {
	g := pass.Graph
	groups := map[key][]*graph.Edge{}
	var keys []key
	for i := range g.Edges {
		e := &g.Edges[i]
		if !e.Kind.IsAccess() || e.Exposure == "" || e.Exposure == "internal" {
			continue
		}
		k := key{e.To, e.Via}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], e)
	}
	var eps []analyzers.EntryPoint
	for _, k := range keys {
		eps = append(eps, entryPoint(pass, k, groups[k]))
	}
	slices.SortFunc(eps, analyzers.CompareEntryPoints)

	for _, ep := range eps {
		report(pass, ep)
	}
	for _, n := range g.Notes {
		noteFinding(pass, n)
	}
	return eps, nil
}

// ID returns the stable id of the entry point into resource via a way in.
func ID(resource, via string) string {
	sum := sha256.Sum256([]byte(resource + "|" + via))
	return "EP-" + hex.EncodeToString(sum[:])[:12]
}

func entryPoint(pass *analyzers.Pass, k key, edges []*graph.Edge) analyzers.EntryPoint {
	g := pass.Graph
	ep := analyzers.EntryPoint{ID: ID(k.resource, k.via), ResourceARN: k.resource, Via: k.via, Certain: true, Exposure: "cross-account"}
	if n, ok := g.Node(k.resource); ok {
		ep.ResourceType = string(n.Kind)
		ep.Name = n.Name
		ep.Account = n.Account
		ep.Region = n.Region
	} else {
		ep.Account = graph.AccountOfARN(k.resource)
	}
	principals, zones, actions, access := set{}, set{}, set{}, set{}
	ev := &ep.Evidence
	for _, e := range edges {
		if e.Exposure == "public" {
			ep.Exposure = "public"
		}
		if e.Certainty != graph.True {
			ep.Certain = false
		}
		principals.add(e.Principal)
		zones.add(string(g.Zone(e.From)))
		actions.add(e.Actions...)
		access.add(string(e.Kind))
		ev.Source = e.Evidence.Source
		ev.Statements = append(ev.Statements, e.Evidence.Statements...)
		ev.Sids = append(ev.Sids, e.Evidence.Sids...)
		ev.Conditions = append(ev.Conditions, e.Conditions...)
		if e.Evidence.Detail != "" {
			if strings.HasPrefix(e.Evidence.Detail, "add ") || strings.HasPrefix(e.Evidence.Detail, "remove ") || strings.Contains(e.Evidence.Detail, "statement") {
				ev.Fix = append(ev.Fix, e.Evidence.Detail)
			} else {
				ev.Details = append(ev.Details, e.Evidence.Detail)
			}
		}
	}
	ep.Principals, ep.Zones, ep.Actions, ep.Access = principals.sorted(), zones.sorted(), actions.sorted(), access.sorted()
	ev.Statements = sortedInts(ev.Statements)
	ev.Sids, ev.Conditions, ev.Details, ev.Fix = uniq(ev.Sids), uniq(ev.Conditions), uniq(ev.Details), uniq(ev.Fix)
	ep.Severity = severity(ep)
	ep.Recognized, ep.RecognizedBy = recognized(pass.Trust, ep, g.OrgIDs[ep.Account])
	return ep
}

// severity: public write or administration is critical; public read,
// invoke or send is high; cross-account write/administer or assume is
// high; other cross-account access is medium. A recognized entry point is
// reported at its severity but sorted after the unrecognized ones.
func severity(ep analyzers.EntryPoint) analyzers.Severity {
	strong := slices.ContainsFunc(ep.Access, func(a string) bool {
		return a == string(graph.EdgeCanWrite) || a == string(graph.EdgeCanAdminister)
	})
	if ep.Exposure == "public" && strings.HasSuffix(ep.Via, "-authorizer") {
		// Internet-facing, but behind an authorizer.
		if strong {
			return analyzers.SevHigh
		}
		return analyzers.SevMedium
	}
	if ep.Exposure == "public" {
		if strong {
			return analyzers.SevCritical
		}
		return analyzers.SevHigh
	}
	if strong || slices.Contains(ep.Access, string(graph.EdgeCanAssume)) {
		return analyzers.SevHigh
	}
	return analyzers.SevMedium
}

// recognized says whether the user's trust config or baseline covers ep.
//
// The organization the resource's own account belongs to counts as
// recognized: granting one's own organization is the usual way to share
// inside it (Access Analyzer with the organization as zone of trust).
func recognized(t *analyzers.Trust, ep analyzers.EntryPoint, ownOrg string) (bool, string) {
	if t == nil {
		return false, ""
	}
	if t.Known(ep.ID, ep.ResourceARN) {
		return true, "baseline " + t.BaselineName
	}
	if ep.Exposure == "public" {
		for pattern, reason := range t.ExpectedPublic {
			if ok, _ := path.Match(pattern, ep.ResourceARN); ok || pattern == ep.ResourceARN {
				return true, "expected public: " + reason
			}
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
		default:
			return false, ""
		}
	}
	if len(names) == 0 {
		return false, ""
	}
	return true, "known: " + strings.Join(uniq(names), ", ")
}

func report(pass *analyzers.Pass, ep analyzers.EntryPoint) {
	rule, title := RuleCrossAccount, "Reachable from other AWS accounts"
	if ep.Exposure == "public" {
		rule, title = RulePublic, "Reachable by anyone"
	}
	conf := "high"
	if !ep.Certain {
		conf = "low"
	}
	who := strings.Join(ep.Principals, ", ")
	var verbs []string
	for _, a := range ep.Access {
		verbs = append(verbs, strings.TrimPrefix(a, "can-"))
	}
	msg := fmt.Sprintf("%s %s is %s through its %s: %s can %s (%s)", ep.ResourceType, nameOr(ep), ep.Exposure, ep.Via, who,
		strings.Join(verbs, "/"), strings.Join(ep.Actions, ", "))
	fix := strings.Join(ep.Evidence.Fix, "; ")
	pass.Reportf(analyzers.Finding{
		ID: rule + ":" + ep.ID, RuleID: rule, Title: title, Severity: ep.Severity, Confidence: conf,
		Resource: ep.ResourceARN, Account: ep.Account, Region: ep.Region, Message: msg, Remediation: fix,
		Recognized: ep.Recognized, Details: map[string]any{"entry_point": ep.ID, "via": ep.Via},
	})
}

func noteFinding(pass *analyzers.Pass, n graph.Note) {
	var rule, title string
	sev := analyzers.SevMedium
	switch n.Kind {
	case "policy-unparseable":
		rule, title = RuleUnparseable, "Policy could not be parsed: exposure unknown"
	case "policy-status-disagreement":
		rule, title = RuleStatusDisagrees, "AWS and trustmap disagree on whether a policy is public"
	case "unknown-exposure":
		rule, title = RuleUnknown, "Exposure could not be judged: a read was denied or failed"
		sev = analyzers.SevLow
	case "block-public-policy-ineffective":
		rule, title = RuleIneffective, "BlockPublicPolicy does not protect an existing public policy"
		sev = analyzers.SevLow
	default:
		return
	}
	acct := graph.AccountOfARN(n.Resource)
	region := ""
	if node, ok := pass.Graph.Node(n.Resource); ok {
		acct, region = node.Account, node.Region
	}
	pass.Reportf(analyzers.Finding{
		ID: rule + ":" + n.Resource + ":" + n.Via, RuleID: rule, Title: title, Severity: sev, Confidence: "low",
		Resource: n.Resource, Account: acct, Region: region, Message: n.Detail,
	})
}

func nameOr(ep analyzers.EntryPoint) string {
	if ep.Name != "" {
		return ep.Name
	}
	return ep.ResourceARN
}

type set map[string]bool

func (s set) add(vs ...string) {
	for _, v := range vs {
		if v != "" {
			s[v] = true
		}
	}
}

func (s set) sorted() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func uniq(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

func sortedInts(is []int) []int {
	if len(is) == 0 {
		return nil
	}
	out := slices.Clone(is)
	slices.Sort(out)
	return slices.Compact(out)
}

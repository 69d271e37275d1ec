package model

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

// Scan is the account as trustmap saw it: the report, and the resolved
// graph when the input was a snapshot or a scan (a report.json alone holds
// only the resources its entry points, crossings, threats and attack
// paths name, so what it does not name is "not seen", never "gone").
type Scan struct {
	Report *report.Report
	Graph  *graph.Graph
	// Source names the input: a file, or "scan".
	Source string
	// MatchTag is the resource tag whose value is a model element's id
	// (trustmap.yaml model_match.tag); "" when none is declared.
	MatchTag string
	// KnownAccounts are the outside accounts trustmap.yaml names, so that
	// an actor the model names after a partner matches the partner.
	KnownAccounts map[string]string
}

// Full reports whether the scan lists every resource it read (a snapshot
// or a scan), rather than only those a report names.
func (s *Scan) Full() bool { return s.Graph != nil }

// resource is one thing the scan saw that a model element may stand for:
// an AWS resource, or a principal outside the account.
type resource struct {
	ID      string
	Kind    graph.Kind
	Name    string
	Account string
	Region  string
	Tags    map[string]string
	Node    *graph.Node // nil without a graph
	Zone    graph.Zone
	// Parent is the resource that contains this one: the API of a method,
	// route or stage, the function of a function URL.
	Parent   string
	Children []string
	Entry    []*results.EntryPoint
	Threats  []*results.Threat
}

func (r *resource) principal() bool { return r.Kind.IsPrincipal() }

// inventory indexes what the scan saw.
type inventory struct {
	scan      *Scan
	byID      map[string]*resource
	ids       []string // sorted
	scanned   map[string]bool
	regions   map[string]bool
	alias     map[string]string // account → alias
	affixes   map[string]map[string]bool
	gaps      []report.Coverage
	crossings []results.Crossing
}

func newInventory(s *Scan) *inventory {
	inv := &inventory{scan: s, byID: map[string]*resource{}, scanned: map[string]bool{}, regions: map[string]bool{}, alias: map[string]string{}}
	r := s.Report
	for _, a := range r.Accounts {
		inv.scanned[a] = true
	}
	for _, g := range r.Regions {
		inv.regions[g] = true
	}
	inv.gaps = r.Coverage
	inv.crossings = r.Boundaries
	add := func(id string, n *graph.Node) *resource {
		if x := inv.byID[id]; x != nil {
			if x.Node == nil && n != nil {
				x.Node, x.Kind, x.Name, x.Account, x.Region = n, n.Kind, n.Name, n.Account, n.Region
			}
			return x
		}
		x := &resource{ID: id, Node: n}
		if n != nil {
			x.Kind, x.Name, x.Account, x.Region, x.Tags = n.Kind, n.Name, n.Account, n.Region, n.Tags
		} else {
			x.Kind = report.KindOfID(id)
			x.Name = shortName(id)
			x.Account = graph.AccountOfARN(id)
			x.Region = regionOfARN(id)
		}
		inv.byID[id] = x
		return x
	}
	if g := s.Graph; g != nil {
		for i := range g.Nodes {
			n := &g.Nodes[i]
			switch n.Kind {
			case graph.KindAccount:
				if n.AccountInfo() != nil && n.AccountInfo().Alias != "" {
					inv.alias[n.Account] = n.AccountInfo().Alias
				}
				continue
			case graph.KindIAMPolicy, graph.KindAccessKey:
				continue
			}
			add(n.ID, n).Zone = g.Zone(n.ID)
		}
		for _, e := range g.Edges {
			switch {
			case e.Kind == graph.EdgeContains:
				inv.setParent(e.To, e.From)
			case e.Kind == graph.EdgeRoutesTo && e.Via == graph.ViaFunctionURL:
				inv.setParent(e.From, e.To)
			}
		}
	}
	for i := range r.EntryPoints {
		ep := &r.EntryPoints[i]
		x := add(ep.ResourceARN, nil)
		if x.Node == nil {
			x.Kind, x.Account, x.Region = ep.ResourceType, ep.Account, ep.Region
			if ep.Name != "" {
				x.Name = ep.Name
			}
		}
		x.Entry = append(x.Entry, ep)
		for _, p := range ep.Principals {
			if id := principalID(p); id != "" {
				add(id, nil)
			}
		}
	}
	for i := range r.Threats {
		t := &r.Threats[i]
		add(t.ResourceARN, nil).Threats = append(add(t.ResourceARN, nil).Threats, t)
	}
	if s.Graph == nil {
		for _, c := range r.Boundaries {
			add(c.From, nil)
			add(c.To, nil)
		}
		for _, p := range r.AttackPaths {
			for _, st := range p.Steps {
				add(st.From, nil)
				add(st.To, nil)
			}
		}
		// Without a graph, what contains a method, route, stage or function
		// URL is known from its ARN.
		for _, id := range sortedIDs(inv.byID) {
			parent := apiOfARN(id)
			if base, ok := strings.CutSuffix(id, "#url"); ok {
				parent = base
			}
			if parent == "" || parent == id {
				continue
			}
			add(parent, nil)
			inv.setParent(id, parent)
		}
	}
	for id, x := range inv.byID {
		if x.Zone == "" {
			x.Zone = graph.ZoneOf(&graph.Node{ID: id, Kind: x.Kind, Account: x.Account}, inv.scanned)
		}
		inv.ids = append(inv.ids, id)
	}
	slices.Sort(inv.ids)
	for _, x := range inv.byID {
		slices.Sort(x.Children)
	}
	inv.sharedAffixes()
	return inv
}

// own reports whether text names a scanned account: its id, or its alias.
func (inv *inventory) own(text string) bool {
	for a := range inv.scanned {
		if strings.Contains(text, a) {
			return true
		}
	}
	toks := tokens(text)
	for _, al := range inv.alias {
		if al != "" && hasAny(toks, tokens(al)) {
			return true
		}
	}
	return false
}

func sortedIDs(m map[string]*resource) []string {
	out := make([]string, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func (inv *inventory) setParent(child, parent string) {
	c, p := inv.byID[child], inv.byID[parent]
	if c == nil || p == nil || c.Parent != "" {
		return
	}
	c.Parent = parent
	p.Children = append(p.Children, child)
}

// family is a resource with what contains it and what it contains: an
// element that stands for an API also stands for its methods.
func (inv *inventory) family(id string) []*resource {
	x := inv.byID[id]
	if x == nil {
		return nil
	}
	out := []*resource{x}
	for _, c := range x.Children {
		out = append(out, inv.byID[c])
	}
	return out
}

// entryPoints returns the entry points into a resource and what it
// contains, most severe first.
func (inv *inventory) entryPoints(id string) []*results.EntryPoint {
	var out []*results.EntryPoint
	for _, x := range inv.family(id) {
		out = append(out, x.Entry...)
	}
	slices.SortFunc(out, func(a, b *results.EntryPoint) int { return results.CompareEntryPoints(*a, *b) })
	return out
}

// inScope says whether the scan covered where an ARN lives: its account
// and region were scanned. "" and the reason when it was.
func (inv *inventory) outOfScope(arn string) string {
	acct, region := graph.AccountOfARN(arn), regionOfARN(arn)
	switch {
	case acct != "" && !inv.scanned[acct]:
		return "account " + acct + " was not scanned"
	case region != "" && !inv.regions[region]:
		return "region " + region + " was not scanned"
	}
	return ""
}

// gapFor returns a coverage gap that hides resources of a kind in a
// region (a denied or failed listing), nil when the listing was complete.
func (inv *inventory) gapFor(k graph.Kind, account, region string) *report.Coverage {
	svc := serviceOfKind(k)
	for i := range inv.gaps {
		g := &inv.gaps[i]
		if g.Service != svc || g.Resource != "" {
			continue
		}
		if (g.Account == "" || account == "" || g.Account == account) && (g.Region == "" || region == "" || g.Region == region) {
			return g
		}
	}
	return nil
}

// listingAPI names the call whose answer lists resources of a kind.
func listingAPI(k graph.Kind) string {
	switch k {
	case graph.KindS3Bucket:
		return "s3:ListBuckets"
	case graph.KindLambdaFunction, graph.KindLambdaFunctionURL:
		return "lambda:ListFunctions"
	case graph.KindSQSQueue:
		return "sqs:ListQueues"
	case graph.KindSNSTopic:
		return "sns:ListTopics"
	case graph.KindRestAPI, graph.KindRestAPIStage, graph.KindRestAPIMethod, graph.KindDomainName:
		return "apigateway:GetRestApis"
	case graph.KindHTTPAPI, graph.KindHTTPAPIRoute, graph.KindHTTPAPIStage:
		return "apigateway:GetApis"
	case graph.KindIAMRole, graph.KindIAMUser, graph.KindIAMGroup:
		return "iam:GetAccountAuthorizationDetails"
	case graph.KindEventSource:
		// Streams and queues outside the collected set are seen only as
		// the sources of Lambda's event source mappings.
		return "lambda:ListEventSourceMappings"
	}
	return "the listing of " + string(k)
}

func serviceOfKind(k graph.Kind) string {
	api := listingAPI(k)
	svc, _, _ := strings.Cut(api, ":")
	if svc == "apigateway" && strings.HasPrefix(string(k), "HTTP") {
		return "apigatewayv2"
	}
	return svc
}

// principalID is the node id of a principal as entry points name it.
func principalID(p string) string {
	switch {
	case p == "*":
		return ""
	case strings.HasPrefix(p, "o-"):
		return graph.OrgID(p)
	case len(p) == 12 && strings.Trim(p, "0123456789") == "":
		return graph.AccountID(p)
	case strings.HasSuffix(p, ".amazonaws.com"):
		return graph.ServiceID(p)
	}
	return ""
}

// apiOfARN returns the API ARN of an API Gateway method, route or stage.
func apiOfARN(id string) string {
	for _, p := range []string{"/restapis/", "/apis/"} {
		i := strings.Index(id, p)
		if i < 0 {
			continue
		}
		rest := id[i+len(p):]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			return id[:i+len(p)+j]
		}
		return id
	}
	return ""
}

func regionOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}

// shortName is the last segment of an ARN or id.
func shortName(id string) string {
	switch {
	case id == graph.InternetID:
		return "Internet"
	case id == graph.AnyAWSAccountID:
		return "any AWS account"
	case strings.HasPrefix(id, "account:"):
		return "account " + strings.TrimPrefix(id, "account:")
	case strings.HasPrefix(id, "org:"):
		return "organization " + strings.TrimPrefix(id, "org:")
	case strings.HasPrefix(id, "service:"):
		return strings.TrimPrefix(id, "service:")
	}
	if i := strings.LastIndexAny(id, ":/"); i >= 0 && i < len(id)-1 {
		return id[i+1:]
	}
	return id
}

// displayName names a resource for people: its name, and for API methods
// and routes the API they belong to.
func (inv *inventory) displayName(id string) string {
	x := inv.byID[id]
	if x == nil {
		return shortName(id)
	}
	name := x.Name
	if name == "" {
		name = shortName(id)
	}
	if x.Parent != "" && (x.Kind == graph.KindRestAPIMethod || x.Kind == graph.KindHTTPAPIRoute || x.Kind == graph.KindRestAPIStage || x.Kind == graph.KindHTTPAPIStage) {
		if p := inv.byID[x.Parent]; p != nil && p.Name != "" {
			name += " in " + p.Name
		}
	}
	return name
}

// kindNoun names a kind in the plural, for counts.
func kindNoun(k graph.Kind, n int) string {
	nouns := map[graph.Kind][2]string{
		graph.KindS3Bucket: {"bucket", "buckets"}, graph.KindSQSQueue: {"queue", "queues"}, graph.KindSNSTopic: {"topic", "topics"},
		graph.KindLambdaFunction: {"function", "functions"}, graph.KindLambdaFunctionURL: {"function URL", "function URLs"},
		graph.KindRestAPI: {"REST API", "REST APIs"}, graph.KindHTTPAPI: {"HTTP API", "HTTP APIs"},
		graph.KindRestAPIMethod: {"REST method", "REST methods"}, graph.KindHTTPAPIRoute: {"route", "routes"},
		graph.KindRestAPIStage: {"stage", "stages"}, graph.KindHTTPAPIStage: {"stage", "stages"},
		graph.KindIAMRole: {"role", "roles"}, graph.KindIAMUser: {"user", "users"}, graph.KindIAMGroup: {"group", "groups"},
		graph.KindEventSource: {"event source", "event sources"},
	}
	w, ok := nouns[k]
	if !ok {
		w = [2]string{string(k), string(k) + "s"}
	}
	if n == 1 {
		return "1 " + w[0]
	}
	return fmt.Sprintf("%d %s", n, w[1])
}

func compareSeverity(a, b results.Severity) int { return cmp.Compare(b.Rank(), a.Rank()) }

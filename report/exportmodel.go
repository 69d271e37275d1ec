package report

import (
	"cmp"
	"crypto/sha1"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
)

// This file holds what the interchange exports (OTM, Threat Dragon, SARIF,
// ASFF) share: the element view of the graph, stable ids and the
// projections of the one risk scale (docs/scoring.md, formats.md §7.3).

// ThreatRuleID is the rule id under which threats appear in SARIF and ASFF
// (findings carry their own analyzer rule ids). Never reused.
const ThreatRuleID = "TM-THR-001"

// expZone is a trust zone as the exports present it.
type expZone struct {
	Zone graph.Zone
	Name string
	Type string // internet, any-aws-account, federated, external-account, organization, aws-service, account
	Rank int    // least trusted first
}

// expElement is one drawable element: a graph node other than an account or
// a managed-policy document, or an id that edges or threats name but that
// is not a node (an ARN outside the scan).
type expElement struct {
	ID      string
	Node    *graph.Node // nil when the id is not a node of the graph
	Kind    graph.Kind
	Name    string
	Zone    graph.Zone
	Parent  string // id of the element that contains it (an API for its methods), or ""
	Threats []results.Threat
}

// expModel is the element view shared by the diagram-like exports.
type expModel struct {
	Zones    []expZone     // least trusted first
	Elements []*expElement // zone order, then kind rank, name, id
	Flows    []graph.Edge  // canonical edge order
	byID     map[string]*expElement
	zoneIdx  map[graph.Zone]int
}

// zoneRanks orders zone types from least to most trusted.
var zoneRanks = map[string]int{"internet": 0, "any-aws-account": 1, "federated": 2, "external-account": 3, "organization": 4, "aws-service": 5, "account": 6}

// buildExpModel derives the elements, zones and flows from the input.
// Flows are the structural edges, the access edges that cross a trust
// boundary, and the access edges an attack path walks (so every step of a
// threat's path is drawn without every identity-policy grant).
func buildExpModel(in Input) *expModel {
	m := &expModel{byID: map[string]*expElement{}, zoneIdx: map[graph.Zone]int{}}
	g := in.Graph
	scanned := map[string]bool{}
	for _, a := range in.Report.Accounts {
		scanned[a] = true
	}
	zoneOf := func(id string, n *graph.Node) graph.Zone {
		if g != nil {
			return g.Zone(id)
		}
		if n == nil {
			n = &graph.Node{ID: id, Account: graph.AccountOfARN(id)}
		}
		return graph.ZoneOf(n, scanned)
	}
	add := func(id string, n *graph.Node) *expElement {
		if e, ok := m.byID[id]; ok {
			return e
		}
		e := &expElement{ID: id, Node: n, Name: expName(id, n)}
		if n != nil {
			e.Kind = n.Kind
		} else {
			e.Kind = kindOfID(id)
		}
		e.Zone = zoneOf(id, n)
		m.byID[id] = e
		return e
	}
	excluded := map[string]bool{}
	if g != nil {
		for i := range g.Nodes {
			n := &g.Nodes[i]
			if n.Kind == graph.KindAccount || n.Kind == graph.KindIAMPolicy {
				excluded[n.ID] = true
				continue
			}
			add(n.ID, n)
		}
		onPath := map[string]bool{}
		for _, p := range in.Report.AttackPaths {
			for _, s := range p.Steps {
				onPath[s.From+"\x00"+s.To+"\x00"+string(s.Edge)] = true
			}
		}
		for _, e := range g.Edges {
			if excluded[e.From] || excluded[e.To] {
				continue
			}
			if e.Kind.IsAccess() && !g.Crosses(&e) && !onPath[e.From+"\x00"+e.To+"\x00"+string(e.Kind)] {
				continue
			}
			from, _ := g.Node(e.From)
			to, _ := g.Node(e.To)
			add(e.From, from)
			add(e.To, to)
			m.Flows = append(m.Flows, e)
		}
		for _, e := range m.Flows {
			switch {
			case e.Kind == graph.EdgeContains || e.Kind == graph.EdgeHasKey:
				m.setParent(e.To, e.From)
			case e.Kind == graph.EdgeRoutesTo && m.byID[e.From].Kind == graph.KindLambdaFunctionURL:
				m.setParent(e.From, e.To)
			}
		}
	}
	for _, t := range in.Report.Threats {
		var n *graph.Node
		if g != nil {
			n, _ = g.Node(t.ResourceARN)
		}
		e := add(t.ResourceARN, n)
		e.Threats = append(e.Threats, t)
	}
	labels := map[graph.Zone]string{}
	for _, c := range in.Report.Boundaries {
		if c.Label != "" {
			labels[graph.Zone(c.FromZone)] = c.Label
		}
	}
	seen := map[graph.Zone]bool{}
	for _, e := range m.byID {
		m.Elements = append(m.Elements, e)
		if !seen[e.Zone] {
			seen[e.Zone] = true
			m.Zones = append(m.Zones, describeZone(e.Zone, labels[e.Zone], in.Graph))
		}
	}
	slices.SortFunc(m.Zones, func(a, b expZone) int { return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.Zone, b.Zone)) })
	for i, z := range m.Zones {
		m.zoneIdx[z.Zone] = i
	}
	slices.SortFunc(m.Elements, func(a, b *expElement) int {
		return cmp.Or(cmp.Compare(m.zoneIdx[a.Zone], m.zoneIdx[b.Zone]), cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)),
			cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return m
}

// setParent nests child in parent when both are elements of one zone.
func (m *expModel) setParent(child, parent string) {
	c, p := m.byID[child], m.byID[parent]
	if c != nil && p != nil && c.Zone == p.Zone && p.Parent != child && c.Parent == "" {
		c.Parent = parent
	}
}

// element returns the element with the given id.
func (m *expModel) element(id string) *expElement { return m.byID[id] }

func describeZone(z graph.Zone, label string, g *graph.Graph) expZone {
	typ, key, _ := strings.Cut(string(z), ":")
	ez := expZone{Zone: z, Type: typ, Rank: zoneRanks[typ]}
	switch typ {
	case "internet":
		ez.Name = "Internet"
	case "any-aws-account":
		ez.Name = "Any AWS account"
	case "federated":
		ez.Name = "Federated users of " + key
	case "external-account":
		ez.Name = "External account " + key
		if label != "" {
			ez.Name += " (" + label + ")"
		}
	case "organization":
		ez.Name = "Organization " + key
	case "aws-service":
		ez.Name = "AWS service " + key
	case "account":
		ez.Name = "Account " + key
		if g != nil {
			if n, ok := g.Node(graph.AccountID(key)); ok && n.AccountInfo != nil && n.AccountInfo.Alias != "" {
				ez.Name += " (" + n.AccountInfo.Alias + ")"
			}
		}
	default:
		ez.Name, ez.Rank = string(z), len(zoneRanks)
	}
	return ez
}

// kindRank orders elements inside a zone roughly along the flow of a
// request: callers, front doors, compute, identities, data.
func kindRank(k graph.Kind) int {
	order := []graph.Kind{graph.KindInternet, graph.KindAnyAWSAccount, graph.KindFederated, graph.KindExternalAccount,
		graph.KindOrganization, graph.KindServicePrincipal, graph.KindPrincipalARN,
		graph.KindDomainName, graph.KindRestAPI, graph.KindHTTPAPI, graph.KindRestAPIStage, graph.KindHTTPAPIStage,
		graph.KindRestAPIMethod, graph.KindHTTPAPIRoute, graph.KindLambdaFunctionURL,
		graph.KindSNSTopic, graph.KindSQSQueue, graph.KindEventSource, graph.KindExternalEndpoint, graph.KindLambdaFunction,
		graph.KindIAMRole, graph.KindIAMUser, graph.KindIAMGroup, graph.KindAccessKey, graph.KindS3Bucket}
	if i := slices.Index(order, k); i >= 0 {
		return i
	}
	return len(order)
}

// kindOfID guesses the kind of an id that is not a node of the graph.
func kindOfID(id string) graph.Kind {
	switch {
	case id == graph.InternetID:
		return graph.KindInternet
	case id == graph.AnyAWSAccountID:
		return graph.KindAnyAWSAccount
	case strings.HasPrefix(id, "account:"):
		return graph.KindExternalAccount
	case strings.HasPrefix(id, "org:"):
		return graph.KindOrganization
	case strings.HasPrefix(id, "service:"):
		return graph.KindServicePrincipal
	case strings.HasPrefix(id, "federated:"):
		return graph.KindFederated
	}
	parts := strings.SplitN(id, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return graph.KindExternalEndpoint
	}
	switch svc, res := parts[2], parts[5]; {
	case svc == "s3":
		return graph.KindS3Bucket
	case svc == "sqs":
		return graph.KindSQSQueue
	case svc == "sns":
		return graph.KindSNSTopic
	case svc == "lambda":
		return graph.KindLambdaFunction
	case svc == "iam" && strings.HasPrefix(res, "role/"):
		return graph.KindIAMRole
	case svc == "iam" && strings.HasPrefix(res, "user/"):
		return graph.KindIAMUser
	case svc == "iam" || svc == "sts":
		return graph.KindPrincipalARN
	}
	return graph.KindEventSource
}

// expName is the display name of an element.
func expName(id string, n *graph.Node) string {
	if n != nil && n.Name != "" {
		return n.Name
	}
	switch {
	case id == graph.InternetID:
		return "Internet"
	case id == graph.AnyAWSAccountID:
		return "Any AWS account"
	case strings.HasPrefix(id, "account:"):
		return "Account " + strings.TrimPrefix(id, "account:")
	case strings.HasPrefix(id, "org:"):
		return "Organization " + strings.TrimPrefix(id, "org:")
	case strings.HasPrefix(id, "service:"):
		return strings.TrimPrefix(id, "service:")
	case strings.HasPrefix(id, "federated:"):
		return strings.TrimPrefix(id, "federated:")
	}
	if i := strings.LastIndexAny(id, ":/"); i >= 0 && i < len(id)-1 {
		return id[i+1:]
	}
	return id
}

// isARN reports whether id is an ARN (an AWS resource rather than a
// principal placeholder such as "internet").
func isARN(id string) bool { return strings.HasPrefix(id, "arn:") }

// trustmapNamespace is the UUID namespace of stableUUID: the RFC 4122 URL
// namespace applied to the project URL.
var trustmapNamespace = uuidV5([16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}, "https://github.com/trustmap/trustmap")

// stableUUID returns a name-based (version 5) UUID of the parts: the same
// input gives the same id on every run, so re-imported models keep their
// elements' identity.
func stableUUID(parts ...string) string {
	u := uuidV5(trustmapNamespace, strings.Join(parts, "\x00"))
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func uuidV5(ns [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
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

// flattenTree writes an attack tree as indented text lines: each goal with
// the failure condition that lets it hold and whether it holds.
func flattenTree(n *results.AttackNode) string {
	if n == nil {
		return ""
	}
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
	walk(n, 0)
	return strings.TrimRight(b.String(), "\n")
}

// threatText is the plain-text body of a threat: scores with their
// reasons, then the attack tree.
func threatText(t results.Threat) string {
	s := fmt.Sprintf("Likelihood %d: %s.\nImpact %d: %s.\nRisk %d (%s).", t.Likelihood, t.Reasons.Likelihood, t.Impact, t.Reasons.Impact, t.Risk, t.Severity)
	if t.AttackTree != nil {
		s += "\nAttack tree:\n" + flattenTree(t.AttackTree)
	}
	return s
}

// truncateUTF8 cuts s to at most max bytes at a rune boundary, marking the
// cut with an ellipsis. Byte limits are at least as strict as character
// limits, so the result fits either kind.
func truncateUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const ell = "…"
	cut := max - len(ell)
	if cut < 0 {
		cut = 0
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ell
}

package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
)

// The data-flow diagram shared by the Mermaid, DOT and HTML writers.
//
// Scope: the principals outside the scanned accounts that reach in, every
// resource that is an entry point or lies on an attack path, and the edges
// between them: trust-boundary crossings, attack-path steps, and the
// structural or access edges that join two resources already shown.
// Resources that nothing outside reaches are left out, so the picture stays
// readable on a large account. Trust zones become nested boxes
// (organization ⊃ account when the account's organization is known).

// dfdShape is the DFD element a node draws as.
type dfdShape int

const (
	dfdActor   dfdShape = iota // external entity: a box
	dfdProcess                 // process: an ellipse / rounded box
	dfdStore                   // data store: a cylinder
)

type dnode struct {
	id    string // graph node id (an ARN or a principal id)
	label string // short name
	sub   string // what it is ("S3 bucket", "IAM role", ...)
	kind  graph.Kind
	shape dfdShape
	zone  *dzone
	// entry is set when an entry point targets the node; unrecognized when
	// one of them is not recognized; severity is the highest of them.
	entry        bool
	unrecognized bool
	severity     results.Severity
}

type dzone struct {
	id       string // graph.Zone
	label    string
	outside  bool
	rank     int
	parent   *dzone
	children []*dzone
	nodes    []*dnode
}

type dedge struct {
	from, to     *dnode
	kinds        []string
	crossing     bool // crosses a trust boundary
	unrecognized bool // ... and nobody recognized it
	onPath       bool // a step of an attack path
	paths        []string
}

// priority orders edges for truncation: attack-path steps first, then
// unrecognized crossings, recognized crossings, context.
func (e *dedge) priority() int {
	switch {
	case e.onPath:
		return 0
	case e.unrecognized:
		return 1
	case e.crossing:
		return 2
	}
	return 3
}

func (e *dedge) label() string { return strings.Join(e.kinds, ", ") }

type diagram struct {
	zones []*dzone // top level, in drawing order
	nodes []*dnode // by id
	edges []*dedge // by (from, to)
	byID  map[string]*dnode
}

func buildDiagram(in Input) *diagram {
	r, g := in.Report, in.Graph
	d := &diagram{byID: map[string]*dnode{}}
	crossZone := map[string]graph.Zone{}
	crossLabel := map[string]string{}
	for _, c := range r.Boundaries {
		crossZone[c.From], crossZone[c.To] = c.FromZone, c.ToZone
		if c.Label != "" {
			crossLabel[c.From] = c.Label
		}
	}
	scanned := map[string]bool{}
	for _, a := range r.Accounts {
		scanned[a] = true
	}
	zoneOf := func(id string) string {
		if g != nil {
			return string(g.Zone(id))
		}
		if z, ok := crossZone[id]; ok {
			return string(z)
		}
		if a := graph.AccountOfARN(id); a != "" {
			if scanned[a] {
				return string(graph.ZoneAccount(a))
			}
			return string(graph.ZoneExternalAccount(a))
		}
		if id == graph.InternetID {
			return string(graph.ZoneInternet)
		}
		return string(graph.ZoneAnyAWSAccount)
	}
	node := func(id string) *dnode {
		if n, ok := d.byID[id]; ok {
			return n
		}
		n := &dnode{id: id}
		var gn *graph.Node
		if g != nil {
			gn, _ = g.Node(id)
		}
		if gn != nil {
			n.kind, n.label = gn.Kind, gn.Name
		} else {
			n.kind = guessKind(id)
		}
		if n.label == "" || n.label == id || n.kind == graph.KindExternalAccount {
			n.label = displayID(id)
		}
		if l := crossLabel[id]; l != "" {
			n.label += " (" + l + ")"
		}
		n.sub = kindText(n.kind)
		n.shape = shapeOf(n.kind)
		d.byID[id] = n
		return n
	}
	edges := map[[2]string]*dedge{}
	edge := func(from, to, kind string) *dedge {
		k := [2]string{from, to}
		e, ok := edges[k]
		if !ok {
			e = &dedge{from: node(from), to: node(to)}
			edges[k] = e
		}
		if !slices.Contains(e.kinds, kind) {
			e.kinds = append(e.kinds, kind)
		}
		return e
	}
	for _, ep := range r.EntryPoints {
		n := node(ep.ResourceARN)
		n.entry = true
		if !ep.Recognized {
			n.unrecognized = true
		}
		if n.severity == "" || ep.Severity.Rank() > n.severity.Rank() {
			n.severity = ep.Severity
		}
	}
	for _, c := range r.Boundaries {
		e := edge(c.From, c.To, string(c.Kind))
		e.crossing = true
		if !c.Recognized {
			e.unrecognized = true
		}
	}
	for _, ap := range r.AttackPaths {
		for _, st := range ap.Steps {
			e := edge(st.From, st.To, string(st.Edge))
			e.onPath = true
			if !slices.Contains(e.paths, ap.ID) {
				e.paths = append(e.paths, ap.ID)
			}
		}
	}
	// Context: edges of the graph between two resources already shown.
	if g != nil {
		for i := range g.Edges {
			ge := &g.Edges[i]
			a, b := d.byID[ge.From], d.byID[ge.To]
			if a == nil || b == nil || a == b {
				continue
			}
			e := edge(ge.From, ge.To, string(ge.Kind))
			if g.Crosses(ge) {
				e.crossing = true
			}
		}
	}
	for _, e := range edges {
		slices.Sort(e.kinds)
		slices.Sort(e.paths)
		d.edges = append(d.edges, e)
	}
	slices.SortFunc(d.edges, func(a, b *dedge) int {
		return cmp.Or(cmp.Compare(a.from.id, b.from.id), cmp.Compare(a.to.id, b.to.id))
	})
	for _, n := range d.byID {
		d.nodes = append(d.nodes, n)
	}
	slices.SortFunc(d.nodes, func(a, b *dnode) int { return cmp.Compare(a.id, b.id) })

	// Zones, with accounts nested in their organization when known.
	zones := map[string]*dzone{}
	var zone func(id string) *dzone
	zone = func(id string) *dzone {
		if z, ok := zones[id]; ok {
			return z
		}
		z := &dzone{id: id, outside: graph.Zone(id).Outside()}
		z.label, z.rank = zoneText(id)
		zones[id] = z
		if acct, ok := strings.CutPrefix(id, "account:"); ok && g != nil {
			if org := g.OrgIDs[acct]; org != "" {
				p := zone(string(graph.ZoneOrganization(org)))
				z.parent = p
				p.children = append(p.children, z)
				p.outside = false
			}
		}
		return z
	}
	for _, n := range d.nodes {
		z := zone(zoneOf(n.id))
		n.zone = z
		z.nodes = append(z.nodes, n)
	}
	for _, z := range zones {
		if z.parent == nil {
			d.zones = append(d.zones, z)
		}
		slices.SortFunc(z.children, compareZones)
	}
	slices.SortFunc(d.zones, compareZones)
	return d
}

func compareZones(a, b *dzone) int {
	if a.outside != b.outside {
		if a.outside {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.id, b.id))
}

// limit returns the edges to draw when at most max fit, highest priority
// first, and the nodes they touch; dropped counts the edges left out.
func (d *diagram) limit(max int) (nodes map[*dnode]bool, edges []*dedge, dropped int) {
	sorted := slices.Clone(d.edges)
	slices.SortStableFunc(sorted, func(a, b *dedge) int { return cmp.Compare(a.priority(), b.priority()) })
	if len(sorted) > max {
		dropped = len(sorted) - max
		sorted = sorted[:max]
	}
	keep := map[*dedge]bool{}
	for _, e := range sorted {
		keep[e] = true
	}
	nodes = map[*dnode]bool{}
	for _, e := range d.edges {
		if keep[e] {
			edges = append(edges, e)
			nodes[e.from], nodes[e.to] = true, true
		}
	}
	if dropped == 0 {
		for _, n := range d.nodes {
			nodes[n] = true
		}
	}
	return nodes, edges, dropped
}

// zoneHas reports whether z or a zone inside it holds a node in keep.
func zoneHas(z *dzone, keep map[*dnode]bool) bool {
	for _, n := range z.nodes {
		if keep[n] {
			return true
		}
	}
	for _, c := range z.children {
		if zoneHas(c, keep) {
			return true
		}
	}
	return false
}

func shapeOf(k graph.Kind) dfdShape {
	switch k {
	case graph.KindS3Bucket, graph.KindSQSQueue, graph.KindSNSTopic, graph.KindEventSource:
		return dfdStore
	case graph.KindAccount:
		return dfdActor
	}
	if k.IsPrincipal() {
		return dfdActor
	}
	return dfdProcess
}

func guessKind(id string) graph.Kind {
	switch {
	case id == graph.InternetID:
		return graph.KindInternet
	case id == graph.AnyAWSAccountID:
		return graph.KindAnyAWSAccount
	case strings.HasPrefix(id, "org:"):
		return graph.KindOrganization
	case strings.HasPrefix(id, "service:"):
		return graph.KindServicePrincipal
	case strings.HasPrefix(id, "federated:"):
		return graph.KindFederated
	case strings.HasPrefix(id, "account:"):
		return graph.KindExternalAccount
	case strings.HasPrefix(id, "arn:aws:s3:::"):
		return graph.KindS3Bucket
	case strings.HasPrefix(id, "arn:aws:sqs:"):
		return graph.KindSQSQueue
	case strings.HasPrefix(id, "arn:aws:sns:"):
		return graph.KindSNSTopic
	case strings.Contains(id, ":function:"):
		return graph.KindLambdaFunction
	case strings.Contains(id, ":role/"):
		return graph.KindIAMRole
	}
	return graph.KindPrincipalARN
}

func kindText(k graph.Kind) string {
	switch k {
	case graph.KindAccount:
		return "account root"
	case graph.KindS3Bucket:
		return "S3 bucket"
	case graph.KindLambdaFunction:
		return "Lambda function"
	case graph.KindLambdaFunctionURL:
		return "function URL"
	case graph.KindSQSQueue:
		return "SQS queue"
	case graph.KindSNSTopic:
		return "SNS topic"
	case graph.KindRestAPI:
		return "REST API"
	case graph.KindRestAPIStage, graph.KindHTTPAPIStage:
		return "API stage"
	case graph.KindRestAPIMethod:
		return "API method"
	case graph.KindHTTPAPI:
		return "HTTP API"
	case graph.KindHTTPAPIRoute:
		return "API route"
	case graph.KindDomainName:
		return "custom domain"
	case graph.KindIAMRole:
		return "IAM role"
	case graph.KindIAMUser:
		return "IAM user"
	case graph.KindIAMGroup:
		return "IAM group"
	case graph.KindIAMPolicy:
		return "IAM policy"
	case graph.KindAccessKey:
		return "access key"
	case graph.KindEventSource:
		return "event source"
	case graph.KindExternalEndpoint:
		return "external endpoint"
	case graph.KindInternet:
		return "anyone"
	case graph.KindAnyAWSAccount:
		return "any AWS account"
	case graph.KindExternalAccount:
		return "AWS account"
	case graph.KindOrganization:
		return "any account in the org"
	case graph.KindServicePrincipal:
		return "AWS service"
	case graph.KindFederated:
		return "federated users"
	case graph.KindPrincipalARN:
		return "outside principal"
	}
	return string(k)
}

// zoneText names a zone for people and ranks it for drawing order.
func zoneText(id string) (string, int) {
	kind, rest, _ := strings.Cut(id, ":")
	switch kind {
	case string(graph.ZoneInternet):
		return "Internet", 0
	case string(graph.ZoneAnyAWSAccount):
		return "Any AWS account", 1
	case "federated":
		return "Federated identity " + rest, 2
	case "external-account":
		return "External account " + rest, 3
	case "organization":
		return "Organization " + rest, 4
	case "aws-service":
		return "AWS service " + rest, 5
	case "account":
		return "Account " + rest + " (scanned)", 6
	}
	return id, 7
}

// shortID is the readable tail of a node id: a bucket or function name,
// a role path, an account id.
func shortID(id string) string {
	switch {
	case strings.HasPrefix(id, "arn:"):
		parts := strings.SplitN(id, ":", 6)
		if len(parts) == 6 {
			res := parts[5]
			if i := strings.LastIndexAny(res, ":/"); i >= 0 && i < len(res)-1 {
				return res[i+1:]
			}
			return res
		}
	case strings.Contains(id, ":"):
		_, rest, _ := strings.Cut(id, ":")
		return rest
	}
	return id
}

// displayID is how a node without a name is labelled: an ARN's resource
// part ("role/x"), a principal id without its prefix.
func displayID(id string) string {
	if strings.HasPrefix(id, "arn:") {
		if parts := strings.SplitN(id, ":", 6); len(parts) == 6 && parts[5] != "" {
			return parts[5]
		}
		return id
	}
	if _, rest, ok := strings.Cut(id, ":"); ok && rest != "" {
		return rest
	}
	return id
}

// safeID turns any string into an identifier made of [A-Za-z0-9_] that
// starts with prefix: a readable part and a hash of the whole, so two ids
// never meet and no id is a keyword (Mermaid's "end", DOT's "node").
func safeID(prefix, s string) string {
	var b strings.Builder
	b.WriteString(prefix)
	n := 0
	for _, r := range strings.ToLower(shortID(s)) {
		if n == 24 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
		n++
	}
	sum := sha256.Sum256([]byte(s))
	b.WriteByte('_')
	b.WriteString(hex.EncodeToString(sum[:5]))
	return b.String()
}

package graph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// Resolve turns a snapshot into a Graph: it keeps the collected nodes and
// structural edges and adds access edges from principals (trust zones) to
// resources, judged by the policy engine from policies, ACLs and auth
// settings. It is a pure function of the snapshot, which it leaves as it
// was (the graph has its own copy of the nodes).
func Resolve(s *Snapshot) *Graph {
	c := *s
	c.Nodes = make([]Node, len(s.Nodes), len(s.Nodes)+PrincipalRoom(len(s.Nodes)))
	copy(c.Nodes, s.Nodes)
	g := ResolveInPlace(&c)
	g.Snapshot = s
	return g
}

// PrincipalRoom is the spare capacity a snapshot's node slice keeps for the
// principal nodes Resolve adds (a few per hundred resources in real
// accounts), so that ResolveInPlace can add them without a second array.
func PrincipalRoom(nodes int) int { return nodes/32 + 64 }

// ResolveInPlace is Resolve taking the snapshot's node and edge slices
// instead of copying them: the graph's nodes are the snapshot's, sorted,
// with the principals appended in its spare capacity when it has enough
// (PrincipalRoom), and s.Nodes and s.Edges are nil when it returns. A large
// account's nodes are tens of MB: the scan has no use for two arrays of them.
func ResolveInPlace(s *Snapshot) *Graph {
	g := &Graph{
		Snapshot: s,
		Scanned:  map[string]bool{},
		OrgIDs:   map[string]string{},
	}
	for _, a := range s.Accounts {
		g.Scanned[a] = true
	}
	for _, n := range s.Nodes {
		if n.Kind == KindAccount && n.AccountInfo() != nil && n.AccountInfo().OrgID != "" {
			g.OrgIDs[n.Account] = n.AccountInfo().OrgID
		}
	}
	r := &resolver{g: g, principals: map[string]Node{}, accounts: map[string]*AccountInfo{},
		nodes: make(map[string]*Node, len(s.Nodes)), byKind: map[Kind][]*Node{}, in: map[string][]*Edge{},
		probeIdx: map[probeKey]*probeIndex{}, parsed: map[string]parsedPolicy{}, trust: map[*Node][]policy.Grant{},
		keyPolicies: map[*Node][]policy.Grant{}}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		r.nodes[n.ID] = n
		r.byKind[n.Kind] = append(r.byKind[n.Kind], n)
		if n.Kind == KindAccount && n.AccountInfo() != nil {
			r.accounts[n.Account] = n.AccountInfo()
		}
	}
	for i := range s.Edges {
		e := &s.Edges[i]
		r.in[e.To] = append(r.in[e.To], e)
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		for _, j := range judges {
			if j.kind == n.Kind {
				j.judge(r, n)
			}
		}
	}
	r.protects()
	// The graph's nodes: the snapshot's and the principals its policies
	// name, in one allocation (growing a large account's node array to
	// add a few principals would copy it again).
	extra := 0
	for id := range r.principals {
		if _, ok := r.nodes[id]; !ok {
			extra++
		}
	}
	if cap(s.Nodes)-len(s.Nodes) >= extra {
		// In place: the resolver's pointers into s.Nodes stay valid.
		g.Nodes = s.Nodes
	} else {
		g.Nodes = make([]Node, len(s.Nodes), len(s.Nodes)+extra)
		copy(g.Nodes, s.Nodes)
	}
	for id, n := range r.principals {
		if _, ok := r.nodes[id]; !ok {
			g.Nodes = append(g.Nodes, n)
		}
	}
	r.crossAccount()
	g.Edges = r.edges(s.Edges)
	g.indexOrgs()
	// build sorts g.Nodes, which may be s.Nodes' array: the snapshot gives
	// its nodes and edges up here.
	s.Nodes, s.Edges = nil, nil
	g.build()
	return g
}

type judge struct {
	kind  Kind
	judge func(*resolver, *Node)
}

// judges are the per-kind resolution rules, one file each.
var judges = []judge{
	{KindS3Bucket, (*resolver).s3Bucket},
	{KindLambdaFunction, (*resolver).lambdaFunction},
	{KindLambdaFunctionURL, (*resolver).functionURL},
	{KindSQSQueue, (*resolver).sqsQueue},
	{KindSNSTopic, (*resolver).snsTopic},
	{KindEventBus, (*resolver).eventBus},
	{KindKMSKey, (*resolver).kmsKey},
	{KindSecret, (*resolver).secret},
	{KindRestAPIMethod, (*resolver).restMethod},
	{KindHTTPAPIRoute, (*resolver).httpRoute},
	{KindIAMRole, (*resolver).roleTrust},
	{KindIAMRole, (*resolver).identity},
	{KindIAMUser, (*resolver).identity},
	{KindDistribution, (*resolver).distribution},
	{KindDBInstance, (*resolver).database},
	{KindDBCluster, (*resolver).database},
	{KindDBSnapshot, (*resolver).dbSnapshot},
	{KindDBClusterSnapshot, (*resolver).dbSnapshot},
	{KindEKSCluster, (*resolver).eksCluster},
	{KindSearchDomain, (*resolver).searchDomain},
	{KindEC2Instance, (*resolver).ec2Instance},
	{KindListener, (*resolver).elbListener},
	{KindTargetGroup, (*resolver).targetGroup},
	{KindECRRepository, (*resolver).ecrRepository},
	{KindECRRegistry, (*resolver).ecrRegistry},
	{KindLambdaLayer, (*resolver).lambdaLayer},
	{KindS3AccessPoint, (*resolver).s3AccessPoint},
	{KindMultiRegionAccessPoint, (*resolver).multiRegionAccessPoint},
	// Listings left unread (resolve_unread.go).
	{KindRestAPI, (*resolver).restAPIUnread},
	{KindHTTPAPI, (*resolver).httpAPIUnread},
	{KindLambdaFunction, (*resolver).functionURLsUnread},
	{KindEventRule, (*resolver).eventRuleUnread},
}

type resolver struct {
	g           *Graph
	principals  map[string]Node
	accounts    map[string]*AccountInfo
	nodes       map[string]*Node   // the snapshot's nodes by id
	byKind      map[Kind][]*Node   // the snapshot's nodes by kind, in id order
	in          map[string][]*Edge // the snapshot's structural edges by target
	added       [][]Edge           // the edges Resolve derives, in chunks (see edge)
	probeIdx    map[probeKey]*probeIndex
	parsed      map[string]parsedPolicy   // identity policy documents by text, parsed once
	trust       map[*Node][]policy.Grant  // role trust policies' sts:AssumeRole grants, analysed once
	keyPolicies map[*Node][]policy.Grant  // key policies' grants, analysed once (resolve_kms.go)
	stages      map[string]int            // stages per API id (resolve_apigw.go), counted once
	registries  map[string]registryJudged // ECR registry policies, judged once (resolve_ecr.go)
	buckets     map[string]*bucketSide    // buckets behind access points, judged once (resolve_accesspoint.go)
	known       map[string]string         // principals whose account only the scan knows (resolve_cloudfront.go)
	hosts       map[string]*Node          // nodes by the host names they answer on (hosts.go), built once
	profiles    map[string]string         // roles by instance profile ARN (resolve_ec2.go), built once
	byIP        map[string]string         // instances by account, region, VPC and private IP (resolve_elb.go), built once
}

func (r *resolver) node(id string) (*Node, bool) {
	n, ok := r.nodes[id]
	return n, ok
}

func (r *resolver) inEdges(id string) []*Edge { return r.in[id] }

func (r *resolver) note(resource string, kind NoteKind, via Via, format string, args ...any) {
	r.g.Notes = append(r.g.Notes, Note{Resource: resource, Kind: kind, Via: via, Detail: fmt.Sprintf(format, args...)})
}

// edge records a derived edge. Edges are large and there can be hundreds
// of thousands (identity policies), so they go into fixed-size chunks and
// are copied once into the graph (edges), rather than into one slice that
// is copied again at every growth.
func (r *resolver) edge(e Edge) {
	slices.Sort(e.Actions)
	e.Actions = slices.Compact(e.Actions)
	if n := len(r.added); n == 0 || len(r.added[n-1]) == cap(r.added[n-1]) {
		r.added = append(r.added, make([]Edge, 0, edgeChunk))
	}
	last := &r.added[len(r.added)-1]
	*last = append(*last, e)
}

const edgeChunk = 4096

// edges returns the structural edges followed by the derived ones, in the
// order they were added, in one slice of exactly their number.
func (r *resolver) edges(structural []Edge) []Edge {
	n := len(structural)
	for _, c := range r.added {
		n += len(c)
	}
	out := make([]Edge, 0, n)
	out = append(out, structural...)
	for i, c := range r.added {
		out = append(out, c...)
		r.added[i] = nil // let the chunk go
	}
	r.added = nil
	return out
}

// principal returns the node id for a grant's principal, creating the
// principal node. anonymous says whether the resource's service accepts
// unsigned requests, which puts "anyone" in the internet zone rather than
// in "any AWS account".
func (r *resolver) principal(p string, kind policy.PrincipalKind, owner string, anonymous bool) string {
	add := func(n Node) string {
		if _, ok := r.principals[n.ID]; !ok {
			r.principals[n.ID] = n
		}
		return n.ID
	}
	switch kind {
	case policy.KindNetwork:
		// Any principal, but only from a fixed network (an IP range, a VPC, a
		// VPC endpoint): not the open internet.
		return add(Node{ID: AnyAWSAccountID, Kind: KindAnyAWSAccount, Name: "Any AWS account"})
	case policy.KindAnyone:
		if anonymous {
			return add(Node{ID: InternetID, Kind: KindInternet, Name: "Internet (anyone)"})
		}
		return add(Node{ID: AnyAWSAccountID, Kind: KindAnyAWSAccount, Name: "Any AWS account"})
	case policy.KindOrganization:
		return add(Node{ID: OrgID(p), Kind: KindOrganization, Name: p})
	case policy.KindService:
		return add(Node{ID: ServiceID(p), Kind: KindServicePrincipal, Name: p})
	case policy.KindFederated:
		return add(Node{ID: FederatedID(p), Kind: KindFederated, Name: p})
	case policy.KindCanonicalUser:
		return r.canonical("canonical-user:"+p, "canonical user "+short(p))
	case policy.KindPrincipalID:
		// An ARN whose account field is not an account id (a CloudFront
		// OAI's arn:aws:iam::cloudfront:user/...) names no account: the
		// principal is some AWS account's, which one unknown.
		if acct := AccountOfARN(p); isAccountID(acct) {
			return add(Node{ID: p, Kind: KindPrincipalARN, Name: p, Account: acct})
		}
		return add(Node{ID: "principal-id:" + p, Kind: KindPrincipalARN, Name: p})
	case policy.KindAccount, policy.KindOwner:
		acct := p
		if a := AccountOfARN(p); a != "" {
			acct = a
		}
		if a, ok := r.knownPrincipals()[p]; ok {
			// An origin access identity of a scanned account.
			return add(Node{ID: p, Kind: KindPrincipalARN, Name: p, Account: a})
		}
		if strings.HasPrefix(p, "arn:") && !strings.HasSuffix(p, ":root") {
			return add(Node{ID: p, Kind: KindPrincipalARN, Name: p, Account: acct})
		}
		if acct == "" {
			acct = owner
		}
		k := KindExternalAccount
		if r.g.Scanned[acct] {
			k = KindAccount
		}
		return add(Node{ID: AccountID(acct), Kind: k, Name: acct, Account: acct})
	}
	if acct := AccountOfARN(p); acct != "" {
		return add(Node{ID: p, Kind: KindPrincipalARN, Name: p, Account: acct})
	}
	return add(Node{ID: AnyAWSAccountID, Kind: KindAnyAWSAccount, Name: "Any AWS account"})
}

// policyContext builds the engine's context for a resource owned by acct.
func (r *resolver) policyContext(resourceType, acct string) policy.Context {
	return policy.Context{ResourceType: resourceType, OwnerAccount: acct, OrgID: r.g.OrgIDs[acct], KnownPrincipals: r.knownPrincipals()}
}

// judgePolicy parses and analyzes a resource policy document. It records a
// note and returns ok=false when the document cannot be parsed or was not
// readable.
//
// A document that AWS would reject but that cannot grant anything (an
// empty Statement list, only Deny statements: policy.GrantsNothing) is
// judged as granting nothing, with no note: strictness is for shapes that
// could hide a grant.
func (r *resolver) judgePolicy(n *Node, doc Doc, resourceType string, via Via) (policy.Result, bool) {
	switch doc.State {
	case False:
		return policy.Result{Verdict: policy.Internal}, true
	case Unknown:
		r.note(n.ID, NoteUnknownExposure, via, "%s could not be read (%s); who can reach this resource through it is unknown", via, doc.Source)
		return policy.Result{}, false
	}
	p, err := policy.Parse([]byte(doc.Text))
	if err != nil {
		if policy.GrantsNothing([]byte(doc.Text)) {
			return policy.Result{Verdict: policy.Internal}, true
		}
		r.note(n.ID, NotePolicyUnparseable, via, "%s from %s is not a valid policy: %v; exposure through it is unknown", via, doc.Source, err)
		return policy.Result{}, false
	}
	return policy.Analyze(p, r.policyContext(resourceType, n.Account)), true
}

// grantEdges adds one access edge per (principal, edge kind) for the
// external grants of a policy result; grants that meet on one edge key are
// merged by the graph (Edge.Merge), each keeping its evidence.
func (r *resolver) grantEdges(n *Node, res policy.Result, via Via, source string, anonymous bool, certainty Tri, keep func(policy.Grant) bool) {
	for _, gr := range res.Grants {
		if !external(gr) || (keep != nil && !keep(gr)) {
			continue
		}
		from := r.principal(gr.Principal, gr.PrincipalKind, n.Account, anonymous)
		for kind, actions := range EdgeKindsFor(gr.Actions, gr.NotActions) {
			r.edge(grantEdge(from, n.ID, kind, via, actions, gr, source, certainty))
		}
	}
}

// external says whether a grant lets in someone outside the owner.
func external(gr policy.Grant) bool {
	return gr.Exposure != policy.Internal && gr.PrincipalKind != policy.KindDeleted
}

// grantEdge is the access edge one policy grant gives, with the grant as
// its evidence: statements, conditions, guards and fix as the engine
// found them.
func grantEdge(from, to string, kind EdgeKind, via Via, actions []string, gr policy.Grant, source string, certainty Tri) Edge {
	ev := GrantEvidence(gr, source)
	ev.Actions = actions
	return Edge{
		From: from, To: to, Kind: kind, Actions: actions, Gate: NewGate(ev.Conditions, gr.Guards, ""),
		Exposure: gr.Exposure, Via: via, Principal: gr.Principal, Certainty: certainty,
		Evidence: []Evidence{ev},
	}
}

// GrantEvidence is the evidence a policy grant gives, read from source.
func GrantEvidence(gr policy.Grant, source string) Evidence {
	return Evidence{
		Source: source, Statements: slices.Clone(gr.Statements), Actions: gr.Actions,
		Conditions: append(slices.Clone(gr.PinnedBy), gr.Conditions...), PinnedBy: gr.PinnedBy,
		Guards: gr.Guards, Fix: gr.Fix,
	}
}

// EdgeKindsFor groups actions by the access edge kind they amount to.
// NotActions (an Allow of everything but these) count as administer.
func EdgeKindsFor(actions, notActions []string) map[EdgeKind][]string {
	out := map[EdgeKind][]string{}
	for _, a := range actions {
		k := EdgeKindOf(a)
		out[k] = append(out[k], a)
	}
	if len(notActions) > 0 {
		for _, a := range notActions {
			out[EdgeCanAdminister] = append(out[EdgeCanAdminister], "NotAction:"+a)
		}
	}
	return out
}

// EdgeKindOf says what kind of access an IAM action gives.
func EdgeKindOf(action string) EdgeKind {
	a := strings.ToLower(action)
	svc, name, _ := strings.Cut(a, ":")
	switch {
	case a == "*" || name == "*":
		return EdgeCanAdminister
	case strings.HasPrefix(name, "assumerole") || (svc == "sts" && strings.HasPrefix(name, "assume")) || name == "tagsession" || name == "setsourceidentity":
		return EdgeCanAssume
	case svc == "es" && strings.HasPrefix(name, "eshttp"):
		// OpenSearch's HTTP methods on a domain's data: GET and HEAD read;
		// POST, PUT, PATCH, DELETE (and ESHttp*) can change documents.
		if m := strings.TrimPrefix(name, "eshttp"); m == "get" || m == "head" {
			return EdgeCanRead
		}
		return EdgeCanWrite
	case name == "invokefunction" || name == "invokefunctionurl" || name == "invoke" || name == "invokeasync" || strings.HasPrefix(name, "invoke"):
		return EdgeCanInvoke
	case name == "sendmessage" || name == "sendmessagebatch" || name == "publish" || name == "putevents":
		// events:PutEvents puts events on a bus as sns:Publish puts
		// messages on a topic: sending, not writing stored data.
		return EdgeCanSend
	case name == "receivemessage" || name == "deletemessage" || name == "changemessagevisibility" || name == "purgequeue" ||
		(svc == "sns" && (name == "subscribe" || name == "receive")):
		// A subscription receives every message published to the topic.
		return EdgeCanReceive
	case svc == "kms" && name == "decrypt":
		// Decrypting is reading what the key protects.
		return EdgeCanRead
	case svc == "kms" && (name == "encrypt" || strings.HasPrefix(name, "generatedatakey") || strings.HasPrefix(name, "reencrypt")):
		// Using the key to encrypt (kms:GenerateDataKey* and kms:ReEncrypt*
		// are how AWS services write data under it): not administering it.
		return EdgeCanAccess
	case strings.HasPrefix(name, "batch") && len(name) > len("batch") && !strings.Contains(name, "*"):
		// BatchGetImage reads, BatchDeleteImage writes: what a batch does
		// is what its verb does.
		return EdgeKindOf(svc + ":" + strings.TrimPrefix(name, "batch"))
	case strings.HasPrefix(name, "get") || strings.HasPrefix(name, "list") || strings.HasPrefix(name, "describe") || strings.HasPrefix(name, "head"):
		return EdgeCanRead
	case strings.HasPrefix(name, "put") || strings.HasPrefix(name, "delete") || strings.HasPrefix(name, "create") ||
		strings.HasPrefix(name, "update") || strings.HasPrefix(name, "restore") || strings.HasPrefix(name, "abort") ||
		strings.HasPrefix(name, "replicate") || strings.HasPrefix(name, "copy") || strings.HasPrefix(name, "set") ||
		// Pushing an image: ecr:InitiateLayerUpload, UploadLayerPart,
		// CompleteLayerUpload (then PutImage); importing one through a
		// pull through cache rule.
		strings.HasPrefix(name, "initiate") || strings.HasPrefix(name, "upload") || strings.HasPrefix(name, "complete") ||
		strings.HasPrefix(name, "import"):
		if strings.Contains(name, "policy") || strings.Contains(name, "acl") || strings.Contains(name, "permission") || strings.Contains(name, "grant") ||
			(strings.HasPrefix(name, "set") && strings.Contains(name, "attributes")) {
			return EdgeCanAdminister
		}
		return EdgeCanWrite
	case strings.Contains(name, "*"):
		return EdgeCanAdminister
	}
	return EdgeCanAccess
}

// isAccountID says whether s is a 12-digit AWS account id.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

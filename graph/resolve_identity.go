package graph

import (
	"slices"
	"sort"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// probe is one request asked of a principal's identity policies to learn
// what it can do to a resource of some kind.
type probe struct {
	action   string
	resource func(arn string) string
	kind     EdgeKind
}

func self(arn string) string                 { return arn }
func objects(arn string) string              { return arn + "/*" }
func bucketProbe(a string, k EdgeKind) probe { return probe{a, objects, k} }

// probes are the requests that characterise access to each resource kind:
// enough to draw read, write, send, invoke, assume and administer edges.
var probes = map[Kind][]probe{
	KindS3Bucket: {
		bucketProbe("s3:GetObject", EdgeCanRead),
		{"s3:ListBucket", self, EdgeCanRead},
		bucketProbe("s3:PutObject", EdgeCanWrite),
		bucketProbe("s3:DeleteObject", EdgeCanWrite),
		{"s3:PutBucketPolicy", self, EdgeCanAdminister},
	},
	KindSQSQueue: {
		{"sqs:SendMessage", self, EdgeCanSend},
		{"sqs:ReceiveMessage", self, EdgeCanReceive},
		{"sqs:SetQueueAttributes", self, EdgeCanAdminister},
	},
	KindLambdaFunction: {
		{"lambda:InvokeFunction", self, EdgeCanInvoke},
		{"lambda:UpdateFunctionCode", self, EdgeCanAdminister},
		{"lambda:AddPermission", self, EdgeCanAdminister},
	},
	KindIAMRole: {
		{"sts:AssumeRole", self, EdgeCanAssume},
	},
	KindSNSTopic: {
		{"sns:Publish", self, EdgeCanSend},
		{"sns:Subscribe", self, EdgeCanReceive},
		{"sns:SetTopicAttributes", self, EdgeCanAdminister},
	},
	KindEventBus: {
		{"events:PutEvents", self, EdgeCanSend},
		{"events:PutPermission", self, EdgeCanAdminister},
	},
	KindKMSKey: {
		{"kms:Decrypt", self, EdgeCanRead},
		{"kms:GenerateDataKey", self, EdgeCanAccess},
		{"kms:PutKeyPolicy", self, EdgeCanAdminister},
		{"kms:CreateGrant", self, EdgeCanAdminister},
	},
	KindSecret: {
		{"secretsmanager:GetSecretValue", self, EdgeCanRead},
		{"secretsmanager:PutSecretValue", self, EdgeCanWrite},
		{"secretsmanager:PutResourcePolicy", self, EdgeCanAdminister},
	},
	// Pull, push, and rewrite the repository policy.
	KindECRRepository: {
		{"ecr:BatchGetImage", self, EdgeCanRead},
		{"ecr:PutImage", self, EdgeCanWrite},
		{"ecr:SetRepositoryPolicy", self, EdgeCanAdminister},
	},
	KindLambdaLayer: {
		{"lambda:GetLayerVersion", self, EdgeCanRead},
	},
	// Objects through the access point (its ARN + /object/KEY).
	KindS3AccessPoint: {
		{"s3:GetObject", accessPointObjects, EdgeCanRead},
		{"s3:PutObject", accessPointObjects, EdgeCanWrite},
	},
}

func accessPointObjects(arn string) string { return arn + "/object/*" }

// gates are the resource kinds whose own policy must admit a caller of the
// same account as well as the caller's identity policies: a role's trust
// policy (sts:AssumeRole), a KMS key's key policy (KMS Developer Guide,
// "Default key policy": IAM policies give access to a key only where the
// key policy delegates to the account). For every other kind an Allow in
// the caller's identity policies is enough within the account. A gate
// answers Unknown when the resource's policy could not be read; the edge is
// then drawn with unknown certainty.
var gates = map[Kind]func(r *resolver, target, caller *Node, action string) Tri{
	KindIAMRole: func(r *resolver, target, caller *Node, _ string) Tri { return TriOf(r.trustAdmits(target, caller)) },
	KindKMSKey:  (*resolver).keyAdmits,
}

// identity derives what a role or user can do to the collected resources of
// its own account through its identity policies (inline, attached managed,
// and for users their groups'), bounded by its permissions boundary. The
// engine decides each request; an Allow that depends on a condition the
// scan cannot know (aws:SourceIp, tags, ...) gives an edge whose certainty
// is unknown and which carries the condition. Role assumption also needs
// the target role's trust policy to admit the caller's account.
// Organization SCPs and session policies are not collected: an edge here
// says "the identity policies allow", not "AWS would allow".
//
// Only candidate targets are asked about: those whose probe resource one of
// the principal's Allow statements for the action could match (see
// candidates). Every other target would get NotApplicable, so the edges are
// the same as asking about every resource, in the same order.
func (r *resolver) identity(n *Node) {
	docs, names, boundary := r.identityDocs(n)
	if len(docs) == 0 {
		return
	}
	// n's edges share what they can: a large account has hundreds of
	// thousands of them. The evidence of an unconditional Allow is the same
	// for every edge of n, and a probe's action list the same for every
	// target; both have no spare capacity, so a merge that adds to them
	// copies (Edge.Merge), and nothing writes into them after Resolve.
	//
	// Probes of one resource kind that reach the same target with the same
	// kind of access are one edge: they are merged here, as the graph would
	// merge them (Edge.Merge), rather than each kept until the graph is
	// built (a quarter of a large account's identity edges).
	sh := newIdentityShared(names)
	for _, kind := range identityKinds {
		at := map[EdgeKey]int{}
		var edges []Edge
		for i, pr := range probes[kind] {
			idx := r.probeIndex(kind, i)
			sh.actions = nil
			for _, target := range idx.candidates(docs, pr.action) {
				e, ok := r.identityEdge(n, target, kind, pr, docs, boundary, sh)
				if !ok {
					continue
				}
				if j, seen := at[e.Key()]; seen {
					edges[j].Merge(e) // equal action lists are shared once the graph is built (shareEdgeSlices)
					continue
				}
				at[e.Key()] = len(edges)
				edges = append(edges, e)
			}
		}
		for _, e := range edges {
			r.edge(e)
		}
	}
}

// identityEdge asks n's identity policies (bounded by its permissions
// boundary) for one probe on one target and draws the edge if they allow
// it; role assumption also needs the target's trust policy to admit n.
func (r *resolver) identityEdge(n, target *Node, kind Kind, pr probe, docs []*policy.Policy, boundary *policy.Policy, sh *identityShared) (Edge, bool) {
	if target.Account != n.Account || target.ID == n.ID {
		return Edge{}, false
	}
	req := policy.Request{Action: pr.action, Resource: pr.resource(target.ID), PrincipalAccount: n.Account}
	d, ok := identityAllows(docs, boundary, req)
	if !ok {
		return Edge{}, false
	}
	certainty := True
	if gate := gates[kind]; gate != nil {
		switch gate(r, target, n, pr.action) {
		case False:
			return Edge{}, false
		case Unknown:
			certainty = Unknown
		}
	}
	if d.Conditional {
		certainty = Unknown
	}
	if sh.actions == nil {
		sh.actions = []string{pr.action}
	}
	evidence := sh.evidence
	if len(d.Conditions) > 0 || len(d.Guards) > 0 {
		evidence = []Evidence{{Source: evidence[0].Source, Detail: evidence[0].Detail, Conditions: d.Conditions, Guards: d.Guards}}
	}
	return Edge{
		From: n.ID, To: target.ID, Kind: pr.kind, Actions: sh.actions, Gate: NewGate(d.Conditions, d.Guards, ""),
		Exposure: policy.Internal, Via: ViaIdentityPolicy, Certainty: certainty, Evidence: evidence,
	}, true
}

// identityShared holds the slices the identity edges of one principal
// share: the evidence of an unconditional Allow, and the current probe's
// action list (nil until an edge needs it).
type identityShared struct {
	evidence []Evidence
	actions  []string
}

func newIdentityShared(policyNames []string) *identityShared {
	return &identityShared{evidence: []Evidence{{Source: "iam:GetAccountAuthorizationDetails",
		Detail: "allowed by " + strings.Join(policyNames, ", ")}}}
}

// identityAllows decides a request over a principal's identity policies,
// bounded by its permissions boundary: ok when both allow it.
func identityAllows(docs []*policy.Policy, boundary *policy.Policy, req policy.Request) (policy.Decision, bool) {
	d := decideAll(docs, req)
	if d.Effect != policy.DecisionAllow {
		return d, false
	}
	if boundary != nil {
		bd := boundary.Decide(req)
		if bd.Effect != policy.DecisionAllow {
			return d, false
		}
		if bd.Conditional {
			d.Conditional = true
			d.Conditions = append(d.Conditions, bd.Conditions...)
			d.Guards = append(slices.Clone(d.Guards), bd.Guards...)
			slices.Sort(d.Guards)
			d.Guards = slices.Compact(d.Guards)
		}
	}
	return d, true
}

// identityKinds are the resource kinds identity edges lead to, in the order
// they are derived.
var identityKinds = []Kind{KindS3Bucket, KindSQSQueue, KindLambdaFunction, KindIAMRole, KindSNSTopic, KindEventBus, KindKMSKey, KindSecret,
	KindECRRepository, KindLambdaLayer, KindS3AccessPoint}

// probeIndex holds the targets of one probe: each target's probe resource
// (the ARN the request names), sorted, with the target's position in
// byKind so that candidates come back in node order.
type probeIndex struct {
	all []*Node // byKind order
	res []string
	pos []int // res[i] is the resource of all[pos[i]]
}

type probeKey struct {
	kind  Kind
	probe int
}

// probeIndex returns the index of probe i of kind, building it once.
func (r *resolver) probeIndex(kind Kind, i int) *probeIndex {
	k := probeKey{kind, i}
	if idx, ok := r.probeIdx[k]; ok {
		return idx
	}
	all := r.byKind[kind]
	idx := &probeIndex{all: all, res: make([]string, len(all)), pos: make([]int, len(all))}
	order := make([]int, len(all))
	for j, t := range all {
		order[j] = j
		idx.res[j] = probes[kind][i].resource(t.ID)
	}
	sort.SliceStable(order, func(a, b int) bool { return idx.res[order[a]] < idx.res[order[b]] })
	sorted := make([]string, len(all))
	for j, o := range order {
		sorted[j] = idx.res[o]
	}
	idx.res, idx.pos = sorted, order
	r.probeIdx[k] = idx
	return idx
}

// candidates returns, in node order, the targets whose probe resource an
// Allow statement of docs that covers action could match. A statement
// matches a resource only if the resource starts with the literal text of
// one of its Resource patterns before the first wildcard (resources match
// case-sensitively), so each pattern selects a range of the sorted
// resources. Statements with NotResource or no Resource, and patterns with a
// policy variable (whose value the request may not give, which makes the
// match unknown rather than false), select every target.
func (idx *probeIndex) candidates(docs []*policy.Policy, action string) []*Node {
	var prefixes []string
	for _, p := range docs {
		for _, st := range p.Statements {
			if st.Effect != policy.Allow || !statementCovers(st, action) {
				continue
			}
			if st.Resource == nil {
				return idx.all
			}
			for _, pat := range st.Resource {
				if strings.Contains(pat, "${") {
					return idx.all
				}
				prefix := pat
				if i := strings.IndexAny(pat, "*?"); i >= 0 {
					prefix = pat[:i]
				}
				if prefix == "" {
					return idx.all
				}
				prefixes = append(prefixes, prefix)
			}
		}
	}
	if len(prefixes) == 0 {
		return nil
	}
	var at []int
	for _, prefix := range prefixes {
		lo := sort.SearchStrings(idx.res, prefix)
		for j := lo; j < len(idx.res) && strings.HasPrefix(idx.res[j], prefix); j++ {
			at = append(at, idx.pos[j])
		}
	}
	slices.Sort(at)
	at = slices.Compact(at)
	out := make([]*Node, len(at))
	for j, p := range at {
		out[j] = idx.all[p]
	}
	return out
}

// statementCovers says whether a statement's Action (or NotAction) element
// lets it apply to action, as the engine decides it.
func statementCovers(st policy.Statement, action string) bool {
	if st.Action != nil {
		return slices.ContainsFunc(st.Action, func(a string) bool { return policy.ActionMatches(a, action) })
	}
	return !slices.ContainsFunc(st.NotAction, func(a string) bool { return policy.ActionMatches(a, action) })
}

// decideAll combines one request over several policies as IAM does within
// one principal: an explicit Deny anywhere wins, then any Allow.
func decideAll(docs []*policy.Policy, req policy.Request) policy.Decision {
	var allow *policy.Decision
	var conds []string
	conditional := false
	for _, p := range docs {
		d := p.Decide(req)
		switch d.Effect {
		case policy.DecisionDeny:
			if !d.Conditional {
				return d
			}
			conditional = true
			conds = append(conds, d.Conditions...)
		case policy.DecisionAllow:
			if allow == nil || (allow.Conditional && !d.Conditional) {
				dd := d
				allow = &dd
			}
		}
	}
	if allow == nil {
		return policy.Decision{Effect: policy.DecisionNotApplicable}
	}
	out := *allow
	out.Conditional = out.Conditional || conditional
	out.Conditions = append(slices.Clone(out.Conditions), conds...)
	sort.Strings(out.Conditions)
	out.Conditions = slices.Compact(out.Conditions)
	return out
}

// identityDocs parses a principal's identity policies.
func (r *resolver) identityDocs(n *Node) (docs []*policy.Policy, names []string, boundary *policy.Policy) {
	add := func(name, text string) {
		if text == "" {
			return
		}
		p, err := r.parse(text)
		if err != nil {
			r.note(n.ID, "policy-unparseable", ViaIdentityPolicy, "identity policy %s is not a valid policy: %v", name, err)
			return
		}
		docs = append(docs, p)
		names = append(names, name)
	}
	managed := func(arn string) string {
		if m, ok := r.node(arn); ok && m.Policy() != nil {
			return m.Policy().Document
		}
		return ""
	}
	addSet := func(inline map[string]string, attached []string) {
		keys := make([]string, 0, len(inline))
		for k := range inline {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			add("inline policy "+k, inline[k])
		}
		for _, arn := range attached {
			add(arn, managed(arn))
		}
	}
	switch {
	case n.Role() != nil:
		addSet(n.Role().InlinePolicies, n.Role().AttachedPolicies)
		if b := managed(n.Role().Boundary); b != "" {
			boundary, _ = r.parse(b)
		}
	case n.User() != nil:
		addSet(n.User().InlinePolicies, n.User().AttachedPolicies)
		for _, g := range n.User().Groups {
			if gn, ok := r.groupByName(n.Account, g); ok && gn.Group() != nil {
				addSet(gn.Group().InlinePolicies, gn.Group().AttachedPolicies)
			}
		}
	}
	return docs, names, boundary
}

func (r *resolver) groupByName(account, name string) (*Node, bool) {
	for _, g := range r.byKind[KindIAMGroup] {
		if g.Account == account && (g.Name == name || strings.HasSuffix(g.ID, ":group/"+name) || strings.HasSuffix(g.ID, "/"+name)) {
			return g, true
		}
	}
	return nil, false
}

// parsedPolicy is a policy document parsed once per Resolve; p is nil
// until the text is asked for a second time.
type parsedPolicy struct {
	p   *policy.Policy
	err error
}

// parse parses a policy document, and keeps it parsed once its text is
// asked for again: the same managed and group policies are attached to
// many principals, while a bucket's or a key's policy is its own, read
// once, and kept parsed until the end of Resolve it was a tenth of the
// heap at its largest. Parsed policies are only read.
func (r *resolver) parse(text string) (*policy.Policy, error) {
	pp, seen := r.parsed[text]
	if pp.p != nil || pp.err != nil {
		return pp.p, pp.err
	}
	p, err := policy.Parse([]byte(text))
	if seen {
		r.parsed[text] = parsedPolicy{p, err}
	} else {
		r.parsed[text] = parsedPolicy{}
	}
	return p, err
}

// assumeGrants are the grants of sts:AssumeRole in a role's trust policy,
// analysed once per role.
func (r *resolver) assumeGrants(role *Node) []policy.Grant {
	if gs, ok := r.trust[role]; ok {
		return gs
	}
	var out []policy.Grant
	if role.Role() != nil && role.Role().TrustPolicy.State == True {
		if p, err := policy.Parse([]byte(role.Role().TrustPolicy.Text)); err == nil {
			res := policy.Analyze(p, r.policyContext(policy.ResourceTypeRoleTrust, role.Account))
			for _, g := range res.Grants {
				if slices.ContainsFunc(g.Actions, func(a string) bool { return policy.ActionMatches(a, "sts:AssumeRole") }) {
					out = append(out, g)
				}
			}
		}
	}
	r.trust[role] = out
	return out
}

// trustAdmits says whether a role's trust policy lets a principal of the
// same account assume it: a grant to the account (root) or to the principal.
func (r *resolver) trustAdmits(role, caller *Node) bool {
	for _, g := range r.assumeGrants(role) {
		switch {
		case g.Principal == caller.ID,
			g.PrincipalKind == policy.KindOwner && (g.Principal == caller.Account || g.Principal == "arn:aws:iam::"+caller.Account+":root"):
			return true
		case g.PrincipalKind == policy.KindAnyone:
			return true
		}
	}
	return false
}

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
func (r *resolver) identity(n *Node) {
	docs, names, boundary := r.identityDocs(n)
	if len(docs) == 0 {
		return
	}
	allowed := func(action string) bool {
		for _, p := range docs {
			for _, st := range p.Statements {
				if st.Effect != "Allow" {
					continue
				}
				if len(st.NotAction) > 0 || slices.ContainsFunc(st.Action, func(a string) bool { return policy.ActionMatches(a, action) }) {
					return true
				}
			}
		}
		return false
	}
	for _, kind := range []Kind{KindS3Bucket, KindSQSQueue, KindLambdaFunction, KindIAMRole} {
		for _, pr := range probes[kind] {
			if !allowed(pr.action) {
				continue
			}
			for _, target := range r.byKind[kind] {
				if target.Account != n.Account || target.ID == n.ID {
					continue
				}
				req := policy.Request{Action: pr.action, Resource: pr.resource(target.ID), PrincipalAccount: n.Account}
				d := decideAll(docs, req)
				if d.Effect != policy.DecisionAllow {
					continue
				}
				if boundary != nil {
					if bd := boundary.Decide(req); bd.Effect != policy.DecisionAllow {
						continue
					} else if bd.Conditional {
						d.Conditional = true
						d.Conditions = append(d.Conditions, bd.Conditions...)
					}
				}
				if kind == KindIAMRole && !r.trustAdmits(target, n) {
					continue
				}
				certainty := True
				if d.Conditional {
					certainty = Unknown
				}
				r.edge(Edge{
					From: n.ID, To: target.ID, Kind: pr.kind, Actions: []string{pr.action}, Conditions: d.Conditions,
					Exposure: "internal", Via: "identity-policy", Certainty: certainty,
					Evidence: Evidence{Source: "iam:GetAccountAuthorizationDetails", Detail: "allowed by " + strings.Join(names, ", ")},
				})
			}
		}
	}
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
		p, err := policy.Parse([]byte(text))
		if err != nil {
			r.note(n.ID, "policy-unparseable", "identity-policy", "identity policy %s is not a valid policy: %v", name, err)
			return
		}
		docs = append(docs, p)
		names = append(names, name)
	}
	managed := func(arn string) string {
		if m, ok := r.node(arn); ok && m.Policy != nil {
			return m.Policy.Document
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
	case n.Role != nil:
		addSet(n.Role.InlinePolicies, n.Role.AttachedPolicies)
		if b := managed(n.Role.Boundary); b != "" {
			boundary, _ = policy.Parse([]byte(b))
		}
	case n.User != nil:
		addSet(n.User.InlinePolicies, n.User.AttachedPolicies)
		for _, g := range n.User.Groups {
			if gn, ok := r.groupByName(n.Account, g); ok && gn.Group != nil {
				addSet(gn.Group.InlinePolicies, gn.Group.AttachedPolicies)
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

// trustAdmits says whether a role's trust policy lets a principal of the
// same account assume it: a grant to the account (root) or to the principal.
func (r *resolver) trustAdmits(role, caller *Node) bool {
	if role.Role == nil || role.Role.TrustPolicy.State != True {
		return false
	}
	p, err := policy.Parse([]byte(role.Role.TrustPolicy.Text))
	if err != nil {
		return false
	}
	res := policy.Analyze(p, r.policyContext(policy.ResourceTypeRoleTrust, role.Account))
	for _, g := range res.Grants {
		if !slices.ContainsFunc(g.Actions, func(a string) bool { return policy.ActionMatches(a, "sts:AssumeRole") }) {
			continue
		}
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

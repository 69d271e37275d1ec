package graph

import (
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// crossAccount derives the identity edges that cross from one scanned
// account into another: a role or user of account B may act on a resource
// of account A when both sides allow it — B's identity policies (bounded by
// B's permissions boundary) allow the request, and A's resource policy (a
// role's trust policy, a bucket, queue or function policy) grants it to B,
// to that principal, or to an organization B belongs to (IAM User Guide,
// "Cross account resource access in IAM" and "Policy evaluation logic",
// cross-account requests: the request must be allowed by both accounts).
//
// The resource side is the access edge Resolve already drew into A's
// resource (that edge is A's entry point and the trust-boundary crossing);
// the edge added here is the caller side, so attack paths that reach B's
// principal go on into A. Grants to anyone ("*", any AWS account, a network)
// are not followed: whoever holds B's role reaches those resources directly,
// and the path from the outside zone already shows it.
//
// Like same-account identity edges, these carry Exposure internal: they are
// not entry points (the resource-policy edge is). An edge whose resource
// side carries conditions is uncertain, with those conditions.
func (r *resolver) crossAccount() {
	if len(r.g.Scanned) < 2 {
		return
	}
	ids := map[string][]*Node{} // scanned identities by account
	for _, k := range []Kind{KindIAMRole, KindIAMUser} {
		for _, n := range r.byKind[k] {
			if r.g.Scanned[n.Account] {
				ids[n.Account] = append(ids[n.Account], n)
			}
		}
	}
	type docs struct {
		docs     []*policy.Policy
		names    string
		boundary *policy.Policy
	}
	cache := map[*Node]*docs{}
	docsOf := func(n *Node) *docs {
		if d, ok := cache[n]; ok {
			return d
		}
		ds, names, b := r.identityDocs(n)
		d := &docs{ds, "allowed by " + strings.Join(names, ", "), b}
		cache[n] = d
		return d
	}
	var out []Edge
	for _, chunk := range r.added {
		for i := range chunk {
			e := &chunk[i]
			if !e.Kind.IsAccess() || e.Via == ViaIdentityPolicy || e.Exposure == policy.Internal || e.Certainty == False {
				continue
			}
			target, ok := r.nodes[e.To]
			if !ok || !r.g.Scanned[target.Account] || len(probes[target.Kind]) == 0 {
				continue
			}
			for _, caller := range r.callers(e, target.Account, ids) {
				d := docsOf(caller)
				if len(d.docs) == 0 {
					continue
				}
				for _, pr := range probes[target.Kind] {
					if !admits(e.Actions, pr.action) {
						continue
					}
					req := policy.Request{Action: pr.action, Resource: pr.resource(target.ID), PrincipalAccount: caller.Account}
					dec, ok := identityAllows(d.docs, d.boundary, req)
					if !ok {
						continue
					}
					residual := residualConditions(e)
					conds := append(slices.Clone(dec.Conditions), residual...)
					slices.Sort(conds)
					conds = slices.Compact(conds)
					guards := slices.Clone(dec.Guards)
					if len(residual) > 0 {
						guards = append(guards, e.Guards()...)
					}
					slices.Sort(guards)
					guards = slices.Compact(guards)
					certainty := True
					if dec.Conditional || len(residual) > 0 || e.Certainty != True {
						certainty = Unknown
					}
					ev := append([]Evidence{{Source: "iam:GetAccountAuthorizationDetails", Detail: d.names, Conditions: dec.Conditions, Guards: dec.Guards}}, e.Evidence...)
					out = append(out, Edge{
						From: caller.ID, To: target.ID, Kind: pr.kind, Actions: []string{pr.action}, Gate: NewGate(conds, guards, ""),
						Exposure: policy.Internal, Via: ViaIdentityPolicy, Certainty: certainty, Evidence: ev,
					})
				}
			}
		}
	}
	for _, e := range out {
		r.edge(e)
	}
}

// callers returns the scanned identities outside owner that a resource-side
// grant (the access edge e) names: every identity of a scanned account it
// grants to, the one principal it names, or every identity of the scanned
// accounts of an organization it grants to.
func (r *resolver) callers(e *Edge, owner string, ids map[string][]*Node) []*Node {
	switch {
	case strings.HasPrefix(e.From, "account:"):
		acct := strings.TrimPrefix(e.From, "account:")
		if acct != owner && r.g.Scanned[acct] {
			return ids[acct]
		}
	case strings.HasPrefix(e.From, "org:"):
		org := strings.TrimPrefix(e.From, "org:")
		var out []*Node
		for acct, o := range r.g.OrgIDs {
			if o == org && acct != owner && r.g.Scanned[acct] {
				out = append(out, ids[acct]...)
			}
		}
		slices.SortFunc(out, func(a, b *Node) int { return strings.Compare(a.ID, b.ID) })
		return out
	default:
		if n, ok := r.nodes[e.From]; ok && (n.Kind == KindIAMRole || n.Kind == KindIAMUser) && n.Account != owner && r.g.Scanned[n.Account] {
			return []*Node{n}
		}
	}
	return nil
}

// residualConditions are the conditions of a resource-side grant other
// than those that pinned who it admits (policy.Grant.PinnedBy): a grant to
// the organization through aws:PrincipalOrgID holds for its members.
func residualConditions(e *Edge) []string {
	var pinned []string
	for _, ev := range e.Evidence {
		pinned = append(pinned, ev.PinnedBy...)
	}
	var out []string
	for _, c := range e.Conditions() {
		if !slices.Contains(pinned, c) {
			out = append(out, c)
		}
	}
	return out
}

// admits says whether a grant's actions (as an access edge lists them, with
// "NotAction:" entries for an Allow of everything but those) cover action.
func admits(actions []string, action string) bool {
	var not []string
	for _, a := range actions {
		if p, ok := strings.CutPrefix(a, "NotAction:"); ok {
			not = append(not, p)
			continue
		}
		if policy.ActionMatches(a, action) {
			return true
		}
	}
	return len(not) > 0 && !slices.ContainsFunc(not, func(p string) bool { return policy.ActionMatches(p, action) })
}

package graph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// kmsKey derives access edges to a KMS key from its key policy and its
// grants (KMS Developer Guide, "Key policies in AWS KMS" and "Grants in AWS
// KMS"). KMS takes only signed requests, so "anyone" is any AWS account's
// principals.
//
// The key policy is read as KMS reads it:
//   - "arn:aws:iam::OWNER:root" (or the bare owner account) is the owner
//     delegating to IAM: it lets the owner's principals use the key as far
//     as their own IAM policies allow, and is not an external grant. No edge
//     is drawn for it; the identity-policy probes (kms:Decrypt, ...) draw an
//     edge for each principal whose policies allow the action, gated by this
//     delegation (keyAdmits).
//   - "*" pinned by kms:CallerAccount (or aws:PrincipalAccount) to the owner
//     lets every principal of the account use the key without any IAM
//     policy (the AWS managed keys' policy, with kms:ViaService): an
//     internal edge from the account.
//   - A named principal of the owner account gets an internal edge of its
//     own: it needs no IAM policy either.
//   - Everything else outside the owner is an external grant (kms:ViaService
//     alone does not limit who).
//
// Grants: each grant to a principal outside the owner account is an access
// edge (via kms-grant) from that principal, its operations as actions and
// its encryption-context constraints as conditions; a grant to one of the
// owner's principals is an internal edge. A grant to an AWS service
// principal (a service using the key for a resource of the account) gets
// none. A key that is not Enabled cannot be used by anyone: its grants and
// policy are noted, and no edge drawn.
func (r *resolver) kmsKey(n *Node) {
	k := n.Key()
	if k == nil {
		return
	}
	if k.Usable() == False {
		r.note(n.ID, NoteUnreachable, ViaKeyPolicy,
			"the key is %s: nobody can use it for cryptographic operations until it is enabled again; its policy and grants are not judged", k.State)
		return
	}
	res, ok := r.judgePolicy(n, k.Policy, "kms", ViaKeyPolicy)
	if ok && k.Policy.State == True {
		r.grantEdges(n, res, ViaKeyPolicy, k.Policy.Source, false, True, nil)
		r.ownKeyGrants(n, res)
	}
	r.kmsGrants(n)
	if k.GrantsKnown == Unknown {
		r.note(n.ID, NoteUnknownExposure, ViaKMSGrant,
			"the key's grants could not be listed (kms:ListGrants); who else can use the key through a grant is unknown")
	}
}

// ownKeyGrants draws the internal edges of a key policy: to a named
// principal of the owner, or to every principal of the owner when "*" is
// pinned to the owner account. The root delegation draws none (IAM decides).
func (r *resolver) ownKeyGrants(n *Node, res policy.Result) {
	for _, gr := range res.Grants {
		if gr.PrincipalKind != policy.KindOwner || gr.Via != "" {
			continue
		}
		from := ""
		switch {
		case strings.HasPrefix(gr.Principal, "arn:") && !strings.HasSuffix(gr.Principal, ":root"):
			from = r.principal(gr.Principal, policy.KindOwner, n.Account, false)
		case len(gr.PinnedBy) > 0:
			// "*" pinned to the owner: every principal of the account.
			from = r.principal(n.Account, policy.KindOwner, n.Account, false)
		default:
			continue // the root delegation: the identity policies decide
		}
		for kind, actions := range EdgeKindsFor(gr.Actions, gr.NotActions) {
			r.edge(grantEdge(from, n.ID, kind, ViaKeyPolicy, actions, gr, n.Key().Policy.Source, True))
		}
	}
}

// kmsGrants draws an edge for each grant of the key.
func (r *resolver) kmsGrants(n *Node) {
	for _, g := range n.Key().Grants {
		if g.Grantee == "" || isServicePrincipal(g.Grantee) {
			continue
		}
		acct := AccountOfARN(g.Grantee)
		if acct == "" && isAccountID(g.Grantee) {
			acct = g.Grantee
		}
		exposure := policy.CrossAccount
		kind := policy.KindAccount
		if acct == n.Account {
			exposure, kind = policy.Internal, policy.KindOwner
		}
		from := r.principal(g.Grantee, kind, n.Account, false)
		actions := make([]string, len(g.Operations))
		for i, op := range g.Operations {
			actions[i] = "kms:" + op
		}
		name := g.ID
		if g.Name != "" {
			name = g.Name + " (" + short(g.ID) + ")"
		}
		detail := fmt.Sprintf("grant %s to %s: %s", name, g.Grantee, strings.Join(g.Operations, ", "))
		if g.Issuing != "" && AccountOfARN(g.Issuing) != n.Account && g.Issuing != n.Account {
			detail += "; issued by " + g.Issuing
		}
		fix := ""
		if exposure != policy.Internal {
			fix = fmt.Sprintf("revoke grant %s (kms:RevokeGrant, key %s, grant id %s) unless %s is a trusted partner", nonEmpty(g.Name, g.ID), n.ID, g.ID, g.Grantee)
		}
		for ek, acts := range EdgeKindsFor(actions, nil) {
			r.edge(Edge{
				From: from, To: n.ID, Kind: ek, Via: ViaKMSGrant, Actions: acts,
				Exposure: exposure, Principal: g.Grantee, Certainty: True,
				Evidence: []Evidence{{Source: "kms:ListGrants", Actions: acts, Conditions: slices.Clone(g.Constraints), Detail: detail, Fix: fix}}, Gate: NewGate(slices.Clone(g.Constraints), nil, "")})
		}
	}
}

// isServicePrincipal says whether a grantee is an AWS service principal
// (dynamodb.us-east-1.amazonaws.com, rds.amazonaws.com).
func isServicePrincipal(p string) bool {
	return !strings.HasPrefix(p, "arn:") && (strings.HasSuffix(p, ".amazonaws.com") || strings.HasSuffix(p, ".amazonaws.com.cn"))
}

// keyAdmits says whether a key's policy lets a principal of its own account
// use it for action through IAM: the owner's root delegation (or a grant
// to the caller itself, or to every principal of the account) covers the
// action. Unlike most resources, a KMS key is usable by the account's
// principals only when its key policy says so (KMS Developer Guide,
// "Default key policy": without the root statement, IAM policies give no
// access). Unknown when the key policy could not be read.
func (r *resolver) keyAdmits(key, caller *Node, action string) Tri {
	if key.Key() == nil {
		return Unknown
	}
	if key.Key().Usable() == False {
		return False
	}
	gs, known := r.keyGrants(key)
	if !known {
		return Unknown
	}
	out := False
	for _, g := range gs {
		if !slices.ContainsFunc(g.Actions, func(a string) bool { return policy.ActionMatches(a, action) }) {
			continue
		}
		switch {
		case g.PrincipalKind == policy.KindAnyone,
			g.PrincipalKind == policy.KindOwner && g.Via == "" &&
				(g.Principal == caller.Account || g.Principal == "arn:aws:iam::"+caller.Account+":root" || g.Principal == caller.ID):
			if len(g.Conditions) == 0 || onlyServiceGuards(g.Guards) {
				return True
			}
			out = Unknown
		}
	}
	return out
}

// keyGrants are a key policy's grants, analysed once per key; known is
// false when the policy could not be read or parsed.
func (r *resolver) keyGrants(key *Node) ([]policy.Grant, bool) {
	if gs, ok := r.keyPolicies[key]; ok {
		return gs, true
	}
	if key.Key().Policy.State != True {
		return nil, false
	}
	p, err := r.parse(key.Key().Policy.Text)
	if err != nil {
		return nil, false
	}
	gs := policy.Analyze(p, r.policyContext("kms", key.Account)).Grants
	if r.keyPolicies == nil {
		r.keyPolicies = map[*Node][]policy.Grant{}
	}
	r.keyPolicies[key] = gs
	return gs, true
}

// onlyServiceGuards says whether a grant's conditions only demand that the
// call come through an AWS service for the owner's account (kms:ViaService,
// kms:CallerAccount): conditions a request for data held in that service,
// made through it, meets.
func onlyServiceGuards(gs []policy.Guard) bool {
	for _, g := range gs {
		if g != policy.GuardViaService && g != policy.GuardPrincipal {
			return false
		}
	}
	return true
}

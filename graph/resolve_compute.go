package graph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// lambdaFunction derives access edges from a function's resource policy.
// Invoking a function through the Lambda API always needs a signed request,
// so "anyone" here means any AWS account's principals, not anonymous
// callers. Statements that only allow lambda:InvokeFunctionUrl matter for
// the function URL (see functionURL), not for the Invoke API.
func (r *resolver) lambdaFunction(n *Node) {
	fn := n.Function()
	if fn == nil {
		return
	}
	res, ok := r.judgePolicy(n, fn.Policy, "lambda", ViaLambdaPermission)
	if !ok || fn.Policy.State != True {
		return
	}
	r.grantEdges(n, res, ViaLambdaPermission, fn.Policy.Source, false, True, func(g policy.Grant) bool {
		return !onlyURLInvoke(g.Actions)
	})
}

func onlyURLInvoke(actions []string) bool {
	if len(actions) == 0 {
		return false
	}
	for _, a := range actions {
		if !strings.EqualFold(a, "lambda:InvokeFunctionUrl") {
			return false
		}
	}
	return true
}

// functionURL derives access edges to a Lambda function URL. The
// function's resource policy is always in effect (Lambda Developer Guide,
// "Control access to Lambda function URLs"): with AuthType NONE Lambda does
// not authenticate callers, so only a grant of lambda:InvokeFunctionUrl to
// "*" lets anyone in — the URL is then public, reachable from the internet;
// without such a grant the URL answers 403 to everyone. With AWS_IAM the
// callers are the principals the policy grants lambda:InvokeFunctionUrl
// (signed requests: never anonymous). An alias URL is judged by the alias's
// own policy. Since October 2025 new URLs also need lambda:InvokeFunction;
// trustmap does not require it, which can only over-state exposure.
func (r *resolver) functionURL(n *Node) {
	u := n.FunctionURL()
	if u == nil {
		return
	}
	fnID, _, _ := strings.Cut(n.ID, "#")
	pol := u.Policy
	owner := n
	if u.Qualifier == "" {
		// Not an alias URL: the function's own policy applies.
		fnNode, ok := r.node(fnID)
		if !ok || fnNode.Function() == nil {
			return
		}
		pol = fnNode.Function().Policy
		owner = fnNode
	}
	res, ok := r.judgePolicy(owner, pol, "lambda", ViaFunctionURL)
	if !ok {
		if strings.EqualFold(u.AuthType, "NONE") {
			// The URL does no authentication; only the unreadable policy
			// stands between it and the internet.
			from := r.principal("*", policy.KindAnyone, n.Account, true)
			r.edge(Edge{From: from, To: n.ID, Kind: EdgeCanInvoke, Actions: []string{"lambda:InvokeFunctionUrl"},
				Exposure: policy.Public, Via: ViaFunctionURL, Principal: "*", Certainty: Unknown,
				Evidence: []Evidence{{Source: pol.Source, Detail: "AuthType NONE; the function policy that must allow public access could not be read"}}})
		}
		return
	}
	grantsURL := func(g policy.Grant) bool {
		return slices.ContainsFunc(g.Actions, func(a string) bool { return policy.ActionMatches(a, "lambda:InvokeFunctionUrl") })
	}
	if strings.EqualFold(u.AuthType, "NONE") {
		public := false
		for _, g := range res.Grants {
			if g.PrincipalKind == policy.KindAnyone && grantsURL(g) {
				public = true
				from := r.principal("*", policy.KindAnyone, n.Account, true)
				e := grantEdge(from, n.ID, EdgeCanInvoke, ViaFunctionURL, []string{"lambda:InvokeFunctionUrl"}, g, pol.Source, True)
				e.Exposure = policy.Public
				e.Evidence[0].Detail = "AuthType NONE: Lambda does not authenticate callers of " + nonEmpty(u.URL, n.ID)
				e.Evidence[0].Fix = "set the function URL's AuthType to AWS_IAM, or remove the grant of lambda:InvokeFunctionUrl to \"*\" (" + statementList(g.Statements) + ")"
				r.edge(e)
			}
		}
		if !public {
			r.note(n.ID, NoteUnreachable, ViaFunctionURL, "the function URL has AuthType NONE but the function policy grants no public lambda:InvokeFunctionUrl, so Lambda answers 403 to every caller")
		}
		return
	}
	if pol.State != True {
		return
	}
	url := *n
	r.grantEdges(&url, res, ViaFunctionURL, pol.Source, false, True, grantsURL)
}

// sqsQueue derives access edges from a queue policy. SQS accepts anonymous
// requests when a policy grants "*" (SQS Developer Guide, basic examples:
// "grant all users"), so "anyone" is the internet.
func (r *resolver) sqsQueue(n *Node) {
	q := n.Queue()
	if q == nil {
		return
	}
	res, ok := r.judgePolicy(n, q.Policy, "sqs", ViaQueuePolicy)
	if !ok || q.Policy.State != True {
		return
	}
	r.grantEdges(n, res, ViaQueuePolicy, q.Policy.Source, true, True, nil)
}

// roleTrust derives can-assume edges from a role's trust policy. Assuming
// a role always needs credentials (or a federated token), so "anyone" is
// any AWS account (or any holder of a token from the provider).
func (r *resolver) roleTrust(n *Node) {
	role := n.Role()
	if role == nil {
		return
	}
	res, ok := r.judgePolicy(n, role.TrustPolicy, policy.ResourceTypeRoleTrust, ViaTrustPolicy)
	if !ok || role.TrustPolicy.State != True {
		return
	}
	r.grantEdges(n, res, ViaTrustPolicy, role.TrustPolicy.Source, false, True, nil)
}

// statementList names statements for people: "statement 1 (Sid "A")".
func statementList(refs []policy.StatementRef) string {
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = fmt.Sprintf("statement %d", r.Index+1)
		if r.Sid != "" {
			names[i] += fmt.Sprintf(" (Sid %q)", r.Sid)
		}
	}
	return strings.Join(names, ", ")
}

package graph

import (
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
	fn := n.Function
	if fn == nil {
		return
	}
	res, ok := r.judgePolicy(n, fn.Policy, "lambda", "lambda-permission")
	if !ok || fn.Policy.State != True {
		return
	}
	r.grantEdges(n, res, "lambda-permission", fn.Policy.Source, false, True, func(g policy.Grant) bool {
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

// functionURL derives access edges to a Lambda function URL. With AuthType
// NONE the URL is public whatever the policy says: Lambda performs no
// authentication. With AWS_IAM the callers are the principals the function
// policy grants lambda:InvokeFunctionUrl (signed requests: any AWS account,
// never anonymous).
func (r *resolver) functionURL(n *Node) {
	u := n.FunctionURL
	if u == nil {
		return
	}
	fnID, _, _ := strings.Cut(n.ID, "#")
	if strings.EqualFold(u.AuthType, "NONE") {
		from := r.principal("*", policy.KindAnyone, n.Account, true)
		r.edge(Edge{
			From: from, To: n.ID, Kind: EdgeCanInvoke, Actions: []string{"lambda:InvokeFunctionUrl"},
			Exposure: "public", Via: "function-url", Principal: "*", Certainty: True,
			Evidence: Evidence{Source: "lambda:GetFunctionUrlConfig", Detail: "AuthType NONE: Lambda does not authenticate callers of " + u.URL,
				PinnedBy: nil},
		})
		return
	}
	fnNode, ok := r.node(fnID)
	if !ok || fnNode.Function == nil {
		return
	}
	res, ok := r.judgePolicy(fnNode, fnNode.Function.Policy, "lambda", "function-url")
	if !ok || fnNode.Function.Policy.State != True {
		return
	}
	url := *n
	r.grantEdges(&url, res, "function-url", fnNode.Function.Policy.Source, false, True, func(g policy.Grant) bool {
		return slices.ContainsFunc(g.Actions, func(a string) bool {
			return policy.ActionMatches(a, "lambda:InvokeFunctionUrl")
		})
	})
}

// sqsQueue derives access edges from a queue policy. SQS accepts anonymous
// requests when a policy grants "*" (SQS Developer Guide, basic examples:
// "grant all users"), so "anyone" is the internet.
func (r *resolver) sqsQueue(n *Node) {
	q := n.Queue
	if q == nil {
		return
	}
	res, ok := r.judgePolicy(n, q.Policy, "sqs", "queue-policy")
	if !ok || q.Policy.State != True {
		return
	}
	r.grantEdges(n, res, "queue-policy", q.Policy.Source, true, True, nil)
}

// roleTrust derives can-assume edges from a role's trust policy. Assuming
// a role always needs credentials (or a federated token), so "anyone" is
// any AWS account (or any holder of a token from the provider).
func (r *resolver) roleTrust(n *Node) {
	role := n.Role
	if role == nil {
		return
	}
	res, ok := r.judgePolicy(n, role.TrustPolicy, policy.ResourceTypeRoleTrust, "trust-policy")
	if !ok || role.TrustPolicy.State != True {
		return
	}
	r.grantEdges(n, res, "trust-policy", role.TrustPolicy.Source, false, True, nil)
}

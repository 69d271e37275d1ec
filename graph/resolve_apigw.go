package graph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// restMethod derives who can call one REST API method. Three things decide:
//   - whether the API is reachable at all: the default execute-api endpoint
//     (unless disabled) or a custom domain mapped to it; a PRIVATE API only
//     through VPC endpoints;
//   - the API's resource policy (judged by the engine for execute-api:Invoke);
//     with no policy a REGIONAL or EDGE API lets anyone through to the
//     method's own authorization, while a PRIVATE API without a policy
//     cannot be invoked (API Gateway Developer Guide, private APIs);
//   - the method's authorization: NONE lets the policy's callers in; AWS_IAM
//     needs signed requests, so only principals the policy names from other
//     accounts (cross-account IAM auth needs the resource policy); CUSTOM,
//     COGNITO_USER_POOLS and JWT let anyone present a token the authorizer
//     accepts — an internet-facing entry point behind authentication.
//
// An API key (apiKeyRequired) is not authorization (API Gateway docs: "Don't
// rely on API keys as your only means of authentication"); it is kept as a
// condition on the edge.
func (r *resolver) restMethod(n *Node) {
	m := n.Method
	if m == nil {
		return
	}
	apiID := restAPIIDOf(n.ID)
	api, ok := r.node(apiID)
	if !ok || api.RestAPI == nil {
		return
	}
	ra := api.RestAPI
	reachable, how := r.reachable(api, ra.DisableExecuteAPIEndpoint)
	if !reachable {
		r.note(n.ID, "unreachable", "method-auth", "the default execute-api endpoint is disabled and no custom domain maps to the API")
		return
	}
	private := slices.Contains(ra.EndpointTypes, "PRIVATE")
	var res policy.Result
	hasPolicy := ra.Policy.State == True
	if ra.Policy.State != False {
		var ok bool
		res, ok = r.judgePolicy(api, ra.Policy, "apigateway", "rest-api-policy")
		if !ok {
			return
		}
	}
	if private && !hasPolicy {
		return // a private API without a resource policy cannot be invoked
	}
	conds := []string{"reachable through " + how}
	if m.APIKeyRequired {
		conds = append(conds, "API key required (identifies, does not authorize)")
	}
	source := "apigateway:GetResources"
	detail := fmt.Sprintf("%s %s authorization %s", m.HTTPMethod, m.Path, m.AuthorizationType)
	switch strings.ToUpper(m.AuthorizationType) {
	case "NONE", "":
		if !hasPolicy {
			r.edge(Edge{From: r.principal("*", policy.KindAnyone, n.Account, true), To: n.ID, Kind: EdgeCanInvoke,
				Actions: []string{"execute-api:Invoke"}, Conditions: conds, Exposure: "public", Via: "method-auth", Principal: "*",
				Certainty: ra.Policy.State.Or(True), Evidence: Evidence{Source: source, Detail: detail + "; no resource policy"}})
			return
		}
		r.apiPolicyEdges(n, api, res, conds, detail, true, private)
	case "AWS_IAM":
		if hasPolicy {
			r.apiPolicyEdges(n, api, res, append(conds, "SigV4-signed requests only"), detail, false, private)
		}
	default: // CUSTOM, COGNITO_USER_POOLS, JWT
		auth := m.AuthorizationType
		if m.AuthorizerID != "" {
			auth += " authorizer " + m.AuthorizerID
		}
		conds = append(conds, "authenticated by "+auth)
		if !hasPolicy {
			r.edge(Edge{From: r.principal("*", policy.KindAnyone, n.Account, true), To: n.ID, Kind: EdgeCanInvoke,
				Actions: []string{"execute-api:Invoke"}, Conditions: conds, Exposure: "public", Via: "method-authorizer", Principal: "*",
				Certainty: True, Evidence: Evidence{Source: source, Detail: detail}})
			return
		}
		r.apiPolicyEdges(n, api, res, conds, detail, true, private)
	}
}

// apiPolicyEdges adds the resource-policy grants of execute-api:Invoke as
// edges to the method.
func (r *resolver) apiPolicyEdges(n, api *Node, res policy.Result, conds []string, detail string, anonymous, private bool) {
	via := "rest-api-policy"
	if anonymous && strings.Contains(strings.Join(conds, " "), "authenticated by") {
		via = "method-authorizer"
	} else if anonymous {
		via = "method-auth"
	}
	m := *n
	for _, gr := range res.Grants {
		if gr.Exposure == "internal" || gr.PrincipalKind == policy.KindDeleted {
			continue
		}
		if !slices.ContainsFunc(gr.Actions, func(a string) bool { return policy.ActionMatches(a, "execute-api:Invoke") }) {
			continue
		}
		exposure := string(gr.Exposure)
		kind := gr.PrincipalKind
		if private && kind == policy.KindAnyone {
			// Only callers inside VPCs with an endpoint can reach a private API.
			exposure, kind = "cross-account", policy.KindNetwork
		}
		from := r.principal(gr.Principal, kind, n.Account, anonymous)
		var idx []int
		for _, st := range gr.Statements {
			idx = append(idx, st.Index)
		}
		r.edge(Edge{From: from, To: m.ID, Kind: EdgeCanInvoke, Actions: []string{"execute-api:Invoke"},
			Conditions: append(slices.Clone(conds), append(gr.PinnedBy, gr.Conditions...)...), Exposure: exposure, Via: via,
			Principal: gr.Principal, Certainty: True,
			Evidence: Evidence{Source: api.RestAPI.Policy.Source, Statements: idx, PinnedBy: gr.PinnedBy, Detail: nonEmpty(gr.Fix, detail)}})
	}
}

// httpRoute derives who can call an HTTP or WebSocket API route. HTTP APIs
// have no resource policies: NONE is open to anyone, JWT/CUSTOM to anyone
// with a token the authorizer accepts, AWS_IAM to the API's own account.
func (r *resolver) httpRoute(n *Node) {
	m := n.Method
	if m == nil {
		return
	}
	apiID := httpAPIIDOf(n.ID)
	api, ok := r.node(apiID)
	if !ok || api.HTTPAPI == nil {
		return
	}
	reachable, how := r.reachable(api, api.HTTPAPI.DisableExecuteAPIEndpoint)
	if !reachable {
		r.note(n.ID, "unreachable", "route-auth", "the default execute-api endpoint is disabled and no custom domain maps to the API")
		return
	}
	conds := []string{"reachable through " + how}
	if m.APIKeyRequired {
		conds = append(conds, "API key required (identifies, does not authorize)")
	}
	via := "route-auth"
	switch strings.ToUpper(m.AuthorizationType) {
	case "AWS_IAM":
		return
	case "NONE", "":
	default:
		auth := m.AuthorizationType
		if m.AuthorizerID != "" {
			auth += " authorizer " + m.AuthorizerID
		}
		conds = append(conds, "authenticated by "+auth)
		via = "route-authorizer"
	}
	r.edge(Edge{From: r.principal("*", policy.KindAnyone, n.Account, true), To: n.ID, Kind: EdgeCanInvoke,
		Actions: []string{"execute-api:Invoke"}, Conditions: conds, Exposure: "public", Via: via, Principal: "*", Certainty: True,
		Evidence: Evidence{Source: "apigateway:GetRoutes", Detail: fmt.Sprintf("route %s authorization %s", m.RouteKey, nonEmpty(m.AuthorizationType, "NONE"))}})
}

// reachable says whether an API can be called and how: its default
// endpoint, or a custom domain that maps to it.
func (r *resolver) reachable(api *Node, defaultDisabled bool) (bool, string) {
	var domains []string
	for _, e := range r.inEdges(api.ID) {
		if e.Kind == EdgeRoutesTo {
			if d, ok := r.node(e.From); ok && d.Kind == KindDomainName {
				domains = append(domains, d.Name)
			}
		}
	}
	if !defaultDisabled {
		if len(domains) > 0 {
			return true, "the default execute-api endpoint and custom domain " + strings.Join(domains, ", ")
		}
		return true, "the default execute-api endpoint"
	}
	if len(domains) > 0 {
		return true, "custom domain " + strings.Join(domains, ", ")
	}
	return false, ""
}

// restAPIIDOf returns the REST API node id of a method or stage id
// (arn:aws:apigateway:REGION::/restapis/ID/...).
func restAPIIDOf(id string) string { return apiPrefix(id, "/restapis/") }

// httpAPIIDOf returns the HTTP API node id of a route or stage id.
func httpAPIIDOf(id string) string { return apiPrefix(id, "/apis/") }

func apiPrefix(id, marker string) string {
	i := strings.Index(id, marker)
	if i < 0 {
		return ""
	}
	rest := id[i+len(marker):]
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		rest = rest[:j]
	}
	return id[:i+len(marker)] + rest
}

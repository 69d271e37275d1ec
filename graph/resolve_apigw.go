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
	m := n.Method()
	if m == nil {
		return
	}
	apiID := restAPIIDOf(n.ID)
	api, ok := r.node(apiID)
	if !ok || api.RestAPI() == nil {
		return
	}
	ra := api.RestAPI()
	reachable, how := r.reachable(api, ra.DisableExecuteAPIEndpoint)
	if !reachable {
		r.note(n.ID, NoteUnreachable, ViaMethodAuth, "the default execute-api endpoint is disabled and no custom domain maps to the API")
		return
	}
	private := slices.Contains(ra.EndpointTypes, "PRIVATE")
	var res policy.Result
	hasPolicy := ra.Policy.State == True
	if ra.Policy.State != False {
		var ok bool
		res, ok = r.judgePolicy(api, ra.Policy, "apigateway", ViaRestAPIPolicy)
		if !ok {
			return
		}
	}
	if private && !hasPolicy {
		return // a private API without a resource policy cannot be invoked
	}
	auth := strings.ToUpper(nonEmpty(m.AuthorizationType, "NONE"))
	if auth == "AWS_IAM" && !hasPolicy {
		return // signed requests of the API's own account only
	}
	deployed := r.deployed(api.ID, ra.StagesKnown, KindRestAPIStage)
	if deployed == False {
		r.note(n.ID, NoteNotDeployed, restVia(auth, hasPolicy),
			"%s %s has authorization %s, but the API has no stage, so no URL serves it; it becomes reachable on the first deployment", m.HTTPMethod, m.Path, auth)
		return
	}
	conds := []string{"reachable through " + how}
	if m.APIKeyRequired {
		conds = append(conds, "API key required (identifies, does not authorize)")
	}
	detail := fmt.Sprintf("%s %s authorization %s", m.HTTPMethod, m.Path, auth)
	authorizer := ""
	switch auth {
	case "NONE":
	case "AWS_IAM":
		conds = append(conds, "SigV4-signed requests only")
	default: // CUSTOM, COGNITO_USER_POOLS, JWT
		authorizer = nonEmpty(strings.TrimSpace(auth+" "+m.AuthorizerID), auth)
	}
	certainty := deployed.And(ra.Policy.State.Or(True))
	if !hasPolicy {
		e := Edge{From: r.principal("*", policy.KindAnyone, n.Account, true), To: n.ID, Kind: EdgeCanInvoke,
			Actions: []string{"execute-api:Invoke"}, Exposure: policy.Public, Via: restVia(auth, false),
			Principal: "*", Certainty: certainty, Gate: NewGate(conds, nil, authorizer),
			Evidence: []Evidence{{Source: "apigateway:GetResources", Detail: detail + "; no resource policy",
				Fix: restFix(auth, m)}}}
		r.edge(e)
		return
	}
	r.apiPolicyEdges(n, api, res, conds, detail, auth, authorizer, private, certainty)
}

// restVia names the way into a REST method: the resource policy when it
// alone decides (IAM-authorized methods), otherwise the method's own
// authorization — open (method-auth) or behind an authorizer.
func restVia(auth string, hasPolicy bool) Via {
	switch auth {
	case "NONE":
		return ViaMethodAuth
	case "AWS_IAM":
		return ViaRestAPIPolicy
	}
	return ViaMethodAuthorizer
}

// restFix is the change that closes an open method.
func restFix(auth string, m *APIMethod) string {
	if auth == "NONE" {
		return fmt.Sprintf("add an authorizer (AWS_IAM, Cognito or a Lambda authorizer) to %s %s; an API key alone is not authorization", m.HTTPMethod, m.Path)
	}
	return ""
}

// apiPolicyEdges adds the resource-policy grants of execute-api:Invoke as
// edges to the method.
func (r *resolver) apiPolicyEdges(n, api *Node, res policy.Result, conds []string, detail, auth, authorizer string, private bool, certainty Tri) {
	via := restVia(auth, true)
	anonymous := auth != "AWS_IAM"
	for _, gr := range res.Grants {
		if !external(gr) {
			continue
		}
		if !slices.ContainsFunc(gr.Actions, func(a string) bool { return policy.ActionMatches(a, "execute-api:Invoke") }) {
			continue
		}
		kind := gr.PrincipalKind
		if private && kind == policy.KindAnyone {
			// Only callers inside VPCs with an endpoint can reach a private API.
			gr.Exposure, kind = policy.CrossAccount, policy.KindNetwork
		}
		from := r.principal(gr.Principal, kind, n.Account, anonymous)
		e := grantEdge(from, n.ID, EdgeCanInvoke, via, []string{"execute-api:Invoke"}, gr, api.RestAPI().Policy.Source, certainty)
		e.Gate = NewGate(append(slices.Clone(conds), e.Conditions()...), e.Guards(), authorizer)
		e.Evidence[0].Detail = detail
		r.edge(e)
	}
}

// httpRoute derives who can call an HTTP or WebSocket API route. HTTP APIs
// have no resource policies: NONE is open to anyone, JWT/CUSTOM to anyone
// with a token the authorizer accepts, AWS_IAM to the API's own account.
func (r *resolver) httpRoute(n *Node) {
	m := n.Method()
	if m == nil {
		return
	}
	apiID := httpAPIIDOf(n.ID)
	api, ok := r.node(apiID)
	if !ok || api.HTTPAPI() == nil {
		return
	}
	reachable, how := r.reachable(api, api.HTTPAPI().DisableExecuteAPIEndpoint)
	if !reachable {
		r.note(n.ID, NoteUnreachable, ViaRouteAuth, "the default execute-api endpoint is disabled and no custom domain maps to the API")
		return
	}
	auth := strings.ToUpper(nonEmpty(m.AuthorizationType, "NONE"))
	if auth == "AWS_IAM" {
		return
	}
	via, authorizer := ViaRouteAuth, ""
	if auth != "NONE" {
		via, authorizer = ViaRouteAuthorizer, nonEmpty(strings.TrimSpace(auth+" "+m.AuthorizerID), auth)
	}
	deployed := r.deployed(api.ID, api.HTTPAPI().StagesKnown, KindHTTPAPIStage)
	if deployed == False {
		r.note(n.ID, NoteNotDeployed, via,
			"route %s has authorization %s, but the API has no stage, so no URL serves it; it becomes reachable on the first deployment", m.RouteKey, auth)
		return
	}
	conds := []string{"reachable through " + how}
	if m.APIKeyRequired {
		conds = append(conds, "API key required (identifies, does not authorize)")
	}
	fix := ""
	if auth == "NONE" {
		fix = fmt.Sprintf("add an authorizer (AWS_IAM, JWT or a Lambda authorizer) to route %s", m.RouteKey)
	}
	r.edge(Edge{From: r.principal("*", policy.KindAnyone, n.Account, true), To: n.ID, Kind: EdgeCanInvoke,
		Actions: []string{"execute-api:Invoke"}, Exposure: policy.Public, Via: via, Principal: "*",
		Certainty: deployed, Gate: NewGate(conds, nil, authorizer),
		Evidence: []Evidence{{Source: "apigateway:GetRoutes", Detail: fmt.Sprintf("route %s authorization %s", m.RouteKey, auth), Fix: fix}}})
}

// deployed says whether an API has a stage (True), has none (False: no URL
// serves it), or its stages could not be read (Unknown).
func (r *resolver) deployed(apiID string, known Tri, stageKind Kind) Tri {
	if known != True {
		return Unknown
	}
	if r.stages == nil {
		r.stages = map[string]int{}
		for _, k := range []Kind{KindRestAPIStage, KindHTTPAPIStage} {
			for _, st := range r.byKind[k] {
				if k == KindRestAPIStage {
					r.stages[restAPIIDOf(st.ID)]++
				} else {
					r.stages[httpAPIIDOf(st.ID)]++
				}
			}
		}
	}
	return TriOf(r.stages[apiID] > 0)
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

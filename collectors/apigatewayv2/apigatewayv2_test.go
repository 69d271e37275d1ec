package apigatewayv2_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/apigateway"
	"github.com/trustmap/trustmap/collectors/apigatewayv2"
	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/graph"
)

const (
	region  = "us-east-1"
	account = "123456789012"
	apiID   = "h1b2c3d4e5"
	fnOrder = "arn:aws:lambda:us-east-1:123456789012:function:orders"
	fnAuth  = "arn:aws:lambda:us-east-1:123456789012:function:auth"
	issuer  = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE"
)

func fixture(section, extra string) string {
	return fmt.Sprintf(`
accounts:
  - id: "123456789012"
    access_keys: [AKIATEST000000000001]
    regions: [us-east-1]
%s
%s
`, collectortest.Indent(section, "    "), extra)
}

var httpAPI = `apigatewayv2:
  apis:
    - id: h1b2c3d4e5
      region: us-east-1
      name: http-api
      protocol_type: HTTP
      routes:
        - {id: rnone01, route_key: "GET /orders", authorization_type: NONE, target: integrations/ilambda}
        - {id: rjwt001, route_key: "POST /orders", authorization_type: JWT, authorizer_id: aujwt, target: integrations/ilambda}
        - {id: rcust01, route_key: "DELETE /orders/{id}", authorization_type: CUSTOM, authorizer_id: aulambda, api_key_required: false, target: integrations/ihttp}
        - {id: riam001, route_key: "$default", authorization_type: AWS_IAM}
      authorizers:
        - {id: aujwt, name: cognito, type: JWT, identity_source: ["$request.header.Authorization"], jwt_issuer: "` + issuer + `", jwt_audience: [example-client]}
        - {id: aulambda, name: lambda-auth, type: REQUEST, identity_source: ["$request.header.Authorization"], authorizer_uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + fnAuth + `/invocations"}
      integrations:
        - {id: ilambda, type: AWS_PROXY, uri: "` + fnOrder + `", payload_format_version: "2.0"}
        - {id: ihttp, type: HTTP_PROXY, uri: "https://backend.example.com/orders"}
      stages: [{name: $default, auto_deploy: true}]
`

func apiARN(id string) string { return apigateway.HTTPAPIARN(region, id) }

func route(id string) string { return apigatewayv2.RouteARN(apiARN(apiID), id) }

func TestRoutesCarryTheirAuthorizationAndIntegration(t *testing.T) {
	scan := collectortest.Run(t, fixture(httpAPI, ""), collectortest.Options{Regions: []string{region}}, apigatewayv2.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage gaps = %+v, want none", scan.Snapshot.Coverage)
	}
	cases := []struct {
		name  string
		route string
		want  graph.APIMethod
	}{
		{"a NONE route is open and integrates with Lambda", "rnone01", graph.APIMethod{
			APIID: apiID, RouteKey: "GET /orders", HTTPMethod: "GET", Path: "/orders", AuthorizationType: "NONE",
			IntegrationType: "AWS_PROXY", IntegrationURI: fnOrder, IntegrationKnown: graph.True}},
		{"a JWT route names its authorizer", "rjwt001", graph.APIMethod{
			APIID: apiID, RouteKey: "POST /orders", HTTPMethod: "POST", Path: "/orders", AuthorizationType: "JWT", AuthorizerID: "aujwt",
			IntegrationType: "AWS_PROXY", IntegrationURI: fnOrder, IntegrationKnown: graph.True}},
		{"a CUSTOM route proxies to an HTTP backend", "rcust01", graph.APIMethod{
			APIID: apiID, RouteKey: "DELETE /orders/{id}", HTTPMethod: "DELETE", Path: "/orders/{id}", AuthorizationType: "CUSTOM", AuthorizerID: "aulambda",
			IntegrationType: "HTTP_PROXY", IntegrationURI: "https://backend.example.com/orders", IntegrationKnown: graph.True}},
		{"a $default route without a target is known to have no integration", "riam001", graph.APIMethod{
			APIID: apiID, RouteKey: "$default", AuthorizationType: "AWS_IAM", IntegrationKnown: graph.True}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := scan.Node(t, route(tc.route))
			if n.Kind != graph.KindHTTPAPIRoute || n.Method() == nil {
				t.Fatalf("node = %+v, want an HTTPAPIRoute", n)
			}
			if diff := cmp.Diff(tc.want, *n.Method()); diff != "" {
				t.Errorf("route (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("integrations and authorizers become edges", func(t *testing.T) {
		var got []string
		for _, e := range scan.Snapshot.Edges {
			got = append(got, fmt.Sprintf("%s -%s-> %s", e.From, e.Kind, e.To))
		}
		want := []string{
			apiARN(apiID) + " -contains-> " + route("rcust01"),
			apiARN(apiID) + " -contains-> " + route("riam001"),
			apiARN(apiID) + " -contains-> " + route("rjwt001"),
			apiARN(apiID) + " -contains-> " + route("rnone01"),
			apiARN(apiID) + " -contains-> " + apigatewayv2.StageARN(apiARN(apiID), "$default"),
			route("rcust01") + " -authorized-by-> " + fnAuth,
			route("rcust01") + " -integrates-with-> https://backend.example.com/orders",
			route("rjwt001") + " -authorized-by-> " + issuer,
			route("rjwt001") + " -integrates-with-> " + fnOrder,
			route("rnone01") + " -integrates-with-> " + fnOrder,
		}
		slices.Sort(want)
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("edges (-want +got):\n%s", diff)
		}
	})

	t.Run("the API holds its authorizers", func(t *testing.T) {
		h := scan.Node(t, apiARN(apiID)).HTTPAPI()
		want := []graph.Authorizer{
			{ID: "aujwt", Name: "cognito", Type: "JWT", IdentitySource: []string{"$request.header.Authorization"}, JWTIssuer: issuer, JWTAudience: []string{"example-client"}},
			{ID: "aulambda", Name: "lambda-auth", Type: "REQUEST", IdentitySource: []string{"$request.header.Authorization"},
				URI: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fnAuth + "/invocations", Function: fnAuth},
		}
		got := slices.Clone(h.Authorizers)
		slices.SortFunc(got, func(a, b graph.Authorizer) int { return strings.Compare(a.ID, b.ID) })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("authorizers (-want +got):\n%s", diff)
		}
		if h.ProtocolType != "HTTP" || h.RoutesKnown != graph.True || h.StagesKnown != graph.True || h.AuthorizersKnown != graph.True {
			t.Errorf("api = %+v, want HTTP with routes, stages and authorizers known", h)
		}
		st := scan.Node(t, apigatewayv2.StageARN(apiARN(apiID), "$default")).Stage()
		if diff := cmp.Diff(graph.APIStage{APIID: apiID, StageName: "$default", AutoDeploy: true}, *st); diff != "" {
			t.Errorf("stage (-want +got):\n%s", diff)
		}
	})
}

func TestEveryPageIsReadOnce(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("apigatewayv2:\n  apis:\n")
	const apis = 501
	for i := range apis {
		fmt.Fprintf(&sb, "    - {id: api%07d, region: us-east-1, name: api-%d, protocol_type: HTTP}\n", i, i)
	}
	sb.WriteString("    - id: big0000001\n      region: us-east-1\n      protocol_type: HTTP\n      routes:\n")
	const routes = 600
	for i := range routes {
		fmt.Fprintf(&sb, "        - {id: r%05d, route_key: \"GET /r%d\", authorization_type: NONE, target: integrations/i%05d}\n", i, i, i)
	}
	sb.WriteString("      integrations:\n")
	for i := range routes {
		fmt.Fprintf(&sb, "        - {id: i%05d, type: AWS_PROXY, uri: \"%s-%d\"}\n", i, fnOrder, i)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: []string{region}}, apigatewayv2.New())
	if len(scan.Snapshot.Coverage) != 0 {
		t.Fatalf("coverage gaps = %+v, want none", scan.Snapshot.Coverage)
	}
	count := map[graph.Kind]int{}
	for _, n := range scan.Snapshot.Nodes {
		count[n.Kind]++
	}
	integrations := 0
	for _, e := range scan.Snapshot.Edges {
		if e.Kind == graph.EdgeIntegratesWith {
			integrations++
		}
	}
	calls := scan.Server.Stats().Calls
	got := map[string]int64{
		"apis": int64(count[graph.KindHTTPAPI]), "routes": int64(count[graph.KindHTTPAPIRoute]), "integration edges": int64(integrations),
		"GetApis calls":   calls["apigatewayv2:GetApis"],
		"GetRoutes calls": calls["apigatewayv2:GetRoutes"],
	}
	want := map[string]int64{
		"apis": apis + 1, "routes": routes, "integration edges": routes,
		"GetApis calls":   2,
		"GetRoutes calls": apis + 2,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s\nserver calls: %v", diff, calls)
	}
}

func TestFailedReadsBecomeGapsAndUnknownFacts(t *testing.T) {
	cases := []struct {
		name  string
		api   string
		known func(*graph.HTTPAPI, *graph.APIMethod) graph.Tri
	}{
		{"a denied GetRoutes leaves the routes unknown", "GetRoutes",
			func(h *graph.HTTPAPI, _ *graph.APIMethod) graph.Tri { return h.RoutesKnown }},
		{"a denied GetIntegrations leaves each route's integration unknown", "GetIntegrations",
			func(_ *graph.HTTPAPI, m *graph.APIMethod) graph.Tri { return m.IntegrationKnown }},
		{"a denied GetAuthorizers leaves the authorizers unknown", "GetAuthorizers",
			func(h *graph.HTTPAPI, _ *graph.APIMethod) graph.Tri { return h.AuthorizersKnown }},
		{"a denied GetStages leaves the stages unknown", "GetStages",
			func(h *graph.HTTPAPI, _ *graph.APIMethod) graph.Tri { return h.StagesKnown }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			extra := fmt.Sprintf("faults:\n  - {service: apigatewayv2, api: %s, resource: %s, error: AccessDeniedException}", tc.api, apiID)
			scan := collectortest.Run(t, fixture(httpAPI, extra), collectortest.Options{Regions: []string{region}}, apigatewayv2.New())
			gaps := scan.Gaps(tc.api)
			if len(gaps) != 1 || gaps[0].Status != graph.GapDenied || gaps[0].Resource != apiID || len(scan.Snapshot.Coverage) != 1 {
				t.Fatalf("coverage = %+v, want one denied %s gap naming %s", scan.Snapshot.Coverage, tc.api, apiID)
			}
			h := scan.Node(t, apiARN(apiID)).HTTPAPI()
			var m *graph.APIMethod
			if tc.api != "GetRoutes" {
				m = scan.Node(t, route("rnone01")).Method()
			}
			if got := tc.known(h, m); got != graph.Unknown {
				t.Errorf("known = %v, want unknown", got)
			}
		})
	}
}

func TestThrottledCallsAreRetriedAndSucceed(t *testing.T) {
	extra := `faults:
  - {service: apigatewayv2, api: GetRoutes, resource: h1b2c3d4e5, error: TooManyRequestsException, count: 2}`
	scan := collectortest.Run(t, fixture(httpAPI, extra), collectortest.Options{Regions: []string{region}}, apigatewayv2.New())
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage gaps = %+v, want none after retries", scan.Snapshot.Coverage)
	}
	if got := scan.Stats.Retries.Load(); got != 2 {
		t.Errorf("retries = %d, want 2", got)
	}
	if got := scan.Node(t, apiARN(apiID)).HTTPAPI().RoutesKnown; got != graph.True {
		t.Errorf("routes known = %v, want true", got)
	}
}

// GetApis and GetStages return the tags of each API and stage (Api.tags,
// Stage.tags in the API Gateway V2 API reference); the collector keeps them.
func TestTagsComeWithTheAPIAndItsStages(t *testing.T) {
	tagged := strings.Replace(httpAPI, "      protocol_type: HTTP\n", "      protocol_type: HTTP\n      tags: {data-classification: internal}\n", 1)
	tagged = strings.Replace(tagged, "stages: [{name: $default, auto_deploy: true}]", "stages: [{name: $default, auto_deploy: true, tags: {env: prod}}]", 1)
	scan := collectortest.Run(t, fixture(tagged, ""), collectortest.Options{Regions: []string{region}}, apigatewayv2.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	if diff := cmp.Diff(map[string]string{"data-classification": "internal"}, scan.Node(t, apiARN(apiID)).Tags); diff != "" {
		t.Errorf("API tags (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"env": "prod"}, scan.Node(t, apigatewayv2.StageARN(apiARN(apiID), "$default")).Tags); diff != "" {
		t.Errorf("stage tags (-want +got):\n%s", diff)
	}
}

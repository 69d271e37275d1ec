package apigateway_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/apigateway"
	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/graph"
)

const (
	region  = "us-east-1"
	account = "123456789012"
	apiID   = "a1b2c3d4e5"
	fnOrder = "arn:aws:lambda:us-east-1:123456789012:function:orders"
	fnAuth  = "arn:aws:lambda:us-east-1:123456789012:function:auth"
	pool    = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_EXAMPLE"
)

// fixture builds a one-account fixture with the given apigateway section
// (indented under the account) and optional top-level extras.
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

func lambdaURI(fn string) string {
	return "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fn + "/invocations"
}

// ordersAPI is a REST API with one method per authorization type.
var ordersAPI = `apigateway:
  rest_apis:
    - id: a1b2c3d4e5
      region: us-east-1
      name: orders
      endpoint_types: [REGIONAL]
      api_key_source: HEADER
      policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*", Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*"}]}
      resources:
        - {id: r00tre5id1, path: /}
        - id: res0rders1
          parent_id: r00tre5id1
          path_part: orders
          path: /orders
          methods:
            GET: {authorization_type: NONE, api_key_required: true,
                  integration: {type: AWS_PROXY, http_method: POST, uri: "` + lambdaURI(fnOrder) + `"}}
            POST: {authorization_type: AWS_IAM,
                   integration: {type: AWS_PROXY, http_method: POST, uri: "` + lambdaURI(fnOrder+":live") + `"}}
            PUT: {authorization_type: CUSTOM, authorizer_id: tok123,
                  integration: {type: HTTP_PROXY, http_method: PUT, uri: "https://backend.example.com/orders"}}
            DELETE: {authorization_type: COGNITO_USER_POOLS, authorizer_id: cog123,
                     integration: {type: AWS, http_method: POST, uri: "arn:aws:apigateway:us-east-1:sqs:path/123456789012/orders"}}
      authorizers:
        - {id: tok123, name: token-auth, type: TOKEN, authorizer_uri: "` + lambdaURI(fnAuth) + `", identity_source: method.request.header.Authorization}
        - {id: cog123, name: cognito, type: COGNITO_USER_POOLS, identity_source: method.request.header.Authorization, provider_arns: ["` + pool + `"]}
      stages:
        - {name: prod, deployment_id: dep1, web_acl_arn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/1111", access_log_destination: "arn:aws:logs:us-east-1:123456789012:log-group:access"}
        - {name: dev, deployment_id: dep1}
  domain_names:
    - {name: api.example.com, region: us-east-1, endpoint_types: [REGIONAL], mappings: [{base_path: "(none)", rest_api_id: a1b2c3d4e5, stage: prod}, {base_path: v2, rest_api_id: a1b2c3d4e5, stage: dev}]}
`

func api(id string) string { return apigateway.APIARN(region, id) }

func methodID(verb string) string { return apigateway.MethodARN(region, apiID, "res0rders1", verb) }

func edgeStrings(s *graph.Snapshot, kinds ...graph.EdgeKind) []string {
	var out []string
	for _, e := range s.Edges {
		if slices.Contains(kinds, e.Kind) {
			out = append(out, fmt.Sprintf("%s -%s-> %s", e.From, e.Kind, e.To))
		}
	}
	return out
}

func TestMethodsCarryTheirAuthorizationAndIntegration(t *testing.T) {
	scan := collectortest.Run(t, fixture(ordersAPI, ""), collectortest.Options{Regions: []string{region}}, apigateway.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage gaps = %+v, want none", scan.Snapshot.Coverage)
	}
	cases := []struct {
		name string
		verb string
		want graph.APIMethod
	}{
		{"a NONE method with an API key is open and integrates with Lambda", "GET", graph.APIMethod{
			APIID: apiID, Path: "/orders", HTTPMethod: "GET", AuthorizationType: "NONE", APIKeyRequired: true,
			IntegrationType: "AWS_PROXY", IntegrationURI: lambdaURI(fnOrder), IntegrationKnown: graph.True}},
		{"an AWS_IAM method keeps its aliased Lambda URI", "POST", graph.APIMethod{
			APIID: apiID, Path: "/orders", HTTPMethod: "POST", AuthorizationType: "AWS_IAM",
			IntegrationType: "AWS_PROXY", IntegrationURI: lambdaURI(fnOrder + ":live"), IntegrationKnown: graph.True}},
		{"a CUSTOM method names its authorizer", "PUT", graph.APIMethod{
			APIID: apiID, Path: "/orders", HTTPMethod: "PUT", AuthorizationType: "CUSTOM", AuthorizerID: "tok123",
			IntegrationType: "HTTP_PROXY", IntegrationURI: "https://backend.example.com/orders", IntegrationKnown: graph.True}},
		{"a COGNITO method names its authorizer", "DELETE", graph.APIMethod{
			APIID: apiID, Path: "/orders", HTTPMethod: "DELETE", AuthorizationType: "COGNITO_USER_POOLS", AuthorizerID: "cog123",
			IntegrationType: "AWS", IntegrationURI: "arn:aws:apigateway:us-east-1:sqs:path/123456789012/orders", IntegrationKnown: graph.True}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := scan.Node(t, methodID(tc.verb))
			if n.Kind != graph.KindRestAPIMethod || n.Method() == nil {
				t.Fatalf("node = %+v, want a RestAPIMethod", n)
			}
			if diff := cmp.Diff(tc.want, *n.Method()); diff != "" {
				t.Errorf("method (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("integrations and authorizers become edges", func(t *testing.T) {
		want := []string{
			methodID("DELETE") + " -authorized-by-> " + pool,
			methodID("DELETE") + " -integrates-with-> arn:aws:sqs:us-east-1:123456789012:orders",
			methodID("GET") + " -integrates-with-> " + fnOrder,
			methodID("POST") + " -integrates-with-> " + fnOrder,
			methodID("PUT") + " -integrates-with-> https://backend.example.com/orders",
			methodID("PUT") + " -authorized-by-> " + fnAuth,
		}
		slices.Sort(want)
		got := edgeStrings(scan.Snapshot, graph.EdgeIntegratesWith, graph.EdgeAuthorizedBy)
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("edges (-want +got):\n%s", diff)
		}
	})

	t.Run("the API holds its authorizers with the Lambda ARN parsed", func(t *testing.T) {
		n := scan.Node(t, api(apiID))
		ra := n.RestAPI()
		want := []graph.Authorizer{
			{ID: "cog123", Name: "cognito", Type: "COGNITO_USER_POOLS", ProviderARNs: []string{pool}, IdentitySource: []string{"method.request.header.Authorization"}},
			{ID: "tok123", Name: "token-auth", Type: "TOKEN", URI: lambdaURI(fnAuth), Function: fnAuth, IdentitySource: []string{"method.request.header.Authorization"}},
		}
		got := slices.Clone(ra.Authorizers)
		slices.SortFunc(got, func(a, b graph.Authorizer) int { return strings.Compare(a.ID, b.ID) })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("authorizers (-want +got):\n%s", diff)
		}
		for name, tri := range map[string]graph.Tri{"resources": ra.ResourcesKnown, "stages": ra.StagesKnown, "authorizers": ra.AuthorizersKnown} {
			if tri != graph.True {
				t.Errorf("%s known = %v, want true", name, tri)
			}
		}
		if diff := cmp.Diff([]string{"REGIONAL"}, ra.EndpointTypes); diff != "" {
			t.Errorf("endpoint types (-want +got):\n%s", diff)
		}
	})

	t.Run("stages carry their web ACL and access logging", func(t *testing.T) {
		prod := scan.Node(t, apigateway.StageARN(region, apiID, "prod"))
		want := graph.APIStage{APIID: apiID, StageName: "prod", WebACLARN: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/1111", AccessLogging: true}
		if diff := cmp.Diff(want, *prod.Stage()); diff != "" {
			t.Errorf("prod stage (-want +got):\n%s", diff)
		}
		dev := scan.Node(t, apigateway.StageARN(region, apiID, "dev"))
		if diff := cmp.Diff(graph.APIStage{APIID: apiID, StageName: "dev"}, *dev.Stage()); diff != "" {
			t.Errorf("dev stage (-want +got):\n%s", diff)
		}
	})

	t.Run("the custom domain routes to the API with both base paths", func(t *testing.T) {
		d := scan.Node(t, apigateway.DomainARN(region, "api.example.com"))
		if d.Kind != graph.KindDomainName || d.Domain().MappingsKnown != graph.True {
			t.Fatalf("domain = %+v", d)
		}
		var got []string
		for _, e := range scan.Snapshot.Edges {
			if e.Kind == graph.EdgeRoutesTo {
				got = append(got, e.From+" -> "+e.To+": "+e.Details())
			}
		}
		want := []string{d.ID + " -> " + api(apiID) + ": base path (none), stage prod; base path v2, stage dev"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("routes-to edges (-want +got):\n%s", diff)
		}
	})
}

func TestTheTwiceEscapedPolicyIsStoredAsValidJSON(t *testing.T) {
	scan := collectortest.Run(t, fixture(ordersAPI, ""), collectortest.Options{Regions: []string{region}}, apigateway.New())
	doc := scan.Node(t, api(apiID)).RestAPI().Policy
	if doc.State != graph.True {
		t.Fatalf("policy state = %v, want true", doc.State)
	}
	var got, want any
	if err := json.Unmarshal([]byte(doc.Text), &got); err != nil {
		t.Fatalf("stored policy is not valid JSON (%v): %s", err, doc.Text)
	}
	_ = json.Unmarshal([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*"}]}`), &want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("policy (-want +got):\n%s", diff)
	}
	if strings.Contains(doc.Text, `\"`) || strings.Contains(doc.Text, `\/`) {
		t.Errorf("stored policy still holds escapes: %s", doc.Text)
	}
}

func TestEveryPageIsReadOnce(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("apigateway:\n  rest_apis:\n")
	const apis = 501 // two pages of GetRestApis
	for i := range apis {
		fmt.Fprintf(&sb, "    - {id: api%07d, region: us-east-1, name: api-%d}\n", i, i)
	}
	// One API with two pages of resources and two pages of authorizers.
	sb.WriteString("    - id: big0000001\n      region: us-east-1\n      resources:\n")
	const resources = 600
	for i := range resources {
		fmt.Fprintf(&sb, "        - {id: res%05d, path: /r%d, methods: {GET: {authorization_type: CUSTOM, authorizer_id: au%04d, integration: {type: MOCK}}}}\n", i, i, i)
	}
	sb.WriteString("      authorizers:\n")
	const authorizers = 501
	for i := range authorizers {
		fmt.Fprintf(&sb, "        - {id: au%04d, name: a%d, type: REQUEST, authorizer_uri: \"%s\"}\n", i, i, lambdaURI(fnAuth))
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: []string{region}}, apigateway.New())
	if len(scan.Snapshot.Coverage) != 0 {
		t.Fatalf("coverage gaps = %+v, want none", scan.Snapshot.Coverage)
	}
	count := map[graph.Kind]int{}
	for _, n := range scan.Snapshot.Nodes {
		count[n.Kind]++
	}
	big := scan.Node(t, api("big0000001")).RestAPI()
	calls := scan.Server.Stats().Calls
	got := map[string]int64{
		"apis": int64(count[graph.KindRestAPI]), "methods": int64(count[graph.KindRestAPIMethod]), "authorizers": int64(len(big.Authorizers)),
		"GetRestApis calls":    calls["apigateway:GetRestApis"],
		"GetResources calls":   calls["apigateway:GetResources"],
		"GetAuthorizers calls": calls["apigateway:GetAuthorizers"],
		"GetIntegration calls": calls["apigateway:GetIntegration"],
	}
	want := map[string]int64{
		"apis": apis + 1, "methods": resources, "authorizers": authorizers,
		"GetRestApis calls":    2,
		"GetResources calls":   apis + 2, // one page per small API, two for the big one
		"GetAuthorizers calls": apis + 2,
		"GetIntegration calls": 0,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s\nserver calls: %v", diff, scan.Server.Stats().Calls)
	}
}

func TestFailedReadsBecomeGapsAndUnknownFacts(t *testing.T) {
	const twoAPIs = `apigateway:
  rest_apis:
    - id: denied0001
      region: us-east-1
      resources: [{id: rr, path: /, methods: {GET: {authorization_type: NONE, integration: {type: MOCK}}}}]
      stages: [{name: prod}]
    - id: fine000001
      region: us-east-1
      resources: [{id: rr, path: /, methods: {GET: {authorization_type: NONE, integration: {type: MOCK}}}}]
      stages: [{name: prod}]`
	cases := []struct {
		name      string
		fault     string
		api       string
		wantGap   graph.GapStatus
		wantKnown func(*graph.RestAPI) graph.Tri
	}{
		{"a denied GetResources leaves that API's resources unknown", "GetResources", "GetResources", graph.GapDenied,
			func(r *graph.RestAPI) graph.Tri { return r.ResourcesKnown }},
		{"a denied GetStages leaves that API's stages unknown", "GetStages", "GetStages", graph.GapDenied,
			func(r *graph.RestAPI) graph.Tri { return r.StagesKnown }},
		{"a denied GetAuthorizers leaves that API's authorizers unknown", "GetAuthorizers", "GetAuthorizers", graph.GapDenied,
			func(r *graph.RestAPI) graph.Tri { return r.AuthorizersKnown }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			extra := fmt.Sprintf("faults:\n  - {service: apigateway, api: %s, resource: denied0001, error: AccessDenied}", tc.fault)
			scan := collectortest.Run(t, fixture(twoAPIs, extra), collectortest.Options{Regions: []string{region}}, apigateway.New())
			wantGaps := []graph.Gap{{Account: account, Service: "apigateway", Region: region, API: tc.api, Resource: "denied0001", Status: tc.wantGap}}
			if diff := cmp.Diff(wantGaps, scan.Snapshot.Coverage, ignoreGapError); diff != "" {
				t.Errorf("gaps (-want +got):\n%s", diff)
			}
			if got := tc.wantKnown(scan.Node(t, api("denied0001")).RestAPI()); got != graph.Unknown {
				t.Errorf("denied API: known = %v, want unknown", got)
			}
			fine := scan.Node(t, api("fine000001")).RestAPI()
			if got := tc.wantKnown(fine); got != graph.True {
				t.Errorf("other API: known = %v, want true", got)
			}
			scan.Node(t, apigateway.MethodARN(region, "fine000001", "rr", "GET"))
		})
	}
}

var ignoreGapError = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Error" }, cmp.Ignore())

func TestThrottledCallsAreRetriedAndSucceed(t *testing.T) {
	extra := `faults:
  - {service: apigateway, api: GetResources, resource: a1b2c3d4e5, error: TooManyRequestsException, count: 2}`
	scan := collectortest.Run(t, fixture(ordersAPI, extra), collectortest.Options{Regions: []string{region}}, apigateway.New())
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage gaps = %+v, want none after retries", scan.Snapshot.Coverage)
	}
	if got := scan.Stats.Retries.Load(); got != 2 {
		t.Errorf("retries = %d, want 2", got)
	}
	if got := scan.Node(t, api(apiID)).RestAPI().ResourcesKnown; got != graph.True {
		t.Errorf("resources known = %v, want true after the throttled calls were retried", got)
	}
}

func TestAMethodWithoutAnEmbeddedIntegrationIsLookedUp(t *testing.T) {
	const section = `apigateway:
  rest_apis:
    - id: noint00001
      region: us-east-1
      resources:
        - {id: rr, path: /, methods: {GET: {authorization_type: NONE}, POST: {authorization_type: NONE}}}`
	t.Run("within the budget GetIntegration confirms there is none", func(t *testing.T) {
		scan := collectortest.Run(t, fixture(section, ""), collectortest.Options{Regions: []string{region}}, apigateway.New())
		for _, verb := range []string{"GET", "POST"} {
			m := scan.Node(t, apigateway.MethodARN(region, "noint00001", "rr", verb)).Method()
			if m.IntegrationKnown != graph.True || m.IntegrationType != "" {
				t.Errorf("%s: integration known %v type %q, want known and none", verb, m.IntegrationKnown, m.IntegrationType)
			}
		}
		if len(scan.Snapshot.Coverage) != 0 {
			t.Errorf("coverage gaps = %+v, want none", scan.Snapshot.Coverage)
		}
	})
	t.Run("beyond the budget the integration stays unknown and the API gets a gap", func(t *testing.T) {
		c := apigateway.New()
		c.IntegrationLookups = 1
		scan := collectortest.Run(t, fixture(section, ""), collectortest.Options{Regions: []string{region}}, c)
		unknown := 0
		for _, verb := range []string{"GET", "POST"} {
			if scan.Node(t, apigateway.MethodARN(region, "noint00001", "rr", verb)).Method().IntegrationKnown == graph.Unknown {
				unknown++
			}
		}
		if unknown != 1 {
			t.Errorf("methods with an unknown integration = %d, want 1", unknown)
		}
		gaps := scan.Gaps("GetIntegration")
		if len(gaps) != 1 || gaps[0].Resource != "noint00001" || gaps[0].Status != graph.GapThrottled {
			t.Errorf("GetIntegration gaps = %+v, want one throttled gap naming the API", gaps)
		}
	})
}

// GetRestApis and GetStages return each API's and stage's tags (RestApi.tags,
// Stage.tags in the API Gateway API reference): the collector keeps them on
// the nodes without another call, so data classification and model matching
// by tag work on APIs; an API with no tags has none.
func TestTagsComeWithTheAPIAndItsStages(t *testing.T) {
	tagged := strings.Replace(ordersAPI, "      api_key_source: HEADER\n", "      api_key_source: HEADER\n      tags: {threatmodel-id: orders-api, data-classification: confidential}\n", 1)
	tagged = strings.Replace(tagged, "        - {name: dev, deployment_id: dep1}", "        - {name: dev, deployment_id: dep1, tags: {env: dev}}", 1)
	scan := collectortest.Run(t, fixture(tagged, ""), collectortest.Options{Regions: []string{region}}, apigateway.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	got := map[string]map[string]string{}
	for _, n := range scan.Snapshot.Nodes {
		if n.Kind == graph.KindRestAPI || n.Kind == graph.KindRestAPIStage {
			got[n.ID] = n.Tags
		}
	}
	want := map[string]map[string]string{
		api(apiID): {"threatmodel-id": "orders-api", "data-classification": "confidential"},
		apigateway.StageARN(region, apiID, "dev"):  {"env": "dev"},
		apigateway.StageARN(region, apiID, "prod"): nil,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	for api, n := range scan.Server.Stats().Calls {
		if strings.Contains(api, "Tags") && n > 0 {
			t.Errorf("%d %s calls: the tags come with GetRestApis and GetStages", n, api)
		}
	}
}

package fakeaws

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const agFixture = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    apigateway:
      rest_apis:
        - id: a1b2c3d4e5
          name: orders
          endpoint_types: [PRIVATE]
          vpc_endpoint_ids: [vpce-0123456789abcdef0]
          created: 2024-01-07T10:00:00Z
          policy:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: "*"
                Action: execute-api:Invoke
                Resource: arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*
          resources:
            - {id: r00tre5id1, path: /}
            - id: 3kzxbg5sa2
              parent_id: r00tre5id1
              path_part: orders
              path: /orders
              methods:
                GET:
                  authorization_type: CUSTOM
                  authorizer_id: abc123
                  integration: {type: AWS_PROXY, http_method: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders/invocations"}
                POST:
                  api_key_required: true
            - {id: 9xyzabc123, parent_id: 3kzxbg5sa2, path_part: "{id}"}
          authorizers:
            - {id: abc123, name: token-auth, type: TOKEN, authorizer_uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations", identity_source: method.request.header.Authorization}
            - {id: abc124, name: cognito, type: COGNITO_USER_POOLS, provider_arns: ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_EXAMPLE"], result_ttl_seconds: 0}
            - {id: abc125, name: request-auth, type: REQUEST, authorizer_credentials: "arn:aws:iam::123456789012:role/apigw-invoke"}
          stages:
            - name: prod
              deployment_id: dep123
              web_acl_arn: arn:aws:wafv2:us-east-1:123456789012:regional/webacl/api/1111
              tracing_enabled: true
              access_log_destination: arn:aws:logs:us-east-1:123456789012:log-group:api-logs
              access_log_format: "$context.requestId"
              method_settings: {"*/*": {logging_level: INFO, metrics_enabled: true}}
              created: 2024-01-07T10:00:00Z
              last_updated: 2024-01-08T09:30:00Z
            - {name: dev, deployment_id: dep456}
        - {id: b1b2c3d4e5, name: public, created: 2024-02-01T00:00:00Z}
        - {id: c1b2c3d4e5, name: regional, endpoint_types: [REGIONAL], api_key_source: AUTHORIZER, disable_execute_api_endpoint: true}
        - {id: d1b2c3d4e5, name: ireland, region: eu-west-1}
      domain_names:
        - name: api.example.com
          endpoint_types: [REGIONAL]
          certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/abc
          mappings:
            - {base_path: "", rest_api_id: a1b2c3d4e5, stage: prod}
            - {base_path: v2, rest_api_id: b1b2c3d4e5, stage: prod}
            - {base_path: "(none)", rest_api_id: c1b2c3d4e5}
        - {name: edge.example.com}
`

func (s *Server) agClient(t *testing.T, cc clientConfig) *apigateway.Client {
	return apigateway.NewFromConfig(s.config(t, cc), func(o *apigateway.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func TestGetRestApis(t *testing.T) {
	srv := startYAML(t, agFixture, Options{})
	ctx := context.Background()

	t.Run("the paginator with a limit of 2 yields every API of the region once, over two pages", func(t *testing.T) {
		p := apigateway.NewGetRestApisPaginator(srv.agClient(t, clientConfig{}), &apigateway.GetRestApisInput{Limit: aws.Int32(2)})
		var ids []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, api := range out.Items {
				ids = append(ids, aws.ToString(api.Id))
			}
		}
		if diff := cmp.Diff([]string{"a1b2c3d4e5", "b1b2c3d4e5", "c1b2c3d4e5"}, ids); diff != "" || pages != 2 {
			t.Errorf("%d pages (want 2), ids (-want +got):\n%s", pages, diff)
		}
	})

	t.Run("each API decodes with its endpoint configuration, key source, date and root resource", func(t *testing.T) {
		out, err := srv.agClient(t, clientConfig{}).GetRestApis(ctx, &apigateway.GetRestApisInput{})
		if err != nil {
			t.Fatal(err)
		}
		type api struct {
			ID, KeySource, Root string
			Types               []agtypes.EndpointType
			VPCEs               []string
			Created             time.Time
			NoExecute           bool
		}
		var got []api
		for _, a := range out.Items {
			got = append(got, api{aws.ToString(a.Id), string(a.ApiKeySource), aws.ToString(a.RootResourceId),
				a.EndpointConfiguration.Types, a.EndpointConfiguration.VpcEndpointIds, a.CreatedDate.UTC(), a.DisableExecuteApiEndpoint})
		}
		want := []api{
			{"a1b2c3d4e5", "HEADER", "r00tre5id1", []agtypes.EndpointType{"PRIVATE"}, []string{"vpce-0123456789abcdef0"}, time.Date(2024, 1, 7, 10, 0, 0, 0, time.UTC), false},
			{"b1b2c3d4e5", "HEADER", got[1].Root, []agtypes.EndpointType{"EDGE"}, nil, time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), false},
			{"c1b2c3d4e5", "AUTHORIZER", got[2].Root, []agtypes.EndpointType{"REGIONAL"}, nil, defaultTime, true},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("APIs (-want +got):\n%s", diff)
		}
		if len(got[1].Root) != 10 {
			t.Errorf("derived root resource id %q is not 10 characters", got[1].Root)
		}
	})

	t.Run("the policy arrives escaped twice and one more unescape yields the JSON document", func(t *testing.T) {
		out, err := srv.agClient(t, clientConfig{}).GetRestApis(ctx, &apigateway.GetRestApisInput{})
		if err != nil {
			t.Fatal(err)
		}
		policy := aws.ToString(out.Items[0].Policy)
		if !strings.HasPrefix(policy, `{\"Version\":\"2012-10-17\"`) || !strings.Contains(policy, `a1b2c3d4e5\/*`) {
			t.Fatalf("policy %s is not the doubly escaped form with \\\" and \\/", policy)
		}
		var doc map[string]any
		if json.Unmarshal([]byte(policy), &doc) == nil {
			t.Fatal("the policy decoded as JSON without the second unescape")
		}
		var once string // the second unescape: read it as the inside of a JSON string
		if err := json.Unmarshal([]byte(`"`+policy+`"`), &once); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(once), &doc); err != nil {
			t.Fatalf("unescaped policy %s: %v", once, err)
		}
		stmt := doc["Statement"].([]any)[0].(map[string]any)
		if stmt["Resource"] != "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*" || stmt["Principal"] != "*" {
			t.Errorf("statement %v", stmt)
		}
	})

	t.Run("another region lists only the APIs that live there", func(t *testing.T) {
		out, err := srv.agClient(t, clientConfig{region: "eu-west-1"}).GetRestApis(ctx, &apigateway.GetRestApisInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Items) != 1 || aws.ToString(out.Items[0].Id) != "d1b2c3d4e5" || out.Position != nil {
			t.Errorf("got %+v, want only d1b2c3d4e5 and no position", out.Items)
		}
	})

	bad := []struct {
		name string
		in   apigateway.GetRestApisInput
	}{
		{"a limit above 500 is a BadRequestException", apigateway.GetRestApisInput{Limit: aws.Int32(501)}},
		{"a position the fake did not issue is a BadRequestException", apigateway.GetRestApisInput{Position: aws.String("bm9wZQ")}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := srv.agClient(t, clientConfig{}).GetRestApis(ctx, &tc.in)
			var br *agtypes.BadRequestException
			if !errors.As(err, &br) {
				t.Fatalf("got %v, want *types.BadRequestException", err)
			}
		})
	}
}

func TestGetResources(t *testing.T) {
	srv := startYAML(t, agFixture, Options{})
	ctx := context.Background()
	get := func(t *testing.T, in *apigateway.GetResourcesInput) []agtypes.Resource {
		t.Helper()
		var all []agtypes.Resource
		p := apigateway.NewGetResourcesPaginator(srv.agClient(t, clientConfig{}), in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, out.Items...)
		}
		return all
	}

	t.Run("the paginator with a limit of 1 yields every resource once, root first, with derived paths", func(t *testing.T) {
		var got [][3]string
		for _, r := range get(t, &apigateway.GetResourcesInput{RestApiId: aws.String("a1b2c3d4e5"), Limit: aws.Int32(1)}) {
			got = append(got, [3]string{aws.ToString(r.Id), aws.ToString(r.ParentId), aws.ToString(r.Path)})
		}
		want := [][3]string{{"r00tre5id1", "", "/"}, {"3kzxbg5sa2", "r00tre5id1", "/orders"}, {"9xyzabc123", "3kzxbg5sa2", "/orders/{id}"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("resources (-want +got):\n%s", diff)
		}
	})

	t.Run("with embed=methods each verb carries its method and integration", func(t *testing.T) {
		rs := get(t, &apigateway.GetResourcesInput{RestApiId: aws.String("a1b2c3d4e5"), Embed: []string{"methods"}})
		want := map[string]agtypes.Method{
			"GET": {HttpMethod: aws.String("GET"), AuthorizationType: aws.String("CUSTOM"), AuthorizerId: aws.String("abc123"), ApiKeyRequired: aws.Bool(false),
				MethodIntegration: &agtypes.Integration{Type: "AWS_PROXY", HttpMethod: aws.String("POST"),
					Uri:            aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders/invocations"),
					ConnectionType: "INTERNET", PassthroughBehavior: aws.String("WHEN_NO_MATCH"), TimeoutInMillis: 29000,
					CacheNamespace: aws.String("3kzxbg5sa2"), CacheKeyParameters: []string{}}},
			"POST": {HttpMethod: aws.String("POST"), AuthorizationType: aws.String("NONE"), ApiKeyRequired: aws.Bool(true)},
		}
		if diff := cmp.Diff(want, rs[1].ResourceMethods, cmpopts.IgnoreUnexported(agtypes.Method{}, agtypes.Integration{})); diff != "" {
			t.Errorf("methods of /orders (-want +got):\n%s", diff)
		}
		if rs[0].ResourceMethods != nil {
			t.Errorf("root has methods %v, want none", rs[0].ResourceMethods)
		}
	})

	t.Run("without embed each verb is an empty method, as in the AWS CLI example", func(t *testing.T) {
		rs := get(t, &apigateway.GetResourcesInput{RestApiId: aws.String("a1b2c3d4e5")})
		if diff := cmp.Diff(map[string]agtypes.Method{"GET": {}, "POST": {}}, rs[1].ResourceMethods, cmpopts.IgnoreUnexported(agtypes.Method{})); diff != "" {
			t.Errorf("methods of /orders (-want +got):\n%s", diff)
		}
	})

	t.Run("an unknown API is a NotFoundException naming the account and the id", func(t *testing.T) {
		_, err := srv.agClient(t, clientConfig{}).GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: aws.String("zzzzzzzzzz")})
		var nf *agtypes.NotFoundException
		if !errors.As(err, &nf) || nf.ErrorMessage() != "Invalid API identifier specified 123456789012:zzzzzzzzzz" {
			t.Fatalf("got %v, want NotFoundException naming 123456789012:zzzzzzzzzz", err)
		}
		if diff := cmp.Diff(apiError{"NotFoundException", 404}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("an API of another region is not found", func(t *testing.T) {
		_, err := srv.agClient(t, clientConfig{region: "eu-west-1"}).GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: aws.String("a1b2c3d4e5")})
		if diff := cmp.Diff(apiError{"NotFoundException", 404}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

func TestGetMethodAndGetIntegration(t *testing.T) {
	srv := startYAML(t, agFixture, Options{})
	c := srv.agClient(t, clientConfig{})
	ctx := context.Background()

	t.Run("GetMethod answers the method with its integration", func(t *testing.T) {
		out, err := c.GetMethod(ctx, &apigateway.GetMethodInput{RestApiId: aws.String("a1b2c3d4e5"), ResourceId: aws.String("3kzxbg5sa2"), HttpMethod: aws.String("GET")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.AuthorizerId) != "abc123" || out.MethodIntegration == nil || out.MethodIntegration.Type != "AWS_PROXY" {
			t.Errorf("got %+v", out)
		}
	})

	t.Run("GetIntegration answers the integration", func(t *testing.T) {
		out, err := c.GetIntegration(ctx, &apigateway.GetIntegrationInput{RestApiId: aws.String("a1b2c3d4e5"), ResourceId: aws.String("3kzxbg5sa2"), HttpMethod: aws.String("GET")})
		if err != nil {
			t.Fatal(err)
		}
		if out.Type != "AWS_PROXY" || aws.ToString(out.HttpMethod) != "POST" {
			t.Errorf("got %+v", out)
		}
	})

	missing := []struct {
		name, resource, verb, message string
		integration                   bool
	}{
		{"an unknown resource is not found", "nope000000", "GET", "Invalid Resource identifier specified", false},
		{"an unknown verb is not found", "3kzxbg5sa2", "PUT", "Invalid Method identifier specified", false},
		{"a method without an integration has no integration", "3kzxbg5sa2", "POST", "No integration defined for method", true},
	}
	for _, tc := range missing {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.integration {
				_, err = c.GetIntegration(ctx, &apigateway.GetIntegrationInput{RestApiId: aws.String("a1b2c3d4e5"), ResourceId: aws.String(tc.resource), HttpMethod: aws.String(tc.verb)})
			} else {
				_, err = c.GetMethod(ctx, &apigateway.GetMethodInput{RestApiId: aws.String("a1b2c3d4e5"), ResourceId: aws.String(tc.resource), HttpMethod: aws.String(tc.verb)})
			}
			var nf *agtypes.NotFoundException
			if !errors.As(err, &nf) || nf.ErrorMessage() != tc.message {
				t.Errorf("got %v, want NotFoundException %q", err, tc.message)
			}
		})
	}
}

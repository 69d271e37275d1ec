package fakeaws

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	v2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const agv2Fixture = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    apigatewayv2:
      apis:
        - id: h1b2c3d4e5
          name: http-api
          protocol_type: HTTP
          created: 2024-01-07T10:00:00Z
          routes:
            - {id: r1a2b3c, route_key: "GET /orders", authorization_type: JWT, authorizer_id: au1b2c3, target: integrations/in1b2c3}
            - {id: r2a2b3c, route_key: "POST /orders", authorization_type: AWS_IAM, target: integrations/in2b2c3}
            - {id: r3a2b3c, route_key: "GET /admin", authorization_type: CUSTOM, authorizer_id: au2b2c3, api_key_required: true, target: integrations/in3b2c3}
            - {id: r9z8y7x, route_key: $default}
          authorizers:
            - {id: au1b2c3, name: cognito, type: JWT, identity_source: ["$request.header.Authorization"], jwt_issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE", jwt_audience: [example-client]}
            - {id: au2b2c3, name: lambda-auth, type: REQUEST, identity_source: ["$request.header.X-Token"], authorizer_uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations", enable_simple_responses: true}
          integrations:
            - {id: in1b2c3, type: AWS_PROXY, uri: "arn:aws:lambda:us-east-1:123456789012:function:orders", payload_format_version: "2.0"}
            - {id: in2b2c3, type: AWS_PROXY, subtype: SQS-SendMessage, credentials_arn: "arn:aws:iam::123456789012:role/apigw-sqs", request_parameters: {QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/inbox", MessageBody: "$request.body"}}
            - {id: in3b2c3, type: HTTP_PROXY, uri: "https://api.payments.example.com", method: ANY}
          stages:
            - {name: $default, auto_deploy: true, created: 2024-01-07T10:00:00Z, last_updated: 2024-01-08T09:30:00Z,
               access_log_destination: "arn:aws:logs:us-east-1:123456789012:log-group:http-api", access_log_format: "$context.requestId",
               variables: {backend: orders}}
            - {name: dev}
        - {id: w1b2c3d4e5, name: chat, protocol_type: WEBSOCKET, disable_execute_api_endpoint: true}
        - {id: x1b2c3d4e5, name: third, protocol_type: HTTP}
        - {id: y1b2c3d4e5, name: ireland, protocol_type: HTTP, region: eu-west-1}
`

func (s *Server) agv2Client(t *testing.T, cc clientConfig) *apigatewayv2.Client {
	return apigatewayv2.NewFromConfig(s.config(t, cc), func(o *apigatewayv2.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

// agv2All loops on NextToken by hand (the Go SDK has no v2 paginators),
// returning every item and the number of pages.
func agv2All[T any](t *testing.T, call func(token *string) ([]T, *string, error)) ([]T, int) {
	t.Helper()
	var all []T
	var token *string
	for pages := 1; ; pages++ {
		items, next, err := call(token)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, items...)
		if aws.ToString(next) == "" {
			return all, pages
		}
		token = next
	}
}

func TestGetApis(t *testing.T) {
	srv := startYAML(t, agv2Fixture, Options{})
	c := srv.agv2Client(t, clientConfig{})
	ctx := context.Background()

	t.Run("without maxResults every API of the region comes back with no nextToken", func(t *testing.T) {
		out, err := c.GetApis(ctx, &apigatewayv2.GetApisInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Items) != 3 || out.NextToken != nil {
			t.Fatalf("got %d APIs and token %v, want 3 and none", len(out.Items), out.NextToken)
		}
		type api struct{ ID, Protocol, Endpoint, RSE string }
		var got []api
		for _, a := range out.Items {
			got = append(got, api{aws.ToString(a.ApiId), string(a.ProtocolType), aws.ToString(a.ApiEndpoint), aws.ToString(a.RouteSelectionExpression)})
		}
		want := []api{
			{"h1b2c3d4e5", "HTTP", "https://h1b2c3d4e5.execute-api.us-east-1.amazonaws.com", "$request.method $request.path"},
			{"w1b2c3d4e5", "WEBSOCKET", "wss://w1b2c3d4e5.execute-api.us-east-1.amazonaws.com", "$request.body.action"},
			{"x1b2c3d4e5", "HTTP", "https://x1b2c3d4e5.execute-api.us-east-1.amazonaws.com", "$request.method $request.path"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("APIs (-want +got):\n%s", diff)
		}
		if !out.Items[0].CreatedDate.Equal(time.Date(2024, 1, 7, 10, 0, 0, 0, time.UTC)) || !aws.ToBool(out.Items[1].DisableExecuteApiEndpoint) {
			t.Errorf("created %v, websocket execute endpoint disabled %v", out.Items[0].CreatedDate, out.Items[1].DisableExecuteApiEndpoint)
		}
	})

	t.Run("a manual nextToken loop with maxResults 2 yields every API once over two pages", func(t *testing.T) {
		apis, pages := agv2All(t, func(tok *string) ([]v2types.Api, *string, error) {
			out, err := c.GetApis(ctx, &apigatewayv2.GetApisInput{MaxResults: aws.String("2"), NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return out.Items, out.NextToken, nil
		})
		var ids []string
		for _, a := range apis {
			ids = append(ids, aws.ToString(a.ApiId))
		}
		if diff := cmp.Diff([]string{"h1b2c3d4e5", "w1b2c3d4e5", "x1b2c3d4e5"}, ids); diff != "" || pages != 2 {
			t.Errorf("%d pages (want 2), ids (-want +got):\n%s", pages, diff)
		}
	})

	t.Run("maxResults that is not a number is a BadRequestException", func(t *testing.T) {
		_, err := c.GetApis(ctx, &apigatewayv2.GetApisInput{MaxResults: aws.String("many")})
		var br *v2types.BadRequestException
		if !errors.As(err, &br) {
			t.Errorf("got %v, want *types.BadRequestException", err)
		}
	})
}

func TestAPIGatewayV2Children(t *testing.T) {
	srv := startYAML(t, agv2Fixture, Options{})
	c := srv.agv2Client(t, clientConfig{})
	ctx := context.Background()
	id := aws.String("h1b2c3d4e5")
	ignore := cmpopts.IgnoreUnexported(v2types.Route{}, v2types.Authorizer{}, v2types.JWTConfiguration{}, v2types.Integration{})

	t.Run("a manual loop over routes, 3 at a time, yields every route with its authorization and target", func(t *testing.T) {
		routes, pages := agv2All(t, func(tok *string) ([]v2types.Route, *string, error) {
			out, err := c.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: id, MaxResults: aws.String("3"), NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return out.Items, out.NextToken, nil
		})
		f := aws.Bool(false)
		want := []v2types.Route{
			{RouteId: aws.String("r1a2b3c"), RouteKey: aws.String("GET /orders"), AuthorizationType: "JWT", AuthorizerId: aws.String("au1b2c3"), ApiKeyRequired: f, ApiGatewayManaged: f, Target: aws.String("integrations/in1b2c3")},
			{RouteId: aws.String("r2a2b3c"), RouteKey: aws.String("POST /orders"), AuthorizationType: "AWS_IAM", ApiKeyRequired: f, ApiGatewayManaged: f, Target: aws.String("integrations/in2b2c3")},
			{RouteId: aws.String("r3a2b3c"), RouteKey: aws.String("GET /admin"), AuthorizationType: "CUSTOM", AuthorizerId: aws.String("au2b2c3"), ApiKeyRequired: aws.Bool(true), ApiGatewayManaged: f, Target: aws.String("integrations/in3b2c3")},
			{RouteId: aws.String("r9z8y7x"), RouteKey: aws.String("$default"), AuthorizationType: "NONE", ApiKeyRequired: f, ApiGatewayManaged: f},
		}
		if diff := cmp.Diff(want, routes, ignore); diff != "" || pages != 2 {
			t.Errorf("%d pages (want 2), routes (-want +got):\n%s", pages, diff)
		}
	})

	t.Run("a manual loop over authorizers yields the JWT configuration and the Lambda URI", func(t *testing.T) {
		auths, _ := agv2All(t, func(tok *string) ([]v2types.Authorizer, *string, error) {
			out, err := c.GetAuthorizers(ctx, &apigatewayv2.GetAuthorizersInput{ApiId: id, MaxResults: aws.String("1"), NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return out.Items, out.NextToken, nil
		})
		want := []v2types.Authorizer{
			{AuthorizerId: aws.String("au1b2c3"), Name: aws.String("cognito"), AuthorizerType: "JWT", IdentitySource: []string{"$request.header.Authorization"},
				JwtConfiguration: &v2types.JWTConfiguration{Audience: []string{"example-client"}, Issuer: aws.String("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE")}},
			{AuthorizerId: aws.String("au2b2c3"), Name: aws.String("lambda-auth"), AuthorizerType: "REQUEST", IdentitySource: []string{"$request.header.X-Token"},
				AuthorizerUri:                  aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"),
				AuthorizerPayloadFormatVersion: aws.String("2.0"), EnableSimpleResponses: aws.Bool(true)},
		}
		if diff := cmp.Diff(want, auths, ignore); diff != "" {
			t.Errorf("authorizers (-want +got):\n%s", diff)
		}
	})

	t.Run("a manual loop over integrations yields types, URIs, subtypes and credentials", func(t *testing.T) {
		ints, _ := agv2All(t, func(tok *string) ([]v2types.Integration, *string, error) {
			out, err := c.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: id, MaxResults: aws.String("2"), NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return out.Items, out.NextToken, nil
		})
		type in struct{ ID, Type, URI, Subtype, Creds, Payload, Method string }
		var got []in
		for _, i := range ints {
			got = append(got, in{aws.ToString(i.IntegrationId), string(i.IntegrationType), aws.ToString(i.IntegrationUri), aws.ToString(i.IntegrationSubtype),
				aws.ToString(i.CredentialsArn), aws.ToString(i.PayloadFormatVersion), aws.ToString(i.IntegrationMethod)})
		}
		want := []in{
			{"in1b2c3", "AWS_PROXY", "arn:aws:lambda:us-east-1:123456789012:function:orders", "", "", "2.0", ""},
			{"in2b2c3", "AWS_PROXY", "", "SQS-SendMessage", "arn:aws:iam::123456789012:role/apigw-sqs", "1.0", ""},
			{"in3b2c3", "HTTP_PROXY", "https://api.payments.example.com", "", "", "1.0", "ANY"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("integrations (-want +got):\n%s", diff)
		}
		if ints[1].RequestParameters["QueueUrl"] != "https://sqs.us-east-1.amazonaws.com/123456789012/inbox" || aws.ToInt32(ints[0].TimeoutInMillis) != 30000 {
			t.Errorf("request parameters %v, timeout %v", ints[1].RequestParameters, ints[0].TimeoutInMillis)
		}
	})

	t.Run("stages decode with ISO 8601 dates, access log settings and variables", func(t *testing.T) {
		out, err := c.GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: id})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Items) != 2 || out.NextToken != nil {
			t.Fatalf("got %d stages, token %v", len(out.Items), out.NextToken)
		}
		st := out.Items[0]
		if aws.ToString(st.StageName) != "$default" || !aws.ToBool(st.AutoDeploy) ||
			!st.LastUpdatedDate.Equal(time.Date(2024, 1, 8, 9, 30, 0, 0, time.UTC)) ||
			aws.ToString(st.AccessLogSettings.DestinationArn) != "arn:aws:logs:us-east-1:123456789012:log-group:http-api" ||
			aws.ToString(st.AccessLogSettings.Format) != "$context.requestId" || st.StageVariables["backend"] != "orders" ||
			aws.ToBool(st.DefaultRouteSettings.DetailedMetricsEnabled) {
			t.Errorf("$default stage %+v", st)
		}
		if out.Items[1].AccessLogSettings != nil || !out.Items[1].CreatedDate.Equal(defaultTime) {
			t.Errorf("dev stage %+v", out.Items[1])
		}
	})
}

func TestAPIGatewayV2Errors(t *testing.T) {
	ctx := context.Background()

	t.Run("an unknown API is a NotFoundException naming the account and the id", func(t *testing.T) {
		srv := startYAML(t, agv2Fixture, Options{})
		_, err := srv.agv2Client(t, clientConfig{}).GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String("zzzzzzzzzz")})
		var nf *v2types.NotFoundException
		if !errors.As(err, &nf) || nf.ErrorMessage() != "Invalid API identifier specified 123456789012:zzzzzzzzzz" {
			t.Fatalf("got %v", err)
		}
		if diff := cmp.Diff(apiError{"NotFoundException", 404}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("a TooManyRequestsException once is retried by the SDK and then succeeds", func(t *testing.T) {
		srv := startYAML(t, agv2Fixture+"faults:\n  - {service: apigatewayv2, api: GetIntegrations, resource: h1b2c3d4e5, error: Throttling, count: 1}\n", Options{})
		if _, err := srv.agv2Client(t, clientConfig{}).GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: aws.String("h1b2c3d4e5")}); err != nil {
			t.Fatal(err)
		}
		if st := srv.Stats(); st.Calls["apigatewayv2:GetIntegrations"] != 2 || st.Faults["apigatewayv2:GetIntegrations"] != 1 {
			t.Errorf("calls %v faults %v", st.Calls, st.Faults)
		}
	})

	t.Run("AccessDenied is AccessDeniedException 403, generic because GetApis does not model it", func(t *testing.T) {
		srv := startYAML(t, agv2Fixture+"faults:\n  - {service: apigatewayv2, api: GetApis, error: AccessDenied}\n", Options{})
		_, err := srv.agv2Client(t, clientConfig{}).GetApis(ctx, &apigatewayv2.GetApisInput{})
		if diff := cmp.Diff(apiError{"AccessDeniedException", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		var ad *v2types.AccessDeniedException // modeled only on domain-name and routing-rule operations
		if errors.As(err, &ad) {
			t.Errorf("GetApis decoded %v as the typed AccessDeniedException", err)
		}
	})
}

package apigatewayv2

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/collectors/apigateway"
	"github.com/trustmap/trustmap/graph"
)

// api reads one HTTP or WebSocket API's routes, authorizers, integrations
// and stages and adds the API, its routes and stages and their edges. A
// failed read leaves its fact Unknown and records a gap naming the API; an
// API deleted while it was being read (NotFoundException) is left out.
func (c *Collector) api(ctx context.Context, t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, client api, a types.Api) {
	id := aws.ToString(a.ApiId)
	arn := apigateway.HTTPAPIARN(t.Region, id)
	in := struct{ ApiId, MaxResults *string }{aws.String(id), aws.String(pageSize)}
	gone := false
	read := func(op string, err error) graph.Tri {
		switch {
		case err == nil:
			return graph.True
		case collectors.IsNotFound(err):
			gone = true
		default:
			gaps.Fail(t.Region, op, id, err)
		}
		return graph.Unknown
	}

	stages, err := pages(func(next *string) ([]types.Stage, *string, error) {
		out, err := client.GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: in.ApiId, MaxResults: in.MaxResults, NextToken: next})
		if err != nil {
			return nil, nil, err
		}
		return out.Items, out.NextToken, nil
	})
	stagesKnown := read("GetStages", err)
	auths, err := pages(func(next *string) ([]types.Authorizer, *string, error) {
		out, err := client.GetAuthorizers(ctx, &apigatewayv2.GetAuthorizersInput{ApiId: in.ApiId, MaxResults: in.MaxResults, NextToken: next})
		if err != nil {
			return nil, nil, err
		}
		return out.Items, out.NextToken, nil
	})
	authKnown := read("GetAuthorizers", err)
	integrations, err := pages(func(next *string) ([]types.Integration, *string, error) {
		out, err := client.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: in.ApiId, MaxResults: in.MaxResults, NextToken: next})
		if err != nil {
			return nil, nil, err
		}
		return out.Items, out.NextToken, nil
	})
	intKnown := read("GetIntegrations", err)
	routes, err := pages(func(next *string) ([]types.Route, *string, error) {
		out, err := client.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: in.ApiId, MaxResults: in.MaxResults, NextToken: next})
		if err != nil {
			return nil, nil, err
		}
		return out.Items, out.NextToken, nil
	})
	routesKnown := read("GetRoutes", err)
	if gone {
		return
	}

	attrs := &graph.HTTPAPI{
		APIID: id, ProtocolType: string(a.ProtocolType), Endpoint: aws.ToString(a.ApiEndpoint),
		DisableExecuteAPIEndpoint: aws.ToBool(a.DisableExecuteApiEndpoint),
		RoutesKnown:               routesKnown, StagesKnown: stagesKnown, AuthorizersKnown: authKnown,
	}
	byID := map[string]graph.Authorizer{}
	for _, au := range auths {
		ga := graph.Authorizer{
			ID: aws.ToString(au.AuthorizerId), Name: aws.ToString(au.Name), Type: string(au.AuthorizerType),
			URI: aws.ToString(au.AuthorizerUri), IdentitySource: au.IdentitySource,
		}
		ga.Function = apigateway.AuthorizerFunction(ga.URI)
		if j := au.JwtConfiguration; j != nil {
			ga.JWTIssuer, ga.JWTAudience = aws.ToString(j.Issuer), j.Audience
		}
		attrs.Authorizers = append(attrs.Authorizers, ga)
		byID[ga.ID] = ga
	}
	// GetApis and GetStages return the tags: reading them costs no call.
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindHTTPAPI, Name: aws.ToString(a.Name), Account: t.Account, Region: t.Region, Attrs: attrs, Tags: graph.TagMap(a.Tags)})

	vars := apigateway.Stages{}
	for _, s := range stages {
		name := aws.ToString(s.StageName)
		vars[name] = s.StageVariables
		st := &graph.APIStage{APIID: id, StageName: name, AutoDeploy: aws.ToBool(s.AutoDeploy)}
		if s.AccessLogSettings != nil && aws.ToString(s.AccessLogSettings.DestinationArn) != "" {
			st.AccessLogging = true
		}
		sid := StageARN(arn, name)
		b.AddNode(graph.Node{ID: sid, Kind: graph.KindHTTPAPIStage, Name: name, Account: t.Account, Region: t.Region, Attrs: st, Tags: graph.TagMap(s.Tags)})
		b.AddEdge(graph.Edge{From: arn, To: sid, Kind: graph.EdgeContains, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: "apigatewayv2:GetStages", Detail: "stage " + name}}})
	}

	ints := map[string]types.Integration{}
	for _, it := range integrations {
		ints[aws.ToString(it.IntegrationId)] = it
	}
	for _, r := range routes {
		addRoute(t, b, arn, r, routeContext{apiID: id, integrations: ints, intKnown: intKnown, authorizers: byID, stages: vars})
	}
}

type routeContext struct {
	apiID        string
	integrations map[string]types.Integration
	intKnown     graph.Tri
	authorizers  map[string]graph.Authorizer
	stages       apigateway.Stages
}

// addRoute adds a route node and its edges: contained by the API,
// integrating with its target, authorized by its authorizer.
func addRoute(t collectors.Target, b *graph.Builder, apiARN string, r types.Route, rc routeContext) {
	key := aws.ToString(r.RouteKey)
	m := &graph.APIMethod{
		APIID: rc.apiID, RouteKey: key,
		AuthorizationType: string(r.AuthorizationType), AuthorizerID: aws.ToString(r.AuthorizerId),
		APIKeyRequired: aws.ToBool(r.ApiKeyRequired),
	}
	if verb, path, ok := strings.Cut(key, " "); ok && strings.HasPrefix(path, "/") {
		m.HTTPMethod, m.Path = verb, path
	}
	id := RouteARN(apiARN, aws.ToString(r.RouteId))

	// The target is "integrations/ID"; a route without one has no integration.
	var it *types.Integration
	intID, hasTarget := strings.CutPrefix(aws.ToString(r.Target), "integrations/")
	switch {
	case !hasTarget:
		m.IntegrationKnown = graph.True
	case rc.intKnown == graph.True:
		m.IntegrationKnown = graph.True
		if found, ok := rc.integrations[intID]; ok {
			it = &found
			m.IntegrationType, m.IntegrationURI = string(found.IntegrationType), aws.ToString(found.IntegrationUri)
		}
	}
	b.AddNode(graph.Node{ID: id, Kind: graph.KindHTTPAPIRoute, Name: key, Account: t.Account, Region: t.Region, Attrs: m})
	b.AddEdge(graph.Edge{From: apiARN, To: id, Kind: graph.EdgeContains, Certainty: graph.True,
		Evidence: []graph.Evidence{{Source: "apigatewayv2:GetRoutes", Detail: "route " + key}}})

	if it != nil {
		addIntegration(t, b, id, *it, rc.stages)
	}
	au, ok := rc.authorizers[m.AuthorizerID]
	if !ok || m.AuthorizerID == "" {
		return
	}
	detail := fmt.Sprintf("%s authorizer %s (%s)", m.AuthorizationType, au.ID, au.Name)
	switch {
	case au.Function != "":
		b.AddEdge(graph.Edge{From: id, To: au.Function, Kind: graph.EdgeAuthorizedBy, Via: graph.ViaLambdaAuthorizer, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: "apigatewayv2:GetAuthorizers", Detail: detail + "; " + au.URI}}})
	case au.JWTIssuer != "":
		// The issuer decides who gets a token the route accepts.
		b.AddNode(graph.Node{ID: au.JWTIssuer, Kind: graph.KindExternalEndpoint, Name: hostOf(au.JWTIssuer)})
		b.AddEdge(graph.Edge{From: id, To: au.JWTIssuer, Kind: graph.EdgeAuthorizedBy, Via: graph.ViaJWTAuthorizer, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: "apigatewayv2:GetAuthorizers", Detail: detail + "; audience " + strings.Join(au.JWTAudience, ", ")}}})
	}
}

// addIntegration adds the edges of one route's integration. HTTP API
// service integrations (an IntegrationSubtype such as SQS-SendMessage) name
// their resource in request parameters rather than in the URI.
func addIntegration(t collectors.Target, b *graph.Builder, routeID string, it types.Integration, stages apigateway.Stages) {
	const source = "apigatewayv2:GetIntegrations"
	in := apigateway.Integration{
		Type: string(it.IntegrationType), URI: aws.ToString(it.IntegrationUri), ConnectionType: string(it.ConnectionType),
		Region: t.Region, Account: t.Account,
	}
	apigateway.AddIntegrationEdges(b, routeID, in, stages, source)
	if sub := aws.ToString(it.IntegrationSubtype); sub != "" {
		for param, v := range it.RequestParameters {
			if to := serviceResource(param, v); to != "" {
				b.AddEdge(graph.Edge{From: routeID, To: to, Kind: graph.EdgeIntegratesWith, Via: graph.ViaIntegration, Certainty: graph.True,
					Evidence: []graph.Evidence{{Source: source, Detail: fmt.Sprintf("%s integration %s, parameter %s", in.Type, sub, param)}}})
			}
		}
	}
	if role := aws.ToString(it.CredentialsArn); strings.HasPrefix(role, "arn:") && !strings.Contains(role, ":user/*") {
		b.AddEdge(graph.Edge{From: routeID, To: role, Kind: graph.EdgeExecutesAs, Via: graph.ViaIntegrationCredentials, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: source, Detail: "the integration calls its backend as this role"}}})
	}
}

// serviceResource returns the ARN a service integration's request parameter
// names literally: an ARN, or an SQS queue URL.
func serviceResource(param, v string) string {
	if strings.Contains(v, "$") {
		return "" // a mapping expression, resolved per request
	}
	if strings.HasPrefix(v, "arn:") {
		return v
	}
	if strings.EqualFold(param, "QueueUrl") {
		// https://sqs.REGION.amazonaws.com/ACCOUNT/NAME
		rest, ok := strings.CutPrefix(v, "https://sqs.")
		if !ok {
			return ""
		}
		host, path, _ := strings.Cut(rest, "/")
		region, _, _ := strings.Cut(host, ".")
		acct, name, ok := strings.Cut(path, "/")
		if ok && region != "" && acct != "" && name != "" && !strings.Contains(name, "/") {
			return "arn:aws:sqs:" + region + ":" + acct + ":" + name
		}
	}
	return ""
}

func hostOf(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	host, _, _ := strings.Cut(rest, "/")
	return host
}

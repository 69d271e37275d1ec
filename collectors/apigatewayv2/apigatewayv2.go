// Package apigatewayv2 collects API Gateway HTTP and WebSocket APIs (v2):
// each API with its routes (authorization type, authorizer, API-key
// requirement), authorizers (Lambda and JWT), integrations and stages.
//
// Calls, per region: GetApis (pages of 500). Per API: GetRoutes,
// GetAuthorizers, GetIntegrations and GetStages, each paged by hand on
// NextToken (the Go SDK has no paginators for API Gateway v2) with pages of
// 500. Custom domain names are shared with REST APIs and read by the
// apigateway collector, whose base path mappings also name HTTP APIs.
package apigatewayv2

import (
	"context"
	"errors"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const (
	service = "apigatewayv2"
	// pageSize is MaxResults for every v2 list, a string in the API model.
	// AWS documents no maximum; 500 matches the REST API's.
	pageSize = "500"
)

// api is the part of the API Gateway v2 client the collector uses: reads only.
type api interface {
	GetApis(context.Context, *apigatewayv2.GetApisInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetApisOutput, error)
	GetRoutes(context.Context, *apigatewayv2.GetRoutesInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetRoutesOutput, error)
	GetAuthorizers(context.Context, *apigatewayv2.GetAuthorizersInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetAuthorizersOutput, error)
	GetIntegrations(context.Context, *apigatewayv2.GetIntegrationsInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetIntegrationsOutput, error)
	GetStages(context.Context, *apigatewayv2.GetStagesInput, ...func(*apigatewayv2.Options)) (*apigatewayv2.GetStagesOutput, error)
}

// Collector reads API Gateway HTTP and WebSocket APIs in one account and region.
type Collector struct {
	// APIConcurrency bounds the APIs read at once (default 8); the runner's
	// rate limits bound the calls themselves.
	APIConcurrency int
}

// New returns the API Gateway v2 collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer. IAM names every API Gateway
// management read, v1 or v2, apigateway:GET.
func (*Collector) Clients() []collectors.ClientSpec {
	get := []string{"apigateway:GET"}
	return []collectors.ClientSpec{{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
		"GetApis":         get,
		"GetRoutes":       get,
		"GetAuthorizers":  get,
		"GetIntegrations": get,
		"GetStages":       get,
	}}}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, apigatewayv2.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	gaps := collectors.NewGaps(t, b, service)
	apis, err := pages(func(next *string) ([]types.Api, *string, error) {
		out, err := client.GetApis(ctx, &apigatewayv2.GetApisInput{MaxResults: aws.String(pageSize), NextToken: next})
		if err != nil {
			return nil, nil, err
		}
		return out.Items, out.NextToken, nil
	})
	if err != nil {
		gaps.Fail(t.Region, "GetApis", "", err)
		if errors.Is(err, context.Canceled) {
			return err
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, c.concurrency()))
	for _, a := range apis {
		g.Go(func() error {
			c.api(gctx, t, b, gaps, client, a)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return gaps.Done(ctx)
}

func (c *Collector) concurrency() int {
	if c.APIConcurrency > 0 {
		return c.APIConcurrency
	}
	return 8
}

// pages calls fetch with each NextToken until a page has none. A token seen
// twice ends the listing rather than looping. Items read before an error are
// returned with it.
func pages[T any](fetch func(next *string) ([]T, *string, error)) ([]T, error) {
	var out []T
	var next *string
	seen := map[string]bool{}
	for {
		items, tok, err := fetch(next)
		if err != nil {
			return out, err
		}
		out = append(out, items...)
		s := aws.ToString(tok)
		if s == "" || seen[s] {
			return out, nil
		}
		seen[s] = true
		next = aws.String(s)
	}
}

// RouteARN is the ARN (and node id) of an HTTP or WebSocket API route.
func RouteARN(apiARN, routeID string) string { return apiARN + "/routes/" + routeID }

// StageARN is the ARN of an HTTP or WebSocket API stage.
func StageARN(apiARN, stage string) string { return apiARN + "/stages/" + stage }

// Package apigateway collects API Gateway REST APIs (v1): each API with its
// endpoint type and resource policy, its resources and methods (authorization
// type, authorizer, API-key requirement, integration), its authorizers and
// stages, and the region's custom domain names with their base path mappings.
//
// Calls, per region: GetRestApis (pages of 500), GetDomainNames (pages of
// 500) and, per domain, GetBasePathMappings (pages of 500). Per API: one
// paged GetResources with embed=methods (pages of 500; API Gateway allows 5
// GetResources per 2 s per account, shared with the customer's deploys, so it
// is never called per resource), GetAuthorizers (pages of 500, a manual
// Position loop: the Go SDK has no paginator for it) and GetStages (not
// paged). GetIntegration is called only for a method whose embedded
// representation lacks methodIntegration, within a per-region budget (see
// Collector.IntegrationLookups).
package apigateway

import (
	"context"
	"errors"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const (
	service  = "apigateway"
	pageSize = 500 // the maximum API Gateway accepts for limit
)

// api is the part of the API Gateway client the collector uses: reads only.
type api interface {
	GetRestApis(context.Context, *apigateway.GetRestApisInput, ...func(*apigateway.Options)) (*apigateway.GetRestApisOutput, error)
	GetResources(context.Context, *apigateway.GetResourcesInput, ...func(*apigateway.Options)) (*apigateway.GetResourcesOutput, error)
	GetIntegration(context.Context, *apigateway.GetIntegrationInput, ...func(*apigateway.Options)) (*apigateway.GetIntegrationOutput, error)
	GetAuthorizers(context.Context, *apigateway.GetAuthorizersInput, ...func(*apigateway.Options)) (*apigateway.GetAuthorizersOutput, error)
	GetStages(context.Context, *apigateway.GetStagesInput, ...func(*apigateway.Options)) (*apigateway.GetStagesOutput, error)
	GetDomainNames(context.Context, *apigateway.GetDomainNamesInput, ...func(*apigateway.Options)) (*apigateway.GetDomainNamesOutput, error)
	GetBasePathMappings(context.Context, *apigateway.GetBasePathMappingsInput, ...func(*apigateway.Options)) (*apigateway.GetBasePathMappingsOutput, error)
}

// Collector reads API Gateway REST APIs in one account and region.
type Collector struct {
	// APIConcurrency bounds the APIs read at once (default 8); the runner's
	// rate limits bound the calls themselves.
	APIConcurrency int
	// IntegrationLookups bounds the GetIntegration calls per region made for
	// methods whose GetResources entry carries no methodIntegration
	// (default 100, about 10 s of API Gateway's shared 10 rps; negative
	// disables them). Methods beyond it keep IntegrationKnown Unknown and
	// their API gets a coverage gap.
	IntegrationLookups int
}

// New returns the API Gateway (REST) collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer. IAM names every API Gateway
// management read apigateway:GET (on the resource's path ARN).
func (*Collector) Clients() []collectors.ClientSpec {
	get := []string{"apigateway:GET"}
	return []collectors.ClientSpec{{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
		"GetRestApis":         get,
		"GetResources":        get,
		"GetIntegration":      get,
		"GetAuthorizers":      get,
		"GetStages":           get,
		"GetDomainNames":      get,
		"GetBasePathMappings": get,
	}}}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, apigateway.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	gaps := collectors.NewGaps(t, b, service)
	var apis []types.RestApi
	listed := true
	p := apigateway.NewGetRestApisPaginator(client, &apigateway.GetRestApisInput{Limit: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			gaps.Fail(t.Region, "GetRestApis", "", err)
			if errors.Is(err, context.Canceled) {
				return err
			}
			listed = false
			break
		}
		apis = append(apis, page.Items...)
	}

	known := map[string]bool{}
	for _, a := range apis {
		known[aws.ToString(a.Id)] = true
	}
	budget := newBudget(c.IntegrationLookups)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, c.concurrency()))
	for _, a := range apis {
		g.Go(func() error {
			c.restAPI(gctx, t, b, gaps, client, a, budget)
			return nil
		})
	}
	g.Go(func() error {
		c.domains(gctx, t, b, gaps, client, restIDs{known: known, complete: listed})
		return nil
	})
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

// APIARN is the ARN (and node id) of a REST API.
func APIARN(region, id string) string { return "arn:aws:apigateway:" + region + "::/restapis/" + id }

// MethodARN is the ARN of a method: a resource and an HTTP verb.
func MethodARN(region, apiID, resourceID, verb string) string {
	return APIARN(region, apiID) + "/resources/" + resourceID + "/methods/" + verb
}

// StageARN is the ARN of a REST API stage.
func StageARN(region, apiID, stage string) string { return APIARN(region, apiID) + "/stages/" + stage }

// DomainARN is the ARN of a custom domain name.
func DomainARN(region, name string) string {
	return "arn:aws:apigateway:" + region + "::/domainnames/" + name
}

// HTTPAPIARN is the ARN of an HTTP or WebSocket API (API Gateway v2).
func HTTPAPIARN(region, id string) string { return "arn:aws:apigateway:" + region + "::/apis/" + id }

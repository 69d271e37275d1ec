// Package cloudfront collects CloudFront distributions — their origins,
// cache behaviors, viewer protocol and TLS settings, web ACL and edge
// functions — with the origin access controls and legacy origin access
// identities their S3 origins read through.
//
// # Calls
//
// CloudFront is global: one task per account, signed for us-east-1. Three
// listings side by side, 100 items a page: ListDistributions (whose
// summaries carry everything trustmap judges, so no GetDistribution per
// distribution), ListOriginAccessControls (each OAC's signing behavior) and
// ListCloudFrontOriginAccessIdentities (each OAI's S3 canonical user id, so
// bucket policies naming either form of an OAI are matched). An account
// with D distributions, C OACs and I OAIs costs ⌈D/100⌉ + ⌈C/100⌉ + ⌈I/100⌉
// calls.
//
// What the graph gets: a CloudFrontDistribution node per distribution, a
// CloudFrontOriginAccessIdentity node per OAI, a filters edge from the
// distribution's WAFv2 web ACL (read by the wafv2 collector) and an
// integrates-with edge to each Lambda@Edge function. The routes-to edges to
// origins are drawn by graph.Resolve, which knows every collected node's
// host names (graph/resolve_cloudfront.go). Origin custom header values are
// never kept: they are often the secret an origin checks.
package cloudfront

import (
	"context"
	"reflect"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const (
	service = "cloudfront"
	// region is where CloudFront's global endpoint is signed for.
	region = "us-east-1"
	// pageSize is the page asked for (MaxItems).
	pageSize = 100
)

// api is the part of the CloudFront client the collector uses: reads only.
type api interface {
	ListDistributions(context.Context, *cloudfront.ListDistributionsInput, ...func(*cloudfront.Options)) (*cloudfront.ListDistributionsOutput, error)
	ListOriginAccessControls(context.Context, *cloudfront.ListOriginAccessControlsInput, ...func(*cloudfront.Options)) (*cloudfront.ListOriginAccessControlsOutput, error)
	ListCloudFrontOriginAccessIdentities(context.Context, *cloudfront.ListCloudFrontOriginAccessIdentitiesInput, ...func(*cloudfront.Options)) (*cloudfront.ListCloudFrontOriginAccessIdentitiesOutput, error)
}

// Collector reads CloudFront once per account.
type Collector struct{}

// New returns the CloudFront collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Global }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"ListDistributions":                    {"cloudfront:ListDistributions"},
			"ListOriginAccessControls":             {"cloudfront:ListOriginAccessControls"},
			"ListCloudFrontOriginAccessIdentities": {"cloudfront:ListCloudFrontOriginAccessIdentities"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	cfg := t.Config.Copy()
	cfg.Region = region
	return c.collect(ctx, t, b, cloudfront.NewFromConfig(cfg))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	gaps := collectors.NewGaps(t, b, service)
	var (
		wg    sync.WaitGroup
		oacs  map[string]types.OriginAccessControlSummary
		dists []types.DistributionSummary
	)
	wg.Add(3)
	go func() { defer wg.Done(); oacs = c.originAccessControls(ctx, client, gaps) }()
	go func() { defer wg.Done(); c.originAccessIdentities(ctx, t, b, client, gaps) }()
	go func() { defer wg.Done(); dists = c.distributions(ctx, client, gaps) }()
	wg.Wait()
	for _, d := range dists {
		addDistribution(t, b, d, oacs)
	}
	return gaps.Done(ctx)
}

// distributions lists every distribution summary.
func (c *Collector) distributions(ctx context.Context, client api, gaps *collectors.Gaps) []types.DistributionSummary {
	var out []types.DistributionSummary
	p := cloudfront.NewListDistributionsPaginator(client, &cloudfront.ListDistributionsInput{MaxItems: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			gaps.Fail("", "ListDistributions", "", err)
			break
		}
		if page.DistributionList != nil {
			out = append(out, page.DistributionList.Items...)
		}
	}
	return out
}

// originAccessControls lists the account's OACs by id; nil when they could
// not be listed (origins then keep their OAC id with an unknown signing
// behavior).
func (c *Collector) originAccessControls(ctx context.Context, client api, gaps *collectors.Gaps) map[string]types.OriginAccessControlSummary {
	out := map[string]types.OriginAccessControlSummary{}
	p := cloudfront.NewListOriginAccessControlsPaginator(client, &cloudfront.ListOriginAccessControlsInput{MaxItems: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			gaps.Fail("", "ListOriginAccessControls", "", err)
			return nil
		}
		if page.OriginAccessControlList != nil {
			for _, o := range page.OriginAccessControlList.Items {
				out[aws.ToString(o.Id)] = o
			}
		}
	}
	return out
}

// originAccessIdentities adds a node per OAI, with its S3 canonical user id.
func (c *Collector) originAccessIdentities(ctx context.Context, t collectors.Target, b *graph.Builder, client api, gaps *collectors.Gaps) {
	p := cloudfront.NewListCloudFrontOriginAccessIdentitiesPaginator(client, &cloudfront.ListCloudFrontOriginAccessIdentitiesInput{MaxItems: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			gaps.Fail("", "ListCloudFrontOriginAccessIdentities", "", err)
			return
		}
		if page.CloudFrontOriginAccessIdentityList == nil {
			continue
		}
		for _, o := range page.CloudFrontOriginAccessIdentityList.Items {
			id := aws.ToString(o.Id)
			b.AddNode(graph.Node{ID: graph.OAIARN(t.Account, id), Kind: graph.KindOriginAccessIdentity, Name: id, Account: t.Account,
				Attrs: &graph.OriginAccessIdentity{ID: id, S3CanonicalUser: aws.ToString(o.S3CanonicalUserId), Comment: aws.ToString(o.Comment)}})
		}
	}
}

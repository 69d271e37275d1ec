// Package s3control collects S3 access points and Multi-Region Access
// Points: the named ways into buckets that S3 Control manages, each with
// its own policy, Block Public Access and (for access points) network
// origin. graph.Resolve judges them together with the bucket policies
// behind them, as S3 does.
//
// # Calls
//
// Access points are listed per account and region (S3 Control puts the
// account id in the host and the region in the endpoint). Per region in
// scope: ListAccessPoints in pages of 1,000. Per access point:
// GetAccessPointPolicy; and only where there is a policy, side by side,
// GetAccessPointPolicyStatus (S3's own verdict) and GetAccessPoint (for the
// access point's Block Public Access, which ListAccessPoints does not
// return). An access point without a policy grants no one outside its
// account anything (a cross-account request needs the access point policy
// to allow it), so its Block Public Access cannot change the answer.
//
// Multi-Region Access Points are global, and their control plane answers
// only in us-west-2 (S3 User Guide, "Multi-Region Access Point
// restrictions and limitations"); the SDK does not route them there by
// itself. Once per account, in us-west-2: ListMultiRegionAccessPoints
// (one page: at most 100 per account, and the API ignores paging). Per
// Multi-Region Access Point: GetMultiRegionAccessPointPolicy, and
// GetMultiRegionAccessPointPolicyStatus where there is a policy.
//
// So an account with A access points (P with a policy) over R regions and
// M Multi-Region Access Points (Q with a policy) costs
// R·ceil(A_r/1000) + A + 2P + 1 + M + Q calls.
package s3control

import (
	"context"
	"reflect"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "s3control"

// MRAPRegion is where the Multi-Region Access Point control plane answers.
const MRAPRegion = "us-west-2"

// api is the part of the S3 Control client the collector uses: reads only.
type api interface {
	ListAccessPoints(context.Context, *s3control.ListAccessPointsInput, ...func(*s3control.Options)) (*s3control.ListAccessPointsOutput, error)
	GetAccessPoint(context.Context, *s3control.GetAccessPointInput, ...func(*s3control.Options)) (*s3control.GetAccessPointOutput, error)
	GetAccessPointPolicy(context.Context, *s3control.GetAccessPointPolicyInput, ...func(*s3control.Options)) (*s3control.GetAccessPointPolicyOutput, error)
	GetAccessPointPolicyStatus(context.Context, *s3control.GetAccessPointPolicyStatusInput, ...func(*s3control.Options)) (*s3control.GetAccessPointPolicyStatusOutput, error)
	ListMultiRegionAccessPoints(context.Context, *s3control.ListMultiRegionAccessPointsInput, ...func(*s3control.Options)) (*s3control.ListMultiRegionAccessPointsOutput, error)
	GetMultiRegionAccessPointPolicy(context.Context, *s3control.GetMultiRegionAccessPointPolicyInput, ...func(*s3control.Options)) (*s3control.GetMultiRegionAccessPointPolicyOutput, error)
	GetMultiRegionAccessPointPolicyStatus(context.Context, *s3control.GetMultiRegionAccessPointPolicyStatusInput, ...func(*s3control.Options)) (*s3control.GetMultiRegionAccessPointPolicyStatusOutput, error)
}

// accessPointsPage is ListAccessPoints' largest page (API Reference:
// MaxResults up to 1,000).
const accessPointsPage = 1000

// Collector reads access points and Multi-Region Access Points. It runs
// once per account and reads each region in scope itself, like the s3
// collector: the Multi-Region Access Points are global.
type Collector struct {
	// Concurrency bounds access points read at once per region (default
	// 16); the runner's token buckets bound the calls themselves.
	Concurrency int
}

// New returns the collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Global }

// Clients implements collectors.Describer. The IAM actions are those of the
// Service Authorization Reference for S3 (GetAccessPoint needs
// s3:GetAccessPoint; the Multi-Region Access Point reads their own).
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"ListAccessPoints":                      {"s3:ListAccessPoints"},
			"GetAccessPoint":                        {"s3:GetAccessPoint"},
			"GetAccessPointPolicy":                  {"s3:GetAccessPointPolicy"},
			"GetAccessPointPolicyStatus":            {"s3:GetAccessPointPolicyStatus"},
			"ListMultiRegionAccessPoints":           {"s3:ListMultiRegionAccessPoints"},
			"GetMultiRegionAccessPointPolicy":       {"s3:GetMultiRegionAccessPointPolicy"},
			"GetMultiRegionAccessPointPolicyStatus": {"s3:GetMultiRegionAccessPointPolicyStatus"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, s3control.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	errs := collectors.NewGaps(t, b, service)
	var wg sync.WaitGroup
	for _, region := range t.Regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.accessPoints(ctx, t, b, client, region, errs)
		}()
	}
	c.multiRegion(ctx, t, b, client, errs)
	wg.Wait()
	return errs.Done(ctx)
}

func (c *Collector) concurrency() int {
	if c.Concurrency > 0 {
		return c.Concurrency
	}
	return 16
}

// in sends a call to a region's S3 Control endpoint.
func in(region string) func(*s3control.Options) {
	return func(o *s3control.Options) { o.Region = region }
}

// at is t with its region set to region, so that gaps name the region
// the call went to.
func at(t collectors.Target, region string) collectors.Target {
	t.Region = region
	return t
}

// accessPoints lists a region's access points and reads each.
func (c *Collector) accessPoints(ctx context.Context, t collectors.Target, b *graph.Builder, client api, region string, errs *collectors.Gaps) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.concurrency())
	p := s3control.NewListAccessPointsPaginator(client, &s3control.ListAccessPointsInput{
		AccountId: aws.String(t.Account), MaxResults: accessPointsPage,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(gctx, in(region))
		if err != nil {
			errs.Fail(region, "ListAccessPoints", "", err)
			break
		}
		for _, ap := range page.AccessPointList {
			g.Go(func() error {
				c.accessPoint(gctx, t, b, client, region, ap, errs)
				return nil
			})
		}
	}
	_ = g.Wait()
}

// block turns an S3 Control Block Public Access configuration into the
// graph's (a nil configuration: none set).
func block(cfg *types.PublicAccessBlockConfiguration, source string) graph.PublicAccessBlock {
	if cfg == nil {
		return graph.PublicAccessBlock{Configured: graph.False, BlockPublicACLs: graph.False, IgnorePublicACLs: graph.False,
			BlockPublicPolicy: graph.False, RestrictPublicBuckets: graph.False, Source: source}
	}
	return graph.PublicAccessBlock{
		Configured:            graph.True,
		BlockPublicACLs:       graph.TriOf(aws.ToBool(cfg.BlockPublicAcls)),
		IgnorePublicACLs:      graph.TriOf(aws.ToBool(cfg.IgnorePublicAcls)),
		BlockPublicPolicy:     graph.TriOf(aws.ToBool(cfg.BlockPublicPolicy)),
		RestrictPublicBuckets: graph.TriOf(aws.ToBool(cfg.RestrictPublicBuckets)),
		Source:                source,
	}
}

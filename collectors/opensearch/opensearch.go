// Package opensearch collects OpenSearch Service (and legacy Elasticsearch)
// domains: endpoint, VPC placement, the domain access policy (kept
// verbatim, judged by the policy engine as resource type "es"), fine-grained
// access control and HTTPS enforcement (OpenSearch Service Developer Guide,
// "Identity and Access Management in Amazon OpenSearch Service").
//
// # Calls
//
// Per region: ListDomainNames (not paged), then DescribeDomains for up to
// 5 names a call, the most the API takes: a region with N domains costs
// 1 + ⌈N/5⌉ calls. AWS publishes no OpenSearch control-plane call rate.
package opensearch

import (
	"context"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/opensearch/types"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const (
	service = "opensearch"
	// batch is the most names DescribeDomains takes.
	batch  = 5
	source = "es:DescribeDomains"
)

// api is the part of the OpenSearch client the collector uses: reads only.
type api interface {
	ListDomainNames(context.Context, *opensearch.ListDomainNamesInput, ...func(*opensearch.Options)) (*opensearch.ListDomainNamesOutput, error)
	DescribeDomains(context.Context, *opensearch.DescribeDomainsInput, ...func(*opensearch.Options)) (*opensearch.DescribeDomainsOutput, error)
}

// Collector reads OpenSearch in one account and region.
type Collector struct{}

// New returns the OpenSearch collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"ListDomainNames": {"es:ListDomainNames"},
			"DescribeDomains": {"es:DescribeDomains"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, opensearch.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	gaps := collectors.NewGaps(t, b, service)
	out, err := client.ListDomainNames(ctx, &opensearch.ListDomainNamesInput{})
	if err != nil {
		gaps.Fail(t.Region, "ListDomainNames", "", err)
		return gaps.Err()
	}
	var names []string
	for _, d := range out.DomainNames {
		names = append(names, aws.ToString(d.DomainName))
	}
	var g errgroup.Group
	g.SetLimit(4)
	for i := 0; i < len(names); i += batch {
		chunk := names[i:min(i+batch, len(names))]
		g.Go(func() error {
			c.describe(ctx, t, b, client, chunk, gaps)
			return nil
		})
	}
	_ = g.Wait()
	return gaps.Done(ctx)
}

// describe reads up to five domains. When the call fails, each domain
// still gets a node whose access policy is Unknown, so the report says its
// exposure could not be judged.
func (c *Collector) describe(ctx context.Context, t collectors.Target, b *graph.Builder, client api, names []string, gaps *collectors.Gaps) {
	out, err := client.DescribeDomains(ctx, &opensearch.DescribeDomainsInput{DomainNames: names})
	if err != nil {
		gaps.Fail(t.Region, "DescribeDomains", strings.Join(names, ","), err)
		for _, name := range names {
			b.AddNode(graph.Node{ID: domainARN(t, name), Kind: graph.KindSearchDomain, Name: name, Account: t.Account, Region: t.Region,
				Attrs: &graph.SearchDomain{Name: name, AccessPolicy: graph.Hidden(source)}})
		}
		return
	}
	for _, d := range out.DomainStatusList {
		addDomain(t, b, d)
	}
}

func addDomain(t collectors.Target, b *graph.Builder, d types.DomainStatus) {
	name := aws.ToString(d.DomainName)
	s := &graph.SearchDomain{Name: name, EngineVersion: aws.ToString(d.EngineVersion), Endpoint: aws.ToString(d.Endpoint),
		Deleted: aws.ToBool(d.Deleted), Processing: aws.ToBool(d.Processing)}
	if s.Endpoint == "" {
		s.Endpoint = d.Endpoints["vpc"]
	}
	if v := d.VPCOptions; v != nil && aws.ToString(v.VPCId) != "" {
		s.VPCID, s.SecurityGroups = aws.ToString(v.VPCId), v.SecurityGroupIds
	}
	if p := aws.ToString(d.AccessPolicies); p != "" {
		s.AccessPolicy = graph.Present(p, source)
	} else {
		s.AccessPolicy = graph.Absent(source)
	}
	if a := d.AdvancedSecurityOptions; a != nil {
		s.FineGrained, s.InternalUsers, s.AnonymousAuth = aws.ToBool(a.Enabled), aws.ToBool(a.InternalUserDatabaseEnabled), aws.ToBool(a.AnonymousAuthEnabled)
	}
	if e := d.DomainEndpointOptions; e != nil {
		s.EnforceHTTPS, s.TLSPolicy = aws.ToBool(e.EnforceHTTPS), string(e.TLSSecurityPolicy)
		if aws.ToBool(e.CustomEndpointEnabled) {
			s.CustomDomain = aws.ToString(e.CustomEndpoint)
		}
	}
	arn := aws.ToString(d.ARN)
	if arn == "" {
		arn = domainARN(t, name)
	}
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindSearchDomain, Name: name, Account: t.Account, Region: t.Region, Attrs: s})
}

func domainARN(t collectors.Target, name string) string {
	return "arn:aws:es:" + t.Region + ":" + t.Account + ":domain/" + name
}

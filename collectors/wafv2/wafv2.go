// Package wafv2 collects AWS WAF (v2) web ACLs and what they are associated
// with, for the resolvers that judge front doors: a web ACL node each (its
// default action and rules) and a filters edge from the web ACL to every
// resource it inspects.
//
// Why a collector of its own rather than WAF reads inside each front
// door's collector: a web ACL is one resource shared by many front doors
// (distributions, load balancers, API stages), its rules are read once
// instead of once per resource, and the association is a graph edge any
// resolver can read (graph: resolver.webACLs). CloudFront distributions
// name their web ACL themselves (the cloudfront collector draws that edge);
// API Gateway stages carry WebACLARN; for Application Load Balancers this
// collector lists the associations (ListResourcesForWebACL), so the load
// balancer collector needs no WAF call of its own.
//
// # Calls
//
// Per region: ListWebACLs (Scope REGIONAL, 100 a page); per web ACL
// GetWebACL and ListResourcesForWebACL (ResourceType
// APPLICATION_LOAD_BALANCER). Once per account, in the us-east-1 task (or
// the first region's when us-east-1 is not scanned): ListWebACLs (Scope
// CLOUDFRONT, signed for us-east-1) and GetWebACL per web ACL. AWS WAF
// throttles GetWebACLForResource and ListResourcesForWebACL to 1 request a
// second and every other Get or List to 5 (AWS WAF Developer Guide, "AWS
// WAF quotas"): a region with N web ACLs costs 1 + 2N calls and N seconds.
package wafv2

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	"github.com/aws/aws-sdk-go-v2/service/wafv2/types"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const (
	service = "wafv2"
	// cloudFrontRegion is where CLOUDFRONT-scoped web ACLs are read.
	cloudFrontRegion = "us-east-1"
	pageSize         = 100
)

// api is the part of the WAFv2 client the collector uses: reads only.
type api interface {
	ListWebACLs(context.Context, *wafv2.ListWebACLsInput, ...func(*wafv2.Options)) (*wafv2.ListWebACLsOutput, error)
	GetWebACL(context.Context, *wafv2.GetWebACLInput, ...func(*wafv2.Options)) (*wafv2.GetWebACLOutput, error)
	ListResourcesForWebACL(context.Context, *wafv2.ListResourcesForWebACLInput, ...func(*wafv2.Options)) (*wafv2.ListResourcesForWebACLOutput, error)
}

// Collector reads AWS WAF web ACLs in one account and region.
type Collector struct{}

// New returns the WAFv2 collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"ListWebACLs":            {"wafv2:ListWebACLs"},
			"GetWebACL":              {"wafv2:GetWebACL"},
			"ListResourcesForWebACL": {"wafv2:ListResourcesForWebACL"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	regional := wafv2.NewFromConfig(t.Config)
	var global api
	if t.Region == cloudFrontHome(t) {
		global = regional
		if t.Region != cloudFrontRegion {
			cfg := t.Config.Copy()
			cfg.Region = cloudFrontRegion
			global = wafv2.NewFromConfig(cfg)
		}
	}
	return c.collect(ctx, t, b, regional, global)
}

// cloudFrontHome is the region whose task reads the CLOUDFRONT scope:
// us-east-1 when it is scanned, else the first scanned region.
func cloudFrontHome(t collectors.Target) string {
	if len(t.Regions) == 0 || slices.Contains(t.Regions, cloudFrontRegion) {
		return cloudFrontRegion
	}
	return t.Regions[0]
}

// collect reads the region's REGIONAL web ACLs with regional and, when
// global is set, the account's CLOUDFRONT ones with global.
func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, regional, global api) error {
	gaps := collectors.NewGaps(t, b, service)
	var g errgroup.Group
	g.Go(func() error {
		c.scope(ctx, t, b, regional, types.ScopeRegional, t.Region, gaps)
		return nil
	})
	if global != nil {
		g.Go(func() error {
			c.scope(ctx, t, b, global, types.ScopeCloudfront, cloudFrontRegion, gaps)
			return nil
		})
	}
	_ = g.Wait()
	return gaps.Done(ctx)
}

// scope lists the web ACLs of one scope and reads each.
func (c *Collector) scope(ctx context.Context, t collectors.Target, b *graph.Builder, client api, scope types.Scope, region string, gaps *collectors.Gaps) {
	var marker *string
	var g errgroup.Group
	g.SetLimit(4)
	for {
		out, err := client.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: scope, Limit: aws.Int32(pageSize), NextMarker: marker})
		if err != nil {
			gaps.Fail(region, "ListWebACLs", string(scope), err)
			break
		}
		for _, s := range out.WebACLs {
			g.Go(func() error {
				c.webACL(ctx, t, b, client, scope, region, s, gaps)
				return nil
			})
		}
		if aws.ToString(out.NextMarker) == "" || len(out.WebACLs) == 0 {
			break
		}
		marker = out.NextMarker
	}
	_ = g.Wait()
}

// webACL reads one web ACL's rules and, for a regional one, the load
// balancers it is associated with.
func (c *Collector) webACL(ctx context.Context, t collectors.Target, b *graph.Builder, client api, scope types.Scope, region string, s types.WebACLSummary, gaps *collectors.Gaps) {
	arn, name := aws.ToString(s.ARN), aws.ToString(s.Name)
	w := &graph.WebACL{Name: name, ID: aws.ToString(s.Id), Scope: string(scope), AssociationsKnown: graph.True}
	out, err := client.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: s.Name, Id: s.Id, Scope: scope})
	switch {
	case err == nil && out.WebACL != nil:
		w.RulesKnown = graph.True
		w.DefaultAction = defaultAction(out.WebACL.DefaultAction)
		for _, r := range out.WebACL.Rules {
			w.Rules = append(w.Rules, ruleName(r))
		}
	case err == nil:
	default:
		gaps.Fail(region, "GetWebACL", name, err)
	}
	nodeRegion := region
	if scope == types.ScopeCloudfront {
		nodeRegion = "" // global, like the distributions it filters
	} else {
		c.associations(ctx, b, client, arn, region, w, gaps)
	}
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindWebACL, Name: name, Account: t.Account, Region: nodeRegion, Attrs: w})
}

// associations adds a filters edge to each Application Load Balancer the
// web ACL is associated with.
func (c *Collector) associations(ctx context.Context, b *graph.Builder, client api, arn, region string, w *graph.WebACL, gaps *collectors.Gaps) {
	out, err := client.ListResourcesForWebACL(ctx, &wafv2.ListResourcesForWebACLInput{WebACLArn: aws.String(arn), ResourceType: types.ResourceTypeApplicationLoadBalancer})
	if err != nil {
		gaps.Fail(region, "ListResourcesForWebACL", arn, err)
		w.AssociationsKnown = graph.Unknown
		return
	}
	for _, res := range out.ResourceArns {
		b.AddEdge(graph.Edge{From: arn, To: res, Kind: graph.EdgeFilters, Via: graph.ViaWebACL, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: "wafv2:ListResourcesForWebACL", Detail: "web ACL " + w.Name + " is associated with " + res}}})
	}
}

func defaultAction(a *types.DefaultAction) string {
	switch {
	case a == nil:
		return ""
	case a.Block != nil:
		return "Block"
	case a.Allow != nil:
		return "Allow"
	}
	return ""
}

// ruleName names a rule for people: its name, what it runs (a managed or
// own rule group) and its action.
func ruleName(r types.Rule) string {
	name := aws.ToString(r.Name)
	if st := r.Statement; st != nil {
		switch {
		case st.ManagedRuleGroupStatement != nil:
			name += " [" + aws.ToString(st.ManagedRuleGroupStatement.VendorName) + "/" + aws.ToString(st.ManagedRuleGroupStatement.Name) + "]"
		case st.RuleGroupReferenceStatement != nil:
			name += " [rule group " + aws.ToString(st.RuleGroupReferenceStatement.ARN) + "]"
		case st.RateBasedStatement != nil:
			name += fmt.Sprintf(" [rate limit %d]", aws.ToInt64(st.RateBasedStatement.Limit))
		}
	}
	switch a := r.Action; {
	case a != nil && a.Block != nil:
		name += " (Block)"
	case a != nil && a.Allow != nil:
		name += " (Allow)"
	case a != nil && a.Count != nil:
		name += " (Count)"
	case a != nil && a.Captcha != nil:
		name += " (CAPTCHA)"
	case a != nil && a.Challenge != nil:
		name += " (Challenge)"
	case r.OverrideAction != nil && r.OverrideAction.Count != nil:
		name += " (overridden to Count)"
	}
	return name
}

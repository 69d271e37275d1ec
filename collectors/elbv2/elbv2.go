// Package elbv2 collects Application, Network and Gateway Load Balancers:
// their scheme, DNS name, subnets and security groups, their listeners
// (port, protocol, TLS policy) with the rules that route requests
// (conditions, authenticate actions, forwards, redirects), and the target
// groups they forward to with each registered target's health.
//
// # Calls
//
// Per region: DescribeLoadBalancers and DescribeTargetGroups, one call per
// 400 (side by side). Per load balancer: DescribeListeners (one per 400
// listeners). Per HTTP or HTTPS listener of an Application Load Balancer:
// DescribeRules (one per 400 rules); the other listeners have only their
// default actions, which DescribeListeners returns. Per target group that
// some load balancer uses: DescribeTargetHealth (one call, all targets); a
// group no load balancer uses routes nothing and is not read. So a region
// with B load balancers, L of their listeners on ALBs and T used target
// groups costs 2 + B + L + T calls. ELB publishes one request token bucket
// for every non-mutating (Describe*) call of the v2 API, per account and
// Region (collectors.DefaultLimits).
//
// # What fails how
//
// Each failed call is one coverage gap: a failed DescribeListeners leaves
// the load balancer's listeners Unknown (ListenersKnown), a failed
// DescribeRules leaves the listener with its default actions only
// (RulesKnown Unknown), a failed DescribeTargetHealth leaves the group's
// targets Unknown (TargetsKnown). Edges: load balancer → listener,
// listener → target group (one per rule that forwards there), target
// group → instance, Lambda function or Application Load Balancer; IP
// targets are matched to instances by graph.Resolve.
package elbv2

import (
	"context"
	"reflect"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "elbv2"

// api is the part of the ELBv2 client the collector uses: reads only.
type api interface {
	DescribeLoadBalancers(context.Context, *elb.DescribeLoadBalancersInput, ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error)
	DescribeListeners(context.Context, *elb.DescribeListenersInput, ...func(*elb.Options)) (*elb.DescribeListenersOutput, error)
	DescribeRules(context.Context, *elb.DescribeRulesInput, ...func(*elb.Options)) (*elb.DescribeRulesOutput, error)
	DescribeTargetGroups(context.Context, *elb.DescribeTargetGroupsInput, ...func(*elb.Options)) (*elb.DescribeTargetGroupsOutput, error)
	DescribeTargetHealth(context.Context, *elb.DescribeTargetHealthInput, ...func(*elb.Options)) (*elb.DescribeTargetHealthOutput, error)
}

// pageSize is the largest page every ELBv2 Describe call accepts.
const pageSize = 400

// Collector reads ELBv2 in one account and region.
type Collector struct {
	// Concurrency bounds load balancers and target groups read at once
	// (default 8); the runner's token bucket bounds the calls.
	Concurrency int
}

// New returns the ELBv2 collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
		"DescribeLoadBalancers": {"elasticloadbalancing:DescribeLoadBalancers"},
		"DescribeListeners":     {"elasticloadbalancing:DescribeListeners"},
		"DescribeRules":         {"elasticloadbalancing:DescribeRules"},
		"DescribeTargetGroups":  {"elasticloadbalancing:DescribeTargetGroups"},
		"DescribeTargetHealth":  {"elasticloadbalancing:DescribeTargetHealth"},
	}}}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, elb.NewFromConfig(t.Config))
}

type task struct {
	t      collectors.Target
	b      *graph.Builder
	client api
	gaps   *collectors.Gaps
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	k := &task{t: t, b: b, client: client, gaps: collectors.NewGaps(t, b, service)}
	limit := c.Concurrency
	if limit <= 0 {
		limit = 8
	}
	var g errgroup.Group
	g.Go(func() error { k.loadBalancers(ctx, limit); return nil })
	g.Go(func() error { k.targetGroups(ctx, limit); return nil })
	_ = g.Wait()
	return k.gaps.Done(ctx)
}

func (k *task) fail(api, resource string, err error) collectors.Class {
	return k.gaps.Fail(k.t.Region, api, resource, err)
}

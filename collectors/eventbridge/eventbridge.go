// Package eventbridge collects EventBridge event buses (with their resource
// policies: who may put events on them), the rules on each bus and the
// targets each rule sends matching events to, and API destinations (HTTPS
// endpoints outside AWS that rules can send events to).
//
// # Calls
//
// Per region: ListEventBuses, one call per 100 buses, and beside it
// ListApiDestinations, one call per 100. Per bus: ListRules, one call per
// 100 rules. Per rule: ListTargetsByRule, one call per 100 targets (a rule
// has at most 5). A region with B buses and R rules costs about
// 2 + B + R calls. ListEventBuses returns each bus's Policy (the API
// Reference's EventBus shape), so no DescribeEventBus is needed. The Go SDK
// has no paginators for these operations: each is looped on NextToken,
// with Limit 100, the most the API takes.
//
// # What is not kept
//
// ListTargetsByRule returns each target's Input, InputTransformer and
// HttpParameters, which can hold header values such as API keys; only the
// target's id, ARN, role and dead-letter queue are kept. An API
// destination's endpoint is kept as scheme and host (collectors.EndpointURL).
// Connections are not read: their credentials live in a Secrets Manager
// secret EventBridge owns, which the secretsmanager collector lists.
package eventbridge

import (
	"context"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "events"

// pageLimit is the largest page every EventBridge list operation takes.
const pageLimit = 100

// api is the part of the EventBridge client the collector uses: reads only.
type api interface {
	ListEventBuses(context.Context, *eventbridge.ListEventBusesInput, ...func(*eventbridge.Options)) (*eventbridge.ListEventBusesOutput, error)
	ListRules(context.Context, *eventbridge.ListRulesInput, ...func(*eventbridge.Options)) (*eventbridge.ListRulesOutput, error)
	ListTargetsByRule(context.Context, *eventbridge.ListTargetsByRuleInput, ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error)
	ListApiDestinations(context.Context, *eventbridge.ListApiDestinationsInput, ...func(*eventbridge.Options)) (*eventbridge.ListApiDestinationsOutput, error)
}

// Collector reads EventBridge in one account and region.
type Collector struct {
	// RuleConcurrency bounds rules read at once (default 16); the runner's
	// token buckets bound the calls themselves.
	RuleConcurrency int
}

// New returns the EventBridge collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"ListEventBuses":      {"events:ListEventBuses"},
			"ListRules":           {"events:ListRules"},
			"ListTargetsByRule":   {"events:ListTargetsByRule"},
			"ListApiDestinations": {"events:ListApiDestinations"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, eventbridge.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	errs := collectors.NewGaps(t, b, service)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(2, c.concurrency()+1))
	g.Go(func() error {
		c.apiDestinations(gctx, t, b, client, errs)
		return nil
	})
	var token *string
	for {
		page, err := client.ListEventBuses(gctx, &eventbridge.ListEventBusesInput{Limit: aws.Int32(pageLimit), NextToken: token})
		if err != nil {
			errs.Fail(t.Region, "ListEventBuses", "", err)
			break
		}
		for _, bus := range page.EventBuses {
			g.Go(func() error {
				c.bus(gctx, t, b, client, g, bus.Name, bus.Arn, bus.Policy, errs)
				return nil
			})
		}
		if token = page.NextToken; aws.ToString(token) == "" {
			break
		}
	}
	_ = g.Wait()
	return errs.Done(ctx)
}

func (c *Collector) concurrency() int {
	if c.RuleConcurrency > 0 {
		return c.RuleConcurrency
	}
	return 16
}

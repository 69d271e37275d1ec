package eventbridge

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// bus adds one event bus and lists its rules; each rule's targets are read
// in g, beside the other buses' rules.
func (c *Collector) bus(ctx context.Context, t collectors.Target, b *graph.Builder, client api, g *errgroup.Group, name, arn, policy *string, errs *collectors.Gaps) {
	const src = "events:ListEventBuses"
	busName, busARN := aws.ToString(name), aws.ToString(arn)
	attrs := &graph.EventBus{Policy: graph.Absent(src), RulesKnown: graph.True}
	if p := aws.ToString(policy); p != "" {
		attrs.Policy = graph.Present(p, src)
	}
	var token *string
	for {
		page, err := client.ListRules(ctx, &eventbridge.ListRulesInput{EventBusName: aws.String(busName), Limit: aws.Int32(pageLimit), NextToken: token})
		if err != nil {
			if !collectors.IsNotFound(err) { // deleted since ListEventBuses: no rules left
				errs.Fail(t.Region, "ListRules", busName, err)
				attrs.RulesKnown = graph.Unknown
			}
			break
		}
		for _, r := range page.Rules {
			rule := r
			c.ruleNode(t, b, busARN, rule)
			if !g.TryGo(func() error {
				c.targets(ctx, t, b, client, busName, rule, errs)
				return nil
			}) {
				c.targets(ctx, t, b, client, busName, rule, errs)
			}
		}
		if token = page.NextToken; aws.ToString(token) == "" {
			break
		}
	}
	b.AddNode(graph.Node{ID: busARN, Kind: graph.KindEventBus, Name: busName, Account: accountOf(busARN, t), Region: t.Region, Attrs: attrs})
}

// ruleNode adds a rule and the edge from its bus: a disabled rule matches
// nothing, so its edge is inert.
func (c *Collector) ruleNode(t collectors.Target, b *graph.Builder, busARN string, r types.Rule) {
	arn := aws.ToString(r.Arn)
	attrs := &graph.EventRule{
		Bus: busARN, State: string(r.State), EventPattern: aws.ToString(r.EventPattern),
		ScheduleExpression: aws.ToString(r.ScheduleExpression), ManagedBy: aws.ToString(r.ManagedBy),
	}
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindEventRule, Name: aws.ToString(r.Name), Account: accountOf(arn, t), Region: t.Region, Attrs: attrs})
	detail := "rule " + aws.ToString(r.Name) + " " + string(r.State)
	if attrs.ScheduleExpression != "" {
		detail += ", schedule " + attrs.ScheduleExpression
	}
	b.AddEdge(graph.Edge{
		From: busARN, To: arn, Kind: graph.EdgeRoutesTo, Via: graph.ViaEventBridgeRule, Certainty: attrs.Enabled(),
		Evidence: []graph.Evidence{{Source: "events:ListRules", Detail: detail}},
	})
}

// targets lists a rule's targets and adds an edge to each.
func (c *Collector) targets(ctx context.Context, t collectors.Target, b *graph.Builder, client api, busName string, r types.Rule, errs *collectors.Gaps) {
	name, arn := aws.ToString(r.Name), aws.ToString(r.Arn)
	var out []graph.EventTarget
	known := graph.True
	var token *string
	for {
		page, err := client.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{
			Rule: aws.String(name), EventBusName: aws.String(busName), Limit: aws.Int32(pageLimit), NextToken: token})
		if err != nil {
			if !collectors.IsNotFound(err) {
				errs.Fail(t.Region, "ListTargetsByRule", name, err)
				known = graph.Unknown
			}
			break
		}
		for _, tg := range page.Targets {
			// Input, InputTransformer and HttpParameters are dropped here:
			// they can carry header values such as API keys.
			et := graph.EventTarget{ID: aws.ToString(tg.Id), ARN: aws.ToString(tg.Arn), Role: aws.ToString(tg.RoleArn)}
			if tg.DeadLetterConfig != nil {
				et.DeadLetter = aws.ToString(tg.DeadLetterConfig.Arn)
			}
			out = append(out, et)
		}
		if token = page.NextToken; aws.ToString(token) == "" {
			break
		}
	}
	b.UpdateNode(arn, graph.KindEventRule, func(n *graph.Node) {
		if n.Rule() == nil {
			n.Attrs = &graph.EventRule{}
		}
		n.Rule().Targets, n.Rule().TargetsKnown = out, known
	})
	for _, et := range out {
		target(t, b, arn, et)
	}
}

// target adds the edge from a rule to one target, and the role EventBridge
// uses to reach it. A Step Functions state machine is not collected: it
// gets a node of its own from its ARN, so that paths see compute there.
func target(t collectors.Target, b *graph.Builder, rule string, et graph.EventTarget) {
	if et.ARN == "" {
		return
	}
	if parts := strings.SplitN(et.ARN, ":", 7); len(parts) >= 7 && parts[2] == "states" && parts[5] == "stateMachine" {
		b.UpdateNode(et.ARN, graph.KindStateMachine, func(n *graph.Node) {
			n.Name, n.Account, n.Region = parts[6], parts[4], parts[3]
		})
	}
	b.AddEdge(graph.Edge{
		From: rule, To: et.ARN, Kind: graph.EdgeTriggers, Via: graph.ViaEventBridgeTarget, Actions: []string{"events:PutEvents"}, Certainty: graph.True,
		Evidence: []graph.Evidence{{Source: "events:ListTargetsByRule", Detail: "target " + et.ID}},
	})
	if et.Role != "" {
		b.AddEdge(graph.Edge{
			From: rule, To: et.Role, Kind: graph.EdgeExecutesAs, Via: graph.ViaTargetRole, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: "events:ListTargetsByRule", Detail: "RoleArn of target " + et.ID}},
		})
	}
}

// accountOf is the account of an EventBridge ARN, or the target's.
func accountOf(arn string, t collectors.Target) string {
	if a := graph.AccountOfARN(arn); a != "" {
		return a
	}
	return t.Account
}

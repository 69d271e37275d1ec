package elbv2

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// targetGroups lists the region's target groups and reads the targets of
// each one a load balancer uses.
func (k *task) targetGroups(ctx context.Context, limit int) {
	p := elb.NewDescribeTargetGroupsPaginator(k.client, &elb.DescribeTargetGroupsInput{PageSize: aws.Int32(pageSize)})
	collectors.ReadEach(ctx, k.gaps, k.t.Region, "DescribeTargetGroups", limit, p.HasMorePages, p.NextPage,
		func(o *elb.DescribeTargetGroupsOutput) []types.TargetGroup { return o.TargetGroups }, k.targetGroup)
}

func (k *task) targetGroup(ctx context.Context, tg types.TargetGroup) {
	arn := aws.ToString(tg.TargetGroupArn)
	attrs := &graph.TargetGroup{
		Name: aws.ToString(tg.TargetGroupName), TargetType: string(tg.TargetType), Protocol: string(tg.Protocol),
		Port: int(aws.ToInt32(tg.Port)), VPCID: aws.ToString(tg.VpcId), LoadBalancers: slices.Clone(tg.LoadBalancerArns),
		TargetsKnown: graph.True,
	}
	if len(tg.LoadBalancerArns) > 0 {
		attrs.Targets, attrs.TargetsKnown = k.health(ctx, arn)
	}
	k.b.AddNode(graph.Node{ID: arn, Kind: graph.KindTargetGroup, Name: attrs.Name, Account: k.t.Account, Region: k.t.Region, Attrs: attrs})
	for _, t := range attrs.Targets {
		to := k.targetID(attrs.TargetType, t.ID)
		if to == "" {
			continue // an IP address: graph.Resolve matches it to an instance
		}
		k.b.AddEdge(graph.Edge{From: arn, To: to, Kind: graph.EdgeRoutesTo, Via: graph.ViaTarget, Certainty: t.Serves(),
			Evidence: []graph.Evidence{{Source: "elasticloadbalancing:DescribeTargetHealth", Detail: targetDetail(attrs.TargetType, t)}}})
	}
}

// targetID is the node id of a registered target ("" for an IP address).
func (k *task) targetID(typ, id string) string {
	switch typ {
	case "instance":
		return graph.InstanceARN(k.t.Region, k.t.Account, id)
	case "lambda", "alb":
		return id // a function ARN, a load balancer ARN
	}
	return ""
}

func targetDetail(typ string, t graph.Target) string {
	s := typ + " target " + t.ID
	if t.Port > 0 {
		s += fmt.Sprintf(":%d", t.Port)
	}
	s += " " + t.Health
	if t.Reason != "" {
		s += " (" + t.Reason + ")"
	}
	return s
}

// health reads a target group's registered targets with their health.
func (k *task) health(ctx context.Context, arn string) ([]graph.Target, graph.Tri) {
	out, err := k.client.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(arn)})
	if err != nil {
		if k.fail("DescribeTargetHealth", arn, err) == collectors.ClassNotFound {
			return nil, graph.True // deleted since it was listed: no targets
		}
		return nil, graph.Unknown
	}
	var ts []graph.Target
	for _, d := range out.TargetHealthDescriptions {
		if d.Target == nil {
			continue
		}
		t := graph.Target{ID: aws.ToString(d.Target.Id), Port: int(aws.ToInt32(d.Target.Port)), Zone: aws.ToString(d.Target.AvailabilityZone)}
		if h := d.TargetHealth; h != nil {
			t.Health, t.Reason = string(h.State), string(h.Reason)
		}
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b graph.Target) int { return strings.Compare(a.ID, b.ID) })
	return ts, graph.True
}

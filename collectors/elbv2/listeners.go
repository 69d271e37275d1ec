package elbv2

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// loadBalancers lists the region's load balancers and reads each one's
// listeners and, for an Application Load Balancer, their rules.
func (k *task) loadBalancers(ctx context.Context, limit int) {
	p := elb.NewDescribeLoadBalancersPaginator(k.client, &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(pageSize)})
	collectors.ReadEach(ctx, k.gaps, k.t.Region, "DescribeLoadBalancers", limit, p.HasMorePages, p.NextPage,
		func(o *elb.DescribeLoadBalancersOutput) []types.LoadBalancer { return o.LoadBalancers }, k.loadBalancer)
}

func (k *task) loadBalancer(ctx context.Context, lb types.LoadBalancer) {
	arn := aws.ToString(lb.LoadBalancerArn)
	attrs := &graph.LoadBalancer{
		Name: aws.ToString(lb.LoadBalancerName), Type: string(lb.Type), Scheme: string(lb.Scheme), DNSName: aws.ToString(lb.DNSName),
		VPCID: aws.ToString(lb.VpcId), SecurityGroups: slices.Clone(lb.SecurityGroups), IPAddressType: string(lb.IpAddressType),
	}
	if lb.State != nil {
		attrs.State = string(lb.State.Code)
	}
	for _, z := range lb.AvailabilityZones {
		attrs.Subnets = append(attrs.Subnets, aws.ToString(z.SubnetId))
	}
	listeners, ok := k.listeners(ctx, arn)
	attrs.ListenersKnown = graph.True
	if !ok {
		attrs.ListenersKnown = graph.Unknown
	}
	k.b.AddNode(graph.Node{ID: arn, Kind: graph.KindLoadBalancer, Name: attrs.Name, Account: k.t.Account, Region: k.t.Region, Attrs: attrs})
	for _, l := range listeners {
		k.listener(ctx, attrs, l)
	}
}

func (k *task) listeners(ctx context.Context, lbARN string) ([]types.Listener, bool) {
	var out []types.Listener
	p := elb.NewDescribeListenersPaginator(k.client, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(lbARN), PageSize: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if k.fail("DescribeListeners", lbARN, err) == collectors.ClassNotFound {
				return nil, true // deleted since it was listed
			}
			return out, false
		}
		out = append(out, page.Listeners...)
	}
	return out, true
}

// listener adds a listener node with its rules, the load balancer → listener
// edge and one listener → target group edge per rule that forwards there.
func (k *task) listener(ctx context.Context, lb *graph.LoadBalancer, l types.Listener) {
	arn := aws.ToString(l.ListenerArn)
	lbARN := aws.ToString(l.LoadBalancerArn)
	attrs := &graph.Listener{LoadBalancer: lbARN, Port: int(aws.ToInt32(l.Port)), Protocol: string(l.Protocol),
		SSLPolicy: aws.ToString(l.SslPolicy), RulesKnown: graph.True}
	for _, c := range l.Certificates {
		attrs.Certificates = append(attrs.Certificates, aws.ToString(c.CertificateArn))
	}
	defaultRule := rule("default", nil, l.DefaultActions)
	attrs.Rules = []graph.ListenerRule{defaultRule}
	if lb.Type == "application" && (l.Protocol == types.ProtocolEnumHttp || l.Protocol == types.ProtocolEnumHttps) {
		if rules, ok := k.rules(ctx, arn); ok {
			attrs.Rules = rules
		} else {
			attrs.RulesKnown = graph.Unknown
		}
	}
	name := fmt.Sprintf("%s %s:%d", lb.Name, attrs.Protocol, attrs.Port)
	k.b.AddNode(graph.Node{ID: arn, Kind: graph.KindListener, Name: name, Account: k.t.Account, Region: k.t.Region, Attrs: attrs})
	k.b.AddEdge(graph.Edge{From: lbARN, To: arn, Kind: graph.EdgeRoutesTo, Via: graph.ViaLoadBalancerListener, Certainty: graph.True,
		Evidence: []graph.Evidence{{Source: "elasticloadbalancing:DescribeListeners", Detail: fmt.Sprintf("listener %s:%d", attrs.Protocol, attrs.Port)}}})
	for _, r := range attrs.Rules {
		for _, tg := range r.TargetGroups {
			detail := "rule " + r.Priority
			if len(r.Conditions) > 0 {
				detail += " (" + strings.Join(r.Conditions, "; ") + ")"
			}
			e := graph.Edge{From: arn, To: tg, Kind: graph.EdgeRoutesTo, Via: graph.ViaListenerRule, Certainty: graph.True,
				Evidence: []graph.Evidence{{Source: "elasticloadbalancing:DescribeRules", Detail: detail + " forwards here"}}}
			if r.Authenticates() {
				e.SetAuthorizer(r.Authenticate)
				e.Evidence[0].Detail = detail + " forwards here after " + r.Authenticate
			}
			if r.Priority == "default" && attrs.RulesKnown != graph.True {
				e.Evidence[0].Source = "elasticloadbalancing:DescribeListeners"
			}
			k.b.AddEdge(e)
		}
	}
}

func (k *task) rules(ctx context.Context, listenerARN string) ([]graph.ListenerRule, bool) {
	var out []graph.ListenerRule
	p := elb.NewDescribeRulesPaginator(k.client, &elb.DescribeRulesInput{ListenerArn: aws.String(listenerARN), PageSize: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			k.fail("DescribeRules", listenerARN, err)
			return nil, false
		}
		for _, r := range page.Rules {
			prio := aws.ToString(r.Priority)
			if aws.ToBool(r.IsDefault) {
				prio = "default"
			}
			out = append(out, rule(prio, r.Conditions, r.Actions))
		}
	}
	// Priority order, the default rule last (ELB evaluates them so).
	slices.SortStableFunc(out, func(a, b graph.ListenerRule) int { return priority(a.Priority) - priority(b.Priority) })
	return out, true
}

func priority(p string) int {
	if n, err := strconv.Atoi(p); err == nil {
		return n
	}
	return 1 << 30 // default
}

// rule turns a rule's conditions and actions into a graph rule: the first
// authenticate action, and the final action (the one of highest order).
func rule(prio string, conds []types.RuleCondition, actions []types.Action) graph.ListenerRule {
	r := graph.ListenerRule{Priority: prio}
	for _, c := range conds {
		r.Conditions = append(r.Conditions, condition(c))
	}
	sorted := slices.Clone(actions)
	slices.SortStableFunc(sorted, func(a, b types.Action) int { return int(aws.ToInt32(a.Order)) - int(aws.ToInt32(b.Order)) })
	for _, a := range sorted {
		switch a.Type {
		case types.ActionTypeEnumAuthenticateOidc:
			if c := a.AuthenticateOidcConfig; c != nil && r.Authenticate == "" {
				r.Authenticate, r.OnUnauthenticated = "authenticate-oidc "+aws.ToString(c.Issuer), string(c.OnUnauthenticatedRequest)
			}
		case types.ActionTypeEnumAuthenticateCognito:
			if c := a.AuthenticateCognitoConfig; c != nil && r.Authenticate == "" {
				r.Authenticate, r.OnUnauthenticated = "authenticate-cognito "+aws.ToString(c.UserPoolArn), string(c.OnUnauthenticatedRequest)
			}
		case types.ActionTypeEnumJwtValidation:
			// Validates a bearer token and rejects what fails: an authorizer.
			if c := a.JwtValidationConfig; c != nil && r.Authenticate == "" {
				r.Authenticate, r.OnUnauthenticated = "jwt-validation "+aws.ToString(c.Issuer), "deny"
			}
		default:
			r.Action = string(a.Type)
			r.TargetGroups = forwards(a)
			if rc := a.RedirectConfig; rc != nil {
				r.Redirect = aws.ToString(rc.Protocol) + ":" + aws.ToString(rc.Port)
			}
		}
	}
	if r.OnUnauthenticated == "" && r.Authenticate != "" {
		r.OnUnauthenticated = "authenticate" // the documented default
	}
	return r
}

// forwards lists the target groups a forward action sends to.
func forwards(a types.Action) []string {
	var out []string
	if a.TargetGroupArn != nil {
		out = append(out, aws.ToString(a.TargetGroupArn))
	}
	if f := a.ForwardConfig; f != nil {
		for _, tg := range f.TargetGroups {
			if arn := aws.ToString(tg.TargetGroupArn); arn != "" && !slices.Contains(out, arn) && (tg.Weight == nil || aws.ToInt32(tg.Weight) > 0) {
				out = append(out, arn)
			}
		}
	}
	slices.Sort(out)
	return out
}

// condition renders a rule condition: "path-pattern /admin/*",
// "http-header X-Env=prod", "source-ip 203.0.113.0/24".
func condition(c types.RuleCondition) string {
	field := aws.ToString(c.Field)
	values := slices.Clone(c.Values)
	switch {
	case c.PathPatternConfig != nil:
		values = c.PathPatternConfig.Values
	case c.HostHeaderConfig != nil:
		values = c.HostHeaderConfig.Values
	case c.HttpRequestMethodConfig != nil:
		values = c.HttpRequestMethodConfig.Values
	case c.SourceIpConfig != nil:
		values = c.SourceIpConfig.Values
	case c.HttpHeaderConfig != nil:
		values = nil
		for _, v := range c.HttpHeaderConfig.Values {
			values = append(values, aws.ToString(c.HttpHeaderConfig.HttpHeaderName)+"="+v)
		}
	case c.QueryStringConfig != nil:
		values = nil
		for _, kv := range c.QueryStringConfig.Values {
			values = append(values, aws.ToString(kv.Key)+"="+aws.ToString(kv.Value))
		}
	}
	return field + " " + strings.Join(values, ",")
}

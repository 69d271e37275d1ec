package fakeaws

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"
)

// netArgs are the identifiers the probes need, read once from a clean
// server over the same fixture (ids and ARNs are derived deterministically,
// so they are the same on every server of that fixture).
type netArgs struct {
	lbARN, listenerARN, ruleARN, tgARN, plID, ltID string
}

func readNetArgs(t *testing.T) netArgs {
	t.Helper()
	srv := startFixture(t, networkFixture, Options{Logf: func(string, ...any) {}})
	ctx := context.Background()
	var a netArgs
	lbs, err := srv.elbv2(t, clientConfig{}).DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{"public-alb"}})
	if err != nil {
		t.Fatal(err)
	}
	a.lbARN = aws.ToString(lbs.LoadBalancers[0].LoadBalancerArn)
	ls, err := srv.elbv2(t, clientConfig{}).DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: &a.lbARN})
	if err != nil {
		t.Fatal(err)
	}
	a.listenerARN = aws.ToString(ls.Listeners[0].ListenerArn)
	rules, err := srv.elbv2(t, clientConfig{}).DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: &a.listenerARN})
	if err != nil {
		t.Fatal(err)
	}
	a.ruleARN = aws.ToString(rules.Rules[0].RuleArn)
	tgs, err := srv.elbv2(t, clientConfig{}).DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{Names: []string{"web-tg"}})
	if err != nil {
		t.Fatal(err)
	}
	a.tgARN = aws.ToString(tgs.TargetGroups[0].TargetGroupArn)
	pls, err := srv.ec2(t, clientConfig{}).DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{
		Filters: []ec2types.Filter{{Name: aws.String("prefix-list-name"), Values: []string{"corp-offices"}}}})
	if err != nil {
		t.Fatal(err)
	}
	a.plID = aws.ToString(pls.PrefixLists[0].PrefixListId)
	lts, err := srv.ec2(t, clientConfig{}).DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{})
	if err != nil {
		t.Fatal(err)
	}
	a.ltID = aws.ToString(lts.LaunchTemplates[0].LaunchTemplateId)
	return a
}

// netProbe makes one call of an operation through the real SDK.
type netProbe struct {
	service, api string
	call         func(ctx context.Context, t *testing.T, srv *Server, cc clientConfig, a netArgs) error
}

func ec2Probe(api string, f func(ctx context.Context, c *ec2.Client, a netArgs) error) netProbe {
	return netProbe{"ec2", api, func(ctx context.Context, t *testing.T, srv *Server, cc clientConfig, a netArgs) error {
		return f(ctx, srv.ec2(t, cc), a)
	}}
}

func elbv2Probe(api string, f func(ctx context.Context, c *elbv2.Client, a netArgs) error) netProbe {
	return netProbe{"elasticloadbalancingv2", api, func(ctx context.Context, t *testing.T, srv *Server, cc clientConfig, a netArgs) error {
		return f(ctx, srv.elbv2(t, cc), a)
	}}
}

func elbProbe(api string, f func(ctx context.Context, c *elb.Client, a netArgs) error) netProbe {
	return netProbe{"elasticloadbalancing", api, func(ctx context.Context, t *testing.T, srv *Server, cc clientConfig, a netArgs) error {
		return f(ctx, srv.elb(t, cc), a)
	}}
}

func iamProbe(api string, f func(ctx context.Context, c *iam.Client) error) netProbe {
	return netProbe{"iam", api, func(ctx context.Context, t *testing.T, srv *Server, cc clientConfig, a netArgs) error {
		return f(ctx, srv.iamClient(t, cc))
	}}
}

// netProbes covers every operation this part of the fake serves.
var netProbes = []netProbe{
	ec2Probe("DescribeInstances", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
		return err
	}),
	ec2Probe("DescribeAddresses", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{})
		return err
	}),
	ec2Probe("DescribeVpcs", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
		return err
	}),
	ec2Probe("DescribeSubnets", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
		return err
	}),
	ec2Probe("DescribeInternetGateways", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{})
		return err
	}),
	ec2Probe("DescribeRouteTables", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{})
		return err
	}),
	ec2Probe("DescribeNetworkAcls", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{})
		return err
	}),
	ec2Probe("DescribeSecurityGroups", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
		return err
	}),
	ec2Probe("DescribeSecurityGroupRules", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{})
		return err
	}),
	ec2Probe("DescribeManagedPrefixLists", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{})
		return err
	}),
	ec2Probe("GetManagedPrefixListEntries", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.GetManagedPrefixListEntries(ctx, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: &a.plID})
		return err
	}),
	ec2Probe("DescribeLaunchTemplates", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{})
		return err
	}),
	ec2Probe("DescribeLaunchTemplateVersions", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: &a.ltID})
		return err
	}),
	ec2Probe("DescribeVpcEndpoints", func(ctx context.Context, c *ec2.Client, a netArgs) error {
		_, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{})
		return err
	}),
	elbv2Probe("DescribeLoadBalancers", func(ctx context.Context, c *elbv2.Client, a netArgs) error {
		_, err := c.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
		return err
	}),
	elbv2Probe("DescribeListeners", func(ctx context.Context, c *elbv2.Client, a netArgs) error {
		_, err := c.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: &a.lbARN})
		return err
	}),
	elbv2Probe("DescribeRules", func(ctx context.Context, c *elbv2.Client, a netArgs) error {
		_, err := c.DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: &a.listenerARN})
		return err
	}),
	elbv2Probe("DescribeTargetGroups", func(ctx context.Context, c *elbv2.Client, a netArgs) error {
		_, err := c.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{})
		return err
	}),
	elbv2Probe("DescribeTargetHealth", func(ctx context.Context, c *elbv2.Client, a netArgs) error {
		_, err := c.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: &a.tgARN})
		return err
	}),
	elbv2Probe("DescribeLoadBalancerAttributes", func(ctx context.Context, c *elbv2.Client, a netArgs) error {
		_, err := c.DescribeLoadBalancerAttributes(ctx, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: &a.lbARN})
		return err
	}),
	elbv2Probe("DescribeTags", func(ctx context.Context, c *elbv2.Client, a netArgs) error {
		_, err := c.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: []string{a.lbARN}})
		return err
	}),
	elbProbe("DescribeLoadBalancers", func(ctx context.Context, c *elb.Client, a netArgs) error {
		_, err := c.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
		return err
	}),
	elbProbe("DescribeLoadBalancerPolicies", func(ctx context.Context, c *elb.Client, a netArgs) error {
		_, err := c.DescribeLoadBalancerPolicies(ctx, &elb.DescribeLoadBalancerPoliciesInput{LoadBalancerName: aws.String("legacy-elb")})
		return err
	}),
	iamProbe("ListInstanceProfiles", func(ctx context.Context, c *iam.Client) error {
		_, err := c.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{})
		return err
	}),
	iamProbe("GetInstanceProfile", func(ctx context.Context, c *iam.Client) error {
		_, err := c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("web-profile")})
		return err
	}),
}

// netErrors are the codes and statuses each service sends for a denied and
// a throttled call: EC2's UnauthorizedOperation 403 and RequestLimitExceeded
// 503 ("Error codes for the Amazon EC2 API"), the query protocol's
// AccessDenied 403 and Throttling 400 for ELB and IAM.
var netErrors = map[string][2]apiError{
	"ec2":                    {{"UnauthorizedOperation", 403}, {"RequestLimitExceeded", 503}},
	"elasticloadbalancingv2": {{"AccessDenied", 403}, {"Throttling", 400}},
	"elasticloadbalancing":   {{"AccessDenied", 403}, {"Throttling", 400}},
	"iam":                    {{"AccessDenied", 403}, {"Throttling", 400}},
}

func netWorld(t *testing.T) *World {
	t.Helper()
	w, err := LoadFixture(networkFixture)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestEveryNetworkOperationAnswersHappyDeniedAndThrottled(t *testing.T) {
	args := readNetArgs(t)
	ctx := context.Background()
	quiet := Options{Logf: func(string, ...any) {}}
	for _, p := range netProbes {
		key := p.service + ":" + p.api
		t.Run(key+" answers through the SDK and counts the call", func(t *testing.T) {
			srv := startWorld(t, netWorld(t), quiet)
			if err := p.call(ctx, t, srv, clientConfig{attempts: 1}, args); err != nil {
				t.Fatal(err)
			}
			if got := srv.Stats().Calls[key]; got != 1 {
				t.Errorf("Stats.Calls[%s] = %d, want 1", key, got)
			}
		})
		t.Run(key+" denied by a fault is the service's AccessDenied", func(t *testing.T) {
			w := netWorld(t)
			w.Faults = []Fault{{Service: p.service, API: p.api, Error: ErrAccessDenied}}
			srv := startWorld(t, w, quiet)
			if diff := cmp.Diff(netErrors[p.service][0], decodeError(t, p.call(ctx, t, srv, clientConfig{attempts: 1}, args))); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
		t.Run(key+" past its token bucket is the service's throttling error", func(t *testing.T) {
			w := netWorld(t)
			w.Throttle = Throttle{APIs: map[string]Rate{key: {Rate: 0.01, Burst: 1}}}
			srv := startWorld(t, w, quiet)
			if err := p.call(ctx, t, srv, clientConfig{attempts: 1}, args); err != nil {
				t.Fatalf("first call: %v", err)
			}
			if diff := cmp.Diff(netErrors[p.service][1], decodeError(t, p.call(ctx, t, srv, clientConfig{attempts: 1}, args))); diff != "" {
				t.Errorf("second call (-want +got):\n%s", diff)
			}
			if got := srv.Stats().Throttled[key]; got != 1 {
				t.Errorf("Stats.Throttled[%s] = %d, want 1", key, got)
			}
		})
	}
}

// TestChaosCoversTheNetworkServices: chaos mode picks its faults by the
// fake's service names, ELBv2 included, without special cases.
func TestChaosCoversTheNetworkServices(t *testing.T) {
	args := readNetArgs(t)
	srv := startWorld(t, netWorld(t), Options{Logf: func(string, ...any) {}, Chaos: &Chaos{Seed: 1, Rate: 1, Kinds: []string{ChaosInternalError},
		Services: []string{"ec2", "elasticloadbalancing", "elasticloadbalancingv2"}}})
	want := map[string]apiError{"ec2": {"InternalError", 500}, "elasticloadbalancing": {"InternalFailure", 500}, "elasticloadbalancingv2": {"InternalFailure", 500}}
	for _, p := range netProbes {
		if p.service == "iam" {
			continue
		}
		if diff := cmp.Diff(want[p.service], decodeError(t, p.call(context.Background(), t, srv, clientConfig{attempts: 1}, args))); diff != "" {
			t.Errorf("%s:%s (-want +got):\n%s", p.service, p.api, diff)
		}
		if got := srv.Stats().ChaosByAPI[p.service+":"+p.api]; got != 1 {
			t.Errorf("ChaosByAPI[%s:%s] = %d, want 1", p.service, p.api, got)
		}
	}
}

// TestEC2DescribeThrottleIsAWSsRequestTokenBucket: with EC2's published
// bucket for non-mutating actions (100 tokens, 20 a second; "Request
// throttling for the Amazon EC2 API", Amazon EC2 Developer Guide) a burst
// of 100 DescribeInstances succeeds and the 101st is RequestLimitExceeded.
func TestEC2DescribeThrottleIsAWSsRequestTokenBucket(t *testing.T) {
	w := netWorld(t)
	w.Throttle = Throttle{APIs: map[string]Rate{"ec2:*": EC2DescribeRate}}
	srv := startWorld(t, w, Options{Logf: func(string, ...any) {}})
	frozen := time.Now()
	srv.throttle.now = func() time.Time { return frozen } // no refill during the burst
	c := srv.ec2(t, clientConfig{attempts: 1})
	for i := range 100 {
		if _, err := c.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{}); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	_, err := c.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{})
	if diff := cmp.Diff(apiError{"RequestLimitExceeded", 503}, decodeError(t, err)); diff != "" {
		t.Errorf("call 101 (-want +got):\n%s", diff)
	}
	// Another API has its own bucket.
	if _, err := c.DescribeSubnets(context.Background(), &ec2.DescribeSubnetsInput{}); err != nil {
		t.Errorf("DescribeSubnets after DescribeInstances ran dry: %v", err)
	}
}

func TestUnknownLoadBalancingOperations(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{Logf: func(string, ...any) {}})
	ctx := context.Background()
	_, err := srv.elbv2(t, clientConfig{attempts: 1}).DescribeSSLPolicies(ctx, &elbv2.DescribeSSLPoliciesInput{})
	if diff := cmp.Diff(apiError{"InvalidAction", 400}, decodeError(t, err)); diff != "" {
		t.Errorf("ELBv2 (-want +got):\n%s", diff)
	}
	_, err = srv.elb(t, clientConfig{attempts: 1}).DescribeInstanceHealth(ctx, &elb.DescribeInstanceHealthInput{LoadBalancerName: aws.String("legacy-elb")})
	if diff := cmp.Diff(apiError{"InvalidAction", 400}, decodeError(t, err)); diff != "" {
		t.Errorf("Classic (-want +got):\n%s", diff)
	}
	if got := srv.Stats().Rejected; got != 2 {
		t.Errorf("Rejected = %d, want 2", got)
	}
}

// TestAnUnvalidatedWorldNeverBreaksTheHandlers: a World built in Go need not
// be validated; whatever its references fail to resolve is left out, and
// every operation still answers (no panic, no 5xx).
func TestAnUnvalidatedWorldNeverBreaksTheHandlers(t *testing.T) {
	args := readNetArgs(t)
	w := netWorld(t)
	a := w.Accounts[0]
	a.EC2.Subnets[0].VPC = "nope"
	a.EC2.Instances[1].Subnet = "nope"
	a.EC2.Instances[0].SecurityGroups = []string{"nope"}
	a.EC2.RouteTables[0].Routes[0].Gateway = "igw-nope"
	a.EC2.SecurityGroups[2].Ingress[0].Groups[0].Group = "nope"
	a.EC2.Addresses[0].Instance = "nope"
	a.ELBv2.LoadBalancers[0].Subnets = []string{"nope"}
	a.ELBv2.LoadBalancers[0].Listeners[0].DefaultActions[0].TargetGroup = "nope"
	a.ELBv2.TargetGroups[0].VPC = "nope"
	a.ELB.LoadBalancers[0].Instances = []string{"nope"}
	if err := w.Validate(); err == nil {
		t.Fatal("the broken world validates")
	}
	srv := startWorld(t, w, Options{Logf: func(string, ...any) {}})
	for _, p := range netProbes {
		err := p.call(context.Background(), t, srv, clientConfig{attempts: 1}, args)
		if err == nil {
			continue
		}
		if got := decodeError(t, err); got.Status >= 500 {
			t.Errorf("%s:%s: %+v", p.service, p.api, got)
		}
	}
}

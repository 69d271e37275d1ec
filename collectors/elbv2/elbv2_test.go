package elbv2_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/ec2"
	"github.com/trustmap/trustmap/collectors/elb"
	"github.com/trustmap/trustmap/collectors/elbv2"
	"github.com/trustmap/trustmap/graph"
)

// networkFixture is testdata/accounts/network.yaml, each load balancer
// there after an Elastic Load Balancing documentation page.
func networkFixture(t *testing.T, faults string) string {
	t.Helper()
	data, err := os.ReadFile("../../testdata/accounts/network.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data) + "\n" + faults
}

var usEast1 = collectortest.Options{Regions: []string{"us-east-1"}}

func node(t *testing.T, s *graph.Snapshot, kind graph.Kind, name string) graph.Node {
	t.Helper()
	for _, n := range s.Nodes {
		if n.Kind == kind && n.Name == name {
			return n
		}
	}
	t.Fatalf("no %s named %s", kind, name)
	return graph.Node{}
}

// entries lists the can-connect edges into listeners as
// "listener name: from via ports [authorizer] (certainty)".
func entries(g *graph.Graph) []string {
	var out []string
	for _, e := range g.Edges {
		n, _ := g.Node(e.To)
		if e.Kind != graph.EdgeCanConnect || n.Kind != graph.KindListener {
			continue
		}
		out = append(out, fmt.Sprintf("%s: %s %s %s [%s] (%s)", n.Name, e.From, e.Via, strings.Join(e.Actions, ","), e.Authorizer(), e.Certainty))
	}
	slices.Sort(out)
	return out
}

func TestListingsPageAndOnlyWhatRoutesIsReadFurther(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`accounts:
  - id: "123456789012"
    access_keys: [AKIATEST000000000001]
    regions: [us-east-1]
    ec2:
      vpcs: [{name: main, cidr_block: 10.0.0.0/16}]
      subnets:
        - {name: a, vpc: main, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
        - {name: b, vpc: main, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
    elbv2:
      target_groups:
`)
	const lbs, unused = 401, 402
	for i := range lbs + unused {
		proto := "HTTP"
		if i < lbs && i%2 == 1 {
			proto = "TCP" // a Network Load Balancer's
		}
		fmt.Fprintf(&sb, "        - {name: tg-%03d, protocol: %s, port: 80, vpc: main}\n", i, proto)
	}
	sb.WriteString("      load_balancers:\n")
	for i := range lbs {
		typ, proto := "application", "HTTP"
		if i%2 == 1 {
			typ, proto = "network", "TCP"
		}
		fmt.Fprintf(&sb, "        - {name: lb-%03d, type: %s, subnets: [a, b], listeners: [{port: 80, protocol: %s, default_actions: [{type: forward, target_group: tg-%03d}]}]}\n", i, typ, proto, i)
	}
	scan := collectortest.Run(t, sb.String(), usEast1, elbv2.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	want := map[string]int64{
		"sts:GetCallerIdentity":                        1,
		"ec2:DescribeRegions":                          1,
		"elasticloadbalancingv2:DescribeLoadBalancers": 2,         // 400 a page
		"elasticloadbalancingv2:DescribeTargetGroups":  3,         // 803 groups, 400 a page
		"elasticloadbalancingv2:DescribeListeners":     lbs,       // one per load balancer
		"elasticloadbalancingv2:DescribeRules":         lbs/2 + 1, // HTTP listeners of Application Load Balancers only
		"elasticloadbalancingv2:DescribeTargetHealth":  lbs,       // only the groups a load balancer uses
	}
	if diff := cmp.Diff(want, scan.Server.Stats().Calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	count := map[graph.Kind]int{}
	for _, n := range scan.Snapshot.Nodes {
		count[n.Kind]++
	}
	if count[graph.KindLoadBalancer] != lbs || count[graph.KindListener] != lbs || count[graph.KindTargetGroup] != lbs+unused {
		t.Errorf("nodes = %v", count)
	}
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage = %+v, want none", scan.Snapshot.Coverage)
	}
}

func TestLoadBalancerListenerRuleAndTargetFacts(t *testing.T) {
	scan := collectortest.Run(t, networkFixture(t, ""), usEast1, elbv2.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	alb := node(t, scan.Snapshot, graph.KindLoadBalancer, "public-alb")
	lb := alb.LoadBalancer()
	if lb.Type != "application" || lb.Scheme != "internet-facing" || !strings.HasPrefix(lb.DNSName, "public-alb-") || len(lb.Subnets) != 2 ||
		len(lb.SecurityGroups) != 1 || lb.State != "active" || lb.ListenersKnown != graph.True {
		t.Errorf("public-alb = %+v", lb)
	}
	https := node(t, scan.Snapshot, graph.KindListener, "public-alb HTTPS:443").Listener()
	if https.SSLPolicy != "ELBSecurityPolicy-TLS-1-0-2015-04" || len(https.Certificates) != 1 || https.LoadBalancer != alb.ID {
		t.Errorf("HTTPS:443 = %+v", https)
	}
	var rules []string
	for _, r := range https.Rules {
		rules = append(rules, fmt.Sprintf("%s %v %s %d", r.Priority, r.Conditions, r.Action, len(r.TargetGroups)))
	}
	if want := []string{"10 [path-pattern /health] fixed-response 0", "default [] forward 1"}; !slices.Equal(rules, want) {
		t.Errorf("rules = %v, want %v", rules, want)
	}
	portal := node(t, scan.Snapshot, graph.KindListener, "public-alb HTTPS:8443").Listener().Rules
	if len(portal) != 1 || portal[0].Authenticate != "authenticate-oidc https://idp.example.com" || portal[0].OnUnauthenticated != "authenticate" || !portal[0].Authenticates() {
		t.Errorf("HTTPS:8443 rules = %+v, want the OIDC authentication in front of the forward", portal)
	}
	redirect := node(t, scan.Snapshot, graph.KindListener, "public-alb HTTP:80").Listener().Rules
	if len(redirect) != 1 || redirect[0].Action != "redirect" || redirect[0].Redirect != "HTTPS:443" {
		t.Errorf("HTTP:80 rules = %+v", redirect)
	}
	tg := node(t, scan.Snapshot, graph.KindTargetGroup, "web-tg").TargetGroup()
	var health []string
	for _, x := range tg.Targets {
		health = append(health, x.Health+"/"+x.Reason)
	}
	slices.Sort(health)
	if want := []string{"healthy/", "healthy/", "unused/Target.InvalidState"}; tg.TargetsKnown != graph.True || !slices.Equal(health, want) {
		t.Errorf("web-tg targets %v (%v), want two healthy and the stopped one unused", health, tg.TargetsKnown)
	}
}

// Elastic Load Balancing User Guide, "Security groups for your Application
// Load Balancer", "Authenticate users using an Application Load Balancer",
// "Listener rules: redirect actions", "Security groups for your Network
// Load Balancer" and "Internal load balancers" (Application Load Balancer
// Guide, "Load balancer scheme"): which listeners the internet reaches.
func TestApplicationLoadBalancerListeners_WhatTheInternetReaches(t *testing.T) {
	scan := collectortest.Run(t, networkFixture(t, ""), usEast1, ec2.New(), elbv2.New(), elb.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	g := graph.Resolve(scan.Snapshot)
	want := []string{
		"legacy-elb HTTPS:443: internet listener tcp/443 [] (true)",
		"public-alb HTTPS:443: internet listener tcp/443 [] (true)",
		"public-alb HTTPS:8443: internet listener-authenticated tcp/8443 [authenticate-oidc https://idp.example.com] (true)",
		"public-nlb TCP:443: internet listener tcp/443 [] (true)",
	}
	if diff := cmp.Diff(want, entries(g)); diff != "" {
		t.Errorf("entry edges (-want +got):\n%s", diff)
	}
	redirect := node(t, scan.Snapshot, graph.KindListener, "public-alb HTTP:80")
	var notes []string
	for _, n := range g.Notes {
		if n.Resource == redirect.ID {
			notes = append(notes, n.Detail)
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "only redirects") {
		t.Errorf("notes of HTTP:80 = %v, want the redirect noted", notes)
	}
	nlb := node(t, scan.Snapshot, graph.KindListener, "public-nlb TCP:443")
	for _, e := range g.In(nlb.ID) {
		if e.Kind == graph.EdgeCanConnect && !slices.Contains(e.Conditions(), "no security group on the load balancer: the targets' security groups decide which clients reach them") {
			t.Errorf("the NLB edge does not say the targets' groups decide: %v", e.Conditions())
		}
	}
}

// Application Load Balancer Guide, "Target groups for your Application
// Load Balancers" and "Health checks": listener → target group → instance,
// a stopped instance's target unused (no route), IP targets matched to an
// instance's private address only where there is one.
func TestTargetGroups_RouteToTheirHealthyTargets(t *testing.T) {
	scan := collectortest.Run(t, networkFixture(t, ""), usEast1, ec2.New(), elbv2.New())
	g := graph.Resolve(scan.Snapshot)
	tg := node(t, scan.Snapshot, graph.KindTargetGroup, "web-tg")
	var got []string
	for _, e := range g.Out(tg.ID) {
		n, _ := g.Node(e.To)
		got = append(got, fmt.Sprintf("%s %s (%s)", e.Via, n.Name, e.Certainty))
	}
	slices.Sort(got)
	if want := []string{"target app-1 (true)", "target app-2 (true)", "target old-app (false)"}; !slices.Equal(got, want) {
		t.Errorf("web-tg routes to %v, want %v", got, want)
	}
	listener := node(t, scan.Snapshot, graph.KindListener, "public-alb HTTPS:8443")
	for _, e := range g.Out(listener.ID) {
		if e.To == tg.ID && e.Authorizer() != "authenticate-oidc https://idp.example.com" {
			t.Errorf("the 8443 rule's edge has authorizer %q", e.Authorizer())
		}
	}
}

func TestDeniedReadsAreGapsAndLeaveTheirFactsUnknown(t *testing.T) {
	scan := collectortest.Run(t, networkFixture(t, `faults:
  - {service: elasticloadbalancingv2, api: DescribeRules, error: AccessDenied}
  - {service: elasticloadbalancingv2, api: DescribeTargetHealth, error: AccessDenied}`), usEast1, elbv2.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v (denials are gaps)", scan.Err)
	}
	if gaps := scan.Gaps("DescribeRules"); len(gaps) != 4 || gaps[0].Status != graph.GapDenied || gaps[0].Service != "elbv2" {
		t.Errorf("DescribeRules gaps = %+v, want one denied gap per ALB HTTP(S) listener", gaps)
	}
	https := node(t, scan.Snapshot, graph.KindListener, "public-alb HTTPS:443").Listener()
	if https.RulesKnown != graph.Unknown || len(https.Rules) != 1 || https.Rules[0].Priority != "default" {
		t.Errorf("HTTPS:443 = %+v, want rules unknown and the default action kept", https)
	}
	if tg := node(t, scan.Snapshot, graph.KindTargetGroup, "web-tg").TargetGroup(); tg.TargetsKnown != graph.Unknown || len(tg.Targets) != 0 {
		t.Errorf("web-tg = %+v, want its targets unknown", tg)
	}
	if tg := node(t, scan.Snapshot, graph.KindTargetGroup, "internal-tg").TargetGroup(); tg.TargetsKnown != graph.Unknown {
		t.Errorf("internal-tg targets known = %v", tg.TargetsKnown)
	}
}

func TestThrottledReadsAreRetried(t *testing.T) {
	scan := collectortest.Run(t, networkFixture(t, `faults:
  - {service: elasticloadbalancingv2, api: DescribeLoadBalancers, error: Throttling, count: 2}`), usEast1, elbv2.New())
	if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 {
		t.Fatalf("scan: %v, coverage %+v", scan.Err, scan.Snapshot.Coverage)
	}
	if got := scan.Stats.Retries.Load(); got != 2 {
		t.Errorf("retries = %d, want 2", got)
	}
	node(t, scan.Snapshot, graph.KindLoadBalancer, "public-alb")
}

package fakeaws

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/google/go-cmp/cmp"
)

func lbsByName(t *testing.T, c *elbv2.Client) map[string]types.LoadBalancer {
	t.Helper()
	out, err := c.DescribeLoadBalancers(context.Background(), &elbv2.DescribeLoadBalancersInput{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]types.LoadBalancer{}
	for _, l := range out.LoadBalancers {
		m[aws.ToString(l.LoadBalancerName)] = l
	}
	return m
}

func TestELBv2LoadBalancers(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	c := srv.elbv2(t, clientConfig{})
	ids := readNetIDs(t, srv.ec2(t, clientConfig{}))
	lbs := lbsByName(t, c)
	type lb struct {
		Type, Scheme, State, IPType, Zone string
		Subnets, SGs                      []string
	}
	got := map[string]lb{}
	for n, l := range lbs {
		v := lb{Type: string(l.Type), Scheme: string(l.Scheme), State: string(l.State.Code), IPType: string(l.IpAddressType), Zone: aws.ToString(l.CanonicalHostedZoneId), SGs: l.SecurityGroups}
		for _, az := range l.AvailabilityZones {
			v.Subnets = append(v.Subnets, aws.ToString(az.ZoneName)+" "+aws.ToString(az.SubnetId))
		}
		got[n] = v
		if aws.ToString(l.VpcId) != ids.vpc {
			t.Errorf("%s vpc %s", n, aws.ToString(l.VpcId))
		}
	}
	public := []string{"us-east-1a " + ids.subnets["public-a"], "us-east-1b " + ids.subnets["public-b"]}
	want := map[string]lb{
		"public-alb":   {"application", "internet-facing", "active", "ipv4", "Z35SXDOTRQ7X7K", public, []string{ids.sgs["alb-public"]}},
		"public-nlb":   {"network", "internet-facing", "active", "ipv4", "Z26RNL4JYFTOTI", public, nil},
		"intranet-alb": {"application", "internal", "active", "ipv4", "Z35SXDOTRQ7X7K", []string{"us-east-1a " + ids.subnets["private-a"], "us-east-1b " + ids.subnets["private-b"]}, []string{ids.sgs["alb-internal"]}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("load balancers (-want +got):\n%s", diff)
	}

	t.Run("ARNs and DNS names have AWS's shapes", func(t *testing.T) {
		alb, nlb, internal := lbs["public-alb"], lbs["public-nlb"], lbs["intranet-alb"]
		albID := aws.ToString(alb.LoadBalancerArn)[strings.LastIndex(aws.ToString(alb.LoadBalancerArn), "/")+1:]
		nlbID := aws.ToString(nlb.LoadBalancerArn)[strings.LastIndex(aws.ToString(nlb.LoadBalancerArn), "/")+1:]
		checks := []struct{ got, prefix, suffix string }{
			{aws.ToString(alb.LoadBalancerArn), "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/public-alb/", ""},
			{aws.ToString(nlb.LoadBalancerArn), "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/public-nlb/", ""},
			{aws.ToString(alb.DNSName), "public-alb-", ".us-east-1.elb.amazonaws.com"},
			{aws.ToString(internal.DNSName), "internal-intranet-alb-", ".us-east-1.elb.amazonaws.com"},
			{aws.ToString(nlb.DNSName), "public-nlb-" + nlbID, ".elb.us-east-1.amazonaws.com"},
		}
		for _, c := range checks {
			if !strings.HasPrefix(c.got, c.prefix) || !strings.HasSuffix(c.got, c.suffix) {
				t.Errorf("%s: want %s...%s", c.got, c.prefix, c.suffix)
			}
		}
		if !hex16RE.MatchString(albID) || !hex16RE.MatchString(nlbID) {
			t.Errorf("ids %s %s are not 16 hex digits", albID, nlbID)
		}
	})

	t.Run("attributes are the type's defaults with the fixture's on top", func(t *testing.T) {
		out, err := c.DescribeLoadBalancerAttributes(context.Background(), &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: lbs["public-alb"].LoadBalancerArn})
		if err != nil {
			t.Fatal(err)
		}
		attrs := map[string]string{}
		for _, a := range out.Attributes {
			attrs[aws.ToString(a.Key)] = aws.ToString(a.Value)
		}
		for k, v := range map[string]string{"routing.http.drop_invalid_header_fields.enabled": "false", "deletion_protection.enabled": "false",
			"idle_timeout.timeout_seconds": "60", "load_balancing.cross_zone.enabled": "true", "access_logs.s3.enabled": "false"} {
			if attrs[k] != v {
				t.Errorf("%s = %q, want %q", k, attrs[k], v)
			}
		}
	})

	t.Run("tags of load balancers and target groups", func(t *testing.T) {
		out, err := c.DescribeTags(context.Background(), &elbv2.DescribeTagsInput{ResourceArns: []string{aws.ToString(lbs["public-alb"].LoadBalancerArn)}})
		if err != nil || len(out.TagDescriptions) != 1 || aws.ToString(out.TagDescriptions[0].Tags[0].Key) != "env" {
			t.Errorf("tags %+v, %v", out, err)
		}
	})
}

func TestELBv2ListenersRulesAndActions(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	c := srv.elbv2(t, clientConfig{})
	ctx := context.Background()
	lbs := lbsByName(t, c)
	tgs, err := c.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{Names: []string{"web-tg"}})
	if err != nil {
		t.Fatal(err)
	}
	webTG := aws.ToString(tgs.TargetGroups[0].TargetGroupArn)
	out, err := c.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: lbs["public-alb"].LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	byPort := map[int32]types.Listener{}
	for _, l := range out.Listeners {
		byPort[aws.ToInt32(l.Port)] = l
	}

	t.Run("HTTPS with an old TLS policy forwards to the target group", func(t *testing.T) {
		l := byPort[443]
		a := l.DefaultActions[0]
		if l.Protocol != types.ProtocolEnumHttps || aws.ToString(l.SslPolicy) != "ELBSecurityPolicy-TLS-1-0-2015-04" || len(l.Certificates) != 1 ||
			a.Type != types.ActionTypeEnumForward || aws.ToString(a.TargetGroupArn) != webTG ||
			aws.ToString(a.ForwardConfig.TargetGroups[0].TargetGroupArn) != webTG || aws.ToInt32(a.ForwardConfig.TargetGroups[0].Weight) != 1 {
			t.Errorf("listener 443 %+v, action %+v", l, a)
		}
	})
	t.Run("HTTP redirects to HTTPS, keeping the rest of the URL", func(t *testing.T) {
		r := byPort[80].DefaultActions[0].RedirectConfig
		got := []string{aws.ToString(r.Protocol), aws.ToString(r.Port), aws.ToString(r.Host), aws.ToString(r.Path), aws.ToString(r.Query), string(r.StatusCode)}
		if diff := cmp.Diff([]string{"HTTPS", "443", "#{host}", "/#{path}", "#{query}", "HTTP_301"}, got); diff != "" {
			t.Errorf("redirect (-want +got):\n%s", diff)
		}
	})
	t.Run("authenticate-oidc comes first, with the documented defaults and no client secret", func(t *testing.T) {
		acts := byPort[8443].DefaultActions
		o := acts[0].AuthenticateOidcConfig
		if acts[0].Type != types.ActionTypeEnumAuthenticateOidc || aws.ToInt32(acts[0].Order) != 1 || acts[1].Type != types.ActionTypeEnumForward ||
			aws.ToString(o.Issuer) != "https://idp.example.com" || aws.ToString(o.ClientId) != "portal-client" || o.ClientSecret != nil ||
			aws.ToString(o.Scope) != "openid" || aws.ToString(o.SessionCookieName) != "AWSELBAuthSessionCookie" ||
			aws.ToInt64(o.SessionTimeout) != 604800 || o.OnUnauthenticatedRequest != "authenticate" {
			t.Errorf("actions %+v, oidc %+v", acts, o)
		}
		// Not even an empty element: AWS omits the secret from every answer.
		body := rawQuery(t, srv, "elasticloadbalancing", "Action=DescribeListeners&Version=2015-12-01&LoadBalancerArn="+url.QueryEscape(aws.ToString(lbs["public-alb"].LoadBalancerArn)))
		if strings.Contains(body, "ClientSecret") {
			t.Error("DescribeListeners answers a ClientSecret element")
		}
	})
	t.Run("rules come by priority with the default rule last", func(t *testing.T) {
		rules, err := c.DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: byPort[443].ListenerArn})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rules.Rules {
			s := fmt.Sprintf("%s default=%v %s", aws.ToString(r.Priority), aws.ToBool(r.IsDefault), r.Actions[0].Type)
			for _, cond := range r.Conditions {
				s += " " + aws.ToString(cond.Field) + "=" + strings.Join(cond.PathPatternConfig.Values, ",") + "/" + strings.Join(cond.Values, ",")
			}
			got = append(got, s)
			if !strings.HasPrefix(aws.ToString(r.RuleArn), strings.Replace(aws.ToString(byPort[443].ListenerArn), ":listener/", ":listener-rule/", 1)+"/") {
				t.Errorf("rule arn %s", aws.ToString(r.RuleArn))
			}
		}
		want := []string{"10 default=false fixed-response path-pattern=/health//health", "default default=true forward"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("rules (-want +got):\n%s", diff)
		}
	})
	t.Run("listeners by ARN", func(t *testing.T) {
		got, err := c.DescribeListeners(ctx, &elbv2.DescribeListenersInput{ListenerArns: []string{aws.ToString(byPort[80].ListenerArn)}})
		if err != nil || len(got.Listeners) != 1 || aws.ToInt32(got.Listeners[0].Port) != 80 {
			t.Errorf("%+v, %v", got, err)
		}
	})
}

// rawQuery posts a signed query-protocol request and returns the body.
func rawQuery(t *testing.T, srv *Server, service, body string) string {
	t.Helper()
	h := signedHeader(demoKey, "us-east-1", service)
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, out := srv.rawRequest(t, http.MethodPost, "/", "", h, body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, out)
	}
	return out
}

func TestELBv2TargetGroupsAndHealth(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	c := srv.elbv2(t, clientConfig{})
	ctx := context.Background()
	lbs := lbsByName(t, c)
	insts, _ := instancesByName(t, srv, &ec2.DescribeInstancesInput{})

	t.Run("a load balancer's target groups, with their defaults", func(t *testing.T) {
		out, err := c.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{LoadBalancerArn: lbs["public-nlb"].LoadBalancerArn})
		if err != nil {
			t.Fatal(err)
		}
		tg := out.TargetGroups[0]
		got := fmt.Sprintf("%s %s %s %d %s %s %v %d %d %d %d %v", aws.ToString(tg.TargetGroupName), tg.TargetType, tg.Protocol, aws.ToInt32(tg.Port),
			tg.HealthCheckProtocol, aws.ToString(tg.HealthCheckPort), aws.ToBool(tg.HealthCheckEnabled), aws.ToInt32(tg.HealthCheckIntervalSeconds),
			aws.ToInt32(tg.HealthCheckTimeoutSeconds), aws.ToInt32(tg.HealthyThresholdCount), aws.ToInt32(tg.UnhealthyThresholdCount), tg.LoadBalancerArns)
		// CreateTargetGroup reference: TCP groups check TCP on the traffic
		// port every 30 s, timeout 10 s, thresholds 5 and 2.
		want := fmt.Sprintf("nlb-ip-tg ip TCP 443 TCP traffic-port true 30 10 5 2 [%s]", aws.ToString(lbs["public-nlb"].LoadBalancerArn))
		if got != want || len(out.TargetGroups) != 1 || tg.Matcher != nil {
			t.Errorf("target group\n got %s\nwant %s", got, want)
		}
	})
	t.Run("an HTTP target group names the one load balancer whose listeners forward to it", func(t *testing.T) {
		out, err := c.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{Names: []string{"web-tg"}})
		if err != nil {
			t.Fatal(err)
		}
		tg := out.TargetGroups[0]
		if len(tg.LoadBalancerArns) != 1 || aws.ToString(tg.HealthCheckPath) != "/healthz" || aws.ToString(tg.Matcher.HttpCode) != "200" ||
			aws.ToInt32(tg.HealthCheckTimeoutSeconds) != 6 || aws.ToString(tg.ProtocolVersion) != "HTTP1" {
			t.Errorf("web-tg %+v", tg)
		}
	})
	t.Run("health: running targets healthy, a stopped one unused", func(t *testing.T) {
		tgs, _ := c.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{Names: []string{"web-tg", "nlb-ip-tg"}})
		got := map[string]string{}
		for _, tg := range tgs.TargetGroups {
			out, err := c.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: tg.TargetGroupArn})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range out.TargetHealthDescriptions {
				got[fmt.Sprintf("%s:%d", aws.ToString(d.Target.Id), aws.ToInt32(d.Target.Port))] = fmt.Sprintf("%s %s %s", d.TargetHealth.State,
					d.TargetHealth.Reason, aws.ToString(d.HealthCheckPort))
			}
		}
		want := map[string]string{
			aws.ToString(insts["app-1"].InstanceId) + ":8080":   "healthy  8080",
			aws.ToString(insts["app-2"].InstanceId) + ":8080":   "healthy  8080",
			aws.ToString(insts["old-app"].InstanceId) + ":8080": "unused Target.InvalidState 8080",
			"10.0.11.50:443": "healthy  443",
			"10.0.12.50:443": "unhealthy Target.FailedHealthChecks 443",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("target health (-want +got):\n%s", diff)
		}
	})
	t.Run("a target asked for but not registered is unused, Target.NotRegistered", func(t *testing.T) {
		tgs, _ := c.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{Names: []string{"web-tg"}})
		out, err := c.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: tgs.TargetGroups[0].TargetGroupArn,
			Targets: []types.TargetDescription{{Id: insts["web-1"].InstanceId, Port: aws.Int32(8080)}, {Id: insts["app-1"].InstanceId}}})
		if err != nil {
			t.Fatal(err)
		}
		h := out.TargetHealthDescriptions
		if len(h) != 2 || h[0].TargetHealth.Reason != types.TargetHealthReasonEnumNotRegistered || h[1].TargetHealth.State != types.TargetHealthStateEnumHealthy {
			t.Errorf("health %+v", h)
		}
	})
}

// manyLoadBalancers is a fixture of n Application Load Balancers in
// us-east-1, and one of the same name in eu-west-1 and in another account.
func manyLoadBalancers(n int) string {
	var f strings.Builder
	f.WriteString(`accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    ec2:
      vpcs: [{name: v, cidr_block: 10.0.0.0/16}, {name: v, cidr_block: 10.0.0.0/16, region: eu-west-1}]
      subnets:
        - {name: a, vpc: v, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
        - {name: b, vpc: v, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
        - {name: a, vpc: v, cidr_block: 10.0.1.0/24, availability_zone: eu-west-1a, region: eu-west-1}
        - {name: b, vpc: v, cidr_block: 10.0.2.0/24, availability_zone: eu-west-1b, region: eu-west-1}
    elbv2:
      load_balancers:
`)
	for i := range n {
		fmt.Fprintf(&f, "        - {name: lb-%02d, subnets: [a, b]}\n", i)
	}
	f.WriteString(`        - {name: lb-00, region: eu-west-1, subnets: [a, b]}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
    ec2:
      vpcs: [{name: v, cidr_block: 10.0.0.0/16}]
      subnets:
        - {name: a, vpc: v, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
        - {name: b, vpc: v, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
    elbv2:
      load_balancers: [{name: lb-00, subnets: [a, b]}]
`)
	return f.String()
}

func TestELBv2PagingAndUniqueARNs(t *testing.T) {
	srv := startYAML(t, manyLoadBalancers(5), Options{})
	ctx := context.Background()
	p := elbv2.NewDescribeLoadBalancersPaginator(srv.elbv2(t, clientConfig{}), &elbv2.DescribeLoadBalancersInput{PageSize: aws.Int32(2)})
	var pages []int
	arns := map[string]bool{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, len(page.LoadBalancers))
		for _, l := range page.LoadBalancers {
			arns[aws.ToString(l.LoadBalancerArn)] = true
		}
	}
	if diff := cmp.Diff([]int{2, 2, 1}, pages); diff != "" || len(arns) != 5 {
		t.Errorf("%d ARNs; load balancers per page (-want +got):\n%s", len(arns), diff)
	}

	// The same name in another region and another account is another load
	// balancer with its own ARN (moto once gave them the same one).
	us := lbsByName(t, srv.elbv2(t, clientConfig{}))["lb-00"]
	eu := lbsByName(t, srv.elbv2(t, clientConfig{region: "eu-west-1"}))["lb-00"]
	partner := lbsByName(t, srv.elbv2(t, clientConfig{key: partnerKey}))["lb-00"]
	seen := map[string]bool{}
	for _, l := range []types.LoadBalancer{us, eu, partner} {
		a := aws.ToString(l.LoadBalancerArn)
		if seen[a] || a == "" {
			t.Errorf("ARN %q is not unique", a)
		}
		seen[a] = true
	}
	if !strings.Contains(aws.ToString(eu.LoadBalancerArn), ":eu-west-1:123456789012:") || !strings.Contains(aws.ToString(partner.LoadBalancerArn), ":us-east-1:111122223333:") {
		t.Errorf("ARNs %s %s do not name their region and account", aws.ToString(eu.LoadBalancerArn), aws.ToString(partner.LoadBalancerArn))
	}
	_, err := srv.elbv2(t, clientConfig{attempts: 1}).DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{aws.ToString(eu.LoadBalancerArn)}})
	if diff := cmp.Diff(apiError{"LoadBalancerNotFound", 400}, decodeError(t, err)); diff != "" {
		t.Errorf("another region's ARN (-want +got):\n%s", diff)
	}
}

func TestELBv2Errors(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	ctx := context.Background()
	c := srv.elbv2(t, clientConfig{attempts: 1})
	missing := "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
	tests := []struct {
		name string
		call func() error
		want apiError
	}{
		{"DescribeLoadBalancers by name", func() error {
			_, err := c.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{"nope"}})
			return err
		}, apiError{"LoadBalancerNotFound", 400}},
		{"DescribeLoadBalancers with PageSize 401", func() error {
			_, err := c.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{PageSize: aws.Int32(401)})
			return err
		}, apiError{"ValidationError", 400}},
		{"DescribeLoadBalancers with a foreign Marker", func() error {
			_, err := c.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Marker: aws.String("bm9wZQ")})
			return err
		}, apiError{"ValidationError", 400}},
		{"DescribeListeners of a missing load balancer", func() error {
			_, err := c.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: aws.String(missing + "loadbalancer/app/nope/0123456789abcdef")})
			return err
		}, apiError{"LoadBalancerNotFound", 400}},
		{"DescribeListeners of a missing listener", func() error {
			_, err := c.DescribeListeners(ctx, &elbv2.DescribeListenersInput{ListenerArns: []string{missing + "listener/app/nope/0123456789abcdef/0123456789abcdef"}})
			return err
		}, apiError{"ListenerNotFound", 400}},
		{"DescribeRules of a missing listener", func() error {
			_, err := c.DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: aws.String(missing + "listener/app/nope/0123456789abcdef/0123456789abcdef")})
			return err
		}, apiError{"ListenerNotFound", 400}},
		{"DescribeRules of a missing rule", func() error {
			_, err := c.DescribeRules(ctx, &elbv2.DescribeRulesInput{RuleArns: []string{missing + "listener-rule/app/nope/0123456789abcdef/0123456789abcdef/0123456789abcdef"}})
			return err
		}, apiError{"RuleNotFound", 400}},
		{"DescribeTargetGroups by name", func() error {
			_, err := c.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{Names: []string{"nope"}})
			return err
		}, apiError{"TargetGroupNotFound", 400}},
		{"DescribeTargetHealth of a missing group", func() error {
			_, err := c.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(missing + "targetgroup/nope/0123456789abcdef")})
			return err
		}, apiError{"TargetGroupNotFound", 400}},
		{"DescribeLoadBalancerAttributes of a missing load balancer", func() error {
			_, err := c.DescribeLoadBalancerAttributes(ctx, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: aws.String(missing + "loadbalancer/app/nope/0123456789abcdef")})
			return err
		}, apiError{"LoadBalancerNotFound", 400}},
		{"DescribeTags of a missing target group", func() error {
			_, err := c.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: []string{missing + "targetgroup/nope/0123456789abcdef"}})
			return err
		}, apiError{"TargetGroupNotFound", 400}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, decodeError(t, tc.call())); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

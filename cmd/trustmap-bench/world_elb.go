package main

import (
	"fmt"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/fakeaws"
)

// The load balancers of the generated account (world_network.go says which
// kinds there are and which listeners are ways in).

func lbID(j int) string { return fmt.Sprintf("%016x", 0xbe0c0000000000+j) }

// listenerARN is the ARN of load balancer j's listener on port.
func (s scenario) listenerARN(j int, typ, name string, port int) string {
	return fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:listener/%s/%s/%s/%08x%08x", s.region(j), benchAccount, typ, name, lbID(j), j+1, port)
}

func certificate(region string, j int) string {
	return fmt.Sprintf("arn:aws:acm:%s:%s:certificate/00000000-0000-4000-8000-%012d", region, benchAccount, j)
}

func forward(tg string) []*fakeaws.ActionV2 {
	return []*fakeaws.ActionV2{{Type: "forward", TargetGroup: tg}}
}

func (g *generated) loadBalancers(s scenario, a *fakeaws.Account, st *netState) {
	for j := range s.LoadBalancers {
		v, region := s.vpcOf(j), s.region(j)
		vpc := vpcName(v)
		kind := j % 6
		typ, scheme, prefix := "application", "internet-facing", "app"
		if kind == 3 || kind == 4 {
			typ, prefix = "network", "net"
		}
		if kind == 2 || kind == 4 {
			scheme = "internal"
		}
		name := fmt.Sprintf("bench-%slb-%05d", string(prefix[0]), j)
		lb := &fakeaws.LoadBalancerV2{Name: name, ID: lbID(j), Region: region, Type: typ, Scheme: scheme, Created: created,
			Subnets: []string{subnetName(v, "public-a"), subnetName(v, "public-b")}}
		if scheme == "internal" {
			lb.Subnets = []string{subnetName(v, "private-a"), subnetName(v, "private-b")}
		}
		switch {
		case typ == "network":
		case scheme == "internal":
			lb.SecurityGroups = []string{"alb-internal"}
		default:
			lb.SecurityGroups = []string{"alb"}
		}
		tg := func(suffix, targetType, protocol string, port int) string {
			t := &fakeaws.TargetGroup{Name: fmt.Sprintf("bench-tg-%05d-%s", j, suffix), Region: region, TargetType: targetType}
			switch targetType {
			case "lambda":
				t.Targets = []*fakeaws.TargetV2{{ID: s.functionARN(sameRegion(s, j, s.Functions))}}
			default:
				t.Protocol, t.Port, t.VPC = protocol, port, vpc
				for _, in := range st.targets[v][:min(3, len(st.targets[v]))] {
					id := in.id
					if targetType == "ip" {
						id = in.ip
					}
					t.Targets = append(t.Targets, &fakeaws.TargetV2{ID: id})
				}
			}
			a.ELBv2.TargetGroups = append(a.ELBv2.TargetGroups, t)
			g.Resources[string(graph.KindTargetGroup)]++
			return t.Name
		}
		redirect := &fakeaws.ListenerV2{ID: fmt.Sprintf("%08x%08x", j+1, 80), Port: 80, Protocol: "HTTP",
			DefaultActions: []*fakeaws.ActionV2{{Type: "redirect", Redirect: &fakeaws.RedirectV2{Protocol: "HTTPS", Port: "443", StatusCode: "HTTP_301"}}}}
		listener := func(port int, protocol, policy string, actions []*fakeaws.ActionV2) *fakeaws.ListenerV2 {
			l := &fakeaws.ListenerV2{ID: fmt.Sprintf("%08x%08x", j+1, port), Port: port, Protocol: protocol, DefaultActions: actions}
			if policy != "" {
				l.SSLPolicy, l.Certificates = policy, []string{certificate(region, j)}
			}
			return l
		}
		health := &fakeaws.RuleV2{Priority: 20, Conditions: []*fakeaws.ConditionV2{{Field: "path-pattern", Values: []string{"/health"}}},
			Actions: []*fakeaws.ActionV2{{Type: "fixed-response", FixedResponse: &fakeaws.FixedResponseV2{StatusCode: "200", ContentType: "text/plain", MessageBody: "ok"}}}}
		via := graph.ViaListener.String()
		switch kind {
		case 0: // internet-facing ALB: HTTP redirects, HTTPS forwards
			https := listener(443, "HTTPS", modernTLS, forward(tg("web", "instance", "HTTP", 8080)))
			https.Rules = []*fakeaws.RuleV2{
				{Priority: 10, Conditions: []*fakeaws.ConditionV2{{Field: "path-pattern", Values: []string{"/api/*"}}}, Actions: forward(tg("api", "ip", "HTTP", 8080))},
				health}
			lb.Listeners = []*fakeaws.ListenerV2{redirect, https}
		case 1: // internet-facing ALB: every forward authenticates first
			web := tg("web", "instance", "HTTP", 8080)
			oidc := &fakeaws.ActionV2{Type: "authenticate-oidc", AuthenticateOIDC: &fakeaws.AuthenticateOIDCV2{Issuer: "https://login.bench.example",
				AuthorizationEndpoint: "https://login.bench.example/authorize", TokenEndpoint: "https://login.bench.example/token",
				UserInfoEndpoint: "https://login.bench.example/userinfo", ClientID: "bench"}}
			cognito := &fakeaws.ActionV2{Type: "authenticate-cognito", AuthenticateCognito: &fakeaws.AuthenticateCognitoV2{
				UserPoolARN: fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s_bench", region, benchAccount, region), UserPoolClientID: "bench", UserPoolDomain: "bench"}}
			https := listener(443, "HTTPS", legacyTLS, []*fakeaws.ActionV2{oidc, forward(web)[0]})
			https.Rules = []*fakeaws.RuleV2{
				{Priority: 10, Conditions: []*fakeaws.ConditionV2{{Field: "path-pattern", Values: []string{"/admin/*"}}}, Actions: []*fakeaws.ActionV2{cognito, forward(web)[0]}},
				health}
			lb.Listeners = []*fakeaws.ListenerV2{redirect, https}
			via = graph.ViaListenerAuthenticated.String()
		case 2: // internal ALB in front of a function
			target := "lambda"
			if s.Functions < len(s.Regions) {
				target = "instance" // no function in every region
			}
			lb.Listeners = []*fakeaws.ListenerV2{listener(80, "HTTP", "", forward(tg("fn", target, "HTTP", 8080)))}
		case 3: // internet-facing NLB without security groups
			tcpTG := tg("tcp", "instance", "TCP", 8443)
			lb.Listeners = []*fakeaws.ListenerV2{listener(443, "TCP", "", forward(tcpTG)), listener(8443, "TLS", nlbLegacyTLS, forward(tcpTG))}
		case 4: // internal NLB
			lb.Listeners = []*fakeaws.ListenerV2{listener(5432, "TCP", "", forward(tg("db", "ip", "TCP", 5432)))}
		case 5: // internet-facing ALB serving plain HTTP
			lb.Listeners = []*fakeaws.ListenerV2{listener(80, "HTTP", "", forward(tg("web", "instance", "HTTP", 8080)))}
		}
		if j%10 == 7 {
			tg("idle", "instance", "HTTP", 8080) // used by no listener: its targets are not read
		}
		for _, l := range lb.Listeners {
			if scheme == "internet-facing" && l.DefaultActions[0].Type != "redirect" {
				g.plantEntry(s.listenerARN(j, prefix, name, l.Port), via)
			}
		}
		g.Resources[string(graph.KindListener)] += len(lb.Listeners)
		a.ELBv2.LoadBalancers = append(a.ELBv2.LoadBalancers, lb)
	}
	g.Resources[string(graph.KindLoadBalancer)] += s.LoadBalancers
}

func (g *generated) classicELBs(s scenario, a *fakeaws.Account, st *netState) {
	for c := range s.ClassicELBs {
		v, region := s.vpcOf(c), s.region(c)
		name := fmt.Sprintf("bench-clb-%05d", c)
		lb := &fakeaws.ClassicLoadBalancer{Name: name, Region: region, Scheme: "internet-facing", Created: created,
			Subnets: []string{subnetName(v, "public-a"), subnetName(v, "public-b")}, SecurityGroups: []string{"alb"},
			Listeners: []fakeaws.ClassicListener{
				{Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 8080},
				{Protocol: "HTTPS", LoadBalancerPort: 443, InstanceProtocol: "HTTP", InstancePort: 8080,
					SSLCertificateID: "arn:aws:iam::" + benchAccount + ":server-certificate/bench"}}}
		if c%4 == 3 {
			lb.Scheme, lb.SecurityGroups = "internal", []string{"alb-internal"}
			lb.Subnets = []string{subnetName(v, "private-a"), subnetName(v, "private-b")}
		}
		for _, in := range st.targets[v][:min(2, len(st.targets[v]))] {
			lb.Instances = append(lb.Instances, in.id)
		}
		if lb.Scheme == "internet-facing" {
			arn := graph.ClassicLoadBalancerARN(region, benchAccount, name)
			for _, l := range lb.Listeners {
				g.plantEntry(fmt.Sprintf("%s#listener/%s:%d", arn, l.Protocol, l.LoadBalancerPort), graph.ViaListener.String())
			}
		}
		a.ELB.LoadBalancers = append(a.ELB.LoadBalancers, lb)
	}
	g.Resources[string(graph.KindLoadBalancer)] += s.ClassicELBs
	g.Resources[string(graph.KindListener)] += 2 * s.ClassicELBs
}

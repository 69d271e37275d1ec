package fakeaws

import (
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Listener actions, registered targets and Classic Load Balancers of the
// resolved load balancer world (elb_world.go).

var (
	terminalActions = []string{"forward", "redirect", "fixed-response"}
	fixedStatusRE   = regexp.MustCompile(`^(2|4|5)\d\d$`)
)

// actions resolves a listener's or rule's actions: exactly one terminal
// action (forward, redirect, fixed-response), last; authenticate actions
// only on an Application Load Balancer's HTTPS listener.
func (n *elbNet) actions(p []any, lr *lisR, acts []*ActionV2) []actR {
	if len(acts) == 0 {
		n.errf(p, "at least one action is needed")
	}
	var out []actR
	for k, a := range acts {
		ap := at(p, k)
		if a == nil {
			n.errf(ap, "empty action")
			continue
		}
		ar := actR{ActionV2: a, order: a.Order}
		if ar.order == 0 {
			ar.order = k + 1
		}
		if terminal := slices.Contains(terminalActions, a.Type); terminal != (k == len(acts)-1) {
			n.errf(ap, "the last action, and only the last, is forward, redirect or fixed-response")
		}
		alb := lr.lb.typ == "application"
		switch a.Type {
		case "forward":
			n.forward(ap, lr, &ar)
		case "redirect":
			if a.Redirect == nil || (a.Redirect.StatusCode != "HTTP_301" && a.Redirect.StatusCode != "HTTP_302") {
				n.errf(ap, "a redirect action needs redirect.status_code HTTP_301 or HTTP_302")
			}
		case "fixed-response":
			if a.FixedResponse == nil || !fixedStatusRE.MatchString(a.FixedResponse.StatusCode) {
				n.errf(ap, "a fixed-response action needs fixed_response.status_code 2XX, 4XX or 5XX")
			}
		case "authenticate-oidc":
			o := a.AuthenticateOIDC
			if o == nil || o.Issuer == "" || o.AuthorizationEndpoint == "" || o.TokenEndpoint == "" || o.UserInfoEndpoint == "" || o.ClientID == "" {
				n.errf(ap, "an authenticate-oidc action needs issuer, authorization_endpoint, token_endpoint, user_info_endpoint and client_id")
			}
		case "authenticate-cognito":
			c := a.AuthenticateCognito
			if c == nil || c.UserPoolARN == "" || c.UserPoolClientID == "" || c.UserPoolDomain == "" {
				n.errf(ap, "an authenticate-cognito action needs user_pool_arn, user_pool_client_id and user_pool_domain")
			}
		default:
			n.errf(at(ap, "type"), "type %q is not forward, redirect, fixed-response, authenticate-oidc or authenticate-cognito", a.Type)
		}
		if a.Type != "forward" && !alb {
			n.errf(at(ap, "type"), "a %s load balancer's listeners only forward", lr.lb.typ)
		}
		if strings.HasPrefix(a.Type, "authenticate-") && lr.Protocol != "HTTPS" {
			n.errf(at(ap, "type"), "authenticate actions are supported on HTTPS listeners only")
		}
		out = append(out, ar)
	}
	return out
}

// tgCompatible says whether a load balancer type may forward to a target
// group: Application to HTTP/HTTPS and lambda groups, Network to
// TCP/TLS/UDP/TCP_UDP groups (including alb targets), Gateway to GENEVE.
func tgCompatible(lbType string, t *tgR) bool {
	switch lbType {
	case "application":
		return t.typ == "lambda" || (t.typ != "alb" && (t.Protocol == "HTTP" || t.Protocol == "HTTPS"))
	case "network":
		return t.typ != "lambda" && slices.Contains(lbProtocols["network"], t.Protocol)
	case "gateway":
		return t.Protocol == "GENEVE"
	}
	return false
}

func (n *elbNet) forward(ap []any, lr *lisR, ar *actR) {
	a := ar.ActionV2
	var refs []WeightedTargetGroup
	switch {
	case (a.TargetGroup == "") == (a.Forward == nil):
		n.errf(ap, "a forward action has a target_group or a weighted forward, one of them")
		return
	case a.TargetGroup != "":
		refs = []WeightedTargetGroup{{TargetGroup: a.TargetGroup}}
	default:
		refs = a.Forward.TargetGroups
		if a.Forward.Stickiness != nil {
			ar.stick = *a.Forward.Stickiness
		}
	}
	r := n.region(lr.lb.region)
	for k, ref := range refs {
		rp := at(ap, "forward", "target_groups", k, "target_group")
		if a.TargetGroup != "" {
			rp = at(ap, "target_group")
		}
		i := slices.IndexFunc(r.tgs, func(t *tgR) bool { return t.Name == ref.TargetGroup || t.arn == ref.TargetGroup })
		if i < 0 {
			n.errf(rp, "target group %s is not in the fixture in %s", ref.TargetGroup, lr.lb.region)
			continue
		}
		t := r.tgs[i]
		if t.vpc != nil && lr.lb.vpc != nil && t.vpc != lr.lb.vpc {
			n.errf(rp, "target group %s is in another VPC than load balancer %s", ref.TargetGroup, lr.lb.Name)
		}
		if !tgCompatible(lr.lb.typ, t) {
			n.errf(rp, "a %s load balancer cannot forward to target group %s (%s %s)", lr.lb.typ, t.Name, t.typ, t.Protocol)
		}
		w := 1
		if ref.Weight != nil {
			w = *ref.Weight
			if w < 0 || w > 999 {
				n.errf(rp, "weight %d is not 0-999", w)
			}
		}
		ar.forward = append(ar.forward, weighted{t.arn, w})
		if !slices.Contains(t.lbs, lr.lb) {
			t.lbs = append(t.lbs, lr.lb)
		}
	}
	if len(ar.forward) == 1 {
		ar.tgArn = ar.forward[0].arn
	}
}

var targetLambdaARNRE = regexp.MustCompile(`^arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:[a-zA-Z0-9_-]{1,64}(:[a-zA-Z0-9_$-]+)?$`)

// targetStates are the target health states, with AWS's reason and
// description for each (TargetHealth reference).
var targetStates = map[string][2]string{
	"healthy":            {"", ""},
	"initial":            {"Elb.RegistrationInProgress", "Target registration is in progress"},
	"unhealthy":          {"Target.FailedHealthChecks", "Health checks failed"},
	"unhealthy.draining": {"Target.FailedHealthChecks", "Health checks failed"},
	"unused":             {"Target.NotInUse", "Target group is not configured to receive traffic from the load balancer"},
	"draining":           {"Target.DeregistrationInProgress", "Target deregistration is in progress"},
	"unavailable":        {"Target.HealthCheckDisabled", "Health checks are disabled"},
}

// targets resolves every target group's registered targets, after the load
// balancers an alb target may name.
func (n *elbNet) targets(p []any) {
	for _, region := range slices.Sorted(maps.Keys(n.regions)) {
		r, er := n.regions[region], n.ec2Region(region)
		for _, t := range r.tgs {
			tp := at(p, slices.Index(n.account.ELBv2.TargetGroups, t.TargetGroup))
			if (t.typ == "lambda" || t.typ == "alb") && len(t.Targets) > 1 {
				n.errf(at(tp, "targets"), "a %s target group has one target", t.typ)
			}
			for k, tg := range t.Targets {
				kp := at(tp, "targets", k)
				if tg == nil {
					n.errf(kp, "empty target")
					continue
				}
				tr := targetR{id: tg.ID, port: tg.Port, az: tg.AvailabilityZone, state: tg.State, reason: tg.Reason, desc: tg.Description}
				if tr.port == 0 {
					tr.port = t.Port
				}
				n.target(kp, er, r, t, &tr)
				if tr.state == "" {
					switch {
					case tr.inst != nil && tr.inst.state != "running":
						tr.state, tr.reason, tr.desc = "unused", "Target.InvalidState", "Target is in the "+tr.inst.state+" state"
					case !t.hcEnabled:
						tr.state = "unavailable"
					case len(t.lbs) == 0:
						tr.state = "unused"
					default:
						tr.state = "healthy"
					}
				}
				def, ok := targetStates[tr.state]
				if !ok {
					n.errf(at(kp, "state"), "state %q is not a target health state", tg.State)
				}
				tr.reason, tr.desc = orDefault(tr.reason, def[0]), orDefault(tr.desc, def[1])
				t.targets = append(t.targets, tr)
			}
		}
	}
}

func (n *elbNet) target(kp []any, er *ec2Region, r *elbRegion, t *tgR, tr *targetR) {
	switch t.typ {
	case "instance":
		var inst *instR
		n.ec2Refs(func() { inst, _ = find(n.ec2, at(kp, "id"), "instance", tr.id, er.instances, instKey) })
		if inst == nil {
			return
		}
		tr.id, tr.inst = inst.id, inst
		switch {
		case inst.state == "terminated":
			n.errf(at(kp, "id"), "a terminated instance is no target")
		case t.vpc != nil && inst.vpcID() != t.vpc.id:
			n.errf(at(kp, "id"), "instance %s is not in the target group's VPC", inst.id)
		}
	case "ip":
		addr, err := netip.ParseAddr(tr.id)
		if err != nil {
			n.errf(at(kp, "id"), "%q is not an IP address", tr.id)
			return
		}
		inVPC := t.vpc != nil && (t.vpc.cidr.Contains(addr) || (t.vpc.ipv6.IsValid() && t.vpc.ipv6.Contains(addr)))
		if !inVPC && tr.az != "all" {
			n.errf(at(kp, "availability_zone"), "an IP target outside the VPC needs availability_zone all")
		}
	case "lambda":
		if !targetLambdaARNRE.MatchString(tr.id) {
			n.errf(at(kp, "id"), "%q is not a Lambda function ARN", tr.id)
		}
		tr.port = 0
	case "alb":
		i := slices.IndexFunc(r.lbs, func(l *lbR) bool { return l.Name == tr.id || l.arn == tr.id })
		switch {
		case i < 0:
			n.errf(at(kp, "id"), "load balancer %s is not in the fixture in that region", tr.id)
		case r.lbs[i].typ != "application":
			n.errf(at(kp, "id"), "an alb target is an Application Load Balancer; %s is %s", tr.id, r.lbs[i].typ)
		default:
			tr.id = r.lbs[i].arn
		}
	}
}

var classicProtocols = []string{"HTTP", "HTTPS", "TCP", "SSL"}

// classic resolves Classic Load Balancers: subnets in one VPC, security
// groups (default: the VPC's default group), instances, listeners whose
// policies exist and whose HTTPS/SSL listeners name a certificate.
func (n *elbNet) classic(p []any, lbs []*ClassicLoadBalancer) {
	for j, lb := range lbs {
		lp := at(p, j)
		if lb == nil {
			n.errf(lp, "empty load balancer")
			continue
		}
		region := n.regionOf(lp, lb.Region)
		r := n.region(region)
		er := n.ec2Region(region)
		c := &clbR{ClassicLoadBalancer: lb, region: region, scheme: orDefault(lb.Scheme, "internet-facing")}
		if !elbNameRE.MatchString(lb.Name) {
			n.errf(at(lp, "name"), "load balancer name %q is not 1-32 letters, digits and hyphens, without a hyphen at either end", lb.Name)
		} else if slices.ContainsFunc(r.classic, func(o *clbR) bool { return o.Name == lb.Name }) {
			n.errf(at(lp, "name"), "load balancer %s appears twice in %s", lb.Name, region)
		}
		if c.scheme != "internet-facing" && c.scheme != "internal" {
			n.errf(at(lp, "scheme"), "scheme %q is not internet-facing or internal", lb.Scheme)
		}
		for k, ref := range lb.Subnets {
			var s *subnetR
			n.ec2Refs(func() { s = er.subnet(n.ec2, at(lp, "subnets", k), ref) })
			switch {
			case s == nil:
			case c.vpc != nil && s.vpc != c.vpc:
				n.errf(at(lp, "subnets", k), "subnet %s is in another VPC than the load balancer's other subnets", ref)
			default:
				c.vpc = s.vpc
				c.subnets = append(c.subnets, s)
			}
		}
		if len(lb.Subnets) == 0 {
			n.errf(at(lp, "subnets"), "a load balancer needs subnets (the fake models Classic Load Balancers in a VPC)")
		}
		if c.vpc != nil {
			if len(lb.SecurityGroups) == 0 && c.vpc.defaultSG != nil {
				c.sgs = []*sgR{c.vpc.defaultSG}
			}
			n.ec2Refs(func() {
				c.sgs = append(c.sgs, n.ec2.sgInVPC(er, c.vpc, at(lp, "security_groups"), lb.SecurityGroups)...)
			})
		}
		for k, ref := range lb.Instances {
			var inst *instR
			n.ec2Refs(func() { inst, _ = find(n.ec2, at(lp, "instances", k), "instance", ref, er.instances, instKey) })
			if inst != nil {
				c.insts = append(c.insts, inst)
			}
		}
		policies := map[string]bool{}
		for k, pol := range lb.Policies {
			if pol.Name == "" || pol.Type == "" || policies[pol.Name] {
				n.errf(at(lp, "policies", k), "a policy needs a name, unique on the load balancer, and a type")
			}
			policies[pol.Name] = true
		}
		ports := map[int]bool{}
		for k, li := range lb.Listeners {
			lip := at(lp, "listeners", k)
			if !slices.Contains(classicProtocols, li.Protocol) {
				n.errf(at(lip, "protocol"), "protocol %q is not HTTP, HTTPS, TCP or SSL", li.Protocol)
			}
			if ip := orDefault(li.InstanceProtocol, li.Protocol); !slices.Contains(classicProtocols, ip) {
				n.errf(at(lip, "instance_protocol"), "instance_protocol %q is not HTTP, HTTPS, TCP or SSL", li.InstanceProtocol)
			}
			if li.LoadBalancerPort < 1 || li.LoadBalancerPort > 65535 || ports[li.LoadBalancerPort] {
				n.errf(at(lip, "load_balancer_port"), "load_balancer_port %d is not 1-65535 or is used twice", li.LoadBalancerPort)
			}
			ports[li.LoadBalancerPort] = true
			if li.InstancePort < 1 || li.InstancePort > 65535 {
				n.errf(at(lip, "instance_port"), "instance_port %d is not 1-65535", li.InstancePort)
			}
			if (li.Protocol == "HTTPS" || li.Protocol == "SSL") != (li.SSLCertificateID != "") {
				n.errf(lip, "HTTPS and SSL listeners, and only they, have an ssl_certificate_id")
			}
			for m, pol := range li.PolicyNames {
				if !policies[pol] {
					n.errf(at(lip, "policy_names", m), "policy %s is not one of the load balancer's policies", pol)
				}
			}
		}
		// A new Classic Load Balancer checks TCP on its first listener's
		// instance port every 30 s (timeout 5, thresholds 2 and 10).
		c.health = ClassicHealth{Target: "TCP:80", Interval: 30, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 10}
		if len(lb.Listeners) > 0 {
			c.health.Target = "TCP:" + strconv.Itoa(lb.Listeners[0].InstancePort)
		}
		if h := lb.HealthCheck; h != nil {
			c.health.Target = orDefault(h.Target, c.health.Target)
			for _, f := range []struct{ dst, src *int }{{&c.health.Interval, &h.Interval}, {&c.health.Timeout, &h.Timeout},
				{&c.health.UnhealthyThreshold, &h.UnhealthyThreshold}, {&c.health.HealthyThreshold, &h.HealthyThreshold}} {
				if *f.src != 0 {
					*f.dst = *f.src
				}
			}
		}
		dns := lb.Name + "-" + digits10(n.account.ID+"/"+region+"/classic/"+lb.Name) + "." + region + ".elb.amazonaws.com"
		if c.scheme == "internal" {
			dns = "internal-" + dns
		}
		c.dns, c.zoneID = orDefault(lb.DNSName, dns), elbZones[region][0]
		r.classic = append(r.classic, c)
	}
}

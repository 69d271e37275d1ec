package graph

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// elbListener derives who can connect to a listener of an internet-facing
// load balancer (reach.go). The load balancer's security groups apply to
// Application Load Balancers, Classic Load Balancers in a VPC and Network
// Load Balancers created with groups (Elastic Load Balancing User Guide:
// "Security groups for your Network Load Balancer", since August 2023); a
// Network Load Balancer without groups filters nothing, and its targets'
// groups decide which clients they answer: trustmap reaches the listener
// from everywhere and says so in a condition, rather than judging the
// targets (their groups see the clients' addresses only with client IP
// preservation). Internal load balancers have no public address and are no
// way in; Gateway Load Balancers take traffic only from endpoints. A
// listener whose every route authenticates first (authenticate-oidc or
// authenticate-cognito, not on-unauthenticated "allow") is reached through
// the listener-authenticated way in, with the identity provider as its
// authorizer; a listener that only redirects or answers fixed responses
// leads nowhere and gets a note instead.
func (r *resolver) elbListener(n *Node) {
	l := n.Listener()
	if l == nil {
		return
	}
	lbNode, ok := r.node(l.LoadBalancer)
	if !ok || lbNode.LoadBalancer() == nil {
		return
	}
	lb := lbNode.LoadBalancer()
	if !lb.InternetFacing() || lb.Type == "gateway" || lb.State == "failed" {
		return
	}
	name := fmt.Sprintf("listener %s:%d of %s", l.Protocol, l.Port, lb.Name)
	forwards, authorizer := listenerRoutes(l)
	if !forwards {
		r.note(n.ID, NoteUnreachable, ViaListener, "%s only redirects or answers fixed responses (%s): no request reaches a target through it", name, redirects(l))
		return
	}
	via := ViaListener
	if authorizer != "" {
		via = ViaListenerAuthenticated
	}
	lbKind := lb.Type + " load balancer"
	if lb.Type == "classic" {
		lbKind = "Classic Load Balancer"
	}
	t := netTarget{
		id: n.ID, account: n.Account, region: n.Region, name: name, via: via, authorizer: authorizer,
		groupIDs: lb.SecurityGroups, subnetIDs: lb.Subnets, limit: listenerPorts(l),
		open:    len(lb.SecurityGroups) == 0 && (lb.Type == "network" || lb.VPCID == ""),
		public4: lb.IPAddressType != "dualstack-without-public-ipv4", public6: strings.HasPrefix(lb.IPAddressType, "dualstack"),
		address: Evidence{Source: "elasticloadbalancing:DescribeLoadBalancers",
			Detail: fmt.Sprintf("internet-facing %s %s (%s) listens on %s:%d%s", lbKind, lb.Name, nonEmpty(lb.DNSName, "no DNS name read"), l.Protocol, l.Port, tlsDetail(l)),
			Fix:    fmt.Sprintf("make %s internal if only the VPC needs it (a new load balancer with scheme internal), or put CloudFront or AWS WAF in front", lb.Name)},
	}
	if t.open {
		t.conditions = append(t.conditions, "no security group on the load balancer: the targets' security groups decide which clients reach them")
	}
	if l.RulesKnown == Unknown {
		t.conditions = append(t.conditions, "unconfirmed: the listener's rules could not be read, only its default action")
	}
	r.connect(t)
	// Only HTTPS and TLS listeners negotiate TLS (ELB API Reference,
	// Listener.SslPolicy: "[HTTPS or TLS listener]"); moto sends a policy
	// on HTTP listeners too.
	if tls := strings.ToUpper(l.Protocol); (tls == "HTTPS" || tls == "TLS" || tls == "SSL") && legacyTLS(l.SSLPolicy) {
		r.note(n.ID, NoteWeakTLS, via, "%s uses TLS policy %s, which accepts TLS 1.0 or 1.1; clients can be downgraded to them", name, l.SSLPolicy)
	}
}

// legacyTLS says whether an ELB security policy accepts TLS 1.0 or 1.1
// ("Security policies for your Application Load Balancer", Elastic Load
// Balancing User Guide: only the ELBSecurityPolicy-TLS13-1-2, -TLS13-1-3,
// -TLS-1-2 and -FS-1-2 families start at TLS 1.2; ELBSecurityPolicy-2016-08,
// the default for listeners created outside the console, accepts TLS 1.0).
func legacyTLS(policy string) bool {
	if policy == "" {
		return false
	}
	return !modernTLS.MatchString(policy)
}

var modernTLS = regexp.MustCompile(`-(TLS13|TLS|FS)-1-[23](-|$)`)

// listenerRoutes says whether any rule of the listener forwards requests
// to a target, and the authorizer every such rule puts in front ("" when
// one forwards without authenticating). A Classic listener always sends to
// its instances.
func listenerRoutes(l *Listener) (forwards bool, authorizer string) {
	if len(l.Rules) == 0 {
		return true, "" // Classic, or rules not read: assume it forwards
	}
	var auths []string
	open := false
	for _, rule := range l.Rules {
		if rule.Action != "forward" {
			continue
		}
		forwards = true
		if !rule.Authenticates() {
			open = true
			continue
		}
		auths = append(auths, rule.Authenticate)
	}
	if open || !forwards {
		return forwards, ""
	}
	slices.Sort(auths)
	return true, strings.Join(slices.Compact(auths), "; ")
}

func redirects(l *Listener) string {
	var out []string
	for _, rule := range l.Rules {
		if rule.Redirect != "" {
			out = append(out, "redirect to "+rule.Redirect)
		} else {
			out = append(out, rule.Action)
		}
	}
	return strings.Join(uniqStrings(out), ", ")
}

// listenerPorts is what the listener accepts connections on.
func listenerPorts(l *Listener) PortSet {
	switch strings.ToUpper(l.Protocol) {
	case "UDP":
		return Ports("udp", l.Port, l.Port)
	case "TCP_UDP":
		return Ports("tcp", l.Port, l.Port).Union(Ports("udp", l.Port, l.Port))
	}
	return Ports("tcp", l.Port, l.Port)
}

func tlsDetail(l *Listener) string {
	if l.SSLPolicy == "" {
		return ""
	}
	return " with TLS policy " + l.SSLPolicy
}

// targetGroup draws the routes-to edges of IP targets that are an
// instance's private address in the target group's VPC (the collector
// draws instance, Lambda and load balancer targets itself: their ids name
// the node).
func (r *resolver) targetGroup(n *Node) {
	tg := n.TargetGroup()
	if tg == nil || tg.TargetType != "ip" {
		return
	}
	for _, t := range tg.Targets {
		inst, ok := r.instanceByIP(n.Account, n.Region, tg.VPCID, t.ID)
		if !ok {
			continue
		}
		r.edge(Edge{From: n.ID, To: inst, Kind: EdgeRoutesTo, Via: ViaTarget, Certainty: t.Serves(),
			Evidence: []Evidence{{Source: "elasticloadbalancing:DescribeTargetHealth",
				Detail: fmt.Sprintf("IP target %s:%d (%s) is a private address of %s", t.ID, t.Port, nonEmpty(t.Health, "health unknown"), inst)}}})
	}
}

// instanceByIP finds the instance with a private address in a VPC.
func (r *resolver) instanceByIP(account, region, vpc, ip string) (string, bool) {
	if r.byIP == nil {
		r.byIP = map[string]string{}
		for _, n := range r.byKind[KindEC2Instance] {
			if n.Instance() == nil {
				continue
			}
			for _, nic := range n.Instance().Interfaces {
				for _, a := range nic.PrivateIPs {
					r.byIP[n.Account+"|"+n.Region+"|"+n.Instance().VPCID+"|"+a] = n.ID
				}
			}
		}
	}
	id, ok := r.byIP[account+"|"+region+"|"+vpc+"|"+ip]
	return id, ok
}

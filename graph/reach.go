package graph

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// Network reachability: who outside the account can open connections to
// an endpoint (an instance's interface, a load balancer's listener), on
// which ports. A packet from the internet gets there only when the
// endpoint has a public address of its family, its subnet routes the
// sender's range to an internet gateway, the subnet's network ACL lets it
// in (evalACL) and one of the endpoint's security groups admits it (EC2
// User Guide, "Security group rules"; VPC User Guide, "Network ACLs" and
// "Internet gateways"). Another account's security group named in a rule
// reaches the endpoint over VPC peering or a shared VPC, privately: no
// public address or route is needed, the network ACL still applies. Each
// kind of admitted source becomes one can-connect edge:
//
//   - the internet (0.0.0.0/0, ::/0, or a range as broad): public, from the
//     internet;
//   - a fixed public range, or a prefix list: cross-account, principal "*",
//     from the node the policy engine uses for network-restricted "*" (any
//     principal, but only from that network);
//   - another account's security group: cross-account, from that account.
//
// Private ranges (RFC 1918, 100.64.0.0/10, fc00::/7) and the owner's own
// groups are inside the account's networks: no way in from outside. A fact
// the scan could not read (a security group, the routes, the network ACL)
// leaves the edge of unknown certainty — never absent — and a note.

// netTarget is an endpoint packets from outside may reach.
type netTarget struct {
	id, account, region, name string
	via                       Via
	authorizer                string
	groupIDs                  []string
	// open: no security group filters (a Network Load Balancer without
	// groups): every source is admitted on limit.
	open      bool
	subnetIDs []string
	// public4 and public6 say whether the endpoint has a public address of
	// each family; address is the evidence for it.
	public4, public6 bool
	address          Evidence
	// limit is what the endpoint listens on (a listener's port); nil for
	// an instance, which listens on whatever its software opens.
	limit      PortSet
	conditions []string
}

// admission is what one source is admitted on, and by which rules.
type admission struct {
	ports    PortSet
	evidence []Evidence
	admits   []PortSet // what each piece of evidence admits
	what     []string  // the rules' sources in words, for conditions
}

func (a *admission) add(ports PortSet, ev Evidence, what string) {
	a.ports = a.ports.Union(ports)
	a.evidence = append(a.evidence, ev)
	a.admits = append(a.admits, ports)
	if !slices.Contains(a.what, what) {
		a.what = append(a.what, what)
	}
}

// sources folds the target's security groups into who is admitted on which
// ports: by CIDR (prefix lists whose entries were read are expanded), by
// opaque prefix list, and by other account. unknown lists the groups that
// could not be read.
func (r *resolver) sources(t netTarget) (cidrs, lists, accounts map[string]*admission, unknown []string) {
	cidrs, lists, accounts = map[string]*admission{}, map[string]*admission{}, map[string]*admission{}
	at := func(m map[string]*admission, k string) *admission {
		if m[k] == nil {
			m[k] = &admission{ports: PortSet{}}
		}
		return m[k]
	}
	if t.open {
		ports := orAll(t.limit)
		ev := Evidence{Source: "elasticloadbalancing:DescribeLoadBalancers", Detail: fmt.Sprintf("%s has no security group: nothing filters clients before its targets", t.name),
			Fix: fmt.Sprintf("associate a security group with %s that admits only the clients it serves", t.name)}
		at(cidrs, "0.0.0.0/0").add(ports, ev, "any address")
		at(cidrs, "::/0").add(ports, ev, "any address")
	}
	groups := r.securityGroups(t.account, t.region, t.groupIDs)
	for i, g := range groups {
		if g == nil || g.IngressKnown != True {
			unknown = append(unknown, t.groupIDs[i])
			continue
		}
		for _, rule := range g.Ingress {
			ports := rulePorts(rule)
			if t.limit != nil {
				ports = ports.Intersect(t.limit)
			}
			if ports.Empty() {
				continue
			}
			ev := func(from string) Evidence {
				detail := fmt.Sprintf("security group %s admits %s from %s", g.GroupID, ports, from)
				if rule.Description != "" {
					detail += " (" + rule.Description + ")"
				}
				return Evidence{Source: "ec2:DescribeSecurityGroups", Detail: detail,
					Fix: fmt.Sprintf("remove or narrow the ingress rule of %s that admits %s from %s", g.GroupID, rule.Ports(), from)}
			}
			for _, c := range rule.CIDRs {
				at(cidrs, c).add(ports, ev(c), c)
			}
			for _, id := range rule.PrefixLists {
				pl := r.prefixList(t.account, t.region, id)
				if pl != nil && pl.EntriesKnown == True {
					for _, c := range pl.Entries {
						at(cidrs, c).add(ports, ev(fmt.Sprintf("prefix list %s entry %s", id, c)), c+" (prefix list "+id+")")
					}
					continue
				}
				at(lists, id).add(ports, ev("prefix list "+id), "prefix list "+id)
			}
			for _, ref := range rule.Groups {
				if ref.Account == "" || ref.Account == t.account {
					continue
				}
				what := "security group " + ref.GroupID + " of account " + ref.Account
				if ref.PeeringConnection != "" {
					what += " over VPC peering " + ref.PeeringConnection
				}
				at(accounts, ref.Account).add(ports, ev(what), what)
			}
		}
	}
	return cidrs, lists, accounts, unknown
}

// passage is what the subnets let through from one source range.
type passage struct {
	whole   PortSet // every address of the source
	certain bool    // some subnet on the way was read completely
	parts   []aclPart
	// partsCertain: the parts come from a subnet read completely.
	partsCertain bool
	evidence     []Evidence
	noRoute      []string // subnets that do not route the source to an internet gateway
	denied       []ACLRule
	deniedIn     *Subnet
	unreadACL    []string
}

// through follows a source range into the target's subnets: the route
// (when internet says the packets come over the internet gateway) and the
// network ACL. The target is reached when any of its subnets lets the
// packets in (a load balancer answers in each of its zones).
func (r *resolver) through(t netTarget, src netip.Prefix, broad, needRoute bool, ports PortSet) passage {
	p := passage{whole: PortSet{}}
	for _, id := range t.subnetIDs {
		s := r.subnet(t.account, t.region, id)
		cert := true
		var ev []Evidence
		if needRoute {
			route, dest := routeFor(s, src, broad)
			switch route {
			case False:
				p.noRoute = append(p.noRoute, id)
				continue
			case Unknown:
				cert = false
			default:
				ev = append(ev, routeEvidence(s, dest))
			}
		}
		if s == nil || s.ACLKnown != True {
			p.whole = p.whole.Union(ports)
			p.unreadACL = append(p.unreadACL, id)
			p.evidence = append(p.evidence, ev...)
			continue
		}
		v := evalACL(s.Inbound, src, ports)
		if !v.Whole.Empty() {
			p.whole = p.whole.Union(v.Whole)
			p.certain = p.certain || cert
			ev = append(ev, aclEvidence(s, v.Allowed)...)
		}
		for _, part := range v.Parts {
			ev = append(ev, aclEvidence(s, []ACLRule{part.Rule})...)
		}
		p.parts = append(p.parts, v.Parts...)
		p.partsCertain = p.partsCertain || (cert && len(v.Parts) > 0)
		if len(v.Denied) > 0 && p.deniedIn == nil {
			p.denied, p.deniedIn = v.Denied, s
		}
		p.evidence = append(p.evidence, ev...)
	}
	return p
}

// connect adds the can-connect edges into t and the notes that explain what
// does not get through.
func (r *resolver) connect(t netTarget) {
	cidrs, lists, accounts, unknown := r.sources(t)
	reachedFromInternet := false
	edge := func(from, principal string, exposure policy.Verdict, ports PortSet, certain bool, conds []string, evs ...[]Evidence) {
		cert := Unknown
		if certain {
			cert = True
		}
		var all []Evidence
		for _, e := range evs {
			all = append(all, e...)
		}
		r.edge(Edge{From: from, To: t.id, Kind: EdgeCanConnect, Via: t.via, Actions: ports.Strings(), Exposure: exposure,
			Principal: principal, Certainty: cert, Evidence: all,
			Gate: NewGate(append(slices.Clone(t.conditions), conds...), nil, t.authorizer)})
	}
	network := func(c string, parts PortSet, certain bool, why []string, evs ...[]Evidence) {
		if privateCIDR(c) || parts.Empty() {
			return
		}
		edge(r.principal("*", policy.KindNetwork, t.account, false), "*", policy.CrossAccount, parts, certain,
			append([]string{"only from " + c}, why...), evs...)
	}
	for _, c := range slices.Sorted(maps.Keys(cidrs)) {
		a := cidrs[c]
		src, err := netip.ParsePrefix(strings.TrimSpace(c))
		if err != nil {
			continue
		}
		broad := broadCIDR(c)
		if !broad && privateCIDR(c) {
			continue
		}
		if v4 := src.Addr().Is4(); (v4 && !t.public4) || (!v4 && !t.public6) {
			continue // no public address of this family: only the VPC's own networks reach it
		}
		if broad {
			src = netip.PrefixFrom(src.Addr(), 0).Masked()
		}
		p := r.through(t, src, broad, true, a.ports)
		addr := []Evidence{t.address}
		if !p.whole.Empty() {
			if broad {
				reachedFromInternet = true
				edge(r.principal("*", policy.KindAnyone, t.account, true), "*", policy.Public, p.whole, p.certain, r.unread(p), a.evidence, addr, p.evidence)
			} else {
				network(c, p.whole, p.certain, r.unread(p), a.evidence, addr, p.evidence)
			}
		}
		for _, part := range p.parts {
			network(part.CIDR, part.Ports, p.partsCertain, []string{fmt.Sprintf("network ACL rule %d admits only %s", part.Rule.Number, part.CIDR)}, a.evidence, addr, p.evidence)
		}
		r.blocked(t, c, a, p)
	}
	for _, id := range slices.Sorted(maps.Keys(lists)) {
		a := lists[id]
		if !t.public4 && !t.public6 {
			continue
		}
		src := netip.MustParsePrefix("0.0.0.0/0")
		p := r.through(t, src, true, true, a.ports)
		ports := p.whole
		for _, part := range p.parts {
			ports = ports.Union(part.Ports)
		}
		if ports.Empty() {
			r.blocked(t, "prefix list "+id, a, p)
			continue
		}
		pl := r.prefixList(t.account, t.region, id)
		certain := pl != nil && pl.EntriesKnown == False && len(p.parts) == 0
		who := "the addresses of prefix list " + id
		if pl != nil && pl.Name != "" {
			who += " (" + pl.Name + ", owner " + nonEmpty(pl.Owner, "unknown") + ")"
		}
		if pl == nil || pl.EntriesKnown == Unknown {
			who += ", whose entries could not be read"
		}
		edge(r.principal("*", policy.KindNetwork, t.account, false), "*", policy.CrossAccount, ports, certain,
			append([]string{"only from " + who}, r.unread(p)...), a.evidence, []Evidence{t.address}, p.evidence)
	}
	for _, acct := range slices.Sorted(maps.Keys(accounts)) {
		a := accounts[acct]
		p := r.through(t, netip.MustParsePrefix("0.0.0.0/0"), true, false, a.ports)
		ports := p.whole
		for _, part := range p.parts {
			ports = ports.Union(part.Ports)
		}
		if ports.Empty() {
			r.blocked(t, "account "+acct, a, p)
			continue
		}
		conds := append([]string{"from " + strings.Join(a.what, ", ") + " (a peered or shared VPC)"}, r.unread(p)...)
		if len(p.parts) > 0 {
			conds = append(conds, "the network ACL admits only some ranges on some ports; whether the peer's addresses are among them is not known")
		}
		edge(r.principal(acct, policy.KindAccount, t.account, false), acct, policy.CrossAccount, ports, p.certain && len(p.parts) == 0, conds, a.evidence, p.evidence)
	}
	if len(unknown) > 0 {
		r.note(t.id, NoteUnknownExposure, t.via, "security group(s) %s of %s could not be read (ec2:DescribeSecurityGroups); whom they admit is unknown", strings.Join(unknown, ", "), t.name)
		if !reachedFromInternet && (t.public4 || t.public6) {
			p := r.through(t, netip.MustParsePrefix("0.0.0.0/0"), true, true, orAll(t.limit))
			if !p.whole.Empty() {
				edge(r.principal("*", policy.KindAnyone, t.account, true), "*", policy.Public, p.whole, false,
					[]string{"unconfirmed: security group(s) " + strings.Join(unknown, ", ") + " not read"},
					[]Evidence{{Source: "ec2:DescribeSecurityGroups", Detail: "security group(s) " + strings.Join(unknown, ", ") + " could not be read: they may admit anyone"}}, []Evidence{t.address}, p.evidence)
			}
		}
	}
}

// orAll is limit, or every port when there is none.
func orAll(limit PortSet) PortSet {
	if limit == nil {
		return AllPorts()
	}
	return limit
}

// unread names what the passage could not read, as conditions.
func (r *resolver) unread(p passage) []string {
	if len(p.unreadACL) == 0 {
		return nil
	}
	return []string{"unconfirmed: the network ACL of subnet(s) " + strings.Join(p.unreadACL, ", ") + " was not read"}
}

// blocked notes a source the security groups admit but the routes or the
// network ACL stop, on the ports they stop: configured, not reachable.
func (r *resolver) blocked(t netTarget, src string, a *admission, p passage) {
	got := p.whole
	for _, part := range p.parts {
		got = got.Union(part.Ports)
	}
	lost := a.ports.Minus(got)
	if lost.Empty() || len(p.unreadACL) > 0 {
		return
	}
	rules := make([]string, 0, len(a.evidence))
	for i, e := range a.evidence {
		if !a.admits[i].Intersect(lost).Empty() {
			rules = append(rules, e.Detail)
		}
	}
	switch {
	case p.deniedIn != nil:
		var why []string
		for _, d := range p.denied {
			why = append(why, d.describe())
		}
		r.note(t.id, NoteUnreachable, t.via, "%s: %s, but network ACL %s of subnet %s denies %s from %s (%s): not a way in on %s",
			t.name, strings.Join(uniqStrings(rules), "; "), p.deniedIn.NetworkACL, p.deniedIn.SubnetID, lost, src, strings.Join(why, "; "), lost)
	case len(p.noRoute) > 0:
		r.note(t.id, NoteUnreachable, t.via, "%s: %s, but subnet(s) %s route no %s to an internet gateway: not reachable from there",
			t.name, strings.Join(uniqStrings(rules), "; "), strings.Join(p.noRoute, ", "), src)
	}
}

func uniqStrings(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

// subnet returns a collected subnet, or nil.
func (r *resolver) subnet(account, region, id string) *Subnet {
	if n, ok := r.node(SubnetARN(region, account, id)); ok {
		return n.Subnet()
	}
	return nil
}

// prefixList returns a collected prefix list, or nil.
func (r *resolver) prefixList(account, region, id string) *PrefixList {
	if n, ok := r.node(PrefixListARN(region, account, id)); ok {
		return n.PrefixList()
	}
	return nil
}

package fakeaws

import (
	"fmt"
	"net/netip"
	"strconv"
)

// Security groups and managed prefix lists of the resolved EC2 world
// (ec2_world.go).

type sgR struct {
	*SecurityGroup
	id              string
	vpc             *vpcR
	path            []any // nil for a default group the fake derived
	desc            string
	ingress, egress []permR
}

// permR is an IpPermission as DescribeSecurityGroups reports it.
type permR struct {
	proto       string // -1, tcp, udp, icmp, icmpv6 or a number
	from, to    *int
	cidrs, ipv6 []string
	pls         []string // prefix list ids
	groups      []pairR
	desc        string
}

type pairR struct {
	groupID, userID, vpcID, peering, status string
}

type plR struct {
	*PrefixList
	id, owner, family, arn string
	maxEntries, version    int
}

func plKey(p *plR) (string, string) { return p.id, p.Name }
func sgKey(s *sgR) (string, string) { return s.id, s.Name }

func (n *ec2Net) prefixLists(p []any, pls []*PrefixList) {
	for j, pl := range pls {
		pp := at(p, j)
		if pl == nil {
			n.errf(pp, "empty prefix list")
			continue
		}
		region := n.regionOf(pp, pl.Region)
		r := n.region(region)
		pr := &plR{PrefixList: pl, id: n.resourceID(pp, "pl", pl.ID, region, "prefix-list", pl.Name, j),
			owner: orDefault(pl.OwnerID, n.account.ID), family: orDefault(pl.AddressFamily, "IPv4"), version: pl.Version}
		if pl.Name == "" {
			n.errf(at(pp, "name"), "a prefix list needs a name")
		}
		if pr.owner != "AWS" && !accountIDRE.MatchString(pr.owner) {
			n.errf(at(pp, "owner_id"), "owner_id %q is not AWS or a 12-digit account id", pl.OwnerID)
		}
		arnOwner := pr.owner
		if arnOwner == "AWS" {
			arnOwner = "aws"
		}
		pr.arn = "arn:aws:ec2:" + region + ":" + arnOwner + ":prefix-list/" + pr.id
		if pr.family != "IPv4" && pr.family != "IPv6" {
			n.errf(at(pp, "address_family"), "address_family %q is not IPv4 or IPv6", pl.AddressFamily)
		}
		for k, e := range pl.Entries {
			if _, ok := parsePrefix(e.CIDR, pr.family == "IPv6"); !ok {
				n.errf(at(pp, "entries", k, "cidr"), "%q is not an %s CIDR block", e.CIDR, pr.family)
			}
		}
		pr.maxEntries = max(pl.MaxEntries, len(pl.Entries), 1)
		if pl.MaxEntries != 0 && pl.MaxEntries < len(pl.Entries) {
			n.errf(at(pp, "max_entries"), "max_entries %d is less than the %d entries", pl.MaxEntries, len(pl.Entries))
		}
		if pr.version == 0 {
			pr.version = 1
		}
		r.pls = append(r.pls, pr)
	}
}

func (n *ec2Net) securityGroups(p []any, groups []*SecurityGroup) {
	for j, g := range groups {
		gp := at(p, j)
		if g == nil {
			n.errf(gp, "empty security group")
			continue
		}
		region := n.regionOf(gp, g.Region)
		r := n.region(region)
		sr := &sgR{SecurityGroup: g, path: gp, desc: orDefault(g.Description, g.Name),
			id: n.resourceID(gp, "sg", g.ID, region, "security-group", g.Name+"@"+g.VPC, j)}
		if g.Name == "" {
			n.errf(at(gp, "name"), "a security group needs a name")
		}
		if sr.vpc = r.vpc(n, at(gp, "vpc"), g.VPC); sr.vpc == nil {
			continue
		}
		for _, o := range r.sgs {
			if o.vpc == sr.vpc && o.Name == g.Name {
				n.errf(at(gp, "name"), "security group %s appears twice in VPC %s", g.Name, g.VPC)
			}
		}
		if g.Name == "default" {
			sr.vpc.defaultSG = sr
		}
		r.sgs = append(r.sgs, sr)
	}
	for _, region := range sortedRegions(n) {
		r := n.regions[region]
		// AWS creates a default security group with every VPC: all traffic
		// from its own members in, everything out.
		for _, v := range r.vpcs {
			if v.defaultSG != nil {
				continue
			}
			id := genID("sg", n.account.ID+"/"+region+"/default-security-group/"+v.id)
			v.defaultSG = &sgR{SecurityGroup: &SecurityGroup{Name: "default"}, id: id, vpc: v, desc: "default VPC security group",
				ingress: []permR{{proto: "-1", groups: []pairR{{groupID: id, userID: n.account.ID}}}}, egress: defaultEgress(v)}
			r.sgs = append(r.sgs, v.defaultSG)
		}
		for _, sg := range r.sgs {
			if sg.path == nil {
				continue
			}
			for k, perm := range sg.Ingress {
				sg.ingress = append(sg.ingress, n.permission(r, sg, at(sg.path, "ingress", k), perm))
			}
			if sg.Egress == nil {
				sg.egress = defaultEgress(sg.vpc)
			}
			for k, perm := range sg.Egress {
				sg.egress = append(sg.egress, n.permission(r, sg, at(sg.path, "egress", k), perm))
			}
		}
	}
}

// defaultEgress is the outbound rule of a new security group: all IPv4
// traffic, and all IPv6 traffic in a VPC with an IPv6 block.
func defaultEgress(v *vpcR) []permR {
	perm := permR{proto: "-1", cidrs: []string{"0.0.0.0/0"}}
	if v.ipv6.IsValid() {
		perm.ipv6 = []string{"::/0"}
	}
	return []permR{perm}
}

// sgProtocolNames are the numbers DescribeSecurityGroups reports by name.
var sgProtocolNames = map[int]string{-1: "-1", 6: "tcp", 17: "udp", 1: "icmp", 58: "icmpv6"}

func (n *ec2Net) permission(r *ec2Region, sg *sgR, p []any, perm SGPermission) permR {
	out := permR{desc: perm.Description, from: perm.FromPort, to: perm.ToPort}
	num, ok := protocolNumber(perm.Protocol)
	if !ok {
		n.errf(at(p, "protocol"), "protocol %q is not -1, tcp, udp, icmp, icmpv6 or a number 0-255", perm.Protocol)
	}
	out.proto = sgProtocolNames[num]
	if out.proto == "" {
		out.proto = strconv.Itoa(num)
	}
	hasPorts := perm.FromPort != nil || perm.ToPort != nil
	switch num {
	case 6, 17:
		if perm.FromPort == nil || perm.ToPort == nil || *perm.FromPort < 0 || *perm.ToPort > 65535 || *perm.FromPort > *perm.ToPort {
			n.errf(p, "a tcp or udp permission needs from_port <= to_port, both 0-65535")
		}
	case 1, 58:
		if perm.FromPort == nil || perm.ToPort == nil || *perm.FromPort < -1 || *perm.ToPort < -1 || *perm.FromPort > 255 || *perm.ToPort > 255 {
			n.errf(p, "an icmp permission needs from_port (type) and to_port (code), -1 for all")
		}
	default:
		if hasPorts {
			n.errf(p, "protocol %s has no ports: it allows every port", perm.Protocol)
		}
		out.from, out.to = nil, nil
	}
	for k, c := range perm.CIDRs {
		if pfx, err := netip.ParsePrefix(c); err != nil || !pfx.Addr().Is4() {
			n.errf(at(p, "cidrs", k), "%q is not an IPv4 CIDR block", c)
		}
	}
	for k, c := range perm.IPv6CIDRs {
		if pfx, err := netip.ParsePrefix(c); err != nil || !pfx.Addr().Is6() {
			n.errf(at(p, "ipv6_cidrs", k), "%q is not an IPv6 CIDR block", c)
		}
	}
	out.cidrs, out.ipv6 = perm.CIDRs, perm.IPv6CIDRs
	for k, ref := range perm.PrefixLists {
		if pl, ok := find(n, at(p, "prefix_lists", k), "prefix list", ref, r.pls, plKey); ok {
			out.pls = append(out.pls, pl.id)
		}
	}
	for k, g := range perm.Groups {
		if pair, ok := n.groupPair(r, sg, at(p, "groups", k), g); ok {
			out.groups = append(out.groups, pair)
		}
	}
	if len(perm.CIDRs)+len(perm.IPv6CIDRs)+len(perm.PrefixLists)+len(perm.Groups) == 0 {
		n.errf(p, "a permission needs at least one of cidrs, ipv6_cidrs, prefix_lists and groups")
	}
	return out
}

// groupPair resolves a security group source: another account's group is
// taken as given (user_id and an sg- id); one of this account's must exist,
// in the same VPC unless the reference goes through a peering connection.
func (n *ec2Net) groupPair(r *ec2Region, sg *sgR, p []any, g SGGroupPair) (pairR, bool) {
	pair := pairR{userID: orDefault(g.UserID, n.account.ID), vpcID: g.VPCID, peering: g.VPCPeeringConnectionID, status: g.PeeringStatus}
	if g.VPCPeeringConnectionID != "" && !ec2IDShape("pcx", g.VPCPeeringConnectionID) {
		n.errf(at(p, "vpc_peering_connection_id"), "%q is not a pcx- id", g.VPCPeeringConnectionID)
	}
	if pair.userID != n.account.ID {
		if !accountIDRE.MatchString(pair.userID) {
			n.errf(at(p, "user_id"), "user_id %q is not a 12-digit account id", g.UserID)
		}
		if !ec2IDShape("sg", g.Group) {
			n.errf(at(p, "group"), "another account's group is named by its sg- id, not %q", g.Group)
			return pair, false
		}
		pair.groupID = g.Group
		return pair, true
	}
	ref, ok := find(n, nil, "", g.Group, r.sgs, func(s *sgR) (string, string) {
		if s.vpc != sg.vpc && g.VPCPeeringConnectionID == "" {
			return s.id, ""
		}
		return s.id, s.Name
	})
	if !ok {
		n.errf(at(p, "group"), "security group %s is not in the fixture in the group's VPC", g.Group)
		return pair, false
	}
	if ref.vpc != sg.vpc && g.VPCPeeringConnectionID == "" {
		n.errf(at(p, "group"), "security group %s is in another VPC: a reference across VPCs needs vpc_peering_connection_id", g.Group)
		return pair, false
	}
	pair.groupID = ref.id
	if g.VPCPeeringConnectionID != "" && pair.vpcID == "" {
		pair.vpcID = ref.vpc.id
	}
	return pair, true
}

// sgInVPC resolves security group references (ids or names) of a resource
// in vpc.
func (n *ec2Net) sgInVPC(r *ec2Region, vpc *vpcR, p []any, refs []string) []*sgR {
	var out []*sgR
	for k, ref := range refs {
		sg, ok := find(n, nil, "", ref, r.sgs, func(s *sgR) (string, string) {
			if s.vpc != vpc {
				return s.id, ""
			}
			return s.id, s.Name
		})
		switch {
		case !ok:
			n.errf(at(p, k), "security group %s is not in the fixture in that VPC", ref)
		case sg.vpc != vpc:
			n.errf(at(p, k), "security group %s is in VPC %s, not %s", ref, sg.vpc.id, vpc.id)
		default:
			out = append(out, sg)
		}
	}
	return out
}

func sgArn(region, account, id string) string {
	return fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", region, account, id)
}

// rulesOf lists a group's rules one source each, as
// DescribeSecurityGroupRules reports them, with stable sgr- ids.
func (sg *sgR) rulesOf() []sgRule {
	var out []sgRule
	for _, dir := range []struct {
		egress bool
		perms  []permR
	}{{false, sg.ingress}, {true, sg.egress}} {
		for _, perm := range dir.perms {
			add := func(r sgRule) {
				r.perm, r.egress = perm, dir.egress
				r.id = genID("sgr", fmt.Sprintf("%s/%t/%d", sg.id, dir.egress, len(out)))
				out = append(out, r)
			}
			for _, c := range perm.cidrs {
				add(sgRule{cidr: c})
			}
			for _, c := range perm.ipv6 {
				add(sgRule{cidr6: c})
			}
			for _, pl := range perm.pls {
				add(sgRule{pl: pl})
			}
			for _, g := range perm.groups {
				add(sgRule{group: &g})
			}
		}
	}
	return out
}

type sgRule struct {
	id              string
	egress          bool
	perm            permR
	cidr, cidr6, pl string
	group           *pairR
}

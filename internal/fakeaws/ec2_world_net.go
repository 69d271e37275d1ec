package fakeaws

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Route tables and network ACLs of the resolved EC2 world (ec2_world.go).

type rtR struct {
	*RouteTable
	id          string
	vpc         *vpcR
	path        []any // nil for a main route table the fake derived
	mainAssocID string
	subnets     []*subnetR
	assocIDs    []string
	routes      []routeR
}

// routeR is a route as DescribeRouteTables reports it.
type routeR struct {
	dest, dest6, destPL                      string
	gateway, nat, instance, instanceOwner    string
	eni, peering, transitGateway, egressOnly string
	origin, state                            string
}

type aclR struct {
	*NetworkACL
	id       string
	vpc      *vpcR
	def      bool
	subnets  []*subnetR
	assocIDs []string
	entries  []aclEntryR
}

// aclEntryR is a network ACL entry with its protocol as a number.
type aclEntryR struct {
	NetworkACLEntry
	proto string
}

func (n *ec2Net) routeTables(p []any, tables []*RouteTable) {
	assoc := map[*subnetR]string{}
	for j, t := range tables {
		tp := at(p, j)
		if t == nil {
			n.errf(tp, "empty route table")
			continue
		}
		region := n.regionOf(tp, t.Region)
		r := n.region(region)
		rt := &rtR{RouteTable: t, path: tp, id: n.resourceID(tp, "rtb", t.ID, region, "route-table", t.Name, j)}
		if rt.vpc = r.vpc(n, at(tp, "vpc"), t.VPC); rt.vpc == nil {
			continue
		}
		if t.Main {
			if rt.vpc.mainRT != nil {
				n.errf(at(tp, "main"), "a VPC has one main route table; %s already has %s", t.VPC, rt.vpc.mainRT.id)
			} else {
				rt.vpc.mainRT = rt
				rt.mainAssocID = genID("rtbassoc", rt.id+"/main")
			}
		}
		for k, ref := range t.Subnets {
			s := r.subnet(n, at(tp, "subnets", k), ref)
			switch {
			case s == nil:
			case s.vpc != rt.vpc:
				n.errf(at(tp, "subnets", k), "subnet %s is not in the route table's VPC", ref)
			case assoc[s] != "":
				n.errf(at(tp, "subnets", k), "subnet %s is already associated with route table %s", ref, assoc[s])
			default:
				assoc[s] = rt.id
				rt.subnets = append(rt.subnets, s)
				rt.assocIDs = append(rt.assocIDs, genID("rtbassoc", rt.id+"/"+s.id))
			}
		}
		r.rts = append(r.rts, rt)
	}
	// AWS creates a main route table with every VPC.
	for _, region := range sortedRegions(n) {
		r := n.regions[region]
		for _, v := range r.vpcs {
			if v.mainRT == nil {
				id := genID("rtb", n.account.ID+"/"+region+"/main-route-table/"+v.id)
				v.mainRT = &rtR{RouteTable: &RouteTable{Main: true}, id: id, vpc: v, mainAssocID: genID("rtbassoc", id+"/main")}
				r.rts = append(r.rts, v.mainRT)
			}
		}
	}
}

// routes resolves every route table's routes, after the instances they may
// point at. Each table starts with the VPC's local routes.
func (n *ec2Net) routes(p []any) {
	for _, region := range sortedRegions(n) {
		r := n.regions[region]
		for _, rt := range r.rts {
			if rt.vpc.cidr.IsValid() {
				rt.routes = append(rt.routes, routeR{dest: rt.vpc.cidr.String(), gateway: "local", origin: "CreateRouteTable", state: "active"})
			}
			if rt.vpc.ipv6.IsValid() {
				rt.routes = append(rt.routes, routeR{dest6: rt.vpc.ipv6.String(), gateway: "local", origin: "CreateRouteTable", state: "active"})
			}
			for k, route := range rt.Routes {
				if rr, ok := n.route(r, rt, at(rt.path, "routes", k), route); ok {
					rt.routes = append(rt.routes, rr)
				}
			}
		}
	}
}

func (n *ec2Net) route(r *ec2Region, rt *rtR, p []any, route Route) (routeR, bool) {
	rr := routeR{origin: "CreateRoute", state: orDefault(route.State, "active")}
	if rr.state != "active" && rr.state != "blackhole" {
		n.errf(at(p, "state"), "state %q is not active or blackhole", route.State)
	}
	switch {
	case route.Destination != "" && route.DestinationPrefixList != "":
		n.errf(p, "a route has a destination or a destination_prefix_list, not both")
		return rr, false
	case route.DestinationPrefixList != "":
		pl, ok := find(n, at(p, "destination_prefix_list"), "prefix list", route.DestinationPrefixList, r.pls, plKey)
		if !ok {
			return rr, false
		}
		rr.destPL = pl.id
	default:
		pfx, err := netip.ParsePrefix(route.Destination)
		if err != nil || pfx.Masked() != pfx {
			n.errf(at(p, "destination"), "destination %q is not a CIDR block", route.Destination)
			return rr, false
		}
		if pfx.Addr().Is6() {
			rr.dest6 = pfx.String()
		} else {
			rr.dest = pfx.String()
		}
	}
	for _, o := range rt.routes {
		if o.dest == rr.dest && o.dest6 == rr.dest6 && o.destPL == rr.destPL {
			n.errf(p, "route table %s has two routes to the same destination", rt.id)
			return rr, false
		}
	}
	targets := 0
	for _, t := range []string{route.Gateway, route.NATGateway, route.Instance, route.NetworkInterface, route.VPCPeeringConnection, route.TransitGateway, route.EgressOnlyInternetGateway} {
		if t != "" {
			targets++
		}
	}
	if targets != 1 {
		n.errf(p, "a route needs exactly one target (gateway, nat_gateway, instance, network_interface, vpc_peering_connection, transit_gateway or egress_only_internet_gateway)")
		return rr, false
	}
	verbatim := func(field, prefix, v string, dst *string) bool {
		if !ec2IDShape(prefix, v) {
			n.errf(at(p, field), "%q is not a %s- id", v, prefix)
			return false
		}
		*dst = v
		return true
	}
	switch {
	case route.Gateway != "":
		if g, ok := find(n, nil, "", route.Gateway, r.igws, igwKey); ok {
			if g.vpc != rt.vpc {
				n.errf(at(p, "gateway"), "internet gateway %s is not attached to the route table's VPC", route.Gateway)
				return rr, false
			}
			rr.gateway = g.id
			return rr, true
		}
		if strings.HasPrefix(route.Gateway, "igw-") || (!ec2IDShape("vgw", route.Gateway) && !ec2IDShape("vpce", route.Gateway)) {
			n.errf(at(p, "gateway"), "gateway %s is neither an internet gateway of the fixture nor a vgw- or vpce- id", route.Gateway)
			return rr, false
		}
		rr.gateway = route.Gateway
	case route.Instance != "":
		inst, ok := find(n, at(p, "instance"), "instance", route.Instance, r.instances, instKey)
		if !ok {
			return rr, false
		}
		rr.instance, rr.instanceOwner = inst.id, n.account.ID
		if len(inst.enis) > 0 {
			rr.eni = inst.enis[0].id
		}
	case route.NATGateway != "":
		return rr, verbatim("nat_gateway", "nat", route.NATGateway, &rr.nat)
	case route.NetworkInterface != "":
		return rr, verbatim("network_interface", "eni", route.NetworkInterface, &rr.eni)
	case route.VPCPeeringConnection != "":
		return rr, verbatim("vpc_peering_connection", "pcx", route.VPCPeeringConnection, &rr.peering)
	case route.TransitGateway != "":
		return rr, verbatim("transit_gateway", "tgw", route.TransitGateway, &rr.transitGateway)
	case route.EgressOnlyInternetGateway != "":
		return rr, verbatim("egress_only_internet_gateway", "eigw", route.EgressOnlyInternetGateway, &rr.egressOnly)
	}
	return rr, true
}

// ipProtocols are the protocol names a fixture may use, with their numbers.
var ipProtocols = map[string]int{"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}

// protocolNumber reads -1, a protocol name or a number 0-255.
func protocolNumber(s string) (int, bool) {
	if s == "-1" || s == "all" {
		return -1, true
	}
	if v, ok := ipProtocols[strings.ToLower(s)]; ok {
		return v, true
	}
	v, err := strconv.Atoi(s)
	return v, err == nil && v >= 0 && v <= 255
}

func (n *ec2Net) networkACLs(p []any, acls []*NetworkACL) {
	assoc := map[*subnetR]*aclR{}
	for j, acl := range acls {
		ap := at(p, j)
		if acl == nil {
			n.errf(ap, "empty network ACL")
			continue
		}
		region := n.regionOf(ap, acl.Region)
		r := n.region(region)
		ar := &aclR{NetworkACL: acl, id: n.resourceID(ap, "acl", acl.ID, region, "network-acl", acl.Name, j), def: acl.Default}
		if ar.vpc = r.vpc(n, at(ap, "vpc"), acl.VPC); ar.vpc == nil {
			continue
		}
		if acl.Default {
			if ar.vpc.defaultACL != nil {
				n.errf(at(ap, "default"), "a VPC has one default network ACL; %s already has %s", acl.VPC, ar.vpc.defaultACL.id)
			} else {
				ar.vpc.defaultACL = ar
			}
		}
		for k, ref := range acl.Subnets {
			s := r.subnet(n, at(ap, "subnets", k), ref)
			switch {
			case s == nil:
			case s.vpc != ar.vpc:
				n.errf(at(ap, "subnets", k), "subnet %s is not in the network ACL's VPC", ref)
			case assoc[s] != nil:
				n.errf(at(ap, "subnets", k), "subnet %s is already associated with network ACL %s", ref, assoc[s].id)
			default:
				assoc[s] = ar
			}
		}
		n.aclEntries(at(ap, "entries"), ar)
		r.acls = append(r.acls, ar)
	}
	for _, region := range sortedRegions(n) {
		r := n.regions[region]
		// AWS creates a default network ACL, allowing everything, with every VPC.
		for _, v := range r.vpcs {
			if v.defaultACL == nil {
				id := genID("acl", n.account.ID+"/"+region+"/default-network-acl/"+v.id)
				v.defaultACL = &aclR{NetworkACL: &NetworkACL{Default: true}, id: id, vpc: v, def: true}
				for _, egress := range []bool{true, false} {
					v.defaultACL.entries = append(v.defaultACL.entries, aclEntryR{NetworkACLEntry{RuleNumber: 100, Egress: egress, RuleAction: "allow", CIDRBlock: "0.0.0.0/0"}, "-1"})
					if v.ipv6.IsValid() {
						v.defaultACL.entries = append(v.defaultACL.entries, aclEntryR{NetworkACLEntry{RuleNumber: 101, Egress: egress, RuleAction: "allow", IPv6CIDRBlock: "::/0"}, "-1"})
					}
				}
				r.acls = append(r.acls, v.defaultACL)
			}
		}
		// Every subnet is associated with exactly one network ACL.
		for _, s := range r.subnets {
			acl := assoc[s]
			if acl == nil {
				acl = s.vpc.defaultACL
			}
			s.acl = acl
			acl.subnets = append(acl.subnets, s)
			acl.assocIDs = append(acl.assocIDs, genID("aclassoc", acl.id+"/"+s.id))
		}
		// The "*" rules deny whatever no numbered rule allows.
		for _, acl := range r.acls {
			for _, egress := range []bool{true, false} {
				acl.entries = append(acl.entries, aclEntryR{NetworkACLEntry{RuleNumber: 32767, Egress: egress, RuleAction: "deny", CIDRBlock: "0.0.0.0/0"}, "-1"})
				if acl.vpc.ipv6.IsValid() {
					acl.entries = append(acl.entries, aclEntryR{NetworkACLEntry{RuleNumber: 32768, Egress: egress, RuleAction: "deny", IPv6CIDRBlock: "::/0"}, "-1"})
				}
			}
			slices.SortStableFunc(acl.entries, func(x, y aclEntryR) int {
				if x.Egress != y.Egress {
					if x.Egress {
						return -1
					}
					return 1
				}
				return x.RuleNumber - y.RuleNumber
			})
		}
	}
}

func (n *ec2Net) aclEntries(p []any, ar *aclR) {
	type key struct {
		egress bool
		rule   int
	}
	seen := map[key]bool{}
	for k, e := range ar.Entries {
		ep := at(p, k)
		if e.RuleNumber < 1 || e.RuleNumber > 32766 {
			n.errf(at(ep, "rule_number"), "rule_number %d is not between 1 and 32766", e.RuleNumber)
		} else if seen[key{e.Egress, e.RuleNumber}] {
			n.errf(at(ep, "rule_number"), "rule_number %d appears twice in the same direction", e.RuleNumber)
		}
		seen[key{e.Egress, e.RuleNumber}] = true
		if e.RuleAction != "allow" && e.RuleAction != "deny" {
			n.errf(at(ep, "rule_action"), "rule_action %q is not allow or deny", e.RuleAction)
		}
		_, v4 := parsePrefix(e.CIDRBlock, false)
		_, v6 := parsePrefix(e.IPv6CIDRBlock, true)
		if v4 == v6 || (e.CIDRBlock != "" && !v4) || (e.IPv6CIDRBlock != "" && !v6) {
			n.errf(ep, "an entry has exactly one of cidr_block (IPv4) and ipv6_cidr_block (IPv6)")
		}
		proto, ok := protocolNumber(e.Protocol)
		if !ok {
			n.errf(at(ep, "protocol"), "protocol %q is not -1, tcp, udp, icmp, icmpv6 or a number 0-255", e.Protocol)
		}
		switch proto {
		case 6, 17:
			if e.PortRange == nil {
				n.errf(ep, "a tcp or udp entry needs a port_range")
			} else if e.PortRange.From < 0 || e.PortRange.To > 65535 || e.PortRange.From > e.PortRange.To {
				n.errf(at(ep, "port_range"), "port_range %d-%d is not a range of ports", e.PortRange.From, e.PortRange.To)
			}
		case 1, 58:
			if e.ICMPTypeCode == nil {
				n.errf(ep, "an icmp entry needs an icmp_type_code")
			}
		}
		ar.entries = append(ar.entries, aclEntryR{e, strconv.Itoa(proto)})
	}
}

// sortedRegions lists the regions of the resolved world in name order.
func sortedRegions(n *ec2Net) []string {
	names := make([]string, 0, len(n.regions))
	for r := range n.regions {
		names = append(names, r)
	}
	slices.Sort(names)
	return names
}

func igwKey(g *igwR) (string, string) { return g.id, g.Name }

package fakeaws

import (
	"math"
	"strconv"
)

// DescribeVpcs, DescribeSubnets, DescribeInternetGateways,
// DescribeRouteTables and DescribeNetworkAcls.

// oneOrNone is a filter value: none for an empty string.
func oneOrNone(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

func (v *vpcR) ec2ID() string              { return v.id }
func (v *vpcR) ec2Tags() map[string]string { return v.Tags }
func (v *vpcR) ec2Filter(name string) ([]string, bool) {
	switch name {
	case "vpc-id":
		return oneOrNone(v.id), true
	case "cidr", "cidr-block-association.cidr-block":
		return oneOrNone(v.CIDRBlock), true
	case "ipv6-cidr-block-association.ipv6-cidr-block":
		return oneOrNone(v.IPv6CIDRBlock), true
	case "is-default":
		return []string{boolString(v.IsDefault)}, true
	case "state":
		return []string{"available"}, true
	}
	return nil, false
}

// withOwner adds the owner-id filter, which every resource of the account
// matches, to a resource's filters.
type withOwner[T ec2Resource] struct {
	res   T
	owner string
}

func (w withOwner[T]) ec2ID() string              { return w.res.ec2ID() }
func (w withOwner[T]) ec2Tags() map[string]string { return w.res.ec2Tags() }
func (w withOwner[T]) ec2Filter(name string) ([]string, bool) {
	if name == "owner-id" {
		return []string{w.owner}, true
	}
	return w.res.ec2Filter(name)
}

func owned[T ec2Resource](items []T, owner string) []withOwner[T] {
	out := make([]withOwner[T], len(items))
	for i, t := range items {
		out[i] = withOwner[T]{t, owner}
	}
	return out
}

func (w *ec2Worlds) describeVpcs(c *call) (*response, error) {
	acct := c.account().ID
	vpcs, err := ec2Select(c, owned(w.regionOf(c).vpcs, acct), "VpcId", ec2NotFound("InvalidVpcID.NotFound", "vpc"))
	if err != nil {
		return nil, err
	}
	start, end, next, err := ec2Page(c, "DescribeVpcs", len(vpcs), ec2Limits5to1000)
	if err != nil {
		return nil, err
	}
	return ec2Response(c, "DescribeVpcs", func(x *xmlw) {
		x.open("vpcSet")
		for _, o := range vpcs[start:end] {
			v := o.res
			x.open("item").leaf("vpcId", v.id).leaf("ownerId", acct).leaf("state", "available").leaf("cidrBlock", v.CIDRBlock)
			x.open("cidrBlockAssociationSet").open("item").leaf("associationId", genID("vpc-cidr-assoc", v.id)).leaf("cidrBlock", v.CIDRBlock).
				open("cidrBlockState").leaf("state", "associated").close("cidrBlockState").close("item").close("cidrBlockAssociationSet")
			if v.IPv6CIDRBlock != "" {
				x.open("ipv6CidrBlockAssociationSet").open("item").leaf("associationId", genID("vpc-cidr-assoc", v.id+"/ipv6")).
					leaf("ipv6CidrBlock", v.IPv6CIDRBlock).open("ipv6CidrBlockState").leaf("state", "associated").close("ipv6CidrBlockState").
					leaf("networkBorderGroup", c.region).leaf("ipv6Pool", "Amazon").close("item").close("ipv6CidrBlockAssociationSet")
			}
			x.leaf("dhcpOptionsId", genID("dopt", acct+"/"+c.region))
			ec2TagSet(x, v.Tags)
			x.leaf("instanceTenancy", "default").boolLeaf("isDefault", v.IsDefault).close("item")
		}
		x.close("vpcSet")
		x.leafIf("nextToken", next)
	}), nil
}

func (s *subnetR) ec2ID() string              { return s.id }
func (s *subnetR) ec2Tags() map[string]string { return s.Tags }
func (s *subnetR) ec2Filter(name string) ([]string, bool) {
	switch name {
	case "subnet-id":
		return oneOrNone(s.id), true
	case "vpc-id":
		return oneOrNone(s.vpc.id), true
	case "availability-zone":
		return oneOrNone(s.az), true
	case "cidr-block", "cidr", "cidrBlock":
		return oneOrNone(s.CIDRBlock), true
	case "ipv6-cidr-block-association.ipv6-cidr-block":
		return oneOrNone(s.IPv6CIDRBlock), true
	case "default-for-az", "defaultForAz":
		return []string{boolString(s.DefaultForAZ)}, true
	case "map-public-ip-on-launch":
		return []string{boolString(s.MapPublicIPOnLaunch)}, true
	case "state":
		return []string{"available"}, true
	}
	return nil, false
}

// availableIPs is the subnet's size less the five addresses AWS reserves
// and those the fixture's interfaces use.
func (s *subnetR) availableIPs() int {
	if !s.cidr.IsValid() {
		return 0
	}
	return int(math.Pow(2, float64(32-s.cidr.Bits()))) - 5 - len(s.used)
}

func (w *ec2Worlds) describeSubnets(c *call) (*response, error) {
	acct := c.account().ID
	subnets, err := ec2Select(c, owned(w.regionOf(c).subnets, acct), "SubnetId", ec2NotFound("InvalidSubnetID.NotFound", "subnet"))
	if err != nil {
		return nil, err
	}
	start, end, next, err := ec2Page(c, "DescribeSubnets", len(subnets), ec2Limits5to1000)
	if err != nil {
		return nil, err
	}
	return ec2Response(c, "DescribeSubnets", func(x *xmlw) {
		x.open("subnetSet")
		for _, o := range subnets[start:end] {
			s := o.res
			x.open("item").leaf("subnetId", s.id).leaf("subnetArn", "arn:aws:ec2:"+c.region+":"+acct+":subnet/"+s.id).
				leaf("state", "available").leaf("ownerId", acct).leaf("vpcId", s.vpc.id).leaf("cidrBlock", s.CIDRBlock)
			x.open("ipv6CidrBlockAssociationSet")
			if s.IPv6CIDRBlock != "" {
				x.open("item").leaf("associationId", genID("subnet-cidr-assoc", s.id)).leaf("ipv6CidrBlock", s.IPv6CIDRBlock).
					open("ipv6CidrBlockState").leaf("state", "associated").close("ipv6CidrBlockState").close("item")
			}
			x.close("ipv6CidrBlockAssociationSet")
			x.leaf("availableIpAddressCount", strconv.Itoa(s.availableIPs())).leaf("availabilityZone", s.az).
				boolLeaf("defaultForAz", s.DefaultForAZ).boolLeaf("mapPublicIpOnLaunch", s.MapPublicIPOnLaunch).
				boolLeaf("mapCustomerOwnedIpOnLaunch", false).boolLeaf("assignIpv6AddressOnCreation", s.AssignIPv6AddressOnCreation).
				boolLeaf("ipv6Native", false)
			ec2TagSet(x, s.Tags)
			x.close("item")
		}
		x.close("subnetSet")
		x.leafIf("nextToken", next)
	}), nil
}

func (g *igwR) ec2ID() string              { return g.id }
func (g *igwR) ec2Tags() map[string]string { return g.Tags }
func (g *igwR) ec2Filter(name string) ([]string, bool) {
	switch name {
	case "internet-gateway-id":
		return oneOrNone(g.id), true
	case "attachment.vpc-id":
		if g.vpc != nil {
			return []string{g.vpc.id}, true
		}
		return nil, true
	case "attachment.state":
		if g.vpc != nil {
			return []string{"available"}, true
		}
		return nil, true
	}
	return nil, false
}

func (w *ec2Worlds) describeInternetGateways(c *call) (*response, error) {
	acct := c.account().ID
	igws, err := ec2Select(c, owned(w.regionOf(c).igws, acct), "InternetGatewayId", ec2NotFound("InvalidInternetGatewayID.NotFound", "internetGateway"))
	if err != nil {
		return nil, err
	}
	start, end, next, err := ec2Page(c, "DescribeInternetGateways", len(igws), ec2Limits5to1000)
	if err != nil {
		return nil, err
	}
	return ec2Response(c, "DescribeInternetGateways", func(x *xmlw) {
		x.open("internetGatewaySet")
		for _, o := range igws[start:end] {
			g := o.res
			x.open("item").leaf("internetGatewayId", g.id).leaf("ownerId", acct).open("attachmentSet")
			if g.vpc != nil {
				// An attached internet gateway's attachment is "available"
				// (DescribeInternetGateways CLI example).
				x.open("item").leaf("vpcId", g.vpc.id).leaf("state", "available").close("item")
			}
			x.close("attachmentSet")
			ec2TagSet(x, g.Tags)
			x.close("item")
		}
		x.close("internetGatewaySet")
		x.leafIf("nextToken", next)
	}), nil
}

func (t *rtR) ec2ID() string              { return t.id }
func (t *rtR) ec2Tags() map[string]string { return t.Tags }
func (t *rtR) ec2Filter(name string) ([]string, bool) {
	collect := func(f func(r routeR) string) []string {
		var out []string
		for _, r := range t.routes {
			if v := f(r); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	switch name {
	case "route-table-id":
		return oneOrNone(t.id), true
	case "vpc-id":
		return oneOrNone(t.vpc.id), true
	case "association.main":
		return []string{boolString(t.mainAssocID != "")}, true
	case "association.subnet-id":
		var out []string
		for _, s := range t.subnets {
			out = append(out, s.id)
		}
		return out, true
	case "association.route-table-association-id":
		return append(oneOrNone(t.mainAssocID), t.assocIDs...), true
	case "route.gateway-id":
		return collect(func(r routeR) string { return r.gateway }), true
	case "route.destination-cidr-block":
		return collect(func(r routeR) string { return r.dest }), true
	case "route.destination-ipv6-cidr-block":
		return collect(func(r routeR) string { return r.dest6 }), true
	case "route.destination-prefix-list-id":
		return collect(func(r routeR) string { return r.destPL }), true
	case "route.instance-id":
		return collect(func(r routeR) string { return r.instance }), true
	case "route.nat-gateway-id":
		return collect(func(r routeR) string { return r.nat }), true
	case "route.vpc-peering-connection-id":
		return collect(func(r routeR) string { return r.peering }), true
	case "route.transit-gateway-id":
		return collect(func(r routeR) string { return r.transitGateway }), true
	case "route.state":
		return collect(func(r routeR) string { return r.state }), true
	case "route.origin":
		return collect(func(r routeR) string { return r.origin }), true
	}
	return nil, false
}

func (w *ec2Worlds) describeRouteTables(c *call) (*response, error) {
	acct := c.account().ID
	rts, err := ec2Select(c, owned(w.regionOf(c).rts, acct), "RouteTableId", ec2NotFound("InvalidRouteTableID.NotFound", "routeTable"))
	if err != nil {
		return nil, err
	}
	start, end, next, err := ec2Page(c, "DescribeRouteTables", len(rts), ec2Limits5to100)
	if err != nil {
		return nil, err
	}
	assoc := func(x *xmlw, t *rtR, id, subnet string) {
		x.open("item").leaf("routeTableAssociationId", id).leaf("routeTableId", t.id).boolLeaf("main", subnet == "").
			leafIf("subnetId", subnet).open("associationState").leaf("state", "associated").close("associationState").close("item")
	}
	return ec2Response(c, "DescribeRouteTables", func(x *xmlw) {
		x.open("routeTableSet")
		for _, o := range rts[start:end] {
			t := o.res
			x.open("item").leaf("routeTableId", t.id).leaf("vpcId", t.vpc.id).leaf("ownerId", acct).open("routeSet")
			for _, r := range t.routes {
				x.open("item").leafIf("destinationCidrBlock", r.dest).leafIf("destinationIpv6CidrBlock", r.dest6).
					leafIf("destinationPrefixListId", r.destPL).leafIf("gatewayId", r.gateway).leafIf("instanceId", r.instance).
					leafIf("instanceOwnerId", r.instanceOwner).leafIf("networkInterfaceId", r.eni).leafIf("natGatewayId", r.nat).
					leafIf("vpcPeeringConnectionId", r.peering).leafIf("transitGatewayId", r.transitGateway).
					leafIf("egressOnlyInternetGatewayId", r.egressOnly).leaf("state", r.state).leaf("origin", r.origin).close("item")
			}
			x.close("routeSet").open("associationSet")
			if t.mainAssocID != "" {
				assoc(x, t, t.mainAssocID, "")
			}
			for k, s := range t.subnets {
				assoc(x, t, t.assocIDs[k], s.id)
			}
			x.close("associationSet").empty("propagatingVgwSet")
			ec2TagSet(x, t.Tags)
			x.close("item")
		}
		x.close("routeTableSet")
		x.leafIf("nextToken", next)
	}), nil
}

func (a *aclR) ec2ID() string              { return a.id }
func (a *aclR) ec2Tags() map[string]string { return a.Tags }
func (a *aclR) ec2Filter(name string) ([]string, bool) {
	entries := func(f func(e aclEntryR) string) []string {
		var out []string
		for _, e := range a.entries {
			if v := f(e); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	switch name {
	case "network-acl-id", "association.network-acl-id":
		return oneOrNone(a.id), true
	case "vpc-id":
		return oneOrNone(a.vpc.id), true
	case "default":
		return []string{boolString(a.def)}, true
	case "association.subnet-id":
		var out []string
		for _, s := range a.subnets {
			out = append(out, s.id)
		}
		return out, true
	case "association.association-id":
		return a.assocIDs, true
	case "entry.cidr":
		return entries(func(e aclEntryR) string { return e.CIDRBlock }), true
	case "entry.ipv6-cidr":
		return entries(func(e aclEntryR) string { return e.IPv6CIDRBlock }), true
	case "entry.protocol":
		return entries(func(e aclEntryR) string { return e.proto }), true
	case "entry.rule-action":
		return entries(func(e aclEntryR) string { return e.RuleAction }), true
	case "entry.egress":
		return entries(func(e aclEntryR) string { return boolString(e.Egress) }), true
	case "entry.rule-number":
		return entries(func(e aclEntryR) string { return strconv.Itoa(e.RuleNumber) }), true
	}
	return nil, false
}

func (w *ec2Worlds) describeNetworkAcls(c *call) (*response, error) {
	acct := c.account().ID
	acls, err := ec2Select(c, owned(w.regionOf(c).acls, acct), "NetworkAclId", ec2NotFound("InvalidNetworkAclID.NotFound", "networkAcl"))
	if err != nil {
		return nil, err
	}
	start, end, next, err := ec2Page(c, "DescribeNetworkAcls", len(acls), ec2Limits5to1000)
	if err != nil {
		return nil, err
	}
	return ec2Response(c, "DescribeNetworkAcls", func(x *xmlw) {
		x.open("networkAclSet")
		for _, o := range acls[start:end] {
			a := o.res
			x.open("item").leaf("networkAclId", a.id).leaf("vpcId", a.vpc.id).boolLeaf("default", a.def).open("entrySet")
			for _, e := range a.entries {
				x.open("item").leaf("ruleNumber", strconv.Itoa(e.RuleNumber)).leaf("protocol", e.proto).leaf("ruleAction", e.RuleAction).
					boolLeaf("egress", e.Egress).leafIf("cidrBlock", e.CIDRBlock).leafIf("ipv6CidrBlock", e.IPv6CIDRBlock)
				if e.ICMPTypeCode != nil {
					x.open("icmpTypeCode").leaf("code", strconv.Itoa(e.ICMPTypeCode.Code)).leaf("type", strconv.Itoa(e.ICMPTypeCode.Type)).close("icmpTypeCode")
				}
				if e.PortRange != nil {
					x.open("portRange").leaf("from", strconv.Itoa(e.PortRange.From)).leaf("to", strconv.Itoa(e.PortRange.To)).close("portRange")
				}
				x.close("item")
			}
			x.close("entrySet").open("associationSet")
			for k, s := range a.subnets {
				x.open("item").leaf("networkAclAssociationId", a.assocIDs[k]).leaf("networkAclId", a.id).leaf("subnetId", s.id).close("item")
			}
			x.close("associationSet")
			ec2TagSet(x, a.Tags)
			x.leaf("ownerId", acct).close("item")
		}
		x.close("networkAclSet")
		x.leafIf("nextToken", next)
	}), nil
}

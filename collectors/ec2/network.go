package ec2

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/graph"
)

// network reads the subnets, route tables and network ACLs of the region
// side by side and adds one node per subnet with what its route table
// sends to an internet gateway and its network ACL's inbound rules.
func (k *task) network(ctx context.Context) {
	var (
		subnets      []types.Subnet
		tables       []types.RouteTable
		acls         []types.NetworkAcl
		sOK, rOK, aO bool
	)
	var g errgroup.Group
	g.Go(func() error { subnets, sOK = k.subnets(ctx); return nil })
	g.Go(func() error { tables, rOK = k.routeTables(ctx); return nil })
	g.Go(func() error { acls, aO = k.networkACLs(ctx); return nil })
	_ = g.Wait()
	if !sOK {
		return // no subnet is known: the resolver leaves routes and ACLs unknown
	}
	routes := routesBySubnet(tables)
	byACL := aclsBySubnet(acls)
	for _, s := range subnets {
		id := aws.ToString(s.SubnetId)
		attrs := &graph.Subnet{
			SubnetID: id, VPCID: aws.ToString(s.VpcId), CIDR: aws.ToString(s.CidrBlock), Zone: aws.ToString(s.AvailabilityZone),
		}
		for _, a := range s.Ipv6CidrBlockAssociationSet {
			if a.Ipv6CidrBlock != nil {
				attrs.IPv6CIDRs = append(attrs.IPv6CIDRs, aws.ToString(a.Ipv6CidrBlock))
			}
		}
		if rOK {
			if rt, ok := routes.table(id, attrs.VPCID); ok {
				attrs.RoutesKnown = graph.True
				attrs.RouteTable = aws.ToString(rt.RouteTableId)
				attrs.InternetRoutes, attrs.Gateway = internetRoutes(rt)
			}
		}
		if aO {
			if acl, ok := byACL[id]; ok {
				attrs.ACLKnown = graph.True
				attrs.NetworkACL = aws.ToString(acl.NetworkAclId)
				attrs.Inbound = inbound(acl)
			}
		}
		k.b.AddNode(graph.Node{ID: graph.SubnetARN(k.t.Region, k.t.Account, id), Kind: graph.KindSubnet, Name: nameTag(s.Tags, id),
			Account: k.t.Account, Region: k.t.Region, Attrs: attrs})
	}
}

func (k *task) subnets(ctx context.Context) ([]types.Subnet, bool) {
	var out []types.Subnet
	p := ec2.NewDescribeSubnetsPaginator(k.client, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(bigPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			k.fail("DescribeSubnets", "", err)
			return nil, false
		}
		out = append(out, page.Subnets...)
	}
	return out, true
}

func (k *task) routeTables(ctx context.Context) ([]types.RouteTable, bool) {
	var out []types.RouteTable
	p := ec2.NewDescribeRouteTablesPaginator(k.client, &ec2.DescribeRouteTablesInput{MaxResults: aws.Int32(routesPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			k.fail("DescribeRouteTables", "", err)
			return nil, false
		}
		out = append(out, page.RouteTables...)
	}
	return out, true
}

func (k *task) networkACLs(ctx context.Context) ([]types.NetworkAcl, bool) {
	var out []types.NetworkAcl
	p := ec2.NewDescribeNetworkAclsPaginator(k.client, &ec2.DescribeNetworkAclsInput{MaxResults: aws.Int32(bigPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			k.fail("DescribeNetworkAcls", "", err)
			return nil, false
		}
		out = append(out, page.NetworkAcls...)
	}
	return out, true
}

// routeIndex finds the route table a subnet uses: its explicit
// association, else its VPC's main table (VPC User Guide, "Route tables":
// a subnet not explicitly associated uses the main route table).
type routeIndex struct {
	explicit map[string]types.RouteTable // by subnet
	main     map[string]types.RouteTable // by VPC
}

func routesBySubnet(tables []types.RouteTable) routeIndex {
	idx := routeIndex{explicit: map[string]types.RouteTable{}, main: map[string]types.RouteTable{}}
	for _, rt := range tables {
		for _, a := range rt.Associations {
			if a.AssociationState != nil && a.AssociationState.State != types.RouteTableAssociationStateCodeAssociated {
				continue
			}
			switch {
			case aws.ToBool(a.Main):
				idx.main[aws.ToString(rt.VpcId)] = rt
			case a.SubnetId != nil:
				idx.explicit[aws.ToString(a.SubnetId)] = rt
			}
		}
	}
	return idx
}

func (idx routeIndex) table(subnet, vpc string) (types.RouteTable, bool) {
	if rt, ok := idx.explicit[subnet]; ok {
		return rt, true
	}
	rt, ok := idx.main[vpc]
	return rt, ok
}

// internetRoutes lists the destinations a route table sends to an internet
// gateway with the route active (a gateway that was detached or deleted
// leaves a blackhole route), and the gateway.
func internetRoutes(rt types.RouteTable) (dests []string, gateway string) {
	for _, r := range rt.Routes {
		gw := aws.ToString(r.GatewayId)
		if !strings.HasPrefix(gw, "igw-") || r.State == types.RouteStateBlackhole {
			continue
		}
		for _, d := range []*string{r.DestinationCidrBlock, r.DestinationIpv6CidrBlock} {
			if d != nil {
				dests = append(dests, aws.ToString(d))
			}
		}
		gateway = gw
	}
	slices.Sort(dests)
	return dests, gateway
}

func aclsBySubnet(acls []types.NetworkAcl) map[string]types.NetworkAcl {
	out := map[string]types.NetworkAcl{}
	for _, acl := range acls {
		for _, a := range acl.Associations {
			if a.SubnetId != nil {
				out[aws.ToString(a.SubnetId)] = acl
			}
		}
	}
	return out
}

// inbound lists a network ACL's inbound rules in rule-number order.
func inbound(acl types.NetworkAcl) []graph.ACLRule {
	var out []graph.ACLRule
	for _, e := range acl.Entries {
		if aws.ToBool(e.Egress) {
			continue
		}
		r := graph.ACLRule{
			Number: int(aws.ToInt32(e.RuleNumber)), Protocol: aws.ToString(e.Protocol),
			Allow: e.RuleAction == types.RuleActionAllow, CIDR: aws.ToString(e.CidrBlock),
		}
		if e.Ipv6CidrBlock != nil {
			r.CIDR = aws.ToString(e.Ipv6CidrBlock)
		}
		if e.PortRange != nil {
			r.FromPort, r.ToPort = int(aws.ToInt32(e.PortRange.From)), int(aws.ToInt32(e.PortRange.To))
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b graph.ACLRule) int { return a.Number - b.Number })
	return out
}

// nameTag returns the Name tag, or def.
func nameTag(tags []types.Tag, def string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == "Name" && aws.ToString(t.Value) != "" {
			return aws.ToString(t.Value)
		}
	}
	return def
}

package fakeaws

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"
)

// netIDs maps the fixture's Name tags and group names to the ids the fake
// derived, read through the API.
type netIDs struct {
	vpc     string
	subnets map[string]string // Name tag -> id
	sgs     map[string]string // group name -> id
	igw     string
}

func readNetIDs(t *testing.T, c *ec2.Client) netIDs {
	t.Helper()
	ctx := context.Background()
	ids := netIDs{subnets: map[string]string{}, sgs: map[string]string{}}
	subnets, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subnets.Subnets {
		ids.subnets[nameTag(s.Tags)] = aws.ToString(s.SubnetId)
		ids.vpc = aws.ToString(s.VpcId)
	}
	sgs, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range sgs.SecurityGroups {
		ids.sgs[aws.ToString(g.GroupName)] = aws.ToString(g.GroupId)
	}
	igws, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{})
	if err != nil {
		t.Fatal(err)
	}
	ids.igw = aws.ToString(igws.InternetGateways[0].InternetGatewayId)
	return ids
}

func TestVpcsSubnetsAndInternetGateways(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	c := srv.ec2(t, clientConfig{})
	ctx := context.Background()
	ids := readNetIDs(t, c)

	vpcs, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil || len(vpcs.Vpcs) != 1 || aws.ToString(vpcs.Vpcs[0].CidrBlock) != "10.0.0.0/16" ||
		aws.ToString(vpcs.Vpcs[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock) != "2001:db8:1234:1a00::/56" || aws.ToBool(vpcs.Vpcs[0].IsDefault) {
		t.Errorf("vpcs %+v, %v", vpcs, err)
	}
	subnets, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("map-public-ip-on-launch"), Values: []string{"true"}}}})
	if err != nil {
		t.Fatal(err)
	}
	type subnet struct {
		Name, AZ, CIDR string
		Free           int32
	}
	var got []subnet
	for _, s := range subnets.Subnets {
		got = append(got, subnet{nameTag(s.Tags), aws.ToString(s.AvailabilityZone), aws.ToString(s.CidrBlock), aws.ToInt32(s.AvailableIpAddressCount)})
		if aws.ToString(s.VpcId) != ids.vpc || !aws.ToBool(s.MapPublicIpOnLaunch) || aws.ToString(s.SubnetArn) != "arn:aws:ec2:us-east-1:123456789012:subnet/"+aws.ToString(s.SubnetId) {
			t.Errorf("subnet %+v", s)
		}
	}
	// 256 addresses less AWS's 5 reserved, less the instances' addresses.
	want := []subnet{{"public-a", "us-east-1a", "10.0.1.0/24", 250}, {"public-b", "us-east-1b", "10.0.2.0/24", 250}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("public subnets (-want +got):\n%s", diff)
	}
	igws, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: []types.Filter{{Name: aws.String("attachment.vpc-id"), Values: []string{ids.vpc}}}})
	if err != nil || len(igws.InternetGateways) != 1 || aws.ToString(igws.InternetGateways[0].Attachments[0].VpcId) != ids.vpc ||
		igws.InternetGateways[0].Attachments[0].State != "available" {
		t.Errorf("internet gateways %+v, %v", igws, err)
	}
}

func TestRouteTablesSayWhichSubnetsReachTheInternet(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	c := srv.ec2(t, clientConfig{})
	ids := readNetIDs(t, c)
	out, err := c.DescribeRouteTables(context.Background(), &ec2.DescribeRouteTablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	// For each subnet, the table that routes it: its explicit association,
	// else the main table ("Configure route tables").
	var main *types.RouteTable
	bySubnet := map[string]*types.RouteTable{}
	for k := range out.RouteTables {
		rt := &out.RouteTables[k]
		for _, a := range rt.Associations {
			if aws.ToBool(a.Main) {
				main = rt
			} else {
				bySubnet[aws.ToString(a.SubnetId)] = rt
			}
			if a.AssociationState.State != types.RouteTableAssociationStateCodeAssociated || aws.ToString(a.RouteTableId) != aws.ToString(rt.RouteTableId) {
				t.Errorf("association %+v", a)
			}
		}
		if r := rt.Routes[0]; aws.ToString(r.GatewayId) != "local" || aws.ToString(r.DestinationCidrBlock) != "10.0.0.0/16" || r.Origin != types.RouteOriginCreateRouteTable {
			t.Errorf("first route of %s is %+v, want the local route", aws.ToString(rt.RouteTableId), r)
		}
	}
	if main == nil {
		t.Fatal("no main route table")
	}
	toIGW := map[string]bool{}
	for name, id := range ids.subnets {
		rt := bySubnet[id]
		if rt == nil {
			rt = main
		}
		for _, r := range rt.Routes {
			if aws.ToString(r.GatewayId) == ids.igw && aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0" {
				toIGW[name] = true
			}
		}
	}
	if diff := cmp.Diff(map[string]bool{"public-a": true, "public-b": true}, toIGW); diff != "" {
		t.Errorf("subnets with a default route to the internet gateway (-want +got):\n%s", diff)
	}
	if len(main.Routes) != 2 { // local IPv4 and IPv6
		t.Errorf("main table routes %+v, want only the local routes", main.Routes)
	}

	t.Run("filters by association and route target", func(t *testing.T) {
		got, err := c.DescribeRouteTables(context.Background(), &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
			{Name: aws.String("association.subnet-id"), Values: []string{ids.subnets["private-a"]}}}})
		if err != nil || len(got.RouteTables) != 1 || aws.ToString(got.RouteTables[0].Routes[2].NatGatewayId) != "nat-0a1b2c3d4e5f60001" ||
			aws.ToString(got.RouteTables[0].Routes[3].DestinationPrefixListId) != "pl-63a5400a" {
			t.Errorf("private route table %+v, %v", got, err)
		}
	})
}

func TestNetworkAclsListEveryRuleAndEverySubnet(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	c := srv.ec2(t, clientConfig{})
	ids := readNetIDs(t, c)
	out, err := c.DescribeNetworkAcls(context.Background(), &ec2.DescribeNetworkAclsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.NetworkAcls) != 2 {
		t.Fatalf("%d network ACLs, want the public one and the VPC's default", len(out.NetworkAcls))
	}
	associated := map[string]bool{}
	for _, acl := range out.NetworkAcls {
		for _, a := range acl.Associations {
			if associated[aws.ToString(a.SubnetId)] {
				t.Errorf("subnet %s is associated twice", aws.ToString(a.SubnetId))
			}
			associated[aws.ToString(a.SubnetId)] = true
		}
		type entry struct {
			Rule   int32
			Egress bool
			Proto  string
			Action types.RuleAction
			CIDR   string
			FromTo string
		}
		var got []entry
		for _, e := range acl.Entries {
			ft := ""
			if e.PortRange != nil {
				ft = fmt.Sprintf("%d-%d", aws.ToInt32(e.PortRange.From), aws.ToInt32(e.PortRange.To))
			}
			got = append(got, entry{aws.ToInt32(e.RuleNumber), aws.ToBool(e.Egress), aws.ToString(e.Protocol), e.RuleAction,
				aws.ToString(e.CidrBlock) + aws.ToString(e.Ipv6CidrBlock), ft})
		}
		var want []entry
		if aws.ToBool(acl.IsDefault) {
			// The default ACL allows everything (Amazon VPC User Guide,
			// "Default network ACL"), IPv6 too in a VPC with IPv6.
			want = []entry{{100, true, "-1", "allow", "0.0.0.0/0", ""}, {101, true, "-1", "allow", "::/0", ""},
				{32767, true, "-1", "deny", "0.0.0.0/0", ""}, {32768, true, "-1", "deny", "::/0", ""},
				{100, false, "-1", "allow", "0.0.0.0/0", ""}, {101, false, "-1", "allow", "::/0", ""},
				{32767, false, "-1", "deny", "0.0.0.0/0", ""}, {32768, false, "-1", "deny", "::/0", ""}}
		} else {
			want = []entry{{100, true, "-1", "allow", "0.0.0.0/0", ""}, {32767, true, "-1", "deny", "0.0.0.0/0", ""},
				{32768, true, "-1", "deny", "::/0", ""}, {90, false, "6", "deny", "0.0.0.0/0", "22-22"},
				{100, false, "-1", "allow", "0.0.0.0/0", ""}, {32767, false, "-1", "deny", "0.0.0.0/0", ""}, {32768, false, "-1", "deny", "::/0", ""}}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("entries of %s (default %v) (-want +got):\n%s", aws.ToString(acl.NetworkAclId), aws.ToBool(acl.IsDefault), diff)
		}
	}
	if len(associated) != len(ids.subnets) {
		t.Errorf("%d subnets associated, want all %d", len(associated), len(ids.subnets))
	}
}

func TestSecurityGroupsAndTheirRules(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	c := srv.ec2(t, clientConfig{})
	ctx := context.Background()
	ids := readNetIDs(t, c)
	out, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{ids.sgs["app"]}})
	if err != nil {
		t.Fatal(err)
	}
	app := out.SecurityGroups[0]
	type perm struct {
		Proto    string
		From, To int32
		Source   string
		UserID   string
		Peering  string
	}
	var got []perm
	for _, p := range app.IpPermissions {
		base := perm{Proto: aws.ToString(p.IpProtocol), From: aws.ToInt32(p.FromPort), To: aws.ToInt32(p.ToPort)}
		for _, g := range p.UserIdGroupPairs {
			q := base
			q.Source, q.UserID, q.Peering = aws.ToString(g.GroupId), aws.ToString(g.UserId), aws.ToString(g.VpcPeeringConnectionId)
			got = append(got, q)
		}
		for _, pl := range p.PrefixListIds {
			q := base
			q.Source = aws.ToString(pl.PrefixListId)
			got = append(got, q)
		}
	}
	pls, err := c.DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{Filters: []types.Filter{{Name: aws.String("prefix-list-name"), Values: []string{"corp-offices"}}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []perm{
		{"tcp", 8080, 8080, ids.sgs["alb-public"], "123456789012", ""},
		{"tcp", 8443, 8443, "sg-0b2c3d4e5f6a70001", "111122223333", "pcx-0a1b2c3d4e5f60001"},
		{"tcp", 22, 22, aws.ToString(pls.PrefixLists[0].PrefixListId), "", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("app ingress (-want +got):\n%s", diff)
	}
	if e := app.IpPermissionsEgress; len(e) != 1 || aws.ToString(e[0].IpProtocol) != "-1" || e[0].FromPort != nil || aws.ToString(e[0].IpRanges[0].CidrIp) != "0.0.0.0/0" {
		t.Errorf("app egress %+v, want the default allow-all without ports", e)
	}

	t.Run("the default group lets its members in", func(t *testing.T) {
		def, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{{Name: aws.String("group-name"), Values: []string{"default"}}}})
		if err != nil || len(def.SecurityGroups) != 1 {
			t.Fatalf("default group: %+v %v", def, err)
		}
		g := def.SecurityGroups[0]
		if aws.ToString(g.IpPermissions[0].UserIdGroupPairs[0].GroupId) != aws.ToString(g.GroupId) || aws.ToString(g.Description) != "default VPC security group" {
			t.Errorf("default group %+v", g)
		}
	})

	t.Run("an ip-permission filter finds groups open to the world", func(t *testing.T) {
		open, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{{Name: aws.String("ip-permission.cidr"), Values: []string{"0.0.0.0/0"}}}})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, g := range open.SecurityGroups {
			names = append(names, aws.ToString(g.GroupName))
		}
		if diff := cmp.Diff([]string{"web-open", "alb-public"}, names); diff != "" {
			t.Errorf("groups (-want +got):\n%s", diff)
		}
	})

	t.Run("DescribeSecurityGroupRules has one rule per source, -1 with ports -1", func(t *testing.T) {
		rules, err := c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{ids.sgs["alb-public"]}}}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rules.SecurityGroupRules {
			got = append(got, fmt.Sprintf("%v %s %d-%d %s%s", aws.ToBool(r.IsEgress), aws.ToString(r.IpProtocol), aws.ToInt32(r.FromPort), aws.ToInt32(r.ToPort),
				aws.ToString(r.CidrIpv4), aws.ToString(r.CidrIpv6)))
			if !ec2IDShape("sgr", aws.ToString(r.SecurityGroupRuleId)) || aws.ToString(r.GroupOwnerId) != "123456789012" {
				t.Errorf("rule %+v", r)
			}
		}
		want := []string{"false tcp 443-443 0.0.0.0/0", "false tcp 443-443 ::/0", "false tcp 80-80 0.0.0.0/0", "false tcp 8443-8443 0.0.0.0/0",
			"true -1 -1--1 0.0.0.0/0", "true -1 -1--1 ::/0"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("rules (-want +got):\n%s", diff)
		}
	})
}

func TestPrefixListsAndTheirEntries(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	c := srv.ec2(t, clientConfig{})
	ctx := context.Background()
	out, err := c.DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range out.PrefixLists {
		got = append(got, fmt.Sprintf("%s %s %d %s", aws.ToString(p.PrefixListName), aws.ToString(p.OwnerId), aws.ToInt32(p.MaxEntries), aws.ToString(p.PrefixListArn)))
	}
	corp := aws.ToString(out.PrefixLists[0].PrefixListId)
	want := []string{"corp-offices 123456789012 5 arn:aws:ec2:us-east-1:123456789012:prefix-list/" + corp,
		"s3-prefix-list AWS 2 arn:aws:ec2:us-east-1:aws:prefix-list/pl-63a5400a"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("prefix lists (-want +got):\n%s", diff)
	}

	t.Run("entries page one at a time", func(t *testing.T) {
		p := ec2.NewGetManagedPrefixListEntriesPaginator(c, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: &corp, MaxResults: aws.Int32(1)})
		var cidrs []string
		pages := 0
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, e := range page.Entries {
				cidrs = append(cidrs, aws.ToString(e.Cidr))
			}
		}
		if diff := cmp.Diff([]string{"203.0.113.0/24", "198.51.100.128/25"}, cidrs); diff != "" || pages != 2 {
			t.Errorf("%d pages; entries (-want +got):\n%s", pages, diff)
		}
	})
}

func TestLaunchTemplatesAndVersions(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	c := srv.ec2(t, clientConfig{})
	ctx := context.Background()
	ids := readNetIDs(t, c)
	lts, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"web-lt"}})
	if err != nil {
		t.Fatal(err)
	}
	lt := lts.LaunchTemplates[0]
	if aws.ToInt64(lt.DefaultVersionNumber) != 1 || aws.ToInt64(lt.LatestVersionNumber) != 2 || aws.ToString(lt.CreatedBy) != "arn:aws:iam::123456789012:root" {
		t.Errorf("template %+v", lt)
	}
	for _, tc := range []struct {
		name     string
		in       ec2.DescribeLaunchTemplateVersionsInput
		versions []int64
	}{
		{"all versions of a template, newest first", ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: lt.LaunchTemplateId}, []int64{2, 1}},
		{"$Default of a template by name", ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String("web-lt"), Versions: []string{"$Default"}}, []int64{1}},
		{"$Latest of every template", ec2.DescribeLaunchTemplateVersionsInput{Versions: []string{"$Latest"}}, []int64{2}},
		{"MinVersion is exclusive", ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: lt.LaunchTemplateId, MinVersion: aws.String("1")}, []int64{2}},
		{"a filter on http-tokens", ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: lt.LaunchTemplateId,
			Filters: []types.Filter{{Name: aws.String("http-tokens"), Values: []string{"optional"}}}}, []int64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.DescribeLaunchTemplateVersions(ctx, &tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, v := range out.LaunchTemplateVersions {
				got = append(got, aws.ToInt64(v.VersionNumber))
			}
			if diff := cmp.Diff(tc.versions, got); diff != "" {
				t.Errorf("versions (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("the default version allows IMDSv1 and a public IP", func(t *testing.T) {
		out, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: lt.LaunchTemplateId, Versions: []string{"$Default"}})
		if err != nil {
			t.Fatal(err)
		}
		v := out.LaunchTemplateVersions[0]
		d := v.LaunchTemplateData
		ni := d.NetworkInterfaces[0]
		if !aws.ToBool(v.DefaultVersion) || d.MetadataOptions.HttpTokens != types.LaunchTemplateHttpTokensStateOptional ||
			d.MetadataOptions.HttpPutResponseHopLimit != nil || aws.ToString(d.IamInstanceProfile.Name) != "web-profile" ||
			!aws.ToBool(ni.AssociatePublicIpAddress) || aws.ToString(ni.SubnetId) != ids.subnets["public-a"] ||
			!slices.Equal(ni.Groups, []string{ids.sgs["web-open"]}) {
			t.Errorf("version 1 %+v, data %+v, interface %+v", v, d, ni)
		}
	})

	t.Run("versions page", func(t *testing.T) {
		p := ec2.NewDescribeLaunchTemplateVersionsPaginator(c, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: lt.LaunchTemplateId, MaxResults: aws.Int32(1)})
		n := 0
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n += len(page.LaunchTemplateVersions)
		}
		if n != 2 {
			t.Errorf("%d versions over the pages, want 2", n)
		}
	})
}

func TestVpcEndpoints(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	out, err := srv.ec2(t, clientConfig{}).DescribeVpcEndpoints(context.Background(), &ec2.DescribeVpcEndpointsInput{})
	if err != nil {
		t.Fatal(err)
	}
	e := out.VpcEndpoints[0]
	if aws.ToString(e.VpcEndpointId) != "vpce-0a1b2c3d4e5f60001" || e.VpcEndpointType != types.VpcEndpointTypeGateway || len(e.RouteTableIds) != 1 ||
		!strings.Contains(aws.ToString(e.PolicyDocument), `"Principal":"*"`) || aws.ToString(e.ServiceName) != "com.amazonaws.us-east-1.s3" {
		t.Errorf("endpoint %+v", e)
	}
}

// manySecurityGroups is a fixture with n groups in one VPC (plus its
// default group).
func manySecurityGroups(n int) string {
	var b strings.Builder
	b.WriteString("accounts:\n  - id: \"123456789012\"\n    access_keys: [AKIADEMO0000000001]\n    ec2:\n      vpcs: [{name: v, cidr_block: 10.0.0.0/16}]\n      security_groups:\n")
	for i := range n {
		fmt.Fprintf(&b, "        - {name: g%02d, vpc: v}\n", i)
	}
	return b.String()
}

func TestNetworkListsPage(t *testing.T) {
	srv := startYAML(t, manySecurityGroups(11), Options{})
	ctx := context.Background()
	p := ec2.NewDescribeSecurityGroupsPaginator(srv.ec2(t, clientConfig{}), &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(5)})
	var pages []int
	seen := map[string]bool{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, len(page.SecurityGroups))
		for _, g := range page.SecurityGroups {
			if seen[aws.ToString(g.GroupId)] {
				t.Errorf("group %s twice", aws.ToString(g.GroupId))
			}
			seen[aws.ToString(g.GroupId)] = true
		}
	}
	if diff := cmp.Diff([]int{5, 5, 2}, pages); diff != "" { // 11 groups and the VPC's default
		t.Errorf("groups per page (-want +got):\n%s", diff)
	}
	rules := ec2.NewDescribeSecurityGroupRulesPaginator(srv.ec2(t, clientConfig{}), &ec2.DescribeSecurityGroupRulesInput{MaxResults: aws.Int32(5)})
	n := 0
	for rules.HasMorePages() {
		page, err := rules.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.SecurityGroupRules)
	}
	if n != 13 { // an egress rule each, and the default group's self-reference
		t.Errorf("%d rules over the pages, want 13", n)
	}
	_, err := srv.ec2(t, clientConfig{attempts: 1}).DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{MaxResults: aws.Int32(101)})
	if diff := cmp.Diff(apiError{"InvalidParameterValue", 400}, decodeError(t, err)); diff != "" {
		t.Errorf("DescribeRouteTables MaxResults 101 (the model's 5-100) (-want +got):\n%s", diff)
	}
}

func TestNetworkNotFoundErrors(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	ctx := context.Background()
	c := srv.ec2(t, clientConfig{attempts: 1})
	tests := []struct {
		name string
		call func() error
		want apiError
	}{
		{"DescribeVpcs", func() error {
			_, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-0123456789abcdef0"}})
			return err
		},
			apiError{"InvalidVpcID.NotFound", 400}},
		{"DescribeSubnets", func() error {
			_, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{"subnet-0123456789abcdef0"}})
			return err
		}, apiError{"InvalidSubnetID.NotFound", 400}},
		{"DescribeInternetGateways", func() error {
			_, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{"igw-0123456789abcdef0"}})
			return err
		}, apiError{"InvalidInternetGatewayID.NotFound", 400}},
		{"DescribeRouteTables", func() error {
			_, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{"rtb-0123456789abcdef0"}})
			return err
		}, apiError{"InvalidRouteTableID.NotFound", 400}},
		{"DescribeNetworkAcls", func() error {
			_, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{"acl-0123456789abcdef0"}})
			return err
		}, apiError{"InvalidNetworkAclID.NotFound", 400}},
		{"DescribeSecurityGroups by id", func() error {
			_, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-0123456789abcdef0"}})
			return err
		}, apiError{"InvalidGroup.NotFound", 400}},
		{"DescribeSecurityGroups by a malformed id", func() error {
			_, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"web-open"}})
			return err
		}, apiError{"InvalidGroupId.Malformed", 400}},
		{"DescribeSecurityGroups by name outside a default VPC", func() error {
			_, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupNames: []string{"web-open"}})
			return err
		}, apiError{"InvalidGroup.NotFound", 400}},
		{"DescribeSecurityGroupRules", func() error {
			_, err := c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{SecurityGroupRuleIds: []string{"sgr-0123456789abcdef0"}})
			return err
		}, apiError{"InvalidSecurityGroupRuleId.NotFound", 400}},
		{"DescribeManagedPrefixLists", func() error {
			_, err := c.DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{PrefixListIds: []string{"pl-0123456789abcdef0"}})
			return err
		}, apiError{"InvalidPrefixListID.NotFound", 400}},
		{"GetManagedPrefixListEntries", func() error {
			_, err := c.GetManagedPrefixListEntries(ctx, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: aws.String("pl-0123456789abcdef0")})
			return err
		}, apiError{"InvalidPrefixListID.NotFound", 400}},
		{"DescribeLaunchTemplates by id", func() error {
			_, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{"lt-0123456789abcdef0"}})
			return err
		}, apiError{"InvalidLaunchTemplateId.NotFound", 400}},
		{"DescribeLaunchTemplates by name", func() error {
			_, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"nope"}})
			return err
		}, apiError{"InvalidLaunchTemplateName.NotFoundException", 400}},
		{"DescribeLaunchTemplateVersions of a missing version", func() error {
			_, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String("web-lt"), Versions: []string{"7"}})
			return err
		}, apiError{"InvalidLaunchTemplateId.VersionNotFound", 400}},
		{"DescribeLaunchTemplateVersions of a missing template", func() error {
			_, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String("lt-0123456789abcdef0")})
			return err
		}, apiError{"InvalidLaunchTemplateId.NotFound", 400}},
		{"DescribeLaunchTemplateVersions with MaxResults 201", func() error {
			_, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String("web-lt"), MaxResults: aws.Int32(201)})
			return err
		}, apiError{"InvalidParameterValue", 400}},
		{"DescribeVpcEndpoints", func() error {
			_, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{"vpce-0123456789abcdef0"}})
			return err
		}, apiError{"InvalidVpcEndpointId.NotFound", 400}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, decodeError(t, tc.call())); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

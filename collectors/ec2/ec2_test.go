package ec2_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/ec2"
	"github.com/trustmap/trustmap/collectors/iam"
	"github.com/trustmap/trustmap/graph"
)

// networkFixture is the account of internet-facing compute and the network
// around it (testdata/accounts/network.yaml), each resource there after an
// AWS documentation page.
func networkFixture(t *testing.T, faults string) string {
	t.Helper()
	data, err := os.ReadFile("../../testdata/accounts/network.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data) + "\n" + faults
}

var usEast1 = collectortest.Options{Regions: []string{"us-east-1"}}

// node returns the node of a kind with a name, failing when there is none.
func node(t *testing.T, s *graph.Snapshot, kind graph.Kind, name string) graph.Node {
	t.Helper()
	for _, n := range s.Nodes {
		if n.Kind == kind && n.Name == name {
			return n
		}
	}
	t.Fatalf("no %s named %s", kind, name)
	return graph.Node{}
}

// connects lists the can-connect edges into a node as "from ports (certainty)".
func connects(g *graph.Graph, to string) []string {
	var out []string
	for _, e := range g.In(to) {
		if e.Kind == graph.EdgeCanConnect {
			out = append(out, fmt.Sprintf("%s %s %s (%s)", e.From, e.Exposure, strings.Join(e.Actions, ","), e.Certainty))
		}
	}
	return out
}

func notesOf(g *graph.Graph, resource string) []string {
	var out []string
	for _, n := range g.Notes {
		if n.Resource == resource {
			out = append(out, string(n.Kind)+": "+n.Detail)
		}
	}
	return out
}

func TestEveryListingIsOnePageAtATimeAndNothingIsReadPerInstance(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`accounts:
  - id: "123456789012"
    access_keys: [AKIATEST000000000001]
    regions: [us-east-1]
    ec2:
      vpcs: [{name: main, cidr_block: 10.0.0.0/16}]
      subnets: [{name: a, vpc: main, cidr_block: 10.0.0.0/20}]
      prefix_lists:
`)
	const lists, instances, groups, tables, templates = 101, 1001, 1001, 101, 201
	for i := range lists {
		fmt.Fprintf(&sb, "        - {name: pl-%03d, entries: [{cidr: 198.51.100.%d/32}]}\n", i, i%250)
	}
	sb.WriteString("      security_groups:\n")
	for i := range groups {
		rule := ""
		if i < 3 {
			rule = fmt.Sprintf(", ingress: [{protocol: tcp, from_port: 22, to_port: 22, prefix_lists: [pl-%03d]}]", i)
		}
		fmt.Fprintf(&sb, "        - {name: sg-%04d, vpc: main%s}\n", i, rule)
	}
	sb.WriteString("      route_tables:\n")
	for i := range tables {
		fmt.Fprintf(&sb, "        - {name: rt-%03d, vpc: main}\n", i)
	}
	sb.WriteString("      instances:\n")
	for i := range instances {
		fmt.Fprintf(&sb, "        - {name: i-%04d, subnet: a, security_groups: [sg-%04d], tags: {Name: i-%04d}}\n", i, i, i)
	}
	sb.WriteString("      launch_templates:\n")
	for i := range templates {
		fmt.Fprintf(&sb, "        - {name: lt-%03d, versions: [{data: {metadata_options: {http_tokens: required}}}]}\n", i)
	}
	scan := collectortest.Run(t, sb.String(), usEast1, ec2.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	count := map[graph.Kind]int{}
	for _, n := range scan.Snapshot.Nodes {
		count[n.Kind]++
	}
	// The fake adds each VPC's default security group.
	wantNodes := map[graph.Kind]int{graph.KindEC2Instance: instances, graph.KindSecurityGroup: groups + 1, graph.KindSubnet: 1,
		graph.KindPrefixList: 3, graph.KindLaunchTemplate: templates, graph.KindAccount: 1}
	if diff := cmp.Diff(wantNodes, count); diff != "" {
		t.Errorf("nodes by kind (-want +got):\n%s", diff)
	}
	want := map[string]int64{
		"ec2:DescribeRegions":                1,
		"ec2:DescribeInstances":              2, // 1,000 a page
		"ec2:DescribeSecurityGroups":         2, // 1,000 a page
		"ec2:DescribeSubnets":                1,
		"ec2:DescribeRouteTables":            2, // 100 a page (the main table makes 102)
		"ec2:DescribeNetworkAcls":            1,
		"ec2:DescribeManagedPrefixLists":     2, // 100 a page
		"ec2:GetManagedPrefixListEntries":    3, // only the lists a rule names
		"ec2:DescribeLaunchTemplateVersions": 2, // 200 a page
		"sts:GetCallerIdentity":              1,
	}
	if diff := cmp.Diff(want, scan.Server.Stats().Calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage = %+v, want none", scan.Snapshot.Coverage)
	}
}

func TestInstanceSubnetAndTemplateFactsAreKeptAsAWSReportsThem(t *testing.T) {
	scan := collectortest.Run(t, networkFixture(t, ""), usEast1, ec2.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	web := node(t, scan.Snapshot, graph.KindEC2Instance, "web-1").Instance()
	nic := web.Interfaces[0]
	got := struct {
		State, Profile, Tokens, Endpoint, PublicIP string
		Hop                                        int
		Elastic                                    bool
		IPv6, Private                              []string
	}{web.State, web.InstanceProfile, web.IMDS.HTTPTokens, web.IMDS.HTTPEndpoint, nic.PublicIP, web.IMDS.HopLimit, nic.ElasticIP, nic.IPv6, nic.PrivateIPs}
	want := got
	want.State, want.Profile, want.Tokens, want.Endpoint, want.PublicIP = "running", "arn:aws:iam::123456789012:instance-profile/web-profile", "optional", "enabled", "203.0.113.10"
	want.Hop, want.Elastic, want.IPv6, want.Private = 1, false, []string{"2001:db8:1234:1a01::10"}, []string{"10.0.1.10"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("web-1 (-want +got):\n%s", diff)
	}
	if b := node(t, scan.Snapshot, graph.KindEC2Instance, "bastion-1").Instance().Interfaces[0]; b.PublicIP != "198.51.100.20" || !b.ElasticIP {
		t.Errorf("bastion-1 interface %+v, want its Elastic IP 198.51.100.20", b)
	}
	if s := node(t, scan.Snapshot, graph.KindEC2Instance, "old-app").Instance().State; s != "stopped" {
		t.Errorf("old-app state %q", s)
	}
	pub := node(t, scan.Snapshot, graph.KindSubnet, "public-a").Subnet()
	if pub.RoutesKnown != graph.True || !slices.Equal(pub.InternetRoutes, []string{"0.0.0.0/0", "::/0"}) || pub.ACLKnown != graph.True ||
		pub.Inbound[0].Number != 90 || pub.Inbound[0].Allow || pub.Inbound[len(pub.Inbound)-1].Number != 32768 {
		t.Errorf("public-a = %+v, want both internet routes and the ACL from rule 90 to the * rules", pub)
	}
	if iso := node(t, scan.Snapshot, graph.KindSubnet, "isolated").Subnet(); iso.RoutesKnown != graph.True || len(iso.InternetRoutes) != 0 {
		t.Errorf("isolated = %+v, want the main route table's local routes only", iso)
	}
	lt := node(t, scan.Snapshot, graph.KindLaunchTemplate, "web-lt").LaunchTemplate()
	wantLT := []graph.LaunchTemplateVersion{
		{Number: 1, Default: true, IMDS: graph.IMDSOptions{Known: graph.True, HTTPTokens: "optional", HTTPEndpoint: "enabled"}, InstanceProfile: "web-profile"},
		{Number: 2, Latest: true, IMDS: graph.IMDSOptions{Known: graph.True, HTTPTokens: "required", HopLimit: 2}, InstanceProfile: "web-profile"},
	}
	if diff := cmp.Diff(wantLT, lt.Versions); diff != "" {
		t.Errorf("web-lt versions (-want +got):\n%s", diff)
	}
}

// EC2 User Guide, "Security group rules for different use cases" and VPC
// User Guide, "Control subnet traffic with network access control lists":
// web-1's group opens SSH to 0.0.0.0/0, but its subnet's ACL denies SSH at
// rule 90, before the allow at 100; HTTPS is opened to ::/0 only, which
// the custom ACL, having no IPv6 rule, denies at its "*" rule.
func TestNetworkACLs_RuleOrderKeepsTheOpenSSHPortOut(t *testing.T) {
	scan := collectortest.Run(t, networkFixture(t, ""), usEast1, ec2.New())
	g := graph.Resolve(scan.Snapshot)
	web := node(t, scan.Snapshot, graph.KindEC2Instance, "web-1")
	if got := connects(g, web.ID); len(got) != 0 {
		t.Errorf("web-1 is reached by %v, want nothing", got)
	}
	got := strings.Join(notesOf(g, web.ID), "\n")
	for _, want := range []string{"denies tcp/22 from 0.0.0.0/0 (rule 90 denies tcp/22 from 0.0.0.0/0): not a way in on tcp/22",
		`denies tcp/443 from ::/0 (rule "*" denies all from ::/0)`} {
		if !strings.Contains(got, want) {
			t.Errorf("notes of web-1:\n%s\nwant one saying %q", got, want)
		}
	}
}

// EC2 User Guide, "Elastic IP addresses": an Elastic IP is the instance's
// public address; with a group open on 443 and an ACL that allows it, the
// instance is a way in on 443.
func TestElasticIPAddresses_MakeAnInstancePublic(t *testing.T) {
	fx := strings.Replace(networkFixture(t, ""), "        - name: bastion-1\n          subnet: public-b\n          security_groups: [web-open]",
		"        - name: bastion-1\n          subnet: public-b\n          security_groups: [alb-public]", 1)
	scan := collectortest.Run(t, fx, usEast1, ec2.New())
	g := graph.Resolve(scan.Snapshot)
	bastion := node(t, scan.Snapshot, graph.KindEC2Instance, "bastion-1")
	want := []string{"internet public tcp/443,tcp/80,tcp/8443 (true)"} // actions sort as strings
	if diff := cmp.Diff(want, connects(g, bastion.ID)); diff != "" {
		t.Errorf("bastion-1 (-want +got):\n%s", diff)
	}
	var details []string
	for _, e := range g.In(bastion.ID) {
		for _, ev := range e.Evidence {
			details = append(details, ev.Detail)
		}
	}
	if !slices.ContainsFunc(details, func(d string) bool { return strings.Contains(d, "Elastic IP 198.51.100.20") }) {
		t.Errorf("evidence %v does not name the Elastic IP", details)
	}
}

// VPC User Guide, "Enable internet access for a VPC using an internet
// gateway": a public address in a subnet whose route table has no route to
// an internet gateway is not reachable from the internet.
func TestInternetGateway_NoDefaultRouteNoWayIn(t *testing.T) {
	fx := strings.Replace(networkFixture(t, ""), "        - name: bastion-1\n          subnet: public-b\n          security_groups: [web-open]",
		"        - name: bastion-1\n          subnet: isolated\n          security_groups: [alb-public]", 1)
	scan := collectortest.Run(t, fx, usEast1, ec2.New())
	g := graph.Resolve(scan.Snapshot)
	bastion := node(t, scan.Snapshot, graph.KindEC2Instance, "bastion-1")
	if got := connects(g, bastion.ID); len(got) != 0 {
		t.Errorf("bastion-1 in the isolated subnet is reached by %v", got)
	}
	if n := notesOf(g, bastion.ID); len(n) != 1 || !strings.Contains(n[0], "route no 0.0.0.0/0 to an internet gateway") {
		t.Errorf("notes = %v, want one saying the subnet has no internet route", n)
	}
}

// VPC Peering Guide, "Update your security groups to reference peer
// security groups": app-1 and app-2 have no public address, yet a
// partner's group reaches 8443 over the peering connection; the prefix
// list rule (VPC User Guide, "Reference prefix lists in your AWS
// resources") admits the offices only where there is a public address.
func TestVPCPeering_ReferencePeerSecurityGroupsIsCrossAccount(t *testing.T) {
	scan := collectortest.Run(t, networkFixture(t, ""), usEast1, ec2.New())
	g := graph.Resolve(scan.Snapshot)
	for _, name := range []string{"app-1", "app-2"} {
		n := node(t, scan.Snapshot, graph.KindEC2Instance, name)
		want := []string{"account:111122223333 cross-account tcp/8443 (true)"}
		if diff := cmp.Diff(want, connects(g, n.ID)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	if got := connects(g, node(t, scan.Snapshot, graph.KindEC2Instance, "old-app").ID); len(got) != 0 {
		t.Errorf("a stopped instance is reached by %v", got)
	}
	pl := node(t, scan.Snapshot, graph.KindPrefixList, "corp-offices").PrefixList()
	if pl.EntriesKnown != graph.True || !slices.Equal(pl.Entries, []string{"198.51.100.128/25", "203.0.113.0/24"}) {
		t.Errorf("corp-offices = %+v, want its two entries", pl)
	}
}

// VPC User Guide, "Reference prefix lists in your AWS resources": with a
// public address, a rule naming a customer-managed list admits its entries
// (fixed public ranges: any principal, from there only).
func TestManagedPrefixLists_AdmitTheirEntries(t *testing.T) {
	fx := strings.Replace(networkFixture(t, ""), "        - name: app-2\n          subnet: private-b",
		"        - name: app-2\n          subnet: public-b\n          public_ip: 203.0.113.12", 1)
	scan := collectortest.Run(t, fx, usEast1, ec2.New())
	g := graph.Resolve(scan.Snapshot)
	app2 := node(t, scan.Snapshot, graph.KindEC2Instance, "app-2")
	want := []string{"account:111122223333 cross-account tcp/8443 (true)"}
	got := connects(g, app2.ID)
	if diff := cmp.Diff(want, got); diff != "" {
		// SSH from the offices is denied by the public subnets' ACL rule 90.
		t.Errorf("app-2 (-want +got):\n%s", diff)
	}
	if n := strings.Join(notesOf(g, app2.ID), "\n"); !strings.Contains(n, "prefix list") || !strings.Contains(n, "rule 90") {
		t.Errorf("notes of app-2:\n%s\nwant the offices' SSH denied by rule 90", n)
	}
}

// EC2 User Guide, "Configure the instance metadata options" and IAM User
// Guide, "Use an IAM role to grant permissions to applications running on
// Amazon EC2 instances": web-1 allows IMDSv1 and runs as web-role through
// its instance profile; bastion-1 requires IMDSv2.
func TestInstanceMetadataOptions_IMDSv1AndTheInstanceProfileRole(t *testing.T) {
	scan := collectortest.Run(t, networkFixture(t, ""), usEast1, ec2.New(), iam.New())
	g := graph.Resolve(scan.Snapshot)
	web := node(t, scan.Snapshot, graph.KindEC2Instance, "web-1")
	if v1, ok := web.SSRFCredentials(); !ok || v1 != graph.True {
		t.Errorf("web-1 SSRFCredentials = %v, %v; want true (HttpTokens optional)", v1, ok)
	}
	bastion := node(t, scan.Snapshot, graph.KindEC2Instance, "bastion-1")
	if v1, _ := bastion.SSRFCredentials(); v1 != graph.False {
		t.Errorf("bastion-1 SSRFCredentials = %v, want false (HttpTokens required)", v1)
	}
	var roles []string
	for _, e := range g.Out(web.ID) {
		if e.Kind == graph.EdgeExecutesAs {
			roles = append(roles, fmt.Sprintf("%s %s (%s)", e.Via, e.To, e.Certainty))
		}
	}
	if want := []string{"instance-profile arn:aws:iam::123456789012:role/web-role (true)"}; !slices.Equal(roles, want) {
		t.Errorf("web-1 runs as %v, want %v", roles, want)
	}
}

func TestDeniedListingsAreGapsAndLeaveTheirFactsUnknown(t *testing.T) {
	fx := networkFixture(t, `faults:
  - {service: ec2, api: DescribeSecurityGroups, error: UnauthorizedOperation}
  - {service: ec2, api: DescribeNetworkAcls, error: UnauthorizedOperation}
  - {service: ec2, api: DescribeLaunchTemplateVersions, error: UnauthorizedOperation}`)
	scan := collectortest.Run(t, fx, usEast1, ec2.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v (denials are gaps, not errors)", scan.Err)
	}
	for _, api := range []string{"DescribeSecurityGroups", "DescribeNetworkAcls", "DescribeLaunchTemplateVersions"} {
		gaps := scan.Gaps(api)
		if len(gaps) != 1 || gaps[0].Status != graph.GapDenied || gaps[0].Service != "ec2" || gaps[0].Region != "us-east-1" {
			t.Errorf("%s gaps = %+v, want one denied ec2 gap in us-east-1", api, gaps)
		}
	}
	if sub := node(t, scan.Snapshot, graph.KindSubnet, "public-a").Subnet(); sub.ACLKnown != graph.Unknown || sub.RoutesKnown != graph.True {
		t.Errorf("public-a = %+v, want its ACL unknown and its routes known", sub)
	}
	g := graph.Resolve(scan.Snapshot)
	// Without groups or ACLs, web-1's public addresses may be open to anyone:
	// an edge of unknown certainty, never none.
	web := node(t, scan.Snapshot, graph.KindEC2Instance, "web-1")
	if diff := cmp.Diff([]string{"internet public all (unknown)"}, connects(g, web.ID)); diff != "" {
		t.Errorf("web-1 (-want +got):\n%s", diff)
	}
	if n := notesOf(g, web.ID); !slices.ContainsFunc(n, func(s string) bool { return strings.HasPrefix(s, "unknown-exposure: security group(s) ") }) {
		t.Errorf("notes of web-1 = %v, want the unread groups", n)
	}
}

func TestThrottledListingsAreRetriedAndLeaveNoGap(t *testing.T) {
	fx := networkFixture(t, `faults:
  - {service: ec2, api: DescribeInstances, error: RequestLimitExceeded, count: 2}
  - {service: ec2, api: DescribeRouteTables, error: RequestLimitExceeded, count: 1}`)
	scan := collectortest.Run(t, fx, usEast1, ec2.New())
	if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 {
		t.Fatalf("scan: %v, coverage %+v; want retries to succeed", scan.Err, scan.Snapshot.Coverage)
	}
	if got := scan.Stats.Retries.Load(); got != 3 {
		t.Errorf("retries = %d, want 3", got)
	}
	node(t, scan.Snapshot, graph.KindEC2Instance, "web-1")
}

func TestThrottledOutIsAThrottledGap(t *testing.T) {
	fx := networkFixture(t, `faults:
  - {service: ec2, api: DescribeRouteTables, error: RequestLimitExceeded}`)
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}, MaxAttempts: 2}, ec2.New())
	gaps := scan.Gaps("DescribeRouteTables")
	if len(gaps) != 1 || gaps[0].Status != graph.GapThrottled {
		t.Fatalf("gaps = %+v, want one throttled gap", gaps)
	}
	if sub := node(t, scan.Snapshot, graph.KindSubnet, "public-a").Subnet(); sub.RoutesKnown != graph.Unknown {
		t.Errorf("routes known = %v, want unknown", sub.RoutesKnown)
	}
}

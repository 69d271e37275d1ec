package main

import (
	"fmt"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/fakeaws"
)

// The network of the generated account (issue 13). VPC v lives in region
// v % len(regions) (at least one per region when anything needs a network).
// Each has two public subnets (a route table sending 0.0.0.0/0 to the VPC's
// internet gateway, and a network ACL that denies SSH from anywhere and
// allows the rest) and two private ones (a route table with a NAT gateway
// route only, and the default network ACL AWS creates), and nine security
// groups of fixed roles besides the default one AWS creates:
//
//	alb           80 and 443 from 0.0.0.0/0 and ::/0 (internet-facing load balancers)
//	alb-internal  80 from 10.0.0.0/8
//	web           443 from 0.0.0.0/0 and ::/0
//	ssh           22 from 0.0.0.0/0 (the public subnets' network ACL denies it)
//	partner       5432 from the partner account's group, over VPC peering
//	corp          443 from the region's customer-managed "corp" prefix list (public ranges)
//	vpn           all TCP from the region's "vpn" prefix list (private ranges)
//	cf-origin     443 from CloudFront's AWS-managed origin-facing prefix list
//	app           8080 from the load balancers' groups and the VPC's own range
//
// More groups (--security-groups) that no instance uses admit a private
// range, every other one also a customer-managed prefix list of its region
// (--prefix-lists), so that those lists are read too.
//
// Instances take the planted exposures by index like the other kinds, each
// through its security groups (way in "security-group"): offset 0 a public
// address and web (the internet), offset 1 a public address and partner and
// ssh (the partner account over peering; SSH is denied by the network ACL),
// offset 2 a public address and corp (the list's public ranges), offset 3 a
// public address and cf-origin (CloudFront's servers: the collector does
// not expand an AWS-managed list, the resolver takes it as a fixed set of
// outside addresses). An instance whose index ends in 4 has a public
// address and only ssh, which the network ACL blocks, one ending in 5 a
// public address and only app: neither is a way in. The rest are private,
// with app, web or vpn: a group open to the internet is no way in without a
// public address. Private ones ending in 49 are stopped, in 99 terminated
// (not in the snapshot). Every 4th allows IMDSv1 (http_tokens optional),
// every 3rd runs with the instance profile of a role (world.go gives every
// 20th role one).
//
// Load balancer j has kind j % 6: an internet-facing ALB whose HTTP listener
// redirects to its HTTPS one, which forwards (rules: /api/* to IP targets, a
// fixed response); the same behind authenticate-oidc and
// authenticate-cognito on every forwarding rule, with a legacy TLS policy;
// an internal ALB forwarding to a Lambda function; an internet-facing NLB
// without security groups (TCP and TLS listeners); an internal NLB; an
// internet-facing ALB serving plain HTTP. Every internet-facing listener
// that forwards is an entry point ("listener", or "listener-authenticated"
// when every forward authenticates first); a listener that only redirects
// is not. Every 10th load balancer also has a target group no listener uses.
// Classic Load Balancers listen on HTTP 80 and HTTPS 443; every 4th is
// internal, the rest internet-facing with both listeners entry points.

const (
	plantFourth = 3 // the fourth planted exposure: CloudFront's prefix list

	cfOriginList = "com.amazonaws.global.cloudfront.origin-facing"
	privateCIDR  = "10.0.0.0/8"
	modernTLS    = "ELBSecurityPolicy-TLS13-1-2-2021-06"
	legacyTLS    = "ELBSecurityPolicy-2016-08" // accepts TLS 1.0
	nlbLegacyTLS = "ELBSecurityPolicy-TLS-1-0-2015-04"
)

// vpcCount is how many VPCs the world has: at least one per region when
// anything needs a network.
func (s scenario) vpcCount() int {
	if s.Instances+s.LoadBalancers+s.ClassicELBs == 0 {
		return s.VPCs
	}
	return max(s.VPCs, len(s.Regions))
}

// vpcOf is the VPC of network resource i, one of its region's.
func (s scenario) vpcOf(i int) int {
	n, r := s.vpcCount(), len(s.Regions)
	ri := i % r
	inRegion := (n - ri + r - 1) / r
	return ((i/r)%inRegion)*r + ri
}

func vpcName(v int) string              { return fmt.Sprintf("bench-vpc-%03d", v) }
func subnetName(v int, k string) string { return vpcName(v) + "-" + k }
func instanceID(i int) string           { return fmt.Sprintf("i-0%016x", i+1) }

// vpcOctet is x of VPC v's 10.x.0.0/16 (VPCs of different regions, or
// more than 256 apart, may overlap, as AWS allows). Its subnets are
// public-a 10.x.0.0/20, public-b .16.0/20, private-a .64.0/18 and
// private-b .128.0/18.
func vpcOctet(s scenario, v int) int { return (v / len(s.Regions)) % 256 }

var subnetOffsets = map[string][2]int{ // third octet, prefix length
	"public-a": {0, 20}, "public-b": {16, 20}, "private-a": {64, 18}, "private-b": {128, 18},
}

// hostIP is the k-th address an instance may use in a subnet: AWS keeps
// the first four (VPC User Guide, "Subnet CIDR blocks"). A public subnet
// holds 4,091 instances, a private one 16,379: a world with more per VPC
// needs more --vpcs (the fake refuses an address outside its subnet).
func hostIP(s scenario, v int, subnet string, k int) string {
	k += 4
	return fmt.Sprintf("10.%d.%d.%d", vpcOctet(s, v), subnetOffsets[subnet][0]+k/256, k%256)
}

func tcp(from, to int) fakeaws.SGPermission {
	return fakeaws.SGPermission{Protocol: "tcp", FromPort: &from, ToPort: &to}
}

// vpcInstance is an instance a load balancer may send to.
type vpcInstance struct{ id, ip string }

// netState is what the network generator shares between its parts.
type netState struct {
	targets map[int][]vpcInstance // running private instances by VPC
	used    map[string]int        // addresses taken, by subnet name
}

func (g *generated) network(s scenario, a *fakeaws.Account) {
	st := &netState{targets: map[int][]vpcInstance{}, used: map[string]int{}}
	g.vpcs(s, a)
	g.prefixLists(s, a)
	g.securityGroups(s, a)
	g.instances(s, a, st)
	g.launchTemplates(s, a)
	g.loadBalancers(s, a, st)
	g.classicELBs(s, a, st)
}

func (g *generated) vpcs(s scenario, a *fakeaws.Account) {
	for v := range s.vpcCount() {
		region, name := s.region(v), vpcName(v)
		x := vpcOctet(s, v)
		a.EC2.VPCs = append(a.EC2.VPCs, &fakeaws.VPC{Name: name, Region: region, CIDRBlock: fmt.Sprintf("10.%d.0.0/16", x), Tags: map[string]string{"Name": name}})
		for _, k := range []string{"public-a", "public-b", "private-a", "private-b"} {
			off := subnetOffsets[k]
			a.EC2.Subnets = append(a.EC2.Subnets, &fakeaws.Subnet{Name: subnetName(v, k), Region: region, VPC: name,
				CIDRBlock: fmt.Sprintf("10.%d.%d.0/%d", x, off[0], off[1]), AvailabilityZone: region + k[len(k)-1:],
				MapPublicIPOnLaunch: k[:6] == "public", Tags: map[string]string{"Name": subnetName(v, k)}})
		}
		igw := name + "-igw"
		a.EC2.InternetGateways = append(a.EC2.InternetGateways, &fakeaws.InternetGateway{Name: igw, Region: region, VPC: name})
		a.EC2.RouteTables = append(a.EC2.RouteTables,
			&fakeaws.RouteTable{Name: name + "-public", Region: region, VPC: name, Subnets: []string{subnetName(v, "public-a"), subnetName(v, "public-b")},
				Routes: []fakeaws.Route{{Destination: "0.0.0.0/0", Gateway: igw}}},
			&fakeaws.RouteTable{Name: name + "-private", Region: region, VPC: name, Subnets: []string{subnetName(v, "private-a"), subnetName(v, "private-b")},
				Routes: []fakeaws.Route{{Destination: "0.0.0.0/0", NATGateway: fmt.Sprintf("nat-0%016x", v+1)}}})
		a.EC2.NetworkACLs = append(a.EC2.NetworkACLs, &fakeaws.NetworkACL{Name: name + "-public", Region: region, VPC: name,
			Subnets: []string{subnetName(v, "public-a"), subnetName(v, "public-b")},
			Entries: []fakeaws.NetworkACLEntry{
				{RuleNumber: 90, Protocol: "tcp", RuleAction: "deny", CIDRBlock: "0.0.0.0/0", PortRange: &fakeaws.PortRange{From: 22, To: 22}},
				{RuleNumber: 100, Protocol: "-1", RuleAction: "allow", CIDRBlock: "0.0.0.0/0"},
				{RuleNumber: 100, Egress: true, Protocol: "-1", RuleAction: "allow", CIDRBlock: "0.0.0.0/0"},
			}})
	}
	g.Resources[string(graph.KindSubnet)] = 4 * s.vpcCount()
	g.Resources[string(graph.KindSecurityGroup)] += s.vpcCount() // the default group AWS creates with each VPC
}

// prefixLists are per region a "corp" list of public ranges (150 entries:
// two pages), a "vpn" list of private ones, CloudFront's AWS-managed
// origin-facing list, and --prefix-lists more customer-managed lists of
// five public ranges.
func (g *generated) prefixLists(s scenario, a *fakeaws.Account) {
	if s.vpcCount() == 0 {
		return
	}
	for ri, region := range s.Regions {
		corp := &fakeaws.PrefixList{Name: "bench-corp", Region: region, MaxEntries: 200}
		for k := range 150 {
			corp.Entries = append(corp.Entries, fakeaws.PrefixListEntry{CIDR: fmt.Sprintf("198.%d.%d.0/24", 18+ri%2, k), Description: fmt.Sprintf("office %d", k)})
		}
		a.EC2.PrefixLists = append(a.EC2.PrefixLists, corp,
			&fakeaws.PrefixList{Name: "bench-vpn", Region: region, Entries: []fakeaws.PrefixListEntry{{CIDR: "10.200.0.0/16"}, {CIDR: "172.16.0.0/12"}}},
			&fakeaws.PrefixList{Name: cfOriginList, Region: region, OwnerID: "AWS", Entries: []fakeaws.PrefixListEntry{{CIDR: "120.52.22.96/27"}, {CIDR: "205.251.249.0/24"}}})
	}
	g.Resources[string(graph.KindPrefixList)] += 3 * len(s.Regions) // each named by a group of every VPC
	for p := range s.PrefixLists {
		pl := &fakeaws.PrefixList{Name: fmt.Sprintf("bench-pl-%04d", p), Region: s.region(p)}
		for k := range 5 {
			pl.Entries = append(pl.Entries, fakeaws.PrefixListEntry{CIDR: fmt.Sprintf("81.%d.%d.0/24", p%250, k)})
		}
		a.EC2.PrefixLists = append(a.EC2.PrefixLists, pl)
	}
}

func (g *generated) securityGroups(s scenario, a *fakeaws.Account) {
	world, internet := []string{"0.0.0.0/0"}, []string{"::/0"}
	for v := range s.vpcCount() {
		region, vpc := s.region(v), vpcName(v)
		group := func(name string, perms ...fakeaws.SGPermission) {
			a.EC2.SecurityGroups = append(a.EC2.SecurityGroups, &fakeaws.SecurityGroup{Name: name, Region: region, VPC: vpc, Ingress: perms})
		}
		group("alb",
			with(tcp(80, 80), func(p *fakeaws.SGPermission) { p.CIDRs, p.IPv6CIDRs = world, internet }),
			with(tcp(443, 443), func(p *fakeaws.SGPermission) { p.CIDRs, p.IPv6CIDRs = world, internet }))
		group("alb-internal", with(tcp(80, 80), func(p *fakeaws.SGPermission) { p.CIDRs = []string{privateCIDR} }))
		group("web", with(tcp(443, 443), func(p *fakeaws.SGPermission) { p.CIDRs, p.IPv6CIDRs, p.Description = world, internet, "https" }))
		group("ssh", with(tcp(22, 22), func(p *fakeaws.SGPermission) { p.CIDRs, p.Description = world, "ssh" }))
		group("partner", with(tcp(5432, 5432), func(p *fakeaws.SGPermission) {
			p.Groups = []fakeaws.SGGroupPair{{Group: "sg-0b2c3d4e5f6a70001", UserID: partnerAccount, VPCPeeringConnectionID: fmt.Sprintf("pcx-0%016x", v+1), PeeringStatus: "active"}}
		}))
		group("corp", with(tcp(443, 443), func(p *fakeaws.SGPermission) { p.PrefixLists = []string{"bench-corp"} }))
		group("vpn", with(tcp(0, 65535), func(p *fakeaws.SGPermission) { p.PrefixLists = []string{"bench-vpn"} }))
		group("cf-origin", with(tcp(443, 443), func(p *fakeaws.SGPermission) { p.PrefixLists = []string{cfOriginList} }))
		group("app", with(tcp(8080, 8080), func(p *fakeaws.SGPermission) {
			p.Groups = []fakeaws.SGGroupPair{{Group: "alb"}, {Group: "alb-internal"}}
			p.CIDRs = []string{fmt.Sprintf("10.%d.0.0/16", vpcOctet(s, v))}
		}))
	}
	g.Resources[string(graph.KindSecurityGroup)] += 9 * s.vpcCount()
	if s.vpcCount() == 0 {
		return
	}
	named := map[int]bool{}
	for k := range s.SecurityGroups {
		v := s.vpcOf(k)
		perm := with(tcp(8000, 8099), func(p *fakeaws.SGPermission) { p.CIDRs = []string{privateCIDR} })
		if (k/len(s.Regions))%2 == 0 && s.PrefixLists >= len(s.Regions) {
			p := sameRegion(s, k, s.PrefixLists)
			perm.PrefixLists = []string{fmt.Sprintf("bench-pl-%04d", p)}
			named[p] = true
		}
		a.EC2.SecurityGroups = append(a.EC2.SecurityGroups, &fakeaws.SecurityGroup{Name: fmt.Sprintf("bench-sg-%05d", k), Region: s.region(v), VPC: vpcName(v),
			Description: "unused", Ingress: []fakeaws.SGPermission{perm}})
	}
	g.Resources[string(graph.KindSecurityGroup)] += s.SecurityGroups
	g.Resources[string(graph.KindPrefixList)] += len(named)
}

func with(p fakeaws.SGPermission, f func(*fakeaws.SGPermission)) fakeaws.SGPermission {
	f(&p)
	return p
}

func (g *generated) instances(s scenario, a *fakeaws.Account, st *netState) {
	profiles := (s.Roles + 19) / 20
	for i := range s.Instances {
		v := s.vpcOf(i)
		region := s.region(i)
		in := &fakeaws.Instance{ID: instanceID(i), Region: region, LaunchTime: created, InstanceType: "t3.micro",
			Tags: map[string]string{"Name": fmt.Sprintf("bench-instance-%05d", i)}}
		public := true
		var sgs []string
		switch p := s.plant(i); {
		case p == plantPublic:
			sgs = []string{"web"}
		case p == plantCross:
			sgs = []string{"partner", "ssh"}
		case p == plantThird:
			sgs = []string{"corp"}
		case p == plantFourth:
			sgs = []string{"cf-origin"}
		case i%10 == 4:
			sgs = []string{"ssh"}
		case i%10 == 5:
			sgs = []string{"app"}
		default:
			public = false
			sgs = []string{[]string{"app", "web", "vpn"}[i%3]}
		}
		half := "a"
		if (i/len(s.Regions))%2 == 1 {
			half = "b"
		}
		subnet := "private-" + half
		if public {
			subnet = "public-" + half
			in.PublicIP = fmt.Sprintf("52.%d.%d.%d", ((i+1)>>16)&255, ((i+1)>>8)&255, (i+1)&255)
		}
		in.Subnet = subnetName(v, subnet)
		switch {
		case i%100 == 99 && !public:
			in.State, sgs = "terminated", nil
		case i%100 == 49 && !public:
			in.State = "stopped"
		}
		if in.State != "terminated" {
			in.PrivateIP = hostIP(s, v, subnet, st.used[in.Subnet])
			st.used[in.Subnet]++
			g.Resources[string(graph.KindEC2Instance)]++
		}
		in.SecurityGroups = sgs
		in.MetadataOptions = &fakeaws.MetadataOptions{HTTPTokens: "required"}
		if i%4 == 0 {
			in.MetadataOptions.HTTPTokens = "optional" // IMDSv1
		}
		if i%3 == 0 && profiles > 0 {
			in.IAMInstanceProfile = profileName((i / 3) % profiles)
		}
		if public {
			g.plantEntryIf(s, i, graph.InstanceARN(region, benchAccount, in.ID))
		} else if in.State == "" {
			st.targets[v] = append(st.targets[v], vpcInstance{in.ID, in.PrivateIP})
		}
		a.EC2.Instances = append(a.EC2.Instances, in)
	}
}

// plantEntryIf plants instance i's way in when it is one of the planted
// exposures.
func (g *generated) plantEntryIf(s scenario, i int, arn string) {
	if p := s.plant(i); p >= plantPublic && p <= plantFourth {
		g.plantEntry(arn, graph.ViaSecurityGroup.String())
	}
}

func profileName(q int) string { return fmt.Sprintf("bench-profile-%05d", q) }

func (g *generated) launchTemplates(s scenario, a *fakeaws.Account) {
	profiles := (s.Roles + 19) / 20
	for j := range s.LaunchTemplates {
		lt := &fakeaws.LaunchTemplate{Name: fmt.Sprintf("bench-lt-%05d", j), Region: s.region(j), Created: created, DefaultVersion: 1}
		versions := 1
		if j%3 == 0 {
			versions = 2
		}
		for k := range versions {
			d := fakeaws.LaunchTemplateData{ImageID: fmt.Sprintf("ami-0%016x", j+1), InstanceType: "t3.small",
				MetadataOptions: &fakeaws.MetadataOptions{HTTPTokens: "required"}}
			if j%4 == 0 && k == 0 {
				d.MetadataOptions.HTTPTokens = "optional" // IMDSv1 in the default version
			}
			if j%2 == 0 && profiles > 0 {
				d.IAMInstanceProfile = &fakeaws.LTInstanceProfile{Name: profileName(j % profiles)}
			}
			lt.Versions = append(lt.Versions, &fakeaws.LaunchTemplateVersion{Created: created, Data: d})
		}
		a.EC2.LaunchTemplates = append(a.EC2.LaunchTemplates, lt)
	}
	g.Resources[string(graph.KindLaunchTemplate)] = s.LaunchTemplates
}

package graph

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPortSetArithmeticAndRendering(t *testing.T) {
	web := Ports("tcp", 80, 80).Union(Ports("6", 443, 443)).Union(Ports("tcp", 81, 90))
	if got := web.Strings(); !slices.Equal(got, []string{"tcp/80-90", "tcp/443"}) {
		t.Errorf("union = %v", got)
	}
	if got := AllPorts().Minus(Ports("tcp", 22, 22)).Strings(); !slices.Equal(got, []string{"tcp/0-21", "tcp/23-65535", "udp/all", "icmp", "icmpv6", "other protocols"}) {
		t.Errorf("all minus ssh = %v", got)
	}
	if got := Ports("-1", 5, 6).Strings(); !slices.Equal(got, []string{"all"}) {
		t.Errorf("protocol -1 = %v, want every port whatever the range says", got)
	}
	if got := Ports("tcp", -1, -1).Intersect(Ports("tcp", 8000, 8999)).Strings(); !slices.Equal(got, []string{"tcp/8000-8999"}) {
		t.Errorf("intersect = %v", got)
	}
	if !Ports("udp", 53, 53).Intersect(Ports("tcp", 53, 53)).Empty() {
		t.Error("udp and tcp ports intersect")
	}
}

// VPC User Guide, "Control subnet traffic with network access control
// lists": rules are evaluated lowest number first, the first match decides,
// and the "*" rule denies what no rule matched.
func TestEvalACLIsOrderedAndFirstMatchWins(t *testing.T) {
	rules := []ACLRule{
		{Number: 32767, Protocol: "-1", CIDR: "0.0.0.0/0"},
		{Number: 100, Protocol: "-1", Allow: true, CIDR: "0.0.0.0/0"},
		{Number: 90, Protocol: "6", CIDR: "0.0.0.0/0", FromPort: 22, ToPort: 22},
		{Number: 80, Protocol: "6", Allow: true, CIDR: "203.0.113.0/24", FromPort: 22, ToPort: 22},
		{Number: 100, Protocol: "-1", Allow: true, CIDR: "::/0"},
	}
	internet := netip.MustParsePrefix("0.0.0.0/0")
	v := evalACL(rules, internet, Ports("tcp", 0, 65535))
	if got := v.Whole.Strings(); !slices.Equal(got, []string{"tcp/0-21", "tcp/23-65535"}) {
		t.Errorf("whole = %v, want every port but 22", got)
	}
	if len(v.Parts) != 1 || v.Parts[0].CIDR != "203.0.113.0/24" || v.Parts[0].Ports.String() != "tcp/22" {
		t.Errorf("parts = %+v, want tcp/22 from 203.0.113.0/24 only (rule 80 comes before the deny)", v.Parts)
	}
	if len(v.Denied) != 1 || v.Denied[0].Number != 90 {
		t.Errorf("denied by %+v, want rule 90", v.Denied)
	}
	office := netip.MustParsePrefix("203.0.113.0/24")
	if v := evalACL(rules, office, Ports("tcp", 22, 22)); v.Whole.String() != "tcp/22" {
		t.Errorf("from the office: %v, want tcp/22 (rule 80 holds all of it)", v.Whole)
	}
	if v := evalACL(rules[:1], internet, Ports("tcp", 443, 443)); !v.Whole.Empty() || len(v.Denied) != 1 {
		t.Errorf("only the * rule: %+v, want everything denied", v)
	}
	if v := evalACL(rules, netip.MustParsePrefix("::/0"), Ports("tcp", 22, 22)); v.Whole.String() != "tcp/22" {
		t.Errorf("IPv6: %v, want the IPv6 rule to decide (IPv4 rules never match IPv6)", v.Whole)
	}
}

const (
	region   = "us-east-1"
	instARN  = "arn:aws:ec2:us-east-1:123456789012:instance/i-0web"
	roleWeb  = "arn:aws:iam::123456789012:role/web-role"
	profWeb  = "arn:aws:iam::123456789012:instance-profile/web-profile"
	lbARN    = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/public/1111"
	lisARN   = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/public/1111/2222"
	partner  = "111122223333"
	allowAll = 100
)

func sg(id string, rules ...IngressRule) Node {
	return Node{ID: SecurityGroupARN(region, owner, id), Kind: KindSecurityGroup, Account: owner, Region: region,
		Attrs: &SecurityGroup{GroupID: id, IngressKnown: True, Ingress: rules}}
}

// publicSubnet routes 0.0.0.0/0 and ::/0 to an internet gateway; its ACL
// is the rules given, then the "*" rules.
func subnetNode(id string, internet bool, acl ...ACLRule) Node {
	s := &Subnet{SubnetID: id, VPCID: "vpc-1", RouteTable: "rtb-" + id, RoutesKnown: True, NetworkACL: "acl-" + id, ACLKnown: True}
	if internet {
		s.InternetRoutes, s.Gateway = []string{"0.0.0.0/0", "::/0"}, "igw-1"
	}
	if len(acl) == 0 {
		acl = []ACLRule{{Number: allowAll, Protocol: "-1", Allow: true, CIDR: "0.0.0.0/0"}, {Number: allowAll, Protocol: "-1", Allow: true, CIDR: "::/0"}}
	}
	s.Inbound = append(acl, ACLRule{Number: 32767, Protocol: "-1", CIDR: "0.0.0.0/0"}, ACLRule{Number: 32768, Protocol: "-1", CIDR: "::/0"})
	return Node{ID: SubnetARN(region, owner, id), Kind: KindSubnet, Account: owner, Region: region, Attrs: s}
}

func instance(publicIP string, groups ...string) Node {
	return Node{ID: instARN, Kind: KindEC2Instance, Name: "web", Account: owner, Region: region, Attrs: &EC2Instance{
		InstanceID: "i-0web", State: "running", VPCID: "vpc-1",
		IMDS:       IMDSOptions{Known: True, HTTPTokens: "optional", HopLimit: 1, HTTPEndpoint: "enabled"},
		Interfaces: []NetworkInterface{{ID: "eni-1", SubnetID: "subnet-a", PrivateIPs: []string{"10.0.1.10"}, PublicIP: publicIP, SecurityGroups: groups}},
	}}
}

// connects lists the can-connect edges as "from via exposure ports (certainty)".
func connects(g *Graph) []string {
	var out []string
	for _, e := range g.Edges {
		if e.Kind == EdgeCanConnect {
			out = append(out, fmt.Sprintf("%s %s %s %s (%s)", e.From, e.Via, e.Exposure, strings.Join(e.Actions, ","), e.Certainty))
		}
	}
	return out
}

func notes(g *Graph) []string {
	var out []string
	for _, n := range g.Notes {
		out = append(out, string(n.Kind)+": "+n.Detail)
	}
	return out
}

// EC2 User Guide, "Security group rules" and VPC User Guide, "Internet
// gateways" and "Network ACLs": what reaches an instance from outside.
func TestInstanceReachability(t *testing.T) {
	open := IngressRule{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"0.0.0.0/0", "::/0"}}
	ssh := IngressRule{Protocol: "tcp", FromPort: 22, ToPort: 22, CIDRs: []string{"0.0.0.0/0"}, Description: "ssh"}
	denySSH := ACLRule{Number: 90, Protocol: "6", CIDR: "0.0.0.0/0", FromPort: 22, ToPort: 22}
	allow := ACLRule{Number: 100, Protocol: "-1", Allow: true, CIDR: "0.0.0.0/0"}
	cases := []struct {
		name      string
		nodes     []Node
		want      []string
		wantNotes []string
	}{
		{"a public address, an internet route and 0.0.0.0/0 on 443 make it public on 443",
			[]Node{instance("203.0.113.10", "sg-web"), sg("sg-web", open), subnetNode("subnet-a", true)},
			[]string{"internet security-group public tcp/443 (true)"}, nil},
		{"a network ACL deny before the allow keeps SSH out: a note, no edge for 22",
			[]Node{instance("203.0.113.10", "sg-web"), sg("sg-web", open, ssh), subnetNode("subnet-a", true, denySSH, allow)},
			[]string{"internet security-group public tcp/443 (true)"},
			[]string{"unreachable: instance web: security group sg-web admits tcp/22 from 0.0.0.0/0 (ssh), but network ACL acl-subnet-a of subnet subnet-a denies tcp/22 from 0.0.0.0/0 (rule 90 denies tcp/22 from 0.0.0.0/0): not a way in on tcp/22"}},
		{"no route to an internet gateway: the public address is unreachable",
			[]Node{instance("203.0.113.10", "sg-web"), sg("sg-web", open), subnetNode("subnet-a", false)},
			nil,
			[]string{"unreachable: instance web: security group sg-web admits tcp/443 from 0.0.0.0/0, but subnet(s) subnet-a route no 0.0.0.0/0 to an internet gateway: not reachable from there"}},
		{"no public address: the internet rule admits nobody from outside, another account's group still does",
			[]Node{instance("", "sg-web"), sg("sg-web", open, IngressRule{Protocol: "tcp", FromPort: 5432, ToPort: 5432, Groups: []GroupRef{{GroupID: "sg-peer", Account: partner, PeeringConnection: "pcx-1"}}}), subnetNode("subnet-a", true)},
			[]string{"account:111122223333 security-group cross-account tcp/5432 (true)"}, nil},
		{"a fixed public range is any principal from that network; a private one is no way in",
			[]Node{instance("203.0.113.10", "sg-web"), sg("sg-web", IngressRule{Protocol: "tcp", FromPort: 22, ToPort: 22, CIDRs: []string{"198.51.100.0/24", "10.0.0.0/8"}}), subnetNode("subnet-a", true)},
			[]string{"aws:any-account security-group cross-account tcp/22 (true)"}, nil},
		{"a security group that could not be read leaves an internet edge of unknown certainty",
			[]Node{instance("203.0.113.10", "sg-denied"), subnetNode("subnet-a", true)},
			[]string{"internet security-group public all (unknown)"},
			[]string{"unknown-exposure: security group(s) sg-denied of instance web could not be read (ec2:DescribeSecurityGroups); whom they admit is unknown"}},
		{"routes and ACLs that could not be read leave the edge unknown, never absent",
			[]Node{instance("203.0.113.10", "sg-web"), sg("sg-web", open)},
			[]string{"internet security-group public tcp/443 (unknown)"}, nil},
		{"a prefix list whose entries were read admits its entries; an AWS-managed one its service's network",
			[]Node{instance("203.0.113.10", "sg-web"), sg("sg-web", IngressRule{Protocol: "tcp", FromPort: 80, ToPort: 80, PrefixLists: []string{"pl-corp", "pl-cf"}}), subnetNode("subnet-a", true),
				{ID: PrefixListARN(region, owner, "pl-corp"), Kind: KindPrefixList, Account: owner, Region: region, Attrs: &PrefixList{ID: "pl-corp", EntriesKnown: True, Entries: []string{"0.0.0.0/0"}}},
				{ID: PrefixListARN(region, owner, "pl-cf"), Kind: KindPrefixList, Account: owner, Region: region, Attrs: &PrefixList{ID: "pl-cf", Owner: "AWS", Name: "com.amazonaws.global.cloudfront.origin-facing", EntriesKnown: False}}},
			[]string{"aws:any-account security-group cross-account tcp/80 (true)", "internet security-group public tcp/80 (true)"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := Resolve(snapshotOf(c.nodes...))
			got := connects(g)
			slices.Sort(got)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("edges (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.wantNotes, notes(g)); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInstanceProfileRoleIsTheInstancesRole(t *testing.T) {
	role := Node{ID: roleWeb, Kind: KindIAMRole, Account: owner, Attrs: &IAMRole{InstanceProfiles: []string{profWeb}, TrustPolicy: Absent("iam")}}
	withProfile := func() Node {
		n := instance("")
		n.Instance().InstanceProfile = profWeb
		return n
	}
	g := Resolve(snapshotOf(withProfile(), role))
	var got []string
	for _, e := range g.Edges {
		if e.Kind == EdgeExecutesAs {
			got = append(got, fmt.Sprintf("%s -%s/%s-> %s (%s)", e.From, e.Kind, e.Via, e.To, e.Certainty))
		}
	}
	if want := []string{instARN + " -executes-as/instance-profile-> " + roleWeb + " (true)"}; !slices.Equal(got, want) {
		t.Errorf("edges = %v, want %v", got, want)
	}
	off := withProfile()
	off.Instance().IMDS.HTTPEndpoint = "disabled"
	g = Resolve(snapshotOf(off, role))
	for _, e := range g.Edges {
		if e.Kind == EdgeExecutesAs && e.Certainty != False {
			t.Errorf("metadata endpoint disabled: edge certainty %v, want false (no credentials reach the instance)", e.Certainty)
		}
	}
	g = Resolve(snapshotOf(withProfile()))
	if n := notes(g); len(n) != 1 || !strings.Contains(n[0], "roles were not read") {
		t.Errorf("notes without IAM = %v, want the role unknown", n)
	}
	if exposed, ok := off.SSRFCredentials(); !ok || exposed != False {
		t.Errorf("SSRFCredentials of a disabled endpoint = %v, %v", exposed, ok)
	}
	v1 := instance("")
	if exposed, ok := v1.SSRFCredentials(); !ok || exposed != True {
		t.Errorf("SSRFCredentials of IMDSv1 = %v, %v", exposed, ok)
	}
	f := fn("")
	if _, ok := f.SSRFCredentials(); ok {
		t.Error("a Lambda function has no instance metadata service")
	}
}

func loadBalancer(typ, scheme string, groups ...string) Node {
	return Node{ID: lbARN, Kind: KindLoadBalancer, Name: "public", Account: owner, Region: region, Attrs: &LoadBalancer{
		Name: "public", Type: typ, Scheme: scheme, DNSName: "public-1.us-east-1.elb.amazonaws.com", State: "active", VPCID: "vpc-1",
		Subnets: []string{"subnet-a", "subnet-b"}, SecurityGroups: groups, IPAddressType: "ipv4"}}
}

func listener(protocol string, port int, rules ...ListenerRule) Node {
	return Node{ID: lisARN, Kind: KindListener, Account: owner, Region: region, Attrs: &Listener{
		LoadBalancer: lbARN, Port: port, Protocol: protocol, RulesKnown: True, Rules: rules}}
}

// Elastic Load Balancing User Guide: "Security groups for your Application
// Load Balancer", "Security groups for your Network Load Balancer",
// "Authenticate users using an Application Load Balancer" and "Listeners
// for your Application Load Balancers" (redirect actions).
func TestListenerReachability(t *testing.T) {
	https := IngressRule{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"0.0.0.0/0"}}
	forward := ListenerRule{Priority: "default", Action: "forward", TargetGroups: []string{"tg"}}
	oidc := ListenerRule{Priority: "default", Action: "forward", TargetGroups: []string{"tg"}, Authenticate: "authenticate-oidc https://idp.example.com", OnUnauthenticated: "authenticate"}
	cases := []struct {
		name      string
		nodes     []Node
		want      []string
		wantNotes []string
	}{
		{"an internet-facing ALB whose group admits 443 is public on its listener",
			[]Node{loadBalancer("application", "internet-facing", "sg-alb"), listener("HTTPS", 443, forward), sg("sg-alb", https), subnetNode("subnet-a", true), subnetNode("subnet-b", true)},
			[]string{"internet listener public tcp/443 () (true)"}, nil},
		{"an internal ALB is no way in",
			[]Node{loadBalancer("application", "internal", "sg-alb"), listener("HTTPS", 443, forward), sg("sg-alb", https), subnetNode("subnet-a", true)},
			nil, nil},
		{"every route behind authenticate-oidc: the listener-authenticated way in, with its identity provider",
			[]Node{loadBalancer("application", "internet-facing", "sg-alb"), listener("HTTPS", 443, oidc), sg("sg-alb", https), subnetNode("subnet-a", true), subnetNode("subnet-b", true)},
			[]string{"internet listener-authenticated public tcp/443 (authenticate-oidc https://idp.example.com) (true)"}, nil},
		{"on-unauthenticated allow lets anonymous requests through: no authorizer",
			[]Node{loadBalancer("application", "internet-facing", "sg-alb"), listener("HTTPS", 443, ListenerRule{Priority: "default", Action: "forward", Authenticate: "authenticate-oidc https://idp.example.com", OnUnauthenticated: "allow"}), sg("sg-alb", https), subnetNode("subnet-a", true)},
			[]string{"internet listener public tcp/443 () (true)"}, nil},
		{"a Network Load Balancer without security groups admits everyone on its port",
			[]Node{loadBalancer("network", "internet-facing"), listener("TCP", 5432, forward), subnetNode("subnet-a", true), subnetNode("subnet-b", true)},
			[]string{"internet listener public tcp/5432 () (true)"}, nil},
		{"the group admits only 443: nothing reaches the listener on 80",
			[]Node{loadBalancer("application", "internet-facing", "sg-alb"), listener("HTTP", 80, forward), sg("sg-alb", https), subnetNode("subnet-a", true)},
			nil, nil},
		{"a listener that only redirects leads nowhere",
			[]Node{loadBalancer("application", "internet-facing", "sg-alb"), listener("HTTP", 80, ListenerRule{Priority: "default", Action: "redirect", Redirect: "HTTPS:443"}), sg("sg-alb", https)},
			nil, []string{"unreachable: listener HTTP:80 of public only redirects or answers fixed responses (redirect to HTTPS:443): no request reaches a target through it"}},
		{"one zone's subnet routes to the internet: the listener is reached there",
			[]Node{loadBalancer("application", "internet-facing", "sg-alb"), listener("HTTPS", 443, forward), sg("sg-alb", https), subnetNode("subnet-a", false), subnetNode("subnet-b", true)},
			[]string{"internet listener public tcp/443 () (true)"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := Resolve(snapshotOf(c.nodes...))
			var got []string
			for _, e := range g.Edges {
				if e.Kind == EdgeCanConnect {
					got = append(got, fmt.Sprintf("%s %s %s %s (%s) (%s)", e.From, e.Via, e.Exposure, strings.Join(e.Actions, ","), e.Authorizer(), e.Certainty))
				}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("edges (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.wantNotes, notes(g)); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
		})
	}
}

// IAM User Guide, "AWS global condition context keys"
// (aws:ec2InstanceSourceVPC): a bucket policy that denies requests from
// outside the instance's VPC makes stolen instance credentials useless
// elsewhere.
func TestBoundToVPC(t *testing.T) {
	bucket := func(policyText string) Node {
		d := Absent("s3:GetBucketPolicy")
		if policyText != "" {
			d = doc(policyText)
		}
		return Node{ID: "arn:aws:s3:::data", Kind: KindS3Bucket, Name: "data", Account: owner, Attrs: &S3Bucket{Policy: d}}
	}
	read := Edge{From: roleWeb, To: "arn:aws:s3:::data", Kind: EdgeCanRead, Via: ViaIdentityPolicy, Actions: []string{"s3:GetObject"}}
	const bound = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"],"Condition":{"StringNotEquals":{"aws:ec2InstanceSourceVPC":"${aws:SourceVpc}"},"Null":{"ec2:SourceInstanceARN":"false"}}}]}`
	const pinned = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"],"Condition":{"StringNotEquals":{"aws:ec2InstanceSourceVPC":"vpc-1"}}}]}`
	const sourceVpc = `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Condition":{"StringNotEquals":{"aws:SourceVpc":"vpc-1"}}}]}`
	const tls = `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::data/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	cases := []struct {
		name string
		node Node
		edge Edge
		want Tri
	}{
		{"no bucket policy", bucket(""), read, False},
		{"a Deny unless aws:SourceVpc", bucket(sourceVpc), read, True},
		{"a Deny unless the instance's VPC is the request's (aws:ec2InstanceSourceVPC against ${aws:SourceVpc})", bucket(bound), read, True},
		{"pinning aws:ec2InstanceSourceVPC alone binds nothing: stolen credentials carry their VPC wherever used", bucket(pinned), read, False},
		{"a TLS-only Deny binds nothing to a network", bucket(tls), read, False},
		{"an unreadable bucket policy", Node{ID: "arn:aws:s3:::data", Kind: KindS3Bucket, Account: owner, Attrs: &S3Bucket{Policy: Hidden("s3:GetBucketPolicy")}}, read, Unknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := Resolve(snapshotOf(c.node))
			e := c.edge
			inst := instance("")
			got, why := g.BoundToVPC(&e, &inst)
			if got != c.want {
				t.Errorf("BoundToVPC = %v (%s), want %v", got, why, c.want)
			}
		})
	}
}

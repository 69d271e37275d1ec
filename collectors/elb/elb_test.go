package elb_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/ec2"
	"github.com/trustmap/trustmap/collectors/elb"
	"github.com/trustmap/trustmap/graph"
)

var usEast1 = collectortest.Options{Regions: []string{"us-east-1"}}

func classicFixture(lbs, faults string) string {
	return `accounts:
  - id: "123456789012"
    access_keys: [AKIATEST000000000001]
    regions: [us-east-1]
    ec2:
      vpcs: [{name: main, cidr_block: 10.0.0.0/16}]
      subnets:
        - {name: a, vpc: main, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
        - {name: b, vpc: main, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
      internet_gateways: [{name: igw, vpc: main}]
      route_tables: [{name: public, vpc: main, subnets: [a, b], routes: [{destination: 0.0.0.0/0, gateway: igw}]}]
      security_groups:
        - {name: web, vpc: main, ingress: [{protocol: tcp, from_port: 443, to_port: 443, cidrs: [0.0.0.0/0]}]}
      instances: [{name: web-1, subnet: a, security_groups: [web], tags: {Name: web-1}}]
    elb:
      load_balancers:
` + lbs + "\n" + faults
}

func TestOneListingReadsEveryLoadBalancerWithItsListenersAndInstances(t *testing.T) {
	var sb strings.Builder
	const n = 401
	for i := range n {
		fmt.Fprintf(&sb, "        - {name: clb-%03d, subnets: [a, b], security_groups: [web], listeners: [{protocol: HTTP, load_balancer_port: 80, instance_port: 80}], instances: [web-1]}\n", i)
	}
	scan := collectortest.Run(t, classicFixture(sb.String(), ""), usEast1, elb.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	want := map[string]int64{"sts:GetCallerIdentity": 1, "ec2:DescribeRegions": 1, "elasticloadbalancing:DescribeLoadBalancers": 2}
	if diff := cmp.Diff(want, scan.Server.Stats().Calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	count := map[graph.Kind]int{}
	for _, nd := range scan.Snapshot.Nodes {
		count[nd.Kind]++
	}
	if count[graph.KindLoadBalancer] != n || count[graph.KindListener] != n {
		t.Errorf("nodes = %v", count)
	}
}

// Elastic Load Balancing Classic guide, "Internet-facing Classic Load
// Balancers" and "Create an internal Classic Load Balancer": the
// internet-facing one is a way in on its listener port, its instances
// behind it; the internal one is not.
func TestClassicLoadBalancers_InternetFacingIsAWayInInternalIsNot(t *testing.T) {
	lbs := `        - {name: public-clb, subnets: [a, b], security_groups: [web], listeners: [{protocol: HTTPS, load_balancer_port: 443, instance_protocol: HTTP, instance_port: 80, ssl_certificate_id: "arn:aws:iam::123456789012:server-certificate/x"}], instances: [web-1]}
        - {name: private-clb, scheme: internal, subnets: [a, b], security_groups: [web], listeners: [{protocol: HTTP, load_balancer_port: 443, instance_port: 80}], instances: [web-1]}`
	scan := collectortest.Run(t, classicFixture(lbs, ""), usEast1, elb.New(), ec2.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	g := graph.Resolve(scan.Snapshot)
	var got []string
	for _, e := range g.Edges {
		if n, _ := g.Node(e.To); e.Kind == graph.EdgeCanConnect && n.Kind == graph.KindListener {
			got = append(got, fmt.Sprintf("%s -%s/%s-> %s", e.From, e.Exposure, strings.Join(e.Actions, ","), n.Name))
		}
	}
	if want := []string{"internet -public/tcp/443-> public-clb HTTPS:443"}; !cmp.Equal(want, got) {
		t.Errorf("entry edges = %v, want %v", got, want)
	}
	var routes []string
	for _, e := range g.Edges {
		if e.Kind == graph.EdgeRoutesTo && e.Via == graph.ViaListenerRule {
			from, _ := g.Node(e.From)
			to, _ := g.Node(e.To)
			routes = append(routes, from.Name+" -> "+to.Name)
		}
	}
	if want := []string{"private-clb HTTP:443 -> web-1", "public-clb HTTPS:443 -> web-1"}; !cmp.Equal(want, routes) {
		t.Errorf("routes = %v, want %v", routes, want)
	}
	pub, _ := g.Node(graph.ClassicLoadBalancerARN("us-east-1", "123456789012", "public-clb"))
	if lb := pub.LoadBalancer(); lb.Type != "classic" || lb.Scheme != "internet-facing" || !strings.HasPrefix(lb.DNSName, "public-clb-") {
		t.Errorf("public-clb = %+v", lb)
	}
}

func TestDeniedListingIsAGap(t *testing.T) {
	scan := collectortest.Run(t, classicFixture("        - {name: clb, subnets: [a, b], listeners: [{protocol: HTTP, load_balancer_port: 80, instance_port: 80}]}",
		"faults:\n  - {service: elasticloadbalancing, api: DescribeLoadBalancers, error: AccessDenied}"), usEast1, elb.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	gaps := scan.Gaps("DescribeLoadBalancers")
	if len(gaps) != 1 || gaps[0].Status != graph.GapDenied || gaps[0].Service != "elb" {
		t.Errorf("gaps = %+v, want one denied elb gap", gaps)
	}
}

func TestThrottledListingIsRetried(t *testing.T) {
	scan := collectortest.Run(t, classicFixture("        - {name: clb, subnets: [a, b], listeners: [{protocol: HTTP, load_balancer_port: 80, instance_port: 80}]}",
		"faults:\n  - {service: elasticloadbalancing, api: DescribeLoadBalancers, error: Throttling, count: 2}"), usEast1, elb.New())
	if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 || scan.Stats.Retries.Load() != 2 {
		t.Fatalf("scan: %v, coverage %+v, retries %d; want two retries and no gap", scan.Err, scan.Snapshot.Coverage, scan.Stats.Retries.Load())
	}
}

// network.yaml's legacy-elb is a way in to web-1 (whose own group admits
// nothing the subnet's ACL lets through).
func TestNetworkFixtureLegacyELB(t *testing.T) {
	data, err := os.ReadFile("../../testdata/accounts/network.yaml")
	if err != nil {
		t.Fatal(err)
	}
	scan := collectortest.Run(t, string(data), usEast1, elb.New())
	n := scan.Node(t, graph.ClassicLoadBalancerARN("us-east-1", "123456789012", "legacy-elb"))
	if len(n.LoadBalancer().Instances) != 1 || len(n.LoadBalancer().SecurityGroups) != 1 {
		t.Errorf("legacy-elb = %+v", n.LoadBalancer())
	}
}

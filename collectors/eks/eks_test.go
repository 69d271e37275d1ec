package eks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/eks"
	"github.com/trustmap/trustmap/graph"
)

const account = `
accounts:
  - id: "123456789012"
    access_keys: [AKIATEST000000000001]
    regions: [us-east-1, eu-west-1]
%s
%s
`

func fixture(sections, extra string) string {
	return fmt.Sprintf(account, collectortest.Indent(sections, "    "), extra)
}

const (
	cluster  = "arn:aws:eks:us-east-1:123456789012:cluster/"
	clusters = `eks:
  clusters:
    - {name: prod, region: us-east-1, role_arn: "arn:aws:iam::123456789012:role/eks"}
    - {name: office, region: us-east-1, endpoint_private_access: true, public_access_cidrs: [203.0.113.0/24, 198.51.100.7/32]}
    - {name: private, region: us-east-1, endpoint_public_access: false, endpoint_private_access: true}`
)

// EKS User Guide, "Cluster API server endpoint": the public endpoint is on
// by default and open to 0.0.0.0/0; publicAccessCidrs limits it to those
// ranges; with only the private endpoint, nothing outside the VPC reaches
// the API server.
func TestClusterAPIServerEndpoint(t *testing.T) {
	scan := collectortest.Run(t, fixture(clusters, ""), collectortest.Options{}, eks.New())
	if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 {
		t.Fatalf("scan: %v, gaps %+v", scan.Err, scan.Snapshot.Coverage)
	}
	r := scan.Resolve(t)
	want := []string{
		"cross-account " + cluster + "office public-endpoint *",
		"public " + cluster + "prod public-endpoint *",
	}
	if diff := cmp.Diff(want, r.Lines()); diff != "" {
		t.Errorf("entry points (-want +got):\n%s", diff)
	}
	prod := r.EntryPoint(cluster+"prod", graph.ViaPublicEndpoint)
	if prod.Zones[0] != graph.ZoneInternet || cmp.Diff([]graph.EdgeKind{graph.EdgeCanConnect}, prod.Access) != "" || cmp.Diff([]string{"tcp/443"}, prod.Actions) != "" {
		t.Errorf("prod: %+v", prod)
	}
	office := r.EntryPoint(cluster+"office", graph.ViaPublicEndpoint)
	if !strings.Contains(strings.Join(office.Evidence.Conditions, "; "), "only from 203.0.113.0/24, 198.51.100.7/32") {
		t.Errorf("office conditions %q do not name the CIDRs", office.Evidence.Conditions)
	}
	if p := scan.Node(t, cluster+"private").EKS(); p.PublicAccess || !p.PrivateAccess {
		t.Errorf("private cluster %+v", p)
	}
}

func TestListClustersOverSeveralPagesSeesEveryClusterOnce(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("eks:\n  clusters:\n")
	for i := range 120 {
		fmt.Fprintf(&sb, "    - {name: c%03d, region: eu-west-1, endpoint_public_access: false, endpoint_private_access: true}\n", i)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: []string{"eu-west-1"}}, eks.New())
	n := 0
	for _, node := range scan.Snapshot.Nodes {
		if node.Kind == graph.KindEKSCluster {
			n++
		}
	}
	calls := scan.Server.Stats().Calls
	if n != 120 || calls["eks:ListClusters"] != 2 || calls["eks:DescribeCluster"] != 120 {
		t.Errorf("clusters %d, calls %v: want 120 clusters from 2 pages", n, calls)
	}
}

func TestADeniedDescribeIsAGap(t *testing.T) {
	scan := collectortest.Run(t, fixture(clusters, `faults:
  - {service: eks, api: DescribeCluster, resource: prod, error: AccessDenied}`), collectortest.Options{Regions: []string{"us-east-1"}}, eks.New())
	if gaps := scan.Gaps("DescribeCluster"); len(gaps) != 1 || gaps[0].Status != graph.GapDenied || gaps[0].Resource != "prod" {
		t.Errorf("gaps = %+v, want one denied gap for prod", gaps)
	}
	for _, n := range scan.Snapshot.Nodes {
		if n.ID == cluster+"prod" {
			t.Errorf("a cluster whose description was denied has a node: %+v (its endpoint settings are unknown)", n)
		}
	}
}

func TestThrottledCallsAreRetried(t *testing.T) {
	collectortest.Throttling{
		Fixture: func(faults string) string { return fixture(clusters, faults) },
		Options: collectortest.Options{Regions: []string{"us-east-1"}},
		New:     func() collectors.Collector { return eks.New() },
		Service: "eks", API: "ListClusters",
		Read: func(t testing.TB, s collectortest.Scan) { s.Node(t, cluster+"prod") },
	}.Test(t)
}

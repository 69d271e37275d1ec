package rds_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/rds"
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
	db       = "arn:aws:rds:us-east-1:123456789012:db:"
	sgPublic = "sg-0a1b2c3d4e5f60001"
	sgApp    = "sg-0a1b2c3d4e5f60002"
	world    = `rds:
  instances:
    - id: reporting
      region: us-east-1
      engine: postgres
      publicly_accessible: true
      vpc_security_groups: [` + sgPublic + `]
      subnet_group: {name: public, vpc_id: vpc-1, subnets: [{id: subnet-1, availability_zone: us-east-1a}]}
    - {id: ledger, region: us-east-1, engine: postgres, publicly_accessible: false, storage_encrypted: true, vpc_security_groups: [` + sgApp + `]}
    - {id: aurora-1, region: us-east-1, engine: aurora-postgresql, cluster: aurora, cluster_writer: true}
    - {id: aurora-2, region: us-east-1, engine: aurora-postgresql, cluster: aurora}
  clusters:
    - {id: aurora, region: us-east-1, engine: aurora-postgresql, vpc_security_groups: [` + sgApp + `]}
  snapshots:
    - {id: reporting-public, region: us-east-1, instance: reporting, restore: [all]}
    - {id: ledger-shared, region: us-east-1, instance: ledger, restore: ["111122223333"]}
    - {id: ledger-private, region: us-east-1, instance: ledger}
    - {id: "rds:ledger-2024-01-07", region: us-east-1, instance: ledger, type: automated}
  cluster_snapshots:
    - {id: aurora-shared, region: us-east-1, cluster: aurora, restore: ["111122223333"]}`
)

func TestInstancesClustersAndSnapshotsAreRead(t *testing.T) {
	scan := collectortest.Run(t, fixture(world, ""), collectortest.Options{}, rds.New())
	if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 {
		t.Fatalf("scan: %v, gaps %+v", scan.Err, scan.Snapshot.Coverage)
	}
	rep := scan.Node(t, db+"reporting").Database()
	if rep.PubliclyAccessible != graph.True || rep.Port != 5432 || !strings.HasPrefix(rep.Endpoint, "reporting.") ||
		cmp.Diff([]string{sgPublic}, rep.SecurityGroups) != "" || rep.VPCID != "vpc-1" {
		t.Errorf("reporting: %+v", rep)
	}
	if l := scan.Node(t, db+"ledger").Database(); l.PubliclyAccessible != graph.False || !l.StorageEncrypted {
		t.Errorf("ledger: %+v", l)
	}
	// Aurora decides PubliclyAccessible per instance: the cluster does not
	// report it, which is not "false".
	if c := scan.Node(t, "arn:aws:rds:us-east-1:123456789012:cluster:aurora").Database(); c.PubliclyAccessible != graph.Unknown {
		t.Errorf("aurora cluster PubliclyAccessible = %v, want unknown", c.PubliclyAccessible)
	}
	var members []string
	for _, e := range scan.Snapshot.Edges {
		if e.Kind == graph.EdgeContains {
			members = append(members, e.To)
		}
	}
	if diff := cmp.Diff([]string{db + "aurora-1", db + "aurora-2"}, members); diff != "" {
		t.Errorf("cluster members (-want +got):\n%s", diff)
	}
	var snaps []string
	for _, n := range scan.Snapshot.Nodes {
		if n.Snapshot() != nil {
			snaps = append(snaps, fmt.Sprintf("%s %s %s %v", n.Kind, n.Name, n.Snapshot().RestoreKnown, n.Snapshot().RestoreBy))
		}
	}
	want := []string{ // manual ones only: automated snapshots cannot be shared
		"RDSDBClusterSnapshot aurora-shared true [111122223333]",
		"RDSDBSnapshot ledger-private true []",
		"RDSDBSnapshot ledger-shared true [111122223333]",
		"RDSDBSnapshot reporting-public true [all]",
	}
	if diff := cmp.Diff(want, snaps); diff != "" {
		t.Errorf("snapshots (-want +got):\n%s", diff)
	}
}

// withGroups adds security-group nodes to a scanned snapshot, standing in
// for the EC2 collector.
func withGroups(snap *graph.Snapshot, groups ...*graph.SecurityGroup) {
	for _, g := range groups {
		g.IngressKnown = graph.True
		id := graph.SecurityGroupARN("us-east-1", "123456789012", g.GroupID)
		snap.Nodes = append(snap.Nodes, graph.Node{ID: id, Kind: graph.KindSecurityGroup, Name: g.GroupID, Account: "123456789012", Region: "us-east-1", Attrs: g})
	}
	graph.SortSnapshot(snap)
}

func rule(port int, cidrs ...string) graph.IngressRule {
	return graph.IngressRule{Protocol: "tcp", FromPort: port, ToPort: port, CIDRs: cidrs}
}

func TestRDSExposure(t *testing.T) {
	cases := []struct {
		name   string
		groups []*graph.SecurityGroup // nil: not collected
		eps    []string
		notes  []string
	}{
		{
			name:   "Controlling access with security groups: a publicly accessible instance whose group admits 0.0.0.0/0 on its port is public",
			groups: []*graph.SecurityGroup{{GroupID: sgPublic, Ingress: []graph.IngressRule{rule(5432, "0.0.0.0/0")}}},
			eps:    []string{"public " + db + "reporting public-endpoint *"},
		},
		{
			name: "Controlling access with security groups: another account's security group makes it cross-account",
			groups: []*graph.SecurityGroup{{GroupID: sgPublic, Ingress: []graph.IngressRule{{Protocol: "tcp", FromPort: 5432, ToPort: 5432,
				Groups: []graph.GroupRef{{GroupID: "sg-partner", Account: "111122223333"}}}}}},
			eps: []string{"cross-account " + db + "reporting public-endpoint 111122223333"},
		},
		{
			name:   "Controlling access with security groups: a fixed public range is cross-account, network-restricted",
			groups: []*graph.SecurityGroup{{GroupID: sgPublic, Ingress: []graph.IngressRule{rule(5432, "203.0.113.0/24")}}},
			eps:    []string{"cross-account " + db + "reporting public-endpoint *"},
		},
		{
			name:   "Working with a DB instance in a VPC: publicly accessible, but the group admits the internet on another port only, is not an entry point",
			groups: []*graph.SecurityGroup{{GroupID: sgPublic, Ingress: []graph.IngressRule{rule(22, "0.0.0.0/0"), rule(5432, "10.0.0.0/16")}}},
			notes:  []string{"unreachable: DB instance reporting is publicly accessible, but no security group admits the internet or another account on tcp/5432"},
		},
		{
			name:  "Working with a DB instance in a VPC: publicly accessible with a security group the scan did not collect is an unconfirmed public entry point",
			eps:   []string{"public " + db + "reporting public-endpoint * uncertain"},
			notes: []string{"unknown-exposure: DB instance reporting is publicly accessible, but security group(s) " + sgPublic + " were not collected"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			scan := collectortest.Run(t, fixture(world, ""), collectortest.Options{Regions: []string{"us-east-1"}}, rds.New())
			withGroups(scan.Snapshot, tc.groups...)
			r := scan.Resolve(t)
			var got []string
			for _, l := range r.Lines() {
				if strings.Contains(l, ":db:") {
					got = append(got, l)
				}
			}
			if diff := cmp.Diff(tc.eps, got); diff != "" {
				t.Errorf("DB instance entry points (-want +got):\n%s", diff)
			}
			notes := strings.Join(r.Notes(db+"reporting"), "\n")
			for _, n := range tc.notes {
				if !strings.Contains(notes, n) {
					t.Errorf("notes %q lack %q", notes, n)
				}
			}
			// Hiding a DB instance in a VPC from the internet: ledger is not
			// publicly accessible, whatever its groups admit.
			if ep := r.EntryPoint(db+"ledger", graph.ViaPublicEndpoint); ep != nil {
				t.Errorf("ledger (not publicly accessible) is an entry point: %+v", ep)
			}
		})
	}
}

// RDS User Guide, "Sharing a DB snapshot": restore "all" makes a manual
// snapshot public, an account id shares it with that account.
func TestSharingADBSnapshot(t *testing.T) {
	scan := collectortest.Run(t, fixture(world, ""), collectortest.Options{Regions: []string{"us-east-1"}}, rds.New())
	r := scan.Resolve(t)
	var got []string
	for _, l := range r.Lines() {
		if strings.Contains(l, "snapshot") {
			got = append(got, l)
		}
	}
	want := []string{
		"cross-account arn:aws:rds:us-east-1:123456789012:cluster-snapshot:aurora-shared snapshot-restore 111122223333",
		"cross-account arn:aws:rds:us-east-1:123456789012:snapshot:ledger-shared snapshot-restore 111122223333",
		"public arn:aws:rds:us-east-1:123456789012:snapshot:reporting-public snapshot-restore *",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("snapshot entry points (-want +got):\n%s", diff)
	}
	pub := r.EntryPoint("arn:aws:rds:us-east-1:123456789012:snapshot:reporting-public", graph.ViaSnapshotRestore)
	if !slices.Contains(pub.Zones, graph.ZoneAnyAWSAccount) || len(pub.Zones) != 1 {
		t.Errorf("public snapshot zones %v: restoring takes an AWS account, so anyone is any AWS account, not the anonymous internet", pub.Zones)
	}
}

func TestDescribeOverSeveralPagesSeesEverythingOnce(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("rds:\n  instances:\n")
	for i := range 230 {
		fmt.Fprintf(&sb, "    - {id: db-%03d, region: eu-west-1, engine: mysql}\n", i)
	}
	sb.WriteString("  snapshots:\n")
	for i := range 120 {
		fmt.Fprintf(&sb, "    - {id: snap-%03d, region: eu-west-1, instance: db-%03d}\n", i, i)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: []string{"eu-west-1"}}, rds.New())
	kinds := map[graph.Kind]int{}
	for _, n := range scan.Snapshot.Nodes {
		kinds[n.Kind]++
	}
	if kinds[graph.KindDBInstance] != 230 || kinds[graph.KindDBSnapshot] != 120 {
		t.Errorf("nodes %v: want 230 instances and 120 snapshots", kinds)
	}
	calls := scan.Server.Stats().Calls
	for api, want := range map[string]int64{"DescribeDBInstances": 3, "DescribeDBSnapshots": 2, "DescribeDBSnapshotAttributes": 120, "DescribeDBClusters": 1, "DescribeDBClusterSnapshots": 1} {
		if got := calls["rds:"+api]; got != want {
			t.Errorf("%s calls = %d, want %d", api, got, want)
		}
	}
}

func TestADeniedRestoreAttributeIsAGapAndAnUnknownExposure(t *testing.T) {
	scan := collectortest.Run(t, fixture(world, `faults:
  - {service: rds, api: DescribeDBSnapshotAttributes, resource: reporting-public, error: AccessDenied}
  - {service: rds, api: DescribeDBInstances, region: eu-west-1, error: AccessDenied}`), collectortest.Options{}, rds.New())
	n := scan.Node(t, "arn:aws:rds:us-east-1:123456789012:snapshot:reporting-public")
	if n.Snapshot().RestoreKnown != graph.Unknown || len(n.Snapshot().RestoreBy) != 0 {
		t.Errorf("snapshot %+v: want its restore attribute unknown (a denied read is not 'not shared')", n.Snapshot())
	}
	if gaps := scan.Gaps("DescribeDBSnapshotAttributes"); len(gaps) != 1 || gaps[0].Status != graph.GapDenied || gaps[0].Resource != "reporting-public" {
		t.Errorf("gaps = %+v", gaps)
	}
	if gaps := scan.Gaps("DescribeDBInstances"); len(gaps) != 1 || gaps[0].Region != "eu-west-1" {
		t.Errorf("gaps = %+v, want the denied region's listing", gaps)
	}
	r := scan.Resolve(t)
	if ep := r.EntryPoint(n.ID, graph.ViaSnapshotRestore); ep != nil {
		t.Errorf("entry point %+v claimed from an attribute the scan could not read", ep)
	}
	if notes := r.Notes(n.ID); len(notes) != 1 || !strings.HasPrefix(notes[0], "unknown-exposure:") {
		t.Errorf("notes %q, want one unknown-exposure note", notes)
	}
}

func TestThrottledCallsAreRetried(t *testing.T) {
	collectortest.Throttling{
		Fixture: func(faults string) string { return fixture(world, faults) },
		Options: collectortest.Options{Regions: []string{"us-east-1"}},
		New:     func() collectors.Collector { return rds.New() },
		Service: "rds", API: "DescribeDBInstances",
		Read: func(t testing.TB, s collectortest.Scan) { s.Node(t, db+"reporting") },
	}.Test(t)
}

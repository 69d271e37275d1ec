package fakeaws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const rdsFixture = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    rds:
      instances:
        - id: public-mysql
          engine: mysql
          engine_version: "8.0.35"
          publicly_accessible: true
          vpc_security_groups: [sg-0public]
          subnet_group: {name: public-subnets, vpc_id: vpc-0abc, subnets: [{id: subnet-0pub1, availability_zone: us-east-1a}, {id: subnet-0pub2, availability_zone: us-east-1b}]}
          iam_database_authentication: true
        - {id: private-pg, engine: postgres, storage_encrypted: true, kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/k1", tags: {env: prod}}
        - {id: aurora-1, engine: aurora-mysql, cluster: aurora-main}
        - {id: aurora-2, engine: aurora-mysql, cluster: aurora-main, cluster_writer: true, publicly_accessible: true}
        - {id: ireland-db, engine: mariadb, region: eu-west-1}
      clusters:
        - {id: aurora-main, engine: aurora-mysql, storage_encrypted: true, vpc_security_groups: [sg-0aurora], http_endpoint_enabled: true}
        - {id: multiaz-pg, engine: postgres, publicly_accessible: false}
      snapshots:
        - {id: public-snap, instance: public-mysql, restore: [all]}
        - {id: shared-snap, instance: public-mysql, restore: ["111122223333"]}
        - {id: private-snap, instance: private-pg}
        - {id: "rds:private-pg-2024-01-01-00-00", instance: private-pg, type: automated}
      cluster_snapshots:
        - {id: aurora-shared, cluster: aurora-main, restore: ["111122223333"], encrypted: true}
        - {id: aurora-public, cluster: aurora-main, encrypted: false, restore: [all]}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
    rds:
      snapshots:
        - {id: partner-own, instance: gone-db, engine: postgres}
faults:
  - {service: rds, api: DescribeDBSnapshotAttributes, resource: private-snap, error: AccessDenied}
`

func (s *Server) rdsClient(t *testing.T, cc clientConfig) *rds.Client {
	return rds.NewFromConfig(s.config(t, cc), func(o *rds.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func TestDescribeDBInstances(t *testing.T) {
	srv := startYAML(t, rdsFixture, Options{})
	ctx := context.Background()
	c := srv.rdsClient(t, clientConfig{attempts: 1})

	var all []rdstypes.DBInstance
	t.Run("the paginator with MaxRecords 20 yields the region's four instances on one page; markers page bigger lists", func(t *testing.T) {
		p := rds.NewDescribeDBInstancesPaginator(c, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(20)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, out.DBInstances...)
		}
		var ids []string
		for _, in := range all {
			ids = append(ids, aws.ToString(in.DBInstanceIdentifier))
		}
		if diff := cmp.Diff([]string{"aurora-1", "aurora-2", "private-pg", "public-mysql"}, ids); diff != "" {
			t.Errorf("instances (-want +got):\n%s", diff)
		}
	})

	t.Run("the public instance decodes with endpoint, port, security groups, subnets, IAM auth and ARN", func(t *testing.T) {
		in := all[3]
		type got struct {
			Public, IAM, Encrypted bool
			Addr                   string
			Port                   int32
			SGs, Subnets           []string
			SGStatus, VPC, ARN     string
		}
		var subnets []string
		for _, s := range in.DBSubnetGroup.Subnets {
			subnets = append(subnets, aws.ToString(s.SubnetIdentifier)+"@"+aws.ToString(s.SubnetAvailabilityZone.Name))
		}
		g := got{aws.ToBool(in.PubliclyAccessible), aws.ToBool(in.IAMDatabaseAuthenticationEnabled), aws.ToBool(in.StorageEncrypted),
			aws.ToString(in.Endpoint.Address), aws.ToInt32(in.Endpoint.Port), []string{aws.ToString(in.VpcSecurityGroups[0].VpcSecurityGroupId)},
			subnets, aws.ToString(in.VpcSecurityGroups[0].Status), aws.ToString(in.DBSubnetGroup.VpcId), aws.ToString(in.DBInstanceArn)}
		want := got{true, true, false, g.Addr, 3306, []string{"sg-0public"}, []string{"subnet-0pub1@us-east-1a", "subnet-0pub2@us-east-1b"},
			"active", "vpc-0abc", "arn:aws:rds:us-east-1:123456789012:db:public-mysql"}
		if diff := cmp.Diff(want, g); diff != "" {
			t.Errorf("instance (-want +got):\n%s", diff)
		}
		if !strings.HasPrefix(g.Addr, "public-mysql.") || !strings.HasSuffix(g.Addr, ".us-east-1.rds.amazonaws.com") {
			t.Errorf("address %s", g.Addr)
		}
	})

	t.Run("the private instance is encrypted with its key and tags, on the Postgres port", func(t *testing.T) {
		in := all[2]
		if aws.ToBool(in.PubliclyAccessible) || !aws.ToBool(in.StorageEncrypted) || aws.ToString(in.KmsKeyId) != "arn:aws:kms:us-east-1:123456789012:key/k1" ||
			aws.ToInt32(in.Endpoint.Port) != 5432 || len(in.TagList) != 1 || in.DBSubnetGroup != nil {
			t.Errorf("instance %+v", in)
		}
	})

	t.Run("DBInstanceIdentifier, by name or ARN, picks one; a filter on db-cluster-id picks the cluster's members", func(t *testing.T) {
		for _, id := range []string{"private-pg", "arn:aws:rds:us-east-1:123456789012:db:private-pg"} {
			out, err := c.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
			if err != nil || len(out.DBInstances) != 1 {
				t.Errorf("%s: %v, %v", id, out, err)
			}
		}
		out, err := c.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{Filters: []rdstypes.Filter{{Name: aws.String("db-cluster-id"), Values: []string{"aurora-main"}}}})
		if err != nil || len(out.DBInstances) != 2 || aws.ToString(out.DBInstances[0].DBClusterIdentifier) != "aurora-main" {
			t.Errorf("%v, %v", out, err)
		}
	})

	t.Run("an unknown instance is DBInstanceNotFound 404, typed", func(t *testing.T) {
		_, err := c.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("nope")})
		var nf *rdstypes.DBInstanceNotFoundFault
		if !errors.As(err, &nf) || nf.ErrorMessage() != "DBInstance nope not found." {
			t.Fatalf("got %v, want DBInstanceNotFoundFault", err)
		}
		if diff := cmp.Diff(apiError{"DBInstanceNotFound", 404}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("MaxRecords below 20 is InvalidParameterValue", func(t *testing.T) {
		_, err := c.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(5)})
		if diff := cmp.Diff(apiError{"InvalidParameterValue", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("another region lists its own instances", func(t *testing.T) {
		out, err := srv.rdsClient(t, clientConfig{region: "eu-west-1"}).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
		if err != nil || len(out.DBInstances) != 1 || aws.ToString(out.DBInstances[0].DBInstanceIdentifier) != "ireland-db" {
			t.Errorf("%v, %v", out, err)
		}
	})
}

func TestRDSPaging(t *testing.T) {
	var b strings.Builder
	b.WriteString("accounts:\n  - id: \"123456789012\"\n    rds:\n      instances:\n")
	for i := range 45 {
		fmt.Fprintf(&b, "        - {id: db-%02d, engine: postgres}\n", i)
	}
	srv := startYAML(t, b.String(), Options{})
	p := rds.NewDescribeDBInstancesPaginator(srv.rdsClient(t, clientConfig{}), &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(20)})
	pages, n := 0, 0
	seen := map[string]bool{}
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, in := range out.DBInstances {
			seen[aws.ToString(in.DBInstanceIdentifier)] = true
			n++
		}
	}
	if pages != 3 || n != 45 || len(seen) != 45 {
		t.Errorf("%d pages, %d instances (%d distinct); want 3 pages of 20, 20, 5", pages, n, len(seen))
	}
	resp, body := srv.rawRequest(t, http.MethodPost, "/", "", withForm(signedHeader(demoKey, "us-east-1", "rds")),
		"Action=DescribeDBInstances&Version=2014-10-31&Marker=bogus")
	if resp.StatusCode != 400 || !strings.Contains(body, "<Code>InvalidParameterValue</Code>") {
		t.Errorf("foreign marker: %d %s", resp.StatusCode, body)
	}
}

func withForm(h http.Header) http.Header {
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return h
}

func TestDescribeDBClusters(t *testing.T) {
	srv := startYAML(t, rdsFixture, Options{})
	ctx := context.Background()
	c := srv.rdsClient(t, clientConfig{attempts: 1})
	out, err := c.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.DBClusters) != 2 {
		t.Fatalf("got %d clusters, want 2", len(out.DBClusters))
	}
	aurora, multiaz := out.DBClusters[0], out.DBClusters[1]
	t.Run("the Aurora cluster has endpoints, members with the marked writer, no PubliclyAccessible, and the Data API on", func(t *testing.T) {
		var members []string
		for _, m := range aurora.DBClusterMembers {
			members = append(members, fmt.Sprintf("%s:%v", aws.ToString(m.DBInstanceIdentifier), aws.ToBool(m.IsClusterWriter)))
		}
		if diff := cmp.Diff([]string{"aurora-1:false", "aurora-2:true"}, members); diff != "" {
			t.Errorf("members (-want +got):\n%s", diff)
		}
		if !strings.HasPrefix(aws.ToString(aurora.Endpoint), "aurora-main.cluster-") || !strings.HasPrefix(aws.ToString(aurora.ReaderEndpoint), "aurora-main.cluster-ro-") {
			t.Errorf("endpoints %s / %s", aws.ToString(aurora.Endpoint), aws.ToString(aurora.ReaderEndpoint))
		}
		if aurora.PubliclyAccessible != nil || !aws.ToBool(aurora.StorageEncrypted) || !aws.ToBool(aurora.HttpEndpointEnabled) ||
			aws.ToString(aurora.VpcSecurityGroups[0].VpcSecurityGroupId) != "sg-0aurora" || aws.ToString(aurora.DBClusterArn) != "arn:aws:rds:us-east-1:123456789012:cluster:aurora-main" {
			t.Errorf("cluster %+v", aurora)
		}
	})
	t.Run("the Multi-AZ DB cluster reports PubliclyAccessible", func(t *testing.T) {
		if multiaz.PubliclyAccessible == nil || *multiaz.PubliclyAccessible {
			t.Errorf("PubliclyAccessible %v, want false", multiaz.PubliclyAccessible)
		}
	})
	t.Run("an unknown cluster is DBClusterNotFoundFault 404", func(t *testing.T) {
		_, err := c.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("nope")})
		var nf *rdstypes.DBClusterNotFoundFault
		if !errors.As(err, &nf) || decodeError(t, err).Status != 404 {
			t.Errorf("got %v", err)
		}
	})
}

func TestDBSnapshots(t *testing.T) {
	srv := startYAML(t, rdsFixture, Options{})
	ctx := context.Background()
	c := srv.rdsClient(t, clientConfig{attempts: 1})
	partner := srv.rdsClient(t, clientConfig{key: partnerKey, attempts: 1})
	ids := func(ss []rdstypes.DBSnapshot) []string {
		var out []string
		for _, s := range ss {
			out = append(out, aws.ToString(s.DBSnapshotIdentifier))
		}
		return out
	}

	t.Run("the owner lists its manual and automated snapshots with inherited engine and encryption", func(t *testing.T) {
		out, err := c.DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"private-snap", "public-snap", "rds:private-pg-2024-01-01-00-00", "shared-snap"}, ids(out.DBSnapshots)); diff != "" {
			t.Errorf("snapshots (-want +got):\n%s", diff)
		}
		s := out.DBSnapshots[0]
		if aws.ToString(s.Engine) != "postgres" || !aws.ToBool(s.Encrypted) || aws.ToString(s.SnapshotType) != "manual" ||
			aws.ToString(s.DBSnapshotArn) != "arn:aws:rds:us-east-1:123456789012:snapshot:private-snap" {
			t.Errorf("snapshot %+v", s)
		}
		auto, err := c.DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{SnapshotType: aws.String("automated")})
		if err != nil || len(auto.DBSnapshots) != 1 {
			t.Errorf("automated: %v, %v", auto, err)
		}
	})

	t.Run("restore=all reads as public, account ids as shared, nothing as private", func(t *testing.T) {
		for id, want := range map[string][]string{"public-snap": {"all"}, "shared-snap": {"111122223333"}, "rds:private-pg-2024-01-01-00-00": nil} {
			out, err := c.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String(id)})
			if err != nil {
				t.Fatal(err)
			}
			r := out.DBSnapshotAttributesResult
			if len(r.DBSnapshotAttributes) != 1 || aws.ToString(r.DBSnapshotAttributes[0].AttributeName) != "restore" || aws.ToString(r.DBSnapshotIdentifier) != id {
				t.Fatalf("%s: %+v", id, r)
			}
			if diff := cmp.Diff(want, r.DBSnapshotAttributes[0].AttributeValues, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s restore (-want +got):\n%s", id, diff)
			}
		}
	})

	t.Run("the other account sees the shared and the public snapshot only when it asks for them", func(t *testing.T) {
		own, err := partner.DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{})
		if err != nil {
			t.Fatal(err)
		}
		shared, err := partner.DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{SnapshotType: aws.String("shared")})
		if err != nil {
			t.Fatal(err)
		}
		public, err := partner.DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{SnapshotType: aws.String("public")})
		if err != nil {
			t.Fatal(err)
		}
		both, err := partner.DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{IncludeShared: aws.Bool(true), IncludePublic: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		got := [][]string{ids(own.DBSnapshots), ids(shared.DBSnapshots), ids(public.DBSnapshots), ids(both.DBSnapshots)}
		want := [][]string{{"partner-own"}, {"shared-snap"}, {"public-snap"}, {"partner-own", "public-snap", "shared-snap"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("own, shared, public, all (-want +got):\n%s", diff)
		}
	})

	t.Run("an unknown snapshot is DBSnapshotNotFound 404, in Describe and in attributes", func(t *testing.T) {
		_, err := c.DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{DBSnapshotIdentifier: aws.String("nope")})
		var nf *rdstypes.DBSnapshotNotFoundFault
		if !errors.As(err, &nf) || decodeError(t, err) != (apiError{"DBSnapshotNotFound", 404}) {
			t.Errorf("describe: %v", err)
		}
		_, err = partner.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String("public-snap")})
		if !errors.As(err, &nf) {
			t.Errorf("attributes of another account's snapshot: %v, want DBSnapshotNotFound", err)
		}
	})

	t.Run("a denied attribute read is AccessDenied 403", func(t *testing.T) {
		_, err := c.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String("private-snap")})
		if diff := cmp.Diff(apiError{"AccessDenied", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

func TestDBClusterSnapshots(t *testing.T) {
	srv := startYAML(t, rdsFixture, Options{})
	ctx := context.Background()
	c := srv.rdsClient(t, clientConfig{attempts: 1})
	out, err := c.DescribeDBClusterSnapshots(ctx, &rds.DescribeDBClusterSnapshotsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.DBClusterSnapshots) != 2 || aws.ToString(out.DBClusterSnapshots[0].DBClusterSnapshotIdentifier) != "aurora-public" ||
		aws.ToBool(out.DBClusterSnapshots[0].StorageEncrypted) || !aws.ToBool(out.DBClusterSnapshots[1].StorageEncrypted) ||
		aws.ToString(out.DBClusterSnapshots[1].Engine) != "aurora-mysql" {
		t.Fatalf("got %+v", out.DBClusterSnapshots)
	}
	attr, err := c.DescribeDBClusterSnapshotAttributes(ctx, &rds.DescribeDBClusterSnapshotAttributesInput{DBClusterSnapshotIdentifier: aws.String("aurora-public")})
	if err != nil {
		t.Fatal(err)
	}
	if v := attr.DBClusterSnapshotAttributesResult.DBClusterSnapshotAttributes[0].AttributeValues; len(v) != 1 || v[0] != "all" {
		t.Errorf("restore %v, want [all]", v)
	}
	shared, err := srv.rdsClient(t, clientConfig{key: partnerKey}).DescribeDBClusterSnapshots(ctx, &rds.DescribeDBClusterSnapshotsInput{SnapshotType: aws.String("shared")})
	if err != nil || len(shared.DBClusterSnapshots) != 1 || aws.ToString(shared.DBClusterSnapshots[0].DBClusterSnapshotIdentifier) != "aurora-shared" {
		t.Errorf("shared with the partner: %v, %v", shared, err)
	}
	_, err = c.DescribeDBClusterSnapshotAttributes(ctx, &rds.DescribeDBClusterSnapshotAttributesInput{DBClusterSnapshotIdentifier: aws.String("nope")})
	var nf *rdstypes.DBClusterSnapshotNotFoundFault
	if !errors.As(err, &nf) || decodeError(t, err).Status != 404 {
		t.Errorf("got %v, want DBClusterSnapshotNotFoundFault 404", err)
	}
}

func TestRDSThrottling(t *testing.T) {
	srv := startYAML(t, rdsFixture+"throttle: {apis: {\"rds:DescribeDBInstances\": {rate: 0.001, burst: 1}}}\n", Options{})
	c := srv.rdsClient(t, clientConfig{attempts: 1})
	if _, err := c.DescribeDBInstances(context.Background(), &rds.DescribeDBInstancesInput{}); err != nil {
		t.Fatal(err)
	}
	_, err := c.DescribeDBInstances(context.Background(), &rds.DescribeDBInstancesInput{})
	if diff := cmp.Diff(apiError{"Throttling", 400}, decodeError(t, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	_, err = c.DescribeDBProxies(context.Background(), &rds.DescribeDBProxiesInput{})
	if diff := cmp.Diff(apiError{"InvalidAction", 400}, decodeError(t, err)); diff != "" {
		t.Errorf("unknown operation (-want +got):\n%s", diff)
	}
}

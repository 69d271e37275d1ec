package s3control_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/exposure"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/s3"
	"github.com/trustmap/trustmap/collectors/s3control"
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

func fixture(section, extra string) string {
	return fmt.Sprintf(account, collectortest.Indent(section, "    "), extra)
}

const (
	apARN   = "arn:aws:s3:us-east-1:123456789012:accesspoint/"
	mrapARN = "arn:aws:s3::123456789012:accesspoint/mh7dt3z2g8x4q.mrap"
	// delegating is the bucket policy of S3's delegation example: full
	// access, but only through access points of the owner account.
	delegating = `{Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "*"}, Action: "*", Resource: ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
         Condition: {StringEquals: {"s3:DataAccessPointAccount": "123456789012"}}}]}`
	openBlock = `{block_public_acls: false, ignore_public_acls: false, block_public_policy: false, restrict_public_buckets: false}`
)

func publicAP(name string) string {
	return `{Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: "` + apARN + name + `/object/*"}]}`
}

type ep struct {
	Resource, Via, Exposure string
	Principals, Access      []string
	Certain                 bool
}

func entryPoints(t *testing.T, snap *graph.Snapshot) []ep {
	t.Helper()
	res, err := analyzers.Run(graph.Resolve(snap), nil, []*analyzers.Analyzer{exposure.Analyzer})
	if err != nil {
		t.Fatal(err)
	}
	var out []ep
	for _, e := range res.ResultOf[exposure.Analyzer].([]results.EntryPoint) {
		var access []string
		for _, a := range e.Access {
			access = append(access, a.String())
		}
		out = append(out, ep{e.ResourceARN, e.Via.String(), e.Exposure.String(), e.Principals, access, e.Certain})
	}
	return out
}

// Each case follows the AWS page it is named after: a request through an
// access point needs the access point policy and the bucket policy (or
// the bucket's delegation to access points), under Block Public Access of
// every level, from the access point's network origin.
func TestAccessPointsAreJudgedWithTheBucketBehindThemAsS3Does(t *testing.T) {
	cases := []struct {
		name string
		s3   string
		want []ep
	}{
		{
			name: "S3 User Guide, Delegating access control to access points: a public access point policy on a delegating bucket is public",
			s3: `s3:
  buckets:
    - {name: data, region: us-east-1, ownership: BucketOwnerEnforced, policy: ` + delegating + `}
  access_points:
    - {name: public-data, bucket: data, public_access_block: ` + openBlock + `, policy_is_public: true, policy: ` + publicAP("public-data") + `}`,
			want: []ep{{apARN + "public-data", "access-point-policy", "public", []string{"*"}, []string{"can-read"}, true}},
		},
		{
			name: "S3 User Guide, Configuring IAM policies for using access points: a bucket that does not delegate keeps the access point's grant out",
			s3: `s3:
  buckets:
    - {name: data, region: us-east-1, ownership: BucketOwnerEnforced}
  access_points:
    - {name: public-data, bucket: data, public_access_block: ` + openBlock + `, policy_is_public: true, policy: ` + publicAP("public-data") + `}`,
		},
		{
			name: "S3 User Guide, Configuring IAM policies for using access points: the bucket policy grants the same account the same request",
			s3: `s3:
  buckets:
    - name: data
      region: us-east-1
      ownership: BucketOwnerEnforced
      policy: {Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:root"}, Action: s3:GetObject, Resource: "arn:aws:s3:::data/*"}]}
  access_points:
    - name: partner
      bucket: data
      policy: {Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:root"}, Action: [s3:GetObject, s3:PutObject], Resource: "` + apARN + `partner/object/*"}]}`,
			want: []ep{
				{"arn:aws:s3:::data", "bucket-policy", "cross-account", []string{"111122223333"}, []string{"can-read"}, true},
				{apARN + "partner", "access-point-policy", "cross-account", []string{"111122223333"}, []string{"can-read"}, true},
			},
		},
		{
			name: "S3 User Guide, Configuring IAM policies for using access points: a public access point in front of a bucket shared with one account lets only that account in",
			s3: `s3:
  buckets:
    - name: data
      region: us-east-1
      ownership: BucketOwnerEnforced
      policy: {Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:root"}, Action: s3:GetObject, Resource: "arn:aws:s3:::data/*"}]}
  access_points:
    - {name: public-data, bucket: data, public_access_block: ` + openBlock + `, policy_is_public: true, policy: ` + publicAP("public-data") + `}`,
			want: []ep{
				{"arn:aws:s3:::data", "bucket-policy", "cross-account", []string{"111122223333"}, []string{"can-read"}, true},
				{apARN + "public-data", "access-point-policy", "cross-account", []string{"111122223333"}, []string{"can-read"}, true},
			},
		},
		{
			name: "S3 User Guide, Creating access points restricted to a virtual private cloud: a VPC access point is network-restricted, never public",
			s3: `s3:
  buckets:
    - {name: data, region: us-east-1, ownership: BucketOwnerEnforced, policy: ` + delegating + `}
  access_points:
    - {name: vpc-data, bucket: data, vpc_id: vpc-0a1b2c3d, public_access_block: ` + openBlock + `, policy: ` + publicAP("vpc-data") + `}`,
			want: []ep{{apARN + "vpc-data", "access-point-policy", "cross-account", []string{"*"}, []string{"can-read"}, true}},
		},
		{
			name: "S3 User Guide, Managing public access to access points: RestrictPublicBuckets of the access point blocks its public policy",
			s3: `s3:
  buckets:
    - {name: data, region: us-east-1, ownership: BucketOwnerEnforced, policy: ` + delegating + `}
  access_points:
    - {name: public-data, bucket: data, public_access_block: {restrict_public_buckets: true}, policy_is_public: true, policy: ` + publicAP("public-data") + `}`,
		},
		{
			name: "S3 User Guide, Managing public access to access points: RestrictPublicBuckets of the bucket blocks a public access point",
			s3: `s3:
  buckets:
    - {name: data, region: us-east-1, ownership: BucketOwnerEnforced, policy: ` + delegating + `, public_access_block: {restrict_public_buckets: true}}
  access_points:
    - {name: public-data, bucket: data, public_access_block: ` + openBlock + `, policy_is_public: true, policy: ` + publicAP("public-data") + `}`,
		},
		{
			name: "S3 User Guide, Managing public access to access points: RestrictPublicBuckets of the account blocks a public access point",
			s3: `s3:
  public_access_block: {restrict_public_buckets: true}
  buckets:
    - {name: data, region: us-east-1, ownership: BucketOwnerEnforced, policy: ` + delegating + `}
  access_points:
    - {name: public-data, bucket: data, public_access_block: ` + openBlock + `, policy_is_public: true, policy: ` + publicAP("public-data") + `}`,
		},
		{
			name: "S3 User Guide, Creating access points: an access point on another account's bucket depends on a bucket policy the scan cannot read",
			s3: `s3:
  access_points:
    - name: partner-exchange
      bucket: partner-bucket
      bucket_account_id: "111122223333"
      region: us-east-1
      policy: {Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::444455556666:root"}, Action: s3:GetObject, Resource: "` + apARN + `partner-exchange/object/*"}]}`,
			want: []ep{{apARN + "partner-exchange", "access-point-policy", "cross-account", []string{"444455556666"}, []string{"can-read"}, false}},
		},
		{
			name: "S3 User Guide, Multi-Region Access Point permissions: the partner reads through it, and a proposed policy adding writes is still propagating",
			s3: `s3:
  buckets:
    - {name: data, region: us-east-1, ownership: BucketOwnerEnforced, policy: ` + delegating + `}
  multi_region_access_points:
    - name: acme-global
      alias: mh7dt3z2g8x4q.mrap
      regions: [{bucket: data}]
      policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:root"}, Action: s3:GetObject, Resource: "` + mrapARN + `/object/*"}]}
      proposed_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:root"}, Action: [s3:GetObject, s3:PutObject], Resource: "` + mrapARN + `/object/*"}]}`,
			want: []ep{{mrapARN, "mrap-policy", "cross-account", []string{"111122223333"}, []string{"can-read", "can-write"}, false}},
		},
		{
			name: "S3 User Guide, Multi-Region Access Point permissions: without a policy no other account gets in",
			s3: `s3:
  buckets:
    - {name: data, region: us-east-1, ownership: BucketOwnerEnforced, policy: ` + delegating + `}
  multi_region_access_points:
    - {name: acme-global, alias: mh7dt3z2g8x4q.mrap, regions: [{bucket: data}]}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			scan := collectortest.Run(t, fixture(tc.s3, ""), collectortest.Options{Regions: []string{"us-east-1"}}, s3.New(), s3control.New())
			if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 {
				t.Fatalf("scan: %v, gaps %+v", scan.Err, scan.Snapshot.Coverage)
			}
			if diff := cmp.Diff(tc.want, entryPoints(t, scan.Snapshot)); diff != "" {
				t.Errorf("entry points (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAccessPointsOverSeveralPagesAreEachReadOnceAndMRAPsComeFromUSWest2(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("s3:\n  buckets:\n    - {name: data, region: us-east-1, ownership: BucketOwnerEnforced}\n  access_points:\n")
	const n = 1050 // two pages of 1,000
	for i := range n {
		fmt.Fprintf(&sb, "    - {name: ap-%04d, bucket: data}\n", i)
	}
	sb.WriteString("    - {name: with-policy, bucket: data, policy: {Statement: [{Effect: Allow, Principal: {AWS: \"111122223333\"}, Action: s3:GetObject, Resource: \"" + apARN + "with-policy/object/*\"}]}}\n")
	sb.WriteString("  multi_region_access_points:\n    - {name: acme-global, alias: mh7dt3z2g8x4q.mrap, regions: [{bucket: data}]}\n")
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: []string{"us-east-1", "eu-west-1"}}, s3control.New())
	if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 {
		t.Fatalf("scan: %v, gaps %+v", scan.Err, scan.Snapshot.Coverage)
	}
	aps := 0
	for _, node := range scan.Snapshot.Nodes {
		if node.Kind == graph.KindS3AccessPoint {
			aps++
		}
	}
	if aps != n+1 {
		t.Errorf("access points = %d, want %d", aps, n+1)
	}
	calls := scan.Server.Stats().Calls
	want := map[string]int64{
		"s3control:ListAccessPoints":                3, // two pages in us-east-1, one in eu-west-1
		"s3control:GetAccessPointPolicy":            n + 1,
		"s3control:GetAccessPointPolicyStatus":      1, // only where there is a policy
		"s3control:GetAccessPoint":                  1,
		"s3control:ListMultiRegionAccessPoints":     1,
		"s3control:GetMultiRegionAccessPointPolicy": 1,
	}
	for api, w := range want {
		if calls[api] != w {
			t.Errorf("%s calls = %d, want %d (all: %v)", api, calls[api], w, calls)
		}
	}
	ap := scan.Node(t, apARN+"with-policy").AccessPoint()
	if ap.BlockPublic.Configured != graph.True || ap.BlockPublic.RestrictPublicBuckets != graph.True || ap.NetworkOrigin != "Internet" || ap.Bucket != "data" {
		t.Errorf("access point = %+v, want S3's default Block Public Access read, Internet origin, bucket data", ap)
	}
	m := scan.Node(t, mrapARN)
	if m.MRAP().Policy.State != graph.False || len(m.MRAP().Regions) != 1 || m.MRAP().Regions[0].Region != "us-east-1" {
		t.Errorf("Multi-Region Access Point = %+v, want no policy, one bucket in us-east-1", m.MRAP())
	}
	var routes []string
	for _, e := range scan.Snapshot.Edges {
		if e.From == mrapARN || e.From == apARN+"with-policy" {
			routes = append(routes, fmt.Sprintf("%s -%s/%s-> %s", e.From, e.Kind, e.Via, e.To))
		}
	}
	wantRoutes := []string{
		mrapARN + " -routes-to/multi-region-access-point-> arn:aws:s3:::data",
		apARN + "with-policy -routes-to/access-point-> arn:aws:s3:::data",
	}
	if diff := cmp.Diff(wantRoutes, routes); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

func TestADeniedAccessPointPolicyIsAGapAndAnUnknownFact(t *testing.T) {
	fx := fixture(`s3:
  buckets:
    - {name: data, region: us-east-1, ownership: BucketOwnerEnforced, policy: `+delegating+`}
  access_points:
    - {name: secret, bucket: data, public_access_block: `+openBlock+`, policy: `+publicAP("secret")+`}
  multi_region_access_points:
    - {name: acme-global, alias: mh7dt3z2g8x4q.mrap, regions: [{bucket: data}]}`, `faults:
  - {service: s3control, api: GetAccessPointPolicy, resource: secret, error: AccessDenied}
  - {service: s3control, api: ListMultiRegionAccessPoints, error: AccessDenied}`)
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}}, s3.New(), s3control.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v (denials are gaps)", scan.Err)
	}
	ap := scan.Node(t, apARN+"secret").AccessPoint()
	if ap.Policy.State != graph.Unknown {
		t.Errorf("policy = %v, want unknown, not 'no policy'", ap.Policy.State)
	}
	gaps := scan.Gaps("GetAccessPointPolicy")
	if len(gaps) != 1 || gaps[0].Status != graph.GapDenied || gaps[0].Resource != "secret" || gaps[0].Region != "us-east-1" || gaps[0].Service != "s3control" {
		t.Errorf("gaps = %+v, want one denied s3control gap in us-east-1 for secret", gaps)
	}
	if gaps := scan.Gaps("ListMultiRegionAccessPoints"); len(gaps) != 1 || gaps[0].Region != s3control.MRAPRegion || gaps[0].Status != graph.GapDenied {
		t.Errorf("gaps = %+v, want one denied gap in us-west-2", gaps)
	}
	if eps := entryPoints(t, scan.Snapshot); len(eps) != 0 {
		t.Errorf("entry points = %+v, want none from an unread policy", eps)
	}
	found := false
	for _, note := range graph.Resolve(scan.Snapshot).Notes {
		found = found || (note.Kind == graph.NoteUnknownExposure && note.Resource == apARN+"secret")
	}
	if !found {
		t.Error("no unknown-exposure note for the access point whose policy could not be read")
	}
}

func TestThrottledAccessPointCallsAreRetried(t *testing.T) {
	fx := fixture(`s3:
  access_points:
    - {name: busy, bucket: data, bucket_account_id: "111122223333", region: us-east-1}`, `faults:
  - {service: s3control, api: ListAccessPoints, error: Throttling, count: 1}
  - {service: s3control, api: GetAccessPointPolicy, resource: busy, error: Throttling, count: 2}`)
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}}, s3control.New())
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("gaps = %+v, want none after the retries", scan.Snapshot.Coverage)
	}
	if got := scan.Stats.Retries.Load(); got != 3 {
		t.Errorf("retries = %d, want 3", got)
	}
	if got := scan.Node(t, apARN+"busy").AccessPoint().Policy.State; got != graph.False {
		t.Errorf("policy = %v, want read (none)", got)
	}
}

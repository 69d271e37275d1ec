package s3_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/exposure"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/s3"
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

// fixture builds a one-account fixture with the given s3 section (indented
// under the account) and optional top-level extras (faults, throttle).
func fixture(s3section, extra string) string {
	return fmt.Sprintf(account, collectortest.Indent(s3section, "    "), extra)
}

const publicPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::demo-bkt/*"}]}`

// entryPoints resolves the snapshot and runs the exposure analyzer.
func entryPoints(t *testing.T, snap *graph.Snapshot) []results.EntryPoint {
	t.Helper()
	g := graph.Resolve(snap)
	res, err := analyzers.Run(g, nil, []*analyzers.Analyzer{exposure.Analyzer})
	if err != nil {
		t.Fatal(err)
	}
	eps, _ := res.ResultOf[exposure.Analyzer].([]results.EntryPoint)
	return eps
}

type epSummary struct {
	Resource, Via, Exposure string
	Principals              []string
	Certain                 bool
}

func summarize(eps []results.EntryPoint) []epSummary {
	var out []epSummary
	for _, ep := range eps {
		out = append(out, epSummary{ep.ResourceARN, ep.Via.String(), ep.Exposure.String(), ep.Principals, ep.Certain})
	}
	return out
}

func TestS3ExposureThroughTheRealSDK(t *testing.T) {
	cases := []struct {
		name  string
		s3    string
		extra string
		want  []epSummary
	}{
		{
			name: "a bucket policy granting everyone GetObject is public",
			s3: `s3:
  buckets:
    - {name: demo-bkt, region: us-east-1, policy_is_public: true, ownership: BucketOwnerEnforced, policy: '` + publicPolicy + `'}`,
			want: []epSummary{{"arn:aws:s3:::demo-bkt", "bucket-policy", "public", []string{"*"}, true}},
		},
		{
			name: "an ACL granting AllUsers READ is public",
			s3: `s3:
  buckets:
    - name: demo-bkt
      region: eu-west-1
      ownership: ObjectWriter
      acl:
        owner_id: aaaa
        grants:
          - {type: CanonicalUser, id: aaaa, permission: FULL_CONTROL}
          - {type: Group, uri: "http://acs.amazonaws.com/groups/global/AllUsers", permission: READ}`,
			want: []epSummary{{"arn:aws:s3:::demo-bkt", "bucket-acl", "public", []string{"*"}, true}},
		},
		{
			name: "an ACL granting AuthenticatedUsers WRITE is public",
			s3: `s3:
  buckets:
    - name: demo-bkt
      region: us-east-1
      acl:
        owner_id: aaaa
        grants:
          - {type: Group, uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", permission: WRITE}`,
			want: []epSummary{{"arn:aws:s3:::demo-bkt", "bucket-acl", "public", []string{"*"}, true}},
		},
		{
			name: "an ACL grant to another canonical user is cross-account",
			s3: `s3:
  buckets:
    - name: demo-bkt
      region: us-east-1
      acl:
        owner_id: aaaa
        grants:
          - {type: CanonicalUser, id: bbbb, permission: READ}`,
			want: []epSummary{{"arn:aws:s3:::demo-bkt", "bucket-acl", "cross-account", []string{"bbbb"}, true}},
		},
		{
			name: "bucket-level RestrictPublicBuckets neutralises a public policy",
			s3: `s3:
  buckets:
    - {name: demo-bkt, region: us-east-1, ownership: BucketOwnerEnforced, policy_is_public: true, policy: '` + publicPolicy + `',
       public_access_block: {restrict_public_buckets: true}}`,
		},
		{
			name: "account-level RestrictPublicBuckets neutralises a public policy",
			s3: `s3:
  public_access_block: {restrict_public_buckets: true}
  buckets:
    - {name: demo-bkt, region: us-east-1, ownership: BucketOwnerEnforced, policy_is_public: true, policy: '` + publicPolicy + `'}`,
		},
		{
			name: "BlockPublicPolicy alone leaves an existing public policy in force",
			s3: `s3:
  buckets:
    - {name: demo-bkt, region: us-east-1, ownership: BucketOwnerEnforced, policy_is_public: true, policy: '` + publicPolicy + `',
       public_access_block: {block_public_policy: true, block_public_acls: true, ignore_public_acls: true}}`,
			want: []epSummary{{"arn:aws:s3:::demo-bkt", "bucket-policy", "public", []string{"*"}, true}},
		},
		{
			name: "IgnorePublicAcls neutralises a public ACL",
			s3: `s3:
  buckets:
    - name: demo-bkt
      region: us-east-1
      public_access_block: {ignore_public_acls: true}
      acl:
        owner_id: aaaa
        grants:
          - {type: Group, uri: "http://acs.amazonaws.com/groups/global/AllUsers", permission: READ}`,
		},
		{
			name: "account-level IgnorePublicAcls neutralises a public ACL",
			s3: `s3:
  public_access_block: {ignore_public_acls: true}
  buckets:
    - name: demo-bkt
      region: us-east-1
      acl:
        owner_id: aaaa
        grants:
          - {type: Group, uri: "http://acs.amazonaws.com/groups/global/AllUsers", permission: READ}`,
		},
		{
			name: "BlockPublicAcls alone leaves an existing public ACL in force",
			s3: `s3:
  public_access_block: {block_public_acls: true, block_public_policy: true}
  buckets:
    - name: demo-bkt
      region: us-east-1
      acl:
        owner_id: aaaa
        grants:
          - {type: Group, uri: "http://acs.amazonaws.com/groups/global/AllUsers", permission: READ}`,
			want: []epSummary{{"arn:aws:s3:::demo-bkt", "bucket-acl", "public", []string{"*"}, true}},
		},
		{
			name: "RestrictPublicBuckets also cuts the cross-account statements of a public policy",
			s3: `s3:
  buckets:
    - name: demo-bkt
      region: us-east-1
      ownership: BucketOwnerEnforced
      policy_is_public: true
      public_access_block: {restrict_public_buckets: true}
      policy: {Statement: [{Effect: Allow, Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::demo-bkt/*"},
                           {Effect: Allow, Principal: {AWS: "111122223333"}, Action: "s3:PutObject", Resource: "arn:aws:s3:::demo-bkt/*"}]}`,
		},
		{
			name: "a policy granting another account is cross-account",
			s3: `s3:
  buckets:
    - name: demo-bkt
      region: us-east-1
      ownership: BucketOwnerEnforced
      policy: {Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:root"}, Action: ["s3:GetObject"], Resource: "arn:aws:s3:::demo-bkt/*"}]}`,
			want: []epSummary{{"arn:aws:s3:::demo-bkt", "bucket-policy", "cross-account", []string{"111122223333"}, true}},
		},
		{
			name: "RestrictPublicBuckets leaves a non-public cross-account policy alone",
			s3: `s3:
  public_access_block: {restrict_public_buckets: true}
  buckets:
    - name: demo-bkt
      region: us-east-1
      ownership: BucketOwnerEnforced
      policy: {Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:root"}, Action: ["s3:GetObject"], Resource: "arn:aws:s3:::demo-bkt/*"}]}`,
			want: []epSummary{{"arn:aws:s3:::demo-bkt", "bucket-policy", "cross-account", []string{"111122223333"}, true}},
		},
		{
			name: "a denied bucket Block Public Access read leaves a public policy unconfirmed",
			s3: `s3:
  buckets:
    - {name: demo-bkt, region: us-east-1, ownership: BucketOwnerEnforced, policy_is_public: true, policy: '` + publicPolicy + `'}`,
			extra: `faults:
  - {service: s3, api: GetPublicAccessBlock, resource: demo-bkt, error: AccessDenied}`,
			want: []epSummary{{"arn:aws:s3:::demo-bkt", "bucket-policy", "public", []string{"*"}, false}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			scan := collectortest.Run(t, fixture(tc.s3, tc.extra), collectortest.Options{}, s3.New())
			if scan.Err != nil {
				t.Fatalf("scan: %v", scan.Err)
			}
			got := summarize(entryPoints(t, scan.Snapshot))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("entry points (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAccessDeniedBecomesACoverageGapAndAnUnknownFact(t *testing.T) {
	fx := fixture(`s3:
  buckets:
    - {name: demo-bkt, region: us-east-1, ownership: ObjectWriter, policy: '`+publicPolicy+`'}`, `faults:
  - {service: s3, api: GetBucketPolicy, resource: demo-bkt, error: AccessDenied}
  - {service: s3, api: GetBucketAcl, resource: demo-bkt, error: AccessDenied}`)
	scan := collectortest.Run(t, fx, collectortest.Options{}, s3.New())
	n := scan.Node(t, "arn:aws:s3:::demo-bkt")
	if n.Bucket().Policy.State != graph.Unknown {
		t.Errorf("policy state = %v, want unknown (a denied read is not 'no policy')", n.Bucket().Policy.State)
	}
	if n.Bucket().ACL.State != graph.Unknown {
		t.Errorf("ACL state = %v, want unknown", n.Bucket().ACL.State)
	}
	for _, api := range []string{"GetBucketPolicy", "GetBucketAcl"} {
		gaps := scan.Gaps(api)
		if len(gaps) != 1 || gaps[0].Status != graph.GapDenied || gaps[0].Resource != "demo-bkt" {
			t.Errorf("%s gaps = %+v, want one denied gap for bucket demo-bkt", api, gaps)
		}
	}
	if eps := entryPoints(t, scan.Snapshot); len(eps) != 0 {
		t.Errorf("entry points = %+v, want none claimed from facts the scan could not read", eps)
	}
	g := graph.Resolve(scan.Snapshot)
	var unknown int
	for _, note := range g.Notes {
		if note.Kind == "unknown-exposure" {
			unknown++
		}
	}
	if unknown != 2 {
		t.Errorf("unknown-exposure notes = %d, want 2 (policy and ACL): %+v", unknown, g.Notes)
	}
}

func TestThrottledCallsAreRetriedAndSucceed(t *testing.T) {
	fx := fixture(`s3:
  buckets:
    - {name: demo-bkt, region: us-east-1, ownership: BucketOwnerEnforced, policy_is_public: true, policy: '`+publicPolicy+`'}`, `faults:
  - {service: s3, api: GetBucketPolicy, resource: demo-bkt, error: Throttling, count: 2}`)
	scan := collectortest.Run(t, fx, collectortest.Options{}, s3.New())
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage gaps = %+v, want none after retries", scan.Snapshot.Coverage)
	}
	if got := scan.Stats.Retries.Load(); got != 2 {
		t.Errorf("retries = %d, want 2", got)
	}
	if n := scan.Node(t, "arn:aws:s3:::demo-bkt"); n.Bucket().Policy.State != graph.True {
		t.Errorf("policy state = %v, want true after the throttled calls were retried", n.Bucket().Policy.State)
	}
}

func TestThrottledOutBecomesAThrottledGap(t *testing.T) {
	fx := fixture(`s3:
  buckets:
    - {name: demo-bkt, region: us-east-1, ownership: BucketOwnerEnforced}`, `faults:
  - {service: s3, api: GetBucketNotificationConfiguration, resource: demo-bkt, error: Throttling}`)
	scan := collectortest.Run(t, fx, collectortest.Options{MaxAttempts: 2}, s3.New())
	gaps := scan.Gaps("GetBucketNotificationConfiguration")
	if len(gaps) != 1 || gaps[0].Status != graph.GapThrottled {
		t.Fatalf("gaps = %+v, want one throttled gap", gaps)
	}
	if n := scan.Node(t, "arn:aws:s3:::demo-bkt"); n.Bucket().NotificationsKnown != graph.Unknown {
		t.Errorf("notifications known = %v, want unknown", n.Bucket().NotificationsKnown)
	}
}

func TestListBucketsOverSeveralPagesSeesEveryBucketOnce(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("s3:\n  buckets:\n")
	const n = 2345 // three pages of 1,000
	for i := range n {
		fmt.Fprintf(&sb, "    - {name: bucket-%04d, region: us-east-1, ownership: BucketOwnerEnforced}\n", i)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{}, s3.New())
	seen := map[string]int{}
	for _, node := range scan.Snapshot.Nodes {
		if node.Kind == graph.KindS3Bucket {
			seen[node.Name]++
		}
	}
	if len(seen) != n {
		t.Errorf("buckets seen = %d, want %d", len(seen), n)
	}
	for name, c := range seen {
		if c != 1 {
			t.Errorf("bucket %s seen %d times", name, c)
		}
	}
	if calls := scan.Server.Stats().Calls["s3:ListBuckets"]; calls != 3 {
		t.Errorf("ListBuckets calls = %d, want 3 pages", calls)
	}
}

func TestEachBucketIsReadInItsOwnRegionAndFilteredByScope(t *testing.T) {
	fx := fixture(`s3:
  buckets:
    - {name: east, region: us-east-1, ownership: BucketOwnerEnforced}
    - {name: west, region: eu-west-1, ownership: BucketOwnerEnforced}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"eu-west-1"}}, s3.New())
	var names []string
	for _, n := range scan.Snapshot.Nodes {
		if n.Kind == graph.KindS3Bucket {
			names = append(names, n.Name+"@"+n.Region)
		}
	}
	if diff := cmp.Diff([]string{"west@eu-west-1"}, names); diff != "" {
		t.Errorf("buckets (-want +got):\n%s", diff)
	}
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage = %+v, want none (wrong-region calls would fail)", scan.Snapshot.Coverage)
	}
}

func TestNotificationsBecomeTriggerEdges(t *testing.T) {
	fx := fixture(`s3:
  buckets:
    - name: demo-bkt
      region: us-east-1
      ownership: BucketOwnerEnforced
      notifications:
        queues: [{id: q, arn: "arn:aws:sqs:us-east-1:123456789012:q", events: ["s3:ObjectCreated:*"]}]
        lambdas: [{id: l, arn: "arn:aws:lambda:us-east-1:123456789012:function:f", events: ["s3:ObjectRemoved:*"]}]`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{}, s3.New())
	var got []string
	for _, e := range scan.Snapshot.Edges {
		got = append(got, fmt.Sprintf("%s -%s-> %s", e.From, e.Kind, e.To))
	}
	want := []string{
		"arn:aws:s3:::demo-bkt -triggers-> arn:aws:lambda:us-east-1:123456789012:function:f",
		"arn:aws:s3:::demo-bkt -triggers-> arn:aws:sqs:us-east-1:123456789012:q",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

func TestBucketOwnerEnforcedSkipsTheACLRead(t *testing.T) {
	fx := fixture(`s3:
  buckets:
    - {name: enforced-bkt, region: us-east-1, ownership: BucketOwnerEnforced}
    - {name: writer-bkt, region: us-east-1, ownership: ObjectWriter}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{}, s3.New())
	if calls := scan.Server.Stats().Calls["s3:GetBucketAcl"]; calls != 1 {
		t.Errorf("GetBucketAcl calls = %d, want 1 (only the bucket whose ACLs are enabled)", calls)
	}
	if n := scan.Node(t, "arn:aws:s3:::enforced-bkt"); n.Bucket().ACL.State != graph.False {
		t.Errorf("ACL state = %v, want false (ACLs disabled, not unknown)", n.Bucket().ACL.State)
	}
}

var _ = collectors.ClassOK

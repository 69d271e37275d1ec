package ecr_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/exposure"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/ecr"
	"github.com/trustmap/trustmap/graph"
)

const account = `
accounts:
  - id: "123456789012"
    access_keys: [AKIATEST000000000001]
    regions: [us-east-1, eu-west-1]
    organization: {id: o-a1b2c3d4e5, master_account_id: "123456789012"}
%s
%s
`

func fixture(section, extra string) string {
	return fmt.Sprintf(account, collectortest.Indent(section, "    "), extra)
}

const repoARN = "arn:aws:ecr:us-east-1:123456789012:repository/"

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

// Each case follows the AWS page it is named after.
func TestRepositoryAndRegistryPoliciesAsAWSDocumentsThem(t *testing.T) {
	cases := []struct {
		name string
		ecr  string
		want []ep
	}{
		{
			name: "ECR User Guide, Private repository policy examples: allow public pull",
			ecr: `ecr:
  repositories:
    - name: base
      region: us-east-1
      policy: {Version: "2008-10-17", Statement: [{Sid: public pull, Effect: Allow, Principal: "*", Action: [ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer]}]}`,
			want: []ep{{repoARN + "base", "repository-policy", "public", []string{"*"}, []string{"can-access", "can-read"}, true}},
		},
		{
			name: "ECR User Guide, Private repository policy examples: allow another account to push",
			ecr: `ecr:
  repositories:
    - name: app/ingest
      region: us-east-1
      policy: {Version: "2012-10-17", Statement: [{Sid: push, Effect: Allow, Principal: {AWS: "arn:aws:iam::444455556666:root"},
               Action: [ecr:BatchCheckLayerAvailability, ecr:CompleteLayerUpload, ecr:InitiateLayerUpload, ecr:PutImage, ecr:UploadLayerPart]}]}`,
			want: []ep{{repoARN + "app/ingest", "repository-policy", "cross-account", []string{"444455556666"}, []string{"can-access", "can-write"}, true}},
		},
		{
			name: "IAM User Guide, aws:PrincipalOrgID: pull by the organization",
			ecr: `ecr:
  repositories:
    - name: shared/tools
      region: us-east-1
      policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*", Action: [ecr:BatchGetImage, ecr:GetDownloadUrlForLayer],
               Condition: {StringEquals: {"aws:PrincipalOrgID": o-a1b2c3d4e5}}}]}`,
			want: []ep{{repoARN + "shared/tools", "repository-policy", "cross-account", []string{"o-a1b2c3d4e5"}, []string{"can-read"}, true}},
		},
		{
			name: "Lambda Developer Guide, Amazon ECR permissions: the Lambda service principal without aws:SourceArn",
			ecr: `ecr:
  repositories:
    - name: app/worker
      region: us-east-1
      policy: {Version: "2012-10-17", Statement: [{Sid: LambdaECRImageRetrievalPolicy, Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: [ecr:BatchGetImage, ecr:GetDownloadUrlForLayer]}]}`,
			want: []ep{{repoARN + "app/worker", "repository-policy", "cross-account", []string{"lambda.amazonaws.com"}, []string{"can-read"}, true}},
		},
		{
			name: "Lambda Developer Guide, Amazon ECR permissions: the Lambda service principal pinned with aws:SourceArn",
			ecr: `ecr:
  repositories:
    - name: app/worker
      region: us-east-1
      policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: [ecr:BatchGetImage, ecr:GetDownloadUrlForLayer],
               Condition: {StringLike: {"aws:sourceArn": "arn:aws:lambda:us-east-1:123456789012:function:*"}}}]}`,
		},
		{
			name: "ECR User Guide, Private registry permissions: cross-account replication into the registry",
			ecr: `ecr:
  registries:
    - region: us-east-1
      policy: {Version: "2012-10-17", Statement: [{Sid: ReplicationAccessCrossAccount, Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:root"},
               Action: [ecr:CreateRepository, ecr:ReplicateImage], Resource: "arn:aws:ecr:us-east-1:123456789012:repository/release/*"}]}
  repositories:
    - {name: release/api, region: us-east-1}
    - {name: internal/api, region: us-east-1}`,
			want: []ep{
				{"arn:aws:ecr:us-east-1:123456789012:registry", "registry-policy", "cross-account", []string{"111122223333"}, []string{"can-write"}, true},
				{repoARN + "release/api", "registry-policy", "cross-account", []string{"111122223333"}, []string{"can-write"}, true},
			},
		},
		{
			name: "ECR API Reference, GetRepositoryPolicy: no policy, no way in",
			ecr: `ecr:
  repositories:
    - {name: private, region: us-east-1}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			scan := collectortest.Run(t, fixture(tc.ecr, ""), collectortest.Options{Regions: []string{"us-east-1"}}, ecr.New())
			if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 {
				t.Fatalf("scan: %v, gaps %+v", scan.Err, scan.Snapshot.Coverage)
			}
			if diff := cmp.Diff(tc.want, entryPoints(t, scan.Snapshot)); diff != "" {
				t.Errorf("entry points (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRepositoriesOverSeveralPagesAreEachReadOnce(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("ecr:\n  repositories:\n")
	const n = 1234 // two pages of 1,000
	for i := range n {
		fmt.Fprintf(&sb, "    - {name: repo-%04d, region: us-east-1}\n", i)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: []string{"us-east-1"}}, ecr.New())
	if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 {
		t.Fatalf("scan: %v, gaps %+v", scan.Err, scan.Snapshot.Coverage)
	}
	seen := 0
	for _, node := range scan.Snapshot.Nodes {
		if node.Kind == graph.KindECRRepository {
			seen++
			if node.Repository().Policy.State != graph.False || node.Region != "us-east-1" {
				t.Errorf("%s: policy %v region %s, want none read and us-east-1", node.ID, node.Repository().Policy.State, node.Region)
			}
		}
	}
	if seen != n {
		t.Errorf("repositories = %d, want %d", seen, n)
	}
	calls := scan.Server.Stats().Calls
	for api, want := range map[string]int64{"ecr:DescribeRepositories": 2, "ecr:GetRepositoryPolicy": n, "ecr:GetRegistryPolicy": 1} {
		if calls[api] != want {
			t.Errorf("%s calls = %d, want %d", api, calls[api], want)
		}
	}
}

func TestARepositoryCarriesItsSettingsAndTheRegistryNodeExistsOnlyWithAPolicy(t *testing.T) {
	fx := fixture(`ecr:
  repositories:
    - name: app/web
      region: us-east-1
      created: 2024-01-07T10:00:00Z
      image_tag_mutability: IMMUTABLE
      scan_on_push: true
      encryption: {type: KMS, kms_key: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1", "eu-west-1"}}, ecr.New())
	n := scan.Node(t, repoARN+"app/web")
	want := &graph.ECRRepository{
		URI: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app/web", CreatedAt: n.Repository().CreatedAt, TagMutability: "IMMUTABLE", ScanOnPush: true,
		EncryptionType: "KMS", KMSKey: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		Policy: graph.Absent("ecr:GetRepositoryPolicy"),
	}
	if diff := cmp.Diff(want, n.Repository()); diff != "" {
		t.Errorf("repository (-want +got):\n%s", diff)
	}
	if n.Repository().CreatedAt.IsZero() {
		t.Error("creation time not read")
	}
	for _, node := range scan.Snapshot.Nodes {
		if node.Kind == graph.KindECRRegistry {
			t.Errorf("registry node %s without a registry policy", node.ID)
		}
	}
}

func TestDeniedPolicyReadsAreGapsAndLeaveThePolicyUnknown(t *testing.T) {
	fx := fixture(`ecr:
  repositories:
    - {name: secret, region: us-east-1, policy: {Statement: [{Effect: Allow, Principal: "*", Action: ecr:BatchGetImage}]}}
    - {name: open, region: us-east-1}`, `faults:
  - {service: ecr, api: GetRepositoryPolicy, resource: secret, error: AccessDenied}
  - {service: ecr, api: GetRegistryPolicy, error: AccessDenied}`)
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}}, ecr.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v (denials are gaps)", scan.Err)
	}
	if got := scan.Node(t, repoARN+"secret").Repository().Policy.State; got != graph.Unknown {
		t.Errorf("denied policy = %v, want unknown (not 'no policy')", got)
	}
	if got := scan.Node(t, repoARN+"open").Repository().Policy.State; got != graph.False {
		t.Errorf("other repository's policy = %v, want none", got)
	}
	reg := scan.Node(t, graph.RegistryID("us-east-1", "123456789012"))
	if reg.Registry().Policy.State != graph.Unknown {
		t.Errorf("registry policy = %v, want unknown", reg.Registry().Policy.State)
	}
	for api, res := range map[string]string{"GetRepositoryPolicy": "secret", "GetRegistryPolicy": ""} {
		gaps := scan.Gaps(api)
		if len(gaps) != 1 || gaps[0].Status != graph.GapDenied || gaps[0].Resource != res || gaps[0].Service != "ecr" || gaps[0].Region != "us-east-1" {
			t.Errorf("%s gaps = %+v, want one denied ecr gap in us-east-1 on %q", api, gaps, res)
		}
	}
	if eps := entryPoints(t, scan.Snapshot); len(eps) != 0 {
		t.Errorf("entry points = %+v, want none claimed from unread policies", eps)
	}
	var unknown []string
	for _, note := range graph.Resolve(scan.Snapshot).Notes {
		if note.Kind == graph.NoteUnknownExposure {
			unknown = append(unknown, note.Resource)
		}
	}
	if diff := cmp.Diff([]string{"arn:aws:ecr:us-east-1:123456789012:registry", repoARN + "secret"}, unknown); diff != "" {
		t.Errorf("unknown-exposure notes (-want +got):\n%s", diff)
	}
}

func TestThrottledCallsAreRetriedAndThrottledOutIsAGap(t *testing.T) {
	section := `ecr:
  repositories:
    - {name: busy, region: us-east-1, policy: {Statement: [{Effect: Allow, Principal: "*", Action: ecr:BatchGetImage}]}}`
	t.Run("retried", func(t *testing.T) {
		scan := collectortest.Run(t, fixture(section, `faults:
  - {service: ecr, api: GetRepositoryPolicy, resource: busy, error: Throttling, count: 2}
  - {service: ecr, api: DescribeRepositories, error: Throttling, count: 1}`), collectortest.Options{Regions: []string{"us-east-1"}}, ecr.New())
		if len(scan.Snapshot.Coverage) != 0 {
			t.Errorf("gaps = %+v, want none after retries", scan.Snapshot.Coverage)
		}
		if got := scan.Stats.Retries.Load(); got != 3 {
			t.Errorf("retries = %d, want 3", got)
		}
		if got := scan.Node(t, repoARN+"busy").Repository().Policy.State; got != graph.True {
			t.Errorf("policy = %v, want read after the retries", got)
		}
	})
	t.Run("throttled out", func(t *testing.T) {
		scan := collectortest.Run(t, fixture(section, `faults:
  - {service: ecr, api: GetRepositoryPolicy, resource: busy, error: Throttling}`), collectortest.Options{Regions: []string{"us-east-1"}, MaxAttempts: 2}, ecr.New())
		gaps := scan.Gaps("GetRepositoryPolicy")
		if len(gaps) != 1 || gaps[0].Status != graph.GapThrottled {
			t.Fatalf("gaps = %+v, want one throttled gap", gaps)
		}
		if got := scan.Node(t, repoARN+"busy").Repository().Policy.State; got != graph.Unknown {
			t.Errorf("policy = %v, want unknown", got)
		}
	})
}

func TestADeniedListingIsAGapAndNoRepositoryIsClaimed(t *testing.T) {
	fx := fixture(`ecr:
  repositories:
    - {name: app, region: us-east-1}`, `faults:
  - {service: ecr, api: DescribeRepositories, error: AccessDenied}`)
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}}, ecr.New())
	if gaps := scan.Gaps("DescribeRepositories"); len(gaps) != 1 || gaps[0].Status != graph.GapDenied {
		t.Errorf("gaps = %+v, want one denied DescribeRepositories gap", gaps)
	}
	for _, n := range scan.Snapshot.Nodes {
		if n.Kind == graph.KindECRRepository {
			t.Errorf("repository %s from a denied listing", n.ID)
		}
	}
}

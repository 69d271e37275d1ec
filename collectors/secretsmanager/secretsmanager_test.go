package secretsmanager_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/secretsmanager"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
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

const secretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:"

var east = []string{"us-east-1"}

func secrets(s *graph.Snapshot) map[string]graph.Node {
	out := map[string]graph.Node{}
	for _, n := range s.Nodes {
		if n.Kind == graph.KindSecret {
			out[n.Name] = n
		}
	}
	return out
}

func TestMoreThanAHundredSecretsAreListedOverSeveralPages(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("secretsmanager:\n  secrets:\n")
	const n = 150
	for i := range n {
		fmt.Fprintf(&sb, "    - {name: s-%04d, region: us-east-1, value: FAKE-SECRET-VALUE-%d}\n", i, i)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: east}, secretsmanager.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	if got := len(secrets(scan.Snapshot)); got != n {
		t.Errorf("secrets = %d, want %d", got, n)
	}
	calls := map[string]int64{}
	for op, c := range scan.Server.Stats().Calls {
		if strings.HasPrefix(op, "secretsmanager:") {
			calls[op] = c
		}
	}
	want := map[string]int64{"secretsmanager:ListSecrets": 2, "secretsmanager:GetResourcePolicy": n}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("calls (-want +got): a secret's value is never asked for, nor its description\n%s", diff)
	}
}

func TestASecretsPolicyKeyAndRotationAreReadButNeverItsValue(t *testing.T) {
	const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reporting"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	fx := fixture(`secretsmanager:
  secrets:
    - name: prod/reporting-db
      region: us-east-1
      arn_suffix: AbCdEf
      kms_key_id: alias/orders
      rotation_lambda_arn: "arn:aws:lambda:us-east-1:123456789012:function:rotate"
      rotation_rules: {automatically_after_days: 30}
      policy: '`+policy+`'
      value: FAKE-SECRET-VALUE-reporting
    - {name: plain, region: us-east-1, arn_suffix: XyZ123, value: FAKE-SECRET-VALUE-plain}
    - {name: stale, region: us-east-1, arn_suffix: Qwe456, rotation_lambda_arn: "arn:aws:lambda:us-east-1:123456789012:function:rotate", rotation_enabled: false}
    - {name: gone-soon, region: us-east-1, deleted: 2026-11-01T00:00:00Z}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: east}, secretsmanager.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	ss := secrets(scan.Snapshot)
	want := map[string]*graph.Secret{
		"prod/reporting-db": {Policy: graph.Present(policy, "secretsmanager:GetResourcePolicy"), KMSKeyID: "alias/orders", RotationEnabled: graph.True,
			RotationLambda: "arn:aws:lambda:us-east-1:123456789012:function:rotate"},
		"plain": {Policy: graph.Absent("secretsmanager:GetResourcePolicy"), RotationEnabled: graph.False},
		"stale": {Policy: graph.Absent("secretsmanager:GetResourcePolicy"), RotationEnabled: graph.False, RotationLambda: "arn:aws:lambda:us-east-1:123456789012:function:rotate"},
	}
	got := map[string]*graph.Secret{}
	for name, n := range ss {
		got[name] = n.Secret()
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("secrets (-want +got; one scheduled for deletion is left out):\n%s", diff)
	}
	if id := ss["prod/reporting-db"].ID; id != secretARN+"prod/reporting-db-AbCdEf" {
		t.Errorf("id = %s", id)
	}
	var edges []string
	for _, e := range scan.Snapshot.Edges {
		edges = append(edges, fmt.Sprintf("%s -%s/%s certain=%v-> %s", strings.TrimPrefix(e.From, secretARN), e.Kind, e.Via, e.Certainty, e.To))
	}
	slices.Sort(edges)
	wantEdges := []string{
		"prod/reporting-db-AbCdEf -triggers/rotation-function certain=true-> arn:aws:lambda:us-east-1:123456789012:function:rotate",
		"stale-Qwe456 -triggers/rotation-function certain=false-> arn:aws:lambda:us-east-1:123456789012:function:rotate",
	}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	raw, _ := json.Marshal(scan.Snapshot)
	if strings.Contains(string(raw), "FAKE-SECRET-VALUE") {
		t.Error("a secret value reached the snapshot")
	}
	for op := range scan.Server.Stats().Calls {
		if strings.Contains(op, "SecretValue") {
			t.Errorf("the scan called %s", op)
		}
	}
}

func TestFailedReadsAreGapsAndThePolicyStaysUnknown(t *testing.T) {
	cases := []struct {
		name     string
		fault    string
		attempts int
		gap      string
		want     graph.Tri
	}{
		{"a denied GetResourcePolicy leaves the policy unknown, never absent", "{service: secretsmanager, api: GetResourcePolicy, resource: db, error: AccessDenied}", 0,
			"secretsmanager GetResourcePolicy db denied", graph.Unknown},
		{"a throttled GetResourcePolicy is retried and succeeds without a gap", "{service: secretsmanager, api: GetResourcePolicy, resource: db, error: Throttling, count: 2}", 0,
			"", graph.True},
		{"a GetResourcePolicy throttled out is a throttled gap", "{service: secretsmanager, api: GetResourcePolicy, resource: db, error: Throttling}", 2,
			"secretsmanager GetResourcePolicy db throttled", graph.Unknown},
		{"a secret deleted after the listing is dropped without a gap", "{service: secretsmanager, api: GetResourcePolicy, resource: db, error: ResourceNotFoundException}", 0,
			"", graph.False},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := fixture(`secretsmanager:
  secrets:
    - {name: db, region: us-east-1, policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "111122223333"}, Action: "secretsmanager:GetSecretValue", Resource: "*"}]}}
    - {name: other, region: us-east-1}`, "faults:\n  - "+tc.fault)
			scan := collectortest.Run(t, fx, collectortest.Options{Regions: east, MaxAttempts: tc.attempts}, secretsmanager.New())
			if scan.Err != nil {
				t.Fatalf("scan: %v", scan.Err)
			}
			ss := secrets(scan.Snapshot)
			if o := ss["other"].Secret(); o == nil || o.Policy.State != graph.False {
				t.Errorf("other = %+v, want it read", o)
			}
			db, ok := ss["db"]
			switch {
			case tc.want == graph.False && ok:
				t.Errorf("db = %+v, want it dropped", db)
			case tc.want != graph.False && (!ok || db.Secret().Policy.State != tc.want):
				t.Errorf("db = %+v, want policy %v", db.Secret(), tc.want)
			}
			var gaps []string
			for _, g := range scan.Snapshot.Coverage {
				gaps = append(gaps, fmt.Sprintf("%s %s %s %s", g.Service, g.API, g.Resource, g.Status))
			}
			var want []string
			if tc.gap != "" {
				want = []string{tc.gap}
			}
			if diff := cmp.Diff(want, gaps); diff != "" {
				t.Errorf("gaps (-want +got):\n%s", diff)
			}
		})
	}
}

func TestADeniedListSecretsIsAGap(t *testing.T) {
	fx := fixture("secretsmanager:\n  secrets:\n    - {name: db, region: us-east-1}", "faults:\n  - {service: secretsmanager, api: ListSecrets, error: AccessDenied}")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: east}, secretsmanager.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	if len(secrets(scan.Snapshot)) != 0 || len(scan.Gaps("ListSecrets")) != 1 || scan.Gaps("ListSecrets")[0].Status != graph.GapDenied {
		t.Errorf("secrets %v, gaps %v: want none and one denied ListSecrets gap", secrets(scan.Snapshot), scan.Snapshot.Coverage)
	}
}

// One case per resource policy the Secrets Manager User Guide documents,
// scanned through the fake and judged by graph.Resolve.
func TestSecretExposureFollowsTheSecretsManagerUserGuide(t *testing.T) {
	const arn = secretARN + "db-AbCdEf"
	cases := []struct {
		name   string
		policy string
		want   []string
	}{
		{"Resource-based policies: a secret without one is readable only through its own account's IAM policies", "", nil},
		{"Permissions to AWS Secrets Manager secrets for users in a different account: another account's role may read it",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reporting"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`,
			[]string{"arn:aws:iam::111122223333:role/reporting -can-read/secret-policy/cross-account-> " + arn}},
		{"Resource-based policy examples, an organization's principals: every account of it may read",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`,
			[]string{"org:o-a1b2c3d4e5 -can-read/secret-policy/cross-account-> " + arn}},
		{"Block public access to secrets (BlockPublicPolicy rejects it when asked; an older policy can still be open): Principal * may read",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`,
			[]string{"aws:any-account -can-read/secret-policy/public-> " + arn}},
		{"Resource-based policy examples, deny unless the own account: an explicit Deny on the other account wins",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"secretsmanager:GetSecretValue","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"secretsmanager:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"123456789012"}}}]}`,
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			section := "secretsmanager:\n  secrets:\n    - {name: db, region: us-east-1, arn_suffix: AbCdEf}"
			if tc.policy != "" {
				section = "secretsmanager:\n  secrets:\n    - {name: db, region: us-east-1, arn_suffix: AbCdEf, policy: '" + tc.policy + "'}"
			}
			scan := collectortest.Run(t, fixture(section, ""), collectortest.Options{Regions: east}, secretsmanager.New())
			if scan.Err != nil {
				t.Fatalf("scan: %v", scan.Err)
			}
			var got []string
			for _, e := range graph.Resolve(scan.Snapshot).Edges {
				if e.Kind.IsAccess() && e.Exposure != policy.Internal {
					got = append(got, fmt.Sprintf("%s -%s/%s/%s-> %s", e.From, e.Kind, e.Via, e.Exposure, e.To))
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("access edges (-want +got):\n%s", diff)
			}
		})
	}
}

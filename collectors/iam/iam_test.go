package iam_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/iam"
	"github.com/trustmap/trustmap/graph"
)

const account = "123456789012"

func fixture(section, extra string) string {
	return fmt.Sprintf(`
accounts:
  - id: "123456789012"
    access_keys: [AKIATEST000000000001]
    regions: [us-east-1]
%s
%s
`, collectortest.Indent(section, "    "), extra)
}

// collector returns the IAM collector with short report waits for tests.
func collector() *iam.Collector {
	c := iam.New()
	c.ReportWait = 10 * time.Millisecond
	return c
}

func arn(kind, name string) string { return "arn:aws:iam::" + account + ":" + kind + "/" + name }

// The trust policy holds characters that URL encoding changes: spaces,
// slashes, colons, a plus sign and a percent sign.
const trust = `{"Version": "2012-10-17", "Statement": [{"Sid": "CI + deploy", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci/deployer"}, "Action": "sts:AssumeRole", "Condition": {"StringLike": {"sts:ExternalId": "100%-ours"}}}]}`

// The inline policy holds a plus sign and no percent sign, so a document
// that arrived without URL encoding would be caught (its "+" would decode
// to a space).
const inlinePolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-data/a+b/*"}]}`

const localPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`

var people = `iam:
  roles:
    - name: deployer
      path: /ci/
      id: AROAEXAMPLEID000001
      created: 2024-01-07T10:00:00Z
      trust_policy: '` + trust + `'
      inline_policies: {read-data: '` + inlinePolicy + `'}
      attached_policies: [arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::123456789012:policy/send]
      last_used: {date: 2024-06-01T00:00:00Z, region: us-east-1}
  users:
    - name: ci
      id: AIDAEXAMPLEID000001
      created: 2019-01-01T00:00:00Z
      attached_policies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
      groups: [admins]
      mfa_active: false
      password_enabled: false
      access_keys:
        - {id: AKIAOLDKEY000000AAAA, status: Active, created: 2019-01-01T00:00:00Z, last_used: 2020-02-02T00:00:00Z, last_used_service: s3, last_used_region: us-east-1}
        - {id: AKIANEVERUSED000BBBB, status: Inactive, created: 2024-03-03T00:00:00Z}
    - name: alice
      id: AIDAEXAMPLEID000002
      created: 2023-01-01T00:00:00Z
      mfa_active: true
      password_enabled: true
  groups:
    - {name: admins, id: AGPAEXAMPLEID000001, attached_policies: [arn:aws:iam::aws:policy/ReadOnlyAccess]}
  policies:
    - {name: send, arn: "arn:aws:iam::123456789012:policy/send", default_version: v1, document: '` + localPolicy + `'}
`

var keyIDs = []string{"AKIAOLDKEY000000AAAA", "AKIANEVERUSED000BBBB"}

func jsonEqual(t *testing.T, what, want, got string) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: test document: %v", what, err)
	}
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Errorf("%s is not valid JSON (%v): %s", what, err, got)
		return
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

func TestRolesUsersGroupsAndPolicies(t *testing.T) {
	scan := collectortest.Run(t, fixture(people, ""), collectortest.Options{}, collector())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage gaps = %+v, want none", scan.Snapshot.Coverage)
	}
	t.Run("a role's trust and inline policies are URL-decoded", func(t *testing.T) {
		n := scan.Node(t, "arn:aws:iam::123456789012:role/ci/deployer")
		r := n.Role()
		if n.Kind != graph.KindIAMRole || r.TrustPolicy.State != graph.True {
			t.Fatalf("role = %+v", n)
		}
		jsonEqual(t, "trust policy", trust, r.TrustPolicy.Text)
		jsonEqual(t, "inline policy", inlinePolicy, r.InlinePolicies["read-data"])
		want := graph.IAMRole{RoleID: "AROAEXAMPLEID000001", Path: "/ci/", CreatedAt: time.Date(2024, 1, 7, 10, 0, 0, 0, time.UTC),
			AttachedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/send"},
			LastUsed:         time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), PoliciesKnown: graph.True}
		got := *r
		got.TrustPolicy, got.InlinePolicies = graph.Doc{}, nil
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("role (-want +got):\n%s", diff)
		}
	})
	t.Run("a customer-managed policy holds its default version's document", func(t *testing.T) {
		p := scan.Node(t, "arn:aws:iam::123456789012:policy/send").Policy()
		if p.DefaultVersion != "v1" || p.AWSManaged {
			t.Errorf("policy = %+v", p)
		}
		jsonEqual(t, "document", localPolicy, p.Document)
	})
	t.Run("an AWS-managed policy attached three times is read once", func(t *testing.T) {
		p := scan.Node(t, "arn:aws:iam::aws:policy/ReadOnlyAccess").Policy()
		if !p.AWSManaged || p.DefaultVersion == "" || !json.Valid([]byte(p.Document)) {
			t.Errorf("policy = %+v, want an AWS-managed policy with a valid document", p)
		}
		calls := scan.Server.Stats().Calls
		if calls["iam:GetPolicy"] != 1 || calls["iam:GetPolicyVersion"] != 1 {
			t.Errorf("GetPolicy %d, GetPolicyVersion %d calls, want 1 each (calls: %v)", calls["iam:GetPolicy"], calls["iam:GetPolicyVersion"], calls)
		}
	})
	t.Run("a user is a member of its group", func(t *testing.T) {
		var got []string
		for _, e := range scan.Snapshot.Edges {
			if e.Kind == graph.EdgeMemberOf {
				got = append(got, e.From+" -> "+e.To)
			}
		}
		if diff := cmp.Diff([]string{arn("user", "ci") + " -> " + arn("group", "admins")}, got); diff != "" {
			t.Errorf("member-of edges (-want +got):\n%s", diff)
		}
		if g := scan.Node(t, arn("group", "admins")); g.Kind != graph.KindIAMGroup || g.Group() == nil {
			t.Errorf("group = %+v", g)
		}
	})
}

func TestTheCredentialReportGivesPasswordsMFAAndKeys(t *testing.T) {
	scan := collectortest.Run(t, fixture(people, ""), collectortest.Options{}, collector())
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage gaps = %+v, want none", scan.Snapshot.Coverage)
	}
	cases := []struct {
		name string
		id   string
		want any
		got  func(graph.Node) any
	}{
		{"a user without MFA or password", arn("user", "ci"),
			[]graph.Tri{graph.False, graph.False, graph.True, graph.True},
			func(n graph.Node) any {
				return []graph.Tri{n.User().MFAActive, n.User().PasswordEnabled, n.User().KeysKnown, n.User().PoliciesKnown}
			}},
		{"a user with MFA and a password", arn("user", "alice"),
			[]graph.Tri{graph.True, graph.True, graph.True, graph.True},
			func(n graph.Node) any {
				return []graph.Tri{n.User().MFAActive, n.User().PasswordEnabled, n.User().KeysKnown, n.User().PoliciesKnown}
			}},
		{"an old active key, last used years ago", arn("user", "ci") + "/access-key/1",
			graph.AccessKey{User: "ci", Status: "Active", CreatedAt: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC),
				LastUsed: time.Date(2020, 2, 2, 0, 0, 0, 0, time.UTC), LastUsedService: "s3", LastUsedKnown: graph.True},
			func(n graph.Node) any { return *n.AccessKey() }},
		{"an inactive key that was never used", arn("user", "ci") + "/access-key/2",
			graph.AccessKey{User: "ci", Status: "Inactive", CreatedAt: time.Date(2024, 3, 3, 0, 0, 0, 0, time.UTC), LastUsedKnown: graph.True},
			func(n graph.Node) any { return *n.AccessKey() }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got(scan.Node(t, tc.id))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("each key hangs off its user", func(t *testing.T) {
		var got []string
		for _, e := range scan.Snapshot.Edges {
			if e.Kind == graph.EdgeHasKey {
				got = append(got, e.From+" -> "+e.To)
			}
		}
		want := []string{arn("user", "ci") + " -> " + arn("user", "ci") + "/access-key/1", arn("user", "ci") + " -> " + arn("user", "ci") + "/access-key/2"}
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("has-key edges (-want +got):\n%s", diff)
		}
	})
	t.Run("the root account's row becomes a root user node", func(t *testing.T) {
		root := scan.Node(t, "arn:aws:iam::123456789012:root")
		want := graph.IAMUser{MFAActive: graph.False, PasswordEnabled: graph.Unknown, KeysKnown: graph.True}
		if diff := cmp.Diff(want, *root.User()); diff != "" || root.Kind != graph.KindIAMUser {
			t.Errorf("root %s (-want +got):\n%s", root.Kind, diff)
		}
	})
	t.Run("no per-user key reads were needed", func(t *testing.T) {
		calls := scan.Server.Stats().Calls
		if calls["iam:ListAccessKeys"] != 0 || calls["iam:GetAccessKeyLastUsed"] != 0 {
			t.Errorf("calls = %v, want no ListAccessKeys or GetAccessKeyLastUsed", calls)
		}
	})
	assertNoSecrets(t, scan.Snapshot)
}

func TestADeniedReportFallsBackToPerUserReads(t *testing.T) {
	extra := `faults:
  - {service: iam, api: GenerateCredentialReport, error: AccessDenied}
  - {service: iam, api: GetCredentialReport, error: AccessDenied}`
	scan := collectortest.Run(t, fixture(people, extra), collectortest.Options{}, collector())
	for _, api := range []string{"GenerateCredentialReport", "GetCredentialReport"} {
		if gaps := scan.Gaps(api); len(gaps) != 1 || gaps[0].Status != graph.GapDenied {
			t.Errorf("%s gaps = %+v, want one denied gap", api, gaps)
		}
	}
	ci := scan.Node(t, arn("user", "ci")).User()
	if ci.KeysKnown != graph.True || ci.MFAActive != graph.Unknown || ci.PasswordEnabled != graph.Unknown {
		t.Errorf("user = %+v, want keys known, MFA and password unknown", ci)
	}
	cases := []struct {
		name string
		slot int
		want graph.Node
	}{
		{"the older key takes slot 1 and carries a masked id", 1, graph.Node{
			ID: arn("user", "ci") + "/access-key/1", Kind: graph.KindAccessKey, Name: "AKIA…AAAA", Account: account,
			Attrs: &graph.AccessKey{User: "ci", Status: "Active", CreatedAt: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC),
				LastUsed: time.Date(2020, 2, 2, 0, 0, 0, 0, time.UTC), LastUsedService: "s3", LastUsedKnown: graph.True}}},
		{"the never-used key takes slot 2", 2, graph.Node{
			ID: arn("user", "ci") + "/access-key/2", Kind: graph.KindAccessKey, Name: "AKIA…BBBB", Account: account,
			Attrs: &graph.AccessKey{User: "ci", Status: "Inactive", CreatedAt: time.Date(2024, 3, 3, 0, 0, 0, 0, time.UTC), LastUsedKnown: graph.True}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, scan.Node(t, tc.want.ID)); diff != "" {
				t.Errorf("key (-want +got):\n%s", diff)
			}
		})
	}
	assertNoSecrets(t, scan.Snapshot)
}

func TestFailedReadsBecomeGapsAndUnknownFacts(t *testing.T) {
	t.Run("a denied GetAccountAuthorizationDetails leaves users' policies unknown", func(t *testing.T) {
		extra := `faults:
  - {service: iam, api: GetAccountAuthorizationDetails, error: AccessDenied}`
		scan := collectortest.Run(t, fixture(people, extra), collectortest.Options{}, collector())
		if gaps := scan.Gaps("GetAccountAuthorizationDetails"); len(gaps) != 1 || gaps[0].Status != graph.GapDenied {
			t.Errorf("gaps = %+v, want one denied gap", gaps)
		}
		for _, n := range scan.Snapshot.Nodes {
			if n.Kind == graph.KindIAMRole || n.Kind == graph.KindIAMGroup {
				t.Errorf("node %s came from nowhere", n.ID)
			}
		}
		u := scan.Node(t, arn("user", "ci")).User()
		if u.PoliciesKnown != graph.Unknown || u.KeysKnown != graph.True {
			t.Errorf("user = %+v, want policies unknown, keys known from the report", u)
		}
	})
	t.Run("a denied GetPolicy leaves the AWS-managed policy out, with a gap", func(t *testing.T) {
		extra := `faults:
  - {service: iam, api: GetPolicy, error: AccessDenied}`
		scan := collectortest.Run(t, fixture(people, extra), collectortest.Options{}, collector())
		gaps := scan.Gaps("GetPolicy")
		if len(gaps) != 1 || gaps[0].Resource != "arn:aws:iam::aws:policy/ReadOnlyAccess" || gaps[0].Status != graph.GapDenied {
			t.Errorf("gaps = %+v, want one denied gap naming the policy", gaps)
		}
		for _, n := range scan.Snapshot.Nodes {
			if n.ID == "arn:aws:iam::aws:policy/ReadOnlyAccess" {
				t.Errorf("node %+v, want none for a policy that could not be read", n)
			}
		}
	})
	t.Run("a denied GetAccessKeyLastUsed leaves last use unknown and names no key id", func(t *testing.T) {
		extra := `faults:
  - {service: iam, api: GetCredentialReport, error: AccessDenied}
  - {service: iam, api: GetAccessKeyLastUsed, error: AccessDenied}`
		scan := collectortest.Run(t, fixture(people, extra), collectortest.Options{}, collector())
		k := scan.Node(t, arn("user", "ci")+"/access-key/1").AccessKey()
		if k.LastUsedKnown != graph.Unknown {
			t.Errorf("last used known = %v, want unknown", k.LastUsedKnown)
		}
		if gaps := scan.Gaps("GetAccessKeyLastUsed"); len(gaps) != 2 {
			t.Errorf("gaps = %+v, want two (one per key)", gaps)
		}
		assertNoSecrets(t, scan.Snapshot)
	})
}

func TestThrottledCallsAreRetriedAndSucceed(t *testing.T) {
	extra := `faults:
  - {service: iam, api: GetAccountAuthorizationDetails, error: Throttling, count: 2}`
	scan := collectortest.Run(t, fixture(people, extra), collectortest.Options{}, collector())
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage gaps = %+v, want none after retries", scan.Snapshot.Coverage)
	}
	if got := scan.Stats.Retries.Load(); got != 2 {
		t.Errorf("retries = %d, want 2", got)
	}
	if r := scan.Node(t, "arn:aws:iam::123456789012:role/ci/deployer").Role(); r.PoliciesKnown != graph.True {
		t.Errorf("role policies known = %v, want true", r.PoliciesKnown)
	}
}

func TestAuthorizationDetailsOverSeveralPages(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("iam:\n  roles:\n")
	const roles = 1500
	for i := range roles {
		fmt.Fprintf(&sb, "    - {name: role-%04d, trust_policy: {Version: \"2012-10-17\", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: \"sts:AssumeRole\"}]}}\n", i)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{}, collector())
	seen := 0
	for _, n := range scan.Snapshot.Nodes {
		if n.Kind == graph.KindIAMRole {
			seen++
		}
	}
	if seen != roles {
		t.Errorf("roles = %d, want %d", seen, roles)
	}
	if calls := scan.Server.Stats().Calls["iam:GetAccountAuthorizationDetails"]; calls < 2 {
		t.Errorf("GetAccountAuthorizationDetails calls = %d, want 2 or more pages", calls)
	}
}

// assertNoSecrets fails when any access key id, the test secret, or a
// credential report header appears anywhere in the snapshot JSON.
func assertNoSecrets(t *testing.T, s *graph.Snapshot) {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, secret := range append(slices.Clone(keyIDs), "AKIATEST000000000001", "test-secret", "access_key_1_active", "password_last_changed") {
		if bytes.Contains(buf.Bytes(), []byte(secret)) {
			t.Errorf("snapshot holds %q", secret)
		}
	}
}

func TestAReportThatNeverBecomesReadyIsWaitedForABoundedTime(t *testing.T) {
	extra := `faults:
  - {service: iam, api: GetCredentialReport, error: ReportInProgress}`
	c := collector()
	c.ReportTries = 3
	scan := collectortest.Run(t, fixture(people, extra), collectortest.Options{}, c)
	gaps := scan.Gaps("GetCredentialReport")
	if len(gaps) != 1 || gaps[0].Status != graph.GapTimeout {
		t.Errorf("gaps = %+v, want one timeout gap", gaps)
	}
	calls := scan.Server.Stats().Calls
	if calls["iam:GenerateCredentialReport"] != 3 {
		t.Errorf("GenerateCredentialReport calls = %d, want 3 tries", calls["iam:GenerateCredentialReport"])
	}
	if k := scan.Node(t, arn("user", "ci")+"/access-key/1"); k.Name != "AKIA…AAAA" {
		t.Errorf("key = %+v, want one read per user after the report never came", k)
	}
}

// GetAccountAuthorizationDetails returns each role's and user's tags
// (RoleDetail.Tags, UserDetail.Tags in the IAM API reference): the ones
// business context reads (a data classification level) are kept on the
// nodes without a ListRoleTags or ListUserTags call; any other value may be
// a token (docs/SECURITY.md) and is dropped.
func TestTagsComeWithTheAuthorizationDetails(t *testing.T) {
	tagged := strings.Replace(people, "      last_used: {date: 2024-06-01T00:00:00Z, region: us-east-1}\n",
		"      last_used: {date: 2024-06-01T00:00:00Z, region: us-east-1}\n      tags: {threatmodel-id: deployer, token: s3cr3t, classification: Confidential}\n", 1)
	tagged = strings.Replace(tagged, "      mfa_active: true\n", "      mfa_active: true\n      tags: {data-classification: restricted}\n", 1)
	scan := collectortest.Run(t, fixture(tagged, ""), collectortest.Options{}, collector())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	for id, want := range map[string]map[string]string{
		"arn:aws:iam::123456789012:role/ci/deployer": {"classification": "Confidential"},
		"arn:aws:iam::123456789012:user/alice":       {"data-classification": "restricted"},
		"arn:aws:iam::123456789012:user/ci":          nil,
	} {
		if diff := cmp.Diff(want, scan.Node(t, id).Tags); diff != "" {
			t.Errorf("%s tags (-want +got):\n%s", id, diff)
		}
	}
	for api, n := range scan.Server.Stats().Calls {
		if strings.Contains(api, "Tags") && n > 0 {
			t.Errorf("%d %s calls: the tags come with GetAccountAuthorizationDetails", n, api)
		}
	}
}

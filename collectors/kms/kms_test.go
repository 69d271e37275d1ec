package kms_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/kms"
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
	keyID  = "1234abcd-12ab-34cd-56ef-1234567890ab"
	keyARN = "arn:aws:kms:us-east-1:123456789012:key/" + keyID
)

var east = []string{"us-east-1"}

// keys are the snapshot's keys by key id (their names are their aliases).
func keys(s *graph.Snapshot) map[string]graph.Node {
	out := map[string]graph.Node{}
	for _, n := range s.Nodes {
		if n.Kind == graph.KindKMSKey {
			out[n.ID[strings.LastIndexByte(n.ID, '/')+1:]] = n
		}
	}
	return out
}

func uuid(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

func TestKeysAliasesAndGrantsBeyondOnePageAreListedOverSeveralPages(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("kms:\n  keys:\n")
	const n, grants, aliases = 1001, 120, 130
	for i := range n {
		fmt.Fprintf(&sb, "    - {id: %s, region: us-east-1}\n", uuid(i))
	}
	fmt.Fprintf(&sb, "    - id: %s\n      region: us-east-1\n      grants:\n", keyID)
	for i := range grants {
		fmt.Fprintf(&sb, "        - {name: g%03d, grantee_principal: \"arn:aws:iam::123456789012:role/r%03d\", operations: [Decrypt]}\n", i, i)
	}
	sb.WriteString("  aliases:\n")
	for i := range aliases {
		fmt.Fprintf(&sb, "    - {name: alias/a%03d, region: us-east-1, target: %s}\n", i, uuid(i))
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: east}, kms.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	ks := keys(scan.Snapshot)
	if len(ks) != n+1 {
		t.Fatalf("keys = %d, want %d", len(ks), n+1)
	}
	if k := ks[keyID].Key(); len(k.Grants) != grants || k.GrantsKnown != graph.True {
		t.Errorf("grants of %s = %d (known %v), want %d", keyID, len(k.Grants), k.GrantsKnown, grants)
	}
	if a := ks[uuid(129)].Key().Aliases; !slices.Equal(a, []string{"alias/a129"}) {
		t.Errorf("aliases of the 130th key = %v, want the alias from ListAliases' second page", a)
	}
	calls := scan.Server.Stats().Calls
	want := map[string]int64{"kms:ListKeys": 2, "kms:ListAliases": 2, "kms:DescribeKey": n + 1, "kms:GetKeyPolicy": n + 1, "kms:ListGrants": n + 2}
	for op, w := range want {
		if calls[op] != w {
			t.Errorf("%s calls = %d, want %d", op, calls[op], w)
		}
	}
}

func TestKeyMetadataPolicyGrantsAndAliasesAreRead(t *testing.T) {
	fx := fixture(`kms:
  keys:
    - id: `+keyID+`
      region: us-east-1
      grants:
        - {id: `+strings.Repeat("a", 64)+`, name: partner-decrypt, grantee_principal: "arn:aws:iam::111122223333:role/reader",
           retiring_principal: "arn:aws:iam::123456789012:role/key-admin", operations: [Decrypt, DescribeKey],
           constraints: {encryption_context_subset: {Department: orders}}}
    - {id: 9abcabcd-12ab-34cd-56ef-1234567890ab, region: us-east-1, aws_service: secretsmanager}
    - {id: 5678abcd-12ab-34cd-56ef-1234567890ab, region: us-east-1, state: PendingDeletion, deletion_date: 2026-12-01T00:00:00Z, pending_window_days: 7}
  aliases:
    - {name: alias/orders, region: us-east-1, target: `+keyID+`}
    - {name: alias/aws/sns, region: us-east-1}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: east}, kms.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	ks := keys(scan.Snapshot)
	k := ks[keyID]
	if k.ID != keyARN || k.Name != "orders" || k.Account != "123456789012" || k.Region != "us-east-1" {
		t.Errorf("key node %s in %s/%s", k.ID, k.Account, k.Region)
	}
	want := &graph.KMSKey{
		Policy: k.Key().Policy, Manager: "CUSTOMER", State: "Enabled", Usage: "ENCRYPT_DECRYPT", Spec: "SYMMETRIC_DEFAULT", DescribeKnown: graph.True,
		Aliases: []string{"alias/orders"}, GrantsKnown: graph.True,
		Grants: []graph.KMSGrant{{ID: strings.Repeat("a", 64), Name: "partner-decrypt", Grantee: "arn:aws:iam::111122223333:role/reader",
			Retiring: "arn:aws:iam::123456789012:role/key-admin", Issuing: "arn:aws:iam::123456789012:root", Operations: []string{"Decrypt", "DescribeKey"},
			Constraints: []string{"kms:EncryptionContext:Department = orders (subset)"}}},
	}
	if diff := cmp.Diff(want, k.Key()); diff != "" {
		t.Errorf("key (-want +got):\n%s", diff)
	}
	if k.Key().Policy.State != graph.True || !strings.Contains(k.Key().Policy.Text, "Enable IAM User Permissions") {
		t.Errorf("policy = %+v, want KMS's default key policy", k.Key().Policy)
	}
	if m := ks["9abcabcd-12ab-34cd-56ef-1234567890ab"]; m.Name != "aws/secretsmanager" || m.Key().Manager != "AWS" || !slices.Contains(m.Key().Aliases, "alias/aws/secretsmanager") ||
		!strings.Contains(m.Key().Policy.Text, "kms:ViaService") {
		t.Errorf("AWS managed key = %+v", m)
	}
	if d := ks["5678abcd-12ab-34cd-56ef-1234567890ab"].Key(); d.State != "PendingDeletion" || d.Usable() != graph.False {
		t.Errorf("pending key = %+v, want not usable", d)
	}
	for _, n := range scan.Snapshot.Nodes {
		if n.Kind != graph.KindKMSKey && n.Kind != graph.KindAccount {
			t.Errorf("unexpected node %s (%s): an alias without a key makes none", n.ID, n.Kind)
		}
	}
}

func TestReadsTheKeyPolicyDeniesAreGapsNotAbsence(t *testing.T) {
	cases := []struct {
		name     string
		key      string
		fault    string
		attempts int
		gaps     []string
		check    func(t *testing.T, k *graph.KMSKey)
	}{
		{"a key policy that does not let the scanner read it or its grants leaves both unknown",
			"{id: " + keyID + ", region: us-east-1, denied_reads: [GetKeyPolicy, ListGrants]}", "", 0,
			[]string{"kms GetKeyPolicy " + keyID + " denied", "kms ListGrants " + keyID + " denied"},
			func(t *testing.T, k *graph.KMSKey) {
				if k.Policy.State != graph.Unknown || k.GrantsKnown != graph.Unknown || k.DescribeKnown != graph.True {
					t.Errorf("key = %+v, want policy and grants unknown, metadata read", k)
				}
			}},
		{"a denied DescribeKey leaves the key's state unknown", "{id: " + keyID + ", region: us-east-1, denied_reads: [DescribeKey]}", "", 0,
			[]string{"kms DescribeKey " + keyID + " denied"},
			func(t *testing.T, k *graph.KMSKey) {
				if k.DescribeKnown != graph.Unknown || k.Usable() != graph.Unknown || k.Policy.State != graph.True {
					t.Errorf("key = %+v, want its state unknown", k)
				}
			}},
		{"a throttled GetKeyPolicy is retried and succeeds without a gap", "{id: " + keyID + ", region: us-east-1}",
			"{service: kms, api: GetKeyPolicy, resource: " + keyID + ", error: Throttling, count: 2}", 0, nil,
			func(t *testing.T, k *graph.KMSKey) {
				if k.Policy.State != graph.True {
					t.Errorf("key = %+v, want the policy read", k)
				}
			}},
		{"a ListGrants throttled out is a throttled gap", "{id: " + keyID + ", region: us-east-1}",
			"{service: kms, api: ListGrants, resource: " + keyID + ", error: Throttling}", 2, []string{"kms ListGrants " + keyID + " throttled"},
			func(t *testing.T, k *graph.KMSKey) {
				if k.GrantsKnown != graph.Unknown {
					t.Errorf("key = %+v, want its grants unknown", k)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			extra := ""
			if tc.fault != "" {
				extra = "faults:\n  - " + tc.fault
			}
			scan := collectortest.Run(t, fixture("kms:\n  keys:\n    - "+tc.key+"\n    - {id: "+uuid(7)+", region: us-east-1}", extra),
				collectortest.Options{Regions: east, MaxAttempts: tc.attempts}, kms.New())
			if scan.Err != nil {
				t.Fatalf("scan: %v", scan.Err)
			}
			ks := keys(scan.Snapshot)
			if o := ks[uuid(7)].Key(); o == nil || o.Policy.State != graph.True || o.GrantsKnown != graph.True {
				t.Errorf("other key = %+v, want it read", o)
			}
			tc.check(t, ks[keyID].Key())
			var gaps []string
			for _, g := range scan.Snapshot.Coverage {
				gaps = append(gaps, fmt.Sprintf("%s %s %s %s", g.Service, g.API, g.Resource, g.Status))
			}
			slices.Sort(gaps)
			if diff := cmp.Diff(tc.gaps, gaps); diff != "" {
				t.Errorf("gaps (-want +got):\n%s", diff)
			}
			if tc.fault != "" && tc.gaps == nil && scan.Stats.Retries.Load() != 2 {
				t.Errorf("retries = %d, want 2", scan.Stats.Retries.Load())
			}
		})
	}
}

func TestADeniedListKeysIsAGap(t *testing.T) {
	fx := fixture("kms:\n  keys:\n    - {id: "+keyID+", region: us-east-1}", "faults:\n  - {service: kms, api: ListKeys, error: AccessDenied}")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: east}, kms.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	if len(keys(scan.Snapshot)) != 0 || len(scan.Gaps("ListKeys")) != 1 || scan.Gaps("ListKeys")[0].Status != graph.GapDenied {
		t.Errorf("keys %v, gaps %v: want none and one denied ListKeys gap", keys(scan.Snapshot), scan.Snapshot.Coverage)
	}
}

// One case per key policy and grant the KMS Developer Guide documents,
// scanned through the fake and judged by graph.Resolve.
func TestKeyExposureFollowsTheKMSDeveloperGuide(t *testing.T) {
	cases := []struct {
		name  string
		key   string
		want  []string
		notes []string
	}{
		{"Default key policy: the account root delegates to IAM, not an external grant",
			"{id: " + keyID + ", region: us-east-1}", nil, nil},
		{"Allowing users in other accounts to use a KMS key: the external account's root may decrypt",
			"{id: " + keyID + ", region: us-east-1, policy: {Version: \"2012-10-17\", Statement: [{Sid: External, Effect: Allow, Principal: {AWS: \"arn:aws:iam::111122223333:root\"}, Action: [kms:Decrypt, kms:DescribeKey], Resource: \"*\"}]}}",
			[]string{"account:111122223333 -can-read/key-policy/cross-account"}, nil},
		{"AWS KMS condition keys, kms:ViaService: the service alone limits no caller, so Principal * through S3 is public",
			"{id: " + keyID + ", region: us-east-1, policy: {Version: \"2012-10-17\", Statement: [{Effect: Allow, Principal: {AWS: \"*\"}, Action: kms:Decrypt, Resource: \"*\", Condition: {StringEquals: {\"kms:ViaService\": s3.us-east-1.amazonaws.com}}}]}}",
			[]string{"aws:any-account -can-read/key-policy/public"}, nil},
		{"AWS KMS condition keys, kms:CallerAccount: Principal * pinned to the owner through a service is internal",
			"{id: " + keyID + ", region: us-east-1, policy: {Version: \"2012-10-17\", Statement: [{Effect: Allow, Principal: {AWS: \"*\"}, Action: kms:Decrypt, Resource: \"*\", Condition: {StringEquals: {\"kms:ViaService\": s3.us-east-1.amazonaws.com, \"kms:CallerAccount\": \"123456789012\"}}}]}}",
			[]string{"account:123456789012 -can-read/key-policy/internal"}, nil},
		{"AWS managed keys: the policy AWS writes lets only the owner account use the key through its service",
			"{id: " + keyID + ", region: us-east-1, aws_service: secretsmanager}",
			[]string{"account:123456789012 -can-access/key-policy/internal", "account:123456789012 -can-administer/key-policy/internal", "account:123456789012 -can-read/key-policy/internal"}, nil},
		{"Grants in AWS KMS: a grant to another account's role is a cross-account way in",
			"{id: " + keyID + ", region: us-east-1, grants: [{name: partner, grantee_principal: \"arn:aws:iam::111122223333:role/reader\", operations: [Decrypt]}]}",
			[]string{"arn:aws:iam::111122223333:role/reader -can-read/kms-grant/cross-account"}, nil},
		{"Grants in AWS KMS: a grant to the owner's own role is internal",
			"{id: " + keyID + ", region: us-east-1, grants: [{name: app, grantee_principal: \"arn:aws:iam::123456789012:role/app\", operations: [Encrypt]}]}",
			[]string{"arn:aws:iam::123456789012:role/app -can-access/kms-grant/internal"}, nil},
		{"Key policies, when the scanner may not read the key policy or grants: exposure unknown, not internal",
			"{id: " + keyID + ", region: us-east-1, denied_reads: [GetKeyPolicy, ListGrants]}",
			nil, []string{"unknown-exposure key-policy", "unknown-exposure kms-grant"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			scan := collectortest.Run(t, fixture("kms:\n  keys:\n    - "+tc.key, ""), collectortest.Options{Regions: east}, kms.New())
			if scan.Err != nil {
				t.Fatalf("scan: %v", scan.Err)
			}
			g := graph.Resolve(scan.Snapshot)
			var got, notes []string
			for _, e := range g.Edges {
				if e.Kind.IsAccess() && e.To == keyARN {
					got = append(got, fmt.Sprintf("%s -%s/%s/%s", e.From, e.Kind, e.Via, e.Exposure))
				}
			}
			for _, n := range g.Notes {
				notes = append(notes, string(n.Kind)+" "+n.Via.String())
			}
			slices.Sort(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("access edges (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.notes, notes); diff != "" {
				t.Errorf("notes (-want +got):\n%s", diff)
			}
		})
	}
}

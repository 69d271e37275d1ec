package organizations_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/organizations"
	"github.com/trustmap/trustmap/collectors/s3"
	"github.com/trustmap/trustmap/graph"
)

const self = "123456789012"

// fixture is a one-account world; org is the account's organization
// section (may be empty) and extra holds top-level faults.
func fixture(org, extra string) string {
	return fmt.Sprintf(`
accounts:
  - id: "%s"
    access_keys: [AKIATEST000000000001]
    caller_arn: arn:aws:iam::%s:user/auditor
    regions: [us-east-1]
%s
    s3:
      public_access_block: {block_public_acls: true, ignore_public_acls: true, block_public_policy: true, restrict_public_buckets: true}
%s
`, self, self, org, extra)
}

// organization returns an organization section with the given management
// account and members (the scanned account is always one of them).
func organization(management string, members int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "    organization:\n      id: o-a1b2c3d4e5\n      master_account_id: \"%s\"\n      accounts:\n", management)
	fmt.Fprintf(&sb, "        - {id: \"%s\", name: scanned, email: s@example.com, status: ACTIVE}\n", self)
	for i := 1; i < members; i++ {
		fmt.Fprintf(&sb, "        - {id: \"%012d\", name: member-%d, email: m%d@example.com, status: ACTIVE}\n", 200000000000+i, i, i)
	}
	return sb.String()
}

func memberIDs(n int) []string {
	ids := []string{self}
	for i := 1; i < n; i++ {
		ids = append(ids, fmt.Sprintf("%012d", 200000000000+i))
	}
	return ids
}

// orgFacts is the part of AccountInfo this collector owns.
type orgFacts struct {
	Known      graph.Tri
	OrgID      string
	Management string
	Accounts   []string
}

func TestOrganizationMembership(t *testing.T) {
	cases := []struct {
		name      string
		org       string
		faults    string
		want      orgFacts
		wantGaps  map[string]graph.GapStatus
		wantCalls map[string]int
		retries   int64
	}{
		{
			name: "the management account reads its organization and every member over several pages",
			org:  organization(self, 25), // two pages of 20
			want: orgFacts{graph.True, "o-a1b2c3d4e5", self, memberIDs(25)},
			wantCalls: map[string]int{
				"organizations:DescribeOrganization": 1, "organizations:ListAccounts": 2,
			},
		},
		{
			name:      "an account in no organization is known to be in none",
			want:      orgFacts{Known: graph.True},
			wantCalls: map[string]int{"organizations:DescribeOrganization": 1, "organizations:ListAccounts": 0},
		},
		{
			name:     "a member account learns its organization and records the expected ListAccounts denial as a gap",
			org:      organization("111122223333", 3),
			want:     orgFacts{graph.True, "o-a1b2c3d4e5", "111122223333", nil},
			wantGaps: map[string]graph.GapStatus{"ListAccounts": graph.GapDenied},
		},
		{
			name:      "a denied DescribeOrganization leaves the membership unknown",
			org:       organization(self, 3),
			faults:    "faults:\n  - {service: organizations, api: DescribeOrganization, error: AccessDenied}",
			want:      orgFacts{Known: graph.Unknown},
			wantGaps:  map[string]graph.GapStatus{"DescribeOrganization": graph.GapDenied},
			wantCalls: map[string]int{"organizations:ListAccounts": 0},
		},
		{
			name:    "a DescribeOrganization throttled twice is retried and succeeds",
			org:     organization(self, 2),
			faults:  "faults:\n  - {service: organizations, api: DescribeOrganization, error: Throttling, count: 2}",
			want:    orgFacts{graph.True, "o-a1b2c3d4e5", self, memberIDs(2)},
			retries: 2,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			scan := collectortest.Run(t, fixture(tc.org, tc.faults), collectortest.Options{Regions: []string{"us-east-1"}}, organizations.New())
			if scan.Err != nil {
				t.Fatalf("scan: %v (denials are gaps, not errors)", scan.Err)
			}
			ai := scan.Node(t, graph.AccountID(self)).AccountInfo()
			got := orgFacts{ai.OrgKnown, ai.OrgID, ai.OrgManagementAcc, ai.OrgAccountIDs}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("organization facts (-want +got):\n%s", diff)
			}
			gaps := map[string]graph.GapStatus{}
			for _, g := range scan.Snapshot.Coverage {
				gaps[g.API] = g.Status
				if g.Service != "organizations" || g.Account != self {
					t.Errorf("gap %+v, want an organizations gap for %s", g, self)
				}
			}
			if tc.wantGaps == nil {
				tc.wantGaps = map[string]graph.GapStatus{}
			}
			if diff := cmp.Diff(tc.wantGaps, gaps); diff != "" {
				t.Errorf("gaps by API (-want +got):\n%s", diff)
			}
			calls := scan.Server.Stats().Calls
			for api, w := range tc.wantCalls {
				if got := calls[api]; int(got) != w {
					t.Errorf("%s calls = %d, want %d", api, got, w)
				}
			}
			if got := scan.Stats.Retries.Load(); got != tc.retries {
				t.Errorf("retries = %d, want %d", got, tc.retries)
			}
		})
	}
}

func TestOrganizationFactsLeaveOtherAccountFactsAlone(t *testing.T) {
	scan := collectortest.Run(t, fixture(organization(self, 2), ""), collectortest.Options{Regions: []string{"us-east-1"}},
		s3.New(), organizations.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	n := scan.Node(t, graph.AccountID(self))
	ai := n.AccountInfo()
	if ai.OrgID != "o-a1b2c3d4e5" || ai.OrgKnown != graph.True {
		t.Errorf("org = %q (%v), want o-a1b2c3d4e5 (true)", ai.OrgID, ai.OrgKnown)
	}
	if ai.S3BlockPublic.Configured != graph.True || ai.S3BlockPublic.RestrictPublicBuckets != graph.True {
		t.Errorf("S3 account Block Public Access = %+v, want the s3 collector's reading kept", ai.S3BlockPublic)
	}
	if !ai.Scanned || ai.CallerARN != "arn:aws:iam::"+self+":user/auditor" || n.Kind != graph.KindAccount || n.Account != self {
		t.Errorf("account node = %+v / %+v, want the runner's facts kept", n, ai)
	}
}

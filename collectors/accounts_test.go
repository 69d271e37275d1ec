package collectors_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/fakeaws"
)

func orgConfig(t *testing.T, opts fakeaws.Options, spec fakeaws.OrgSpec) (*fakeaws.Server, collectors.ConfigOptions) {
	t.Helper()
	srv := fakeaws.New(fakeaws.GenerateOrganization(spec), opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, collectors.ConfigOptions{EndpointURL: srv.URL(), Credentials: credentials.NewStaticCredentialsProvider(fakeaws.OrgManagementKey, "test-secret", "")}
}

// A scan of an organization outlives a one-hour session: the assumed
// role's credentials are renewed before they expire, so no call is signed
// with expired ones. The fake's sessions last 2 s here (its
// SessionDuration; STS's own minimum is 15 minutes) and it refuses expired
// ones with ExpiredToken, as STS does.
func TestAssumedRoleCredentialsAreAssumedLazilyAndRenewedBeforeTheyExpire(t *testing.T) {
	srv, opts := orgConfig(t, fakeaws.Options{Latency: -1, SessionDuration: 2 * time.Second}, fakeaws.OrgSpec{Seed: 1, Members: 2, Resources: 4})
	ctx := context.Background()
	base, err := collectors.LoadConfig(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	role := "arn:aws:iam::" + fakeaws.OrgMemberID(1) + ":role/OrganizationAccountAccessRole"
	cfg := collectors.AssumeRoleConfigWindow(base, role, "", 700*time.Millisecond)
	if n := srv.Stats().Calls["sts:AssumeRole"]; n != 0 {
		t.Fatalf("%d AssumeRole calls before the account's first call; want none (lazy)", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for calls := 0; time.Now().Before(deadline); calls++ {
		acct, _, err := collectors.Identify(ctx, cfg)
		if err != nil || acct != fakeaws.OrgMemberID(1) {
			t.Fatalf("call %d: account %q, %v", calls, acct, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := srv.Stats().Calls["sts:AssumeRole"]; n < 3 || n > 8 {
		t.Errorf("%d AssumeRole calls over 5 s of 2 s sessions; want a renewal before each expiry (3 to 8), not one per call", n)
	}
}

// An account whose role cannot be assumed, or that is suspended, is one
// coverage gap; the other accounts are scanned.
func TestAnUnreachableOrSuspendedAccountIsAGapAndTheOthersAreScanned(t *testing.T) {
	spec := fakeaws.OrgSpec{Seed: 1, Members: 5, Resources: 4, Suspended: 1, Unassumable: 1}
	_, opts := orgConfig(t, fakeaws.Options{Latency: -1}, spec)
	ctx := context.Background()
	base, err := collectors.LoadConfig(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	members, err := collectors.OrgMembers(ctx, base)
	if err != nil || len(members) != 6 {
		t.Fatalf("members %v, %v; want 6", members, err)
	}
	var accounts []collectors.Account
	for _, m := range members[1:] {
		role := "arn:aws:iam::" + m.ID + ":role/OrganizationAccountAccessRole"
		accounts = append(accounts, collectors.Account{ID: m.ID, Source: role, Status: m.Status, Config: collectors.AssumeRoleConfig(base, role, "")})
	}
	var (
		mu    sync.Mutex
		parts = map[string]*graph.Snapshot{}
	)
	r := &collectors.Runner{Regions: []string{"us-east-1"}, MaxConcurrency: 8, MaxAccounts: 2,
		Sink: func(_ context.Context, p collectors.Part) error {
			mu.Lock()
			defer mu.Unlock()
			parts[p.Account] = p.Builder.Freeze(graph.Tool{}, time.Time{})
			return nil
		}}
	b := graph.NewBuilder()
	if _, err := r.Run(ctx, accounts, b); err != nil {
		t.Fatal(err)
	}
	if len(parts) != 5 {
		t.Fatalf("sink got %d parts, want one per account (5)", len(parts))
	}
	if s := b.Freeze(graph.Tool{}, time.Time{}); len(s.Nodes) != 0 {
		t.Errorf("with a Sink the run's own builder got %d nodes; want none (accounts go to their parts)", len(s.Nodes))
	}
	for i := 1; i <= 5; i++ {
		s := parts[fakeaws.OrgMemberID(i)]
		reached := len(s.Accounts) == 1
		var gaps []string
		for _, g := range s.Coverage {
			gaps = append(gaps, string(g.Status)+" "+g.Error)
		}
		switch i {
		case 4: // unassumable
			if reached || len(gaps) != 1 || !strings.HasPrefix(gaps[0], "denied account arn:aws:iam::"+fakeaws.OrgMemberID(4)) {
				t.Errorf("unassumable member: scanned %v, gaps %q; want one denied gap", reached, gaps)
			}
		case 5: // suspended
			if reached || len(gaps) != 1 || !strings.Contains(gaps[0], "SUSPENDED") {
				t.Errorf("suspended member: scanned %v, gaps %q; want one gap naming SUSPENDED", reached, gaps)
			}
		default:
			if !reached || len(gaps) != 0 {
				t.Errorf("member %d: scanned %v, gaps %q; want scanned, no gap", i, reached, gaps)
			}
		}
	}
}

// Every shard of an organization lists it from the same management
// account at the same moment, and Organizations throttles the listing: a
// page throttled past the SDK's own attempts is tried again after a
// backoff, and the listing is whole.
func TestTheOrganizationsListingOutlastsThrottling(t *testing.T) {
	spec := fakeaws.OrgSpec{Seed: 1, Members: 45, Resources: 4} // 46 accounts: three pages of 20
	w := fakeaws.GenerateOrganization(spec)
	// Seven throttles: more than the SDK's five attempts of one page.
	w.Faults = append(w.Faults, fakeaws.Fault{Service: "organizations", API: "ListAccounts", Error: "TooManyRequestsException", Count: 7})
	srv := fakeaws.New(w, fakeaws.Options{Latency: -1})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ctx := context.Background()
	cfg, err := collectors.LoadConfig(ctx, collectors.ConfigOptions{EndpointURL: srv.URL(),
		Credentials: credentials.NewStaticCredentialsProvider(fakeaws.OrgManagementKey, "test-secret", "")})
	if err != nil {
		t.Fatal(err)
	}
	members, err := collectors.OrgMembers(ctx, cfg)
	if err != nil || len(members) != 46 {
		t.Fatalf("%d members, %v; want all 46 after the throttling", len(members), err)
	}
	if n := srv.Stats().Calls["organizations:ListAccounts"]; n < 3+7 {
		t.Errorf("%d ListAccounts calls; want the 3 pages and the 7 throttled ones", n)
	}
}

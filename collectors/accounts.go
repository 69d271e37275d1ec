package collectors

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/trustmap/trustmap/graph"
)

// OrgMember is one account of the organization as ListAccounts reports it.
type OrgMember struct {
	ID     string
	Status string // ACTIVE, SUSPENDED, PENDING_CLOSURE, ...
}

// OrgMembers lists every account of the caller's organization, sorted by
// id, with its status (the newer State when sent, else Status); it needs the
// management account or a delegated administrator. ListAccounts pages 20
// accounts at a time, so 5,000 accounts are 250 sequential calls.
//
// Without the list nothing else can start, and it is the one call every
// shard of an organization makes at the same moment against the same
// management account (Organizations throttles it per account), so a
// throttled page is tried again, with exponential backoff and jitter,
// for up to orgListPatience in all, before the listing fails; the SDK's
// own few attempts are spent in seconds.
func OrgMembers(ctx context.Context, cfg aws.Config) ([]OrgMember, error) {
	return orgMembers(ctx, organizations.NewFromConfig(cfg), orgListPatience)
}

// orgListPatience is how long OrgMembers keeps trying throttled pages.
const orgListPatience = 5 * time.Minute

type orgLister interface {
	ListAccounts(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
}

func orgMembers(ctx context.Context, client orgLister, patience time.Duration) ([]OrgMember, error) {
	var out []OrgMember
	deadline := time.Now().Add(patience)
	p := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{})
	for backoff := time.Second; p.HasMorePages(); {
		page, err := p.NextPage(ctx) // on an error the paginator stays on this page
		if err != nil {
			wait := backoff/2 + rand.N(backoff/2+1)
			if Classify(err) != ClassThrottled || time.Now().Add(wait).After(deadline) {
				return out, err
			}
			select {
			case <-ctx.Done():
				return out, ctx.Err()
			case <-time.After(wait):
			}
			backoff = min(2*backoff, 30*time.Second)
			continue
		}
		backoff = time.Second
		for _, a := range page.Accounts {
			status := string(a.State)
			if status == "" {
				status = string(a.Status)
			}
			out = append(out, OrgMember{ID: aws.ToString(a.Id), Status: status})
		}
	}
	slices.SortFunc(out, func(a, b OrgMember) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// AccountSource says how to reach one more account.
type AccountSource struct {
	Name   string     // what the user called it: a profile, a role ARN
	Config aws.Config // credentials for it
}

// Resolve identifies each source's account with sts:GetCallerIdentity. A
// source that cannot be reached becomes a coverage gap, not a failure:
// the other accounts are still scanned.
func Resolve(ctx context.Context, sources []AccountSource, b *graph.Builder) []Account {
	var out []Account
	seen := map[string]bool{}
	for _, s := range sources {
		acct, arn, err := Identify(ctx, s.Config)
		if err != nil {
			b.AddGap(graph.Gap{Service: "sts", API: "GetCallerIdentity", Resource: s.Name, Status: Classify(err).GapStatus(),
				Error: fmt.Sprintf("account %s not scanned: %s", s.Name, ErrorSummary(err))})
			continue
		}
		if seen[acct] {
			continue
		}
		seen[acct] = true
		out = append(out, Account{ID: acct, CallerARN: arn, Config: s.Config})
	}
	return out
}

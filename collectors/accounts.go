package collectors

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/trustmap/trustmap/graph"
)

// OrgMembers lists the ACTIVE accounts of the caller's organization; it
// needs the management account or a delegated administrator.
func OrgMembers(ctx context.Context, cfg aws.Config) ([]string, error) {
	client := organizations.NewFromConfig(cfg)
	var ids []string
	p := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return ids, err
		}
		for _, a := range page.Accounts {
			if a.State == orgtypes.AccountStateActive || (a.State == "" && a.Status == orgtypes.AccountStatusActive) {
				ids = append(ids, aws.ToString(a.Id))
			}
		}
	}
	return ids, nil
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

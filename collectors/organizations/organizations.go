// Package organizations reads the AWS Organizations membership of an
// account: the organization id, its management account and, where the
// caller may list them (the management account or a delegated
// administrator), the member account ids.
//
// # Calls
//
// Per account: one DescribeOrganization; then, when the account is in an
// organization, ListAccounts, one call per 20 accounts (a page may be
// empty and still carry a NextToken; only a null token ends the list). Calls are serial: Organizations throttles callers
// that fan out.
//
// ListAccounts is denied to member accounts by design. That is expected and
// is recorded as a coverage gap with status denied (the member list stays
// unread), never returned as an error.
package organizations

import (
	"context"
	"errors"
	"reflect"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "organizations"

// api is the part of the Organizations client the collector uses: reads only.
type api interface {
	DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
	ListAccounts(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
}

// accountsPage is the largest ListAccounts page Organizations allows.
const accountsPage = 20

// Collector reads Organizations once per account.
type Collector struct{}

// New returns the Organizations collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Global }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"DescribeOrganization": {"organizations:DescribeOrganization"},
			"ListAccounts":         {"organizations:ListAccounts"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, organizations.NewFromConfig(t.Config))
}

// membership is what the collector learnt about the account.
type membership struct {
	known      graph.Tri
	orgID      string
	management string
	accounts   []string
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	gaps := collectors.NewGaps(t, b, service)
	fail := func(api string, err error) { gaps.Fail("", api, t.Account, err) }

	m := membership{}
	out, err := client.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	switch {
	case err == nil && out.Organization != nil:
		m.known = graph.True
		m.orgID = aws.ToString(out.Organization.Id)
		m.management = aws.ToString(out.Organization.MasterAccountId)
	case collectors.IsNotFound(err):
		// AWSOrganizationsNotInUseException: the account is in no
		// organization. That is a known answer, and there is nothing to list.
		m.known = graph.True
	case err == nil:
		fail("DescribeOrganization", errors.New("the response holds no organization"))
	default:
		fail("DescribeOrganization", err)
	}
	if m.orgID != "" {
		m.accounts, err = c.accounts(ctx, client)
		switch {
		case err == nil:
		case collectors.IsNotFound(err):
			// The account left its organization between the two calls.
			m = membership{known: graph.True}
		default:
			fail("ListAccounts", err)
		}
	}
	set(b, t.Account, m)
	return gaps.Done(ctx)
}

// accounts lists the ids of the organization's accounts, sorted. On an
// error it returns the ids read so far with it: each is a member.
func (c *Collector) accounts(ctx context.Context, client api) ([]string, error) {
	var ids []string
	p := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{MaxResults: aws.Int32(accountsPage)})
	var err error
	for p.HasMorePages() {
		var page *organizations.ListAccountsOutput
		if page, err = p.NextPage(ctx); err != nil {
			break
		}
		for _, a := range page.Accounts {
			if id := aws.ToString(a.Id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), err
}

// set writes the membership into the account node, leaving every field
// other collectors set untouched. An Unknown membership writes nothing
// but the (already Unknown) OrgKnown.
func set(b *graph.Builder, account string, m membership) {
	b.UpdateNode(graph.AccountID(account), graph.KindAccount, func(n *graph.Node) {
		n.Account = account
		if n.AccountInfo() == nil {
			n.Attrs = &graph.AccountInfo{}
		}
		ai := n.AccountInfo()
		ai.OrgKnown = m.known
		if m.known != graph.True {
			return
		}
		ai.OrgID = m.orgID
		ai.OrgManagementAcc = m.management
		if len(m.accounts) > 0 {
			ai.OrgAccountIDs = m.accounts
		}
	})
}

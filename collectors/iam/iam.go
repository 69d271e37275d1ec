// Package iam collects IAM: roles with their trust policies, users, groups,
// managed policies, and users' long-lived access keys.
//
// Calls, per account: GetAccountAuthorizationDetails in pages of 1,000
// (users, roles, groups and customer-managed policies with every document);
// GetPolicy and GetPolicyVersion once for each distinct AWS-managed policy
// actually attached (AWS-managed policies are left out of the listing, which
// would otherwise return hundreds); GenerateCredentialReport until it says
// COMPLETE (a few tries with backoff, while the details are being listed)
// and one GetCredentialReport for
// passwords, MFA and access keys. Only when the report cannot be had does it
// fall back to ListAccessKeys and GetAccessKeyLastUsed per user (and
// ListUsers when the user list itself is incomplete); users created after
// the report was generated get the same per-user reads.
//
// Every policy document IAM returns is URL-encoded; it is decoded once with
// url.QueryUnescape. Access key ids and the credential report itself are
// never stored, logged or put in a gap: key nodes are numbered by slot.
package iam

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "iam"

// api is the part of the IAM client the collector uses: reads only, and
// GenerateCredentialReport, which builds the read-only report.
type api interface {
	GetAccountAuthorizationDetails(context.Context, *iam.GetAccountAuthorizationDetailsInput, ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error)
	GetPolicy(context.Context, *iam.GetPolicyInput, ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(context.Context, *iam.GetPolicyVersionInput, ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	GenerateCredentialReport(context.Context, *iam.GenerateCredentialReportInput, ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error)
	GetCredentialReport(context.Context, *iam.GetCredentialReportInput, ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error)
	ListUsers(context.Context, *iam.ListUsersInput, ...func(*iam.Options)) (*iam.ListUsersOutput, error)
	ListAccessKeys(context.Context, *iam.ListAccessKeysInput, ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
	GetAccessKeyLastUsed(context.Context, *iam.GetAccessKeyLastUsedInput, ...func(*iam.Options)) (*iam.GetAccessKeyLastUsedOutput, error)
}

// Collector reads IAM once per account.
type Collector struct {
	// ReportTries bounds the GenerateCredentialReport calls made while
	// waiting for the report (default 6).
	ReportTries int
	// ReportWait is the first wait between them, doubled after each try up
	// to 8 s (default 1 s).
	ReportWait time.Duration
	// Concurrency bounds the per-policy and per-user reads in flight
	// (default 4); the runner's account-wide IAM rate limit bounds the calls.
	Concurrency int
}

// New returns the IAM collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Global }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	actions := map[string][]string{}
	for i := range reflect.TypeFor[api]().NumMethod() {
		m := reflect.TypeFor[api]().Method(i).Name
		actions[m] = []string{"iam:" + m}
	}
	return []collectors.ClientSpec{{Interface: reflect.TypeFor[api](), Actions: actions}}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, iam.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	// The credential report is generated while the details are listed: the
	// two do not depend on each other, and generating takes a while.
	gaps := collectors.NewGaps(t, b, service)
	report := make(chan map[string]reportRow, 1)
	go func() { report <- c.report(ctx, t, b, gaps, client) }()
	d := c.details(ctx, t, b, gaps, client)

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		c.managedPolicies(gctx, t, b, gaps, client, d.awsManaged)
		return nil
	})
	g.Go(func() error {
		c.keys(gctx, t, b, gaps, client, d, <-report)
		return nil
	})
	if err := g.Wait(); err != nil {
		return err
	}
	for _, u := range d.users {
		b.AddNode(graph.Node{ID: u.arn, Kind: graph.KindIAMUser, Name: u.name, Account: t.Account, Attrs: u.attrs, Tags: u.tags})
		for _, grp := range u.attrs.Groups {
			to, ok := d.groups[grp]
			if !ok {
				to = "arn:aws:iam::" + t.Account + ":group/" + grp
			}
			b.AddEdge(graph.Edge{From: u.arn, To: to, Kind: graph.EdgeMemberOf, Certainty: graph.True,
				Evidence: []graph.Evidence{{Source: "iam:GetAccountAuthorizationDetails", Detail: "group " + grp}}})
		}
	}
	return gaps.Done(ctx)
}

func (c *Collector) concurrency() int {
	if c.Concurrency > 0 {
		return c.Concurrency
	}
	return 4
}

// KeyARN is the node id of a user's access key in slot n (1 or 2). The
// credential report does not carry key ids, and ids are never stored, so a
// key is named by its user and slot.
func KeyARN(userARN string, n int) string {
	return userARN + "/access-key/" + strconv.Itoa(n)
}

// maskKeyID keeps the first and last four characters of an access key id.
func maskKeyID(id string) string {
	if len(id) <= 8 {
		return strings.Repeat("*", len(id))
	}
	return id[:4] + "…" + id[len(id)-4:]
}

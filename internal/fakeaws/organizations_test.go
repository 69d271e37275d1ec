package fakeaws

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/google/go-cmp/cmp"
)

// orgWorld: 123456789012 manages an organization whose account list leaves
// itself out; 111122223333 is a member, 444455556666 a delegated
// administrator, 999988887777 in no organization. %s is appended at top
// level (faults).
const orgWorld = `
accounts:
  - id: "123456789012"
    alias: demo
    access_keys: [AKIADEMO0000000001]
    organization:
      id: o-a1b2c3d4e5
      master_account_id: "123456789012"
      master_account_email: root@example.com
      delegated_administrators: ["444455556666"]
      accounts:
        - {id: "111122223333", name: partner, email: partner@example.com, joined_method: CREATED, joined: 2016-12-15T19:30:15.044Z}
        - {id: "444455556666", name: security, email: security@example.com}
        - {id: "777788889999", name: retired, email: retired@example.com, status: SUSPENDED}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
  - id: "444455556666"
    access_keys: [AKIASECURITY000001]
  - id: "999988887777"
    access_keys: [AKIALONER000000001]
%s`

const (
	securityKey = "AKIASECURITY000001"
	lonerKey    = "AKIALONER000000001"
)

func (s *Server) organizations(t *testing.T, cc clientConfig) *organizations.Client {
	return organizations.NewFromConfig(s.config(t, cc), func(o *organizations.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func TestOrganizationsDescribeOrganization(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(orgWorld, ""), Options{})
	want := []any{"o-a1b2c3d4e5", "arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5", orgtypes.OrganizationFeatureSetAll,
		"123456789012", "arn:aws:organizations::123456789012:account/o-a1b2c3d4e5/123456789012", "root@example.com",
		[]orgtypes.PolicyTypeSummary{{Type: orgtypes.PolicyTypeServiceControlPolicy, Status: orgtypes.PolicyTypeStatusEnabled}}}
	for _, tc := range []struct{ name, key string }{
		{"the management account sees its organization", demoKey},
		{"a member the management account lists sees the same organization", partnerKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := srv.organizations(t, clientConfig{key: tc.key}).DescribeOrganization(context.Background(), &organizations.DescribeOrganizationInput{})
			if err != nil {
				t.Fatal(err)
			}
			o := out.Organization
			got := []any{aws.ToString(o.Id), aws.ToString(o.Arn), o.FeatureSet, aws.ToString(o.MasterAccountId), aws.ToString(o.MasterAccountArn), aws.ToString(o.MasterAccountEmail), o.AvailablePolicyTypes}
			if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b orgtypes.PolicyTypeSummary) bool { return a.Type == b.Type && a.Status == b.Status })); diff != "" {
				t.Errorf("organization (-want +got):\n%s", diff)
			}
		})
	}
}

func accountIDs(as []orgtypes.Account) []string {
	var out []string
	for _, a := range as {
		out = append(out, aws.ToString(a.Id))
	}
	return out
}

func TestOrganizationsListAccounts(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(orgWorld, ""), Options{})
	ctx := context.Background()
	all := []string{"111122223333", "123456789012", "444455556666", "777788889999"}

	for _, tc := range []struct{ name, key string }{
		{"the management account pages through every account once, itself included", demoKey},
		{"a delegated administrator may list the accounts too", securityKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := organizations.NewListAccountsPaginator(srv.organizations(t, clientConfig{key: tc.key}), &organizations.ListAccountsInput{MaxResults: aws.Int32(2)})
			var got []string
			pages := 0
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				got = append(got, accountIDs(out.Accounts)...)
			}
			if diff := cmp.Diff(all, got); diff != "" {
				t.Errorf("accounts (-want +got):\n%s", diff)
			}
			if pages != 2 {
				t.Errorf("got %d pages, want 2", pages)
			}
		})
	}

	t.Run("an account carries its ARN, status, join method and an epoch JoinedTimestamp", func(t *testing.T) {
		out, err := srv.organizations(t, clientConfig{}).ListAccounts(ctx, &organizations.ListAccountsInput{})
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			ID, ARN, Name, Email string
			Status               orgtypes.AccountStatus
			State                orgtypes.AccountState
			Method               orgtypes.AccountJoinedMethod
			Joined               time.Time
		}
		var got []row
		for _, a := range out.Accounts {
			got = append(got, row{aws.ToString(a.Id), aws.ToString(a.Arn), aws.ToString(a.Name), aws.ToString(a.Email), a.Status, a.State, a.JoinedMethod, a.JoinedTimestamp.UTC()})
		}
		arn := "arn:aws:organizations::123456789012:account/o-a1b2c3d4e5/"
		jan := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		want := []row{
			{"111122223333", arn + "111122223333", "partner", "partner@example.com", "ACTIVE", "ACTIVE", "CREATED", time.Date(2016, 12, 15, 19, 30, 15, 44e6, time.UTC)},
			{"123456789012", arn + "123456789012", "demo", "root@example.com", "ACTIVE", "ACTIVE", "INVITED", jan},
			{"444455556666", arn + "444455556666", "security", "security@example.com", "ACTIVE", "ACTIVE", "INVITED", jan},
			{"777788889999", arn + "777788889999", "retired", "retired@example.com", "SUSPENDED", "SUSPENDED", "INVITED", jan},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("accounts (-want +got):\n%s", diff)
		}
	})
}

func TestOrganizationsErrorsDecode(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(orgWorld, ""), Options{})
	ctx := context.Background()
	list := func(in organizations.ListAccountsInput) func(c *organizations.Client) error {
		return func(c *organizations.Client) error {
			_, err := c.ListAccounts(ctx, &in)
			return err
		}
	}
	describe := func(c *organizations.Client) error {
		_, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		return err
	}
	invalidInput := func(reason orgtypes.InvalidInputExceptionReason) func(error) bool {
		return func(err error) bool {
			var e *orgtypes.InvalidInputException
			return errors.As(err, &e) && e.Reason == reason
		}
	}
	tests := []struct {
		name  string
		key   string
		call  func(c *organizations.Client) error
		want  apiError
		typed func(error) bool
	}{
		{"an account in no organization is the typed AWSOrganizationsNotInUseException, HTTP 400", lonerKey, describe,
			apiError{"AWSOrganizationsNotInUseException", 400}, func(err error) bool { return errors.As(err, new(*orgtypes.AWSOrganizationsNotInUseException)) }},
		{"ListAccounts outside any organization is AWSOrganizationsNotInUseException too", lonerKey, list(organizations.ListAccountsInput{}),
			apiError{"AWSOrganizationsNotInUseException", 400}, nil},
		{"a member listing the accounts is the typed AccessDeniedException, HTTP 400", partnerKey, list(organizations.ListAccountsInput{}),
			apiError{"AccessDeniedException", 400}, func(err error) bool { return errors.As(err, new(*orgtypes.AccessDeniedException)) }},
		{"MaxResults above 20 is InvalidInputException MAX_VALUE_EXCEEDED", demoKey, list(organizations.ListAccountsInput{MaxResults: aws.Int32(21)}),
			apiError{"InvalidInputException", 400}, invalidInput(orgtypes.InvalidInputExceptionReasonMaxValueExceeded)},
		{"a NextToken the fake did not issue is InvalidInputException INVALID_NEXT_TOKEN", demoKey, list(organizations.ListAccountsInput{NextToken: aws.String("bogus")}),
			apiError{"InvalidInputException", 400}, invalidInput(orgtypes.InvalidInputExceptionReasonInvalidPaginationToken)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(srv.organizations(t, clientConfig{key: tc.key, attempts: 1}))
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if tc.typed != nil && !tc.typed(err) {
				t.Errorf("error %v (%T) is not of the typed error", err, err)
			}
		})
	}
}

func TestOrganizationsFaultsAndThrottling(t *testing.T) {
	ctx := context.Background()

	t.Run("a throttling fault with count 1 is retried by the SDK, which then succeeds", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(orgWorld, "faults: [{service: organizations, api: ListAccounts, error: Throttling, count: 1}]"), Options{})
		if _, err := srv.organizations(t, clientConfig{}).ListAccounts(ctx, &organizations.ListAccountsInput{}); err != nil {
			t.Fatal(err)
		}
		if st := srv.Stats(); st.Calls["organizations:ListAccounts"] != 2 || st.Faults["organizations:ListAccounts"] != 1 {
			t.Errorf("calls %d, faults %d: want 2 calls of which 1 faulted", st.Calls["organizations:ListAccounts"], st.Faults["organizations:ListAccounts"])
		}
	})

	t.Run("throttling is the typed TooManyRequestsException, HTTP 400, with its Type", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(orgWorld, "faults: [{service: organizations, error: Throttling}]"), Options{})
		_, err := srv.organizations(t, clientConfig{attempts: 1}).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		if diff := cmp.Diff(apiError{"TooManyRequestsException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		var typed *orgtypes.TooManyRequestsException
		if !errors.As(err, &typed) || aws.ToString(typed.Type) != "AWSOrganizations" {
			t.Errorf("error %v is not a *TooManyRequestsException of Type AWSOrganizations", err)
		}
	})

	t.Run("an AccessDenied fault is AccessDeniedException, HTTP 400", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(orgWorld, "faults: [{service: organizations, api: DescribeOrganization, error: AccessDenied}]"), Options{})
		_, err := srv.organizations(t, clientConfig{attempts: 1}).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		if diff := cmp.Diff(apiError{"AccessDeniedException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

package organizations

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// stub answers from the Organizations API reference: pages are served in
// order, and a page may be empty yet carry a NextToken.
type stub struct {
	org     *types.Organization
	descErr error
	pages   [][]string
	failAt  int // page index whose call fails with listErr (-1: none)
	listErr error
	calls   int
}

func (s *stub) DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error) {
	if s.descErr != nil {
		return nil, s.descErr
	}
	return &organizations.DescribeOrganizationOutput{Organization: s.org}, nil
}

func (s *stub) ListAccounts(_ context.Context, in *organizations.ListAccountsInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	i := s.calls
	s.calls++
	if aws.ToInt32(in.MaxResults) != 20 {
		return nil, &types.InvalidInputException{Message: aws.String("MaxResults must be 1-20")}
	}
	if i == s.failAt {
		return nil, s.listErr
	}
	out := &organizations.ListAccountsOutput{}
	for _, id := range s.pages[i] {
		out.Accounts = append(out.Accounts, types.Account{Id: aws.String(id)})
	}
	if i+1 < len(s.pages) {
		out.NextToken = aws.String("token")
	}
	return out, nil
}

func TestListingAndErrorShapes(t *testing.T) {
	org := &types.Organization{Id: aws.String("o-exampleorgid"), MasterAccountId: aws.String("123456789012")}
	throttled := &types.TooManyRequestsException{Message: aws.String("Rate exceeded")}
	cases := []struct {
		name    string
		stub    *stub
		want    graph.AccountInfo
		wantErr bool
		gaps    []graph.GapStatus
	}{
		{
			name: "an empty page with a NextToken does not end the listing",
			stub: &stub{org: org, pages: [][]string{{"333333333333", "123456789012"}, {}, {"222222222222", "123456789012"}}, failAt: -1},
			want: graph.AccountInfo{OrgKnown: graph.True, OrgID: "o-exampleorgid", OrgManagementAcc: "123456789012",
				OrgAccountIDs: []string{"123456789012", "222222222222", "333333333333"}},
		},
		{
			name: "accounts read before a throttled-out page are kept beside the gap",
			stub: &stub{org: org, pages: [][]string{{"333333333333"}, {"222222222222"}}, failAt: 1, listErr: throttled},
			want: graph.AccountInfo{OrgKnown: graph.True, OrgID: "o-exampleorgid", OrgManagementAcc: "123456789012",
				OrgAccountIDs: []string{"333333333333"}},
			gaps: []graph.GapStatus{graph.GapThrottled},
		},
		{
			name: "the typed not-in-use error means no organization",
			stub: &stub{descErr: &types.AWSOrganizationsNotInUseException{Message: aws.String("Your account is not a member of an organization.")}, failAt: -1},
			want: graph.AccountInfo{OrgKnown: graph.True},
		},
		{
			name:    "an unexpected error is a gap and is returned",
			stub:    &stub{descErr: &types.ServiceException{Message: aws.String("boom")}, failAt: -1},
			want:    graph.AccountInfo{OrgKnown: graph.Unknown},
			wantErr: true,
			gaps:    []graph.GapStatus{graph.GapError},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := graph.NewBuilder()
			err := New().collect(context.Background(), collectors.Target{Account: "123456789012", Region: "us-east-1"}, b, tc.stub)
			if (err != nil) != tc.wantErr {
				t.Fatalf("collect error = %v, want error %v", err, tc.wantErr)
			}
			snap := b.Freeze(graph.Tool{}, time.Time{})
			if diff := cmp.Diff(tc.want, *snap.Nodes[0].AccountInfo()); diff != "" {
				t.Errorf("account info (-want +got):\n%s", diff)
			}
			var gaps []graph.GapStatus
			for _, g := range snap.Coverage {
				gaps = append(gaps, g.Status)
			}
			if diff := cmp.Diff(tc.gaps, gaps); diff != "" {
				t.Errorf("gaps (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTheClientHoldsOnlyReadsEachWithItsIAMAction(t *testing.T) {
	got := map[string][]string{}
	for _, spec := range New().Clients() {
		for i := range spec.Interface.NumMethod() {
			m := spec.Interface.Method(i).Name
			got[m] = spec.Actions[m]
		}
	}
	want := map[string][]string{
		"DescribeOrganization": {"organizations:DescribeOrganization"},
		"ListAccounts":         {"organizations:ListAccounts"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("client methods and actions (-want +got):\n%s", diff)
	}
}

package fakeaws

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
)

const iamFixture = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    caller_arn: arn:aws:iam::123456789012:user/ci
    iam:
      root: {created: 2017-06-10T02:35:07Z, mfa_active: true, password_last_used: 2017-10-22T08:11:09Z}
      users:
        - name: alice
          created: 2013-10-14T18:32:24Z
          password_enabled: true
          password_last_used: 2024-05-01T10:00:00Z
          mfa_active: true
          groups: [admins]
          inline_policies:
            s3-everything: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
          attached_policies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
          permissions_boundary: arn:aws:iam::123456789012:policy/boundary
          tags: {team: payments}
        - name: ci
          path: /automation/
          created: 2020-01-01T00:00:00Z
          access_keys:
            - {id: AKIAEXAMPLE00000001, status: Active, created: 2020-01-01T00:00:00Z, last_used: 2024-01-01T12:00:00Z, last_used_service: s3, last_used_region: us-east-1}
            - {id: AKIAEXAMPLE00000002, status: Inactive, created: 2021-06-01T00:00:00Z}
      groups:
        - name: admins
          created: 2015-01-01T00:00:00Z
          attached_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
          inline_policies:
            deny-billing: {Version: "2012-10-17", Statement: [{Effect: Deny, Action: "aws-portal:*", Resource: "*"}]}
      roles:
        - name: orders-role
          created: 2024-01-07T10:00:00Z
          description: Orders service
          trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}]}
          inline_policies:
            queue: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["sqs:SendMessage"], Resource: "arn:aws:sqs:us-east-1:123456789012:orders"}]}
          attached_policies: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole, arn:aws:iam::123456789012:policy/deploy]
          last_used: {date: 2024-06-01T00:00:00Z, region: eu-west-1}
          permissions_boundary: arn:aws:iam::123456789012:policy/boundary
          instance_profiles: [orders-profile]
          tags: {env: prod, app: orders}
        - name: batch
          path: /service-role/
          trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:root"}, Action: "sts:AssumeRole"}]}
      policies:
        - name: deploy
          arn: arn:aws:iam::123456789012:policy/deploy
          default_version: v2
          versions:
            - {id: v1, created: 2023-01-01T00:00:00Z, document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}}
            - {id: v2, created: 2024-01-01T00:00:00Z, document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "lambda:UpdateFunctionCode", Resource: "*"}]}}
        - name: boundary
          description: Caps what payments staff may do
          document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["s3:*", "sqs:*"], Resource: "*"}]}
`

func (s *Server) iamClient(t *testing.T, cc clientConfig) *iam.Client {
	return iam.NewFromConfig(s.config(t, cc), func(o *iam.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

// iamDecode checks that an IAM policy document is URL-encoded (no raw
// quote or brace) and returns it decoded with url.QueryUnescape, as
// aws-sdk-go-v2 callers must.
func iamDecode(t *testing.T, doc *string) string {
	t.Helper()
	raw := aws.ToString(doc)
	if strings.ContainsAny(raw, `"{} `) || !strings.HasPrefix(raw, "%7B") {
		t.Fatalf("document %q is not URL-encoded", raw)
	}
	plain, err := url.QueryUnescape(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid([]byte(plain)) {
		t.Fatalf("decoded document %q is not JSON", plain)
	}
	return plain
}

// iamDetails runs the GetAccountAuthorizationDetails paginator to the end.
func iamDetails(t *testing.T, c *iam.Client, in *iam.GetAccountAuthorizationDetailsInput) (*iam.GetAccountAuthorizationDetailsOutput, int) {
	t.Helper()
	all := &iam.GetAccountAuthorizationDetailsOutput{}
	pages := 0
	p := iam.NewGetAccountAuthorizationDetailsPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all.UserDetailList = append(all.UserDetailList, out.UserDetailList...)
		all.GroupDetailList = append(all.GroupDetailList, out.GroupDetailList...)
		all.RoleDetailList = append(all.RoleDetailList, out.RoleDetailList...)
		all.Policies = append(all.Policies, out.Policies...)
	}
	return all, pages
}

func TestGetAccountAuthorizationDetails(t *testing.T) {
	srv := startYAML(t, iamFixture, Options{})
	c := srv.iamClient(t, clientConfig{})

	t.Run("the paginator with MaxItems 2 yields every user, group, role and policy once", func(t *testing.T) {
		all, pages := iamDetails(t, c, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(2)})
		var got []string
		for _, u := range all.UserDetailList {
			got = append(got, "user "+aws.ToString(u.UserName))
		}
		for _, g := range all.GroupDetailList {
			got = append(got, "group "+aws.ToString(g.GroupName))
		}
		for _, r := range all.RoleDetailList {
			got = append(got, "role "+aws.ToString(r.RoleName))
		}
		for _, p := range all.Policies {
			got = append(got, "policy "+aws.ToString(p.Arn))
		}
		want := []string{"user alice", "user ci", "group admins", "role orders-role", "role batch",
			"policy arn:aws:iam::123456789012:policy/deploy", "policy arn:aws:iam::123456789012:policy/boundary",
			"policy arn:aws:iam::aws:policy/AdministratorAccess", "policy arn:aws:iam::aws:policy/ReadOnlyAccess",
			"policy arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}
		if diff := cmp.Diff(want, got); diff != "" || pages != 5 {
			t.Errorf("%d pages (want 5), entities (-want +got):\n%s", pages, diff)
		}
	})

	all, _ := iamDetails(t, c, &iam.GetAccountAuthorizationDetailsInput{})

	t.Run("every policy document arrives URL-encoded and url.QueryUnescape yields its JSON", func(t *testing.T) {
		docs := []struct{ name, got, want string }{
			{"user inline", iamDecode(t, all.UserDetailList[0].UserPolicyList[0].PolicyDocument),
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`},
			{"group inline", iamDecode(t, all.GroupDetailList[0].GroupPolicyList[0].PolicyDocument),
				`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"aws-portal:*","Resource":"*"}]}`},
			{"trust policy", iamDecode(t, all.RoleDetailList[0].AssumeRolePolicyDocument),
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`},
			{"role inline", iamDecode(t, all.RoleDetailList[0].RolePolicyList[0].PolicyDocument),
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:SendMessage"],"Resource":"arn:aws:sqs:us-east-1:123456789012:orders"}]}`},
			{"managed version", iamDecode(t, all.Policies[0].PolicyVersionList[1].Document),
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"*"}]}`},
		}
		for _, d := range docs {
			if d.got != d.want {
				t.Errorf("%s: got %s, want %s", d.name, d.got, d.want)
			}
		}
		if raw := aws.ToString(all.UserDetailList[0].UserPolicyList[0].PolicyDocument); !strings.Contains(raw, "s3%3A*") {
			t.Errorf("user inline %s: want * left unencoded and : as %%3A", raw)
		}
	})

	t.Run("a user carries its groups, attachments, boundary and tags", func(t *testing.T) {
		u := all.UserDetailList[0]
		type user struct {
			Arn, ID, Boundary string
			Groups            []string
			Attached, Tags    []string
		}
		got := user{aws.ToString(u.Arn), aws.ToString(u.UserId), aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn), u.GroupList, nil, nil}
		for _, p := range u.AttachedManagedPolicies {
			got.Attached = append(got.Attached, aws.ToString(p.PolicyName)+"="+aws.ToString(p.PolicyArn))
		}
		for _, tg := range u.Tags {
			got.Tags = append(got.Tags, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
		}
		want := user{"arn:aws:iam::123456789012:user/alice", got.ID, "arn:aws:iam::123456789012:policy/boundary", []string{"admins"},
			[]string{"ReadOnlyAccess=arn:aws:iam::aws:policy/ReadOnlyAccess"}, []string{"team=payments"}}
		if diff := cmp.Diff(want, got); diff != "" || !strings.HasPrefix(got.ID, "AIDA") || len(got.ID) != 21 {
			t.Errorf("alice (-want +got):\n%s\nid %s", diff, got.ID)
		}
		if arn := aws.ToString(all.UserDetailList[1].Arn); arn != "arn:aws:iam::123456789012:user/automation/ci" {
			t.Errorf("ci arn %s, want the path in it", arn)
		}
	})

	t.Run("a role carries its last use, boundary, instance profile, tags and attachments", func(t *testing.T) {
		r := all.RoleDetailList[0]
		type role struct {
			LastUsed      time.Time
			Region        string
			Boundary      string
			Profiles      []string
			ProfileRole   string
			Tags          []string
			Attached      []string
			InlineNames   []string
			BatchLastUsed *time.Time
		}
		got := role{aws.ToTime(r.RoleLastUsed.LastUsedDate), aws.ToString(r.RoleLastUsed.Region),
			aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn), nil, "", nil, nil, nil, all.RoleDetailList[1].RoleLastUsed.LastUsedDate}
		for _, ip := range r.InstanceProfileList {
			got.Profiles = append(got.Profiles, aws.ToString(ip.Arn))
			got.ProfileRole = aws.ToString(ip.Roles[0].RoleName)
		}
		for _, tg := range r.Tags {
			got.Tags = append(got.Tags, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
		}
		for _, p := range r.AttachedManagedPolicies {
			got.Attached = append(got.Attached, aws.ToString(p.PolicyName))
		}
		for _, p := range r.RolePolicyList {
			got.InlineNames = append(got.InlineNames, aws.ToString(p.PolicyName))
		}
		want := role{time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), "eu-west-1", "arn:aws:iam::123456789012:policy/boundary",
			[]string{"arn:aws:iam::123456789012:instance-profile/orders-profile"}, "orders-role",
			[]string{"app=orders", "env=prod"}, []string{"AWSLambdaBasicExecutionRole", "deploy"}, []string{"queue"}, nil}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("orders-role (-want +got):\n%s", diff)
		}
	})

	t.Run("a customer policy lists every version and marks the default, with its usage counts", func(t *testing.T) {
		type version struct {
			ID      string
			Default bool
		}
		p := all.Policies[0]
		var got []version
		for _, v := range p.PolicyVersionList {
			got = append(got, version{aws.ToString(v.VersionId), v.IsDefaultVersion})
		}
		if diff := cmp.Diff([]version{{"v1", false}, {"v2", true}}, got); diff != "" || aws.ToString(p.DefaultVersionId) != "v2" {
			t.Errorf("versions (-want +got):\n%s", diff)
		}
		b := all.Policies[1]
		if aws.ToInt32(p.AttachmentCount) != 1 || aws.ToInt32(b.PermissionsBoundaryUsageCount) != 2 || aws.ToString(b.Description) == "" {
			t.Errorf("deploy attached %d, boundary used %d, description %q", aws.ToInt32(p.AttachmentCount), aws.ToInt32(b.PermissionsBoundaryUsageCount), aws.ToString(b.Description))
		}
	})

	filters := []struct {
		name   string
		filter []iamtypes.EntityType
		want   []int // users, groups, roles, policies
	}{
		{"the Role filter returns only roles", []iamtypes.EntityType{"Role"}, []int{0, 0, 2, 0}},
		{"the LocalManagedPolicy filter returns only customer policies", []iamtypes.EntityType{"LocalManagedPolicy"}, []int{0, 0, 0, 2}},
		{"the AWSManagedPolicy filter returns the built-in policies attached in the account", []iamtypes.EntityType{"AWSManagedPolicy"}, []int{0, 0, 0, 3}},
		{"User and Group together return both", []iamtypes.EntityType{"User", "Group"}, []int{2, 1, 0, 0}},
	}
	for _, tc := range filters {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := iamDetails(t, c, &iam.GetAccountAuthorizationDetailsInput{Filter: tc.filter})
			got := []int{len(out.UserDetailList), len(out.GroupDetailList), len(out.RoleDetailList), len(out.Policies)}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("AWS-managed documents are stored pretty-printed, so newlines and spaces arrive as %0A and %20", func(t *testing.T) {
		out, _ := iamDetails(t, c, &iam.GetAccountAuthorizationDetailsInput{Filter: []iamtypes.EntityType{"AWSManagedPolicy"}})
		raw := aws.ToString(out.Policies[0].PolicyVersionList[0].Document)
		if !strings.HasPrefix(raw, "%7B%0A%20%20%20%20%22Version%22") {
			t.Fatalf("AdministratorAccess document %s", raw)
		}
		var doc struct {
			Statement []struct{ Action, Resource string }
		}
		if err := json.Unmarshal([]byte(iamDecode(t, &raw)), &doc); err != nil || doc.Statement[0].Action != "*" {
			t.Errorf("decoded %+v, %v", doc, err)
		}
	})

	invalid := []struct {
		name string
		in   iam.GetAccountAuthorizationDetailsInput
	}{
		{"MaxItems above 1000 is a ValidationError", iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(1001)}},
		{"a Marker the fake did not issue is a ValidationError", iam.GetAccountAuthorizationDetailsInput{Marker: aws.String("bm9wZQ==")}},
		{"an unknown filter is a ValidationError", iam.GetAccountAuthorizationDetailsInput{Filter: []iamtypes.EntityType{"Robot"}}},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.GetAccountAuthorizationDetails(context.Background(), &tc.in)
			if diff := cmp.Diff(apiError{"ValidationError", 400}, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

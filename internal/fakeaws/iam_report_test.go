package fakeaws

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
)

func TestCredentialReport(t *testing.T) {
	srv := startYAML(t, iamFixture, Options{})
	c := srv.iamClient(t, clientConfig{})
	ctx := context.Background()

	t.Run("before any generation GetCredentialReport is ReportNotPresent, 410", func(t *testing.T) {
		_, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
		var np *iamtypes.CredentialReportNotPresentException
		if !errors.As(err, &np) {
			t.Fatalf("got %v, want *types.CredentialReportNotPresentException", err)
		}
		if diff := cmp.Diff(apiError{"ReportNotPresent", 410}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("GenerateCredentialReport says STARTED the first time and COMPLETE after", func(t *testing.T) {
		var states []iamtypes.ReportStateType
		for range 3 {
			out, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
			if err != nil {
				t.Fatal(err)
			}
			states = append(states, out.State)
		}
		if diff := cmp.Diff([]iamtypes.ReportStateType{"STARTED", "COMPLETE", "COMPLETE"}, states); diff != "" {
			t.Errorf("states (-want +got):\n%s", diff)
		}
	})

	t.Run("the content is base64 on the wire", func(t *testing.T) {
		h := signedHeader(demoKey, "us-east-1", "iam")
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		_, body := srv.rawRequest(t, http.MethodPost, "/", "", h, "Action=GetCredentialReport&Version=2010-05-08")
		m := regexp.MustCompile(`<Content>([^<]*)</Content>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no Content in %s", body)
		}
		raw, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil || !strings.HasPrefix(string(raw), "user,arn,user_creation_time,") {
			t.Errorf("content %q does not decode from base64 to the CSV: %v", m[1], err)
		}
	})

	t.Run("the report is the CSV with AWS's header, the root row and one row per user", func(t *testing.T) {
		out, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
		if err != nil {
			t.Fatal(err)
		}
		if out.ReportFormat != "text/csv" || time.Since(aws.ToTime(out.GeneratedTime)) > time.Minute {
			t.Errorf("format %q, generated %v", out.ReportFormat, out.GeneratedTime)
		}
		rows, err := csv.NewReader(strings.NewReader(string(out.Content))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		header := "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active," +
			"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service," +
			"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service," +
			"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
		want := [][]string{
			strings.Split(header, ","),
			strings.Split("<root_account>,arn:aws:iam::123456789012:root,2017-06-10T02:35:07+00:00,not_supported,2017-10-22T08:11:09+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A", ","),
			strings.Split("alice,arn:aws:iam::123456789012:user/alice,2013-10-14T18:32:24+00:00,true,2024-05-01T10:00:00+00:00,2013-10-14T18:32:24+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A", ","),
			strings.Split("ci,arn:aws:iam::123456789012:user/automation/ci,2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2020-01-01T00:00:00+00:00,2024-01-01T12:00:00+00:00,us-east-1,s3,false,2021-06-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A", ","),
		}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
	})

	t.Run("a report still being generated is a ReportInProgress fault, 404", func(t *testing.T) {
		srv := startYAML(t, iamFixture+"faults:\n  - {service: iam, api: GetCredentialReport, error: ReportInProgress, count: 1}\n", Options{})
		c := srv.iamClient(t, clientConfig{attempts: 1})
		_, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
		var nr *iamtypes.CredentialReportNotReadyException
		if !errors.As(err, &nr) {
			t.Fatalf("got %v, want *types.CredentialReportNotReadyException", err)
		}
		if diff := cmp.Diff(apiError{"ReportInProgress", 404}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

func TestIAMAccessKeys(t *testing.T) {
	srv := startYAML(t, iamFixture, Options{})
	c := srv.iamClient(t, clientConfig{})
	ctx := context.Background()
	keyIDs := func(ks []iamtypes.AccessKeyMetadata) (out []string) {
		for _, k := range ks {
			out = append(out, aws.ToString(k.UserName)+"/"+aws.ToString(k.AccessKeyId)+"/"+string(k.Status))
		}
		return out
	}
	ciKeys := []string{"ci/AKIAEXAMPLE00000001/Active", "ci/AKIAEXAMPLE00000002/Inactive"}

	t.Run("the ListAccessKeys paginator with MaxItems 1 yields each of a user's keys once", func(t *testing.T) {
		var got []iamtypes.AccessKeyMetadata
		p := iam.NewListAccessKeysPaginator(c, &iam.ListAccessKeysInput{UserName: aws.String("ci"), MaxItems: aws.Int32(1)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, out.AccessKeyMetadata...)
		}
		if diff := cmp.Diff(ciKeys, keyIDs(got)); diff != "" {
			t.Errorf("keys (-want +got):\n%s", diff)
		}
	})

	t.Run("without UserName the keys are the signing user's", func(t *testing.T) {
		out, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ciKeys, keyIDs(out.AccessKeyMetadata)); diff != "" {
			t.Errorf("keys (-want +got):\n%s", diff)
		}
	})

	t.Run("an unknown user is NoSuchEntity, 404", func(t *testing.T) {
		_, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("nobody")})
		var ne *iamtypes.NoSuchEntityException
		if !errors.As(err, &ne) {
			t.Fatalf("got %v, want *types.NoSuchEntityException", err)
		}
		if diff := cmp.Diff(apiError{"NoSuchEntity", 404}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	lastUsed := []struct {
		name, key, service, region string
		date                       *time.Time
	}{
		{"a used key reports its date, service and region", "AKIAEXAMPLE00000001", "s3", "us-east-1", aws.Time(time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC))},
		{"a key never used reports N/A and no date", "AKIAEXAMPLE00000002", "N/A", "N/A", nil},
	}
	for _, tc := range lastUsed {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(tc.key)})
			if err != nil {
				t.Fatal(err)
			}
			got := out.AccessKeyLastUsed
			if aws.ToString(out.UserName) != "ci" || aws.ToString(got.ServiceName) != tc.service || aws.ToString(got.Region) != tc.region ||
				!cmp.Equal(tc.date, got.LastUsedDate) {
				t.Errorf("got user %s, %+v", aws.ToString(out.UserName), got)
			}
		})
	}

	t.Run("a key outside the account is AccessDenied", func(t *testing.T) {
		_, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAOTHERACCOUNT0001")})
		if diff := cmp.Diff(apiError{"AccessDenied", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

func TestIAMEntities(t *testing.T) {
	srv := startYAML(t, iamFixture, Options{})
	c := srv.iamClient(t, clientConfig{})
	ctx := context.Background()

	t.Run("the ListUsers paginator with MaxItems 1 yields every user once", func(t *testing.T) {
		var got []string
		p := iam.NewListUsersPaginator(c, &iam.ListUsersInput{MaxItems: aws.Int32(1)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range out.Users {
				got = append(got, aws.ToString(u.UserName)+" "+aws.ToString(u.Path))
			}
		}
		if diff := cmp.Diff([]string{"alice /", "ci /automation/"}, got); diff != "" {
			t.Errorf("users (-want +got):\n%s", diff)
		}
	})

	t.Run("the ListRoles paginator yields every role with its encoded trust policy and no last use", func(t *testing.T) {
		var got []iamtypes.Role
		p := iam.NewListRolesPaginator(c, &iam.ListRolesInput{MaxItems: aws.Int32(1)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, out.Roles...)
		}
		if len(got) != 2 || aws.ToString(got[1].Arn) != "arn:aws:iam::123456789012:role/service-role/batch" {
			t.Fatalf("roles %+v", got)
		}
		if doc := iamDecode(t, got[1].AssumeRolePolicyDocument); !strings.Contains(doc, `"AWS":"arn:aws:iam::111122223333:root"`) {
			t.Errorf("trust policy %s", doc)
		}
		if got[0].RoleLastUsed != nil || got[0].Tags != nil || got[0].PermissionsBoundary != nil {
			t.Errorf("ListRoles returned attributes the docs say it leaves out: %+v", got[0])
		}
	})

	t.Run("PathPrefix filters roles", func(t *testing.T) {
		out, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/service-role/")})
		if err != nil || len(out.Roles) != 1 || aws.ToString(out.Roles[0].RoleName) != "batch" {
			t.Errorf("got %+v, %v", out, err)
		}
	})

	t.Run("GetRole returns the role with its last use, tags and boundary", func(t *testing.T) {
		out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("orders-role")})
		if err != nil {
			t.Fatal(err)
		}
		r := out.Role
		if aws.ToString(r.RoleLastUsed.Region) != "eu-west-1" || len(r.Tags) != 2 || aws.ToInt32(r.MaxSessionDuration) != 3600 ||
			aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn) != "arn:aws:iam::123456789012:policy/boundary" {
			t.Errorf("role %+v", r)
		}
	})

	t.Run("a role never used has an empty RoleLastUsed", func(t *testing.T) {
		out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("batch")})
		if err != nil {
			t.Fatal(err)
		}
		if out.Role.RoleLastUsed == nil || out.Role.RoleLastUsed.LastUsedDate != nil {
			t.Errorf("RoleLastUsed %+v", out.Role.RoleLastUsed)
		}
	})

	t.Run("GetPolicy and GetPolicyVersion serve a built-in AWS-managed policy", func(t *testing.T) {
		arn := aws.String("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
		p, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(p.Policy.Path) != "/service-role/" || aws.ToInt32(p.Policy.AttachmentCount) != 1 {
			t.Errorf("policy %+v", p.Policy)
		}
		v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: p.Policy.DefaultVersionId})
		if err != nil {
			t.Fatal(err)
		}
		if doc := iamDecode(t, v.PolicyVersion.Document); !strings.Contains(doc, `"logs:PutLogEvents"`) || !v.PolicyVersion.IsDefaultVersion {
			t.Errorf("version %+v: %s", v.PolicyVersion, doc)
		}
	})

	t.Run("GetPolicyVersion serves a customer policy's older version", func(t *testing.T) {
		v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::123456789012:policy/deploy"), VersionId: aws.String("v1")})
		if err != nil {
			t.Fatal(err)
		}
		if doc := iamDecode(t, v.PolicyVersion.Document); doc != `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}` || v.PolicyVersion.IsDefaultVersion {
			t.Errorf("v1 %+v: %s", v.PolicyVersion, doc)
		}
	})

	missing := []struct {
		name string
		call func() error
	}{
		{"an unknown role is NoSuchEntity", func() error {
			_, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
			return err
		}},
		{"an unknown policy is NoSuchEntity", func() error {
			_, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/NotInTheBuiltInSet")})
			return err
		}},
		{"an unknown policy version is NoSuchEntity", func() error {
			_, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::123456789012:policy/deploy"), VersionId: aws.String("v9")})
			return err
		}},
	}
	for _, tc := range missing {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var ne *iamtypes.NoSuchEntityException
			if !errors.As(err, &ne) || ne.ErrorCode() != "NoSuchEntity" {
				t.Errorf("got %v, want *types.NoSuchEntityException with code NoSuchEntity", err)
			}
		})
	}
}

func TestIAMFaults(t *testing.T) {
	ctx := context.Background()
	faulty := func(t *testing.T, fault string) *Server {
		return startYAML(t, iamFixture+"faults:\n"+fault, Options{})
	}

	t.Run("Throttling once on one role is retried by the SDK and then succeeds", func(t *testing.T) {
		srv := faulty(t, "  - {service: iam, api: GetRole, resource: orders-role, error: Throttling, count: 1}\n")
		if _, err := srv.iamClient(t, clientConfig{}).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("orders-role")}); err != nil {
			t.Fatal(err)
		}
		if st := srv.Stats(); st.Calls["iam:GetRole"] != 2 || st.Faults["iam:GetRole"] != 1 {
			t.Errorf("calls %v faults %v", st.Calls, st.Faults)
		}
	})

	faults := []struct {
		name, fault string
		want        apiError
	}{
		{"AccessDenied on GetAccountAuthorizationDetails is AccessDenied, 403",
			"  - {service: iam, api: GetAccountAuthorizationDetails, error: AccessDenied}\n", apiError{"AccessDenied", 403}},
		{"an internal error is IAM's ServiceFailure, 500",
			"  - {service: iam, api: GetAccountAuthorizationDetails, error: InternalError}\n", apiError{"ServiceFailure", 500}},
		{"Throttling without retries is Throttling, 400",
			"  - {service: iam, api: GetAccountAuthorizationDetails, error: Throttling}\n", apiError{"Throttling", 400}},
	}
	for _, tc := range faults {
		t.Run(tc.name, func(t *testing.T) {
			srv := faulty(t, tc.fault)
			_, err := srv.iamClient(t, clientConfig{attempts: 1}).GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{})
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

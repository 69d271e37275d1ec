package fakeaws

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
)

type identity struct{ Account, Arn, UserID string }

func callerIdentity(t *testing.T, c *sts.Client) identity {
	t.Helper()
	out, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	return identity{aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId)}
}

func TestGetCallerIdentity(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	tests := []struct {
		name string
		key  string
		want identity
	}{
		{"a known key is the account's configured caller", demoKey,
			identity{"123456789012", "arn:aws:iam::123456789012:user/auditor", uniqueID("AIDA", "arn:aws:iam::123456789012:user/auditor")}},
		{"an account without caller_arn is the default trustmap user", partnerKey,
			identity{"111122223333", "arn:aws:iam::111122223333:user/trustmap", uniqueID("AIDA", "arn:aws:iam::111122223333:user/trustmap")}},
		{"an unknown key lands in the first account", "AKIAUNKNOWN0000001",
			identity{"123456789012", "arn:aws:iam::123456789012:user/auditor", uniqueID("AIDA", "arn:aws:iam::123456789012:user/auditor")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := callerIdentity(t, srv.sts(t, clientConfig{key: tc.key}))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("identity (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(got.UserID, "AIDA") || len(got.UserID) != 21 {
				t.Errorf("UserId %s is not AIDA plus 17 characters", got.UserID)
			}
		})
	}
}

func TestAssumeRole(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	ctx := context.Background()

	t.Run("the credentials act as the role in its account", func(t *testing.T) {
		out, err := srv.sts(t, clientConfig{}).AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String("arn:aws:iam::111122223333:role/trustmap-audit"), RoleSessionName: aws.String("scan-1"),
		})
		if err != nil {
			t.Fatal(err)
		}
		key := aws.ToString(out.Credentials.AccessKeyId)
		if !strings.HasPrefix(key, "ASIA") || len(key) != 20 || aws.ToString(out.Credentials.SessionToken) == "" || out.Credentials.Expiration == nil {
			t.Errorf("credentials %+v: want an ASIA key of 20 characters, a token and an expiry", out.Credentials)
		}
		wantArn := "arn:aws:sts::111122223333:assumed-role/trustmap-audit/scan-1"
		if got := aws.ToString(out.AssumedRoleUser.Arn); got != wantArn {
			t.Errorf("AssumedRoleUser.Arn = %s, want %s", got, wantArn)
		}
		cc := clientConfig{key: key, token: aws.ToString(out.Credentials.SessionToken)}
		got := callerIdentity(t, srv.sts(t, cc))
		want := identity{"111122223333", wantArn, aws.ToString(out.AssumedRoleUser.AssumedRoleId)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("identity (-want +got):\n%s", diff)
		}
		list, err := srv.s3(t, cc).ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"partner-shared-data"}, bucketNames(list.Buckets)); diff != "" {
			t.Errorf("buckets (-want +got):\n%s", diff)
		}
	})

	t.Run("the SDK's own AssumeRole provider works end to end", func(t *testing.T) {
		cfg := srv.config(t, clientConfig{})
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(srv.sts(t, clientConfig{}), "arn:aws:iam::111122223333:role/vendor-audit",
			func(o *stscreds.AssumeRoleOptions) { o.ExternalID = aws.String("ext-1234") }))
		c := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(srv.URL()) })
		if got := callerIdentity(t, c); got.Account != "111122223333" || !strings.Contains(got.Arn, ":assumed-role/vendor-audit/") {
			t.Errorf("identity %+v: want a vendor-audit session in 111122223333", got)
		}
	})

	errs := []struct {
		name string
		in   sts.AssumeRoleInput
		want apiError
	}{
		{"a one-character session name is a validation error",
			sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111122223333:role/trustmap-audit"), RoleSessionName: aws.String("s")},
			apiError{"ValidationError", 400}},
		{"a role not in any roles_assumable is access denied", sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111122223333:role/admin"), RoleSessionName: aws.String("scan")},
			apiError{"AccessDenied", 403}},
		{"a role that wants an external id is denied without it", sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111122223333:role/vendor-audit"), RoleSessionName: aws.String("scan")},
			apiError{"AccessDenied", 403}},
		{"a role that wants an external id is denied with the wrong one", sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111122223333:role/vendor-audit"), RoleSessionName: aws.String("scan"), ExternalId: aws.String("guess")},
			apiError{"AccessDenied", 403}},
		{"a duration beyond 12 hours is a validation error", sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111122223333:role/trustmap-audit"), RoleSessionName: aws.String("scan"), DurationSeconds: aws.Int32(50000)},
			apiError{"ValidationError", 400}},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			_, err := srv.sts(t, clientConfig{}).AssumeRole(ctx, &tc.in)
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

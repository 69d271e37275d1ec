package fakeaws

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
)

const bucketReadsWorld = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    s3:
      buckets:
        - name: plain
        - name: kms-site
          encryption: {sse_algorithm: "aws:kms", kms_master_key_id: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", bucket_key_enabled: true, blocked_encryption_types: [SSE-C]}
          website:
            index_document: index.html
            error_document: error.html
            routing_rules: [{key_prefix_equals: docs/, redirect: {replace_key_prefix_with: documents/}}, {http_error_code_returned_equals: "404", redirect: {host_name: example.com, protocol: https, http_redirect_code: "302"}}]
        - name: redirector
          encryption: {sse_algorithm: "aws:kms:dsse"}
          website: {redirect_all_requests_to: {host_name: www.example.com, protocol: https}}
        - {name: euro, region: eu-west-1}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
    s3: {buckets: [{name: partner-bucket}]}
%s`

func TestS3GetBucketEncryption(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(bucketReadsWorld, ""), Options{})
	ctx := context.Background()
	rule := func(t *testing.T, bucket string) s3types.ServerSideEncryptionRule {
		t.Helper()
		out, err := srv.s3(t, clientConfig{}).GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(out.ServerSideEncryptionConfiguration.Rules); n != 1 {
			t.Fatalf("%d rules, want 1", n)
		}
		return out.ServerSideEncryptionConfiguration.Rules[0]
	}

	t.Run("a bucket never configured answers SSE-S3, the default of every bucket since January 2023", func(t *testing.T) {
		r := rule(t, "plain")
		got := []any{r.ApplyServerSideEncryptionByDefault.SSEAlgorithm, r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID, aws.ToBool(r.BucketKeyEnabled), r.BlockedEncryptionTypes}
		if diff := cmp.Diff([]any{s3types.ServerSideEncryptionAes256, (*string)(nil), false, (*s3types.BlockedEncryptionTypes)(nil)}, got); diff != "" {
			t.Errorf("plain (-want +got):\n%s", diff)
		}
	})

	t.Run("SSE-KMS with a key, a bucket key and SSE-C blocked", func(t *testing.T) {
		r := rule(t, "kms-site")
		got := []any{r.ApplyServerSideEncryptionByDefault.SSEAlgorithm, aws.ToString(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID), aws.ToBool(r.BucketKeyEnabled), r.BlockedEncryptionTypes.EncryptionType}
		want := []any{s3types.ServerSideEncryptionAwsKms, "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", true, []s3types.EncryptionType{s3types.EncryptionTypeSseC}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("kms-site (-want +got):\n%s", diff)
		}
	})

	t.Run("dual-layer SSE-KMS", func(t *testing.T) {
		if got := rule(t, "redirector").ApplyServerSideEncryptionByDefault.SSEAlgorithm; got != s3types.ServerSideEncryptionAwsKmsDsse {
			t.Errorf("algorithm %s, want aws:kms:dsse", got)
		}
	})
}

func TestS3GetBucketWebsite(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(bucketReadsWorld, ""), Options{})
	ctx := context.Background()
	get := func(c *s3.Client, bucket string) (*s3.GetBucketWebsiteOutput, error) {
		return c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String(bucket)})
	}

	t.Run("a website with index and error documents and routing rules", func(t *testing.T) {
		out, err := get(srv.s3(t, clientConfig{}), "kms-site")
		if err != nil {
			t.Fatal(err)
		}
		type rule struct{ Prefix, Code, Host, Proto, Redirect, ReplacePrefix string }
		var rules []rule
		for _, r := range out.RoutingRules {
			var c s3types.Condition
			if r.Condition != nil {
				c = *r.Condition
			}
			rules = append(rules, rule{aws.ToString(c.KeyPrefixEquals), aws.ToString(c.HttpErrorCodeReturnedEquals), aws.ToString(r.Redirect.HostName),
				string(r.Redirect.Protocol), aws.ToString(r.Redirect.HttpRedirectCode), aws.ToString(r.Redirect.ReplaceKeyPrefixWith)})
		}
		got := []any{aws.ToString(out.IndexDocument.Suffix), aws.ToString(out.ErrorDocument.Key), out.RedirectAllRequestsTo, rules}
		want := []any{"index.html", "error.html", (*s3types.RedirectAllRequestsTo)(nil), []rule{{"docs/", "", "", "", "", "documents/"}, {"", "404", "example.com", "https", "302", ""}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("kms-site (-want +got):\n%s", diff)
		}
	})

	t.Run("a website that redirects every request", func(t *testing.T) {
		out, err := get(srv.s3(t, clientConfig{}), "redirector")
		if err != nil {
			t.Fatal(err)
		}
		r := out.RedirectAllRequestsTo
		if got := []any{aws.ToString(r.HostName), r.Protocol, out.IndexDocument}; !cmp.Equal(got, []any{"www.example.com", s3types.ProtocolHttps, (*s3types.IndexDocument)(nil)}) {
			t.Errorf("redirector = %v", got)
		}
	})

	tests := []struct {
		name, bucket string
		cc           clientConfig
		want         apiError
	}{
		{"a bucket that is not a website is NoSuchWebsiteConfiguration 404", "plain", clientConfig{}, apiError{"NoSuchWebsiteConfiguration", 404}},
		{"another region's bucket is PermanentRedirect", "euro", clientConfig{}, apiError{"PermanentRedirect", 301}},
		{"another account's bucket is AccessDenied", "partner-bucket", clientConfig{}, apiError{"AccessDenied", 403}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cc.attempts = 1
			_, err := get(srv.s3(t, tc.cc), tc.bucket)
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("faults: denied encryption reads and throttled website reads", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(bucketReadsWorld, `faults:
  - {service: s3, api: GetBucketEncryption, resource: kms-site, error: AccessDenied}
  - {service: s3, api: GetBucketWebsite, error: Throttling, count: 1}`), Options{})
		_, err := srv.s3(t, clientConfig{attempts: 1}).GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("kms-site")})
		if diff := cmp.Diff(apiError{"AccessDenied", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("encryption (-want +got):\n%s", diff)
		}
		// SlowDown 503 is retried by the SDK; the second attempt succeeds.
		if _, err := get(srv.s3(t, clientConfig{}), "kms-site"); err != nil {
			t.Errorf("website after one SlowDown: %v", err)
		}
		if st := srv.Stats(); st.Calls["s3:GetBucketWebsite"] != 2 || st.Faults["s3:GetBucketWebsite"] != 1 {
			t.Errorf("calls %d, faults %d: want 2 and 1", st.Calls["s3:GetBucketWebsite"], st.Faults["s3:GetBucketWebsite"])
		}
	})
}

package fakeaws

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func bucketNames(bs []types.Bucket) []string {
	var out []string
	for _, b := range bs {
		out = append(out, aws.ToString(b.Name))
	}
	return out
}

func TestListBuckets(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	ctx := context.Background()
	all := []string{"acme-cape-town", "acme-eu-legacy", "acme-logs", "acme-private", "acme-public-assets"}

	t.Run("an unpaginated call lists every bucket of the caller's account without regions", func(t *testing.T) {
		out, err := srv.s3(t, clientConfig{}).ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(all, bucketNames(out.Buckets)); diff != "" {
			t.Errorf("buckets (-want +got):\n%s", diff)
		}
		for _, b := range out.Buckets {
			if b.BucketRegion != nil {
				t.Errorf("bucket %s has BucketRegion %q on an unpaginated call", aws.ToString(b.Name), aws.ToString(b.BucketRegion))
			}
		}
		if out.ContinuationToken != nil || out.Owner == nil || len(aws.ToString(out.Owner.ID)) != 64 {
			t.Errorf("token %v, owner %+v: want no token and a 64-digit canonical owner id", out.ContinuationToken, out.Owner)
		}
		if got := out.Buckets[4].CreationDate.UTC().Format("2006-01-02T15:04:05Z"); got != "2024-01-07T10:00:00Z" {
			t.Errorf("acme-public-assets created %s, want 2024-01-07T10:00:00Z", got)
		}
	})

	t.Run("the paginator with a limit of 2 yields every bucket exactly once, each with its region", func(t *testing.T) {
		p := s3.NewListBucketsPaginator(srv.s3(t, clientConfig{region: "eu-west-1"}), &s3.ListBucketsInput{}, func(o *s3.ListBucketsPaginatorOptions) { o.Limit = 2 })
		var got []string
		regions := map[string]string{}
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, b := range out.Buckets {
				got = append(got, aws.ToString(b.Name))
				regions[aws.ToString(b.Name)] = aws.ToString(b.BucketRegion)
			}
		}
		if diff := cmp.Diff(all, got); diff != "" {
			t.Errorf("buckets (-want +got):\n%s", diff)
		}
		if pages != 3 {
			t.Errorf("got %d pages, want 3", pages)
		}
		want := map[string]string{"acme-cape-town": "af-south-1", "acme-eu-legacy": "eu-west-1", "acme-logs": "eu-west-1", "acme-private": "us-east-1", "acme-public-assets": "us-east-1"}
		if diff := cmp.Diff(want, regions); diff != "" {
			t.Errorf("regions (-want +got):\n%s", diff)
		}
	})

	filters := []struct {
		name string
		in   s3.ListBucketsInput
		want []string
	}{
		{"a prefix filters by name", s3.ListBucketsInput{Prefix: aws.String("acme-p")}, []string{"acme-private", "acme-public-assets"}},
		{"bucket-region filters by region", s3.ListBucketsInput{BucketRegion: aws.String("eu-west-1")}, []string{"acme-eu-legacy", "acme-logs"}},
	}
	for _, tc := range filters {
		t.Run(tc.name, func(t *testing.T) {
			out, err := srv.s3(t, clientConfig{}).ListBuckets(ctx, &tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, bucketNames(out.Buckets)); diff != "" {
				t.Errorf("buckets (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("another account's key lists that account's buckets", func(t *testing.T) {
		out, err := srv.s3(t, clientConfig{key: partnerKey}).ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"partner-shared-data"}, bucketNames(out.Buckets)); diff != "" {
			t.Errorf("buckets (-want +got):\n%s", diff)
		}
	})

	bad := []struct {
		name string
		in   s3.ListBucketsInput
	}{
		{"max-buckets above 10000 is an InvalidArgument", s3.ListBucketsInput{MaxBuckets: aws.Int32(10001)}},
		{"a continuation token the fake did not issue is an InvalidArgument", s3.ListBucketsInput{ContinuationToken: aws.String("bm9wZQ==")}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := srv.s3(t, clientConfig{}).ListBuckets(ctx, &tc.in)
			if diff := cmp.Diff(apiError{"InvalidArgument", 400}, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetBucketLocation(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	tests := []struct {
		name, bucket, region string
		want                 types.BucketLocationConstraint
	}{
		{"a us-east-1 bucket has an empty location constraint", "acme-private", "us-east-1", ""},
		{"an eu-west-1 bucket answers eu-west-1", "acme-logs", "eu-west-1", "eu-west-1"},
		{"a legacy bucket answers EU", "acme-eu-legacy", "eu-west-1", "EU"},
		{"any region's endpoint may ask", "acme-logs", "us-east-1", "eu-west-1"},
		{"an opt-in region's bucket answers from us-east-1 too", "acme-cape-town", "us-east-1", "af-south-1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := srv.s3(t, clientConfig{region: tc.region}).GetBucketLocation(context.Background(), &s3.GetBucketLocationInput{Bucket: &tc.bucket})
			if err != nil {
				t.Fatal(err)
			}
			if out.LocationConstraint != tc.want {
				t.Errorf("LocationConstraint = %q, want %q", out.LocationConstraint, tc.want)
			}
		})
	}

	t.Run("the body is the bare element, self-closing for us-east-1", func(t *testing.T) {
		_, body := srv.rawRequest(t, "GET", "/acme-private?location", "", signedHeader(demoKey, "us-east-1", "s3"), "")
		want := xmlHeader + `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>`
		if body != want {
			t.Errorf("body = %q, want %q", body, want)
		}
	})
}

func TestGetBucketPolicy(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	tests := []struct {
		name, bucket, region, want string
	}{
		{"a policy written as YAML comes back as compact JSON in its key order", "acme-public-assets", "us-east-1",
			`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-public-assets/*"}]}`},
		{"a policy written as a string comes back verbatim", "acme-logs", "eu-west-1",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::acme-logs/*"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := srv.s3(t, clientConfig{region: tc.region}).GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: &tc.bucket})
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(out.Policy); got != tc.want {
				t.Errorf("policy = %s\nwant     %s", got, tc.want)
			}
		})
	}
}

func TestGetBucketPolicyStatus(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	ctx := context.Background()
	tests := []struct {
		name, bucket, region string
		want                 bool
	}{
		{"a bucket marked public answers IsPublic true", "acme-public-assets", "us-east-1", true},
		{"a bucket with a policy not marked public answers IsPublic false", "acme-logs", "eu-west-1", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := srv.s3(t, clientConfig{region: tc.region}).GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: &tc.bucket})
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToBool(out.PolicyStatus.IsPublic); got != tc.want {
				t.Errorf("IsPublic = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestGetBucketAcl(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	owner := "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
	demoOwner := canonicalID("123456789012")
	tests := []struct {
		name, bucket, region string
		wantOwner            string
		want                 []types.Grant
	}{
		{"grantee types decode from the xsi:type attribute", "acme-public-assets", "us-east-1", owner, []types.Grant{
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(owner)}, Permission: types.PermissionFullControl},
			{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: types.PermissionRead},
			{Grantee: &types.Grantee{Type: types.TypeAmazonCustomerByEmail, EmailAddress: aws.String("partner@example.com")}, Permission: types.PermissionReadAcp},
		}},
		{"a bucket without an acl grants its owner full control", "acme-private", "us-east-1", demoOwner, []types.Grant{
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(demoOwner)}, Permission: types.PermissionFullControl},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := srv.s3(t, clientConfig{region: tc.region}).GetBucketAcl(context.Background(), &s3.GetBucketAclInput{Bucket: &tc.bucket})
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(out.Owner.ID); got != tc.wantOwner {
				t.Errorf("owner = %s, want %s", got, tc.wantOwner)
			}
			if diff := cmp.Diff(tc.want, out.Grants, cmpopts.IgnoreUnexported(types.Grant{}, types.Grantee{})); diff != "" {
				t.Errorf("grants (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("the grantee declares xmlns:xsi and carries xsi:type as an attribute", func(t *testing.T) {
		_, body := srv.rawRequest(t, "GET", "/acme-public-assets?acl", "", signedHeader(demoKey, "us-east-1", "s3"), "")
		want := `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee>`
		if !strings.Contains(body, want) {
			t.Errorf("body %s\ndoes not contain %s", body, want)
		}
	})
}

func TestGetPublicAccessBlock(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	tests := []struct {
		name, bucket, region string
		want                 types.PublicAccessBlockConfiguration
	}{
		{"an all-false block is served as configured", "acme-public-assets", "us-east-1", types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}},
		{"an all-true block is served as configured", "acme-logs", "eu-west-1", types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := srv.s3(t, clientConfig{region: tc.region}).GetPublicAccessBlock(context.Background(), &s3.GetPublicAccessBlockInput{Bucket: &tc.bucket})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, *out.PublicAccessBlockConfiguration, cmpopts.IgnoreUnexported(types.PublicAccessBlockConfiguration{})); diff != "" {
				t.Errorf("configuration (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetBucketOwnershipControls(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	out, err := srv.s3(t, clientConfig{region: "eu-west-1"}).GetBucketOwnershipControls(context.Background(), &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("acme-logs")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.OwnershipControls.Rules) != 1 || out.OwnershipControls.Rules[0].ObjectOwnership != types.ObjectOwnershipBucketOwnerEnforced {
		t.Errorf("rules = %+v, want one BucketOwnerEnforced rule", out.OwnershipControls.Rules)
	}
}

func TestGetBucketNotificationConfiguration(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	ctx := context.Background()

	t.Run("queue, function and topic targets decode with their filters", func(t *testing.T) {
		out, err := srv.s3(t, clientConfig{}).GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("acme-public-assets")})
		if err != nil {
			t.Fatal(err)
		}
		ignore := cmpopts.IgnoreUnexported(types.QueueConfiguration{}, types.LambdaFunctionConfiguration{}, types.TopicConfiguration{},
			types.NotificationConfigurationFilter{}, types.S3KeyFilter{}, types.FilterRule{})
		wantQueues := []types.QueueConfiguration{{
			Id: aws.String("orders-created"), QueueArn: aws.String("arn:aws:sqs:us-east-1:123456789012:orders"),
			Events: []types.Event{"s3:ObjectCreated:*"},
			Filter: &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{
				{Name: "Prefix", Value: aws.String("incoming/")}, {Name: "Suffix", Value: aws.String(".json")},
			}}},
		}}
		if diff := cmp.Diff(wantQueues, out.QueueConfigurations, ignore); diff != "" {
			t.Errorf("queues (-want +got):\n%s", diff)
		}
		wantFns := []types.LambdaFunctionConfiguration{{
			Id: aws.String("thumb"), LambdaFunctionArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:thumb"),
			Events: []types.Event{"s3:ObjectCreated:Put", "s3:ObjectCreated:Post"},
		}}
		if diff := cmp.Diff(wantFns, out.LambdaFunctionConfigurations, ignore); diff != "" {
			t.Errorf("functions (-want +got):\n%s", diff)
		}
		wantTopics := []types.TopicConfiguration{{
			Id: aws.String("removals"), TopicArn: aws.String("arn:aws:sns:us-east-1:123456789012:removals"),
			Events: []types.Event{"s3:ObjectRemoved:*"},
		}}
		if diff := cmp.Diff(wantTopics, out.TopicConfigurations, ignore); diff != "" {
			t.Errorf("topics (-want +got):\n%s", diff)
		}
		if out.EventBridgeConfiguration == nil {
			t.Error("EventBridgeConfiguration is nil, want it present")
		}
	})

	t.Run("a bucket without notifications answers 200 with an empty configuration", func(t *testing.T) {
		out, err := srv.s3(t, clientConfig{}).GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("acme-private")})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(out.QueueConfigurations) + len(out.LambdaFunctionConfigurations) + len(out.TopicConfigurations); n != 0 || out.EventBridgeConfiguration != nil {
			t.Errorf("got %d configurations and EventBridge %v, want none", n, out.EventBridgeConfiguration)
		}
	})
}

// TestS3Errors checks every S3 error decodes as the SDK's coded error with
// AWS's status.
func TestS3Errors(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	ctx := context.Background()
	tests := []struct {
		name   string
		region string
		call   func(c *s3.Client) error
		want   apiError
	}{
		{"a bucket without a policy has no policy", "us-east-1", func(c *s3.Client) error {
			_, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("acme-private")})
			return err
		}, apiError{"NoSuchBucketPolicy", 404}},
		{"a bucket without a policy has no policy status either", "us-east-1", func(c *s3.Client) error {
			_, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("acme-private")})
			return err
		}, apiError{"NoSuchBucketPolicy", 404}},
		{"a bucket without a public access block says so", "us-east-1", func(c *s3.Client) error {
			_, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("acme-private")})
			return err
		}, apiError{"NoSuchPublicAccessBlockConfiguration", 404}},
		{"a bucket without ownership controls says so", "us-east-1", func(c *s3.Client) error {
			_, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("acme-private")})
			return err
		}, apiError{"OwnershipControlsNotFoundError", 404}},
		{"an unknown bucket does not exist", "us-east-1", func(c *s3.Client) error {
			_, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("no-such-bucket-here")})
			return err
		}, apiError{"NoSuchBucket", 404}},
		{"another account's bucket is access denied", "us-east-1", func(c *s3.Client) error {
			_, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("partner-shared-data")})
			return err
		}, apiError{"AccessDenied", 403}},
		{"a bucket asked for at another standard region's endpoint is a permanent redirect", "us-east-1", func(c *s3.Client) error {
			_, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("acme-logs")})
			return err
		}, apiError{"PermanentRedirect", 301}},
		{"an opt-in region's bucket asked for elsewhere is an illegal location constraint", "us-east-1", func(c *s3.Client) error {
			_, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("acme-cape-town")})
			return err
		}, apiError{"IllegalLocationConstraintException", 400}},
		{"listing objects with the old ListObjects (v1) is not implemented", "us-east-1", func(c *s3.Client) error {
			_, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String("acme-private")})
			return err
		}, apiError{"NotImplemented", 501}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(srv.s3(t, clientConfig{region: tc.region, attempts: 1}))
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("the redirect names the bucket's region in x-amz-bucket-region", func(t *testing.T) {
		_, err := srv.s3(t, clientConfig{attempts: 1}).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("acme-logs")})
		var re *awshttp.ResponseError
		if !errors.As(err, &re) {
			t.Fatalf("error %v is not a ResponseError", err)
		}
		if got := re.Response.Header.Get("x-amz-bucket-region"); got != "eu-west-1" {
			t.Errorf("x-amz-bucket-region = %q, want eu-west-1", got)
		}
	})

	t.Run("an error body is a bare Error element with the bucket name and ids", func(t *testing.T) {
		resp, body := srv.rawRequest(t, "GET", "/acme-private?policy", "", signedHeader(demoKey, "us-east-1", "s3"), "")
		id := resp.Header.Get("x-amz-request-id")
		want := xmlHeader + `<Error><Code>NoSuchBucketPolicy</Code><Message>The bucket policy does not exist</Message><BucketName>acme-private</BucketName><RequestId>` +
			id + `</RequestId><HostId>` + resp.Header.Get("x-amz-id-2") + `</HostId></Error>`
		if body != want || id == "" {
			t.Errorf("body = %s\nwant   %s", body, want)
		}
	})
}

func TestS3VirtualHostStyle(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	resp, body := srv.rawRequest(t, "GET", "/?policyStatus", "acme-public-assets.localhost:80", signedHeader(demoKey, "us-east-1", "s3"), "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<IsPublic>true</IsPublic>") {
		t.Errorf("status %d, body %s: want 200 and IsPublic true", resp.StatusCode, body)
	}
}

package fakeaws

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
)

func TestUnsignedRequests(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	ctx := context.Background()
	anon := func(cfg aws.Config) aws.Config { cfg.Credentials = aws.AnonymousCredentials{}; return cfg }
	tests := []struct {
		name string
		call func() error
		want apiError
	}{
		{"an anonymous S3 call is access denied", func() error {
			c := s3.NewFromConfig(anon(srv.config(t, clientConfig{})), func(o *s3.Options) { o.BaseEndpoint = aws.String(srv.URL()); o.UsePathStyle = true })
			_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}, apiError{"AccessDenied", 403}},
		{"an anonymous STS call is missing its authentication token", func() error {
			c := sts.NewFromConfig(anon(srv.config(t, clientConfig{})), func(o *sts.Options) { o.BaseEndpoint = aws.String(srv.URL()) })
			_, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}, apiError{"MissingAuthenticationToken", 403}},
		{"an anonymous EC2 call is missing its authentication token, 401", func() error {
			c := ec2.NewFromConfig(anon(srv.config(t, clientConfig{})), func(o *ec2.Options) { o.BaseEndpoint = aws.String(srv.URL()) })
			_, err := c.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
			return err
		}, apiError{"MissingAuthenticationToken", 401}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, decodeError(t, tc.call())); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}

	malformed := http.Header{"Authorization": {"AWS4-HMAC-SHA256 Credential=AKIADEMO0000000001/20240101/us-east-1"}}
	raw := []struct {
		name, method, path string
		header             http.Header
		body               string
		status             int
		prefix             string
	}{
		{"an unreadable S3 signature is a malformed authorization header", "GET", "/", malformed, "", 400,
			xmlHeader + "<Error><Code>AuthorizationHeaderMalformed</Code>"},
		{"an unreadable STS signature is an incomplete signature", "POST", "/", http.Header{
			"Authorization": malformed["Authorization"], "Content-Type": {"application/x-www-form-urlencoded"}},
			"Action=GetCallerIdentity&Version=2011-06-15", 400,
			xmlHeader + `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>IncompleteSignature</Code>`},
	}
	for _, tc := range raw {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := srv.rawRequest(t, tc.method, tc.path, "", tc.header, tc.body)
			if resp.StatusCode != tc.status || !strings.HasPrefix(body, tc.prefix) {
				t.Errorf("status %d, body %s\nwant %d, %s...", resp.StatusCode, body, tc.status, tc.prefix)
			}
		})
	}
	if got := srv.Stats().Rejected; got != 5 {
		t.Errorf("Rejected = %d, want 5", got)
	}
}

func TestDisabledRegions(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	ctx := context.Background()
	tests := []struct {
		name  string
		cc    clientConfig
		call  func(cc clientConfig) error
		want  apiError
		works bool
	}{
		{"STS in a disabled region does not know the credentials", clientConfig{region: "ap-east-1"}, func(cc clientConfig) error {
			_, err := srv.sts(t, cc).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}, apiError{"InvalidClientTokenId", 403}, false},
		{"an opt-in region the fixture does not list is disabled too", clientConfig{region: "me-south-1"}, func(cc clientConfig) error {
			_, err := srv.sts(t, cc).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}, apiError{"InvalidClientTokenId", 403}, false},
		{"EC2 in a disabled region is an auth failure", clientConfig{region: "ap-east-1"}, func(cc clientConfig) error {
			_, err := srv.ec2(t, cc).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
			return err
		}, apiError{"AuthFailure", 401}, false},
		{"S3 in a disabled region does not know the access key", clientConfig{region: "ap-east-1"}, func(cc clientConfig) error {
			_, err := srv.s3(t, cc).ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}, apiError{"InvalidAccessKeyId", 403}, false},
		{"S3 in a disabled region rejects a session token", clientConfig{region: "ap-east-1", token: "session"}, func(cc clientConfig) error {
			_, err := srv.s3(t, cc).ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}, apiError{"InvalidToken", 400}, false},
		{"S3 Control in a disabled region does not know the access key", clientConfig{region: "ap-east-1"}, func(cc clientConfig) error {
			_, err := srv.s3control(t, cc).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String("123456789012")})
			return err
		}, apiError{"InvalidAccessKeyId", 403}, false},
		{"a standard region the fixture does not list is enabled", clientConfig{region: "eu-west-3"}, func(cc clientConfig) error {
			_, err := srv.sts(t, cc).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}, apiError{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cc.attempts = 1
			err := tc.call(tc.cc)
			if tc.works {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnknownOperations checks each protocol's unknown-operation error
// decodes in the SDK. The probes are writes, which the fake never answers.
func TestUnknownOperations(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	ctx := context.Background()
	cfg := srv.config(t, clientConfig{attempts: 1})
	base := aws.String(srv.URL())
	tests := []struct {
		name string
		call func() error
		want apiError
	}{
		{"STS answers InvalidAction", func() error {
			_, err := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = base }).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
			return err
		}, apiError{"InvalidAction", 400}},
		{"IAM answers InvalidAction", func() error {
			_, err := iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = base }).DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r")})
			return err
		}, apiError{"InvalidAction", 400}},
		{"EC2 answers InvalidAction", func() error {
			_, err := ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.BaseEndpoint = base }).DescribeVolumes(ctx, &ec2.DescribeVolumesInput{})
			return err
		}, apiError{"InvalidAction", 400}},
		{"SQS answers UnknownOperationException, coded InvalidAction by x-amzn-query-error", func() error {
			_, err := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = base }).DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String("https://sqs.us-east-1.amazonaws.com/123456789012/q")})
			return err
		}, apiError{"InvalidAction", 400}},
		{"Organizations answers UnknownOperationException", func() error {
			_, err := organizations.NewFromConfig(cfg, func(o *organizations.Options) { o.BaseEndpoint = base }).LeaveOrganization(ctx, &organizations.LeaveOrganizationInput{})
			return err
		}, apiError{"UnknownOperationException", 400}},
		{"Lambda answers UnknownOperationException, 404", func() error {
			_, err := lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.BaseEndpoint = base }).DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("f")})
			return err
		}, apiError{"UnknownOperationException", 404}},
		{"API Gateway answers UnknownOperationException, 404", func() error {
			_, err := apigateway.NewFromConfig(cfg, func(o *apigateway.Options) { o.BaseEndpoint = base }).DeleteRestApi(ctx, &apigateway.DeleteRestApiInput{RestApiId: aws.String("a1b2c3d4e5")})
			return err
		}, apiError{"UnknownOperationException", 404}},
		{"API Gateway v2 answers UnknownOperationException, 404", func() error {
			_, err := apigatewayv2.NewFromConfig(cfg, func(o *apigatewayv2.Options) { o.BaseEndpoint = base }).DeleteApi(ctx, &apigatewayv2.DeleteApiInput{ApiId: aws.String("a1b2c3d4e5")})
			return err
		}, apiError{"UnknownOperationException", 404}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, decodeError(t, tc.call())); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestErrorWireFormats pins the exact bytes and headers of each protocol's
// error (aws_wire.md §0.2).
func TestErrorWireFormats(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	form := func(h http.Header) http.Header { h.Set("Content-Type", "application/x-www-form-urlencoded"); return h }
	target := func(h http.Header, ct, tgt string) http.Header {
		h.Set("Content-Type", ct)
		h.Set("X-Amz-Target", tgt)
		return h
	}
	tests := []struct {
		name, method, path string
		header             http.Header
		body               string
		status             int
		wantBody           string // {id} stands for the request id
		wantHeader         map[string]string
	}{
		{"a query error is an ErrorResponse with Type, Code, Message and RequestId", "POST", "/",
			form(signedHeader(demoKey, "us-east-1", "sts")), "Action=GetSessionToken&Version=2011-06-15", 400,
			xmlHeader + `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>Could not find operation GetSessionToken for version 2011-06-15</Message></Error><RequestId>{id}</RequestId></ErrorResponse>`,
			map[string]string{"Content-Type": "text/xml"}},
		{"an EC2 error is a Response with Errors and RequestID", "POST", "/",
			form(signedHeader(demoKey, "us-east-1", "ec2")), "Action=DescribeVolumes&Version=2016-11-15", 400,
			xmlHeader + `<Response><Errors><Error><Code>InvalidAction</Code><Message>The action DescribeVolumes is not valid for this web service.</Message></Error></Errors><RequestID>{id}</RequestID></Response>`,
			nil},
		{"an SQS error carries __type and x-amzn-query-error", "POST", "/",
			target(signedHeader(demoKey, "us-east-1", "sqs"), "application/x-amz-json-1.0", "AmazonSQS.DeleteQueue"), "{}", 400,
			`{"__type":"com.amazon.coral.service#UnknownOperationException","message":"The action or operation requested is invalid."}`,
			map[string]string{"x-amzn-query-error": "InvalidAction;Sender", "Content-Type": "application/x-amz-json-1.0"}},
		{"a Lambda error carries its code in X-Amzn-ErrorType", "DELETE", "/2015-03-31/functions/f",
			signedHeader(demoKey, "us-east-1", "lambda"), "", 404,
			`{"Type":"User","Message":"Unknown operation"}`,
			map[string]string{"X-Amzn-ErrorType": "UnknownOperationException"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := srv.rawRequest(t, tc.method, tc.path, "", tc.header, tc.body)
			id := resp.Header.Get("x-amzn-RequestId")
			if want := strings.ReplaceAll(tc.wantBody, "{id}", id); resp.StatusCode != tc.status || body != want || id == "" {
				t.Errorf("status %d, request id %q, body\n%s\nwant %d and\n%s", resp.StatusCode, id, body, tc.status, want)
			}
			for k, v := range tc.wantHeader {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

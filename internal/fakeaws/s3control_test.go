package fakeaws

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestS3ControlGetPublicAccessBlock(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	ctx := context.Background()

	t.Run("the account-level block is served through the {AccountId}. host", func(t *testing.T) {
		out, err := srv.s3control(t, clientConfig{}).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String("123456789012")})
		if err != nil {
			t.Fatal(err)
		}
		want := types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}
		if diff := cmp.Diff(want, *out.PublicAccessBlockConfiguration, cmpopts.IgnoreUnexported(types.PublicAccessBlockConfiguration{})); diff != "" {
			t.Errorf("configuration (-want +got):\n%s", diff)
		}
	})

	t.Run("an account without a block gets the typed NoSuchPublicAccessBlockConfiguration", func(t *testing.T) {
		_, err := srv.s3control(t, clientConfig{key: partnerKey}).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String("111122223333")})
		var nf *types.NoSuchPublicAccessBlockConfiguration
		if !errors.As(err, &nf) {
			t.Fatalf("error %v is not a *types.NoSuchPublicAccessBlockConfiguration", err)
		}
		if diff := cmp.Diff(apiError{"NoSuchPublicAccessBlockConfiguration", 404}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("asking about another account is access denied", func(t *testing.T) {
		_, err := srv.s3control(t, clientConfig{}).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String("111122223333")})
		if diff := cmp.Diff(apiError{"AccessDenied", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("an operation the fake does not implement is NotImplemented", func(t *testing.T) {
		_, err := srv.s3control(t, clientConfig{attempts: 1}).ListJobs(ctx, &s3control.ListJobsInput{AccountId: aws.String("123456789012")})
		if diff := cmp.Diff(apiError{"NotImplemented", 501}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("a host prefix that disagrees with x-amz-account-id is refused in the wrapped error form", func(t *testing.T) {
		h := signedHeader(demoKey, "us-east-1", "s3")
		h.Set("x-amz-account-id", "123456789012")
		resp, body := srv.rawRequest(t, "GET", "/v20180820/configuration/publicAccessBlock", "111122223333.127.0.0.1", h, "")
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(body, xmlHeader+"<ErrorResponse><Error><Code>InvalidRequest</Code>") {
			t.Errorf("status %d, body %s: want 400 and a wrapped InvalidRequest", resp.StatusCode, body)
		}
	})
}

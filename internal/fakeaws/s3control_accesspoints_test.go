package fakeaws

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/google/go-cmp/cmp"
)

// apWorld has access points in us-east-1 (one on another account's bucket,
// one VPC-only) and eu-west-1, and two Multi-Region Access Points; %s is
// appended at top level.
const apWorld = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    s3:
      buckets:
        - {name: shared-data, region: us-east-1}
        - {name: plain, region: us-east-1}
        - {name: euro-data, region: eu-west-1}
      access_points:
        - name: public-ap
          bucket: shared-data
          created: 2024-01-07T10:00:00Z
          public_access_block: {block_public_acls: false, ignore_public_acls: false, block_public_policy: false, restrict_public_buckets: false}
          policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:123456789012:accesspoint/public-ap/object/*"}]}'
          policy_is_public: true
        - {name: vpc-ap, bucket: shared-data, vpc_id: vpc-0abc1234}
        - {name: partner-ap, bucket: partner-bucket, bucket_account_id: "111122223333", region: us-east-1}
        - {name: euro-ap, bucket: euro-data}
      multi_region_access_points:
        - name: global
          created: 2024-01-07T10:00:00Z
          regions: [{bucket: shared-data}, {bucket: euro-data}, {bucket: partner-west, region: us-west-2, bucket_account_id: "111122223333"}]
          policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap/object/*"}]}'
          proposed_policy: '{"Version":"2012-10-17","Statement":[]}'
          alias: mfzwi23gnjvgw.mrap
        - {name: nopolicy, regions: [{bucket: plain}], status: CREATING}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
%s`

var apAliasRE = regexp.MustCompile(`^[a-z0-9-]{1,20}-[a-z2-7]{34}-s3alias$`)

func apNames(aps []s3ctypes.AccessPoint) []string {
	var out []string
	for _, ap := range aps {
		out = append(out, aws.ToString(ap.Name))
	}
	return out
}

func TestS3ControlListAccessPoints(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(apWorld, ""), Options{})
	ctx := context.Background()
	account := aws.String("123456789012")

	t.Run("the region's access points are listed by name with network origin and bucket owner", func(t *testing.T) {
		out, err := srv.s3control(t, clientConfig{}).ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: account})
		if err != nil {
			t.Fatal(err)
		}
		type ap struct{ Name, Bucket, Origin, VPC, Owner, ARN string }
		var got []ap
		for _, a := range out.AccessPointList {
			vpc := ""
			if a.VpcConfiguration != nil {
				vpc = aws.ToString(a.VpcConfiguration.VpcId)
			}
			got = append(got, ap{aws.ToString(a.Name), aws.ToString(a.Bucket), string(a.NetworkOrigin), vpc, aws.ToString(a.BucketAccountId), aws.ToString(a.AccessPointArn)})
			if !apAliasRE.MatchString(aws.ToString(a.Alias)) {
				t.Errorf("alias %q is not NAME-<34>-s3alias", aws.ToString(a.Alias))
			}
		}
		want := []ap{
			{"partner-ap", "partner-bucket", "Internet", "", "111122223333", "arn:aws:s3:us-east-1:123456789012:accesspoint/partner-ap"},
			{"public-ap", "shared-data", "Internet", "", "123456789012", "arn:aws:s3:us-east-1:123456789012:accesspoint/public-ap"},
			{"vpc-ap", "shared-data", "VPC", "vpc-0abc1234", "123456789012", "arn:aws:s3:us-east-1:123456789012:accesspoint/vpc-ap"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("access points (-want +got):\n%s", diff)
		}
		if out.NextToken != nil {
			t.Errorf("NextToken %q on the only page", aws.ToString(out.NextToken))
		}
	})

	t.Run("the Bucket filter keeps that bucket's access points", func(t *testing.T) {
		out, err := srv.s3control(t, clientConfig{}).ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: account, Bucket: aws.String("shared-data")})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"public-ap", "vpc-ap"}, apNames(out.AccessPointList)); diff != "" {
			t.Errorf("access points (-want +got):\n%s", diff)
		}
	})

	t.Run("the paginator with MaxResults 1 walks three pages", func(t *testing.T) {
		p := s3control.NewListAccessPointsPaginator(srv.s3control(t, clientConfig{}), &s3control.ListAccessPointsInput{AccountId: account, MaxResults: 1})
		var got []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			got = append(got, apNames(out.AccessPointList)...)
		}
		if diff := cmp.Diff([]string{"partner-ap", "public-ap", "vpc-ap"}, got); diff != "" || pages != 3 {
			t.Errorf("%d pages (-want +got):\n%s", pages, diff)
		}
	})

	t.Run("without maxResults a page holds 1,000 access points", func(t *testing.T) {
		w, err := ParseFixture([]byte(fmt.Sprintf(apWorld, "")), t.Name())
		if err != nil {
			t.Fatal(err)
		}
		for i := range 1100 {
			w.Accounts[0].S3.AccessPoints = append(w.Accounts[0].S3.AccessPoints, &AccessPoint{Name: fmt.Sprintf("bulk-%04d", i), Bucket: "euro-data"})
		}
		big := startWorld(t, w, Options{})
		p := s3control.NewListAccessPointsPaginator(big.s3control(t, clientConfig{region: "eu-west-1"}), &s3control.ListAccessPointsInput{AccountId: account})
		var sizes []int
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(out.AccessPointList))
		}
		if diff := cmp.Diff([]int{1000, 101}, sizes); diff != "" {
			t.Errorf("page sizes (-want +got):\n%s", diff)
		}
	})

	t.Run("access points are regional", func(t *testing.T) {
		out, err := srv.s3control(t, clientConfig{region: "eu-west-1"}).ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: account})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"euro-ap"}, apNames(out.AccessPointList)); diff != "" {
			t.Errorf("eu-west-1 (-want +got):\n%s", diff)
		}
	})
}

func TestS3ControlGetAccessPoint(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(apWorld, ""), Options{})
	ctx := context.Background()
	get := func(t *testing.T, name string) *s3control.GetAccessPointOutput {
		t.Helper()
		out, err := srv.s3control(t, clientConfig{}).GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String("123456789012"), Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	t.Run("an Internet access point with its own Block Public Access turned off", func(t *testing.T) {
		out := get(t, "public-ap")
		b := out.PublicAccessBlockConfiguration
		got := []any{out.NetworkOrigin, out.VpcConfiguration, aws.ToBool(b.BlockPublicAcls), aws.ToBool(b.IgnorePublicAcls), aws.ToBool(b.BlockPublicPolicy), aws.ToBool(b.RestrictPublicBuckets),
			out.CreationDate.UTC(), aws.ToString(out.Bucket), aws.ToString(out.BucketAccountId), aws.ToString(out.AccessPointArn), out.Endpoints["ipv4"], out.Endpoints["fips_dualstack"]}
		want := []any{s3ctypes.NetworkOriginInternet, (*s3ctypes.VpcConfiguration)(nil), false, false, false, false,
			time.Date(2024, 1, 7, 10, 0, 0, 0, time.UTC), "shared-data", "123456789012", "arn:aws:s3:us-east-1:123456789012:accesspoint/public-ap",
			"s3-accesspoint.us-east-1.amazonaws.com", "s3-accesspoint-fips.dualstack.us-east-1.amazonaws.com"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("public-ap (-want +got):\n%s", diff)
		}
	})

	t.Run("a VPC access point, whose Block Public Access defaults to all on", func(t *testing.T) {
		out := get(t, "vpc-ap")
		b := out.PublicAccessBlockConfiguration
		got := []any{out.NetworkOrigin, aws.ToString(out.VpcConfiguration.VpcId), aws.ToBool(b.BlockPublicAcls), aws.ToBool(b.IgnorePublicAcls), aws.ToBool(b.BlockPublicPolicy), aws.ToBool(b.RestrictPublicBuckets)}
		if diff := cmp.Diff([]any{s3ctypes.NetworkOriginVpc, "vpc-0abc1234", true, true, true, true}, got); diff != "" {
			t.Errorf("vpc-ap (-want +got):\n%s", diff)
		}
	})

	t.Run("an access point on another account's bucket names that account", func(t *testing.T) {
		if got := aws.ToString(get(t, "partner-ap").BucketAccountId); got != "111122223333" {
			t.Errorf("BucketAccountId %s, want 111122223333", got)
		}
	})

	t.Run("the policy is served verbatim and its status is the fixture's", func(t *testing.T) {
		c := srv.s3control(t, clientConfig{})
		pol, err := c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String("123456789012"), Name: aws.String("public-ap")})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(aws.ToString(pol.Policy), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*"`) {
			t.Errorf("policy %s", aws.ToString(pol.Policy))
		}
		st, err := c.GetAccessPointPolicyStatus(ctx, &s3control.GetAccessPointPolicyStatusInput{AccountId: aws.String("123456789012"), Name: aws.String("public-ap")})
		if err != nil {
			t.Fatal(err)
		}
		if !st.PolicyStatus.IsPublic {
			t.Error("IsPublic false, want true")
		}
	})
}

func TestS3ControlAccessPointErrors(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(apWorld, ""), Options{})
	ctx := context.Background()
	me, other := aws.String("123456789012"), aws.String("111122223333")
	tests := []struct {
		name string
		call func(c *s3control.Client) error
		want apiError
	}{
		{"an access point without a policy is NoSuchAccessPointPolicy", func(c *s3control.Client) error {
			_, err := c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: me, Name: aws.String("vpc-ap")})
			return err
		}, apiError{"NoSuchAccessPointPolicy", 404}},
		{"its policy status is NoSuchAccessPointPolicy too", func(c *s3control.Client) error {
			_, err := c.GetAccessPointPolicyStatus(ctx, &s3control.GetAccessPointPolicyStatusInput{AccountId: me, Name: aws.String("vpc-ap")})
			return err
		}, apiError{"NoSuchAccessPointPolicy", 404}},
		{"another region's access point is NoSuchAccessPoint", func(c *s3control.Client) error {
			_, err := c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: me, Name: aws.String("euro-ap")})
			return err
		}, apiError{"NoSuchAccessPoint", 404}},
		{"another account's access points are AccessDenied", func(c *s3control.Client) error {
			_, err := c.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: other})
			return err
		}, apiError{"AccessDenied", 403}},
		{"a token the fake did not issue is InvalidArgument", func(c *s3control.Client) error {
			_, err := c.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: me, NextToken: aws.String("bogus")})
			return err
		}, apiError{"InvalidArgument", 400}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(srv.s3control(t, clientConfig{attempts: 1}))
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("errors come in the wrapped S3 Control form", func(t *testing.T) {
		h := signedHeader(demoKey, "us-east-1", "s3")
		h.Set("x-amz-account-id", "123456789012")
		resp, body := srv.rawRequest(t, "GET", "/v20180820/accesspoint/nope", "123456789012.127.0.0.1", h, "")
		if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(body, xmlHeader+"<ErrorResponse><Error><Code>NoSuchAccessPoint</Code>") {
			t.Errorf("status %d, body %s", resp.StatusCode, body)
		}
	})

	t.Run("faults: a denied policy read is AccessDenied, throttling is SlowDown 503", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(apWorld, `faults:
  - {service: s3control, api: GetAccessPointPolicy, resource: public-ap, error: AccessDenied}
  - {service: s3control, api: ListAccessPoints, error: Throttling}`), Options{})
		c := srv.s3control(t, clientConfig{attempts: 1})
		_, err := c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: me, Name: aws.String("public-ap")})
		if diff := cmp.Diff(apiError{"AccessDenied", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("policy (-want +got):\n%s", diff)
		}
		_, err = c.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: me})
		if diff := cmp.Diff(apiError{"SlowDown", 503}, decodeError(t, err)); diff != "" {
			t.Errorf("list (-want +got):\n%s", diff)
		}
	})

	t.Run("the token bucket throttles GetAccessPoint per region", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(apWorld, `throttle: {apis: {"s3control:GetAccessPoint": {rate: 0.001, burst: 1}}}`), Options{})
		get := func(region, name string) error {
			_, err := srv.s3control(t, clientConfig{region: region, attempts: 1}).GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: me, Name: aws.String(name)})
			return err
		}
		if err := get("us-east-1", "public-ap"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(apiError{"SlowDown", 503}, decodeError(t, get("us-east-1", "vpc-ap"))); diff != "" {
			t.Errorf("second call (-want +got):\n%s", diff)
		}
		if err := get("eu-west-1", "euro-ap"); err != nil {
			t.Errorf("eu-west-1 has its own bucket: %v", err)
		}
	})
}

func TestS3ControlMultiRegionAccessPoints(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(apWorld, ""), Options{})
	ctx := context.Background()
	me := aws.String("123456789012")
	west := func(t *testing.T) *s3control.Client {
		return srv.s3control(t, clientConfig{region: "us-west-2", attempts: 1})
	}

	t.Run("outside us-west-2 every call is 301 PermanentRedirect: the SDK does not route them itself", func(t *testing.T) {
		c := srv.s3control(t, clientConfig{region: "us-east-1", attempts: 1})
		calls := map[string]func() error{
			"List": func() error {
				_, err := c.ListMultiRegionAccessPoints(ctx, &s3control.ListMultiRegionAccessPointsInput{AccountId: me})
				return err
			},
			"Get": func() error {
				_, err := c.GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: me, Name: aws.String("global")})
				return err
			},
			"Policy": func() error {
				_, err := c.GetMultiRegionAccessPointPolicy(ctx, &s3control.GetMultiRegionAccessPointPolicyInput{AccountId: me, Name: aws.String("global")})
				return err
			},
			"Status": func() error {
				_, err := c.GetMultiRegionAccessPointPolicyStatus(ctx, &s3control.GetMultiRegionAccessPointPolicyStatusInput{AccountId: me, Name: aws.String("global")})
				return err
			},
		}
		for name, call := range calls {
			if diff := cmp.Diff(apiError{"PermanentRedirect", 301}, decodeError(t, call())); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}
	})

	t.Run("the list holds every Multi-Region Access Point in one page whatever MaxResults says", func(t *testing.T) {
		p := s3control.NewListMultiRegionAccessPointsPaginator(west(t), &s3control.ListMultiRegionAccessPointsInput{AccountId: me, MaxResults: 1})
		var names []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, m := range out.AccessPoints {
				names = append(names, aws.ToString(m.Name))
			}
		}
		if diff := cmp.Diff([]string{"global", "nopolicy"}, names); diff != "" || pages != 1 {
			t.Errorf("%d pages (-want +got):\n%s", pages, diff)
		}
	})

	t.Run("a Multi-Region Access Point reports its buckets, their regions and owners", func(t *testing.T) {
		out, err := west(t).GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: me, Name: aws.String("global")})
		if err != nil {
			t.Fatal(err)
		}
		m := out.AccessPoint
		var regions []string
		for _, r := range m.Regions {
			regions = append(regions, aws.ToString(r.Bucket)+"@"+aws.ToString(r.Region)+"/"+aws.ToString(r.BucketAccountId))
		}
		got := []any{aws.ToString(m.Alias), m.Status, m.CreatedAt.UTC(), aws.ToBool(m.PublicAccessBlock.BlockPublicPolicy), regions}
		want := []any{"mfzwi23gnjvgw.mrap", s3ctypes.MultiRegionAccessPointStatusReady, time.Date(2024, 1, 7, 10, 0, 0, 0, time.UTC), true,
			[]string{"shared-data@us-east-1/123456789012", "euro-data@eu-west-1/123456789012", "partner-west@us-west-2/111122223333"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("global (-want +got):\n%s", diff)
		}
	})

	t.Run("the policy has an established and a proposed version", func(t *testing.T) {
		out, err := west(t).GetMultiRegionAccessPointPolicy(ctx, &s3control.GetMultiRegionAccessPointPolicyInput{AccountId: me, Name: aws.String("global")})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(aws.ToString(out.Policy.Established.Policy), `"AWS":"111122223333"`) || aws.ToString(out.Policy.Proposed.Policy) != `{"Version":"2012-10-17","Statement":[]}` {
			t.Errorf("established %s, proposed %s", aws.ToString(out.Policy.Established.Policy), aws.ToString(out.Policy.Proposed.Policy))
		}
		st, err := west(t).GetMultiRegionAccessPointPolicyStatus(ctx, &s3control.GetMultiRegionAccessPointPolicyStatusInput{AccountId: me, Name: aws.String("global")})
		if err != nil {
			t.Fatal(err)
		}
		if st.Established == nil || st.Established.IsPublic {
			t.Errorf("established status %+v, want not public", st.Established)
		}
	})

	t.Run("without a policy there is neither an established policy nor a status", func(t *testing.T) {
		out, err := west(t).GetMultiRegionAccessPointPolicy(ctx, &s3control.GetMultiRegionAccessPointPolicyInput{AccountId: me, Name: aws.String("nopolicy")})
		if err != nil {
			t.Fatal(err)
		}
		if out.Policy == nil || out.Policy.Established != nil || out.Policy.Proposed != nil {
			t.Errorf("policy %+v, want an empty document", out.Policy)
		}
		st, err := west(t).GetMultiRegionAccessPointPolicyStatus(ctx, &s3control.GetMultiRegionAccessPointPolicyStatusInput{AccountId: me, Name: aws.String("nopolicy")})
		if err != nil {
			t.Fatal(err)
		}
		if st.Established != nil {
			t.Errorf("established status %+v, want none", st.Established)
		}
	})

	t.Run("an unknown name is NoSuchMultiRegionAccessPoint 404", func(t *testing.T) {
		_, err := west(t).GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: me, Name: aws.String("nope")})
		if diff := cmp.Diff(apiError{"NoSuchMultiRegionAccessPoint", 404}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

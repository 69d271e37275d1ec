package fakeaws

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
)

// oneAccount is a minimal fixture; %s is appended at top level (faults,
// throttle, latency).
const oneAccount = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    s3:
      public_access_block: {}
      buckets:
        - {name: bucket-a, region: us-east-1, policy: "{}"}
        - {name: bucket-b, region: us-east-1, policy: "{}"}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
%s`

// Each probe makes one call of a service through the real SDK.
type probe func(t *testing.T, srv *Server, cc clientConfig) error

var (
	probeListBuckets probe = func(t *testing.T, srv *Server, cc clientConfig) error {
		_, err := srv.s3(t, cc).ListBuckets(context.Background(), &s3.ListBucketsInput{})
		return err
	}
	probeCallerIdentity probe = func(t *testing.T, srv *Server, cc clientConfig) error {
		_, err := srv.sts(t, cc).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		return err
	}
	probeRegions probe = func(t *testing.T, srv *Server, cc clientConfig) error {
		_, err := srv.ec2(t, cc).DescribeRegions(context.Background(), &ec2.DescribeRegionsInput{})
		return err
	}
	probeAccountBlock probe = func(t *testing.T, srv *Server, cc clientConfig) error {
		_, err := srv.s3control(t, cc).GetPublicAccessBlock(context.Background(), &s3control.GetPublicAccessBlockInput{AccountId: aws.String("123456789012")})
		return err
	}
)

func probePolicy(bucket string) probe {
	return func(t *testing.T, srv *Server, cc clientConfig) error {
		_, err := srv.s3(t, cc).GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: &bucket})
		return err
	}
}

func TestFaultsUseEachServicesCodes(t *testing.T) {
	tests := []struct {
		name, fault string
		call        probe
		want        apiError
	}{
		{"AccessDenied on S3 is AccessDenied 403", "{service: s3, api: ListBuckets, error: AccessDenied}", probeListBuckets, apiError{"AccessDenied", 403}},
		{"Throttling on S3 is SlowDown 503", "{service: s3, api: ListBuckets, error: Throttling}", probeListBuckets, apiError{"SlowDown", 503}},
		{"InternalError on S3 is InternalError 500", "{service: s3, api: ListBuckets, error: InternalError}", probeListBuckets, apiError{"InternalError", 500}},
		{"ServiceUnavailable on S3 is ServiceUnavailable 503", "{service: s3, api: ListBuckets, error: ServiceUnavailable}", probeListBuckets, apiError{"ServiceUnavailable", 503}},
		{"NotImplemented on S3 is NotImplemented 501", "{service: s3, api: ListBuckets, error: NotImplemented}", probeListBuckets, apiError{"NotImplemented", 501}},
		{"AccessDenied on STS is AccessDenied 403", "{service: sts, api: GetCallerIdentity, error: AccessDenied}", probeCallerIdentity, apiError{"AccessDenied", 403}},
		{"Throttling on STS is Throttling 400", "{service: sts, api: GetCallerIdentity, error: Throttling}", probeCallerIdentity, apiError{"Throttling", 400}},
		{"InternalError on STS is InternalFailure 500", "{service: sts, api: GetCallerIdentity, error: InternalError}", probeCallerIdentity, apiError{"InternalFailure", 500}},
		{"AccessDenied on EC2 is UnauthorizedOperation 403", "{service: ec2, api: DescribeRegions, error: AccessDenied}", probeRegions, apiError{"UnauthorizedOperation", 403}},
		{"Throttling on EC2 is RequestLimitExceeded 503", "{service: ec2, api: DescribeRegions, error: Throttling}", probeRegions, apiError{"RequestLimitExceeded", 503}},
		{"AccessDenied on S3 Control is AccessDenied 403", "{service: s3control, api: GetPublicAccessBlock, error: AccessDenied}", probeAccountBlock, apiError{"AccessDenied", 403}},
		{"Throttling on S3 Control is SlowDown 503", "{service: s3control, api: GetPublicAccessBlock, error: Throttling}", probeAccountBlock, apiError{"SlowDown", 503}},
		{"any other code is sent as itself with the status AWS gives it", "{service: s3, api: GetBucketPolicy, error: NoSuchBucketPolicy}", probePolicy("bucket-a"), apiError{"NoSuchBucketPolicy", 404}},
		{"a fault's status overrides the default", "{service: ec2, error: Blocked, status: 403}", probeRegions, apiError{"Blocked", 403}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := startYAML(t, fmt.Sprintf(oneAccount, "faults: ["+tc.fault+"]"), Options{})
			if diff := cmp.Diff(tc.want, decodeError(t, tc.call(t, srv, clientConfig{attempts: 1}))); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFaultCountsAndMatching(t *testing.T) {
	t.Run("count 2 fails two calls, so the SDK's third attempt succeeds", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(oneAccount, "faults: [{service: sts, api: GetCallerIdentity, error: InternalError, count: 2}]"), Options{})
		if err := probeCallerIdentity(t, srv, clientConfig{attempts: 3}); err != nil {
			t.Fatal(err)
		}
		st := srv.Stats()
		if st.Faults["sts:GetCallerIdentity"] != 2 || st.Calls["sts:GetCallerIdentity"] != 3 {
			t.Errorf("faults %v, calls %v: want 2 faults in 3 calls", st.Faults, st.Calls)
		}
	})

	t.Run("count 1 fails the first call only", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(oneAccount, "faults: [{service: sts, error: AccessDenied, count: 1}]"), Options{})
		got := []error{probeCallerIdentity(t, srv, clientConfig{attempts: 1}), probeCallerIdentity(t, srv, clientConfig{attempts: 1})}
		if got[0] == nil || got[1] != nil {
			t.Errorf("errors %v: want the first call to fail and the second to succeed", got)
		}
	})

	t.Run("count 0 fails every call", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(oneAccount, "faults: [{service: sts, error: AccessDenied}]"), Options{})
		for i := range 3 {
			if err := probeCallerIdentity(t, srv, clientConfig{attempts: 1}); err == nil {
				t.Fatalf("call %d succeeded, want AccessDenied", i)
			}
		}
	})

	t.Run("a used-up fault lets the next matching fault take over", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(oneAccount, `faults:
  - {service: sts, error: AccessDenied, count: 1}
  - {service: sts, error: Throttling, count: 1}`), Options{})
		var got []string
		for range 3 {
			err := probeCallerIdentity(t, srv, clientConfig{attempts: 1})
			if err == nil {
				got = append(got, "ok")
				continue
			}
			got = append(got, decodeError(t, err).Code)
		}
		if diff := cmp.Diff([]string{"AccessDenied", "Throttling", "ok"}, got); diff != "" {
			t.Errorf("outcomes (-want +got):\n%s", diff)
		}
	})

	matching := []struct {
		name, fault string
		call        probe
		cc          clientConfig
		hit         bool
	}{
		{"a resource fault hits its bucket", "{service: s3, resource: bucket-a, error: AccessDenied}", probePolicy("bucket-a"), clientConfig{}, true},
		{"a resource fault spares other buckets", "{service: s3, resource: bucket-a, error: AccessDenied}", probePolicy("bucket-b"), clientConfig{}, false},
		{"an account fault hits that account", "{service: sts, account: \"111122223333\", error: AccessDenied}", probeCallerIdentity, clientConfig{key: partnerKey}, true},
		{"an account fault spares other accounts", "{service: sts, account: \"111122223333\", error: AccessDenied}", probeCallerIdentity, clientConfig{}, false},
		{"a region fault hits that region", "{service: sts, region: eu-west-1, error: AccessDenied}", probeCallerIdentity, clientConfig{region: "eu-west-1"}, true},
		{"a region fault spares other regions", "{service: sts, region: eu-west-1, error: AccessDenied}", probeCallerIdentity, clientConfig{}, false},
		{"an api fault spares other apis", "{service: s3, api: GetBucketPolicy, error: AccessDenied}", probeListBuckets, clientConfig{}, false},
	}
	for _, tc := range matching {
		t.Run(tc.name, func(t *testing.T) {
			srv := startYAML(t, fmt.Sprintf(oneAccount, "faults: ["+tc.fault+"]"), Options{})
			tc.cc.attempts = 1
			if err := tc.call(t, srv, tc.cc); (err != nil) != tc.hit {
				t.Errorf("error %v, want a fault: %v", err, tc.hit)
			}
		})
	}
}

func TestThrottling(t *testing.T) {
	t.Run("exceeding the burst answers each service's throttling error", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(oneAccount, "throttle: {default: {rate: 0.01, burst: 1}}"), Options{})
		cases := []struct {
			call probe
			want apiError
		}{
			{probeListBuckets, apiError{"SlowDown", 503}},
			{probeCallerIdentity, apiError{"Throttling", 400}},
			{probeRegions, apiError{"RequestLimitExceeded", 503}},
		}
		for _, c := range cases {
			if err := c.call(t, srv, clientConfig{attempts: 1}); err != nil {
				t.Fatalf("first call: %v", err)
			}
			if diff := cmp.Diff(c.want, decodeError(t, c.call(t, srv, clientConfig{attempts: 1}))); diff != "" {
				t.Errorf("second call (-want +got):\n%s", diff)
			}
		}
	})

	t.Run("the SDK retries SlowDown and succeeds once a token is back", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(oneAccount, `throttle: {apis: {"s3:ListBuckets": {rate: 20, burst: 1}}}`), Options{})
		for i := range 3 {
			if err := probeListBuckets(t, srv, clientConfig{attempts: 10, backoff: 100 * time.Millisecond}); err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
		st := srv.Stats()
		if st.Throttled["s3:ListBuckets"] == 0 || st.Calls["s3:ListBuckets"] != 3+st.Throttled["s3:ListBuckets"] {
			t.Errorf("calls %v, throttled %v: want retries after throttling", st.Calls, st.Throttled)
		}
	})

	t.Run("buckets are per account, region and api", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(oneAccount, "throttle: {default: {rate: 0.01, burst: 1}}"), Options{})
		steps := []struct {
			call probe
			cc   clientConfig
			ok   bool
		}{
			{probeCallerIdentity, clientConfig{}, true},
			{probeCallerIdentity, clientConfig{}, false},
			{probeCallerIdentity, clientConfig{region: "eu-west-1"}, true},
			{probeCallerIdentity, clientConfig{key: partnerKey}, true},
			{probeListBuckets, clientConfig{}, true},
		}
		for i, s := range steps {
			s.cc.attempts = 1
			if err := s.call(t, srv, s.cc); (err == nil) != s.ok {
				t.Errorf("step %d: error %v, want success: %v", i, err, s.ok)
			}
		}
	})
}

func TestLatency(t *testing.T) {
	tests := []struct {
		name     string
		fixture  string
		opts     Options
		min, max time.Duration
	}{
		{"the fixture's latency delays every call", "latency: 60ms", Options{}, 60 * time.Millisecond, 5 * time.Second},
		{"Options.Latency overrides the fixture", "latency: 1ms", Options{Latency: 80 * time.Millisecond}, 80 * time.Millisecond, 5 * time.Second},
		{"a negative Options.Latency turns latency off", "latency: 10s", Options{Latency: -1}, 0, 2 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := startYAML(t, fmt.Sprintf(oneAccount, tc.fixture), tc.opts)
			start := time.Now()
			if err := probeCallerIdentity(t, srv, clientConfig{}); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d < tc.min || d > tc.max {
				t.Errorf("call took %s, want between %s and %s", d, tc.min, tc.max)
			}
		})
	}

	t.Run("a cancelled request stops waiting", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(oneAccount, "latency: 10s"), Options{})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := srv.sts(t, clientConfig{attempts: 1}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
			t.Errorf("error %v after %s, want a deadline error well before 10s", err, time.Since(start))
		}
	})
}

func TestStatsAreSafeForConcurrentUse(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(oneAccount, ""), Options{Logf: func(string, ...any) {}})
	c := srv.sts(t, clientConfig{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for range 5 {
				if _, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
					t.Error(err)
				}
				_ = srv.Stats()
			}
		})
	}
	wg.Wait()
	want := Stats{Calls: map[string]int64{"sts:GetCallerIdentity": 100}, Throttled: map[string]int64{}, Faults: map[string]int64{}}
	if diff := cmp.Diff(want, srv.Stats()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

package fakeaws

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const groupedThrottle = `
throttle:
  default: {rate: 1000}
  apis:
    "apigateway:GetResources": {rate: 2.5, burst: 5}
    "lambda:GetPolicy": {rate: 15, burst: 2}
    "s3:*": {rate: 100, burst: 3}
  groups:
    lambda-control: {rate: 15, burst: 2, apis: ["lambda:*"]}
    apigateway-control: {rate: 10, burst: 3, apis: ["apigateway:*", "apigatewayv2:*"]}
    one-s3-api: {rate: 7, burst: 1, apis: ["s3:GetBucketAcl"]}
`

func TestThrottleGroups(t *testing.T) {
	w, err := ParseFixture([]byte(fmt.Sprintf(oneAccount, groupedThrottle)), "groups.yaml")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("each API draws from the bucket of the first rule that names it", func(t *testing.T) {
		type bucket struct {
			Name  string
			Rate  float64
			Burst int
		}
		got := map[string]bucket{}
		for _, api := range []string{"lambda:GetPolicy", "lambda:ListFunctions", "lambda:ListFunctionUrlConfigs",
			"apigateway:GetResources", "apigateway:GetStages", "apigatewayv2:GetRoutes",
			"s3:GetBucketAcl", "s3:GetBucketPolicy", "sqs:ListQueues"} {
			svc, op, _ := strings.Cut(api, ":")
			name, r, limited := w.Throttle.Bucket(svc, op)
			if !limited {
				t.Fatalf("%s is not limited", api)
			}
			got[api] = bucket{name, r.Rate, r.Burst}
		}
		want := map[string]bucket{
			"lambda:GetPolicy":              {"lambda:GetPolicy", 15, 2},
			"lambda:ListFunctions":          {"group:lambda-control", 15, 2},
			"lambda:ListFunctionUrlConfigs": {"group:lambda-control", 15, 2},
			"apigateway:GetResources":       {"apigateway:GetResources", 2.5, 5},
			"apigateway:GetStages":          {"group:apigateway-control", 10, 3},
			"apigatewayv2:GetRoutes":        {"group:apigateway-control", 10, 3},
			"s3:GetBucketAcl":               {"group:one-s3-api", 7, 1},
			"s3:GetBucketPolicy":            {"s3:GetBucketPolicy", 100, 3},
			"sqs:ListQueues":                {"sqs:ListQueues", 1000, 1000},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("buckets (-want +got):\n%s", diff)
		}
	})

	t.Run("a group's APIs share one bucket per account and region", func(t *testing.T) {
		th := newThrottler(w.Throttle)
		now := time.Unix(1_700_000_000, 0)
		th.now = func() time.Time { return now }
		allow := func(account, region, api string) bool {
			svc, op, _ := strings.Cut(api, ":")
			return th.allow(throttleKey{account, region, svc, op})
		}
		const a, b = "123456789012", "111122223333"
		var got []bool
		// Burst 3 of apigateway-control: three calls of two versions drain it.
		got = append(got, allow(a, "us-east-1", "apigateway:GetStages"), allow(a, "us-east-1", "apigatewayv2:GetRoutes"),
			allow(a, "us-east-1", "apigatewayv2:GetStages"), allow(a, "us-east-1", "apigateway:GetAuthorizers"))
		// GetResources has its own bucket; another region and another account have their own group bucket.
		got = append(got, allow(a, "us-east-1", "apigateway:GetResources"), allow(a, "eu-west-1", "apigateway:GetStages"),
			allow(b, "us-east-1", "apigatewayv2:GetApis"))
		// A tenth of a second later the group has one token again (10 rps).
		now = now.Add(100 * time.Millisecond)
		got = append(got, allow(a, "us-east-1", "apigatewayv2:GetIntegrations"), allow(a, "us-east-1", "apigateway:GetStages"))
		want := []bool{true, true, true, false, true, true, true, true, false}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("allowed (-want +got):\n%s", diff)
		}
	})

	t.Run("the server throttles a group's second API once the first drained it", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(oneAccount, `throttle: {groups: {s3-reads: {rate: 0.01, burst: 1, apis: ["s3:ListBuckets", "s3:GetBucketPolicy"]}}}`), Options{})
		if err := probeListBuckets(t, srv, clientConfig{attempts: 1}); err != nil {
			t.Fatalf("first call: %v", err)
		}
		if diff := cmp.Diff(apiError{"SlowDown", 503}, decodeError(t, probePolicy("bucket-a")(t, srv, clientConfig{attempts: 1}))); diff != "" {
			t.Errorf("second API of the group (-want +got):\n%s", diff)
		}
		if got := srv.Stats().Throttled["s3:GetBucketPolicy"]; got != 1 {
			t.Errorf("throttled GetBucketPolicy = %d, want 1", got)
		}
	})
}

func TestThrottleGroupValidation(t *testing.T) {
	cases := []struct{ name, throttle, want string }{
		{"a member is in one group only",
			`throttle: {groups: {a: {rate: 1, apis: ["lambda:*"]}, b: {rate: 1, apis: ["lambda:*"]}}}`,
			"throttle.groups.b.apis[0]: lambda:* is already in throttle group a"},
		{"members name known services",
			`throttle: {groups: {a: {rate: 1, apis: ["lamda:*"]}}}`,
			`throttle.groups.a.apis[0]: "lamda:*" is not service:Api or service:* with a known service`},
		{"rates are not negative",
			`throttle: {groups: {a: {rate: -1, apis: ["sqs:*"]}}}`,
			"throttle.groups.a: rate and burst must not be negative"},
		{"a group has members",
			`throttle: {groups: {a: {rate: 1}}}`,
			"throttle.groups.a.apis: a throttle group needs at least one member"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFixture([]byte(fmt.Sprintf(oneAccount, tc.throttle)), "bad.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

package main

import (
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// awsThrottle is the fake's throttling, mirrored from AWS's documented
// control-plane limits (../shared/reference/aws_api_limits.md) and, where AWS
// publishes none, from the rates collectors.DefaultLimits assumes, so that
// the fake throttles what AWS throttles and nothing the scanner does not
// already pace. TestFakeLimitsAgreeWithScanner checks it against
// collectors.DefaultLimits: the same buckets, the same rates, and a scanner
// burst no larger than the fake's.
//
// Published (per account and Region, fixed):
//
//   - API Gateway: GetResources 5 requests per 2 s; every other control-plane
//     operation, REST (v1) and HTTP/WebSocket (v2) alike, shares 10 rps with
//     a burst of 40.
//
//   - Lambda: GetFunction 100 rps; GetPolicy 15 rps; every other
//     control-plane call (ListFunctions, ListFunctionUrlConfigs,
//     ListEventSourceMappings, ...) shares 15 rps. AWS gives no burst; the
//     fake allows one second's worth.
//
//   - AWS WAF: GetWebACLForResource and ListResourcesForWebACL 1 rps, any
//     other Get or List 5 rps, each action its own bucket (AWS WAF Developer
//     Guide, "AWS WAF quotas"). AWS gives no burst; the fake allows one
//     second's worth, but two for the 1 rps action: with a burst of one, a
//     client pacing itself at exactly the published rate has no room for the
//     jitter of the network, and the scanner's burst cannot go below one.
//
//   - EC2: each non-mutating action its own bucket of 100 tokens refilled
//     at 20 a second (Amazon EC2 Developer Guide, "Request throttling for
//     the Amazon EC2 API").
//
//   - Elastic Load Balancing: the Describe* actions of each API version
//     share one bucket of 40 tokens refilled at 10 a second (Elastic Load
//     Balancing User Guide, "Request throttling for the Elastic Load
//     Balancing API").
//
//   - RDS: every API operation shares a sustained 12 rps with bursts of 300
//     (RDS User Guide, "Request throttling for the Amazon RDS API").
//
// Unpublished (AWS throttles, but says neither rate nor burst): S3 and SQS
// reads 100 rps per action, S3 Control and STS 20 rps per action, IAM
// 10 rps for the whole account, Organizations 2 rps for the whole account,
// CloudFront, EKS and OpenSearch 10 rps per action.
func awsThrottle() fakeaws.Throttle {
	return fakeaws.Throttle{
		APIs: map[string]fakeaws.Rate{
			"apigateway:GetResources":      {Rate: 2.5, Burst: 5},
			"lambda:GetFunction":           {Rate: 100, Burst: 100},
			"lambda:GetPolicy":             {Rate: 15, Burst: 15},
			"s3:*":                         {Rate: 100, Burst: 100},
			"sqs:*":                        {Rate: 100, Burst: 100},
			"s3control:*":                  {Rate: 20, Burst: 20},
			"sts:*":                        {Rate: 20, Burst: 20},
			"ec2:*":                        {Rate: 20, Burst: 100},
			"cloudfront:*":                 {Rate: 10, Burst: 10},
			"wafv2:ListResourcesForWebACL": {Rate: 1, Burst: 2},
			"wafv2:*":                      {Rate: 5, Burst: 5},
			"eks:*":                        {Rate: 10, Burst: 10},
			"es:*":                         {Rate: 10, Burst: 10},
		},
		Groups: map[string]fakeaws.ThrottleGroup{
			"apigateway-control": {Rate: 10, Burst: 40, APIs: []string{"apigateway:*", "apigatewayv2:*"}},
			"lambda-control":     {Rate: 15, Burst: 15, APIs: []string{"lambda:*"}},
			"iam":                {Rate: 10, Burst: 10, APIs: []string{"iam:*"}},
			"organizations":      {Rate: 2, Burst: 2, APIs: []string{"organizations:*"}},
			"rds":                {Rate: 12, Burst: 300, APIs: []string{"rds:*"}},
			"elbv2":              {Rate: 10, Burst: 40, APIs: []string{"elasticloadbalancingv2:*"}},
			"elb":                {Rate: 10, Burst: 40, APIs: []string{"elasticloadbalancing:*"}},
		},
	}
}

// scaled returns t with every rate multiplied by scale (bursts unchanged).
func scaled(t fakeaws.Throttle, scale float64) fakeaws.Throttle {
	out := fakeaws.Throttle{Default: t.Default, APIs: maps.Clone(t.APIs), Groups: map[string]fakeaws.ThrottleGroup{}}
	out.Default.Rate *= scale
	for k, r := range out.APIs {
		r.Rate *= scale
		out.APIs[k] = r
	}
	for k, g := range t.Groups {
		g.Rate *= scale
		out.Groups[k] = g
	}
	return out
}

// rateFlags is --rate KEY=RATE[/BURST], repeatable: KEY is "service:Api",
// "service:*" or "group:NAME". It changes the fake's throttling only.
type rateFlags []string

func (r *rateFlags) String() string     { return strings.Join(*r, ",") }
func (r *rateFlags) Set(v string) error { *r = append(*r, v); return nil }

// apply overrides t with the flags' rates.
func (r rateFlags) apply(t *fakeaws.Throttle) error {
	for _, v := range r {
		key, val, ok := strings.Cut(v, "=")
		if !ok {
			return fmt.Errorf("--rate %q: want KEY=RATE[/BURST]", v)
		}
		rs, bs, hasBurst := strings.Cut(val, "/")
		rate, err := strconv.ParseFloat(rs, 64)
		if err != nil || rate < 0 {
			return fmt.Errorf("--rate %q: bad rate", v)
		}
		burst := 0
		if hasBurst {
			if burst, err = strconv.Atoi(bs); err != nil || burst < 0 {
				return fmt.Errorf("--rate %q: bad burst", v)
			}
		}
		if name, ok := strings.CutPrefix(key, "group:"); ok {
			g, found := t.Groups[name]
			if !found {
				return fmt.Errorf("--rate %q: no throttle group %s", v, name)
			}
			g.Rate = rate
			if hasBurst {
				g.Burst = burst
			}
			t.Groups[name] = g
			continue
		}
		if _, _, ok := strings.Cut(key, ":"); !ok {
			return fmt.Errorf("--rate %q: KEY is service:Api, service:* or group:NAME", v)
		}
		old := t.APIs[key]
		if !hasBurst {
			burst = old.Burst
		}
		t.APIs[key] = fakeaws.Rate{Rate: rate, Burst: burst}
	}
	return nil
}

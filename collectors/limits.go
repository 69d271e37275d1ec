package collectors

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is a token bucket: Rate requests per second with a burst.
type Limit struct {
	Rate  float64 `json:"rate"`
	Burst int     `json:"burst"`
}

// LimitRule says which token bucket an API action draws from. Actions that
// AWS limits together share a Bucket name.
type LimitRule struct {
	Bucket string
	Limit  Limit
}

// DefaultLimits are per (account, region) token buckets for each SDK service
// id and operation, seeded from AWS's documented control-plane limits
// (shared/reference/aws_api_limits.md; API Gateway and Lambda quotas pages).
// Where AWS publishes no figure we use a rate well below what accounts see
// throttled in practice. Key "Service ID:Operation"; "Service ID:*" is the
// service default. Rules that name the same Bucket share one token bucket,
// as AWS's shared quotas do.
//
// The rates are AWS's own, so the scan runs as fast as AWS allows; the
// bursts are kept well below AWS's (about half, or a third for Lambda's
// small ones). A client that sends at exactly the server's rate with the
// server's burst is throttled whenever a request reaches the server sooner
// after being let go than the bucket's first request did: the server's
// bucket is then empty a hair too early. A burst smaller by m leaves m
// tokens in AWS's bucket for that jitter, m/rate seconds of it, and costs
// m/rate seconds once per bucket (0.7 s for Lambda's 15 rps).
// cmd/trustmap-bench's fake mirrors these buckets and checks that they
// agree (TestFakeLimitsAgreeWithScanner).
var DefaultLimits = map[string]LimitRule{
	// API Gateway: GetResources 5 requests per 2 s per account; every other
	// control-plane call shares 10 rps, burst 40 — v1 and v2 alike.
	"API Gateway:GetResources": {Bucket: "apigateway:GetResources", Limit: Limit{Rate: 2.5, Burst: 2}},
	"API Gateway:*":            {Bucket: "apigateway:control", Limit: Limit{Rate: 10, Burst: 20}},
	"ApiGatewayV2:*":           {Bucket: "apigateway:control", Limit: Limit{Rate: 10, Burst: 20}},
	// Lambda: GetFunction 100 rps, GetPolicy 15 rps, all other control-plane
	// calls share 15 rps per account and region.
	"Lambda:GetFunction": {Bucket: "lambda:GetFunction", Limit: Limit{Rate: 100, Burst: 50}},
	"Lambda:GetPolicy":   {Bucket: "lambda:GetPolicy", Limit: Limit{Rate: 15, Burst: 5}},
	// The layer reads (ListLayers, ListLayerVersions, GetLayerVersionPolicy)
	// are control-plane calls too: they share this 15 rps (Lambda Developer
	// Guide, "Lambda quotas", API requests).
	"Lambda:*": {Bucket: "lambda:control", Limit: Limit{Rate: 15, Burst: 5}},
	// S3 bucket-configuration reads: no published rate; generous per action.
	"S3:*": {Limit: Limit{Rate: 100, Burst: 50}},
	// S3 Control (account Block Public Access, access points and
	// Multi-Region Access Points): no published rate; per action and
	// region, as its endpoints are regional (s3-control.REGION.amazonaws.com).
	"S3 Control:*": {Limit: Limit{Rate: 20, Burst: 10}},
	// ECR: the "Amazon ECR service quotas" page (ECR User Guide) publishes
	// rates only for the image push and pull APIs and GetAuthorizationToken,
	// none for DescribeRepositories, GetRepositoryPolicy or
	// GetRegistryPolicy: 20 rps per action, as for the other unpublished
	// control-plane reads.
	"ECR:*": {Limit: Limit{Rate: 20, Burst: 10}},
	// SQS: no published control-plane rate.
	"SQS:*": {Limit: Limit{Rate: 100, Burst: 50}},
	// IAM and STS: global, unpublished, account-wide and not increasable.
	"IAM:*": {Bucket: "iam:all", Limit: Limit{Rate: 10, Burst: 5}},
	"STS:*": {Limit: Limit{Rate: 20, Burst: 10}},
	// Organizations throttles under concurrency: near-serial.
	"Organizations:*": {Bucket: "organizations:all", Limit: Limit{Rate: 2, Burst: 1}},
	// CloudFront (global): no published control-plane call rate
	// (CloudFront Developer Guide, "Quotas", lists resource counts only).
	"CloudFront:*": {Limit: Limit{Rate: 10, Burst: 5}},
	// AWS WAF, per account and Region, fixed (AWS WAF Developer Guide, "AWS
	// WAF quotas"): ListResourcesForWebACL and GetWebACLForResource 1
	// request a second each; any other Get or List 5 a second each.
	"WAFV2:ListResourcesForWebACL": {Bucket: "wafv2:ListResourcesForWebACL", Limit: Limit{Rate: 1, Burst: 1}},
	"WAFV2:*":                      {Limit: Limit{Rate: 5, Burst: 2}},
	// RDS: every API operation shares one bucket per account and Region, a
	// sustained 12 requests a second with bursts of 300 (RDS User Guide,
	// "Request throttling for the Amazon RDS API").
	"RDS:*": {Bucket: "rds:all", Limit: Limit{Rate: 12, Burst: 150}},
	// EKS and OpenSearch Service: no published control-plane call rate.
	"EKS:*":        {Limit: Limit{Rate: 10, Burst: 5}},
	"OpenSearch:*": {Limit: Limit{Rate: 10, Burst: 5}},
	// EC2: a request token bucket per account, Region and action; every
	// non-mutating (Describe*, Get*) action holds 100 tokens refilled at 20
	// a second (Amazon EC2 Developer Guide, "Request throttling for the
	// Amazon EC2 API"; fakeaws.EC2DescribeRate mirrors it).
	"EC2:*": {Limit: Limit{Rate: 20, Burst: 50}},
	// Elastic Load Balancing: one bucket for the non-mutating (Describe*)
	// actions of each API version, per account and Region: 40 tokens,
	// refilled at 10 a second; v2 (Application, Network, Gateway) and v1
	// (Classic) have their own (Elastic Load Balancing User Guide, "Request
	// throttling for the Elastic Load Balancing API").
	"Elastic Load Balancing v2:*": {Bucket: "elbv2:describe", Limit: Limit{Rate: 10, Burst: 20}},
	"Elastic Load Balancing:*":    {Bucket: "elb:describe", Limit: Limit{Rate: 10, Burst: 20}},
	// SNS: ListTopics and ListSubscriptionsByTopic are "throttled at 30
	// transactions per second (TPS)" each (SNS API Reference, both
	// actions). GetTopicAttributes has no published rate: it gets the same
	// 30 in a bucket of its own.
	"SNS:ListTopics":               {Bucket: "sns:ListTopics", Limit: Limit{Rate: 30, Burst: 15}},
	"SNS:ListSubscriptionsByTopic": {Bucket: "sns:ListSubscriptionsByTopic", Limit: Limit{Rate: 30, Burst: 15}},
	"SNS:*":                        {Limit: Limit{Rate: 30, Burst: 15}},
	// EventBridge: "All EventBridge APIs other than PutEvents are limited to
	// 50 requests per second by default", one budget per account and Region
	// (EventBridge User Guide, "Amazon EventBridge quotas", the quota table
	// before the Service Quotas rewrite; the current page lists no read
	// rate).
	"EventBridge:*": {Bucket: "events:control", Limit: Limit{Rate: 50, Burst: 25}},
	// KMS: DescribeKey and GetKeyPolicy 1,000 requests per second each;
	// ListKeys, ListAliases and ListGrants 100 each (KMS Developer Guide,
	// "Request quotas", table "Request quotas for each AWS KMS API
	// operation").
	"KMS:DescribeKey":  {Bucket: "kms:DescribeKey", Limit: Limit{Rate: 1000, Burst: 500}},
	"KMS:GetKeyPolicy": {Bucket: "kms:GetKeyPolicy", Limit: Limit{Rate: 1000, Burst: 500}},
	"KMS:*":            {Limit: Limit{Rate: 100, Burst: 50}},
	// Secrets Manager: ListSecrets 100 per second ("AWS Secrets Manager
	// increases API requests per second limits", What's New, 2022-11-11);
	// GetResourcePolicy 50 per second, shared with Put/Delete/
	// ValidateResourcePolicy (Secrets Manager User Guide, "AWS Secrets
	// Manager quotas"), writes the scanner never makes.
	"Secrets Manager:GetResourcePolicy": {Bucket: "secretsmanager:GetResourcePolicy", Limit: Limit{Rate: 50, Burst: 25}},
	"Secrets Manager:*":                 {Limit: Limit{Rate: 100, Burst: 50}},
}

// Limits hands out the token bucket for (account, region, service, action).
type Limits struct {
	table   map[string]LimitRule
	scale   float64
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	cuts    map[*rate.Limiter]time.Time // when each bucket was last slowed (slowDown)
}

// NewLimits builds limits from a rule table (DefaultLimits when nil).
// scale multiplies every rate (1 for AWS's rates; benchmarks scale time).
// A scale of 0 or less disables limiting.
func NewLimits(table map[string]LimitRule, scale float64) *Limits {
	if table == nil {
		table = DefaultLimits
	}
	return &Limits{table: table, scale: scale, buckets: map[string]*rate.Limiter{}}
}

// Rule returns the rule for a service id and operation.
func (l *Limits) Rule(serviceID, op string) LimitRule {
	if r, ok := l.table[serviceID+":"+op]; ok {
		return r
	}
	if r, ok := l.table[serviceID+":*"]; ok {
		if r.Bucket == "" {
			r.Bucket = serviceID + ":" + op
		}
		return r
	}
	return LimitRule{Bucket: serviceID + ":" + op}
}

// For returns the limiter for a call, or nil when it is not limited.
func (l *Limits) For(account, region, serviceID, op string) *rate.Limiter {
	if l == nil || l.scale <= 0 {
		return nil
	}
	r := l.Rule(serviceID, op)
	if r.Limit.Rate <= 0 {
		return nil
	}
	if isGlobalService(serviceID) {
		region = "global"
	}
	key := account + "|" + region + "|" + r.Bucket
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.buckets[key]
	if !ok {
		burst := r.Limit.Burst
		if burst < 1 {
			burst = 1
		}
		lim = rate.NewLimiter(rate.Limit(r.Limit.Rate*l.scale), burst)
		l.buckets[key] = lim
	}
	return lim
}

// base is the documented (scaled) rate of the bucket an API draws from, 0
// when it is not limited.
func (l *Limits) base(serviceID, op string) float64 {
	if l == nil || l.scale <= 0 {
		return 0
	}
	return l.Rule(serviceID, op).Limit.Rate * l.scale
}

// scarceRate is the rate (before scaling) at or below which a bucket's
// calls always go first for a slot: Lambda's 15 rps, API Gateway's 10 and
// 2.5, IAM's and Organizations'. Their tokens are the scan's critical path
// from the first call on, before any of them has had to wait.
const scarceRate = 20

// scarce says whether lim is a scarce bucket (see scarceRate).
func (l *Limits) scarce(lim *rate.Limiter) bool {
	return lim != nil && l != nil && float64(lim.Limit()) <= scarceRate*l.scale
}

func isGlobalService(serviceID string) bool {
	switch serviceID {
	case "IAM", "Organizations", "S3 Control", "CloudFront":
		return true
	}
	return false
}

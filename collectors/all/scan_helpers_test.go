package all

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/trustmap/trustmap/analyzers"
	anall "github.com/trustmap/trustmap/analyzers/all"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/fakeaws"
	"github.com/trustmap/trustmap/report"
)

// e2eScan is a whole scan of a fake world, through the real SDK clients,
// the runner and every collector, then the analyzers and report.Build.
type e2eScan struct {
	Server   *fakeaws.Server
	Snapshot *graph.Snapshot
	Report   *report.Report
	Stats    *collectors.Stats
	Outcome  collectors.Outcome
	Err      error
}

type e2eOptions struct {
	Server      fakeaws.Options
	Regions     []string
	HTTPTimeout time.Duration
	// Backoff is the most the SDK waits between attempts (the retry logic
	// is the scanner's, only shorter waits). Default 20 ms.
	Backoff time.Duration
}

// scanWorld serves w and scans it like `trustmap scan` does.
func scanWorld(t *testing.T, w *fakeaws.World, o e2eOptions) e2eScan {
	t.Helper()
	if o.Server.Logf == nil {
		o.Server.Logf = func(string, ...any) {}
	}
	srv := fakeaws.New(w, o.Server)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	key := "AKIATEST000000000001"
	if len(w.Accounts) > 0 && len(w.Accounts[0].AccessKeys) > 0 {
		key = w.Accounts[0].AccessKeys[0]
	}
	ctx := context.Background()
	if o.HTTPTimeout == 0 {
		o.HTTPTimeout = 5 * time.Second
	}
	cfg, err := collectors.LoadConfig(ctx, collectors.ConfigOptions{
		EndpointURL: srv.URL(),
		Credentials: credentials.NewStaticCredentialsProvider(key, "test-secret", ""),
		HTTPTimeout: o.HTTPTimeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	// The scanner's retryer (5 attempts, no retry quota) with short waits,
	// so a test with many injected faults takes seconds, not minutes.
	backoff := o.Backoff
	if backoff == 0 {
		backoff = 20 * time.Millisecond
	}
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 5
			so.MaxBackoff = backoff
			so.Backoff = retry.NewExponentialJitterBackoff(backoff)
			so.RateLimiter = ratelimit.None
		})
	}
	acct, arn, err := collectors.Identify(ctx, cfg)
	if err != nil {
		t.Fatalf("identify: %v", err)
	}
	stats := &collectors.Stats{}
	b := graph.NewBuilder()
	r := &collectors.Runner{Collectors: Collectors(), Regions: o.Regions, MaxConcurrency: 16, Stats: stats, PathStyle: true}
	out, runErr := r.Run(ctx, []collectors.Account{{ID: acct, CallerARN: arn, Config: cfg}}, b)
	snap := b.Freeze(graph.Tool{Name: "trustmap", Version: "test"}, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	snap.Complete, snap.Incomplete, snap.Calls = out.Complete, out.Reason, int(stats.Calls.Load())
	g := graph.Resolve(snap)
	res, err := analyzers.Run(g, &results.Trust{Now: snap.ScannedAt}, anall.Analyzers())
	if err != nil && res == nil {
		t.Fatalf("analyzers: %v", err)
	}
	return e2eScan{Server: srv, Snapshot: snap, Report: report.Build(g, res), Stats: stats, Outcome: out, Err: runErr}
}

// gapService is the collector (gap) name of a fake service.
func gapService(fakeService string) string {
	switch fakeService {
	case "s3control":
		return "s3"
	case "es": // OpenSearch's signing name
		return "opensearch"
	case "elasticloadbalancingv2":
		return "elbv2"
	case "elasticloadbalancing":
		return "elb"
	}
	return fakeService
}

// gapAPI is the API name a collector records for a fake operation.
func gapAPI(c fakeaws.ChaosCall) string {
	if c.Service == "s3control" && c.API == "GetPublicAccessBlock" {
		return "GetAccountPublicAccessBlock"
	}
	return c.API
}

var regionalServices = map[string]bool{"lambda": true, "sqs": true, "apigateway": true, "apigatewayv2": true,
	"wafv2": true, "rds": true, "eks": true, "es": true,
	"ec2": true, "elasticloadbalancingv2": true, "elasticloadbalancing": true}

// explains reports whether gap g accounts for a failed call c: same
// account, service, API (or the whole collector, "*"), region for regional
// services, and resource when both name one.
func explains(g graph.Gap, c fakeaws.ChaosCall) bool {
	if g.Account != "" && g.Account != c.Account {
		return false
	}
	if g.Service != gapService(c.Service) && g.Service != "*" {
		return false
	}
	if regionalServices[c.Service] && g.Region != "" && g.Region != c.Region {
		return false
	}
	if g.API == "*" {
		return true
	}
	if g.API != gapAPI(c) {
		return false
	}
	if c.Service == "iam" && c.API == "GetAccessKeyLastUsed" {
		return true // the gap names the user and key slot, the call the key id
	}
	return g.Resource == "" || c.Resource == "" || strings.Contains(g.Resource, c.Resource)
}

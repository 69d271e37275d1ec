// Command trustmap-bench measures a scan against the least time it can take.
//
// It generates a large account in internal/fakeaws (buckets, functions,
// queues, REST APIs with resources and methods, HTTP APIs with routes,
// roles and users, CloudFront distributions, WAF web ACLs, RDS instances and
// snapshots, EKS clusters and OpenSearch domains, SNS topics, EventBridge
// buses and rules, KMS keys, secrets, ECR repositories, access points,
// Lambda layers, and a VPC network: subnets, route tables, network ACLs,
// security groups, prefix lists, EC2 instances and launch templates,
// Application, Network and Classic Load Balancers with their listeners,
// rules and target groups; spread over several regions), serves it on
// 127.0.0.1 with
// a latency per call and AWS's throttle rates, scans it in-process through
// the real SDK on the same code path as `trustmap scan` (collectors.LoadConfig
// with static credentials and the endpoint, collectors/all, a Runner with
// collectors.NewLimits(nil, timeScale)), resolves the graph, runs the
// analyzers and prints one JSON line on stdout.
//
// # The floor
//
// The floor is the least time the fake's own settings allow for the calls a
// complete scan needs:
//
//	floor = max( max over the fake's token buckets b of  max(0, C_b − burst_b) / rate_b ,
//	             latency × D )
//
// where C_b is the number of calls the minimal plan makes in bucket b (one
// bucket per account, region and API, or per throttle group such as
// Lambda's shared control plane), and D is the number of calls in the
// longest chain where each call needs the answer of the one before
// (GetCallerIdentity → DescribeRegions → ListFunctions pages → GetPolicy,
// ...). The minimal plan (plan.go) comes from the generated world and the
// plan each collector documents, not from what the scan did; both are
// printed. Rates are multiplied and latency divided by --time-scale, so the
// floor scales with it (as do the waits the scanner makes on AWS's clock:
// the SDK's retry backoff and the credential report's poll interval). ratio = wall_s / floor_s, where
// wall_s is the scan (identify, collect, freeze); resolve_s and analyze_s
// follow it, and ratio_total counts them in.
//
// The floor leaves out the scanner's own bound, printed as
// concurrency_term_s = minimal calls × latency ÷ --max-concurrency: a scan
// cannot finish sooner either, and with long latencies (or a low
// --max-concurrency) it is the larger term.
//
// # The defaults
//
// The fake throttles as AWS documents (limits.go, from
// ../shared/reference/aws_api_limits.md): Lambda GetPolicy 15 rps and the rest
// of its control plane a shared 15 rps; API Gateway GetResources 5 per 2 s
// and every other v1 and v2 control-plane operation a shared 10 rps with a
// burst of 40; AWS WAF's ListResourcesForWebACL 1 rps and other reads 5 rps;
// RDS a shared 12 rps; EC2 20 rps per action with a burst of 100; each
// Elastic Load Balancing API version a shared 10 rps with a burst of 40;
// IAM, S3, SQS, STS, Organizations, CloudFront, EKS and OpenSearch at the
// rates collectors.DefaultLimits assumes, since AWS publishes none. --rate
// overrides one bucket. The default scenario has 35,541 resources in 4
// regions; its floor is Lambda's shared control plane: 77 s at AWS's rates
// (--time-scale 1), 7.7 s at --time-scale 10.
//
// # Examples
//
//	go run ./cmd/trustmap-bench                      # the default scenario: 35,541 resources, floor 7.7 s
//	go build -o /tmp/tmb ./cmd/trustmap-bench && /usr/bin/time -v /tmp/tmb --scale 5   # 177,554 resources, floor 39 s
//	go run ./cmd/trustmap-bench --rest-apis 2000 --http-apis 2000   # API Gateway's shared 10 rps is the floor
//	go run ./cmd/trustmap-bench --load-balancers 2400   # Elastic Load Balancing's shared 10 rps is the floor
//	go run ./cmd/trustmap-bench --latency 200ms --max-concurrency 128
//	go run ./cmd/trustmap-bench --functions 400 --rate lambda:GetPolicy=5/5 --rate group:lambda-control=5
//	go run ./cmd/trustmap-bench --scale 0.05 --sequential   # MaxConcurrency 1
//	go run ./cmd/trustmap-bench --cpuprofile cpu.out --memprofile mem.out -v && go tool pprof cpu.out
//	go run ./cmd/trustmap-bench --trace calls.txt           # one line per call: when, which API, region, status
//
// Peak memory is the process's maximum resident set (getrusage), which
// includes the fake and its world; peak_heap_mb samples the Go heap. For
// the scanner's own peak, --serve serves the generated account until
// interrupted and `trustmap scan --endpoint-url` scans it from another
// process (serve.go; deploy/README.md, "Measured, and sizing").
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

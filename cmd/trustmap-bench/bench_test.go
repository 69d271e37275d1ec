package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors"
	collall "github.com/trustmap/trustmap/collectors/all"
)

// tiny is a scenario small and fast enough for a unit test: every kind of
// resource and every planted entry point, over two regions. It runs at time
// scale 2: the scanner's Lambda buckets leave (15 − 5) ÷ rate seconds of
// slack for jitter (collectors.DefaultLimits), 0.33 s here, which the CPU a
// scan's start takes on a loaded machine (the instances' XML, written by the
// fake and parsed by the scanner) used up at time scale 5 (0.13 s) in most
// runs of go test ./... on two shared cores.
var tiny = []string{
	"--buckets", "60", "--functions", "60", "--queues", "60", "--rest-apis", "12", "--rest-resources", "2",
	"--rest-methods", "2", "--http-apis", "12", "--http-routes", "3", "--roles", "60", "--users", "10",
	"--distributions", "12", "--web-acls", "4", "--db-instances", "30", "--db-snapshots", "20", "--eks-clusters", "12",
	"--search-domains", "12",
	"--topics", "30", "--event-buses", "4", "--event-rules", "30", "--api-destinations", "4", "--kms-keys", "30", "--secrets", "30",
	"--repositories", "30", "--access-points", "30", "--mraps", "2", "--layers", "30",
	"--vpcs", "2", "--security-groups", "8", "--prefix-lists", "4", "--instances", "100", "--launch-templates", "6",
	"--load-balancers", "12", "--classic-elbs", "4",
	"--expose-every", "10", "--regions", "us-east-1,eu-west-1", "--latency", "2ms", "--time-scale", "2",
}

func parse(t *testing.T, args ...string) *options {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := &options{}
	o.bind(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestATinyScenarioIsScannedCompletelyAndFindsWhatWasPlanted(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := execute(context.Background(), tiny, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if n := strings.Count(stdout.String(), "\n"); n != 1 {
		t.Fatalf("stdout has %d lines, want one JSON line:\n%s", n, stdout.String())
	}
	var res result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"every generated resource is in the snapshot", res.Resources == res.ExpectedResources && res.Resources > 300},
		{"the floor is positive", res.FloorS > 0 && res.Ratio > 0},
		{"the scan is complete, with no coverage gap", res.Complete && res.Gaps == 0},
		{"every planted entry point is found, and nothing else", res.EntryPoints == res.ExpectedEntry && res.ExpectedEntry > 30 &&
			res.EntryMissing == 0 && res.EntryUnexpected == 0},
		// Whether the scanner's client-side rates match the fake's is
		// TestFakeLimitsAgreeWithScanner's to say; here a throttled answer
		// (a loaded machine bunches calls up) must only be resent, never lost.
		{"every throttled answer was resent", res.Retries >= res.Throttled},
		{"calls per resource are counted", res.CallsPerResource["s3"].PerResource > 4 && res.CallsPerResource["lambda"].PerResource >= 2},
		{"the new services' calls per resource are counted", res.CallsPerResource["ecr"].PerResource >= 1 && res.CallsPerResource["s3control"].PerResource >= 1 &&
			res.CallsPerResource["lambda-layers"].PerResource >= 1},
		{"the network's calls per resource are counted", res.CallsPerResource["ec2"].PerResource > 0 && res.CallsPerResource["elbv2"].PerResource > 0 &&
			res.CallsPerResource["elb"].PerResource > 0 && res.CallsPerResource["ec2"].Resources > 100},
		{"peak memory is measured", res.PeakHeapMB > 0},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: not so in %s", c.what, stdout.String())
		}
	}
}

// The minimal plan (plan.go) is computed from the world, not from the scan;
// a scan of a tiny world must make exactly those calls, or the plan and the
// collectors' documented calls have drifted apart. A call the fake throttled
// is sent again: that resend is pacing (TestATinyScenario... checks there is
// none on a quiet machine), not a call the plan lacks, so it is not counted.
func TestTheScanMakesExactlyTheCallsOfTheMinimalPlan(t *testing.T) {
	res, err := run(context.Background(), parse(t, tiny...), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want, got := map[string]int64{}, map[string]int64{}
	for op, m := range res.Calls {
		want[op], got[op] = int64(m.Minimal), m.Actual-m.Throttled
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("calls per API (-minimal plan +scan):\n%s", diff)
	}
	// The per-resource reads of the network are in the world, so the
	// comparison above covers them.
	for _, op := range []string{"ec2:GetManagedPrefixListEntries", "elasticloadbalancingv2:DescribeListeners",
		"elasticloadbalancingv2:DescribeRules", "elasticloadbalancingv2:DescribeTargetHealth"} {
		if want[op] < 2 {
			t.Errorf("%s: %d planned calls, want a few", op, want[op])
		}
	}
}

// The network listings page by what each returns: instances past 1,000,
// security groups past 1,000 (981 more, each VPC's nine and the two default ones),
// prefix lists past 100, launch template versions past 200 ($Default and
// $Latest: two of a template whose default is not its latest), load
// balancers and target groups past 400. A scan of such a world in one
// region makes exactly the planned calls.
func TestTheMinimalPlanPagesTheNetworkListings(t *testing.T) {
	args := []string{"--regions", "us-east-1", "--latency", "0s", "--time-scale", "100", "--expose-every", "10",
		"--instances", "1100", "--vpcs", "2", "--security-groups", "981", "--prefix-lists", "100", "--launch-templates", "160",
		"--load-balancers", "401", "--classic-elbs", "401"}
	for _, f := range []string{"buckets", "functions", "queues", "rest-apis", "http-apis", "roles", "admin-roles", "users", "distributions",
		"web-acls", "db-instances", "db-snapshots", "eks-clusters", "search-domains", "topics", "event-buses", "event-rules",
		"api-destinations", "kms-keys", "secrets", "repositories", "access-points", "mraps", "layers"} {
		args = append(args, "--"+f, "0")
	}
	res, err := run(context.Background(), parse(t, args...), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"ec2:DescribeInstances": 2, "ec2:DescribeSecurityGroups": 2, "ec2:DescribeManagedPrefixLists": 2,
		"ec2:DescribeLaunchTemplateVersions": 2, "elasticloadbalancingv2:DescribeLoadBalancers": 2,
		"elasticloadbalancingv2:DescribeTargetGroups": 2, "elasticloadbalancing:DescribeLoadBalancers": 2,
	}
	got := map[string]int{}
	for op := range want {
		got[op] = res.Calls[op].Minimal
		if int64(got[op]) != res.Calls[op].Actual-res.Calls[op].Throttled {
			t.Errorf("%s: planned %d, scan made %d", op, got[op], res.Calls[op].Actual-res.Calls[op].Throttled)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("planned pages (-want +got):\n%s", diff)
	}
	if res.Resources != res.ExpectedResources || res.EntryMissing+res.EntryUnexpected != 0 || res.Gaps != 0 {
		t.Errorf("resources %d of %d, entry points missing %d unexpected %d, gaps %d: want a complete scan that finds what was planted",
			res.Resources, res.ExpectedResources, res.EntryMissing, res.EntryUnexpected, res.Gaps)
	}
}

func TestASequentialScanFindsTheSameEntryPoints(t *testing.T) {
	concurrent, err := run(context.Background(), parse(t, tiny...), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	sequential, err := run(context.Background(), parse(t, append(slices.Clone(tiny), "--sequential", "--time-scale", "100")...), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if sequential.MaxConcurrency != 1 {
		t.Fatalf("--sequential ran with MaxConcurrency %d", sequential.MaxConcurrency)
	}
	if len(concurrent.entries) == 0 {
		t.Fatal("no entry points")
	}
	keys := func(m map[entryKey]bool) []string {
		var out []string
		for k := range maps.Keys(m) {
			out = append(out, k.Resource+" via "+k.Via)
		}
		slices.Sort(out)
		return out
	}
	if diff := cmp.Diff(keys(sequential.entries), keys(concurrent.entries)); diff != "" {
		t.Errorf("entry points (-sequential +concurrent):\n%s", diff)
	}
	if len(sequential.gaps)+len(concurrent.gaps) != 0 {
		t.Errorf("gaps: sequential %v, concurrent %v", sequential.gaps, concurrent.gaps)
	}
}

// sdkServices maps an SDK client package to its service id (what the
// scanner's limits are keyed by) and the fake's service name.
var sdkServices = map[string][2]string{
	"github.com/aws/aws-sdk-go-v2/service/s3":                     {"S3", "s3"},
	"github.com/aws/aws-sdk-go-v2/service/s3control":              {"S3 Control", "s3control"},
	"github.com/aws/aws-sdk-go-v2/service/lambda":                 {"Lambda", "lambda"},
	"github.com/aws/aws-sdk-go-v2/service/sqs":                    {"SQS", "sqs"},
	"github.com/aws/aws-sdk-go-v2/service/apigateway":             {"API Gateway", "apigateway"},
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2":           {"ApiGatewayV2", "apigatewayv2"},
	"github.com/aws/aws-sdk-go-v2/service/iam":                    {"IAM", "iam"},
	"github.com/aws/aws-sdk-go-v2/service/organizations":          {"Organizations", "organizations"},
	"github.com/aws/aws-sdk-go-v2/service/sts":                    {"STS", "sts"},
	"github.com/aws/aws-sdk-go-v2/service/ec2":                    {"EC2", "ec2"},
	"github.com/aws/aws-sdk-go-v2/service/cloudfront":             {"CloudFront", "cloudfront"},
	"github.com/aws/aws-sdk-go-v2/service/wafv2":                  {"WAFV2", "wafv2"},
	"github.com/aws/aws-sdk-go-v2/service/rds":                    {"RDS", "rds"},
	"github.com/aws/aws-sdk-go-v2/service/eks":                    {"EKS", "eks"},
	"github.com/aws/aws-sdk-go-v2/service/opensearch":             {"OpenSearch", "es"},
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2": {"Elastic Load Balancing v2", "elasticloadbalancingv2"},
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing":   {"Elastic Load Balancing", "elasticloadbalancing"},
	"github.com/aws/aws-sdk-go-v2/service/sns":                    {"SNS", "sns"},
	"github.com/aws/aws-sdk-go-v2/service/eventbridge":            {"EventBridge", "events"},
	"github.com/aws/aws-sdk-go-v2/service/kms":                    {"KMS", "kms"},
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager":         {"Secrets Manager", "secretsmanager"},
	"github.com/aws/aws-sdk-go-v2/service/ecr":                    {"ECR", "ecr"},
}

// TestFakeLimitsAgreeWithScanner checks, for every API a collector or the
// runner calls, that the fake's token bucket (awsThrottle) and the scanner's
// (collectors.DefaultLimits) have the same rate, that the scanner's burst is
// no larger than the fake's, and that two APIs share a bucket in the fake
// exactly when they share one in the scanner.
func TestFakeLimitsAgreeWithScanner(t *testing.T) {
	type api struct{ id, fake, op string }
	apis := []api{{"STS", "sts", "GetCallerIdentity"}, {"EC2", "ec2", "DescribeRegions"}}
	for _, c := range collall.Collectors() {
		d, ok := c.(collectors.Describer)
		if !ok {
			t.Fatalf("collector %s does not describe its clients", c.Name())
		}
		for _, spec := range d.Clients() {
			for i := range spec.Interface.NumMethod() {
				m := spec.Interface.Method(i)
				in := m.Type.In(1) // (ctx, *XInput, ...opts)
				if in.Kind() == reflect.Pointer {
					in = in.Elem()
				}
				svc, ok := sdkServices[in.PkgPath()]
				if !ok {
					t.Fatalf("%s.%s: no service for package %s", c.Name(), m.Name, in.PkgPath())
				}
				apis = append(apis, api{svc[0], svc[1], m.Name})
			}
		}
	}
	fake := awsThrottle()
	limits := collectors.NewLimits(nil, 1)
	fakeBucket, scanBucket := map[string]string{}, map[string]string{}
	for _, a := range apis {
		name := a.fake + ":" + a.op
		fb, fr, limited := fake.Bucket(a.fake, a.op)
		rule := limits.Rule(a.id, a.op)
		if !limited {
			t.Errorf("%s: the fake does not throttle it", name)
			continue
		}
		if rule.Limit.Rate != fr.Rate {
			t.Errorf("%s: scanner rate %v, fake rate %v", name, rule.Limit.Rate, fr.Rate)
		}
		if rule.Limit.Burst < 1 || rule.Limit.Burst > fr.Burst {
			t.Errorf("%s: scanner burst %d, want 1..%d (the fake's)", name, rule.Limit.Burst, fr.Burst)
		}
		fakeBucket[name], scanBucket[name] = fb, rule.Bucket
	}
	for a, fa := range fakeBucket {
		for b, fb := range fakeBucket {
			if a < b && (fa == fb) != (scanBucket[a] == scanBucket[b]) {
				t.Errorf("%s and %s: share a bucket in the fake: %v (%s, %s), in the scanner: %v (%s, %s)",
					a, b, fa == fb, fa, fb, scanBucket[a] == scanBucket[b], scanBucket[a], scanBucket[b])
			}
		}
	}
	if len(fakeBucket) < 30 {
		t.Errorf("only %d APIs checked", len(fakeBucket))
	}
}

func TestRateFlagsOverrideTheFake(t *testing.T) {
	th := awsThrottle()
	r := rateFlags{"lambda:GetPolicy=5/3", "group:apigateway-control=20", "s3:*=50"}
	if err := r.apply(&th); err != nil {
		t.Fatal(err)
	}
	_, p, _ := th.Bucket("lambda", "GetPolicy")
	_, g, _ := th.Bucket("apigatewayv2", "GetRoutes")
	_, s, _ := th.Bucket("s3", "GetBucketAcl")
	got := []float64{p.Rate, float64(p.Burst), g.Rate, float64(g.Burst), s.Rate, float64(s.Burst)}
	if diff := cmp.Diff([]float64{5, 3, 20, 40, 50, 100}, got); diff != "" {
		t.Errorf("rates (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"nope", "group:none=1", "lambda:GetPolicy=x", "lambda=1"} {
		if err := (rateFlags{bad}).apply(&th); err == nil {
			t.Errorf("--rate %s: no error", bad)
		}
	}
}

// When AWS is slower than the scanner's limits say (another client shares
// the bucket), the scan is throttled, gives tokens back, and retries every
// throttled call to success: no coverage gap, nothing missed.
func TestThrottlingFromASlowerFakeIsRecovered(t *testing.T) {
	o := parse(t, append(slices.Clone(tiny), "--rate", "lambda:GetPolicy=5/2", "--rate", "group:lambda-control=5/2")...)
	res, err := run(context.Background(), o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if res.Throttled == 0 || res.Retries == 0 {
		t.Errorf("throttled %d, retries %d: want the scanner throttled and retrying", res.Throttled, res.Retries)
	}
	if res.Gaps != 0 || res.EntryMissing != 0 || res.EntryUnexpected != 0 || res.Resources != res.ExpectedResources {
		t.Errorf("gaps %d, entry points missing %d unexpected %d, resources %d of %d: want a complete scan",
			res.Gaps, res.EntryMissing, res.EntryUnexpected, res.Resources, res.ExpectedResources)
	}
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/trustmap/trustmap/analyzers"
	anall "github.com/trustmap/trustmap/analyzers/all"
	"github.com/trustmap/trustmap/analyzers/exposure"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/collectors"
	collall "github.com/trustmap/trustmap/collectors/all"
	"github.com/trustmap/trustmap/collectors/iam"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/fakeaws"
)

// options are the command's flags.
type options struct {
	scenario       scenario
	regions        string
	scale          float64
	latency        time.Duration
	timeScale      float64
	maxConcurrency int
	sequential     bool
	rates          rateFlags
	cpuProfile     string
	memProfile     string
	verbose        bool
	trace          string
	snapshot       string
	orgMembers     int // org.go
	orgResources   int
	orgMaxAccounts int
	serve          bool // serve.go
}

func (o *options) bind(fs *flag.FlagSet) {
	s := &o.scenario
	fs.IntVar(&s.Buckets, "buckets", 4000, "S3 buckets")
	fs.IntVar(&s.Functions, "functions", 4000, "Lambda functions")
	fs.IntVar(&s.Queues, "queues", 4000, "SQS queues")
	fs.IntVar(&s.RestAPIs, "rest-apis", 400, "API Gateway REST APIs")
	fs.IntVar(&s.RestResources, "rest-resources", 5, "resources per REST API, besides the root")
	fs.IntVar(&s.RestMethods, "rest-methods", 2, "methods per REST API resource (at most 7)")
	fs.IntVar(&s.HTTPAPIs, "http-apis", 400, "API Gateway HTTP APIs")
	fs.IntVar(&s.HTTPRoutes, "http-routes", 10, "routes per HTTP API")
	fs.IntVar(&s.Roles, "roles", 2000, "IAM roles with narrow policies")
	fs.IntVar(&s.AdminRoles, "admin-roles", 1, "IAM roles with AdministratorAccess")
	fs.IntVar(&s.Users, "users", 500, "IAM users, each with an access key")
	fs.IntVar(&s.Distributions, "distributions", 200, "CloudFront distributions")
	fs.IntVar(&s.WebACLs, "web-acls", 40, "regional AWS WAF web ACLs")
	fs.IntVar(&s.DBInstances, "db-instances", 400, "RDS DB instances")
	fs.IntVar(&s.DBSnapshots, "db-snapshots", 200, "manual RDS DB snapshots")
	fs.IntVar(&s.EKSClusters, "eks-clusters", 40, "EKS clusters")
	fs.IntVar(&s.SearchDomains, "search-domains", 100, "OpenSearch domains")
	fs.IntVar(&s.Topics, "topics", 1200, "SNS topics, each with a queue subscription")
	fs.IntVar(&s.Buses, "event-buses", 8, "custom EventBridge event buses (each region also has its default bus)")
	fs.IntVar(&s.Rules, "event-rules", 800, "EventBridge rules, each targeting a function")
	fs.IntVar(&s.APIDestinations, "api-destinations", 40, "EventBridge API destinations")
	fs.IntVar(&s.Keys, "kms-keys", 1200, "KMS keys, each with an alias")
	fs.IntVar(&s.Secrets, "secrets", 1200, "Secrets Manager secrets")
	fs.IntVar(&s.Repositories, "repositories", 800, "ECR repositories (every 10th function runs an image of one)")
	fs.IntVar(&s.AccessPoints, "access-points", 400, "S3 access points")
	fs.IntVar(&s.MRAPs, "mraps", 2, "S3 Multi-Region Access Points (at most 100)")
	fs.IntVar(&s.Layers, "layers", 200, "Lambda layers, each with two versions (every 4th function loads one)")
	fs.IntVar(&s.VPCs, "vpcs", 8, "VPCs, each with four subnets and nine security groups (at least one per region when there are instances or load balancers)")
	fs.IntVar(&s.SecurityGroups, "security-groups", 200, "security groups no instance uses, besides each VPC's")
	fs.IntVar(&s.PrefixLists, "prefix-lists", 40, "customer-managed prefix lists, besides each region's corp, vpn and CloudFront ones")
	fs.IntVar(&s.Instances, "instances", 2000, "EC2 instances")
	fs.IntVar(&s.LaunchTemplates, "launch-templates", 200, "EC2 launch templates")
	fs.IntVar(&s.LoadBalancers, "load-balancers", 200, "Application and Network Load Balancers")
	fs.IntVar(&s.ClassicELBs, "classic-elbs", 40, "Classic Load Balancers")
	fs.IntVar(&s.ExposeEvery, "expose-every", 50, "plant a public or cross-account entry point in every Nth resource of a kind (0: none)")
	fs.StringVar(&o.regions, "regions", "us-east-1,eu-west-1,ap-southeast-2,us-west-2", "regions, comma-separated; resources are spread over them")
	fs.Float64Var(&o.scale, "scale", 1, "multiply every resource count by this")
	fs.DurationVar(&o.latency, "latency", 30*time.Millisecond, "latency of every call (before --time-scale)")
	fs.Float64Var(&o.timeScale, "time-scale", 10, "multiply every rate and divide the latency by this")
	fs.IntVar(&o.maxConcurrency, "max-concurrency", 32, "API calls in flight at once (trustmap scan's --max-concurrency)")
	fs.BoolVar(&o.sequential, "sequential", false, "one call at a time (MaxConcurrency 1)")
	fs.Var(&o.rates, "rate", "override the fake's throttle: KEY=RATE[/BURST], KEY service:Api, service:* or group:NAME (repeatable)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the scan, resolve and analysis to this file")
	fs.StringVar(&o.memProfile, "memprofile", "", "write heap profiles after the scan (FILE.scanned), the resolve (FILE.resolved) and the analysis (FILE)")
	fs.BoolVar(&o.verbose, "v", false, "log the scan's warnings to stderr")
	fs.StringVar(&o.trace, "trace", "", "write one line per call the fake answered (seconds since start, service:Api, region, status) to this file")
	fs.IntVar(&o.orgMembers, "org-members", 0, "serve a generated organization of this many members until interrupted, for trustmap scan --org or collect --shard in other processes (org.go)")
	fs.IntVar(&o.orgResources, "org-resources", 500, "with --org-members: mean resources per member")
	fs.IntVar(&o.orgMaxAccounts, "org-max-accounts", 16, "with --org-members: the scanner's --max-accounts, for rounds_term_s")
	fs.BoolVar(&o.serve, "serve", false, "serve the generated account until interrupted, for trustmap scan --endpoint-url in another process (serve.go)")
	fs.StringVar(&o.snapshot, "snapshot", "", "write the scanned snapshot to this file (for `trustmap analyze`, e.g. to look at the report of a large account)")
}

func (o *options) validate() error {
	s := &o.scenario
	for _, r := range strings.Split(o.regions, ",") {
		if r = strings.TrimSpace(r); r != "" {
			s.Regions = append(s.Regions, r)
		}
	}
	if len(s.Regions) == 0 {
		return errors.New("--regions: at least one region")
	}
	if o.scale <= 0 || o.timeScale <= 0 {
		return errors.New("--scale and --time-scale must be positive")
	}
	for _, n := range []*int{&s.Buckets, &s.Functions, &s.Queues, &s.RestAPIs, &s.HTTPAPIs, &s.Roles, &s.Users,
		&s.Distributions, &s.WebACLs, &s.DBInstances, &s.DBSnapshots, &s.EKSClusters, &s.SearchDomains,
		&s.Topics, &s.Buses, &s.Rules, &s.APIDestinations, &s.Keys, &s.Secrets, &s.Repositories, &s.AccessPoints, &s.Layers,
		&s.VPCs, &s.SecurityGroups, &s.PrefixLists, &s.Instances, &s.LaunchTemplates, &s.LoadBalancers, &s.ClassicELBs} {
		if *n < 0 {
			return errors.New("counts must not be negative")
		}
		*n = int(math.Round(float64(*n) * o.scale))
	}
	s.VPCs = s.vpcCount()
	if s.RestMethods > len(verbs) {
		return fmt.Errorf("--rest-methods: at most %d", len(verbs))
	}
	if o.sequential {
		o.maxConcurrency = 1
	}
	if o.maxConcurrency < 1 {
		return errors.New("--max-concurrency must be at least 1")
	}
	return nil
}

func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("trustmap-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &options{}
	o.bind(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := o.validate(); err != nil {
		fmt.Fprintln(stderr, "trustmap-bench:", err)
		return 2
	}
	if o.orgMembers > 0 {
		if err := serveOrg(ctx, o, stdout); err != nil {
			fmt.Fprintln(stderr, "trustmap-bench:", err)
			return 1
		}
		return 0
	}
	if o.serve {
		if err := serveAccount(ctx, o, stdout); err != nil {
			fmt.Fprintln(stderr, "trustmap-bench:", err)
			return 1
		}
		return 0
	}
	res, err := run(ctx, o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "trustmap-bench:", err)
		return 1
	}
	line, err := json.Marshal(res)
	if err != nil {
		fmt.Fprintln(stderr, "trustmap-bench:", err)
		return 1
	}
	fmt.Fprintln(stdout, string(line))
	return 0
}

// run generates the world, scans it and measures.
func run(ctx context.Context, o *options, stderr io.Writer) (*result, error) {
	peak := startHeapSampler()
	defer peak.stop()

	gen := generate(o.scenario)
	throttle := awsThrottle()
	if err := o.rates.apply(&throttle); err != nil {
		return nil, err
	}
	fake := scaled(throttle, o.timeScale)
	latency := time.Duration(float64(o.latency) / o.timeScale)
	gen.World.Throttle = fake
	gen.World.Latency = max(0, latency)
	if err := gen.World.Validate(); err != nil {
		return nil, fmt.Errorf("generated world: %w", err)
	}
	worldHeap := heapBytes()

	const home = "us-east-1"
	pl := minimalPlan(gen.World.Accounts[0], o.scenario.Regions, home)
	fl := computeFloor(pl, fake, latency)

	opts := fakeaws.Options{}
	if o.trace != "" {
		f, err := os.Create(o.trace)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		w := bufio.NewWriterSize(f, 1<<20)
		defer w.Flush()
		var mu sync.Mutex
		traceStart := time.Now()
		opts.Logf = func(format string, args ...any) {
			// "fakeaws: %s %s:%s account=%s region=%s -> %d"
			if len(args) == 6 {
				at := time.Since(traceStart).Seconds()
				mu.Lock()
				fmt.Fprintf(w, "%.4f %s:%s %s %v\n", at, args[1], args[2], args[4], args[5])
				mu.Unlock()
			}
		}
	}
	srv := fakeaws.New(gen.World, opts)
	if err := srv.Start(); err != nil {
		return nil, err
	}
	defer srv.Close()
	if err := warmFake(ctx, srv.URL(), home); err != nil {
		return nil, err
	}
	warm := srv.Stats()

	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}

	logger := slog.New(slog.DiscardHandler)
	if o.verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	start := time.Now()
	cfg, err := collectors.LoadConfig(ctx, collectors.ConfigOptions{
		EndpointURL: srv.URL(),
		Credentials: credentials.NewStaticCredentialsProvider(benchAccessKey, "bench-secret-not-a-real-key", ""),
	})
	if err != nil {
		return nil, err
	}
	cfg.Retryer = scaleRetryDelay(cfg.Retryer, o.timeScale)
	acct, arn, err := collectors.Identify(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("identify: %w", err)
	}
	cs := collall.Collectors()
	for _, c := range cs {
		if ic, ok := c.(*iam.Collector); ok {
			// The wait between credential report polls is AWS time too.
			ic.ReportWait = time.Duration(float64(time.Second) / o.timeScale)
		}
	}
	stats := &collectors.Stats{}
	runner := &collectors.Runner{
		Collectors:     cs,
		Regions:        o.scenario.Regions,
		MaxConcurrency: o.maxConcurrency,
		Limits:         collectors.NewLimits(nil, o.timeScale),
		Stats:          stats,
		Logger:         logger,
		PathStyle:      true,
	}
	b := graph.NewBuilder()
	outcome, runErr := runner.Run(ctx, []collectors.Account{{ID: acct, CallerARN: arn, Config: cfg}}, b)
	if runErr != nil && o.verbose {
		fmt.Fprintln(stderr, "trustmap-bench: scan errors:", runErr)
	}
	snap := b.Freeze(graph.Tool{Name: "trustmap-bench", Version: "dev"}, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	snap.Complete = outcome.Complete
	wall := time.Since(start)
	o.phase(stderr, "scanned", peak)
	if o.snapshot != "" {
		if err := writeSnapshot(o.snapshot, snap); err != nil {
			return nil, err
		}
	}

	t1 := time.Now()
	g := graph.Resolve(snap)
	resolve := time.Since(t1)
	o.phase(stderr, "resolved", peak)
	t2 := time.Now()
	ares, err := analyzers.Run(g, &results.Trust{Now: snap.ScannedAt}, anall.Analyzers())
	if ares == nil {
		return nil, fmt.Errorf("analyzers: %w", err)
	}
	analyze := time.Since(t2)
	o.phase(stderr, "analysed", peak)
	total := time.Since(start)
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return nil, err
		}
	}

	st := since(srv.Stats(), warm)
	res := &result{
		Scenario: o.scenario, LatencyMS: float64(o.latency) / float64(time.Millisecond), TimeScale: o.timeScale,
		MaxConcurrency: o.maxConcurrency, APICalls: st.TotalCalls(), Retries: stats.Retries.Load(),
		Throttled: st.TotalThrottled(), Complete: outcome.Complete,
		WallS: wall.Seconds(), ResolveS: resolve.Seconds(), AnalyzeS: analyze.Seconds(), TotalS: total.Seconds(),
		FloorS: fl.Seconds, FloorBy: fl.By, LatencyTermS: fl.Latency, Chain: pl.Chain,
		WorldHeapMB: mb(worldHeap), Calls: map[string]*minimalActual{},
		gaps: snap.Coverage,
	}
	res.Ratio = res.WallS / res.FloorS
	res.RatioTotal = res.TotalS / res.FloorS
	res.Buckets = fl.Buckets[:min(5, len(fl.Buckets))]
	for k, v := range st.Throttled {
		if v > 0 {
			if res.ThrottledByAPI == nil {
				res.ThrottledByAPI = map[string]int64{}
			}
			res.ThrottledByAPI[k] = v
		}
	}
	for _, gp := range snap.Coverage {
		if res.GapsByStatus == nil {
			res.GapsByStatus = map[graph.GapStatus]int{}
		}
		res.GapsByStatus[gp.Status]++
	}
	res.Gaps = len(snap.Coverage)

	// Resources, and calls per resource by service.
	classic := map[string]bool{}
	for i := range snap.Nodes {
		if lb := snap.Nodes[i].LoadBalancer(); lb != nil && lb.Type == "classic" {
			classic[snap.Nodes[i].ID] = true
		}
	}
	byService := map[string]int{}
	for i := range snap.Nodes {
		if n := &snap.Nodes[i]; isResource(n.Kind) {
			res.Resources++
			byService[serviceOfNode(n, classic)]++
		}
	}
	for _, n := range gen.Resources {
		res.ExpectedResources += n
	}
	for k, n := range pl.Calls {
		m := res.Calls[k.op()]
		if m == nil {
			m = &minimalActual{}
			res.Calls[k.op()] = m
		}
		m.Minimal += n
		res.MinimalCalls += n
	}
	for op, n := range st.Calls {
		m := res.Calls[op]
		if m == nil {
			m = &minimalActual{}
			res.Calls[op] = m
		}
		m.Actual = n
		m.Throttled = st.Throttled[op]
	}
	res.CallsPerResource = perResource(res.Calls, byService)
	res.ConcurrencyTermS = float64(res.MinimalCalls) * latency.Seconds() / float64(o.maxConcurrency)

	// Entry points.
	eps, _ := ares.ResultOf[exposure.Analyzer].([]results.EntryPoint)
	res.entries = map[entryKey]bool{}
	for _, ep := range eps {
		res.entries[entryKey{ep.ResourceARN, ep.Via.String()}] = true
	}
	res.EntryPoints = len(res.entries)
	res.ExpectedEntry = len(gen.Planted)
	for k := range gen.Planted {
		if !res.entries[k] {
			res.EntryMissing++
		}
	}
	for k := range res.entries {
		if !gen.Planted[k] {
			res.EntryUnexpected++
		}
	}
	if o.verbose {
		reportEntryDiff(stderr, gen.Planted, res.entries)
	}

	peak.stop()
	res.PeakHeapMB = mb(peak.max())
	res.PeakRSSMB = peakRSSMB()
	return res, nil
}

// scaleRetryDelay divides the retryer's backoff by the time scale: the SDK
// waits between attempts for AWS to recover (a bucket to refill), which in
// the scaled world happens scale times sooner. Attempts, retryable errors and
// the retry quota are the retryer's own.
func scaleRetryDelay(newRetryer func() aws.Retryer, scale float64) func() aws.Retryer {
	if newRetryer == nil || scale == 1 {
		return newRetryer
	}
	return func() aws.Retryer {
		r := newRetryer()
		v2, ok := r.(aws.RetryerV2)
		if !ok {
			v2 = &retryerV2{r}
		}
		return &scaledRetryer{RetryerV2: v2, scale: scale}
	}
}

type scaledRetryer struct {
	aws.RetryerV2
	scale float64
}

func (s *scaledRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	d, e := s.RetryerV2.RetryDelay(attempt, err)
	return time.Duration(float64(d) / s.scale), e
}

// retryerV2 gives a Retryer without GetAttemptToken the no-op one.
type retryerV2 struct{ aws.Retryer }

func (retryerV2) GetAttemptToken(context.Context) (func(error) error, error) {
	return func(error) error { return nil }, nil
}

// writeSnapshot writes the snapshot as `trustmap collect -o` does, so that
// `trustmap analyze` turns it into the report of the generated account.
func writeSnapshot(path string, snap *graph.Snapshot) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := snap.Write(f); err != nil {
		f.Close()
		return fmt.Errorf("snapshot: %w", err)
	}
	return f.Close()
}

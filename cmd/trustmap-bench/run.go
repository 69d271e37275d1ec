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
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/trustmap/trustmap/analyzers"
	anall "github.com/trustmap/trustmap/analyzers/all"
	"github.com/trustmap/trustmap/analyzers/exposure"
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
	for _, n := range []*int{&s.Buckets, &s.Functions, &s.Queues, &s.RestAPIs, &s.HTTPAPIs, &s.Roles, &s.Users} {
		if *n < 0 {
			return errors.New("counts must not be negative")
		}
		*n = int(math.Round(float64(*n) * o.scale))
	}
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

// result is the JSON line.
type result struct {
	Scenario          scenario                  `json:"scenario"`
	LatencyMS         float64                   `json:"latency_ms"`
	TimeScale         float64                   `json:"time_scale"`
	MaxConcurrency    int                       `json:"max_concurrency"`
	Resources         int                       `json:"resources"`
	ExpectedResources int                       `json:"expected_resources"`
	APICalls          int64                     `json:"api_calls"`
	MinimalCalls      int                       `json:"minimal_calls"`
	CallsPerResource  map[string]serviceCalls   `json:"calls_per_resource"`
	Retries           int64                     `json:"retries"`
	Throttled         int64                     `json:"throttled"`
	ThrottledByAPI    map[string]int64          `json:"throttled_by_api,omitempty"`
	Gaps              int                       `json:"gaps"`
	GapsByStatus      map[graph.GapStatus]int   `json:"gaps_by_status,omitempty"`
	Complete          bool                      `json:"complete"`
	WallS             float64                   `json:"wall_s"`
	ResolveS          float64                   `json:"resolve_s"`
	AnalyzeS          float64                   `json:"analyze_s"`
	TotalS            float64                   `json:"total_s"`
	FloorS            float64                   `json:"floor_s"`
	FloorBy           string                    `json:"floor_by"`
	LatencyTermS      float64                   `json:"latency_term_s"`
	Chain             int                       `json:"chain"`
	Ratio             float64                   `json:"ratio"`
	RatioTotal        float64                   `json:"ratio_total"`
	PeakRSSMB         float64                   `json:"peak_rss_mb"`
	PeakHeapMB        float64                   `json:"peak_heap_mb"`
	WorldHeapMB       float64                   `json:"world_heap_mb"`
	EntryPoints       int                       `json:"entry_points"`
	ExpectedEntry     int                       `json:"expected_entry_points"`
	EntryMissing      int                       `json:"entry_points_missing"`
	EntryUnexpected   int                       `json:"entry_points_unexpected"`
	Buckets           []bucketLoad              `json:"busiest_buckets"`
	Calls             map[string]*minimalActual `json:"calls"`

	// For tests: not printed.
	entries map[entryKey]bool
	gaps    []graph.Gap
}

// serviceCalls are one service's calls per resource.
type serviceCalls struct {
	Resources   int     `json:"resources"`
	Calls       int64   `json:"calls"`
	Minimal     int     `json:"minimal"`
	PerResource float64 `json:"per_resource"`
}

// minimalActual compares one API's calls with the plan.
type minimalActual struct {
	Minimal   int   `json:"minimal"`
	Actual    int64 `json:"actual"`
	Throttled int64 `json:"throttled,omitempty"`
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

	t1 := time.Now()
	g := graph.Resolve(snap)
	resolve := time.Since(t1)
	o.phase(stderr, "resolved", peak)
	t2 := time.Now()
	ares, err := analyzers.Run(g, &analyzers.Trust{Now: snap.ScannedAt}, anall.Analyzers())
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

	st := srv.Stats()
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
	kinds := map[graph.Kind]int{}
	for _, n := range snap.Nodes {
		if isResource(n.Kind) {
			res.Resources++
			kinds[n.Kind]++
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
	res.CallsPerResource = perResource(res.Calls, kinds)

	// Entry points.
	eps, _ := ares.ResultOf[exposure.Analyzer].([]analyzers.EntryPoint)
	res.entries = map[entryKey]bool{}
	for _, ep := range eps {
		res.entries[entryKey{ep.ResourceARN, ep.Via}] = true
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

// isResource says whether a node kind is a resource the collectors read (not
// a principal, the account, or an endpoint outside AWS).
func isResource(k graph.Kind) bool {
	switch k {
	case graph.KindAccount, graph.KindExternalEndpoint, graph.KindEventSource:
		return false
	}
	return !k.IsPrincipal()
}

// serviceKinds are the resources each service's calls are counted against.
var serviceKinds = map[string][]graph.Kind{
	"s3":           {graph.KindS3Bucket},
	"lambda":       {graph.KindLambdaFunction},
	"sqs":          {graph.KindSQSQueue},
	"apigateway":   {graph.KindRestAPI},
	"apigatewayv2": {graph.KindHTTPAPI},
	"iam":          {graph.KindIAMRole, graph.KindIAMUser},
}

func perResource(calls map[string]*minimalActual, kinds map[graph.Kind]int) map[string]serviceCalls {
	out := map[string]serviceCalls{}
	for svc, ks := range serviceKinds {
		sc := serviceCalls{}
		for _, k := range ks {
			sc.Resources += kinds[k]
		}
		for op, m := range calls {
			s, _, _ := strings.Cut(op, ":")
			if s == svc || (svc == "s3" && s == "s3control") {
				sc.Calls += m.Actual
				sc.Minimal += m.Minimal
			}
		}
		if sc.Resources > 0 {
			sc.PerResource = math.Round(float64(sc.Calls)/float64(sc.Resources)*1000) / 1000
		}
		out[svc] = sc
	}
	return out
}

func reportEntryDiff(w io.Writer, want, got map[entryKey]bool) {
	var lines []string
	for k := range want {
		if !got[k] {
			lines = append(lines, "missing    "+k.Resource+" via "+k.Via)
		}
	}
	for k := range got {
		if !want[k] {
			lines = append(lines, "unexpected "+k.Resource+" via "+k.Via)
		}
	}
	slices.Sort(lines)
	for _, l := range lines[:min(len(lines), 20)] {
		fmt.Fprintln(w, "trustmap-bench: entry point", l)
	}
}

// phase logs the heap, and its peak so far, with -v, and writes a heap
// profile of the phase with --memprofile (FILE.scanned, FILE.resolved).
func (o *options) phase(w io.Writer, name string, h *heapSampler) {
	if o.memProfile != "" && name != "analysed" {
		if err := writeHeapProfile(o.memProfile + "." + name); err != nil {
			fmt.Fprintln(w, "trustmap-bench:", err)
		}
	}
	if o.verbose {
		h.sample()
		fmt.Fprintf(w, "trustmap-bench: %s: heap %.0f MB, peak so far %.0f MB\n", name, mb(heapBytes()), mb(h.max()))
	}
}

func mb(b uint64) float64 { return math.Round(float64(b)/(1<<20)*10) / 10 }

// heapSampler records the largest Go heap seen.
type heapSampler struct {
	once sync.Once
	done chan struct{}
	mu   sync.Mutex
	peak uint64
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{done: make(chan struct{})}
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			h.sample()
			select {
			case <-h.done:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) sample() {
	v := heapBytes()
	h.mu.Lock()
	h.peak = max(h.peak, v)
	h.mu.Unlock()
}

func (h *heapSampler) stop() {
	h.once.Do(func() { close(h.done); h.sample() })
}

func (h *heapSampler) max() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.peak
}

// heapBytes is the memory of live and not-yet-swept heap objects.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	return pprof.WriteHeapProfile(f)
}

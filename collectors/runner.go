package collectors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/graph"
)

// Account is one account to scan, with the configuration that reaches it.
type Account struct {
	ID        string
	CallerARN string
	Config    aws.Config
}

// Progress receives the runner's progress. Implementations must be safe for
// concurrent use.
type Progress interface {
	// Planned says how many tasks (collector × account × region) there are.
	Planned(total int)
	// Finished reports one finished task and the API calls made so far.
	Finished(task string, calls int64)
}

// Runner fans collectors out over accounts and regions.
type Runner struct {
	Collectors []Collector
	// Regions to scan; empty means every region enabled in each account.
	Regions []string
	// MaxConcurrency bounds API calls in flight across the whole scan. A
	// call waits for its token bucket (Limits) before it takes a slot, so a
	// throttled API's queue holds none; calls of saturated or scarce buckets
	// get freed slots first (slots.go). The scan cannot go faster than
	// calls × latency / MaxConcurrency: with 100 ms calls, 32 slots carry
	// 320 calls a second.
	MaxConcurrency int
	Limits         *Limits
	Stats          *Stats
	Logger         *slog.Logger
	Progress       Progress
	PathStyle      bool
}

// Outcome says whether a run saw everything it set out to.
type Outcome struct {
	Complete bool
	Reason   string // why not: "interrupted", "timed out"
}

// DefaultRegions are the regions enabled in every account (no opt-in). They
// are used only when the account's regions cannot be listed.
var DefaultRegions = []string{
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
	"ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2",
	"eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

// Run collects every account into b. Every failed call is one coverage gap
// (Gaps); failures of no known class are also returned, joined, and a
// collector's own failure (a panic, an error it did not record) becomes a
// gap for the whole task. The scan goes on regardless. Cancelling ctx stops the scan; what was collected
// stays in b and the outcome says the scan is incomplete.
func (r *Runner) Run(ctx context.Context, accounts []Account, b *graph.Builder) (Outcome, error) {
	logger := r.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if r.Stats == nil {
		r.Stats = &Stats{}
	}
	slots := newSlots(r.MaxConcurrency)
	answers := newBreaker()
	defer answers.flush(b)

	type task struct {
		c       Collector
		target  Target
		name    string
		account string
	}
	var tasks []task
	for _, acct := range accounts {
		cfg := acct.Config.Copy()
		cfg.APIOptions = append(slices.Clone(cfg.APIOptions),
			addGate(&callGate{account: acct.ID, limits: r.Limits, slots: slots, stats: r.Stats}),
			addGuard(&guard{account: acct.ID, br: answers}))
		regions := r.regionsFor(ctx, acct.ID, cfg, b)
		home := cfg.Region
		if home == "" {
			home = "us-east-1"
		}
		b.AddScope(acct.ID, "")
		for _, reg := range regions {
			b.AddScope("", reg)
		}
		b.UpdateNode(graph.AccountID(acct.ID), graph.KindAccount, func(n *graph.Node) {
			n.Account = acct.ID
			n.Name = acct.ID
			if n.AccountInfo == nil {
				n.AccountInfo = &graph.AccountInfo{}
			}
			n.AccountInfo.Scanned = true
			n.AccountInfo.CallerARN = acct.CallerARN
		})
		for _, c := range r.Collectors {
			base := Target{Account: acct.ID, Regions: regions, Config: cfg, PathStyle: r.PathStyle, answers: answers}
			if c.Scope() == Global {
				t := base
				t.Region = home
				t.Config.Region = home
				t.Logger = logger.With("collector", c.Name(), "account", acct.ID, "region", "global")
				tasks = append(tasks, task{c, t, fmt.Sprintf("%s %s global", acct.ID, c.Name()), acct.ID})
				continue
			}
			for _, reg := range regions {
				t := base
				t.Region = reg
				t.Config.Region = reg
				t.Logger = logger.With("collector", c.Name(), "account", acct.ID, "region", reg)
				tasks = append(tasks, task{c, t, fmt.Sprintf("%s %s %s", acct.ID, c.Name(), reg), acct.ID})
			}
		}
	}
	if r.Progress != nil {
		r.Progress.Planned(len(tasks))
	}

	var (
		errs   = make(chan error, len(tasks))
		g      errgroup.Group
		doneN  atomic.Int64
		limitG = max(8, 4*max(1, r.MaxConcurrency))
	)
	g.SetLimit(limitG)
	for _, tk := range tasks {
		if ctx.Err() != nil {
			b.AddGap(graph.Gap{Account: tk.account, Service: tk.c.Name(), Region: tk.target.Region, API: "*", Status: graph.GapCancelled, Error: "scan stopped before this collector ran"})
			continue
		}
		g.Go(func() (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("%s: panic: %v\n%s", tk.name, p, debug.Stack())
				}
				if err != nil {
					// A failure the collector recorded (Gaps) is already
					// its gap; anything else stands for the whole task.
					if !Recorded(err) {
						b.AddGap(graph.Gap{Account: tk.account, Service: tk.c.Name(), Region: tk.target.Region, API: "*", Status: Classify(err).GapStatus(), Error: ErrorSummary(err)})
					}
					errs <- err
				}
				doneN.Add(1)
				if r.Progress != nil {
					r.Progress.Finished(tk.name, r.Stats.Calls.Load())
				}
			}()
			tk.target.Logger.Debug("collector started")
			return tk.c.Collect(ctx, tk.target, b)
		})
	}
	_ = g.Wait()
	close(errs)
	var all []error
	for e := range errs {
		if !errors.Is(e, context.Canceled) && !errors.Is(e, context.DeadlineExceeded) {
			all = append(all, e)
		}
	}
	logger.Info("collection finished", "api_calls", r.Stats.Calls.Load(), "retries", r.Stats.Retries.Load(),
		"throttled", r.Stats.Throttled.Load(), "failed_operations", r.Stats.Failed.Load(), "waited_for_rate_limit", r.Stats.Waited.Load())
	out := Outcome{Complete: true}
	if err := ctx.Err(); err != nil {
		out.Complete = false
		out.Reason = "interrupted"
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
			out.Reason = "timed out"
		}
	}
	return out, errors.Join(all...)
}

// regionsFor returns the regions to scan for one account: the requested ones
// that are enabled, or every enabled one. Regions that are requested but not
// enabled become coverage gaps. When the regions cannot be listed, the
// requested ones (or DefaultRegions) are used and the failure is a gap.
func (r *Runner) regionsFor(ctx context.Context, account string, cfg aws.Config, b *graph.Builder) []string {
	out, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	if err != nil {
		b.AddGap(graph.Gap{Account: account, Service: "ec2", Region: cfg.Region, API: "DescribeRegions", Status: Classify(err).GapStatus(), Error: ErrorSummary(err)})
		if len(r.Regions) > 0 {
			return slices.Clone(r.Regions)
		}
		return slices.Clone(DefaultRegions)
	}
	enabled := map[string]bool{}
	known := map[string]bool{}
	for _, reg := range out.Regions {
		name := aws.ToString(reg.RegionName)
		known[name] = true
		switch aws.ToString(reg.OptInStatus) {
		case "opt-in-not-required", "opted-in", "":
			enabled[name] = true
		}
	}
	var regions []string
	if len(r.Regions) == 0 {
		for name := range enabled {
			regions = append(regions, name)
		}
	} else {
		for _, name := range r.Regions {
			if enabled[name] {
				regions = append(regions, name)
				continue
			}
			msg := "region is not enabled for this account"
			if !known[name] {
				msg = "region is unknown to this account's EC2 DescribeRegions"
			}
			b.AddGap(graph.Gap{Account: account, Service: "*", Region: name, API: "*", Status: graph.GapNotEnabled, Error: msg})
		}
	}
	slices.Sort(regions)
	return regions
}

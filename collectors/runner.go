package collectors

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
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
	// Source, when set, names how the account is reached (the role ARN of
	// an organization member) and says the account is not identified yet:
	// the runner calls sts:GetCallerIdentity when the account's turn
	// comes, which is also when its role is first assumed (Config's
	// credentials are an aws.CredentialsCache, refreshed before they
	// expire). An account that cannot be reached then is one coverage gap.
	Source string
	// Status is the account's Organizations status; anything but "" or
	// ACTIVE (SUSPENDED, PENDING_CLOSURE) is a coverage gap, not scanned.
	Status string
}

// Progress receives the runner's progress. Implementations must be safe for
// concurrent use.
type Progress interface {
	// Planned adds tasks (collector × account × region) to the plan; it is
	// called once per account, when the account's regions are known.
	Planned(more int)
	// Finished reports one finished task and the API calls made so far.
	Finished(task string, calls int64)
}

// AccountProgress, when a Progress also implements it, hears of each
// account as it finishes.
type AccountProgress interface {
	// AccountDone reports one finished account (scanned false: it could
	// not be reached or is not active) and how many are done of how many.
	AccountDone(account string, scanned bool, done, total int)
}

// Part is one account's share of a scan, handed to Runner.Sink as soon as
// the account is done.
type Part struct {
	Account string
	Builder *graph.Builder
	Outcome Outcome
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
	// MaxAccounts bounds the accounts scanned at once (default 16). AWS
	// throttles per account, so accounts are the unit of parallelism; each
	// account in flight runs at most its share of the scan's tasks at
	// once, so no account takes every slot (fair scheduling across
	// accounts), and with a Sink memory holds at most MaxAccounts accounts.
	MaxAccounts int
	// Sink, when set, receives each account's part as soon as the account
	// is done, in a builder of its own, and the run's builder gets nothing
	// of it: a scan of an organization then holds the accounts in flight,
	// not every account finished. A Sink error is returned, joined.
	Sink      func(ctx context.Context, p Part) error
	Limits    *Limits
	Stats     *Stats
	Logger    *slog.Logger
	Progress  Progress
	PathStyle bool
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

// DefaultMaxAccounts is Runner.MaxAccounts' default.
const DefaultMaxAccounts = 16

// Run collects every account into b (or, with a Sink, each into its own
// part). Every failed call is one coverage gap (Gaps); failures of no
// known class are also returned, joined, and a collector's own failure (a
// panic, an error it did not record) becomes a gap for the whole task. The
// scan goes on regardless: an account that cannot be reached is a gap and
// the others are scanned. Cancelling ctx stops the scan; what was
// collected stays in b and the outcome says the scan is incomplete.
func (r *Runner) Run(ctx context.Context, accounts []Account, b *graph.Builder) (Outcome, error) {
	logger := r.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if r.Stats == nil {
		r.Stats = &Stats{}
	}
	sc := &scan{r: r, logger: logger, slots: newSlots(r.MaxConcurrency), total: len(accounts)}
	inFlight := min(max(1, len(accounts)), cmp.Or(r.MaxAccounts, DefaultMaxAccounts))
	// Goroutines for tasks across the scan, shared by the accounts in
	// flight: each account gets its share, so none crowds the others out
	// of the slots.
	taskLimit := max(8, 4*max(1, r.MaxConcurrency))
	sc.perAccount = max(4, taskLimit/inFlight)

	var (
		ag   errgroup.Group
		mu   sync.Mutex
		errs []error
	)
	ag.SetLimit(inFlight)
	for _, acct := range accounts {
		if ctx.Err() != nil {
			b.AddGap(graph.Gap{Account: acct.ID, Service: "*", API: "*", Status: graph.GapCancelled, Error: "scan stopped before this account was scanned"})
			continue
		}
		ag.Go(func() error {
			err := sc.account(ctx, acct, b)
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
			return nil
		})
	}
	_ = ag.Wait()
	logger.Info("collection finished", "accounts", len(accounts), "api_calls", r.Stats.Calls.Load(), "retries", r.Stats.Retries.Load(),
		"throttled", r.Stats.Throttled.Load(), "failed_operations", r.Stats.Failed.Load(), "waited_for_rate_limit", r.Stats.Waited.Load())
	return outcomeOf(ctx), errors.Join(errs...)
}

func outcomeOf(ctx context.Context) Outcome {
	out := Outcome{Complete: true}
	if err := ctx.Err(); err != nil {
		out.Complete = false
		out.Reason = "interrupted"
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
			out.Reason = "timed out"
		}
	}
	return out
}

// scan is one Run's shared state.
type scan struct {
	r          *Runner
	logger     *slog.Logger
	slots      *slots
	perAccount int
	total      int
	done       atomic.Int64
}

// account scans one account: reach it (assuming its role, lazily), list
// its regions, run every collector there, and hand the part to the Sink.
func (sc *scan) account(ctx context.Context, acct Account, runB *graph.Builder) error {
	r := sc.r
	b := runB
	if r.Sink != nil {
		b = graph.NewBuilder()
	}
	answers := newBreaker()
	scanned, err := sc.collect(ctx, acct, b, answers)
	answers.flush(b)
	if r.Sink != nil {
		if serr := r.Sink(ctx, Part{Account: acct.ID, Builder: b, Outcome: outcomeOf(ctx)}); serr != nil {
			err = errors.Join(err, fmt.Errorf("account %s: %w", acct.ID, serr))
		}
	}
	n := int(sc.done.Add(1))
	if ap, ok := r.Progress.(AccountProgress); ok {
		ap.AccountDone(acct.ID, scanned, n, sc.total)
	}
	return err
}

// collect runs the account's tasks into b, reporting whether the account
// was reached.
func (sc *scan) collect(ctx context.Context, acct Account, b *graph.Builder, answers *breaker) (bool, error) {
	r, logger := sc.r, sc.logger
	if acct.Status != "" && acct.Status != "ACTIVE" {
		b.AddGap(graph.Gap{Account: acct.ID, Service: "organizations", API: "ListAccounts", Resource: acct.ID, Status: graph.GapNotEnabled,
			Error: fmt.Sprintf("account %s not scanned: its status in the organization is %s", acct.ID, acct.Status)})
		return false, nil
	}
	cfg := acct.Config.Copy()
	cfg.APIOptions = append(slices.Clone(cfg.APIOptions),
		addGate(&callGate{account: acct.ID, limits: r.Limits, slots: sc.slots, stats: r.Stats}),
		addGuard(&guard{account: acct.ID, br: answers}))
	if acct.Source != "" {
		// The account's first call: assumes its role through the
		// credentials cache, and confirms which account it reached.
		id, arn, err := Identify(ctx, cfg)
		if err == nil && id != acct.ID {
			err = fmt.Errorf("the credentials reach account %s, not %s", id, acct.ID)
		}
		if err != nil {
			b.AddGap(graph.Gap{Account: acct.ID, Service: "sts", API: "GetCallerIdentity", Resource: acct.Source, Status: Classify(err).GapStatus(),
				Error: fmt.Sprintf("account %s not scanned: %s", acct.Source, ErrorSummary(err))})
			return false, nil
		}
		acct.CallerARN = arn
	}
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
		if n.AccountInfo() == nil {
			n.Attrs = &graph.AccountInfo{}
		}
		n.AccountInfo().Scanned = true
		n.AccountInfo().CallerARN = acct.CallerARN
	})
	type task struct {
		c      Collector
		target Target
		name   string
	}
	var tasks []task
	for _, c := range r.Collectors {
		base := Target{Account: acct.ID, Regions: regions, Config: cfg, PathStyle: r.PathStyle, answers: answers}
		if c.Scope() == Global {
			t := base
			t.Region = home
			t.Config.Region = home
			t.Logger = logger.With("collector", c.Name(), "account", acct.ID, "region", "global")
			tasks = append(tasks, task{c, t, fmt.Sprintf("%s %s global", acct.ID, c.Name())})
			continue
		}
		for _, reg := range regions {
			t := base
			t.Region = reg
			t.Config.Region = reg
			t.Logger = logger.With("collector", c.Name(), "account", acct.ID, "region", reg)
			tasks = append(tasks, task{c, t, fmt.Sprintf("%s %s %s", acct.ID, c.Name(), reg)})
		}
	}
	if r.Progress != nil {
		r.Progress.Planned(len(tasks))
	}
	var (
		g    errgroup.Group
		mu   sync.Mutex
		errs []error
	)
	g.SetLimit(sc.perAccount)
	for _, tk := range tasks {
		if ctx.Err() != nil {
			b.AddGap(graph.Gap{Account: acct.ID, Service: tk.c.Name(), Region: tk.target.Region, API: "*", Status: graph.GapCancelled, Error: "scan stopped before this collector ran"})
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
						b.AddGap(graph.Gap{Account: acct.ID, Service: tk.c.Name(), Region: tk.target.Region, API: "*", Status: Classify(err).GapStatus(), Error: ErrorSummary(err)})
					}
					if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				}
				if r.Progress != nil {
					r.Progress.Finished(tk.name, r.Stats.Calls.Load())
				}
			}()
			tk.target.Logger.Debug("collector started")
			return tk.c.Collect(ctx, tk.target, b)
		})
	}
	_ = g.Wait()
	return true, errors.Join(errs...)
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

package collectors

import (
	"context"
	"sync/atomic"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// Stats counts what a scan did. Safe for concurrent use.
type Stats struct {
	Calls     atomic.Int64 // HTTP attempts sent, retries included
	Retries   atomic.Int64 // attempts beyond the first
	Throttled atomic.Int64 // responses that were throttling errors
	Failed    atomic.Int64 // operations that ended in an error
	Waited    atomic.Int64 // attempts that waited for their token bucket (Limits)
}

// callGate is a finalize-step middleware placed after the SDK's retry
// middleware, so every attempt (first or retry) waits for its token bucket
// and then for a free slot of the global concurrency limit, and is counted.
// A call waiting for its bucket holds no slot, and a call that had to wait
// for its bucket, or whose bucket is scarce (scarceRate), gets the next free
// slot before the others (slots).
type callGate struct {
	account string
	limits  *Limits
	slots   *slots
	stats   *Stats
}

func (g *callGate) ID() string { return "trustmapCallGate" }

func (g *callGate) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	svc := awsmiddleware.GetServiceID(ctx)
	op := awsmiddleware.GetOperationName(ctx)
	region := awsmiddleware.GetRegion(ctx)
	lim := g.limits.For(g.account, region, svc, op)
	waited := false
	var granted time.Time // when the call got its token
	if lim != nil {
		var err error
		if waited, err = wait(ctx, lim); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, err
		}
		granted = time.Now()
	}
	if g.slots != nil {
		if err := g.slots.acquire(ctx, waited || g.limits.scarce(lim)); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, err
		}
		defer g.slots.release()
	}
	if g.stats != nil {
		g.stats.Calls.Add(1)
		if waited {
			g.stats.Waited.Add(1)
		}
	}
	out, md, err := next.HandleFinalize(ctx, in)
	if err != nil && Classify(err) == ClassThrottled {
		if g.stats != nil {
			g.stats.Throttled.Add(1)
		}
		// AWS's bucket is emptier than ours says (other clients share it,
		// or our requests bunched up on the way): give up one of our
		// tokens, so the calls behind this one back off by 1/rate, and
		// slow the bucket down (see slowDown).
		if lim != nil {
			lim.Reserve()
			g.limits.slowDown(lim, g.limits.base(svc, op), granted)
		}
	} else if lim != nil && err == nil {
		adapt(lim, g.limits.base(svc, op), false)
	}
	return out, md, err
}

// adapt paces a token bucket to what AWS lets through when AWS is slower
// than its documented rate (another client shares the quota): additive
// increase, multiplicative decrease, as TCP and the SDK's adaptive retry
// mode do. A throttle cuts the rate to four fifths, never below a tenth of
// the documented rate; each success adds back a hundredth of it, up to the
// documented rate. Giving back one token per throttle alone settles where
// half the calls are throttled, which with five attempts per call loses
// some calls to throttling for good; here the rate settles just under
// AWS's, where few are. A scan that is never throttled never changes rate.
func adapt(lim *rate.Limiter, base float64, throttled bool) {
	if base <= 0 {
		return
	}
	cur := float64(lim.Limit())
	switch {
	case throttled:
		lim.SetLimit(rate.Limit(max(cur*0.8, base/10)))
	case cur < base:
		lim.SetLimit(rate.Limit(min(cur+base/100, base)))
	}
}

// slowDown slows lim after a throttle of a call that got its token at
// granted, once per episode: a call granted before the bucket was last
// slowed went out at the old rate, and its throttle says nothing the cut
// has not already answered. TCP halves its window once per loss episode
// for the same reason (RFC 6582); cutting once per throttle instead turns
// one stall — calls held up on a busy machine or network, then arriving
// together — into a cut per call that was in flight, down to a tenth of
// the rate, from which the additive recovery takes 15 s at Lambda's 15
// rps. A call granted after the cut that is throttled again cuts again.
func (l *Limits) slowDown(lim *rate.Limiter, base float64, granted time.Time) {
	l.mu.Lock()
	if last, ok := l.cuts[lim]; ok && granted.Before(last) {
		l.mu.Unlock()
		return
	}
	if l.cuts == nil {
		l.cuts = map[*rate.Limiter]time.Time{}
	}
	l.cuts[lim] = time.Now()
	l.mu.Unlock()
	adapt(lim, base, true)
}

// wait takes a token from lim, sleeping until it is due, and reports
// whether it had to sleep (the bucket is saturated).
func wait(ctx context.Context, lim *rate.Limiter) (bool, error) {
	r := lim.Reserve()
	if !r.OK() {
		return false, lim.Wait(ctx) // burst 0: let Wait say why
	}
	d := r.Delay()
	if d <= 0 {
		return false, nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true, nil
	case <-ctx.Done():
		r.Cancel()
		return true, ctx.Err()
	}
}

// opCounter sits in the initialize step, around the retry loop, and reads
// the SDK's attempt metadata to count retries and failed operations.
type opCounter struct{ stats *Stats }

func (a *opCounter) ID() string { return "trustmapOpCounter" }

func (a *opCounter) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	out, md, err := next.HandleInitialize(ctx, in)
	if res, ok := retry.GetAttemptResults(md); ok && len(res.Results) > 1 {
		a.stats.Retries.Add(int64(len(res.Results) - 1))
	}
	if err != nil {
		a.stats.Failed.Add(1)
	}
	return out, md, err
}

// addGate installs the gate on a middleware stack.
func addGate(g *callGate) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		if err := st.Finalize.Insert(g, "Retry", middleware.After); err != nil {
			// Stacks without a retry step (none in the SDK today): add last.
			if err := st.Finalize.Add(g, middleware.After); err != nil {
				return err
			}
		}
		if g.stats != nil {
			return st.Initialize.Add(&opCounter{stats: g.stats}, middleware.After)
		}
		return nil
	}
}

package collectors

import (
	"errors"
	"fmt"
	"regexp"
	"sync"

	"github.com/trustmap/trustmap/graph"
)

// Gaps is the one error policy every collector follows: each failed call
// becomes exactly one coverage gap, classified (denied, throttled, timeout,
// unsupported, error, ...), and the fact it would have told stays Unknown.
// A failure of no known class (and a not-found where none was expected)
// is recorded the same way and is also kept, marked as recorded, for
// Collect to return: the runner logs it but adds no second gap for it.
//
// With the runner's answer breaker (breaker.go) a deterministic wrong
// answer — an operation the endpoint does not implement, a document with
// the wrong root — is not recorded call by call: the breaker folds the
// calls of one API in one account and region into a single gap saying how
// many resources it stands for, once the same answer has come a few times
// running. Safe for concurrent use.
type Gaps struct {
	t       Target
	b       *graph.Builder
	service string

	mu   sync.Mutex
	errs []error
}

// NewGaps returns the gap recorder of one collector task.
func NewGaps(t Target, b *graph.Builder, service string) *Gaps {
	return &Gaps{t: t, b: b, service: service}
}

// Fail records the failure of one call — api on resource, in region ("" for
// an account-wide call) — as one coverage gap, and returns its class so the
// caller can leave the fact Unknown (or, for ClassNotFound, decide that the
// thing is gone).
func (g *Gaps) Fail(region, api, resource string, err error) Class {
	c := Classify(err)
	gap := graph.Gap{
		Account: g.t.Account, Service: g.service, Region: region, API: api, Resource: resource,
		Status: c.GapStatus(), Error: safeSummary(err),
	}
	if g.t.answers.hold(gap, err) {
		return c
	}
	g.b.AddGap(gap)
	if g.t.Logger != nil {
		g.t.Logger.Debug("coverage gap", "service", g.service, "api", api, "resource", resource, "status", gap.Status, "err", gap.Error)
	}
	switch c {
	case ClassOther, ClassNotFound:
		g.mu.Lock()
		g.errs = append(g.errs, &RecordedError{Err: fmt.Errorf("%s %s %s %s: %w", g.service, region, api, resource, err)})
		g.mu.Unlock()
	}
	return c
}

// Add records a gap the collector composed itself (a fallback it took, a
// budget it spent). Account and Service default to the task's.
func (g *Gaps) Add(gap graph.Gap) {
	if gap.Account == "" {
		gap.Account = g.t.Account
	}
	if gap.Service == "" {
		gap.Service = g.service
	}
	gap.Error = maskKeyIDs(gap.Error)
	g.b.AddGap(gap)
}

// Err returns the recorded failures of no known class, joined (nil when
// there are none). Each is a *RecordedError.
func (g *Gaps) Err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return errors.Join(g.errs...)
}

// RecordedError is a failure that is already a coverage gap.
type RecordedError struct{ Err error }

func (e *RecordedError) Error() string { return e.Err.Error() }
func (e *RecordedError) Unwrap() error { return e.Err }

// Recorded reports whether every error joined in err is already a coverage
// gap (a *RecordedError), so the runner must not add another.
func Recorded(err error) bool {
	if err == nil {
		return false
	}
	if _, ok := err.(*RecordedError); ok {
		return true
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs := j.Unwrap()
		for _, e := range errs {
			if !Recorded(e) {
				return false
			}
		}
		return len(errs) > 0
	}
	return false
}

// keyIDs matches AWS access key ids, so that none reaches a gap through an
// error message (an IAM error can quote the key it is about).
var keyIDs = regexp.MustCompile(`\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,}\b`)

func maskKeyIDs(s string) string {
	return keyIDs.ReplaceAllStringFunc(s, func(id string) string { return id[:4] + "…" + id[len(id)-4:] })
}

// safeSummary is ErrorSummary with access key ids masked.
func safeSummary(err error) string { return maskKeyIDs(ErrorSummary(err)) }

package collectors

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/trustmap/trustmap/graph"
)

// An endpoint that is not AWS — an emulator, an S3-compatible store — can
// give an answer AWS never gives, the same way every time: a 404 or 501 for
// an operation it does not implement, a document with another operation's
// root element, an empty body, a 500 page for a call it cannot serve. Such
// an answer is not a transport failure; asking again changes nothing. The
// answer breaker keeps, per account, region and API, how many times running
// the API gave the same wrong answer; at breakerThreshold it stops calling
// the API there for the rest of the scan (the call returns a *SkippedError
// at once), and the calls' coverage gaps, held back meanwhile (Gaps.Fail),
// become one gap that says how many resources it stands for. Any other
// answer — a success, a denial, a not-found — resets the count; throttling,
// a timeout or a cut body leaves it alone.
//
// The wrong answers counted: one the endpoint gives every time (above),
// and a 5xx or a failed connection that lasted through every retry of the
// SDK — the API is down there, for this scan's purposes, once three calls
// running have each failed five times. AWS answers none of the first kind,
// and the second only in an outage, so against AWS the breaker does not
// trip.

// breakerThreshold is how many identical wrong answers running stop an API.
const breakerThreshold = 3

// answerKey is one API in one account and region, by SDK service id.
type answerKey struct{ account, region, service, op string }

// answerState is what the breaker knows of one API.
type answerState struct {
	reason      string // the last wrong answer
	unsupported bool   // it says the endpoint does not implement the API
	run         int    // how many times running it came
	tripped     bool
	// emptyIsNone: the endpoint answers "nothing configured" with a complete
	// empty body for this API (bodycheck.go), confirmed once.
	emptyIsNone bool
	gaps        []graph.Gap // held back until the end of the scan
	skipped     int         // calls not made
}

// breaker is the scan's answer breaker. A nil *breaker does nothing.
type breaker struct {
	mu   sync.Mutex
	keys map[answerKey]*answerState
}

func newBreaker() *breaker { return &breaker{keys: map[answerKey]*answerState{}} }

func (br *breaker) state(k answerKey) *answerState {
	s := br.keys[k]
	if s == nil {
		s = &answerState{}
		br.keys[k] = s
	}
	return s
}

// SkippedError is a call the breaker did not make: the API gave the same
// deterministic wrong answer breakerThreshold times running in this
// account and region. It classifies as ClassUnsupported.
type SkippedError struct {
	Service, Operation, Region string
	Reason                     string // the answer it kept giving
}

func (e *SkippedError) Error() string {
	return fmt.Sprintf("not called: %s %s answered %s %d times running in %s", e.Service, e.Operation, e.Reason, breakerThreshold, orGlobal(e.Region))
}

// WrongAnswerError marks an error that is a deterministic wrong answer (see
// the package comment above); the breaker counts it. It wraps the SDK's
// error, which Classify and ErrorSummary still see.
type WrongAnswerError struct {
	key    answerKey
	Reason string
	Err    error
}

func (e *WrongAnswerError) Error() string { return e.Err.Error() }
func (e *WrongAnswerError) Unwrap() error { return e.Err }

func orGlobal(region string) string {
	if region == "" {
		return "the account"
	}
	return region
}

// wrongAnswer says whether err is a wrong answer the breaker counts, which
// one, and whether it means the endpoint does not implement the API.
func wrongAnswer(err error) (reason string, unsupported bool) {
	var mal *MalformedResponseError
	if errors.As(err, &mal) {
		if mal.Deterministic {
			// A document that is not the answer: not implemented. A
			// server error page: it fails there.
			if mal.Status >= 500 {
				return fmt.Sprintf("HTTP %d with %s", mal.Status, mal.Reason), false
			}
			return mal.Reason, true
		}
		return "", false
	}
	var respErr *awshttp.ResponseError
	hasResp := errors.As(err, &respErr)
	switch Classify(err) {
	case ClassUnsupported:
	case ClassUnavailable:
		if hasResp {
			return fmt.Sprintf("HTTP %d through every retry", respErr.HTTPStatusCode()), false
		}
		return "no answer (the connection failed) through every retry", false
	default:
		return "", false
	}
	var apiErr smithy.APIError
	code := ""
	if errors.As(err, &apiErr) {
		code = apiErr.ErrorCode()
	}
	if hasResp && (code == "" || code == "UnknownError" || code == "NotFound") {
		return fmt.Sprintf("HTTP %d with no AWS error code", respErr.HTTPStatusCode()), true
	}
	if code != "" {
		return "error code " + code, true
	}
	return "", false // e.g. no endpoint in the region: not an answer of the API
}

// guard is the breaker's middleware for one account: in the initialize
// step, around the SDK's retry loop, so it sees each operation once.
type guard struct {
	account string
	br      *breaker
}

func (g *guard) ID() string { return "trustmapAnswerGuard" }

func (g *guard) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	k := answerKey{g.account, awsmiddleware.GetRegion(ctx), awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)}
	if isGlobalService(k.service) {
		k.region = ""
	}
	g.br.mu.Lock()
	s := g.br.state(k)
	if s.tripped {
		err := &SkippedError{Service: k.service, Operation: k.op, Region: k.region, Reason: s.reason}
		g.br.mu.Unlock()
		return middleware.InitializeOutput{}, middleware.Metadata{}, err
	}
	st := opStateFrom(ctx)
	if st != nil {
		st.emptyIsNone = s.emptyIsNone
	}
	g.br.mu.Unlock()

	out, md, err := next.HandleInitialize(ctx, in)

	reason, unsupported := "", false
	if err != nil {
		reason, unsupported = wrongAnswer(err)
	}
	g.br.mu.Lock()
	defer g.br.mu.Unlock()
	switch {
	case err == nil:
		s.reason, s.run = "", 0
		if st != nil && st.acceptedEmpty {
			s.emptyIsNone = true
		}
	case reason != "":
		if reason == s.reason {
			s.run++
		} else {
			s.reason, s.unsupported, s.run = reason, unsupported, 1
		}
		if s.run >= breakerThreshold {
			s.tripped = true
		}
		err = &WrongAnswerError{key: k, Reason: reason, Err: err}
	case transient(Classify(err)):
	default:
		s.reason, s.run = "", 0 // a real answer (denied, not found, ...)
	}
	return out, md, err
}

// transient classes say nothing about what the API answers.
func transient(c Class) bool {
	switch c {
	case ClassThrottled, ClassTimeout, ClassCancelled, ClassMalformed:
		return true
	}
	return false
}

// hold holds back the gap of a call that got a deterministic wrong answer
// or was skipped, reporting whether it did.
func (br *breaker) hold(gap graph.Gap, err error) bool {
	if br == nil {
		return false
	}
	var k answerKey
	var sk *SkippedError
	var wa *WrongAnswerError
	switch {
	case errors.As(err, &wa):
		k = wa.key
	case errors.As(err, &sk):
		k = answerKey{gap.Account, sk.Region, sk.Service, sk.Operation}
	default:
		return false
	}
	br.mu.Lock()
	defer br.mu.Unlock()
	s := br.state(k)
	s.gaps = append(s.gaps, gap)
	if sk != nil {
		s.skipped++
	}
	return true
}

// flush records the held-back gaps: for an API the breaker stopped, one gap
// standing for all its resources; for any other, each call's own gap.
func (br *breaker) flush(b *graph.Builder) {
	if br == nil {
		return
	}
	br.mu.Lock()
	defer br.mu.Unlock()
	keys := make([]answerKey, 0, len(br.keys))
	for k, s := range br.keys {
		if len(s.gaps) > 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b answerKey) int {
		return cmp.Or(cmp.Compare(a.account, b.account), cmp.Compare(a.region, b.region), cmp.Compare(a.service, b.service), cmp.Compare(a.op, b.op))
	})
	for _, k := range keys {
		s := br.keys[k]
		if !s.tripped {
			for _, g := range s.gaps {
				b.AddGap(g)
			}
			continue
		}
		resources := map[string]bool{}
		for _, g := range s.gaps {
			resources[g.Resource] = true
		}
		n := len(resources)
		first := s.gaps[0]
		status, meaning := graph.GapError, "the endpoint cannot answer it there"
		if s.unsupported {
			status, meaning = graph.GapUnsupported, "the endpoint does not implement it"
		}
		b.AddGap(graph.Gap{
			Account: first.Account, Service: first.Service, Region: first.Region, API: first.API,
			Status: status, Resources: n,
			Error: fmt.Sprintf("%s answered %s %d times running, so %s; "+
				"it was not called again in %s. This gap stands for %d %s (%d answered so, %d not asked)",
				first.API, s.reason, breakerThreshold, meaning, orGlobal(first.Region), n, plural(n, "resource", "resources"),
				len(s.gaps)-s.skipped, s.skipped),
		})
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// addGuard installs the breaker's middleware for one account.
func addGuard(g *guard) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error { return st.Initialize.Add(g, middleware.After) }
}

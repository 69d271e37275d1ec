package collectors

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/graph"
)

// scriptedHTTP answers request i with answers[i] (the last repeats): a
// status and a body.
type scriptedHTTP struct {
	answers []scripted
	n       atomic.Int32
}

type scripted struct {
	status int
	body   string
}

func (h *scriptedHTTP) Do(r *http.Request) (*http.Response, error) {
	i := int(h.n.Add(1)) - 1
	a := h.answers[min(i, len(h.answers)-1)]
	hd := http.Header{"Content-Length": {fmt.Sprint(len(a.body))}}
	return &http.Response{StatusCode: a.status, Status: http.StatusText(a.status), Header: hd,
		Body: io.NopCloser(strings.NewReader(a.body)), ContentLength: int64(len(a.body)), Request: r}, nil
}

const policyStatusOK = `<PolicyStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsPublic>true</IsPublic></PolicyStatus>`

var (
	notImplemented501 = scripted{501, ""}
	wrongRoot         = scripted{200, motoPolicyStatus}
	goodStatus        = scripted{200, policyStatusOK}
)

// guarded returns an S3 client behind the answer breaker br, as the runner
// installs it for account 123456789012.
func guarded(h aws.HTTPClient, br *breaker) *s3.Client {
	cfg := cannedConfig(h, true)
	cfg.APIOptions = append(cfg.APIOptions, addGuard(&guard{account: "123456789012", br: br}))
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// policyStatuses asks n buckets' policy status one after the other and
// records each failure as Gaps would.
func policyStatuses(t *testing.T, h aws.HTTPClient, br *breaker, b *graph.Builder, n int) {
	t.Helper()
	client := guarded(h, br)
	gaps := NewGaps(Target{Account: "123456789012", answers: br}, b, "s3")
	for i := range n {
		name := fmt.Sprintf("bkt-%02d", i)
		if _, err := client.GetBucketPolicyStatus(context.Background(), &s3.GetBucketPolicyStatusInput{Bucket: aws.String(name)}); err != nil {
			gaps.Fail("us-east-1", "GetBucketPolicyStatus", name, err)
		}
	}
}

func TestTheSameWrongAnswerThreeTimesRunningStopsTheAPIAndLeavesOneGap(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer scripted
		reason string
	}{
		{"another operation's document", wrongRoot, "an XML document rooted at <ListBucketResult>, not <PolicyStatus>"},
		// S3 names an empty 501 NotImplemented.
		{"a 501", notImplemented501, "error code NotImplemented"},
		{"a 404 page", scripted{404, "<!doctype html><title>404 Not Found</title>"}, "HTTP 404 with no AWS error code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &scriptedHTTP{answers: []scripted{tc.answer}}
			br, b := newBreaker(), graph.NewBuilder()
			policyStatuses(t, h, br, b, 10)
			if got := h.n.Load(); got != 3 {
				t.Errorf("%d requests sent for 10 buckets, want 3 (no retry, none after the third)", got)
			}
			if n := len(b.Freeze(graph.Tool{}, time.Time{}).Coverage); n != 0 {
				t.Errorf("%d gaps before the end of the scan, want them held back", n)
			}
			br.flush(b)
			want := []graph.Gap{{
				Account: "123456789012", Service: "s3", Region: "us-east-1", API: "GetBucketPolicyStatus", Status: graph.GapUnsupported, Resources: 10,
				Error: "GetBucketPolicyStatus answered " + tc.reason + " 3 times running, so the endpoint does not implement it; " +
					"it was not called again in us-east-1. This gap stands for 10 resources (3 answered so, 7 not asked)",
			}}
			if diff := cmp.Diff(want, b.Freeze(graph.Tool{}, time.Time{}).Coverage); diff != "" {
				t.Errorf("coverage (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWrongAnswersBetweenGoodOnesNeverStopTheAPIAndKeepTheirOwnGaps(t *testing.T) {
	h := &scriptedHTTP{answers: []scripted{wrongRoot, wrongRoot, goodStatus, wrongRoot, wrongRoot, goodStatus, goodStatus}}
	br, b := newBreaker(), graph.NewBuilder()
	policyStatuses(t, h, br, b, 7)
	br.flush(b)
	if got := h.n.Load(); got != 7 {
		t.Errorf("%d requests, want 7: never three wrong answers running", got)
	}
	cov := b.Freeze(graph.Tool{}, time.Time{}).Coverage
	var names []string
	for _, g := range cov {
		if g.Status != graph.GapError || g.Resources != 0 {
			t.Errorf("gap %+v, want a plain error gap of its own", g)
		}
		names = append(names, g.Resource)
	}
	if diff := cmp.Diff([]string{"bkt-00", "bkt-01", "bkt-03", "bkt-04"}, names); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
}

func TestDifferentWrongAnswersDoNotAddUp(t *testing.T) {
	h := &scriptedHTTP{answers: []scripted{wrongRoot, notImplemented501, wrongRoot, notImplemented501, wrongRoot}}
	br, b := newBreaker(), graph.NewBuilder()
	policyStatuses(t, h, br, b, 5)
	if got := h.n.Load(); got != 5 {
		t.Errorf("%d requests, want 5", got)
	}
}

const slowDown = `<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`

func TestThrottlingNeitherCountsNorResets(t *testing.T) {
	// wrong, wrong, then SlowDown through every retry (5 attempts), then
	// wrong: the third wrong answer running (throttling does not break the
	// run: it says nothing about what the API answers).
	answers := []scripted{wrongRoot, wrongRoot}
	for range 5 {
		answers = append(answers, scripted{503, slowDown})
	}
	answers = append(answers, wrongRoot)
	h := &scriptedHTTP{answers: answers}
	br, b := newBreaker(), graph.NewBuilder()
	policyStatuses(t, h, br, b, 6)
	br.flush(b)
	if got := h.n.Load(); got != 8 {
		t.Errorf("%d requests, want 8 (2 + 5 attempts + 1, then none)", got)
	}
	cov := b.Freeze(graph.Tool{}, time.Time{}).Coverage
	if len(cov) != 2 || cov[0].Resources != 5 || cov[1].Resource != "bkt-02" || cov[1].Status != graph.GapThrottled {
		t.Errorf("coverage = %+v, want bkt-02's own throttled gap and one gap for the other 5 buckets", cov)
	}
}

// moto answers API Gateway v2 GetAuthorizers with a 500 HTML page every
// time: its crash page, not an AWS error document. It is not retried, and
// three running stop the API.
func TestA500PageIsNotRetriedAndThreeRunningStopTheAPI(t *testing.T) {
	h := &scriptedHTTP{answers: []scripted{{500, "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>"}}}
	br, b := newBreaker(), graph.NewBuilder()
	policyStatuses(t, h, br, b, 6)
	br.flush(b)
	if got := h.n.Load(); got != 3 {
		t.Errorf("%d requests, want 3 (one per call, none after the third)", got)
	}
	cov := b.Freeze(graph.Tool{}, time.Time{}).Coverage
	if len(cov) != 1 || cov[0].Status != graph.GapError || cov[0].Resources != 6 ||
		!strings.Contains(cov[0].Error, "HTTP 500 with an HTML page instead of an AWS error document 3 times running, so the endpoint cannot answer it there") {
		t.Errorf("coverage = %+v, want one error gap for the 6 buckets", cov)
	}
}

// AWS's own 500 (an error document) is retried; when it lasts through every
// retry three calls running, the API is down there for this scan.
func TestAnAWS500ThroughEveryRetryThreeTimesRunningStopsTheAPI(t *testing.T) {
	h := &scriptedHTTP{answers: []scripted{{500, `<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>`}}}
	br, b := newBreaker(), graph.NewBuilder()
	policyStatuses(t, h, br, b, 6)
	br.flush(b)
	if got := h.n.Load(); got != 15 {
		t.Errorf("%d requests, want 15 (three calls of 5 attempts, then none)", got)
	}
	cov := b.Freeze(graph.Tool{}, time.Time{}).Coverage
	if len(cov) != 1 || cov[0].Status != graph.GapError || cov[0].Resources != 6 ||
		!strings.Contains(cov[0].Error, "HTTP 500 through every retry 3 times running, so the endpoint cannot answer it there") {
		t.Errorf("coverage = %+v, want one error gap for the 6 buckets", cov)
	}
}

func TestASkippedCallClassifiesAsUnsupported(t *testing.T) {
	err := fmt.Errorf("op: %w", &SkippedError{Service: "S3", Operation: "GetBucketPolicyStatus", Region: "us-east-1", Reason: "x"})
	if c := Classify(err); c != ClassUnsupported {
		t.Errorf("class %v, want unsupported", c)
	}
	var sk *SkippedError
	if !errors.As(err, &sk) {
		t.Error("not a SkippedError")
	}
}

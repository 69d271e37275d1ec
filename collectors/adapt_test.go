package collectors

import (
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// When AWS throttles below the documented rate, the bucket slows down
// multiplicatively and comes back additively, never below a tenth of the
// rate nor above it; a scan that is never throttled keeps the rate.
func TestABucketSlowsOnThrottlingAndRecoversOnSuccess(t *testing.T) {
	const base = 100.0
	lim := rate.NewLimiter(base, 5)
	adapt(lim, base, false)
	if got := float64(lim.Limit()); got != base {
		t.Fatalf("rate after a success at full rate = %v, want %v", got, base)
	}
	adapt(lim, base, true)
	if got := float64(lim.Limit()); got != 80 {
		t.Errorf("rate after one throttle = %v, want 80", got)
	}
	for range 50 {
		adapt(lim, base, true)
	}
	if got := float64(lim.Limit()); got != base/10 {
		t.Errorf("rate after many throttles = %v, want the floor %v", got, base/10)
	}
	for range 89 {
		adapt(lim, base, false)
	}
	if got := float64(lim.Limit()); got < 98.9 || got > 99.1 {
		t.Errorf("rate after 89 successes = %v, want 10 + 89", got)
	}
	for range 5 {
		adapt(lim, base, false)
	}
	if got := float64(lim.Limit()); got != base {
		t.Errorf("rate = %v, want capped at %v", got, base)
	}
}

// A stall sends several calls of one bucket together and AWS throttles
// each: the bucket slows once for all the calls that got their tokens
// before the cut, and again only for a call granted after it.
func TestABucketSlowsOncePerThrottlingEpisode(t *testing.T) {
	const base = 15.0
	l := NewLimits(nil, 1)
	lim := l.For("123456789012", "us-east-1", "Lambda", "ListFunctions")
	before := time.Now()
	for range 8 { // eight calls granted before the first throttle came back
		l.slowDown(lim, base, before)
	}
	if got := float64(lim.Limit()); got != base*0.8 {
		t.Errorf("rate after one episode of 8 throttles = %v, want %v (one cut)", got, base*0.8)
	}
	l.slowDown(lim, base, time.Now()) // granted after the cut: a new episode
	if got := float64(lim.Limit()); got < base*0.64-1e-9 || got > base*0.64+1e-9 {
		t.Errorf("rate after a throttle of a call granted after the cut = %v, want %v", got, base*0.64)
	}
	other := l.For("123456789012", "eu-west-1", "Lambda", "ListFunctions")
	l.slowDown(other, base, before)
	if got := float64(other.Limit()); got != base*0.8 {
		t.Errorf("another region's bucket = %v, want its own first cut to %v", got, base*0.8)
	}
}

package collectors

import (
	"testing"

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

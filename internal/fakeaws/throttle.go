package fakeaws

import (
	"math"
	"sync"
	"time"
)

// throttler keeps one token bucket per (account, region, service, api), as
// AWS throttles per account, Region and action (aws_api_limits.md).
type throttler struct {
	cfg     Throttle
	now     func() time.Time
	mu      sync.Mutex
	buckets map[throttleKey]*tokenBucket
}

type throttleKey struct{ account, region, service, api string }

type tokenBucket struct {
	tokens float64
	last   time.Time
}

func newThrottler(cfg Throttle) *throttler {
	return &throttler{cfg: cfg, now: time.Now, buckets: map[throttleKey]*tokenBucket{}}
}

// rate is the configured rate for service:api (the default when the API has
// none) and its effective burst.
func (t *throttler) rate(service, api string) (rate float64, burst float64) {
	r, ok := t.cfg.APIs[service+":"+api]
	if !ok {
		r = t.cfg.Default
	}
	if r.Rate <= 0 {
		return 0, 0
	}
	b := float64(r.Burst)
	if b <= 0 {
		b = math.Max(1, math.Ceil(r.Rate))
	}
	return r.Rate, b
}

// allow takes a token for k, reporting false when the bucket is empty.
func (t *throttler) allow(k throttleKey) bool {
	rate, burst := t.rate(k.service, k.api)
	if rate == 0 {
		return true
	}
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.buckets[k]
	if !ok {
		b = &tokenBucket{tokens: burst, last: now}
		t.buckets[k] = b
	}
	b.tokens = math.Min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

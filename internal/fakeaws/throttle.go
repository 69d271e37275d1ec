package fakeaws

import (
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// throttler keeps one token bucket per (account, region, bucket), as AWS
// throttles per account, Region and action (aws_api_limits.md). A bucket is
// one API's own, or a group's that several APIs share (Throttle.Bucket).
type throttler struct {
	cfg     Throttle
	members map[string]string // "service:Api" or "service:*" -> group name
	now     func() time.Time
	mu      sync.Mutex
	buckets map[bucketKey]*tokenBucket
}

// throttleKey names the call being throttled.
type throttleKey struct{ account, region, service, api string }

// bucketKey names the token bucket a call draws from.
type bucketKey struct{ account, region, bucket string }

type tokenBucket struct {
	tokens float64
	last   time.Time
}

// ThrottleGroup is a token bucket that several APIs share per (account,
// region), as AWS limits, for instance, every Lambda control-plane call but
// GetFunction and GetPolicy together to 15 requests per second. APIs lists
// its members: "service:Api", or "service:*" for every API of a service that
// has no bucket of its own.
type ThrottleGroup struct {
	Rate  float64  `yaml:"rate"`
	Burst int      `yaml:"burst"`
	APIs  []string `yaml:"apis"`
}

// Bucket says which token bucket a call to service:api draws from, and at
// what rate. The first of these that names the API decides:
//
//  1. apis["service:Api"]: the API's own bucket;
//  2. a group listing "service:Api";
//  3. a group listing "service:*";
//  4. apis["service:*"]: the API's own bucket, at the service's rate;
//  5. default: the API's own bucket.
//
// name is "service:Api" for an own bucket and "group:NAME" for a group's.
// limited is false when the rate is 0 (unlimited). A Burst of 0 reads as
// max(1, ceil(rate)).
func (t Throttle) Bucket(service, api string) (name string, r Rate, limited bool) {
	return t.bucket(service, api, t.memberIndex())
}

func (t Throttle) bucket(service, api string, members map[string]string) (string, Rate, bool) {
	own := service + ":" + api
	name, r := own, t.Default
	if x, ok := t.APIs[own]; ok {
		r = x
	} else if g, ok := members[own]; ok {
		name, r = "group:"+g, t.Groups[g].rate()
	} else if g, ok := members[service+":*"]; ok {
		name, r = "group:"+g, t.Groups[g].rate()
	} else if x, ok := t.APIs[service+":*"]; ok {
		r = x
	}
	if r.Rate <= 0 {
		return name, Rate{}, false
	}
	if r.Burst <= 0 {
		r.Burst = int(math.Max(1, math.Ceil(r.Rate)))
	}
	return name, r, true
}

func (g ThrottleGroup) rate() Rate { return Rate{Rate: g.Rate, Burst: g.Burst} }

// memberIndex maps each group member to its group. Validate rejects a member
// listed by two groups; should one slip through, the first group by name wins.
func (t Throttle) memberIndex() map[string]string {
	names := make([]string, 0, len(t.Groups))
	for n := range t.Groups {
		names = append(names, n)
	}
	slices.Sort(names)
	out := map[string]string{}
	for _, n := range names {
		for _, m := range t.Groups[n].APIs {
			if _, dup := out[m]; !dup {
				out[m] = n
			}
		}
	}
	return out
}

func newThrottler(cfg Throttle) *throttler {
	return &throttler{cfg: cfg, members: cfg.memberIndex(), now: time.Now, buckets: map[bucketKey]*tokenBucket{}}
}

// allow takes a token for k, reporting false when the bucket is empty.
func (t *throttler) allow(k throttleKey) bool {
	name, r, ok := t.cfg.bucket(k.service, k.api, t.members)
	if !ok {
		return true
	}
	rate, burst := r.Rate, float64(r.Burst)
	bk := bucketKey{k.account, k.region, name}
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.buckets[bk]
	if !ok {
		b = &tokenBucket{tokens: burst, last: now}
		t.buckets[bk] = b
	}
	b.tokens = math.Min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// throttleGroups checks the groups of a throttle configuration: a name, a
// rate that is not negative, and members that are "service:Api" or
// "service:*" with a known service, each in one group only.
func (v *validator) throttleGroups(t Throttle) {
	seen := map[string]string{}
	names := make([]string, 0, len(t.Groups))
	for n := range t.Groups {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		g := t.Groups[n]
		p := at(nil, "throttle", "groups", n)
		if strings.TrimSpace(n) == "" {
			v.errf(p, "a throttle group needs a name")
		}
		if g.Rate < 0 || g.Burst < 0 {
			v.errf(p, "rate and burst must not be negative")
		}
		if len(g.APIs) == 0 {
			v.errf(at(p, "apis"), "a throttle group needs at least one member")
		}
		for i, m := range g.APIs {
			svc, api, ok := strings.Cut(m, ":")
			if !ok || api == "" || !slices.Contains(knownServices, svc) {
				v.errf(at(p, "apis", i), "%q is not service:Api or service:* with a known service", m)
				continue
			}
			if other, dup := seen[m]; dup {
				v.errf(at(p, "apis", i), "%s is already in throttle group %s", m, other)
				continue
			}
			seen[m] = n
		}
	}
}

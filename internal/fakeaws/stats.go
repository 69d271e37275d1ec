package fakeaws

import (
	"maps"
	"sync"
)

// Stats counts what the server has answered. Keys are "service:Api", e.g.
// "s3:GetBucketPolicy".
type Stats struct {
	// Calls counts every request that reached an operation, whatever its
	// outcome (including throttled and faulted ones).
	Calls map[string]int64
	// Throttled counts requests refused by a token bucket.
	Throttled map[string]int64
	// Faults counts requests answered with an injected fault.
	Faults map[string]int64
	// Rejected counts requests that never reached an operation: missing or
	// malformed signatures, disabled regions, operations the fake does not
	// implement.
	Rejected int64
	// Chaos counts the faults chaos mode injected, by kind ("500", "reset",
	// ... see chaos.go); ChaosByAPI counts them by "service:Api". Both are
	// nil until chaos mode injects a fault.
	Chaos      map[string]int64
	ChaosByAPI map[string]int64
}

// TotalChaos is the sum of Chaos.
func (s Stats) TotalChaos() int64 { return sum(s.Chaos) }

// TotalCalls is the sum of Calls.
func (s Stats) TotalCalls() int64 { return sum(s.Calls) }

// TotalThrottled is the sum of Throttled.
func (s Stats) TotalThrottled() int64 { return sum(s.Throttled) }

// TotalFaults is the sum of Faults.
func (s Stats) TotalFaults() int64 { return sum(s.Faults) }

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

type statsCounter struct {
	mu sync.Mutex
	s  Stats
}

func newStatsCounter() *statsCounter {
	return &statsCounter{s: Stats{Calls: map[string]int64{}, Throttled: map[string]int64{}, Faults: map[string]int64{}}}
}

func (c *statsCounter) add(m func(*Stats) map[string]int64, key string) {
	c.mu.Lock()
	m(&c.s)[key]++
	c.mu.Unlock()
}

func (c *statsCounter) call(key string) {
	c.add(func(s *Stats) map[string]int64 { return s.Calls }, key)
}
func (c *statsCounter) throttled(key string) {
	c.add(func(s *Stats) map[string]int64 { return s.Throttled }, key)
}
func (c *statsCounter) fault(key string) {
	c.add(func(s *Stats) map[string]int64 { return s.Faults }, key)
}

// chaos counts one fault injected by chaos mode.
func (c *statsCounter) chaos(kind, key string) {
	c.mu.Lock()
	if c.s.Chaos == nil {
		c.s.Chaos, c.s.ChaosByAPI = map[string]int64{}, map[string]int64{}
	}
	c.s.Chaos[kind]++
	c.s.ChaosByAPI[key]++
	c.mu.Unlock()
}

func (c *statsCounter) rejected() {
	c.mu.Lock()
	c.s.Rejected++
	c.mu.Unlock()
}

func (c *statsCounter) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{
		Calls:      maps.Clone(c.s.Calls),
		Throttled:  maps.Clone(c.s.Throttled),
		Faults:     maps.Clone(c.s.Faults),
		Rejected:   c.s.Rejected,
		Chaos:      maps.Clone(c.s.Chaos),
		ChaosByAPI: maps.Clone(c.s.ChaosByAPI),
	}
}

package collectortest

import (
	"fmt"
	"testing"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// Throttling is the throttling contract of one call, which every collector
// keeps: a call throttled twice is retried and the scan reads everything
// (no gap, two retries, and Read holds of the scan), and a call throttled on
// every attempt is exactly one throttled gap.
type Throttling struct {
	// Fixture returns the account's fixture with the faults section given.
	Fixture func(faults string) string
	Options Options
	New     func() collectors.Collector
	// Service and API name the throttled call as the fake's faults do;
	// Resource, when set, throttles it for that resource only.
	Service, API, Resource string
	// Read checks what the retried scan must have read.
	Read func(t testing.TB, s Scan)
}

// Test runs both halves of the contract as subtests.
func (c Throttling) Test(t *testing.T) {
	t.Helper()
	fault := func(count string) string {
		f := fmt.Sprintf("faults:\n  - {service: %s, api: %s, error: Throttling%s", c.Service, c.API, count)
		if c.Resource != "" {
			f += ", resource: " + c.Resource
		}
		return f + "}"
	}
	t.Run("throttled twice is retried", func(t *testing.T) {
		scan := Run(t, c.Fixture(fault(", count: 2")), c.Options, c.New())
		if len(scan.Snapshot.Coverage) != 0 {
			t.Errorf("coverage gaps = %+v, want none after retries", scan.Snapshot.Coverage)
		}
		if got := scan.Stats.Retries.Load(); got != 2 {
			t.Errorf("retries = %d, want 2", got)
		}
		if c.Read != nil {
			c.Read(t, scan)
		}
	})
	t.Run("throttled out is a throttled gap", func(t *testing.T) {
		o := c.Options
		o.MaxAttempts = 2
		scan := Run(t, c.Fixture(fault("")), o, c.New())
		if gaps := scan.Gaps(c.API); len(gaps) != 1 || gaps[0].Status != graph.GapThrottled {
			t.Errorf("%s gaps = %+v, want one throttled gap", c.API, gaps)
		}
	})
}

package collectors

import (
	"errors"
	"fmt"
	"sync"

	"github.com/trustmap/trustmap/graph"
)

// Gaps is the error policy of a collector task: each failed call becomes
// one coverage gap, classified, and the fact it would have told stays
// Unknown. A failure of no known class (and a not-found where none was
// expected) is recorded the same way and also kept for Collect to return.
// Safe for concurrent use.
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

// Fail records the failure of one call — api on resource, in region (""
// for an account-wide call) — as one coverage gap, and returns its class.
func (g *Gaps) Fail(region, api, resource string, err error) Class {
	c := g.t.Gap(g.b, g.service, region, api, resource, err)
	switch c {
	case ClassOther, ClassNotFound:
		g.mu.Lock()
		g.errs = append(g.errs, fmt.Errorf("%s %s %s %s: %w", g.service, region, api, resource, err))
		g.mu.Unlock()
	}
	return c
}

// Add records a gap the collector composed itself. Account and Service
// default to the task's.
func (g *Gaps) Add(gap graph.Gap) {
	if gap.Account == "" {
		gap.Account = g.t.Account
	}
	if gap.Service == "" {
		gap.Service = g.service
	}
	g.b.AddGap(gap)
}

// Err returns the failures of no known class, joined (nil when none).
func (g *Gaps) Err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return errors.Join(g.errs...)
}

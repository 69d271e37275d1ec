package collectors

import (
	"context"
	"sync"
)

// slots is the scan's global bound on API calls in flight. Unlike a plain
// semaphore it is not first come, first served: a freed slot goes first to
// a call that had to wait for its token bucket, then to the others, each in
// arrival order.
//
// A call that waited for its bucket belongs to a saturated API — Lambda's
// 15 rps, API Gateway's 10 rps — and is the scan's critical path: a token
// such a bucket hands out and the call then spends queued behind a crowd of
// fast S3 or SQS reads is time the scan never gets back, because the bucket
// goes on refilling at the same rate whether its calls are sent or not.
// Calls whose buckets have tokens to spare lose nothing by waiting a moment.
// That keeps the scan work-conserving on the APIs that decide its length.
type slots struct {
	mu   sync.Mutex
	free int
	// waiting calls, urgent first; each is woken by closing its channel.
	urgent, normal []chan struct{}
}

func newSlots(n int) *slots { return &slots{free: max(1, n)} }

// acquire takes a slot, waiting if none is free; urgent calls go first.
func (s *slots) acquire(ctx context.Context, urgent bool) error {
	s.mu.Lock()
	if s.free > 0 && len(s.urgent) == 0 && (urgent || len(s.normal) == 0) {
		s.free--
		s.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	if urgent {
		s.urgent = append(s.urgent, ch)
	} else {
		s.normal = append(s.normal, ch)
	}
	s.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		removed := s.remove(ch, urgent)
		s.mu.Unlock()
		if !removed {
			// Granted meanwhile: hand the slot on.
			s.release()
		}
		return ctx.Err()
	}
}

// remove takes a waiter out of its queue, reporting whether it was there
// (false: it was already granted a slot).
func (s *slots) remove(ch chan struct{}, urgent bool) bool {
	q := &s.normal
	if urgent {
		q = &s.urgent
	}
	for i, c := range *q {
		if c == ch {
			*q = append((*q)[:i], (*q)[i+1:]...)
			return true
		}
	}
	return false
}

// release frees a slot, handing it to the first urgent waiter, else to the
// first other waiter.
func (s *slots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var q *[]chan struct{}
	switch {
	case len(s.urgent) > 0:
		q = &s.urgent
	case len(s.normal) > 0:
		q = &s.normal
	default:
		s.free++
		return
	}
	ch := (*q)[0]
	(*q)[0] = nil
	*q = (*q)[1:]
	close(ch)
}

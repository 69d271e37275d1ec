package collectors

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"
)

func TestSlots(t *testing.T) {
	t.Run("a freed slot goes to the calls that waited for their bucket first, each queue in order", func(t *testing.T) {
		s := newSlots(1)
		if err := s.acquire(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var order []string
		var wg sync.WaitGroup
		start := func(name string, urgent bool) {
			before := queued(s)
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.acquire(context.Background(), urgent); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				order = append(order, name)
				mu.Unlock()
				s.release()
			}()
			for queued(s) == before { // queued before the next one arrives
				time.Sleep(time.Millisecond)
			}
		}
		start("s3-1", false)
		start("lambda-1", true)
		start("s3-2", false)
		start("lambda-2", true)
		s.release()
		wg.Wait()
		if diff := cmp.Diff([]string{"lambda-1", "lambda-2", "s3-1", "s3-2"}, order); diff != "" {
			t.Errorf("order (-want +got):\n%s", diff)
		}
		if s.free != 1 {
			t.Errorf("free = %d after every release, want 1", s.free)
		}
	})

	t.Run("a cancelled wait gives up its place and leaks no slot", func(t *testing.T) {
		s := newSlots(1)
		_ = s.acquire(context.Background(), false)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- s.acquire(ctx, true) }()
		for queued(s) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
		if err := <-done; err == nil {
			t.Fatal("cancelled acquire succeeded")
		}
		s.release()
		if s.free != 1 || queued(s) != 0 {
			t.Errorf("free %d, queued %d; want 1, 0", s.free, queued(s))
		}
	})
}

func queued(s *slots) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.urgent) + len(s.normal)
}

func TestWaitSaysWhetherTheBucketWasSaturated(t *testing.T) {
	lim := rate.NewLimiter(rate.Limit(100), 1)
	ctx := context.Background()
	first, err := wait(ctx, lim)
	if err != nil || first {
		t.Fatalf("first call: waited %v, err %v; want a token at once", first, err)
	}
	second, err := wait(ctx, lim)
	if err != nil || !second {
		t.Errorf("second call: waited %v, err %v; want a wait for the next token", second, err)
	}
}

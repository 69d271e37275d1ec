package collectors

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/trustmap/trustmap/graph"
)

// pager is a paginator over pages of item names; the page at failAt (if
// any) answers with err.
type pager struct {
	pages  [][]string
	next   int
	failAt int
	err    error
}

type pagerOptions struct{}

func (p *pager) HasMorePages() bool { return p.next < len(p.pages) }

func (p *pager) NextPage(context.Context, ...func(*pagerOptions)) ([]string, error) {
	i := p.next
	p.next++
	if i == p.failAt {
		return nil, p.err
	}
	return p.pages[i], nil
}

func readAll(t *testing.T, p *pager, limit int) (read []string, most int32, gaps []graph.Gap) {
	t.Helper()
	b := graph.NewBuilder()
	g := NewGaps(Target{Account: "123456789012"}, b, "sqs")
	var mu sync.Mutex
	var inFlight, peak atomic.Int32
	ReadEach(context.Background(), g, "eu-west-1", "ListQueues", limit, p.HasMorePages, p.NextPage,
		func(page []string) []string { return page },
		func(_ context.Context, name string) {
			n := inFlight.Add(1)
			for {
				m := peak.Load()
				if n <= m || peak.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(2 * time.Millisecond)
			inFlight.Add(-1)
			mu.Lock()
			read = append(read, name)
			mu.Unlock()
		})
	slices.Sort(read)
	return read, peak.Load(), b.Freeze(graph.Tool{}, time.Time{}).Coverage
}

func TestReadEachReadsEveryItemOfEveryPageAtMostLimitAtOnce(t *testing.T) {
	p := &pager{pages: [][]string{{"a", "b", "c"}, {"d", "e"}, {"f"}}, failAt: -1}
	read, most, gaps := readAll(t, p, 2)
	if want := []string{"a", "b", "c", "d", "e", "f"}; !slices.Equal(read, want) {
		t.Errorf("read %v, want %v", read, want)
	}
	if most > 2 {
		t.Errorf("%d reads at once, want at most 2", most)
	}
	if len(gaps) != 0 {
		t.Errorf("gaps %v, want none", gaps)
	}
}

func TestReadEachAFailedPageIsOneGapAndWhatEarlierPagesNamedIsStillRead(t *testing.T) {
	denied := &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform sqs:ListQueues"}
	p := &pager{pages: [][]string{{"a", "b"}, {"c"}, {"d"}}, failAt: 1, err: denied}
	read, _, gaps := readAll(t, p, 4)
	if want := []string{"a", "b"}; !slices.Equal(read, want) {
		t.Errorf("read %v, want %v (the pages before the failure)", read, want)
	}
	if p.next != 2 {
		t.Errorf("%d pages asked, want 2: a failed page ends the listing", p.next)
	}
	if len(gaps) != 1 || gaps[0].API != "ListQueues" || gaps[0].Region != "eu-west-1" || gaps[0].Status != graph.GapDenied {
		t.Errorf("gaps %+v, want one denied ListQueues gap in eu-west-1", gaps)
	}
}

func TestGapsDoneIsTheCancellationFirst(t *testing.T) {
	g := NewGaps(Target{Account: "123456789012"}, graph.NewBuilder(), "sqs")
	g.Fail("eu-west-1", "ListQueues", "", errors.New("something odd"))
	ctx, cancel := context.WithCancel(context.Background())
	if err := g.Done(ctx); !Recorded(err) {
		t.Errorf("Done = %v, want the recorded failure", err)
	}
	cancel()
	if err := g.Done(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Done after cancel = %v, want context.Canceled", err)
	}
}

package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress shows the runner's progress on stderr: a bar on a terminal,
// otherwise a plain line at most every two seconds and one at the end.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	bar      *progressbar.ProgressBar
	total    int
	finished int
	calls    int64
	last     time.Time
}

func newProgress(w io.Writer, tty bool) *progress {
	p := &progress{w: w}
	if tty {
		p.bar = progressbar.NewOptions(-1,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("scanning"),
			progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond),
		)
	}
	return p
}

func (p *progress) Planned(more int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total += more
	if p.bar != nil {
		p.bar.ChangeMax(p.total)
	}
}

func (p *progress) Finished(task string, calls int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished++
	p.calls = calls
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("scanning (%d API calls) %s", calls, task))
		_ = p.bar.Add(1)
		return
	}
	if time.Since(p.last) >= 2*time.Second {
		p.last = time.Now()
		fmt.Fprintf(p.w, "progress: %d/%d tasks, %d API calls (last: %s)\n", p.finished, p.total, calls, task)
	}
}

// AccountDone reports each account of a scan of several as it finishes
// (collectors.AccountProgress).
func (p *progress) AccountDone(account string, scanned bool, done, total int) {
	if total < 2 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	state := "collected"
	if !scanned {
		state = "not scanned (see coverage)"
	}
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("account %s %s (%d/%d accounts)", account, state, done, total))
		return
	}
	fmt.Fprintf(p.w, "account %s %s (%d/%d accounts)\n", account, state, done, total)
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
	}
	fmt.Fprintf(p.w, "collected: %d/%d tasks, %d API calls\n", p.finished, p.total, p.calls)
}

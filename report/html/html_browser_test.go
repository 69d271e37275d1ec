package html_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/trustmap/trustmap/internal/reporttest"
	"github.com/trustmap/trustmap/report/html"
)

// chromiumPath is where Debian's chromium package puts the browser;
// .ci/run installs it.
const chromiumPath = "/usr/bin/chromium"

// requireChromium skips the test when the browser is missing, except in CI
// (CI=true), where a missing browser must fail rather than pass silently.
func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing and CI=true: the browser test must run in CI (.ci/run installs chromium with apt-get)", chromiumPath)
		}
		t.Skipf("%s is not installed: skipping the headless-browser test (apt-get install chromium to run it; with CI=true this is a failure)", chromiumPath)
	}
}

// browserEvents collects what the page reports while it loads.
type browserEvents struct {
	mu       sync.Mutex
	problems []string // console errors and warnings, exceptions, browser-log errors (CSP violations land here)
	requests []string // every URL the page asked for
}

func (b *browserEvents) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		b.problems = append(b.problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
	case *runtime.EventConsoleAPICalled:
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeWarning, runtime.ConsoleAPICalledTypeAssert:
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			b.problems = append(b.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
			b.problems = append(b.problems, fmt.Sprintf("browser log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL)
	}
}

func (b *browserEvents) snapshot() (problems, requests []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...), append([]string(nil), b.requests...)
}

func TestHTMLReportLoadsInAHeadlessBrowserWithNoErrorsAndNoNetwork(t *testing.T) {
	requireChromium(t)
	in := viewsInput(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, reporttest.Render(t, html.WriteHTML, in), 0o600); err != nil {
		t.Fatal(err)
	}
	pageURL := (&url.URL{Scheme: "file", Path: file}).String()

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(filepath.Join(dir, "chromium-profile")),
		chromedp.WindowSize(1366, 900),
	)
	defer cancelAlloc()
	events := &browserEvents{}
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(events.listen))
	defer cancelTab()

	if err := chromedp.Do(tab,
		chromedp.Navigate(pageURL),
		chromedp.WaitVisible(chromedp.CSS("#entry-points h2")),
	); err != nil {
		t.Fatalf("loading %s: %v", pageURL, err)
	}

	t.Run("the key section headings are visible", func(t *testing.T) {
		visible, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("h2, h3")]
			.filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden")
			.map(e => e.textContent.trim())`))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Summary", "Executive summary", "Data-flow diagram", "Unrecognized trust boundaries",
			"Entry points", "Attack paths", "Threats", "Findings to review", "Coverage gaps"} {
			if !hasString(visible, want) {
				t.Errorf("heading %q is not visible; visible headings: %q", want, visible)
			}
		}
	})

	t.Run("an entry point row shows its resource, way in and principal", func(t *testing.T) {
		rows, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#entry-points tr.ep-row")]
			.filter(e => e.getClientRects().length > 0)
			.map(e => e.innerText)`))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rows {
			if strings.Contains(r, "arn:aws:sqs:us-east-1:123456789012:acme-events") && strings.Contains(r, "queue-policy") && strings.Contains(r, "*") {
				found = true
			}
		}
		if !found {
			t.Errorf("no visible entry-point row for the public queue acme-events; rows: %q", rows)
		}
	})

	t.Run("markup from the account is text, not elements", func(t *testing.T) {
		n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("script").length`))
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("the page has %d <script> elements, want none", n)
		}
		text, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, `GET /orders/<script>alert("x")</script>`) {
			t.Errorf("the method name with markup is not shown as text")
		}
	})

	t.Run("the diagram is drawn inline", func(t *testing.T) {
		n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("#diagram svg g").length`))
		if err != nil {
			t.Fatal(err)
		}
		if n < 10 {
			t.Errorf("the diagram has %d shapes, want the zones, nodes and edges", n)
		}
	})

	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	shot := filepath.Join(t.TempDir(), "report.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if sd := os.Getenv("TRUSTMAP_SCREENSHOT_DIR"); sd != "" {
		if err := os.MkdirAll(sd, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sd, "report-html.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot written to %s", filepath.Join(sd, "report-html.png"))
	}

	// Let late events (a blocked load, an error after load) arrive.
	if err := chromedp.Do(tab, chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	problems, requests := events.snapshot()
	for _, p := range problems {
		t.Errorf("the page reported a problem: %s", p)
	}
	for _, r := range requests {
		if r != pageURL {
			t.Errorf("the page requested %s; it must load nothing but itself", r)
		}
	}
	if len(requests) == 0 {
		t.Errorf("no request was seen at all: the network listener is not working (want exactly %s)", pageURL)
	}
}

func hasString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

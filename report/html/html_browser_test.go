package html_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
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

// openPage writes page to a temporary file and opens it in headless
// Chromium; the tab reports problems and requests to events.
func openPage(t *testing.T, page []byte, scripts bool) (tab context.Context, pageURL string, events *browserEvents) {
	t.Helper()
	requireChromium(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, page, 0o600); err != nil {
		t.Fatal(err)
	}
	pageURL = (&url.URL{Scheme: "file", Path: file}).String()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	t.Cleanup(cancel)
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
	t.Cleanup(cancelAlloc)
	events = &browserEvents{}
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(events.listen))
	t.Cleanup(cancelTab)
	noScripts := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !scripts})
		return err
	})
	if err := chromedp.Do(tab, noScripts, chromedp.Navigate(pageURL), chromedp.WaitVisible(chromedp.CSS("#entry-points h2"))); err != nil {
		t.Fatalf("loading %s: %v", pageURL, err)
	}
	return tab, pageURL, events
}

// checkQuiet fails on any problem the page reported and any request but
// the page itself.
func checkQuiet(t *testing.T, tab context.Context, pageURL string, events *browserEvents) {
	t.Helper()
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

// screenshot saves a screenshot of the tab, in TRUSTMAP_SCREENSHOT_DIR
// when it is set.
func screenshot(t *testing.T, tab context.Context, name string, full bool) {
	t.Helper()
	var png []byte
	var err error
	if full {
		png, err = chromedp.Run(tab, chromedp.FullScreenshot(90))
	} else {
		png, err = chromedp.Run(tab, chromedp.CaptureScreenshot())
	}
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := os.Getenv("TRUSTMAP_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot written to %s", filepath.Join(dir, name))
}

func TestHTMLReportLoadsInAHeadlessBrowserWithNoErrorsAndNoNetwork(t *testing.T) {
	tab, pageURL, events := openPage(t, reporttest.Render(t, html.WriteHTML, viewsInput(t)), true)

	t.Run("the key section headings are visible", func(t *testing.T) {
		visible, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("h2, h3")]
			.filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden")
			.map(e => e.textContent.trim())`))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Summary", "Executive summary", "Data-flow diagrams", "Unrecognized trust boundaries",
			"Entry points", "Attack paths", "Threats", "Findings to review", "Coverage gaps"} {
			if !hasString(visible, want) {
				t.Errorf("heading %q is not visible; visible headings: %q", want, visible)
			}
		}
	})

	t.Run("an entry point row shows its name, resource, way in and principal", func(t *testing.T) {
		rows, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#entry-points tr.ep-row")]
			.filter(e => e.getClientRects().length > 0)
			.map(e => e.innerText)`))
		if err != nil {
			t.Fatal(err)
		}
		found, named := false, false
		for _, r := range rows {
			if strings.Contains(r, "arn:aws:sqs:us-east-1:123456789012:acme-events") && strings.Contains(r, "queue-policy") && strings.Contains(r, "*") {
				found = true
			}
			if strings.Contains(r, "GET /orders") && strings.Contains(r, "orders-api") {
				named = true
			}
		}
		if !found {
			t.Errorf("no visible entry-point row for the public queue acme-events; rows: %q", rows)
		}
		if !named {
			t.Errorf("no row names the method GET /orders with its API orders-api; rows: %q", rows)
		}
	})

	t.Run("markup from the account is text, not elements", func(t *testing.T) {
		n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("script").length`))
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("the page has %d <script> elements, want its own one", n)
		}
		text, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, `GET /orders/<script>alert("x")</script>`) {
			t.Errorf("the method name with markup is not shown as text")
		}
	})

	t.Run("the diagrams are drawn inline", func(t *testing.T) {
		n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("#diagram svg g").length`))
		if err != nil {
			t.Fatal(err)
		}
		if n < 10 {
			t.Errorf("the diagrams have %d shapes, want the zones, nodes and edges", n)
		}
	})

	checkSortAndFilter(t, tab, "acme-events")
	screenshot(t, tab, "report-html.png", true)
	checkQuiet(t, tab, pageURL, events)
}

// checkSortAndFilter clicks the threats table's Resource heading and
// types into the entry points' filter box, and checks what the page shows.
func checkSortAndFilter(t *testing.T, tab context.Context, term string) {
	t.Helper()
	t.Run("a click on a heading sorts the table, a second click reverses it", func(t *testing.T) {
		col := `[...document.querySelectorAll("#threats table.sortable > tbody")].map(b => b.rows[0].cells[3].getAttribute("data-sort"))`
		for _, dir := range []string{"ascending", "descending"} {
			if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS(`#threats thead th:nth-child(4) button.sort`))); err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(tab, chromedp.Evaluate[[]string](col))
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(got)
			slices.Sort(want)
			if dir == "descending" {
				slices.Reverse(want)
			}
			if len(got) < 2 || !slices.Equal(got, want) {
				t.Errorf("after sorting %s the resources read %q", dir, got)
			}
		}
	})
	t.Run("typing in the filter box shows only the matching rows and opens their group", func(t *testing.T) {
		if err := chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS(`#entry-points .filter input`), term)); err != nil {
			t.Fatal(err)
		}
		shown, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#entry-points tbody")]
			.filter(b => !b.hidden && b.getClientRects().length > 0).map(b => b.rows[0].innerText)`))
		if err != nil {
			t.Fatal(err)
		}
		if len(shown) == 0 {
			t.Fatalf("no row shown for %s", term)
		}
		for _, r := range shown {
			if !strings.Contains(r, term) {
				t.Errorf("the filter %s shows %q", term, r)
			}
		}
		all, err := chromedp.Run(tab, chromedp.Evaluate[int](`(() => { const i = document.querySelector("#entry-points .filter input");
			i.value = ""; i.dispatchEvent(new Event("input")); return [...document.querySelectorAll("#entry-points tbody")].filter(b => !b.hidden).length })()`))
		if err != nil {
			t.Fatal(err)
		}
		if all <= len(shown) {
			t.Errorf("an empty filter shows %d rows, the filter %d", all, len(shown))
		}
	})
}

// With scripts off the page is the same document, complete: every entry
// point has its row, every threat its attack tree.
func TestHTMLReportReadsWithScriptsOff(t *testing.T) {
	in := viewsInput(t)
	tab, pageURL, events := openPage(t, reporttest.Render(t, html.WriteHTML, in), false)
	n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("#entry-points tr.ep-row").length`))
	if err != nil {
		t.Fatal(err)
	}
	if n != len(in.Report.EntryPoints) {
		t.Errorf("%d entry-point rows, want all %d", n, len(in.Report.EntryPoints))
	}
	filters, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll(".filter, button.sort").length`))
	if err != nil {
		t.Fatal(err)
	}
	if filters != 0 {
		t.Errorf("%d script controls with scripts off", filters)
	}
	checkQuiet(t, tab, pageURL, events)
}

// A large account: 500 entry points, crossings and threats and 1,000
// attack paths over 2,000 resources. The page must still sort and
// filter; its size and time to first paint are logged (performance is
// measured, not asserted).
func TestHTMLReportOfALargeAccountSortsAndFilters(t *testing.T) {
	in := largeInput(500)
	page := reporttest.Render(t, html.WriteHTML, in)
	tab, pageURL, events := openPage(t, page, true)
	fcp, err := chromedp.Run(tab, chromedp.Evaluate[float64](`(performance.getEntriesByName("first-contentful-paint")[0] || {startTime: -1}).startTime`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("large report: %d entry points, %d bytes, first contentful paint %.0f ms (one run; noisy on a shared machine)", len(in.Report.EntryPoints), len(page), fcp)
	checkSortAndFilter(t, tab, "queue-0001")
	screenshot(t, tab, "report-html-large.png", false)
	checkQuiet(t, tab, pageURL, events)
}

func hasString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

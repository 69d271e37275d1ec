package html_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/reporttest"
	"github.com/trustmap/trustmap/policy"
	"github.com/trustmap/trustmap/report"
	"github.com/trustmap/trustmap/store"
)

// historyInputs are three scans of the views fixture a day apart, recorded
// in a real SQLite history store: as is, with a bucket made public, and
// with it fixed. Each report carries the history the store gives it.
func historyInputs(t *testing.T) []report.Input {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	leak := results.EntryPoint{ID: "EP-00000000a11c", ResourceARN: "arn:aws:s3:::acme-quarterly-reports", ResourceType: "S3Bucket",
		Account: "123456789012", Region: "us-east-1", Exposure: policy.Public, Principals: []string{"*"}, Actions: []string{"s3:GetObject"},
		Via: graph.ViaBucketPolicy, Severity: results.SevHigh, Certain: true, Zones: []graph.Zone{"internet"}, Access: []graph.EdgeKind{graph.EdgeCanRead}, Evidence: results.EPEvidence{Source: "bucket-policy"}}
	var ins []report.Input
	for d := range 3 {
		in := viewsInput(t)
		r := *in.Report
		r.ScannedAt = time.Date(2026, 11, 25+d, 3, 0, 0, 0, time.UTC)
		if d == 1 {
			r.EntryPoints = append([]results.EntryPoint{leak}, r.EntryPoints...)
			r.Summary.EntryPoints++
			r.Summary.Public++
			r.Summary.Unrecognized++
		}
		sc, err := s.Record(context.Background(), store.FromReport(&r, store.RecordOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.AsOf(context.Background(), sc.ID, 30)
		if err != nil {
			t.Fatal(err)
		}
		r.History = store.ReportHistory(a, s.Backend())
		in.Report = &r
		ins = append(ins, in)
	}
	return ins
}

func TestHistorySectionsOfMarkdownAndJSON(t *testing.T) {
	ins := historyInputs(t)
	md := string(reporttest.Render(t, report.WriteMarkdown, ins[2]))
	for _, want := range []string{"## Since the last scan", "### Resolved since the last scan (1)", "| entry point | EP-00000000a11c | `arn:aws:s3:::acme-quarterly-reports via bucket-policy` | high public via bucket-policy for \\* | 2026-11-26 |",
		"### Trend of 123456789012", "### Age of the entry points"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	md2 := string(reporttest.Render(t, report.WriteMarkdown, ins[1]))
	if !strings.Contains(md2, "### New since the last scan (1)") || !strings.Contains(md2, "EP-00000000a11c") {
		t.Errorf("report.md of the second scan does not list the new bucket")
	}
	for i, in := range ins {
		js := reporttest.Render(t, report.WriteJSON, in)
		if err := report.Validate(js); err != nil {
			t.Errorf("report.json of scan %d does not match the schema: %v", i+1, err)
		}
	}
}

func TestHistoryTrendChartInAHeadlessBrowser(t *testing.T) {
	ins := historyInputs(t)
	tab, pageURL, events := openPage(t, []byte(writeHTML(t, ins[2])), true)
	if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS("#history h2"))); err != nil {
		t.Fatal(err)
	}
	// Three lines (public, cross-account, unrecognized) of three points,
	// drawn with a size on the page.
	got, err := chromedp.Run(tab, chromedp.Evaluate[[]int](`[...document.querySelectorAll("#history figure.trend svg g.series")]
		.map(g => g.querySelectorAll("circle").length * 10 + (g.querySelector("polyline").getBoundingClientRect().width > 100 ? 1 : 0))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != 31 || got[1] != 31 || got[2] != 31 {
		t.Errorf("trend series (circles*10 + drawn wide) = %v, want three of 31", got)
	}
	// The public line rises on the middle scan and falls back.
	ys, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](`[...document.querySelectorAll("#history g.t-public circle")].map(c => c.getBoundingClientRect().y)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(ys) != 3 || !(ys[1] < ys[0] && ys[1] < ys[2]) {
		t.Errorf("public points at y = %v: the middle scan should be highest on the page", ys)
	}
	text, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector("#history").innerText`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Resolved since the last scan", "arn:aws:s3:::acme-quarterly-reports", "Age of the entry points"} {
		if !strings.Contains(text, want) {
			t.Errorf("the history section does not show %q", want)
		}
	}
	png, err := chromedp.Run(tab, chromedp.Screenshot(chromedp.CSS("#history")))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if sd := os.Getenv("TRUSTMAP_SCREENSHOT_DIR"); sd != "" {
		os.MkdirAll(sd, 0o755)
		if err := os.WriteFile(filepath.Join(sd, "report-history.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot written to %s", filepath.Join(sd, "report-history.png"))
	}
	checkQuiet(t, tab, pageURL, events)
}

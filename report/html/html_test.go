package html_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trustmap/trustmap/internal/golden"
	"github.com/trustmap/trustmap/internal/reporttest"
	"github.com/trustmap/trustmap/report"
	"github.com/trustmap/trustmap/report/html"
)

// viewsInput is the rich fixture of report/testdata/views.yaml.
func viewsInput(t testing.TB) report.Input {
	t.Helper()
	return reporttest.Input(t, filepath.Join("..", "testdata", "views.yaml"))
}

func writeHTML(t testing.TB, in report.Input) string {
	return string(reporttest.Render(t, html.WriteHTML, in))
}

func TestHTMLMatchesItsGoldenFile(t *testing.T) {
	golden.Check(t, filepath.Join("testdata", "views.html"), []byte(writeHTML(t, viewsInput(t))))
}

func TestHTMLIsSelfContainedAndEscapesTheAccountsNames(t *testing.T) {
	page := writeHTML(t, viewsInput(t))
	if !strings.Contains(page, `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:">`) {
		t.Errorf("no Content-Security-Policy meta that forbids loading anything")
	}
	for _, bad := range []string{"<script", "<link", "<iframe", "<img", "<object", "<embed", "@import", " src=", "srcset="} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("the page contains %q: it must load nothing and run nothing", bad)
		}
	}
	for _, m := range regexp.MustCompile(`https?://[^"'\s<)]*`).FindAllString(page, -1) {
		if m != "http://www.w3.org/2000/svg" {
			t.Errorf("the page refers to %s", m)
		}
	}
	for _, m := range regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "#") {
			t.Errorf("the page refers to url(%s)", m[1])
		}
	}
	if !strings.Contains(page, `GET /orders/&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; #1`) {
		t.Errorf("the method name is not escaped as text")
	}
	for _, id := range []string{`id="summary"`, `id="executive-summary"`, `id="diagram"`, `id="boundaries"`, `id="entry-points"`, `id="attack-paths"`, `id="threats"`, `id="findings"`, `id="coverage"`} {
		if !strings.Contains(page, id) {
			t.Errorf("no section %s", id)
		}
	}
}

func TestHTMLOfAnEmptyReportStillRenders(t *testing.T) {
	r := &report.Report{Accounts: []string{"123456789012"}, Complete: true, ScannedAt: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	page := writeHTML(t, report.Input{Report: r})
	for _, want := range []string{"No resource is reachable from outside its account.", "Nothing to draw"} {
		if !strings.Contains(page, want) {
			t.Errorf("empty report page does not say %q", want)
		}
	}
}

package html_test

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	stdhtml "html"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/golden"
	"github.com/trustmap/trustmap/internal/reporttest"
	"github.com/trustmap/trustmap/policy"
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
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(page)
	if csp == nil {
		t.Fatalf("no Content-Security-Policy meta")
	}
	policy := stdhtml.UnescapeString(csp[1])
	want := regexp.MustCompile(`^default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '(sha256-[A-Za-z0-9+/=]{44})'$`).FindStringSubmatch(policy)
	if want == nil {
		t.Fatalf("the Content-Security-Policy %q must forbid loading anything and allow one script by its hash only", policy)
	}
	t.Run("the one inline script is the one the policy's hash allows", func(t *testing.T) {
		scripts := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllStringSubmatch(page, -1)
		if len(scripts) != 1 || strings.Count(strings.ToLower(page), "<script") != 1 {
			t.Fatalf("%d inline scripts, %d script tags; want exactly one inline script", len(scripts), strings.Count(strings.ToLower(page), "<script"))
		}
		sum := sha256.Sum256([]byte(scripts[0][1]))
		if got := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); got != want[1] {
			t.Errorf("the script's hash is %s, the policy allows %s", got, want[1])
		}
	})
	for _, bad := range []string{"<link", "<iframe", "<img", "<object", "<embed", "@import", " src=", "srcset=", " on" + "click=", " on" + "load=", "javascript:"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("the page contains %q: it must load nothing and run nothing but its one script", bad)
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

// largeInput is a report of a large account without its graph: n entry
// points (a public bucket, a cross-account queue, a public API method of
// an API, in turn), a crossing and a threat each, two attack paths each,
// and 2,000 resources counted.
func largeInput(n int) report.Input {
	r := &report.Report{Accounts: []string{"123456789012"}, Regions: []string{"us-east-1"}, Complete: true,
		ScannedAt: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), Tool: graph.Tool{Name: "trustmap", Version: "test"}}
	for i := range n {
		var arn, exposure string
		var via graph.Via
		var kind graph.EdgeKind
		switch i % 3 {
		case 0:
			arn, via, exposure, kind = fmt.Sprintf("arn:aws:s3:::bucket-%04d", i), graph.ViaBucketPolicy, "public", graph.EdgeCanRead
		case 1:
			arn, via, exposure, kind = fmt.Sprintf("arn:aws:sqs:us-east-1:123456789012:queue-%04d", i), graph.ViaQueuePolicy, "cross-account", graph.EdgeCanSend
		default:
			arn, via, exposure, kind = fmt.Sprintf("arn:aws:apigateway:us-east-1::/restapis/api%04d/resources/r1/methods/GET", i), graph.ViaMethodAuth, "public", graph.EdgeCanInvoke
		}
		sev := []results.Severity{results.SevHigh, results.SevMedium, results.SevCritical}[i%3]
		ep := results.EntryPoint{ID: fmt.Sprintf("EP-%04d", i), ResourceARN: arn, Account: "123456789012", Exposure: verdictNamed(exposure),
			Principals: []string{"*"}, Actions: []string{"x:Do"}, Access: []graph.EdgeKind{kind}, Via: via, Severity: sev, Certain: true,
			Evidence: results.EPEvidence{Source: "policy", Fix: []string{"remove the grant"}}}
		r.EntryPoints = append(r.EntryPoints, ep)
		r.Boundaries = append(r.Boundaries, results.Crossing{ID: fmt.Sprintf("BX-%04d", i), From: "internet", To: arn, FromZone: "internet", ToZone: "account:123456789012", Kind: kind, EntryPoint: ep.ID})
		r.Threats = append(r.Threats, results.Threat{ID: fmt.Sprintf("T-%04d", i), Title: "Information disclosure — anyone can reach " + arn, STRIDE: []string{"Information disclosure"},
			ResourceARN: arn, Likelihood: 3 + i%3, Impact: 3, Risk: (3 + i%3) * 3, Severity: sev, Exposure: verdictNamed(exposure), Access: []graph.EdgeKind{kind},
			EntryPoint: ep.ID, Mitigations: []string{"remove the grant"}, AttackTree: &results.AttackNode{Goal: "read it", Condition: "policy allows *", Holds: graph.True}})
		for j := range 2 {
			fn := fmt.Sprintf("arn:aws:lambda:us-east-1:123456789012:function:fn-%04d", (i+j)%300)
			r.AttackPaths = append(r.AttackPaths, results.AttackPath{ID: fmt.Sprintf("AP-%04d-%d", i, j), FromZone: "internet", Target: fn, Severity: sev,
				Steps: []results.PathStep{{From: "internet", To: arn, Edge: kind}, {From: arn, To: fn, Edge: graph.EdgeTriggers}}})
		}
	}
	slices.SortFunc(r.EntryPoints, results.CompareEntryPoints)
	slices.SortFunc(r.Threats, results.CompareThreats)
	r.Summary = report.Summary{Resources: 2000, EntryPoints: n, Threats: n, AttackPaths: 2 * n, Crossings: n, UnrecognizedCross: n, Unrecognized: n, HighestSeverity: "critical", BySeverity: map[string]int{}}
	return report.Input{Report: r}
}

// verdictNamed is the verdict of a name the test spells.
func verdictNamed(name string) policy.Verdict {
	v, err := policy.VerdictNamed(name)
	if err != nil {
		panic(err)
	}
	return v
}

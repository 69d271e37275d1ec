package diagram_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/golden"
	"github.com/trustmap/trustmap/internal/reporttest"
	"github.com/trustmap/trustmap/policy"
	"github.com/trustmap/trustmap/report"
	"github.com/trustmap/trustmap/report/diagram"
)

// viewsInput is the rich fixture of report/testdata/views.yaml.
func viewsInput(t testing.TB) report.Input {
	t.Helper()
	return reporttest.Input(t, filepath.Join("..", "testdata", "views.yaml"))
}

func writeMermaid(t testing.TB, in report.Input) string {
	return string(reporttest.Render(t, diagram.WriteMermaid, in))
}

func writeDOT(t testing.TB, in report.Input) string {
	return string(reporttest.Render(t, diagram.WriteDOT, in))
}

func TestDiagramsMatchTheirGoldenFiles(t *testing.T) {
	in := viewsInput(t)
	golden.Check(t, filepath.Join("testdata", "views.mmd"), []byte(writeMermaid(t, in)))
	golden.Check(t, filepath.Join("testdata", "views.dot"), []byte(writeDOT(t, in)))
}

var (
	mmdID       = `[A-Za-z0-9_]+`
	mmdSubgraph = regexp.MustCompile(`^\s*subgraph (` + mmdID + `)\["([^"]*)"\]$`)
	mmdNode     = regexp.MustCompile(`^\s*(` + mmdID + `)(\[\(|\(\[|\[)"([^"]*)"(\)\]|\]\)|\])$`)
	mmdEdge     = regexp.MustCompile(`^\s*(` + mmdID + `) (-->|==>|-\.->)\|"([^"]*)"\| (` + mmdID + `)$`)
	mmdLinkSty  = regexp.MustCompile(`^\s*linkStyle ([0-9,]+) `)
	mmdClass    = regexp.MustCompile(`^\s*class ([A-Za-z0-9_,]+) (` + mmdID + `)$`)
	mmdOther    = regexp.MustCompile(`^(%%.*|flowchart LR|\s*end|\s*classDef ` + mmdID + ` .*|\s*style ` + mmdID + ` .*)$`)
)

// checkMermaid checks the structure of a Mermaid flowchart as WriteMermaid
// writes it: every line is one of the known statements, subgraph/end
// balance, ids are [A-Za-z0-9_] and never a keyword, every edge endpoint
// and every styled id is declared, linkStyle indexes exist, labels hold no
// raw quote or angle bracket, and Mermaid's default limits hold.
func checkMermaid(t *testing.T, text string) (nodes map[string]string, edges [][3]string) {
	t.Helper()
	if n := utf8.RuneCountInString(text); n > 50000 {
		t.Errorf("diagram is %d characters, over Mermaid's maxTextSize 50,000", n)
	}
	nodes = map[string]string{}
	subgraphs := map[string]bool{}
	depth := 0
	var styled [][2]string // id, line
	var linkIdx []int
	keyword := map[string]bool{"end": true, "subgraph": true, "graph": true, "flowchart": true, "style": true, "class": true, "classDef": true, "linkStyle": true, "click": true, "default": true}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 2 || !slicesContains(lines[:6], "flowchart LR") {
		t.Fatalf("no flowchart header:\n%s", text)
	}
	for i, line := range lines {
		at := fmt.Sprintf("line %d %q", i+1, line)
		switch {
		case mmdSubgraph.MatchString(line):
			m := mmdSubgraph.FindStringSubmatch(line)
			if subgraphs[m[1]] || nodes[m[1]] != "" {
				t.Errorf("%s: id %s declared twice", at, m[1])
			}
			subgraphs[m[1]] = true
			depth++
		case strings.TrimSpace(line) == "end":
			depth--
			if depth < 0 {
				t.Errorf("%s: end without subgraph", at)
			}
		case mmdNode.MatchString(line):
			m := mmdNode.FindStringSubmatch(line)
			if _, dup := nodes[m[1]]; dup || subgraphs[m[1]] {
				t.Errorf("%s: id %s declared twice", at, m[1])
			}
			nodes[m[1]] = m[3]
		case mmdEdge.MatchString(line):
			m := mmdEdge.FindStringSubmatch(line)
			edges = append(edges, [3]string{m[1], m[3], m[4]})
		case mmdLinkSty.MatchString(line):
			for _, s := range strings.Split(mmdLinkSty.FindStringSubmatch(line)[1], ",") {
				n, _ := strconv.Atoi(s)
				linkIdx = append(linkIdx, n)
			}
		case mmdClass.MatchString(line):
			for _, id := range strings.Split(mmdClass.FindStringSubmatch(line)[1], ",") {
				styled = append(styled, [2]string{id, at})
			}
		case mmdOther.MatchString(line):
			if f := strings.Fields(line); len(f) > 1 && f[0] == "style" {
				styled = append(styled, [2]string{f[1], at})
			}
		default:
			t.Errorf("%s: not a statement WriteMermaid writes", at)
		}
	}
	if depth != 0 {
		t.Errorf("subgraph/end unbalanced by %d", depth)
	}
	for id, label := range nodes {
		if keyword[strings.ToLower(id)] {
			t.Errorf("node id %q is a Mermaid keyword", id)
		}
		if strings.ContainsAny(strings.ReplaceAll(label, "<br/>", ""), "\"<>`") {
			t.Errorf("label of %s holds a raw quote, angle bracket or backtick: %q", id, label)
		}
	}
	for id := range subgraphs {
		if keyword[strings.ToLower(id)] {
			t.Errorf("subgraph id %q is a Mermaid keyword", id)
		}
	}
	for _, e := range edges {
		for _, id := range []string{e[0], e[2]} {
			if _, ok := nodes[id]; !ok {
				t.Errorf("edge %s → %s: %s is not declared", e[0], e[2], id)
			}
		}
	}
	for _, s := range styled {
		if _, ok := nodes[s[0]]; !ok && !subgraphs[s[0]] {
			t.Errorf("%s: styles undeclared id %s", s[1], s[0])
		}
	}
	for _, n := range linkIdx {
		if n >= len(edges) {
			t.Errorf("linkStyle %d: only %d edges", n, len(edges))
		}
	}
	if len(edges) > 500 {
		t.Errorf("%d edges, over Mermaid's maxEdges 500", len(edges))
	}
	return nodes, edges
}

func slicesContains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestMermaidIsWellFormedAndShowsWhatMatters(t *testing.T) {
	text := writeMermaid(t, viewsInput(t))
	nodes, edges := checkMermaid(t, text)
	labels := map[string]string{}
	for id, l := range nodes {
		labels[strings.SplitN(l, "<br/>", 2)[0]] = id
	}
	t.Run("entry points, attack-path targets and outside principals are drawn", func(t *testing.T) {
		for _, want := range []string{"acme-events", "acme-ledger", "acme-orders", "acme-stranger", "end", "Internet (anyone)", "role/x"} {
			if labels[want] == "" {
				t.Errorf("no node labelled %q", want)
			}
		}
	})
	t.Run("a resource nothing outside reaches is left out", func(t *testing.T) {
		if labels["acme-private"] != "" {
			t.Errorf("acme-private is drawn")
		}
	})
	t.Run("a resource named end gets an id that is not the keyword", func(t *testing.T) {
		if id := labels["end"]; id == "" || id == "end" || !strings.HasPrefix(id, "n_") {
			t.Errorf("role end has id %q", id)
		}
	})
	t.Run("markup in a name is entity-coded", func(t *testing.T) {
		if !strings.Contains(text, `GET /orders/#60;script#62;alert(#34;x#34;)#60;/script#62; #38; #35;1`) {
			t.Errorf("the method name is not escaped:\n%s", text)
		}
	})
	t.Run("unrecognized crossings are red and attack-path steps thick", func(t *testing.T) {
		idx := map[[2]string]int{}
		for i, e := range edges {
			idx[[2]string{nodes[e[0]], nodes[e[2]]}] = i
		}
		find := func(from, to string) int {
			for k, i := range idx {
				if strings.HasPrefix(k[0], from+"<br/>") && strings.HasPrefix(k[1], to+"<br/>") {
					return i
				}
			}
			t.Fatalf("no edge %s → %s", from, to)
			return -1
		}
		styleOf := func(i int) string {
			for _, line := range strings.Split(text, "\n") {
				if m := mmdLinkSty.FindStringSubmatch(line); m != nil {
					for _, s := range strings.Split(m[1], ",") {
						if s == strconv.Itoa(i) {
							return line
						}
					}
				}
			}
			return ""
		}
		if s := styleOf(find("role/x", "acme-stranger")); !strings.Contains(s, "#d32f2f") {
			t.Errorf("unrecognized crossing role/x → acme-stranger is not red: %q", s)
		}
		if s := styleOf(find("orders-role", "acme-orders")); !strings.Contains(s, "#f57c00") {
			t.Errorf("attack-path step orders-role → acme-orders is not orange: %q", s)
		}
		if s := styleOf(find("111122223333", "acme-partner")); s != "" {
			t.Errorf("recognized crossing is highlighted: %q", s)
		}
		if !strings.Contains(text, "==>") {
			t.Errorf("no thick edge")
		}
	})
	t.Run("accounts nest inside their organization", func(t *testing.T) {
		org := strings.Index(text, `["Organization o-a1b2c3d4e5"]`)
		acct := strings.Index(text, `["Account 123456789012 (scanned)"]`)
		if org < 0 || acct < org {
			t.Errorf("account subgraph is not inside the organization's")
		}
	})
}

// bigInput is a report (no graph) with n public buckets, each an
// unrecognized entry point with one crossing and a long name.
func bigInput(n, nameLen int) report.Input {
	r := &report.Report{Accounts: []string{"123456789012"}, ScannedAt: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), Complete: true}
	for i := range n {
		name := fmt.Sprintf("bucket-%04d-", i) + strings.Repeat("x", nameLen)
		arn := "arn:aws:s3:::" + name
		r.EntryPoints = append(r.EntryPoints, results.EntryPoint{ID: fmt.Sprintf("EP-%04d", i), ResourceARN: arn, Account: "123456789012", Exposure: policy.Public, Principals: []string{"*"}, Via: graph.ViaBucketPolicy, Severity: results.SevHigh})
		r.Boundaries = append(r.Boundaries, results.Crossing{ID: fmt.Sprintf("BX-%04d", i), From: "internet", To: arn, FromZone: "internet", ToZone: "account:123456789012", Kind: graph.EdgeCanRead})
		if i%2 == 0 {
			r.Boundaries = append(r.Boundaries, results.Crossing{ID: fmt.Sprintf("BY-%04d", i), From: "aws:any-account", To: arn, FromZone: "any-aws-account", ToZone: "account:123456789012", Kind: graph.EdgeCanWrite, Recognized: true})
		}
	}
	return report.Input{Report: r}
}

func TestMermaidStaysWithinItsDefaultLimitsAndSaysWhatItLeftOut(t *testing.T) {
	cases := []struct {
		name          string
		in            report.Input
		wantTruncated bool
	}{
		{"a small graph is drawn whole", bigInput(20, 5), false},
		{"more than 500 edges are cut to 500, unrecognized crossings first", bigInput(400, 5), true},
		{"long names are cut to fit 50,000 characters", bigInput(300, 120), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := writeMermaid(t, tc.in)
			nodes, edges := checkMermaid(t, text)
			_, noted := nodes["trustmap_note"]
			if noted != tc.wantTruncated {
				t.Errorf("truncation note present = %v, want %v", noted, tc.wantTruncated)
			}
			if !tc.wantTruncated {
				if want := len(tc.in.Report.Boundaries); len(edges) != want {
					t.Errorf("%d edges, want all %d", len(edges), want)
				}
				return
			}
			if !strings.Contains(nodes["trustmap_note"], fmt.Sprintf("Showing %d of %d data flows", len(edges), len(tc.in.Report.Boundaries))) {
				t.Errorf("note does not give the counts: %q", nodes["trustmap_note"])
			}
			// Unrecognized crossings (internet → bucket) come before the
			// recognized ones: with room for at least all of them, none
			// is missing.
			internet := 0
			for _, e := range edges {
				if strings.HasPrefix(e[0], "n_internet_") {
					internet++
				}
			}
			if want := min(len(edges), len(tc.in.Report.EntryPoints)); internet != want {
				t.Errorf("%d unrecognized crossings drawn, want %d", internet, want)
			}
		})
	}
}

func TestDiagramsWorkFromTheReportAloneWithoutTheGraph(t *testing.T) {
	in := viewsInput(t)
	in.Graph = nil
	checkMermaid(t, writeMermaid(t, in))
	dot := writeDOT(t, in)
	if !strings.Contains(dot, `"arn:aws:s3:::acme-ledger"`) {
		t.Errorf("attack-path target missing without the graph")
	}
	runDot(t, dot)
}

// runDot renders a DOT document with Graphviz, when it is installed (CI
// installs it: there a missing dot fails).
func runDot(t *testing.T, doc string) []byte {
	t.Helper()
	dot, err := exec.LookPath("dot")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Graphviz dot is missing and CI=true: .ci/run installs graphviz")
		}
		t.Skip("Graphviz dot is not installed: skipping the syntax check (apt-get install graphviz)")
	}
	cmd := exec.Command(dot, "-Tsvg")
	cmd.Stdin = strings.NewReader(doc)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("dot -Tsvg: %v\n%s", err, errb.String())
	}
	if s := strings.TrimSpace(errb.String()); s != "" {
		t.Errorf("dot -Tsvg warned: %s", s)
	}
	return out.Bytes()
}

func TestDOTParsesWithGraphvizAndKeepsEveryIdQuoted(t *testing.T) {
	in := viewsInput(t)
	doc := writeDOT(t, in)
	svg := runDot(t, doc)
	t.Run("names with quotes and markup survive as text", func(t *testing.T) {
		if !bytes.Contains(svg, []byte(`GET /orders/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; #1`)) {
			t.Errorf("the method's name is not in the rendered SVG as text")
		}
	})
	t.Run("the rendered graph has one cluster per zone and every edge", func(t *testing.T) {
		if got, want := bytes.Count(svg, []byte(`class="cluster"`)), 6; got != want {
			t.Errorf("%d clusters, want %d (internet, any account, two external accounts, organization ⊃ account)", got, want)
		}
		if got, want := bytes.Count(svg, []byte(`class="edge"`)), strings.Count(doc, " -> "); got != want {
			t.Errorf("%d edges rendered, %d written", got, want)
		}
	})
	t.Run("edge and node statements quote every id", func(t *testing.T) {
		stmt := regexp.MustCompile(`^\s*("(?:[^"\\]|\\.)*")( -> ("(?:[^"\\]|\\.)*"))? \[`)
		for _, line := range strings.Split(doc, "\n") {
			l := strings.TrimSpace(line)
			if l == "" || strings.HasPrefix(l, "//") || strings.HasPrefix(l, "digraph") || strings.HasPrefix(l, "subgraph") ||
				strings.HasPrefix(l, "graph [") || strings.HasPrefix(l, "node [") || strings.HasPrefix(l, "edge [") || l == "}" {
				continue
			}
			if !stmt.MatchString(line) {
				t.Errorf("statement with an unquoted id: %s", line)
			}
		}
	})
	t.Run("hostile ids are escaped", func(t *testing.T) {
		r := *in.Report
		r.Boundaries = append([]results.Crossing{{ID: "BX-x", From: `evil"] -> "x" [label="pwn`, To: `arn:aws:s3:::b\"q`, FromZone: "internet", ToZone: "account:123456789012", Kind: graph.EdgeCanRead}}, r.Boundaries...)
		runDot(t, writeDOT(t, report.Input{Report: &r, Graph: in.Graph}))
	})
}

func TestDiagramsOfAnEmptyReportAreValid(t *testing.T) {
	r := &report.Report{Accounts: []string{"123456789012"}, Complete: true, ScannedAt: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	checkMermaid(t, writeMermaid(t, report.Input{Report: r}))
	runDot(t, writeDOT(t, report.Input{Report: r}))
}

// Package html writes report.html: the report as one self-contained page.
package html

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"reflect"
	"strings"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
	"github.com/trustmap/trustmap/report/diagram"
)

//go:embed html.tmpl
var htmlSource string

// htmlCSP is the page's Content-Security-Policy: nothing may load from
// anywhere, inline styles and data: images excepted. The page has no script.
const htmlCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

// htmlMaxEdges caps the edges the inline diagram draws, as Mermaid's
// default does, so a huge account still gives a page a browser can show.
const htmlMaxEdges = 500

var htmlTmpl = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"join": joinAny,
	"sevClass": func(s any) string {
		name := fmt.Sprint(s)
		if _, ok := results.ParseSeverity(name); ok {
			return "sev sev-" + name
		}
		return "sev"
	},
	"holdsClass": func(h graph.Tri) string { return "holds holds-" + h.String() },
	"holdsText": func(h graph.Tri) string {
		switch h {
		case graph.True:
			return "holds"
		case graph.False:
			return "does not hold"
		}
		return "unknown"
	},
	"stmts": statements,
	"inc":   func(i int) int { return i + 1 },
	"short": report.DisplayID,
}).Parse(htmlSource))

type htmlView struct {
	R            *report.Report
	CSP          string
	Title        string
	Unrecognized []results.Crossing
	TopThreats   []results.Threat
	Review       []analyzers.Finding
	Severities   []htmlCount
	Diagram      template.HTML
	DiagramEmpty bool
	Mermaid      string
	DOT          string
	Legend       string
}

type htmlCount struct {
	Severity results.Severity
	N        int
}

// WriteHTML writes report.html: one self-contained page (no script, no
// external style, font or image; a Content-Security-Policy forbids
// loading anything) with the summary, the data-flow diagram as inline SVG,
// the unrecognized boundaries, entry points, attack paths, threats with
// their attack trees, findings and coverage gaps. Tables read with
// JavaScript off. Everything that comes from the account is escaped by
// html/template.
func WriteHTML(w io.Writer, in report.Input) error {
	r := in.Report
	v := htmlView{R: r, CSP: htmlCSP, Title: "trustmap report"}
	if len(r.Accounts) > 0 {
		v.Title += " — " + strings.Join(r.Accounts, ", ")
	}
	for _, c := range r.Boundaries {
		if !c.Recognized {
			v.Unrecognized = append(v.Unrecognized, c)
		}
	}
	v.TopThreats = r.Threats[:min(5, len(r.Threats))]
	for _, f := range r.Findings {
		if f.RuleID != "TM-EXP-001" && f.RuleID != "TM-EXP-002" {
			v.Review = append(v.Review, f)
		}
	}
	for _, s := range []results.Severity{results.SevCritical, results.SevHigh, results.SevMedium, results.SevLow, results.SevInfo} {
		if n := r.Summary.BySeverity[string(s)]; n > 0 {
			v.Severities = append(v.Severities, htmlCount{s, n})
		}
	}
	d := diagram.Build(in, diagram.Reach)
	keep, edges, dropped := d.Limit(htmlMaxEdges)
	if dropped > 0 {
		v.Legend = fmt.Sprintf("The diagram shows %d of %d data flows (attack paths and unrecognized crossings first); report.dot has all of them.",
			len(edges), len(d.Edges))
	}
	svg, err := diagram.SVG(d.Subset(keep, edges), "dfd")
	if err != nil {
		return err
	}
	v.Diagram, v.DiagramEmpty = svg, len(keep) == 0
	v.Mermaid = diagram.Mermaid(d)
	var dot strings.Builder
	if err := diagram.WriteDOT(&dot, in); err != nil {
		return err
	}
	v.DOT = dot.String()
	return htmlTmpl.Execute(w, v)
}

// joinAny joins a slice of strings or of a string type (zones, edge kinds).
func joinAny(v any, sep string) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return fmt.Sprint(v)
	}
	parts := make([]string, rv.Len())
	for i := range parts {
		parts[i] = fmt.Sprint(rv.Index(i).Interface())
	}
	return strings.Join(parts, sep)
}

// statements lists statement indexes for people: 1-based, as the fixes say
// "statement 1" (report.json keeps the 0-based index).
func statements(is []int) string {
	ss := make([]string, len(is))
	for i, n := range is {
		ss[i] = fmt.Sprint(n + 1)
	}
	return strings.Join(ss, ", ")
}

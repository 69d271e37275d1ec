package report

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
	"stmts": ints,
	"inc":   func(i int) int { return i + 1 },
	"short": displayID,
}).Parse(htmlSource))

type htmlView struct {
	R            *Report
	CSP          string
	Title        string
	Unrecognized []results.Crossing
	TopThreats   []results.Threat
	Review       []analyzers.Finding
	Severities   []htmlCount
	Diagram      *svgView
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
func WriteHTML(w io.Writer, in Input) error {
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
	d := buildDiagram(in)
	v.Diagram = layoutSVG(d, htmlMaxEdges)
	v.Mermaid = mermaidText(d)
	var dot strings.Builder
	if err := WriteDOT(&dot, in); err != nil {
		return err
	}
	v.DOT = dot.String()
	if v.Diagram.Dropped > 0 {
		v.Legend = fmt.Sprintf("The diagram shows %d of %d data flows (attack paths and unrecognized crossings first); report.dot has all of them.",
			v.Diagram.Total-v.Diagram.Dropped, v.Diagram.Total)
	}
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

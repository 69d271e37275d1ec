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

// htmlMaxEdges caps the edges the inline diagram draws, as Mermaid's
// default does, so a huge account still gives a page a browser can show.
const htmlMaxEdges = 3000

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
	"stmts":   statements,
	"name":    func(n *names, id string) resourceName { return n.of(id) },
	"sortSev": func(s results.Severity) int { return s.Rank() },
	"more":    func(g threatGroup) int { return len(g.Others) },
	"inc":     func(i int) int { return i + 1 },
	"len1":    func(ts []results.Threat) int { return len(ts) + 1 },
	"short":   report.DisplayID,
	"keyText": report.KeyVerdict,
}).Parse(htmlSource))

type htmlView struct {
	R            *report.Report
	CSP          string
	Script       template.JS
	Title        string
	Unrecognized []results.Crossing
	TopThreats   []threatGroup
	Review       []analyzers.Finding
	Severities   []htmlCount
	Accounts     []epAccount
	Diagrams     []zoneDiagram
	Whole        template.HTML
	WholeEmpty   bool
	WholeOpen    bool
	Mermaid      string
	DOT          string
	SourcesNote  string
	Legend       string
	Names        *names
}

type htmlCount struct {
	Severity results.Severity
	N        int
}

// threatGroup is a threat, and the threats of the same shape (risk,
// exposure, access, STRIDE, kind of resource, way in) that tie with it:
// on a large account dozens of buckets are public the same way, and the
// top of the list should show different threats, each with its count.
type threatGroup struct {
	First  results.Threat
	Others []results.Threat
}

// epAccount and epService group the entry points: account, then service.
type epAccount struct {
	Account  string
	N        int
	Public   int
	Services []epService
}

type epService struct {
	Service string
	N       int
	Open    bool
	Rows    []epRow
}

type epRow struct {
	EP       results.EntryPoint
	WaysIn   int // entry points of the same resource
	Resource resourceName
}

// zoneDiagram is the drawing of what one outside zone reaches.
type zoneDiagram struct {
	Zone    string
	Nodes   int
	Flows   int
	SVG     template.HTML
	Open    bool
	TooMany bool
}

// Sizes past which the page folds things away or leaves them out, so that
// an account with hundreds of entry points still gives a page that opens
// quickly and reads from the top.
const (
	openGroupMax   = 60     // a service group of entry points, a long table: open when at most this many rows
	zoneDiagramMax = 150    // nodes a per-zone drawing shows one by one
	sourceMax      = 100000 // bytes of Mermaid or DOT source embedded in the page
	topThreats     = 5
)

// WriteHTML writes report.html: one self-contained page with the summary,
// the data-flow diagrams as inline SVG (one per outside trust zone and the
// whole account, zoomable), the unrecognized boundaries, entry points
// grouped by account and service, attack paths, threats with their attack
// trees, findings and coverage gaps. Everything that comes from the
// account is escaped by html/template. Nothing may load from anywhere (a
// Content-Security-Policy forbids it); the one inline script, allowed by
// its hash, sorts and filters the tables and zooms the diagram, and every
// table is complete and readable without it.
func WriteHTML(w io.Writer, in report.Input) error {
	r := in.Report
	v := htmlView{R: r, CSP: htmlCSP, Script: template.JS(script), Title: "trustmap report", Names: newNames(in)}
	if len(r.Accounts) > 0 {
		v.Title += " — " + strings.Join(r.Accounts, ", ")
	}
	for _, c := range r.Boundaries {
		if !c.Recognized {
			v.Unrecognized = append(v.Unrecognized, c)
		}
	}
	v.TopThreats = groupThreats(in, r.Threats, topThreats)
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
	v.Accounts = groupEntryPoints(r.EntryPoints, v.Names)
	if err := v.drawDiagrams(in); err != nil {
		return err
	}
	return htmlTmpl.Execute(w, &v)
}

func (v *htmlView) drawDiagrams(in report.Input) error {
	d := diagram.Build(in, diagram.Reach)
	keep, edges, dropped := d.Limit(htmlMaxEdges)
	if dropped > 0 {
		v.Legend = fmt.Sprintf("The whole-account diagram shows %d of %d data flows (attack paths and unrecognized crossings first); report.dot has all of them.",
			len(edges), len(d.Edges))
	}
	whole, err := diagram.SVG(d.Subset(keep, edges), "dfd")
	if err != nil {
		return err
	}
	v.Whole, v.WholeEmpty = whole, len(keep) == 0
	small := len(d.Nodes) <= zoneDiagramMax/3
	v.WholeOpen = small
	for i, z := range d.ByOutsideZone() {
		zd := zoneDiagram{Zone: z.Zones[0].Caption(), Nodes: len(z.Nodes), Flows: len(z.Edges), Open: !small && i < 3}
		if len(z.Nodes) > zoneDiagramMax {
			zd.TooMany = true
		} else if zd.SVG, err = diagram.SVG(z, fmt.Sprintf("zone%d", i)); err != nil {
			return err
		}
		v.Diagrams = append(v.Diagrams, zd)
	}
	v.Mermaid = diagram.Mermaid(d)
	// The DOT source of a large account is tens of MB, of which the page
	// embeds at most sourceMax: keep that much and count the rest.
	dot := &capped{max: sourceMax + 1}
	if err := diagram.WriteModelDOT(dot, d, in.Report); err != nil {
		return err
	}
	v.DOT = string(dot.kept)
	if len(v.Mermaid) > sourceMax || dot.n > sourceMax {
		v.SourcesNote = fmt.Sprintf("The Mermaid (%d kB) and DOT (%d kB) sources are too large to embed here: write them with --format mermaid,dot.", len(v.Mermaid)/1000, dot.n/1000)
		v.Mermaid, v.DOT = "", ""
	}
	return nil
}

// capped keeps the first max bytes written to it and counts them all.
type capped struct {
	kept []byte
	max  int
	n    int
}

func (c *capped) Write(p []byte) (int, error) {
	c.n += len(p)
	if room := c.max - len(c.kept); room > 0 {
		c.kept = append(c.kept, p[:min(room, len(p))]...)
	}
	return len(p), nil
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

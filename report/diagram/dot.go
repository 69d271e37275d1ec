package diagram

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

// WriteDOT writes report.dot: the data-flow diagram as a Graphviz digraph
// (render with `dot -Tsvg report.dot -o report.svg`). Trust zones are
// clusters (accounts nested inside their organization when known); outside
// principals are boxes, compute ellipses, stores cylinders. Unrecognized
// trust-boundary crossings are red and bold, attack-path steps thick orange
// (both: thick red). Every id is quoted, so ARNs with ':' never read as
// ports.
func WriteDOT(w io.Writer, in report.Input) error {
	return WriteModelDOT(w, Build(in, Reach), in.Report)
}

// WriteModelDOT is WriteDOT of a model already built with the Reach scope,
// for a caller that draws it in other forms too (report.html): a large
// account's model is tens of MB, and one is enough.
func WriteModelDOT(w io.Writer, d *Model, r *report.Report) error {
	b := bufio.NewWriterSize(w, 64<<10) // streamed: a large account's DOT is tens of MB
	b.WriteString("// trustmap data-flow diagram: outside principals, entry points and attack paths.\n")
	b.WriteString("// Resources that nothing outside reaches are left out. Render: dot -Tsvg report.dot -o report.svg\n")
	b.WriteString("digraph \"trustmap\" {\n")
	title := "trustmap data-flow diagram"
	if len(r.Accounts) > 0 {
		title += ": " + strings.Join(r.Accounts, ", ")
	}
	fmt.Fprintf(b, "  graph [rankdir=\"LR\", compound=\"true\", newrank=\"true\", nodesep=\"0.35\", ranksep=\"0.9\", fontname=\"Helvetica\", fontsize=\"12\", labelloc=\"t\", labeljust=\"l\", label=%s];\n",
		dotQuote(title+"\nred: unrecognized trust-boundary crossing · thick orange: attack-path step · red outline: unrecognized entry point"))
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=\"10\", style=\"filled\", fillcolor=\"white\", color=\"#455a64\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=\"9\", color=\"#607d8b\", fontcolor=\"#455a64\"];\n")
	var writeZone func(z *Zone, indent string)
	writeZone = func(z *Zone, indent string) {
		fmt.Fprintf(b, "%ssubgraph %s {\n", indent, dotQuote("cluster_"+SafeID("", string(z.ID))))
		style, color, fill := "rounded,filled", "#1565c0", "#eef5fc"
		switch {
		case z.Outside:
			style, color, fill = "dashed,rounded,filled", "#9e9e9e", "#fafafa"
		case len(z.Children) > 0:
			color, fill = "#5e35b1", "#f8f6fc"
		}
		fmt.Fprintf(b, "%s  graph [label=%s, style=%s, color=%s, fillcolor=%s, fontcolor=\"#37474f\"];\n",
			indent, dotQuote(z.Caption()), dotQuote(style), dotQuote(color), dotQuote(fill))
		for _, n := range z.Nodes {
			attrs := []string{"label=" + dotQuote(n.Label+"\n"+n.Sub), "tooltip=" + dotQuote(n.ID)}
			switch n.Shape {
			case Actor:
				attrs = append(attrs, `shape="box"`, `fillcolor="#e8eaf6"`)
			case Process:
				attrs = append(attrs, `shape="ellipse"`, `fillcolor="#f1f8e9"`)
			case Store:
				attrs = append(attrs, `shape="cylinder"`, `fillcolor="#fff8e1"`)
			}
			if n.Unrecognized {
				attrs = append(attrs, `color="#d32f2f"`, `penwidth="2.5"`)
			}
			fmt.Fprintf(b, "%s  %s [%s];\n", indent, dotQuote(n.ID), strings.Join(attrs, ", "))
		}
		for _, c := range z.Children {
			writeZone(c, indent+"  ")
		}
		fmt.Fprintf(b, "%s}\n", indent)
	}
	for _, z := range d.Zones {
		writeZone(z, "  ")
	}
	for _, e := range d.Edges {
		attrs := []string{"label=" + dotQuote(e.Label())}
		tip := e.From.ID + " → " + e.To.ID
		if len(e.Paths) > 0 {
			tip += " (attack paths " + strings.Join(e.Paths, ", ") + ")"
		}
		attrs = append(attrs, "tooltip="+dotQuote(tip))
		switch {
		case e.Unrecognized && e.OnPath:
			attrs = append(attrs, `color="#d32f2f"`, `fontcolor="#b71c1c"`, `penwidth="4"`, `style="bold"`)
		case e.Unrecognized:
			attrs = append(attrs, `color="#d32f2f"`, `fontcolor="#b71c1c"`, `penwidth="2.5"`, `style="bold"`)
		case e.OnPath:
			attrs = append(attrs, `color="#f57c00"`, `fontcolor="#e65100"`, `penwidth="4"`)
		case len(e.Kinds) == 1 && e.Kinds[0] == graph.EdgeCanAssume:
			attrs = append(attrs, `style="dashed"`)
		}
		fmt.Fprintf(b, "  %s -> %s [%s];\n", dotQuote(e.From.ID), dotQuote(e.To.ID), strings.Join(attrs, ", "))
	}
	b.WriteString("}\n")
	return b.Flush()
}

// dotReplacer escapes a DOT string (built once, as mmdReplacer).
var dotReplacer = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", `\n`)

// dotQuote quotes s as a DOT string. Backslashes and quotes are escaped;
// a newline becomes DOT's centred line break.
func dotQuote(s string) string {
	return `"` + dotReplacer.Replace(s) + `"`
}

package report

import (
	"fmt"
	"io"
	"strings"
)

// WriteDOT writes report.dot: the data-flow diagram as a Graphviz digraph
// (render with `dot -Tsvg report.dot -o report.svg`). Trust zones are
// clusters (accounts nested inside their organization when known); outside
// principals are boxes, compute ellipses, stores cylinders. Unrecognized
// trust-boundary crossings are red and bold, attack-path steps thick orange
// (both: thick red). Every id is quoted, so ARNs with ':' never read as
// ports.
func WriteDOT(w io.Writer, in Input) error {
	d := buildDiagram(in)
	r := in.Report
	var b strings.Builder
	b.WriteString("// trustmap data-flow diagram: outside principals, entry points and attack paths.\n")
	b.WriteString("// Resources that nothing outside reaches are left out. Render: dot -Tsvg report.dot -o report.svg\n")
	b.WriteString("digraph \"trustmap\" {\n")
	title := "trustmap data-flow diagram"
	if len(r.Accounts) > 0 {
		title += ": " + strings.Join(r.Accounts, ", ")
	}
	fmt.Fprintf(&b, "  graph [rankdir=\"LR\", compound=\"true\", newrank=\"true\", nodesep=\"0.35\", ranksep=\"0.9\", fontname=\"Helvetica\", fontsize=\"12\", labelloc=\"t\", labeljust=\"l\", label=%s];\n",
		dotQuote(title+"\nred: unrecognized trust-boundary crossing · thick orange: attack-path step · red outline: unrecognized entry point"))
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=\"10\", style=\"filled\", fillcolor=\"white\", color=\"#455a64\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=\"9\", color=\"#607d8b\", fontcolor=\"#455a64\"];\n")
	var writeZone func(z *dzone, indent string)
	writeZone = func(z *dzone, indent string) {
		fmt.Fprintf(&b, "%ssubgraph %s {\n", indent, dotQuote("cluster_"+safeID("", z.id)))
		style, color, fill := "rounded,filled", "#1565c0", "#eef5fc"
		switch {
		case z.outside:
			style, color, fill = "dashed,rounded,filled", "#9e9e9e", "#fafafa"
		case len(z.children) > 0:
			color, fill = "#5e35b1", "#f8f6fc"
		}
		fmt.Fprintf(&b, "%s  graph [label=%s, style=%s, color=%s, fillcolor=%s, fontcolor=\"#37474f\"];\n",
			indent, dotQuote(z.label), dotQuote(style), dotQuote(color), dotQuote(fill))
		for _, n := range z.nodes {
			attrs := []string{"label=" + dotQuote(n.label+"\n"+n.sub), "tooltip=" + dotQuote(n.id)}
			switch n.shape {
			case dfdActor:
				attrs = append(attrs, `shape="box"`, `fillcolor="#e8eaf6"`)
			case dfdProcess:
				attrs = append(attrs, `shape="ellipse"`, `fillcolor="#f1f8e9"`)
			case dfdStore:
				attrs = append(attrs, `shape="cylinder"`, `fillcolor="#fff8e1"`)
			}
			if n.unrecognized {
				attrs = append(attrs, `color="#d32f2f"`, `penwidth="2.5"`)
			}
			fmt.Fprintf(&b, "%s  %s [%s];\n", indent, dotQuote(n.id), strings.Join(attrs, ", "))
		}
		for _, c := range z.children {
			writeZone(c, indent+"  ")
		}
		fmt.Fprintf(&b, "%s}\n", indent)
	}
	for _, z := range d.zones {
		writeZone(z, "  ")
	}
	for _, e := range d.edges {
		attrs := []string{"label=" + dotQuote(e.label())}
		tip := e.from.id + " → " + e.to.id
		if len(e.paths) > 0 {
			tip += " (attack paths " + strings.Join(e.paths, ", ") + ")"
		}
		attrs = append(attrs, "tooltip="+dotQuote(tip))
		switch {
		case e.unrecognized && e.onPath:
			attrs = append(attrs, `color="#d32f2f"`, `fontcolor="#b71c1c"`, `penwidth="4"`, `style="bold"`)
		case e.unrecognized:
			attrs = append(attrs, `color="#d32f2f"`, `fontcolor="#b71c1c"`, `penwidth="2.5"`, `style="bold"`)
		case e.onPath:
			attrs = append(attrs, `color="#f57c00"`, `fontcolor="#e65100"`, `penwidth="4"`)
		case len(e.kinds) == 1 && e.kinds[0] == "can-assume":
			attrs = append(attrs, `style="dashed"`)
		}
		fmt.Fprintf(&b, "  %s -> %s [%s];\n", dotQuote(e.from.id), dotQuote(e.to.id), strings.Join(attrs, ", "))
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// dotQuote quotes s as a DOT string. Backslashes and quotes are escaped;
// a newline becomes DOT's centred line break.
func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

package diagram

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

// Mermaid's default limits (mermaid.js.org config: maxEdges, maxTextSize).
// A diagram over either is not drawn at all, so WriteMermaid keeps under both.
const (
	mermaidMaxEdges    = 500
	mermaidMaxTextSize = 50000
)

// WriteMermaid writes report.mmd: the data-flow diagram as a Mermaid
// flowchart. Trust zones are subgraphs (accounts inside their organization),
// outside principals are boxes, compute is rounded, stores are cylinders;
// unrecognized trust-boundary crossings are red and attack-path steps are
// thick orange. When the graph exceeds Mermaid's default limits the
// lowest-priority edges are left out and a note in the diagram says so.
func WriteMermaid(w io.Writer, in report.Input) error {
	_, err := io.WriteString(w, Mermaid(Build(in, Reach)))
	return err
}

// Mermaid is the model as a Mermaid flowchart, within Mermaid's default
// limits.
func Mermaid(d *Model) string {
	k := min(len(d.Edges), mermaidMaxEdges)
	for {
		keep, edges, dropped := d.Limit(k)
		text := renderMermaid(d, keep, edges, dropped)
		n := utf8.RuneCountInString(text)
		if n <= mermaidMaxTextSize || k == 0 {
			return text
		}
		// Shrink in proportion to the overshoot, by at least one edge.
		k = min(k-1, k*mermaidMaxTextSize/n*9/10)
	}
}

func renderMermaid(d *Model, keep map[*Node]bool, edges []*Edge, dropped int) string {
	var b strings.Builder
	b.WriteString("%% trustmap data-flow diagram: outside principals, entry points and attack paths.\n")
	b.WriteString("%% Resources that nothing outside reaches are left out.\n")
	b.WriteString("%% Boxes are outside principals, rounded shapes compute, cylinders data stores.\n")
	b.WriteString("%% Red edges: unrecognized trust-boundary crossings. Thick orange edges: attack-path steps.\n")
	b.WriteString("flowchart LR\n")
	var zoneStyles []string
	var writeZone func(z *Zone, indent string)
	writeZone = func(z *Zone, indent string) {
		if !zoneHas(z, keep) {
			return
		}
		zid := SafeID("z_", string(z.ID))
		fmt.Fprintf(&b, "%ssubgraph %s[\"%s\"]\n", indent, zid, mmdText(z.Caption()))
		for _, n := range z.Nodes {
			if !keep[n] {
				continue
			}
			open, close := mermaidShape(n.Shape)
			fmt.Fprintf(&b, "%s  %s%s\"%s<br/>%s\"%s\n", indent, SafeID("n_", n.ID), open, mmdText(n.Label), mmdText(n.Sub), close)
		}
		for _, c := range z.Children {
			writeZone(c, indent+"  ")
		}
		fmt.Fprintf(&b, "%send\n", indent)
		switch {
		case z.Outside:
			zoneStyles = append(zoneStyles, "style "+zid+" fill:#fafafa,stroke:#9e9e9e,stroke-dasharray:5 4")
		case len(z.Children) > 0:
			zoneStyles = append(zoneStyles, "style "+zid+" fill:#f8f6fc,stroke:#5e35b1")
		default:
			zoneStyles = append(zoneStyles, "style "+zid+" fill:#eef5fc,stroke:#1565c0")
		}
	}
	for _, z := range d.Zones {
		writeZone(z, "  ")
	}
	if len(keep) == 0 && dropped == 0 {
		b.WriteString("  trustmap_note[\"Nothing outside the scanned accounts reaches in.\"]\n")
	}
	if dropped > 0 {
		fmt.Fprintf(&b, "  trustmap_note[\"%s\"]\n", mmdText(fmt.Sprintf(
			"Showing %d of %d data flows to stay within Mermaid's default limits (%d edges, %d characters): attack paths and unrecognized crossings first. report.dot and report.json have all of them.",
			len(edges), len(edges)+dropped, mermaidMaxEdges, mermaidMaxTextSize)))
	}
	var red, orange, both []string
	for i, e := range edges {
		arrow := "-->"
		switch {
		case e.OnPath:
			arrow = "==>"
		case len(e.Kinds) == 1 && e.Kinds[0] == graph.EdgeCanAssume:
			arrow = "-.->"
		}
		fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", SafeID("n_", e.From.ID), arrow, mmdText(e.Label()), SafeID("n_", e.To.ID))
		idx := fmt.Sprint(i)
		switch {
		case e.Unrecognized && e.OnPath:
			both = append(both, idx)
		case e.Unrecognized:
			red = append(red, idx)
		case e.OnPath:
			orange = append(orange, idx)
		}
	}
	b.WriteString("  classDef actor fill:#e8eaf6,stroke:#3949ab,color:#1a237e\n")
	b.WriteString("  classDef process fill:#f1f8e9,stroke:#558b2f,color:#1b3a0b\n")
	b.WriteString("  classDef store fill:#fff8e1,stroke:#8d6e63,color:#3e2723\n")
	b.WriteString("  classDef exposed stroke:#d32f2f,stroke-width:3px\n")
	if len(keep) == 0 || dropped > 0 {
		b.WriteString("  classDef note fill:#fff3cd,stroke:#b58900,color:#5c4400\n")
		b.WriteString("  class trustmap_note note\n")
	}
	byShape := map[Shape][]string{}
	var exposed []string
	for _, n := range d.Nodes {
		if !keep[n] {
			continue
		}
		id := SafeID("n_", n.ID)
		byShape[n.Shape] = append(byShape[n.Shape], id)
		if n.Unrecognized {
			exposed = append(exposed, id)
		}
	}
	for _, s := range []struct {
		shape Shape
		class string
	}{{Actor, "actor"}, {Process, "process"}, {Store, "store"}} {
		if ids := byShape[s.shape]; len(ids) > 0 {
			fmt.Fprintf(&b, "  class %s %s\n", strings.Join(ids, ","), s.class)
		}
	}
	if len(exposed) > 0 {
		fmt.Fprintf(&b, "  class %s exposed\n", strings.Join(exposed, ","))
	}
	for _, s := range zoneStyles {
		b.WriteString("  " + s + "\n")
	}
	if len(red) > 0 {
		fmt.Fprintf(&b, "  linkStyle %s stroke:#d32f2f,stroke-width:2.5px,color:#b71c1c\n", strings.Join(red, ","))
	}
	if len(orange) > 0 {
		fmt.Fprintf(&b, "  linkStyle %s stroke:#f57c00,stroke-width:4px,color:#e65100\n", strings.Join(orange, ","))
	}
	if len(both) > 0 {
		fmt.Fprintf(&b, "  linkStyle %s stroke:#d32f2f,stroke-width:4px,color:#b71c1c\n", strings.Join(both, ","))
	}
	return b.String()
}

func mermaidShape(s Shape) (string, string) {
	switch s {
	case Process:
		return "([", "])"
	case Store:
		return "[(", ")]"
	}
	return "[", "]"
}

// mmdText makes text safe inside a quoted Mermaid label: quotes, angle
// brackets, '#', '&' and backticks become Mermaid's decimal entity codes
// (#34; and so on), so nothing
// from the account can close the label, inject HTML or start Markdown.
var mmdReplacer = strings.NewReplacer(
	"#", "#35;", "\"", "#34;", "<", "#60;", ">", "#62;", "&", "#38;", "`", "#96;",
	"\n", " ", "\r", " ", "\t", " ",
)

func mmdText(s string) string { return mmdReplacer.Replace(s) }

// zoneHas reports whether z or a zone inside it holds a node in keep.
func zoneHas(z *Zone, keep map[*Node]bool) bool {
	for _, n := range z.Nodes {
		if keep[n] {
			return true
		}
	}
	for _, c := range z.Children {
		if zoneHas(c, keep) {
			return true
		}
	}
	return false
}

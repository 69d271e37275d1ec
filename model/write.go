package model

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteDriftJSON writes the drift as JSON.
func WriteDriftJSON(w io.Writer, d *Drift) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

// WriteDriftText writes the drift for a terminal.
func WriteDriftText(w io.Writer, d *Drift) error {
	b := &strings.Builder{}
	writeDrift(b, d, false)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteDriftMarkdown writes the drift as Markdown.
func WriteDriftMarkdown(w io.Writer, d *Drift) error {
	b := &strings.Builder{}
	writeDrift(b, d, true)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeDrift(b *strings.Builder, d *Drift, md bool) {
	s := d.Summary
	h := func(title string, n int) {
		if md {
			fmt.Fprintf(b, "\n## %s (%d)\n\n", title, n)
		} else {
			fmt.Fprintf(b, "\n%s (%d)\n", strings.ToUpper(title), n)
		}
	}
	item := func(first string, more ...string) {
		if md {
			fmt.Fprintf(b, "- %s\n", mdText(first))
			for _, m := range more {
				fmt.Fprintf(b, "  - %s\n", mdText(m))
			}
			return
		}
		fmt.Fprintf(b, "  %s\n", first)
		for _, m := range more {
			fmt.Fprintf(b, "      %s\n", m)
		}
	}
	if md {
		fmt.Fprintf(b, "# Model drift: %s\n\n", mdText(d.Model.File))
	}
	scanState := "complete"
	if !d.Scan.Complete {
		scanState = "incomplete"
	}
	inventory := "full inventory"
	if !d.Scan.Full {
		inventory = "report only: staleness and flows between resources are not judged"
	}
	lines := []string{
		fmt.Sprintf("model     %s", d.model.Describe()),
		fmt.Sprintf("scan      %s (%s, %s), accounts %s, regions %s, %s", d.Scan.Source, d.Scan.ScannedAt, scanState,
			strings.Join(d.Scan.Accounts, ", "), strings.Join(d.Scan.Regions, ", "), inventory),
		fmt.Sprintf("matched   %d of %d elements: %d by ARN, %d by tag, %d by name and type; %d ambiguous",
			s.Matched, s.Elements, s.ByARN, s.ByTag, s.ByName, s.Ambiguous),
		fmt.Sprintf("drift     %d unmodeled ways in, %d stale elements, %d flows not allowed, %d contradictions",
			s.Unmodeled, s.Stale, s.Flows, s.Contradictions),
	}
	for _, l := range lines {
		if md {
			fmt.Fprintf(b, "- %s\n", mdText(l))
		} else {
			fmt.Fprintln(b, l)
		}
	}

	h("Unmodeled ways in", len(d.Unmodeled))
	for _, u := range d.Unmodeled {
		head := fmt.Sprintf("%-8s %-13s %s (%s)", u.Severity, orDash(u.Exposure.String()), u.Name, u.Resource)
		more := []string{u.What}
		if u.Recognized != "" {
			more = append(more, "recognized by trustmap.yaml: "+u.Recognized)
		}
		for _, e := range u.Evidence {
			more = append(more, "evidence: "+e)
		}
		item(head, more...)
	}
	h("Stale", len(d.Stale))
	for _, st := range d.Stale {
		more := []string{st.What}
		for _, e := range st.Evidence {
			more = append(more, "evidence: "+e)
		}
		item(refText(st.Element), more...)
	}
	h("Flows the account does not allow", len(d.Flows))
	for _, f := range d.Flows {
		more := []string{f.What}
		for _, e := range f.Evidence {
			more = append(more, "evidence: "+e)
		}
		item(refText(f.Flow), more...)
	}
	h("Contradictions", len(d.Contradictions))
	for _, c := range d.Contradictions {
		more := []string{"model:   " + c.Model, "account: " + c.Account}
		for _, e := range c.Evidence {
			more = append(more, "evidence: "+e)
		}
		item(fmt.Sprintf("[%s] %s", c.Kind, refText(c.Element)), more...)
	}
	h("Ambiguous matches (not applied)", len(d.Ambiguous))
	for _, a := range d.Ambiguous {
		var more []string
		more = append(more, a.Why+": give the element attributes.arn (OTM) or data.arn (Threat Dragon), or tag the resource")
		for _, c := range a.Candidates {
			more = append(more, fmt.Sprintf("%.2f %s: %s", c.Confidence, c.Resource, c.Reason))
		}
		item(refText(a.Element), more...)
	}
	h("Matches", len(d.Matches))
	for _, m := range d.Matches {
		item(fmt.Sprintf("%s → %s", refText(m.Element), m.Resource), fmt.Sprintf("by %s (%.2f): %s", m.Method, m.Confidence, m.Reason))
	}
	if len(d.NotJudged) > 0 {
		h("Not judged", len(d.NotJudged))
		for i, n := range d.NotJudged {
			if i == 20 && !md {
				item(fmt.Sprintf("and %d more (--output json lists them all)", len(d.NotJudged)-20))
				break
			}
			item(refText(n.Item), n.Why)
		}
	}
	if len(d.Warnings) > 0 {
		h("Model warnings", len(d.Warnings))
		for _, w := range d.Warnings {
			item(w)
		}
	}
}

func refText(r Ref) string {
	s := r.What + " "
	if r.Name != "" {
		s += fmt.Sprintf("%q ", r.Name)
	}
	s += "(id " + r.ID + ")"
	if r.At != "" {
		s += " at " + r.At
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mdText escapes what Markdown would read as markup.
var mdText = strings.NewReplacer("\\", "\\\\", "*", "\\*", "_", "\\_", "`", "\\`", "<", "\\<", ">", "\\>", "[", "\\[", "]", "\\]", "|", "\\|", "#", "\\#").Replace

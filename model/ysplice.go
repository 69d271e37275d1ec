package model

import (
	"bytes"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Writing an edited YAML file back as the source text with the edits
// spliced in, so that the modeler's layout — blank lines, comments,
// indentation, quoting, folded and multi-line scalars — stays byte for
// byte. The edits an update makes are of a few kinds, each found by
// comparing the tree with what was read (nodes trustmap built have no
// line):
//
//   - items appended to a block sequence: inserted after its last line;
//   - members added to a block mapping: inserted after its last line;
//   - a member's value replaced, when the old value was a scalar (or an
//     empty [] or {}) on the member's own line: that value's text is
//     replaced, and a block value is inserted on the lines below;
//   - a member removed whose value sat on its own line: that line goes.
//
// New text is rendered by yaml.v3 at the file's indentation and placed at
// the column of its siblings. Any other edit (inside a flow collection, of
// a multi-line value, of a file with anchors or several documents) falls
// back to re-encoding the whole tree, which keeps every value but not the
// layout.

type yedit struct {
	line int    // insert after this line (1-based), or replace on it
	text string // lines to insert, each ending in a newline
	// For a replacement on the line: from column col (1-based) to the end
	// of the line's content, keeping a trailing comment.
	replace bool
	col     int
	value   string
	remove  bool // remove the line
	// indent is the column of inserted text: at one line, the text of an
	// inner collection goes before that of the one around it.
	indent int
}

// splice returns the source with the edits of the tree applied, and false
// when an edit cannot be spliced.
func (d *ydoc) splice() ([]byte, bool) {
	if bytes.Contains(d.src, []byte("\n---")) || bytes.HasPrefix(bytes.TrimSpace(d.src), []byte("---")) && bytes.Count(d.src, []byte("---")) > 1 {
		return nil, false
	}
	lines := strings.SplitAfter(string(d.src), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	nl := "\n"
	if bytes.Contains(d.src, []byte("\r\n")) {
		nl = "\r\n"
	}
	sp := &splicer{d: d, lines: lines, nl: nl, ok: true}
	sp.index(d.doc.Content[0])
	sp.walk(d.doc.Content[0])
	for _, del := range d.deleted {
		sp.removal(del)
	}
	if !sp.ok {
		return nil, false
	}
	// Apply bottom-up so line numbers stay valid; at one line, removals and
	// replacements before insertions after it.
	slices.SortStableFunc(sp.edits, func(a, b yedit) int {
		if a.line != b.line {
			return b.line - a.line
		}
		if d := boolRank(a.replace || a.remove) - boolRank(b.replace || b.remove); d != 0 {
			return d
		}
		// Each insertion goes right after the line, before those applied
		// earlier: apply the outer collection's first, so the inner's
		// text ends up above it.
		return a.indent - b.indent
	})
	out := slices.Clone(lines)
	for _, e := range sp.edits {
		i := e.line - 1
		switch {
		case e.remove:
			out = slices.Delete(out, i, i+1)
		case e.replace:
			out[i] = replaceValue(out[i], e.col, e.value, nl)
		default:
			ins := strings.SplitAfter(e.text, nl)
			if ins[len(ins)-1] == "" {
				ins = ins[:len(ins)-1]
			}
			if i >= 0 && i < len(out) && !strings.HasSuffix(out[i], "\n") {
				out[i] += nl // the last line had no newline
			}
			out = slices.Insert(out, i+1, ins...)
		}
	}
	return []byte(strings.Join(out, "")), true
}

func boolRank(b bool) int {
	if b {
		return 0
	}
	return 1
}

// splicer finds the edits of a tree against its source.
type splicer struct {
	d     *ydoc
	lines []string
	nl    string
	edits []yedit
	ok    bool
	order []*yaml.Node       // source nodes in document order
	pos   map[*yaml.Node]int // index in order
	last  map[*yaml.Node]int // index of the node's last descendant
}

// index records the document order of the source nodes (those with a line).
func (sp *splicer) index(root *yaml.Node) {
	sp.pos, sp.last = map[*yaml.Node]int{}, map[*yaml.Node]int{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || n.Line == 0 {
			return
		}
		if _, seen := sp.pos[n]; seen {
			return
		}
		sp.pos[n] = len(sp.order)
		sp.order = append(sp.order, n)
		if n.Kind != yaml.AliasNode {
			for _, c := range n.Content {
				walk(c)
			}
		}
		sp.last[n] = len(sp.order) - 1
	}
	walk(root)
	for _, del := range sp.d.deleted { // removed members still take up their lines
		walk(del.key)
		walk(del.value)
	}
	slices.SortStableFunc(sp.order, func(a, b *yaml.Node) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	for i, n := range sp.order {
		sp.pos[n] = i
	}
	var lastOf func(n *yaml.Node) int
	lastOf = func(n *yaml.Node) int {
		best := sp.pos[n]
		if n.Kind != yaml.AliasNode {
			for _, c := range n.Content {
				if c.Line > 0 {
					best = max(best, lastOf(c))
				}
			}
		}
		return best
	}
	for _, n := range sp.order {
		sp.last[n] = lastOf(n)
	}
}

// endLine is the last line of a source node's text: the line before the
// next token, less the blank and comment lines before that token.
func (sp *splicer) endLine(n *yaml.Node) int {
	next := len(sp.lines) + 1
	if i := sp.last[n] + 1; i < len(sp.order) {
		next = sp.order[i].Line
	}
	end := max(next-1, n.Line)
	for end > n.Line {
		t := strings.TrimSpace(sp.lines[end-1])
		if t != "" && !strings.HasPrefix(t, "#") {
			break
		}
		end--
	}
	// A token that starts on the last line of n (a flow item) ends there.
	return end
}

func (sp *splicer) walk(n *yaml.Node) {
	if n == nil || n.Line == 0 || n.Kind == yaml.AliasNode {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		if sp.flow(n) && !untouched(n) && !allBuilt(n) {
			sp.ok = false // an edit inside […]: re-encode
			return
		}
		var added []*yaml.Node
		for _, c := range n.Content {
			if c.Line == 0 {
				added = append(added, c)
			} else if len(added) > 0 {
				sp.ok = false // a new item before a source one
			}
		}
		if len(added) > 0 {
			sp.appendItems(n, added)
		}
		for _, c := range n.Content {
			sp.walk(c)
		}
	case yaml.MappingNode:
		if sp.flow(n) && !untouched(n) {
			sp.ok = false // an edit inside {…}: re-encode
			return
		}
		var added []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch {
			case k.Line == 0:
				added = append(added, k, v)
			case v.Line == 0:
				sp.replaceValue(k, v, sp.d.replaced[v])
			case (v.Kind == yaml.SequenceNode || v.Kind == yaml.MappingNode) && len(v.Content) > 0 && allBuilt(v) && sp.flow(v):
				// [] or {} that an edit filled: written again as a block.
				sp.replaceValue(k, v, &yaml.Node{Kind: v.Kind, Line: v.Line, Column: v.Column})
			default:
				if len(added) > 0 {
					sp.ok = false
				}
				sp.walk(v)
			}
		}
		if len(added) > 0 {
			sp.appendMembers(n, added)
		}
	}
}

// untouched reports whether no edit reached inside a source collection:
// every node under it comes from the file, and no value was replaced.
func untouched(n *yaml.Node) bool {
	for _, c := range n.Content {
		if c.Line == 0 || !untouched(c) {
			return false
		}
	}
	return true
}

// allBuilt reports whether every item or member of n was added by an edit.
func allBuilt(n *yaml.Node) bool {
	for _, c := range n.Content {
		if c.Line != 0 {
			return false
		}
	}
	return true
}

// flow reports whether a source collection is written in flow style ([…]
// or {…}) in the file.
func (sp *splicer) flow(n *yaml.Node) bool {
	if n.Line < 1 || n.Line > len(sp.lines) {
		return true
	}
	l := sp.lines[n.Line-1]
	if n.Column-1 >= len(l) {
		return true
	}
	c := l[n.Column-1]
	return c == '[' || c == '{'
}

func indent(n int) string { return strings.Repeat(" ", max(n, 0)) }

func (sp *splicer) appendItems(seq *yaml.Node, items []*yaml.Node) {
	if sp.flow(seq) || len(seq.Content) == len(items) {
		sp.ok = false
		return
	}
	text := sp.render(&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}, seq.Column-1)
	// Items are one step deeper than their sequence, even an indentless one.
	sp.edits = append(sp.edits, yedit{line: sp.endLine(seq), text: text, indent: seq.Column + 1})
}

func (sp *splicer) appendMembers(m *yaml.Node, pairs []*yaml.Node) {
	if sp.flow(m) || len(m.Content) == len(pairs) {
		sp.ok = false
		return
	}
	text := sp.render(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: pairs}, m.Column-1)
	sp.edits = append(sp.edits, yedit{line: sp.endLine(m), text: text, indent: m.Column})
}

// replaceValue replaces the value of source key k in mapping m with the
// built node v, when the old value sat on k's line as a scalar, [] or {}.
func (sp *splicer) replaceValue(k, v, old *yaml.Node) {
	if old == nil || k.Line < 1 || k.Line > len(sp.lines) {
		sp.ok = false
		return
	}
	line := strings.TrimRight(sp.lines[k.Line-1], "\r\n")
	ci := -1
	if k.Column-1 < len(line) {
		if i := strings.Index(line[k.Column-1:], ":"); i >= 0 {
			ci = k.Column - 1 + i
		}
	}
	if ci < 0 {
		sp.ok = false
		return
	}
	rest := line[ci+1:]
	if i := strings.Index(rest, " #"); i >= 0 {
		rest = rest[:i]
	}
	rest = strings.TrimSpace(rest)
	col := 0 // after the colon
	switch {
	case rest == "":
		if old.Kind != yaml.ScalarNode || old.Tag != "!!null" {
			sp.ok = false // the old value is a block below the key
			return
		}
	case rest == "~" || rest == "null" || rest == "[]" || rest == "{}":
		col = ci + 2 + strings.Index(line[ci+1:], rest)
	case old.Kind == yaml.ScalarNode && old.Line == k.Line && old.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 &&
		!strings.Contains(old.Value, "\n") && sp.endLine(k) == k.Line:
		col = old.Column
	default:
		sp.ok = false
		return
	}
	if v.Kind == yaml.ScalarNode || len(v.Content) == 0 {
		bare := *v // the line keeps its own comment
		bare.HeadComment, bare.LineComment, bare.FootComment = "", "", ""
		s := strings.TrimRight(sp.render(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "k"}, &bare}}, 0), "\r\n")
		s = strings.TrimPrefix(s, "k: ")
		if strings.Contains(s, "\n") {
			sp.ok = false
			return
		}
		sp.edits = append(sp.edits, yedit{line: k.Line, replace: true, col: col, value: s})
		return
	}
	block := &yaml.Node{Kind: v.Kind, Tag: v.Tag, Content: v.Content}
	sp.edits = append(sp.edits, yedit{line: k.Line, replace: true, col: col, value: ""})
	sp.edits = append(sp.edits, yedit{line: k.Line, text: sp.render(block, k.Column-1+sp.d.indent), indent: k.Column + sp.d.indent})
}

// removal deletes the line of a removed member whose value sat on it.
func (sp *splicer) removal(del ydel) {
	if del.value.Line != del.key.Line || del.value.Kind != yaml.ScalarNode || sp.endLine(del.value) != del.key.Line {
		sp.ok = false
		return
	}
	sp.edits = append(sp.edits, yedit{line: del.key.Line, remove: true})
}

// render encodes a built node and indents every line by col spaces.
func (sp *splicer) render(n *yaml.Node, col int) string {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(sp.d.indent)
	if err := enc.Encode(n); err != nil {
		sp.ok = false
		return ""
	}
	enc.Close()
	var out strings.Builder
	for _, l := range strings.SplitAfter(b.String(), "\n") {
		if l == "" {
			continue
		}
		if strings.TrimSpace(l) != "" {
			out.WriteString(indent(col))
		}
		out.WriteString(strings.TrimSuffix(l, "\n"))
		out.WriteString(sp.nl)
	}
	return out.String()
}

// replaceValue rewrites line from column col (1-based; 0: after the last
// colon) to its end, keeping a trailing comment.
func replaceValue(line string, col int, value, nl string) string {
	body := strings.TrimRight(line, "\r\n")
	start := len(body)
	if col > 0 {
		start = min(col-1, len(body))
	}
	comment := ""
	if i := strings.Index(body[start:], " #"); i >= 0 && !strings.ContainsAny(body[start:start+i], `"'`) {
		j := start + i
		for j > start && body[j-1] == ' ' {
			j-- // keep the spaces before the comment as they were
		}
		comment = body[j:]
	}
	prefix := body[:start]
	if col == 0 && value != "" {
		prefix = strings.TrimRight(prefix, " ") + " "
	}
	if value == "" {
		prefix = strings.TrimRight(prefix, " ")
	}
	return prefix + value + comment + nl
}

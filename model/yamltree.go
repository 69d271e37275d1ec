package model

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The YAML tree is yaml.v3's node tree. Scalars keep their text and style
// (quotes, folded and literal blocks), comments stay attached to their
// nodes, and a file no edit touched is written back as it was read. An
// edited file is re-encoded by yaml.v3 at the file's own indentation:
// values are unchanged, but blank lines and the spacing yaml.v3 normalises
// may move.

type ydoc struct {
	src    []byte
	doc    *yaml.Node // the document node
	indent int
	dirty  bool
	// replaced maps a value an edit set to the value it replaced; deleted
	// lists the members an edit removed (ysplice.go reads both).
	replaced map[*yaml.Node]*yaml.Node
	deleted  []ydel
}

type ydel struct{ key, value *yaml.Node }

type ynode struct {
	d *ydoc
	n *yaml.Node
}

// parseYAML reads a YAML document. Errors say the line.
func parseYAML(data []byte) (*ydoc, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		var line int
		if _, e := fmt.Sscanf(msg, "line %d:", &line); e == nil {
			_, rest, _ := strings.Cut(msg, ":")
			return nil, &posError{pos{line, 0}, oneLine(strings.TrimSpace(rest))}
		}
		return nil, fmt.Errorf("%s", oneLine(msg))
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil, fmt.Errorf("the file holds no YAML document")
	}
	return &ydoc{src: data, doc: &root, indent: yamlIndent(data), replaced: map[*yaml.Node]*yaml.Node{}}, nil
}

var oneLine = strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace

// yamlIndent guesses the file's indentation step: the least indentation
// of an indented line (2 when none is found).
func yamlIndent(data []byte) int {
	best := 0
	for _, l := range bytes.Split(data, []byte("\n")) {
		t := bytes.TrimLeft(l, " ")
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		if n := len(l) - len(t); n > 0 && (best == 0 || n < best) {
			best = n
		}
	}
	if best < 2 || best > 8 {
		return 2
	}
	return best
}

func (d *ydoc) root() node { return &ynode{d, resolve(d.doc.Content[0])} }

func (d *ydoc) changed() bool { return d.dirty }

func (d *ydoc) bytes() ([]byte, error) {
	if !d.dirty {
		return slices.Clone(d.src), nil
	}
	if out, ok := d.splice(); ok {
		return out, nil
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(d.indent)
	if err := enc.Encode(d.doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func (y *ynode) kind() nkind {
	switch y.n.Kind {
	case yaml.MappingNode:
		return kObject
	case yaml.SequenceNode:
		return kArray
	case yaml.ScalarNode:
		switch y.n.Tag {
		case "!!null":
			return kNull
		case "!!int", "!!float":
			return kNumber
		case "!!bool":
			return kBool
		}
		return kString
	}
	return kNull
}

func (y *ynode) get(key string) node {
	if y.n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(y.n.Content); i += 2 {
		if y.n.Content[i].Value == key {
			return &ynode{y.d, resolve(y.n.Content[i+1])}
		}
	}
	return nil
}

func (y *ynode) keys() []string {
	var out []string
	for i := 0; i+1 < len(y.n.Content); i += 2 {
		out = append(out, y.n.Content[i].Value)
	}
	return out
}

func (y *ynode) items() []node {
	if y.n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]node, len(y.n.Content))
	for i, c := range y.n.Content {
		out[i] = &ynode{y.d, resolve(c)}
	}
	return out
}

func (y *ynode) text() string {
	if y.kind() == kNull {
		return ""
	}
	if y.kind() == kBool {
		var b bool
		if y.n.Decode(&b) == nil {
			return strconv.FormatBool(b)
		}
	}
	return y.n.Value
}

func (y *ynode) at() pos { return pos{y.n.Line, y.n.Column} }

func (y *ynode) set(key string, v any) bool {
	if y.n.Kind != yaml.MappingNode {
		panic("model: set on a YAML " + y.kind().String())
	}
	for i := 0; i+1 < len(y.n.Content); i += 2 {
		if y.n.Content[i].Value == key {
			if sameValue(&ynode{y.d, resolve(y.n.Content[i+1])}, v) {
				return false
			}
			old := y.n.Content[i+1]
			nv := buildYAML(v)
			nv.LineComment, nv.FootComment = old.LineComment, old.FootComment
			y.n.Content[i+1] = nv
			if prev := y.d.replaced[old]; prev != nil {
				old = prev // replaced twice: the source value is the first one
			}
			y.d.replaced[nv] = old
			y.d.dirty = true
			return true
		}
	}
	y.n.Content = append(y.n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, buildYAML(v))
	if y.n.Style == yaml.FlowStyle && len(y.n.Content) > 6 {
		y.n.Style = 0 // a long {a: b} written on one line reads badly
	}
	y.d.dirty = true
	return true
}

func (y *ynode) add(v any) node {
	if y.n.Kind != yaml.SequenceNode {
		panic("model: add on a YAML " + y.kind().String())
	}
	nv := buildYAML(v)
	y.n.Content = append(y.n.Content, nv)
	if y.n.Style == yaml.FlowStyle && nv.Kind != yaml.ScalarNode {
		y.n.Style = 0
	}
	y.d.dirty = true
	return &ynode{y.d, nv}
}

func (y *ynode) unset(key string) bool {
	for i := 0; i+1 < len(y.n.Content); i += 2 {
		if y.n.Content[i].Value == key {
			if y.n.Content[i].Line > 0 {
				y.d.deleted = append(y.d.deleted, ydel{y.n.Content[i], y.n.Content[i+1]})
			}
			y.n.Content = slices.Delete(y.n.Content, i, i+2)
			y.d.dirty = true
			return true
		}
	}
	return false
}

// buildYAML turns a value trustmap writes into a YAML node. Strings are
// tagged !!str, so yaml.v3 quotes those that would read as something else.
func buildYAML(v any) *yaml.Node {
	switch x := v.(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: x}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(x)}
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(x)}
	case float64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(x, 'f', -1, 64)}
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range x {
			n.Content = append(n.Content, buildYAML(e))
		}
		return n
	case omap:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, e := range x {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: e.k}, buildYAML(e.v))
		}
		return n
	}
	panic(fmt.Sprintf("model: cannot write a %T", v))
}

package model

import (
	"fmt"
	"strconv"
)

// A model file is read into a tree that remembers its source, and every
// change trustmap makes is an edit of that tree: writing it back reproduces
// what the modeler wrote, byte for byte, wherever no edit touched it (JSON:
// the splice writer of jsontree.go; YAML: yaml.v3's node tree, whose
// scalars keep their text and style). The in-memory model (model.go) is a
// typed view of the tree whose fields point back at the nodes they came
// from, so an update edits the file rather than regenerating it.

// nkind is what a node holds.
type nkind uint8

const (
	kObject nkind = iota
	kArray
	kString
	kNumber
	kBool
	kNull
)

func (k nkind) String() string {
	return [...]string{"an object", "a list", "a string", "a number", "a boolean", "null"}[k]
}

// node is one value of a model file.
type node interface {
	kind() nkind
	// get returns the member of an object, nil when absent (or when the
	// node is not an object).
	get(key string) node
	// keys lists an object's members in file order.
	keys() []string
	// items lists an array's items.
	items() []node
	// text is a scalar's text: a string's value, a number's literal,
	// "true"/"false", "" for null.
	text() string
	// at is the node's position in its file.
	at() pos
	// set adds the member key with value v (see build), or replaces its
	// value when v differs from it. It reports whether anything changed.
	set(key string, v any) bool
	// add appends v to an array and returns the new item.
	add(v any) node
	// unset removes the member key; it reports whether there was one.
	unset(key string) bool
}

// doc is a parsed file.
type doc interface {
	root() node
	// bytes writes the tree back: the source itself when nothing changed.
	bytes() ([]byte, error)
	changed() bool
}

// pos is a position in a file: line and column, both from 1.
type pos struct{ Line, Col int }

func (p pos) String() string {
	if p.Line == 0 {
		return ""
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Col)
}

// omap is an object trustmap builds, members in the order written.
type omap []kv

type kv struct {
	k string
	v any
}

// get returns the value of key, nil when absent.
func (m omap) get(key string) any {
	for _, e := range m {
		if e.k == key {
			return e.v
		}
	}
	return nil
}

// Values an edit may write: string, bool, int, float64, nil, []any, omap,
// and node (a copy of an existing value is not needed: trustmap only
// writes values it builds).

// sameValue reports whether node n already holds v, so that an edit that
// would write what is there changes nothing (and the file stays
// byte-identical).
func sameValue(n node, v any) bool {
	if n == nil {
		return false
	}
	switch x := v.(type) {
	case nil:
		return n.kind() == kNull
	case string:
		return n.kind() == kString && n.text() == x
	case bool:
		return n.kind() == kBool && n.text() == strconv.FormatBool(x)
	case int:
		if n.kind() != kNumber {
			return false
		}
		f, err := strconv.ParseFloat(n.text(), 64)
		return err == nil && f == float64(x)
	case float64:
		if n.kind() != kNumber {
			return false
		}
		f, err := strconv.ParseFloat(n.text(), 64)
		return err == nil && f == x
	case []any:
		its := n.items()
		if n.kind() != kArray || len(its) != len(x) {
			return false
		}
		for i := range x {
			if !sameValue(its[i], x[i]) {
				return false
			}
		}
		return true
	case omap:
		if n.kind() != kObject || len(n.keys()) != len(x) {
			return false
		}
		for _, e := range x {
			if !sameValue(n.get(e.k), e.v) {
				return false
			}
		}
		return true
	}
	panic(fmt.Sprintf("model: cannot write a %T", v))
}

// Helpers that read a tree leniently: files come from many tools.

// str returns the text of member key when it is a scalar, "" otherwise.
func str(n node, key string) string {
	if n == nil {
		return ""
	}
	m := n.get(key)
	if m == nil || m.kind() == kObject || m.kind() == kArray {
		return ""
	}
	return m.text()
}

// obj returns member key when it is an object, nil otherwise.
func obj(n node, key string) node {
	if n == nil {
		return nil
	}
	if m := n.get(key); m != nil && m.kind() == kObject {
		return m
	}
	return nil
}

// list returns the items of member key when it is an array.
func list(n node, key string) []node {
	if n == nil {
		return nil
	}
	if m := n.get(key); m != nil && m.kind() == kArray {
		return m.items()
	}
	return nil
}

// num returns member key as a number when it is one.
func num(n node, key string) (float64, bool) {
	if n == nil {
		return 0, false
	}
	m := n.get(key)
	if m == nil || m.kind() != kNumber {
		return 0, false
	}
	f, err := strconv.ParseFloat(m.text(), 64)
	return f, err == nil
}

// boolean returns member key as a boolean (false when absent or not one).
func boolean(n node, key string) bool {
	if n == nil {
		return false
	}
	m := n.get(key)
	return m != nil && m.kind() == kBool && m.text() == "true"
}

// stringMap reads an object of scalars (OTM attributes) as a map.
func stringMap(n node) map[string]string {
	if n == nil || n.kind() != kObject {
		return nil
	}
	out := map[string]string{}
	for _, k := range n.keys() {
		v := n.get(k)
		if v.kind() != kObject && v.kind() != kArray {
			out[k] = v.text()
		}
	}
	return out
}

// strings reads an array of scalars (OTM tags).
func stringList(n node, key string) []string {
	var out []string
	for _, it := range list(n, key) {
		if it.kind() != kObject && it.kind() != kArray && it.kind() != kNull {
			out = append(out, it.text())
		}
	}
	return out
}

// setIn sets key in the object member parentKey of n, creating that object
// (or replacing a null) when needed. It reports whether anything changed.
func setIn(n node, parentKey, key string, v any) bool {
	p := n.get(parentKey)
	if p == nil || p.kind() != kObject {
		return n.set(parentKey, omap{{key, v}})
	}
	return p.set(key, v)
}

// appendIn appends v to the array member key of n, creating it (or
// replacing a null) when needed, and returns the new item.
func appendIn(n node, key string, v any) node {
	l := n.get(key)
	if l == nil || l.kind() != kArray {
		n.set(key, []any{})
		l = n.get(key)
	}
	return l.add(v)
}

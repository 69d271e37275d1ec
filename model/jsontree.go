package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The JSON tree keeps, for every value, its bytes in the file and the
// whitespace around each member and item. Writing it back copies the bytes
// of every value no edit touched; a container an edit touched is written
// member by member with its original whitespace, and a new member takes the
// layout (indentation, space after the colon) of the members beside it. So
// an update of a pretty-printed Threat Dragon file changes only the lines
// of what was added or changed, and a number written 151.99999999999983 or
// a string written with \u escapes stays as it was.

type jdoc struct {
	src         []byte
	top         *jnode
	lead, trail []byte // whitespace around the top value
	unit        string // one level of indentation ("" when the file is on one line)
	colon       string // between a key and its value, as the file writes it
	dirty       bool
	lines       []int // offsets at which lines start
}

type jnode struct {
	d      *jdoc
	parent *jnode
	k      nkind
	raw    []byte // the value's bytes (for a container: as in the file, until edited)
	off    int    // offset in the file; -1 for a value trustmap built
	txt    string // a scalar's text
	mem    []*jmem
	its    []*jitem
	tail   []byte // whitespace before the closing bracket
	ind    string // indentation of the line the value starts on
	dirty  bool
}

type jmem struct {
	lead   []byte // whitespace before the key
	key    string
	keyRaw []byte
	colon  []byte // whitespace, ':', whitespace
	val    *jnode
	post   []byte // whitespace between the value and the comma
}

type jitem struct {
	lead []byte
	val  *jnode
	post []byte
}

// parseJSON reads a JSON document. Errors say line and column.
func parseJSON(data []byte) (*jdoc, error) {
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		if err == nil {
			err = errors.New("not valid JSON")
		}
		return nil, jsonPos(data, err)
	}
	d := &jdoc{src: data}
	p := &jparser{d: d, src: data}
	d.lead = p.ws()
	d.top = p.value(nil)
	d.trail = p.ws()
	if p.err != nil {
		return nil, p.err
	}
	d.unit, d.colon = "", ":"
	if t := d.top; t.k == kObject && len(t.mem) > 0 {
		d.colon = string(t.mem[0].colon)
		if i := bytes.LastIndexByte(t.mem[0].lead, '\n'); i >= 0 {
			d.unit = strings.TrimPrefix(string(t.mem[0].lead[i+1:]), t.ind)
		}
	}
	return d, nil
}

// jsonPos turns a JSON error into "line L, column C: message".
func jsonPos(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = max(se.Offset-1, 0)
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return err
	}
	off = min(off, int64(len(data)))
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return &posError{pos{line, int(col)}, strings.TrimPrefix(err.Error(), "json: ")}
}

// posError is an error at a position of the file.
type posError struct {
	at  pos
	msg string
}

func (e *posError) Error() string { return e.at.String() + ": " + e.msg }

type jparser struct {
	d   *jdoc
	src []byte
	i   int
	err error
}

func (p *jparser) ws() []byte {
	start := p.i
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
			continue
		}
		break
	}
	return p.src[start:p.i]
}

func (p *jparser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("offset %d: "+format, append([]any{p.i}, args...)...)
	}
	p.i = len(p.src)
}

// value reads one value starting at p.i (no leading whitespace).
func (p *jparser) value(parent *jnode) *jnode {
	n := &jnode{d: p.d, parent: parent, off: p.i, ind: p.indentAt(p.i)}
	if p.i >= len(p.src) {
		p.fail("unexpected end")
		n.k = kNull
		return n
	}
	start := p.i
	switch c := p.src[p.i]; {
	case c == '{':
		n.k = kObject
		p.i++
		for {
			lead := p.ws()
			if p.i < len(p.src) && p.src[p.i] == '}' && len(n.mem) == 0 {
				n.tail = lead
				p.i++
				break
			}
			m := &jmem{lead: lead}
			ks := p.i
			p.skipString()
			m.keyRaw = p.src[ks:p.i]
			_ = json.Unmarshal(m.keyRaw, &m.key)
			cs := p.i
			p.ws()
			if p.i >= len(p.src) || p.src[p.i] != ':' {
				p.fail("expected ':'")
				break
			}
			p.i++
			p.ws()
			m.colon = p.src[cs:p.i]
			m.val = p.value(n)
			n.mem = append(n.mem, m)
			w := p.ws()
			if p.i >= len(p.src) {
				p.fail("unexpected end of object")
				break
			}
			if p.src[p.i] == ',' {
				m.post = w
				p.i++
				continue
			}
			n.tail = w
			p.i++ // '}'
			break
		}
	case c == '[':
		n.k = kArray
		p.i++
		for {
			lead := p.ws()
			if p.i < len(p.src) && p.src[p.i] == ']' && len(n.its) == 0 {
				n.tail = lead
				p.i++
				break
			}
			it := &jitem{lead: lead, val: p.value(n)}
			n.its = append(n.its, it)
			w := p.ws()
			if p.i >= len(p.src) {
				p.fail("unexpected end of list")
				break
			}
			if p.src[p.i] == ',' {
				it.post = w
				p.i++
				continue
			}
			n.tail = w
			p.i++ // ']'
			break
		}
	case c == '"':
		n.k = kString
		p.skipString()
		_ = json.Unmarshal(p.src[start:p.i], &n.txt)
	case c == 't' || c == 'f':
		n.k = kBool
		for p.i < len(p.src) && p.src[p.i] >= 'a' && p.src[p.i] <= 'z' {
			p.i++
		}
		n.txt = string(p.src[start:p.i])
	case c == 'n':
		n.k = kNull
		p.i += min(4, len(p.src)-p.i)
	default:
		n.k = kNumber
		for p.i < len(p.src) && strings.IndexByte("+-0123456789.eE", p.src[p.i]) >= 0 {
			p.i++
		}
		n.txt = string(p.src[start:p.i])
	}
	n.raw = p.src[start:p.i]
	return n
}

func (p *jparser) skipString() {
	if p.i >= len(p.src) || p.src[p.i] != '"' {
		p.fail("expected a string")
		return
	}
	p.i++
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case '\\':
			p.i += 2
			continue
		case '"':
			p.i++
			return
		}
		p.i++
	}
	p.fail("unterminated string")
}

// indentAt is the leading whitespace of the line holding offset off.
func (p *jparser) indentAt(off int) string {
	ls := bytes.LastIndexByte(p.src[:min(off, len(p.src))], '\n') + 1
	e := ls
	for e < len(p.src) && (p.src[e] == ' ' || p.src[e] == '\t') {
		e++
	}
	return string(p.src[ls:e])
}

func (d *jdoc) root() node { return d.top }

func (d *jdoc) changed() bool { return d.dirty }

func (d *jdoc) bytes() ([]byte, error) {
	if !d.dirty {
		return slices.Clone(d.src), nil
	}
	var b bytes.Buffer
	b.Write(d.lead)
	d.top.write(&b)
	b.Write(d.trail)
	return b.Bytes(), nil
}

func (d *jdoc) posOf(off int) pos {
	if off < 0 {
		return pos{}
	}
	if d.lines == nil {
		d.lines = []int{0}
		for i, c := range d.src {
			if c == '\n' {
				d.lines = append(d.lines, i+1)
			}
		}
	}
	l, _ := slices.BinarySearch(d.lines, off+1)
	return pos{l, off - d.lines[l-1] + 1}
}

func (n *jnode) write(b *bytes.Buffer) {
	if !n.dirty && n.raw != nil {
		b.Write(n.raw)
		return
	}
	switch n.k {
	case kObject:
		b.WriteByte('{')
		for i, m := range n.mem {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(m.lead)
			b.Write(m.keyRaw)
			b.Write(m.colon)
			m.val.write(b)
			b.Write(m.post)
		}
		b.Write(n.tail)
		b.WriteByte('}')
	case kArray:
		b.WriteByte('[')
		for i, it := range n.its {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(it.lead)
			it.val.write(b)
			b.Write(it.post)
		}
		b.Write(n.tail)
		b.WriteByte(']')
	default:
		b.Write(n.raw)
	}
}

func (n *jnode) kind() nkind { return n.k }

func (n *jnode) get(key string) node {
	for _, m := range n.mem {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

func (n *jnode) keys() []string {
	out := make([]string, len(n.mem))
	for i, m := range n.mem {
		out[i] = m.key
	}
	return out
}

func (n *jnode) items() []node {
	out := make([]node, len(n.its))
	for i, it := range n.its {
		out[i] = it.val
	}
	return out
}

func (n *jnode) text() string { return n.txt }

func (n *jnode) at() pos { return n.d.posOf(n.off) }

// touch marks n and its ancestors as edited.
func (n *jnode) touch() {
	for x := n; x != nil && !x.dirty; x = x.parent {
		x.dirty = true
	}
	n.d.dirty = true
}

func (n *jnode) set(key string, v any) bool {
	if n.k != kObject {
		panic("model: set on " + n.k.String())
	}
	for _, m := range n.mem {
		if m.key == key {
			if sameValue(m.val, v) {
				return false
			}
			m.val = n.d.build(v, indentOfLead(m.lead, n.ind+n.d.unit), n)
			n.touch()
			return true
		}
	}
	lead, colon := n.newLead(len(n.mem) > 0, func() []byte {
		return n.mem[len(n.mem)-1].lead
	}), n.d.colon
	if len(n.mem) > 0 {
		colon = string(n.mem[len(n.mem)-1].colon)
	}
	if len(n.mem) == 0 && n.d.unit != "" {
		n.tail = []byte("\n" + n.ind)
	}
	kr, _ := json.Marshal(key)
	m := &jmem{lead: lead, key: key, keyRaw: kr, colon: []byte(colon)}
	m.val = n.d.build(v, indentOfLead(lead, n.ind+n.d.unit), n)
	n.mem = append(n.mem, m)
	n.touch()
	return true
}

func (n *jnode) add(v any) node {
	if n.k != kArray {
		panic("model: add on " + n.k.String())
	}
	lead := n.newLead(len(n.its) > 0, func() []byte { return n.its[len(n.its)-1].lead })
	if len(n.its) == 0 && n.d.unit != "" {
		n.tail = []byte("\n" + n.ind)
	}
	it := &jitem{lead: lead, val: n.d.build(v, indentOfLead(lead, n.ind+n.d.unit), n)}
	n.its = append(n.its, it)
	n.touch()
	return it.val
}

func (n *jnode) unset(key string) bool {
	for i, m := range n.mem {
		if m.key != key {
			continue
		}
		if i == len(n.mem)-1 && i > 0 {
			n.mem[i-1].post = m.post // the new last member ends where this one did
		}
		n.mem = slices.Delete(n.mem, i, i+1)
		if len(n.mem) == 0 {
			n.tail = nil
		}
		n.touch()
		return true
	}
	return false
}

// newLead is the whitespace before a new member or item: that of the last
// one when there is one, else a new line one level deeper than n.
func (n *jnode) newLead(has bool, last func() []byte) []byte {
	if has {
		return slices.Clone(last())
	}
	if n.d.unit == "" {
		return nil
	}
	return []byte("\n" + n.ind + n.d.unit)
}

// indentOfLead is the indentation a lead gives its line, or def when the
// lead starts no line.
func indentOfLead(lead []byte, def string) string {
	if i := bytes.LastIndexByte(lead, '\n'); i >= 0 {
		return string(lead[i+1:])
	}
	return def
}

// build turns a value trustmap writes into nodes, laid out at indentation
// ind in the file's style.
func (d *jdoc) build(v any, ind string, parent *jnode) *jnode {
	n := &jnode{d: d, parent: parent, off: -1, ind: ind, dirty: true}
	pretty := d.unit != ""
	inner := func() []byte {
		if !pretty {
			return nil
		}
		return []byte("\n" + ind + d.unit)
	}
	switch x := v.(type) {
	case omap:
		n.k = kObject
		for _, e := range x {
			kr, _ := json.Marshal(e.k)
			m := &jmem{lead: inner(), key: e.k, keyRaw: kr, colon: []byte(d.colon)}
			m.val = d.build(e.v, ind+d.unit, n)
			n.mem = append(n.mem, m)
		}
		if pretty && len(x) > 0 {
			n.tail = []byte("\n" + ind)
		}
	case []any:
		n.k = kArray
		for _, e := range x {
			n.its = append(n.its, &jitem{lead: inner(), val: d.build(e, ind+d.unit, n)})
		}
		if pretty && len(x) > 0 {
			n.tail = []byte("\n" + ind)
		}
	default:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			panic(fmt.Sprintf("model: cannot write %T: %v", v, err))
		}
		n.raw = bytes.TrimSuffix(b.Bytes(), []byte("\n"))
		n.dirty = false
		switch x := v.(type) {
		case nil:
			n.k = kNull
		case string:
			n.k, n.txt = kString, x
		case bool:
			n.k, n.txt = kBool, fmt.Sprint(x)
		case int, float64:
			n.k, n.txt = kNumber, string(n.raw)
		default:
			panic(fmt.Sprintf("model: cannot write a %T", v))
		}
	}
	return n
}

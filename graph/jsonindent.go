package graph

import (
	"bufio"
	"encoding"
	"encoding/json"
	"io"
	"reflect"
	"strings"
)

// Indented JSON, streamed.

// EncodeIndented writes v indented by two spaces with a final newline, as
// json.Encoder with SetIndent("", "  ") (and SetEscapeHTML(escapeHTML))
// writes it, and streams through a JSONWriter: when v is a struct or a
// pointer to one, its fields are marshalled one at a time and the elements
// of its slice fields one at a time, so what is in memory at once is one
// element's JSON, not the whole document. EncodeIndented flushes what it
// wrote into w. Snapshot.Write and report.json use it: a large account's
// snapshot or report is over 100 MB.
func EncodeIndented(w io.Writer, v any, escapeHTML bool) error {
	jw := NewJSONWriter(w, escapeHTML)
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.Struct {
		streamObject(jw, rv)
	} else {
		jw.Value(v)
	}
	return jw.Close()
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// streamObject writes a struct as encoding/json would (field order,
// names, omitempty, `json:"-"`), each field on its own (streamField).
func streamObject(jw *JSONWriter, v reflect.Value) {
	t := v.Type()
	if t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler) || hasEmbedded(t) {
		jw.Value(v.Interface()) // its own encoding, or embedded fields' promotion rules: whole
		return
	}
	jw.Object()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		fv := v.Field(i)
		if strings.Contains(","+opts+",", ",omitempty,") && isEmpty(fv) {
			continue
		}
		jw.Key(name)
		streamField(jw, fv)
	}
	jw.End()
}

// streamField writes a slice element by element, anything else whole.
func streamField(jw *JSONWriter, v reflect.Value) {
	t := v.Type()
	if t.Kind() != reflect.Slice || v.IsNil() || t.Elem().Kind() == reflect.Uint8 ||
		t.Implements(jsonMarshaler) || t.Implements(textMarshaler) {
		jw.Value(v.Interface())
		return
	}
	jw.Array()
	for i := range v.Len() {
		if jw.Err() != nil {
			break // the document is lost; close it without marshalling the rest
		}
		jw.Value(v.Index(i).Interface())
	}
	jw.End()
}

func hasEmbedded(t reflect.Type) bool {
	for i := range t.NumField() {
		if t.Field(i).Anonymous {
			return true
		}
	}
	return false
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64,
		reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// newIndentWriter returns an indentWriter that writes the indented JSON
// to w; the caller flushes w.
func newIndentWriter(w *bufio.Writer) *indentWriter { return &indentWriter{w: w} }

// indentWriter indents compact JSON (json.Marshal's output: no space
// outside strings) as json.Indent does with prefix "" and indent "  ":
// a newline and the depth's indent after an opening bracket and a comma
// and before a closing bracket, ": " after a colon, and "{}" and "[]" for
// an empty object and array. Its input may arrive in any pieces.
type indentWriter struct {
	w          *bufio.Writer
	depth      int
	needIndent bool // after { or [, until we know whether it is empty
	inString   bool
	escaped    bool // in a string, after a backslash
}

func (iw *indentWriter) newline() {
	iw.w.WriteByte('\n')
	for range iw.depth {
		iw.w.WriteString("  ")
	}
}

func (iw *indentWriter) Write(p []byte) (int, error) {
	for _, c := range p {
		if iw.inString {
			switch {
			case iw.escaped:
				iw.escaped = false
			case c == '\\':
				iw.escaped = true
			case c == '"':
				iw.inString = false
			}
			iw.w.WriteByte(c)
			continue
		}
		if iw.needIndent && c != '}' && c != ']' {
			iw.needIndent = false
			iw.depth++
			iw.newline()
		}
		switch c {
		case '"':
			iw.inString = true
			iw.w.WriteByte(c)
		case '{', '[':
			iw.needIndent = true
			iw.w.WriteByte(c)
		case ',':
			iw.w.WriteByte(c)
			iw.newline()
		case ':':
			iw.w.WriteString(": ")
		case '}', ']':
			if iw.needIndent {
				iw.needIndent = false
			} else {
				iw.depth--
				iw.newline()
			}
			iw.w.WriteByte(c)
		default:
			iw.w.WriteByte(c)
		}
	}
	return len(p), nil
}

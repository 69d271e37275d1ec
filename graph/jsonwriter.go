package graph

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// JSONWriter writes one JSON document piece by piece, indented exactly as
// json.Encoder with SetIndent("", "  ") indents the whole value, so that
// the writer of a large document (the exports of report/export) holds one
// element at a time, never the document or the model behind it. Objects
// and arrays are opened and closed by the caller, keys written one at a
// time, and each value marshalled on its own (encoding/json, compact) and
// indented on the way out. The first error (from marshalling or from w) is kept; every call
// after it does nothing, and Close returns it.
//
// The caller keeps the document well formed: a Key before each member of
// an object, none in an array. Writing out of turn panics, as it is a
// programming error, not bad input.
type JSONWriter struct {
	bw    *bufio.Writer
	out   *indentWriter
	enc   *json.Encoder
	buf   bytes.Buffer
	open  []container
	keyed bool // a key was written; its value comes next
	err   error
}

type container struct {
	object bool
	n      int // members or elements written so far
}

// NewJSONWriter returns a JSONWriter to w, escaping <, > and & in strings as
// json.Encoder does by default when escapeHTML is true. It buffers what it
// writes, in w itself when w is a *bufio.Writer; Close flushes it.
func NewJSONWriter(w io.Writer, escapeHTML bool) *JSONWriter {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, 64<<10)
	}
	jw := &JSONWriter{bw: bw, out: newIndentWriter(bw)}
	jw.enc = json.NewEncoder(&jw.buf)
	jw.enc.SetEscapeHTML(escapeHTML)
	return jw
}

// Object opens an object (a value: after a Key, in an array, or the
// document itself).
func (w *JSONWriter) Object() { w.begin(true) }

// Array opens an array.
func (w *JSONWriter) Array() { w.begin(false) }

// End closes the innermost open object or array.
func (w *JSONWriter) End() {
	if len(w.open) == 0 || w.keyed {
		panic("graph: JSONWriter: End with nothing open, or after a Key")
	}
	c := w.open[len(w.open)-1]
	w.open = w.open[:len(w.open)-1]
	if c.object {
		w.raw([]byte{'}'})
	} else {
		w.raw([]byte{']'})
	}
}

// Key starts the next member of the open object.
func (w *JSONWriter) Key(name string) {
	if len(w.open) == 0 || !w.open[len(w.open)-1].object || w.keyed {
		panic("graph: JSONWriter: Key outside an object, or twice")
	}
	w.separate()
	w.marshal(name)
	w.raw([]byte{':'})
	w.keyed = true
}

// Value writes v, marshalled whole, as the next value.
func (w *JSONWriter) Value(v any) {
	w.startValue()
	w.marshal(v)
}

// Member writes a key and its value.
func (w *JSONWriter) Member(name string, v any) {
	w.Key(name)
	w.Value(v)
}

// Close ends the document (every container must be closed), writes the
// final newline json.Encoder writes, flushes, and returns the first error.
func (w *JSONWriter) Close() error {
	if len(w.open) != 0 || w.keyed {
		panic("graph: JSONWriter: Close with a container open")
	}
	w.raw([]byte{'\n'})
	if w.err != nil {
		return w.err
	}
	return w.bw.Flush()
}

// Err returns the first error so far, so that a long stream can stop early.
func (w *JSONWriter) Err() error { return w.err }

func (w *JSONWriter) begin(object bool) {
	w.startValue()
	if object {
		w.raw([]byte{'{'})
	} else {
		w.raw([]byte{'['})
	}
	w.open = append(w.open, container{object: object})
}

// startValue writes the comma before an array's next element and checks
// that an object's member has its key.
func (w *JSONWriter) startValue() {
	if w.keyed {
		w.keyed = false
		return
	}
	if len(w.open) > 0 {
		if w.open[len(w.open)-1].object {
			panic("graph: JSONWriter: a value in an object without a Key")
		}
		w.separate()
	}
}

func (w *JSONWriter) separate() {
	c := &w.open[len(w.open)-1]
	if c.n > 0 {
		w.raw([]byte{','})
	}
	c.n++
}

func (w *JSONWriter) marshal(v any) {
	if w.err != nil {
		return
	}
	w.buf.Reset()
	if err := w.enc.Encode(v); err != nil {
		w.err = err
		return
	}
	w.raw(bytes.TrimSuffix(w.buf.Bytes(), []byte{'\n'}))
}

func (w *JSONWriter) raw(p []byte) {
	if w.err != nil {
		return
	}
	w.out.Write(p)
	// bufio.Writer keeps its first error and reports it on every write.
	if _, err := w.bw.Write(nil); err != nil {
		w.err = err
	}
}

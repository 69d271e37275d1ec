package graph

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
)

// TestIndentWriterIndentsAsTheEncoder compares indentWriter, fed in pieces
// of every size, with json.Encoder's own SetIndent("", "  ") on values
// whose strings hold brackets, commas, colons, quotes and backslashes.
func TestIndentWriterIndentsAsTheEncoder(t *testing.T) {
	values := []any{
		map[string]any{"a": []any{}, "b": map[string]any{}, "c": []any{1, "x", nil, true, 2.5e-9}},
		[]any{map[string]any{"k\"{[,:]}": "v\\\"],:{", "<&>": "é\u2028\t\n"}, []any{[]any{[]any{}}}},
		"a string alone",
		42,
		map[string]any{"nested": map[string]any{"deeper": []any{map[string]any{"x": "\\"}, map[string]any{}}}},
	}
	for _, v := range values {
		want := encoded(t, v, "  ", false)
		compact := encoded(t, v, "", false)
		for size := 1; size <= compact.Len(); size++ {
			var got bytes.Buffer
			bw := bufio.NewWriter(&got)
			iw := newIndentWriter(bw)
			src := compact.Bytes()
			for len(src) > 0 {
				n := min(size, len(src))
				iw.Write(src[:n])
				src = src[n:]
			}
			bw.Flush()
			if got.String() != want.String() {
				t.Fatalf("%v in pieces of %d:\ngot  %q\nwant %q", v, size, got.String(), want.String())
			}
		}
	}
}

type inner struct {
	A string   `json:"a,omitempty"`
	B []string `json:"b"`
}

type marshals []int

func (m marshals) MarshalJSON() ([]byte, error) { return []byte(`"custom"`), nil }

type embeds struct {
	inner
	C int `json:"c"`
}

type outer struct {
	Name     string            `json:"name"`
	Skip     string            `json:"-"`
	Empty    string            `json:"empty,omitempty"`
	Zero     int               `json:"zero,omitempty"`
	Ptr      *inner            `json:"ptr,omitempty"`
	Items    []inner           `json:"items"`
	Nil      []inner           `json:"nil"`
	NilOmit  []inner           `json:"nil_omit,omitempty"`
	None     []inner           `json:"none"`
	Bytes    []byte            `json:"bytes"`
	Custom   marshals          `json:"custom"`
	Embeds   []embeds          `json:"embeds"`
	Map      map[string]string `json:"map,omitempty"`
	NoTag    string
	HTML     string `json:"html"`
	unexport int
}

// TestEncodeIndentedWritesWhatTheEncoderWould compares EncodeIndented, which streams a
// struct's fields and slice elements, with json.Encoder on the whole
// value: omitempty, "-", nil and empty slices, []byte, a slice type with
// its own MarshalJSON, embedded fields, HTML escaping on and off.
func TestEncodeIndentedWritesWhatTheEncoderWould(t *testing.T) {
	v := outer{Name: "n", Skip: "s", Ptr: &inner{B: []string{"x"}}, Items: []inner{{A: "a<b>", B: nil}, {B: []string{}}},
		None: []inner{}, Bytes: []byte("hi"), Custom: marshals{1}, Embeds: []embeds{{inner: inner{A: "e"}, C: 3}},
		Map: map[string]string{"k": "&"}, NoTag: "t", HTML: "<script>&</script>", unexport: 1}
	for _, val := range []any{v, &v, outer{}, []int{1, 2}, "alone"} {
		for _, esc := range []bool{true, false} {
			want := encoded(t, val, "  ", esc)
			var got bytes.Buffer
			if err := EncodeIndented(bufio.NewWriter(&got), val, esc); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("%T escapeHTML=%v:\ngot  %s\nwant %s", val, esc, got.String(), want.String())
			}
		}
	}
}

// encoded is v as json.Encoder writes it, with indent ("" for none) and
// HTML escaping on or off: what EncodeIndented and indentWriter must match.
func encoded(t *testing.T, v any, indent string, escapeHTML bool) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", indent)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return &b
}

package jsonindent

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
)

// TestWriterIndentsAsTheEncoder compares Writer, fed in pieces
// of every size, with json.Encoder's own SetIndent("", "  ") on values
// whose strings hold brackets, commas, colons, quotes and backslashes.
func TestWriterIndentsAsTheEncoder(t *testing.T) {
	values := []any{
		map[string]any{"a": []any{}, "b": map[string]any{}, "c": []any{1, "x", nil, true, 2.5e-9}},
		[]any{map[string]any{"k\"{[,:]}": "v\\\"],:{", "<&>": "é\u2028\t\n"}, []any{[]any{[]any{}}}},
		"a string alone",
		42,
		map[string]any{"nested": map[string]any{"deeper": []any{map[string]any{"x": "\\"}, map[string]any{}}}},
	}
	for _, v := range values {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		enc = json.NewEncoder(&compact)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		for size := 1; size <= compact.Len(); size++ {
			var got bytes.Buffer
			bw := bufio.NewWriter(&got)
			iw := New(bw)
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

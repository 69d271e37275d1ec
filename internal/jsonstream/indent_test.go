package jsonstream

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
)

// TestIndenterIndentsAsTheEncoder compares the Indenter, fed in pieces
// of every size, with json.Encoder's own SetIndent("", "  ") on values
// whose strings hold brackets, commas, colons, quotes and backslashes.
func TestIndenterIndentsAsTheEncoder(t *testing.T) {
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
			iw := NewIndenter(bw)
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

// encoded is v as json.Encoder writes it, with indent ("" for none) and
// HTML escaping on or off.
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

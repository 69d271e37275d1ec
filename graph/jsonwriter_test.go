package graph

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestJSONWriterWritesWhatTheEncoderWould builds random documents (objects,
// arrays, empty ones, strings with brackets, quotes and HTML characters)
// and writes each through the JSONWriter, opening some containers piece by
// piece and marshalling others whole, with HTML escaping on and off: the
// bytes must be json.Encoder's with SetIndent("", "  ").
func TestJSONWriterWritesWhatTheEncoderWould(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		v := randomValue(rng, 0)
		for _, esc := range []bool{true, false} {
			want := encoded(t, v, "  ", esc)
			var got bytes.Buffer
			w := NewJSONWriter(&got, esc)
			stream(w, v, rng)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.String(), got.String()); diff != "" {
				t.Fatalf("document %d escapeHTML=%v (-encoder +writer):\n%s", i, esc, diff)
			}
		}
	}
}

func randomValue(rng *rand.Rand, depth int) any {
	strs := []string{"", "a", `k"{[,:]}`, `v\"],:{`, "<&>", "é\u2028\t\n", "x y"}
	switch n := rng.IntN(6); {
	case depth < 4 && n == 0:
		m := map[string]any{}
		for range rng.IntN(4) {
			m[strs[rng.IntN(len(strs))]+string(rune('a'+rng.IntN(5)))] = randomValue(rng, depth+1)
		}
		return m
	case depth < 4 && n == 1:
		var a []any
		for range rng.IntN(4) {
			a = append(a, randomValue(rng, depth+1))
		}
		if a == nil {
			return []any{}
		}
		return a
	case n == 2:
		return rng.IntN(1000) - 500
	case n == 3:
		return nil
	case n == 4:
		return rng.IntN(2) == 0
	default:
		return strs[rng.IntN(len(strs))]
	}
}

// stream writes v through w: containers opened piece by piece, or (at
// random) marshalled whole by Value.
func stream(w *JSONWriter, v any, rng *rand.Rand) {
	whole := rng.IntN(3) == 0
	switch v := v.(type) {
	case map[string]any:
		if whole {
			w.Value(v)
			return
		}
		w.Object()
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys) // encoding/json's order
		for _, k := range keys {
			if rng.IntN(2) == 0 {
				w.Member(k, v[k])
				continue
			}
			w.Key(k)
			stream(w, v[k], rng)
		}
		w.End()
	case []any:
		if whole {
			w.Value(v)
			return
		}
		w.Array()
		for _, e := range v {
			stream(w, e, rng)
		}
		w.End()
	default:
		w.Value(v)
	}
}

// TestJSONWriterKeepsTheFirstError: a value encoding/json refuses stops the
// document, and Close reports why.
func TestJSONWriterKeepsTheFirstError(t *testing.T) {
	var got bytes.Buffer
	w := NewJSONWriter(&got, false)
	w.Object()
	w.Member("ok", 1)
	w.Member("bad", func() {})
	w.Member("after", 2)
	w.End()
	err := w.Close()
	if err == nil || !strings.Contains(err.Error(), "func") {
		t.Fatalf("Close = %v, want the marshalling error", err)
	}
	if w.Err() != err {
		t.Errorf("Err = %v, Close = %v", w.Err(), err)
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestJSONWriterReportsAWriteError: the destination's error comes back from
// Close (and Err, once the buffer has been flushed into it).
func TestJSONWriterReportsAWriteError(t *testing.T) {
	w := NewJSONWriter(failing{}, false)
	w.Array()
	for range 20000 { // more than the 64 KiB buffer
		w.Value("0123456789")
	}
	if w.Err() == nil {
		t.Error("Err = nil after the buffer was flushed into a failing writer")
	}
	w.End()
	if err := w.Close(); err == nil || err.Error() != "disk full" {
		t.Errorf("Close = %v, want disk full", err)
	}
}

package html_test

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"testing"

	"github.com/trustmap/trustmap/report/diagram"
)

// The page embeds the Mermaid and DOT sources when they are small, and
// otherwise says how large they are (the DOT source is counted, not held:
// a large account's is tens of MB).
func TestHTMLEmbedsTheDOTSourceOrSaysHowLargeItIs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n     int
		embed bool
	}{{"small", 6, true}, {"large", 3000, false}} {
		t.Run(tc.name, func(t *testing.T) {
			in := largeInput(tc.n)
			var dot bytes.Buffer
			if err := diagram.WriteDOT(&dot, in); err != nil {
				t.Fatal(err)
			}
			page := writeHTML(t, in)
			note := fmt.Sprintf("DOT (%d kB) sources are too large to embed here", dot.Len()/1000)
			firstEdge := ""
			for _, line := range strings.Split(dot.String(), "\n") {
				if strings.Contains(line, " -> ") {
					firstEdge = strings.TrimSpace(line)
					break
				}
			}
			if firstEdge == "" {
				t.Fatalf("the DOT source of %d entry points has no edge", tc.n)
			}
			embedded := strings.Contains(page, html.EscapeString(firstEdge))
			if tc.embed {
				if !embedded || strings.Contains(page, "too large to embed") {
					t.Errorf("a DOT source of %d bytes is not embedded whole (first edge there: %v)", dot.Len(), embedded)
				}
				return
			}
			if dot.Len() <= 100000 {
				t.Fatalf("the large input's DOT source is only %d bytes: the test needs one over the page's limit", dot.Len())
			}
			if embedded || !strings.Contains(page, note) {
				t.Errorf("a DOT source of %d bytes: embedded %v, note %q in the page %v", dot.Len(), embedded, note, strings.Contains(page, note))
			}
		})
	}
}

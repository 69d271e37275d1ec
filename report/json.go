package report

import (
	"io"

	"github.com/trustmap/trustmap/graph"
)

// WriteJSON writes report.json: the report indented by two spaces, HTML
// characters unescaped, as json.Encoder with SetIndent("", "  ") writes
// it. It streams (graph.EncodeIndented): the report's fields are marshalled
// one at a time, its lists (findings, threats, ...) one element at a
// time, and indented on the way out, so what is in memory at once is one
// element's JSON, not the whole document (over 70 MB compact for an
// account of 100,000 resources).
func WriteJSON(w io.Writer, in Input) error {
	return graph.EncodeIndented(w, in.Report, false)
}

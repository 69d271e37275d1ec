package report

import (
	"encoding/json"
	"io"
)

// WriteJSON writes report.json.
func WriteJSON(w io.Writer, in Input) error {
	r := in.Report
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

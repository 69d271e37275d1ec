package report

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/trustmap/trustmap/internal/jsonindent"
)

// WriteJSON writes report.json: the report indented by two spaces, HTML
// characters unescaped, as json.Encoder with SetIndent("", "  ") writes
// it. The encoder marshals compactly and jsonindent indents on the way
// out, instead of the encoder indenting into a second buffer as large as
// the output (hundreds of MB for a large account).
func WriteJSON(w io.Writer, in Input) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(jsonindent.New(bw))
	enc.SetEscapeHTML(false)
	if err := enc.Encode(in.Report); err != nil {
		return err
	}
	return bw.Flush()
}

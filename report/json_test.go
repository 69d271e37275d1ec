package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/trustmap/trustmap/report"
)

// TestWriteJSONWritesWhatTheEncoderWould checks the streamed report.json
// against json.Encoder with SetIndent("", "  ") and SetEscapeHTML(false)
// on the whole report: a multi-account report (organization section,
// every list filled), one with a history section, and an empty one (nil
// lists are null, omitempty fields absent).
func TestWriteJSONWritesWhatTheEncoderWould(t *testing.T) {
	full, g := orgReport(t)
	withHistory := *full
	withHistory.History = &report.History{Store: "sqlite", ScanID: "7", ScansRecorded: 2,
		New: []report.HistoryItem{{}}}
	withHistory.Organization = nil
	withHistory.IncompleteReason = "a <reason> & more"
	for name, r := range map[string]*report.Report{"organization": full, "history": &withHistory, "empty": {}} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := report.WriteJSON(&got, report.Input{Report: r, Graph: g}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: WriteJSON differs from the encoder:\ngot  %.400s\nwant %.400s", name, got.String(), want.String())
		}
		if name == "organization" && (len(r.Findings) == 0 || len(r.EntryPoints) == 0 || r.Organization == nil) {
			t.Errorf("the fixture's report lacks findings, entry points or an organization: the comparison proves less than it says")
		}
	}
}

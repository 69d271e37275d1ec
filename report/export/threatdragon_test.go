package export

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/trustmap/trustmap/report"
)

// tdDocument is what the tests read back from a written Threat Dragon
// model: the writer streams the document, cell by cell, and has no type
// for it whole.
type tdDocument struct {
	Detail struct {
		Diagrams  []struct{ Cells []tdCell }
		ThreatTop int
	}
}

func readThreatDragon(t testing.TB, in report.Input) tdDocument {
	t.Helper()
	var td tdDocument
	if err := json.Unmarshal(render(t, WriteThreatDragon, in), &td); err != nil {
		t.Fatal(err)
	}
	return td
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

var errFull = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errFull }

// The writer streams through a buffer, so a failed write surfaces late;
// it must still be returned, not lost in the buffer.
func TestThreatDragonReturnsTheErrorOfItsWriter(t *testing.T) {
	if err := WriteThreatDragon(failingWriter{}, pipelineInput(t)); !errors.Is(err, errFull) {
		t.Errorf("got %v, want %v", err, errFull)
	}
}

// Package reporttest builds the input of the report writers from an
// analyzer fixture, for the tests of report and its sub-packages: the
// fixture is analysed by every analyzer, as `trustmap analyze` would. It
// lives outside report/ because it needs analyzers/all, which report must
// never reach.
package reporttest

import (
	"bytes"
	"io"
	"testing"

	"github.com/trustmap/trustmap/analyzers"
	anall "github.com/trustmap/trustmap/analyzers/all"
	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

// Input analyses the fixture file with every analyzer and returns what the
// writers get. The tool is trustmap "test", so goldens do not follow the
// version.
func Input(t testing.TB, file string) report.Input {
	t.Helper()
	snap, trust := analyzertest.Load(t, file)
	snap.Tool = graph.Tool{Name: "trustmap", Version: "test"}
	g := graph.Resolve(snap)
	res, err := analyzers.Run(g, trust, anall.Analyzers())
	if err != nil {
		t.Fatalf("analyzers: %v", err)
	}
	return report.Input{Report: report.Build(g, res), Graph: g, SnapshotFile: "snapshot.json"}
}

// Render runs a writer and returns what it wrote.
func Render(t testing.TB, write func(io.Writer, report.Input) error, in report.Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

package report_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/trustmap/trustmap/analyzers"
	anall "github.com/trustmap/trustmap/analyzers/all"
	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/golden"
	"github.com/trustmap/trustmap/report"
)

// fixtureInput analyses an analyzertest fixture with every analyzer and
// returns what the writers get.
func fixtureInput(t testing.TB, file string) report.Input {
	t.Helper()
	snap, trust := analyzertest.Load(t, file)
	g := graph.Resolve(snap)
	res, err := analyzers.Run(g, trust, anall.Analyzers())
	if err != nil {
		t.Fatalf("analyzers: %v", err)
	}
	return report.Input{Report: report.Build(g, res), Graph: g, SnapshotFile: "snapshot.json"}
}

// viewsInput is the rich fixture of testdata/views.yaml.
func viewsInput(t testing.TB) report.Input {
	t.Helper()
	return fixtureInput(t, filepath.Join("testdata", "views.yaml"))
}

func render(t testing.TB, write func(*bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// compareGolden compares got with testdata/name (go test ./report -update
// rewrites it).
func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got)
}

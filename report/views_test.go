package report_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/analyzers"
	anall "github.com/trustmap/trustmap/analyzers/all"
	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

// Golden files are rewritten with `go test ./report -update`. The flag is
// looked up rather than declared, so that several test files of this
// package may rely on it without declaring it twice.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updatingGoldens() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

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

// compareGolden compares got with testdata/name, or rewrites it with -update.
func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updatingGoldens() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update, then review the golden file)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", name, diff)
	}
}

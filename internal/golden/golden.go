// Package golden compares what a test produced with a golden file kept
// beside the test, and rewrites the file instead when the test binary runs
// with -update (`go test ./report/... -update`). A rewritten golden file
// is reviewed like code before it is committed: the diff is the change in
// behaviour.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The one -update flag of every test binary that imports this package.
var update = flag.Bool("update", false, "rewrite the golden files with what the tests produce (then review the diff)")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *update }

// Check compares got with the golden file at path (relative to the test's
// package directory). With -update it writes got to path instead, creating
// the directory if needed.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it, then review it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got; run the test with -update to accept the change, then review the diff):\n%s", path, diff)
	}
}

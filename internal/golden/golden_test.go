package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps what Check reports instead of
// failing the test that runs it.
type recorder struct {
	testing.TB
	errors, fatals []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) { r.fatals = append(r.fatals, fmt.Sprint(args...)) }

func TestCheckPassesOnTheSameBytesAndShowsTheDifferenceOtherwise(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.golden")
	if err := os.WriteFile(path, []byte("line one\nline two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	same := &recorder{TB: t}
	Check(same, path, []byte("line one\nline two\n"))
	if len(same.errors)+len(same.fatals) > 0 {
		t.Errorf("equal content reported: %v %v", same.errors, same.fatals)
	}
	other := &recorder{TB: t}
	Check(other, path, []byte("line one\nline 2\n"))
	if len(other.errors) != 1 || !strings.Contains(other.errors[0], "line two") || !strings.Contains(other.errors[0], "line 2") {
		t.Errorf("a difference is reported as %q, want one error showing both lines", other.errors)
	}
}

func TestCheckOfAMissingGoldenFileSaysHowToCreateIt(t *testing.T) {
	r := &recorder{TB: t}
	Check(r, filepath.Join(t.TempDir(), "missing.golden"), []byte("x"))
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "-update") {
		t.Errorf("missing file reported as %q, want one fatal naming -update", r.fatals)
	}
}

func TestCheckWithUpdateWritesTheFileAndItsDirectory(t *testing.T) {
	*update = true
	defer func() { *update = false }()
	path := filepath.Join(t.TempDir(), "new", "dir", "out.golden")
	r := &recorder{TB: t}
	Check(r, path, []byte("fresh\n"))
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "fresh\n" || len(r.errors)+len(r.fatals) > 0 {
		t.Errorf("after -update the file holds %q (%v), reports %v %v", got, err, r.errors, r.fatals)
	}
}

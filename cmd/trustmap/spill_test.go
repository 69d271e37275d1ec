package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

func TestScanOrgSpillsAccountsAndGetsTheSnapshotOfAnInMemoryCollection(t *testing.T) {
	srv := startOrg(t, fakeaws.OrgSpec{Seed: 11, Members: 9, Resources: 10, Suspended: 1, Unassumable: 1}, fakeaws.Options{Latency: -1})
	ep := []string{"--endpoint-url", srv.URL()}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where collectSpilled's temporary directory goes

	inMemory := filepath.Join(t.TempDir(), "snap.json")
	if code, _, stderr := runCLI(t, "", append(append([]string{"collect", "-o", inMemory}, orgScanArgs...), ep...)...); code != exitOK {
		t.Fatalf("collect --org -o: exit %d: %s", code, stderr)
	}
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "", append(append([]string{"scan", "--output-dir", out}, orgScanArgs...), ep...)...); code != exitOK {
		t.Fatalf("scan --org: exit %d: %s", code, stderr)
	}
	want, err := readSnapshotFile(inMemory)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readSnapshotFile(filepath.Join(out, "snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The number of calls is the run's (retries included), not a
	// function of the organization: two runs on one server may differ.
	if got.Calls < 100 {
		t.Errorf("scan --org counted %d calls", got.Calls)
	}
	got.Calls = want.Calls
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("scan --org's snapshot differs from collect --org's (-collect +scan):\n%s", d)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the temporary parts were not removed: %v", left)
	}

	// The parts do go through the temporary directory: without one, the
	// scan cannot run.
	t.Setenv("TMPDIR", filepath.Join(tmp, "missing"))
	code, _, stderr := runCLI(t, "", append(append([]string{"scan", "--output-dir", t.TempDir()}, orgScanArgs...), ep...)...)
	if code != exitFailed || !strings.Contains(stderr, "temporary directory for the accounts' parts") {
		t.Errorf("scan --org without a temporary directory: exit %d, stderr %q", code, stderr)
	}
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/internal/fakeaws"
	"github.com/trustmap/trustmap/internal/pgtest"
)

// The store: form of collect --output-dir, against both backends: SQLite
// in the test's temporary directory, and PostgreSQL in a fresh database
// of the server TRUSTMAP_TEST_POSTGRES names (.ci/run starts one). As in
// store/suite_test.go, the PostgreSQL half skips without it, except under
// CI=true, where it fails.

// partsStores runs test once per backend with a --store location of its
// own.
func partsStores(t *testing.T, test func(t *testing.T, storeLoc string)) {
	t.Run("sqlite", func(t *testing.T) { test(t, filepath.Join(t.TempDir(), "parts.db")) })
	t.Run("postgres", func(t *testing.T) { test(t, pgtest.Fresh(t, "tmcmd")) })
}

// collectShards runs shards i/n of the organization into the store, at
// store:prefix/{shard}, with extra arguments.
func collectShards(t *testing.T, storeLoc, prefix string, n int, shards []int, extra ...string) {
	t.Helper()
	for _, i := range shards {
		args := append(append([]string{"collect", "--store", storeLoc, "--shard", fmt.Sprintf("%d/%d", i, n), "--output-dir", "store:" + prefix + "/{shard}"}, orgScanArgs...), extra...)
		if code, _, stderr := runCLI(t, "", args...); code != exitOK {
			t.Fatalf("shard %d/%d into store:%s: exit %d: %s", i, n, prefix, code, stderr)
		}
	}
}

func TestShardsInTheStoreMergeAndAnalyzeToTheReportOfOneProcess(t *testing.T) {
	srv := startOrg(t, fakeaws.OrgSpec{Seed: 3, Members: 14, Resources: 12, Suspended: 1, Unassumable: 1}, fakeaws.Options{Latency: -1})
	ep := []string{"--endpoint-url", srv.URL()}
	one := t.TempDir()
	if code, _, stderr := runCLI(t, "", append(append([]string{"scan", "--no-store", "--output-dir", one}, orgScanArgs...), ep...)...); code != exitOK {
		t.Fatalf("scan --org: exit %d: %s", code, stderr)
	}
	want := viewOf(t, one)
	if len(want.Accounts) != 13 || len(want.EntryPoints) == 0 {
		t.Fatalf("the whole-organization scan saw %d accounts and %d entry points; want 13 and some", len(want.Accounts), len(want.EntryPoints))
	}
	partsStores(t, func(t *testing.T, storeLoc string) {
		// org-10 holds one other, one-shard scan: org-1 must not read it
		// as more shards of its own.
		collectShards(t, storeLoc, "org-10", 1, []int{0}, ep...)
		// Shard 1 first runs limited to s3 (a failed or partial run); its
		// rerun must replace every part it wrote.
		collectShards(t, storeLoc, "org-1", 3, []int{1}, append([]string{"--services", "s3"}, ep...)...)
		collectShards(t, storeLoc, "org-1", 3, []int{0, 1, 2}, ep...)

		base := t.TempDir()
		merged := filepath.Join(base, "org.json")
		if code, _, stderr := runCLI(t, "", "merge", "--store", storeLoc, "-o", merged, "store:org-1"); code != exitOK {
			t.Fatalf("merge store:org-1: exit %d: %s", code, stderr)
		}
		out := filepath.Join(base, "from-merge")
		if code, _, stderr := runCLI(t, "", "analyze", "-q", "--no-store", "--output-dir", out, merged); code != exitOK {
			t.Fatalf("analyze: exit %d: %s", code, stderr)
		}
		if d := cmp.Diff(want, viewOf(t, out)); d != "" {
			t.Errorf("3 shards in the store + merge differ from one process (-one +shards):\n%s", d)
		}
		// analyze reads the shards straight from the store, and records
		// the scan into the same store.
		out = filepath.Join(base, "from-analyze")
		if code, _, stderr := runCLI(t, "", "analyze", "-q", "--store", storeLoc, "--output-dir", out, "store:org-1/0", "store:org-1/1", "store:org-1/2"); code != exitOK {
			t.Fatalf("analyze store:org-1/*: exit %d: %s", code, stderr)
		}
		if d := cmp.Diff(want, viewOf(t, out)); d != "" {
			t.Errorf("analyze of 3 shards in the store differs from one process (-one +shards):\n%s", d)
		}
	})
}

func TestMergeFromTheStoreRefusesAMissingOrDuplicatedShard(t *testing.T) {
	srv := startOrg(t, fakeaws.OrgSpec{Seed: 5, Members: 8, Resources: 8}, fakeaws.Options{Latency: -1})
	partsStores(t, func(t *testing.T, storeLoc string) {
		collectShards(t, storeLoc, "org", 3, []int{0, 2}, "--endpoint-url", srv.URL())
		out := filepath.Join(t.TempDir(), "org.json")
		code, _, stderr := runCLI(t, "", "merge", "--store", storeLoc, "-o", out, "store:org")
		if code != exitFailed || !strings.Contains(stderr, "shard 1/3 missing") {
			t.Errorf("merge without shard 1: exit %d, stderr %q; want a failure naming shard 1/3", code, stderr)
		}
		code, _, stderr = runCLI(t, "", "merge", "--store", storeLoc, "-o", out, "store:org", "store:org/2")
		if code != exitUsage || !strings.Contains(stderr, "shard 2/3 is given twice") {
			t.Errorf("merge with shard 2 twice: exit %d, stderr %q; want a refusal naming shard 2/3", code, stderr)
		}
		code, _, stderr = runCLI(t, "", "merge", "--store", storeLoc, "-o", out, "store:nothing-here")
		if code != exitUsage || !strings.Contains(stderr, "store:nothing-here holds no parts") {
			t.Errorf("merge of an empty prefix: exit %d, stderr %q; want a refusal naming it", code, stderr)
		}
		code, _, stderr = runCLI(t, "", "merge", "--store", storeLoc, "-o", out, "store:org//0")
		if code != exitUsage {
			t.Errorf("merge store:org//0: exit %d, stderr %q; want a usage error", code, stderr)
		}
		code, _, stderr = runCLI(t, "", "merge", "--store", storeLoc, "-o", out, t.TempDir())
		if code != exitUsage || !strings.Contains(stderr, "--store is only for store: locations") {
			t.Errorf("merge --store of a directory: exit %d, stderr %q; want a usage error", code, stderr)
		}
		if code, _, stderr = runCLI(t, "", "merge", "--allow-partial", "--store", storeLoc, "-o", out, "store:org"); code != exitOK {
			t.Fatalf("merge --allow-partial: exit %d: %s", code, stderr)
		}
		partialMerge(t, out, "1/3")
	})
}

func TestShardPartsInTheStoreCarryNoSecrets(t *testing.T) {
	srv := startOrg(t, fakeaws.OrgSpec{Seed: 9, Members: 6, Resources: 30}, fakeaws.Options{Latency: -1})
	t.Setenv("AWS_SECRET_ACCESS_KEY", secretScanKey)
	t.Setenv("AWS_SESSION_TOKEN", secretToken)
	base := t.TempDir()
	storeLoc := filepath.Join(base, "parts.db")
	for i := range 2 {
		args := append([]string{"-vv", "collect", "--store", storeLoc, "--shard", fmt.Sprintf("%d/2", i), "--output-dir", "store:sec/{shard}", "--endpoint-url", srv.URL()}, orgScanArgs[1:]...)
		code, stdout, stderr := runCLI(t, "", args...)
		if code != exitOK {
			t.Fatalf("shard %d: exit %d: %s", i, code, stderr)
		}
		checkNoSecret(t, "stdout and stderr", stdout+stderr)
	}
	if code, _, stderr := runCLI(t, "", "merge", "--store", storeLoc, "-o", filepath.Join(base, "org.json"), "store:sec"); code != exitOK {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	// The SQLite file (and its write-ahead log) hold the parts' bytes as
	// they are: a secret in a part would be in them.
	files, bytes, sawParts := 0, 0, false
	err := filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		files++
		bytes += len(data)
		checkNoSecret(t, path, string(data))
		sawParts = sawParts || (filepath.Ext(path) != ".json" && strings.Contains(string(data), `"schema_version"`))
		return err
	})
	if err != nil || files < 2 || bytes < 10000 || !sawParts {
		t.Fatalf("walked %d files, %d bytes, parts' JSON in the store %v: %v", files, bytes, sawParts, err)
	}
}

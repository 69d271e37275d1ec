package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trustmap/trustmap/internal/demo"
	"github.com/trustmap/trustmap/internal/fakeaws"
	"github.com/trustmap/trustmap/report"
	"github.com/trustmap/trustmap/store"
)

// runWith runs the CLI with the environment of another test (a parent's
// history store in its subtests).
func runWith(getenv func(string) string, now time.Time, args ...string) (int, string, string) {
	var out, errb syncBuffer
	e := env{stdout: &out, stderr: &errb, now: func() time.Time { return now }, getenv: getenv}
	code := runRoot(context.Background(), newRootCmd(e), args, e)
	return code, out.String(), errb.String()
}

// publicLedger is the demo with bucket acme-ledger made public: Block
// Public Access switched off and a policy granting s3:GetObject to "*".
func publicLedger(t *testing.T) string {
	t.Helper()
	old := `        - name: acme-ledger
          region: us-east-1
          ownership: BucketOwnerEnforced
          public_access_block: {block_public_acls: true, ignore_public_acls: true, block_public_policy: true, restrict_public_buckets: true}
`
	fx := string(demo.Fixture)
	if !strings.Contains(fx, old) {
		t.Fatal("the demo fixture no longer holds acme-ledger as this test expects")
	}
	return strings.Replace(fx, old, `        - name: acme-ledger
          region: us-east-1
          ownership: BucketOwnerEnforced
          policy_is_public: true
          policy:
            Version: "2012-10-17"
            Statement:
              - {Sid: Oops, Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: "arn:aws:s3:::acme-ledger/*"}
`, 1)
}

// TestHistoryWalkthroughOnTheDemo scans the demo three times, a day
// apart: as shipped, with bucket acme-ledger made public, and with it
// fixed. The reports, `history`, `history EP-…` and `diff --since` tell
// that story. With TRUSTMAP_WALKTHROUGH_DIR set, every output is kept
// there (the closing note of issue 14 quotes them).
func TestHistoryWalkthroughOnTheDemo(t *testing.T) {
	keep := os.Getenv("TRUSTMAP_WALKTHROUGH_DIR")
	save := func(name, text string) {
		if keep != "" {
			os.MkdirAll(keep, 0o755)
			os.WriteFile(filepath.Join(keep, name), []byte(text), 0o644)
		}
	}
	world, err := fakeaws.ParseFixture(demo.Fixture, "demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	useCredentials(t, demo.AccessKeyID(world), "demo-secret-not-a-real-key", "")
	ge := testGetenv(t) // one store for the test and its subtests
	storePath := testStorePath(t)
	runAt := func(_ *testing.T, now time.Time, args ...string) (int, string, string) {
		return runWith(ge, now, args...)
	}
	days := []time.Time{
		time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC),
	}
	fixtures := []string{string(demo.Fixture), publicLedger(t), string(demo.Fixture)}
	var reps []*report.Report
	for i, fx := range fixtures {
		srv, _ := serveFixture(t, fx, fakeaws.Options{})
		dir := t.TempDir()
		if keep != "" {
			dir = filepath.Join(keep, "scan"+string(rune('1'+i)))
		}
		args := []string{"scan", "--endpoint-url", srv.URL(), "--output-dir", dir, "--store-snapshots"}
		want := exitOK
		if i < 2 {
			// The gate against the store's last complete scan: nothing
			// to compare with first, then the public ledger is new.
			args = append(args, "--fail-on-new")
		}
		if i == 1 {
			want = exitFindings
		}
		code, stdout, stderr := runAt(t, days[i], args...)
		if code != want {
			t.Fatalf("scan %d: exit %d, want %d; stderr:\n%s", i+1, code, want, stderr)
		}
		if i == 1 && !regexp.MustCompile(`--fail-on-new: compared with the last complete scan S-[0-9a-f]{12} \(2026-11-25 03:00 UTC\), .*new entry point EP-[0-9a-f]{12} \(high\): public access to arn:aws:s3:::acme-ledger`).MatchString(stderr) {
			t.Errorf("scan 2's gate does not name the ledger:\n%s", stderr)
		}
		save("scan"+string(rune('1'+i))+".out", stdout+stderr)
		reps = append(reps, loadReportFile(t, dir))
	}
	var ledger string
	for _, ep := range reps[1].EntryPoints {
		if ep.ResourceARN == "arn:aws:s3:::acme-ledger" {
			ledger = ep.ID
		}
	}
	if ledger == "" {
		t.Fatal("the second scan does not find the public acme-ledger")
	}

	t.Run("the second report lists the ledger as new, the third as resolved", func(t *testing.T) {
		h1, h2, h3 := reps[0].History, reps[1].History, reps[2].History
		if h1 == nil || h2 == nil || h3 == nil {
			t.Fatal("a report has no history section")
		}
		if h1.PreviousScan != nil || h2.PreviousScan == nil || h2.PreviousScan.ID != h1.ScanID || h3.ScansRecorded != 3 {
			t.Errorf("previous scans: %+v, %+v; recorded %d", h1.PreviousScan, h2.PreviousScan, h3.ScansRecorded)
		}
		if !hasItem(h2.New, "entry_point", ledger) || hasItem(h2.Resolved, "entry_point", ledger) {
			t.Errorf("history.new of scan 2 = %v", h2.New)
		}
		if !hasItem(h3.Resolved, "entry_point", ledger) || len(h3.New) != 0 {
			t.Errorf("scan 3: new %v, resolved %v", h3.New, h3.Resolved)
		}
		for _, a := range h3.EntryPoints {
			if a.FirstSeen != days[0] || a.AgeDays != 2 {
				t.Errorf("%s: first seen %v, age %d; want the first scan, 2 days", a.ID, a.FirstSeen, a.AgeDays)
			}
		}
		pts := h3.Trend[0].Points
		if len(pts) != 3 || pts[0].Public != 26 || pts[1].Public != 27 || pts[2].Public != 26 {
			t.Errorf("trend %+v, want public 26 → 27 → 26", pts)
		}
	})

	t.Run("history lists the three scans with what each added and resolved", func(t *testing.T) {
		code, out, stderr := runAt(t, days[2], "history")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		save("history.txt", out)
		for _, want := range []string{h(reps[0]), h(reps[1]), h(reps[2]), "+41", "+1", "-1", "public", "26 → 26"} {
			if !strings.Contains(out, want) {
				t.Errorf("history does not say %q:\n%s", want, out)
			}
		}
	})

	t.Run("history EP-… tells when the ledger appeared and was resolved", func(t *testing.T) {
		code, out, stderr := runAt(t, days[2], "history", ledger)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		save("history-ledger.txt", out)
		for _, re := range []string{`2026-11-26 03:00 UTC\s+S-[0-9a-f]{12}\s+appeared\s+high public via bucket-policy for \*`,
			`2026-11-27 03:00 UTC\s+S-[0-9a-f]{12}\s+resolved`, `status\s+resolved 2026-11-27`, `times seen\s+1`} {
			if !regexp.MustCompile(re).MatchString(out) {
				t.Errorf("the timeline does not match %s:\n%s", re, out)
			}
		}
		code, out, _ = runAt(t, days[2], "history", h(reps[1]))
		save("history-scan2.txt", out)
		if code != exitOK || !strings.Contains(out, "+ entry point "+ledger) {
			t.Errorf("history of scan 2 (exit %d):\n%s", code, out)
		}
	})

	t.Run("diff --since compares with the store", func(t *testing.T) {
		code, out, _ := runAt(t, days[2], "diff", "--since", "2026-11-25")
		save("diff-since-first.txt", out)
		if code != exitOK || !strings.Contains(out, "no differences") {
			t.Errorf("first vs last (exit %d):\n%s", code, out)
		}
		code, out, _ = runAt(t, days[2], "diff", "--since", h(reps[1]))
		save("diff-since-second.txt", out)
		if code != exitOK || !strings.Contains(out, "- "+ledger) {
			t.Errorf("second vs last (exit %d):\n%s", code, out)
		}
		code, out, _ = runAt(t, days[2], "diff", "--since", "2026-11-25", "--fail-on-new", "--output", "md", filepath.Join(t.TempDir(), "none.json"))
		if code != exitUsage {
			t.Errorf("a missing NEW file: exit %d, want 2:\n%s", code, out)
		}
		if code, _, stderr := runAt(t, days[2], "diff", "--since", "2020-01-01"); code != exitUsage || !strings.Contains(stderr, "no scan at or before 2020-01-01") {
			t.Errorf("a date before every scan: exit %d, %s", code, stderr)
		}
	})

	t.Run("the store kept the snapshots, compressed", func(t *testing.T) {
		s, err := store.Open(context.Background(), storePath)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		gz, err := s.Snapshot(context.Background(), h(reps[1]))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(zr)
		if !bytes.Contains(raw, []byte(`"Sid": "Oops"`)) && !bytes.Contains(raw, []byte(`Oops`)) {
			t.Errorf("the stored snapshot of scan 2 lacks the ledger's policy (%d bytes)", len(raw))
		}
	})

	t.Run("prune keeps the ages", func(t *testing.T) {
		code, out, stderr := runAt(t, days[2], "history", "prune", "--keep", "36h")
		if code != exitOK || !strings.Contains(out, "removed 1 scans") {
			t.Fatalf("exit %d: %s %s", code, out, stderr)
		}
		code, out, _ = runAt(t, days[2], "history", "--output", "json")
		if code != exitOK || strings.Contains(out, h(reps[0])) {
			t.Errorf("the first scan is still listed:\n%s", out)
		}
		if code, _, stderr := runAt(t, days[2], "history", "prune", "--keep", "soon"); code != exitUsage {
			t.Errorf("--keep soon: exit %d %s", code, stderr)
		}
	})
}

// h returns a report's scan id in the store.
func h(r *report.Report) string { return r.History.ScanID }

func hasItem(items []report.HistoryItem, kind, id string) bool {
	for _, it := range items {
		if it.Kind == kind && it.ID == id {
			return true
		}
	}
	return false
}

func TestAStoreThatCannotBeOpenedIsExit3AfterTheReportIsWritten(t *testing.T) {
	dir := t.TempDir()
	notADir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notADir, []byte("x"), 0o600)
	code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", dir, "--store", filepath.Join(notADir, "history.db"))
	if code != exitFailed {
		t.Fatalf("exit %d, want 3; stderr:\n%s", code, stderr)
	}
	if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "history store") {
		t.Errorf("stderr is not one line about the store:\n%s", stderr)
	}
	rep := loadReportFile(t, dir)
	if rep.History != nil || len(rep.EntryPoints) == 0 {
		t.Errorf("the report was not written, or claims a history")
	}
	// A PostgreSQL URL nothing answers at: the same, and no password in
	// the message.
	code, _, stderr = runCLI(t, "", "analyze", filepath.Join(dir, "snapshot.json"), "-q", "--output-dir", t.TempDir(),
		"--store", "postgres://tm:hunter2@127.0.0.1:1/hist?connect_timeout=2")
	if code != exitFailed || strings.Contains(stderr, "hunter2") || !strings.Contains(stderr, "postgres://tm:xxxxx@127.0.0.1:1/hist") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "--no-store", "--store", "x.db", "--output-dir", dir); code != exitUsage {
		t.Errorf("--no-store with --store: exit %d %s", code, stderr)
	}
}

func TestNoStoreWritesNoHistory(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--no-store", "--output-dir", dir); code != exitOK {
		t.Fatalf("exit %d %s", code, stderr)
	}
	if loadReportFile(t, dir).History != nil {
		t.Error("a --no-store report has a history section")
	}
	if _, err := os.Stat(testStorePath(t)); err == nil {
		t.Error("--no-store created the store")
	}
}

// storeTexts returns what a SQLite history store holds, for the secrets
// test: its files as bytes on disk, and every snapshot it keeps,
// decompressed.
func storeTexts(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range []string{path, path + "-wal"} {
		if data, err := os.ReadFile(f); err == nil {
			out[filepath.Base(f)] = string(data)
		}
	}
	if out["history.db"] == "" {
		t.Fatalf("no history store at %s", path)
	}
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	scans, err := s.Scans(context.Background(), store.ScanQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scans {
		gz, err := s.Snapshot(context.Background(), sc.ID)
		if err != nil {
			t.Fatalf("scan %s: %v", sc.ID, err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		out["stored snapshot "+sc.ID] = string(raw)
	}
	return out
}

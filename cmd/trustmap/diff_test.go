package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/report"
)

// The diff fixtures: one account, three public or shared buckets a week
// apart. acme-steady is the same in both; acme-retired is gone from the
// new scan; acme-launch is new; acme-shared went from "partner
// 111122223333 may read" to "anyone may read and write".
var (
	diffOld = filepath.Join("testdata", "diff-old.snapshot.json")
	diffNew = filepath.Join("testdata", "diff-new.snapshot.json")
)

func readReport(t *testing.T, path string) *report.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// analyzeTo analyses a snapshot into a fresh directory and returns it.
func analyzeTo(t *testing.T, snapshot string, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "", append([]string{"analyze", snapshot, "-q", "--output-dir", dir}, args...)...)
	if code != exitOK {
		t.Fatalf("analyze %s: exit %d: %s", snapshot, code, stderr)
	}
	return dir
}

func entryPointIDs(r *report.Report, pick func(arn string) bool) []string {
	var ids []string
	for _, ep := range r.EntryPoints {
		if pick(ep.ResourceARN) {
			ids = append(ids, ep.ID)
		}
	}
	return ids
}

func TestDiffOfTwoSnapshotsShowsOneAddedOneRemovedOneChangedEntryPoint(t *testing.T) {
	code, out, stderr := runCLI(t, "", "diff", diffOld, diffNew, "--output", "json")
	if code != exitOK {
		t.Fatalf("exit %d (want 0 without --fail-on-new): %s", code, stderr)
	}
	var d report.DiffResult
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	arns := func(eps []string) []string { return eps }
	var added, removed []string
	for _, e := range d.EntryPoints.Added {
		added = append(added, e.ResourceARN)
	}
	for _, e := range d.EntryPoints.Removed {
		removed = append(removed, e.ResourceARN)
	}
	if diff := cmp.Diff([]string{"arn:aws:s3:::acme-launch"}, arns(added)); diff != "" {
		t.Errorf("added entry points (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"arn:aws:s3:::acme-retired"}, arns(removed)); diff != "" {
		t.Errorf("removed entry points (-want +got):\n%s", diff)
	}
	if len(d.EntryPoints.Changed) != 1 {
		t.Fatalf("changed entry points: %+v, want exactly acme-shared", d.EntryPoints.Changed)
	}
	c := d.EntryPoints.Changed[0]
	if !strings.HasPrefix(c.Subject, "arn:aws:s3:::acme-shared ") || !c.Worse {
		t.Errorf("changed entry point %+v, want acme-shared, worse", c)
	}
	got := map[string]string{}
	for _, f := range c.Fields {
		got[f.Field] = f.Description
	}
	want := map[string]string{
		"exposure":   "exposure cross-account → public",
		"principals": "principals +* −111122223333",
		"actions":    "actions +s3:PutObject",
		"severity":   "severity medium → critical",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("field changes of acme-shared (-want +got):\n%s", diff)
	}
	if len(d.Threats.Changed) != 1 || !d.Threats.Changed[0].Worse {
		t.Errorf("threat changes %+v, want acme-shared's threat, worse", d.Threats.Changed)
	}
	if !d.Worse() {
		t.Errorf("no regressions reported")
	}
}

func TestDiffTextAndMarkdownMatchTheirGoldenFiles(t *testing.T) {
	for _, tc := range []struct{ output, golden string }{{"text", "diff.txt"}, {"md", "diff.md"}} {
		t.Run(tc.output, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", "diff", diffOld, diffNew, "--output", tc.output)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden(t, tc.golden, []byte(out))
		})
	}
}

func TestDiffExitCodes(t *testing.T) {
	malformed := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(malformed, []byte("{\"schema_version\": \"1.0\",\n  \"entry_points\": [}\n"), 0o600)
	foreign := filepath.Join(t.TempDir(), "foreign.json")
	os.WriteFile(foreign, []byte(`{"hello": "world"}`), 0o600)
	future := filepath.Join(t.TempDir(), "future.json")
	os.WriteFile(future, []byte(`{"schema_version": "2.0", "entry_points": []}`), 0o600)
	cases := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"two identical scans exit 0 even with --fail-on-new", []string{"diff", "--fail-on-new", diffOld, diffOld}, exitOK, ""},
		{"something new exits 0 without --fail-on-new", []string{"diff", diffOld, diffNew}, exitOK, ""},
		{"something new exits 1 with --fail-on-new", []string{"diff", "--fail-on-new", diffOld, diffNew}, exitFindings, "new entry point EP-"},
		{"malformed JSON names the file, line and column", []string{"diff", malformed, diffNew}, exitUsage, malformed + ": line 2, column 20"},
		{"a file that is neither report nor snapshot is refused", []string{"diff", diffOld, foreign}, exitUsage, foreign + ": no schema_version"},
		{"a report of another major version is refused", []string{"diff", future, diffNew}, exitUsage, `schema_version "2.0"`},
		{"a missing file is a usage error", []string{"diff", diffOld, "/nonexistent/report.json"}, exitUsage, "no such file"},
		{"an unknown output format is a usage error", []string{"diff", "--output", "xml", diffOld, diffNew}, exitUsage, "--output"},
		{"one argument is a usage error", []string{"diff", diffOld}, exitUsage, "diff needs OLD and NEW, or --since"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.contains) {
				t.Errorf("stderr %q does not say %q", stderr, tc.contains)
			}
			if stderr != "" && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("stderr is more than one line:\n%s", stderr)
			}
		})
	}
}

func TestDiffReadsReportsAndSnapshotsAlike(t *testing.T) {
	oldRep := filepath.Join(analyzeTo(t, diffOld), "report.json")
	newRep := filepath.Join(analyzeTo(t, diffNew), "report.json")
	var outs []string
	for _, args := range [][2]string{{diffOld, diffNew}, {oldRep, newRep}, {oldRep, diffNew}, {diffOld, newRep}} {
		code, out, stderr := runCLI(t, "", "diff", "--output", "json", args[0], args[1])
		if code != exitOK {
			t.Fatalf("diff %s %s: exit %d: %s", args[0], args[1], code, stderr)
		}
		var d report.DiffResult
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		d.Old.Source, d.New.Source = "", ""
		b, _ := json.Marshal(d)
		outs = append(outs, string(b))
	}
	for i := 1; i < len(outs); i++ {
		if diff := cmp.Diff(outs[0], outs[i]); diff != "" {
			t.Errorf("diff #%d differs from the snapshot diff:\n%s", i, diff)
		}
	}
}

func TestScanAndAnalyzeGates(t *testing.T) {
	oldRep := filepath.Join(analyzeTo(t, diffOld), "report.json")
	incomplete := filepath.Join(t.TempDir(), "incomplete.json")
	data, _ := os.ReadFile(diffNew)
	data = []byte(strings.Replace(string(data), `"complete": true`, `"complete": false, "incomplete_reason": "timed out"`, 1))
	os.WriteFile(incomplete, data, 0o600)
	cases := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"--fail-on high fails on an unrecognized high entry point", []string{"analyze", diffOld, "--fail-on", "high"}, exitFindings, "--fail-on high: "},
		{"--fail-on critical passes when nothing is critical", []string{"analyze", diffOld, "--fail-on", "critical"}, exitOK, ""},
		{"--fail-on critical fails once a bucket is open to writes", []string{"analyze", diffNew, "--fail-on", "critical"}, exitFindings, "EP-e0e2c47b5fa0"},
		{"--fail-on takes only a severity", []string{"analyze", diffOld, "--fail-on", "severe"}, exitUsage, "--fail-on: unknown severity"},
		{"--fail-on-new needs --baseline or the history store", []string{"analyze", diffNew, "--fail-on-new", "--no-store"}, exitUsage, "--fail-on-new needs --baseline"},
		{"--fail-on-new with a new history store has nothing to compare with", []string{"analyze", diffNew, "--fail-on-new"}, exitOK, "no earlier complete scan"},
		{"--fail-on-new passes when nothing changed", []string{"analyze", diffOld, "--baseline", oldRep, "--fail-on-new"}, exitOK, ""},
		{"--fail-on-new fails on a new entry point", []string{"analyze", diffNew, "--baseline", oldRep, "--fail-on-new"}, exitFindings, "new entry point EP-424b537490c4"},
		{"the baseline alone recognizes, it does not fail", []string{"analyze", diffNew, "--baseline", oldRep}, exitOK, ""},
		{"an incomplete scan keeps exit 4 and mentions the gate", []string{"analyze", incomplete, "--fail-on", "low"}, exitIncomplete, "also --fail-on low"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			code, _, stderr := runCLI(t, "", append(tc.args, "-q", "--output-dir", dir)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.contains) {
				t.Errorf("stderr %q does not say %q", stderr, tc.contains)
			}
			if stderr != "" && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("stderr is more than one line:\n%s", stderr)
			}
			if tc.code == exitFindings || tc.code == exitIncomplete {
				for _, f := range []string{"report.json", "report.md", "report.html"} {
					if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
						t.Errorf("a gate that fails must still write every report: %v", err)
					}
				}
			}
		})
	}
}

func TestFormatsTakeAnyListAndDefaultToJSONMarkdownAndHTML(t *testing.T) {
	t.Run("the default writes report.json, report.md and report.html", func(t *testing.T) {
		dir := analyzeTo(t, diffNew)
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if diff := cmp.Diff([]string{"report.html", "report.json", "report.md"}, names); diff != "" {
			t.Errorf("files (-want +got):\n%s", diff)
		}
	})
	t.Run("every view can be asked for, each owner-only", func(t *testing.T) {
		dir := t.TempDir()
		code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", dir, "--format", "json,md,html,mermaid,dot")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, f := range []string{"report.json", "report.md", "report.html", "report.mmd", "report.dot", "snapshot.json"} {
			st, err := os.Stat(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v, want 0600", f, st.Mode().Perm())
			}
		}
		page, _ := os.ReadFile(filepath.Join(dir, "report.html"))
		// Its one inline script (allowed by hash; report/html tests it) and no other.
		if !strings.Contains(string(page), "acme-public-assets") || strings.Count(string(page), "<script") != 1 || strings.Contains(string(page), "<script src") {
			t.Errorf("report.html does not show the demo's buckets, or holds a script of its own")
		}
		mmd, _ := os.ReadFile(filepath.Join(dir, "report.mmd"))
		if !strings.HasPrefix(string(mmd), "%%") || !strings.Contains(string(mmd), "flowchart LR") {
			t.Errorf("report.mmd is not a Mermaid flowchart")
		}
		dot, _ := os.ReadFile(filepath.Join(dir, "report.dot"))
		if !strings.Contains(string(dot), `digraph "trustmap"`) {
			t.Errorf("report.dot is not a DOT digraph")
		}
	})
}

// ids lists every stable id a report holds, by kind.
func ids(r *report.Report) map[string][]string {
	out := map[string][]string{}
	for _, e := range r.EntryPoints {
		out["entry_points"] = append(out["entry_points"], e.ResourceARN+" "+e.Via.String()+" = "+e.ID)
	}
	for _, c := range r.Boundaries {
		out["boundaries"] = append(out["boundaries"], c.From+" "+c.Kind.String()+" "+c.To+" = "+c.ID)
	}
	for _, f := range r.Findings {
		out["findings"] = append(out["findings"], f.ID)
	}
	for _, t := range r.Threats {
		out["threats"] = append(out["threats"], t.ResourceARN+" = "+t.ID)
	}
	for _, p := range r.AttackPaths {
		out["attack_paths"] = append(out["attack_paths"], p.Target+" = "+p.ID)
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

func TestIDsAreStableAcrossScans(t *testing.T) {
	t.Run("scanning the demo twice gives the same ids", func(t *testing.T) {
		var got []map[string][]string
		for range 2 {
			dir := t.TempDir()
			if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", dir, "--format", "json"); code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			got = append(got, ids(readReport(t, filepath.Join(dir, "report.json"))))
		}
		if len(got[0]["entry_points"]) == 0 || len(got[0]["findings"]) == 0 || len(got[0]["threats"]) == 0 {
			t.Fatalf("the demo report has no ids to compare: %v", got[0])
		}
		if diff := cmp.Diff(got[0], got[1]); diff != "" {
			t.Errorf("ids changed between two scans (-first +second):\n%s", diff)
		}
	})
	t.Run("a change that renames nothing changes no id", func(t *testing.T) {
		// Same account, nodes listed in reverse order, an unrelated
		// private bucket added and a later scan time.
		var snap map[string]any
		data, _ := os.ReadFile(diffOld)
		if err := json.Unmarshal(data, &snap); err != nil {
			t.Fatal(err)
		}
		nodes := snap["nodes"].([]any)
		slices.Reverse(nodes)
		nodes = append(nodes, map[string]any{"id": "arn:aws:s3:::acme-unrelated", "kind": "S3Bucket", "name": "acme-unrelated", "account": "123456789012",
			"s3_bucket": map[string]any{"policy": map[string]any{"state": "false"}, "acl": map[string]any{"state": "false"}, "public_access_block": map[string]any{"configured": "false"}}})
		snap["nodes"] = nodes
		snap["scanned_at"] = "2026-12-24T08:30:00Z"
		perturbed := filepath.Join(t.TempDir(), "snapshot.json")
		b, _ := json.MarshalIndent(snap, "", "  ")
		os.WriteFile(perturbed, b, 0o600)

		before := ids(readReport(t, filepath.Join(analyzeTo(t, diffOld), "report.json")))
		after := ids(readReport(t, filepath.Join(analyzeTo(t, perturbed), "report.json")))
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("ids changed though nothing was renamed (-before +after):\n%s", diff)
		}
	})
	t.Run("an entry point keeps its id when its principals change", func(t *testing.T) {
		oldIDs := entryPointIDs(readReport(t, filepath.Join(analyzeTo(t, diffOld), "report.json")), func(a string) bool { return strings.HasSuffix(a, ":acme-shared") })
		newIDs := entryPointIDs(readReport(t, filepath.Join(analyzeTo(t, diffNew), "report.json")), func(a string) bool { return strings.HasSuffix(a, ":acme-shared") })
		if len(oldIDs) != 1 || !slices.Equal(oldIDs, newIDs) {
			t.Errorf("acme-shared's entry point ids: %v then %v", oldIDs, newIDs)
		}
	})
}

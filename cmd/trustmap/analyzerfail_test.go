package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustmap/trustmap/analyzers"
	anall "github.com/trustmap/trustmap/analyzers/all"
	"github.com/trustmap/trustmap/analyzers/paths"
	"github.com/trustmap/trustmap/report"
)

// Issue 11.7: an analyzer that fails is in report.json, like a coverage gap
// of its own kind, the report says it is incomplete, and the exit code is 4
// — not a warning on stderr and exit 0. The other analyzers' results stay.
func TestAFailedAnalyzerIsInTheReportAndTheRunIsIncomplete(t *testing.T) {
	broken := *paths.Analyzer // the paths analyzer, failing
	broken.Run = func(*analyzers.Pass) (any, error) { return nil, errors.New("out of patience") }
	var list []*analyzers.Analyzer
	for _, a := range anall.Analyzers() {
		if a == paths.Analyzer {
			a = &broken
		}
		list = append(list, a)
	}
	// threats requires paths: swap its requirement too.
	for i, a := range list {
		for j, r := range a.Requires {
			if r == paths.Analyzer {
				cp := *a
				cp.Requires = append([]*analyzers.Analyzer(nil), a.Requires...)
				cp.Requires[j] = &broken
				list[i] = &cp
			}
		}
	}
	dir := t.TempDir()
	var out, errb bytes.Buffer
	e := env{stdout: &out, stderr: &errb, now: fixedNow, analyzers: list}
	code := runRoot(context.Background(), newRootCmd(e), []string{"scan", "--demo", "-q", "--output-dir", dir, "--format", "json"}, e)
	if code != exitIncomplete {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitIncomplete, errb.String())
	}
	if !strings.Contains(errb.String(), "analysis incomplete (analyzer paths failed; analyzer threats failed)") {
		t.Errorf("stderr %q does not say which analyzers failed", errb.String())
	}
	raw, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Complete         bool   `json:"complete"`
		IncompleteReason string `json:"incomplete_reason"`
		Coverage         []struct {
			Service, API, Status, Error string
		} `json:"coverage"`
		EntryPoints []json.RawMessage `json:"entry_points"`
		AttackPaths []json.RawMessage `json:"attack_paths"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Complete {
		t.Errorf("complete = true")
	}
	var gaps []string
	for _, c := range rep.Coverage {
		if c.Status == "analyzer-error" {
			gaps = append(gaps, c.API+": "+c.Error)
		}
	}
	want := "analyzer paths: out of patience|analyzer threats: skipped: a required analyzer failed"
	if strings.Join(gaps, "|") != want {
		t.Errorf("analyzer gaps %q, want %q", strings.Join(gaps, "|"), want)
	}
	if len(rep.EntryPoints) == 0 || len(rep.AttackPaths) != 0 {
		t.Errorf("entry points %d (want the exposure analyzer's), attack paths %d (want none)", len(rep.EntryPoints), len(rep.AttackPaths))
	}
	if err := report.Validate(raw); err != nil {
		t.Errorf("report.json does not match its schema: %v", err)
	}
}

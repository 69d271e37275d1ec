// Package analyzertest runs one analyzer over snapshot fixtures and compares
// what it reports with golden files beside them, in the manner of
// golang.org/x/tools/go/analysis/analysistest.
//
// A fixture is testdata/NAME.yaml: a trustmap snapshot written as YAML
// (policy documents as block strings), plus an optional `trust:` section
// (known_accounts: {id: name}, organizations, expected_public: {arn:
// reason}, baseline: [ids]). The analyzer and everything it requires run
// over the resolved graph; its findings and result are written as indented
// JSON to testdata/NAME.golden. Run `go test -update` to rewrite goldens,
// then review them like code.
package analyzertest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/graph"
)

var update = flag.Bool("update", false, "rewrite golden files")

type fixture struct {
	Trust struct {
		KnownAccounts  map[string]string `yaml:"known_accounts"`
		Organizations  []string          `yaml:"organizations"`
		ExpectedPublic map[string]string `yaml:"expected_public"`
		Baseline       []string          `yaml:"baseline"`
	} `yaml:"trust"`
	Snapshot map[string]any `yaml:"snapshot"`
}

// Output is what a golden file holds.
type Output struct {
	Findings []analyzers.Finding `json:"findings"`
	Result   any                 `json:"result,omitempty"`
}

// Run runs a over every fixture in dir and compares with the goldens.
func Run(t *testing.T, a *analyzers.Analyzer, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s", dir)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			got := RunFixture(t, a, file)
			golden := strings.TrimSuffix(file, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update, then review the golden file)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s (-golden +got):\n%s", golden, diff)
			}
		})
	}
}

// RunFixture runs a over one fixture and returns the golden-file bytes.
func RunFixture(t *testing.T, a *analyzers.Analyzer, file string) []byte {
	t.Helper()
	snap, trust := Load(t, file)
	g := graph.Resolve(snap)
	res, err := analyzers.Run(g, trust, closure(a))
	if err != nil {
		t.Fatalf("analyzers: %v", err)
	}
	var out Output
	out.Findings = []analyzers.Finding{}
	for _, f := range res.Findings {
		if f.Analyzer == a.Name {
			out.Findings = append(out.Findings, f)
		}
	}
	out.Result = res.ResultOf[a]
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Load reads a fixture into a snapshot and a trust config.
func Load(t testing.TB, file string) (*graph.Snapshot, *analyzers.Trust) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var fx fixture
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fx); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if fx.Snapshot["schema_version"] == nil {
		fx.Snapshot["schema_version"] = graph.SchemaVersion
	}
	raw, err := json.Marshal(fx.Snapshot)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	snap, err := graph.ReadSnapshot(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if snap.ScannedAt.IsZero() {
		snap.ScannedAt = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	}
	trust := &analyzers.Trust{
		KnownAccounts:  fx.Trust.KnownAccounts,
		OrgIDs:         fx.Trust.Organizations,
		ExpectedPublic: fx.Trust.ExpectedPublic,
		Baseline:       map[string]bool{},
		BaselineName:   "fixture baseline",
		Now:            snap.ScannedAt,
	}
	for _, id := range fx.Trust.Baseline {
		trust.Baseline[id] = true
	}
	return snap, trust
}

// closure returns a and everything it requires, dependencies first.
func closure(a *analyzers.Analyzer) []*analyzers.Analyzer {
	var out []*analyzers.Analyzer
	seen := map[*analyzers.Analyzer]bool{}
	var visit func(*analyzers.Analyzer)
	visit = func(x *analyzers.Analyzer) {
		if seen[x] {
			return
		}
		seen[x] = true
		for _, r := range x.Requires {
			visit(r)
		}
		out = append(out, x)
	}
	visit(a)
	return out
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestScanWritesEveryInterchangeFormatAskedFor(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", dir, "--format", "json,otm,otm-yaml,threatdragon,sarif,asff")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, f := range []string{"report.otm.json", "report.threatdragon.json", "report.sarif", "report.asff.json"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(data) {
			t.Errorf("%s is not JSON", f)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.otm.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var otm map[string]any
	if err := yaml.Unmarshal(data, &otm); err != nil || otm["otmVersion"] != "0.2.0" {
		t.Errorf("report.otm.yaml: %v, otmVersion %v", err, otm["otmVersion"])
	}
	sarif, _ := os.ReadFile(filepath.Join(dir, "report.sarif"))
	if !strings.Contains(string(sarif), `"uri": "snapshot.json"`) {
		t.Error("SARIF results do not point at the snapshot written beside them")
	}
	if _, err := os.Stat(filepath.Join(dir, "snapshot.json")); err != nil {
		t.Error(err)
	}
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustmap/trustmap/graph"
)

// Every malformed input file is one line on stderr naming the file and
// where in it the problem is, and exit code 2.
func TestAMalformedInputFileIsOneLineNamingTheFileAndPosition(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	snapSyntax := write("snap-syntax.json", "{\"schema_version\": 1,\n \"nodes\": [\n  {\"id\": \"a\"},\n  {\"id\": x}]}")
	snapType := write("snap-type.json", "{\"schema_version\": 1,\n \"nodes\": [\n  {\"id\": \"a\", \"kind\": 5}]}")
	snapCut := write("snap-cut.json", "{\"schema_version\": 1,\n \"nodes\": [{\"id\": \"a\"")
	snapVersion := write("snap-v9.json", `{"schema_version": 9}`)
	cfgSyntax := write("trust-syntax.yaml", "version: 1\nknown_accounts:\n  - id: \"111122223333\"\n    name: [x\n")
	cfgFields := write("trust-fields.yaml", "version: 1\nknown_acounts: []\nexpected_public:\n  - resource: arn:aws:s3:::x\n    reasonx: y\n")
	cfgValue := write("trust-value.yaml", "known_accounts:\n  - {id: \"1234\", name: x}\n")
	baseJSON := write("base-syntax.json", "{\"schema_version\": \"1.0\",\n \"entry_points\": [ {\"id\": \"x\"}, }")
	baseType := write("base-type.json", "{\"schema_version\": \"1.0\",\n \"entry_points\": [ {\"id\": 5} ]}")
	baseYAML := write("base.otm.yaml", "otmVersion: 0.2.0\ncomponents:\n  - id: [\n")
	baseNeither := write("base-neither.json", `{"hello": 1}`)

	out := filepath.Join(dir, "out")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"a snapshot with a syntax error", []string{"analyze", snapSyntax}, snapSyntax + ": snapshot: line 4, column 10: invalid character 'x'"},
		{"a snapshot with a wrong type", []string{"analyze", snapType}, snapType + ": snapshot: line 3, column"},
		{"a snapshot cut short", []string{"analyze", snapCut}, snapCut + ": snapshot: line 2, column 22: unexpected end of input"},
		{"a snapshot of another schema version", []string{"analyze", snapVersion}, snapVersion + ": snapshot: schema_version 9"},
		{"a trust config with a YAML syntax error", []string{"analyze", snapSyntax, "--config", cfgSyntax}, cfgSyntax + ":3: did not find expected ',' or ']'"},
		{"a trust config with unknown fields", []string{"analyze", snapSyntax, "--config", cfgFields}, cfgFields + `:2:1: unknown field "known_acounts", did you mean "known_accounts"? (known: version, organizations, known_accounts, expected_public, suppressions, model_match, crown_jewels, data_classification); ` + cfgFields + `:5:5: expected_public[0]: unknown field "reasonx", did you mean "reason"? (known: resource, reason)`},
		{"a trust config with a bad value", []string{"analyze", snapSyntax, "--config", cfgValue}, cfgValue + `:2:10: known_accounts[0].id: "1234" is not a 12-digit account id`},
		{"a JSON baseline with a syntax error", []string{"analyze", snapSyntax, "--baseline", baseJSON}, baseJSON + ": line 2, column 33: invalid character '}'"},
		{"a JSON baseline with a wrong type", []string{"analyze", snapSyntax, "--baseline", baseType}, baseType + ": line 2, column"},
		{"a YAML baseline with a syntax error", []string{"analyze", snapSyntax, "--baseline", baseYAML}, baseYAML + ": line 3: did not find expected node content"},
		{"a baseline that is neither a report nor OTM", []string{"analyze", snapSyntax, "--baseline", baseNeither}, baseNeither + ": not a trustmap report.json"},
		{"scan checks the trust config before it scans", []string{"scan", "--demo", "--config", cfgFields, "--output-dir", out}, cfgFields + ":2:1: unknown field"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not say %q", stderr, tc.want)
			}
			if n := strings.Count(strings.TrimRight(stderr, "\n"), "\n"); n != 0 || stdout != "" {
				t.Errorf("stderr has %d lines and stdout %q; want one line of stderr:\n%s", n+1, stdout, stderr)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("scan created %s although its trust config was malformed", out)
	}
}

func TestASnapshotBeyondTheMaximumIsRefusedClearly(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(`{"schema_version": 1, "nodes": [`)
	for i := range 2000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id": "arn:aws:s3:::bucket-%04d", "kind": "S3Bucket"}`, i)
	}
	b.WriteString("]}")
	path := filepath.Join(dir, "big.json")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	defer func(old int64) { graph.MaxSnapshotBytes = old }(graph.MaxSnapshotBytes)
	graph.MaxSnapshotBytes = 64 << 10
	code, _, stderr := runCLI(t, "", "analyze", path, "--output-dir", filepath.Join(dir, "out"))
	want := path + ": snapshot: larger than the 64 KiB maximum"
	if code != exitUsage || !strings.HasPrefix(stderr, "trustmap: ") || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, exitUsage, want)
	}
}

// A baseline whose entry point has no id once put "" in the baseline, and
// every boundary crossing asks Known("", arn): all of them read as
// recognized. Found by FuzzParseBaseline.
func TestABaselineEntryPointWithoutAnIDRecognizesNothing(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.json")
	if err := os.WriteFile(base, []byte(`{"schema_version":"1.0","entry_points":[{"resource_arn":"arn:aws:s3:::not-in-the-demo"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	plain, with := filepath.Join(dir, "plain"), filepath.Join(dir, "with")
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", plain); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--baseline", base, "--output-dir", with); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	a, b := loadReportFile(t, plain), loadReportFile(t, with)
	if a.Summary.UnrecognizedCross == 0 || b.Summary.UnrecognizedCross != a.Summary.UnrecognizedCross || b.Summary.Unrecognized != a.Summary.Unrecognized {
		t.Errorf("unrecognized crossings %d → %d, entry points %d → %d with a baseline that models nothing in the account",
			a.Summary.UnrecognizedCross, b.Summary.UnrecognizedCross, a.Summary.Unrecognized, b.Summary.Unrecognized)
	}
}

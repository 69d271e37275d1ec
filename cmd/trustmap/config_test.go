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

func readValidReport(t *testing.T, dir string) *report.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := report.Validate(data); err != nil {
		t.Fatalf("report.json does not match its schema: %v", err)
	}
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// uncommentLine removes the "# " before the one entry line holding key and
// checks that this is the only line that changed.
func uncommentLine(t *testing.T, path, key string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	n := 0
	for i, l := range lines {
		if strings.HasPrefix(l, `  # - {id: "`+key+`"`) {
			lines[i] = "  " + strings.TrimPrefix(l, "  # ")
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d entry lines for %s, want 1", n, key)
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestConfigInitOnTheDemoAndTwoUncommentedLinesRecognizeThoseParties is the
// walkthrough of docs/trust-config.md: start trustmap.yaml from the demo,
// uncomment the partner's and Datadog's lines, rescan with it.
func TestConfigInitOnTheDemoAndTwoUncommentedLinesRecognizeThoseParties(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "trustmap.yaml")
	code, stdout, stderr := runCLI(t, "", "config", "init", "--demo", "-o", cfg)
	if code != exitOK {
		t.Fatalf("config init: exit %d: %s", code, stderr)
	}
	if want := "wrote " + cfg + ": 2 outside accounts, 1 organization, 28 resources open to anyone, all commented out.\n"; !strings.HasPrefix(stdout, want) {
		t.Errorf("stdout = %q, want it to start %q", stdout, want)
	}
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "demo.trustmap.yaml", data)
	if st, _ := os.Stat(cfg); st.Mode().Perm() != 0o600 {
		t.Errorf("trustmap.yaml has mode %v, want 0600", st.Mode().Perm())
	}

	// The starter file recognizes nothing: a scan with it is the scan without.
	plain, withStarter := t.TempDir(), t.TempDir()
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", plain); code != exitOK {
		t.Fatalf("scan: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--config", cfg, "--output-dir", withStarter); code != exitOK {
		t.Fatalf("scan --config: exit %d: %s", code, stderr)
	}
	recognized := func(r *report.Report) map[string]string {
		m := map[string]string{}
		for _, ep := range r.EntryPoints {
			if ep.Recognized {
				m[ep.ResourceARN+" "+ep.Via.String()] = ep.RecognizedBy
			}
		}
		return m
	}
	base := readValidReport(t, plain)
	if diff := cmp.Diff(recognized(base), recognized(readValidReport(t, withStarter))); diff != "" {
		t.Errorf("the starter file recognized something (-without +with):\n%s", diff)
	}

	uncommentLine(t, cfg, "111122223333")
	uncommentLine(t, cfg, "464622532012")
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--config", cfg, "--output-dir", out); code != exitOK {
		t.Fatalf("scan --config: exit %d: %s", code, stderr)
	}
	rep := readValidReport(t, out)
	want := map[string]string{
		"arn:aws:s3:::acme-org-shared bucket-policy": "known: own organization o-a1b2c3d4e5", // without any config
		// The partner's ten ways in and Datadog's one.
		"arn:aws:ecr:us-east-1:123456789012:repository/acme/partner-ingest repository-policy":                  "known: account 111122223333",
		"arn:aws:kms:us-east-1:123456789012:key/1111aaaa-2222-bbbb-3333-cccc4444dddd kms-grant":                "known: account 111122223333",
		"arn:aws:iam::123456789012:role/acme-partner-role trust-policy":                                        "known: account 111122223333",
		"arn:aws:events:us-east-1:123456789012:event-bus/acme-partner-events bus-policy":                       "known: account 111122223333",
		"arn:aws:kms:us-east-1:123456789012:key/0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6 kms-grant":                "known: account 111122223333",
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:acme/partner-api-token-Pq7Rs8 secret-policy":     "known: account 111122223333",
		"arn:aws:s3:::acme-partner-exchange bucket-policy":                                                     "known: account 111122223333",
		"arn:aws:apigateway:us-east-1::/restapis/p9q8r7s6t5/resources/prsync0001/methods/POST rest-api-policy": "known: account 111122223333",
		"arn:aws:lambda:us-east-1:123456789012:function:acme-partner-sync lambda-permission":                   "known: account 111122223333",
		"arn:aws:sqs:us-east-1:123456789012:acme-partner-inbox queue-policy":                                   "known: account 111122223333",
		"arn:aws:iam::123456789012:role/datadog-integration trust-policy":                                      "known: Datadog",
	}
	if diff := cmp.Diff(want, recognized(rep)); diff != "" {
		t.Errorf("recognized entry points (-want +got):\n%s", diff)
	}
	if rep.Summary.Unrecognized != base.Summary.Unrecognized-11 {
		t.Errorf("unrecognized entry points: %d, want %d - 11", rep.Summary.Unrecognized, base.Summary.Unrecognized)
	}
	for _, c := range rep.Boundaries {
		switch c.FromZone {
		case "external-account:111122223333", "external-account:464622532012":
			if !c.Recognized || !strings.HasPrefix(c.RecognizedBy, "known: ") {
				t.Errorf("crossing %s from %s is not recognized: %+v", c.ID, c.FromZone, c)
			}
		case "organization:o-a1b2c3d4e5":
		default:
			if c.Recognized {
				t.Errorf("crossing from %s to %s is recognized by %q, but nothing in trustmap.yaml names it", c.FromZone, c.To, c.RecognizedBy)
			}
		}
	}

	// The same scan again, as report.json or snapshot.json: nothing new,
	// nothing gone, the user's two lines untouched.
	edited, _ := os.ReadFile(cfg)
	for _, f := range []string{"report.json", "snapshot.json"} {
		code, stdout, stderr := runCLI(t, "", "config", "init", filepath.Join(out, f), "-o", cfg)
		if code != exitOK || !strings.Contains(stdout, "is up to date with this scan") {
			t.Errorf("config init %s again: exit %d, stdout %q, stderr %q", f, code, stdout, stderr)
		}
		if again, _ := os.ReadFile(cfg); string(again) != string(edited) {
			t.Errorf("config init %s on the same scan changed the file:\n%s", f, cmp.Diff(string(edited), string(again)))
		}
	}
}

// TestConfigInitFromAReportOrSnapshotWritesTheSameFileAsFromAScan: the
// three ways to give the scan agree, save the header naming the source.
func TestConfigInitFromAReportOrSnapshotWritesTheSameFileAsFromAScan(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", dir); code != exitOK {
		t.Fatalf("scan: exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "demo.trustmap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"report.json", "snapshot.json"} {
		code, stdout, stderr := runCLI(t, "", "config", "init", filepath.Join(dir, f), "-o", "-")
		if code != exitOK {
			t.Fatalf("config init %s: exit %d: %s", f, code, stderr)
		}
		got := strings.Replace(stdout, " ("+f+")", "", 1)
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("config init %s differs from config init --demo (-demo +%s):\n%s", f, f, diff)
		}
	}
}

func TestConfigInitNeverOverwritesAFileItCannotRead(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "trustmap.yaml")
	bad := "version: 1\nknown_accounts:\n  - {id: \"1234\", name: x}\n"
	if err := os.WriteFile(cfg, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", dir); code != exitOK {
		t.Fatalf("scan: exit %d: %s", code, stderr)
	}
	code, _, stderr := runCLI(t, "", "config", "init", filepath.Join(dir, "report.json"), "-o", cfg)
	want := "trustmap: " + cfg + `:3:10: known_accounts[0].id: "1234" is not a 12-digit account id (init merges into an existing file and never overwrites one it cannot read)` + "\n"
	if code != exitUsage || stderr != want {
		t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, want)
	}
	if data, _ := os.ReadFile(cfg); string(data) != bad {
		t.Errorf("the file was changed")
	}
}

func TestConfigCommandErrorsAreOneLineWithExitTwo(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("suppressions:\n  - {rule: TM-EXP-001, owner: a, expires: tomorrow}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"a report and scan flags", []string{"config", "init", "report.json", "--demo"}, "trustmap: config init: give a report or snapshot, or scan flags (--demo), not both\n"},
		{"a report that is not there", []string{"config", "init", filepath.Join(dir, "none.json")}, "trustmap: open " + filepath.Join(dir, "none.json") + ": no such file or directory\n"},
		{"validate a malformed file", []string{"config", "validate", bad}, "trustmap: " + bad + `:2:43: suppressions[0].expires: "tomorrow" is not a date (YYYY-MM-DD)` + "\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tc.args...)
			if code != exitUsage || stderr != tc.want {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
	code, stdout, _ := runCLI(t, "", "config", "validate", "../../docs/examples/trustmap.yaml")
	if code != exitOK || stdout != "../../docs/examples/trustmap.yaml: valid: 2 known accounts, 1 organization, 8 expected-public resources, 2 suppressions\n" {
		t.Errorf("validate the example: exit %d, %q", code, stdout)
	}
}

// TestTheExampleConfigRecognizesWhatItSays: docs/examples/trustmap.yaml on
// the demo leaves exactly the deliberate mistakes unrecognized, suppresses
// what it suppresses, and its expired suppression is reported.
func TestTheExampleConfigRecognizesWhatItSays(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--config", "../../docs/examples/trustmap.yaml", "--output-dir", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rep := readValidReport(t, out)
	var unrecognized []string
	for _, ep := range rep.EntryPoints {
		if !ep.Recognized {
			unrecognized = append(unrecognized, ep.ResourceARN+" "+ep.Via.String())
		}
	}
	slices.Sort(unrecognized)
	want := []string{
		"arn:aws:ec2:us-east-1:123456789012:instance/i-b98d7be57ef38babb security-group",
		"arn:aws:ecr:us-east-1:123456789012:repository/acme/base-images repository-policy",
		"arn:aws:eks:eu-west-1:123456789012:cluster/acme-prod public-endpoint",
		"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/acme-legacy-elb#listener/HTTP:80 listener",
		"arn:aws:es:eu-west-1:123456789012:domain/acme-logs domain-access-policy",
		"arn:aws:iam::123456789012:role/acme-legacy-admin trust-policy",
		"arn:aws:lambda:us-east-1:123456789012:function:acme-thumbnailer lambda-permission",
		"arn:aws:lambda:us-east-1:123456789012:function:acme-thumbnailer#url function-url",
		"arn:aws:lambda:us-east-1:123456789012:layer:acme-shared-utils:3 layer-policy",
		"arn:aws:rds:us-east-1:123456789012:db:acme-reporting public-endpoint",
		"arn:aws:rds:us-east-1:123456789012:snapshot:acme-reporting-2024-06 snapshot-restore",
		"arn:aws:s3:::acme-legacy-logs bucket-acl",
		"arn:aws:s3:us-east-1:123456789012:accesspoint/acme-reports-public access-point-policy",
		"arn:aws:s3:us-east-1:123456789012:accesspoint/acme-reports-vpc access-point-policy",
		"arn:aws:sns:us-east-1:123456789012:acme-announcements topic-policy",
		"arn:aws:sqs:us-east-1:123456789012:acme-events queue-policy",
	}
	if diff := cmp.Diff(want, unrecognized); diff != "" {
		t.Errorf("unrecognized entry points (-want +got):\n%s", diff)
	}
	var got []string
	for _, f := range rep.Findings {
		switch {
		case f.RuleID == "TM-CFG-001":
			got = append(got, "TM-CFG-001 "+f.Resource)
		case f.Suppressed != nil:
			got = append(got, "suppressed "+f.RuleID+" "+f.Resource+" by "+f.Suppressed.Owner+" until "+f.Suppressed.Expires)
		case f.RuleID == "TM-EXP-001" && f.Resource == "arn:aws:s3:::acme-legacy-logs":
			got = append(got, "not suppressed TM-EXP-001 "+f.Resource)
		}
	}
	slices.Sort(got)
	wantF := []string{
		"TM-CFG-001 arn:aws:s3:::acme-legacy-logs",
		"not suppressed TM-EXP-001 arn:aws:s3:::acme-legacy-logs",
		"suppressed TM-DEP-001 arn:aws:lambda:us-east-1:123456789012:function:acme-thumbnailer by alice@acme.example until 2027-03-31",
	}
	if diff := cmp.Diff(wantF, got); diff != "" {
		t.Errorf("suppressions (-want +got):\n%s", diff)
	}
}

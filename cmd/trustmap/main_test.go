package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	goldenfile "github.com/trustmap/trustmap/internal/golden"
	"github.com/trustmap/trustmap/report"
)

var fixedNow = func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }

// runCLI runs the CLI in-process and returns its exit code and streams.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{stdout: &out, stderr: &errb, now: fixedNow, getenv: testGetenv(t)}
	root := newRootCmd(e)
	root.SetIn(strings.NewReader(stdin))
	code := runRoot(context.Background(), root, args, e)
	return code, out.String(), errb.String()
}

// golden compares got with testdata/name (go test ./cmd/trustmap -update
// rewrites it).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

func TestDemoScanWritesASchemaValidReportThatMatchesTheGoldenFile(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "", "scan", "--demo", "--output-dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := report.Validate(data); err != nil {
		t.Fatalf("report.json does not match its schema: %v", err)
	}
	golden(t, "demo-report.json", data)
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "demo-report.md", md)
	if !strings.Contains(stdout, "entry points") {
		t.Errorf("stdout has no summary:\n%s", stdout)
	}
	for _, f := range []string{"report.json", "report.md", "snapshot.json"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600 (reports describe how to attack the account)", f, st.Mode().Perm())
		}
	}
}

// scanDemo scans the demo account and returns its schema-valid report.
func scanDemo(t *testing.T) *report.Report {
	t.Helper()
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", dir); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	return readValidReport(t, dir)
}

func TestDemoReportListsTheRightBucketsAndNoFalseOnes(t *testing.T) {
	rep := scanDemo(t)
	got := map[string]string{}
	for _, ep := range rep.EntryPoints {
		if strings.HasPrefix(ep.ResourceARN, "arn:aws:s3:::") {
			got[strings.TrimPrefix(ep.ResourceARN, "arn:aws:s3:::")+" "+ep.Via.String()] = ep.Exposure.String() + " " + strings.Join(ep.Principals, ",")
		}
	}
	want := map[string]string{
		"acme-public-assets bucket-policy":    "public *",
		"acme-legacy-logs bucket-acl":         "public *",
		"acme-partner-exchange bucket-policy": "cross-account 111122223333",
		"acme-org-shared bucket-policy":       "cross-account o-a1b2c3d4e5",
		"acme-vpce-only bucket-policy":        "cross-account *",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("S3 entry points (-want +got):\n%s", diff)
	}
}

// TestDemoReportListsTheRightNetworkEntryPointsAndNoFalseOnes: the demo's
// internet-facing compute and edge (issue 13) are entry points, each by the
// way AWS lets the internet in: the bastion's own public address and its
// security group open on SSH, the HTTPS listener of the ALB, the TLS
// listener of the NLB (which has no security group, a condition), the HTTP
// listener of the Classic Load Balancer and the four CloudFront
// distributions. The ALB's plain-HTTP listener only redirects, so it is a
// note and no entry point; the internal ALB and the instances without a
// public address (behind the load balancers, or back office) are none.
func TestDemoReportListsTheRightNetworkEntryPointsAndNoFalseOnes(t *testing.T) {
	rep := scanDemo(t)
	got := map[string]string{}
	eps := map[string]bool{}
	for _, ep := range rep.EntryPoints {
		eps[ep.ResourceARN] = true
		switch ep.ResourceType {
		case "EC2Instance", "ELBListener", "CloudFrontDistribution":
			got[ep.Name+" "+ep.Via.String()] = ep.Exposure.String() + " " + strings.Join(ep.Principals, ",") + " " + strings.Join(ep.Actions, ",") + " " +
				string(ep.Severity) + strings.Join(append([]string{""}, ep.Evidence.Conditions...), "; ")
		}
	}
	const all = "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT"
	want := map[string]string{
		"acme-bastion security-group":      "public * tcp/22 high",
		"acme-web-alb HTTPS:443 listener":  "public * tcp/443 high",
		"acme-api-nlb TLS:443 listener":    "public * tcp/443 high; no security group on the load balancer: the targets' security groups decide which clients reach them",
		"acme-legacy-elb HTTP:80 listener": "public * tcp/80 high",
		"cdn.acme.example viewer-access":   "public * GET,HEAD high; reachable at dnrcqghjmc5zxn.cloudfront.net, cdn.acme.example; AWS WAF web ACL acme-edge inspects requests (default action Allow; 2 rules)",
		"assets.acme.example viewer-access": "public * GET,HEAD high; reachable at dzyfyevwh2koco.cloudfront.net, assets.acme.example; no AWS WAF web ACL; " +
			"behavior default (*) accepts plain HTTP (viewer protocol policy allow-all); viewers may negotiate TLSv1 or later",
		"api.acme.example viewer-access": "public * " + all + " high; reachable at dafa4jfw7vjvgg.cloudfront.net, api.acme.example; no AWS WAF web ACL",
		"www.acme.example viewer-access": "public * " + all + " high; reachable at dsugypvekinmip.cloudfront.net, www.acme.example; no AWS WAF web ACL",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("instance, listener and distribution entry points (-want +got):\n%s", diff)
	}
	redirect := ""
	for _, n := range rep.Notes {
		if n.Kind == "unreachable" && strings.HasPrefix(n.Detail, "listener HTTP:80 of acme-web-alb only redirects") {
			redirect = n.Resource
		}
	}
	switch {
	case redirect == "":
		t.Errorf("no note says acme-web-alb's HTTP:80 listener only redirects; notes: %+v", rep.Notes)
	case eps[redirect]:
		t.Errorf("the redirect-only listener %s is an entry point", redirect)
	}
}

func TestAnalyzeOnTheSavedSnapshotGivesTheSameReportAsScan(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", dir); code != exitOK {
		t.Fatalf("scan exit %d: %s", code, stderr)
	}
	dir2 := t.TempDir()
	if code, _, stderr := runCLI(t, "", "analyze", filepath.Join(dir, "snapshot.json"), "-q", "--output-dir", dir2); code != exitOK {
		t.Fatalf("analyze exit %d: %s", code, stderr)
	}
	for _, f := range []string{"report.json", "report.md"} {
		a, _ := os.ReadFile(filepath.Join(dir, f))
		b, _ := os.ReadFile(filepath.Join(dir2, f))
		if diff := cmp.Diff(string(a), string(b)); diff != "" {
			t.Errorf("%s from analyze differs from scan's (-scan +analyze):\n%s", f, diff)
		}
	}
}

func TestCLIErrorsAreOneClearLineWithADocumentedExitCode(t *testing.T) {
	unwritable := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(unwritable, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	badSnap := filepath.Join(t.TempDir(), "snap.json")
	os.WriteFile(badSnap, []byte("{\"schema_version\": 1,\n \"nodes\": [1, }"), 0o600)
	cases := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"an unknown region is a usage error", []string{"scan", "--demo", "--regions", "mars-north-1x"}, exitUsage, "not an AWS region name"},
		{"an unknown format is a usage error", []string{"scan", "--demo", "--format", "pdf"}, exitUsage, "unknown format"},
		{"an unknown flag is a usage error", []string{"scan", "--no-such-flag"}, exitUsage, "unknown flag"},
		{"an output directory that is a file fails before scanning", []string{"scan", "--demo", "--output-dir", filepath.Join(unwritable, "sub")}, exitFailed, "output directory"},
		{"a malformed snapshot names the file and position", []string{"analyze", badSnap}, exitUsage, "line 2"},
		{"a missing snapshot is a usage error", []string{"analyze", "/nonexistent/snap.json"}, exitUsage, "no such file"},
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
			if lines := strings.Count(strings.TrimSpace(stderr), "\n") + 1; lines != 1 {
				t.Errorf("stderr has %d lines, want one:\n%s", lines, stderr)
			}
		})
	}
}

func TestMissingCredentialsIsOneClearLine(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "")
	t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "")
	t.Setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "")
	code, _, stderr := runCLI(t, "", "scan", "--endpoint-url", "http://127.0.0.1:1", "--output-dir", t.TempDir())
	if code != exitFailed {
		t.Errorf("exit %d, want %d; stderr: %s", code, exitFailed, stderr)
	}
	if !strings.Contains(stderr, "no AWS credentials found") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("stderr = %q, want one line saying no credentials were found", stderr)
	}
}

func TestPolicyExplain(t *testing.T) {
	const pol = `{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}`
	file := filepath.Join(t.TempDir(), "p.json")
	os.WriteFile(file, []byte(pol), 0o600)
	t.Run("text output from a file names the statement and a fix", func(t *testing.T) {
		code, out, stderr := runCLI(t, "", "policy", "explain", "--type", "sqs", "--account", "111122223333", file)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{"public", "Open", "sqs:SendMessage"} {
			if !strings.Contains(out, want) {
				t.Errorf("output does not mention %q:\n%s", want, out)
			}
		}
	})
	t.Run("json output from stdin has the verdict, principals and grants", func(t *testing.T) {
		code, out, stderr := runCLI(t, pol, "policy", "explain", "--type", "sqs", "--account", "111122223333", "--output", "json", "-")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var res struct {
			Verdict            string   `json:"verdict"`
			ExternalPrincipals []string `json:"external_principals"`
			Grants             []any    `json:"grants"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		if res.Verdict != "public" || !slices.Equal(res.ExternalPrincipals, []string{"*"}) || len(res.Grants) == 0 {
			t.Errorf("got %+v", res)
		}
	})
	t.Run("an invalid policy exits 2 with the position", func(t *testing.T) {
		code, _, stderr := runCLI(t, `{"Statement":[{"Effect":"Maybe","Action":"s3:*","Principal":"*"}]}`, "policy", "explain", "--type", "s3", "--account", "111122223333", "-")
		if code != exitUsage || !strings.Contains(stderr, "Statement[0]") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
}

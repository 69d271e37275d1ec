package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

func TestMarkdownEscapesWhatGitHubWouldReadAsMarkupAndNothingElse(t *testing.T) {
	for in, want := range map[string]string{
		`add StringEquals "sts:ExternalId": "<id agreed with 111122223333>"`: `add StringEquals "sts:ExternalId": "\<id agreed with 111122223333\>"`,
		"a | b":                     `a \| b`,
		`grant of s3:Get* to "*"`:   `grant of s3:Get\* to "\*"`,
		"[link](x) `code` ~~s~~":    "\\[link\\](x) \\`code\\` \\~\\~s\\~\\~",
		"$default and $x":           `\$default and \$x`,
		`back\slash # 1`:            `back\\slash \# 1`,
		"AWS_IAM and _em_":          `AWS_IAM and \_em\_`,
		"ATT&CK and &lt; and &#60;": `ATT&CK and \&lt; and \&\#60;`,
		"two\nlines\r\nhere":        "two lines here",
	} {
		if got := md(in); got != want {
			t.Errorf("md(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCodeSpansHoldBackticksAndPipes(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:s3:::b": "`arn:aws:s3:::b`",
		"a`b":            "``a`b``",
		"`x":             "`` `x ``",
		"a|b":            "`a\\|b`",
	} {
		if got := code(in); got != want {
			t.Errorf("code(%q) = %q, want %q", in, got, want)
		}
	}
}

// A fix the policy engine wrote with a placeholder in angle brackets and a
// pipe reads as written in report.md: backslash escapes, no entities, and
// the table row keeps its cells.
func TestReportMarkdownKeepsAFixWithAnglesAndAPipeReadable(t *testing.T) {
	fix := `add StringEquals "sts:ExternalId": "<id agreed with 111122223333>" | or remove 111122223333`
	r := &Report{Accounts: []string{"123456789012"}, Complete: true, ScannedAt: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC),
		EntryPoints: []results.EntryPoint{{ID: "EP-1", ResourceARN: "arn:aws:iam::123456789012:role/partner", Exposure: policy.CrossAccount,
			Principals: []string{"111122223333"}, Actions: []string{"sts:AssumeRole"}, Via: graph.ViaTrustPolicy, Severity: results.SevHigh,
			Evidence: results.EPEvidence{Source: "iam:GetRole", Fix: []string{fix}}}},
		Threats: []results.Threat{{ID: "T-1", Title: "Spoofing — a <partner> | role", ResourceARN: "arn:aws:iam::123456789012:role/partner",
			Mitigations: []string{fix}, AttackTree: &results.AttackNode{Goal: "assume ```the``` role"}}},
	}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, Input{Report: r}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	want := `add StringEquals "sts:ExternalId": "\<id agreed with 111122223333\>" \| or remove 111122223333`
	if n := strings.Count(out, want); n != 2 {
		t.Errorf("the escaped fix appears %d times, want 2 (entry point and mitigation):\n%s", n, out)
	}
	if strings.Contains(out, "&lt;") || strings.Contains(out, "&gt;") {
		t.Errorf("report.md holds HTML entities:\n%s", out)
	}
	if !strings.Contains(out, "### T-1 Spoofing — a \\<partner\\> \\| role") {
		t.Errorf("the threat title is not escaped:\n%s", out)
	}
	if !strings.Contains(out, "````\ngoal: assume ```the``` role\n````") {
		t.Errorf("the attack tree's fence is not longer than the backticks inside it:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| high |") {
			if cells := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); cells != 8 {
				t.Errorf("entry-point row has %d cell separators, want 8: %s", cells, line)
			}
		}
	}
}

package export

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/report"
)

// sarifDoc is the part of a SARIF log the GitHub checks read.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string
	Runs    []struct {
		AutomationDetails struct{ ID string }
		Invocations       []struct {
			ToolExecutionNotifications []struct{ Message struct{ Text string } }
		}
		Tool struct {
			Driver struct {
				Name  string
				Rules []struct {
					ID               string
					Name             string
					ShortDescription struct{ Text string }
					FullDescription  struct{ Text string }
					Help             struct{ Text, Markdown string }
					Properties       struct {
						Tags             []string
						SecuritySeverity string `json:"security-severity"`
						Precision        string
					}
				}
			}
		}
		Results []struct {
			RuleID    string
			RuleIndex int
			Level     string
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }
					Region           struct{ StartLine int }
				}
				LogicalLocations []struct{ Name, FullyQualifiedName, Kind string }
			}
			PartialFingerprints map[string]string
		}
	}
}

func parseSARIF(t *testing.T, in report.Input) sarifDoc {
	t.Helper()
	var d sarifDoc
	if err := json.Unmarshal(render(t, WriteSARIF, in), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestEverySARIFResultHasWhatGitHubCodeScanningRequires(t *testing.T) {
	d := parseSARIF(t, pipelineInput(t))
	if d.Schema == "" || d.Version != "2.1.0" || len(d.Runs) != 1 {
		t.Fatalf("$schema %q, version %q, %d runs", d.Schema, d.Version, len(d.Runs))
	}
	run := d.Runs[0]
	if run.AutomationDetails.ID != "trustmap/123456789012/" {
		t.Errorf("automationDetails.id = %q", run.AutomationDetails.ID)
	}
	if len(run.Results) == 0 {
		t.Fatal("no results")
	}
	rules := run.Tool.Driver.Rules
	for _, r := range rules {
		p := r.Properties
		if r.ID == "" || r.Name == "" || r.ShortDescription.Text == "" || r.FullDescription.Text == "" || r.Help.Text == "" || r.Help.Markdown == "" {
			t.Errorf("rule %s lacks a field GitHub requires: %+v", r.ID, r)
		}
		if len(p.Tags) == 0 || p.Tags[0] != "security" || len(p.Tags) > sarifMaxTags {
			t.Errorf("rule %s tags %v: want \"security\" first and at most %d", r.ID, p.Tags, sarifMaxTags)
		}
		if !strings.Contains("very-high high medium low", p.Precision) || p.Precision == "" {
			t.Errorf("rule %s precision %q", r.ID, p.Precision)
		}
		sev, err := strconv.ParseFloat(p.SecuritySeverity, 64)
		if err != nil {
			t.Errorf("rule %s security-severity %q: %v", r.ID, p.SecuritySeverity, err)
			continue
		}
		// GitHub's bands: >9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
		band := map[string][2]float64{"critical": {9.01, 10}, "high": {7, 8.9}, "medium": {4, 6.9}, "low": {0.1, 3.9}}
		_, want, _ := strings.Cut(r.ID, "/")
		if b := band[want]; sev < b[0] || sev > b[1] {
			t.Errorf("rule %s security-severity %v lands outside GitHub's %s band", r.ID, sev, want)
		}
	}
	seen := map[string]bool{}
	for i, res := range run.Results {
		if res.RuleIndex < 0 || res.RuleIndex >= len(rules) || rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleId %q does not match rules[%d]", i, res.RuleID, res.RuleIndex)
		}
		if res.Message.Text == "" || res.Level == "" {
			t.Errorf("result %d has no message or level", i)
		}
		if len(res.Locations) != 1 {
			t.Fatalf("result %d has %d locations, want exactly 1", i, len(res.Locations))
		}
		loc := res.Locations[0]
		if loc.PhysicalLocation.ArtifactLocation.URI != "snapshot.json" || loc.PhysicalLocation.Region.StartLine != 1 {
			t.Errorf("result %d physical location %+v, want snapshot.json line 1", i, loc.PhysicalLocation)
		}
		if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].Kind != "resource" || !strings.HasPrefix(loc.LogicalLocations[0].FullyQualifiedName, "arn:") {
			t.Errorf("result %d logical locations %+v, want the resource ARN", i, loc.LogicalLocations)
		}
		fp := res.PartialFingerprints["primaryLocationLineHash"]
		if fp == "" || seen[fp] {
			t.Errorf("result %d fingerprint %q is empty or not unique", i, fp)
		}
		seen[fp] = true
	}
}

func TestSARIFPointsAtSnapshotJSONWhenTheInputNamesNoSnapshot(t *testing.T) {
	in := pipelineInput(t)
	in.SnapshotFile = ""
	for _, res := range parseSARIF(t, in).Runs[0].Results {
		if res.Locations[0].PhysicalLocation.ArtifactLocation.URI != "snapshot.json" {
			t.Fatalf("uri %q", res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		}
	}
}

func TestSARIFFingerprintsSurviveASeverityChangeButRuleIdsFollowIt(t *testing.T) {
	in := pipelineInput(t)
	before := parseSARIF(t, in).Runs[0].Results[0]
	f := &in.Report.Findings[0]
	f.Severity = map[results.Severity]results.Severity{results.SevCritical: results.SevLow}[f.Severity]
	if f.Severity == "" {
		f.Severity = results.SevCritical
	}
	after := parseSARIF(t, in).Runs[0]
	var got *struct{ id, fp string }
	for _, r := range after.Results {
		if r.PartialFingerprints["primaryLocationLineHash"] == before.PartialFingerprints["primaryLocationLineHash"] {
			got = &struct{ id, fp string }{r.RuleID, ""}
		}
	}
	if got == nil {
		t.Fatal("the result lost its fingerprint when its severity changed")
	}
	if got.id == before.RuleID || !strings.HasSuffix(got.id, "/"+string(f.Severity)) {
		t.Errorf("rule id %q after the change (was %q), want the %s sub-rule", got.id, before.RuleID, f.Severity)
	}
}

func TestSARIFKeepsTheMostSevereResultsWithinGitHubsLimitAndSaysSo(t *testing.T) {
	r := &report.Report{Accounts: []string{"123456789012"}, Regions: []string{"us-east-1"}, Complete: true,
		ScannedAt: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), Tool: toolForTest()}
	for i := range sarifMaxResults {
		r.Findings = append(r.Findings, analyzers.Finding{ID: fmt.Sprintf("TM-EXP-001:EP-%06d", i), RuleID: "TM-EXP-001", Analyzer: "exposure",
			Title: "Reachable by anyone", Severity: results.SevLow, Confidence: "high", Resource: fmt.Sprintf("arn:aws:s3:::bucket-%06d", i), Message: "public"})
	}
	for i := range 3 {
		r.Findings = append(r.Findings, analyzers.Finding{ID: fmt.Sprintf("TM-EXP-001:EP-crit%d", i), RuleID: "TM-EXP-001", Analyzer: "exposure",
			Title: "Reachable by anyone", Severity: results.SevCritical, Confidence: "high", Resource: fmt.Sprintf("arn:aws:s3:::crit-%d", i), Message: "public"})
	}
	run := parseSARIF(t, report.Input{Report: r}).Runs[0]
	if len(run.Results) != sarifMaxResults {
		t.Fatalf("%d results, want GitHub's limit %d", len(run.Results), sarifMaxResults)
	}
	crit := 0
	for _, res := range run.Results {
		if strings.HasSuffix(res.RuleID, "/critical") {
			crit++
		}
	}
	if crit != 3 {
		t.Errorf("%d critical results kept, want all 3 (the least severe are dropped)", crit)
	}
	notes := run.Invocations[0].ToolExecutionNotifications
	if len(notes) == 0 || !strings.Contains(notes[0].Message.Text, "3 least severe were left out") {
		t.Errorf("no notification about the dropped results: %+v", notes)
	}
}

func TestSARIFOfAnEmptyReportIsValid(t *testing.T) {
	r := &report.Report{Accounts: []string{"123456789012"}, Complete: true, Tool: toolForTest()}
	got := render(t, WriteSARIF, report.Input{Report: r})
	validateSchema(t, "sarif-2.1.0.schema.json", got)
	if !strings.Contains(string(got), `"results": []`) {
		t.Errorf("an empty scan must still carry an empty results array:\n%s", got)
	}
}

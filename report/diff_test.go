package report_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/reporttest"
	"github.com/trustmap/trustmap/policy"
	"github.com/trustmap/trustmap/report"
)

func ep(id string, exposure policy.Verdict, sev results.Severity, recognized bool, principals ...string) results.EntryPoint {
	return results.EntryPoint{ID: id, ResourceARN: "arn:aws:s3:::" + id, Via: graph.ViaBucketPolicy, Exposure: exposure,
		Principals: principals, Actions: []string{"s3:GetObject"}, Severity: sev, Recognized: recognized}
}

func TestDiffJudgesWhatGotWorse(t *testing.T) {
	base := &report.Report{
		EntryPoints: []results.EntryPoint{ep("same", policy.Public, results.SevHigh, false, "*"), ep("narrowed", policy.Public, results.SevHigh, false, "*"),
			ep("unrecognized", policy.CrossAccount, results.SevMedium, true, "111122223333")},
		Threats: []results.Threat{{ID: "T-down", Risk: 15, Severity: results.SevHigh}, {ID: "T-up", Risk: 6, Severity: results.SevMedium}},
	}
	cases := []struct {
		name        string
		change      func(r *report.Report)
		regressions []string // prefixes
		changed     []string
	}{
		{"the same report has no differences", func(*report.Report) {}, nil, nil},
		{"a new unrecognized entry point is a regression", func(r *report.Report) {
			r.EntryPoints = append(r.EntryPoints, ep("fresh", policy.Public, results.SevHigh, false, "*"))
		}, []string{"new entry point fresh (high): public access"}, nil},
		{"a new entry point the trust config recognizes is listed but is no regression", func(r *report.Report) {
			r.EntryPoints = append(r.EntryPoints, ep("known", policy.CrossAccount, results.SevMedium, true, "111122223333"))
		}, nil, nil},
		{"a new entry point whose finding is suppressed is no regression", func(r *report.Report) {
			r.EntryPoints = append(r.EntryPoints, ep("accepted", policy.Public, results.SevHigh, false, "*"))
			r.Findings = append(r.Findings, analyzers.Finding{ID: "TM-EXP-001:accepted", RuleID: "TM-EXP-001", Details: &analyzers.Details{EntryPoint: "accepted"},
				Suppressed: &results.SuppressedBy{Owner: "sec", Expires: "2027-01-01"}})
		}, nil, nil},
		{"narrower access is a change but no regression", func(r *report.Report) {
			r.EntryPoints[1].Exposure, r.EntryPoints[1].Principals, r.EntryPoints[1].Severity = policy.CrossAccount, []string{"111122223333"}, results.SevMedium
		}, nil, []string{"narrowed"}},
		{"losing recognition is a regression", func(r *report.Report) {
			r.EntryPoints[2].Recognized = false
		}, []string{"entry point unrecognized got worse (arn:aws:s3:::unrecognized via bucket-policy): recognized yes → no"}, []string{"unrecognized"}},
		{"a new action is a regression", func(r *report.Report) {
			r.EntryPoints[0].Actions = []string{"s3:GetObject", "s3:PutObject"}
		}, []string{"entry point same got worse (arn:aws:s3:::same via bucket-policy): actions +s3:PutObject"}, []string{"same"}},
		{"risk going up is a regression, going down is not", func(r *report.Report) {
			r.Threats[0].Risk, r.Threats[0].Severity = 8, results.SevMedium
			r.Threats[1].Risk, r.Threats[1].Severity = 12, results.SevHigh
		}, []string{"threat T-up got worse"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var cur report.Report
			b, _ := json.Marshal(base)
			json.Unmarshal(b, &cur)
			tc.change(&cur)
			d := report.Diff(base, &cur)
			if len(d.Regressions) != len(tc.regressions) {
				t.Fatalf("regressions %q, want %d starting %q", d.Regressions, len(tc.regressions), tc.regressions)
			}
			for i, want := range tc.regressions {
				if !strings.HasPrefix(d.Regressions[i], want) {
					t.Errorf("regression %q, want it to start %q", d.Regressions[i], want)
				}
			}
			var changed []string
			for _, c := range d.EntryPoints.Changed {
				changed = append(changed, c.ID)
			}
			if diff := cmp.Diff(tc.changed, changed); diff != "" {
				t.Errorf("changed entry points (-want +got):\n%s", diff)
			}
			if d.Worse() != (len(tc.regressions) > 0) {
				t.Errorf("Worse() = %v", d.Worse())
			}
		})
	}
}

func TestDiffOfTheFixtureAgainstItselfIsEmptyInEveryFormat(t *testing.T) {
	in := reporttest.Input(t, filepath.Join("testdata", "views.yaml"))
	d := report.Diff(in.Report, in.Report)
	if !d.Empty() || d.Worse() {
		t.Fatalf("a report differs from itself: %+v", d)
	}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"text": func(b *bytes.Buffer) error { return report.WriteDiffText(b, d) },
		"md":   func(b *bytes.Buffer) error { return report.WriteDiffMarkdown(b, d) },
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		if out := buf.String(); !strings.Contains(strings.ToLower(out), "no differences") {
			t.Errorf("%s output does not say there are no differences:\n%s", name, out)
		}
	}
	var back report.DiffResult
	var doc bytes.Buffer
	if err := report.WriteDiffJSON(&doc, d); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(doc.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.EntryPoints.Added == nil || back.Regressions == nil {
		t.Errorf("empty lists must be [] in JSON, not null")
	}
}

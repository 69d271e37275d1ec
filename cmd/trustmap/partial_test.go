package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/fakeaws"
	"github.com/trustmap/trustmap/policy"
)

// falseAbsence matches wording that claims something is absent or
// harmless: what a report must never say of a fact it could not read.
var falseAbsence = regexp.MustCompile(`(?i)\bno (resource |bucket |function |queue )?polic(y|ies)\b|not configured|has no polic|without a polic|\binternal\b|no (open )?methods?\b`)

func TestAPartialPermissionsScanNamesEveryDeniedCallAndClaimsNothingItCouldNotRead(t *testing.T) {
	srv, _ := serveFixture(t, "../../testdata/accounts/partial-permissions.yaml", fakeaws.Options{})
	useCredentials(t, "AKIAPARTIAL000000001", "test-secret", "")
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "", "scan", "-q", "--endpoint-url", srv.URL(), "--regions", "us-east-1", "--output-dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d (a scan with denied calls is complete, its gaps are in the report): %s", code, stderr)
	}
	rep := loadReportFile(t, dir)
	snap := readSnapshot(t, filepath.Join(dir, "snapshot.json"))
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the coverage section names every denied call, and only those", func(t *testing.T) {
		want := []string{
			"apigateway us-east-1 GetResources pp0hidden1",
			"iam  GenerateCredentialReport ",
			"lambda us-east-1 GetPolicy pp-webhook",
			"lambda us-east-1 GetPolicy pp-worker",
			"organizations  ListAccounts 123456789012",
			"s3 us-east-1 GetBucketPolicy pp-confidential",
			"s3 us-east-1 GetBucketPolicy pp-vault",
		}
		var got []string
		for _, c := range rep.Coverage {
			if c.Status != "denied" {
				t.Errorf("gap %+v is not a denial", c)
			}
			got = append(got, strings.Join([]string{c.Service, c.Region, c.API, c.Resource}, " "))
		}
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("report.json coverage (-want +got):\n%s", diff)
		}
		_, section, _ := strings.Cut(string(md), "## Coverage gaps")
		for _, c := range rep.Coverage {
			row := "| " + c.API + " | " + c.Resource + " | denied |"
			if !strings.Contains(section, row) {
				t.Errorf("report.md's coverage section has no row %q", row)
			}
		}
		if rep.Summary.CoverageGaps != len(want) {
			t.Errorf("summary counts %d gaps, want %d", rep.Summary.CoverageGaps, len(want))
		}
	})

	// What each denial hides, and the fact that must stay Unknown.
	hidden := []struct {
		arn  string
		fact func(graph.Node) graph.Tri
	}{
		{"arn:aws:s3:::pp-confidential", func(n graph.Node) graph.Tri { return n.Bucket().Policy.State }},
		{"arn:aws:s3:::pp-vault", func(n graph.Node) graph.Tri { return n.Bucket().Policy.State }},
		{"arn:aws:lambda:us-east-1:123456789012:function:pp-webhook", func(n graph.Node) graph.Tri { return n.Function().Policy.State }},
		{"arn:aws:lambda:us-east-1:123456789012:function:pp-worker", func(n graph.Node) graph.Tri { return n.Function().Policy.State }},
		{"arn:aws:apigateway:us-east-1::/restapis/pp0hidden1", func(n graph.Node) graph.Tri { return n.RestAPI().ResourcesKnown }},
	}
	nodes := map[string]graph.Node{}
	for _, n := range snap.Nodes {
		nodes[n.ID] = n
	}
	for _, h := range hidden {
		name := h.arn[strings.LastIndexAny(h.arn, ":/")+1:]
		t.Run(name+" stays unknown, and the report says exposure is unknown", func(t *testing.T) {
			n, ok := nodes[h.arn]
			if !ok {
				t.Fatalf("no node %s in the snapshot", h.arn)
			}
			if got := h.fact(n); got != graph.Unknown {
				t.Errorf("the denied fact is %v, want Unknown", got)
			}
			about := func(resource string) bool {
				return resource == h.arn || strings.HasPrefix(resource, h.arn+"#") || strings.HasPrefix(resource, h.arn+"/")
			}
			for _, ep := range rep.EntryPoints {
				if about(ep.ResourceARN) && (ep.Certain || ep.Exposure == policy.Internal) {
					t.Errorf("entry point %s (%s, certain %v) rests on the denied read", ep.ID, ep.Exposure, ep.Certain)
				}
			}
			noted, reported := false, false
			for _, note := range rep.Notes {
				if !about(note.Resource) {
					continue
				}
				if falseAbsence.MatchString(note.Detail) {
					t.Errorf("note %q claims an absence the scan could not see", note.Detail)
				}
				noted = noted || (note.Kind == "unknown-exposure" && strings.Contains(note.Detail, "unknown"))
			}
			for _, f := range rep.Findings {
				if !about(f.Resource) {
					continue
				}
				if falseAbsence.MatchString(f.Title + " " + f.Message) {
					t.Errorf("finding %s %q claims an absence the scan could not see", f.RuleID, f.Message)
				}
				reported = reported || (f.RuleID == "TM-EXP-005" && strings.Contains(f.Message, "unknown") && f.Confidence == "low")
			}
			if !noted || !reported {
				t.Errorf("no unknown-exposure note (%v) or low-confidence TM-EXP-005 finding (%v) says exposure is unknown", noted, reported)
			}
			for _, line := range strings.Split(string(md), "\n") {
				if strings.Contains(line, name) && !strings.Contains(line, "| denied |") && falseAbsence.MatchString(line) {
					t.Errorf("report.md says %q", line)
				}
			}
		})
	}

	t.Run("what was readable is still reported, certain", func(t *testing.T) {
		want := map[string]policy.Verdict{
			"arn:aws:s3:::pp-public-assets":                                                       policy.Public,
			"arn:aws:sqs:us-east-1:123456789012:pp-partner-inbox":                                 policy.CrossAccount,
			"arn:aws:iam::123456789012:role/pp-vendor":                                            policy.CrossAccount,
			"arn:aws:apigateway:us-east-1::/restapis/pp0visibl1/resources/ppstatus01/methods/GET": policy.Public,
		}
		for _, ep := range rep.EntryPoints {
			if exp, ok := want[ep.ResourceARN]; ok {
				if ep.Exposure != exp || !ep.Certain {
					t.Errorf("%s: %s certain %v, want %s certain", ep.ResourceARN, ep.Exposure, ep.Certain, exp)
				}
				delete(want, ep.ResourceARN)
			}
		}
		if len(want) > 0 {
			t.Errorf("missing entry points: %v", want)
		}
	})
}

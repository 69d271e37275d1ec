package export

import (
	"encoding/json"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

func toolForTest() graph.Tool { return graph.Tool{Name: "trustmap", Version: "test"} }

// ASFF has no official JSON Schema: these checks follow the required
// attributes and limits of awsdocs asff-required-attributes.md and the
// AwsSecurityFinding API reference.
var (
	asffProductArnRE = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:securityhub:[a-z]{2}(-[a-z]+)+-\d:(\d{12}):product/(\d{12})/default$`)
	asffAccountRE    = regexp.MustCompile(`^\d{12}$`)
	asffNamespaces   = []string{"Software and Configuration Checks", "TTPs", "Effects", "Unusual Behaviors", "Sensitive Data Identifications"}
	asffRequired     = []string{"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types", "CreatedAt", "UpdatedAt", "Severity", "Title", "Description", "Resources"}
)

// checkASFF checks every required attribute and every length limit of one
// finding as written to the file.
func checkASFF(t *testing.T, raw map[string]any) {
	t.Helper()
	for _, k := range asffRequired {
		if v, ok := raw[k]; !ok || v == nil || v == "" {
			t.Errorf("finding %v: required attribute %s missing or empty", raw["Id"], k)
		}
	}
	var f ASFFFinding
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	text := func(name, s string, max int) {
		if s == "" || len(s) > max || !utf8.ValidString(s) {
			t.Errorf("finding %s: %s is %d bytes (limit %d) or not valid UTF-8", f.ID, name, len(s), max)
		}
	}
	if f.SchemaVersion != "2018-10-08" {
		t.Errorf("SchemaVersion %q", f.SchemaVersion)
	}
	text("Id", f.ID, 512)
	text("GeneratorId", f.GeneratorID, 512)
	text("Title", f.Title, 256)
	text("Description", f.Description, 1024)
	if !asffAccountRE.MatchString(f.AwsAccountID) {
		t.Errorf("finding %s: AwsAccountId %q is not 12 digits", f.ID, f.AwsAccountID)
	}
	if m := asffProductArnRE.FindStringSubmatch(f.ProductArn); m == nil || m[3] != f.AwsAccountID || m[4] != f.AwsAccountID {
		t.Errorf("finding %s: ProductArn %q is not arn:aws:securityhub:<region>:%s:product/%s/default", f.ID, f.ProductArn, f.AwsAccountID, f.AwsAccountID)
	}
	if len(f.Types) == 0 || len(f.Types) > 50 {
		t.Errorf("finding %s: %d types", f.ID, len(f.Types))
	}
	for _, ty := range f.Types {
		ns, _, _ := strings.Cut(ty, "/")
		if !strings.Contains(strings.Join(asffNamespaces, "|"), ns) || strings.Count(ty, "/") > 2 {
			t.Errorf("finding %s: type %q is not namespace/category/classifier", f.ID, ty)
		}
	}
	for _, ts := range []string{f.CreatedAt, f.UpdatedAt} {
		if _, err := time.Parse(time.RFC3339, ts); err != nil {
			t.Errorf("finding %s: %v", f.ID, err)
		}
	}
	if !strings.Contains("INFORMATIONAL LOW MEDIUM HIGH CRITICAL", f.Severity.Label) || f.Severity.Label == "" {
		t.Errorf("finding %s: severity label %q", f.ID, f.Severity.Label)
	}
	if f.FindingProviderFields.Severity.Label != f.Severity.Label || len(f.FindingProviderFields.Types) != len(f.Types) {
		t.Errorf("finding %s: FindingProviderFields disagree with the finding", f.ID)
	}
	if len(f.Resources) == 0 || len(f.Resources) > 32 {
		t.Errorf("finding %s: %d resources", f.ID, len(f.Resources))
	}
	for _, r := range f.Resources {
		if r.Type == "" || r.ID == "" || r.Region == "" || !strings.Contains("aws aws-cn aws-us-gov", r.Partition) || r.Partition == "" {
			t.Errorf("finding %s: resource %+v", f.ID, r)
		}
		if r.Type == "Other" && (r.Details == nil || len(r.Details.Other) == 0) {
			t.Errorf("finding %s: an Other resource without Details.Other", f.ID)
		}
	}
	if f.Remediation != nil {
		text("Remediation.Recommendation.Text", f.Remediation.Recommendation.Text, 512)
	}
	if len(f.ProductFields) > 50 {
		t.Errorf("finding %s: %d product fields", f.ID, len(f.ProductFields))
	}
	for k, v := range f.ProductFields {
		if len(k) > 128 || len(v) > 2048 || strings.HasPrefix(k, "aws/") {
			t.Errorf("finding %s: product field %q (%d bytes) breaks a limit or uses the reserved aws/ prefix", f.ID, k, len(v))
		}
	}
	if f.RecordState != "ACTIVE" && f.RecordState != "ARCHIVED" {
		t.Errorf("finding %s: record state %q", f.ID, f.RecordState)
	}
}

func parseASFF(t *testing.T, in report.Input) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(render(t, WriteASFF, in), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEveryASFFFindingHasTheRequiredAttributesWithinTheirLimits(t *testing.T) {
	in := pipelineInput(t)
	fs := parseASFF(t, in)
	if want := len(in.Report.Findings) + len(in.Report.Threats); len(fs) != want {
		t.Fatalf("%d ASFF findings, want one per finding and threat (%d)", len(fs), want)
	}
	ids := map[string]bool{}
	for _, f := range fs {
		checkASFF(t, f)
		id := f["Id"].(string)
		if ids[id] {
			t.Errorf("Id %s used twice", id)
		}
		ids[id] = true
		if f["CreatedAt"] != "2026-11-27T12:00:00.000Z" || f["UpdatedAt"] != f["CreatedAt"] {
			t.Errorf("%s: CreatedAt %v UpdatedAt %v, want the scan time", id, f["CreatedAt"], f["UpdatedAt"])
		}
	}
}

func TestASFFCutsLongTextAtARuneBoundaryAndHashesOverlongIds(t *testing.T) {
	long := strings.Repeat("界", 700)
	r := &report.Report{Accounts: []string{"123456789012"}, Regions: []string{"eu-west-1"}, Tool: toolForTest(),
		ScannedAt: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC),
		Findings: []analyzers.Finding{
			{ID: "TM-EXP-001:" + strings.Repeat("x", 600), RuleID: "TM-EXP-001", Analyzer: "exposure", Title: strings.Repeat("é", 300),
				Severity: results.SevHigh, Resource: "arn:aws-cn:s3:::" + strings.Repeat("b", 40), Message: long, Remediation: long},
			{ID: "TM-EXP-001:" + strings.Repeat("x", 600) + "y", RuleID: "TM-EXP-001", Analyzer: "exposure", Title: "t",
				Severity: results.SevInfo, Resource: "", Message: "account-wide"},
		},
		Threats: []results.Threat{{ID: "T-1", Title: long, STRIDE: []string{"Spoofing"}, ResourceARN: "arn:aws:iam::210987654321:role/x",
			Likelihood: 5, Impact: 5, Risk: 25, Severity: results.SevCritical, Mitigations: []string{long},
			AttackTree: &results.AttackNode{Goal: long, Holds: graph.True}}},
	}
	fs := parseASFF(t, report.Input{Report: r})
	for _, f := range fs {
		checkASFF(t, f)
	}
	if fs[0]["Id"] == fs[1]["Id"] {
		t.Errorf("two overlong ids collapsed into one: %v", fs[0]["Id"])
	}
	if !strings.HasSuffix(fs[0]["Title"].(string), "…") {
		t.Errorf("a cut title should end in an ellipsis: %q", fs[0]["Title"])
	}
	if !strings.HasPrefix(fs[0]["ProductArn"].(string), "arn:aws-cn:securityhub:eu-west-1:123456789012:") {
		t.Errorf("ProductArn %v, want the resource's partition and the first scanned region", fs[0]["ProductArn"])
	}
	res := fs[1]["Resources"].([]any)[0].(map[string]any)
	if res["Type"] != "AwsAccount" || res["Id"] != "AWS::::Account:123456789012" {
		t.Errorf("an account-wide finding's resource is %v", res)
	}
	if fs[2]["AwsAccountId"] != "123456789012" {
		t.Errorf("a threat on a role in another account is filed in %v, want the scanned account", fs[2]["AwsAccountId"])
	}
}

func TestASFFSeverityLabelsFollowTheBands(t *testing.T) {
	for sev, want := range map[results.Severity]string{results.SevInfo: "INFORMATIONAL", results.SevLow: "LOW",
		results.SevMedium: "MEDIUM", results.SevHigh: "HIGH", results.SevCritical: "CRITICAL"} {
		if got := asffLabel(sev); got != want {
			t.Errorf("%s → %s, want %s", sev, got, want)
		}
	}
}

func TestEveryExportWritesAReportThatHasNoGraph(t *testing.T) {
	in := pipelineInput(t)
	in.Graph = nil
	for _, c := range []struct {
		schema string
		write  func(io.Writer, report.Input) error
	}{
		{"otm-0.2.0.schema.json", WriteOTMJSON}, {"threat-dragon-v2.schema.json", WriteThreatDragon}, {"sarif-2.1.0.schema.json", WriteSARIF},
	} {
		validateSchema(t, c.schema, render(t, c.write, in))
	}
	for _, f := range parseASFF(t, in) {
		checkASFF(t, f)
	}
}

package export

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"iter"
	"regexp"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

// AWS Security Finding Format (Security Hub CSPM). There is no official
// JSON Schema; the limits below are the documented ones
// (awsdocs asff-required-attributes, API_AwsSecurityFinding) and a test
// checks every finding against them.
const (
	ASFFSchemaVersion  = "2018-10-08"
	asffMaxID          = 512
	asffMaxTitle       = 256
	asffMaxDescription = 1024
	asffMaxRemediation = 512
	asffMaxTypes       = 50
	asffMaxFieldKey    = 128
	asffMaxFieldValue  = 2048
	asffMaxFields      = 50
	asffDefaultRegion  = "us-east-1"
)

// ASFFFinding is one AwsSecurityFinding as BatchImportFindings takes it.
type ASFFFinding struct {
	SchemaVersion         string                    `json:"SchemaVersion"`
	ID                    string                    `json:"Id"`
	ProductArn            string                    `json:"ProductArn"`
	GeneratorID           string                    `json:"GeneratorId"`
	AwsAccountID          string                    `json:"AwsAccountId"`
	Types                 []string                  `json:"Types"`
	CreatedAt             string                    `json:"CreatedAt"`
	UpdatedAt             string                    `json:"UpdatedAt"`
	Severity              ASFFSeverity              `json:"Severity"`
	Title                 string                    `json:"Title"`
	Description           string                    `json:"Description"`
	Resources             []ASFFResource            `json:"Resources"`
	Remediation           *ASFFRemediation          `json:"Remediation,omitempty"`
	ProductFields         map[string]string         `json:"ProductFields,omitempty"`
	RecordState           string                    `json:"RecordState"`
	FindingProviderFields ASFFFindingProviderFields `json:"FindingProviderFields"`
	// Region is where the finding is imported (the region of ProductArn);
	// it is not part of the format.
	Region string `json:"-"`
}

// ASFFSeverity is the finding's severity.
type ASFFSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original,omitempty"`
}

// ASFFResource is a resource the finding is about.
type ASFFResource struct {
	Type      string              `json:"Type"`
	ID        string              `json:"Id"`
	Partition string              `json:"Partition"`
	Region    string              `json:"Region"`
	Details   *ASFFResourceDetail `json:"Details,omitempty"`
}

// ASFFResourceDetail holds details of an "Other" resource.
type ASFFResourceDetail struct {
	Other map[string]string `json:"Other"`
}

// ASFFRemediation is the recommended fix.
type ASFFRemediation struct {
	Recommendation ASFFRecommendation `json:"Recommendation"`
}

// ASFFRecommendation is the fix text and where to read more.
type ASFFRecommendation struct {
	Text string `json:"Text"`
	URL  string `json:"Url,omitempty"`
}

// ASFFFindingProviderFields repeats severity and types where Security Hub
// expects providers to update them after the finding was created.
type ASFFFindingProviderFields struct {
	Severity ASFFSeverity `json:"Severity"`
	Types    []string     `json:"Types"`
}

// WriteASFF writes findings and threats as a JSON array of
// AwsSecurityFinding objects, ready for BatchImportFindings. Each finding
// is written as soon as it is made, so that a large account's findings
// are never all in memory at once; the bytes are those json.Encoder
// writes for the whole array, "[]" when there are none.
func WriteASFF(w io.Writer, in report.Input) error {
	jw := graph.NewJSONWriter(w, false)
	jw.Array()
	for f := range ASFFFindings(in) {
		jw.Value(f)
		if jw.Err() != nil {
			break
		}
	}
	jw.End()
	return jw.Close()
}

// ASFFFindings yields the report's findings and then its threats as ASFF,
// one at a time, so that a writer can stream them and a caller that needs
// them together collects them itself. It is pure: CreatedAt and UpdatedAt
// are the scan time.
func ASFFFindings(in report.Input) iter.Seq[ASFFFinding] {
	return func(yield func(ASFFFinding) bool) {
		r := in.Report
		at := r.ScannedAt.UTC().Format("2006-01-02T15:04:05.000Z")
		urls := map[string]string{}
		for _, a := range r.Analyzers {
			urls[a.Name] = a.URL
		}
		for i := range r.Findings {
			if !yield(asffFinding(in, &r.Findings[i], at, urls)) {
				return
			}
		}
		paths := map[string]int{} // attack path id → its position in r.AttackPaths
		for i, p := range r.AttackPaths {
			paths[p.ID] = i
		}
		for i := range r.Threats {
			t := &r.Threats[i]
			var path *results.AttackPath
			if j, ok := paths[t.AttackPath]; ok {
				path = &r.AttackPaths[j]
			}
			if !yield(asffThreat(in, t, path, at)) {
				return
			}
		}
	}
}

// asffFinding converts an analyzer finding; urls holds each analyzer's
// documentation, the remediation's link.
func asffFinding(in report.Input, f *analyzers.Finding, at string, urls map[string]string) ASFFFinding {
	fs := asffBase(in, f.Resource, f.Account, f.Region, at)
	fs.ID = asffID(fs.AwsAccountID, f.ID)
	fs.GeneratorID = "trustmap/" + f.RuleID
	fs.Types = asffFindingTypes(*f)
	fs.Severity = ASFFSeverity{Label: asffLabel(f.Severity), Original: string(f.Severity)}
	fs.Title = truncateUTF8(f.Title+": "+report.Name(f.Resource, nodeOf(in, f.Resource)), asffMaxTitle)
	fs.Description = truncateUTF8(orText(f.Message, f.Title), asffMaxDescription)
	if f.Remediation != "" {
		fs.Remediation = &ASFFRemediation{Recommendation: ASFFRecommendation{Text: truncateUTF8(f.Remediation, asffMaxRemediation), URL: urls[f.Analyzer]}}
	}
	fs.ProductFields = asffFields(map[string]string{
		"trustmap/RuleId": f.RuleID, "trustmap/Analyzer": f.Analyzer, "trustmap/Confidence": string(f.Confidence),
		"trustmap/Recognized": fmt.Sprint(f.Recognized), "trustmap/FindingId": f.ID,
	})
	if f.Suppressed != nil {
		fs.RecordState = "ARCHIVED"
		fs.ProductFields["trustmap/SuppressedBy"] = truncateUTF8(f.Suppressed.Owner+": "+f.Suppressed.Reason, asffMaxFieldValue)
	}
	fs.FindingProviderFields = ASFFFindingProviderFields{Severity: fs.Severity, Types: fs.Types}
	return fs
}

// asffThreat converts a threat; path is its attack path, nil when the
// report has none by that id.
func asffThreat(in report.Input, t *results.Threat, path *results.AttackPath, at string) ASFFFinding {
	fs := asffBase(in, t.ResourceARN, "", "", at)
	fs.ID = asffID(fs.AwsAccountID, t.ID)
	fs.GeneratorID = "trustmap/" + ThreatRuleID
	fs.Types = asffThreatTypes(*t)
	fs.Severity = ASFFSeverity{Label: asffLabel(t.Severity), Original: fmt.Sprint(t.Risk)}
	fs.Title = truncateUTF8(t.Title, asffMaxTitle)
	fs.Description = truncateUTF8(report.ThreatText(*t), asffMaxDescription)
	if len(t.Mitigations) > 0 {
		fs.Remediation = &ASFFRemediation{Recommendation: ASFFRecommendation{
			Text: truncateUTF8(strings.Join(t.Mitigations, "; "), asffMaxRemediation),
			URL:  "https://github.com/trustmap/trustmap/blob/main/docs/scoring.md"}}
	}
	fields := map[string]string{
		"trustmap/RuleId": ThreatRuleID, "trustmap/ThreatId": t.ID, "trustmap/STRIDE": strings.Join(t.STRIDE, ", "),
		"trustmap/Likelihood": fmt.Sprint(t.Likelihood), "trustmap/Impact": fmt.Sprint(t.Impact), "trustmap/Risk": fmt.Sprint(t.Risk),
		"trustmap/Recognized": fmt.Sprint(t.Recognized), "trustmap/EntryPoint": t.EntryPoint,
	}
	if path != nil {
		fields["trustmap/AttackPathId"] = path.ID
		fields["trustmap/AttackPath"] = attackPathText(*path)
	}
	if refs := attackIDs(t.References); len(refs) > 0 {
		fields["trustmap/ATTACK"] = strings.Join(refs, ", ")
	}
	fs.ProductFields = asffFields(fields)
	fs.FindingProviderFields = ASFFFindingProviderFields{Severity: fs.Severity, Types: fs.Types}
	return fs
}

// asffBase fills what every finding shares: the account and region it is
// imported into, the product ARN, times and the resource.
func asffBase(in report.Input, resource, acct, region, at string) ASFFFinding {
	r := in.Report
	n := nodeOf(in, resource)
	if n != nil {
		acct, region = cmpOr(acct, n.Account), cmpOr(region, n.Region)
	}
	acct = cmpOr(acct, graph.AccountOfARN(resource))
	if !slices.Contains(r.Accounts, acct) && len(r.Accounts) > 0 {
		// A finding about a resource outside the scan (a role in another
		// account) is filed in the scanned account that reported it.
		acct = r.Accounts[0]
	}
	if region == "" && len(r.Regions) > 0 {
		region = r.Regions[0]
	}
	region = cmpOr(region, asffDefaultRegion)
	res := ASFFResource{Type: asffResourceType(n, resource), ID: resource, Partition: asffPartition(resource), Region: region}
	if resource == "" {
		// An account-wide finding: Security Hub's own form for the account.
		res.Type, res.ID = "AwsAccount", "AWS::::Account:"+acct
	}
	if res.Type == "Other" {
		kind := "unknown"
		if n != nil {
			kind = string(n.Kind)
		}
		res.Details = &ASFFResourceDetail{Other: map[string]string{"kind": kind, "name": truncateUTF8(report.Name(resource, n), asffMaxFieldValue)}}
	}
	return ASFFFinding{
		SchemaVersion: ASFFSchemaVersion,
		ProductArn:    fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", res.Partition, region, acct, acct),
		AwsAccountID:  acct,
		CreatedAt:     at,
		UpdatedAt:     at,
		Resources:     []ASFFResource{res},
		RecordState:   "ACTIVE",
		Region:        region,
	}
}

// asffID is the finding's stable Id: re-importing a scan updates the same
// findings. An id over the limit is replaced by its hash, which stays
// unique where a cut would not.
func asffID(acct, id string) string {
	s := "trustmap/" + acct + "/" + id
	if len(s) > asffMaxID {
		sum := sha256.Sum256([]byte(id))
		s = "trustmap/" + acct + "/sha256-" + hex.EncodeToString(sum[:])
	}
	return s
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func orText(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

// asffResourceType maps a node kind to an ASFF resource type; kinds ASFF
// has no type for are "Other" with the kind in Details.
func asffResourceType(n *graph.Node, id string) string {
	k := report.KindOfID(id)
	if n != nil {
		k = n.Kind
	}
	switch k {
	case graph.KindS3Bucket:
		return "AwsS3Bucket"
	case graph.KindLambdaFunction:
		return "AwsLambdaFunction"
	case graph.KindSQSQueue:
		return "AwsSqsQueue"
	case graph.KindSNSTopic:
		return "AwsSnsTopic"
	case graph.KindEventBus:
		return "AwsEventsEventbus"
	case graph.KindKMSKey:
		return "AwsKmsKey"
	case graph.KindSecret:
		return "AwsSecretsManagerSecret"
	case graph.KindStateMachine:
		return "AwsStepFunctionStateMachine"
	case graph.KindRestAPI:
		return "AwsApiGatewayRestApi"
	case graph.KindRestAPIStage:
		return "AwsApiGatewayStage"
	case graph.KindHTTPAPI:
		return "AwsApiGatewayV2Api"
	case graph.KindHTTPAPIStage:
		return "AwsApiGatewayV2Stage"
	case graph.KindIAMRole:
		return "AwsIamRole"
	case graph.KindIAMUser:
		return "AwsIamUser"
	case graph.KindIAMGroup:
		return "AwsIamGroup"
	case graph.KindIAMPolicy:
		return "AwsIamPolicy"
	case graph.KindAccessKey:
		return "AwsIamAccessKey"
	}
	return "Other"
}

func asffPartition(arn string) string {
	if p := strings.SplitN(arn, ":", 3); len(p) == 3 && p[0] == "arn" {
		switch p[1] {
		case "aws-cn", "aws-us-gov":
			return p[1]
		}
	}
	return "aws"
}

func asffLabel(s results.Severity) string {
	switch s {
	case results.SevLow:
		return "LOW"
	case results.SevMedium:
		return "MEDIUM"
	case results.SevHigh:
		return "HIGH"
	case results.SevCritical:
		return "CRITICAL"
	}
	return "INFORMATIONAL"
}

// ASFF type taxonomy (namespace/category/classifier).
const (
	asffBestPractice = "Software and Configuration Checks/AWS Security Best Practices"
	asffReachability = asffBestPractice + "/Network Reachability"
)

// asffFindingTypes classifies an analyzer finding by its rule.
func asffFindingTypes(f analyzers.Finding) []string {
	rule := f.RuleID
	switch {
	case rule == "TM-EXP-001" || rule == "TM-EXP-002":
		ts := []string{asffReachability}
		switch asffResourceType(nil, f.Resource) {
		case "AwsS3Bucket":
			ts = append(ts, "Effects/Data Exposure", "TTPs/Collection/T1530")
		case "AwsSqsQueue":
			ts = append(ts, "TTPs/Impact/T1565")
		default:
			ts = append(ts, "TTPs/Initial Access/T1190")
		}
		return ts
	case rule == "TM-BND-001":
		return []string{asffReachability}
	case strings.HasPrefix(rule, "TM-DEP-"):
		return []string{asffBestPractice, "TTPs/Initial Access/T1199"}
	case rule == "TM-TOK-001":
		return []string{asffBestPractice, "TTPs/Initial Access/T1078.004"}
	case rule == "TM-TOK-002":
		return []string{asffReachability, "TTPs/Credential Access"}
	case rule == "TM-TOK-003":
		return []string{asffBestPractice, "TTPs/Persistence/T1098.001"}
	}
	return []string{asffBestPractice}
}

// attackTactics maps the ATT&CK techniques trustmap cites to their tactic.
var attackTactics = map[string]string{
	"T1190": "Initial Access", "T1078.004": "Initial Access", "T1199": "Initial Access",
	"T1530": "Collection", "T1537": "Exfiltration", "T1552": "Credential Access",
	"T1565": "Impact", "T1565.001": "Impact", "T1485": "Impact", "T1496": "Impact", "T1499": "Impact",
	"T1098": "Persistence", "T1098.001": "Persistence", "T1098.003": "Persistence",
	"T1648": "Execution", "T1562.008": "Defense Evasion",
}

var attackRE = regexp.MustCompile(`ATT&CK (T\d{4}(?:\.\d{3})?)`)

func attackIDs(refs []string) []string {
	var ids []string
	for _, r := range refs {
		if m := attackRE.FindStringSubmatch(r); m != nil {
			ids = append(ids, m[1])
		}
	}
	return ids
}

// asffThreatTypes classifies a threat by its ATT&CK references and STRIDE
// categories.
func asffThreatTypes(t results.Threat) []string {
	ts := []string{asffReachability}
	for _, id := range attackIDs(t.References) {
		if tactic, ok := attackTactics[id]; ok {
			ts = append(ts, "TTPs/"+tactic+"/"+id)
		}
	}
	for _, c := range t.STRIDE {
		switch c {
		case "Information disclosure":
			ts = append(ts, "Effects/Data Exposure")
		case "Denial of service":
			ts = append(ts, "Effects/Denial of Service", "Effects/Resource Consumption")
		}
	}
	slices.Sort(ts[1:])
	ts = slices.Compact(ts)
	if len(ts) > asffMaxTypes {
		ts = ts[:asffMaxTypes]
	}
	return ts
}

// asffFields drops empty values and enforces ProductFields' limits.
func asffFields(m map[string]string) map[string]string {
	out := map[string]string{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if m[k] == "" || len(out) == asffMaxFields {
			continue
		}
		out[truncateUTF8(k, asffMaxFieldKey)] = truncateUTF8(m[k], asffMaxFieldValue)
	}
	return out
}

func attackPathText(p results.AttackPath) string {
	var b strings.Builder
	b.WriteString(string(p.FromZone))
	for _, s := range p.Steps {
		fmt.Fprintf(&b, " -%s-> %s", s.Edge, s.To)
	}
	return b.String()
}

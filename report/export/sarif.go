package export

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

// SARIF 2.1.0 as GitHub code scanning accepts it (formats.md §4): GitHub
// rejects a whole file when one result lacks a physical location, so every
// result points at the snapshot file (line 1) and carries the resource ARN
// as a logical location. Severity lives on the rule (security-severity), so
// each analyzer rule is split into one sub-rule per severity band
// ("TM-EXP-001/high"); fingerprints use the base rule id, so an alert
// keeps its identity when only its severity moves.
const (
	sarifSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	// GitHub's limits per run: 25,000 results (it keeps the 5,000 most
	// severe); 20 tags per rule, of which it shows 10 (we emit at most 10).
	sarifMaxResults = 25000
	sarifMaxTags    = 10
)

// The log is {"$schema", "version", "runs": [{"tool", "automationDetails",
// "invocations", "results"}]}, in that order. WriteSARIF writes that frame
// itself, so that the results are written one at a time; the pieces are
// the types below.

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifRuleLevel `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifRuleLevel struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
	Precision        string   `json:"precision"`
	ProblemSeverity  string   `json:"problem.severity"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	CodeFlows           []sarifCodeFlow    `json:"codeFlows,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	Message          *sarifText     `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifCodeFlow struct {
	Message     sarifText         `json:"message"`
	ThreadFlows []sarifThreadFlow `json:"threadFlows"`
}

type sarifThreadFlow struct {
	Locations []sarifThreadFlowLocation `json:"locations"`
}

type sarifThreadFlowLocation struct {
	Location sarifLocation `json:"location"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

// WriteSARIF writes findings and threats as a SARIF 2.1.0 log for CI gates
// and GitHub code scanning.
//
// A large account has a hundred thousand results; built whole before it
// is encoded, the log and its encoded copies take hundreds of megabytes,
// so it is streamed instead. A first pass over the items settles what
// needs them all (the order, the cut at GitHub's limit and the rule
// numbers, which follow the order in which rules are first seen and are
// written before the results), then each result is built and written in
// turn. Each piece is marshalled whole from the types above, so the bytes
// are those json.Encoder writes for the whole log.
func WriteSARIF(w io.Writer, in report.Input) error {
	r := in.Report
	items := newSARIFItems(in)
	order, notes := items.order()
	rules, index := items.rules(order)

	jw := graph.NewJSONWriter(w, false)
	jw.Object()
	jw.Member("$schema", sarifSchemaURI)
	jw.Member("version", "2.1.0")
	jw.Key("runs")
	jw.Array()
	jw.Object()
	jw.Member("tool", sarifTool{Driver: sarifDriver{Name: "trustmap", Version: r.Tool.Version, InformationURI: "https://github.com/trustmap/trustmap", Rules: rules}})
	jw.Member("automationDetails", sarifAutomation{ID: "trustmap/" + strings.Join(r.Accounts, "+") + "/"})
	jw.Member("invocations", []sarifInvocation{{ExecutionSuccessful: true, Notifications: notes}})
	jw.Key("results")
	jw.Array()
	for _, i := range order {
		it := items.item(i)
		id := it.ruleID()
		res := items.result(i)
		res.RuleID, res.RuleIndex, res.Level = id, index[id], sarifLevel(it.severity)
		jw.Value(res)
		if jw.Err() != nil {
			break
		}
	}
	jw.End()
	jw.End()
	jw.End()
	jw.End()
	return jw.Close()
}

// sarifItem is what ordering, cutting and numbering rules need of one
// result; it is cheap to compute, so it is recomputed rather than kept.
type sarifItem struct {
	base, analyzer, title, precision string
	severity                         results.Severity
}

// ruleID is the sub-rule of the item's severity band ("TM-EXP-001/high").
func (it sarifItem) ruleID() string { return it.base + "/" + string(it.severity) }

// sarifItems reads the run's items, the report's findings and then its
// threats, by position, so that an order of positions is all that is kept
// of them between the passes.
type sarifItems struct {
	in    report.Input
	uri   string
	paths map[string]int // attack path id → its position in Report.AttackPaths
}

func newSARIFItems(in report.Input) *sarifItems {
	s := &sarifItems{in: in, uri: in.SnapshotFile, paths: map[string]int{}}
	if s.uri == "" {
		s.uri = "snapshot.json"
	}
	for i, p := range in.Report.AttackPaths {
		s.paths[p.ID] = i
	}
	return s
}

func (s *sarifItems) len() int { return len(s.in.Report.Findings) + len(s.in.Report.Threats) }

// item returns the cheap part of item i.
func (s *sarifItems) item(i int) sarifItem {
	r := s.in.Report
	if i < len(r.Findings) {
		f := &r.Findings[i]
		return sarifItem{base: f.RuleID, severity: f.Severity, analyzer: f.Analyzer, title: f.Title, precision: sarifPrecision(string(f.Confidence))}
	}
	t := &r.Threats[i-len(r.Findings)]
	prec := "high"
	if t.AttackTree != nil && t.AttackTree.Holds != graph.True {
		prec = "medium"
	}
	return sarifItem{base: ThreatRuleID, severity: t.Severity, analyzer: "threats", title: "STRIDE threat at an entry point", precision: prec}
}

// order returns the positions of the items to write, in the order to
// write them, and the notifications of the run. Over GitHub's limit the
// items are sorted by severity, most severe first and otherwise in report
// order, and the least severe are left out.
func (s *sarifItems) order() ([]int, []sarifNotification) {
	r := s.in.Report
	n := s.len()
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	var notes []sarifNotification
	if n > sarifMaxResults {
		slices.SortStableFunc(order, func(a, b int) int {
			return cmp.Compare(s.item(b).severity.Rank(), s.item(a).severity.Rank())
		})
		notes = append(notes, sarifNotification{Level: "warning", Message: sarifText{Text: fmt.Sprintf(
			"%d results exceed GitHub's limit of %d per run; the %d least severe were left out (report.json has them all)",
			n, sarifMaxResults, n-sarifMaxResults)}})
		order = order[:sarifMaxResults]
	}
	if !r.Complete {
		why := "the scan is marked incomplete"
		if r.IncompleteReason != "" {
			why = "the scan stopped early (" + r.IncompleteReason + ")"
		}
		notes = append(notes, sarifNotification{Level: "warning", Message: sarifText{Text: why + ": results cover what was collected"}})
	}
	if n := len(r.Coverage); n > 0 {
		notes = append(notes, sarifNotification{Level: "warning", Message: sarifText{Text: fmt.Sprintf("%d API calls failed (coverage gaps): facts behind them are unknown, not absent; see report.json", n)}})
	}
	return order, notes
}

// rules numbers the rules in the order the written items first use them,
// each with the lowest precision among its items, and returns them with
// the number of each rule id.
func (s *sarifItems) rules(order []int) ([]sarifRule, map[string]int) {
	docs := map[string]report.AnalyzerDoc{}
	for _, a := range s.in.Report.Analyzers {
		docs[a.Name] = a
	}
	rules := []sarifRule{}
	index := map[string]int{}
	for _, i := range order {
		it := s.item(i)
		id := it.ruleID()
		j, ok := index[id]
		if !ok {
			index[id] = len(rules)
			rules = append(rules, sarifRuleFor(id, it, docs[it.analyzer]))
		} else if precisionRank(it.precision) < precisionRank(rules[j].Properties.Precision) {
			rules[j].Properties.Precision = it.precision
		}
	}
	return rules, index
}

// result builds item i's result, all but its rule and level, which come
// from the numbered rules.
func (s *sarifItems) result(i int) sarifResult {
	in, r := s.in, s.in.Report
	if i < len(r.Findings) {
		f := &r.Findings[i]
		text := f.Title + ": " + f.Message
		if f.Remediation != "" {
			text += " Fix: " + f.Remediation
		}
		res := sarifResult{Message: sarifText{Text: text}, Locations: []sarifLocation{s.loc(f.Resource, "")},
			PartialFingerprints: sarifFingerprint(f.RuleID, f.Resource, f.ID),
			Properties:          map[string]any{"trustmap/id": f.ID, "confidence": f.Confidence, "recognized": f.Recognized}}
		if f.Suppressed != nil {
			res.Suppressions = []sarifSuppression{{Kind: "external", Justification: strings.TrimSpace(f.Suppressed.Reason + " (owner " + f.Suppressed.Owner + ", expires " + f.Suppressed.Expires + ")")}}
		}
		return res
	}
	t := &r.Threats[i-len(r.Findings)]
	text := fmt.Sprintf("%s (risk %d, %s). %s", t.Title, t.Risk, t.Severity, report.ThreatText(*t))
	if len(t.Mitigations) > 0 {
		text += "\nMitigations:\n- " + strings.Join(t.Mitigations, "\n- ")
	}
	res := sarifResult{Message: sarifText{Text: text}, Locations: []sarifLocation{s.loc(t.ResourceARN, "")},
		PartialFingerprints: sarifFingerprint(ThreatRuleID, t.ResourceARN, t.ID),
		Properties: map[string]any{"trustmap/id": t.ID, "stride": t.STRIDE, "likelihood": t.Likelihood, "impact": t.Impact,
			"risk": t.Risk, "recognized": t.Recognized}}
	if j, ok := s.paths[t.AttackPath]; ok && len(r.AttackPaths[j].Steps) > 0 {
		p := &r.AttackPaths[j]
		tfl := []sarifThreadFlowLocation{{Location: s.loc(p.Steps[0].From, "start in "+string(p.FromZone))}}
		for _, st := range p.Steps {
			tfl = append(tfl, sarifThreadFlowLocation{Location: s.loc(st.To, st.Edge.String()+" "+report.Name(st.To, nodeOf(in, st.To)))})
		}
		res.CodeFlows = []sarifCodeFlow{{Message: sarifText{Text: "attack path " + p.ID}, ThreadFlows: []sarifThreadFlow{{Locations: tfl}}}}
	}
	return res
}

// loc points at the snapshot file, line 1, and names the resource arn as a
// logical location.
func (s *sarifItems) loc(arn, msg string) sarifLocation {
	l := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: s.uri}, Region: sarifRegion{StartLine: 1}}}
	if arn != "" {
		l.LogicalLocations = []sarifLogical{{Name: report.Name(arn, nodeOf(s.in, arn)), FullyQualifiedName: arn, Kind: "resource"}}
	}
	if msg != "" {
		l.Message = &sarifText{Text: msg}
	}
	return l
}

func sarifRuleFor(id string, it sarifItem, a report.AnalyzerDoc) sarifRule {
	doc, uri := a.Doc, a.URL
	if uri == "" {
		uri = "https://github.com/trustmap/trustmap/blob/main/docs/analyzers.md"
	}
	full := fmt.Sprintf("%s (severity %s). Reported by the %s analyzer: %s.", it.title, it.severity, it.analyzer, doc)
	help := full + " Each result names the AWS resource (logical location: its ARN), the evidence and a concrete fix; the snapshot file it points at holds the collected configuration."
	md := fmt.Sprintf("**%s** (severity %s)\n\nReported by the `%s` analyzer: %s.\n\nEach result names the AWS resource (logical location: its ARN), the evidence and a concrete fix. See [the documentation](%s).",
		it.title, it.severity, it.analyzer, doc, uri)
	tags := []string{"security", "aws", it.analyzer}
	if it.base == ThreatRuleID {
		tags = append(tags, "threat-model", "stride")
		help += " Likelihood × impact = risk as in docs/scoring.md; the message carries the attack tree."
	}
	slices.Sort(tags[1:])
	tags = slices.Compact(tags)
	if len(tags) > sarifMaxTags {
		tags = tags[:sarifMaxTags]
	}
	return sarifRule{
		ID:                   id,
		Name:                 sarifRuleName(it.title, it.severity),
		ShortDescription:     sarifText{Text: it.title},
		FullDescription:      sarifText{Text: full},
		Help:                 sarifText{Text: help, Markdown: md},
		HelpURI:              uri,
		DefaultConfiguration: sarifRuleLevel{Level: sarifLevel(it.severity)},
		Properties: sarifRuleProps{Tags: tags, SecuritySeverity: securitySeverity(it.severity), Precision: it.precision,
			ProblemSeverity: map[string]string{"error": "error", "warning": "warning", "note": "recommendation"}[sarifLevel(it.severity)]},
	}
}

// sarifRuleName turns a title into an identifier-like name
// ("Reachable by anyone", high → "ReachableByAnyoneHigh").
func sarifRuleName(title string, sev results.Severity) string {
	var b strings.Builder
	title = strings.NewReplacer("'", "", "’", "").Replace(title)
	for _, w := range strings.FieldsFunc(title+" "+string(sev), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(w)
		b.WriteString(strings.ToUpper(string(rs[0])) + string(rs[1:]))
	}
	return b.String()
}

// securitySeverity projects a severity band onto GitHub's 0–10 scale
// (formats.md §7.3): low 3.0, medium 5.5, high 8.0, critical 9.5; info
// has none and shows as a plain note.
func securitySeverity(s results.Severity) string {
	switch s {
	case results.SevLow:
		return "3.0"
	case results.SevMedium:
		return "5.5"
	case results.SevHigh:
		return "8.0"
	case results.SevCritical:
		return "9.5"
	}
	return ""
}

func sarifLevel(s results.Severity) string {
	switch s {
	case results.SevCritical, results.SevHigh:
		return "error"
	case results.SevMedium:
		return "warning"
	}
	return "note"
}

func sarifPrecision(confidence string) string {
	switch confidence {
	case "high", "medium", "low":
		return confidence
	}
	return "medium"
}

func precisionRank(p string) int {
	return map[string]int{"low": 0, "medium": 1, "high": 2, "very-high": 3}[p]
}

// sarifFingerprint is GitHub's primaryLocationLineHash, computed from the
// rule, the resource and the finding's own id rather than from a line of
// a file: stable across scans of the same account.
func sarifFingerprint(rule, resource, discriminator string) map[string]string {
	sum := sha256.Sum256([]byte(rule + "\x00" + resource + "\x00" + discriminator))
	return map[string]string{"primaryLocationLineHash": hex.EncodeToString(sum[:8]) + ":1"}
}

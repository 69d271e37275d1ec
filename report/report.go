// Package report turns analysis results into the report.json contract and
// writes it and the human and export formats. Writers are pure functions of
// their input: the clock, version and scan time come in the Report.
package report

import (
	"slices"
	"time"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// SchemaVersion is the version of report.json. Fields may be added within
// a version; none is renamed or removed without bumping it. 1.1 added
// typed evidence (evidence.grants, guards, authorizer) and analyzer
// failures as coverage entries with status "analyzer-error".
// 1.2 added history (history.go), from the scan-history store.
// 1.3 added organization (organization.go): the report grouped by account
// with an organization summary when several accounts were scanned, and
// boundaries[].organization for crossings internal to an organization.
const SchemaVersion = "1.3"

// StatusAnalyzerError is the coverage status of an analyzer that failed:
// what it would have found is missing from the report.
const StatusAnalyzerError = "analyzer-error"

// Report is report.json.
type Report struct {
	SchemaVersion    string               `json:"schema_version"`
	Tool             graph.Tool           `json:"tool"`
	ScannedAt        time.Time            `json:"scanned_at"`
	Complete         bool                 `json:"complete"`
	IncompleteReason string               `json:"incomplete_reason,omitempty"`
	Accounts         []string             `json:"accounts"`
	Regions          []string             `json:"regions"`
	Summary          Summary              `json:"summary"`
	Coverage         []Coverage           `json:"coverage"`
	EntryPoints      []results.EntryPoint `json:"entry_points"`
	Boundaries       []results.Crossing   `json:"boundaries"`
	Findings         []analyzers.Finding  `json:"findings"`
	Threats          []results.Threat     `json:"threats"`
	AttackPaths      []results.AttackPath `json:"attack_paths"`
	Notes            []graph.Note         `json:"notes"`
	// History comes from the history store (history.go); since 1.2.
	History *History `json:"history,omitempty"`
	// Organization groups the report by account when several accounts
	// were scanned (organization.go); since 1.3.
	Organization *Organization `json:"organization,omitempty"`
	// Analyzers documents the analyzers that ran, for writers that describe
	// rules (SARIF, ASFF). Not part of report.json.
	Analyzers []AnalyzerDoc `json:"-"`
}

// AnalyzerDoc is what writers say about an analyzer.
type AnalyzerDoc struct {
	Name, Doc, URL string
}

// Summary counts what the report holds.
type Summary struct {
	Resources         int            `json:"resources"`
	EntryPoints       int            `json:"entry_points"`
	Public            int            `json:"public"`
	CrossAccount      int            `json:"cross_account"`
	Unrecognized      int            `json:"unrecognized"`
	Crossings         int            `json:"boundary_crossings"`
	UnrecognizedCross int            `json:"unrecognized_crossings"`
	BySeverity        map[string]int `json:"by_severity"`
	CoverageGaps      int            `json:"coverage_gaps"`
	Threats           int            `json:"threats"`
	AttackPaths       int            `json:"attack_paths"`
	HighestSeverity   string         `json:"highest_severity"`
	APICalls          int            `json:"api_calls,omitempty"`
}

// Input is what every writer gets: the report, the resolved graph it was
// built from (for exports that draw components and data flows), and the
// names of the files written beside it.
type Input struct {
	Report *Report
	Graph  *graph.Graph
	// SnapshotFile is the name of the snapshot written beside the report
	// (SARIF points its physical locations at it).
	SnapshotFile string
}

// Coverage is one coverage gap: an API call whose answer the scan lacks.
type Coverage struct {
	Account  string `json:"account,omitempty"`
	Service  string `json:"service"`
	Region   string `json:"region,omitempty"`
	API      string `json:"api"`
	Resource string `json:"resource,omitempty"`
	Status   string `json:"status"`
	Error    string `json:"error,omitempty"`
}

// Build assembles the report from a resolved graph and analysis results.
func Build(g *graph.Graph, res *analyzers.Results) *Report {
	s := g.Snapshot
	r := &Report{
		SchemaVersion:    SchemaVersion,
		Tool:             s.Tool,
		ScannedAt:        s.ScannedAt,
		Complete:         s.Complete,
		IncompleteReason: s.Incomplete,
		Accounts:         nonNil(s.Accounts),
		Regions:          nonNil(s.Regions),
		Coverage:         []Coverage{},
		EntryPoints:      []results.EntryPoint{},
		Boundaries:       []results.Crossing{},
		Findings:         []analyzers.Finding{},
		Threats:          []results.Threat{},
		AttackPaths:      []results.AttackPath{},
		Notes:            nonNil(g.Notes),
	}
	for _, gp := range s.Coverage {
		r.Coverage = append(r.Coverage, Coverage{Account: gp.Account, Service: gp.Service, Region: gp.Region, API: gp.API, Resource: gp.Resource, Status: string(gp.Status), Error: gp.Error})
	}
	var reach []results.AccountReach
	if res != nil {
		// A failed analyzer is a gap in the analysis, as a failed API call
		// is a gap in what was collected: listed, and the report incomplete.
		for _, f := range res.Failures {
			r.Coverage = append(r.Coverage, Coverage{Service: "trustmap", API: "analyzer " + f.Analyzer, Status: StatusAnalyzerError, Error: f.Error})
			r.Complete = false
			r.IncompleteReason = joinReason(r.IncompleteReason, "analyzer "+f.Analyzer+" failed")
		}
		for _, a := range res.Analyzers {
			r.Analyzers = append(r.Analyzers, AnalyzerDoc{Name: a.Name, Doc: a.Doc, URL: a.URL})
		}
		r.Findings = append(r.Findings, res.Findings...)
		for _, v := range res.ResultOf {
			switch x := v.(type) {
			case []results.EntryPoint:
				r.EntryPoints = append(r.EntryPoints, x...)
			case []results.Threat:
				r.Threats = append(r.Threats, x...)
			case []results.AttackPath:
				r.AttackPaths = append(r.AttackPaths, x...)
			case []results.Crossing:
				r.Boundaries = append(r.Boundaries, x...)
			case []results.AccountReach:
				reach = append(reach, x...)
			}
		}
	}
	slices.SortFunc(r.EntryPoints, results.CompareEntryPoints)
	slices.SortFunc(r.Threats, results.CompareThreats)
	slices.SortFunc(r.AttackPaths, results.ComparePaths)
	slices.SortFunc(r.Boundaries, results.CompareCrossings)
	r.Summary = summarize(g, r)
	r.Organization = buildOrganization(g, r, reach)
	return r
}

func summarize(g *graph.Graph, r *Report) Summary {
	sum := Summary{BySeverity: map[string]int{}, CoverageGaps: len(r.Coverage), Threats: len(r.Threats), AttackPaths: len(r.AttackPaths), APICalls: g.Snapshot.Calls, HighestSeverity: string(results.SevInfo)}
	for _, n := range g.Nodes {
		if !n.Kind.IsPrincipal() && n.Kind != graph.KindAccount && !(n.Account != "" && !g.Scanned[n.Account]) {
			sum.Resources++
		}
	}
	highest := results.SevInfo
	for _, ep := range r.EntryPoints {
		sum.EntryPoints++
		switch ep.Exposure {
		case policy.Public:
			sum.Public++
		case policy.CrossAccount:
			sum.CrossAccount++
		}
		if !ep.Recognized {
			sum.Unrecognized++
		}
		sum.BySeverity[string(ep.Severity)]++
		if ep.Severity.Rank() > highest.Rank() {
			highest = ep.Severity
		}
	}
	for _, c := range r.Boundaries {
		sum.Crossings++
		if !c.Recognized {
			sum.UnrecognizedCross++
		}
	}
	for _, t := range r.Threats {
		if t.Severity.Rank() > highest.Rank() {
			highest = t.Severity
		}
	}
	sum.HighestSeverity = string(highest)
	return sum
}

func joinReason(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Package analyzers is the analysis framework, modelled on go/analysis: an
// Analyzer is a declared value with a name, documentation, the analyzers
// whose results it needs, and a Run function over a Pass. The driver
// validates the list, runs it in dependency order and gathers what each
// analyzer reports. Each analyzer lives in its own sub-package; the list of
// all of them is analyzers/all.
package analyzers

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
)

// Analyzer is one analysis over the resolved graph.
type Analyzer struct {
	// Name is unique, lower-case, and used as the rule-id prefix.
	Name string
	// Doc is the documentation: first line a summary.
	Doc string
	// URL points to further documentation.
	URL string
	// Requires lists analyzers whose results Run reads from Pass.ResultOf.
	Requires []*Analyzer
	// ResultType is the type of Run's result (nil when it returns none).
	// The driver checks every result against it: a mismatch is an internal
	// error of the analyzer, reported as its failure, never "no results".
	ResultType reflect.Type
	// Run performs the analysis. It must not print; it reports findings
	// through Pass.Report and returns its result for dependants.
	Run func(*Pass) (any, error)
}

func (a *Analyzer) String() string { return a.Name }

// Pass is what an analyzer sees.
type Pass struct {
	Analyzer *Analyzer
	Graph    *graph.Graph
	Trust    *results.Trust
	// ResultOf holds the results of the analyzers in Requires.
	ResultOf map[*Analyzer]any

	report func(Finding)
}

// Report records a finding of the pass's analyzer.
func (p *Pass) Report(f Finding) {
	f.Analyzer = p.Analyzer.Name
	p.report(f)
}

// Validate checks a list of analyzers: non-empty unique names, a Run
// function, every required analyzer present in the list, and no cycles.
func Validate(as []*Analyzer) error {
	names := map[string]bool{}
	in := map[*Analyzer]bool{}
	var errs []error
	for _, a := range as {
		in[a] = true
		switch {
		case a.Name == "":
			errs = append(errs, errors.New("analyzer with empty name"))
		case names[a.Name]:
			errs = append(errs, fmt.Errorf("duplicate analyzer %q", a.Name))
		}
		names[a.Name] = true
		if a.Run == nil {
			errs = append(errs, fmt.Errorf("analyzer %q has no Run", a.Name))
		}
		if a.Doc == "" {
			errs = append(errs, fmt.Errorf("analyzer %q has no Doc", a.Name))
		}
	}
	for _, a := range as {
		for _, r := range a.Requires {
			if !in[r] {
				errs = append(errs, fmt.Errorf("analyzer %q requires %q, which is not in the list", a.Name, r.Name))
			}
		}
	}
	if len(errs) == 0 {
		if _, err := order(as); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// order returns the analyzers in dependency order, stable by list order.
func order(as []*Analyzer) ([]*Analyzer, error) {
	const (
		white = iota
		grey
		black
	)
	state := map[*Analyzer]int{}
	var out []*Analyzer
	var visit func(a *Analyzer, path []string) error
	visit = func(a *Analyzer, path []string) error {
		switch state[a] {
		case grey:
			return fmt.Errorf("analyzer dependency cycle: %v", append(path, a.Name))
		case black:
			return nil
		}
		state[a] = grey
		for _, r := range a.Requires {
			if err := visit(r, append(path, a.Name)); err != nil {
				return err
			}
		}
		state[a] = black
		out = append(out, a)
		return nil
	}
	for _, a := range as {
		if err := visit(a, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Results is what a run of analyzers produced.
type Results struct {
	Findings []Finding
	ResultOf map[*Analyzer]any
	// Failures lists the analyzers that failed or were skipped because one
	// they require failed, in run order. A run with failures is incomplete.
	Failures []Failure
	// Analyzers are the analyzers that were asked to run, in run order.
	Analyzers []*Analyzer
}

// Failure is one analyzer that produced no result.
type Failure struct {
	Analyzer string `json:"analyzer"`
	Error    string `json:"error"`
}

// Run validates the analyzers and runs them over g in dependency order.
// An analyzer whose dependency failed is skipped. Every failure is in
// Results.Failures, and the error joins them; the results of the others
// are kept.
func Run(g *graph.Graph, trust *results.Trust, as []*Analyzer) (*Results, error) {
	if err := Validate(as); err != nil {
		return nil, err
	}
	if trust == nil {
		trust = &results.Trust{}
	}
	ordered, _ := order(as)
	res := &Results{ResultOf: map[*Analyzer]any{}, Analyzers: ordered}
	failed := map[*Analyzer]bool{}
	var errs []error
	for _, a := range ordered {
		skip := false
		for _, r := range a.Requires {
			if failed[r] {
				skip = true
			}
		}
		fail := func(err error) {
			failed[a] = true
			res.Failures = append(res.Failures, Failure{Analyzer: a.Name, Error: err.Error()})
			errs = append(errs, fmt.Errorf("analyzer %s: %w", a.Name, err))
		}
		if skip {
			fail(errors.New("skipped: a required analyzer failed"))
			continue
		}
		pass := &Pass{Analyzer: a, Graph: g, Trust: trust, ResultOf: map[*Analyzer]any{}}
		for _, r := range a.Requires {
			pass.ResultOf[r] = res.ResultOf[r]
		}
		var found []Finding
		pass.report = func(f Finding) { found = append(found, f) }
		out, err := safeRun(a, pass)
		if err == nil {
			err = checkResult(a, out)
		}
		if err != nil {
			fail(err)
			continue
		}
		res.ResultOf[a] = out
		res.Findings = append(res.Findings, found...)
	}
	res.Findings = applySuppressions(res.Findings, trust)
	SortFindings(res.Findings)
	return res, errors.Join(errs...)
}

// checkResult checks a result against the analyzer's declared ResultType,
// as go/analysis's driver does.
func checkResult(a *Analyzer, out any) error {
	got := reflect.TypeOf(out)
	switch {
	case a.ResultType == nil && out != nil:
		return fmt.Errorf("internal error: returned a %v but declares no ResultType", got)
	case a.ResultType != nil && got != a.ResultType:
		return fmt.Errorf("internal error: returned %v, but its ResultType is %v", got, a.ResultType)
	}
	return nil
}

func safeRun(a *Analyzer, p *Pass) (out any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return a.Run(p)
}

// ResultFor returns the typed result of a required analyzer. The driver
// has checked every result against its ResultType, so a mismatch here is a
// programming error (T is not a's ResultType) and panics, which the driver
// turns into the analyzer's failure.
func ResultFor[T any](p *Pass, a *Analyzer) T {
	v, ok := p.ResultOf[a].(T)
	if !ok {
		panic(fmt.Sprintf("analyzers: ResultFor[%v](%s): the result is a %T", reflect.TypeFor[T](), a.Name, p.ResultOf[a]))
	}
	return v
}

// SortFindings orders findings: unrecognized first, then by severity,
// rule and resource.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, CompareFindings)
}

// RuleSuppressionExpired is reported for a suppression past its expiry.
const RuleSuppressionExpired = "TM-CFG-001"

// applySuppressions marks findings that a live suppression covers, and
// reports each expired suppression that still matches a finding (an
// expired suppression silences nothing).
func applySuppressions(fs []Finding, t *results.Trust) []Finding {
	if t == nil || len(t.Suppressions) == 0 {
		return fs
	}
	expiredHit := map[int]bool{}
	for i := range fs {
		for j, s := range t.Suppressions {
			if !s.Matches(fs[i].RuleID, fs[i].Resource) {
				continue
			}
			if !t.Now.IsZero() && t.Now.After(s.Expires) {
				expiredHit[j] = true
				continue
			}
			fs[i].Suppressed = &results.SuppressedBy{Owner: s.Owner, Reason: s.Reason, Expires: s.Expires.Format("2006-01-02")}
			break
		}
	}
	for j, s := range t.Suppressions {
		if !expiredHit[j] {
			continue
		}
		fs = append(fs, Finding{
			ID: fmt.Sprintf("%s:line-%d", RuleSuppressionExpired, s.Line), RuleID: RuleSuppressionExpired, Analyzer: "config",
			Title: "A suppression has expired", Severity: results.SevLow, Confidence: results.ConfidenceHigh, Resource: s.Resource,
			Message: fmt.Sprintf("the suppression of %s on %s (owner %s, line %d) expired on %s and no longer applies",
				nonEmptyStr(s.Rule, "every rule"), nonEmptyStr(s.Resource, "every resource"), s.Owner, s.Line, s.Expires.Format("2006-01-02")),
			Remediation: "renew it with a new expiry date if the risk is still accepted, or fix the findings",
		})
	}
	return fs
}

func nonEmptyStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

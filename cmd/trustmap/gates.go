package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/report"
)

// The CI gates of scan and analyze (--fail-on, --fail-on-new), judged once
// every report file is written.

func summarizeRegressions(rs []string) string {
	s := fmt.Sprintf("%d added or worse: %s", len(rs), rs[0])
	if len(rs) > 1 {
		s += fmt.Sprintf(" (and %d more)", len(rs)-1)
	}
	return s
}

// gateOptions are the CI gates of scan and analyze. They are judged after
// every report file is written.
type gateOptions struct {
	failOn    string // low, medium, high, critical
	failOnNew bool
}

func (o *gateOptions) bind(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.failOn, "fail-on", "", "exit 1 when an unrecognized, unsuppressed entry point, finding or threat is at or above this severity: low, medium, high or critical")
	f.BoolVar(&o.failOnNew, "fail-on-new", false, "exit 1 when, compared with --baseline (or, without it, the history store's last complete scan), something was added that is not recognized, or got worse")
}

func (o *gateOptions) validate(baseline string, store bool) error {
	if o.failOn != "" {
		switch o.failOn {
		case "low", "medium", "high", "critical":
		default:
			return usageErr("--fail-on: unknown severity %q (known: low, medium, high, critical)", o.failOn)
		}
	}
	if o.failOnNew && baseline == "" && !store {
		return usageErr("--fail-on-new needs --baseline (a previous report.json or an OTM file), or the history store (not --no-store)")
	}
	return nil
}

// check judges the report; it returns an exitError with exitFindings when
// a gate matched.
func (o *gateOptions) check(e env, rep *report.Report, baseline string, hist recorded) error {
	var msgs []string
	if o.failOn != "" {
		if hits := atOrAbove(rep, results.Severity(o.failOn)); len(hits) > 0 {
			m := fmt.Sprintf("--fail-on %s: %d unrecognized entry points, findings or threats at or above %s (%s", o.failOn, len(hits), o.failOn, strings.Join(hits[:min(3, len(hits))], ", "))
			if len(hits) > 3 {
				m += fmt.Sprintf(" and %d more", len(hits)-3)
			}
			msgs = append(msgs, m+")")
		}
	}
	if o.failOnNew && baseline != "" {
		news, err := newSinceBaseline(rep, baseline)
		if err != nil {
			return err
		}
		if len(news) > 0 {
			msgs = append(msgs, fmt.Sprintf("--fail-on-new: compared with %s, %s", baseline, summarizeRegressions(news)))
		}
	}
	if o.failOnNew && baseline == "" { // the store's last complete scan (storeflags.go)
		if m := storeGate(e, rep, hist); m != "" {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return &exitError{exitFindings, errors.New(strings.Join(msgs, "; "))}
}

// atOrAbove lists the ids of the unrecognized, unsuppressed entry points,
// findings and threats at or above min.
func atOrAbove(r *report.Report, floor results.Severity) []string {
	suppressed := suppressedEntryPoints(r)
	var ids []string
	for _, ep := range r.EntryPoints {
		if !ep.Recognized && !suppressed[ep.ID] && ep.Severity.Rank() >= floor.Rank() {
			ids = append(ids, ep.ID)
		}
	}
	for _, f := range r.Findings {
		if !f.Recognized && f.Suppressed == nil && f.Severity.Rank() >= floor.Rank() {
			ids = append(ids, f.ID)
		}
	}
	for _, t := range r.Threats {
		if !t.Recognized && !suppressed[t.EntryPoint] && t.Severity.Rank() >= floor.Rank() {
			ids = append(ids, t.ID)
		}
	}
	return ids
}

// newSinceBaseline says what was added or got worse since the baseline. A
// report.json baseline is diffed in full; an OTM baseline only names
// resources, so there every entry point it does not model (and the trust
// config does not recognize) is new.
func newSinceBaseline(rep *report.Report, baseline string) ([]string, error) {
	data, err := os.ReadFile(baseline)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) == nil && probe["schema_version"] != nil {
		base, err := loadModel(baseline, nil)
		if err != nil {
			return nil, err
		}
		return report.Diff(base, rep).Regressions, nil
	}
	suppressed := suppressedEntryPoints(rep)
	var news []string
	for _, ep := range rep.EntryPoints {
		if !ep.Recognized && !suppressed[ep.ID] {
			news = append(news, fmt.Sprintf("entry point %s (%s) is not in the baseline: %s access to %s via %s", ep.ID, ep.Severity, ep.Exposure, ep.ResourceARN, ep.Via))
		}
	}
	return news, nil
}

// suppressedEntryPoints returns the entry points whose finding a
// suppression silences.
func suppressedEntryPoints(r *report.Report) map[string]bool {
	s := map[string]bool{}
	for _, f := range r.Findings {
		if ep := f.EntryPointID(); ep != "" && f.Suppressed != nil {
			s[ep] = true
		}
	}
	return s
}

// gateNote appends a gate's verdict to another error's message.
func gateNote(err error) string {
	if err == nil {
		return ""
	}
	return "; also " + err.Error()
}

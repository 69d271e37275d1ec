package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/trustconfig"
	"github.com/trustmap/trustmap/report"
)

// This file holds `trustmap diff` and the CI gates of scan and analyze
// (--fail-on, --fail-on-new), which share the reading of a previous
// report.json or snapshot.json.

type diffOptions struct {
	output    string
	failOnNew bool
	config    string
	since     sinceOptions // --since, --store (history.go)
}

func newDiffCmd(e env) *cobra.Command {
	o := &diffOptions{}
	cmd := &cobra.Command{
		Use:   "diff OLD NEW | diff --since last|DATE|SCAN_ID [NEW]",
		Short: "Compare two reports or snapshots: new, removed and changed entry points, boundaries, threats and findings",
		Long: "diff compares two scans by the stable ids of their entry points, trust-boundary crossings,\n" +
			"threats and findings. Each argument is a report.json or a snapshot.json (a snapshot is\n" +
			"analysed first, offline). With --fail-on-new it exits 1 when something was added that the\n" +
			"trust config does not recognize, or something got worse (wider exposure, a new principal or\n" +
			"action, higher severity or risk, no longer recognized or suppressed).",
		Example: "  trustmap diff last-week/report.json trustmap-report/report.json\n" +
			"  trustmap diff --fail-on-new --output md baseline.json trustmap-report/snapshot.json\n" +
			"  trustmap diff --since 2026-11-01          # the history store: that day's last scan vs the latest\n" +
			"  trustmap diff --since last trustmap-report/report.json",
		Args: cobra.RangeArgs(0, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var write func(io.Writer, report.DiffResult) error
			switch o.output {
			case "text":
				write = report.WriteDiffText
			case "json":
				write = report.WriteDiffJSON
			case "md":
				write = report.WriteDiffMarkdown
			default:
				return usageErr("--output: unknown format %q (known: text, json, md)", o.output)
			}
			var cfg *trustconfig.Config
			if o.config != "" {
				c, err := trustconfig.Load(o.config)
				if err != nil {
					return usageErr("%v", err)
				}
				cfg = c
			}
			mkTrust := func() *analyzers.Trust {
				t := &analyzers.Trust{}
				if cfg != nil {
					cfg.Trust(t)
				}
				return t
			}
			var old, cur *report.Report
			var oldName, newName string
			var err error
			if o.since.ref != "" { // against the history store (history.go)
				old, cur, oldName, newName, err = o.since.models(cmd.Context(), e, args, mkTrust)
			} else if len(args) != 2 {
				err = usageErr("diff needs OLD and NEW, or --since REF [NEW]")
			} else {
				oldName, newName = args[0], args[1]
				if old, err = loadModel(args[0], mkTrust); err == nil {
					cur, err = loadModel(args[1], mkTrust)
				}
			}
			if err != nil {
				return err
			}
			d := report.Diff(old, cur)
			d.Old.Source, d.New.Source = oldName, newName
			var buf bytes.Buffer
			if err := write(&buf, d); err != nil {
				return err
			}
			if _, err := e.stdout.Write(buf.Bytes()); err != nil {
				return failErr("writing the diff: %v", err)
			}
			if o.failOnNew && d.Worse() {
				return &exitError{exitFindings, fmt.Errorf("--fail-on-new: %s", summarizeRegressions(d.Regressions))}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.output, "output", "text", "output format: text, json or md")
	f.BoolVar(&o.failOnNew, "fail-on-new", false, "exit 1 when something was added that is not recognized, or got worse")
	f.StringVar(&o.config, "config", "", "trust config (trustmap.yaml) used when an argument is a snapshot")
	o.since.bind(cmd)
	return cmd
}

// loadModel reads a report.json, or a snapshot.json which it analyses
// offline. Which one it is follows from schema_version: a string in a
// report, a number in a snapshot. Errors are usage errors naming the file
// and, for malformed JSON, the line and column.
func loadModel(path string, mkTrust func() *analyzers.Trust) (*report.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, usageErr("%s: %v", path, jsonErrorAt(data, err))
	}
	sv, ok := probe["schema_version"]
	switch {
	case !ok:
		return nil, usageErr("%s: no schema_version: neither a trustmap report.json nor a snapshot.json", path)
	case bytes.HasPrefix(bytes.TrimSpace(sv), []byte(`"`)):
		var version string
		_ = json.Unmarshal(sv, &version)
		if _, ok := probe["entry_points"]; !ok {
			return nil, usageErr("%s: schema_version %q but no entry_points: not a trustmap report.json", path, version)
		}
		if major(version) != major(report.SchemaVersion) {
			return nil, usageErr("%s: report schema_version %q, this trustmap reads %s", path, version, report.SchemaVersion)
		}
		var r report.Report
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, usageErr("%s: %v", path, jsonErrorAt(data, err))
		}
		return &r, nil
	default:
		snap, err := graph.ReadSnapshot(bytes.NewReader(data))
		if err != nil {
			return nil, usageErr("%s: %v", path, err)
		}
		trust := &analyzers.Trust{}
		if mkTrust != nil {
			trust = mkTrust()
		}
		trust.Now = snap.ScannedAt
		rep, _, err := analyze(snap, trust)
		if err != nil {
			return nil, failErr("%s: analysing the snapshot: %v", path, err)
		}
		return rep, nil
	}
}

func major(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}

// jsonErrorAt adds the line and column to a JSON syntax or type error.
func jsonErrorAt(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset - 1 // Offset counts the offending byte
	case errors.As(err, &te):
		off = te.Offset // just past the value of the wrong type
	}
	if off < 0 {
		return err
	}
	line, col := 1, 1
	for i := int64(0); i < off && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

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
	f.BoolVar(&o.failOnNew, "fail-on-new", false, "exit 1 when, compared with --baseline, something was added that is not recognized, or got worse (needs --baseline)")
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
		if hits := atOrAbove(rep, analyzers.Severity(o.failOn)); len(hits) > 0 {
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
func atOrAbove(r *report.Report, floor analyzers.Severity) []string {
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
		if ep, ok := f.Details["entry_point"].(string); ok && f.Suppressed != nil {
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

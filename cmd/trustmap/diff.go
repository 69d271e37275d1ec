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

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/trustconfig"
	"github.com/trustmap/trustmap/report"

	anall "github.com/trustmap/trustmap/analyzers/all"
)

// This file holds `trustmap diff` and the reading of a previous report.json
// or snapshot.json it shares with the CI gates (gates.go).

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
			mkTrust := func() *results.Trust {
				t := &results.Trust{}
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
func loadModel(path string, mkTrust func() *results.Trust) (*report.Report, error) {
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
		trust := &results.Trust{}
		if mkTrust != nil {
			trust = mkTrust()
		}
		trust.Now = snap.ScannedAt
		rep, _, err := analyzeWith(snap, trust, anall.Analyzers())
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

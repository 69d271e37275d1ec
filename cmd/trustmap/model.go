package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/trustconfig"
	"github.com/trustmap/trustmap/model"
	"github.com/trustmap/trustmap/report"

	anall "github.com/trustmap/trustmap/analyzers/all"
)

// This file holds `trustmap model`: validate an existing threat model (OTM
// or Threat Dragon) against the account, and merge the account back into
// it. Both work offline on a snapshot.json or report.json, or scan first
// with the scan flags (--demo, --profile, ...).

func newModelCmd(e env, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "model",
		Short: "Validate an existing threat model (OTM, Threat Dragon) against the account, and merge the account into it",
		Long: "An existing threat model — an Open Threat Model file (JSON or YAML: IriusRisk, StartLeft) or\n" +
			"an OWASP Threat Dragon model (version 1 or 2) — says what its owners believe is deployed.\n" +
			"validate compares it with the account both ways; update merges the account into it and\n" +
			"keeps everything the modeler wrote.",
	}
	cmd.AddCommand(newModelValidateCmd(e, g), newModelUpdateCmd(e, g))
	return cmd
}

// modelOptions are what both subcommands take.
type modelOptions struct {
	model  string
	config string
	co     collectOptions
}

func (o *modelOptions) bind(cmd *cobra.Command) {
	o.co.bind(cmd)
	f := cmd.Flags()
	f.StringVar(&o.model, "model", "", "the threat model: an OTM file (.json, .yaml) or a Threat Dragon model (.json)")
	f.StringVar(&o.config, "config", "", "trust config (trustmap.yaml): model_match, known accounts, crown jewels and data classification")
}

// load reads the model, the trust config and the scan: the file given, or
// a scan with the scan flags.
func (o *modelOptions) load(cmd *cobra.Command, e env, g *globalOptions, args []string, own ...string) (*model.Model, *model.Scan, error) {
	if o.model == "" {
		return nil, nil, usageErr("--model FILE is required: the threat model to validate or update")
	}
	m, err := model.Read(o.model)
	if err != nil {
		return nil, nil, usageErr("%v", err)
	}
	var cfg *trustconfig.Config
	if o.config != "" {
		if cfg, err = trustconfig.Load(o.config); err != nil {
			return nil, nil, usageErr("%v", err)
		}
	}
	mkTrust := func() *results.Trust {
		t := &results.Trust{}
		if cfg != nil {
			cfg.Trust(t)
		}
		return t
	}
	s := &model.Scan{}
	if cfg != nil {
		s.MatchTag = cfg.ModelMatch.Tag
		s.KnownAccounts = map[string]string{}
		for _, a := range cfg.KnownAccounts {
			s.KnownAccounts[a.ID] = a.Name
		}
	}
	if len(args) == 1 {
		var scanFlags []string
		cmd.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
			if f.Changed && f.Name != "model" && f.Name != "config" && !containsStr(own, f.Name) {
				scanFlags = append(scanFlags, "--"+f.Name)
			}
		})
		if len(scanFlags) > 0 {
			return nil, nil, usageErr("give a snapshot or report, or scan flags (%s), not both", strings.Join(scanFlags, ", "))
		}
		rep, gr, err := loadScanFile(args[0], mkTrust)
		if err != nil {
			return nil, nil, err
		}
		s.Report, s.Graph, s.Source = rep, gr, args[0]
		return m, s, nil
	}
	if err := o.co.validate(); err != nil {
		return nil, nil, err
	}
	snap, err := collectSnapshot(cmd.Context(), e, g, &o.co)
	if err != nil {
		return nil, nil, err
	}
	trust := mkTrust()
	trust.Now = snap.ScannedAt
	rep, gr, err := analyzeWith(snap, trust, e.analyzerList())
	if err != nil {
		return nil, nil, err
	}
	if !snap.Complete {
		rep.Complete = false
		rep.IncompleteReason = snap.Incomplete
	}
	s.Report, s.Graph, s.Source = rep, gr, "scan"
	if o.co.demo {
		s.Source = "scan of the demo account"
	}
	return m, s, nil
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// loadScanFile reads a snapshot.json (analysed offline, with its graph) or
// a report.json (the report alone).
func loadScanFile(path string, mkTrust func() *results.Trust) (*report.Report, *graph.Graph, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, usageErr("%v", err)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, nil, usageErr("%s: %v", path, jsonErrorAt(data, err))
	}
	if sv, ok := probe["schema_version"]; ok && !bytes.HasPrefix(bytes.TrimSpace(sv), []byte(`"`)) {
		snap, err := graph.ReadSnapshot(bytes.NewReader(data))
		if err != nil {
			return nil, nil, usageErr("%s: %v", path, err)
		}
		trust := mkTrust()
		trust.Now = snap.ScannedAt
		rep, gr, err := analyzeWith(snap, trust, anall.Analyzers())
		if err != nil {
			return nil, nil, failErr("%s: analysing the snapshot: %v", path, err)
		}
		return rep, gr, nil
	}
	rep, err := loadModel(path, mkTrust) // diff.go: a report.json, checked
	if err != nil {
		return nil, nil, err
	}
	return rep, nil, nil
}

type modelValidateOptions struct {
	modelOptions
	output      string
	failOnDrift bool
}

func newModelValidateCmd(e env, g *globalOptions) *cobra.Command {
	o := &modelValidateOptions{}
	cmd := &cobra.Command{
		Use:   "validate --model FILE [SNAPSHOT|REPORT]",
		Short: "Compare a threat model with the account, both ways: unmodeled ways in, stale elements and flows, contradictions",
		Long: "validate matches the model's elements to the account's resources (by ARN, by the tag\n" +
			"trustmap.yaml's model_match names, then by name and type, each match saying how it was\n" +
			"made) and reports, each with the evidence from the scan:\n" +
			"  - ways into the account the model does not have, most severe first;\n" +
			"  - model elements with no deployed counterpart, and flows the account does not allow;\n" +
			"  - contradictions: a zone the account exposes beyond, a flow marked authenticated that\n" +
			"    needs no credentials, a mitigation marked implemented that the account does not show.\n" +
			"The scan is a snapshot.json (full inventory) or a report.json (ways in only); without one,\n" +
			"validate scans first with the scan flags.",
		Example: "  trustmap model validate --model threatmodel.otm.yaml trustmap-report/snapshot.json\n" +
			"  trustmap model validate --model testdata/models/demo.otm.yaml --demo\n" +
			"  trustmap model validate --model model.json --output json --fail-on-drift snapshot.json",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var write func(io.Writer, *model.Drift) error
			switch o.output {
			case "text":
				write = model.WriteDriftText
			case "md":
				write = model.WriteDriftMarkdown
			case "json":
				write = model.WriteDriftJSON
			default:
				return usageErr("--output: unknown format %q (known: text, md, json)", o.output)
			}
			m, s, err := o.load(cmd, e, g, args, "output", "fail-on-drift")
			if err != nil {
				return err
			}
			d := model.Validate(m, s)
			var buf bytes.Buffer
			if err := write(&buf, d); err != nil {
				return err
			}
			if _, err := e.stdout.Write(buf.Bytes()); err != nil {
				return failErr("writing the drift report: %v", err)
			}
			var gate error
			if o.failOnDrift && d.Drifted() {
				gate = &exitError{exitFindings, fmt.Errorf("--fail-on-drift: %d unmodeled ways in, %d stale elements, %d flows not allowed, %d contradictions",
					d.Summary.Unmodeled, d.Summary.Stale, d.Summary.Flows, d.Summary.Contradictions)}
			}
			if !s.Report.Complete {
				return &exitError{exitIncomplete, fmt.Errorf("the scan was incomplete (%s): nothing was judged stale%s", s.Report.IncompleteReason, gateNote(gate))}
			}
			return gate
		},
	}
	o.bind(cmd)
	cmd.Flags().StringVar(&o.output, "output", "text", "output format: text, md or json")
	cmd.Flags().BoolVar(&o.failOnDrift, "fail-on-drift", false, "exit 1 when the model and the account disagree (anything unmodeled, stale, not allowed or contradicted)")
	return cmd
}

type modelUpdateOptions struct {
	modelOptions
	out   string
	stale string
}

func newModelUpdateCmd(e env, g *globalOptions) *cobra.Command {
	o := &modelUpdateOptions{}
	cmd := &cobra.Command{
		Use:   "update --model FILE -o OUT [SNAPSHOT|REPORT]",
		Short: "Merge the account into a threat model, keeping everything the modeler wrote",
		Long: "update writes the model with what the account adds: elements, flows and trust zones for\n" +
			"the ways in the model lacks (with their ARNs, in the zones that fit them), trustmap's\n" +
			"threats on the elements they concern (updated in place when the model has them; their\n" +
			"status stays the modeler's), and marks on elements and flows the account no longer has\n" +
			"(--stale mark, the default; never deleted) or nothing (--stale keep). Everything else is\n" +
			"written back as it was. The output keeps the model's format and version; Threat Dragon\n" +
			"cells are placed in free space without covering the modeler's shapes. Running update\n" +
			"again on the same account changes nothing.",
		Example: "  trustmap model update --model threatmodel.otm.yaml -o threatmodel.otm.yaml trustmap-report/snapshot.json\n" +
			"  trustmap model update --model testdata/models/demo.threatdragon.json --demo -o /tmp/acme.json",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.out == "" {
				return usageErr("-o OUT is required: the file to write the updated model to (it may be the model itself; \"-\" prints it)")
			}
			mode := model.StaleMode(o.stale)
			if mode != model.StaleMark && mode != model.StaleKeep {
				return usageErr("--stale: unknown mode %q (known: mark, keep)", o.stale)
			}
			m, s, err := o.load(cmd, e, g, args, "output", "stale")
			if err != nil {
				return err
			}
			_, changes, err := model.Update(m, s, model.UpdateOptions{Stale: mode})
			if err != nil {
				return failErr("%v", err)
			}
			out, err := m.Bytes()
			if err != nil {
				return failErr("writing the model: %v", err)
			}
			report := e.stdout
			if o.out == "-" {
				if _, err := e.stdout.Write(out); err != nil {
					return failErr("%v", err)
				}
				report = e.stderr
			} else {
				path := o.out
				if real, err := filepath.EvalSymlinks(path); err == nil {
					path = real
				}
				if err := writeFileAtomic(path, out); err != nil {
					return failErr("writing %s: %v", o.out, err)
				}
			}
			if !g.quiet {
				writeChanges(report, o.out, changes)
			}
			if !s.Report.Complete {
				return &exitError{exitIncomplete, fmt.Errorf("the scan was incomplete (%s): what it saw was added, nothing was marked stale", s.Report.IncompleteReason)}
			}
			return nil
		},
	}
	o.bind(cmd)
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "file to write the updated model to (\"-\": stdout)")
	cmd.Flags().StringVar(&o.stale, "stale", "mark", "what to do with elements, flows and trustmap threats the account no longer has: mark (never deleted) or keep (leave them as they are)")
	return cmd
}

// writeChanges says what an update did, grouped by kind.
func writeChanges(w io.Writer, out string, changes []model.Change) {
	if model.Edits(changes) == 0 {
		fmt.Fprintf(w, "%s: the model is up to date with the account: nothing changed\n", out)
		if len(changes) == 0 {
			return
		}
	}
	counts := map[string]int{}
	var order []string
	for _, c := range changes {
		if counts[c.Kind] == 0 {
			order = append(order, c.Kind)
		}
		counts[c.Kind]++
	}
	var parts []string
	for _, k := range order {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	if model.Edits(changes) > 0 {
		fmt.Fprintf(w, "%s: %s\n", out, strings.Join(parts, ", "))
	}
	for _, c := range changes {
		fmt.Fprintf(w, "  %-13s %s\n", c.Kind, c.What)
	}
}

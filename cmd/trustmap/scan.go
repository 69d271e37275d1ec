package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/trustconfig"
	"github.com/trustmap/trustmap/report"
	"github.com/trustmap/trustmap/report/diagram"
	"github.com/trustmap/trustmap/report/export"
	reporthtml "github.com/trustmap/trustmap/report/html"
)

// reportOptions say what to write and how to judge.
type reportOptions struct {
	outputDir string
	formats   []string
	config    string       // trustmap.yaml
	baseline  string       // previous report.json or OTM file
	gate      gateOptions  // --fail-on, --fail-on-new (gates.go)
	store     storeOptions // --store, --no-store, --store-snapshots (storeflags.go)

	securityHub securityHubOptions // --security-hub (securityhub.go)
}

// formats maps each --format name to its writer and file name.
var formats = []struct {
	name, file string
	write      func(io.Writer, report.Input) error
}{
	{"json", "report.json", report.WriteJSON},
	{"md", "report.md", report.WriteMarkdown},
	// Human views (report/html; report/diagram draws Mermaid and DOT).
	{"html", "report.html", reporthtml.WriteHTML},
	{"mermaid", "report.mmd", diagram.WriteMermaid},
	{"dot", "report.dot", diagram.WriteDOT},
	// Interchange exports (report/export).
	{"otm", "report.otm.json", export.WriteOTMJSON},
	{"otm-yaml", "report.otm.yaml", export.WriteOTMYAML},
	{"threatdragon", "report.threatdragon.json", export.WriteThreatDragon},
	{"sarif", "report.sarif", export.WriteSARIF},
	{"asff", "report.asff.json", export.WriteASFF},
}

func formatNames() []string {
	var ns []string
	for _, f := range formats {
		ns = append(ns, f.name)
	}
	return ns
}

func (o *reportOptions) bind(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.outputDir, "output-dir", "./trustmap-report", "directory to write the report files into")
	f.StringSliceVar(&o.formats, "format", []string{"json", "md", "html"}, "report formats, comma-separated: "+strings.Join(formatNames(), ", "))
	f.StringVar(&o.config, "config", "", "trust config (trustmap.yaml): known accounts, organizations, expected-public resources, suppressions")
	f.StringVar(&o.baseline, "baseline", "", "an existing model whose entry points count as recognized: a previous report.json or an OTM file")
	o.gate.bind(cmd)        // --fail-on, --fail-on-new (gates.go)
	o.store.bind(cmd)       // --store, --no-store, --store-snapshots (storeflags.go)
	o.securityHub.bind(cmd) // --security-hub (securityhub.go)
}

// trust loads the trust config and baseline named by the flags.
func (o *reportOptions) trust() (*results.Trust, error) {
	t := &results.Trust{}
	if o.config != "" {
		c, err := trustconfig.Load(o.config)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		c.Trust(t)
	}
	if o.baseline != "" {
		if err := trustconfig.LoadBaseline(o.baseline, t); err != nil {
			return nil, usageErr("%v", err)
		}
	}
	return t, nil
}

func (o *reportOptions) validate() error {
	for _, f := range o.formats {
		if !slices.Contains(formatNames(), f) {
			return usageErr("--format: unknown format %q (known: %s)", f, strings.Join(formatNames(), ", "))
		}
	}
	if o.outputDir == "" {
		return usageErr("--output-dir must not be empty")
	}
	if err := o.gate.validate(o.baseline, !o.store.disabled); err != nil { // gates.go
		return err
	}
	return o.store.validate()
}

func newScanCmd(e env, g *globalOptions) *cobra.Command {
	co := &collectOptions{}
	ro := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Scan an account and write the threat model report",
		Example: "  trustmap scan --demo --output-dir /tmp/x\n" +
			"  trustmap scan --profile audit --regions us-east-1,eu-west-1",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := co.validate(); err != nil {
				return err
			}
			if err := ro.securityHub.fromScan(co); err != nil { // securityhub.go
				return err
			}
			if err := ro.validate(); err != nil {
				return err
			}
			trust, err := ro.trust()
			if err != nil {
				return err
			}
			if err := prepareOutputDir(ro.outputDir); err != nil {
				return err
			}
			ro.store.startedAt, ro.store.services = e.now(), co.services // storeflags.go
			collect := collectSnapshot
			if co.org {
				collect = collectSpilled // each account to a temporary directory as it finishes (shard.go)
			}
			snap, err := collect(cmd.Context(), e, g, co)
			if err != nil {
				return err
			}
			// Streamed to the file; kept in memory only for the history
			// store's --store-snapshots.
			var kept *bytes.Buffer
			if ro.store.snapshots {
				kept = &bytes.Buffer{}
			}
			err = writeFileAtomicWith(filepath.Join(ro.outputDir, "snapshot.json"), func(w io.Writer) error {
				if kept != nil {
					w = io.MultiWriter(w, kept)
				}
				return snap.Write(w)
			})
			if fe := (*fileWriteError)(nil); errors.As(err, &fe) {
				return failErr("writing snapshot: %v", err)
			} else if err != nil {
				return err
			}
			if kept != nil {
				ro.store.snapshot = kept.Bytes()
			}
			return analyzeAndWrite(cmd.Context(), e, g, snap, ro, trust)
		},
	}
	co.bind(cmd)
	ro.bind(cmd)
	return cmd
}

// analyzeAndWrite resolves the snapshot, runs the analyzers and writes the
// report formats and the stdout summary.
func analyzeAndWrite(ctx context.Context, e env, g *globalOptions, snap *graph.Snapshot, ro *reportOptions, trust *results.Trust) error {
	trust.Now = snap.ScannedAt
	tightenGC()
	// The graph takes the snapshot's nodes and edges rather than a copy
	// (tens of MB at 100,000 resources): from here on only the snapshot's
	// other fields are read.
	g2 := graph.ResolveInPlace(snap)
	rep, g2, err := analyzeGraph(g2, trust, e.analyzerList())
	if err != nil {
		return err
	}
	hist := ro.store.record(ctx, e, rep) // history store (storeflags.go): sets rep.History
	in := report.Input{Report: rep, Graph: g2, SnapshotFile: "snapshot.json"}
	for _, f := range formats {
		if !slices.Contains(ro.formats, f.name) {
			continue
		}
		// Streamed to a temporary file and renamed (output.go): a report
		// of a large account is never whole in memory.
		err := writeFileAtomicWith(filepath.Join(ro.outputDir, f.file), func(w io.Writer) error { return f.write(w, in) })
		if fe := (*fileWriteError)(nil); errors.As(err, &fe) {
			return failErr("writing %s: %v", f.file, err)
		} else if err != nil {
			return fmt.Errorf("rendering %s: %w", f.file, err)
		}
	}
	if !g.quiet {
		if err := report.WriteSummary(e.stdout, in); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "\nreport written to %s\n", ro.outputDir)
	}
	if err := ro.securityHub.push(ctx, e, in); err != nil { // --security-hub (securityhub.go)
		return err
	}
	// CI gates (gates.go), judged once every file is written. An incomplete
	// scan keeps its own exit code and mentions the gate.
	gateErr := ro.gate.check(e, rep, ro.baseline, hist)
	if err := storeErr(hist, gateErr); err != nil {
		return err
	}
	switch {
	case !snap.Complete:
		return &exitError{exitIncomplete, fmt.Errorf("scan %s: the report covers what was collected before it stopped%s", snap.Incomplete, gateNote(gateErr))}
	case !rep.Complete:
		return &exitError{exitIncomplete, fmt.Errorf("analysis incomplete (%s): the report has what the other analyzers found; its coverage section names the failure%s", rep.IncompleteReason, gateNote(gateErr))}
	}
	return gateErr
}

// analysisGOGC is the garbage collector's headroom, in percent of the
// live heap, from the resolve to the last report file; see tightenGC.
const analysisGOGC = 50

// tightenGC sets the collector's headroom to analysisGOGC for the rest of
// the run, unless the user set GOGC. From the resolve on, the live heap is
// mostly the graph and the analysis, which stay to the end, and what is
// allocated on top of them is short-lived; Go's default GOGC of 100 lets
// the heap grow to twice the live one, which at 100,000 resources is about
// 200 MB of garbage waiting. Half that headroom cut the peak RSS of a scan
// of the 113,654-resource benchmark account by 13 % and of an analyze by
// 15 %, for 5–10 % more CPU (deploy/README.md). GOMEMLIMIT, when set,
// still caps the heap as before.
func tightenGC() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(analysisGOGC)
}

// analyzeWith is the offline half of the pipeline: graph → analyzers →
// report. An analyzer that fails is in the report (coverage, status
// analyzer-error) and makes it incomplete; only an invalid analyzer list
// stops here.
func analyzeWith(snap *graph.Snapshot, trust *results.Trust, as []*analyzers.Analyzer) (*report.Report, *graph.Graph, error) {
	return analyzeGraph(graph.Resolve(snap), trust, as)
}

// analyzeGraph is analyzeWith on a graph already resolved.
func analyzeGraph(g *graph.Graph, trust *results.Trust, as []*analyzers.Analyzer) (*report.Report, *graph.Graph, error) {
	res, err := analyzers.Run(g, trust, as)
	if res == nil {
		return nil, nil, err
	}
	return report.Build(g, res), g, nil
}

func newAnalyzeCmd(e env, g *globalOptions) *cobra.Command {
	ro := &reportOptions{}
	res := &resultsOptions{}
	po := &profileOptions{} // hidden --cpuprofile, --memprofile (profile.go)
	cmd := &cobra.Command{
		Use:   "analyze SNAPSHOT | DIR|s3://BUCKET/PREFIX|store:PREFIX...",
		Short: "Analyse a saved snapshot, or the parts of collect --output-dir, and write the report (no AWS access but reading s3:// parts)",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 || (len(args) > 1 && !isPartsLocation(args[0])) {
				return usageErr("analyze takes one snapshot file, or the output directories, s3:// or store: prefixes of collect --output-dir (the shards of one scan)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			defer res.close() // the history store of store: locations (partstore_store.go)
			if err := ro.validate(); err != nil {
				return err
			}
			trust, err := ro.trust()
			if err != nil {
				return err
			}
			stop, err := po.start()
			if err != nil {
				return err
			}
			defer func() {
				if perr := stop(); perr != nil && err == nil {
					err = failErr("writing a profile: %v", perr)
				}
			}()
			if isPartsLocation(args[0]) { // collect --output-dir: one directory or prefix per shard (shard.go, partstore.go)
				snap, err := res.readLocations(cmd.Context(), args, false)
				if err != nil {
					return err
				}
				if err := prepareOutputDir(ro.outputDir); err != nil {
					return err
				}
				return analyzeAndWrite(cmd.Context(), e, g, snap, ro, trust)
			}
			f, err := os.Open(args[0])
			if err != nil {
				return usageErr("%v", err)
			}
			defer f.Close()
			// The snapshot's text is kept only to be stored; a large
			// account's is hundreds of MB, held through the whole analysis.
			var raw bytes.Buffer
			var in io.Reader = f
			if ro.store.snapshots {
				in = io.TeeReader(f, &raw)
			}
			snap, err := graph.ReadSnapshot(in)
			if err != nil {
				return usageErr("%s: %v", args[0], err)
			}
			ro.store.snapshot = raw.Bytes() // --store-snapshots (storeflags.go)
			if err := prepareOutputDir(ro.outputDir); err != nil {
				return err
			}
			return analyzeAndWrite(cmd.Context(), e, g, snap, ro, trust)
		},
	}
	ro.bind(cmd)
	res.bind(cmd, false)            // --results-*, --endpoint-url for s3:// locations (partstore_s3.go)
	res.usePartsStore(&ro.store, e) // store: locations are in the store --store names (partstore_store.go)
	po.bind(cmd)
	return cmd
}

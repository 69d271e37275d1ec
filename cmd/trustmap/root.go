package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustmap/trustmap/analyzers"

	anall "github.com/trustmap/trustmap/analyzers/all"
)

// Exit codes, documented in README.md.
const (
	exitOK         = 0 // success
	exitFindings   = 1 // --fail-on or --fail-on-new matched
	exitUsage      = 2 // invalid flags or input files
	exitFailed     = 3 // the scan could not run (credentials, endpoint, output directory)
	exitIncomplete = 4 // the scan stopped early (Ctrl-C, --timeout); partial results were written
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// env is what commands take from outside: streams and the clock. Tests
// replace the clock to get reproducible reports.
type env struct {
	stdout, stderr io.Writer
	now            func() time.Time
	// isTerminal says whether stderr is a terminal (progress bar vs lines).
	isTerminal bool
	// getenv reads the environment (the store's default location); nil
	// means os.Getenv. Tests give each test its own data directory.
	getenv func(string) string
	// analyzers, when set, replaces the analyzer list (tests of the
	// failure path); nil means analyzers/all.
	analyzers []*analyzers.Analyzer
}

// analyzerList is the analyzers a run uses.
func (e env) analyzerList() []*analyzers.Analyzer {
	if e.analyzers != nil {
		return e.analyzers
	}
	return anall.Analyzers()
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

func failErr(format string, args ...any) error {
	return &exitError{exitFailed, fmt.Errorf(format, args...)}
}

func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, args, env{stdout: stdout, stderr: stderr, now: time.Now, isTerminal: isTerminal(stderr)})
}

func run(ctx context.Context, args []string, e env) int {
	return runRoot(ctx, newRootCmd(e), args, e)
}

func runRoot(ctx context.Context, root *cobra.Command, args []string, e env) int {
	root.SetArgs(args)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(e.stderr, "trustmap:", ee.err)
		}
		return ee.code
	}
	// cobra's own errors: unknown flags, commands, argument counts.
	fmt.Fprintln(e.stderr, "trustmap:", err)
	return exitUsage
}

type globalOptions struct {
	verbose int
	quiet   bool
}

func (g *globalOptions) logger(w io.Writer) *slog.Logger {
	level := slog.LevelWarn
	switch {
	case g.quiet:
		level = slog.LevelError
	case g.verbose == 1:
		level = slog.LevelInfo
	case g.verbose >= 2:
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

func newRootCmd(e env) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:           "trustmap",
		Short:         "Scan AWS accounts into a threat model of their entry points",
		Long:          "trustmap reads an AWS account (read-only), finds every way in from outside it —\npublic buckets, open Lambda URLs, queues and APIs, assumable roles — and writes\na threat model: entry points, trust boundaries, attack paths and STRIDE threats.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().CountVarP(&g.verbose, "verbose", "v", "log more to stderr (-v info, -vv debug)")
	root.PersistentFlags().BoolVarP(&g.quiet, "quiet", "q", false, "log only errors; no progress")
	root.AddCommand(
		newScanCmd(e, g),
		newCollectCmd(e, g),
		newAnalyzeCmd(e, g),
		newMergeCmd(e), // shard.go, collect.go
		newPolicyCmd(e),
		newDiffCmd(e),      // diff.go
		newHistoryCmd(e),   // history.go
		newConfigCmd(e, g), // config.go
		newModelCmd(e, g),  // model.go
		newVersionCmd(e),
	)
	return root
}

func newVersionCmd(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print trustmap's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(e.stdout, "trustmap %s\n", toolVersion())
			return err
		},
	}
}

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/internal/trustconfig"
	"github.com/trustmap/trustmap/report"
)

// This file holds `trustmap config`: init writes or updates trustmap.yaml
// from a scan, validate checks one.

func newConfigCmd(e env, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Write and check the trust config (trustmap.yaml)",
		Long: "trustmap.yaml says which outside accounts, organizations and public resources you\n" +
			"already know and accept; their crossings are then reported as recognized.\n" +
			"Reference: docs/trust-config.md.",
	}
	cmd.AddCommand(newConfigInitCmd(e, g), newConfigValidateCmd(e))
	return cmd
}

type configInitOptions struct {
	output string
	co     collectOptions
}

func newConfigInitCmd(e env, g *globalOptions) *cobra.Command {
	o := &configInitOptions{}
	cmd := &cobra.Command{
		Use:   "init [REPORT|SNAPSHOT]",
		Short: "Start trustmap.yaml from a scan: every outside party it saw, commented out",
		Long: "init writes a starter trustmap.yaml listing every outside account, organization and\n" +
			"resource open to anyone that the scan saw, each commented out with what it reaches\n" +
			"and the statement or setting that grants it. Uncomment the lines of the parties you\n" +
			"trust. The scan is a report.json or snapshot.json; without one, init scans first\n" +
			"(with the scan flags: --demo, --profile, --regions, ...).\n\n" +
			"When the output file exists, init merges: every line you wrote is kept, what is new\n" +
			"is added commented out, and entries the scan no longer saw are marked, not deleted.\n" +
			"Running it again on the same scan changes nothing.",
		Example: "  trustmap config init trustmap-report/report.json\n" +
			"  trustmap config init --demo -o /tmp/trustmap.yaml\n" +
			"  trustmap config init newer/report.json -o trustmap.yaml   # update: keeps your edits",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, e, g, args)
		},
	}
	o.co.bind(cmd)
	cmd.Flags().StringVarP(&o.output, "output", "o", "trustmap.yaml", "file to write or update (\"-\": print the starter file on stdout)")
	return cmd
}

func (o *configInitOptions) run(cmd *cobra.Command, e env, g *globalOptions, args []string) error {
	var (
		res trustconfig.Results
		err error
	)
	if len(args) == 1 {
		var scanFlags []string
		cmd.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
			if f.Changed && f.Name != "output" {
				scanFlags = append(scanFlags, "--"+f.Name)
			}
		})
		if len(scanFlags) > 0 {
			return usageErr("config init: give a report or snapshot, or scan flags (%s), not both", strings.Join(scanFlags, ", "))
		}
		res, err = resultsFromFile(args[0])
	} else {
		res, err = o.resultsFromScan(cmd, e, g)
	}
	if err != nil {
		return err
	}
	scan := trustconfig.SeenIn(res)

	if o.output == "-" {
		_, err := e.stdout.Write(trustconfig.Starter(scan))
		return err
	}
	path := o.output
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real // update the file a link points at, not the link
	}
	existing, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		existing = nil
	case err != nil:
		return failErr("%v", err)
	}
	var out []byte
	var st trustconfig.MergeStats
	if len(existing) == 0 {
		out = trustconfig.Starter(scan)
	} else {
		out, st, err = trustconfig.Merge(existing, o.output, scan)
		if err != nil {
			return usageErr("%v (init merges into an existing file and never overwrites one it cannot read)", err)
		}
		if st.Unchanged {
			if !g.quiet {
				fmt.Fprintf(e.stdout, "%s is up to date with this scan: nothing new, nothing gone\n", o.output)
			}
			return nil
		}
	}
	if err := writeFileAtomic(path, out); err != nil {
		return failErr("writing %s: %v", o.output, err)
	}
	if g.quiet {
		return nil
	}
	if len(existing) == 0 {
		fmt.Fprintf(e.stdout, "wrote %s: %s, all commented out.\nUncomment the lines of the parties you trust, then: trustmap scan --config %s\n",
			o.output, countParties(scan), o.output)
		return nil
	}
	fmt.Fprintf(e.stdout, "updated %s: %s\n", o.output, describeMerge(st, scan))
	return nil
}

// resultsFromFile reads a report.json, or a snapshot.json that it
// analyses offline with no trust config.
func resultsFromFile(path string) (trustconfig.Results, error) {
	rep, err := loadModel(path, nil) // diff.go
	if err != nil {
		return trustconfig.Results{}, err
	}
	return resultsOf(rep, filepath.Base(path)), nil
}

// resultsFromScan scans with the scan flags, as `trustmap scan` does.
func (o *configInitOptions) resultsFromScan(cmd *cobra.Command, e env, g *globalOptions) (trustconfig.Results, error) {
	if err := o.co.validate(); err != nil {
		return trustconfig.Results{}, err
	}
	snap, err := collectSnapshot(cmd.Context(), e, g, &o.co)
	if err != nil {
		return trustconfig.Results{}, err
	}
	rep, _, err := analyzeWith(snap, &results.Trust{Now: snap.ScannedAt}, e.analyzerList())
	if err != nil {
		return trustconfig.Results{}, err
	}
	res := resultsOf(rep, "")
	if !snap.Complete {
		res.Complete = false
	}
	return res, nil
}

func resultsOf(rep *report.Report, source string) trustconfig.Results {
	return trustconfig.Results{Source: source, Accounts: rep.Accounts, ScannedAt: rep.ScannedAt, Complete: rep.Complete,
		EntryPoints: rep.EntryPoints, Boundaries: rep.Boundaries}
}

func countParties(s *trustconfig.Scan) string {
	return fmt.Sprintf("%s, %s, %s",
		plural(len(s.Parties[trustconfig.SectionKnownAccounts]), "outside account"),
		plural(len(s.Parties[trustconfig.SectionOrganizations]), "organization"),
		plural(len(s.Parties[trustconfig.SectionExpectedPublic]), "resource open to anyone", "resources open to anyone"))
}

func describeMerge(st trustconfig.MergeStats, s *trustconfig.Scan) string {
	var parts []string
	for _, sec := range []string{trustconfig.SectionKnownAccounts, trustconfig.SectionOrganizations, trustconfig.SectionExpectedPublic} {
		if n := st.Added[sec]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d new in %s", n, sec))
		}
	}
	if st.Marked > 0 {
		parts = append(parts, plural(st.Marked, "entry", "entries")+" marked as not seen by this scan")
	}
	if st.Unmarked > 0 {
		parts = append(parts, plural(st.Unmarked, "entry", "entries")+" seen again (mark removed)")
	}
	msg := strings.Join(parts, "; ")
	if !s.Complete {
		msg += " (the scan was incomplete: nothing was marked as gone)"
	}
	return msg + "; your lines are unchanged"
}

func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}

func newConfigValidateCmd(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check a trust config (default trustmap.yaml); exit 2 naming file:line:column when it is malformed",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "trustmap.yaml"
			if len(args) == 1 {
				path = args[0]
			}
			c, err := trustconfig.Load(path)
			if err != nil {
				return usageErr("%v", err)
			}
			fmt.Fprintf(e.stdout, "%s: valid: %s, %s, %s, %s\n", path,
				plural(len(c.KnownAccounts), "known account"), plural(len(c.Organizations), "organization"),
				plural(len(c.ExpectedPublic), "expected-public resource"), plural(len(c.Suppressions), "suppression"))
			return nil
		},
	}
}

package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteSummary writes the short table printed on stdout after a scan.
func WriteSummary(w io.Writer, in Input) error {
	r := in.Report
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	s := r.Summary
	status := "complete"
	if !r.Complete {
		status = "INCOMPLETE (" + r.IncompleteReason + ")"
	}
	fmt.Fprintf(tw, "accounts\t%s\n", strings.Join(r.Accounts, ", "))
	fmt.Fprintf(tw, "regions\t%d\n", len(r.Regions))
	fmt.Fprintf(tw, "scan\t%s\n", status)
	fmt.Fprintf(tw, "resources\t%d\n", s.Resources)
	fmt.Fprintf(tw, "entry points\t%d (public %d, cross-account %d, unrecognized %d)\n", s.EntryPoints, s.Public, s.CrossAccount, s.Unrecognized)
	fmt.Fprintf(tw, "threats\t%d\n", s.Threats)
	fmt.Fprintf(tw, "attack paths\t%d\n", s.AttackPaths)
	fmt.Fprintf(tw, "coverage gaps\t%d\n", s.CoverageGaps)
	fmt.Fprintf(tw, "highest severity\t%s\n", s.HighestSeverity)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.EntryPoints) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SEVERITY\tEXPOSURE\tRESOURCE\tVIA\tWHO\tRECOGNIZED")
		for i, ep := range r.EntryPoints {
			if i == 20 {
				fmt.Fprintf(tw, "…\t%d more in report.md\t\t\t\t\n", len(r.EntryPoints)-20)
				break
			}
			rec := "no"
			if ep.Recognized {
				rec = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", ep.Severity, ep.Exposure, ep.ResourceARN, ep.Via, strings.Join(ep.Principals, ","), rec)
		}
		return tw.Flush()
	}
	return nil
}

package report

import (
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
)

// writeOrganizationMarkdown writes the organization section: a summary,
// one row per scanned account, and who reaches each from outside its
// organization. Nothing for a one-account report.
func writeOrganizationMarkdown(p *printer, r *Report) {
	o := r.Organization
	if o == nil {
		return
	}
	p.f("\n## Organization\n\n")
	orgs := "none known"
	if len(o.IDs) > 0 {
		orgs = codes(o.IDs)
	}
	s := o.Summary
	p.f("%d accounts scanned (organization %s); %d reachable from outside their organization; %d trust-boundary crossings between accounts inside the organization; %d attack paths pass through more than one account.\n\n",
		s.Accounts, orgs, s.ReachableFromOutside, s.InternalCrossings, s.CrossAccountPaths)
	p.f("| Account | Entry points | Unrecognized | Threats | Paths into | Crossings from the organization | Highest severity | Reached from outside the organization by |\n|---|---|---|---|---|---|---|---|\n")
	for _, a := range o.Accounts {
		p.f("| %s | %d (%d public, %d cross-account) | %d | %d | %d | %d | %s | %s |\n", code(a.Account), a.EntryPoints, a.Public, a.CrossAccount,
			a.Unrecognized, a.Threats, a.PathsInto, a.InternalCrossingsIn, a.HighestSeverity, outsideSummary(a.FromOutside))
	}
	for _, a := range o.Accounts {
		if len(a.FromOutside) == 0 {
			continue
		}
		p.f("\n### Who reaches %s from outside the organization\n\n", code(a.Account))
		for _, x := range a.FromOutside {
			how := "directly"
			if !x.Direct {
				how = "through account " + codes(x.Through)
			} else if len(x.Through) > 0 {
				how = "directly, and through account " + codes(x.Through)
			}
			p.f("- %s (%s), %s: %s\n", md(string(x.Zone)), x.Severity, how, codes(x.Resources))
		}
	}
}

// outsideSummary names the outside zones that reach an account, or "nobody".
func outsideSummary(xs []results.OutsideReach) string {
	if len(xs) == 0 {
		return "nobody"
	}
	zs := make([]string, len(xs))
	for i, x := range xs {
		zs[i] = string(x.Zone)
		if !x.Direct {
			zs[i] += " (through " + strings.Join(x.Through, ", ") + ")"
		}
	}
	return md(strings.Join(zs, ", "))
}

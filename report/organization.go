package report

import (
	"slices"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// Organization is the report grouped by account, with a summary of the
// organization: present when the scan covered more than one account
// (--org, --profiles, or a multi-account snapshot). Since 1.3.
type Organization struct {
	// IDs are the organizations the scanned accounts belong to, sorted
	// (empty when none could be read).
	IDs     []string   `json:"ids"`
	Summary OrgSummary `json:"summary"`
	// Accounts holds one entry per scanned account, in account order.
	Accounts []AccountSection `json:"accounts"`
}

// OrgSummary counts what crosses between the scanned accounts and what
// reaches them from outside.
type OrgSummary struct {
	Accounts int `json:"accounts"`
	// ReachableFromOutside counts the accounts some zone outside their
	// organization can reach, directly or through another scanned account.
	ReachableFromOutside int `json:"reachable_from_outside"`
	// InternalCrossings counts the crossings between two scanned accounts
	// of one organization (results.Crossing.Organization).
	InternalCrossings int `json:"internal_crossings"`
	// CrossAccountPaths counts the attack paths that pass through more than
	// one scanned account.
	CrossAccountPaths int `json:"cross_account_paths"`
}

// AccountSection is one scanned account's part of the report.
type AccountSection struct {
	Account      string `json:"account"`
	Organization string `json:"organization,omitempty"`
	EntryPoints  int    `json:"entry_points"`
	Public       int    `json:"public"`
	CrossAccount int    `json:"cross_account"`
	Unrecognized int    `json:"unrecognized"`
	Threats      int    `json:"threats"`
	// PathsInto counts the attack paths whose target is in the account.
	PathsInto int `json:"paths_into"`
	// InternalCrossingsIn counts the organization-internal crossings into
	// the account from other scanned accounts.
	InternalCrossingsIn int    `json:"internal_crossings_in"`
	HighestSeverity     string `json:"highest_severity"`
	// FromOutside is who can reach the account from outside its
	// organization (the organization analyzer).
	FromOutside []results.OutsideReach `json:"from_outside"`
}

// buildOrganization groups the report by account; nil for one account.
func buildOrganization(g *graph.Graph, r *Report, reach []results.AccountReach) *Organization {
	if len(r.Accounts) < 2 {
		return nil
	}
	o := &Organization{IDs: []string{}, Accounts: []AccountSection{}}
	byAcct := map[string]*AccountSection{}
	accts := slices.Sorted(func(yield func(string) bool) {
		for a := range g.Scanned {
			if !yield(a) {
				return
			}
		}
	})
	for _, a := range accts {
		org := g.OrgOf(a)
		if org != "" && !slices.Contains(o.IDs, org) {
			o.IDs = append(o.IDs, org)
		}
		o.Accounts = append(o.Accounts, AccountSection{Account: a, Organization: org, HighestSeverity: string(results.SevInfo), FromOutside: []results.OutsideReach{}})
	}
	slices.Sort(o.IDs)
	for i := range o.Accounts {
		byAcct[o.Accounts[i].Account] = &o.Accounts[i]
	}
	raise := func(s *AccountSection, sev results.Severity) {
		if sev.Rank() > results.Severity(s.HighestSeverity).Rank() {
			s.HighestSeverity = string(sev)
		}
	}
	for _, ep := range r.EntryPoints {
		s := byAcct[ep.Account]
		if s == nil {
			continue
		}
		s.EntryPoints++
		switch ep.Exposure {
		case policy.Public:
			s.Public++
		case policy.CrossAccount:
			s.CrossAccount++
		}
		if !ep.Recognized {
			s.Unrecognized++
		}
		raise(s, ep.Severity)
	}
	for _, t := range r.Threats {
		if s := byAcct[accountOfResource(g, t.ResourceARN)]; s != nil {
			s.Threats++
			raise(s, t.Severity)
		}
	}
	for _, p := range r.AttackPaths {
		if s := byAcct[accountOfResource(g, p.Target)]; s != nil {
			s.PathsInto++
		}
		seen := map[string]bool{}
		for _, st := range p.Steps {
			if a := accountOfResource(g, st.To); g.Scanned[a] {
				seen[a] = true
			}
		}
		if len(seen) > 1 {
			o.Summary.CrossAccountPaths++
		}
	}
	for _, c := range r.Boundaries {
		if c.Organization == "" {
			continue
		}
		o.Summary.InternalCrossings++
		if s := byAcct[graph.ZoneAccountID(c.ToZone)]; s != nil {
			s.InternalCrossingsIn++
		}
	}
	for _, ar := range reach {
		if s := byAcct[ar.Account]; s != nil {
			s.FromOutside = append(s.FromOutside, ar.FromOutside...)
		}
	}
	o.Summary.Accounts = len(o.Accounts)
	for _, s := range o.Accounts {
		if len(s.FromOutside) > 0 {
			o.Summary.ReachableFromOutside++
		}
	}
	return o
}

func accountOfResource(g *graph.Graph, id string) string {
	if n, ok := g.Node(id); ok && n.Account != "" {
		return n.Account
	}
	return graph.AccountOfARN(id)
}

package results

import (
	"cmp"

	"github.com/trustmap/trustmap/graph"
)

// AccountReach is one scanned account seen from outside its organization:
// every trust zone outside the organization that can get into it, directly
// through one of its own entry points or through another scanned account
// whose attack paths continue into it.
type AccountReach struct {
	Account string `json:"account"`
	// Organization is the account's organization, "" when unknown (then
	// every zone outside the scanned accounts counts as outside).
	Organization string `json:"organization,omitempty"`
	// FromOutside lists the outside zones that reach the account, worst
	// first (OutsideReach.Severity), then by zone.
	FromOutside []OutsideReach `json:"from_outside"`
}

// OutsideReach is one zone outside the organization that reaches an account.
type OutsideReach struct {
	Zone graph.Zone `json:"zone"`
	// Direct is true when the zone gets in through one of the account's
	// own entry points; false when only through other accounts.
	Direct bool `json:"direct"`
	// EntryPoints are the ids of the entry points the zone uses, and
	// Resources their resources, in the same order (sorted by resource).
	EntryPoints []string `json:"entry_points"`
	Resources   []string `json:"resources"`
	// Through names the other scanned accounts whose entry points lead on
	// into this account, sorted.
	Through []string `json:"through,omitempty"`
	// Severity is the highest severity of those entry points.
	Severity Severity `json:"severity"`
}

// CompareOutsideReach orders by severity (highest first), direct before
// indirect, then zone.
func CompareOutsideReach(a, b OutsideReach) int {
	if a.Direct != b.Direct && a.Severity == b.Severity {
		if a.Direct {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), cmp.Compare(a.Zone, b.Zone))
}

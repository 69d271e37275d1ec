package organization

import (
	"reflect"
	"slices"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/exposure"
	"github.com/trustmap/trustmap/analyzers/paths"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
)

// Analyzer builds the per-account view of reach from outside the organization.
var Analyzer = &analyzers.Analyzer{
	Name:       "organization",
	Doc:        "per scanned account: the zones outside its organization that reach it, directly or through other scanned accounts",
	URL:        "https://github.com/trustmap/trustmap/blob/main/docs/analyzers.md#organization",
	Requires:   []*analyzers.Analyzer{exposure.Analyzer},
	ResultType: reflect.TypeFor[[]results.AccountReach](),
	Run:        run,
}

func run(pass *analyzers.Pass) (any, error) {
	g := pass.Graph
	eps := analyzers.ResultFor[[]results.EntryPoint](pass, exposure.Analyzer)
	accounts := slices.Sorted(func(yield func(string) bool) {
		for a := range g.Scanned {
			if !yield(a) {
				return
			}
		}
	})
	reach := reachers(g, accounts)
	type key struct {
		acct string
		zone graph.Zone
	}
	acc := map[key]*results.OutsideReach{}
	record := func(acct string, z graph.Zone, ep *results.EntryPoint) {
		if inside(g, z, acct) {
			return
		}
		k := key{acct, z}
		r := acc[k]
		if r == nil {
			r = &results.OutsideReach{Zone: z, EntryPoints: []string{}, Resources: []string{}, Severity: results.SevInfo}
			acc[k] = r
		}
		if ep.Account == acct {
			r.Direct = true
		} else if !slices.Contains(r.Through, ep.Account) {
			r.Through = append(r.Through, ep.Account)
		}
		if !slices.Contains(r.EntryPoints, ep.ID) {
			r.EntryPoints = append(r.EntryPoints, ep.ID)
			r.Resources = append(r.Resources, ep.ResourceARN)
		}
		if ep.Severity.Rank() > r.Severity.Rank() {
			r.Severity = ep.Severity
		}
	}
	for i := range eps {
		ep := &eps[i]
		for _, z := range ep.Zones {
			if g.Scanned[ep.Account] {
				record(ep.Account, z, ep)
			}
			for _, y := range accounts {
				if y != ep.Account && reach[y][ep.ResourceARN] {
					record(y, z, ep)
				}
			}
		}
	}
	out := make([]results.AccountReach, 0, len(accounts))
	for _, a := range accounts {
		ar := results.AccountReach{Account: a, Organization: g.OrgOf(a), FromOutside: []results.OutsideReach{}}
		for k, r := range acc {
			if k.acct == a {
				sortByResource(r)
				slices.Sort(r.Through)
				ar.FromOutside = append(ar.FromOutside, *r)
			}
		}
		slices.SortFunc(ar.FromOutside, results.CompareOutsideReach)
		out = append(out, ar)
	}
	return out, nil
}

// inside says whether zone z lies inside the organization of scanned
// account acct (or, when its organization is unknown, among the scanned
// accounts).
func inside(g *graph.Graph, z graph.Zone, acct string) bool {
	org := g.OrgOf(acct)
	if org == "" {
		return !z.Outside()
	}
	return g.InsideOrg(z, org)
}

func sortByResource(r *results.OutsideReach) {
	idx := make([]int, len(r.EntryPoints))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmpStr(r.Resources[a], r.Resources[b]); c != 0 {
			return c
		}
		return cmpStr(r.EntryPoints[a], r.EntryPoints[b])
	})
	ids, res := make([]string, len(idx)), make([]string, len(idx))
	for i, j := range idx {
		ids[i], res[i] = r.EntryPoints[j], r.Resources[j]
	}
	r.EntryPoints, r.Resources = ids, res
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// reachers returns, for each scanned account, the nodes from which an
// attack path (paths.Follows edges) reaches a resource of that account
// after leaving another account: a reverse breadth-first search from the
// sources of the edges that cross into it. With one scanned account there
// are none, and nothing is searched.
func reachers(g *graph.Graph, accounts []string) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	if len(accounts) < 2 {
		return out
	}
	starts := map[string][]string{}
	for i := range g.Edges {
		e := &g.Edges[i]
		if !paths.Follows(e) {
			continue
		}
		fa, ta := accountOf(g, e.From), accountOf(g, e.To)
		if ta != "" && fa != ta && g.Scanned[ta] {
			starts[ta] = append(starts[ta], e.From)
		}
	}
	for _, y := range accounts {
		seen := map[string]bool{}
		queue := slices.Clone(starts[y])
		for _, s := range queue {
			seen[s] = true
		}
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			for _, e := range g.In(v) {
				if paths.Follows(e) && !seen[e.From] {
					seen[e.From] = true
					queue = append(queue, e.From)
				}
			}
		}
		out[y] = seen
	}
	return out
}

func accountOf(g *graph.Graph, id string) string {
	if n, ok := g.Node(id); ok && n.Account != "" {
		return n.Account
	}
	return graph.AccountOfARN(id)
}

package model

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// Flows the model draws are checked against what the account allows:
//
//   - a flow from outside (an outside party, or an element in an outside
//     zone) into a resource needs an entry point into that resource (or
//     what it contains) that lets that party in: the internet needs a
//     public way in, a named account a way in for it or for anyone;
//   - a flow between two resources of the account needs the scan to
//     connect them, either way, within four hops of the resolved graph
//     (a trigger, an integration, an execution role and its permissions);
//     the direction is not judged, as models draw data flows either way;
//   - a flow with an end the scan cannot place, or out of the account, is
//     not judged.

const maxHops = 4

func (d *Drift) flows(zc map[string]zoneClass) {
	inv := d.inv
	staleIDs := map[string]bool{}
	for _, s := range d.Stale {
		staleIDs[s.Element.ID] = true
	}
	for _, f := range d.model.Flows {
		src, dst := d.model.Element(f.Source), d.model.Element(f.Destination)
		if src == nil || dst == nil || staleIDs[src.ID] || staleIDs[dst.ID] {
			continue
		}
		ms, md := d.mt.Of(src.ID), d.mt.Of(dst.ID)
		srcOut, dstOut := d.outside(src, zc), d.outside(dst, zc)
		switch {
		case srcOut && md != nil && !inv.byID[md.Resource].principal():
			d.flowFromOutside(f, src, ms, md, zc)
		case dstOut && ms != nil && f.Bidirectional && !inv.byID[ms.Resource].principal():
			d.flowFromOutside(f, dst, md, ms, zc)
		case ms != nil && md != nil && !srcOut && !dstOut:
			if !inv.scan.Full() {
				d.NotJudged = append(d.NotJudged, NotJudged{d.flowRef(f), "validated against a report.json, which holds no permissions between resources: give the snapshot.json beside it"})
				continue
			}
			if ms.Resource == md.Resource || d.reaches(ms.Resource, md.Resource) || d.reaches(md.Resource, ms.Resource) {
				continue
			}
			d.Flows = append(d.Flows, FlowDrift{Flow: d.flowRef(f), From: ms.Resource, To: md.Resource,
				What: fmt.Sprintf("the model draws %s → %s; the scan connects %s and %s in neither direction (no trigger, integration, execution role or permission within %d steps)",
					oneLineName(src.Name), oneLineName(dst.Name), inv.displayName(ms.Resource), inv.displayName(md.Resource), maxHops),
				Evidence: append(d.outEvidence(ms.Resource), d.outEvidence(md.Resource)...)})
		}
	}
}

// flowFromOutside checks a flow from an outside party into a resource.
func (d *Drift) flowFromOutside(f *Flow, src *Element, ms, md *Match, zc map[string]zoneClass) {
	inv := d.inv
	party, wants := "", func(*results.EntryPoint) bool { return true }
	switch {
	case ms != nil && ms.Resource == graph.InternetID, ms == nil && zc[src.Zone].Exposure == exposurePublic:
		party = "the internet"
		wants = func(ep *results.EntryPoint) bool { return ep.Exposure == policy.Public }
	case ms != nil && ms.Resource == graph.AnyAWSAccountID:
		party = "any AWS account"
		wants = func(ep *results.EntryPoint) bool {
			return ep.Exposure == policy.Public || slices.Contains(ep.Principals, "*")
		}
	case ms != nil && strings.HasPrefix(ms.Resource, "account:"):
		acct := strings.TrimPrefix(ms.Resource, "account:")
		party = "account " + acct
		wants = func(ep *results.EntryPoint) bool {
			return ep.Exposure == policy.Public || slices.Contains(ep.Principals, acct) || slices.Contains(ep.Principals, "*")
		}
	case ms != nil:
		party = inv.displayName(ms.Resource)
		wants = func(ep *results.EntryPoint) bool {
			return ep.Exposure == policy.Public || slices.Contains(ep.Principals, strings.TrimPrefix(strings.TrimPrefix(ms.Resource, "org:"), "service:"))
		}
	default:
		party = "anyone outside the account"
	}
	for _, ep := range inv.entryPoints(md.Resource) {
		if wants(ep) {
			return
		}
	}
	what := fmt.Sprintf("the model draws %s → %s; the account lets %s into %s by no way", oneLineName(src.Name), oneLineName(d.model.Element(f.Destination).Name), party, inv.displayName(md.Resource))
	if len(inv.entryPoints(md.Resource)) == 0 {
		what = fmt.Sprintf("the model draws %s → %s; nothing outside the account can reach %s", oneLineName(src.Name), oneLineName(d.model.Element(f.Destination).Name), inv.displayName(md.Resource))
	}
	d.Flows = append(d.Flows, FlowDrift{Flow: d.flowRef(f), From: partyID(ms), To: md.Resource, What: what, Evidence: d.accessEvidence(md.Resource)})
}

func partyID(m *Match) string {
	if m == nil {
		return ""
	}
	return m.Resource
}

// reaches reports whether the graph leads from one resource (or what it
// contains) to another (or what contains it) within maxHops edges.
func (d *Drift) reaches(from, to string) bool {
	g := d.inv.scan.Graph
	if g == nil {
		return false
	}
	targets := map[string]bool{}
	for _, x := range d.inv.family(to) {
		targets[x.ID] = true
	}
	for x := to; x != ""; {
		targets[x] = true
		r := d.inv.byID[x]
		if r == nil || targets[r.Parent] {
			break
		}
		x = r.Parent
	}
	frontier := []string{}
	for _, x := range d.inv.family(from) {
		frontier = append(frontier, x.ID)
	}
	seen := map[string]bool{}
	for hop := 0; hop < maxHops && len(frontier) > 0; hop++ {
		var next []string
		for _, id := range frontier {
			for _, e := range g.Out(id) {
				if targets[e.To] {
					return true
				}
				if !seen[e.To] {
					seen[e.To] = true
					next = append(next, e.To)
				}
			}
		}
		frontier = next
	}
	return false
}

// outEvidence says what the scan found leading out of a resource.
func (d *Drift) outEvidence(id string) []string {
	g := d.inv.scan.Graph
	if g == nil {
		return nil
	}
	var parts []string
	for _, x := range d.inv.family(id) {
		for _, e := range g.Out(x.ID) {
			if e.Kind == graph.EdgeContains {
				continue
			}
			parts = append(parts, fmt.Sprintf("%s %s", e.Kind, d.inv.displayName(e.To)))
		}
	}
	name := d.inv.displayName(id)
	if len(parts) == 0 {
		return []string{fmt.Sprintf("%s: the scan found no trigger, integration, role or permission leading out of it", name)}
	}
	slices.Sort(parts)
	parts = slices.Compact(parts)
	if len(parts) > 8 {
		parts = append(parts[:8], fmt.Sprintf("and %d more", len(parts)-8))
	}
	return []string{fmt.Sprintf("%s: %s", name, strings.Join(parts, "; "))}
}

// accessEvidence says what the scan read that keeps outsiders out of a
// resource: its policies and settings, as the collectors read them.
func (d *Drift) accessEvidence(id string) []string {
	var out []string
	eps := d.inv.entryPoints(id)
	for _, ep := range eps {
		out = append(out, fmt.Sprintf("the only ways in: %s lets %s in (%s)", ep.Via, strings.Join(ep.Principals, ", "), ep.Exposure))
	}
	for _, x := range d.inv.family(id) {
		n := x.Node
		if n == nil {
			continue
		}
		doc := func(label string, dc graph.Doc) {
			switch dc.State {
			case graph.True:
				out = append(out, fmt.Sprintf("%s: %s %s read; it admits no one outside the account%s", orSource(dc.Source, label), x.Name, label, alsoEPs(eps)))
			case graph.False:
				out = append(out, fmt.Sprintf("%s: %s has no %s", orSource(dc.Source, label), x.Name, label))
			default:
				out = append(out, fmt.Sprintf("%s: %s's %s could not be read", orSource(dc.Source, label), x.Name, label))
			}
		}
		switch {
		case n.Bucket() != nil:
			doc("bucket policy", n.Bucket().Policy)
		case n.Function() != nil:
			doc("resource policy", n.Function().Policy)
		case n.Queue() != nil:
			doc("queue policy", n.Queue().Policy)
		case n.RestAPI() != nil:
			doc("resource policy", n.RestAPI().Policy)
		case n.Role() != nil:
			doc("trust policy", n.Role().TrustPolicy)
		case n.Method() != nil:
			out = append(out, fmt.Sprintf("apigateway: %s authorization %s", x.Name, n.Method().AuthorizationType))
		}
	}
	if len(out) == 0 {
		out = append(out, "the scan found no way into it from outside the account")
	}
	return out
}

func alsoEPs(eps []*results.EntryPoint) string {
	if len(eps) > 0 {
		return " but those listed"
	}
	return ""
}

func orSource(src, label string) string {
	if src != "" {
		return src
	}
	return label
}

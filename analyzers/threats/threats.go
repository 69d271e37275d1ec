package threats

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/exposure"
	"github.com/trustmap/trustmap/analyzers/paths"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// Analyzer derives STRIDE threats.
var Analyzer = &analyzers.Analyzer{
	Name:       "threats",
	Doc:        "STRIDE threats per entry point with attack trees, likelihood × impact risk and mitigations",
	URL:        "https://github.com/trustmap/trustmap/blob/main/docs/scoring.md",
	Requires:   []*analyzers.Analyzer{exposure.Analyzer, paths.Analyzer},
	ResultType: reflect.TypeFor[[]results.Threat](),
	Run:        run,
}

// STRIDE category names, as Threat Dragon and OTM spell them.
const (
	Spoofing       = "Spoofing"
	Tampering      = "Tampering"
	Repudiation    = "Repudiation"
	Disclosure     = "Information disclosure"
	DenialOfSvc    = "Denial of service"
	ElevationPrivs = "Elevation of privilege"
)

func run(pass *analyzers.Pass) (any, error) {
	g := pass.Graph
	eps := analyzers.ResultFor[[]results.EntryPoint](pass, exposure.Analyzer)
	aps := analyzers.ResultFor[[]results.AttackPath](pass, paths.Analyzer)
	b := results.BusinessOf(pass.Trust, g)
	out := []results.Threat{}
	for _, ep := range eps {
		out = append(out, threatFor(g, ep, worstPath(ep, aps, b, g), b))
	}
	slices.SortFunc(out, results.CompareThreats)
	return out, nil
}

// worstPath returns the worst attack path that enters through ep
// (results.WorsePath), or nil. The paths analyzer keeps every entry
// point's worst path.
//
// With business context the order weighs the impact of the last hop by
// the data it reaches (the paths analyzer has weighed the severities).
func worstPath(ep results.EntryPoint, aps []results.AttackPath, b *results.Business, g *graph.Graph) *results.AttackPath {
	worse := results.WorsePath
	if b != nil {
		weighed := func(p results.AttackPath) int {
			last := p.Steps[len(p.Steps)-1]
			v := results.EdgeImpact(last.Edge)
			if c, ok := b.Classify(last.To); ok && v > 0 {
				v, _ = c.WeighImpact(v, results.Reads(last.Edge), nameOf(g, last.To))
			}
			return v
		}
		worse = func(a, c results.AttackPath) int {
			return cmp.Or(cmp.Compare(c.Severity.Rank(), a.Severity.Rank()), cmp.Compare(weighed(c), weighed(a)),
				cmp.Compare(len(a.Steps), len(c.Steps)), cmp.Compare(a.ID, c.ID))
		}
	}
	var best *results.AttackPath
	for i := range aps {
		p := &aps[i]
		if len(p.Steps) == 0 || p.Steps[0].To != ep.ResourceARN || p.EntryVia != ep.Via {
			continue
		}
		if best == nil || worse(*p, *best) < 0 {
			best = p
		}
	}
	return best
}

func threatFor(g *graph.Graph, ep results.EntryPoint, path *results.AttackPath, b *results.Business) results.Threat {
	name := ep.Name
	if name == "" {
		name = ep.ResourceARN
	}
	who := describeWho(ep)
	l, lWhy := likelihood(ep)
	key := entryKey(g, ep)
	i, iWhy := impact(ep, path, key, b, g)
	t := results.Threat{
		ID:          threatID(ep),
		ResourceARN: ep.ResourceARN,
		Exposure:    ep.Exposure,
		Access:      ep.Access,
		Likelihood:  l,
		Impact:      i,
		Risk:        l * i,
		Reasons:     results.ThreatReason{Likelihood: lWhy, Impact: iWhy},
		Recognized:  ep.Recognized,
		EntryPoint:  ep.ID,
	}
	if path != nil {
		t.AttackPath = path.ID
	}
	t.Severity = Band(t.Risk)
	subs := subThreats(g, ep, path, key, name)
	for _, s := range subs {
		t.STRIDE = append(t.STRIDE, s.category)
		t.STRIDE = append(t.STRIDE, s.also...)
	}
	t.STRIDE = strideOrder(t.STRIDE)
	v := verb(ep)
	if _, ok := codeOf(path); ok {
		v = "push code into"
	}
	t.Title = fmt.Sprintf("%s — %s %s %s", strings.Join(t.STRIDE, " · "), who, v, name)
	root := &results.AttackNode{Goal: goal(ep, path, name), Holds: graph.True}
	for _, s := range subs {
		root.Children = append(root.Children, s.node)
	}
	root.Holds = anyHolds(root.Children)
	t.AttackTree = root
	t.Mitigations = mitigations(ep, path, g)
	t.References = references(t.STRIDE, ep)
	for _, s := range subs {
		t.Mitigations = append(t.Mitigations, s.mitigations...)
		t.References = append(t.References, s.refs...)
	}
	slices.Sort(t.References)
	t.References = slices.Compact(t.References)
	return t
}

// entryKey says whether the outside principals an entry point lets read
// its data may use the KMS key that protects it (nil when no key does or
// the entry point gives no read): the best answer over its principals,
// since any one of them reading is enough.
func entryKey(g *graph.Graph, ep results.EntryPoint) *graph.KeyUse {
	if !ep.HasAccess(graph.EdgeCanRead) && !ep.HasAccess(graph.EdgeCanReceive) {
		return nil
	}
	var best *graph.KeyUse
	rank := map[graph.Tri]int{graph.False: 0, graph.Unknown: 1, graph.True: 2}
	for _, e := range g.In(ep.ResourceARN) {
		if e.Via != ep.Via || (e.Kind != graph.EdgeCanRead && e.Kind != graph.EdgeCanReceive) || e.Exposure == policy.Internal || e.Exposure == 0 {
			continue
		}
		u, ok := g.KeyAccess(e.From, ep.ResourceARN, "kms:Decrypt")
		if !ok {
			return nil
		}
		if best == nil || rank[u.Access] > rank[best.Access] {
			best = &u
		}
	}
	return best
}

// Band maps a risk score (1–25) to a severity: 1–4 low, 5–9 medium,
// 10–15 high, 16–25 critical.
func Band(risk int) results.Severity {
	switch {
	case risk >= 16:
		return results.SevCritical
	case risk >= 10:
		return results.SevHigh
	case risk >= 5:
		return results.SevMedium
	}
	return results.SevLow
}

func threatID(ep results.EntryPoint) string {
	sum := sha256.Sum256([]byte("threat|" + ep.ResourceARN + "|" + ep.Via.String()))
	return "T-" + hex.EncodeToString(sum[:])[:8]
}

func describeWho(ep results.EntryPoint) string {
	switch {
	case ep.Exposure == policy.Public && ep.FromInternet():
		if ep.Authorizer != "" {
			return "anyone with an accepted token can"
		}
		return "anyone on the internet can"
	case ep.Exposure == policy.Public:
		return "any AWS account can"
	case slices.Contains(ep.Principals, "*"):
		return "anyone inside the allowed network can"
	}
	return strings.Join(ep.Principals, ", ") + " can"
}

func verb(ep results.EntryPoint) string {
	switch {
	case ep.HasAccess(graph.EdgeCanAdminister):
		return "administer"
	case ep.HasAccess(graph.EdgeCanWrite):
		return "write to"
	case ep.HasAccess(graph.EdgeCanSend):
		return "inject messages into"
	case ep.HasAccess(graph.EdgeCanAssume):
		return "assume"
	case ep.HasAccess(graph.EdgeCanInvoke):
		return "invoke"
	case ep.HasAccess(graph.EdgeCanConnect):
		return "connect to"
	case ep.HasAccess(graph.EdgeCanReceive):
		return "consume messages from"
	}
	return "read"
}

func goal(ep results.EntryPoint, path *results.AttackPath, name string) string {
	if c, ok := codeOf(path); ok {
		g := fmt.Sprintf("push code to %s that %s runs", name, short(c.runner))
		if c.role != "" {
			g += " with the credentials of " + short(c.role)
		}
		return g
	}
	if path != nil {
		last := path.Steps[len(path.Steps)-1]
		what := strings.TrimPrefix(last.Edge.String(), "can-")
		if !last.Edge.IsAccess() {
			what = "reach" // routed, triggered or run by what the path went through
		}
		return fmt.Sprintf("use %s to %s %s", name, what, short(path.Target))
	}
	return fmt.Sprintf("%s %s from outside the account", verb(ep), name)
}

func short(arn string) string {
	if i := strings.LastIndexAny(arn, ":/"); i >= 0 && i < len(arn)-1 {
		return arn[i+1:]
	}
	return arn
}

func strideOrder(cs []string) []string {
	order := []string{Spoofing, Tampering, Repudiation, Disclosure, DenialOfSvc, ElevationPrivs}
	var out []string
	for _, c := range order {
		if slices.Contains(cs, c) {
			out = append(out, c)
		}
	}
	return out
}

// anyHolds is the root goal's verdict, an OR over its sub-threats (each an
// AND over its failure conditions, see subThreats): it holds if one of them
// holds, is unknown if none holds but one is unknown, and fails otherwise.
func anyHolds(subs []*results.AttackNode) graph.Tri {
	out := graph.False
	for _, c := range subs {
		out = out.Or(c.Holds)
	}
	return out
}

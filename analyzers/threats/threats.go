package threats

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/exposure"
	"github.com/trustmap/trustmap/analyzers/paths"
	"github.com/trustmap/trustmap/graph"
)

// Analyzer derives STRIDE threats.
var Analyzer = &analyzers.Analyzer{
	Name:       "threats",
	Doc:        "STRIDE threats per entry point with attack trees, likelihood × impact risk and mitigations",
	URL:        "https://github.com/trustmap/trustmap/blob/main/docs/scoring.md",
	Requires:   []*analyzers.Analyzer{exposure.Analyzer, paths.Analyzer},
	ResultType: reflect.TypeFor[[]analyzers.Threat](),
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
	eps := analyzers.ResultFor[[]analyzers.EntryPoint](pass, exposure.Analyzer)
	aps := analyzers.ResultFor[[]analyzers.AttackPath](pass, paths.Analyzer)
	var out []analyzers.Threat
	for _, ep := range eps {
		out = append(out, threatFor(g, ep, worstPath(ep, aps)))
	}
	slices.SortFunc(out, analyzers.CompareThreats)
	return out, nil
}

// worstPath returns the most severe (then shortest) attack path that enters
// through ep, or nil.
func worstPath(ep analyzers.EntryPoint, aps []analyzers.AttackPath) *analyzers.AttackPath {
	var best *analyzers.AttackPath
	for i := range aps {
		p := &aps[i]
		if len(p.Steps) == 0 || p.Steps[0].To != ep.ResourceARN || p.EntryVia != ep.Via {
			continue
		}
		if best == nil || analyzers.ComparePaths(*p, *best) < 0 || (p.Severity == best.Severity && impactOfStep(p.Steps[len(p.Steps)-1]) > impactOfStep(best.Steps[len(best.Steps)-1])) {
			best = p
		}
	}
	return best
}

func threatFor(g *graph.Graph, ep analyzers.EntryPoint, path *analyzers.AttackPath) analyzers.Threat {
	name := ep.Name
	if name == "" {
		name = ep.ResourceARN
	}
	who := describeWho(ep)
	l, lWhy := likelihood(ep)
	i, iWhy := impact(ep, path)
	t := analyzers.Threat{
		ID:          threatID(ep),
		ResourceARN: ep.ResourceARN,
		Likelihood:  l,
		Impact:      i,
		Risk:        l * i,
		Reasons:     analyzers.ThreatReason{Likelihood: lWhy, Impact: iWhy},
		Recognized:  ep.Recognized,
		EntryPoint:  ep.ID,
	}
	if path != nil {
		t.AttackPath = path.ID
	}
	t.Severity = Band(t.Risk)
	subs := subThreats(g, ep, path, name)
	for _, s := range subs {
		t.STRIDE = append(t.STRIDE, s.category)
	}
	t.STRIDE = strideOrder(t.STRIDE)
	t.Title = fmt.Sprintf("%s — %s %s %s", strings.Join(t.STRIDE, " · "), who, verb(ep), name)
	root := &analyzers.AttackNode{Goal: goal(ep, path, name), Holds: "true"}
	for _, s := range subs {
		root.Children = append(root.Children, s.node)
	}
	root.Holds = treeHolds(root)
	t.AttackTree = root
	t.Mitigations = mitigations(ep, path, g)
	t.References = references(t.STRIDE, ep)
	return t
}

// Band maps a risk score (1–25) to a severity: 1–4 low, 5–9 medium,
// 10–15 high, 16–25 critical.
func Band(risk int) analyzers.Severity {
	switch {
	case risk >= 16:
		return analyzers.SevCritical
	case risk >= 10:
		return analyzers.SevHigh
	case risk >= 5:
		return analyzers.SevMedium
	}
	return analyzers.SevLow
}

func threatID(ep analyzers.EntryPoint) string {
	sum := sha256.Sum256([]byte("threat|" + ep.ResourceARN + "|" + ep.Via))
	return "T-" + hex.EncodeToString(sum[:])[:8]
}

func describeWho(ep analyzers.EntryPoint) string {
	switch {
	case ep.Exposure == "public" && slices.Contains(ep.Zones, "internet"):
		if authenticated(ep) {
			return "anyone with an accepted token can"
		}
		return "anyone on the internet can"
	case ep.Exposure == "public":
		return "any AWS account can"
	case slices.Contains(ep.Principals, "*"):
		return "anyone inside the allowed network can"
	}
	return strings.Join(ep.Principals, ", ") + " can"
}

func verb(ep analyzers.EntryPoint) string {
	switch {
	case has(ep.Access, graph.EdgeCanAdminister):
		return "administer"
	case has(ep.Access, graph.EdgeCanWrite):
		return "write to"
	case has(ep.Access, graph.EdgeCanSend):
		return "inject messages into"
	case has(ep.Access, graph.EdgeCanAssume):
		return "assume"
	case has(ep.Access, graph.EdgeCanInvoke):
		return "invoke"
	case has(ep.Access, graph.EdgeCanReceive):
		return "consume messages from"
	}
	return "read"
}

func goal(ep analyzers.EntryPoint, path *analyzers.AttackPath, name string) string {
	if path != nil {
		last := path.Steps[len(path.Steps)-1]
		return fmt.Sprintf("use %s to %s %s", name, strings.TrimPrefix(last.Edge, "can-"), short(path.Target))
	}
	return fmt.Sprintf("%s %s from outside the account", verb(ep), name)
}

func authenticated(ep analyzers.EntryPoint) bool {
	return strings.HasSuffix(ep.Via, "-authorizer")
}

func has(access []string, k graph.EdgeKind) bool { return slices.Contains(access, string(k)) }

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

// treeHolds: a goal holds when all its children hold; unknown when none
// fails but one is unknown.
func treeHolds(n *analyzers.AttackNode) string {
	if len(n.Children) == 0 {
		return n.Holds
	}
	any := false
	unknown := false
	for _, c := range n.Children {
		switch treeHolds(c) {
		case "true":
			any = true
		case "unknown":
			unknown = true
		}
	}
	switch {
	case any:
		return "true"
	case unknown:
		return "unknown"
	}
	return "false"
}

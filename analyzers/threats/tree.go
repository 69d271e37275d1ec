package threats

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/graph"
)

type sub struct {
	category string
	node     *analyzers.AttackNode
}

func leaf(goal, holds, condition string) *analyzers.AttackNode {
	return &analyzers.AttackNode{Goal: goal, Holds: holds, Condition: condition}
}

// reach is the failure condition every sub-threat starts with: the entry
// point itself, with its evidence.
func reach(ep analyzers.EntryPoint, name string) *analyzers.AttackNode {
	ev := ep.Via
	if ep.Evidence.Source != "" {
		ev += " (" + ep.Evidence.Source
		if len(ep.Evidence.Statements) > 0 {
			ev += fmt.Sprintf(", statement %d", ep.Evidence.Statements[0]+1)
		}
		if len(ep.Evidence.Sids) > 0 {
			ev += ", Sid " + ep.Evidence.Sids[0]
		}
		ev += ")"
	}
	cond := fmt.Sprintf("%s grants %s to %s", ev, strings.Join(ep.Actions, ", "), strings.Join(ep.Principals, ", "))
	for _, d := range ep.Evidence.Details {
		cond += "; " + d
	}
	holds := "true"
	if !ep.Certain {
		holds = "unknown"
		cond += "; a setting that could block it was not readable"
	}
	return leaf("get a request into "+name, holds, cond)
}

// auth is the failure condition about authentication.
func auth(ep analyzers.EntryPoint) *analyzers.AttackNode {
	switch {
	case authenticated(ep):
		var by []string
		for _, c := range ep.Evidence.Conditions {
			if strings.HasPrefix(c, "authenticated by ") {
				by = append(by, strings.TrimPrefix(c, "authenticated by "))
			}
		}
		return leaf("obtain a token the authorizer accepts", "unknown", "the method is "+strings.Join(by, ", ")+": whether outsiders can get a token (self sign-up, a weak Lambda authorizer) is not visible to the scan")
	case ep.Exposure == "public" && slices.Contains(ep.Zones, "internet"):
		return leaf("be accepted without credentials", "true", "no authentication: "+authDetail(ep))
	case ep.Exposure == "public":
		return leaf("sign the request with any AWS account", "true", "any AWS account's credentials are accepted")
	}
	return leaf("act as one of "+strings.Join(ep.Principals, ", "), "true", "the named parties' own credentials are accepted")
}

func authDetail(ep analyzers.EntryPoint) string {
	switch ep.Via {
	case "function-url":
		return "function URL AuthType NONE"
	case "method-auth", "route-auth":
		return "authorization type NONE"
	case "bucket-acl":
		return "ACL grant to a public group"
	}
	return "Principal \"*\" with no condition that pins the caller"
}

// follow turns the attack path beyond the entry point into failure
// conditions.
func follow(path *analyzers.AttackPath) []*analyzers.AttackNode {
	if path == nil {
		return nil
	}
	var out []*analyzers.AttackNode
	for _, s := range path.Steps[1:] {
		out = append(out, leaf(stepGoal(s), "true", s.Evidence))
	}
	return out
}

func stepGoal(s analyzers.PathStep) string {
	switch graph.EdgeKind(s.Edge) {
	case graph.EdgeIntegratesWith, graph.EdgeRoutesTo:
		return "have the request handled by " + short(s.To)
	case graph.EdgeTriggers:
		return "have it processed by " + short(s.To)
	case graph.EdgeExecutesAs:
		return "run with the credentials of " + short(s.To)
	case graph.EdgeCanAssume:
		return "assume " + short(s.To)
	}
	return fmt.Sprintf("turn that into %s on %s", strings.TrimPrefix(s.Edge, "can-"), short(s.To))
}

// subThreats breaks the threat into one sub-threat per STRIDE category
// that applies to the entry point (STRIDE-per-element: data stores T/I/D,
// processes S/T/I/D/E, the caller's identity S), each with its failure
// conditions.
func subThreats(g *graph.Graph, ep analyzers.EntryPoint, path *analyzers.AttackPath, name string) []sub {
	chain := func(extra ...*analyzers.AttackNode) []*analyzers.AttackNode {
		out := []*analyzers.AttackNode{reach(ep, name), auth(ep)}
		return append(out, extra...)
	}
	node := func(goal string, children []*analyzers.AttackNode) *analyzers.AttackNode {
		n := &analyzers.AttackNode{Goal: goal, Children: children, Holds: "true"}
		for _, c := range children {
			if c.Holds == "false" {
				n.Holds = "false"
				break
			}
			if c.Holds == "unknown" {
				n.Holds = "unknown"
			}
		}
		return n
	}
	var subs []sub
	add := func(cat, goal string, children []*analyzers.AttackNode) {
		subs = append(subs, sub{cat, node(goal, children)})
	}
	switch {
	case has(ep.Access, graph.EdgeCanAssume):
		add(Spoofing, "act as "+name+" from outside the account", chain())
		add(ElevationPrivs, "use "+name+"'s permissions", chain(follow(path)...))
	case isCompute(ep.ResourceType):
		if !authenticated(ep) && ep.Exposure == "public" {
			add(Spoofing, "call "+name+" as an unauthenticated client", chain())
		}
		add(Tampering, "send crafted input to "+name, chain())
		if path != nil {
			add(ElevationPrivs, "turn a call into access to "+short(path.Target), chain(follow(path)...))
			add(Disclosure, "leak the function's credentials or data it reads", chain(follow(path)...))
		}
		add(DenialOfSvc, "exhaust "+name+"'s concurrency or run up its cost", chain())
	default: // data stores: buckets, queues
		if has(ep.Access, graph.EdgeCanRead) || has(ep.Access, graph.EdgeCanReceive) {
			add(Disclosure, "read data from "+name, chain())
		}
		if has(ep.Access, graph.EdgeCanWrite) || has(ep.Access, graph.EdgeCanSend) || has(ep.Access, graph.EdgeCanAdminister) {
			add(Tampering, "plant or alter data in "+name, chain(follow(path)...))
			add(DenialOfSvc, "flood, delete or overwrite what "+name+" holds", chain())
		}
		if has(ep.Access, graph.EdgeCanAdminister) {
			add(ElevationPrivs, "rewrite "+name+"'s access policy", chain())
		}
		if path != nil && len(subs) > 0 && !slices.ContainsFunc(subs, func(s sub) bool { return s.category == ElevationPrivs }) {
			add(ElevationPrivs, "reach "+short(path.Target)+" through what consumes "+name, chain(follow(path)...))
		}
		if len(subs) == 0 {
			add(Disclosure, "learn about "+name, chain())
		}
	}
	return subs
}

func isCompute(kind string) bool {
	switch graph.Kind(kind) {
	case graph.KindLambdaFunction, graph.KindLambdaFunctionURL, graph.KindRestAPIMethod, graph.KindHTTPAPIRoute:
		return true
	}
	return false
}

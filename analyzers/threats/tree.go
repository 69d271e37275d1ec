package threats

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

type sub struct {
	category string
	node     *results.AttackNode
	// also are further STRIDE categories the sub-threat stands for; refs and
	// mitigations are its own (ATT&CK, CAPEC; what closes it).
	also        []string
	refs        []string
	mitigations []string
}

// andNode is a sub-threat: an AND over its failure conditions, holding when
// every one does; False beats Unknown.
func andNode(goal string, children []*results.AttackNode) *results.AttackNode {
	n := &results.AttackNode{Goal: goal, Children: children, Holds: graph.True}
	for _, c := range children {
		n.Holds = n.Holds.And(c.Holds)
	}
	return n
}

func leaf(goal string, holds graph.Tri, condition string) *results.AttackNode {
	return &results.AttackNode{Goal: goal, Holds: holds, Condition: condition}
}

// reach is the failure condition every sub-threat starts with: the entry
// point itself, with its evidence.
func reach(ep results.EntryPoint, name string) *results.AttackNode {
	ev := ep.Via.String()
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
	// One builder: an entry point can carry thousands of details (every
	// statement of a shared policy), and adding them one string at a time
	// copied the whole condition at each.
	var cond strings.Builder
	fmt.Fprintf(&cond, "%s grants %s to %s", ev, strings.Join(ep.Actions, ", "), strings.Join(ep.Principals, ", "))
	for _, d := range ep.Evidence.Details {
		cond.WriteString("; ")
		cond.WriteString(d)
	}
	holds := graph.True
	if !ep.Certain {
		holds = graph.Unknown
		cond.WriteString("; a setting that could block it was not readable")
	}
	return leaf("get a request into "+name, holds, cond.String())
}

// auth is the failure condition about authentication.
func auth(ep results.EntryPoint) *results.AttackNode {
	switch {
	case ownAuth(ep):
		return leaf("pass the service's own authentication", graph.Unknown,
			"network reachability only ("+strings.Join(ep.Actions, ", ")+"): the service authenticates callers itself (database credentials, Kubernetes API server authentication), and who holds those credentials is out of scope")
	case ep.Authorizer != "":
		return leaf("obtain a token the authorizer accepts", graph.Unknown, "the method is authenticated by "+ep.Authorizer+": whether outsiders can get a token (self sign-up, a weak Lambda authorizer) is not visible to the scan")
	case ep.Exposure == policy.Public && ep.FromInternet():
		return leaf("be accepted without credentials", graph.True, "no authentication: "+authDetail(ep))
	case ep.Exposure == policy.Public:
		return leaf("sign the request with any AWS account", graph.True, "any AWS account's credentials are accepted")
	}
	return leaf("act as one of "+strings.Join(ep.Principals, ", "), graph.True, "the named parties' own credentials are accepted")
}

func authDetail(ep results.EntryPoint) string {
	switch ep.Via {
	case graph.ViaFunctionURL:
		return "function URL AuthType NONE"
	case graph.ViaMethodAuth, graph.ViaRouteAuth:
		return "authorization type NONE"
	case graph.ViaBucketACL:
		return "ACL grant to a public group"
	case graph.ViaViewerAccess:
		return "its cache behaviors require no signed URL or cookie"
	case graph.ViaSecurityGroup:
		return "a security group admits the internet on " + strings.Join(ep.Actions, ", ")
	case graph.ViaListener:
		return "the listener's rules forward without an authenticate action"
	}
	return "Principal \"*\" with no condition that pins the caller"
}

// follow turns the attack path beyond the entry point into failure
// conditions; a hop into data a KMS key protects adds the key as one more
// (the entry hop's too: the entry point itself may be such data).
func follow(g *graph.Graph, path *results.AttackPath) []*results.AttackNode {
	if path == nil {
		return nil
	}
	var out []*results.AttackNode
	for i, s := range path.Steps {
		if i > 0 {
			out = append(out, leaf(stepGoal(g, s), graph.True, s.Evidence))
		}
		if k := s.Key; k != nil {
			out = append(out, leaf(fmt.Sprintf("use KMS key %s (%s) as %s", k.Label(), k.Action, short(s.From)), k.Access, k.Evidence))
		}
	}
	return out
}

func stepGoal(g *graph.Graph, s results.PathStep) string {
	to := label(g, s.To)
	switch s.Edge {
	case graph.EdgeIntegratesWith, graph.EdgeRoutesTo:
		return "have the request handled by " + to
	case graph.EdgeTriggers:
		return "have it processed by " + to
	case graph.EdgeExecutesAs:
		return "run with the credentials of " + to
	case graph.EdgeCanAssume:
		return "assume " + to
	case graph.EdgeProvidesCode:
		return "have the code run by " + to
	}
	return fmt.Sprintf("turn that into %s on %s", strings.TrimPrefix(s.Edge.String(), "can-"), to)
}

// label names a node for an attack tree: its name when it has one (a
// target group's, not the id its ARN ends in), else the ARN's last part.
func label(g *graph.Graph, id string) string {
	if n, ok := g.Node(id); ok && n.Name != "" {
		return n.Name
	}
	return short(id)
}

// subThreats breaks the threat into one sub-threat per STRIDE category
// that applies to the entry point (STRIDE-per-element: data stores T/I/D,
// processes S/T/I/D/E, the caller's identity S), each with its failure
// conditions.
func subThreats(g *graph.Graph, ep results.EntryPoint, path *results.AttackPath, key *graph.KeyUse, name string) []sub {
	// Every sub-threat starts with the same two failure conditions, and
	// those that follow the attack path end with the same steps: built
	// once and shared (the tree is not changed once built), since an
	// account of 100,000 resources has thousands of entry points with up
	// to six sub-threats each.
	start := []*results.AttackNode{reach(ep, name), auth(ep)}
	chain := func(extra ...*results.AttackNode) []*results.AttackNode {
		return append(slices.Clip(start), extra...)
	}
	steps := follow(g, path)
	var subs []sub
	add := func(cat, goal string, children []*results.AttackNode) {
		subs = append(subs, sub{category: cat, node: andNode(goal, children)})
	}
	switch {
	case ep.HasAccess(graph.EdgeCanAssume):
		add(Spoofing, "act as "+name+" from outside the account", chain())
		add(ElevationPrivs, "use "+name+"'s permissions", chain(steps...))
	case elementClass(g, ep) == graph.ClassCompute:
		if ep.Authorizer == "" && ep.Exposure == policy.Public && !ownAuth(ep) {
			add(Spoofing, "call "+name+" as an unauthenticated client", chain())
		}
		add(Tampering, "send crafted input to "+name, chain())
		if path != nil {
			add(ElevationPrivs, "turn a call into access to "+short(path.Target), chain(steps...))
			add(Disclosure, "leak "+computeNoun(g, computeOf(path))+"'s credentials or data it reads", chain(steps...))
			if s, ok := ssrf(g, ep, path); ok {
				subs = append(subs, s)
			}
		}
		add(DenialOfSvc, "exhaust "+name+"'s concurrency or run up its cost", chain())
	default: // data stores: buckets, queues, databases, search domains, snapshots
		// Connecting to a data store reaches its own protocol, which reads
		// and writes once its authentication is passed (auth's leaf).
		connect := ep.HasAccess(graph.EdgeCanConnect)
		// A front door to data (a distribution with a bucket origin) serves
		// what the data store holds to whoever may invoke it.
		serves := ep.ResourceType.Class() == graph.ClassFrontDoor && (ep.HasAccess(graph.EdgeCanInvoke) || ep.HasAccess(graph.EdgeCanAccess))
		if serves {
			add(DenialOfSvc, "flood "+name+" or run up the cost of what it serves", chain())
		}
		if ep.HasAccess(graph.EdgeCanRead) || ep.HasAccess(graph.EdgeCanReceive) || connect || serves {
			var decrypt []*results.AttackNode
			if key != nil {
				decrypt = append(decrypt, leaf("decrypt it with KMS key "+key.Label(), key.Access, key.Evidence))
			}
			add(Disclosure, "read data from "+name, chain(decrypt...))
		}
		if c, ok := codeOf(path); ok {
			// What the resource holds is code that something runs.
			add(Tampering, "push code into "+name+" that "+short(c.runner)+" runs", chain(steps...))
			if c.role != "" {
				add(ElevationPrivs, "run code with the credentials of "+short(c.role), chain(steps...))
			}
			add(DenialOfSvc, "delete or overwrite the code "+short(c.runner)+" deploys", chain())
		} else if ep.HasAccess(graph.EdgeCanWrite) || ep.HasAccess(graph.EdgeCanSend) || ep.HasAccess(graph.EdgeCanAdminister) || connect {
			add(Tampering, "plant or alter data in "+name, chain(steps...))
			add(DenialOfSvc, "flood, delete or overwrite what "+name+" holds", chain())
		}
		if ep.HasAccess(graph.EdgeCanAdminister) {
			add(ElevationPrivs, "rewrite "+name+"'s access policy", chain())
		}
		if beyondBackend(path) && len(subs) > 0 && !slices.ContainsFunc(subs, func(s sub) bool { return s.category == ElevationPrivs }) {
			add(ElevationPrivs, "reach "+short(path.Target)+" through what consumes "+name, chain(steps...))
		}
		if len(subs) == 0 {
			add(Disclosure, "learn about "+name, chain())
		}
	}
	return subs
}

// elementClass is the class of element an entry point is for STRIDE: the
// class of its resource, except that a front door takes the class of what
// it hands requests to (a function URL or an API method runs compute; an
// S3 access point serves a bucket's data). A front door whose backend the
// scan does not know is treated as compute, the broader set of threats.
func elementClass(g *graph.Graph, ep results.EntryPoint) graph.Class {
	c := ep.ResourceType.Class()
	if c != graph.ClassFrontDoor {
		return compute(c)
	}
	data := false
	for _, e := range g.Out(ep.ResourceARN) {
		if e.Kind != graph.EdgeRoutesTo && e.Kind != graph.EdgeIntegratesWith {
			continue
		}
		to, ok := g.Node(e.To)
		switch {
		case ok && to.Kind.Class() == graph.ClassCompute:
			return graph.ClassCompute
		case ok && to.Kind.Class() == graph.ClassData, !ok && strings.HasPrefix(e.To, "arn:aws:s3:::"):
			data = true
		}
	}
	if data {
		return graph.ClassData
	}
	return graph.ClassCompute
}

func compute(c graph.Class) graph.Class {
	if c == graph.ClassFrontDoor {
		return graph.ClassCompute
	}
	return c
}

// beyondBackend says whether a path goes further than a front door's own
// backend (an access point's bucket): only then does it reach something
// the entry point's grant did not already give.
func beyondBackend(path *results.AttackPath) bool {
	return path != nil && slices.ContainsFunc(path.Steps[1:], func(s results.PathStep) bool { return s.Edge != graph.EdgeRoutesTo })
}

// code is where a path takes code: the resource that provides it, what
// runs it, and the role it runs with.
type code struct{ runner, role string }

// codeOf says whether a path goes on from its entry point into something
// that runs the code the entry point holds (a provides-code step: an
// image, a layer), and with which role.
func codeOf(path *results.AttackPath) (code, bool) {
	if path == nil || len(path.Steps) < 2 || path.Steps[1].Edge != graph.EdgeProvidesCode {
		return code{}, false
	}
	c := code{runner: path.Steps[1].To}
	for _, s := range path.Steps[2:] {
		if s.Edge == graph.EdgeExecutesAs {
			c.role = s.To
			break
		}
	}
	return c, true
}

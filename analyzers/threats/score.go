package threats

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// likelihood scores how easily an outsider can use the entry point
// (docs/scoring.md):
//
//	5  anyone on the internet, no authentication
//	4  any AWS account (a signed request from any account)
//	3  anyone holding a token an authorizer accepts; or a named account or
//	   organization that trustmap.yaml does not recognize
//	2  any principal but only from a fixed network; or a recognized account
//	1  a recognized party behind an extra guard (ExternalId, MFA)
//
// minus 1 (never below 1) when the entry point rests on a setting the scan
// could not read.
func likelihood(ep results.EntryPoint) (int, string) {
	var l int
	var why string
	guarded := slices.Contains(ep.Guards, policy.GuardExternalID) || slices.Contains(ep.Guards, policy.GuardMFA)
	switch {
	case ep.Exposure == policy.Public && ep.Authorizer == "" && ep.FromInternet() && onlyConnect(ep):
		l, why = 5, "anyone on the internet can open connections to it"
	case ep.Exposure == policy.Public && ep.Authorizer != "":
		l, why = 3, "reachable from the internet, but only with a token the authorizer accepts ("+ep.Authorizer+")"
	case ep.Exposure == policy.Public && ep.FromInternet():
		l, why = 5, "anyone on the internet can use it without authenticating"
	case ep.Exposure == policy.Public:
		l, why = 4, "any principal of any AWS account can use it with a signed request"
	case slices.Contains(ep.Principals, "*"):
		l, why = 2, "any principal can use it, but only from a fixed network ("+strings.Join(ep.Evidence.Conditions, "; ")+")"
	case ep.Recognized && guarded:
		l, why = 1, "a recognized party ("+ep.RecognizedBy+"), behind ExternalId or MFA"
	case ep.Recognized:
		l, why = 2, "a recognized party ("+ep.RecognizedBy+")"
	default:
		l, why = 3, "named outside parties ("+strings.Join(ep.Principals, ", ")+") that trustmap.yaml does not recognize"
		if guarded {
			l, why = 2, why+", behind ExternalId or MFA"
		}
	}
	if !ep.Certain && l > 1 {
		l--
		why += "; lowered by 1 because a setting that could block it was not readable"
	}
	return l, why
}

// impact scores the worst outcome (docs/scoring.md):
//
//	5  administer the resource or what it leads to (policies, code, ACLs)
//	4  write or delete data, or act as a role that can
//	3  read data, or run compute whose role can read data
//	2  list or invoke with nothing further reached
//	1  nothing beyond the resource's own metadata
//
// With business context (b non-nil: trustmap.yaml marks crown jewels or
// data classification, or resources carry the classification tag), each
// outcome is weighed by the data it reaches (results.WeighImpact) before
// the worst is taken, and the reason says so. With b nil the scores and
// reasons are those without business context.
//
// Connecting (can-connect: network reachability) to a service that
// authenticates callers itself (a database engine, a Kubernetes API
// server) scores 3: only that service's credentials, which are out of
// scope, stand between the caller and what it holds. A path that ends
// routed to a data store (a distribution's origin bucket) reads it.
func impact(ep results.EntryPoint, path *results.AttackPath, b *results.Business, g *graph.Graph) (int, string) {
	i, why := 1, "only metadata"
	read := false
	set := func(v int, w string, r bool) {
		if v > i {
			i, why, read = v, w, r
		}
	}
	for _, a := range ep.Access {
		switch a {
		case graph.EdgeCanAdminister:
			set(5, "can change the resource's own policy, ACL or code", false)
		case graph.EdgeCanWrite:
			set(4, "can write or delete data in the resource", false)
		case graph.EdgeCanAssume:
			set(3, "gets the role's credentials", false)
		case graph.EdgeCanRead, graph.EdgeCanReceive:
			if onlyList(ep.Actions) {
				set(2, "can list the resource's contents", true)
			} else {
				set(3, "can read data from the resource", true)
			}
		case graph.EdgeCanSend, graph.EdgeCanInvoke, graph.EdgeCanAccess:
			set(2, "can invoke it or feed it input", false)
		case graph.EdgeCanConnect:
			if !ownAuth(ep) {
				continue
			}
			set(3, "can reach the service's own protocol ("+strings.Join(ep.Actions, ", ")+"); only its own authentication stands before what it holds", true)
		}
	}
	if c, ok := b.Classify(ep.ResourceARN); ok {
		var note string
		i, note = c.WeighImpact(i, read, nameOf(g, ep.ResourceARN))
		why += "; " + note
	}
	if path != nil {
		last := path.Steps[len(path.Steps)-1]
		if v := results.EdgeImpact(last.Edge); v > 0 {
			w := fmt.Sprintf("leads to %s %s (attack path %s, %d steps)", last.Edge, last.To, path.ID, len(path.Steps))
			if c, ok := b.Classify(last.To); ok {
				var note string
				v, note = c.WeighImpact(v, results.Reads(last.Edge), nameOf(g, last.To))
				w += "; " + note
			}
			if v > i {
				i, why = v, w
			}
		} else if n, ok := g.Node(last.To); ok && last.Edge == graph.EdgeRoutesTo && n.Kind.Class() == graph.ClassData {
			// A front door that serves a data store's content reads it.
			v, w := 3, fmt.Sprintf("serves what %s holds (attack path %s, %d steps)", last.To, path.ID, len(path.Steps))
			if c, ok := b.Classify(last.To); ok {
				var note string
				v, note = c.WeighImpact(v, true, nameOf(g, last.To))
				w += "; " + note
			}
			if v > i {
				i, why = v, w
			}
		}
	}
	return i, why
}

// nameOf is a resource's name, for reasons.
func nameOf(g *graph.Graph, id string) string {
	if g != nil {
		if n, ok := g.Node(id); ok && n.Name != "" {
			return n.Name
		}
	}
	return short(id)
}

func onlyList(actions []string) bool {
	for _, a := range actions {
		if !strings.HasPrefix(strings.ToLower(a), "s3:list") {
			return false
		}
	}
	return len(actions) > 0
}

// onlyConnect says whether the entry point gives network reachability
// only (can-connect).
func onlyConnect(ep results.EntryPoint) bool {
	return len(ep.Access) > 0 && !slices.ContainsFunc(ep.Access, func(k graph.EdgeKind) bool { return k != graph.EdgeCanConnect })
}

// ownAuth says whether the entry point reaches, by network only, an
// AWS-managed engine that authenticates callers itself (a database engine,
// a Kubernetes API server: ViaPublicEndpoint). An instance's open port or a
// load balancer listener reaches the account's own software instead, whose
// authentication the scan cannot see: like a method with authorization type
// NONE, nothing visible stands in front of it.
func ownAuth(ep results.EntryPoint) bool {
	return onlyConnect(ep) && ep.Via == graph.ViaPublicEndpoint
}

package threats

import (
	"fmt"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
)

// ssrf is the server-side request forgery credential-theft sub-threat
// (Spoofing and Elevation of privilege; ATT&CK T1552.005, "Unsecured
// Credentials: Cloud Instance Metadata API"): the attack path reaches
// compute that has an instance metadata service and runs as a role that
// reaches data; a request the attacker makes the compute's software send to
// 169.254.169.254 returns the role's credentials, which the attacker then
// uses from anywhere. No kind is named: the compute is whatever node of the
// path graph.Node.SSRFCredentials applies to, the role its executes-as hop.
//
// Its failure conditions, ANDed:
//   - reach the compute's software from outside (the entry point and the hops
//     to it) — holds as the path does;
//   - fetch the credentials with a plain GET: IMDSv1 answers (holds, or
//     unknown when the settings were not read; IMDSv2 required fails it, and
//     then the sub-threat is left out);
//   - the role reaches data (the path's last hop) — holds;
//   - use the credentials outside the VPC: nothing binds that data to it
//     (aws:ec2InstanceSourceVPC / aws:SourceVpc on the grant or the data's
//     own policy: graph.BoundToVPC) — holds, fails, or unknown when the
//     data's policy was not readable.
func ssrf(g *graph.Graph, ep results.EntryPoint, path *results.AttackPath) (sub, bool) {
	if path == nil || len(path.Steps) < 2 {
		return sub{}, false
	}
	at := -1
	var compute *graph.Node
	for i, s := range path.Steps {
		if s.Edge != graph.EdgeExecutesAs || i == len(path.Steps)-1 {
			continue
		}
		if n, ok := g.Node(s.From); ok {
			if _, has := n.SSRFCredentials(); has {
				at, compute = i, n
				break
			}
		}
	}
	if compute == nil {
		return sub{}, false
	}
	v1, _ := compute.SSRFCredentials()
	if v1 == graph.False {
		return sub{}, false // IMDSv2 required: a forged GET gets no credentials
	}
	role := path.Steps[at].To
	last := path.Steps[len(path.Steps)-1]
	name := nonEmpty(compute.Name, compute.ID)

	var hops []string
	for _, s := range path.Steps[1 : at+1] {
		hops = append(hops, s.Evidence)
	}
	reachIt := leaf("get a request that "+name+"'s software forwards to a URL the attacker chooses", graph.True,
		"the entry point and the hops to it hold: "+strings.Join(hops, " → ")+"; whether the software has an SSRF flaw is what the attacker looks for")
	if !path.Certain {
		reachIt.Holds = graph.Unknown
	}
	imds := leaf("fetch "+short(role)+"'s credentials from 169.254.169.254 with a plain GET (IMDSv1)", v1, imdsDetail(compute))
	use := leaf(fmt.Sprintf("use them to %s %s", strings.TrimPrefix(last.Edge.String(), "can-"), short(last.To)), graph.True, last.Evidence)
	outside := leaf("use them outside "+name+"'s VPC", graph.Unknown, "the path's last hop was not found in the graph")
	if e := edgeOf(g, last); e != nil {
		bound, why := g.BoundToVPC(e, compute)
		outside.Holds = bound.Not()
		switch bound {
		case graph.False:
			outside.Condition = fmt.Sprintf("no aws:ec2InstanceSourceVPC or aws:SourceVpc condition binds %s to the VPC, in %s's grant or in %s's own policy", short(last.To), short(role), short(last.To))
		default:
			outside.Condition = why
		}
	}
	children := []*results.AttackNode{reachIt, imds, use, outside}
	if ep.Authorizer != "" {
		children = append([]*results.AttackNode{auth(ep)}, children...)
	}
	s := sub{category: ElevationPrivs, also: []string{Spoofing},
		refs: []string{"ATT&CK T1552.005 Unsecured Credentials: Cloud Instance Metadata API", "CAPEC-664 Server Side Request Forgery"},
		mitigations: []string{
			fmt.Sprintf("require IMDSv2 on %s (aws ec2 modify-instance-metadata-options --http-tokens required --http-put-response-hop-limit 1), and in the launch templates that create it", name),
			fmt.Sprintf(`deny %s to %s outside the VPC: a Deny with "StringNotEquals": {"aws:ec2InstanceSourceVPC": "${aws:SourceVpc}"} and "Null": {"ec2:SourceInstanceARN": "false"}, with a VPC endpoint for the service`, short(last.To), short(role)),
		},
	}
	s.node = andNode(fmt.Sprintf("steal %s's credentials from %s through SSRF and use them on %s", short(role), name, short(last.To)), children)
	return s, true
}

func imdsDetail(n *graph.Node) string {
	if n.Instance() == nil || n.Instance().IMDS.Known != graph.True {
		return "the instance metadata settings were not read (DescribeInstances gave no MetadataOptions)"
	}
	o := n.Instance().IMDS
	return fmt.Sprintf("MetadataOptions: HttpTokens %s, HttpEndpoint %s, hop limit %d (ec2:DescribeInstances)", o.HTTPTokens, nonEmpty(o.HTTPEndpoint, "enabled"), o.HopLimit)
}

// edgeOf finds the graph edge a path step stands for.
func edgeOf(g *graph.Graph, s results.PathStep) *graph.Edge {
	for _, e := range g.Out(s.From) {
		if e.To == s.To && e.Kind == s.Edge && e.Via == s.Via {
			return e
		}
	}
	return nil
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

package graph

import (
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// BoundToVPC says whether what an identity edge allows works only from a
// network: credentials stolen from the workload (through SSRF and the
// instance metadata service, say) and used from elsewhere get nothing.
// That holds when the grant itself demands a network (aws:SourceVpc,
// aws:SourceVpce, aws:ec2InstanceSourceVPC, aws:ec2InstanceSourcePrivateIPv4,
// aws:SourceIp: its Guards), or when the target's own resource policy denies
// the request unless it comes from one (a bucket or queue policy's Deny
// with StringNotEquals aws:SourceVpc — IAM User Guide, "AWS global
// condition context keys": requests signed with an instance's role
// credentials carry aws:ec2InstanceSourceVPC, the VPC they were delivered
// to, wherever they are used; comparing it with aws:SourceVpc, which only
// a request through a VPC endpoint carries, denies them elsewhere).
// Unknown when the resource policy could not be read. The string says how.
//
// from is the compute whose credentials are stolen (nil when unknown): an
// instance's credentials carry its VPC and private address, so that a
// policy pinning aws:ec2InstanceSourceVPC to that very VPC, with nothing
// comparing it to where the request comes from, is seen to bind nothing.
func (g *Graph) BoundToVPC(e *Edge, from *Node) (Tri, string) {
	if policy.NetworkBound(e.Guards()) {
		return True, "the role's policy demands a network: " + strings.Join(e.Conditions(), "; ")
	}
	n, ok := g.Node(e.To)
	if !ok {
		return False, ""
	}
	doc, kind := resourcePolicy(n)
	switch doc.State {
	case False:
		return False, ""
	case Unknown:
		if kind == "" {
			return False, ""
		}
		return Unknown, "the " + kind + " of " + nonEmpty(n.Name, n.ID) + " could not be read"
	}
	p, err := policy.Parse([]byte(doc.Text))
	if err != nil {
		return Unknown, "the " + kind + " of " + nonEmpty(n.Name, n.ID) + " could not be parsed"
	}
	// Add an Allow of everything, so that Decide reports the Denies that may
	// still apply to the request and what they demand of it.
	open := *p
	open.Statements = append(slices.Clone(p.Statements), policy.Statement{Index: len(p.Statements), Effect: policy.Allow,
		Principal: &policy.Principals{Wildcard: true}, Action: []string{"*"}, Resource: []string{"*"}})
	ctx := map[string][]string{"aws:PrincipalArn": {e.From}}
	if from != nil && from.Instance() != nil {
		ctx["ec2:SourceInstanceARN"] = []string{from.ID}
		if from.Instance().VPCID != "" {
			ctx["aws:ec2InstanceSourceVPC"] = []string{from.Instance().VPCID}
		}
		if nics := from.Instance().Interfaces; len(nics) > 0 && len(nics[0].PrivateIPs) > 0 {
			ctx["aws:ec2InstanceSourcePrivateIPv4"] = nics[0].PrivateIPs[:1]
		}
	}
	var why []string
	for _, a := range e.Actions {
		res := e.To
		if n.Kind == KindS3Bucket && strings.Contains(strings.ToLower(a), "object") {
			res = objects(e.To)
		}
		d := open.Decide(policy.Request{Action: a, Resource: res, PrincipalAccount: AccountOfARN(e.From), Context: ctx})
		switch {
		case d.Effect == policy.DecisionDeny:
			why = append(why, a+" is denied outright")
		case d.Conditional && (slices.ContainsFunc(d.Guards, func(gd policy.Guard) bool { return gd == policy.GuardSourceVPC || gd == policy.GuardSourceIP }) ||
			slices.ContainsFunc(d.Conditions, networkCondition)):
			// The only Allow is the added one, which has no condition: the
			// undecided conditions are those of Denies that may apply.
			why = append(why, a+" is denied unless "+strings.Join(d.Conditions, "; "))
		default:
			return False, ""
		}
	}
	if len(why) == 0 {
		return False, ""
	}
	return True, "the " + kind + " of " + nonEmpty(n.Name, n.ID) + " binds it to a network: " + strings.Join(uniqStrings(why), "; ")
}

// networkCondition says whether a condition tests the network a request
// comes from. A Deny that joins one with another test (AWS's documented
// aws:ec2InstanceSourceVPC pattern adds "Null": false, so that requests
// without instance credentials are left alone) still binds instance
// credentials to the network.
func networkCondition(c string) bool {
	c = strings.ToLower(c)
	for _, k := range []string{"aws:sourcevpc", "aws:sourcevpce", "aws:vpcsourceip", "aws:ec2instancesourcevpc", "aws:ec2instancesourceprivateipv4", "aws:sourceip"} {
		if strings.Contains(c, k) {
			return true
		}
	}
	return false
}

// resourcePolicy returns the resource policy a node carries and what it is
// called; a State False Doc when it has none.
func resourcePolicy(n *Node) (Doc, string) {
	switch {
	case n.Bucket() != nil:
		return n.Bucket().Policy, "bucket policy"
	case n.Queue() != nil:
		return n.Queue().Policy, "queue policy"
	case n.Function() != nil:
		return n.Function().Policy, "function policy"
	}
	return Doc{State: False}, ""
}

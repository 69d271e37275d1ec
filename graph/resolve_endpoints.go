package graph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// eksCluster derives who can reach an EKS cluster's Kubernetes API server
// (EKS User Guide, "Cluster API server endpoint"): with the public endpoint
// on, the public access CIDRs decide — 0.0.0.0/0 (the default) is the
// internet, fixed ranges are those networks only (cross-account, "*").
// With only the private endpoint, nothing outside the VPC reaches it. The
// API server authenticates every caller (IAM access entries, the aws-auth
// ConfigMap, OIDC); who holds such credentials is out of scope.
func (r *resolver) eksCluster(n *Node) {
	c := n.EKS()
	if c == nil || !c.PublicAccess {
		return
	}
	cidrs := c.PublicAccessCIDRs
	if len(cidrs) == 0 {
		cidrs = []string{"0.0.0.0/0"} // the API's default
	}
	var broad, fixed []string
	for _, cidr := range cidrs {
		if broadCIDR(cidr) {
			broad = append(broad, cidr)
		} else {
			fixed = append(fixed, cidr)
		}
	}
	conds := []string{"the API server authenticates every caller (" + nonEmpty(c.AuthenticationMode, "access entries or aws-auth") + "); who holds credentials is out of scope"}
	if c.PrivateAccess {
		conds = append(conds, "the private endpoint is on too")
	}
	ev := func(cs []string) Evidence {
		return Evidence{Source: "eks:DescribeCluster", Actions: []string{"tcp/443"},
			Detail: fmt.Sprintf("endpointPublicAccess true, publicAccessCidrs %s (%s)", strings.Join(cs, ", "), nonEmpty(c.Endpoint, c.Name)),
			Fix:    fmt.Sprintf("turn off endpointPublicAccess on cluster %s (private endpoint only), or narrow publicAccessCidrs to the networks that administer it", c.Name)}
	}
	edge := Edge{To: n.ID, Kind: EdgeCanConnect, Via: ViaPublicEndpoint, Actions: []string{"tcp/443"}, Principal: "*", Certainty: True}
	if len(broad) > 0 {
		e := edge
		e.From, e.Exposure, e.Evidence = r.principal("*", policy.KindAnyone, n.Account, true), policy.Public, []Evidence{ev(broad)}
		e.SetConditions(conds)
		r.edge(e)
		return
	}
	e := edge
	e.From, e.Exposure = r.principal("*", policy.KindNetwork, n.Account, false), policy.CrossAccount
	e.SetConditions(append(slices.Clone(conds), "only from "+strings.Join(fixed, ", ")))
	e.Evidence = []Evidence{ev(fixed)}
	r.edge(e)
}

// searchDomain derives who can reach an OpenSearch Service domain from its
// access policy (OpenSearch Service Developer Guide, "Identity and Access
// Management in Amazon OpenSearch Service": resource-based policies, judged
// by the policy engine as resource type "es").
//
// A domain with a public endpoint accepts unsigned requests when its policy
// lets "*" in, so anyone is the internet. A domain in a VPC has no public
// endpoint (Developer Guide, "Launching your Amazon OpenSearch Service
// domains within a VPC"): its "*" grants reach only callers inside the VPC
// (network-restricted, cross-account "*"), like a private API. With
// fine-grained access control on and anonymous authentication off, callers
// the policy lets in must still sign in as a user of the domain (Developer
// Guide, "Fine-grained access control in Amazon OpenSearch Service"): the
// entry point is behind that authorizer.
func (r *resolver) searchDomain(n *Node) {
	d := n.Search()
	if d == nil || d.Deleted {
		return
	}
	res, ok := r.judgePolicy(n, d.AccessPolicy, "es", ViaDomainAccessPolicy)
	if !ok || d.AccessPolicy.State != True {
		return
	}
	vpc := d.VPCID != ""
	authorizer := ""
	if d.FineGrained && !d.AnonymousAuth {
		authorizer = "fine-grained access control"
		if d.InternalUsers {
			authorizer += " (internal user database)"
		}
	}
	where := "public endpoint " + nonEmpty(d.Endpoint, d.Name)
	if vpc {
		where = "VPC endpoint in " + d.VPCID + " (no public endpoint; security groups " + strings.Join(d.SecurityGroups, ", ") + ")"
	}
	for _, gr := range res.Grants {
		if !external(gr) {
			continue
		}
		kind := gr.PrincipalKind
		if vpc && kind == policy.KindAnyone {
			gr.Exposure, kind = policy.CrossAccount, policy.KindNetwork
		}
		from := r.principal(gr.Principal, kind, n.Account, !vpc)
		for ek, actions := range EdgeKindsFor(gr.Actions, gr.NotActions) {
			e := grantEdge(from, n.ID, ek, ViaDomainAccessPolicy, actions, gr, d.AccessPolicy.Source, True)
			conds := append([]string{"reachable through the " + where}, e.Conditions()...)
			if !d.EnforceHTTPS && !vpc {
				conds = append(conds, "plain HTTP accepted (EnforceHTTPS off)")
			}
			e.Gate = NewGate(conds, e.Guards(), authorizer)
			e.Evidence[0].Detail = where
			r.edge(e)
		}
	}
}

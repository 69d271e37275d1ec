package graph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// distribution derives who can reach a CloudFront distribution and where it
// leads (CloudFront Developer Guide, "Restricting access to an Amazon S3
// origin", "Restricting access to files by using signed URLs", "Use AWS WAF
// protections").
//
// An enabled distribution answers anyone on the internet: it is an entry
// point (viewer-access) for its cache behaviors that need no signature, and
// a second one behind an authorizer (signed-urls) for those that need a URL
// or cookie signed with a trusted key group. What stands in front of it —
// the WAF web ACL or its absence, plain HTTP accepted, an old TLS floor, a
// geographic restriction, a viewer-request function — are conditions on
// the entry, each with its fix. A disabled distribution is noted, not an
// entry point.
//
// Each origin a behavior uses gets a routes-to edge to what it is: the
// bucket of an S3 endpoint (read through an origin access control, a legacy
// origin access identity, or anonymously), the API of an execute-api host,
// any node that answers on the host name (HostNames), or else an
// ExternalEndpoint in the internet zone. Whether the bucket lets the
// distribution in is judged from its policy: an origin it refuses is a
// routes-to edge of certainty False (paths do not follow it) and a note.
func (r *resolver) distribution(n *Node) {
	d := n.Distribution()
	if d == nil {
		return
	}
	if !d.Enabled {
		r.note(n.ID, NoteUnreachable, ViaViewerAccess, "the distribution is disabled: CloudFront serves none of its behaviors (it becomes reachable when enabled)")
		return
	}
	r.originEdges(n, d)
	var open, signed []CacheBehavior
	for _, b := range d.Behaviors {
		if b.Signed() {
			signed = append(signed, b)
		} else {
			open = append(open, b)
		}
	}
	if len(open) > 0 {
		r.viewerEdge(n, d, open, ViaViewerAccess, "")
	}
	if len(signed) > 0 {
		var keys []string
		for _, b := range signed {
			keys = append(keys, b.TrustedKeyGroups...)
			keys = append(keys, b.TrustedSigners...)
		}
		slices.Sort(keys)
		r.viewerEdge(n, d, signed, ViaSignedURLs, "signed URL or cookie ("+strings.Join(slices.Compact(keys), ", ")+")")
	}
}

// viewerEdge adds the internet's edge into the distribution for a set of
// its cache behaviors.
func (r *resolver) viewerEdge(n *Node, d *Distribution, bs []CacheBehavior, via Via, authorizer string) {
	var methods, conds []string
	var shown []string
	for _, b := range bs {
		ms := b.AllowedMethods
		if len(ms) == 0 {
			ms = []string{"GET", "HEAD"}
		}
		methods = append(methods, ms...)
		sorted := slices.Sorted(slices.Values(ms))
		shown = append(shown, fmt.Sprintf("%s → %s [%s] %s", b.Pattern(), b.TargetOriginID, strings.Join(sorted, ","), b.ViewerProtocolPolicy))
	}
	slices.Sort(methods)
	methods = slices.Compact(methods)
	hosts := append([]string{d.DomainName}, d.Aliases...)
	conds = append(conds, "reachable at "+strings.Join(nonEmptyStrings(hosts), ", "))
	if d.Staging {
		conds = append(conds, "staging distribution: serves the requests its primary's continuous deployment policy sends it")
	}
	main := Evidence{Source: "cloudfront:ListDistributions", Actions: methods,
		Detail: "enabled distribution " + d.DistributionID + ", behaviors " + strings.Join(shown, "; ")}
	if via == ViaViewerAccess {
		main.Fix = fmt.Sprintf("if distribution %s should not be public, require signed URLs or cookies (a trusted key group) on its cache behaviors, or disable it", d.DistributionID)
	}
	evs := []Evidence{main}
	wafCond, wafEv := r.distributionWAF(n, d)
	conds = append(conds, wafCond)
	evs = append(evs, wafEv)
	for _, b := range bs {
		if b.ViewerProtocolPolicy == "allow-all" {
			conds = append(conds, "behavior "+b.Pattern()+" accepts plain HTTP (viewer protocol policy allow-all)")
			evs = append(evs, Evidence{Source: "cloudfront:ListDistributions", Detail: "behavior " + b.Pattern() + ": ViewerProtocolPolicy allow-all",
				Fix: "set ViewerProtocolPolicy to redirect-to-https or https-only on behavior " + b.Pattern() + " of distribution " + d.DistributionID})
		}
		for _, f := range b.Functions {
			if f.EventType == "viewer-request" {
				conds = append(conds, "behavior "+b.Pattern()+" runs CloudFront function "+shortARN(f.ARN)+" on every viewer request (what it checks is not judged)")
			}
		}
		for _, f := range b.LambdaFunctions {
			if f.EventType == "viewer-request" {
				conds = append(conds, "behavior "+b.Pattern()+" runs Lambda@Edge "+shortARN(f.ARN)+" on every viewer request (what it checks is not judged)")
			}
		}
	}
	if weakTLS(d) {
		conds = append(conds, "viewers may negotiate "+nonEmpty(d.MinimumProtocolVersion, "TLSv1")+" or later")
		fix := "set the viewer certificate's MinimumProtocolVersion to TLSv1.2_2021 on distribution " + d.DistributionID
		if d.DefaultCertificate {
			fix = "serve distribution " + d.DistributionID + " with an ACM certificate (SNI) and MinimumProtocolVersion TLSv1.2_2021: the default *.cloudfront.net certificate allows TLSv1"
		}
		evs = append(evs, Evidence{Source: "cloudfront:ListDistributions", Detail: "viewer TLS minimum " + nonEmpty(d.MinimumProtocolVersion, "TLSv1"), Fix: fix})
	}
	if d.GeoRestriction != "" {
		conds = append(conds, "geo restriction "+d.GeoRestriction)
	}
	r.edge(Edge{From: r.principal("*", policy.KindAnyone, n.Account, true), To: n.ID, Kind: EdgeCanInvoke, Via: via,
		Actions: methods, Exposure: policy.Public, Principal: "*", Certainty: True, Evidence: evs,
		Gate: NewGate(conds, nil, authorizer)})
}

// weakTLS says whether viewers may use a TLS version older than 1.2.
func weakTLS(d *Distribution) bool {
	if d.DefaultCertificate {
		return true
	}
	v := d.MinimumProtocolVersion
	return v == "" || v == "SSLv3" || strings.HasPrefix(v, "TLSv1_") || v == "TLSv1" || strings.HasPrefix(v, "TLSv1.1")
}

// distributionWAF says what filters the distribution's requests: its web
// ACL (read by the wafv2 collector, tied by a filters edge or named by the
// distribution's WebACLId) or none.
func (r *resolver) distributionWAF(n *Node, d *Distribution) (string, Evidence) {
	if acls := r.webACLs(n.ID); len(acls) > 0 {
		return acls[0].condition(), acls[0].evidence() // CloudFront takes one web ACL
	}
	if d.WebACLID != "" {
		if acl, ok := r.node(d.WebACLID); ok && acl.WebACL() != nil {
			w := webACLOf(acl)
			return w.condition(), w.evidence()
		}
		return "AWS WAF web ACL " + shortARN(d.WebACLID) + " inspects requests (its rules were not read)",
			Evidence{Source: "cloudfront:ListDistributions", Detail: "WebACLId " + d.WebACLID}
	}
	return "no AWS WAF web ACL", Evidence{Source: "cloudfront:ListDistributions", Detail: "no AWS WAF web ACL is associated: requests reach the origins unfiltered",
		Fix: "associate an AWS WAF web ACL (scope CLOUDFRONT) with distribution " + d.DistributionID}
}

// aclView is a web ACL as a condition on a front door.
type aclView struct {
	id string
	w  *WebACL
}

func webACLOf(n *Node) aclView { return aclView{n.ID, n.WebACL()} }

func (a aclView) condition() string {
	switch {
	case a.w.RulesKnown != True:
		return "AWS WAF web ACL " + a.w.Name + " inspects requests (its rules were not read)"
	case len(a.w.Rules) == 0:
		return "AWS WAF web ACL " + a.w.Name + " inspects requests (no rules; default action " + a.w.DefaultAction + ")"
	}
	return fmt.Sprintf("AWS WAF web ACL %s inspects requests (default action %s; %d rules)", a.w.Name, a.w.DefaultAction, len(a.w.Rules))
}

func (a aclView) evidence() Evidence {
	detail := "web ACL " + a.id
	if a.w.RulesKnown == True {
		detail += ": default action " + a.w.DefaultAction
		if len(a.w.Rules) > 0 {
			detail += "; rules " + strings.Join(a.w.Rules, ", ")
		}
	}
	return Evidence{Source: "wafv2:GetWebACL", Detail: detail}
}

// webACLs returns the web ACLs with a filters edge into id, in id order.
func (r *resolver) webACLs(id string) []aclView {
	var out []aclView
	for _, e := range r.inEdges(id) {
		if e.Kind != EdgeFilters {
			continue
		}
		if acl, ok := r.node(e.From); ok && acl.WebACL() != nil {
			out = append(out, webACLOf(acl))
		}
	}
	slices.SortFunc(out, func(a, b aclView) int { return strings.Compare(a.id, b.id) })
	return out
}

// knownPrincipals maps the principals whose account only the scan knows —
// the origin access identities it listed, by IAM-style ARN and S3
// canonical user id — to their account, for the policy engine
// (policy.Context.KnownPrincipals). Built once.
func (r *resolver) knownPrincipals() map[string]string {
	if r.known == nil {
		r.known = map[string]string{}
		for _, n := range r.byKind[KindOriginAccessIdentity] {
			if n.OAI() == nil || n.Account == "" {
				continue
			}
			r.known[OAIPrincipal(n.OAI().ID)] = n.Account
			if n.OAI().S3CanonicalUser != "" {
				r.known[n.OAI().S3CanonicalUser] = n.Account
			}
		}
	}
	return r.known
}

// shortARN is the resource part of an ARN (function:NAME:VERSION,
// global/webacl/NAME/ID), or the string itself.
func shortARN(arn string) string {
	if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 && parts[0] == "arn" {
		return parts[5]
	}
	return arn
}

func nonEmptyStrings(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

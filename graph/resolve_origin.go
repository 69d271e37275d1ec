package graph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// The origins of a distribution (resolve_cloudfront.go): what each one is
// in the graph, and whether it lets the distribution in.

// originEdges adds a routes-to edge for each origin a cache behavior uses,
// directly or through an origin group.
func (r *resolver) originEdges(n *Node, d *Distribution) {
	groups := map[string][]string{}
	for _, g := range d.OriginGroups {
		groups[g.ID] = g.Members
	}
	methods, patterns := map[string][]string{}, map[string][]string{}
	for _, b := range d.Behaviors {
		targets := []string{b.TargetOriginID}
		if m, ok := groups[b.TargetOriginID]; ok {
			targets = m
		}
		ms := b.AllowedMethods
		if len(ms) == 0 {
			ms = []string{"GET", "HEAD"}
		}
		for _, t := range targets {
			methods[t] = append(methods[t], ms...)
			patterns[t] = append(patterns[t], b.Pattern())
		}
	}
	for _, o := range d.Origins {
		ms, used := methods[o.ID]
		if !used {
			continue
		}
		slices.Sort(ms)
		r.originEdge(n, d, o, slices.Compact(ms), patterns[o.ID])
	}
}

func (r *resolver) originEdge(n *Node, d *Distribution, o Origin, methods, patterns []string) {
	host := hostOfURL(o.DomainName)
	detail := fmt.Sprintf("origin %s (%s%s) for %s", o.ID, host, o.OriginPath, strings.Join(patterns, ", "))
	e := Edge{From: n.ID, Kind: EdgeRoutesTo, Via: ViaOrigin, Actions: methods, Certainty: True}
	bucket, website, isS3 := S3HostBucket(host)
	switch {
	case isS3:
		e.To = "arn:aws:s3:::" + bucket
		switch {
		case website:
			detail += ": S3 website endpoint, which serves only objects anyone can read"
		case o.OAC != "" && o.OACSigning != "never":
			e.Via = ViaOriginAccessControl
			detail += ": CloudFront signs its requests with origin access control " + o.OAC
		case o.OAI != "":
			e.Via = ViaOriginAccessIdentity
			detail += ": CloudFront reads as origin access identity " + o.OAI
		default:
			detail += ": no origin access control or identity, so CloudFront reads anonymously and the bucket must be public"
			if o.OAC != "" {
				detail += " (origin access control " + o.OAC + " never signs)"
			}
		}
		ev := Evidence{Source: "cloudfront:ListDistributions", Detail: detail}
		bn, ok := r.node(e.To)
		if !ok || bn.Bucket() == nil {
			e.Certainty = Unknown
			ev.Detail += "; the bucket is not in the scan"
			e.Evidence = []Evidence{ev}
			r.edge(e)
			return
		}
		var admit Evidence
		e.Certainty, admit = r.bucketAdmits(bn, n, o, e.Via, website)
		e.Evidence = []Evidence{ev, admit}
		switch {
		case e.Certainty == False:
			r.note(n.ID, NoteUnreachable, e.Via, "origin %s: bucket %s does not let the distribution read it (%s): CloudFront gets 403 Access Denied", o.ID, bucket, admit.Detail)
		case e.Via != ViaOrigin && r.bucketPublic(bn):
			r.note(bn.ID, NoteReachableThrough, e.Via, "served through CloudFront distribution %s (%s) by its %s, and public on its own as well: restrict the bucket to the distribution",
				d.DistributionID, d.DomainName, e.Via)
		case e.Via != ViaOrigin:
			r.note(bn.ID, NoteReachableThrough, e.Via, "served through CloudFront distribution %s (%s) by its %s, not directly: see the attack paths through the distribution",
				d.DistributionID, d.DomainName, e.Via)
		}
	default:
		if t, ok := r.nodeByHost(host); ok && t.ID != n.ID {
			e.To = t.ID
			detail += ": " + string(t.Kind) + " " + nonEmpty(t.Name, t.ID)
		} else {
			e.To = r.externalEndpoint(host)
			detail += ": a host outside the scan"
		}
		if o.ProtocolPolicy == "http-only" {
			detail += "; CloudFront fetches it over plain HTTP (origin protocol policy http-only)"
		}
		if len(o.CustomHeaders) > 0 {
			detail += "; CloudFront adds header(s) " + strings.Join(o.CustomHeaders, ", ")
		}
		e.Evidence = []Evidence{{Source: "cloudfront:ListDistributions", Detail: detail}}
	}
	r.edge(e)
}

// bucketAdmits says whether a bucket lets a distribution read objects
// through an origin, from the bucket's policy and Block Public Access.
func (r *resolver) bucketAdmits(bucket, dist *Node, o Origin, via Via, website bool) (Tri, Evidence) {
	bk := bucket.Bucket()
	ev := Evidence{Source: nonEmpty(bk.Policy.Source, "s3:GetBucketPolicy")}
	object := bucket.ID + "/" + strings.Trim(o.OriginPath, "/")
	if !strings.HasSuffix(object, "/") {
		object += "/"
	}
	object += "object"
	var doc *policy.Policy
	switch bk.Policy.State {
	case Unknown:
		ev.Detail = "the bucket policy could not be read"
		return Unknown, ev
	case True:
		p, err := policy.Parse([]byte(bk.Policy.Text))
		if err != nil {
			ev.Detail = "the bucket policy could not be parsed"
			return Unknown, ev
		}
		doc = p
	}
	decided := func(d policy.Decision, what string) (Tri, Evidence) {
		ev.Statements = d.Statements
		switch {
		case d.Effect == policy.DecisionAllow && !d.Conditional:
			ev.Detail = "the bucket policy allows " + what
			return True, ev
		case d.Effect == policy.DecisionAllow:
			ev.Detail = "the bucket policy allows " + what + " if " + strings.Join(d.Conditions, " and ")
			ev.Conditions = d.Conditions
			return Unknown, ev
		case d.Effect == policy.DecisionDeny:
			ev.Detail = "the bucket policy denies " + what
		default:
			ev.Detail = "no statement of the bucket policy allows " + what
		}
		return False, ev
	}
	switch via {
	case ViaOriginAccessControl:
		if doc == nil {
			ev.Detail = "the bucket has no policy, so nothing lets CloudFront's service principal read it"
			return False, ev
		}
		return decided(doc.Decide(policy.Request{Action: "s3:GetObject", Resource: object, Context: map[string][]string{
			"aws:PrincipalServiceName": {"cloudfront.amazonaws.com"},
			"aws:SourceArn":            {DistributionARN(dist.Account, dist.Distribution().DistributionID)},
			"aws:SourceAccount":        {dist.Account},
		}}), "s3:GetObject to cloudfront.amazonaws.com for this distribution")
	case ViaOriginAccessIdentity:
		if doc != nil {
			canonical := ""
			if oai, ok := r.node(OAIARN(dist.Account, o.OAI)); ok && oai.OAI() != nil {
				canonical = oai.OAI().S3CanonicalUser
			}
			res := policy.Analyze(doc, r.policyContext("s3", bucket.Account))
			for _, g := range res.Grants {
				if (g.Principal == OAIPrincipal(o.OAI) || (canonical != "" && g.Principal == canonical) || g.PrincipalKind == policy.KindAnyone) &&
					slices.ContainsFunc(g.Actions, func(a string) bool { return policy.ActionMatches(a, "s3:GetObject") }) {
					ev.Statements = g.Statements
					ev.Detail = "the bucket policy allows s3:GetObject to " + g.Principal
					return True, ev
				}
			}
		}
		ev.Detail = "no statement of the bucket policy lets origin access identity " + o.OAI + " read (object ACLs, which could, are not read)"
		return Unknown, ev
	}
	// Anonymous reads: a website endpoint, or a REST endpoint without OAC/OAI.
	block := EffectiveBlock(bk.BlockPublic, r.accountBlock(bucket.Account))
	if block.RestrictPublicBuckets == True && block.IgnorePublicACLs == True {
		ev.Detail = "Block Public Access (RestrictPublicBuckets and IgnorePublicAcls) refuses anonymous reads"
		return False, ev
	}
	if doc != nil {
		d := doc.Decide(policy.Request{Action: "s3:GetObject", Resource: object})
		if d.Effect == policy.DecisionAllow && !d.Conditional && block.RestrictPublicBuckets != True {
			return decided(d, "s3:GetObject to anyone")
		}
	}
	what := "REST"
	if website {
		what = "website"
	}
	ev.Detail = "no statement of the bucket policy lets anyone read, so the " + what + " endpoint serves only objects whose ACL does (object ACLs are not read)"
	return Unknown, ev
}

// bucketPublic says whether a bucket is public on its own: its policy's
// verdict is public and RestrictPublicBuckets does not cut it, or its ACL
// grants a public group and IgnorePublicAcls does not ignore it.
func (r *resolver) bucketPublic(bucket *Node) bool {
	bk := bucket.Bucket()
	block := EffectiveBlock(bk.BlockPublic, r.accountBlock(bucket.Account))
	if bk.Policy.State == True && block.RestrictPublicBuckets != True {
		if p, err := policy.Parse([]byte(bk.Policy.Text)); err == nil && policy.Analyze(p, r.policyContext("s3", bucket.Account)).Verdict == policy.Public {
			return true
		}
	}
	if bk.ACL.State == True && block.IgnorePublicACLs != True {
		for _, g := range bk.ACL.Grants {
			if g.GranteeType == "Group" && (g.URI == AllUsersURI || g.URI == AuthenticatedUsersURI) {
				return true
			}
		}
	}
	return false
}

// accountBlock is the account-level Block Public Access of an account.
func (r *resolver) accountBlock(acct string) PublicAccessBlock {
	if a := r.accounts[acct]; a != nil {
		return a.S3BlockPublic
	}
	return PublicAccessBlock{}
}

// nodeByHost finds the node that answers on a host name (HostNames). When
// two do, the one with the smaller id wins.
func (r *resolver) nodeByHost(host string) (*Node, bool) {
	if r.hosts == nil {
		r.hosts = map[string]*Node{}
		for i := range r.g.Snapshot.Nodes {
			n := &r.g.Snapshot.Nodes[i]
			for _, h := range n.HostNames() {
				if old, ok := r.hosts[h]; !ok || n.ID < old.ID {
					r.hosts[h] = n
				}
			}
		}
	}
	n, ok := r.hosts[hostOfURL(host)]
	return n, ok
}

// externalEndpoint adds (once) an ExternalEndpoint node for a host nothing
// in the scan answers on: internet zone.
func (r *resolver) externalEndpoint(host string) string {
	id := "https://" + host
	if _, ok := r.nodes[id]; !ok {
		if _, ok := r.principals[id]; !ok {
			r.principals[id] = Node{ID: id, Kind: KindExternalEndpoint, Name: host}
		}
	}
	return id
}

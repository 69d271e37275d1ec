package graph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// S3 access points and Multi-Region Access Points, judged as S3 judges a
// request that comes through them.
//
//   - Both the access point's policy and the bucket's must allow the
//     request; a bucket policy may delegate to access points instead
//     (Principal "*" with s3:DataAccessPointAccount = the owner, or
//     s3:DataAccessPointArn), and then the access point policy decides
//     (S3 User Guide, "Configuring IAM policies for using access points",
//     "Delegating access control to access points"). A request from
//     another account needs a resource policy that names it: an access
//     point without a policy lets no one in from outside. The same holds
//     for a Multi-Region Access Point and the bucket the request is routed
//     to (S3 User Guide, "Multi-Region Access Point permissions").
//   - Block Public Access of the access point, the bucket and the bucket
//     owner's account all apply ("Managing public access to access
//     points"); for a Multi-Region Access Point also the account that
//     owns it. A public policy under RestrictPublicBuckets keeps only AWS
//     services and the owner.
//   - An access point with a VPC network origin takes requests only from
//     that VPC, and S3 never counts its policy as public ("Blocking public
//     access to your Amazon S3 storage", section "Access points"): any
//     principal it admits is admitted from that network only, which is
//     cross-account with principal "*", not public.
//   - Neither takes anonymous requests ("Access points restrictions and
//     limitations"; "Multi-Region Access Point restrictions and
//     limitations"): "anyone" is any AWS account.
//
// The bucket's part is decided by asking its policy about the request
// itself, with the context keys S3 sets for requests through an access
// point (s3:DataAccessPointAccount, s3:DataAccessPointArn,
// s3:AccessPointNetworkOrigin, and aws:SecureTransport true: access points
// take HTTPS only). Each access edge holds the probe actions below that
// both allow.

// accessPointProbes are the requests that characterise access through an
// access point: reading, listing, writing and deleting objects.
var accessPointProbes = []struct {
	action string
	object bool
}{
	{"s3:GetObject", true}, {"s3:ListBucket", false}, {"s3:PutObject", true}, {"s3:DeleteObject", true},
}

// sentinelAccount stands for "some account that no policy names": the
// caller of a grant to "*".
const sentinelAccount = "000000000000"

// frontDoor is an access point or a Multi-Region Access Point as the
// judge needs it.
type frontDoor struct {
	n       *Node
	via     Via
	policy  Doc
	status  Tri // S3's own verdict on the policy
	block   PublicAccessBlock
	vpc     string // the VPC of a VPC-origin access point
	origin  string // Internet or VPC
	buckets []bucketRef
}

type bucketRef struct{ name, account, region string }

func (r *resolver) s3AccessPoint(n *Node) {
	ap := n.AccessPoint()
	if ap == nil {
		return
	}
	acct := ap.BucketAccount
	if acct == "" {
		acct = n.Account
	}
	fd := frontDoor{n: n, via: ViaAccessPointPolicy, policy: ap.Policy, status: ap.PolicyStatusPublic, block: ap.BlockPublic,
		origin: ap.NetworkOrigin, buckets: []bucketRef{{ap.Bucket, acct, n.Region}}}
	if strings.EqualFold(ap.NetworkOrigin, "VPC") {
		fd.vpc = nonEmpty(ap.VPCID, "its VPC")
	}
	r.judgeFrontDoor(fd, ap.Policy, True, "")
}

func (r *resolver) multiRegionAccessPoint(n *Node) {
	m := n.MRAP()
	if m == nil {
		return
	}
	fd := frontDoor{n: n, via: ViaMRAPPolicy, policy: m.Policy, status: m.PolicyStatusPublic, block: m.BlockPublic, origin: "Internet"}
	for _, reg := range m.Regions {
		fd.buckets = append(fd.buckets, bucketRef{reg.Bucket, nonEmpty(reg.BucketAccount, n.Account), reg.Region})
	}
	r.judgeFrontDoor(fd, m.Policy, True, "")
	if m.ProposedPolicy.State == True {
		// An update still propagating: in force within minutes.
		r.judgeFrontDoor(fd, m.ProposedPolicy, Unknown, "the proposed policy, still propagating")
	}
}

// judgeFrontDoor draws the access edges of one policy of a front door.
func (r *resolver) judgeFrontDoor(fd frontDoor, doc Doc, certainty Tri, note string) {
	n := fd.n
	res, ok := r.judgePolicy(n, doc, "s3", fd.via)
	if !ok || doc.State != True {
		return
	}
	public := res.Verdict == policy.Public && fd.vpc == ""
	if certainty == True && fd.status.Known() && fd.status.IsTrue() != public {
		r.note(n.ID, NotePolicyStatusDisagreement, fd.via,
			"S3's policy status says IsPublic=%v but trustmap's verdict is %s; review this access point policy by hand",
			fd.status.IsTrue(), verdictOr(public, res.Verdict))
	}
	owner := PublicAccessBlock{}
	if a := r.accounts[n.Account]; a != nil {
		owner = a.S3BlockPublic
	}
	block := EffectiveBlock(fd.block, owner)
	unreachable := 0
	for _, gr := range res.Grants {
		if !external(gr) {
			continue
		}
		drawn := false
		for _, b := range fd.buckets {
			side := r.bucketSide(b)
			rpb := block.RestrictPublicBuckets.Or(side.block.RestrictPublicBuckets)
			c := certainty
			if public && gr.PrincipalKind != policy.KindService {
				switch rpb {
				case True:
					r.note(n.ID, NoteNeutralised, fd.via,
						"the %s policy is public, but RestrictPublicBuckets (of the access point, bucket %s or an owner account) limits access to AWS services and the owner account",
						kindWord(n.Kind), b.name)
					continue
				case Unknown:
					c = Unknown
				}
			}
			if r.frontDoorEdges(fd, b, side, gr, doc.Source, c, note) {
				drawn = true
			}
		}
		if !drawn {
			unreachable++
		}
	}
	if unreachable > 0 {
		r.note(n.ID, NoteUnreachable, fd.via,
			"%d grant(s) of the %s policy let no one in: the bucket's policy neither delegates to access points nor allows the same request, so S3 denies it",
			unreachable, kindWord(n.Kind))
	}
}

func verdictOr(public bool, v policy.Verdict) policy.Verdict {
	if public {
		return policy.Public
	}
	if v == policy.Public {
		return policy.CrossAccount
	}
	return v
}

func kindWord(k Kind) string {
	if k == KindMultiRegionAccessPoint {
		return "Multi-Region Access Point"
	}
	return "access point"
}

// caller is one principal a request through the front door comes from.
type caller struct {
	principal string
	kind      policy.PrincipalKind
	exposure  policy.Verdict
	account   string
	ctx       map[string][]string
}

// callers are whom a grant lets in, as requests to put to the bucket: the
// grant's own principal, or, when the bucket does not admit "anyone"
// through the front door, the named parties of the bucket policy (the
// intersection of the two policies).
func callersOf(gr policy.Grant, side *bucketSide) []caller {
	one := func(p string, k policy.PrincipalKind, exp policy.Verdict) caller {
		c := caller{principal: p, kind: k, exposure: exp, ctx: map[string][]string{}}
		switch k {
		case policy.KindAccount, policy.KindPrincipalID:
			c.account = p
			if a := AccountOfARN(p); a != "" {
				c.account = a
				c.ctx["aws:PrincipalArn"] = []string{p}
			}
		case policy.KindOrganization:
			c.account = sentinelAccount
			c.ctx["aws:PrincipalOrgID"] = []string{p}
		case policy.KindService:
			c.ctx["aws:PrincipalServiceName"] = []string{p}
		default:
			c.account = sentinelAccount
		}
		return c
	}
	out := []caller{one(gr.Principal, gr.PrincipalKind, gr.Exposure)}
	if gr.PrincipalKind != policy.KindAnyone && gr.PrincipalKind != policy.KindNetwork {
		return out
	}
	for _, bg := range side.result.Grants {
		switch bg.PrincipalKind {
		case policy.KindAccount, policy.KindOrganization, policy.KindPrincipalID:
			if bg.Exposure != policy.Internal {
				out = append(out, one(bg.Principal, bg.PrincipalKind, policy.CrossAccount))
			}
		}
	}
	return out
}

// frontDoorEdges draws the edges one grant gives through one bucket, and
// says whether it drew any.
func (r *resolver) frontDoorEdges(fd frontDoor, b bucketRef, side *bucketSide, gr policy.Grant, source string, certainty Tri, note string) bool {
	n := fd.n
	drawn := false
	for i, c := range callersOf(gr, side) {
		if i > 0 && drawn {
			break // the grant's own principal got in: the narrower ones add nothing
		}
		type allowed struct {
			holds Tri
			ev    Evidence
		}
		got := map[string]allowed{}
		var actions []string
		for _, pr := range accessPointProbes {
			if !actionGranted(gr, pr.action) {
				continue
			}
			keys := []string{""} // ListBucket: the access point itself
			if pr.object {
				keys = objectPrefixes(gr, n.ID)
			} else if !grantCovers(gr, n.ID) {
				keys = nil
			}
			best := False
			var bestEv Evidence
			for _, key := range keys {
				t, ev := r.bucketAllows(fd, b, side, c, pr.action, pr.object, key)
				if t.Or(best) != best {
					best, bestEv = t.Or(best), ev
				}
			}
			if best == False || (i > 0 && best != True) {
				continue
			}
			got[pr.action] = allowed{best, bestEv}
			actions = append(actions, pr.action)
		}
		if len(actions) == 0 {
			continue
		}
		drawn = true
		kind, exposure, principal := c.kind, c.exposure, c.principal
		var extraGuards []policy.Guard
		var extraConds, details []string
		if fd.vpc != "" {
			// Only requests from the VPC reach the access point.
			if kind == policy.KindAnyone {
				kind = policy.KindNetwork
			}
			if exposure == policy.Public {
				exposure = policy.CrossAccount
			}
			extraGuards = append(extraGuards, policy.GuardSourceVPC)
			extraConds = append(extraConds, "network origin VPC "+fd.vpc)
			details = append(details, "network origin VPC "+fd.vpc+": requests from that VPC only")
		}
		if i > 0 {
			details = append(details, "the "+kindWord(n.Kind)+" policy allows anyone, the bucket policy only "+c.principal)
		}
		if note != "" {
			details = append(details, note)
		}
		from := r.principal(principal, kind, n.Account, false)
		for ek, acts := range EdgeKindsFor(actions, nil) {
			holds := False
			e := grantEdge(from, n.ID, ek, fd.via, acts, gr, source, certainty)
			// One piece of evidence per bucket decision, with the
			// actions it allows.
			pieces := map[string]*Evidence{}
			var order []string
			for _, a := range acts {
				holds = holds.Or(got[a].holds)
				ev := got[a].ev
				if ev.Source == "" {
					continue
				}
				k := ev.Detail + "\x00" + statementList(ev.Statements) + "\x00" + strings.Join(ev.Conditions, "\x00")
				if p, ok := pieces[k]; ok {
					p.Actions = append(p.Actions, a)
					continue
				}
				ev.Actions = []string{a}
				pieces[k] = &ev
				order = append(order, k)
			}
			for _, k := range order {
				ev := *pieces[k]
				if ev.Detail == "" {
					ev.Detail = fmt.Sprintf("the policy of bucket %s allows %s through this %s (%s)", b.name, strings.Join(ev.Actions, ", "), kindWord(n.Kind), statementList(ev.Statements))
					ev.Statements = nil
				}
				e.Evidence = append(e.Evidence, ev)
			}
			if holds == Unknown {
				e.Certainty = Unknown
			}
			e.Exposure, e.Principal = exposure, principal
			if len(extraGuards) > 0 {
				guards := sortedGuards(append(slices.Clone(e.Guards()), extraGuards...))
				e.Gate = NewGate(append(slices.Clone(e.Conditions()), extraConds...), guards, e.Authorizer())
				e.Evidence[0].Guards = guards
				e.Evidence[0].Conditions = append(slices.Clone(e.Evidence[0].Conditions), extraConds...)
			}
			e.Evidence[0].Detail = strings.Join(details, "; ")
			r.edge(e)
		}
	}
	return drawn
}

func sortedGuards(gs []policy.Guard) []policy.Guard {
	slices.Sort(gs)
	return slices.Compact(gs)
}

// bucketSide is what the judge knows of a bucket behind a front door.
type bucketSide struct {
	ref    bucketRef
	node   *Node // nil when the bucket is not in the scan
	doc    *policy.Policy
	result policy.Result
	block  PublicAccessBlock // the bucket's and its owner account's
	state  Tri               // whether its policy was read (False: none)
	public bool
	err    error
}

// bucketSide returns the judged bucket of a reference, once per Resolve.
func (r *resolver) bucketSide(b bucketRef) *bucketSide {
	if r.buckets == nil {
		r.buckets = map[string]*bucketSide{}
	}
	if s, ok := r.buckets[b.name]; ok {
		return s
	}
	s := &bucketSide{ref: b, block: PublicAccessBlock{}}
	r.buckets[b.name] = s
	n, ok := r.node("arn:aws:s3:::" + b.name)
	if !ok || n.Bucket() == nil {
		return s
	}
	s.node = n
	acct := PublicAccessBlock{}
	if a := r.accounts[n.Account]; a != nil {
		acct = a.S3BlockPublic
	}
	s.block = EffectiveBlock(n.Bucket().BlockPublic, acct)
	s.state = n.Bucket().Policy.State
	if s.state == True {
		s.doc, s.err = r.parse(n.Bucket().Policy.Text)
		if s.err == nil {
			s.result = policy.Analyze(s.doc, r.policyContext("s3", n.Account))
			s.public = s.result.Verdict == policy.Public
		}
	}
	return s
}

// objectPrefixes are the object key prefixes a grant's Resource reaches
// through the front door arn (ARN/object/KEY): the literal part of each
// pattern after "/object/", up to its first wildcard ("" for every key).
// None when the grant names no object of this front door.
func objectPrefixes(gr policy.Grant, arn string) []string {
	base := arn + "/object/"
	var out []string
	for _, p := range gr.Resources {
		lit := p
		if i := strings.IndexAny(p, "*?"); i >= 0 {
			lit = p[:i]
		}
		switch {
		case strings.HasPrefix(lit, base):
			out = append(out, strings.TrimPrefix(lit, base))
		case strings.HasPrefix(base, lit) && lit != p:
			out = append(out, "") // a wildcard before the key: every object
		}
	}
	if len(gr.Resources) == 0 {
		out = []string{""}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// bucketAllows asks the bucket's policy whether it lets caller c do
// action through the front door, on the objects under key (object
// actions) or on the bucket.
func (r *resolver) bucketAllows(fd frontDoor, b bucketRef, side *bucketSide, c caller, action string, object bool, key string) (Tri, Evidence) {
	const src = "s3:GetBucketPolicy"
	switch {
	case side.node == nil:
		return Unknown, Evidence{Source: src, Detail: fmt.Sprintf("bucket %s (account %s) is not in the scan: whether its policy admits this request is unknown", b.name, b.account)}
	case side.state == Unknown:
		return Unknown, Evidence{Source: src, Detail: "the policy of bucket " + b.name + " could not be read"}
	case side.state == False:
		return False, Evidence{}
	case side.err != nil:
		return Unknown, Evidence{Source: src, Detail: "the policy of bucket " + b.name + " is not a valid policy"}
	}
	if side.public && c.kind != policy.KindService {
		switch side.block.RestrictPublicBuckets {
		case True:
			return False, Evidence{}
		case Unknown:
			// fall through: decided below, then uncertain
		}
	}
	resource := "arn:aws:s3:::" + b.name
	if object {
		resource += "/" + key + "*"
	}
	ctx := map[string][]string{
		"s3:DataAccessPointAccount":   {fd.n.Account},
		"s3:DataAccessPointArn":       {fd.n.ID},
		"s3:AccessPointNetworkOrigin": {nonEmpty(fd.origin, "Internet")},
		"aws:SecureTransport":         {"true"},
	}
	for k, v := range c.ctx {
		ctx[k] = v
	}
	d := side.doc.Decide(policy.Request{Action: action, Resource: resource, PrincipalAccount: c.account, Context: ctx})
	if d.Effect != policy.DecisionAllow {
		return False, Evidence{}
	}
	// The bucket's statements are named in words: the entry point's
	// statements are those of the access point policy that grants.
	// Statements are turned into words when the pieces are grouped
	// (frontDoorEdges): the entry point's statements are those of the
	// policy that grants.
	ev := Evidence{Source: src, Statements: d.Statements, Actions: []string{action}, Conditions: d.Conditions, Guards: d.Guards}
	t := True
	if d.Conditional || (side.public && side.block.RestrictPublicBuckets == Unknown && c.kind != policy.KindService) {
		t = Unknown
	}
	return t, ev
}

package graph

import (
	"github.com/trustmap/trustmap/policy"
)

// S3 ACL group URIs.
const (
	AllUsersURI           = "http://acs.amazonaws.com/groups/global/AllUsers"
	AuthenticatedUsersURI = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	LogDeliveryURI        = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// aclActions are the S3 actions an ACL permission grants on a bucket
// (S3 User Guide, "Access control list (ACL) overview", mapping of ACL
// permissions to access policy permissions).
var aclActions = map[string][]string{
	"READ":         {"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"},
	"WRITE":        {"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"},
	"READ_ACP":     {"s3:GetBucketAcl"},
	"WRITE_ACP":    {"s3:PutBucketAcl"},
	"FULL_CONTROL": {"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetBucketAcl", "s3:PutBucketAcl"},
}

// EffectiveBlock combines bucket- and account-level Block Public Access:
// each setting applies when either level turns it on (S3 uses the most
// restrictive combination).
func EffectiveBlock(bucket, account PublicAccessBlock) PublicAccessBlock {
	return PublicAccessBlock{
		Configured:            bucket.Configured.Or(account.Configured),
		BlockPublicACLs:       bucket.BlockPublicACLs.Or(account.BlockPublicACLs),
		IgnorePublicACLs:      bucket.IgnorePublicACLs.Or(account.IgnorePublicACLs),
		BlockPublicPolicy:     bucket.BlockPublicPolicy.Or(account.BlockPublicPolicy),
		RestrictPublicBuckets: bucket.RestrictPublicBuckets.Or(account.RestrictPublicBuckets),
	}
}

// s3Bucket derives access edges for a bucket from its policy and ACL, with
// Block Public Access applied as S3 applies it:
//   - RestrictPublicBuckets: when the policy is public, only AWS service
//     principals and the owner's own principals keep access — cross-account
//     grants of the same policy are cut too;
//   - IgnorePublicAcls: public ACL grants (AllUsers, AuthenticatedUsers) are ignored;
//   - BlockPublicPolicy and BlockPublicAcls only reject new public policies
//     and ACLs; they do not change what an existing policy or ACL grants.
//
// Source: S3 User Guide, "Blocking public access to your Amazon S3 storage".
func (r *resolver) s3Bucket(n *Node) {
	bk := n.Bucket()
	if bk == nil {
		return
	}
	acct := PublicAccessBlock{}
	if a := r.accounts[n.Account]; a != nil {
		acct = a.S3BlockPublic
	}
	block := EffectiveBlock(bk.BlockPublic, acct)

	if res, ok := r.judgePolicy(n, bk.Policy, "s3", ViaBucketPolicy); ok && bk.Policy.State == True {
		public := res.Verdict == policy.Public
		if bk.PolicyStatusPublic.Known() && bk.PolicyStatusPublic.IsTrue() != public {
			r.note(n.ID, NotePolicyStatusDisagreement, ViaBucketPolicy,
				"S3 GetBucketPolicyStatus says IsPublic=%v but the policy engine's verdict is %s; review this bucket policy by hand",
				bk.PolicyStatusPublic.IsTrue(), res.Verdict)
		}
		certainty := True
		var keep func(policy.Grant) bool
		if public {
			switch block.RestrictPublicBuckets {
			case True:
				r.note(n.ID, NoteNeutralised, ViaBucketPolicy,
					"the bucket policy is public, but RestrictPublicBuckets limits access to AWS service principals and the owner account")
				keep = func(g policy.Grant) bool { return g.PrincipalKind == policy.KindService }
			case Unknown:
				certainty = Unknown
			}
			if block.BlockPublicPolicy.IsTrue() && !block.RestrictPublicBuckets.IsTrue() {
				r.note(n.ID, NoteBlockPublicPolicyIneffective, ViaBucketPolicy,
					"BlockPublicPolicy is on but only rejects new public policies; the existing public policy still applies (turn on RestrictPublicBuckets)")
			}
		}
		r.grantEdges(n, res, ViaBucketPolicy, bk.Policy.Source, true, certainty, keep)
	}

	switch bk.ACL.State {
	case True:
		r.s3ACL(n, bk.ACL, block)
	case Unknown:
		if bk.OwnershipKnown != True || bk.Ownership != "BucketOwnerEnforced" {
			r.note(n.ID, NoteUnknownExposure, ViaBucketACL, "the bucket ACL could not be read; who can reach the bucket through it is unknown")
		}
	}
}

func (r *resolver) s3ACL(n *Node, acl ACL, block PublicAccessBlock) {
	for _, gr := range acl.Grants {
		actions := aclActions[gr.Permission]
		var from, principal string
		var exposure policy.Verdict
		certainty := True
		switch {
		case gr.GranteeType == "Group" && (gr.URI == AllUsersURI || gr.URI == AuthenticatedUsersURI):
			anonymous := gr.URI == AllUsersURI
			principal = "*"
			exposure = policy.Public
			switch block.IgnorePublicACLs {
			case True:
				r.note(n.ID, NoteNeutralised, ViaBucketACL, "the ACL grants %s to %s, but IgnorePublicAcls makes S3 ignore it", gr.Permission, groupName(gr.URI))
				continue
			case Unknown:
				certainty = Unknown
			}
			from = r.principal("*", policy.KindAnyone, n.Account, anonymous)
		case gr.GranteeType == "Group":
			continue // LogDelivery: S3's own log delivery, inside the owner's control
		case gr.GranteeType == "CanonicalUser" && gr.ID == acl.OwnerID:
			continue
		case gr.GranteeType == "CanonicalUser":
			principal = gr.ID
			exposure = policy.CrossAccount
			from = r.canonical("canonical-user:"+gr.ID, "canonical user "+short(gr.ID))
		case gr.GranteeType == "AmazonCustomerByEmail":
			principal = gr.Email
			exposure = policy.CrossAccount
			from = r.canonical("email:"+gr.Email, gr.Email)
		default:
			continue
		}
		for kind, acts := range EdgeKindsFor(actions, nil) {
			r.edge(Edge{
				From: from, To: n.ID, Kind: kind, Actions: acts, Exposure: exposure, Via: ViaBucketACL,
				Principal: principal, Certainty: certainty,
				Evidence: []Evidence{{Source: "s3:GetBucketAcl", Actions: acts, Detail: "ACL grant " + gr.GranteeType + " " + nonEmpty(gr.URI, gr.ID, gr.Email) + " " + gr.Permission,
					Fix: "remove the ACL grant of " + gr.Permission + " to " + nonEmpty(groupName(gr.URI), gr.ID, gr.Email)}},
			})
		}
	}
}

// canonical adds a principal known only by an S3 canonical id or e-mail:
// some account outside the scan whose number S3 does not reveal.
func (r *resolver) canonical(id, name string) string {
	if _, ok := r.principals[id]; !ok {
		r.principals[id] = Node{ID: id, Kind: KindExternalAccount, Name: name, Account: id}
	}
	return id
}

func groupName(uri string) string {
	switch uri {
	case AllUsersURI:
		return "AllUsers (anyone)"
	case AuthenticatedUsersURI:
		return "AuthenticatedUsers (any AWS account)"
	}
	return uri
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12] + "…"
	}
	return s
}

func nonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

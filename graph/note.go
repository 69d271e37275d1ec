package graph

// NoteKind says what a Note observes. The set is closed: every consumer
// handles each kind (analyzers/exposure has a test that it does).
type NoteKind string

// Note kinds.
const (
	// NotePolicyUnparseable: a policy document is not valid, so exposure
	// through it is unknown.
	NotePolicyUnparseable NoteKind = "policy-unparseable"
	// NotePolicyStatusDisagreement: AWS's own verdict (GetBucketPolicyStatus)
	// differs from the policy engine's.
	NotePolicyStatusDisagreement NoteKind = "policy-status-disagreement"
	// NoteNeutralised: a grant exists but a setting makes AWS ignore it
	// (RestrictPublicBuckets, IgnorePublicAcls).
	NoteNeutralised NoteKind = "neutralised"
	// NoteUnknownExposure: a read that decides exposure was denied or failed.
	NoteUnknownExposure NoteKind = "unknown-exposure"
	// NoteUnreachable: a way in is configured but nothing can reach it (a
	// disabled endpoint, a function URL with no public grant).
	NoteUnreachable NoteKind = "unreachable"
	// NoteNotDeployed: an API has open methods or routes but no stage, so
	// no URL serves them yet; the first deployment makes them reachable.
	NoteNotDeployed NoteKind = "not-deployed"
	// NoteBlockPublicPolicyIneffective: BlockPublicPolicy is on but does not
	// change an existing public policy.
	NoteBlockPublicPolicyIneffective NoteKind = "block-public-policy-ineffective"
	// NoteReachableThrough: a resource that is not open itself is served
	// to outside callers through a front door that is (a bucket behind a
	// CloudFront distribution's origin access control): the attack paths
	// through the front door say what reaches it.
	NoteReachableThrough NoteKind = "reachable-through"
	// NoteWeakTLS: a way in from the internet negotiates TLS versions AWS
	// calls deprecated (TLS 1.0 or 1.1): a listener's security policy.
	NoteWeakTLS NoteKind = "weak-tls"
)

// NoteKinds lists every note kind, for exhaustiveness tests.
func NoteKinds() []NoteKind {
	return []NoteKind{NotePolicyUnparseable, NotePolicyStatusDisagreement, NoteNeutralised,
		NoteUnknownExposure, NoteUnreachable, NoteNotDeployed, NoteBlockPublicPolicyIneffective, NoteReachableThrough,
		NoteWeakTLS}
}

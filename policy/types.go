package policy

import "fmt"

// Effect is the Effect element of a statement.
type Effect string

// The two effects a statement can have.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Supported policy language versions. A missing Version is kept as "".
const (
	Version2008 = "2008-10-17"
	Version2012 = "2012-10-17"
)

// Policy is a parsed IAM policy document: a resource policy, a role trust
// policy or an identity policy.
type Policy struct {
	Version    string // "2012-10-17", "2008-10-17" or "" when absent
	ID         string // the Id element, "" when absent
	Statements []Statement
}

// Statement is one statement of a policy. Element values are kept as written,
// in document order. A string value is a list of one.
type Statement struct {
	Index        int    // 0-based position in the Statement array (0 when Statement is a single object)
	Sid          string // "" when absent
	Effect       Effect
	Principal    *Principals // nil when absent
	NotPrincipal *Principals // nil when absent
	Action       []string    // nil when absent
	NotAction    []string    // nil when absent
	Resource     []string    // nil when absent (role trust policies have none)
	NotResource  []string    // nil when absent
	Conditions   []Condition // in document order; ANDed
}

// Principals is the value of a Principal or NotPrincipal element.
type Principals struct {
	// Wildcard is true for "Principal": "*" and for any "*" value inside the
	// principal map (AWS, Service, Federated or CanonicalUser).
	Wildcard      bool
	AWS           []string // account ids and principal ARNs, as written
	Service       []string // service principals such as "s3.amazonaws.com"
	Federated     []string // web identity / OIDC / SAML providers
	CanonicalUser []string // S3 canonical user ids
}

// Condition is one key test of a Condition block: one operator applied to one
// condition key with one or more values (values OR together; conditions of a
// statement AND together).
type Condition struct {
	// Operator is the canonical spelling of the base operator, for example
	// "StringEquals", without the IfExists suffix and without a set prefix.
	Operator string
	// Set is "", "ForAnyValue" or "ForAllValues".
	Set string
	// IfExists is true for the ...IfExists form of the operator.
	IfExists bool
	// Key is the condition key as written (keys compare case-insensitively).
	Key string
	// Values are the condition values; numbers and booleans are normalised
	// to their JSON text ("10", "true").
	Values []string
}

// Verdict classifies who outside the owner account a policy lets in. It
// is a small code, held by every access edge of a graph (hundreds of
// thousands in a large account); text, JSON and YAML spell it by name
// (String, MarshalText), and the codes go in the names' order, so that
// comparing two verdicts compares their names. The zero value is none.
type Verdict uint16

// The verdicts, by name.
const (
	CrossAccount Verdict = iota + 1
	Internal
	Public
)

var verdictNames = [...]string{"", "cross-account", "internal", "public"}

// String is the verdict's name: "public", "cross-account", "internal", or
// "" for none.
func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("Verdict(%d)", uint16(v))
}

// VerdictNamed returns the verdict of that name ("" is none).
func VerdictNamed(name string) (Verdict, error) {
	for i, n := range verdictNames {
		if n == name {
			return Verdict(i), nil
		}
	}
	return 0, fmt.Errorf("unknown verdict %q (want public, cross-account or internal)", name)
}

// MarshalText spells the verdict by name.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText reads a verdict by name.
func (v *Verdict) UnmarshalText(b []byte) error {
	x, err := VerdictNamed(string(b))
	if err != nil {
		return err
	}
	*v = x
	return nil
}

// Rank orders verdicts by exposure: public 2 > cross-account 1 > internal 0.
func (v Verdict) Rank() int {
	switch v {
	case Public:
		return 2
	case CrossAccount:
		return 1
	}
	return 0
}

// Context is what Analyze needs to know about the resource that carries the
// policy.
type Context struct {
	// ResourceType is "s3", "sqs", "sns", "lambda", "apigateway", "kms",
	// "secretsmanager", "events" (an EventBridge event bus), "ecr", "es" (an
	// OpenSearch domain access policy), "iam-role-trust", or "" for a
	// generic resource policy.
	ResourceType string
	// OwnerAccount is the 12-digit id of the account that owns the resource.
	OwnerAccount string
	// OrgID is the owner's organization id ("o-..."), "" when unknown.
	OrgID string
	// KnownPrincipals maps principals whose text does not show their
	// account to the account the caller knows they belong to: a CloudFront
	// origin access identity, named by its IAM-style ARN
	// ("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ID")
	// or by its S3 canonical user id, belongs to the account that created
	// it, and only that account's distributions can use it (CloudFront
	// Developer Guide, "Restricting access to an Amazon S3 origin"). A
	// principal listed here is judged as a principal of that account:
	// internal for the owner. Others stay opaque (cross-account).
	KnownPrincipals map[string]string
}

// ResourceTypeRoleTrust is the Context.ResourceType of an IAM role trust policy.
const ResourceTypeRoleTrust = "iam-role-trust"

// PrincipalKind says what sort of grantee a grant names. It is the one
// principal-kind type of the project: graph and analyzers carry it as is.
type PrincipalKind string

// Principal kinds used in Grant.PrincipalKind.
const (
	KindAnyone        PrincipalKind = "anyone"            // any principal of any account, anonymous callers included
	KindNetwork       PrincipalKind = "network"           // any principal, but only from a fixed network (IP range, VPC, VPC endpoint)
	KindAccount       PrincipalKind = "account"           // one external AWS account (or a principal ARN inside it)
	KindOrganization  PrincipalKind = "organization"      // the accounts of an AWS Organizations organization
	KindService       PrincipalKind = "service"           // an AWS service principal
	KindFederated     PrincipalKind = "federated"         // users of a web identity, OIDC or SAML provider
	KindOwner         PrincipalKind = "owner"             // the owner account or one of its principals
	KindCanonicalUser PrincipalKind = "canonical-user"    // an S3 canonical user id (account unknown)
	KindPrincipalID   PrincipalKind = "principal-id"      // a unique principal id (aws:userid) or an ARN whose account is not an account id
	KindDeleted       PrincipalKind = "deleted-principal" // a unique id IAM left in place of a deleted principal; matches nobody
)

// AnyService is Grant.Via for a "*" principal pinned only by
// aws:SourceAccount/aws:SourceArn: some AWS service acting for the account.
const AnyService = "*"

// Result is the outcome of Analyze.
type Result struct {
	// Verdict is the most exposed verdict over all grants.
	Verdict Verdict `json:"verdict"`
	// ExternalPrincipals lists every external grantee, sorted and
	// de-duplicated: "*" for anyone and for network-restricted any-principal
	// access, 12-digit account ids, "o-..." organization ids, unpinned service
	// principals and federated providers (as written).
	ExternalPrincipals []string `json:"external_principals"`
	// Grants lists every effective Allow after explicit Deny, internal ones
	// included, sorted by exposure, principal and statement.
	Grants []Grant `json:"grants"`
	// Incomplete is set when the policy had so many interacting Deny
	// statements that the analysis stopped subtracting them; the grants then
	// over-state access (never under-state it).
	Incomplete bool `json:"incomplete,omitempty"`
}

// Grant is one effective Allow: a grantee, what it may do, and why.
type Grant struct {
	// Principal is "*", a 12-digit account, an "o-..." organization id, a
	// service principal, a federated provider, or a principal ARN.
	Principal string `json:"principal"`
	// PrincipalKind is one of the Kind* constants.
	PrincipalKind PrincipalKind `json:"principal_kind"`
	// Via names the service principal when a service acts for an account
	// (aws:SourceAccount / aws:SourceArn pinning), e.g. "s3.amazonaws.com";
	// AnyService ("*") when the statement's principal is "*" and only the
	// source keys pin it.
	Via string `json:"via,omitempty"`
	// Exposure is this grant's own verdict.
	Exposure Verdict `json:"exposure"`
	// Actions are the allowed action patterns ("*" for a NotAction statement).
	Actions []string `json:"actions"`
	// NotActions are excluded from Actions (from NotAction, or from a Deny
	// that covers part of the actions).
	NotActions []string `json:"not_actions,omitempty"`
	// Resources are the resource patterns ("*" when the statement has none
	// or uses NotResource).
	Resources []string `json:"resources,omitempty"`
	// NotResources are excluded from Resources.
	NotResources []string `json:"not_resources,omitempty"`
	// PinnedBy lists the conditions that narrowed who (Condition.String()
	// form); conditions derived from a Deny are suffixed with its statement.
	PinnedBy []string `json:"pinned_by,omitempty"`
	// Conditions lists residual conditions that do not restrict who, such as
	// sts:ExternalId, aws:SecureTransport or an IP block-list left by a Deny.
	Conditions []string `json:"conditions,omitempty"`
	// Guards classifies the grant's conditions (pins and residual alike) by
	// what they demand of a caller: an ExternalId, MFA, a source network ...
	// Sorted; empty when no condition is of a known guard kind.
	Guards []Guard `json:"guards,omitempty"`
	// Statements are the Allow statements responsible for the grant.
	Statements []StatementRef `json:"statements"`
	// NarrowedBy are the Deny statements that narrowed the grant.
	NarrowedBy []StatementRef `json:"narrowed_by,omitempty"`
	// Fix is the smallest concrete change that removes the external access,
	// empty for internal grants.
	Fix string `json:"fix,omitempty"`
}

// StatementRef points at a statement of the analysed policy.
type StatementRef struct {
	Index int    `json:"index"` // 0-based, as Statement.Index
	Sid   string `json:"sid,omitempty"`
}

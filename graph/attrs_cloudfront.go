package graph

import "strings"

// Distribution is a CloudFront distribution as ListDistributions reports it:
// what viewers can request (cache behaviors), where CloudFront fetches it
// (origins), and what stands between the two (a WAF web ACL, TLS settings,
// geographic restriction, edge functions). Origin custom header values are
// never kept: they are often the shared secret an origin checks.
type Distribution struct {
	DistributionID string   `json:"distribution_id"`
	DomainName     string   `json:"domain_name,omitempty"` // dXXXX.cloudfront.net
	Aliases        []string `json:"aliases,omitempty"`
	Enabled        bool     `json:"enabled"`
	Staging        bool     `json:"staging,omitempty"`
	Status         string   `json:"status,omitempty"`
	// WebACLID is the associated web ACL: a WAFv2 web ACL ARN, a WAF
	// Classic id, or "" for none.
	WebACLID string `json:"web_acl_id,omitempty"`
	// MinimumProtocolVersion is the viewer TLS floor (TLSv1, TLSv1.2_2021,
	// ...); DefaultCertificate says CloudFront's own *.cloudfront.net
	// certificate is used, which always allows TLSv1.
	MinimumProtocolVersion string          `json:"minimum_protocol_version,omitempty"`
	DefaultCertificate     bool            `json:"default_certificate,omitempty"`
	GeoRestriction         string          `json:"geo_restriction,omitempty"` // "whitelist DE,FR", "" for none
	Origins                []Origin        `json:"origins,omitempty"`
	OriginGroups           []OriginGroup   `json:"origin_groups,omitempty"`
	Behaviors              []CacheBehavior `json:"behaviors,omitempty"` // the default behavior first
}

// Origin is one origin of a distribution.
type Origin struct {
	ID         string `json:"id"`
	DomainName string `json:"domain_name"`
	OriginPath string `json:"origin_path,omitempty"`
	// S3 is set when the origin has an S3OriginConfig (a bucket's REST
	// endpoint); a website endpoint or any other host has a custom config.
	S3 bool `json:"s3,omitempty"`
	// OAI is the origin access identity id ("" for none).
	OAI string `json:"oai,omitempty"`
	// OAC is the origin access control id ("" for none) and OACSigning
	// its signing behavior (always, never, no-override; "" when the
	// origin access controls could not be read).
	OAC        string `json:"oac,omitempty"`
	OACSigning string `json:"oac_signing,omitempty"`
	// ProtocolPolicy is a custom origin's http-only, https-only or
	// match-viewer.
	ProtocolPolicy string `json:"protocol_policy,omitempty"`
	// CustomHeaders are the names of the headers CloudFront adds (values
	// are not kept).
	CustomHeaders []string `json:"custom_headers,omitempty"`
	VPCOriginID   string   `json:"vpc_origin_id,omitempty"`
}

// OriginGroup is a failover group of origins.
type OriginGroup struct {
	ID      string   `json:"id"`
	Members []string `json:"members"`
}

// CacheBehavior is one cache behavior: a path pattern ("" for the default
// behavior), the origin (or origin group) it fetches from, and what viewers
// may send.
type CacheBehavior struct {
	PathPattern          string   `json:"path_pattern,omitempty"`
	TargetOriginID       string   `json:"target_origin_id"`
	ViewerProtocolPolicy string   `json:"viewer_protocol_policy"` // allow-all, redirect-to-https, https-only
	AllowedMethods       []string `json:"allowed_methods,omitempty"`
	// TrustedKeyGroups and TrustedSigners (legacy) make CloudFront serve
	// only requests with a signed URL or cookie.
	TrustedKeyGroups []string       `json:"trusted_key_groups,omitempty"`
	TrustedSigners   []string       `json:"trusted_signers,omitempty"`
	Functions        []EdgeFunction `json:"functions,omitempty"`        // CloudFront Functions
	LambdaFunctions  []EdgeFunction `json:"lambda_functions,omitempty"` // Lambda@Edge
}

// Signed says whether the behavior serves only signed URLs or cookies.
func (b CacheBehavior) Signed() bool { return len(b.TrustedKeyGroups) > 0 || len(b.TrustedSigners) > 0 }

// Pattern names the behavior for people.
func (b CacheBehavior) Pattern() string {
	if b.PathPattern == "" {
		return "default (*)"
	}
	return b.PathPattern
}

// EdgeFunction is a function a cache behavior runs at an event.
type EdgeFunction struct {
	EventType string `json:"event_type"` // viewer-request, viewer-response, origin-request, origin-response
	ARN       string `json:"arn"`
}

// OriginAccessIdentity is a legacy CloudFront origin access identity: an
// identity of the account's distributions that S3 bucket policies grant by
// its IAM-style ARN or its S3 canonical user id.
type OriginAccessIdentity struct {
	ID              string `json:"id"`
	S3CanonicalUser string `json:"s3_canonical_user_id,omitempty"`
	Comment         string `json:"comment,omitempty"`
}

// OAIPrincipal is the principal ARN bucket policies use for an OAI
// (CloudFront Developer Guide, "Restricting access to an Amazon S3 origin").
func OAIPrincipal(id string) string {
	return "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity " + id
}

// DistributionARN is the ARN of a distribution (global: no region).
func DistributionARN(account, id string) string {
	return "arn:aws:cloudfront::" + account + ":distribution/" + id
}

// OAIARN is the node id of an origin access identity.
func OAIARN(account, id string) string {
	return "arn:aws:cloudfront::" + account + ":origin-access-identity/" + id
}

// OAIIDOf reads the id out of an origin's OriginAccessIdentity field
// ("origin-access-identity/cloudfront/ID").
func OAIIDOf(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

package fakeaws

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// CloudFront is an account's CloudFront state. CloudFront is global: the
// fake answers it for requests signed for us-east-1, as AWS's only endpoint
// (cloudfront.amazonaws.com) is.
type CloudFront struct {
	Distributions          []*Distribution         `yaml:"distributions"`
	OriginAccessControls   []*OriginAccessControl  `yaml:"origin_access_controls"`
	OriginAccessIdentities []*OriginAccessIdentity `yaml:"origin_access_identities"`
	Functions              []*CloudFrontFunction   `yaml:"functions"`
}

// Distribution is one CloudFront distribution. Name exists only in the
// fixture: it seeds the id when none is given and names the distribution in
// validation errors.
type Distribution struct {
	Name         string    `yaml:"name"`
	ID           string    `yaml:"id"`          // default derived from the account and the name (or position)
	DomainName   string    `yaml:"domain_name"` // default dXXXXXXXXXXXXX.cloudfront.net derived from the id
	ETag         string    `yaml:"etag"`        // default derived from the id
	Aliases      []string  `yaml:"aliases"`
	Enabled      *bool     `yaml:"enabled"` // default true
	Status       string    `yaml:"status"`  // Deployed (default) | InProgress
	Comment      string    `yaml:"comment"`
	PriceClass   string    `yaml:"price_class"`  // default PriceClass_All
	HTTPVersion  string    `yaml:"http_version"` // default http2
	IPv6         *bool     `yaml:"ipv6"`         // IsIPV6Enabled, default true (the console's default)
	Staging      bool      `yaml:"staging"`
	LastModified time.Time `yaml:"last_modified"`
	// DefaultRootObject is served in the DistributionConfig only.
	DefaultRootObject string `yaml:"default_root_object"`
	// WebACL names a CLOUDFRONT-scoped web ACL of this account (wafv2);
	// WebACLID is served verbatim instead (a WAFv2 ARN or a WAF Classic id).
	// Neither: no web ACL (WebACLId is empty).
	WebACL               string               `yaml:"web_acl"`
	WebACLID             string               `yaml:"web_acl_id"`
	Logging              *CloudFrontLogging   `yaml:"logging"`
	Origins              []*CloudFrontOrigin  `yaml:"origins"`
	OriginGroups         []*OriginGroup       `yaml:"origin_groups"`
	DefaultCacheBehavior *CacheBehavior       `yaml:"default_cache_behavior"`
	CacheBehaviors       []*CacheBehavior     `yaml:"cache_behaviors"`
	ViewerCertificate    *ViewerCertificate   `yaml:"viewer_certificate"` // default: CloudFront's certificate, TLSv1
	GeoRestriction       *CloudFrontGeoFilter `yaml:"geo_restriction"`    // default: none
}

// CloudFrontLogging is a distribution's standard (legacy) access logging.
type CloudFrontLogging struct {
	Bucket         string `yaml:"bucket"` // e.g. logs.s3.amazonaws.com
	Prefix         string `yaml:"prefix"`
	IncludeCookies bool   `yaml:"include_cookies"`
}

// CloudFrontOrigin is one origin. Exactly one of S3 and Custom is set, as
// AWS requires one of S3OriginConfig and CustomOriginConfig.
type CloudFrontOrigin struct {
	ID         string              `yaml:"id"`
	DomainName string              `yaml:"domain_name"`
	OriginPath string              `yaml:"origin_path"`
	S3         *S3OriginConfig     `yaml:"s3"`
	Custom     *CustomOriginConfig `yaml:"custom"`
	// OriginAccessControl is the name or id of an origin access control of
	// this account; served as OriginAccessControlId.
	OriginAccessControl string            `yaml:"origin_access_control"`
	CustomHeaders       map[string]string `yaml:"custom_headers"`
}

// S3OriginConfig is an S3 REST-endpoint origin. OriginAccessIdentity is
// empty (no OAI: public bucket or OAC), an OAI's name in the fixture, or
// AWS's own form origin-access-identity/cloudfront/ID.
type S3OriginConfig struct {
	OriginAccessIdentity string `yaml:"origin_access_identity"`
}

// CustomOriginConfig is a custom (HTTP) origin: a load balancer, API
// Gateway, an S3 website endpoint, any web server.
type CustomOriginConfig struct {
	ProtocolPolicy   string   `yaml:"protocol_policy"` // http-only | match-viewer | https-only
	HTTPPort         int      `yaml:"http_port"`       // default 80
	HTTPSPort        int      `yaml:"https_port"`      // default 443
	SSLProtocols     []string `yaml:"ssl_protocols"`   // default [TLSv1.2]
	ReadTimeout      int      `yaml:"read_timeout"`    // default 30
	KeepaliveTimeout int      `yaml:"keepalive_timeout"`
}

// OriginGroup is a failover pair of origins.
type OriginGroup struct {
	ID                  string   `yaml:"id"`
	Members             []string `yaml:"members"`               // two origin ids
	FailoverStatusCodes []int    `yaml:"failover_status_codes"` // default [500, 502, 503, 504]
}

// CacheBehavior is the default cache behavior or one with a path pattern.
type CacheBehavior struct {
	PathPattern          string   `yaml:"path_pattern"` // cache_behaviors only
	TargetOriginID       string   `yaml:"target_origin_id"`
	ViewerProtocolPolicy string   `yaml:"viewer_protocol_policy"` // allow-all | redirect-to-https | https-only
	AllowedMethods       []string `yaml:"allowed_methods"`        // default [HEAD, GET]
	CachedMethods        []string `yaml:"cached_methods"`         // default [HEAD, GET]
	Compress             bool     `yaml:"compress"`
	// CachePolicyID defaults to the managed CachingOptimized policy
	// (658327ea-f89d-4fab-a63d-7e88639e58f6, "Use managed cache policies").
	CachePolicyID           string `yaml:"cache_policy_id"`
	OriginRequestPolicyID   string `yaml:"origin_request_policy_id"`
	ResponseHeadersPolicyID string `yaml:"response_headers_policy_id"`
	FieldLevelEncryptionID  string `yaml:"field_level_encryption_id"`
	// FunctionAssociations name CloudFront Functions of this account (name or ARN).
	FunctionAssociations       []CloudFrontFunctionAssociation `yaml:"function_associations"`
	LambdaFunctionAssociations []LambdaEdgeAssociation         `yaml:"lambda_function_associations"`
	TrustedKeyGroups           []string                        `yaml:"trusted_key_groups"` // key group ids
	TrustedSigners             []string                        `yaml:"trusted_signers"`    // "self" or account ids (legacy)
}

// CloudFrontFunctionAssociation attaches a CloudFront Function.
type CloudFrontFunctionAssociation struct {
	EventType string `yaml:"event_type"` // viewer-request | viewer-response
	Function  string `yaml:"function"`   // a function's name or ARN
}

// LambdaEdgeAssociation attaches a Lambda@Edge function version.
type LambdaEdgeAssociation struct {
	EventType   string `yaml:"event_type"` // viewer-request | viewer-response | origin-request | origin-response
	ARN         string `yaml:"arn"`        // a numbered version in us-east-1
	IncludeBody bool   `yaml:"include_body"`
}

// ViewerCertificate is the certificate viewers see.
type ViewerCertificate struct {
	CloudFrontDefaultCertificate bool   `yaml:"cloudfront_default_certificate"`
	ACMCertificateARN            string `yaml:"acm_certificate_arn"`
	IAMCertificateID             string `yaml:"iam_certificate_id"`
	SSLSupportMethod             string `yaml:"ssl_support_method"`       // sni-only | vip | static-ip
	MinimumProtocolVersion       string `yaml:"minimum_protocol_version"` // e.g. TLSv1.2_2021
}

// CloudFrontGeoFilter is a distribution's geographic restriction.
type CloudFrontGeoFilter struct {
	Type      string   `yaml:"type"` // none | whitelist | blacklist
	Locations []string `yaml:"locations"`
}

// OriginAccessControl is a CloudFront origin access control (OAC).
type OriginAccessControl struct {
	Name            string `yaml:"name"`
	ID              string `yaml:"id"` // default derived from the account and name
	Description     string `yaml:"description"`
	SigningBehavior string `yaml:"signing_behavior"` // always (default) | never | no-override
	SigningProtocol string `yaml:"signing_protocol"` // sigv4 (default)
	OriginType      string `yaml:"origin_type"`      // s3 (default) | mediastore | mediapackagev2 | lambda
}

// OriginAccessIdentity is a legacy CloudFront origin access identity
// (OAI). Name exists only in the fixture (it seeds the id and lets origins
// refer to the OAI); Comment defaults to it.
type OriginAccessIdentity struct {
	Name            string `yaml:"name"`
	ID              string `yaml:"id"`
	Comment         string `yaml:"comment"`
	CallerReference string `yaml:"caller_reference"`
}

// CloudFrontFunction is a CloudFront Function (not Lambda@Edge).
type CloudFrontFunction struct {
	Name         string    `yaml:"name"`
	Runtime      string    `yaml:"runtime"` // cloudfront-js-2.0 (default) | cloudfront-js-1.0
	Stage        string    `yaml:"stage"`   // LIVE (default) | DEVELOPMENT
	Status       string    `yaml:"status"`  // default UNASSOCIATED (LIVE) or UNPUBLISHED (DEVELOPMENT)
	Comment      string    `yaml:"comment"`
	Created      time.Time `yaml:"created"`
	LastModified time.Time `yaml:"last_modified"`
}

// cfCachingOptimized is the id of AWS's managed CachingOptimized cache
// policy (CloudFront Developer Guide, "Use managed cache policies").
const cfCachingOptimized = "658327ea-f89d-4fab-a63d-7e88639e58f6"

// cfID derives a CloudFront-style id (E + 13 upper-case letters and
// digits) from seed.
func cfID(seed string) string {
	sum := sha256.Sum256([]byte("cloudfront:" + seed))
	return "E" + base32.StdEncoding.EncodeToString(sum[:])[:13]
}

func (d *Distribution) id(a *Account, i int) string {
	if d.ID != "" {
		return d.ID
	}
	if d.Name != "" {
		return cfID("distribution:" + a.ID + ":" + d.Name)
	}
	return cfID(fmt.Sprintf("distribution:%s:#%d", a.ID, i))
}

func (d *Distribution) domainName(id string) string {
	if d.DomainName != "" {
		return d.DomainName
	}
	sum := sha256.Sum256([]byte("cloudfront-domain:" + id))
	return "d" + strings.ToLower(base32.StdEncoding.EncodeToString(sum[:]))[:13] + ".cloudfront.net"
}

func (o *OriginAccessControl) id(a *Account) string {
	if o.ID != "" {
		return o.ID
	}
	return cfID("oac:" + a.ID + ":" + o.Name)
}

func (o *OriginAccessIdentity) id(a *Account, i int) string {
	switch {
	case o.ID != "":
		return o.ID
	case o.Name != "":
		return cfID("oai:" + a.ID + ":" + o.Name)
	}
	return cfID(fmt.Sprintf("oai:%s:#%d", a.ID, i))
}

// s3CanonicalUserID is an OAI's S3 canonical user id: 96 hex digits,
// derived from the OAI id so it is stable (AWS's are 96 hex digits too).
func s3CanonicalUserID(oaiID string) string {
	sum := sha512.Sum384([]byte("oai-canonical:" + oaiID))
	return hex.EncodeToString(sum[:])
}

func cfFunctionARN(account, name string) string {
	return "arn:aws:cloudfront::" + account + ":function/" + name
}

var (
	cfIDRE         = regexp.MustCompile(`^E[A-Z0-9]{6,20}$`)
	cfOAIPathRE    = regexp.MustCompile(`^origin-access-identity/cloudfront/(E[A-Z0-9]+)$`)
	lambdaEdgeRE   = regexp.MustCompile(`^arn:aws:lambda:us-east-1:[0-9]{12}:function:[a-zA-Z0-9_-]{1,64}:[0-9]+$`)
	cfFunctionRE   = regexp.MustCompile(`^[a-zA-Z0-9-_]{1,64}$`)
	s3RESTOriginRE = regexp.MustCompile(`^[a-z0-9.-]+\.s3(\.[a-z0-9-]+)?\.amazonaws\.com$`)
	s3WebsiteRE    = regexp.MustCompile(`\.s3-website[.-][a-z0-9-]+\.amazonaws\.com$`)
	wafv2ARNRE     = regexp.MustCompile(`^arn:aws:wafv2:([a-z0-9-]+):([0-9]{12}):(global|regional)/webacl/([^/]+)/([^/]+)$`)
	wafClassicIDRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// cloudfront checks an account's CloudFront section: ids and names unique,
// every reference (OAC, OAI, origin, function, web ACL) resolved, and the
// combinations AWS refuses refused here too.
func (v *validator) cloudfront(p []any, a *Account) {
	cf := &a.CloudFront
	p = at(p, "cloudfront")
	oacs := map[string]*OriginAccessControl{}
	for i, o := range cf.OriginAccessControls {
		op := at(p, "origin_access_controls", i)
		if o == nil {
			v.errf(op, "empty origin access control")
			continue
		}
		if o.Name == "" {
			v.errf(op, "an origin access control needs a name")
		} else if oacs[o.Name] != nil {
			v.errf(at(op, "name"), "origin access control %s appears twice", o.Name)
		}
		if o.ID != "" && !cfIDRE.MatchString(o.ID) {
			v.errf(at(op, "id"), "%q is not a CloudFront id (E followed by upper-case letters and digits)", o.ID)
		}
		v.oneOf(at(op, "signing_behavior"), "signing_behavior", o.SigningBehavior, "always", "never", "no-override")
		v.oneOf(at(op, "signing_protocol"), "signing_protocol", o.SigningProtocol, "sigv4")
		v.oneOf(at(op, "origin_type"), "origin_type", o.OriginType, "s3", "mediastore", "mediapackagev2", "lambda")
		oacs[o.Name] = o
		oacs[o.id(a)] = o
	}
	oais := map[string]string{} // name or id -> id
	for i, o := range cf.OriginAccessIdentities {
		op := at(p, "origin_access_identities", i)
		if o == nil {
			v.errf(op, "empty origin access identity")
			continue
		}
		if o.ID != "" && !cfIDRE.MatchString(o.ID) {
			v.errf(at(op, "id"), "%q is not a CloudFront id (E followed by upper-case letters and digits)", o.ID)
		}
		id := o.id(a, i)
		if _, dup := oais[id]; dup {
			v.errf(op, "origin access identity %s appears twice", id)
		}
		if o.Name != "" {
			if _, dup := oais[o.Name]; dup {
				v.errf(at(op, "name"), "origin access identity name %s appears twice", o.Name)
			}
			oais[o.Name] = id
		}
		oais[id] = id
	}
	functions := map[string]*CloudFrontFunction{}
	for i, f := range cf.Functions {
		fp := at(p, "functions", i)
		if f == nil {
			v.errf(fp, "empty function")
			continue
		}
		if !cfFunctionRE.MatchString(f.Name) {
			v.errf(at(fp, "name"), "%q is not a valid CloudFront function name", f.Name)
		} else if functions[f.Name] != nil {
			v.errf(at(fp, "name"), "function %s appears twice", f.Name)
		}
		v.oneOf(at(fp, "runtime"), "runtime", f.Runtime, "cloudfront-js-1.0", "cloudfront-js-2.0")
		v.oneOf(at(fp, "stage"), "stage", f.Stage, "LIVE", "DEVELOPMENT")
		functions[f.Name] = f
		functions[cfFunctionARN(a.ID, f.Name)] = f
	}
	ids := map[string]bool{}
	for i, d := range cf.Distributions {
		dp := at(p, "distributions", i)
		if d == nil {
			v.errf(dp, "empty distribution")
			continue
		}
		id := d.id(a, i)
		if d.ID != "" && !cfIDRE.MatchString(d.ID) {
			v.errf(at(dp, "id"), "%q is not a CloudFront id (E followed by upper-case letters and digits)", d.ID)
		} else if ids[id] {
			v.errf(dp, "distribution %s appears twice", id)
		}
		ids[id] = true
		v.oneOf(at(dp, "status"), "status", d.Status, "Deployed", "InProgress")
		v.oneOf(at(dp, "price_class"), "price_class", d.PriceClass, "PriceClass_100", "PriceClass_200", "PriceClass_All", "None")
		v.oneOf(at(dp, "http_version"), "http_version", d.HTTPVersion, "http1.1", "http2", "http3", "http2and3")
		v.distributionWebACL(dp, a, d)
		v.distributionOrigins(dp, a, d, oacs, oais)
		targets := map[string]bool{}
		for _, o := range d.Origins {
			if o != nil {
				targets[o.ID] = true
			}
		}
		for j, g := range d.OriginGroups {
			gp := at(dp, "origin_groups", j)
			if g == nil || g.ID == "" {
				v.errf(gp, "an origin group needs an id")
				continue
			}
			if targets[g.ID] {
				v.errf(at(gp, "id"), "origin group id %s is already used by an origin or group", g.ID)
			}
			if len(g.Members) != 2 {
				v.errf(at(gp, "members"), "an origin group has exactly two members (a primary and a secondary origin)")
			}
			for k, m := range g.Members {
				if !slices.ContainsFunc(d.Origins, func(o *CloudFrontOrigin) bool { return o != nil && o.ID == m }) {
					v.errf(at(gp, "members", k), "origin %s is not an origin of this distribution", m)
				}
			}
			targets[g.ID] = true
		}
		if d.DefaultCacheBehavior == nil {
			v.errf(dp, "a distribution needs a default_cache_behavior")
		} else {
			v.cacheBehavior(at(dp, "default_cache_behavior"), a, d.DefaultCacheBehavior, targets, functions, false)
		}
		for j, b := range d.CacheBehaviors {
			v.cacheBehavior(at(dp, "cache_behaviors", j), a, b, targets, functions, true)
		}
		if c := d.ViewerCertificate; c != nil {
			cp := at(dp, "viewer_certificate")
			n := 0
			for _, set := range []bool{c.CloudFrontDefaultCertificate, c.ACMCertificateARN != "", c.IAMCertificateID != ""} {
				if set {
					n++
				}
			}
			if n != 1 {
				v.errf(cp, "a viewer certificate is exactly one of cloudfront_default_certificate, acm_certificate_arn and iam_certificate_id")
			}
			v.oneOf(at(cp, "ssl_support_method"), "ssl_support_method", c.SSLSupportMethod, "sni-only", "vip", "static-ip")
		}
		if g := d.GeoRestriction; g != nil {
			v.oneOf(at(dp, "geo_restriction", "type"), "type", g.Type, "none", "whitelist", "blacklist")
			if (g.Type == "none" || g.Type == "") != (len(g.Locations) == 0) {
				v.errf(at(dp, "geo_restriction"), "locations go with a whitelist or blacklist, and only with one")
			}
		}
	}
}

// distributionWebACL checks a distribution's web ACL: a CLOUDFRONT-scoped
// web ACL of this account by name, or a verbatim WAFv2 ARN (global, and in
// the fixture when it is this account's) or WAF Classic id.
func (v *validator) distributionWebACL(dp []any, a *Account, d *Distribution) {
	switch {
	case d.WebACL != "" && d.WebACLID != "":
		v.errf(dp, "web_acl and web_acl_id are two ways to say the same thing; give one")
	case d.WebACL != "":
		if findWebACL(a, "CLOUDFRONT", "us-east-1", func(w *WebACL) bool { return w.Name == d.WebACL }) == nil {
			v.errf(at(dp, "web_acl"), "web ACL %s is not a CLOUDFRONT-scoped web ACL of this account", d.WebACL)
		}
	case d.WebACLID != "":
		m := wafv2ARNRE.FindStringSubmatch(d.WebACLID)
		switch {
		case m == nil && !wafClassicIDRE.MatchString(d.WebACLID):
			v.errf(at(dp, "web_acl_id"), "%q is neither a WAFv2 web ACL ARN nor a WAF Classic web ACL id", d.WebACLID)
		case m != nil && m[3] != "global":
			v.errf(at(dp, "web_acl_id"), "web ACL %s is regional; CloudFront takes only CLOUDFRONT-scoped (global) web ACLs", d.WebACLID)
		case m != nil && m[2] == a.ID && findWebACL(a, "CLOUDFRONT", "us-east-1", func(w *WebACL) bool { return webACLARN(a, w) == d.WebACLID }) == nil:
			v.errf(at(dp, "web_acl_id"), "web ACL %s is not in the fixture", d.WebACLID)
		}
	}
}

func (v *validator) distributionOrigins(dp []any, a *Account, d *Distribution, oacs map[string]*OriginAccessControl, oais map[string]string) {
	if len(d.Origins) == 0 {
		v.errf(dp, "a distribution needs at least one origin")
	}
	seen := map[string]bool{}
	for j, o := range d.Origins {
		op := at(dp, "origins", j)
		if o == nil {
			v.errf(op, "empty origin")
			continue
		}
		if o.ID == "" {
			v.errf(op, "an origin needs an id")
		} else if seen[o.ID] {
			v.errf(at(op, "id"), "origin id %s appears twice", o.ID)
		}
		seen[o.ID] = true
		if o.DomainName == "" {
			v.errf(op, "an origin needs a domain_name")
		}
		if (o.S3 == nil) == (o.Custom == nil) {
			v.errf(op, "an origin has exactly one of s3 and custom")
		}
		if o.S3 != nil {
			// CloudFront Developer Guide, "Use various origins": a website
			// endpoint is a custom origin; S3OriginConfig is for REST endpoints.
			if s3WebsiteRE.MatchString(o.DomainName) {
				v.errf(at(op, "domain_name"), "%s is an S3 website endpoint, which CloudFront reaches as a custom origin", o.DomainName)
			} else if !s3RESTOriginRE.MatchString(o.DomainName) {
				v.errf(at(op, "domain_name"), "%s is not an S3 bucket REST endpoint (BUCKET.s3.REGION.amazonaws.com)", o.DomainName)
			}
			if oai := o.S3.OriginAccessIdentity; oai != "" {
				ref := oai
				if m := cfOAIPathRE.FindStringSubmatch(oai); m != nil {
					ref = m[1]
				}
				if _, ok := oais[ref]; !ok {
					v.errf(at(op, "s3", "origin_access_identity"), "origin access identity %s is not in the fixture", oai)
				}
				if o.OriginAccessControl != "" {
					// IllegalOriginAccessConfiguration: an origin cannot use both.
					v.errf(op, "an origin cannot use both an origin access identity and an origin access control")
				}
			}
		}
		if c := o.Custom; c != nil {
			v.oneOf(at(op, "custom", "protocol_policy"), "protocol_policy", c.ProtocolPolicy, "http-only", "match-viewer", "https-only")
			if c.ProtocolPolicy == "" {
				v.errf(at(op, "custom"), "a custom origin needs a protocol_policy")
			}
			for k, sp := range c.SSLProtocols {
				v.oneOf(at(op, "custom", "ssl_protocols", k), "ssl protocol", sp, "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2")
			}
		}
		if o.OriginAccessControl != "" {
			oac := oacs[o.OriginAccessControl]
			switch {
			case oac == nil:
				v.errf(at(op, "origin_access_control"), "origin access control %s is not in the fixture", o.OriginAccessControl)
			case orDefault(oac.OriginType, "s3") == "s3" && o.S3 == nil:
				v.errf(at(op, "origin_access_control"), "origin access control %s is for S3 origins; this origin is not one", oac.Name)
			case orDefault(oac.OriginType, "s3") != "s3" && o.S3 != nil:
				v.errf(at(op, "origin_access_control"), "origin access control %s is for %s origins, not S3", oac.Name, oac.OriginType)
			}
		}
	}
}

func (v *validator) cacheBehavior(bp []any, a *Account, b *CacheBehavior, targets map[string]bool, functions map[string]*CloudFrontFunction, path bool) {
	if b == nil {
		v.errf(bp, "empty cache behavior")
		return
	}
	if path && b.PathPattern == "" {
		v.errf(bp, "a cache behavior needs a path_pattern")
	}
	if !path && b.PathPattern != "" {
		v.errf(at(bp, "path_pattern"), "the default cache behavior has no path pattern")
	}
	if !targets[b.TargetOriginID] {
		v.errf(at(bp, "target_origin_id"), "target origin %q is not an origin or origin group of this distribution", b.TargetOriginID)
	}
	if b.ViewerProtocolPolicy == "" {
		v.errf(bp, "a cache behavior needs a viewer_protocol_policy")
	}
	v.oneOf(at(bp, "viewer_protocol_policy"), "viewer_protocol_policy", b.ViewerProtocolPolicy, "allow-all", "redirect-to-https", "https-only")
	for _, l := range []struct {
		key     string
		methods []string
	}{{"allowed_methods", b.AllowedMethods}, {"cached_methods", b.CachedMethods}} {
		for k, m := range l.methods {
			v.oneOf(at(bp, l.key, k), "method", m, "GET", "HEAD", "POST", "PUT", "PATCH", "OPTIONS", "DELETE")
		}
	}
	for k, f := range b.FunctionAssociations {
		fp := at(bp, "function_associations", k)
		v.oneOf(at(fp, "event_type"), "event_type", f.EventType, "viewer-request", "viewer-response")
		if f.EventType == "" {
			v.errf(fp, "a function association needs an event_type")
		}
		if functions[f.Function] == nil {
			v.errf(at(fp, "function"), "CloudFront function %s is not in the fixture", f.Function)
		}
	}
	for k, l := range b.LambdaFunctionAssociations {
		lp := at(bp, "lambda_function_associations", k)
		v.oneOf(at(lp, "event_type"), "event_type", l.EventType, "viewer-request", "viewer-response", "origin-request", "origin-response")
		if l.EventType == "" {
			v.errf(lp, "a Lambda@Edge association needs an event_type")
		}
		// Lambda@Edge takes a numbered version in us-east-1, never $LATEST
		// or an alias (CloudFront Developer Guide, "Lambda@Edge restrictions").
		if !lambdaEdgeRE.MatchString(l.ARN) {
			v.errf(at(lp, "arn"), "%q is not a numbered Lambda function version in us-east-1", l.ARN)
		}
	}
	for k, s := range b.TrustedSigners {
		if s != "self" && !accountIDRE.MatchString(s) {
			v.errf(at(bp, "trusted_signers", k), "trusted signer %q is neither self nor an account id", s)
		}
	}
}

// oneOf records an error unless value is empty or one of allowed.
func (v *validator) oneOf(p []any, name, value string, allowed ...string) {
	if value != "" && !slices.Contains(allowed, value) {
		v.errf(p, "%s %q is not one of %s", name, value, strings.Join(allowed, ", "))
	}
}

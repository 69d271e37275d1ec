package fakeaws

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// AccessPoint is an S3 access point (S3 Control, regional). Its bucket may
// belong to another account: S3 lets an account create an access point for
// a bucket it does not own (User Guide, "Creating access points", "Creating
// access points restricted to a virtual private cloud" and "Cross-account
// access points").
type AccessPoint struct {
	Name   string `yaml:"name"`
	Bucket string `yaml:"bucket"`
	// BucketAccountID is the bucket owner; default the owner of the fixture
	// bucket of that name, else this account.
	BucketAccountID string `yaml:"bucket_account_id"`
	// Region defaults to the bucket's when the bucket is in the fixture, else
	// the account's first region. An access point lives in its bucket's
	// region.
	Region string `yaml:"region"`
	// VPCID makes the NetworkOrigin VPC; without it the access point is
	// reachable from the Internet (NetworkOrigin Internet).
	VPCID string `yaml:"vpc_id"`
	// PublicAccessBlock is the access point's own Block Public Access, which
	// S3 turns fully on unless the creator turns it off; default all true.
	PublicAccessBlock *PublicAccessBlock `yaml:"public_access_block"`
	// Policy is GetAccessPointPolicy's; absent is NoSuchAccessPointPolicy.
	Policy *Document `yaml:"policy"`
	// PolicyIsPublic is what GetAccessPointPolicyStatus answers (the fake
	// does not judge policies). Requires Policy.
	PolicyIsPublic bool      `yaml:"policy_is_public"`
	Created        time.Time `yaml:"created"`
}

// MultiRegionAccessPoint is an S3 Multi-Region Access Point: global, with
// its control plane in us-west-2 only.
type MultiRegionAccessPoint struct {
	Name string `yaml:"name"`
	// Alias defaults to 13 characters derived from the name, plus ".mrap".
	Alias   string    `yaml:"alias"`
	Created time.Time `yaml:"created"`
	// PublicAccessBlock default all true (S3 turns it on at creation).
	PublicAccessBlock *PublicAccessBlock `yaml:"public_access_block"`
	// Status is READY (default), INCONSISTENT_ACROSS_REGIONS, CREATING,
	// PARTIALLY_CREATED, PARTIALLY_DELETED or DELETING.
	Status  string       `yaml:"status"`
	Regions []MRAPRegion `yaml:"regions"`
	// Policy is the established policy; ProposedPolicy a newer one still
	// propagating (default: the established one, as S3 reports once an
	// update is done).
	Policy         *Document `yaml:"policy"`
	ProposedPolicy *Document `yaml:"proposed_policy"`
	// PolicyIsPublic is what GetMultiRegionAccessPointPolicyStatus answers
	// for the established policy. Requires Policy.
	PolicyIsPublic bool `yaml:"policy_is_public"`
}

// MRAPRegion is one bucket behind a Multi-Region Access Point.
type MRAPRegion struct {
	Bucket string `yaml:"bucket"`
	// Region and BucketAccountID default to the fixture bucket's; both are
	// required for a bucket outside the fixture.
	Region          string `yaml:"region"`
	BucketAccountID string `yaml:"bucket_account_id"`
}

// BucketEncryption is a bucket's default encryption. A bucket without one
// in the fixture answers SSE-S3, as every bucket does since January 2023.
type BucketEncryption struct {
	SSEAlgorithm     string `yaml:"sse_algorithm"` // AES256 | aws:kms | aws:kms:dsse
	KMSMasterKeyID   string `yaml:"kms_master_key_id"`
	BucketKeyEnabled bool   `yaml:"bucket_key_enabled"`
	// BlockedEncryptionTypes are the object encryption types the bucket
	// refuses: SSE-C, or NONE.
	BlockedEncryptionTypes []string `yaml:"blocked_encryption_types"`
}

// BucketWebsite is a bucket's static website configuration.
type BucketWebsite struct {
	IndexDocument         string               `yaml:"index_document"` // IndexDocument.Suffix
	ErrorDocument         string               `yaml:"error_document"` // ErrorDocument.Key
	RedirectAllRequestsTo *WebsiteRedirect     `yaml:"redirect_all_requests_to"`
	RoutingRules          []WebsiteRoutingRule `yaml:"routing_rules"`
}

// WebsiteRedirect is where a website redirects (RedirectAllRequestsTo, or a
// routing rule's Redirect).
type WebsiteRedirect struct {
	HostName             string `yaml:"host_name"`
	Protocol             string `yaml:"protocol"` // http | https
	HTTPRedirectCode     string `yaml:"http_redirect_code"`
	ReplaceKeyPrefixWith string `yaml:"replace_key_prefix_with"`
	ReplaceKeyWith       string `yaml:"replace_key_with"`
}

// WebsiteRoutingRule is one routing rule of a website.
type WebsiteRoutingRule struct {
	KeyPrefixEquals             string          `yaml:"key_prefix_equals"`
	HTTPErrorCodeReturnedEquals string          `yaml:"http_error_code_returned_equals"`
	Redirect                    WebsiteRedirect `yaml:"redirect"`
}

var (
	// accessPointNameRE: 3-50 lower-case letters, digits and hyphens,
	// starting and ending with a letter or digit (User Guide, "Access points
	// naming rules"; the prefix xn-- and the suffix -s3alias are refused
	// too).
	accessPointNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$`)
	// mrapNameRE is the Name pattern of the S3 Control API Reference.
	mrapNameRE  = regexp.MustCompile(`^[a-z0-9][-a-z0-9]{1,48}[a-z0-9]$`)
	mrapAliasRE = regexp.MustCompile(`^[a-z0-9]{13}\.mrap$`)
	vpcIDRE     = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
)

var (
	mrapStatuses  = []string{"READY", "INCONSISTENT_ACROSS_REGIONS", "CREATING", "PARTIALLY_CREATED", "PARTIALLY_DELETED", "DELETING"}
	sseAlgorithms = []string{"AES256", "aws:kms", "aws:kms:dsse"}
)

// bucketReads checks the encryption and website sections of an account's
// buckets.
func (v *validator) bucketReads(p []any, a *Account) {
	for j, b := range a.S3.Buckets {
		if b == nil {
			continue
		}
		bp := at(p, "s3", "buckets", j)
		if e := b.Encryption; e != nil {
			ep := at(bp, "encryption")
			if !slices.Contains(sseAlgorithms, e.SSEAlgorithm) {
				v.errf(at(ep, "sse_algorithm"), "sse_algorithm %q is not one of %s", e.SSEAlgorithm, strings.Join(sseAlgorithms, ", "))
			}
			if e.SSEAlgorithm == "AES256" && e.KMSMasterKeyID != "" {
				v.errf(at(ep, "kms_master_key_id"), "an AES256 (SSE-S3) configuration has no KMS key")
			}
			for k, t := range e.BlockedEncryptionTypes {
				if t != "SSE-C" && t != "NONE" {
					v.errf(at(ep, "blocked_encryption_types", k), "blocked encryption type %q is not SSE-C or NONE", t)
				}
			}
		}
		if w := b.Website; w != nil {
			wp := at(bp, "website")
			if r := w.RedirectAllRequestsTo; r != nil {
				// S3 refuses other elements beside RedirectAllRequestsTo.
				if w.IndexDocument != "" || w.ErrorDocument != "" || len(w.RoutingRules) > 0 {
					v.errf(wp, "a website that redirects all requests has no index, error document or routing rules")
				}
				if r.HostName == "" {
					v.errf(at(wp, "redirect_all_requests_to", "host_name"), "redirect_all_requests_to needs a host_name")
				}
				v.protocol(at(wp, "redirect_all_requests_to", "protocol"), r.Protocol)
			} else if w.IndexDocument == "" {
				v.errf(wp, "a website needs an index_document or redirect_all_requests_to")
			}
			for k, rr := range w.RoutingRules {
				v.protocol(at(wp, "routing_rules", k, "redirect", "protocol"), rr.Redirect.Protocol)
			}
		}
	}
}

func (v *validator) protocol(p []any, proto string) {
	if proto != "" && proto != "http" && proto != "https" {
		v.errf(p, "protocol %q is not http or https", proto)
	}
}

// accessPoints checks every account's access points and Multi-Region Access
// Points against the buckets of the whole fixture.
func (v *validator) accessPoints(w *World) {
	owners := map[string]*Account{}
	buckets := map[string]*Bucket{}
	for _, a := range w.Accounts {
		if a == nil {
			continue
		}
		for _, b := range a.S3.Buckets {
			if b != nil {
				owners[b.Name], buckets[b.Name] = a, b
			}
		}
	}
	for i, a := range w.Accounts {
		if a == nil {
			continue
		}
		p := at(nil, "accounts", i, "s3")
		seen := map[[2]string]bool{}
		for j, ap := range a.S3.AccessPoints {
			pp := at(p, "access_points", j)
			if ap == nil {
				v.errf(pp, "empty access point")
				continue
			}
			if !validAccessPointName(ap.Name) {
				v.errf(at(pp, "name"), "%q is not an access point name (3-50 lower-case letters, digits and hyphens, not ending in -s3alias)", ap.Name)
			}
			if !validBucketName(ap.Bucket) {
				v.errf(at(pp, "bucket"), "%q is not a valid bucket name", ap.Bucket)
			}
			if ap.BucketAccountID != "" && !accountIDRE.MatchString(ap.BucketAccountID) {
				v.errf(at(pp, "bucket_account_id"), "bucket_account_id %q is not 12 digits", ap.BucketAccountID)
			}
			if ap.Region != "" && !validRegion(ap.Region) {
				v.errf(at(pp, "region"), "%q is not a region name", ap.Region)
			}
			if owner, ok := owners[ap.Bucket]; ok {
				if ap.BucketAccountID != "" && ap.BucketAccountID != owner.ID {
					v.errf(at(pp, "bucket_account_id"), "bucket %s belongs to account %s, not %s", ap.Bucket, owner.ID, ap.BucketAccountID)
				}
				if br := bucketRegion(owner, buckets[ap.Bucket]); ap.Region != "" && ap.Region != br {
					v.errf(at(pp, "region"), "an access point lives in its bucket's region: bucket %s is in %s, not %s", ap.Bucket, br, ap.Region)
				}
			} else if ap.BucketAccountID == "" || ap.BucketAccountID == a.ID {
				v.errf(at(pp, "bucket"), "bucket %s is not in the fixture; an access point for another account's bucket names it with bucket_account_id", ap.Bucket)
			}
			region := accessPointRegion(a, ap, owners, buckets)
			if validRegion(region) && !a.regionEnabled(region) {
				v.errf(at(pp, "region"), "region %s is not enabled for account %s", region, a.ID)
			}
			if k := [2]string{region, ap.Name}; seen[k] {
				v.errf(at(pp, "name"), "access point %s appears twice in %s", ap.Name, region)
			} else {
				seen[k] = true
			}
			if ap.VPCID != "" && !vpcIDRE.MatchString(ap.VPCID) {
				v.errf(at(pp, "vpc_id"), "%q is not a VPC id", ap.VPCID)
			}
			if ap.PolicyIsPublic && ap.Policy == nil {
				v.errf(at(pp, "policy_is_public"), "policy_is_public needs a policy")
			}
		}
		v.mraps(p, a, owners, buckets)
	}
}

func validAccessPointName(n string) bool {
	return accessPointNameRE.MatchString(n) && !strings.HasPrefix(n, "xn--") && !strings.HasSuffix(n, "-s3alias")
}

// accessPointRegion is where ap lives: its own region, its fixture bucket's,
// or the account's first region.
func accessPointRegion(a *Account, ap *AccessPoint, owners map[string]*Account, buckets map[string]*Bucket) string {
	if ap.Region != "" {
		return ap.Region
	}
	if owner, ok := owners[ap.Bucket]; ok {
		return bucketRegion(owner, buckets[ap.Bucket])
	}
	return a.homeRegion()
}

func (v *validator) mraps(p []any, a *Account, owners map[string]*Account, buckets map[string]*Bucket) {
	// ListMultiRegionAccessPoints: "up to 100 Multi-Region Access Points,
	// the maximum number ... that can be associated with a single account".
	if len(a.S3.MultiRegionAccessPoints) > 100 {
		v.errf(at(p, "multi_region_access_points"), "an account has at most 100 Multi-Region Access Points, not %d", len(a.S3.MultiRegionAccessPoints))
	}
	names := map[string]bool{}
	for j, m := range a.S3.MultiRegionAccessPoints {
		mp := at(p, "multi_region_access_points", j)
		if m == nil {
			v.errf(mp, "empty Multi-Region Access Point")
			continue
		}
		if !mrapNameRE.MatchString(m.Name) {
			v.errf(at(mp, "name"), "%q is not a Multi-Region Access Point name (3-50 lower-case letters, digits and hyphens)", m.Name)
		} else if names[m.Name] {
			v.errf(at(mp, "name"), "Multi-Region Access Point %s appears twice", m.Name)
		}
		names[m.Name] = true
		if m.Alias != "" && !mrapAliasRE.MatchString(m.Alias) {
			v.errf(at(mp, "alias"), "alias %q is not 13 lower-case letters and digits followed by .mrap", m.Alias)
		}
		if m.Status != "" && !slices.Contains(mrapStatuses, m.Status) {
			v.errf(at(mp, "status"), "status %q is not one of %s", m.Status, strings.Join(mrapStatuses, ", "))
		}
		if len(m.Regions) == 0 {
			v.errf(at(mp, "regions"), "a Multi-Region Access Point needs at least one bucket")
		}
		regions := map[string]bool{}
		for k, r := range m.Regions {
			rp := at(mp, "regions", k)
			if !validBucketName(r.Bucket) {
				v.errf(at(rp, "bucket"), "%q is not a valid bucket name", r.Bucket)
			}
			region, account := r.Region, r.BucketAccountID
			if owner, ok := owners[r.Bucket]; ok {
				br := bucketRegion(owner, buckets[r.Bucket])
				if region != "" && region != br {
					v.errf(at(rp, "region"), "bucket %s is in %s, not %s", r.Bucket, br, region)
				}
				if account != "" && account != owner.ID {
					v.errf(at(rp, "bucket_account_id"), "bucket %s belongs to account %s, not %s", r.Bucket, owner.ID, account)
				}
				region = br
			} else if !validRegion(region) || !accountIDRE.MatchString(account) {
				v.errf(rp, "bucket %s is not in the fixture, so it needs its region and bucket_account_id", r.Bucket)
				continue
			}
			// A Multi-Region Access Point has one bucket per Region (User
			// Guide, "Multi-Region Access Point restrictions and limitations").
			if regions[region] {
				v.errf(rp, "a Multi-Region Access Point has one bucket per region; %s appears twice", region)
			}
			regions[region] = true
		}
		if m.PolicyIsPublic && m.Policy == nil {
			v.errf(at(mp, "policy_is_public"), "policy_is_public needs a policy")
		}
		if m.ProposedPolicy != nil && m.Policy == nil {
			v.errf(at(mp, "proposed_policy"), "a proposed policy is an update of an established policy")
		}
	}
}

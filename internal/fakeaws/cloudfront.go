package fakeaws

import (
	"crypto/sha256"
	"encoding/base32"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// CloudFront (REST-XML, API version 2020-05-31, global: the SDK signs for
// us-east-1). Bodies follow the botocore/Smithy model's element names, the
// namespace is http://cloudfront.amazonaws.com/doc/2020-05-31/ and the
// Content-Type text/xml (aws/aws-sdk-ruby#1067 shows a real GetDistribution
// exchange). Errors are the query envelope <ErrorResponse><Error><Type>
// <Code><Message>, as CloudFront sends them (spacecatninja/craft-imager-x#19
// quotes one); the protocol table in errors.go renders CloudFront so.

const cfNS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"

func cloudfrontService() *service {
	return &service{route: func(c *call) (operation, bool) {
		if c.r.Method != http.MethodGet {
			return operation{}, false
		}
		rest, ok := strings.CutPrefix(c.r.URL.EscapedPath(), "/2020-05-31/")
		if !ok {
			return operation{}, false
		}
		var seg []string
		for _, s := range strings.Split(strings.TrimSuffix(rest, "/"), "/") {
			if u, err := url.PathUnescape(s); err == nil {
				s = u
			}
			seg = append(seg, s)
		}
		op := func(name, resource string, h func(*call) (*response, error)) (operation, bool) {
			return operation{name: name, resource: resource, handle: h}, true
		}
		switch {
		case len(seg) == 1 && seg[0] == "distribution":
			return op("ListDistributions", "", cfListDistributions)
		case len(seg) == 2 && seg[0] == "distribution":
			return op("GetDistribution", seg[1], func(c *call) (*response, error) { return cfGetDistribution(c, seg[1], false) })
		case len(seg) == 3 && seg[0] == "distribution" && seg[2] == "config":
			return op("GetDistributionConfig", seg[1], func(c *call) (*response, error) { return cfGetDistribution(c, seg[1], true) })
		case len(seg) == 2 && seg[0] == "distributionsByWebACLId":
			return op("ListDistributionsByWebACLId", seg[1], func(c *call) (*response, error) { return cfListByWebACL(c, seg[1]) })
		case len(seg) == 1 && seg[0] == "origin-access-control":
			return op("ListOriginAccessControls", "", cfListOACs)
		case len(seg) == 2 && seg[0] == "origin-access-control":
			return op("GetOriginAccessControl", seg[1], func(c *call) (*response, error) { return cfGetOAC(c, seg[1]) })
		case len(seg) == 2 && seg[0] == "origin-access-identity" && seg[1] == "cloudfront":
			return op("ListCloudFrontOriginAccessIdentities", "", cfListOAIs)
		case len(seg) == 3 && seg[0] == "origin-access-identity" && seg[1] == "cloudfront":
			return op("GetCloudFrontOriginAccessIdentity", seg[2], func(c *call) (*response, error) { return cfGetOAI(c, seg[2]) })
		case len(seg) == 1 && seg[0] == "function":
			return op("ListFunctions", "", cfListFunctions)
		}
		return operation{}, false
	}}
}

func cfXML(body string, etag string) *response {
	r := xmlResponse("text/xml", body)
	if etag != "" {
		r.header.Set("ETag", etag)
	}
	return r
}

// cfEtag derives an ETag (E + 13 upper-case letters and digits) from seed.
func cfEtag(seed string) string {
	sum := sha256.Sum256([]byte("cloudfront-etag:" + seed))
	return "E" + base32.StdEncoding.EncodeToString(sum[:])[:13]
}

// cfPage pages a list of n items sorted by key the CloudFront way: Marker
// is the key of the last item of the previous page and the page holds the
// items after it; MaxItems (a string) defaults to 100. The fake caps a page
// at 1,000 items.
func cfPage(c *call, keys []string) (start, end int, maxItems int, marker, next string, err error) {
	q := c.r.URL.Query()
	maxItems = 100
	if q.Has("MaxItems") {
		n, err := strconv.Atoi(q.Get("MaxItems"))
		if err != nil || n < 0 {
			return 0, 0, 0, "", "", errorFor("cloudfront", "InvalidArgument", "Invalid MaxItems value: "+q.Get("MaxItems"))
		}
		maxItems = n
	}
	marker = q.Get("Marker")
	start = len(keys)
	for i, k := range keys {
		if marker == "" || k > marker {
			start = i
			break
		}
	}
	end = min(len(keys), start+min(maxItems, 1000))
	if end < len(keys) && end > start {
		next = keys[end-1]
	}
	return start, end, maxItems, marker, next, nil
}

// cfListHeader writes the paging members every CloudFront list shares.
func cfListHeader(x *xmlw, marker, next string, maxItems, quantity int) {
	x.leaf("Marker", marker).leafIf("NextMarker", next).leaf("MaxItems", strconv.Itoa(maxItems)).
		boolLeaf("IsTruncated", next != "").leaf("Quantity", strconv.Itoa(quantity))
}

// cfDist is a distribution with its derived identity.
type cfDist struct {
	d      *Distribution
	id     string
	domain string
}

func cfDistributions(a *Account) []cfDist {
	var out []cfDist
	for i, d := range a.CloudFront.Distributions {
		if d != nil {
			id := d.id(a, i)
			out = append(out, cfDist{d, id, d.domainName(id)})
		}
	}
	slices.SortFunc(out, func(x, y cfDist) int { return strings.Compare(x.id, y.id) })
	return out
}

func cfARN(a *Account, id string) string {
	return "arn:aws:cloudfront::" + a.ID + ":distribution/" + id
}

func (cd cfDist) etag() string { return orDefault(cd.d.ETag, cfEtag("distribution:"+cd.id)) }

// webACLID is the distribution's WebACLId: the ARN of the named web ACL,
// the verbatim id, or "".
func (cd cfDist) webACLID(a *Account) string {
	if cd.d.WebACL != "" {
		if w := findWebACL(a, "CLOUDFRONT", "us-east-1", func(w *WebACL) bool { return w.Name == cd.d.WebACL }); w != nil {
			return webACLARN(a, w)
		}
	}
	return cd.d.WebACLID
}

func cfListDistributions(c *call) (*response, error) {
	return cfWriteDistributionList(c, cfDistributions(c.account()))
}

// cfListByWebACL answers ListDistributionsByWebACLId: the distributions
// whose WebACLId is the given id (a WAFv2 ARN or a Classic id), in a
// DistributionList as the model says.
func cfListByWebACL(c *call, webACLID string) (*response, error) {
	a := c.account()
	var ds []cfDist
	for _, cd := range cfDistributions(a) {
		if cd.webACLID(a) == webACLID {
			ds = append(ds, cd)
		}
	}
	return cfWriteDistributionList(c, ds)
}

func cfWriteDistributionList(c *call, ds []cfDist) (*response, error) {
	a := c.account()
	keys := make([]string, len(ds))
	for i, cd := range ds {
		keys[i] = cd.id
	}
	start, end, maxItems, marker, next, err := cfPage(c, keys)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	x := newXML(&b).open("DistributionList", "xmlns", cfNS)
	cfListHeader(x, marker, next, maxItems, end-start)
	if end > start {
		x.open("Items")
		for _, cd := range ds[start:end] {
			d := cd.d
			x.open("DistributionSummary").leaf("Id", cd.id).leaf("ARN", cfARN(a, cd.id)).leaf("ETag", cd.etag()).
				leaf("Status", orDefault(d.Status, "Deployed")).leaf("LastModifiedTime", isoMillis(orDefaultTime(d.LastModified))).
				leaf("DomainName", cd.domain)
			cfConfigBody(x, a, d, false)
			x.boolLeaf("Staging", d.Staging)
			x.close("DistributionSummary")
		}
		x.close("Items")
	}
	x.close("DistributionList")
	return cfXML(b.String(), ""), nil
}

// cfFind finds a distribution of the caller's account by id.
func cfFind(c *call, id string) (cfDist, error) {
	for _, cd := range cfDistributions(c.account()) {
		if cd.id == id {
			return cd, nil
		}
	}
	return cfDist{}, errorFor("cloudfront", "NoSuchDistribution", "")
}

// cfGetDistribution answers GetDistribution, or GetDistributionConfig when
// configOnly; both carry the distribution's ETag header.
func cfGetDistribution(c *call, id string, configOnly bool) (*response, error) {
	cd, err := cfFind(c, id)
	if err != nil {
		return nil, err
	}
	a, d := c.account(), cd.d
	var b strings.Builder
	x := newXML(&b)
	if configOnly {
		x.open("DistributionConfig", "xmlns", cfNS)
		cfDistributionConfig(x, a, cd)
		x.close("DistributionConfig")
		return cfXML(b.String(), cd.etag()), nil
	}
	x.open("Distribution", "xmlns", cfNS).leaf("Id", cd.id).leaf("ARN", cfARN(a, cd.id)).
		leaf("Status", orDefault(d.Status, "Deployed")).leaf("LastModifiedTime", isoMillis(orDefaultTime(d.LastModified))).
		leaf("InProgressInvalidationBatches", "0").leaf("DomainName", cd.domain)
	x.open("ActiveTrustedSigners").boolLeaf("Enabled", false).leaf("Quantity", "0").close("ActiveTrustedSigners")
	groups := cfTrustedKeyGroups(d)
	x.open("ActiveTrustedKeyGroups").boolLeaf("Enabled", len(groups) > 0).leaf("Quantity", strconv.Itoa(len(groups)))
	if len(groups) > 0 {
		x.open("Items")
		for _, g := range groups {
			x.open("KeyGroup").leaf("KeyGroupId", g).open("KeyPairIds").leaf("Quantity", "0").close("KeyPairIds").close("KeyGroup")
		}
		x.close("Items")
	}
	x.close("ActiveTrustedKeyGroups")
	x.open("DistributionConfig")
	cfDistributionConfig(x, a, cd)
	x.close("DistributionConfig").close("Distribution")
	return cfXML(b.String(), cd.etag()), nil
}

// cfTrustedKeyGroups are the key groups any cache behavior trusts, sorted.
func cfTrustedKeyGroups(d *Distribution) []string {
	var out []string
	for _, b := range append([]*CacheBehavior{d.DefaultCacheBehavior}, d.CacheBehaviors...) {
		if b != nil {
			out = append(out, b.TrustedKeyGroups...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// cfDistributionConfig writes the members of a DistributionConfig.
func cfDistributionConfig(x *xmlw, a *Account, cd cfDist) {
	d := cd.d
	x.leaf("CallerReference", "fakeaws-"+cd.id)
	cfConfigBody(x, a, d, true)
	x.boolLeaf("Staging", d.Staging)
}

// cfConfigBody writes what DistributionSummary and DistributionConfig
// share, in the model's order; full adds DistributionConfig's own members
// (DefaultRootObject, Logging).
func cfConfigBody(x *xmlw, a *Account, d *Distribution, full bool) {
	cfStrings(x, "Aliases", "CNAME", d.Aliases)
	if full {
		x.leaf("DefaultRootObject", d.DefaultRootObject)
	}
	x.open("Origins").leaf("Quantity", strconv.Itoa(len(d.Origins))).open("Items")
	for _, o := range d.Origins {
		cfOrigin(x, a, o)
	}
	x.close("Items").close("Origins")
	x.open("OriginGroups").leaf("Quantity", strconv.Itoa(len(d.OriginGroups)))
	if len(d.OriginGroups) > 0 {
		x.open("Items")
		for _, g := range d.OriginGroups {
			codes := g.FailoverStatusCodes
			if len(codes) == 0 {
				codes = []int{500, 502, 503, 504}
			}
			x.open("OriginGroup").leaf("Id", g.ID).open("FailoverCriteria").open("StatusCodes").
				leaf("Quantity", strconv.Itoa(len(codes))).open("Items")
			for _, sc := range codes {
				x.leaf("StatusCode", strconv.Itoa(sc))
			}
			x.close("Items").close("StatusCodes").close("FailoverCriteria")
			x.open("Members").leaf("Quantity", strconv.Itoa(len(g.Members))).open("Items")
			for _, m := range g.Members {
				x.open("OriginGroupMember").leaf("OriginId", m).close("OriginGroupMember")
			}
			x.close("Items").close("Members").leaf("SelectionCriteria", "default").close("OriginGroup")
		}
		x.close("Items")
	}
	x.close("OriginGroups")
	x.open("DefaultCacheBehavior")
	cfBehavior(x, a, d.DefaultCacheBehavior)
	x.close("DefaultCacheBehavior")
	x.open("CacheBehaviors").leaf("Quantity", strconv.Itoa(len(d.CacheBehaviors)))
	if len(d.CacheBehaviors) > 0 {
		x.open("Items")
		for _, b := range d.CacheBehaviors {
			x.open("CacheBehavior").leaf("PathPattern", b.PathPattern)
			cfBehavior(x, a, b)
			x.close("CacheBehavior")
		}
		x.close("Items")
	}
	x.close("CacheBehaviors")
	x.open("CustomErrorResponses").leaf("Quantity", "0").close("CustomErrorResponses")
	x.leaf("Comment", d.Comment)
	if full {
		l := d.Logging
		if l == nil {
			l = &CloudFrontLogging{}
		}
		x.open("Logging").boolLeaf("Enabled", d.Logging != nil).boolLeaf("IncludeCookies", l.IncludeCookies).
			leaf("Bucket", l.Bucket).leaf("Prefix", l.Prefix).close("Logging")
	}
	x.leaf("PriceClass", orDefault(d.PriceClass, "PriceClass_All")).
		boolLeaf("Enabled", d.Enabled == nil || *d.Enabled)
	cfViewerCertificate(x, d.ViewerCertificate)
	g := d.GeoRestriction
	if g == nil {
		g = &CloudFrontGeoFilter{}
	}
	x.open("Restrictions").open("GeoRestriction").leaf("RestrictionType", orDefault(g.Type, "none")).
		leaf("Quantity", strconv.Itoa(len(g.Locations)))
	if len(g.Locations) > 0 {
		x.open("Items")
		for _, l := range g.Locations {
			x.leaf("Location", l)
		}
		x.close("Items")
	}
	x.close("GeoRestriction").close("Restrictions")
	x.leaf("WebACLId", cfDist{d: d}.webACLID(a)).leaf("HttpVersion", orDefault(d.HTTPVersion, "http2")).
		boolLeaf("IsIPV6Enabled", d.IPv6 == nil || *d.IPv6)
}

// cfStrings writes a {Quantity, Items} list of strings; Items is left out
// when empty, as CloudFront does.
func cfStrings(x *xmlw, name, member string, items []string) {
	x.open(name).leaf("Quantity", strconv.Itoa(len(items)))
	if len(items) > 0 {
		x.open("Items")
		for _, it := range items {
			x.leaf(member, it)
		}
		x.close("Items")
	}
	x.close(name)
}

func cfOrigin(x *xmlw, a *Account, o *CloudFrontOrigin) {
	x.open("Origin").leaf("Id", o.ID).leaf("DomainName", o.DomainName).leaf("OriginPath", o.OriginPath)
	names := make([]string, 0, len(o.CustomHeaders))
	for k := range o.CustomHeaders {
		names = append(names, k)
	}
	slices.Sort(names)
	x.open("CustomHeaders").leaf("Quantity", strconv.Itoa(len(names)))
	if len(names) > 0 {
		x.open("Items")
		for _, n := range names {
			x.open("OriginCustomHeader").leaf("HeaderName", n).leaf("HeaderValue", o.CustomHeaders[n]).close("OriginCustomHeader")
		}
		x.close("Items")
	}
	x.close("CustomHeaders")
	if s := o.S3; s != nil {
		x.open("S3OriginConfig").leaf("OriginAccessIdentity", cfOAIPath(a, s.OriginAccessIdentity)).
			leaf("OriginReadTimeout", "30").close("S3OriginConfig")
	}
	if cu := o.Custom; cu != nil {
		protocols := cu.SSLProtocols
		if len(protocols) == 0 {
			protocols = []string{"TLSv1.2"}
		}
		x.open("CustomOriginConfig").leaf("HTTPPort", strconv.Itoa(orInt(cu.HTTPPort, 80))).
			leaf("HTTPSPort", strconv.Itoa(orInt(cu.HTTPSPort, 443))).leaf("OriginProtocolPolicy", cu.ProtocolPolicy).
			open("OriginSslProtocols").leaf("Quantity", strconv.Itoa(len(protocols))).open("Items")
		for _, p := range protocols {
			x.leaf("SslProtocol", p)
		}
		x.close("Items").close("OriginSslProtocols").
			leaf("OriginReadTimeout", strconv.Itoa(orInt(cu.ReadTimeout, 30))).
			leaf("OriginKeepaliveTimeout", strconv.Itoa(orInt(cu.KeepaliveTimeout, 5))).close("CustomOriginConfig")
	}
	x.leaf("ConnectionAttempts", "3").leaf("ConnectionTimeout", "10").
		open("OriginShield").boolLeaf("Enabled", false).close("OriginShield").
		leaf("OriginAccessControlId", cfOACID(a, o.OriginAccessControl)).close("Origin")
}

// cfOAIPath is S3OriginConfig.OriginAccessIdentity on the wire:
// origin-access-identity/cloudfront/ID, or "" without an OAI.
func cfOAIPath(a *Account, ref string) string {
	if ref == "" || strings.HasPrefix(ref, "origin-access-identity/") {
		return ref
	}
	for i, o := range a.CloudFront.OriginAccessIdentities {
		if o != nil && (o.Name == ref || o.id(a, i) == ref) {
			return "origin-access-identity/cloudfront/" + o.id(a, i)
		}
	}
	return "origin-access-identity/cloudfront/" + ref
}

// cfOACID resolves an OAC reference (name or id) to its id.
func cfOACID(a *Account, ref string) string {
	for _, o := range a.CloudFront.OriginAccessControls {
		if o != nil && ref != "" && (o.Name == ref || o.id(a) == ref) {
			return o.id(a)
		}
	}
	return ref
}

func orInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func cfBehavior(x *xmlw, a *Account, b *CacheBehavior) {
	if b == nil {
		b = &CacheBehavior{}
	}
	x.leaf("TargetOriginId", b.TargetOriginID)
	signers := b.TrustedSigners
	x.open("TrustedSigners").boolLeaf("Enabled", len(signers) > 0).leaf("Quantity", strconv.Itoa(len(signers)))
	if len(signers) > 0 {
		x.open("Items")
		for _, s := range signers {
			x.leaf("AwsAccountNumber", s)
		}
		x.close("Items")
	}
	x.close("TrustedSigners")
	x.open("TrustedKeyGroups").boolLeaf("Enabled", len(b.TrustedKeyGroups) > 0).leaf("Quantity", strconv.Itoa(len(b.TrustedKeyGroups)))
	if len(b.TrustedKeyGroups) > 0 {
		x.open("Items")
		for _, g := range b.TrustedKeyGroups {
			x.leaf("KeyGroup", g)
		}
		x.close("Items")
	}
	x.close("TrustedKeyGroups")
	x.leaf("ViewerProtocolPolicy", b.ViewerProtocolPolicy)
	allowed, cached := b.AllowedMethods, b.CachedMethods
	if len(allowed) == 0 {
		allowed = []string{"HEAD", "GET"}
	}
	if len(cached) == 0 {
		cached = []string{"HEAD", "GET"}
	}
	x.open("AllowedMethods").leaf("Quantity", strconv.Itoa(len(allowed))).open("Items")
	for _, m := range allowed {
		x.leaf("Method", m)
	}
	x.close("Items").open("CachedMethods").leaf("Quantity", strconv.Itoa(len(cached))).open("Items")
	for _, m := range cached {
		x.leaf("Method", m)
	}
	x.close("Items").close("CachedMethods").close("AllowedMethods")
	x.boolLeaf("SmoothStreaming", false).boolLeaf("Compress", b.Compress)
	x.open("LambdaFunctionAssociations").leaf("Quantity", strconv.Itoa(len(b.LambdaFunctionAssociations)))
	if len(b.LambdaFunctionAssociations) > 0 {
		x.open("Items")
		for _, l := range b.LambdaFunctionAssociations {
			x.open("LambdaFunctionAssociation").leaf("LambdaFunctionARN", l.ARN).leaf("EventType", l.EventType).
				boolLeaf("IncludeBody", l.IncludeBody).close("LambdaFunctionAssociation")
		}
		x.close("Items")
	}
	x.close("LambdaFunctionAssociations")
	x.open("FunctionAssociations").leaf("Quantity", strconv.Itoa(len(b.FunctionAssociations)))
	if len(b.FunctionAssociations) > 0 {
		x.open("Items")
		for _, f := range b.FunctionAssociations {
			arn := f.Function
			if !strings.HasPrefix(arn, "arn:") {
				arn = cfFunctionARN(a.ID, arn)
			}
			x.open("FunctionAssociation").leaf("FunctionARN", arn).leaf("EventType", f.EventType).close("FunctionAssociation")
		}
		x.close("Items")
	}
	x.close("FunctionAssociations")
	x.leaf("FieldLevelEncryptionId", b.FieldLevelEncryptionID).
		leaf("CachePolicyId", orDefault(b.CachePolicyID, cfCachingOptimized)).
		leafIf("OriginRequestPolicyId", b.OriginRequestPolicyID).
		leafIf("ResponseHeadersPolicyId", b.ResponseHeadersPolicyID)
}

// cfViewerCertificate writes the viewer certificate; without one in the
// fixture, CloudFront's default certificate as CloudFront reports it
// (SSLSupportMethod vip, MinimumProtocolVersion TLSv1, CertificateSource
// cloudfront).
func cfViewerCertificate(x *xmlw, c *ViewerCertificate) {
	x.open("ViewerCertificate")
	switch {
	case c == nil || c.CloudFrontDefaultCertificate:
		min := "TLSv1"
		if c != nil && c.MinimumProtocolVersion != "" {
			min = c.MinimumProtocolVersion
		}
		x.boolLeaf("CloudFrontDefaultCertificate", true).leaf("SSLSupportMethod", "vip").
			leaf("MinimumProtocolVersion", min).leaf("CertificateSource", "cloudfront")
	case c.ACMCertificateARN != "":
		x.boolLeaf("CloudFrontDefaultCertificate", false).leaf("ACMCertificateArn", c.ACMCertificateARN).
			leaf("SSLSupportMethod", orDefault(c.SSLSupportMethod, "sni-only")).
			leaf("MinimumProtocolVersion", orDefault(c.MinimumProtocolVersion, "TLSv1.2_2021")).
			leaf("Certificate", c.ACMCertificateARN).leaf("CertificateSource", "acm")
	default:
		x.boolLeaf("CloudFrontDefaultCertificate", false).leaf("IAMCertificateId", c.IAMCertificateID).
			leaf("SSLSupportMethod", orDefault(c.SSLSupportMethod, "sni-only")).
			leaf("MinimumProtocolVersion", orDefault(c.MinimumProtocolVersion, "TLSv1.2_2021")).
			leaf("Certificate", c.IAMCertificateID).leaf("CertificateSource", "iam")
	}
	x.close("ViewerCertificate")
}

// cfOACs are the account's origin access controls sorted by id.
func cfOACs(a *Account) []*OriginAccessControl {
	var out []*OriginAccessControl
	for _, o := range a.CloudFront.OriginAccessControls {
		if o != nil {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(x, y *OriginAccessControl) int { return strings.Compare(x.id(a), y.id(a)) })
	return out
}

// cfListOACs: without any OAC the list has no Items element (the
// ListOriginAccessControls docs say so).
func cfListOACs(c *call) (*response, error) {
	a := c.account()
	oacs := cfOACs(a)
	keys := make([]string, len(oacs))
	for i, o := range oacs {
		keys[i] = o.id(a)
	}
	start, end, maxItems, marker, next, err := cfPage(c, keys)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	x := newXML(&b).open("OriginAccessControlList", "xmlns", cfNS)
	cfListHeader(x, marker, next, maxItems, end-start)
	if end > start {
		x.open("Items")
		for _, o := range oacs[start:end] {
			x.open("OriginAccessControlSummary").leaf("Id", o.id(a)).leaf("Description", o.Description).leaf("Name", o.Name).
				leaf("SigningProtocol", orDefault(o.SigningProtocol, "sigv4")).leaf("SigningBehavior", orDefault(o.SigningBehavior, "always")).
				leaf("OriginAccessControlOriginType", orDefault(o.OriginType, "s3")).close("OriginAccessControlSummary")
		}
		x.close("Items")
	}
	x.close("OriginAccessControlList")
	return cfXML(b.String(), ""), nil
}

func cfGetOAC(c *call, id string) (*response, error) {
	a := c.account()
	for _, o := range cfOACs(a) {
		if o.id(a) != id {
			continue
		}
		var b strings.Builder
		newXML(&b).open("OriginAccessControl", "xmlns", cfNS).leaf("Id", id).open("OriginAccessControlConfig").
			leaf("Name", o.Name).leaf("Description", o.Description).
			leaf("SigningProtocol", orDefault(o.SigningProtocol, "sigv4")).leaf("SigningBehavior", orDefault(o.SigningBehavior, "always")).
			leaf("OriginAccessControlOriginType", orDefault(o.OriginType, "s3")).
			close("OriginAccessControlConfig").close("OriginAccessControl")
		return cfXML(b.String(), cfEtag("oac:"+id)), nil
	}
	return nil, errorFor("cloudfront", "NoSuchOriginAccessControl", "")
}

// cfOAI is an origin access identity with its id.
type cfOAI struct {
	o  *OriginAccessIdentity
	id string
}

func cfOAIs(a *Account) []cfOAI {
	var out []cfOAI
	for i, o := range a.CloudFront.OriginAccessIdentities {
		if o != nil {
			out = append(out, cfOAI{o, o.id(a, i)})
		}
	}
	slices.SortFunc(out, func(x, y cfOAI) int { return strings.Compare(x.id, y.id) })
	return out
}

func (o cfOAI) comment() string { return orDefault(o.o.Comment, o.o.Name) }

func cfListOAIs(c *call) (*response, error) {
	oais := cfOAIs(c.account())
	keys := make([]string, len(oais))
	for i, o := range oais {
		keys[i] = o.id
	}
	start, end, maxItems, marker, next, err := cfPage(c, keys)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	x := newXML(&b).open("CloudFrontOriginAccessIdentityList", "xmlns", cfNS)
	cfListHeader(x, marker, next, maxItems, end-start)
	if end > start {
		x.open("Items")
		for _, o := range oais[start:end] {
			x.open("CloudFrontOriginAccessIdentitySummary").leaf("Id", o.id).leaf("S3CanonicalUserId", s3CanonicalUserID(o.id)).
				leaf("Comment", o.comment()).close("CloudFrontOriginAccessIdentitySummary")
		}
		x.close("Items")
	}
	x.close("CloudFrontOriginAccessIdentityList")
	return cfXML(b.String(), ""), nil
}

func cfGetOAI(c *call, id string) (*response, error) {
	for _, o := range cfOAIs(c.account()) {
		if o.id != id {
			continue
		}
		var b strings.Builder
		newXML(&b).open("CloudFrontOriginAccessIdentity", "xmlns", cfNS).leaf("Id", id).
			leaf("S3CanonicalUserId", s3CanonicalUserID(id)).open("CloudFrontOriginAccessIdentityConfig").
			leaf("CallerReference", orDefault(o.o.CallerReference, "fakeaws-"+id)).leaf("Comment", o.comment()).
			close("CloudFrontOriginAccessIdentityConfig").close("CloudFrontOriginAccessIdentity")
		return cfXML(b.String(), cfEtag("oai:"+id)), nil
	}
	return nil, errorFor("cloudfront", "NoSuchCloudFrontOriginAccessIdentity", "")
}

// cfListFunctions lists CloudFront Functions, optionally those of one
// Stage, sorted by name and paged by name. A function's Status defaults to
// UNASSOCIATED for LIVE and UNPUBLISHED for DEVELOPMENT.
func cfListFunctions(c *call) (*response, error) {
	a := c.account()
	stage := c.r.URL.Query().Get("Stage")
	if stage != "" && stage != "LIVE" && stage != "DEVELOPMENT" {
		return nil, errorFor("cloudfront", "InvalidArgument", "Invalid Stage value: "+stage)
	}
	var fs []*CloudFrontFunction
	for _, f := range a.CloudFront.Functions {
		if f != nil && (stage == "" || orDefault(f.Stage, "LIVE") == stage) {
			fs = append(fs, f)
		}
	}
	slices.SortFunc(fs, func(x, y *CloudFrontFunction) int { return strings.Compare(x.Name, y.Name) })
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.Name
	}
	start, end, maxItems, _, next, err := cfPage(c, keys)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	x := newXML(&b).open("FunctionList", "xmlns", cfNS).leafIf("NextMarker", next).
		leaf("MaxItems", strconv.Itoa(maxItems)).leaf("Quantity", strconv.Itoa(end-start))
	if end > start {
		x.open("Items")
		for _, f := range fs[start:end] {
			st := orDefault(f.Stage, "LIVE")
			status := f.Status
			if status == "" {
				status = map[string]string{"LIVE": "UNASSOCIATED", "DEVELOPMENT": "UNPUBLISHED"}[st]
			}
			x.open("FunctionSummary").leaf("Name", f.Name).leaf("Status", status).
				open("FunctionConfig").leaf("Comment", f.Comment).leaf("Runtime", orDefault(f.Runtime, "cloudfront-js-2.0")).close("FunctionConfig").
				open("FunctionMetadata").leaf("FunctionARN", cfFunctionARN(a.ID, f.Name)).leaf("Stage", st).
				leaf("CreatedTime", isoMillis(orDefaultTime(f.Created))).
				leaf("LastModifiedTime", isoMillis(orDefaultTime(f.LastModified))).close("FunctionMetadata").
				close("FunctionSummary")
		}
		x.close("Items")
	}
	x.close("FunctionList")
	return cfXML(b.String(), ""), nil
}

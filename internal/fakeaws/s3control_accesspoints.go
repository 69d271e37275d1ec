package fakeaws

import (
	"crypto/sha256"
	"encoding/base32"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// S3 Control access points and Multi-Region Access Points (REST-XML,
// wrapped errors, host prefix {AccountId}. and x-amz-account-id as for
// GetPublicAccessBlock). Sources: S3 API Reference "ListAccessPoints",
// "GetAccessPoint", "GetAccessPointPolicy", "GetAccessPointPolicyStatus",
// "ListMultiRegionAccessPoints", "GetMultiRegionAccessPoint",
// "GetMultiRegionAccessPointPolicy", "GetMultiRegionAccessPointPolicyStatus";
// User Guide "View details for your access point for general purpose
// buckets" (Alias and Endpoints); aws-sdk-go-v2 service/s3control
// serializers.go (paths, query names) and deserializers.go (element names).

// mrapRegion is the only Region that serves the Multi-Region Access Point
// control plane ("This action will always be routed to the US West (Oregon)
// Region", API Reference).
const mrapRegion = "us-west-2"

// s3controlAccessPointRoute routes the access point and Multi-Region Access
// Point reads.
func s3controlAccessPointRoute(c *call) (operation, bool) {
	if c.r.Method != http.MethodGet {
		return operation{}, false
	}
	seg, ok := pathSegments(c.r.URL)
	if !ok || len(seg) < 2 || seg[0] != "v20180820" {
		return operation{}, false
	}
	op := func(name, resource string, h func(*call, string) (*response, error)) (operation, bool) {
		return operation{name: name, resource: resource, handle: func(c *call) (*response, error) { return h(c, resource) }}, true
	}
	switch {
	case seg[1] == "accesspoint" && len(seg) == 2:
		return op("ListAccessPoints", c.form.Get("bucket"), s3controlListAccessPoints)
	case seg[1] == "accesspoint" && len(seg) == 3:
		return op("GetAccessPoint", seg[2], s3controlGetAccessPoint)
	case seg[1] == "accesspoint" && len(seg) == 4 && seg[3] == "policy":
		return op("GetAccessPointPolicy", seg[2], s3controlGetAccessPointPolicy)
	case seg[1] == "accesspoint" && len(seg) == 4 && seg[3] == "policyStatus":
		return op("GetAccessPointPolicyStatus", seg[2], s3controlGetAccessPointPolicyStatus)
	case len(seg) >= 3 && seg[1] == "mrap" && seg[2] == "instances":
		switch {
		case len(seg) == 3:
			return op("ListMultiRegionAccessPoints", "", mrapHandler(s3controlListMRAPs))
		case len(seg) == 4:
			return op("GetMultiRegionAccessPoint", seg[3], mrapHandler(s3controlGetMRAP))
		case len(seg) == 5 && seg[4] == "policy":
			return op("GetMultiRegionAccessPointPolicy", seg[3], mrapHandler(s3controlGetMRAPPolicy))
		case len(seg) == 5 && seg[4] == "policystatus":
			return op("GetMultiRegionAccessPointPolicyStatus", seg[3], mrapHandler(s3controlGetMRAPPolicyStatus))
		}
	}
	return operation{}, false
}

func s3controlXML(body string) *response { return xmlResponse("application/xml", body) }

// accessPointsIn lists the account's access points in region, by name.
func (s *Server) accessPointsIn(a *Account, region string) []*AccessPoint {
	var out []*AccessPoint
	for _, ap := range a.S3.AccessPoints {
		if ap != nil && s.accessPointRegion(a, ap) == region {
			out = append(out, ap)
		}
	}
	slices.SortFunc(out, func(x, y *AccessPoint) int { return strings.Compare(x.Name, y.Name) })
	return out
}

func (s *Server) accessPointRegion(a *Account, ap *AccessPoint) string {
	if ap.Region != "" {
		return ap.Region
	}
	if ob, ok := s.buckets[ap.Bucket]; ok {
		return bucketRegion(ob.account, ob.bucket)
	}
	return a.homeRegion()
}

func (s *Server) accessPointBucketAccount(a *Account, ap *AccessPoint) string {
	if ap.BucketAccountID != "" {
		return ap.BucketAccountID
	}
	if ob, ok := s.buckets[ap.Bucket]; ok {
		return ob.account.ID
	}
	return a.ID
}

// accessPoint finds the caller's access point name in the signed region:
// access points are regional, so another region's is NoSuchAccessPoint.
func accessPoint(c *call, name string) (*Account, *AccessPoint, error) {
	a, err := c.targetAccount()
	if err != nil {
		return nil, nil, err
	}
	for _, ap := range c.srv.accessPointsIn(a, c.region) {
		if ap.Name == name {
			return a, ap, nil
		}
	}
	return nil, nil, errorFor("s3control", "NoSuchAccessPoint", "The specified accesspoint does not exist").with("AccessPointName", name)
}

// accessPointAlias is the alias S3 gives an access point: its name (cut to
// fit 63 characters), 34 characters of its own, and "-s3alias", as in the
// User Guide's "my-access-point-u1ny6bhm7moymqx8cuon8o1g4mwikuse2a-s3alias".
func accessPointAlias(account, region, name string) string {
	return shortName(name, 20) + "-" + derivedLower("ap-alias:"+account+region+name, 34) + "-s3alias"
}

func shortName(s string, n int) string {
	if len(s) > n {
		return strings.TrimRight(s[:n], "-")
	}
	return s
}

// derivedLower is n lower-case letters and digits derived from seed.
func derivedLower(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:]))[:n]
}

func accessPointARN(region, account, name string) string {
	return "arn:aws:s3:" + region + ":" + account + ":accesspoint/" + name
}

// defaultBlock is the Block Public Access S3 gives a new access point or
// Multi-Region Access Point: all four settings on.
var defaultBlock = PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}

func blockElems(x *xmlw, name string, p *PublicAccessBlock) {
	if p == nil {
		p = &defaultBlock
	}
	x.open(name).
		boolLeaf("BlockPublicAcls", p.BlockPublicAcls).
		boolLeaf("IgnorePublicAcls", p.IgnorePublicAcls).
		boolLeaf("BlockPublicPolicy", p.BlockPublicPolicy).
		boolLeaf("RestrictPublicBuckets", p.RestrictPublicBuckets).
		close(name)
}

// s3controlListAccessPoints lists the region's access points by name, at
// most 1,000 a page (maxResults 0-1000; 0 or none means 1,000), optionally
// only those of one bucket.
func s3controlListAccessPoints(c *call, bucket string) (*response, error) {
	a, err := c.targetAccount()
	if err != nil {
		return nil, err
	}
	limit := 1000
	if v := c.form.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			return nil, errorFor("s3control", "InvalidArgument", "maxResults must be between 0 and 1000").with("ArgumentName", "maxResults").with("ArgumentValue", v)
		}
		if n > 0 {
			limit = n
		}
	}
	aps := c.srv.accessPointsIn(a, c.region)
	if c.form.Has("bucket") {
		aps = slices.DeleteFunc(aps, func(ap *AccessPoint) bool { return ap.Bucket != bucket })
	}
	items, next, ok := page(aps, func(ap *AccessPoint) string { return ap.Name }, "ap", c.form.Get("nextToken"), limit)
	if !ok {
		return nil, errorFor("s3control", "InvalidArgument", "The continuation token provided is incorrect").with("ArgumentName", "nextToken")
	}
	var b strings.Builder
	x := newXML(&b).open("ListAccessPointsResult", "xmlns", s3controlNS)
	if len(items) == 0 {
		x.empty("AccessPointList")
	} else {
		x.open("AccessPointList")
		for _, ap := range items {
			x.open("AccessPoint").leaf("Name", ap.Name)
			c.srv.networkElems(x, ap)
			x.leaf("Bucket", ap.Bucket).
				leaf("AccessPointArn", accessPointARN(c.region, a.ID, ap.Name)).
				leaf("Alias", accessPointAlias(a.ID, c.region, ap.Name)).
				leaf("BucketAccountId", c.srv.accessPointBucketAccount(a, ap)).
				close("AccessPoint")
		}
		x.close("AccessPointList")
	}
	x.leafIf("NextToken", next).close("ListAccessPointsResult")
	return s3controlXML(b.String()), nil
}

// networkElems writes NetworkOrigin (VPC with a VPC id, else Internet) and
// the VpcConfiguration of a VPC access point.
func (s *Server) networkElems(x *xmlw, ap *AccessPoint) {
	if ap.VPCID == "" {
		x.leaf("NetworkOrigin", "Internet")
		return
	}
	x.leaf("NetworkOrigin", "VPC").open("VpcConfiguration").leaf("VpcId", ap.VPCID).close("VpcConfiguration")
}

// s3controlGetAccessPoint answers the access point's configuration with its
// own Block Public Access, alias, ARN and endpoints.
func s3controlGetAccessPoint(c *call, name string) (*response, error) {
	a, ap, err := accessPoint(c, name)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	x := newXML(&b).open("GetAccessPointResult", "xmlns", s3controlNS).leaf("Name", ap.Name).leaf("Bucket", ap.Bucket)
	c.srv.networkElems(x, ap)
	blockElems(x, "PublicAccessBlockConfiguration", ap.PublicAccessBlock)
	x.leaf("CreationDate", isoMillis(orDefaultTime(ap.Created))).
		leaf("Alias", accessPointAlias(a.ID, c.region, ap.Name)).
		leaf("AccessPointArn", accessPointARN(c.region, a.ID, ap.Name)).
		open("Endpoints")
	for _, e := range [][2]string{
		{"ipv4", "s3-accesspoint." + c.region + ".amazonaws.com"},
		{"fips", "s3-accesspoint-fips." + c.region + ".amazonaws.com"},
		{"fips_dualstack", "s3-accesspoint-fips.dualstack." + c.region + ".amazonaws.com"},
		{"dualstack", "s3-accesspoint.dualstack." + c.region + ".amazonaws.com"},
	} {
		x.open("entry").leaf("key", e[0]).leaf("value", e[1]).close("entry")
	}
	x.close("Endpoints").leaf("BucketAccountId", c.srv.accessPointBucketAccount(a, ap)).close("GetAccessPointResult")
	return s3controlXML(b.String()), nil
}

func noSuchAccessPointPolicy(name string) error {
	return errorFor("s3control", "NoSuchAccessPointPolicy", "The specified accesspoint policy does not exist").with("AccessPointName", name)
}

// s3controlGetAccessPointPolicy answers the policy text as the fixture
// gives it; an access point without one is NoSuchAccessPointPolicy.
func s3controlGetAccessPointPolicy(c *call, name string) (*response, error) {
	_, ap, err := accessPoint(c, name)
	if err != nil {
		return nil, err
	}
	if ap.Policy == nil {
		return nil, noSuchAccessPointPolicy(name)
	}
	var b strings.Builder
	newXML(&b).open("GetAccessPointPolicyResult", "xmlns", s3controlNS).leaf("Policy", ap.Policy.JSON).close("GetAccessPointPolicyResult")
	return s3controlXML(b.String()), nil
}

// s3controlGetAccessPointPolicyStatus answers the fixture's verdict; without
// a policy it is NoSuchAccessPointPolicy, as for a bucket's policy status.
func s3controlGetAccessPointPolicyStatus(c *call, name string) (*response, error) {
	_, ap, err := accessPoint(c, name)
	if err != nil {
		return nil, err
	}
	if ap.Policy == nil {
		return nil, noSuchAccessPointPolicy(name)
	}
	var b strings.Builder
	newXML(&b).open("GetAccessPointPolicyStatusResult", "xmlns", s3controlNS).open("PolicyStatus").
		boolLeaf("IsPublic", ap.PolicyIsPublic).close("PolicyStatus").close("GetAccessPointPolicyStatusResult")
	return s3controlXML(b.String()), nil
}

// mrapHandler serves a Multi-Region Access Point call from us-west-2 only.
// aws-sdk-go-v2 does not route these calls itself (its endpoint rules use
// the client's Region), and S3 answers any other Region with a 301
// PermanentRedirect that names no endpoint: "This API operation is only
// available in the following Regions: us-west-2. Make sure to send all
// future requests to a supported Region." (gruntwork-io/cloud-nuke#667).
func mrapHandler(h func(*call, *Account, string) (*response, error)) func(*call, string) (*response, error) {
	return func(c *call, name string) (*response, error) {
		if c.region != mrapRegion {
			return nil, errorFor("s3control", "PermanentRedirect", "This API operation is only available in the following Regions: "+mrapRegion+". Make sure to send all future requests to a supported Region.")
		}
		a, err := c.targetAccount()
		if err != nil {
			return nil, err
		}
		return h(c, a, name)
	}
}

func findMRAP(a *Account, name string) (*MultiRegionAccessPoint, error) {
	for _, m := range a.S3.MultiRegionAccessPoints {
		if m != nil && m.Name == name {
			return m, nil
		}
	}
	return nil, errorFor("s3control", "NoSuchMultiRegionAccessPoint", "The specified Multi-Region Access Point does not exist")
}

// mrapAlias is a Multi-Region Access Point's alias: 13 characters and
// ".mrap" (e.g. mfzwi23gnjvgw.mrap).
func mrapAlias(account string, m *MultiRegionAccessPoint) string {
	if m.Alias != "" {
		return m.Alias
	}
	return derivedLower("mrap-alias:"+account+m.Name, 13) + ".mrap"
}

// mrapReport writes a MultiRegionAccessPointReport.
func (s *Server) mrapReport(x *xmlw, elem string, a *Account, m *MultiRegionAccessPoint) {
	x.open(elem).leaf("Name", m.Name).leaf("Alias", mrapAlias(a.ID, m)).leaf("CreatedAt", isoMillis(orDefaultTime(m.Created)))
	blockElems(x, "PublicAccessBlock", m.PublicAccessBlock)
	x.leaf("Status", orDefault(m.Status, "READY")).open("Regions")
	for _, r := range m.Regions {
		region, account := r.Region, r.BucketAccountID
		if ob, ok := s.buckets[r.Bucket]; ok {
			region, account = bucketRegion(ob.account, ob.bucket), ob.account.ID
		}
		x.open("Region").leaf("Bucket", r.Bucket).leaf("Region", region).leaf("BucketAccountId", account).close("Region")
	}
	x.close("Regions").close(elem)
}

// s3controlListMRAPs lists every Multi-Region Access Point of the account in
// one answer: the API Reference says maxResults and nextToken are "Not
// currently used" and a call returns up to 100, the most an account can
// have. Both parameters are accepted and ignored.
func s3controlListMRAPs(c *call, a *Account, _ string) (*response, error) {
	ms := slices.DeleteFunc(slices.Clone(a.S3.MultiRegionAccessPoints), func(m *MultiRegionAccessPoint) bool { return m == nil })
	slices.SortFunc(ms, func(x, y *MultiRegionAccessPoint) int { return strings.Compare(x.Name, y.Name) })
	var b strings.Builder
	x := newXML(&b).open("ListMultiRegionAccessPointsResult", "xmlns", s3controlNS)
	if len(ms) == 0 {
		x.empty("AccessPoints")
	} else {
		x.open("AccessPoints")
		for _, m := range ms {
			c.srv.mrapReport(x, "AccessPoint", a, m)
		}
		x.close("AccessPoints")
	}
	x.close("ListMultiRegionAccessPointsResult")
	return s3controlXML(b.String()), nil
}

func s3controlGetMRAP(c *call, a *Account, name string) (*response, error) {
	m, err := findMRAP(a, name)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	x := newXML(&b).open("GetMultiRegionAccessPointResult", "xmlns", s3controlNS)
	c.srv.mrapReport(x, "AccessPoint", a, m)
	x.close("GetMultiRegionAccessPointResult")
	return s3controlXML(b.String()), nil
}

// s3controlGetMRAPPolicy answers the established and proposed policies (the
// proposed one is the established one once an update has propagated). For a
// Multi-Region Access Point that never had a policy AWS documents no answer;
// the fake sends an empty Policy element.
func s3controlGetMRAPPolicy(c *call, a *Account, name string) (*response, error) {
	m, err := findMRAP(a, name)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	x := newXML(&b).open("GetMultiRegionAccessPointPolicyResult", "xmlns", s3controlNS)
	if m.Policy == nil {
		x.empty("Policy")
	} else {
		proposed := m.Policy
		if m.ProposedPolicy != nil {
			proposed = m.ProposedPolicy
		}
		x.open("Policy").
			open("Established").leaf("Policy", m.Policy.JSON).close("Established").
			open("Proposed").leaf("Policy", proposed.JSON).close("Proposed").
			close("Policy")
	}
	x.close("GetMultiRegionAccessPointPolicyResult")
	return s3controlXML(b.String()), nil
}

// s3controlGetMRAPPolicyStatus answers whether the established policy is
// public; without a policy there is no Established element (undocumented
// case, the fake's choice).
func s3controlGetMRAPPolicyStatus(c *call, a *Account, name string) (*response, error) {
	m, err := findMRAP(a, name)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	x := newXML(&b).open("GetMultiRegionAccessPointPolicyStatusResult", "xmlns", s3controlNS)
	if m.Policy != nil {
		x.open("Established").boolLeaf("IsPublic", m.PolicyIsPublic).close("Established")
	}
	x.close("GetMultiRegionAccessPointPolicyStatusResult")
	return s3controlXML(b.String()), nil
}

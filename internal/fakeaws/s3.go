package fakeaws

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// S3 (REST-XML, errors as a bare <Error>): aws_wire.md §1.

const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

// s3Subresources maps the query key that selects a bucket subresource to
// its operation. Keys are detected by presence, not value.
var s3Subresources = []struct{ key, op string }{
	{"location", "GetBucketLocation"},
	{"policyStatus", "GetBucketPolicyStatus"},
	{"policy", "GetBucketPolicy"},
	{"acl", "GetBucketAcl"},
	{"publicAccessBlock", "GetPublicAccessBlock"},
	{"ownershipControls", "GetBucketOwnershipControls"},
	{"notification", "GetBucketNotificationConfiguration"},
	{"encryption", "GetBucketEncryption"}, // s3_bucket_reads.go
	{"website", "GetBucketWebsite"},       // s3_bucket_reads.go
}

var s3Handlers = map[string]func(c *call, b *Bucket) (*response, error){
	"GetBucketLocation":                  s3GetBucketLocation,
	"GetBucketPolicy":                    s3GetBucketPolicy,
	"GetBucketPolicyStatus":              s3GetBucketPolicyStatus,
	"GetBucketAcl":                       s3GetBucketACL,
	"GetPublicAccessBlock":               s3GetPublicAccessBlock,
	"GetBucketOwnershipControls":         s3GetBucketOwnershipControls,
	"GetBucketNotificationConfiguration": s3GetBucketNotificationConfiguration,
	"GetBucketEncryption":                s3GetBucketEncryption, // s3_bucket_reads.go
	"GetBucketWebsite":                   s3GetBucketWebsite,    // s3_bucket_reads.go
}

func s3Service() *service {
	return &service{route: func(c *call) (operation, bool) {
		bucket, key := s3Target(c.r)
		if c.r.Method != http.MethodGet || key != "" {
			return s3ObjectRoute(c, bucket, key) // s3_objects.go
		}
		if bucket == "" {
			return operation{name: "ListBuckets", handle: s3ListBuckets}, true
		}
		q := c.r.URL.Query()
		for _, sr := range s3Subresources {
			if q.Has(sr.key) {
				h := s3Handlers[sr.op]
				anyRegion := sr.op == "GetBucketLocation"
				return operation{name: sr.op, resource: bucket, handle: func(c *call) (*response, error) {
					b, err := c.bucket(bucket, anyRegion)
					if err != nil {
						return nil, err
					}
					return h(c, b)
				}}, true
			}
		}
		return s3ObjectRoute(c, bucket, key) // ListObjectsV2 (s3_objects.go)
	}}
}

// s3Target returns the bucket and key a request addresses, path style
// (/bucket/key) or virtual-host style (bucket.127.0.0.1, bucket.localhost).
func s3Target(r *http.Request) (bucket, key string) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	for _, base := range []string{".127.0.0.1", ".localhost"} {
		if b, ok := strings.CutSuffix(host, base); ok && b != "" {
			return b, path
		}
	}
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

// bucketRegion is where b lives (the account's first region by default).
func bucketRegion(a *Account, b *Bucket) string { return orDefault(b.Region, a.homeRegion()) }

// canonicalID is the S3 canonical user id of an account: 64 hex digits,
// derived from the account id so it is stable.
func canonicalID(accountID string) string {
	sum := sha256.Sum256([]byte("s3-canonical:" + accountID))
	return hex.EncodeToString(sum[:])
}

// bucket finds the named bucket for a bucket-level call, answering as S3
// does when it is missing, in another region or another account's.
func (c *call) bucket(name string, anyRegion bool) (*Bucket, error) {
	ob, ok := c.srv.buckets[name]
	if !ok {
		return nil, errorFor("s3", "NoSuchBucket", "").with("BucketName", name)
	}
	region := bucketRegion(ob.account, ob.bucket)
	if !anyRegion && region != c.region {
		return nil, wrongRegion(name, region, c.region)
	}
	if ob.account != c.account() {
		return nil, errorFor("s3", ErrAccessDenied, "")
	}
	return ob.bucket, nil
}

// wrongRegion is S3's answer to a bucket call sent to another region's
// endpoint: 301 PermanentRedirect naming the bucket's endpoint and region,
// except that opt-in regions (on either side) answer 400
// IllegalLocationConstraintException (cloud-custodian/cloud-custodian#8005).
func wrongRegion(bucket, bucketRegion, requestRegion string) *awsError {
	if isOptIn(bucketRegion) || isOptIn(requestRegion) {
		return errorFor("s3", "IllegalLocationConstraintException",
			"The "+bucketRegion+" location constraint is incompatible for the region specific endpoint this request was sent to.")
	}
	endpoint := bucket + ".s3." + bucketRegion + ".amazonaws.com"
	if bucketRegion == "us-east-1" {
		endpoint = bucket + ".s3.amazonaws.com"
	}
	return errorFor("s3", "PermanentRedirect", "").with("Endpoint", endpoint).with("Bucket", bucket).
		withHeader("x-amz-bucket-region", bucketRegion)
}

func s3XML(body string) *response { return xmlResponse("application/xml", body) }

// s3ListBuckets: unpaginated requests get every bucket; a request with
// max-buckets, continuation-token, prefix or bucket-region is paginated
// (default page 10,000) and each bucket carries its BucketRegion.
func s3ListBuckets(c *call) (*response, error) {
	q := c.r.URL.Query()
	paginated := q.Has("max-buckets") || q.Has("continuation-token") || q.Has("prefix") || q.Has("bucket-region")
	limit := 10000
	if q.Has("max-buckets") {
		n, err := strconv.Atoi(q.Get("max-buckets"))
		if err != nil || n < 1 || n > 10000 {
			return nil, errorFor("s3", "InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000").
				with("ArgumentName", "max-buckets").with("ArgumentValue", q.Get("max-buckets"))
		}
		limit = n
	}
	after := ""
	if q.Has("continuation-token") {
		raw, err := base64.StdEncoding.DecodeString(q.Get("continuation-token"))
		if err != nil || !strings.HasPrefix(string(raw), "bucket:") {
			return nil, errorFor("s3", "InvalidArgument", "The continuation token provided is incorrect").
				with("ArgumentName", "continuation-token")
		}
		after = strings.TrimPrefix(string(raw), "bucket:")
	}
	a := c.account()
	var all []*Bucket
	for _, b := range a.S3.Buckets {
		if b != nil && b.Name > after && strings.HasPrefix(b.Name, q.Get("prefix")) &&
			(!q.Has("bucket-region") || bucketRegion(a, b) == q.Get("bucket-region")) {
			all = append(all, b)
		}
	}
	slices.SortFunc(all, func(x, y *Bucket) int { return strings.Compare(x.Name, y.Name) })
	next := ""
	if paginated && len(all) > limit {
		all = all[:limit]
		next = base64.StdEncoding.EncodeToString([]byte("bucket:" + all[limit-1].Name))
	}
	var b strings.Builder
	x := newXML(&b).open("ListAllMyBucketsResult", "xmlns", s3NS).open("Buckets")
	for _, bk := range all {
		x.open("Bucket").leaf("Name", bk.Name).leaf("CreationDate", isoMillis(orDefaultTime(bk.Created)))
		if paginated {
			x.leaf("BucketRegion", bucketRegion(a, bk))
		}
		x.close("Bucket")
	}
	x.close("Buckets").open("Owner").leaf("ID", canonicalID(a.ID)).close("Owner")
	x.leafIf("ContinuationToken", next)
	if q.Has("prefix") {
		x.leaf("Prefix", q.Get("prefix"))
	}
	x.close("ListAllMyBucketsResult")
	return s3XML(b.String()), nil
}

// s3GetBucketLocation answers from any region. The body is the bare
// element, empty for us-east-1.
func s3GetBucketLocation(c *call, b *Bucket) (*response, error) {
	loc := b.LocationConstraint
	if loc == "" {
		loc = bucketRegion(c.account(), b)
	}
	var sb strings.Builder
	x := newXML(&sb)
	if loc == "us-east-1" {
		x.empty("LocationConstraint", "xmlns", s3NS)
	} else {
		x.open("LocationConstraint", "xmlns", s3NS).text(loc).close("LocationConstraint")
	}
	return s3XML(sb.String()), nil
}

func noSuchPolicy(bucket string) error {
	return errorFor("s3", "NoSuchBucketPolicy", "").with("BucketName", bucket)
}

// s3GetBucketPolicy answers with the policy document itself.
func s3GetBucketPolicy(_ *call, b *Bucket) (*response, error) {
	if b.Policy == nil {
		return nil, noSuchPolicy(b.Name)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &response{status: http.StatusOK, header: h, body: []byte(b.Policy.JSON)}, nil
}

// s3GetBucketPolicyStatus: a bucket without a policy gets
// NoSuchBucketPolicy, not IsPublic=false.
func s3GetBucketPolicyStatus(_ *call, b *Bucket) (*response, error) {
	if b.Policy == nil {
		return nil, noSuchPolicy(b.Name)
	}
	var sb strings.Builder
	newXML(&sb).open("PolicyStatus", "xmlns", s3NS).boolLeaf("IsPublic", b.PolicyIsPublic).close("PolicyStatus")
	return s3XML(sb.String()), nil
}

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// s3GetBucketACL: the grantee type is the xsi:type attribute, declared on
// the Grantee element itself (the SDK only maps prefixes declared there).
// Without an acl in the fixture the owner has FULL_CONTROL.
func s3GetBucketACL(c *call, b *Bucket) (*response, error) {
	owner := canonicalID(c.account().ID)
	grants := []Grant{{Type: "CanonicalUser", ID: owner, Permission: "FULL_CONTROL"}}
	if b.ACL != nil {
		owner = orDefault(b.ACL.OwnerID, owner)
		grants = b.ACL.Grants
		if len(grants) == 0 || b.Ownership == "BucketOwnerEnforced" {
			grants = []Grant{{Type: "CanonicalUser", ID: owner, Permission: "FULL_CONTROL"}}
		}
	}
	var sb strings.Builder
	x := newXML(&sb).open("AccessControlPolicy", "xmlns", s3NS)
	x.open("Owner").leaf("ID", owner).close("Owner").open("AccessControlList")
	for _, g := range grants {
		x.open("Grant").open("Grantee", "xmlns:xsi", xsiNS, "xsi:type", g.Type)
		switch g.Type {
		case "CanonicalUser":
			x.leaf("ID", g.ID)
		case "AmazonCustomerByEmail":
			x.leaf("EmailAddress", g.Email)
		case "Group":
			x.leaf("URI", g.URI)
		}
		x.close("Grantee").leaf("Permission", g.Permission).close("Grant")
	}
	x.close("AccessControlList").close("AccessControlPolicy")
	return s3XML(sb.String()), nil
}

func s3GetPublicAccessBlock(_ *call, b *Bucket) (*response, error) {
	if b.PublicAccessBlock == nil {
		return nil, errorFor("s3", "NoSuchPublicAccessBlockConfiguration", "").with("BucketName", b.Name)
	}
	return s3XML(publicAccessBlockXML(s3NS, b.PublicAccessBlock)), nil
}

func publicAccessBlockXML(ns string, p *PublicAccessBlock) string {
	var sb strings.Builder
	newXML(&sb).open("PublicAccessBlockConfiguration", "xmlns", ns).
		boolLeaf("BlockPublicAcls", p.BlockPublicAcls).
		boolLeaf("IgnorePublicAcls", p.IgnorePublicAcls).
		boolLeaf("BlockPublicPolicy", p.BlockPublicPolicy).
		boolLeaf("RestrictPublicBuckets", p.RestrictPublicBuckets).
		close("PublicAccessBlockConfiguration")
	return sb.String()
}

func s3GetBucketOwnershipControls(_ *call, b *Bucket) (*response, error) {
	if b.Ownership == "" {
		return nil, errorFor("s3", "OwnershipControlsNotFoundError", "").with("BucketName", b.Name)
	}
	var sb strings.Builder
	newXML(&sb).open("OwnershipControls", "xmlns", s3NS).open("Rule").
		leaf("ObjectOwnership", b.Ownership).close("Rule").close("OwnershipControls")
	return s3XML(sb.String()), nil
}

// s3GetBucketNotificationConfiguration: Lambda targets are
// CloudFunctionConfiguration/CloudFunction on the wire; every list is
// flattened; filter rule names come back as Prefix/Suffix, capitalised,
// whatever case they were put with (aws/aws-sdk#389). Nothing configured is
// an empty element, not an error.
func s3GetBucketNotificationConfiguration(_ *call, b *Bucket) (*response, error) {
	var sb strings.Builder
	x := newXML(&sb)
	n := b.Notifications
	if n == nil || (len(n.Queues)+len(n.Lambdas)+len(n.Topics) == 0 && !n.EventBridge) {
		x.empty("NotificationConfiguration", "xmlns", s3NS)
		return s3XML(sb.String()), nil
	}
	x.open("NotificationConfiguration", "xmlns", s3NS)
	lists := []struct {
		elem, target string
		items        []NotificationTarget
	}{
		{"TopicConfiguration", "Topic", n.Topics},
		{"QueueConfiguration", "Queue", n.Queues},
		{"CloudFunctionConfiguration", "CloudFunction", n.Lambdas},
	}
	for _, l := range lists {
		for _, t := range l.items {
			x.open(l.elem).leafIf("Id", t.ID).leaf(l.target, t.ARN)
			for _, e := range t.Events {
				x.leaf("Event", e)
			}
			if t.Prefix != "" || t.Suffix != "" {
				x.open("Filter").open("S3Key")
				if t.Prefix != "" {
					x.open("FilterRule").leaf("Name", "Prefix").leaf("Value", t.Prefix).close("FilterRule")
				}
				if t.Suffix != "" {
					x.open("FilterRule").leaf("Name", "Suffix").leaf("Value", t.Suffix).close("FilterRule")
				}
				x.close("S3Key").close("Filter")
			}
			x.close(l.elem)
		}
	}
	if n.EventBridge {
		x.empty("EventBridgeConfiguration")
	}
	x.close("NotificationConfiguration")
	return s3XML(sb.String()), nil
}

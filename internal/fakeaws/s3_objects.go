package fakeaws

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// S3 objects: PutObject, GetObject and ListObjectsV2 (Amazon S3 API
// Reference; the SDK's awsRestxml_serializeOpHttpBindingsPutObjectInput,
// awsRestxml_deserializeOpHttpBindingsGetObjectOutput and
// awsRestxml_deserializeOpDocumentListObjectsV2Output). Unlike the rest of
// the fake, objects are state: an object store in memory per bucket, empty
// at start, filled by PutObject (trustmap writes the parts of a sharded
// scan to a results bucket). Buckets are the fixture's; only their owner
// may read and write them, as for every other bucket call.

// maxObjectBody is the largest PutObject body the fake accepts; S3's limit
// for one PUT is 5 GB, the fake holds its objects in memory.
const maxObjectBody = 256 << 20

// maxListKeys is the most keys ListObjectsV2 returns in one page.
const maxListKeys = 1000

type s3Object struct {
	data        []byte
	etag        string // quoted hex MD5, as S3 sends it for a single PUT
	contentType string
	modified    time.Time
	checksum    string // the header of its full-object checksum, x-amz-checksum-crc64nvme by default
	checksumVal string // base64
	sse         string // AES256 | aws:kms | aws:kms:dsse
	kmsKey      string
	bucketKey   bool
	meta        map[string]string // x-amz-meta-*, lower-case names
}

// objectStore is every bucket's objects.
type objectStore struct {
	mu      sync.Mutex
	buckets map[string]map[string]*s3Object
}

func (st *objectStore) put(bucket, key string, o *s3Object) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.buckets == nil {
		st.buckets = map[string]map[string]*s3Object{}
	}
	if st.buckets[bucket] == nil {
		st.buckets[bucket] = map[string]*s3Object{}
	}
	st.buckets[bucket][key] = o
}

func (st *objectStore) get(bucket, key string) *s3Object {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.buckets[bucket][key]
}

// keys are the bucket's keys with prefix, sorted (S3 lists in UTF-8 binary
// order).
func (st *objectStore) keys(bucket, prefix string) []string {
	st.mu.Lock()
	defer st.mu.Unlock()
	var ks []string
	for k := range maps.Keys(st.buckets[bucket]) {
		if strings.HasPrefix(k, prefix) {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return ks
}

// Object reads the object a test or the demo put, and whether it exists.
func (s *Server) Object(bucket, key string) ([]byte, bool) {
	o := s.objects.get(bucket, key)
	if o == nil {
		return nil, false
	}
	return bytes.Clone(o.data), true
}

// ObjectKeys lists the keys of a bucket's objects, sorted.
func (s *Server) ObjectKeys(bucket string) []string { return s.objects.keys(bucket, "") }

// s3ObjectRoute routes the object calls and ListObjectsV2; anything else on
// a key (CopyObject, multipart, ACLs, tagging, versions) is not
// implemented.
func s3ObjectRoute(c *call, bucket, key string) (operation, bool) {
	if bucket == "" {
		return operation{}, false
	}
	q := c.r.URL.Query()
	if key == "" {
		if c.r.Method == http.MethodGet && q.Get("list-type") == "2" {
			return operation{name: "ListObjectsV2", resource: bucket, handle: func(c *call) (*response, error) { return s3ListObjectsV2(c, bucket) }}, true
		}
		return operation{}, false
	}
	for k := range q {
		if k != "x-id" && !(c.r.Method == http.MethodGet && strings.HasPrefix(k, "response-")) {
			return operation{}, false // a subresource or a version: not implemented
		}
	}
	switch {
	case c.r.Method == http.MethodPut && c.r.Header.Get("x-amz-copy-source") == "":
		return operation{name: "PutObject", resource: bucket, handle: func(c *call) (*response, error) { return s3PutObject(c, bucket, key) }}, true
	case c.r.Method == http.MethodGet:
		return operation{name: "GetObject", resource: bucket, handle: func(c *call) (*response, error) { return s3GetObject(c, bucket, key) }}, true
	}
	return operation{}, false
}

// objectBucket checks a bucket for an object call: it exists, it is in the
// region the call is signed for, it is the caller's, and it is owned by
// x-amz-expected-bucket-owner when the call names one (S3 answers 403
// AccessDenied when the owner differs).
func (c *call) objectBucket(name string) (*Bucket, error) {
	b, err := c.bucket(name, false)
	if err != nil {
		return nil, err
	}
	if want := c.r.Header.Get("x-amz-expected-bucket-owner"); want != "" && want != c.account().ID {
		return nil, errorFor("s3", ErrAccessDenied, "")
	}
	return b, nil
}

// unsupportedObjectHeaders are request headers that ask for what the fake
// does not do; S3 would honour them, so the fake refuses rather than
// ignore them.
var unsupportedObjectHeaders = []string{
	"Range", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since",
	"x-amz-server-side-encryption-customer-algorithm", "x-amz-object-lock-mode", "x-amz-website-redirect-location",
}

func notImplementedHeader(h string) *awsError {
	return errorFor("s3", ErrNotImplemented, "").with("Header", h)
}

func s3PutObject(c *call, bucket, key string) (*response, error) {
	b, err := c.objectBucket(bucket)
	if err != nil {
		return nil, err
	}
	h := c.r.Header
	for _, name := range unsupportedObjectHeaders {
		if h.Get(name) != "" {
			return nil, notImplementedHeader(name)
		}
	}
	if len(key) > 1024 {
		return nil, errorFor("s3", "KeyTooLongError", "Your key is too long").with("Size", strconv.Itoa(len(key))).with("MaxSizeAllowed", "1024")
	}
	if c.tooLarge {
		return nil, errorFor("s3", "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size").
			with("ProposedSize", strconv.FormatInt(c.r.ContentLength, 10)).with("MaxSizeAllowed", strconv.Itoa(maxObjectBody))
	}
	// aws-chunked uploads (a streaming signature, or a trailing checksum)
	// are not decoded by the fake.
	sha := h.Get("x-amz-content-sha256")
	if strings.HasPrefix(sha, "STREAMING-") || strings.Contains(h.Get("Content-Encoding"), "aws-chunked") {
		return nil, notImplementedHeader("x-amz-content-sha256")
	}
	if c.r.ContentLength < 0 {
		return nil, errorFor("s3", "MissingContentLength", "You must provide the Content-Length HTTP header.")
	}
	if sha != "" && sha != "UNSIGNED-PAYLOAD" {
		sum := sha256.Sum256(c.body)
		if !strings.EqualFold(sha, hex.EncodeToString(sum[:])) {
			return nil, errorFor("s3", "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.").
				with("ClientComputedContentSHA256", sha).with("S3ComputedContentSHA256", hex.EncodeToString(sum[:]))
		}
	}
	md := md5.Sum(c.body)
	if v := h.Get("Content-MD5"); v != "" {
		got, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(got) != md5.Size {
			return nil, errorFor("s3", "InvalidDigest", "The Content-MD5 you specified was invalid.").with("Content-MD5", v)
		}
		if !bytes.Equal(got, md[:]) {
			return nil, errorFor("s3", "BadDigest", "The Content-MD5 you specified did not match what we received.").
				with("ExpectedDigest", hex.EncodeToString(got)).with("CalculatedDigest", base64.StdEncoding.EncodeToString(md[:]))
		}
	}
	o := &s3Object{data: c.body, etag: `"` + hex.EncodeToString(md[:]) + `"`, contentType: h.Get("Content-Type"),
		modified: time.Now().UTC().Truncate(time.Second)}
	// A checksum sent is checked and kept; without one S3 computes
	// CRC64NVME (every object since its default data integrity
	// protections, December 2024).
	for _, ck := range objectChecksums {
		v := h.Get(ck.header)
		if v == "" {
			continue
		}
		hh := ck.hash()
		hh.Write(c.body)
		if v != base64.StdEncoding.EncodeToString(hh.Sum(nil)) {
			return nil, errorFor("s3", "BadDigest", "The "+ck.name+" you specified did not match the calculated checksum.")
		}
		o.checksum, o.checksumVal = ck.header, v
	}
	if o.checksum == "" {
		hh := objectChecksums[0].hash()
		hh.Write(c.body)
		o.checksum, o.checksumVal = objectChecksums[0].header, base64.StdEncoding.EncodeToString(hh.Sum(nil))
	}
	resp := &response{status: http.StatusOK, header: http.Header{}}
	checksumHeaders(resp.header, o)
	if o.contentType == "" {
		o.contentType = "binary/octet-stream"
	}
	if err := objectEncryption(c, b, o); err != nil {
		return nil, err
	}
	for name, vs := range h {
		if m, ok := strings.CutPrefix(strings.ToLower(name), "x-amz-meta-"); ok && len(vs) > 0 {
			if o.meta == nil {
				o.meta = map[string]string{}
			}
			o.meta[m] = vs[0]
		}
	}
	c.srv.objects.put(bucket, key, o)
	resp.header.Set("ETag", o.etag)
	encryptionHeaders(resp.header, o)
	return resp, nil
}

// objectChecksums are the x-amz-checksum-* headers the fake verifies.
// The first is S3's default.
var objectChecksums = []struct {
	name, header string
	hash         func() hash.Hash
}{
	{"CRC64NVME", "x-amz-checksum-crc64nvme", func() hash.Hash { return crc64.New(crc64NVME) }},
	{"CRC32", "x-amz-checksum-crc32", func() hash.Hash { return crc32.NewIEEE() }},
	{"CRC32C", "x-amz-checksum-crc32c", func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }},
	{"SHA1", "x-amz-checksum-sha1", sha1.New},
	{"SHA256", "x-amz-checksum-sha256", sha256.New},
}

// objectEncryption decides an object's server-side encryption: what the
// request asks (x-amz-server-side-encryption, with a KMS key id for
// aws:kms), else the bucket's default encryption (SSE-S3 unless the fixture
// says otherwise: every object has been encrypted since January 2023).
func objectEncryption(c *call, b *Bucket, o *s3Object) error {
	h := c.r.Header
	sse, key := h.Get("x-amz-server-side-encryption"), h.Get("x-amz-server-side-encryption-aws-kms-key-id")
	switch sse {
	case "", "AES256", "aws:kms", "aws:kms:dsse":
	default:
		return errorFor("s3", "InvalidArgument", "The encryption method specified is not supported").
			with("ArgumentName", "x-amz-server-side-encryption").with("ArgumentValue", sse)
	}
	if key != "" && !strings.HasPrefix(sse, "aws:kms") {
		return errorFor("s3", "InvalidArgument", "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms").
			with("ArgumentName", "x-amz-server-side-encryption-aws-kms-key-id").with("ArgumentValue", key)
	}
	def := b.Encryption
	if sse == "" {
		sse = "AES256"
		if def != nil && def.SSEAlgorithm != "" {
			sse, key = def.SSEAlgorithm, def.KMSMasterKeyID
		}
	}
	o.sse = sse
	if strings.HasPrefix(sse, "aws:kms") {
		o.kmsKey = kmsKeyARN(c, b, key)
		o.bucketKey = def != nil && def.BucketKeyEnabled
		if v := h.Get("x-amz-server-side-encryption-bucket-key-enabled"); v != "" {
			o.bucketKey = strings.EqualFold(v, "true")
		}
	}
	return nil
}

// kmsKeyARN is the key S3 reports for an SSE-KMS object: the ARN of the key
// named, or of the account's AWS managed key aws/s3 when none is. A key id
// or alias name is answered as an ARN in the bucket's region and account
// (S3 resolves an alias to its key's ARN; the fake does not).
func kmsKeyARN(c *call, b *Bucket, key string) string {
	prefix := "arn:aws:kms:" + bucketRegion(c.account(), b) + ":" + c.account().ID + ":"
	switch {
	case strings.HasPrefix(key, "arn:"):
		return key
	case strings.HasPrefix(key, "alias/"):
		return prefix + key
	case key != "":
		return prefix + "key/" + key
	}
	sum := sha256.Sum256([]byte("aws/s3:" + prefix))
	id := hex.EncodeToString(sum[:16])
	return prefix + "key/" + id[0:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:32]
}

// crc64NVME is the CRC-64/NVME table (polynomial 0xad93d23594c93659,
// reflected as hash/crc64 takes it).
var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

// checksumHeaders are the object's full-object checksum, as PutObject
// answers it and GetObject does with x-amz-checksum-mode: ENABLED.
func checksumHeaders(h http.Header, o *s3Object) {
	h.Set(o.checksum, o.checksumVal)
	h.Set("x-amz-checksum-type", "FULL_OBJECT")
}

// checksumName is the ChecksumAlgorithm of a checksum header.
func checksumName(header string) string {
	for _, ck := range objectChecksums {
		if ck.header == header {
			return ck.name
		}
	}
	return ""
}

func encryptionHeaders(h http.Header, o *s3Object) {
	h.Set("x-amz-server-side-encryption", o.sse)
	if o.kmsKey != "" {
		h.Set("x-amz-server-side-encryption-aws-kms-key-id", o.kmsKey)
	}
	if o.bucketKey {
		h.Set("x-amz-server-side-encryption-bucket-key-enabled", "true")
	}
}

func s3GetObject(c *call, bucket, key string) (*response, error) {
	if _, err := c.objectBucket(bucket); err != nil {
		return nil, err
	}
	for _, name := range unsupportedObjectHeaders[:5] {
		if c.r.Header.Get(name) != "" {
			return nil, notImplementedHeader(name)
		}
	}
	o := c.srv.objects.get(bucket, key)
	if o == nil {
		return nil, errorFor("s3", "NoSuchKey", "").with("Key", key)
	}
	h := http.Header{}
	h.Set("Content-Type", o.contentType)
	h.Set("ETag", o.etag)
	h.Set("Last-Modified", o.modified.Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	encryptionHeaders(h, o)
	if strings.EqualFold(c.r.Header.Get("x-amz-checksum-mode"), "ENABLED") {
		checksumHeaders(h, o)
	}
	for k, v := range o.meta {
		h.Set("x-amz-meta-"+k, v)
	}
	q := c.r.URL.Query()
	for _, o := range []struct{ param, header string }{
		{"response-content-type", "Content-Type"}, {"response-content-disposition", "Content-Disposition"},
		{"response-content-encoding", "Content-Encoding"}, {"response-content-language", "Content-Language"},
		{"response-cache-control", "Cache-Control"}, {"response-expires", "Expires"},
	} {
		if q.Has(o.param) {
			h.Set(o.header, q.Get(o.param))
		}
	}
	return &response{status: http.StatusOK, header: h, body: o.data}, nil
}

// s3ListObjectsV2 lists keys in UTF-8 binary order, at most max-keys (at
// most 1,000) a page, keys and common prefixes counted alike; a truncated
// page carries an opaque NextContinuationToken.
func s3ListObjectsV2(c *call, bucket string) (*response, error) {
	if _, err := c.objectBucket(bucket); err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	limit := maxListKeys
	if q.Has("max-keys") {
		n, err := strconv.Atoi(q.Get("max-keys"))
		if err != nil || n < 0 {
			return nil, errorFor("s3", "InvalidArgument", "Provided max-keys not an integer or within integer range").
				with("ArgumentName", "max-keys").with("ArgumentValue", q.Get("max-keys"))
		}
		limit = min(n, maxListKeys)
	}
	enc := q.Get("encoding-type")
	if enc != "" && enc != "url" {
		return nil, errorFor("s3", "InvalidArgument", "Invalid Encoding Method specified in Request").
			with("ArgumentName", "encoding-type").with("ArgumentValue", enc)
	}
	prefix, delim, startAfter := q.Get("prefix"), q.Get("delimiter"), q.Get("start-after")
	after, skipPrefix := startAfter, ""
	if q.Has("continuation-token") {
		raw, err := base64.StdEncoding.DecodeString(q.Get("continuation-token"))
		kind, v, ok := strings.Cut(string(raw), ":")
		if err != nil || !ok || (kind != "key" && kind != "prefix") {
			return nil, errorFor("s3", "InvalidArgument", "The continuation token provided is incorrect").
				with("ArgumentName", "continuation-token")
		}
		after = max(after, v)
		if kind == "prefix" {
			skipPrefix = v
		}
	}
	type entry struct {
		key    string
		prefix bool
	}
	var page []entry
	truncated := false
	for _, k := range c.srv.objects.keys(bucket, prefix) {
		if k <= after || (skipPrefix != "" && strings.HasPrefix(k, skipPrefix)) {
			continue
		}
		e := entry{key: k}
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				e = entry{key: k[:len(prefix)+i+len(delim)], prefix: true}
				if n := len(page); n > 0 && page[n-1] == e {
					continue
				}
			}
		}
		if len(page) == limit {
			truncated = true
			break
		}
		page = append(page, e)
	}
	encode := func(s string) string {
		if enc == "" {
			return s
		}
		return strings.ReplaceAll(url.QueryEscape(s), "%2F", "/")
	}
	var b strings.Builder
	x := newXML(&b).open("ListBucketResult", "xmlns", s3NS)
	x.leaf("Name", bucket).leaf("Prefix", encode(prefix))
	if q.Has("continuation-token") {
		x.leaf("ContinuationToken", q.Get("continuation-token"))
	}
	if truncated && len(page) > 0 {
		last := page[len(page)-1]
		kind := "key:"
		if last.prefix {
			kind = "prefix:"
		}
		x.leaf("NextContinuationToken", base64.StdEncoding.EncodeToString([]byte(kind+last.key)))
	}
	x.leaf("KeyCount", strconv.Itoa(len(page))).leaf("MaxKeys", strconv.Itoa(limit))
	if delim != "" {
		x.leaf("Delimiter", encode(delim))
	}
	x.leafIf("EncodingType", enc).boolLeaf("IsTruncated", truncated)
	if startAfter != "" {
		x.leaf("StartAfter", encode(startAfter))
	}
	owner := q.Get("fetch-owner") == "true"
	for _, e := range page {
		if e.prefix {
			continue
		}
		o := c.srv.objects.get(bucket, e.key)
		if o == nil {
			continue
		}
		x.open("Contents").leaf("Key", encode(e.key)).leaf("LastModified", isoMillis(o.modified)).
			leaf("ETag", o.etag).leaf("ChecksumAlgorithm", checksumName(o.checksum)).leaf("ChecksumType", "FULL_OBJECT").
			leaf("Size", strconv.Itoa(len(o.data)))
		if owner {
			x.open("Owner").leaf("ID", canonicalID(c.account().ID)).close("Owner")
		}
		x.leaf("StorageClass", "STANDARD").close("Contents")
	}
	for _, e := range page {
		if e.prefix {
			x.open("CommonPrefixes").leaf("Prefix", encode(e.key)).close("CommonPrefixes")
		}
	}
	x.close("ListBucketResult")
	return s3XML(b.String()), nil
}

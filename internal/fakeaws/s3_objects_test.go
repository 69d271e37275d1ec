package fakeaws

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
)

const objectsFixture = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    s3:
      buckets:
        - {name: results, region: us-east-1}
        - {name: results-eu, region: eu-west-1}
        - name: results-kms
          region: us-east-1
          encryption: {sse_algorithm: "aws:kms", kms_master_key_id: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", bucket_key_enabled: true}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
    s3:
      buckets:
        - {name: partner-results, region: us-east-1}
%s`

func put(t *testing.T, c *s3.Client, in *s3.PutObjectInput) (*s3.PutObjectOutput, error) {
	t.Helper()
	return c.PutObject(context.Background(), in)
}

func TestPutAndGetObject(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(objectsFixture, ""), Options{})
	c := srv.s3(t, clientConfig{attempts: 1})
	ctx := context.Background()
	body := []byte(`{"schema_version": 1}`)

	t.Run("an object put is read back with its bytes, ETag, type, metadata and SSE-S3", func(t *testing.T) {
		out, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("results"), Key: aws.String("org/0/accounts/210987654321.json"),
			Body: bytes.NewReader(body), ContentType: aws.String("application/json"), Metadata: map[string]string{"shard": "0/3"},
			ServerSideEncryption: types.ServerSideEncryptionAes256, ExpectedBucketOwner: aws.String("123456789012")})
		if err != nil {
			t.Fatal(err)
		}
		if out.ServerSideEncryption != types.ServerSideEncryptionAes256 || len(aws.ToString(out.ETag)) != 34 {
			t.Errorf("PutObject answered SSE %q, ETag %q; want AES256 and a quoted MD5", out.ServerSideEncryption, aws.ToString(out.ETag))
		}
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("results"), Key: aws.String("org/0/accounts/210987654321.json")})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if !bytes.Equal(data, body) || aws.ToString(got.ETag) != aws.ToString(out.ETag) || aws.ToString(got.ContentType) != "application/json" ||
			got.Metadata["shard"] != "0/3" || got.ServerSideEncryption != types.ServerSideEncryptionAes256 || aws.ToInt64(got.ContentLength) != int64(len(body)) {
			t.Errorf("GetObject = %q ETag %q type %q meta %v SSE %q length %d", data, aws.ToString(got.ETag), aws.ToString(got.ContentType), got.Metadata, got.ServerSideEncryption, aws.ToInt64(got.ContentLength))
		}
		if b, ok := srv.Object("results", "org/0/accounts/210987654321.json"); !ok || !bytes.Equal(b, body) {
			t.Errorf("Server.Object = %q, %v", b, ok)
		}
	})

	t.Run("without an encryption header an object gets the bucket's default, here SSE-KMS with a bucket key", func(t *testing.T) {
		out, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("results-kms"), Key: aws.String("k"), Body: bytes.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
		if out.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(out.SSEKMSKeyId) != "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" || !aws.ToBool(out.BucketKeyEnabled) {
			t.Errorf("SSE %q key %q bucket key %v", out.ServerSideEncryption, aws.ToString(out.SSEKMSKeyId), aws.ToBool(out.BucketKeyEnabled))
		}
	})

	t.Run("SSE-KMS with a key id names the key's ARN; without a key, the AWS managed key", func(t *testing.T) {
		out, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("results"), Key: aws.String("kms"), Body: bytes.NewReader(body),
			ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("1234abcd-12ab-34cd-56ef-1234567890ab")})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(out.SSEKMSKeyId); got != "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" {
			t.Errorf("key %q", got)
		}
		out, err = put(t, c, &s3.PutObjectInput{Bucket: aws.String("results"), Key: aws.String("kms2"), Body: bytes.NewReader(body), ServerSideEncryption: types.ServerSideEncryptionAwsKms})
		if err != nil || !strings.HasPrefix(aws.ToString(out.SSEKMSKeyId), "arn:aws:kms:us-east-1:123456789012:key/") {
			t.Errorf("managed key %q, %v", aws.ToString(out.SSEKMSKeyId), err)
		}
	})

	errs := []struct {
		name string
		call func(c *s3.Client) error
		want apiError
	}{
		{"a key that was never put is NoSuchKey 404", func(c *s3.Client) error {
			_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("results"), Key: aws.String("nope")})
			return err
		}, apiError{"NoSuchKey", 404}},
		{"a put to a bucket that does not exist is NoSuchBucket 404", func(c *s3.Client) error {
			_, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("no-such-results"), Key: aws.String("k"), Body: bytes.NewReader(body)})
			return err
		}, apiError{"NoSuchBucket", 404}},
		{"a put to another account's bucket is AccessDenied 403", func(c *s3.Client) error {
			_, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("partner-results"), Key: aws.String("k"), Body: bytes.NewReader(body)})
			return err
		}, apiError{"AccessDenied", 403}},
		{"a put whose expected bucket owner is not the owner is AccessDenied 403", func(c *s3.Client) error {
			_, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("results"), Key: aws.String("k"), Body: bytes.NewReader(body), ExpectedBucketOwner: aws.String("111122223333")})
			return err
		}, apiError{"AccessDenied", 403}},
		{"a get whose expected bucket owner is not the owner is AccessDenied 403", func(c *s3.Client) error {
			_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("results"), Key: aws.String("kms"), ExpectedBucketOwner: aws.String("111122223333")})
			return err
		}, apiError{"AccessDenied", 403}},
		{"a put to a bucket of another region is a permanent redirect", func(c *s3.Client) error {
			_, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("results-eu"), Key: aws.String("k"), Body: bytes.NewReader(body)})
			return err
		}, apiError{"PermanentRedirect", 301}},
		{"an encryption S3 does not know is InvalidArgument 400", func(c *s3.Client) error {
			_, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("results"), Key: aws.String("k"), Body: bytes.NewReader(body), ServerSideEncryption: "rot13"})
			return err
		}, apiError{"InvalidArgument", 400}},
		{"a KMS key without aws:kms is InvalidArgument 400", func(c *s3.Client) error {
			_, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("results"), Key: aws.String("k"), Body: bytes.NewReader(body), SSEKMSKeyId: aws.String("alias/x")})
			return err
		}, apiError{"InvalidArgument", 400}},
		{"a Content-MD5 that is not the body's is BadDigest 400", func(c *s3.Client) error {
			_, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("results"), Key: aws.String("k"), Body: bytes.NewReader(body), ContentMD5: aws.String("1B2M2Y8AsgTpgAmY7PhCfg==")})
			return err
		}, apiError{"BadDigest", 400}},
		{"a range read is not implemented rather than answered whole", func(c *s3.Client) error {
			_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("results"), Key: aws.String("kms"), Range: aws.String("bytes=0-1")})
			return err
		}, apiError{"NotImplemented", 501}},
		{"a copy is not implemented", func(c *s3.Client) error {
			_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("results"), Key: aws.String("copy"), CopySource: aws.String("results/kms")})
			return err
		}, apiError{"NotImplemented", 501}},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, decodeError(t, tc.call(c))); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("NoSuchKey decodes as the SDK's typed error and names the key", func(t *testing.T) {
		_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("results"), Key: aws.String("missing/manifest.json")})
		var nsk *types.NoSuchKey
		if !errors.As(err, &nsk) {
			t.Fatalf("error %v is not *types.NoSuchKey", err)
		}
		resp, body := srv.rawRequest(t, "GET", "/results/missing/manifest.json", "", signedHeader(demoKey, "us-east-1", "s3"), "")
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "<Key>missing/manifest.json</Key>") {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
	})

	t.Run("a body whose x-amz-content-sha256 is not its hash is refused", func(t *testing.T) {
		h := signedHeader(demoKey, "us-east-1", "s3")
		h.Set("x-amz-content-sha256", strings.Repeat("0", 64))
		resp, body := srv.rawRequest(t, "PUT", "/results/k", "", h, "data")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "XAmzContentSHA256Mismatch") {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
		if _, ok := srv.Object("results", "k"); ok {
			t.Error("the refused object was stored")
		}
	})
}

func TestObjectChecksums(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(objectsFixture, ""), Options{})
	c := srv.s3(t, clientConfig{attempts: 1})
	ctx := context.Background()

	t.Run("CRC-64/NVME is the standard one (check value of 123456789)", func(t *testing.T) {
		if got := crc64.Checksum([]byte("123456789"), crc64NVME); got != 0xae8b14860a799888 {
			t.Errorf("crc64nvme(123456789) = %#x, want 0xae8b14860a799888", got)
		}
	})

	t.Run("an object put without a checksum gets CRC64NVME, answered on put and on a checksum-mode get, which the SDK validates", func(t *testing.T) {
		body := []byte("the parts of shard 0")
		out, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("results"), Key: aws.String("ck"), Body: bytes.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
		var want [8]byte
		binary.BigEndian.PutUint64(want[:], crc64.Checksum(body, crc64NVME))
		if got := aws.ToString(out.ChecksumCRC64NVME); got != base64.StdEncoding.EncodeToString(want[:]) || out.ChecksumType != types.ChecksumTypeFullObject {
			t.Errorf("PutObject checksum %q type %q, want %q FULL_OBJECT", got, out.ChecksumType, base64.StdEncoding.EncodeToString(want[:]))
		}
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("results"), Key: aws.String("ck"), ChecksumMode: types.ChecksumModeEnabled})
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(got.Body)
		got.Body.Close()
		if err != nil || !bytes.Equal(data, body) || aws.ToString(got.ChecksumCRC64NVME) != aws.ToString(out.ChecksumCRC64NVME) {
			t.Errorf("GetObject = %q (%v), checksum %q", data, err, aws.ToString(got.ChecksumCRC64NVME))
		}
		l, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("results"), Prefix: aws.String("ck")})
		if err != nil || len(l.Contents) != 1 || !cmp.Equal(l.Contents[0].ChecksumAlgorithm, []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc64nvme}) {
			t.Errorf("listing: %+v, %v", l, err)
		}
	})

	t.Run("a SHA256 the client sends is checked and kept", func(t *testing.T) {
		sum := sha256.Sum256([]byte("x"))
		_, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("results"), Key: aws.String("sha"), Body: strings.NewReader("y"), ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(sum[:]))})
		if diff := cmp.Diff(apiError{"BadDigest", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("wrong SHA256 (-want +got):\n%s", diff)
		}
		out, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("results"), Key: aws.String("sha"), Body: strings.NewReader("x"), ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(sum[:]))})
		if err != nil || aws.ToString(out.ChecksumSHA256) != base64.StdEncoding.EncodeToString(sum[:]) {
			t.Errorf("PutObject with its SHA256: %v, %q", err, aws.ToString(out.ChecksumSHA256))
		}
	})
}

func TestListObjectsV2(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(objectsFixture, ""), Options{Latency: -1})
	c := srv.s3(t, clientConfig{attempts: 1})
	ctx := context.Background()
	var want []string
	for shard := range 3 {
		for a := range 800 {
			k := fmt.Sprintf("org/%d/accounts/%012d.json", shard, a)
			want = append(want, k)
		}
		want = append(want, fmt.Sprintf("org/%d/manifest.json", shard))
	}
	for _, k := range want {
		if _, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("results"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	put(t, c, &s3.PutObjectInput{Bucket: aws.String("results"), Key: aws.String("org-old/x"), Body: strings.NewReader("x")}) //nolint:errcheck // checked by the listing

	list := func(in *s3.ListObjectsV2Input, limit int32) (keys, prefixes []string, pages []int) {
		t.Helper()
		p := s3.NewListObjectsV2Paginator(c, in, func(o *s3.ListObjectsV2PaginatorOptions) { o.Limit = limit })
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, int(aws.ToInt32(out.KeyCount)))
			for _, o := range out.Contents {
				keys = append(keys, aws.ToString(o.Key))
				if aws.ToInt64(o.Size) != int64(len(aws.ToString(o.Key))) || o.LastModified == nil || o.StorageClass != types.ObjectStorageClassStandard {
					t.Errorf("%s: size %d, modified %v, class %q", aws.ToString(o.Key), aws.ToInt64(o.Size), o.LastModified, o.StorageClass)
				}
			}
			for _, cp := range out.CommonPrefixes {
				prefixes = append(prefixes, aws.ToString(cp.Prefix))
			}
		}
		return keys, prefixes, pages
	}

	t.Run("the paginator yields every key under the prefix once, in order, 1,000 a page", func(t *testing.T) {
		keys, _, pages := list(&s3.ListObjectsV2Input{Bucket: aws.String("results"), Prefix: aws.String("org/")}, 0)
		if diff := cmp.Diff(want, keys); diff != "" {
			t.Errorf("keys (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int{1000, 1000, 403}, pages); diff != "" {
			t.Errorf("page sizes (-want +got):\n%s", diff)
		}
	})

	t.Run("a delimiter folds keys into common prefixes, which count toward max-keys", func(t *testing.T) {
		keys, prefixes, pages := list(&s3.ListObjectsV2Input{Bucket: aws.String("results"), Prefix: aws.String("org/"), Delimiter: aws.String("/")}, 2)
		if len(keys) != 0 || !cmp.Equal(prefixes, []string{"org/0/", "org/1/", "org/2/"}) || !cmp.Equal(pages, []int{2, 1}) {
			t.Errorf("keys %v, prefixes %v, pages %v", keys, prefixes, pages)
		}
		keys, prefixes, _ = list(&s3.ListObjectsV2Input{Bucket: aws.String("results"), Prefix: aws.String("org/1/"), Delimiter: aws.String("/")}, 0)
		if !cmp.Equal(keys, []string{"org/1/manifest.json"}) || !cmp.Equal(prefixes, []string{"org/1/accounts/"}) {
			t.Errorf("under org/1/: keys %v, prefixes %v", keys, prefixes)
		}
	})

	t.Run("start-after skips to the key after it", func(t *testing.T) {
		keys, _, _ := list(&s3.ListObjectsV2Input{Bucket: aws.String("results"), Prefix: aws.String("org/2/"), StartAfter: aws.String("org/2/accounts/000000000797.json")}, 0)
		if !cmp.Equal(keys, []string{"org/2/accounts/000000000798.json", "org/2/accounts/000000000799.json", "org/2/manifest.json"}) {
			t.Errorf("keys %v", keys)
		}
	})

	t.Run("an empty prefix of another bucket lists nothing, and a forged token is InvalidArgument", func(t *testing.T) {
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("results-kms")})
		if err != nil || len(out.Contents) != 0 || aws.ToBool(out.IsTruncated) || aws.ToInt32(out.KeyCount) != 0 {
			t.Errorf("empty bucket: %+v, %v", out, err)
		}
		_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("results"), ContinuationToken: aws.String("bm90LWEtdG9rZW4=")})
		if diff := cmp.Diff(apiError{"InvalidArgument", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		_, err = srv.s3(t, clientConfig{attempts: 1, key: partnerKey}).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("results")})
		if diff := cmp.Diff(apiError{"AccessDenied", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("another account's listing (-want +got):\n%s", diff)
		}
	})
}

func TestObjectCallsAreThrottledAndFaultedLikeEveryOther(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(objectsFixture, `
throttle: {apis: {"s3:PutObject": {rate: 0.01, burst: 2}}}
faults: [{service: s3, api: GetObject, resource: results, error: AccessDenied}]
`), Options{})
	c := srv.s3(t, clientConfig{attempts: 1})
	for i := range 3 {
		_, err := put(t, c, &s3.PutObjectInput{Bucket: aws.String("results"), Key: aws.String(fmt.Sprint(i)), Body: strings.NewReader("x")})
		if i < 2 && err != nil {
			t.Fatalf("put %d within the burst: %v", i, err)
		}
		if i == 2 {
			if diff := cmp.Diff(apiError{"SlowDown", 503}, decodeError(t, err)); diff != "" {
				t.Errorf("third put (-want +got):\n%s", diff)
			}
		}
	}
	if got := srv.Stats().Throttled["s3:PutObject"]; got != 1 {
		t.Errorf("throttled PutObject = %d, want 1", got)
	}
	_, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("results"), Key: aws.String("0")})
	if diff := cmp.Diff(apiError{"AccessDenied", 403}, decodeError(t, err)); diff != "" {
		t.Errorf("faulted GetObject (-want +got):\n%s", diff)
	}
}

package s3_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/s3"
	"github.com/trustmap/trustmap/graph"
)

const keyARN = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-2222-bbbb-3333-cccc4444dddd"

// S3 User Guide, "Setting default server-side encryption behavior for
// Amazon S3 buckets": every bucket has default encryption since January
// 2023 (SSE-S3 unless set); with SSE-KMS the bucket names its key, and
// reading what it holds takes kms:Decrypt on that key — the protects edge.
func TestDefaultEncryptionIsReadAndItsKMSKeyProtectsTheBucket(t *testing.T) {
	fx := fixture(`s3:
  buckets:
    - {name: sse-s3, region: us-east-1, ownership: BucketOwnerEnforced}
    - {name: by-arn, region: us-east-1, ownership: BucketOwnerEnforced, encryption: {sse_algorithm: "aws:kms", kms_master_key_id: "`+keyARN+`", bucket_key_enabled: true}}
    - {name: by-id, region: eu-west-1, ownership: BucketOwnerEnforced, encryption: {sse_algorithm: "aws:kms:dsse", kms_master_key_id: "5555eeee-6666-ffff-7777-888899990000"}}
    - {name: by-alias, region: us-east-1, ownership: BucketOwnerEnforced, encryption: {sse_algorithm: "aws:kms", kms_master_key_id: "alias/acme-data"}}
    - {name: old, region: us-east-1, ownership: BucketOwnerEnforced}
    - {name: hidden, region: us-east-1, ownership: BucketOwnerEnforced, encryption: {sse_algorithm: "aws:kms", kms_master_key_id: "`+keyARN+`"}}`, `faults:
  - {service: s3, api: GetBucketEncryption, resource: old, error: ServerSideEncryptionConfigurationNotFoundError, status: 404}
  - {service: s3, api: GetBucketEncryption, resource: hidden, error: AccessDenied}`)
	scan := collectortest.Run(t, fx, collectortest.Options{}, s3.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	got := map[string]graph.BucketEncryption{}
	for _, n := range scan.Snapshot.Nodes {
		if n.Kind == graph.KindS3Bucket {
			got[n.Name] = n.Bucket().Encryption
		}
	}
	want := map[string]graph.BucketEncryption{
		"sse-s3":   {Known: graph.True, Algorithm: "AES256"},
		"by-arn":   {Known: graph.True, Algorithm: "aws:kms", KMSKeyID: keyARN, BucketKeyEnabled: true},
		"by-id":    {Known: graph.True, Algorithm: "aws:kms:dsse", KMSKeyID: "5555eeee-6666-ffff-7777-888899990000"},
		"by-alias": {Known: graph.True, Algorithm: "aws:kms", KMSKeyID: "alias/acme-data"},
		"old":      {Known: graph.False},
		"hidden":   {Known: graph.Unknown},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default encryption (-want +got):\n%s", diff)
	}
	var edges []string
	for _, e := range scan.Snapshot.Edges {
		if e.Kind == graph.EdgeProtects {
			edges = append(edges, fmt.Sprintf("%s -%s/%s-> %s", e.From, e.Kind, e.Via, e.To))
		}
	}
	wantEdges := []string{
		"arn:aws:kms:eu-west-1:123456789012:key/5555eeee-6666-ffff-7777-888899990000 -protects/default-encryption-> arn:aws:s3:::by-id",
		keyARN + " -protects/default-encryption-> arn:aws:s3:::by-arn",
	}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("protects edges (-want +got):\n%s", diff)
	}
	gaps := scan.Gaps("GetBucketEncryption")
	if len(gaps) != 1 || gaps[0].Resource != "hidden" || gaps[0].Status != graph.GapDenied {
		t.Errorf("gaps = %+v, want one denied gap for hidden", gaps)
	}
	if n := scan.Server.Stats().Calls["s3:GetBucketEncryption"]; n != 6 {
		t.Errorf("GetBucketEncryption calls = %d, want one per bucket", n)
	}
}

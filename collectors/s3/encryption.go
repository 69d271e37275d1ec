package s3

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// encryption reads the bucket's default encryption. Since January 2023
// every bucket has one (SSE-S3 unless set otherwise: S3 User Guide,
// "Setting default server-side encryption behavior for Amazon S3
// buckets"); ServerSideEncryptionConfigurationNotFoundError, the answer
// for older buckets without one, is recorded as none.
func (c *Collector) encryption(ctx context.Context, client api, name string, inRegion func(*s3.Options), gap func(string, error), attrs *graph.S3Bucket) {
	out, err := client.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(name)}, inRegion)
	switch {
	case err == nil:
		attrs.Encryption.Known = graph.True
		if out.ServerSideEncryptionConfiguration == nil || len(out.ServerSideEncryptionConfiguration.Rules) == 0 {
			attrs.Encryption.Known = graph.False
			return
		}
		rule := out.ServerSideEncryptionConfiguration.Rules[0]
		attrs.Encryption.BucketKeyEnabled = aws.ToBool(rule.BucketKeyEnabled)
		if d := rule.ApplyServerSideEncryptionByDefault; d != nil {
			attrs.Encryption.Algorithm = string(d.SSEAlgorithm)
			attrs.Encryption.KMSKeyID = aws.ToString(d.KMSMasterKeyID)
		}
	case collectors.IsNotFound(err):
		attrs.Encryption.Known = graph.False
	default:
		gap("GetBucketEncryption", err)
	}
}

// protects links the KMS key of a bucket's default encryption to the
// bucket: reading what it holds also takes kms:Decrypt on that key. S3
// reports the key as it was set — a key id, a key ARN or an alias — and a
// key id names a key of the bucket's own account and region. An alias
// names no key until KMS says which: that link is left to the KMS
// collector's aliases, and the bucket keeps the alias in its attributes.
// SSE-KMS without a key id uses the AWS managed key aws/s3, whose policy
// admits only the account's own principals through S3.
func protects(b *graph.Builder, arn, account, region string, enc graph.BucketEncryption) {
	if enc.Known != graph.True || !strings.HasPrefix(enc.Algorithm, "aws:kms") || enc.KMSKeyID == "" {
		return
	}
	key := enc.KMSKeyID
	switch {
	case strings.HasPrefix(key, "arn:"):
		if !strings.Contains(key, ":key/") {
			return // an alias ARN
		}
	case strings.HasPrefix(key, "alias/"):
		return
	default:
		if region == "" || account == "" {
			return
		}
		key = "arn:aws:kms:" + region + ":" + account + ":key/" + key
	}
	detail := "default encryption " + enc.Algorithm + " with " + enc.KMSKeyID
	if enc.BucketKeyEnabled {
		detail += " (S3 Bucket Key)"
	}
	b.AddEdge(graph.Edge{
		From: key, To: arn, Kind: graph.EdgeProtects, Via: graph.ViaDefaultEncryption, Certainty: graph.True,
		Evidence: []graph.Evidence{{Source: "s3:GetBucketEncryption", Detail: detail}},
	})
}

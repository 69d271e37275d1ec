package fakeaws

import "strings"

// S3 GetBucketEncryption and GetBucketWebsite (REST-XML, bare <Error>).
// Sources: S3 API Reference "GetBucketEncryption" ("By default, all buckets
// have a default encryption configuration that uses server-side encryption
// with Amazon S3 managed keys (SSE-S3)"), "GetBucketWebsite", "Error
// responses" (NoSuchWebsiteConfiguration, 404); aws-sdk-go-v2 service/s3
// deserializers.go (Rule is flattened, BlockedEncryptionTypes holds
// EncryptionType members, RoutingRules holds RoutingRule members).

// sseS3Default is what S3 answers for a bucket whose default encryption was
// never set (or was deleted): since 5 January 2023 S3 applies SSE-S3 to
// every bucket, so GetBucketEncryption no longer answers
// ServerSideEncryptionConfigurationNotFoundError (User Guide, "Setting
// default server-side encryption behavior for Amazon S3 buckets").
var sseS3Default = BucketEncryption{SSEAlgorithm: "AES256"}

func s3GetBucketEncryption(_ *call, b *Bucket) (*response, error) {
	e := b.Encryption
	if e == nil {
		e = &sseS3Default
	}
	var sb strings.Builder
	x := newXML(&sb).open("ServerSideEncryptionConfiguration", "xmlns", s3NS).open("Rule").
		open("ApplyServerSideEncryptionByDefault").leafIf("KMSMasterKeyID", e.KMSMasterKeyID).leaf("SSEAlgorithm", e.SSEAlgorithm).
		close("ApplyServerSideEncryptionByDefault")
	if len(e.BlockedEncryptionTypes) > 0 {
		x.open("BlockedEncryptionTypes")
		for _, t := range e.BlockedEncryptionTypes {
			x.leaf("EncryptionType", t)
		}
		x.close("BlockedEncryptionTypes")
	}
	x.boolLeaf("BucketKeyEnabled", e.BucketKeyEnabled).close("Rule").close("ServerSideEncryptionConfiguration")
	return s3XML(sb.String()), nil
}

// s3GetBucketWebsite answers the website configuration, or 404
// NoSuchWebsiteConfiguration for a bucket that is not a website.
func s3GetBucketWebsite(_ *call, b *Bucket) (*response, error) {
	w := b.Website
	if w == nil {
		return nil, errorFor("s3", "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration").with("BucketName", b.Name)
	}
	var sb strings.Builder
	x := newXML(&sb).open("WebsiteConfiguration", "xmlns", s3NS)
	if r := w.RedirectAllRequestsTo; r != nil {
		x.open("RedirectAllRequestsTo").leaf("HostName", r.HostName).leafIf("Protocol", r.Protocol).close("RedirectAllRequestsTo")
	}
	if w.IndexDocument != "" {
		x.open("IndexDocument").leaf("Suffix", w.IndexDocument).close("IndexDocument")
	}
	if w.ErrorDocument != "" {
		x.open("ErrorDocument").leaf("Key", w.ErrorDocument).close("ErrorDocument")
	}
	if len(w.RoutingRules) > 0 {
		x.open("RoutingRules")
		for _, rr := range w.RoutingRules {
			x.open("RoutingRule")
			if rr.KeyPrefixEquals != "" || rr.HTTPErrorCodeReturnedEquals != "" {
				x.open("Condition").leafIf("HttpErrorCodeReturnedEquals", rr.HTTPErrorCodeReturnedEquals).
					leafIf("KeyPrefixEquals", rr.KeyPrefixEquals).close("Condition")
			}
			r := rr.Redirect
			x.open("Redirect").leafIf("HostName", r.HostName).leafIf("HttpRedirectCode", r.HTTPRedirectCode).
				leafIf("Protocol", r.Protocol).leafIf("ReplaceKeyPrefixWith", r.ReplaceKeyPrefixWith).
				leafIf("ReplaceKeyWith", r.ReplaceKeyWith).close("Redirect").close("RoutingRule")
		}
		x.close("RoutingRules")
	}
	x.close("WebsiteConfiguration")
	return s3XML(sb.String()), nil
}

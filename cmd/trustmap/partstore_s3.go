package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/spf13/cobra"

	"github.com/trustmap/trustmap/collectors"
)

// S3 output: collect --output-dir s3://BUCKET/PREFIX writes each part as
// an object with s3:PutObject, manifest.json last; merge and analyze read
// s3:// locations back with s3:ListBucket (ListObjectsV2 on the prefix) and
// s3:GetObject. It is off unless a location names s3://, and it is the
// user's own results bucket: the calls are made with the credentials the
// process starts with (--profile, else the SDK's default chain) or
// --results-profile, never with --assume-role's or a member account's
// role. iam/trustmap-results.json is the least-privilege policy.

// s3PartsAPI is every S3 call trustmap makes on a results bucket.
type s3PartsAPI interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

// resultsOptions are the flags of the results bucket.
type resultsOptions struct {
	profile     string
	region      string
	owner       string
	kmsKey      string // collect only
	endpointURL string // merge and analyze; collect uses its --endpoint-url

	// client and the owner it found, once for all the locations of a
	// command.
	client      s3PartsAPI
	clientOwner string

	// parts is the history store of store: locations (partstore_store.go).
	parts *partsStoreOptions
}

func (o *resultsOptions) bind(cmd *cobra.Command, write bool) {
	f := cmd.Flags()
	f.StringVar(&o.profile, "results-profile", "", "for s3:// locations: shared config profile whose credentials read and write the results bucket (default: --profile, else the SDK's default chain)")
	f.StringVar(&o.region, "results-region", "us-east-1", "for s3:// locations: the results bucket's region")
	f.StringVar(&o.owner, "results-bucket-owner", "", "for s3:// locations: the account that must own the results bucket (x-amz-expected-bucket-owner; default: the account of the results credentials)")
	if write {
		f.StringVar(&o.kmsKey, "results-kms-key", "", "for s3:// output: encrypt the parts with this KMS key (SSE-KMS; needs kms:GenerateDataKey) instead of SSE-S3")
	} else {
		f.StringVar(&o.endpointURL, "endpoint-url", "", "for s3:// locations: send the S3 calls to this endpoint (S3-compatible stores, emulators); AWS_ENDPOINT_URL also works")
	}
}

// s3Store is a prefix of a results bucket.
type s3Store struct {
	c      s3PartsAPI
	bucket string
	prefix string // without a trailing slash; "" for the bucket's top
	owner  string // the bucket's expected owner
	kmsKey string
}

// parseS3Location splits s3://BUCKET/PREFIX.
func parseS3Location(loc string) (bucket, prefix string, err error) {
	u, err := url.Parse(loc)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", "", usageErr("%q is not an S3 location: want s3://BUCKET/PREFIX", loc)
	}
	return u.Host, strings.Trim(u.Path, "/"), nil
}

// openS3Store builds the client of a results bucket and names its owner.
// base is the scan's own configuration (its --profile and --endpoint-url);
// a member account's or --assume-role's credentials are never used here.
func (o *resultsOptions) openS3Store(ctx context.Context, loc string, base collectors.ConfigOptions) (*s3Store, error) {
	bucket, prefix, err := parseS3Location(loc)
	if err != nil {
		return nil, err
	}
	if o.client == nil {
		cfg, err := o.config(ctx, base)
		if err != nil {
			return nil, failErr("%s: %v", loc, err)
		}
		owner := o.owner
		if owner == "" {
			// The bucket must be the results credentials' own account's,
			// unless --results-bucket-owner names another: a report is not
			// written to, or read from, a bucket someone else owns (a
			// mistyped or re-created name).
			if owner, _, err = collectors.Identify(ctx, cfg); err != nil {
				return nil, failErr("%s: cannot identify the results credentials' account with sts:GetCallerIdentity: %s", loc, collectors.ErrorSummary(err))
			}
		}
		o.client = s3.NewFromConfig(cfg, func(so *s3.Options) {
			so.UsePathStyle = cfg.BaseEndpoint != nil
			// An object without a checksum (an S3-compatible store's) is
			// read unvalidated, without the SDK saying so on stderr.
			so.DisableLogOutputChecksumValidationSkipped = true
		})
		o.clientOwner = owner
	}
	return &s3Store{c: o.client, bucket: bucket, prefix: prefix, owner: o.clientOwner, kmsKey: o.kmsKey}, nil
}

// config is the results bucket's AWS configuration: the SDK's own loading
// (default chain, or the profile), its standard retries, and the endpoint
// override. It is not collectors.LoadConfig, whose answer checks are made
// for the read APIs of a scan: a PutObject answer has no body, a
// GetObject answer is the object itself.
func (o *resultsOptions) config(ctx context.Context, base collectors.ConfigOptions) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(o.region)}
	if p := cmp.Or(o.profile, base.Profile); p != "" {
		opts = append(opts, config.WithSharedConfigProfile(p))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if ep := cmp.Or(o.endpointURL, base.EndpointURL); ep != "" {
		if _, err := url.ParseRequestURI(ep); err != nil {
			return aws.Config{}, fmt.Errorf("--endpoint-url %q: %w", ep, err)
		}
		cfg.BaseEndpoint = aws.String(ep)
	}
	return cfg, nil
}

func (s *s3Store) String() string { return "s3://" + s.bucket + "/" + s.prefix }

func (s *s3Store) key(name string) string {
	if s.prefix == "" {
		return name
	}
	return s.prefix + "/" + name
}

func (s *s3Store) put(ctx context.Context, name string, data []byte) error {
	in := &s3.PutObjectInput{
		Bucket: aws.String(s.bucket), Key: aws.String(s.key(name)), Body: bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))), ContentType: aws.String("application/json"),
		ExpectedBucketOwner: aws.String(s.owner), ServerSideEncryption: types.ServerSideEncryptionAes256,
	}
	if s.kmsKey != "" {
		in.ServerSideEncryption, in.SSEKMSKeyId = types.ServerSideEncryptionAwsKms, aws.String(s.kmsKey)
	}
	if _, err := s.c.PutObject(ctx, in); err != nil {
		return s3Err("PutObject", s.bucket, s.key(name), err)
	}
	return nil
}

func (s *s3Store) open(ctx context.Context, name string) (io.ReadCloser, error) {
	out, err := s.c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.key(name)), ExpectedBucketOwner: aws.String(s.owner)})
	if err != nil {
		return nil, s3Err("GetObject", s.bucket, s.key(name), err)
	}
	return out.Body, nil
}

func (s *s3Store) list(ctx context.Context) ([]string, error) {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), ExpectedBucketOwner: aws.String(s.owner)}
	if s.prefix != "" {
		in.Prefix = aws.String(s.prefix + "/")
	}
	var names []string
	p := s3.NewListObjectsV2Paginator(s.c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, s3Err("ListObjectsV2", s.bucket, aws.ToString(in.Prefix), err)
		}
		for _, o := range out.Contents {
			names = append(names, strings.TrimPrefix(aws.ToString(o.Key), aws.ToString(in.Prefix)))
		}
	}
	return names, nil
}

func (s *s3Store) sub(name string) partStore {
	c := *s
	c.prefix = s.key(name)
	return &c
}

// s3Err says which call on which object failed, and what permission it
// needs when S3 denied it. A missing key is errNoPart.
func s3Err(api, bucket, key string, err error) error {
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		return fmt.Errorf("s3://%s/%s: %w", bucket, key, errNoPart)
	}
	msg := fmt.Sprintf("s3://%s/%s: %s: %s", bucket, key, api, collectors.ErrorSummary(err))
	if collectors.Classify(err) == collectors.ClassDenied {
		perm := map[string]string{"PutObject": "s3:PutObject", "GetObject": "s3:GetObject", "ListObjectsV2": "s3:ListBucket"}[api]
		msg += fmt.Sprintf(" (the results credentials need %s on this bucket and prefix, and an owner given by --results-bucket-owner if it is not their account's; see iam/trustmap-results.json)", perm)
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		if region := re.Response.Header.Get("x-amz-bucket-region"); region != "" {
			msg += fmt.Sprintf(" (the bucket is in %s: pass --results-region %s)", region, region)
		}
	}
	return errors.New(msg)
}

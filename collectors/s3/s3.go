// Package s3 collects S3 buckets: region, policy, ACL, Block Public Access
// (bucket and account), policy status, ownership controls, notification
// targets and default encryption.
//
// # Calls
//
// Per account: S3 Control GetPublicAccessBlock (the account-level block), and
// ListBuckets in pages of 1,000 (MaxBuckets set, so each bucket comes with its
// region; GetBucketLocation only for a bucket without one). Per bucket, in its
// own region: GetBucketPolicy, then GetBucketPolicyStatus only when there is
// a policy; GetPublicAccessBlock; GetBucketOwnershipControls, then
// GetBucketAcl only when ACLs are enabled (not BucketOwnerEnforced);
// GetBucketNotificationConfiguration; and GetBucketEncryption (the default
// encryption, whose KMS key becomes a protects edge key → bucket). The
// policy is read first (a scan cut short has it for every bucket it
// started), then the rest side by side, so a bucket costs three round
// trips; BucketConcurrency buckets (16 per region) are read at once,
// starting as their page of the listing arrives.
package s3

import (
	"context"
	"errors"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "s3"

// api is the part of the S3 client the collector uses: reads only.
type api interface {
	ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	GetBucketPolicyStatus(context.Context, *s3.GetBucketPolicyStatusInput, ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error)
	GetBucketAcl(context.Context, *s3.GetBucketAclInput, ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketOwnershipControls(context.Context, *s3.GetBucketOwnershipControlsInput, ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error)
	GetBucketNotificationConfiguration(context.Context, *s3.GetBucketNotificationConfigurationInput, ...func(*s3.Options)) (*s3.GetBucketNotificationConfigurationOutput, error)
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
}

// controlAPI is the part of the S3 Control client the collector uses.
type controlAPI interface {
	GetPublicAccessBlock(context.Context, *s3control.GetPublicAccessBlockInput, ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error)
}

// Collector reads S3. It runs once per account: the bucket list is global,
// and each bucket's configuration is read from the bucket's own region.
type Collector struct {
	// BucketConcurrency bounds buckets read at once (default 16 per region
	// in scope, at least 32: one S3 task reads every region's buckets, where
	// the regional collectors get a task, and a fan-out, per region; and a
	// bucket far from the scanner costs a long round trip). The runner's
	// limits bound the calls themselves.
	BucketConcurrency int
}

// New returns the S3 collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Global }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"ListBuckets":                        {"s3:ListAllMyBuckets"},
			"GetBucketLocation":                  {"s3:GetBucketLocation"},
			"GetBucketPolicy":                    {"s3:GetBucketPolicy"},
			"GetBucketPolicyStatus":              {"s3:GetBucketPolicyStatus"},
			"GetBucketAcl":                       {"s3:GetBucketAcl"},
			"GetPublicAccessBlock":               {"s3:GetBucketPublicAccessBlock"},
			"GetBucketOwnershipControls":         {"s3:GetBucketOwnershipControls"},
			"GetBucketNotificationConfiguration": {"s3:GetBucketNotification"},
			"GetBucketEncryption":                {"s3:GetEncryptionConfiguration"},
		}},
		{Interface: reflect.TypeFor[controlAPI](), Actions: map[string][]string{
			"GetPublicAccessBlock": {"s3:GetAccountPublicAccessBlock"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	client := s3.NewFromConfig(t.Config, func(o *s3.Options) { o.UsePathStyle = t.PathStyle })
	control := s3control.NewFromConfig(t.Config)
	return c.collect(ctx, t, b, client, control)
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api, control controlAPI) error {
	gaps := collectors.NewGaps(t, b, service)
	c.accountBlock(ctx, t, b, gaps, control)

	// Buckets are read as their page of the listing comes in, not after the
	// whole listing: the next page is fetched while the first are read.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, c.concurrency(len(t.Regions))))
	var listErr error
	p := s3.NewListBucketsPaginator(client, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(gctx)
		if err != nil {
			gaps.Fail("", "ListBuckets", "", err)
			if errors.Is(err, context.Canceled) {
				listErr = err
			}
			break
		}
		for _, bk := range page.Buckets {
			g.Go(func() error {
				c.bucket(gctx, t, b, gaps, client, bk)
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if listErr != nil {
		return listErr
	}
	return gaps.Err()
}

func (c *Collector) concurrency(regions int) int {
	if c.BucketConcurrency > 0 {
		return c.BucketConcurrency
	}
	return max(32, 16*regions)
}

// accountBlock reads the account-level Block Public Access settings.
func (c *Collector) accountBlock(ctx context.Context, t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, control controlAPI) {
	pab := graph.PublicAccessBlock{Source: "s3control:GetPublicAccessBlock"}
	out, err := control.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(t.Account)})
	switch {
	case err == nil && out.PublicAccessBlockConfiguration != nil:
		cfg := out.PublicAccessBlockConfiguration
		pab.Configured = graph.True
		pab.BlockPublicACLs = graph.TriOf(aws.ToBool(cfg.BlockPublicAcls))
		pab.IgnorePublicACLs = graph.TriOf(aws.ToBool(cfg.IgnorePublicAcls))
		pab.BlockPublicPolicy = graph.TriOf(aws.ToBool(cfg.BlockPublicPolicy))
		pab.RestrictPublicBuckets = graph.TriOf(aws.ToBool(cfg.RestrictPublicBuckets))
	case err == nil, collectors.IsNotFound(err):
		pab = notConfigured(pab.Source)
	default:
		gaps.Fail("", "GetAccountPublicAccessBlock", t.Account, err)
	}
	b.UpdateNode(graph.AccountID(t.Account), graph.KindAccount, func(n *graph.Node) {
		n.Account = t.Account
		if n.AccountInfo() == nil {
			n.Attrs = &graph.AccountInfo{}
		}
		n.AccountInfo().S3BlockPublic = pab
	})
}

func notConfigured(source string) graph.PublicAccessBlock {
	return graph.PublicAccessBlock{
		Configured: graph.False, BlockPublicACLs: graph.False, IgnorePublicACLs: graph.False,
		BlockPublicPolicy: graph.False, RestrictPublicBuckets: graph.False, Source: source,
	}
}

// BucketARN is the ARN of a bucket.
func BucketARN(name string) string { return "arn:aws:s3:::" + name }

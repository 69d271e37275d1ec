package s3

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// bucket reads one bucket's configuration from its own region and adds the
// bucket node and its notification edges. Every failed read leaves its fact
// Unknown and records a coverage gap.
func (c *Collector) bucket(ctx context.Context, t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, client api, bk types.Bucket) {
	name := aws.ToString(bk.Name)
	region := aws.ToString(bk.BucketRegion)
	if region == "" {
		region = c.location(ctx, gaps, client, name)
	}
	if region != "" && len(t.Regions) > 0 && !t.InScope(region) {
		return // outside the regions asked for
	}
	inRegion := func(o *s3.Options) {
		if region != "" {
			o.Region = region
		}
	}
	gap := func(api string, err error) { gaps.Fail(region, api, name, err) }

	attrs := &graph.S3Bucket{}
	if bk.CreationDate != nil {
		attrs.CreatedAt = bk.CreationDate.UTC()
	}

	// The policy first: it is what most often makes a bucket an entry point,
	// so a scan cut short has read it for every bucket it started. Then the
	// other reads side by side (each a chain of at most two calls): a bucket
	// costs three round trips, not seven. Each read writes its own fields.
	c.policy(ctx, client, name, inRegion, gap, attrs)
	var wg sync.WaitGroup
	wg.Add(4)
	go func() {
		defer wg.Done()
		c.encryption(ctx, client, name, inRegion, gap, attrs)
	}()
	go func() {
		defer wg.Done()
		c.policyStatus(ctx, client, name, inRegion, gap, attrs)
	}()
	go func() {
		defer wg.Done()
		c.publicAccessBlock(ctx, client, name, inRegion, gap, attrs)
	}()
	go func() {
		defer wg.Done()
		c.ownershipAndACL(ctx, client, name, inRegion, gap, attrs)
	}()
	attrs.Notifications, attrs.NotificationsKnown = c.notifications(ctx, client, name, inRegion, gap)
	wg.Wait()

	arn := BucketARN(name)
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindS3Bucket, Name: name, Account: t.Account, Region: region, Attrs: attrs})
	for _, n := range attrs.Notifications {
		if n.Target == "" {
			continue
		}
		b.AddEdge(graph.Edge{
			From: arn, To: n.Target, Kind: graph.EdgeTriggers, Actions: n.Events, Via: graph.ViaS3Notification,
			Certainty: graph.True, Evidence: []graph.Evidence{{Source: "s3:GetBucketNotificationConfiguration", Detail: n.Type + " notification " + n.ID}},
		})
	}
	protects(b, arn, t.Account, region, attrs.Encryption)
}

// policy reads the bucket policy.
func (c *Collector) policy(ctx context.Context, client api, name string, inRegion func(*s3.Options), gap func(string, error), attrs *graph.S3Bucket) {
	const policySrc = "s3:GetBucketPolicy"
	pol, err := client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(name)}, inRegion)
	switch {
	case err == nil:
		attrs.Policy = graph.Present(aws.ToString(pol.Policy), policySrc)
	case collectors.IsNotFound(err):
		attrs.Policy = graph.Absent(policySrc)
	default:
		attrs.Policy = graph.Hidden(policySrc)
		gap("GetBucketPolicy", err)
	}
}

// policyStatus reads AWS's own verdict on the policy (only meaningful with
// a policy).
func (c *Collector) policyStatus(ctx context.Context, client api, name string, inRegion func(*s3.Options), gap func(string, error), attrs *graph.S3Bucket) {
	if attrs.Policy.State == graph.True {
		st, err := client.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String(name)}, inRegion)
		switch {
		case err == nil && st.PolicyStatus != nil:
			attrs.PolicyStatusPublic = graph.TriOf(aws.ToBool(st.PolicyStatus.IsPublic))
		case err == nil:
		case collectors.IsNotFound(err):
			// The policy vanished between the two calls; keep what we read.
		default:
			gap("GetBucketPolicyStatus", err)
		}
	} else if attrs.Policy.State == graph.False {
		attrs.PolicyStatusPublic = graph.False
	}
}

// publicAccessBlock reads the bucket-level Block Public Access settings.
func (c *Collector) publicAccessBlock(ctx context.Context, client api, name string, inRegion func(*s3.Options), gap func(string, error), attrs *graph.S3Bucket) {
	const pabSrc = "s3:GetPublicAccessBlock"
	pab, err := client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(name)}, inRegion)
	switch {
	case err == nil && pab.PublicAccessBlockConfiguration != nil:
		cfg := pab.PublicAccessBlockConfiguration
		attrs.BlockPublic = graph.PublicAccessBlock{
			Configured:            graph.True,
			BlockPublicACLs:       graph.TriOf(aws.ToBool(cfg.BlockPublicAcls)),
			IgnorePublicACLs:      graph.TriOf(aws.ToBool(cfg.IgnorePublicAcls)),
			BlockPublicPolicy:     graph.TriOf(aws.ToBool(cfg.BlockPublicPolicy)),
			RestrictPublicBuckets: graph.TriOf(aws.ToBool(cfg.RestrictPublicBuckets)),
			Source:                pabSrc,
		}
	case err == nil, collectors.IsNotFound(err):
		attrs.BlockPublic = notConfigured(pabSrc)
	default:
		attrs.BlockPublic = graph.PublicAccessBlock{Source: pabSrc}
		gap("GetPublicAccessBlock", err)
	}
}

// ownershipAndACL reads the ownership controls and, unless they disable
// ACLs (BucketOwnerEnforced, where AWS returns only the owner's
// FULL_CONTROL), the ACL.
func (c *Collector) ownershipAndACL(ctx context.Context, client api, name string, inRegion func(*s3.Options), gap func(string, error), attrs *graph.S3Bucket) {
	own, err := client.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(name)}, inRegion)
	switch {
	case err == nil && own.OwnershipControls != nil && len(own.OwnershipControls.Rules) > 0:
		attrs.Ownership = string(own.OwnershipControls.Rules[0].ObjectOwnership)
		attrs.OwnershipKnown = graph.True
	case err == nil, collectors.IsNotFound(err):
		attrs.OwnershipKnown = graph.False
	default:
		gap("GetBucketOwnershipControls", err)
	}
	if attrs.Ownership == string(types.ObjectOwnershipBucketOwnerEnforced) {
		attrs.ACL = graph.ACL{State: graph.False}
	} else {
		attrs.ACL = c.acl(ctx, client, name, inRegion, gap)
	}
}

// location asks S3 for a bucket's region when ListBuckets did not say.
func (c *Collector) location(ctx context.Context, gaps *collectors.Gaps, client api, name string) string {
	out, err := client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(name)})
	if err != nil {
		gaps.Fail("", "GetBucketLocation", name, err)
		return ""
	}
	switch loc := string(out.LocationConstraint); loc {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	default:
		return loc
	}
}

func (c *Collector) acl(ctx context.Context, client api, name string, inRegion func(*s3.Options), gap func(string, error)) graph.ACL {
	out, err := client.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(name)}, inRegion)
	if err != nil {
		gap("GetBucketAcl", err)
		return graph.ACL{State: graph.Unknown}
	}
	acl := graph.ACL{State: graph.True}
	if out.Owner != nil {
		acl.OwnerID = aws.ToString(out.Owner.ID)
	}
	for _, g := range out.Grants {
		gr := graph.ACLGrant{Permission: string(g.Permission)}
		if g.Grantee != nil {
			gr.GranteeType = string(g.Grantee.Type)
			gr.ID = aws.ToString(g.Grantee.ID)
			gr.URI = aws.ToString(g.Grantee.URI)
			gr.Email = aws.ToString(g.Grantee.EmailAddress)
		}
		acl.Grants = append(acl.Grants, gr)
	}
	return acl
}

func (c *Collector) notifications(ctx context.Context, client api, name string, inRegion func(*s3.Options), gap func(string, error)) ([]graph.Notification, graph.Tri) {
	out, err := client.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String(name)}, inRegion)
	if err != nil {
		if collectors.IsNotFound(err) {
			return nil, graph.True
		}
		gap("GetBucketNotificationConfiguration", err)
		return nil, graph.Unknown
	}
	var ns []graph.Notification
	events := func(es []types.Event) []string {
		var out []string
		for _, e := range es {
			out = append(out, string(e))
		}
		return out
	}
	for _, q := range out.QueueConfigurations {
		ns = append(ns, graph.Notification{ID: aws.ToString(q.Id), Type: "queue", Target: aws.ToString(q.QueueArn), Events: events(q.Events)})
	}
	for _, l := range out.LambdaFunctionConfigurations {
		ns = append(ns, graph.Notification{ID: aws.ToString(l.Id), Type: "lambda", Target: aws.ToString(l.LambdaFunctionArn), Events: events(l.Events)})
	}
	for _, tp := range out.TopicConfigurations {
		ns = append(ns, graph.Notification{ID: aws.ToString(tp.Id), Type: "topic", Target: aws.ToString(tp.TopicArn), Events: events(tp.Events)})
	}
	if out.EventBridgeConfiguration != nil {
		ns = append(ns, graph.Notification{Type: "eventbridge", Target: "", Events: []string{"*"}})
	}
	return ns, graph.True
}

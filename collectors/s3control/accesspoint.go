package s3control

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// accessPoint reads one access point and adds its node and its edge to the
// bucket it serves. A failed read leaves its fact Unknown.
func (c *Collector) accessPoint(ctx context.Context, t collectors.Target, b *graph.Builder, client api, region string, ap types.AccessPoint, errs *collectors.Gaps) {
	name := aws.ToString(ap.Name)
	tr := at(t, region)
	attrs := &graph.S3AccessPoint{
		Bucket:        aws.ToString(ap.Bucket),
		BucketAccount: aws.ToString(ap.BucketAccountId),
		NetworkOrigin: string(ap.NetworkOrigin),
		Alias:         aws.ToString(ap.Alias),
		BlockPublic:   graph.PublicAccessBlock{Source: "s3control:GetAccessPoint"},
	}
	if attrs.BucketAccount == "" {
		attrs.BucketAccount = t.Account
	}
	if ap.VpcConfiguration != nil {
		attrs.VPCID = aws.ToString(ap.VpcConfiguration.VpcId)
	}
	account := aws.String(t.Account)

	const policySrc = "s3control:GetAccessPointPolicy"
	pol, err := client.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: account, Name: aws.String(name)}, in(region))
	switch {
	case err == nil && aws.ToString(pol.Policy) != "":
		attrs.Policy = graph.Present(aws.ToString(pol.Policy), policySrc)
	case err == nil, collectors.IsNotFound(err):
		attrs.Policy = graph.Absent(policySrc)
		attrs.PolicyStatusPublic = graph.False
	default:
		attrs.Policy = graph.Hidden(policySrc)
		errs.Fail(tr.Region, "GetAccessPointPolicy", name, err)
	}
	if attrs.Policy.State != graph.False {
		// A policy, or one that could not be read: what S3 makes of it
		// depends on the access point's own Block Public Access, and S3
		// has its own verdict on it.
		var wg sync.WaitGroup
		if attrs.Policy.State == graph.True {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, err := client.GetAccessPointPolicyStatus(ctx, &s3control.GetAccessPointPolicyStatusInput{AccountId: account, Name: aws.String(name)}, in(region))
				switch {
				case err == nil && st.PolicyStatus != nil:
					attrs.PolicyStatusPublic = graph.TriOf(st.PolicyStatus.IsPublic)
				case err == nil, collectors.IsNotFound(err):
					// The policy went away between the two calls; keep what was read.
				default:
					errs.Fail(tr.Region, "GetAccessPointPolicyStatus", name, err)
				}
			}()
		}
		out, err := client.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: account, Name: aws.String(name)}, in(region))
		switch {
		case err == nil:
			attrs.BlockPublic = block(out.PublicAccessBlockConfiguration, "s3control:GetAccessPoint")
			if out.CreationDate != nil {
				attrs.CreatedAt = out.CreationDate.UTC()
			}
		case collectors.IsNotFound(err):
		default:
			errs.Fail(tr.Region, "GetAccessPoint", name, err)
		}
		wg.Wait()
	}

	arn := aws.ToString(ap.AccessPointArn)
	if arn == "" {
		arn = graph.AccessPointARN(region, t.Account, name)
	}
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindS3AccessPoint, Name: name, Account: t.Account, Region: region, Attrs: attrs})
	detail := "network origin " + attrs.NetworkOrigin
	if attrs.VPCID != "" {
		detail += " (" + attrs.VPCID + ")"
	}
	if attrs.BucketAccount != t.Account {
		detail += "; the bucket belongs to account " + attrs.BucketAccount
	}
	b.AddEdge(graph.Edge{
		From: arn, To: "arn:aws:s3:::" + attrs.Bucket, Kind: graph.EdgeRoutesTo, Via: graph.ViaAccessPoint, Certainty: graph.True,
		Evidence: []graph.Evidence{{Source: "s3control:ListAccessPoints", Detail: detail}},
	})
}

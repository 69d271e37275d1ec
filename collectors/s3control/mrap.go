package s3control

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// multiRegion lists the account's Multi-Region Access Points from
// us-west-2 and reads each one's policy.
func (c *Collector) multiRegion(ctx context.Context, t collectors.Target, b *graph.Builder, client api, errs *collectors.Gaps) {
	tr := at(t, MRAPRegion)
	var reports []types.MultiRegionAccessPointReport
	p := s3control.NewListMultiRegionAccessPointsPaginator(client, &s3control.ListMultiRegionAccessPointsInput{AccountId: aws.String(t.Account)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, in(MRAPRegion))
		if err != nil {
			errs.Fail(tr.Region, "ListMultiRegionAccessPoints", "", err)
			break
		}
		reports = append(reports, page.AccessPoints...)
	}
	for _, m := range reports {
		c.mrap(ctx, tr, b, client, m, errs)
	}
}

// mrap reads one Multi-Region Access Point's policy and adds its node and
// its edges to the buckets it routes to.
func (c *Collector) mrap(ctx context.Context, t collectors.Target, b *graph.Builder, client api, m types.MultiRegionAccessPointReport, errs *collectors.Gaps) {
	name := aws.ToString(m.Name)
	attrs := &graph.MultiRegionAccessPoint{
		Alias:       aws.ToString(m.Alias),
		Status:      string(m.Status),
		BlockPublic: block(m.PublicAccessBlock, "s3control:ListMultiRegionAccessPoints"),
	}
	if m.CreatedAt != nil {
		attrs.CreatedAt = m.CreatedAt.UTC()
	}
	for _, r := range m.Regions {
		reg := graph.MRAPRegion{Bucket: aws.ToString(r.Bucket), Region: aws.ToString(r.Region), BucketAccount: aws.ToString(r.BucketAccountId)}
		if reg.BucketAccount == "" {
			reg.BucketAccount = t.Account
		}
		attrs.Regions = append(attrs.Regions, reg)
	}

	const src = "s3control:GetMultiRegionAccessPointPolicy"
	account := aws.String(t.Account)
	out, err := client.GetMultiRegionAccessPointPolicy(ctx, &s3control.GetMultiRegionAccessPointPolicyInput{AccountId: account, Name: aws.String(name)}, in(MRAPRegion))
	switch {
	case err == nil:
		// AWS documents no answer for "no policy"; an empty Established
		// policy is none.
		var established, proposed string
		if out.Policy != nil && out.Policy.Established != nil {
			established = aws.ToString(out.Policy.Established.Policy)
		}
		if out.Policy != nil && out.Policy.Proposed != nil {
			proposed = aws.ToString(out.Policy.Proposed.Policy)
		}
		attrs.Policy = graph.Absent(src)
		if established != "" {
			attrs.Policy = graph.Present(established, src+" Established")
		}
		attrs.ProposedPolicy = graph.Absent(src)
		if proposed != "" && proposed != established {
			attrs.ProposedPolicy = graph.Present(proposed, src+" Proposed")
		}
	case collectors.IsNotFound(err):
		attrs.Policy = graph.Absent(src)
	default:
		attrs.Policy = graph.Hidden(src)
		errs.Fail(t.Region, "GetMultiRegionAccessPointPolicy", name, err)
	}
	switch attrs.Policy.State {
	case graph.True:
		st, err := client.GetMultiRegionAccessPointPolicyStatus(ctx, &s3control.GetMultiRegionAccessPointPolicyStatusInput{AccountId: account, Name: aws.String(name)}, in(MRAPRegion))
		switch {
		case err == nil && st.Established != nil:
			attrs.PolicyStatusPublic = graph.TriOf(st.Established.IsPublic)
		case err == nil, collectors.IsNotFound(err):
		default:
			errs.Fail(t.Region, "GetMultiRegionAccessPointPolicyStatus", name, err)
		}
	case graph.False:
		attrs.PolicyStatusPublic = graph.False
	}

	arn := graph.MRAPARN(t.Account, attrs.Alias)
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindMultiRegionAccessPoint, Name: name, Account: t.Account, Attrs: attrs})
	for _, r := range attrs.Regions {
		detail := "bucket in " + r.Region
		if r.BucketAccount != t.Account {
			detail += " of account " + r.BucketAccount
		}
		b.AddEdge(graph.Edge{
			From: arn, To: "arn:aws:s3:::" + r.Bucket, Kind: graph.EdgeRoutesTo, Via: graph.ViaMultiRegionAccess, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: "s3control:ListMultiRegionAccessPoints", Detail: detail}},
		})
	}
}

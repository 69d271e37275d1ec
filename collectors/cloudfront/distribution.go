package cloudfront

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const listSource = "cloudfront:ListDistributions"

// addDistribution adds a distribution's node, the filters edge from its
// WAFv2 web ACL and an integrates-with edge per Lambda@Edge function.
func addDistribution(t collectors.Target, b *graph.Builder, s types.DistributionSummary, oacs map[string]types.OriginAccessControlSummary) {
	id := aws.ToString(s.Id)
	// The ARN is built rather than read: some endpoints (moto) send one
	// without the empty region field.
	arn := graph.DistributionARN(t.Account, id)
	d := &graph.Distribution{
		DistributionID: id,
		DomainName:     aws.ToString(s.DomainName),
		Enabled:        aws.ToBool(s.Enabled),
		Staging:        aws.ToBool(s.Staging),
		Status:         aws.ToString(s.Status),
		WebACLID:       aws.ToString(s.WebACLId),
	}
	if s.Aliases != nil {
		d.Aliases = s.Aliases.Items
	}
	if vc := s.ViewerCertificate; vc != nil {
		d.MinimumProtocolVersion = string(vc.MinimumProtocolVersion)
		d.DefaultCertificate = aws.ToBool(vc.CloudFrontDefaultCertificate)
	} else {
		d.DefaultCertificate = true
	}
	if r := s.Restrictions; r != nil && r.GeoRestriction != nil && r.GeoRestriction.RestrictionType != "" && r.GeoRestriction.RestrictionType != types.GeoRestrictionTypeNone {
		d.GeoRestriction = fmt.Sprintf("%s %s", r.GeoRestriction.RestrictionType, strings.Join(r.GeoRestriction.Items, ","))
	}
	if s.Origins != nil {
		for _, o := range s.Origins.Items {
			d.Origins = append(d.Origins, origin(o, oacs))
		}
	}
	if s.OriginGroups != nil {
		for _, g := range s.OriginGroups.Items {
			og := graph.OriginGroup{ID: aws.ToString(g.Id)}
			if g.Members != nil {
				for _, m := range g.Members.Items {
					og.Members = append(og.Members, aws.ToString(m.OriginId))
				}
			}
			d.OriginGroups = append(d.OriginGroups, og)
		}
	}
	if db := s.DefaultCacheBehavior; db != nil {
		d.Behaviors = append(d.Behaviors, behavior("", aws.ToString(db.TargetOriginId), db.ViewerProtocolPolicy, db.AllowedMethods,
			db.TrustedKeyGroups, db.TrustedSigners, db.FunctionAssociations, db.LambdaFunctionAssociations))
	}
	if s.CacheBehaviors != nil {
		for _, cb := range s.CacheBehaviors.Items {
			d.Behaviors = append(d.Behaviors, behavior(aws.ToString(cb.PathPattern), aws.ToString(cb.TargetOriginId), cb.ViewerProtocolPolicy, cb.AllowedMethods,
				cb.TrustedKeyGroups, cb.TrustedSigners, cb.FunctionAssociations, cb.LambdaFunctionAssociations))
		}
	}
	name := d.DomainName
	if len(d.Aliases) > 0 {
		name = d.Aliases[0]
	}
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindDistribution, Name: name, Account: t.Account, Attrs: d})

	if strings.HasPrefix(d.WebACLID, "arn:") {
		b.AddEdge(graph.Edge{From: d.WebACLID, To: arn, Kind: graph.EdgeFilters, Via: graph.ViaWebACL, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: listSource, Detail: "WebACLId of distribution " + id}}})
	}
	for _, bh := range d.Behaviors {
		for _, f := range bh.LambdaFunctions {
			fn := unqualified(f.ARN)
			b.AddEdge(graph.Edge{From: arn, To: fn, Kind: graph.EdgeIntegratesWith, Via: graph.ViaLambdaEdge, Actions: []string{f.EventType}, Certainty: graph.True,
				Evidence: []graph.Evidence{{Source: listSource, Detail: fmt.Sprintf("behavior %s runs %s at %s", bh.Pattern(), f.ARN, f.EventType)}}})
		}
	}
}

// origin converts one origin. Header values are dropped.
func origin(o types.Origin, oacs map[string]types.OriginAccessControlSummary) graph.Origin {
	out := graph.Origin{ID: aws.ToString(o.Id), DomainName: aws.ToString(o.DomainName), OriginPath: aws.ToString(o.OriginPath),
		OAC: aws.ToString(o.OriginAccessControlId)}
	if o.S3OriginConfig != nil {
		out.S3 = true
		if oai := aws.ToString(o.S3OriginConfig.OriginAccessIdentity); oai != "" {
			out.OAI = graph.OAIIDOf(oai)
		}
	}
	if out.OAC != "" {
		if oac, ok := oacs[out.OAC]; ok {
			out.OACSigning = string(oac.SigningBehavior)
		}
	}
	if o.CustomOriginConfig != nil {
		out.ProtocolPolicy = string(o.CustomOriginConfig.OriginProtocolPolicy)
	}
	if o.CustomHeaders != nil {
		for _, h := range o.CustomHeaders.Items {
			out.CustomHeaders = append(out.CustomHeaders, aws.ToString(h.HeaderName))
		}
	}
	if o.VpcOriginConfig != nil {
		out.VPCOriginID = aws.ToString(o.VpcOriginConfig.VpcOriginId)
	}
	return out
}

func behavior(pattern, target string, vpp types.ViewerProtocolPolicy, am *types.AllowedMethods, kg *types.TrustedKeyGroups, ts *types.TrustedSigners,
	fa *types.FunctionAssociations, la *types.LambdaFunctionAssociations) graph.CacheBehavior {
	out := graph.CacheBehavior{PathPattern: pattern, TargetOriginID: target, ViewerProtocolPolicy: string(vpp)}
	if am != nil {
		for _, m := range am.Items {
			out.AllowedMethods = append(out.AllowedMethods, string(m))
		}
	}
	if kg != nil && aws.ToBool(kg.Enabled) {
		out.TrustedKeyGroups = kg.Items
	}
	if ts != nil && aws.ToBool(ts.Enabled) {
		out.TrustedSigners = ts.Items
	}
	if fa != nil {
		for _, f := range fa.Items {
			out.Functions = append(out.Functions, graph.EdgeFunction{EventType: string(f.EventType), ARN: aws.ToString(f.FunctionARN)})
		}
	}
	if la != nil {
		for _, f := range la.Items {
			out.LambdaFunctions = append(out.LambdaFunctions, graph.EdgeFunction{EventType: string(f.EventType), ARN: aws.ToString(f.LambdaFunctionARN)})
		}
	}
	return out
}

// unqualified drops the version of a Lambda function ARN
// (arn:aws:lambda:us-east-1:ACCOUNT:function:NAME:VERSION), so that the
// edge meets the function's node.
func unqualified(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) == 8 && parts[5] == "function" {
		return strings.Join(parts[:7], ":")
	}
	return arn
}

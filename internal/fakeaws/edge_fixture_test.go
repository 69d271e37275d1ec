package fakeaws

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

const edgeFixture = "../../testdata/accounts/edge-and-data.yaml"

// TestEdgeAndDataFixture reads the sample fixture through the SDK clients a
// collector will use and checks that each documented case is there and
// consistent across services: the facts a collector must join really join.
func TestEdgeAndDataFixture(t *testing.T) {
	srv := startFixture(t, edgeFixture, Options{})
	ctx := context.Background()
	cc := clientConfig{attempts: 1}
	cf := srv.cfClient(t, cc)

	list, err := cf.ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	dists := map[string]int{}
	for i, d := range list.DistributionList.Items {
		dists[aws.ToString(d.Id)] = i
	}
	dist := func(id string) int {
		i, ok := dists[id]
		if !ok {
			t.Fatalf("distribution %s missing", id)
		}
		return i
	}
	bucketPolicy := func(t *testing.T, bucket string) string {
		t.Helper()
		out, err := srv.s3(t, cc).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Policy)
	}

	t.Run("the OAC distribution's bucket policy pins AWS:SourceArn to that distribution's ARN", func(t *testing.T) {
		d := list.DistributionList.Items[dist("EDFDVBD6EXAMPLE")]
		if aws.ToString(d.Origins.Items[0].OriginAccessControlId) != "E1OACASSETS0001" {
			t.Errorf("OAC %q", aws.ToString(d.Origins.Items[0].OriginAccessControlId))
		}
		if p := bucketPolicy(t, "acme-assets"); !strings.Contains(p, `"AWS:SourceArn":"`+aws.ToString(d.ARN)+`"`) {
			t.Errorf("policy %s does not pin %s", p, aws.ToString(d.ARN))
		}
		b := d.DefaultCacheBehavior
		if b.FunctionAssociations.Items[0].EventType != "viewer-response" || !strings.HasSuffix(aws.ToString(b.LambdaFunctionAssociations.Items[0].LambdaFunctionARN), ":7") {
			t.Errorf("edge functions %+v %+v", b.FunctionAssociations, b.LambdaFunctionAssociations)
		}
	})

	t.Run("the legacy OAI is named in bucket policies by its IAM-style ARN and by its S3 canonical user id", func(t *testing.T) {
		oais, err := cf.ListCloudFrontOriginAccessIdentities(ctx, &cloudfront.ListCloudFrontOriginAccessIdentitiesInput{})
		if err != nil {
			t.Fatal(err)
		}
		oai := oais.CloudFrontOriginAccessIdentityList.Items[0]
		if p := bucketPolicy(t, "acme-legacy"); !strings.Contains(p, "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity "+aws.ToString(oai.Id)) {
			t.Errorf("acme-legacy policy %s", p)
		}
		if p := bucketPolicy(t, "acme-legacy-media"); !strings.Contains(p, aws.ToString(oai.S3CanonicalUserId)) {
			t.Errorf("acme-legacy-media policy %s does not name canonical user %s", p, aws.ToString(oai.S3CanonicalUserId))
		}
		d := list.DistributionList.Items[dist("E1LEGACYOAI0001")]
		if aws.ToString(d.Origins.Items[0].S3OriginConfig.OriginAccessIdentity) != "origin-access-identity/cloudfront/"+aws.ToString(oai.Id) ||
			d.DefaultCacheBehavior.ViewerProtocolPolicy != "allow-all" || aws.ToString(d.WebACLId) != "" {
			t.Errorf("legacy distribution %+v", d)
		}
	})

	t.Run("the website origin is a custom http-only origin; the API distribution fronts an ALB and API Gateway", func(t *testing.T) {
		site := list.DistributionList.Items[dist("E1WEBSITE000001")].Origins.Items[0]
		if site.S3OriginConfig != nil || site.CustomOriginConfig.OriginProtocolPolicy != "http-only" || !strings.Contains(aws.ToString(site.DomainName), ".s3-website-") {
			t.Errorf("website origin %+v", site)
		}
		api := list.DistributionList.Items[dist("E1CUSTOMORIGIN1")].Origins.Items
		if !strings.HasSuffix(aws.ToString(api[0].DomainName), ".elb.amazonaws.com") || !strings.HasSuffix(aws.ToString(api[1].DomainName), ".execute-api.us-east-1.amazonaws.com") {
			t.Errorf("api origins %+v", api)
		}
	})

	t.Run("the OAC distribution's WebACLId is the CLOUDFRONT web ACL's ARN; the regional web ACL protects the stage", func(t *testing.T) {
		w := srv.wafClient(t, cc)
		edge, err := w.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeCloudfront})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(list.DistributionList.Items[dist("EDFDVBD6EXAMPLE")].WebACLId); got != aws.ToString(edge.WebACLs[0].ARN) {
			t.Errorf("WebACLId %s, web ACL %s", got, aws.ToString(edge.WebACLs[0].ARN))
		}
		out, err := w.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String("arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod")})
		if err != nil || out.WebACL == nil || aws.ToString(out.WebACL.Name) != "acme-regional" {
			t.Errorf("stage web ACL: %v, %v", out, err)
		}
	})

	t.Run("RDS: one public instance, one private; a public snapshot and one shared with the partner", func(t *testing.T) {
		r := srv.rdsClient(t, cc)
		out, err := r.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
		if err != nil {
			t.Fatal(err)
		}
		public := map[string]bool{}
		for _, in := range out.DBInstances {
			public[aws.ToString(in.DBInstanceIdentifier)] = aws.ToBool(in.PubliclyAccessible)
		}
		if !public["acme-reporting"] || public["acme-ledger"] || len(public) != 4 {
			t.Errorf("publicly accessible %v", public)
		}
		for id, want := range map[string]string{"acme-reporting-public": "all", "acme-ledger-shared": "111122223333"} {
			a, err := r.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String(id)})
			if err != nil {
				t.Fatal(err)
			}
			if v := a.DBSnapshotAttributesResult.DBSnapshotAttributes[0].AttributeValues; len(v) != 1 || v[0] != want {
				t.Errorf("%s restore %v, want [%s]", id, v, want)
			}
		}
		shared, err := srv.rdsClient(t, clientConfig{key: partnerKey}).DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{SnapshotType: aws.String("shared")})
		if err != nil || len(shared.DBSnapshots) != 1 || aws.ToString(shared.DBSnapshots[0].DBSnapshotIdentifier) != "acme-ledger-shared" {
			t.Errorf("partner's shared snapshots: %v, %v", shared, err)
		}
	})

	t.Run("EKS: one endpoint open to 0.0.0.0/0, one restricted to a CIDR", func(t *testing.T) {
		e := srv.eksClient(t, cc)
		cidrs := map[string][]string{}
		for _, name := range []string{"acme-prod", "acme-internal"} {
			out, err := e.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			if !out.Cluster.ResourcesVpcConfig.EndpointPublicAccess {
				t.Errorf("%s has no public endpoint", name)
			}
			cidrs[name] = out.Cluster.ResourcesVpcConfig.PublicAccessCidrs
		}
		if cidrs["acme-prod"][0] != "0.0.0.0/0" || cidrs["acme-internal"][0] != "203.0.113.0/24" {
			t.Errorf("CIDRs %v", cidrs)
		}
	})

	t.Run("OpenSearch: an open public domain, an IP-restricted one, a VPC one", func(t *testing.T) {
		out, err := srv.osClient(t, cc).DescribeDomains(ctx, &opensearch.DescribeDomainsInput{DomainNames: []string{"acme-logs", "acme-search", "acme-vpc-search"}})
		if err != nil {
			t.Fatal(err)
		}
		d := out.DomainStatusList
		if len(d) != 3 || d[0].Endpoint == nil || !strings.Contains(aws.ToString(d[0].AccessPolicies), `"Principal":{"AWS":"*"}`) ||
			!strings.Contains(aws.ToString(d[1].AccessPolicies), `"aws:SourceIp":["203.0.113.0/24"]`) ||
			d[2].Endpoint != nil || d[2].Endpoints["vpc"] == "" || aws.ToString(d[2].VPCOptions.VPCId) != "vpc-0a1b2c3d4e5f60001" {
			t.Errorf("domains %+v", d)
		}
	})
}

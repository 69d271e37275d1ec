package fakeaws

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/google/go-cmp/cmp"
)

const cfFixture = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    s3:
      buckets: [{name: acme-assets}]
    cloudfront:
      origin_access_controls:
        - {name: assets-oac, description: "OAC for acme-assets"}
        - {name: fn-oac, origin_type: lambda, signing_behavior: always}
      origin_access_identities:
        - {name: legacy, comment: "access-identity-legacy.s3.amazonaws.com"}
      functions:
        - {name: add-headers, comment: "security headers", created: 2024-02-01T00:00:00Z, last_modified: 2024-02-02T00:00:00Z}
        - {name: draft, stage: DEVELOPMENT}
      distributions:
        - name: assets
          aliases: [cdn.example.com]
          comment: assets via OAC
          web_acl: edge-acl
          last_modified: 2024-03-01T12:00:00Z
          origins:
            - {id: s3-assets, domain_name: acme-assets.s3.us-east-1.amazonaws.com, s3: {}, origin_access_control: assets-oac}
          default_cache_behavior:
            target_origin_id: s3-assets
            viewer_protocol_policy: redirect-to-https
            function_associations: [{event_type: viewer-response, function: add-headers}]
            lambda_function_associations:
              - {event_type: origin-request, arn: "arn:aws:lambda:us-east-1:123456789012:function:rewrite:3"}
          viewer_certificate: {acm_certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/abc", minimum_protocol_version: TLSv1.2_2021}
        - name: legacy
          origins:
            - {id: s3-legacy, domain_name: legacy-bucket.s3.amazonaws.com, s3: {origin_access_identity: legacy}}
          default_cache_behavior: {target_origin_id: s3-legacy, viewer_protocol_policy: allow-all}
        - name: api
          enabled: false
          http_version: http2and3
          ipv6: false
          origins:
            - id: alb
              domain_name: internal-lb-123.us-east-1.elb.amazonaws.com
              custom: {protocol_policy: https-only, ssl_protocols: [TLSv1.2]}
              custom_headers: {X-Origin-Verify: shared-value}
            - id: apigw
              domain_name: a1b2c3d4e5.execute-api.us-east-1.amazonaws.com
              origin_path: /prod
              custom: {protocol_policy: https-only}
          origin_groups: [{id: failover, members: [alb, apigw]}]
          default_cache_behavior: {target_origin_id: failover, viewer_protocol_policy: https-only, allowed_methods: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE]}
          cache_behaviors:
            - {path_pattern: "/v1/*", target_origin_id: apigw, viewer_protocol_policy: https-only, trusted_key_groups: [kg-1]}
          geo_restriction: {type: whitelist, locations: [DE, FR]}
    wafv2:
      web_acls:
        - {name: edge-acl, scope: CLOUDFRONT, rules: [{name: common, priority: 0, override_action: None, statement: {ManagedRuleGroupStatement: {VendorName: AWS, Name: AWSManagedRulesCommonRuleSet}}}]}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
faults:
  - {service: cloudfront, api: GetDistribution, resource: ETESTDENIED0001, error: AccessDenied}
`

func (s *Server) cfClient(t *testing.T, cc clientConfig) *cloudfront.Client {
	return cloudfront.NewFromConfig(s.config(t, cc), func(o *cloudfront.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

// cfIDs are the derived ids of the fixture's distributions.
func cfIDs(t *testing.T, srv *Server) map[string]string {
	t.Helper()
	a := srv.accounts["123456789012"]
	out := map[string]string{}
	for i, d := range a.CloudFront.Distributions {
		out[d.Name] = d.id(a, i)
	}
	return out
}

func TestListDistributions(t *testing.T) {
	srv := startYAML(t, cfFixture, Options{})
	ctx := context.Background()
	ids := cfIDs(t, srv)

	t.Run("the paginator with MaxItems 1 walks three pages, each NextMarker the last id of its page", func(t *testing.T) {
		p := cloudfront.NewListDistributionsPaginator(srv.cfClient(t, clientConfig{}), &cloudfront.ListDistributionsInput{MaxItems: aws.Int32(1)})
		var got []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			l := out.DistributionList
			for _, d := range l.Items {
				got = append(got, aws.ToString(d.Id))
			}
			if aws.ToBool(l.IsTruncated) && aws.ToString(l.NextMarker) != aws.ToString(l.Items[len(l.Items)-1].Id) {
				t.Errorf("NextMarker %s is not the last id of the page", aws.ToString(l.NextMarker))
			}
		}
		if pages != 3 || len(got) != 3 || !(got[0] < got[1] && got[1] < got[2]) {
			t.Errorf("%d pages, ids %v: want 3 pages of one distribution each, sorted by id", pages, got)
		}
	})

	t.Run("a client in another region still reaches the global service", func(t *testing.T) {
		out, err := srv.cfClient(t, clientConfig{region: "eu-west-1"}).ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
		if err != nil || aws.ToInt32(out.DistributionList.Quantity) != 3 {
			t.Fatalf("got %v, %v; want the three distributions", out, err)
		}
	})

	out, err := srv.cfClient(t, clientConfig{}).ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]cftypes.DistributionSummary{}
	for _, d := range out.DistributionList.Items {
		byID[aws.ToString(d.Id)] = d
	}

	t.Run("the OAC distribution decodes with its ARN, alias, OAC, function, Lambda@Edge, web ACL and certificate", func(t *testing.T) {
		d := byID[ids["assets"]]
		o := d.Origins.Items[0]
		b := d.DefaultCacheBehavior
		type got struct {
			ARN, Domain, OAC, OAI, WebACL, Policy, Function, FunctionEvent, Lambda, LambdaEvent, Cert, MinTLS, CachePolicy string
			Aliases                                                                                                        []string
			Enabled, IPv6                                                                                                  bool
			Modified                                                                                                       time.Time
		}
		g := got{aws.ToString(d.ARN), aws.ToString(d.DomainName), aws.ToString(o.OriginAccessControlId), aws.ToString(o.S3OriginConfig.OriginAccessIdentity),
			aws.ToString(d.WebACLId), string(b.ViewerProtocolPolicy), aws.ToString(b.FunctionAssociations.Items[0].FunctionARN),
			string(b.FunctionAssociations.Items[0].EventType), aws.ToString(b.LambdaFunctionAssociations.Items[0].LambdaFunctionARN),
			string(b.LambdaFunctionAssociations.Items[0].EventType), aws.ToString(d.ViewerCertificate.ACMCertificateArn),
			string(d.ViewerCertificate.MinimumProtocolVersion), aws.ToString(b.CachePolicyId), d.Aliases.Items,
			aws.ToBool(d.Enabled), aws.ToBool(d.IsIPV6Enabled), aws.ToTime(d.LastModifiedTime)}
		a := srv.accounts["123456789012"]
		want := got{"arn:aws:cloudfront::123456789012:distribution/" + ids["assets"], g.Domain, a.CloudFront.OriginAccessControls[0].id(a), "",
			webACLARN(a, a.WAFv2.WebACLs[0]), "redirect-to-https", "arn:aws:cloudfront::123456789012:function/add-headers", "viewer-response",
			"arn:aws:lambda:us-east-1:123456789012:function:rewrite:3", "origin-request", "arn:aws:acm:us-east-1:123456789012:certificate/abc",
			"TLSv1.2_2021", cfCachingOptimized, []string{"cdn.example.com"}, true, true, time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}
		if diff := cmp.Diff(want, g); diff != "" {
			t.Errorf("distribution (-want +got):\n%s", diff)
		}
		if !strings.HasPrefix(g.Domain, "d") || !strings.HasSuffix(g.Domain, ".cloudfront.net") {
			t.Errorf("domain %s is not a dXXXX.cloudfront.net name", g.Domain)
		}
		if !strings.Contains(g.WebACL, ":global/webacl/edge-acl/") {
			t.Errorf("web ACL id %s is not a global web ACL ARN", g.WebACL)
		}
	})

	t.Run("the legacy distribution names its OAI as origin-access-identity/cloudfront/ID, and has no web ACL", func(t *testing.T) {
		d := byID[ids["legacy"]]
		a := srv.accounts["123456789012"]
		oai := aws.ToString(d.Origins.Items[0].S3OriginConfig.OriginAccessIdentity)
		if oai != "origin-access-identity/cloudfront/"+a.CloudFront.OriginAccessIdentities[0].id(a, 0) {
			t.Errorf("OriginAccessIdentity %q", oai)
		}
		if aws.ToString(d.WebACLId) != "" || d.DefaultCacheBehavior.ViewerProtocolPolicy != cftypes.ViewerProtocolPolicyAllowAll {
			t.Errorf("WebACLId %q, policy %s; want none and allow-all", aws.ToString(d.WebACLId), d.DefaultCacheBehavior.ViewerProtocolPolicy)
		}
		if c := d.ViewerCertificate; !aws.ToBool(c.CloudFrontDefaultCertificate) || c.MinimumProtocolVersion != "TLSv1" || c.SSLSupportMethod != "vip" {
			t.Errorf("default certificate %+v", c)
		}
		if aws.ToString(d.Origins.Items[0].OriginAccessControlId) != "" {
			t.Errorf("legacy origin has an OAC id")
		}
	})

	t.Run("the API distribution has custom origins, an origin group, a path behavior and a geo restriction", func(t *testing.T) {
		d := byID[ids["api"]]
		alb, apigw := d.Origins.Items[0], d.Origins.Items[1]
		if alb.CustomOriginConfig.OriginProtocolPolicy != "https-only" || aws.ToInt32(alb.CustomOriginConfig.HTTPSPort) != 443 ||
			alb.CustomOriginConfig.OriginSslProtocols.Items[0] != "TLSv1.2" || alb.S3OriginConfig != nil {
			t.Errorf("ALB origin %+v", alb.CustomOriginConfig)
		}
		if h := alb.CustomHeaders.Items; len(h) != 1 || aws.ToString(h[0].HeaderName) != "X-Origin-Verify" {
			t.Errorf("custom headers %+v", h)
		}
		if aws.ToString(apigw.OriginPath) != "/prod" || aws.ToString(apigw.DomainName) != "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com" {
			t.Errorf("API Gateway origin %+v", apigw)
		}
		g := d.OriginGroups.Items[0]
		if aws.ToString(g.Id) != "failover" || len(g.Members.Items) != 2 || aws.ToInt32(g.FailoverCriteria.StatusCodes.Quantity) != 4 {
			t.Errorf("origin group %+v", g)
		}
		cb := d.CacheBehaviors.Items[0]
		if aws.ToString(cb.PathPattern) != "/v1/*" || !aws.ToBool(cb.TrustedKeyGroups.Enabled) || cb.TrustedKeyGroups.Items[0] != "kg-1" {
			t.Errorf("cache behavior %+v", cb)
		}
		if len(d.DefaultCacheBehavior.AllowedMethods.Items) != 7 {
			t.Errorf("allowed methods %v", d.DefaultCacheBehavior.AllowedMethods.Items)
		}
		if r := d.Restrictions.GeoRestriction; r.RestrictionType != "whitelist" || len(r.Items) != 2 {
			t.Errorf("geo restriction %+v", r)
		}
		if aws.ToBool(d.Enabled) || aws.ToBool(d.IsIPV6Enabled) || d.HttpVersion != "http2and3" {
			t.Errorf("enabled %v, ipv6 %v, http %s", aws.ToBool(d.Enabled), aws.ToBool(d.IsIPV6Enabled), d.HttpVersion)
		}
	})

	t.Run("an account without distributions gets an empty list without Items", func(t *testing.T) {
		out, err := srv.cfClient(t, clientConfig{key: partnerKey}).ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
		if err != nil || aws.ToInt32(out.DistributionList.Quantity) != 0 || out.DistributionList.Items != nil || aws.ToBool(out.DistributionList.IsTruncated) {
			t.Errorf("got %+v, %v", out.DistributionList, err)
		}
	})

	t.Run("a MaxItems that is not a number is InvalidArgument", func(t *testing.T) {
		resp, body := srv.rawRequest(t, http.MethodGet, "/2020-05-31/distribution?MaxItems=many", "", signedHeader(demoKey, "us-east-1", "cloudfront"), "")
		if resp.StatusCode != 400 || !strings.Contains(body, "<Code>InvalidArgument</Code>") || !strings.Contains(body, "<Type>Sender</Type>") {
			t.Errorf("%d %s", resp.StatusCode, body)
		}
	})
}

func TestGetDistribution(t *testing.T) {
	srv := startYAML(t, cfFixture, Options{})
	ctx := context.Background()
	ids := cfIDs(t, srv)
	c := srv.cfClient(t, clientConfig{attempts: 1})

	t.Run("GetDistribution answers the config with the ETag header and the distribution's status", func(t *testing.T) {
		out, err := c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String(ids["assets"])})
		if err != nil {
			t.Fatal(err)
		}
		d := out.Distribution
		if aws.ToString(out.ETag) == "" || aws.ToString(d.Status) != "Deployed" || aws.ToString(d.Id) != ids["assets"] {
			t.Errorf("ETag %q, status %q, id %q", aws.ToString(out.ETag), aws.ToString(d.Status), aws.ToString(d.Id))
		}
		cfg := d.DistributionConfig
		if aws.ToString(cfg.Comment) != "assets via OAC" || !strings.Contains(aws.ToString(cfg.WebACLId), "global/webacl/edge-acl") ||
			aws.ToString(cfg.Origins.Items[0].OriginAccessControlId) == "" || aws.ToString(cfg.CallerReference) == "" {
			t.Errorf("config %+v", cfg)
		}
	})

	t.Run("GetDistributionConfig answers the same ETag", func(t *testing.T) {
		a, err := c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String(ids["api"])})
		if err != nil {
			t.Fatal(err)
		}
		b, err := c.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(ids["api"])})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(a.ETag) != aws.ToString(b.ETag) || aws.ToBool(b.DistributionConfig.Enabled) || len(b.DistributionConfig.Origins.Items) != 2 {
			t.Errorf("ETags %q %q, config %+v", aws.ToString(a.ETag), aws.ToString(b.ETag), b.DistributionConfig)
		}
		if d := a.Distribution.ActiveTrustedKeyGroups; !aws.ToBool(d.Enabled) || aws.ToString(d.Items[0].KeyGroupId) != "kg-1" {
			t.Errorf("active trusted key groups %+v", d)
		}
	})

	t.Run("an unknown id is NoSuchDistribution 404, typed", func(t *testing.T) {
		_, err := c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String("ENOPE00000000")})
		var nsd *cftypes.NoSuchDistribution
		if !errors.As(err, &nsd) {
			t.Fatalf("got %v, want *types.NoSuchDistribution", err)
		}
		if diff := cmp.Diff(apiError{"NoSuchDistribution", 404}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		_, err = c.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String("ENOPE00000000")})
		if !errors.As(err, &nsd) {
			t.Errorf("GetDistributionConfig: got %v, want *types.NoSuchDistribution", err)
		}
	})

	t.Run("another account's distribution is not found from this account", func(t *testing.T) {
		_, err := srv.cfClient(t, clientConfig{key: partnerKey, attempts: 1}).GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String(ids["assets"])})
		var nsd *cftypes.NoSuchDistribution
		if !errors.As(err, &nsd) {
			t.Errorf("got %v, want NoSuchDistribution", err)
		}
	})

	t.Run("a denied GetDistribution is the typed AccessDenied 403", func(t *testing.T) {
		_, err := c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String("ETESTDENIED0001")})
		var ad *cftypes.AccessDenied
		if !errors.As(err, &ad) {
			t.Fatalf("got %v, want *types.AccessDenied", err)
		}
		if diff := cmp.Diff(apiError{"AccessDenied", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

func TestListDistributionsByWebACLId(t *testing.T) {
	srv := startYAML(t, cfFixture, Options{})
	a := srv.accounts["123456789012"]
	out, err := srv.cfClient(t, clientConfig{}).ListDistributionsByWebACLId(context.Background(),
		&cloudfront.ListDistributionsByWebACLIdInput{WebACLId: aws.String(webACLARN(a, a.WAFv2.WebACLs[0]))})
	if err != nil {
		t.Fatal(err)
	}
	if l := out.DistributionList; aws.ToInt32(l.Quantity) != 1 || aws.ToString(l.Items[0].Id) != cfIDs(t, srv)["assets"] {
		t.Errorf("got %+v, want only the assets distribution", l)
	}
}

func TestOriginAccessControlsAndIdentities(t *testing.T) {
	srv := startYAML(t, cfFixture, Options{})
	ctx := context.Background()
	c := srv.cfClient(t, clientConfig{attempts: 1})
	a := srv.accounts["123456789012"]

	t.Run("ListOriginAccessControls pages one at a time over both OACs", func(t *testing.T) {
		p := cloudfront.NewListOriginAccessControlsPaginator(c, &cloudfront.ListOriginAccessControlsInput{MaxItems: aws.Int32(1)})
		got := map[string]cftypes.OriginAccessControlSummary{}
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, o := range out.OriginAccessControlList.Items {
				got[aws.ToString(o.Name)] = o
			}
		}
		s3, fn := got["assets-oac"], got["fn-oac"]
		if pages != 2 || s3.OriginAccessControlOriginType != "s3" || s3.SigningBehavior != "always" || s3.SigningProtocol != "sigv4" ||
			fn.OriginAccessControlOriginType != "lambda" || aws.ToString(s3.Description) != "OAC for acme-assets" {
			t.Errorf("%d pages, %+v", pages, got)
		}
	})

	t.Run("GetOriginAccessControl answers the config and an ETag; an unknown id is NoSuchOriginAccessControl", func(t *testing.T) {
		id := a.CloudFront.OriginAccessControls[0].id(a)
		out, err := c.GetOriginAccessControl(ctx, &cloudfront.GetOriginAccessControlInput{Id: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.OriginAccessControl.OriginAccessControlConfig.Name) != "assets-oac" || aws.ToString(out.ETag) == "" {
			t.Errorf("got %+v", out.OriginAccessControl)
		}
		_, err = c.GetOriginAccessControl(ctx, &cloudfront.GetOriginAccessControlInput{Id: aws.String("ENOPE00000000")})
		var ns *cftypes.NoSuchOriginAccessControl
		if !errors.As(err, &ns) || decodeError(t, err).Status != 404 {
			t.Errorf("got %v, want NoSuchOriginAccessControl 404", err)
		}
	})

	t.Run("OAIs list and get with a 96-hex-digit S3 canonical user id; an unknown one is NoSuchCloudFrontOriginAccessIdentity", func(t *testing.T) {
		out, err := c.ListCloudFrontOriginAccessIdentities(ctx, &cloudfront.ListCloudFrontOriginAccessIdentitiesInput{})
		if err != nil {
			t.Fatal(err)
		}
		s := out.CloudFrontOriginAccessIdentityList.Items[0]
		if len(aws.ToString(s.S3CanonicalUserId)) != 96 || aws.ToString(s.Comment) != "access-identity-legacy.s3.amazonaws.com" {
			t.Errorf("summary %+v", s)
		}
		g, err := c.GetCloudFrontOriginAccessIdentity(ctx, &cloudfront.GetCloudFrontOriginAccessIdentityInput{Id: s.Id})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(g.CloudFrontOriginAccessIdentity.S3CanonicalUserId) != aws.ToString(s.S3CanonicalUserId) || aws.ToString(g.ETag) == "" {
			t.Errorf("get %+v", g.CloudFrontOriginAccessIdentity)
		}
		_, err = c.GetCloudFrontOriginAccessIdentity(ctx, &cloudfront.GetCloudFrontOriginAccessIdentityInput{Id: aws.String("ENOPE00000000")})
		var ns *cftypes.NoSuchCloudFrontOriginAccessIdentity
		if !errors.As(err, &ns) {
			t.Errorf("got %v, want NoSuchCloudFrontOriginAccessIdentity", err)
		}
	})
}

func TestListFunctions(t *testing.T) {
	srv := startYAML(t, cfFixture, Options{})
	c := srv.cfClient(t, clientConfig{})
	ctx := context.Background()
	all, err := c.ListFunctions(ctx, &cloudfront.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	live, err := c.ListFunctions(ctx, &cloudfront.ListFunctionsInput{Stage: cftypes.FunctionStageLive})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(all.FunctionList.Quantity) != 2 || aws.ToInt32(live.FunctionList.Quantity) != 1 {
		t.Fatalf("all %d, live %d; want 2 and 1", aws.ToInt32(all.FunctionList.Quantity), aws.ToInt32(live.FunctionList.Quantity))
	}
	f := live.FunctionList.Items[0]
	if aws.ToString(f.Name) != "add-headers" || f.FunctionMetadata.Stage != "LIVE" || f.FunctionConfig.Runtime != "cloudfront-js-2.0" ||
		aws.ToString(f.FunctionMetadata.FunctionARN) != "arn:aws:cloudfront::123456789012:function/add-headers" || aws.ToString(f.Status) != "UNASSOCIATED" {
		t.Errorf("function %+v %+v", f, f.FunctionMetadata)
	}
	page, err := c.ListFunctions(ctx, &cloudfront.ListFunctionsInput{MaxItems: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	next, err := c.ListFunctions(ctx, &cloudfront.ListFunctionsInput{MaxItems: aws.Int32(1), Marker: page.FunctionList.NextMarker})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(page.FunctionList.Items[0].Name) != "add-headers" || aws.ToString(next.FunctionList.Items[0].Name) != "draft" || next.FunctionList.NextMarker != nil {
		t.Errorf("pages %+v / %+v", page.FunctionList, next.FunctionList)
	}
}

func TestCloudFrontErrors(t *testing.T) {
	t.Run("a throttled ListDistributions is Throttling 400 in CloudFront's error envelope, and the SDK retries it", func(t *testing.T) {
		srv := startYAML(t, cfFixture+"throttle: {apis: {\"cloudfront:ListDistributions\": {rate: 0.001, burst: 1}}}\n", Options{})
		c := srv.cfClient(t, clientConfig{attempts: 2})
		if _, err := c.ListDistributions(context.Background(), &cloudfront.ListDistributionsInput{}); err != nil {
			t.Fatal(err)
		}
		_, err := c.ListDistributions(context.Background(), &cloudfront.ListDistributionsInput{})
		if diff := cmp.Diff(apiError{"Throttling", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		if st := srv.Stats(); st.Throttled["cloudfront:ListDistributions"] != 2 {
			t.Errorf("throttled %v, want 2 (the call and its retry)", st.Throttled)
		}
		resp, body := srv.rawRequest(t, http.MethodGet, "/2020-05-31/distribution", "", signedHeader(demoKey, "us-east-1", "cloudfront"), "")
		want := `<ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>`
		if resp.StatusCode != 400 || !strings.Contains(body, want) || resp.Header.Get("Content-Type") != "text/xml" {
			t.Errorf("%d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	})

	t.Run("a denied ListDistributions is AccessDenied 403 (a generic error: the model lists none for it)", func(t *testing.T) {
		srv := startYAML(t, cfFixture+"  - {service: cloudfront, api: ListDistributions, error: AccessDenied}\n", Options{})
		_, err := srv.cfClient(t, clientConfig{attempts: 1}).ListDistributions(context.Background(), &cloudfront.ListDistributionsInput{})
		if diff := cmp.Diff(apiError{"AccessDenied", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("an operation the fake does not serve is UnknownOperationException 404", func(t *testing.T) {
		srv := startYAML(t, cfFixture, Options{})
		_, err := srv.cfClient(t, clientConfig{attempts: 1}).ListCachePolicies(context.Background(), &cloudfront.ListCachePoliciesInput{})
		if diff := cmp.Diff(apiError{"UnknownOperationException", 404}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

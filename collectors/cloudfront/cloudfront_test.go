package cloudfront_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/collectors/apigateway"
	"github.com/trustmap/trustmap/collectors/cloudfront"
	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/s3"
	"github.com/trustmap/trustmap/collectors/wafv2"
	"github.com/trustmap/trustmap/graph"
)

const account = `
accounts:
  - id: "123456789012"
    access_keys: [AKIATEST000000000001]
    regions: [us-east-1, eu-west-1]
%s
%s
`

func fixture(sections, extra string) string {
	return fmt.Sprintf(account, collectortest.Indent(sections, "    "), extra)
}

const (
	dist    = "arn:aws:cloudfront::123456789012:distribution/"
	assets  = "arn:aws:s3:::acme-assets"
	oacPol  = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowCloudFrontServicePrincipalReadOnly","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-assets/*","Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::123456789012:distribution/%s"}}}]}`
	pubPol  = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}`
	enforce = `ownership: BucketOwnerEnforced, public_access_block: {block_public_acls: true, ignore_public_acls: true, block_public_policy: true, restrict_public_buckets: true}`
)

// oacDistribution is a distribution EDFDVBD6EXAMPLE reading acme-assets
// through an OAC, viewers redirected to HTTPS.
const oacDistribution = `
cloudfront:
  origin_access_controls:
    - {name: assets-oac, id: E1OACASSETS0001}
  distributions:
    - name: assets
      id: EDFDVBD6EXAMPLE
      origins:
        - {id: s3-assets, domain_name: acme-assets.s3.us-east-1.amazonaws.com, s3: {}, origin_access_control: assets-oac}
      default_cache_behavior: {target_origin_id: s3-assets, viewer_protocol_policy: redirect-to-https}`

func TestCloudFrontExposureThroughTheRealSDK(t *testing.T) {
	cases := []struct {
		name, sections string
		// entry points (collectortest.Resolved.Lines) and attack paths.
		eps, paths []string
		// notes on a resource.
		notes map[string][]string
	}{
		{
			name: "Restricting access to an Amazon S3 origin: a bucket whose policy grants cloudfront.amazonaws.com pinned to the distribution is not public, and is reached through the distribution",
			sections: `s3:
  buckets:
    - {name: acme-assets, region: us-east-1, ` + enforce + `, policy: '` + fmt.Sprintf(oacPol, "EDFDVBD6EXAMPLE") + `'}` + oacDistribution,
			eps:   []string{"public " + dist + "EDFDVBD6EXAMPLE viewer-access *"},
			paths: []string{"internet -can-invoke-> " + dist + "EDFDVBD6EXAMPLE -routes-to-> " + assets},
			notes: map[string][]string{assets: {"reachable-through: served through CloudFront distribution EDFDVBD6EXAMPLE"}},
		},
		{
			name: "Restricting access to an Amazon S3 origin: a policy pinned to another distribution leaves the origin unreadable, so nothing is reached through it",
			sections: `s3:
  buckets:
    - {name: acme-assets, region: us-east-1, ` + enforce + `, policy: '` + fmt.Sprintf(oacPol, "EOTHERDIST00001") + `'}` + oacDistribution,
			eps:   []string{"public " + dist + "EDFDVBD6EXAMPLE viewer-access *"},
			notes: map[string][]string{dist + "EDFDVBD6EXAMPLE": {"unreachable: origin s3-assets: bucket acme-assets does not let the distribution read it"}},
		},
		{
			name: "Restricting access to an Amazon S3 origin (legacy origin access identity): a policy naming the account's own OAI by ARN or canonical id is not public",
			sections: `s3:
  buckets:
    - {name: acme-legacy, region: us-east-1, ownership: BucketOwnerEnforced,
       policy: '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-legacy/*"}]}'}
    - {name: acme-media, region: us-east-1, ownership: BucketOwnerEnforced,
       policy: '{"Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"CANONICAL"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-media/*"}]}'}
cloudfront:
  origin_access_identities:
    - {name: legacy-oai, id: E2QWRUHAPOMQZL}
  distributions:
    - name: legacy
      id: E1LEGACYOAI0001
      origins:
        - {id: legacy, domain_name: acme-legacy.s3.amazonaws.com, s3: {origin_access_identity: legacy-oai}}
        - {id: media, domain_name: acme-media.s3.us-east-1.amazonaws.com, s3: {origin_access_identity: legacy-oai}}
      default_cache_behavior: {target_origin_id: legacy, viewer_protocol_policy: https-only}
      cache_behaviors: [{path_pattern: "/media/*", target_origin_id: media, viewer_protocol_policy: https-only}]`,
			eps: []string{"public " + dist + "E1LEGACYOAI0001 viewer-access *"},
			paths: []string{
				"internet -can-invoke-> " + dist + "E1LEGACYOAI0001 -routes-to-> arn:aws:s3:::acme-legacy",
				"internet -can-invoke-> " + dist + "E1LEGACYOAI0001 -routes-to-> arn:aws:s3:::acme-media",
			},
		},
		{
			name: "Use an Amazon S3 bucket that's configured as a website endpoint: the origin bucket is public on its own, not only through the distribution",
			sections: `s3:
  buckets:
    - {name: acme-site, region: us-east-1, ownership: BucketOwnerEnforced, policy_is_public: true, policy: '` + fmt.Sprintf(pubPol, "acme-site") + `'}
cloudfront:
  distributions:
    - name: site
      id: E1WEBSITE000001
      origins: [{id: site, domain_name: acme-site.s3-website-us-east-1.amazonaws.com, custom: {protocol_policy: http-only}}]
      default_cache_behavior: {target_origin_id: site, viewer_protocol_policy: redirect-to-https}`,
			eps:   []string{"public " + dist + "E1WEBSITE000001 viewer-access *", "public arn:aws:s3:::acme-site bucket-policy *"},
			paths: []string{"internet -can-invoke-> " + dist + "E1WEBSITE000001 -routes-to-> arn:aws:s3:::acme-site"},
		},
		{
			name: "Use various origins with CloudFront distributions: an execute-api host routes to the API and an unknown host to an endpoint in the internet zone",
			sections: `apigateway:
  rest_apis:
    - {id: a1b2c3d4e5, region: us-east-1, name: orders, endpoint_types: [REGIONAL], stages: [{name: prod}]}
cloudfront:
  distributions:
    - name: api
      id: E1CUSTOMORIGIN1
      origins:
        - {id: api, domain_name: a1b2c3d4e5.execute-api.us-east-1.amazonaws.com, origin_path: /prod, custom: {protocol_policy: https-only}}
        - {id: alb, domain_name: web-1234567890.us-east-1.elb.amazonaws.com, custom: {protocol_policy: https-only}, custom_headers: {X-Origin-Verify: not-a-real-secret-0000}}
      default_cache_behavior: {target_origin_id: alb, viewer_protocol_policy: https-only, allowed_methods: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE]}
      cache_behaviors: [{path_pattern: "/orders/*", target_origin_id: api, viewer_protocol_policy: https-only}]`,
			eps: []string{"public " + dist + "E1CUSTOMORIGIN1 viewer-access *"},
		},
		{
			name: "Serve private content with signed URLs and signed cookies: behaviors with a trusted key group are behind an authorizer",
			sections: `cloudfront:
  distributions:
    - name: private
      id: E1SIGNEDURLS001
      origins: [{id: host, domain_name: media.example.com, custom: {protocol_policy: https-only}}]
      default_cache_behavior: {target_origin_id: host, viewer_protocol_policy: https-only, trusted_key_groups: [kg-0123456789]}`,
			eps: []string{"public " + dist + "E1SIGNEDURLS001 signed-urls *"},
		},
		{
			name: "Update a distribution (Enabled): a disabled distribution serves nothing and is not an entry point",
			sections: `cloudfront:
  distributions:
    - name: off
      id: E1DISABLED00001
      enabled: false
      origins: [{id: host, domain_name: media.example.com, custom: {protocol_policy: https-only}}]
      default_cache_behavior: {target_origin_id: host, viewer_protocol_policy: https-only}`,
			notes: map[string][]string{dist + "E1DISABLED00001": {"unreachable: the distribution is disabled"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			scan := collectortest.Run(t, fixture(canonical(t, tc.sections), ""), collectortest.Options{},
				s3.New(), cloudfront.New(), wafv2.New(), apigateway.New())
			if scan.Err != nil {
				t.Fatalf("scan: %v", scan.Err)
			}
			if len(scan.Snapshot.Coverage) != 0 {
				t.Errorf("coverage gaps: %+v", scan.Snapshot.Coverage)
			}
			r := scan.Resolve(t)
			if diff := cmp.Diff(tc.eps, r.Lines()); diff != "" {
				t.Errorf("entry points (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.paths, r.PathLines()); diff != "" {
				t.Errorf("attack paths (-want +got):\n%s", diff)
			}
			for id, want := range tc.notes {
				got := r.Notes(id)
				for _, w := range want {
					if !strings.Contains(strings.Join(got, "\n"), w) {
						t.Errorf("notes of %s = %q, want one holding %q", id, got, w)
					}
				}
			}
		})
	}
}

// canonical replaces CANONICAL in a fixture with the S3 canonical user id
// the endpoint gives OAI E2QWRUHAPOMQZL, read through the collector.
func canonical(t *testing.T, sections string) string {
	t.Helper()
	if !strings.Contains(sections, "CANONICAL") {
		return sections
	}
	scan := collectortest.Run(t, fixture(`cloudfront:
  origin_access_identities:
    - {name: legacy-oai, id: E2QWRUHAPOMQZL}`, ""), collectortest.Options{}, cloudfront.New())
	n := scan.Node(t, graph.OAIARN("123456789012", "E2QWRUHAPOMQZL"))
	if n.OAI() == nil || len(n.OAI().S3CanonicalUser) < 64 {
		t.Fatalf("OAI node %+v has no S3 canonical user id", n.OAI())
	}
	return strings.ReplaceAll(sections, "CANONICAL", n.OAI().S3CanonicalUser)
}

// edgeLines renders the resolved graph's structural edges of the given
// kinds as "FROM -KIND/VIA-> TO certainty".
func edgeLines(g *graph.Graph, kinds ...graph.EdgeKind) []string {
	var out []string
	for _, e := range g.Edges {
		for _, k := range kinds {
			if e.Kind == k {
				out = append(out, fmt.Sprintf("%s -%s/%s-> %s %s", e.From, e.Kind, e.Via, e.To, e.Certainty))
			}
		}
	}
	return out
}

func TestOriginsRouteToWhatAnswersOnTheirHost(t *testing.T) {
	fx := fixture(`apigateway:
  rest_apis:
    - {id: a1b2c3d4e5, region: us-east-1, name: orders, endpoint_types: [REGIONAL], stages: [{name: prod}]}
s3:
  buckets:
    - {name: acme-assets, region: us-east-1, `+enforce+`, policy: '`+fmt.Sprintf(oacPol, "E1CUSTOMORIGIN1")+`'}
cloudfront:
  origin_access_controls:
    - {name: assets-oac, id: E1OACASSETS0001}
  distributions:
    - name: api
      id: E1CUSTOMORIGIN1
      origins:
        - {id: api, domain_name: a1b2c3d4e5.execute-api.us-east-1.amazonaws.com, origin_path: /prod, custom: {protocol_policy: https-only}}
        - {id: alb, domain_name: web-1234567890.us-east-1.elb.amazonaws.com, custom: {protocol_policy: http-only}}
        - {id: assets, domain_name: acme-assets.s3.us-east-1.amazonaws.com, s3: {}, origin_access_control: assets-oac}
        - {id: unused, domain_name: unused.example.com, custom: {protocol_policy: https-only}}
      origin_groups: [{id: failover, members: [assets, alb]}]
      default_cache_behavior:
        target_origin_id: api
        viewer_protocol_policy: https-only
        lambda_function_associations: [{event_type: origin-request, arn: "arn:aws:lambda:us-east-1:123456789012:function:rewrite:7"}]
      cache_behaviors: [{path_pattern: "/static/*", target_origin_id: failover, viewer_protocol_policy: https-only}]`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{}, s3.New(), cloudfront.New(), apigateway.New())
	r := scan.Resolve(t)
	want := []string{ // in the graph's order: by target
		dist + "E1CUSTOMORIGIN1 -routes-to/origin-> arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5 true",
		dist + "E1CUSTOMORIGIN1 -integrates-with/lambda-edge-> arn:aws:lambda:us-east-1:123456789012:function:rewrite true",
		dist + "E1CUSTOMORIGIN1 -routes-to/origin-access-control-> " + assets + " true",
		dist + "E1CUSTOMORIGIN1 -routes-to/origin-> https://web-1234567890.us-east-1.elb.amazonaws.com true",
	}
	if diff := cmp.Diff(want, edgeLines(r.Graph, graph.EdgeRoutesTo, graph.EdgeIntegratesWith)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	n, ok := r.Graph.Node("https://web-1234567890.us-east-1.elb.amazonaws.com")
	if !ok || n.Kind != graph.KindExternalEndpoint || r.Graph.Zone(n.ID) != graph.ZoneInternet {
		t.Errorf("the unresolved host is %+v, want an ExternalEndpoint in the internet zone", n)
	}
	for _, e := range r.Graph.Out(dist + "E1CUSTOMORIGIN1") {
		if strings.HasPrefix(e.To, "https://web-") && !strings.Contains(e.Details(), "plain HTTP") {
			t.Errorf("the http-only origin's edge does not say it is fetched over plain HTTP: %s", e.Details())
		}
	}
}

func TestViewerSettingsAreConditionsOnTheEntryPointWithTheirFixes(t *testing.T) {
	fx := fixture(`wafv2:
  web_acls:
    - name: edge-acl
      scope: CLOUDFRONT
      rules: [{name: common, priority: 0, override_action: None, statement: {ManagedRuleGroupStatement: {VendorName: AWS, Name: AWSManagedRulesCommonRuleSet}}}]
cloudfront:
  distributions:
    - name: guarded
      id: E1GUARDED000001
      web_acl: edge-acl
      origins: [{id: host, domain_name: app.example.com, custom: {protocol_policy: https-only}}]
      default_cache_behavior: {target_origin_id: host, viewer_protocol_policy: redirect-to-https}
      viewer_certificate: {acm_certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111", ssl_support_method: sni-only, minimum_protocol_version: TLSv1.2_2021}
    - name: open
      id: E1OPEN000000001
      origins: [{id: host, domain_name: app.example.com, custom: {protocol_policy: https-only}}]
      default_cache_behavior: {target_origin_id: host, viewer_protocol_policy: allow-all}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{}, cloudfront.New(), wafv2.New())
	if len(scan.Snapshot.Coverage) != 0 {
		t.Fatalf("coverage gaps: %+v", scan.Snapshot.Coverage)
	}
	r := scan.Resolve(t)
	// AWS WAF Developer Guide, "Using AWS WAF with Amazon CloudFront";
	// CloudFront Developer Guide, "Viewer protocol policy" and "Supported
	// protocols and ciphers between viewers and CloudFront".
	guarded := r.EntryPoint(dist+"E1GUARDED000001", graph.ViaViewerAccess)
	open := r.EntryPoint(dist+"E1OPEN000000001", graph.ViaViewerAccess)
	if guarded == nil || open == nil {
		t.Fatalf("entry points: %v", r.Lines())
	}
	has := func(list []string, s string) bool { return strings.Contains(strings.Join(list, "\n"), s) }
	if !has(guarded.Evidence.Conditions, "AWS WAF web ACL edge-acl inspects requests (default action Allow; 1 rules)") {
		t.Errorf("guarded conditions %q do not name its web ACL", guarded.Evidence.Conditions)
	}
	if has(guarded.Evidence.Fix, "WAF") || has(guarded.Evidence.Fix, "ViewerProtocolPolicy") || has(guarded.Evidence.Fix, "TLS") {
		t.Errorf("guarded fixes %q fix what is already right", guarded.Evidence.Fix)
	}
	for _, c := range []string{"no AWS WAF web ACL", "behavior default (*) accepts plain HTTP", "viewers may negotiate TLSv1"} {
		if !has(open.Evidence.Conditions, c) {
			t.Errorf("open conditions %q lack %q", open.Evidence.Conditions, c)
		}
	}
	for _, f := range []string{"associate an AWS WAF web ACL (scope CLOUDFRONT) with distribution E1OPEN000000001",
		"set ViewerProtocolPolicy to redirect-to-https or https-only on behavior default (*)", "MinimumProtocolVersion TLSv1.2_2021"} {
		if !has(open.Evidence.Fix, f) {
			t.Errorf("open fixes %q lack %q", open.Evidence.Fix, f)
		}
	}
}

func TestOriginCustomHeaderValuesAreNeverStored(t *testing.T) {
	fx := fixture(`cloudfront:
  distributions:
    - name: api
      id: E1CUSTOMORIGIN1
      origins: [{id: alb, domain_name: web.example.com, custom: {protocol_policy: https-only}, custom_headers: {X-Origin-Verify: not-a-real-secret-0000}}]
      default_cache_behavior: {target_origin_id: alb, viewer_protocol_policy: https-only}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{}, cloudfront.New())
	var buf strings.Builder
	if err := scan.Snapshot.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "not-a-real-secret") {
		t.Error("the snapshot holds an origin custom header's value")
	}
	if n := scan.Node(t, dist+"E1CUSTOMORIGIN1"); len(n.Distribution().Origins) != 1 || cmp.Diff([]string{"X-Origin-Verify"}, n.Distribution().Origins[0].CustomHeaders) != "" {
		t.Errorf("origin %+v: want the header's name kept", n.Distribution().Origins)
	}
}

func TestListingsOverSeveralPagesSeeEverythingOnce(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("cloudfront:\n  origin_access_controls:\n")
	for i := range 130 {
		fmt.Fprintf(&sb, "    - {name: oac-%03d}\n", i)
	}
	sb.WriteString("  origin_access_identities:\n")
	for i := range 105 {
		fmt.Fprintf(&sb, "    - {name: oai-%03d}\n", i)
	}
	sb.WriteString("  distributions:\n")
	const n = 250 // three pages of 100
	for i := range n {
		fmt.Fprintf(&sb, "    - {name: d%03d, origins: [{id: o, domain_name: bkt-%03d.s3.amazonaws.com, s3: {}, origin_access_control: oac-%03d}], default_cache_behavior: {target_origin_id: o, viewer_protocol_policy: https-only}}\n", i, i, i%130)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{}, cloudfront.New())
	seen := map[graph.Kind]map[string]int{}
	for _, node := range scan.Snapshot.Nodes {
		if seen[node.Kind] == nil {
			seen[node.Kind] = map[string]int{}
		}
		seen[node.Kind][node.ID]++
		if node.Distribution() != nil && node.Distribution().Origins[0].OACSigning != "always" {
			t.Errorf("%s: origin OAC signing %q, want always (read from the second page of OACs too)", node.ID, node.Distribution().Origins[0].OACSigning)
		}
	}
	if len(seen[graph.KindDistribution]) != n || len(seen[graph.KindOriginAccessIdentity]) != 105 {
		t.Errorf("distributions %d, OAIs %d; want %d and 105", len(seen[graph.KindDistribution]), len(seen[graph.KindOriginAccessIdentity]), n)
	}
	calls := scan.Server.Stats().Calls
	for api, want := range map[string]int64{"ListDistributions": 3, "ListOriginAccessControls": 2, "ListCloudFrontOriginAccessIdentities": 2} {
		if got := calls["cloudfront:"+api]; got != want {
			t.Errorf("%s calls = %d, want %d pages", api, got, want)
		}
	}
}

func TestADeniedListingIsACoverageGapNotAnEmptyAccount(t *testing.T) {
	fx := fixture(oacDistribution, `faults:
  - {service: cloudfront, api: ListDistributions, error: AccessDenied}
  - {service: cloudfront, api: ListOriginAccessControls, error: AccessDenied}`)
	scan := collectortest.Run(t, fx, collectortest.Options{}, cloudfront.New())
	for _, api := range []string{"ListDistributions", "ListOriginAccessControls"} {
		if gaps := scan.Gaps(api); len(gaps) != 1 || gaps[0].Status != graph.GapDenied {
			t.Errorf("%s gaps = %+v, want one denied gap", api, gaps)
		}
	}
	for _, n := range scan.Snapshot.Nodes {
		if n.Kind == graph.KindDistribution {
			t.Errorf("distribution %s from a denied listing", n.ID)
		}
	}

	t.Run("a denied OAC listing leaves the signing behavior unknown, not never", func(t *testing.T) {
		fx := fixture(oacDistribution, `faults:
  - {service: cloudfront, api: ListOriginAccessControls, error: AccessDenied}`)
		scan := collectortest.Run(t, fx, collectortest.Options{}, cloudfront.New())
		o := scan.Node(t, dist+"EDFDVBD6EXAMPLE").Distribution().Origins[0]
		if o.OAC != "E1OACASSETS0001" || o.OACSigning != "" {
			t.Errorf("origin %+v: want the OAC id kept and its signing unknown", o)
		}
		if lines := edgeLines(scan.Resolve(t).Graph, graph.EdgeRoutesTo); len(lines) != 1 || !strings.Contains(lines[0], "/origin-access-control-> ") {
			t.Errorf("routes-to %q: want the origin still read through its OAC", lines)
		}
	})
}

func TestThrottledCallsAreRetried(t *testing.T) {
	collectortest.Throttling{
		Fixture: func(faults string) string { return fixture(oacDistribution, faults) },
		New:     func() collectors.Collector { return cloudfront.New() },
		Service: "cloudfront", API: "ListDistributions",
		Read: func(t testing.TB, s collectortest.Scan) { s.Node(t, dist+"EDFDVBD6EXAMPLE") },
	}.Test(t)
}

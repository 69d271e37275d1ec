package fakeaws

import (
	"strings"
	"testing"
)

// TestEdgeFixtureValidation: each bad section is refused with a message
// that names the file and line and says what is wrong.
func TestEdgeFixtureValidation(t *testing.T) {
	const head = "accounts:\n  - id: \"123456789012\"\n"
	cases := []struct {
		name, yaml, want string
	}{
		{"an unknown field is an error naming its line",
			head + "    cloudfront:\n      distributions:\n        - {name: d, colour: blue}\n",
			"f.yaml:5: field colour not found"},
		{"an origin naming an OAC that does not exist",
			head + "    cloudfront:\n      distributions:\n        - name: d\n          origins: [{id: o, domain_name: b.s3.amazonaws.com, s3: {}, origin_access_control: nope}]\n          default_cache_behavior: {target_origin_id: o, viewer_protocol_policy: allow-all}\n",
			"f.yaml:6: accounts[0].cloudfront.distributions[0].origins[0].origin_access_control: origin access control nope is not in the fixture"},
		{"an origin naming an OAI that does not exist",
			head + "    cloudfront:\n      distributions:\n        - name: d\n          origins: [{id: o, domain_name: b.s3.amazonaws.com, s3: {origin_access_identity: origin-access-identity/cloudfront/ENOPE123}}]\n          default_cache_behavior: {target_origin_id: o, viewer_protocol_policy: allow-all}\n",
			"origin access identity origin-access-identity/cloudfront/ENOPE123 is not in the fixture"},
		{"an OAI and an OAC on one origin",
			head + "    cloudfront:\n      origin_access_controls: [{name: c}]\n      origin_access_identities: [{name: i}]\n      distributions:\n        - name: d\n          origins: [{id: o, domain_name: b.s3.amazonaws.com, s3: {origin_access_identity: i}, origin_access_control: c}]\n          default_cache_behavior: {target_origin_id: o, viewer_protocol_policy: allow-all}\n",
			"an origin cannot use both an origin access identity and an origin access control"},
		{"an S3 website endpoint given as an S3 origin",
			head + "    cloudfront:\n      distributions:\n        - name: d\n          origins: [{id: o, domain_name: b.s3-website-us-east-1.amazonaws.com, s3: {}}]\n          default_cache_behavior: {target_origin_id: o, viewer_protocol_policy: allow-all}\n",
			"is an S3 website endpoint, which CloudFront reaches as a custom origin"},
		{"a cache behavior targeting an unknown origin",
			head + "    cloudfront:\n      distributions:\n        - name: d\n          origins: [{id: o, domain_name: x.example.com, custom: {protocol_policy: https-only}}]\n          default_cache_behavior: {target_origin_id: p, viewer_protocol_policy: allow-all}\n",
			`target origin "p" is not an origin or origin group of this distribution`},
		{"a Lambda@Edge association with $LATEST",
			head + "    cloudfront:\n      distributions:\n        - name: d\n          origins: [{id: o, domain_name: x.example.com, custom: {protocol_policy: https-only}}]\n          default_cache_behavior:\n            target_origin_id: o\n            viewer_protocol_policy: allow-all\n            lambda_function_associations: [{event_type: origin-request, arn: \"arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST\"}]\n",
			"is not a numbered Lambda function version in us-east-1"},
		{"a distribution naming a web ACL that is not CLOUDFRONT-scoped",
			head + "    wafv2: {web_acls: [{name: regional}]}\n    cloudfront:\n      distributions:\n        - name: d\n          web_acl: regional\n          origins: [{id: o, domain_name: x.example.com, custom: {protocol_policy: https-only}}]\n          default_cache_behavior: {target_origin_id: o, viewer_protocol_policy: allow-all}\n",
			"web ACL regional is not a CLOUDFRONT-scoped web ACL of this account"},
		{"a web ACL associated with an unknown API Gateway stage",
			head + "    wafv2:\n      web_acls:\n        - name: w\n          resources: [\"arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod\"]\n",
			"f.yaml:6: accounts[0].wafv2.web_acls[0].resources[0]: arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod is not a stage of a REST API in the fixture"},
		{"a web ACL associated with another account's load balancer",
			head + "    wafv2:\n      web_acls:\n        - name: w\n          resources: [\"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/x/1\"]\n",
			"belongs to account 111122223333"},
		{"one resource associated with two web ACLs",
			head + "    wafv2:\n      web_acls:\n        - {name: a, resources: [\"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1\"]}\n        - {name: b, resources: [\"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1\"]}\n",
			"is already associated with web ACL a"},
		{"a managed rule group with an action instead of an override action",
			head + "    wafv2:\n      web_acls:\n        - name: w\n          rules: [{name: r, priority: 0, action: Block, statement: {ManagedRuleGroupStatement: {VendorName: AWS, Name: X}}}]\n",
			"a ManagedRuleGroupStatement takes an override_action"},
		{"an Aurora instance without a cluster",
			head + "    rds: {instances: [{id: a1, engine: aurora-mysql}]}\n",
			"an Aurora instance belongs to a cluster"},
		{"an Aurora cluster with PubliclyAccessible",
			head + "    rds: {clusters: [{id: c1, engine: aurora-mysql, publicly_accessible: true}]}\n",
			"Aurora clusters have no PubliclyAccessible"},
		{"an encrypted snapshot made public",
			head + "    rds:\n      instances: [{id: db, engine: postgres, storage_encrypted: true}]\n      snapshots: [{id: s, instance: db, restore: [all]}]\n",
			"an encrypted snapshot cannot be shared publicly"},
		{"an automated snapshot shared",
			head + "    rds:\n      snapshots: [{id: \"rds:db-2024\", instance: db, engine: mysql, type: automated, restore: [\"111122223333\"]}]\n",
			"automated snapshots cannot be shared"},
		{"a restore value that is neither all nor an account",
			head + "    rds:\n      snapshots: [{id: s, instance: db, engine: mysql, restore: [everyone]}]\n",
			`restore value "everyone" is neither all nor an account id`},
		{"an EKS cluster with neither endpoint",
			head + "    eks: {clusters: [{name: c, endpoint_public_access: false}]}\n",
			"a cluster endpoint needs public or private access"},
		{"an EKS public CIDR that is not one",
			head + "    eks: {clusters: [{name: c, public_access_cidrs: [\"10.0.0.0/33\"]}]}\n",
			`"10.0.0.0/33" is not an IPv4 CIDR block`},
		{"access entries on a CONFIG_MAP cluster",
			head + "    eks: {clusters: [{name: c, authentication_mode: CONFIG_MAP, access_entries: [{principal_arn: \"arn:aws:iam::123456789012:role/r\"}]}]}\n",
			"access entries need authentication_mode API or API_AND_CONFIG_MAP"},
		{"an OpenSearch domain name AWS refuses",
			head + "    opensearch: {domains: [{name: Logs}]}\n",
			`"Logs" is not a valid domain name`},
		{"fine-grained access control without HTTPS",
			head + "    opensearch: {domains: [{name: logs, advanced_security: {enabled: true}}]}\n",
			"fine-grained access control needs enforce_https"},
		{"a fault naming the es service is accepted, an unknown one refused",
			head + "faults: [{service: es, error: AccessDenied}, {service: opensearch, error: AccessDenied}]\n",
			`service "opensearch" is not one of`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFixture([]byte(tc.yaml), "f.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if strings.Count(err.Error(), "\n") != 0 {
				t.Errorf("more than one error:\n%v", err)
			}
		})
	}
}

// TestEdgeFixtureDefaultsAreDeterministic: ids the fixture leaves out are
// derived, the same on every parse, and different per resource.
func TestEdgeFixtureDefaultsAreDeterministic(t *testing.T) {
	fixture := "accounts:\n  - id: \"123456789012\"\n    cloudfront:\n      origin_access_controls: [{name: a}, {name: b}]\n" +
		"      distributions:\n        - name: one\n          origins: [{id: o, domain_name: x.example.com, custom: {protocol_policy: https-only}}]\n" +
		"          default_cache_behavior: {target_origin_id: o, viewer_protocol_policy: allow-all}\n" +
		"        - name: two\n          origins: [{id: o, domain_name: x.example.com, custom: {protocol_policy: https-only}}]\n" +
		"          default_cache_behavior: {target_origin_id: o, viewer_protocol_policy: allow-all}\n" +
		"    wafv2: {web_acls: [{name: w}]}\n"
	ids := func() []string {
		w, err := ParseFixture([]byte(fixture), "f.yaml")
		if err != nil {
			t.Fatal(err)
		}
		a := w.Accounts[0]
		cf := a.CloudFront
		return []string{cf.Distributions[0].id(a, 0), cf.Distributions[1].id(a, 1), cf.OriginAccessControls[0].id(a), cf.OriginAccessControls[1].id(a), a.WAFv2.WebACLs[0].id(a)}
	}
	first, second := ids(), ids()
	seen := map[string]bool{}
	for i, id := range first {
		if id != second[i] {
			t.Errorf("id %d changed between parses: %s, %s", i, id, second[i])
		}
		if seen[id] {
			t.Errorf("id %s derived twice", id)
		}
		seen[id] = true
		if i < 4 && !cfIDRE.MatchString(id) {
			t.Errorf("id %s is not CloudFront-shaped", id)
		}
	}
}

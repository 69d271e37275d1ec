package fakeaws

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// laughs is a policy whose aliases expand a billion times.
const laughs = `accounts:
  - id: "123456789012"
    s3:
      buckets:
        - name: b
          policy:
            a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
            e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
            f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
            g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
            h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
            i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
`

func TestAFixtureCannotMakeTheParserRecurseOrExplode(t *testing.T) {
	for name, doc := range map[string]string{
		"an alias inside itself": "accounts:\n  - id: \"123456789012\"\n    s3: {buckets: [{name: b, policy: &p {a: [*p]}}]}\n",
		"a billion laughs":       laughs,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseFixture([]byte(doc), "f.yaml")
			if err == nil || !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Errorf("error %v, want one naming the fixture", err)
			}
			t.Log(err)
		})
	}
}

// FuzzParseFixture: a fixture of any bytes never panics or hangs the
// parser; every error line names the fixture; a world that parses
// validates again and builds a server.
func FuzzParseFixture(f *testing.F) {
	paths, _ := filepath.Glob("../../testdata/accounts/*.yaml")
	paths = append(paths, "../demo/demo.yaml")
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		oneAccount,
		"accounts:\n  - id: \"123456789012\"\n    s3: {buckets: [{name: b, policy: '{not json'}]}\nchaos: {seed: 1, rate: 0.5, kinds: [reset]}\n",
		"accounts: [{id: \"123456789012\", roles_assumable: [{arn: x, external_id: y}]}]\n",
		netHead + "      instances: [{name: i, subnet: a, public_ip: 203.0.113.1}]\n    elbv2:\n      target_groups: [{name: t, protocol: HTTP, port: 80, vpc: v, targets: [{id: i}]}]\n      load_balancers: [{name: l, subnets: [a, b], listeners: [{port: 80, protocol: HTTP, default_actions: [{type: forward, target_group: t}]}]}]\n    elb: {load_balancers: [{name: c, subnets: [a]}]}\n",
		"accounts:\n  - id: \"123456789012\"\n    s3: {buckets: [{name: b, policy: &p {a: [*p]}}]}\n",
		"latency: -1s\n", "", "accounts: [",
		laughs,
		// The edge and data sections (fixture_cloudfront.go ... fixture_opensearch.go).
		"accounts:\n  - id: \"123456789012\"\n    cloudfront: {origin_access_controls: [{name: c}], distributions: [{name: d, web_acl: w, origins: [{id: o, domain_name: b.s3.amazonaws.com, s3: {}, origin_access_control: c}], default_cache_behavior: {target_origin_id: o, viewer_protocol_policy: allow-all}}]}\n    wafv2: {web_acls: [{name: w, scope: CLOUDFRONT, rules: [{name: r, priority: 0, action: Block, statement: {RateBasedStatement: {Limit: 100}}}]}]}\n",
		"accounts:\n  - id: \"123456789012\"\n    rds: {instances: [{id: db, engine: mysql}], snapshots: [{id: s, instance: db, restore: [all]}]}\n    eks: {clusters: [{name: c, public_access_cidrs: [0.0.0.0/0]}]}\n    opensearch: {domains: [{name: logs, access_policies: '{\"Statement\":[]}', vpc: {vpc_id: v, subnet_ids: [s]}}]}\n",
		// The sections of ECR, access points, Multi-Region Access Points,
		// bucket encryption and websites, and Lambda layers.
		"accounts:\n  - id: \"123456789012\"\n    ecr:\n      registries: [{region: us-east-1, policy: '{x', replication: [{destinations: [{region: eu-west-1, registry_id: \"111122223333\"}], repository_filters: [{filter: a, filter_type: PREFIX_MATCH}]}]}]\n      repositories: [{name: app/web, policy: {Statement: [{Principal: \"*\"}]}, encryption: {type: KMS}, images: [{tags: [latest]}, {digest: \"sha256:0000000000000000000000000000000000000000000000000000000000000000\"}]}]\n",
		"accounts:\n  - id: \"123456789012\"\n    s3:\n      buckets: [{name: b-one, encryption: {sse_algorithm: \"aws:kms\", blocked_encryption_types: [SSE-C]}, website: {index_document: i.html, routing_rules: [{key_prefix_equals: a/, redirect: {protocol: https}}]}}]\n      access_points: [{name: ap-one, bucket: b-one, vpc_id: vpc-0abc1234, policy: '{'}, {name: ap-two, bucket: other, bucket_account_id: \"111122223333\"}]\n      multi_region_access_points: [{name: mrap-one, regions: [{bucket: b-one}, {bucket: far, region: eu-west-1, bucket_account_id: \"111122223333\"}], policy: {}, proposed_policy: {}}]\n",
		"accounts:\n  - id: \"123456789012\"\n    lambda:\n      layers: [{name: utils, versions: [{}, {version: 5, policy: {Statement: []}, compatible_architectures: [arm64]}]}]\n      functions: [{name: fn, layers: [\"arn:aws:lambda:us-east-1:123456789012:layer:utils:5\"]}, {name: img, package_type: Image, image_uri: \"123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:0000000000000000000000000000000000000000000000000000000000000000\"}]\n",
	} {
		f.Add([]byte(s))
	}
	for _, s := range resourcePolicySeeds { // SNS, EventBridge, KMS, Secrets Manager
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseFixture(data, "f.yaml")
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "f.yaml") {
					t.Fatalf("error line %q does not name the fixture", line)
				}
			}
			return
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("a parsed world does not validate: %v", err)
		}
		New(w, Options{})
	})
}

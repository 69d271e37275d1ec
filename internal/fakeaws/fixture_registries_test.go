package fakeaws

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/google/go-cmp/cmp"
)

// TestRegistryAndAccessPointFixtureErrors covers the ecr, access point,
// Multi-Region Access Point, bucket encryption/website and Lambda layer
// sections: strict decoding names file:line, validation names the path.
func TestRegistryAndAccessPointFixtureErrors(t *testing.T) {
	const head = "accounts:\n  - id: \"123456789012\"\n"
	const partner = "  - id: \"111122223333\"\n    s3: {buckets: [{name: partner-bucket, region: eu-west-1}]}\n"
	tests := []struct {
		name, yaml string
		want       string
	}{
		{"an unknown field in a repository names its line", head + "    ecr:\n      repositories:\n        - name: app\n          polcy: {}\n",
			"bad.yaml:6: field polcy not found in type fakeaws.ECRRepository"},
		{"a repository name follows ECR's pattern", head + "    ecr: {repositories: [{name: App_Web}]}\n",
			"bad.yaml:3: accounts[0].ecr.repositories[0].name: \"App_Web\" is not an ECR repository name"},
		{"a repository name appears once per region", head + "    ecr: {repositories: [{name: app}, {name: app, region: us-east-1}]}\n",
			"repository app appears twice in us-east-1"},
		{"a tag names one image", head + "    ecr: {repositories: [{name: app, images: [{tags: [latest]}, {tags: [latest]}]}]}\n",
			"tag latest points at two images of repository app"},
		{"a digest is sha256 and 64 hex digits", head + "    ecr: {repositories: [{name: app, images: [{digest: \"sha256:abc\"}]}]}\n",
			"digest \"sha256:abc\" is not sha256: and 64 lower-case hex digits"},
		{"an encryption type is one of ECR's", head + "    ecr: {repositories: [{name: app, encryption: {type: SSE}}]}\n",
			"encryption type \"SSE\" is not one of AES256, KMS, KMS_DSSE"},
		{"a replication destination names a 12-digit registry", head + "    ecr: {registries: [{region: us-east-1, replication: [{destinations: [{region: eu-west-1, registry_id: \"42\"}]}]}]}\n",
			"accounts[0].ecr.registries[0].replication[0].destinations[0].registry_id: registry_id \"42\" is not 12 digits"},
		{"a registry entry appears once per region", head + "    ecr: {registries: [{region: us-east-1}, {region: us-east-1}]}\n",
			"the registry of us-east-1 appears twice"},
		{"an access point needs a bucket of the fixture or a bucket owner", head + "    s3: {access_points: [{name: ap-one, bucket: nowhere}]}\n",
			"bucket nowhere is not in the fixture; an access point for another account's bucket names it with bucket_account_id"},
		{"an access point lives in its bucket's region", head + "    regions: [us-east-1, eu-west-1]\n    s3: {access_points: [{name: ap-one, bucket: partner-bucket, region: us-east-1}]}\n" + partner,
			"an access point lives in its bucket's region: bucket partner-bucket is in eu-west-1, not us-east-1"},
		{"an access point names the true owner of a fixture bucket", head + "    regions: [eu-west-1]\n    s3: {access_points: [{name: ap-one, bucket: partner-bucket, bucket_account_id: \"123456789012\"}]}\n" + partner,
			"bucket partner-bucket belongs to account 111122223333, not 123456789012"},
		{"an access point name may not end in -s3alias", head + "    s3: {buckets: [{name: b-one}], access_points: [{name: x-s3alias, bucket: b-one}]}\n",
			"\"x-s3alias\" is not an access point name"},
		{"access point names are unique per region", head + "    s3: {buckets: [{name: b-one}], access_points: [{name: ap-one, bucket: b-one}, {name: ap-one, bucket: b-one}]}\n",
			"access point ap-one appears twice in us-east-1"},
		{"an access point policy status needs a policy", head + "    s3: {buckets: [{name: b-one}], access_points: [{name: ap-one, bucket: b-one, policy_is_public: true}]}\n",
			"accounts[0].s3.access_points[0].policy_is_public: policy_is_public needs a policy"},
		{"a VPC id has AWS's shape", head + "    s3: {buckets: [{name: b-one}], access_points: [{name: ap-one, bucket: b-one, vpc_id: my-vpc}]}\n",
			"\"my-vpc\" is not a VPC id"},
		{"a Multi-Region Access Point has one bucket per region", head + "    s3:\n      buckets: [{name: b-one}, {name: b-two}]\n      multi_region_access_points: [{name: global, regions: [{bucket: b-one}, {bucket: b-two}]}]\n",
			"a Multi-Region Access Point has one bucket per region; us-east-1 appears twice"},
		{"a foreign MRAP bucket needs its region and owner", head + "    s3: {multi_region_access_points: [{name: global, regions: [{bucket: elsewhere}]}]}\n",
			"bucket elsewhere is not in the fixture, so it needs its region and bucket_account_id"},
		{"a Multi-Region Access Point status is one of S3's", head + "    s3: {buckets: [{name: b-one}], multi_region_access_points: [{name: global, status: LIVE, regions: [{bucket: b-one}]}]}\n",
			"status \"LIVE\" is not one of READY"},
		{"a proposed MRAP policy updates an established one", head + "    s3: {buckets: [{name: b-one}], multi_region_access_points: [{name: global, proposed_policy: {}, regions: [{bucket: b-one}]}]}\n",
			"a proposed policy is an update of an established policy"},
		{"an SSE algorithm is one of S3's", head + "    s3: {buckets: [{name: b-one, encryption: {sse_algorithm: aes}}]}\n",
			"accounts[0].s3.buckets[0].encryption.sse_algorithm: sse_algorithm \"aes\" is not one of AES256, aws:kms, aws:kms:dsse"},
		{"SSE-S3 has no KMS key", head + "    s3: {buckets: [{name: b-one, encryption: {sse_algorithm: AES256, kms_master_key_id: k}}]}\n",
			"an AES256 (SSE-S3) configuration has no KMS key"},
		{"a website needs an index document or a redirect", head + "    s3: {buckets: [{name: b-one, website: {error_document: e.html}}]}\n",
			"a website needs an index_document or redirect_all_requests_to"},
		{"a redirecting website has nothing else", head + "    s3: {buckets: [{name: b-one, website: {index_document: i.html, redirect_all_requests_to: {host_name: x.example}}}]}\n",
			"a website that redirects all requests has no index, error document or routing rules"},
		{"an unknown field in a layer version names its line", head + "    lambda:\n      layers:\n        - name: utils\n          versions:\n            - {runtimes: [python3.12]}\n",
			"bad.yaml:7: field runtimes not found in type fakeaws.LayerVersion"},
		{"layer versions only grow", head + "    lambda: {layers: [{name: utils, versions: [{version: 3}, {version: 2}]}]}\n",
			"version 2 does not follow version 3"},
		{"a layer needs a version", head + "    lambda: {layers: [{name: utils}]}\n",
			"a layer needs at least one version"},
		{"a layer version's date is in Lambda's format", head + "    lambda: {layers: [{name: utils, versions: [{created: 2024-01-01T00:00:00Z}]}]}\n",
			"is not in Lambda's format"},
		{"a function's layer is a layer version ARN of its region", head + "    lambda: {functions: [{name: fn, layers: [\"arn:aws:lambda:eu-west-1:123456789012:layer:utils:1\"]}]}\n",
			"a function uses layers of its own region (us-east-1)"},
		{"a function uses at most five layers", head + "    lambda: {functions: [{name: fn, layers: [\"arn:aws:lambda:us-east-1:123456789012:layer:a:1\", \"arn:aws:lambda:us-east-1:123456789012:layer:b:1\", \"arn:aws:lambda:us-east-1:123456789012:layer:c:1\", \"arn:aws:lambda:us-east-1:123456789012:layer:d:1\", \"arn:aws:lambda:us-east-1:123456789012:layer:e:1\", \"arn:aws:lambda:us-east-1:123456789012:layer:f:1\"]}]}\n",
			"a function uses at most 5 layers, not 6"},
		{"image_uri is for Image functions", head + "    lambda: {functions: [{name: fn, image_uri: \"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1\"}]}\n",
			"image_uri is for package_type Image functions"},
		{"an image is in the function's region", head + "    lambda: {functions: [{name: fn, package_type: Image, image_uri: \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1\"}]}\n",
			"a function's image is in its own region (us-east-1)"},
		{"a fault may name ecr", head + "faults: [{service: ecs, error: Throttling}]\n",
			", ecr"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFixture([]byte(tc.yaml), "bad.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tc.want)
			}
			if err != nil {
				for _, line := range strings.Split(err.Error(), "\n") {
					if !strings.HasPrefix(line, "bad.yaml") {
						t.Errorf("error line %q does not name the fixture", line)
					}
				}
			}
		})
	}
}

// TestRegistriesSampleFixture serves the sample account and reads each
// documented exposure case through the SDK, as a collector would.
func TestRegistriesSampleFixture(t *testing.T) {
	srv := startFixture(t, "../../testdata/accounts/registries-and-access-points.yaml", Options{})
	ctx := context.Background()
	me := aws.String("123456789012")

	pol, err := srv.ecr(t, clientConfig{}).GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("release/base-images")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(pol.PolicyText), `"Principal" : "*"`) {
		t.Errorf("public-pull policy %s", aws.ToString(pol.PolicyText))
	}
	fn, err := srv.lambda(t, clientConfig{}).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("acme-worker")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(fn.Code.ResolvedImageUri); got != "123456789012.dkr.ecr.us-east-1.amazonaws.com/app/worker@sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0" {
		t.Errorf("acme-worker resolves to %s", got)
	}
	aps, err := srv.s3control(t, clientConfig{}).ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: me})
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]string{}
	for _, ap := range aps.AccessPointList {
		owners[aws.ToString(ap.Name)] = string(ap.NetworkOrigin) + "/" + aws.ToString(ap.BucketAccountId)
	}
	want := map[string]string{"partner-exchange": "Internet/111122223333", "public-archive": "Internet/123456789012", "public-reports": "Internet/123456789012",
		"restricted-reports": "Internet/123456789012", "vpc-reports": "VPC/123456789012"}
	if diff := cmp.Diff(want, owners); diff != "" {
		t.Errorf("access points (-want +got):\n%s", diff)
	}
	mrap, err := srv.s3control(t, clientConfig{region: "us-west-2"}).GetMultiRegionAccessPointPolicy(ctx, &s3control.GetMultiRegionAccessPointPolicyInput{AccountId: me, Name: aws.String("acme-global")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(mrap.Policy.Proposed.Policy), "s3:PutObject") || strings.Contains(aws.ToString(mrap.Policy.Established.Policy), "s3:PutObject") {
		t.Errorf("MRAP established %s, proposed %s", aws.ToString(mrap.Policy.Established.Policy), aws.ToString(mrap.Policy.Proposed.Policy))
	}
	layer, err := srv.lambda(t, clientConfig{}).GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String("acme-org-config"), VersionNumber: aws.Int64(1)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(layer.Policy), `"aws:PrincipalOrgID":"o-a1b2c3d4e5"`) {
		t.Errorf("org layer policy %s", aws.ToString(layer.Policy))
	}
	enc, err := srv.s3(t, clientConfig{}).GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("acme-docs-site")})
	if err != nil {
		t.Fatal(err)
	}
	if got := enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm; got != "AES256" {
		t.Errorf("acme-docs-site encryption %s, want the SSE-S3 default", got)
	}
}

// TestAnEmptyListEntryIsAnErrorNotAPanic: a "- " with nothing after it is a
// nil entry; every section says so instead of dereferencing it (found by
// FuzzParseFixture: "functions:\n  -").
func TestAnEmptyListEntryIsAnErrorNotAPanic(t *testing.T) {
	for _, section := range []string{
		"lambda: {functions: [null]}", "lambda: {event_source_mappings: [null]}", "lambda: {layers: [null]}",
		"lambda: {layers: [{name: l, versions: [null]}]}", "sqs: {queues: [null]}", "apigateway: {rest_apis: [null]}",
		"apigateway: {domain_names: [null]}", "apigatewayv2: {apis: [null]}", "iam: {roles: [null]}", "iam: {users: [null]}",
		"iam: {groups: [null]}", "iam: {policies: [null]}", "s3: {buckets: [null]}", "s3: {access_points: [null]}",
		"s3: {multi_region_access_points: [null]}", "ecr: {repositories: [null]}", "ecr: {registries: [null]}",
		"ecr: {repositories: [{name: app, images: [null]}]}", "ecr: {registries: [{region: us-east-1, replication: [null]}]}",
	} {
		t.Run(section, func(t *testing.T) {
			_, err := ParseFixture([]byte("accounts:\n  - id: \"123456789012\"\n    "+section+"\n"), "f.yaml")
			if err == nil || !strings.Contains(err.Error(), "f.yaml:3: ") || !strings.Contains(err.Error(), "empty") {
				t.Errorf("error = %v, want an 'empty ...' error at f.yaml:3", err)
			}
		})
	}
}

package fakeaws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/google/go-cmp/cmp"
)

// ecrWorld has three repositories in us-east-1 and one in eu-west-1, and a
// registry policy and cross-account replication in us-east-1; %s is appended
// at top level (faults, throttle).
const ecrWorld = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    ecr:
      registries:
        - region: us-east-1
          policy: {Version: "2012-10-17", Statement: [{Sid: ReplicationAccessCrossAccount, Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:root"}, Action: [ecr:CreateRepository, ecr:ReplicateImage], Resource: "arn:aws:ecr:us-east-1:123456789012:repository/*"}]}
          replication:
            - destinations: [{region: eu-west-1, registry_id: "111122223333"}, {region: us-west-2, registry_id: "123456789012"}]
              repository_filters: [{filter: app/, filter_type: PREFIX_MATCH}]
      repositories:
        - name: app/web
          region: us-east-1
          created: 2024-01-07T10:00:00Z
          image_tag_mutability: IMMUTABLE
          scan_on_push: true
          encryption: {type: KMS, kms_key: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
          policy: {Version: "2008-10-17", Statement: [{Sid: allow public pull, Effect: Allow, Principal: "*", Action: [ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer]}]}
          images:
            - {digest: "sha256:1111111111111111111111111111111111111111111111111111111111111111", tags: [latest, v1], pushed: 2024-02-01T12:30:00Z, size: 12345678, last_pulled: 2024-03-01T00:00:00Z}
            - {digest: "sha256:2222222222222222222222222222222222222222222222222222222222222222", tags: [v0], pushed: 2024-01-15T00:00:00Z}
            - {digest: "sha256:3333333333333333333333333333333333333333333333333333333333333333"}
        - name: base
        - name: broken
          policy: '{"Version": "2012-10-17", "Statement": ['
        - name: euro
          region: eu-west-1
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
%s`

func (s *Server) ecr(t *testing.T, cc clientConfig) *ecr.Client {
	return ecr.NewFromConfig(s.config(t, cc), func(o *ecr.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func repoNames(rs []ecrtypes.Repository) []string {
	var out []string
	for _, r := range rs {
		out = append(out, aws.ToString(r.RepositoryName))
	}
	return out
}

func TestECRDescribeRepositories(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(ecrWorld, ""), Options{})
	ctx := context.Background()

	t.Run("a repository carries its ARN, URI, registry, creation time, mutability, scanning and KMS key", func(t *testing.T) {
		out, err := srv.ecr(t, clientConfig{}).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"app/web"}})
		if err != nil {
			t.Fatal(err)
		}
		r := out.Repositories[0]
		got := []any{aws.ToString(r.RepositoryArn), aws.ToString(r.RepositoryUri), aws.ToString(r.RegistryId), r.CreatedAt.UTC(),
			r.ImageTagMutability, r.ImageScanningConfiguration.ScanOnPush, r.EncryptionConfiguration.EncryptionType, aws.ToString(r.EncryptionConfiguration.KmsKey)}
		want := []any{"arn:aws:ecr:us-east-1:123456789012:repository/app/web", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app/web", "123456789012",
			time.Date(2024, 1, 7, 10, 0, 0, 0, time.UTC), ecrtypes.ImageTagMutabilityImmutable, true, ecrtypes.EncryptionTypeKms,
			"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("app/web (-want +got):\n%s", diff)
		}
	})

	t.Run("a repository without settings is MUTABLE, AES256 without a key, not scanned on push", func(t *testing.T) {
		out, err := srv.ecr(t, clientConfig{}).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"base"}})
		if err != nil {
			t.Fatal(err)
		}
		r := out.Repositories[0]
		got := []any{r.ImageTagMutability, r.ImageScanningConfiguration.ScanOnPush, r.EncryptionConfiguration.EncryptionType, r.EncryptionConfiguration.KmsKey}
		if diff := cmp.Diff([]any{ecrtypes.ImageTagMutabilityMutable, false, ecrtypes.EncryptionTypeAes256, (*string)(nil)}, got); diff != "" {
			t.Errorf("base (-want +got):\n%s", diff)
		}
	})

	t.Run("the paginator with MaxResults 2 walks two pages of the region's repositories", func(t *testing.T) {
		p := ecr.NewDescribeRepositoriesPaginator(srv.ecr(t, clientConfig{}), &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(2)})
		var got []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			got = append(got, repoNames(out.Repositories)...)
		}
		if diff := cmp.Diff([]string{"app/web", "base", "broken"}, got); diff != "" {
			t.Errorf("repositories (-want +got):\n%s", diff)
		}
		if pages != 2 {
			t.Errorf("got %d pages, want 2", pages)
		}
	})

	t.Run("without maxResults a page holds 100 repositories and a nextToken", func(t *testing.T) {
		w, err := ParseFixture([]byte(fmt.Sprintf(ecrWorld, "")), t.Name())
		if err != nil {
			t.Fatal(err)
		}
		for i := range 150 {
			w.Accounts[0].ECR.Repositories = append(w.Accounts[0].ECR.Repositories, &ECRRepository{Name: fmt.Sprintf("bulk-%03d", i), Region: "eu-west-1"})
		}
		big := startWorld(t, w, Options{})
		p := ecr.NewDescribeRepositoriesPaginator(big.ecr(t, clientConfig{region: "eu-west-1"}), &ecr.DescribeRepositoriesInput{})
		var sizes []int
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(out.Repositories))
		}
		if diff := cmp.Diff([]int{100, 51}, sizes); diff != "" {
			t.Errorf("page sizes (-want +got):\n%s", diff)
		}
	})

	t.Run("another region's repositories are not listed", func(t *testing.T) {
		out, err := srv.ecr(t, clientConfig{region: "eu-west-1"}).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"euro"}, repoNames(out.Repositories)); diff != "" {
			t.Errorf("eu-west-1 (-want +got):\n%s", diff)
		}
	})
}

func TestECRPolicies(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(ecrWorld, ""), Options{})
	ctx := context.Background()

	t.Run("a repository policy comes back as ECR stores it, pretty-printed", func(t *testing.T) {
		out, err := srv.ecr(t, clientConfig{}).GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("app/web")})
		if err != nil {
			t.Fatal(err)
		}
		// The policyText of the AWS CLI example for get-repository-policy
		// (ECR API Reference and AWS CLI Command Reference), character for
		// character.
		want := "{\n  \"Version\" : \"2008-10-17\",\n  \"Statement\" : [ {\n    \"Sid\" : \"allow public pull\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : \"*\",\n    \"Action\" : [ \"ecr:BatchCheckLayerAvailability\", \"ecr:BatchGetImage\", \"ecr:GetDownloadUrlForLayer\" ]\n  } ]\n}"
		if diff := cmp.Diff(want, aws.ToString(out.PolicyText)); diff != "" {
			t.Errorf("policyText (-want +got):\n%s", diff)
		}
		if got := []string{aws.ToString(out.RegistryId), aws.ToString(out.RepositoryName)}; !cmp.Equal(got, []string{"123456789012", "app/web"}) {
			t.Errorf("registry, repository = %v", got)
		}
	})

	t.Run("a planted malformed policy is served verbatim", func(t *testing.T) {
		out, err := srv.ecr(t, clientConfig{}).GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("broken")})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(out.PolicyText); got != `{"Version": "2012-10-17", "Statement": [` {
			t.Errorf("policyText %q is not the fixture's text", got)
		}
	})

	t.Run("the registry policy of a region that has one", func(t *testing.T) {
		out, err := srv.ecr(t, clientConfig{}).GetRegistryPolicy(ctx, &ecr.GetRegistryPolicyInput{})
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Statement []struct{ Principal struct{ AWS string } }
		}
		if err := json.Unmarshal([]byte(aws.ToString(out.PolicyText)), &doc); err != nil {
			t.Fatalf("policyText is not JSON: %v", err)
		}
		if got := doc.Statement[0].Principal.AWS; got != "arn:aws:iam::111122223333:root" || aws.ToString(out.RegistryId) != "123456789012" {
			t.Errorf("principal %s, registry %s", got, aws.ToString(out.RegistryId))
		}
	})

	t.Run("DescribeRegistry reports cross-account replication destinations", func(t *testing.T) {
		out, err := srv.ecr(t, clientConfig{}).DescribeRegistry(ctx, &ecr.DescribeRegistryInput{})
		if err != nil {
			t.Fatal(err)
		}
		rule := out.ReplicationConfiguration.Rules[0]
		var got []string
		for _, d := range rule.Destinations {
			got = append(got, aws.ToString(d.Region)+"/"+aws.ToString(d.RegistryId))
		}
		got = append(got, aws.ToString(rule.RepositoryFilters[0].Filter), string(rule.RepositoryFilters[0].FilterType))
		if diff := cmp.Diff([]string{"eu-west-1/111122223333", "us-west-2/123456789012", "app/", "PREFIX_MATCH"}, got); diff != "" {
			t.Errorf("rule (-want +got):\n%s", diff)
		}
	})

	t.Run("a registry without replication has an empty rule list", func(t *testing.T) {
		out, err := srv.ecr(t, clientConfig{region: "eu-west-1"}).DescribeRegistry(ctx, &ecr.DescribeRegistryInput{})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.RegistryId) != "123456789012" || out.ReplicationConfiguration == nil || len(out.ReplicationConfiguration.Rules) != 0 {
			t.Errorf("registry %s, replication %+v: want the account and no rules", aws.ToString(out.RegistryId), out.ReplicationConfiguration)
		}
	})
}

func TestECRDescribeImages(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(ecrWorld, ""), Options{})
	ctx := context.Background()
	digests := func(ds []ecrtypes.ImageDetail) []string {
		var out []string
		for _, d := range ds {
			out = append(out, aws.ToString(d.ImageDigest)[7:8])
		}
		return out
	}

	t.Run("the paginator with MaxResults 1 yields every image once", func(t *testing.T) {
		p := ecr.NewDescribeImagesPaginator(srv.ecr(t, clientConfig{}), &ecr.DescribeImagesInput{RepositoryName: aws.String("app/web"), MaxResults: aws.Int32(1)})
		var got []string
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, digests(out.ImageDetails)...)
		}
		if diff := cmp.Diff([]string{"1", "2", "3"}, got); diff != "" {
			t.Errorf("images (-want +got):\n%s", diff)
		}
	})

	t.Run("an image carries its tags, size, push and pull times", func(t *testing.T) {
		out, err := srv.ecr(t, clientConfig{}).DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("app/web"), ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String("v1")}}})
		if err != nil {
			t.Fatal(err)
		}
		d := out.ImageDetails[0]
		got := []any{aws.ToString(d.ImageDigest), d.ImageTags, aws.ToInt64(d.ImageSizeInBytes), d.ImagePushedAt.UTC(), d.LastRecordedPullTime.UTC(), aws.ToString(d.RepositoryName), aws.ToString(d.RegistryId)}
		want := []any{"sha256:1111111111111111111111111111111111111111111111111111111111111111", []string{"latest", "v1"}, int64(12345678),
			time.Date(2024, 2, 1, 12, 30, 0, 0, time.UTC), time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), "app/web", "123456789012"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("image (-want +got):\n%s", diff)
		}
	})

	for _, tc := range []struct {
		status ecrtypes.TagStatus
		want   []string
	}{{ecrtypes.TagStatusTagged, []string{"1", "2"}}, {ecrtypes.TagStatusUntagged, []string{"3"}}, {ecrtypes.TagStatusAny, []string{"1", "2", "3"}}} {
		t.Run("the tagStatus filter "+string(tc.status)+" keeps the matching images", func(t *testing.T) {
			out, err := srv.ecr(t, clientConfig{}).DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("app/web"), Filter: &ecrtypes.DescribeImagesFilter{TagStatus: tc.status}})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, digests(out.ImageDetails)); diff != "" {
				t.Errorf("images (-want +got):\n%s", diff)
			}
		})
	}
}

func TestECRErrors(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(ecrWorld, ""), Options{})
	ctx := context.Background()
	typed := func(target any) func(t *testing.T, err error) {
		return func(t *testing.T, err error) {
			if !errors.As(err, target) {
				t.Errorf("error %v is not a %T", err, target)
			}
		}
	}
	tests := []struct {
		name  string
		call  func(c *ecr.Client) error
		want  apiError
		typed func(t *testing.T, err error)
	}{
		{"an unknown repository name is RepositoryNotFoundException", func(c *ecr.Client) error {
			_, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"base", "nope"}})
			return err
		}, apiError{"RepositoryNotFoundException", 400}, typed(new(*ecrtypes.RepositoryNotFoundException))},
		{"a repository without a policy is RepositoryPolicyNotFoundException", func(c *ecr.Client) error {
			_, err := c.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("base")})
			return err
		}, apiError{"RepositoryPolicyNotFoundException", 400}, typed(new(*ecrtypes.RepositoryPolicyNotFoundException))},
		{"another region's repository is RepositoryNotFoundException", func(c *ecr.Client) error {
			_, err := c.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("euro")})
			return err
		}, apiError{"RepositoryNotFoundException", 400}, typed(new(*ecrtypes.RepositoryNotFoundException))},
		{"a region without a registry policy is RegistryPolicyNotFoundException", func(*ecr.Client) error {
			_, err := srv.ecr(t, clientConfig{region: "eu-west-1", attempts: 1}).GetRegistryPolicy(ctx, &ecr.GetRegistryPolicyInput{})
			return err
		}, apiError{"RegistryPolicyNotFoundException", 400}, typed(new(*ecrtypes.RegistryPolicyNotFoundException))},
		{"an image that is not there is ImageNotFoundException", func(c *ecr.Client) error {
			_, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("app/web"), ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String("v9")}}})
			return err
		}, apiError{"ImageNotFoundException", 400}, typed(new(*ecrtypes.ImageNotFoundException))},
		{"repositoryNames with maxResults is InvalidParameterException", func(c *ecr.Client) error {
			_, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"base"}, MaxResults: aws.Int32(5)})
			return err
		}, apiError{"InvalidParameterException", 400}, typed(new(*ecrtypes.InvalidParameterException))},
		{"maxResults above 1000 is InvalidParameterException", func(c *ecr.Client) error {
			_, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(1001)})
			return err
		}, apiError{"InvalidParameterException", 400}, typed(new(*ecrtypes.InvalidParameterException))},
		{"a nextToken the fake did not issue is InvalidParameterException", func(c *ecr.Client) error {
			_, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("app/web"), NextToken: aws.String("bogus")})
			return err
		}, apiError{"InvalidParameterException", 400}, typed(new(*ecrtypes.InvalidParameterException))},
		{"another account's registry is AccessDeniedException", func(c *ecr.Client) error {
			_, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RegistryId: aws.String("111122223333")})
			return err
		}, apiError{"AccessDeniedException", 400}, nil},
		{"an operation the fake does not implement is UnknownOperationException", func(c *ecr.Client) error {
			_, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("base")})
			return err
		}, apiError{"UnknownOperationException", 400}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(srv.ecr(t, clientConfig{attempts: 1}))
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if tc.typed != nil {
				tc.typed(t, err)
			}
		})
	}

	t.Run("the error body is JSON 1.1 with __type and a lower-case message", func(t *testing.T) {
		h := signedHeader(demoKey, "us-east-1", "ecr")
		h.Set("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.GetRepositoryPolicy")
		h.Set("Content-Type", "application/x-amz-json-1.1")
		resp, body := srv.rawRequest(t, "POST", "/", "", h, `{"repositoryName":"base"}`)
		want := `{"__type":"RepositoryPolicyNotFoundException","message":"Repository policy does not exist for the repository with name 'base' in the registry with id '123456789012'"}`
		if resp.StatusCode != http.StatusBadRequest || body != want || resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
			t.Errorf("status %d, type %s, body %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	})
}

func TestECRFaultsAndThrottling(t *testing.T) {
	ctx := context.Background()
	describe := func(c *ecr.Client) error {
		_, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
		return err
	}

	t.Run("a denied fault is AccessDeniedException 400", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(ecrWorld, "faults: [{service: ecr, api: GetRepositoryPolicy, resource: app/web, error: AccessDenied}]"), Options{})
		c := srv.ecr(t, clientConfig{attempts: 1})
		_, err := c.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("app/web")})
		if diff := cmp.Diff(apiError{"AccessDeniedException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		if _, err := c.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("broken")}); err != nil {
			t.Errorf("a fault for app/web hit broken: %v", err)
		}
	})

	t.Run("an internal error is the modeled ServerException 500", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(ecrWorld, "faults: [{service: ecr, error: InternalError}]"), Options{})
		err := describe(srv.ecr(t, clientConfig{attempts: 1}))
		var typed *ecrtypes.ServerException
		if diff := cmp.Diff(apiError{"ServerException", 500}, decodeError(t, err)); diff != "" || !errors.As(err, &typed) {
			t.Errorf("error %v (-want +got):\n%s", err, diff)
		}
	})

	t.Run("throttling is ThrottlingException 400, which the SDK retries", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(ecrWorld, "throttle: {apis: {\"ecr:DescribeRepositories\": {rate: 0.001, burst: 1}}}"), Options{})
		if err := describe(srv.ecr(t, clientConfig{attempts: 1})); err != nil {
			t.Fatal(err)
		}
		err := describe(srv.ecr(t, clientConfig{attempts: 2}))
		if diff := cmp.Diff(apiError{"ThrottlingException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		if st := srv.Stats(); st.Calls["ecr:DescribeRepositories"] != 3 || st.Throttled["ecr:DescribeRepositories"] != 2 {
			t.Errorf("calls %d, throttled %d: want 3 calls, the last two (one retry) throttled", st.Calls["ecr:DescribeRepositories"], st.Throttled["ecr:DescribeRepositories"])
		}
	})
}

func TestJacksonPrettyPrinter(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty containers are { } and [ ]", `{"a":{},"b":[]}`, "{\n  \"a\" : { },\n  \"b\" : [ ]\n}"},
		{"conditions nest two spaces per object level", `{"Statement":[{"Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5"]}}}]}`,
			"{\n  \"Statement\" : [ {\n    \"Condition\" : {\n      \"StringEquals\" : {\n        \"aws:PrincipalOrgID\" : [ \"o-a1b2c3d4e5\" ]\n      }\n    }\n  } ]\n}"},
		{"numbers, booleans and null keep their literals", `[1.50,true,null]`, "[ 1.50, true, null ]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := jacksonPretty(tc.in)
			if !ok {
				t.Fatal("not printed")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, in := range []string{`{"a":`, `{} {}`, ``, `{"a" 1}`} {
		if _, ok := jacksonPretty(in); ok {
			t.Errorf("%q printed, want refused", in)
		}
	}
	if !strings.Contains(ecrPolicyText(Doc(`{"a":1}`)), " : ") {
		t.Error("a valid raw-string policy is not re-printed")
	}
}

// TestChaosCoversECRAccessPointsAndLayers: chaos mode and the stats reach ECR, the
// access point reads and Lambda layers with no special case: a malformed
// 200 is a body the SDK cannot decode, counted per service:Api.
func TestChaosCoversECRAccessPointsAndLayers(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(ecrWorld, ""), Options{Chaos: &Chaos{Seed: 7, Rate: 1, Kinds: []string{ChaosMalformed}, Services: []string{"ecr", "s3control", "lambda"}}})
	ctx := context.Background()
	if _, err := srv.ecr(t, clientConfig{attempts: 1}).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{}); err == nil {
		t.Error("ECR: a malformed body decoded")
	}
	if _, err := srv.s3control(t, clientConfig{attempts: 1}).ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: aws.String("123456789012")}); err == nil {
		t.Error("S3 Control: a malformed body decoded")
	}
	if _, err := srv.lambda(t, clientConfig{attempts: 1}).ListLayers(ctx, &lambda.ListLayersInput{}); err == nil {
		t.Error("Lambda: a malformed body decoded")
	}
	want := map[string]int64{"ecr:DescribeRepositories": 1, "s3control:ListAccessPoints": 1, "lambda:ListLayers": 1}
	if diff := cmp.Diff(want, srv.Stats().ChaosByAPI); diff != "" {
		t.Errorf("chaos by API (-want +got):\n%s", diff)
	}
}

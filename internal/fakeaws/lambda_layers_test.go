package fakeaws

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"
)

const sharedUtils3Policy = `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"public","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:3"}]}`

// layersWorld has two layers in us-east-1 (shared-utils with versions 1 and
// 3) and one in eu-west-1, and functions that use layers and ECR images; %s
// is appended at top level.
const layersWorld = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    ecr:
      repositories:
        - name: app/worker
          images: [{digest: "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", tags: [prod]}]
    lambda:
      layers:
        - name: shared-utils
          versions:
            - {description: first, created: 2024-01-01T00:00:00.000+0000, compatible_runtimes: [python3.11], compatible_architectures: [x86_64], code_size: 1000}
            - version: 3
              created: 2024-03-01T00:00:00.000+0000
              compatible_runtimes: [python3.12]
              compatible_architectures: [x86_64, arm64]
              license_info: MIT
              code_size: 3000
              policy: '` + sharedUtils3Policy + `'
        - name: org-layer
          versions:
            - compatible_runtimes: [nodejs20.x]
              policy: {Version: "2012-10-17", Id: default, Statement: [{Sid: org, Effect: Allow, Principal: "*", Action: "lambda:GetLayerVersion", Resource: "arn:aws:lambda:us-east-1:123456789012:layer:org-layer:1", Condition: {StringEquals: {"aws:PrincipalOrgID": o-a1b2c3d4e5}}}]}
        - {name: euro-layer, region: eu-west-1, versions: [{}]}
      functions:
        - name: api
          runtime: python3.12
          handler: app.handler
          layers: ["arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:3", "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:14"]
        - {name: worker, package_type: Image, image_uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app/worker:prod"}
        - {name: pinned, package_type: Image, image_uri: "111122223333.dkr.ecr.us-east-1.amazonaws.com/vendor/tool@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}
        - {name: plain, runtime: nodejs20.x, handler: index.handler}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
%s`

func TestLambdaListLayers(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(layersWorld, ""), Options{})
	ctx := context.Background()
	list := func(t *testing.T, in *lambda.ListLayersInput) []string {
		t.Helper()
		p := lambda.NewListLayersPaginator(srv.lambda(t, clientConfig{}), in)
		var got []string
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range out.Layers {
				got = append(got, aws.ToString(l.LatestMatchingVersion.LayerVersionArn))
			}
		}
		return got
	}

	t.Run("each layer of the region with its latest version, through two pages of MaxItems 1", func(t *testing.T) {
		got := list(t, &lambda.ListLayersInput{MaxItems: aws.Int32(1)})
		want := []string{"arn:aws:lambda:us-east-1:123456789012:layer:org-layer:1", "arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:3"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("layers (-want +got):\n%s", diff)
		}
	})

	t.Run("CompatibleRuntime picks the latest matching version and drops layers without one", func(t *testing.T) {
		got := list(t, &lambda.ListLayersInput{CompatibleRuntime: lambdatypes.RuntimePython311})
		if diff := cmp.Diff([]string{"arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:1"}, got); diff != "" {
			t.Errorf("layers (-want +got):\n%s", diff)
		}
	})

	t.Run("a listed version carries its dates, runtimes, architectures and licence", func(t *testing.T) {
		out, err := srv.lambda(t, clientConfig{}).ListLayers(ctx, &lambda.ListLayersInput{CompatibleArchitecture: lambdatypes.ArchitectureArm64})
		if err != nil {
			t.Fatal(err)
		}
		l := out.Layers[0]
		v := l.LatestMatchingVersion
		got := []any{aws.ToString(l.LayerName), aws.ToString(l.LayerArn), v.Version, aws.ToString(v.CreatedDate), v.CompatibleRuntimes, v.CompatibleArchitectures, aws.ToString(v.LicenseInfo)}
		want := []any{"shared-utils", "arn:aws:lambda:us-east-1:123456789012:layer:shared-utils", int64(3), "2024-03-01T00:00:00.000+0000",
			[]lambdatypes.Runtime{lambdatypes.RuntimePython312}, []lambdatypes.Architecture{lambdatypes.ArchitectureX8664, lambdatypes.ArchitectureArm64}, "MIT"}
		if diff := cmp.Diff(want, got); diff != "" || len(out.Layers) != 1 {
			t.Errorf("%d layers (-want +got):\n%s", len(out.Layers), diff)
		}
	})

	t.Run("MaxItems above 50 is ValidationException", func(t *testing.T) {
		_, err := srv.lambda(t, clientConfig{attempts: 1}).ListLayers(ctx, &lambda.ListLayersInput{MaxItems: aws.Int32(51)})
		if diff := cmp.Diff(apiError{"ValidationException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

func TestLambdaLayerVersions(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(layersWorld, ""), Options{})
	ctx := context.Background()

	t.Run("versions come newest first, two pages of MaxItems 1, by name or by ARN", func(t *testing.T) {
		for _, ref := range []string{"shared-utils", "arn:aws:lambda:us-east-1:123456789012:layer:shared-utils"} {
			p := lambda.NewListLayerVersionsPaginator(srv.lambda(t, clientConfig{}), &lambda.ListLayerVersionsInput{LayerName: aws.String(ref), MaxItems: aws.Int32(1)})
			var got []int64
			pages := 0
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, v := range out.LayerVersions {
					got = append(got, v.Version)
				}
			}
			if diff := cmp.Diff([]int64{3, 1}, got); diff != "" || pages != 2 {
				t.Errorf("%s: %d pages (-want +got):\n%s", ref, pages, diff)
			}
		}
	})

	t.Run("an unknown layer has no versions", func(t *testing.T) {
		out, err := srv.lambda(t, clientConfig{}).ListLayerVersions(ctx, &lambda.ListLayerVersionsInput{LayerName: aws.String("nope")})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.LayerVersions) != 0 || out.NextMarker != nil {
			t.Errorf("%d versions, marker %v", len(out.LayerVersions), out.NextMarker)
		}
	})

	t.Run("GetLayerVersion and GetLayerVersionByArn answer the content and the version", func(t *testing.T) {
		c := srv.lambda(t, clientConfig{})
		byName, err := c.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String("shared-utils"), VersionNumber: aws.Int64(3)})
		if err != nil {
			t.Fatal(err)
		}
		byARN, err := c.GetLayerVersionByArn(ctx, &lambda.GetLayerVersionByArnInput{Arn: aws.String("arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:3")})
		if err != nil {
			t.Fatal(err)
		}
		for _, out := range []struct {
			c                        *lambdatypes.LayerVersionContentOutput
			arn, versionARN, created string
			version                  int64
		}{{byName.Content, aws.ToString(byName.LayerArn), aws.ToString(byName.LayerVersionArn), aws.ToString(byName.CreatedDate), byName.Version},
			{byARN.Content, aws.ToString(byARN.LayerArn), aws.ToString(byARN.LayerVersionArn), aws.ToString(byARN.CreatedDate), byARN.Version}} {
			got := []any{out.c.CodeSize, strings.HasPrefix(aws.ToString(out.c.Location), "https://"), aws.ToString(out.c.CodeSha256) != "", out.arn, out.versionARN, out.created, out.version}
			want := []any{int64(3000), true, true, "arn:aws:lambda:us-east-1:123456789012:layer:shared-utils", "arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:3", "2024-03-01T00:00:00.000+0000", int64(3)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("layer version (-want +got):\n%s", diff)
			}
		}
	})

	t.Run("the version policy is served verbatim", func(t *testing.T) {
		out, err := srv.lambda(t, clientConfig{}).GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String("shared-utils"), VersionNumber: aws.Int64(3)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.Policy) != sharedUtils3Policy || !uuidRE.MatchString(aws.ToString(out.RevisionId)) {
			t.Errorf("policy %s, revision %s", aws.ToString(out.Policy), aws.ToString(out.RevisionId))
		}
	})

	notFound := func(msg string) func(t *testing.T, err error) {
		return func(t *testing.T, err error) {
			var typed *lambdatypes.ResourceNotFoundException
			if !errors.As(err, &typed) || typed.ErrorMessage() != msg {
				t.Errorf("error %v is not a ResourceNotFoundException %q", err, msg)
			}
		}
	}
	tests := []struct {
		name  string
		call  func(c *lambda.Client) error
		want  apiError
		check func(t *testing.T, err error)
	}{
		{"a version without a policy is ResourceNotFoundException", func(c *lambda.Client) error {
			_, err := c.GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String("shared-utils"), VersionNumber: aws.Int64(1)})
			return err
		}, apiError{"ResourceNotFoundException", 404}, notFound("No policy is associated with the given resource.")},
		{"a deleted version is ResourceNotFoundException", func(c *lambda.Client) error {
			_, err := c.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String("shared-utils"), VersionNumber: aws.Int64(2)})
			return err
		}, apiError{"ResourceNotFoundException", 404}, notFound("Layer version arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:2 does not exist.")},
		{"another region's layer is not found", func(c *lambda.Client) error {
			_, err := c.GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String("euro-layer"), VersionNumber: aws.Int64(1)})
			return err
		}, apiError{"ResourceNotFoundException", 404}, nil},
		{"another account's layer is AccessDeniedException", func(c *lambda.Client) error {
			_, err := c.ListLayerVersions(ctx, &lambda.ListLayerVersionsInput{LayerName: aws.String("arn:aws:lambda:us-east-1:111122223333:layer:theirs")})
			return err
		}, apiError{"AccessDeniedException", 403}, nil},
		{"a layer name outside the pattern is ValidationException", func(c *lambda.Client) error {
			_, err := c.ListLayerVersions(ctx, &lambda.ListLayerVersionsInput{LayerName: aws.String("bad name")})
			return err
		}, apiError{"ValidationException", 400}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(srv.lambda(t, clientConfig{attempts: 1}))
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if tc.check != nil {
				tc.check(t, err)
			}
		})
	}

	t.Run("faults and the shared control-plane bucket apply to layer calls", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(layersWorld, `faults: [{service: lambda, api: GetLayerVersionPolicy, resource: org-layer, error: AccessDenied}]
throttle: {groups: {lambda-control: {rate: 0.001, burst: 1, apis: ["lambda:*"]}}}`), Options{})
		c := srv.lambda(t, clientConfig{attempts: 1})
		_, err := c.GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String("org-layer"), VersionNumber: aws.Int64(1)})
		if diff := cmp.Diff(apiError{"AccessDeniedException", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("denied (-want +got):\n%s", diff)
		}
		_, err = c.ListLayers(ctx, &lambda.ListLayersInput{})
		var typed *lambdatypes.TooManyRequestsException
		if diff := cmp.Diff(apiError{"TooManyRequestsException", 429}, decodeError(t, err)); diff != "" || !errors.As(err, &typed) {
			t.Errorf("ListLayers after GetLayerVersionPolicy took the group's token (-want +got):\n%s", diff)
		}
	})
}

func TestLambdaFunctionLayersAndImages(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(layersWorld, ""), Options{})
	ctx := context.Background()
	wantLayers := []lambdatypes.Layer{
		{Arn: aws.String("arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:3"), CodeSize: 3000},
		{Arn: aws.String("arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:14")},
	}
	sizes := func(ls []lambdatypes.Layer) []lambdatypes.Layer {
		out := make([]lambdatypes.Layer, len(ls))
		for i, l := range ls {
			out[i] = lambdatypes.Layer{Arn: l.Arn}
			if strings.Contains(aws.ToString(l.Arn), ":123456789012:") {
				out[i].CodeSize = l.CodeSize
			} else if l.CodeSize <= 0 {
				t.Errorf("layer %s has no code size", aws.ToString(l.Arn))
			}
		}
		return out
	}

	t.Run("ListFunctions and GetFunction list a function's layers with their code sizes", func(t *testing.T) {
		c := srv.lambda(t, clientConfig{})
		list, err := c.ListFunctions(ctx, &lambda.ListFunctionsInput{})
		if err != nil {
			t.Fatal(err)
		}
		get, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("api")})
		if err != nil {
			t.Fatal(err)
		}
		opts := cmp.AllowUnexported(lambdatypes.Layer{})
		if diff := cmp.Diff(wantLayers, sizes(list.Functions[0].Layers), opts); diff != "" {
			t.Errorf("ListFunctions api layers (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantLayers, sizes(get.Configuration.Layers), opts); diff != "" {
			t.Errorf("GetFunction api layers (-want +got):\n%s", diff)
		}
		if l := list.Functions[2].Layers; l != nil {
			t.Errorf("plain has layers %v", l)
		}
	})

	for _, tc := range []struct{ fn, uri, resolved string }{
		{"worker", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app/worker:prod",
			"123456789012.dkr.ecr.us-east-1.amazonaws.com/app/worker@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
		{"pinned", "111122223333.dkr.ecr.us-east-1.amazonaws.com/vendor/tool@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
			"111122223333.dkr.ecr.us-east-1.amazonaws.com/vendor/tool@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
	} {
		t.Run("an Image function's code names its ECR image and the digest it resolved to: "+tc.fn, func(t *testing.T) {
			out, err := srv.lambda(t, clientConfig{}).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(tc.fn)})
			if err != nil {
				t.Fatal(err)
			}
			got := []string{aws.ToString(out.Code.RepositoryType), aws.ToString(out.Code.ImageUri), aws.ToString(out.Code.ResolvedImageUri), aws.ToString(out.Code.Location)}
			if diff := cmp.Diff([]string{"ECR", tc.uri, tc.resolved, ""}, got); diff != "" {
				t.Errorf("code (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("a Zip function's code is a presigned-looking S3 location without a signature", func(t *testing.T) {
		out, err := srv.lambda(t, clientConfig{}).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("plain")})
		if err != nil {
			t.Fatal(err)
		}
		loc := aws.ToString(out.Code.Location)
		if aws.ToString(out.Code.RepositoryType) != "S3" || !strings.HasPrefix(loc, "https://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com/") || strings.Contains(loc, "Signature") || out.Code.ImageUri != nil {
			t.Errorf("code %+v", out.Code)
		}
	})
}

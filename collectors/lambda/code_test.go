package lambda_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/exposure"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/lambda"
	"github.com/trustmap/trustmap/graph"
)

const layerARN = "arn:aws:lambda:us-east-1:123456789012:layer:"

func layerPolicy(name, version, principal, cond string) string {
	c := ""
	if cond != "" {
		c = `, Condition: ` + cond
	}
	return `{Version: "2012-10-17", Id: default, Statement: [{Sid: s, Effect: Allow, Principal: ` + principal +
		`, Action: lambda:GetLayerVersion, Resource: "` + layerARN + name + `:` + version + `"` + c + `}]}`
}

type layerEP struct {
	Resource, Via, Exposure string
	Principals, Access      []string
}

// Lambda Developer Guide, "Granting layer access to other accounts" (and
// the AddLayerVersionPermission API Reference): a layer version may be
// shared with one account, an organization, or every account; whoever may
// use it can read its code. No one can change a published version.
func TestLayerVersionPermissionsAsTheLambdaGuideDescribesThem(t *testing.T) {
	cases := []struct {
		name    string
		version string
		want    []layerEP
	}{
		{
			name:    "Granting layer access to other accounts: every account (principal *)",
			version: `{version: 2, policy: ` + layerPolicy("utils", "2", `"*"`, "") + `}`,
			want:    []layerEP{{layerARN + "utils:2", "layer-policy", "public", []string{"*"}, []string{"can-read"}}},
		},
		{
			name:    "Granting layer access to other accounts: one account",
			version: `{version: 2, policy: ` + layerPolicy("utils", "2", `{AWS: "arn:aws:iam::444455556666:root"}`, "") + `}`,
			want:    []layerEP{{layerARN + "utils:2", "layer-policy", "cross-account", []string{"444455556666"}, []string{"can-read"}}},
		},
		{
			name:    "AddLayerVersionPermission with OrganizationId: principal * pinned by aws:PrincipalOrgID",
			version: `{version: 2, policy: ` + layerPolicy("utils", "2", `"*"`, `{StringEquals: {"aws:PrincipalOrgID": o-a1b2c3d4e5}}`) + `}`,
			want:    []layerEP{{layerARN + "utils:2", "layer-policy", "cross-account", []string{"o-a1b2c3d4e5"}, []string{"can-read"}}},
		},
		{
			name:    "GetLayerVersionPolicy: a version without permissions is private",
			version: `{version: 2}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := fixture(`lambda:
  layers:
    - name: utils
      region: us-east-1
      versions: [`+tc.version+`]`, "")
			scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}}, lambda.New())
			if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 {
				t.Fatalf("scan: %v, gaps %+v", scan.Err, scan.Snapshot.Coverage)
			}
			res, err := analyzers.Run(graph.Resolve(scan.Snapshot), nil, []*analyzers.Analyzer{exposure.Analyzer})
			if err != nil {
				t.Fatal(err)
			}
			var got []layerEP
			for _, e := range res.ResultOf[exposure.Analyzer].([]results.EntryPoint) {
				var access []string
				for _, a := range e.Access {
					access = append(access, a.String())
				}
				got = append(got, layerEP{e.ResourceARN, e.Via.String(), e.Exposure.String(), e.Principals, access})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("entry points (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLayersAndVersionsOverSeveralPagesAreEachReadOnce(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("lambda:\n  layers:\n")
	const layers = 60 // two pages of 50
	for i := range layers {
		fmt.Fprintf(&sb, "    - {name: layer-%02d, region: us-east-1, versions: [{compatible_runtimes: [python3.12]}]}\n", i)
	}
	const versions = 55 // two pages of 50
	sb.WriteString("    - name: many\n      region: us-east-1\n      versions:\n")
	for range versions {
		sb.WriteString("        - {compatible_runtimes: [python3.12]}\n")
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: []string{"us-east-1"}}, lambda.New())
	if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 {
		t.Fatalf("scan: %v, gaps %+v", scan.Err, scan.Snapshot.Coverage)
	}
	seen := map[string]int{}
	for _, n := range scan.Snapshot.Nodes {
		if n.Kind == graph.KindLambdaLayer {
			seen[n.Layer().Layer]++
			if n.Layer().Policy.State != graph.False {
				t.Errorf("%s: policy %v, want none", n.ID, n.Layer().Policy.State)
			}
		}
	}
	if len(seen) != layers+1 || seen["many"] != versions || seen["layer-07"] != 1 {
		t.Errorf("layers seen = %d, versions of many = %d; want %d and %d", len(seen), seen["many"], layers+1, versions)
	}
	calls := scan.Server.Stats().Calls
	for api, want := range map[string]int64{
		"lambda:ListLayers":            2,
		"lambda:ListLayerVersions":     layers + 2,
		"lambda:GetLayerVersionPolicy": layers + versions,
		"lambda:GetFunction":           0,
	} {
		if calls[api] != want {
			t.Errorf("%s calls = %d, want %d", api, calls[api], want)
		}
	}
}

// Where a function's code comes from: its layers (from ListFunctions) and,
// for an Image function only, its image's repository (GetFunction).
func TestLayersAndImagesBecomeProvidesCodeEdges(t *testing.T) {
	fx := fixture(`lambda:
  functions:
    - name: api
      region: us-east-1
      runtime: python3.12
      handler: app.handler
      role: `+roleARN+`
      layers: ["`+layerARN+`utils:2", "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:14"]
    - {name: worker, region: us-east-1, package_type: Image, image_uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app/worker:prod", role: `+roleARN+`}
    - {name: pinned, region: us-east-1, package_type: Image, image_uri: "111122223333.dkr.ecr.us-east-1.amazonaws.com/vendor/agent@sha256:0d5f2cb1a2e6e8f0b5c9d3e4f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6", role: `+roleARN+`}
  layers:
    - {name: utils, region: us-east-1, versions: [{version: 2}]}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}}, lambda.New())
	if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 {
		t.Fatalf("scan: %v, gaps %+v", scan.Err, scan.Snapshot.Coverage)
	}
	var got []string
	for _, e := range scan.Snapshot.Edges {
		if e.Kind == graph.EdgeProvidesCode {
			got = append(got, fmt.Sprintf("%s -%s-> %s (%v)", e.From, e.Via, e.To, e.Certainty))
		}
	}
	want := []string{
		"arn:aws:ecr:us-east-1:111122223333:repository/vendor/agent -image-> " + fnARN + "pinned (unknown)",
		"arn:aws:ecr:us-east-1:123456789012:repository/app/worker -image-> " + fnARN + "worker (true)",
		"arn:aws:lambda:us-east-1:123456789012:layer:utils:2 -layer-> " + fnARN + "api (true)",
		"arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:14 -layer-> " + fnARN + "api (true)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("provides-code edges (-want +got):\n%s", diff)
	}
	img := scan.Node(t, fnARN+"worker").Function().Image
	if img == nil || img.Known != graph.True || img.URI != "123456789012.dkr.ecr.us-east-1.amazonaws.com/app/worker:prod" || !strings.Contains(img.ResolvedURI, "@sha256:") {
		t.Errorf("image = %+v, want the URI and the digest Lambda resolved", img)
	}
	if scan.Node(t, fnARN+"api").Function().Image != nil {
		t.Error("a .zip function has an image")
	}
	if n := scan.Server.Stats().Calls["lambda:GetFunction"]; n != 2 {
		t.Errorf("GetFunction calls = %d, want 2 (Image functions only)", n)
	}
}

func TestDeniedLayerAndImageReadsAreGapsAndUnknownFacts(t *testing.T) {
	fx := fixture(`lambda:
  functions:
    - {name: worker, region: us-east-1, package_type: Image, image_uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app/worker:prod", role: `+roleARN+`}
  layers:
    - {name: utils, region: us-east-1, versions: [{version: 1, policy: `+layerPolicy("utils", "1", `"*"`, "")+`}]}`, `faults:
  - {service: lambda, api: GetLayerVersionPolicy, resource: utils, error: AccessDenied}
  - {service: lambda, api: GetFunction, resource: worker, error: AccessDenied}`)
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}}, lambda.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v (denials are gaps)", scan.Err)
	}
	if got := scan.Node(t, layerARN+"utils:1").Layer().Policy.State; got != graph.Unknown {
		t.Errorf("layer policy = %v, want unknown", got)
	}
	if img := scan.Node(t, fnARN+"worker").Function().Image; img == nil || img.Known != graph.Unknown {
		t.Errorf("image = %+v, want unknown", img)
	}
	for api, res := range map[string]string{"GetLayerVersionPolicy": "utils:1", "GetFunction": "worker"} {
		if gaps := scan.Gaps(api); len(gaps) != 1 || gaps[0].Status != graph.GapDenied || gaps[0].Resource != res {
			t.Errorf("%s gaps = %+v, want one denied gap on %s", api, gaps, res)
		}
	}
	for _, e := range scan.Snapshot.Edges {
		if e.Kind == graph.EdgeProvidesCode {
			t.Errorf("edge %s -> %s from an image that could not be read", e.From, e.To)
		}
	}
}

func TestThrottledLayerCallsAreRetried(t *testing.T) {
	fx := fixture(`lambda:
  layers:
    - {name: utils, region: us-east-1, versions: [{version: 1}]}`, `faults:
  - {service: lambda, api: ListLayers, error: Throttling, count: 1}
  - {service: lambda, api: GetLayerVersionPolicy, resource: utils, error: Throttling, count: 2}`)
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}}, lambda.New())
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("gaps = %+v, want none after retries", scan.Snapshot.Coverage)
	}
	if got := scan.Stats.Retries.Load(); got != 3 {
		t.Errorf("retries = %d, want 3", got)
	}
	if got := scan.Node(t, layerARN+"utils:1").Layer().Policy.State; got != graph.False {
		t.Errorf("policy = %v, want read (none)", got)
	}
}

func TestRepositoryOfImage(t *testing.T) {
	cases := []struct{ uri, arn, ref string }{
		{"123456789012.dkr.ecr.us-east-1.amazonaws.com/app/worker:prod", "arn:aws:ecr:us-east-1:123456789012:repository/app/worker", ":prod"},
		{"123456789012.dkr.ecr.eu-west-1.amazonaws.com/base@sha256:abcd", "arn:aws:ecr:eu-west-1:123456789012:repository/base", "@sha256:abcd"},
		{"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app", "arn:aws-cn:ecr:cn-north-1:123456789012:repository/app", ""},
		{"public.ecr.aws/nginx/nginx:latest", "", ""},
		{"docker.io/library/alpine:3", "", ""},
	}
	for _, c := range cases {
		arn, ref, _ := lambda.RepositoryOfImage(c.uri)
		if arn != c.arn || ref != c.ref {
			t.Errorf("RepositoryOfImage(%q) = %q, %q; want %q, %q", c.uri, arn, ref, c.arn, c.ref)
		}
	}
}

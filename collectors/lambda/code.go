package lambda

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// Where a function's code comes from: the layer versions it loads (from
// ListFunctions' Layers, no extra call) and, for a function of package
// type Image, the ECR repository of its image (GetFunction's Code, one
// call per Image function and none for the others). Each becomes a
// provides-code edge into the function: whoever can put code there runs
// code with the function's role.

// image reads an Image function's image URI. For an Image function
// GetFunction's Code holds ImageUri and ResolvedImageUri and no download
// URL (Code.Location is for .zip packages). The environment values it also
// returns are dropped here, as everywhere.
func (r *reader) image(ctx context.Context, fn types.FunctionConfiguration) *graph.FunctionImage {
	if fn.PackageType != types.PackageTypeImage {
		return nil
	}
	name := aws.ToString(fn.FunctionName)
	out, err := r.client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
	switch {
	case err == nil && out.Code != nil:
		return &graph.FunctionImage{Known: graph.True, URI: aws.ToString(out.Code.ImageUri), ResolvedURI: aws.ToString(out.Code.ResolvedImageUri)}
	case err == nil:
		return &graph.FunctionImage{Known: graph.True}
	case collectors.IsNotFound(err):
		return &graph.FunctionImage{Known: graph.True} // deleted since the listing
	default:
		r.gaps.Fail(r.t.Region, "GetFunction", name, err)
		return &graph.FunctionImage{Known: graph.Unknown}
	}
}

// codeEdges adds the provides-code edges into function arn.
func codeEdges(b *graph.Builder, arn string, fn types.FunctionConfiguration, img *graph.FunctionImage) {
	for _, l := range fn.Layers {
		layer := aws.ToString(l.Arn)
		if layer == "" {
			continue
		}
		b.AddEdge(graph.Edge{
			From: layer, To: arn, Kind: graph.EdgeProvidesCode, Via: graph.ViaLayer, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: "lambda:ListFunctions", Detail: "Layers " + layer}},
		})
	}
	if img == nil || img.URI == "" {
		return
	}
	repo, ref, ok := RepositoryOfImage(img.URI)
	if !ok {
		return
	}
	// Lambda runs the digest it resolved when the function was last
	// deployed (Lambda Developer Guide, "Create a Lambda function using a
	// container image"): an image pushed under the tag runs at the next
	// deployment of the function, which is what deploying by tag is for. A
	// function deployed by digest runs a pushed image only if someone
	// deploys that digest: the edge is then uncertain.
	certainty := graph.True
	detail := "ImageUri " + img.URI
	if img.ResolvedURI != "" {
		detail += " (running " + img.ResolvedURI + ")"
	}
	if strings.HasPrefix(ref, "@") {
		certainty = graph.Unknown
		detail += "; deployed by digest: a pushed image runs only if a deployment names it"
	} else {
		detail += "; an image pushed as " + strings.TrimPrefix(ref, ":") + " runs at the function's next deployment"
	}
	b.AddEdge(graph.Edge{
		From: repo, To: arn, Kind: graph.EdgeProvidesCode, Via: graph.ViaImage, Certainty: certainty,
		Evidence: []graph.Evidence{{Source: "lambda:GetFunction", Detail: detail}},
	})
}

// RepositoryOfImage returns the ECR repository ARN of an image URI
// (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME:TAG or NAME@sha256:DIGEST;
// ECR User Guide, "Pushing an image") and the reference after the name
// (":TAG" or "@sha256:..."). ok is false for a URI that is not of a
// private ECR registry.
func RepositoryOfImage(uri string) (arn, ref string, ok bool) {
	host, path, found := strings.Cut(uri, "/")
	if !found || path == "" {
		return "", "", false
	}
	// ACCOUNT.dkr.ecr.REGION.amazonaws.com, .amazonaws.com.cn in China,
	// and ACCOUNT.dkr.ecr-fips.REGION... for FIPS endpoints.
	parts := strings.Split(host, ".")
	if len(parts) < 5 || parts[1] != "dkr" || !strings.HasPrefix(parts[2], "ecr") || len(parts[0]) != 12 {
		return "", "", false
	}
	account, region := parts[0], parts[3]
	name := path
	if i := strings.Index(path, "@"); i >= 0 {
		name, ref = path[:i], path[i:]
	} else if i := strings.LastIndex(path, ":"); i > strings.LastIndex(path, "/") {
		name, ref = path[:i], path[i:]
	}
	if name == "" {
		return "", "", false
	}
	partition := "aws"
	if strings.HasSuffix(host, ".amazonaws.com.cn") {
		partition = "aws-cn"
	} else if strings.HasPrefix(region, "us-gov-") {
		partition = "aws-us-gov"
	}
	return "arn:" + partition + ":ecr:" + region + ":" + account + ":repository/" + name, ref, true
}

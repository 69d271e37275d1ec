package lambda

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// layersPage is the largest page of ListLayers and ListLayerVersions
// (MaxItems 1–50).
const layersPage = 50

// layers lists the region's layers, every version of each, and each
// version's permissions policy (GetLayerVersionPolicy). Every version has
// its own policy, and a function may load any version its owner can read,
// so none is skipped. These calls share Lambda's control-plane quota
// (15 rps per account and region) with ListFunctions and
// ListFunctionUrlConfigs.
func (c *Collector) layers(ctx context.Context, t collectors.Target, b *graph.Builder, client api, errs *collectors.Gaps) {
	p := lambda.NewListLayersPaginator(client, &lambda.ListLayersInput{MaxItems: aws.Int32(layersPage)})
	collectors.ReadEach(ctx, errs, t.Region, "ListLayers", 4, p.HasMorePages, p.NextPage,
		func(o *lambda.ListLayersOutput) []types.LayersListItem { return o.Layers },
		func(ctx context.Context, l types.LayersListItem) {
			c.layerVersions(ctx, t, b, client, aws.ToString(l.LayerName), errs)
		})
}

// layerVersions reads every version of one layer.
func (c *Collector) layerVersions(ctx context.Context, t collectors.Target, b *graph.Builder, client api, name string, errs *collectors.Gaps) {
	p := lambda.NewListLayerVersionsPaginator(client, &lambda.ListLayerVersionsInput{LayerName: aws.String(name), MaxItems: aws.Int32(layersPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			errs.Fail(t.Region, "ListLayerVersions", name, err)
			return
		}
		for _, v := range page.LayerVersions {
			attrs := &graph.LambdaLayer{
				Layer: name, Version: v.Version, Description: aws.ToString(v.Description), CreatedDate: aws.ToString(v.CreatedDate),
				LicenseInfo: aws.ToString(v.LicenseInfo),
			}
			for _, r := range v.CompatibleRuntimes {
				attrs.CompatibleRuntimes = append(attrs.CompatibleRuntimes, string(r))
			}
			attrs.Policy = c.layerPolicy(ctx, t, b, client, name, v.Version, errs)
			arn := aws.ToString(v.LayerVersionArn)
			if arn == "" {
				arn = fmt.Sprintf("arn:aws:lambda:%s:%s:layer:%s:%d", t.Region, t.Account, name, v.Version)
			}
			b.AddNode(graph.Node{ID: arn, Kind: graph.KindLambdaLayer, Name: name + ":" + strconv.FormatInt(v.Version, 10),
				Account: t.Account, Region: t.Region, Attrs: attrs})
		}
	}
}

// layerPolicy reads one layer version's permissions policy: none is an
// answer, a failed read leaves it Unknown.
func (c *Collector) layerPolicy(ctx context.Context, t collectors.Target, b *graph.Builder, client api, name string, version int64, errs *collectors.Gaps) graph.Doc {
	const src = "lambda:GetLayerVersionPolicy"
	out, err := client.GetLayerVersionPolicy(ctx, &lambda.GetLayerVersionPolicyInput{LayerName: aws.String(name), VersionNumber: aws.Int64(version)})
	switch {
	case err == nil && aws.ToString(out.Policy) != "":
		return graph.Present(aws.ToString(out.Policy), src)
	case err == nil, collectors.IsNotFound(err):
		return graph.Absent(src)
	default:
		errs.Fail(t.Region, "GetLayerVersionPolicy", name+":"+strconv.FormatInt(version, 10), err)
		return graph.Hidden(src)
	}
}

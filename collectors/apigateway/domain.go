package apigateway

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// restIDs are the REST API ids GetRestApis listed in the region; complete
// is false when the listing failed part-way.
type restIDs struct {
	known    map[string]bool
	complete bool
}

// apiID returns the node id a base path mapping's restApiId names, and how
// sure that is. Custom domain names are shared by both API Gateway versions,
// so the id may be an HTTP or WebSocket API: an id that is not among the
// region's REST APIs is one, when the REST listing was complete.
func (ids restIDs) apiID(region, id string) (string, graph.Tri) {
	switch {
	case ids.known[id]:
		return APIARN(region, id), graph.True
	case ids.complete:
		return HTTPAPIARN(region, id), graph.True
	default:
		return APIARN(region, id), graph.Unknown
	}
}

// domains reads the region's custom domain names and their base path
// mappings, adding a node per domain and a routes-to edge per mapping.
func (c *Collector) domains(ctx context.Context, t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, client api, ids restIDs) {
	p := apigateway.NewGetDomainNamesPaginator(client, &apigateway.GetDomainNamesInput{Limit: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			gaps.Fail(t.Region, "GetDomainNames", "", err)
			return
		}
		for _, d := range page.Items {
			if errors.Is(ctx.Err(), context.Canceled) {
				return
			}
			c.domain(ctx, t, b, gaps, client, d, ids)
		}
	}
}

func (c *Collector) domain(ctx context.Context, t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, client api, d types.DomainName, ids restIDs) {
	name := aws.ToString(d.DomainName)
	key := name
	if dnID := aws.ToString(d.DomainNameId); dnID != "" {
		key = name + "+" + dnID // private custom domains are told apart by their id
	}
	arn := DomainARN(t.Region, key)
	attrs := &graph.DomainName{Policy: policyDoc(d.Policy, "apigateway:GetDomainNames"), MappingsKnown: graph.True}
	if ec := d.EndpointConfiguration; ec != nil {
		for _, ty := range ec.Types {
			attrs.EndpointTypes = append(attrs.EndpointTypes, string(ty))
		}
	}

	var edges []graph.Edge // one per mapping; the builder merges those to one API (graph.Edge.Merge)
	p := apigateway.NewGetBasePathMappingsPaginator(client, &apigateway.GetBasePathMappingsInput{
		DomainName: d.DomainName, DomainNameId: d.DomainNameId, Limit: aws.Int32(pageSize),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if !collectors.IsNotFound(err) {
				attrs.MappingsKnown = graph.Unknown
				gaps.Fail(t.Region, "GetBasePathMappings", name, err)
			}
			break
		}
		for _, m := range page.Items {
			base, apiID, stage := aws.ToString(m.BasePath), aws.ToString(m.RestApiId), aws.ToString(m.Stage)
			if base == "" {
				base = "(none)"
			}
			attrs.Mappings = append(attrs.Mappings, base+" -> "+apiID+"/"+stage)
			to, certain := ids.apiID(t.Region, apiID)
			detail := "base path " + base + ", stage " + stage
			edges = append(edges, graph.Edge{From: arn, To: to, Kind: graph.EdgeRoutesTo, Via: graph.ViaBasePathMapping, Certainty: certain,
				Evidence: []graph.Evidence{{Source: "apigateway:GetBasePathMappings", Detail: detail}}})
		}
	}
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindDomainName, Name: name, Account: t.Account, Region: t.Region, Attrs: attrs})
	for _, e := range edges {
		b.AddEdge(e)
	}
}

package eventbridge

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// apiDestinations lists the region's API destinations: each is a node, and
// an edge to the HTTPS endpoint outside AWS it sends events to, so a rule
// targeting it shows data leaving for the internet zone.
func (c *Collector) apiDestinations(ctx context.Context, t collectors.Target, b *graph.Builder, client api, errs *collectors.Gaps) {
	var token *string
	for {
		page, err := client.ListApiDestinations(ctx, &eventbridge.ListApiDestinationsInput{Limit: aws.Int32(pageLimit), NextToken: token})
		if err != nil {
			errs.Fail(t.Region, "ListApiDestinations", "", err)
			return
		}
		for _, d := range page.ApiDestinations {
			arn := aws.ToString(d.ApiDestinationArn)
			endpoint := collectors.EndpointURL(aws.ToString(d.InvocationEndpoint))
			b.AddNode(graph.Node{ID: arn, Kind: graph.KindAPIDestination, Name: aws.ToString(d.Name), Account: accountOf(arn, t), Region: t.Region,
				Attrs: &graph.APIDestination{Endpoint: endpoint, HTTPMethod: string(d.HttpMethod), Connection: aws.ToString(d.ConnectionArn), State: string(d.ApiDestinationState)}})
			b.UpdateNode(endpoint, graph.KindExternalEndpoint, func(n *graph.Node) {
				if n.Name == "" {
					n.Name = hostOf(endpoint)
				}
			})
			certainty := graph.True
			if d.ApiDestinationState == "INACTIVE" {
				certainty = graph.False
			}
			b.AddEdge(graph.Edge{
				From: arn, To: endpoint, Kind: graph.EdgeIntegratesWith, Via: graph.ViaAPIDestination, Certainty: certainty,
				Evidence: []graph.Evidence{{Source: "events:ListApiDestinations", Detail: string(d.HttpMethod) + " " + endpoint + ", " + string(d.ApiDestinationState)}},
			})
		}
		if token = page.NextToken; aws.ToString(token) == "" {
			return
		}
	}
}

// hostOf is the host of an endpoint kept by collectors.EndpointURL.
func hostOf(endpoint string) string {
	for i := 0; i+2 < len(endpoint); i++ {
		if endpoint[i:i+3] == "://" {
			h := endpoint[i+3:]
			for j, r := range h {
				if r == '/' {
					return h[:j]
				}
			}
			return h
		}
	}
	return endpoint
}

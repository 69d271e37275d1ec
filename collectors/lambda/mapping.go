package lambda

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// mappingEdge is the trigger edge of one (source, function) pair. Several
// mappings can join the same pair (one per alias, or an enabled one beside
// a disabled one); they become one edge whose certainty is the strongest.
type mappingEdge struct {
	certainty graph.Tri
	details   []string
}

// mappings lists the region's event source mappings once and adds one
// source →(triggers)→ function edge per pair. Edges from pages read before a
// failure are kept: each is a fact; the gap says the list may be short.
func (r *reader) mappings(ctx context.Context) {
	t, b, client := r.t, r.b, r.client
	type pair struct{ from, to string }
	edges := map[pair]*mappingEdge{}
	p := lambda.NewListEventSourceMappingsPaginator(client, &lambda.ListEventSourceMappingsInput{MaxItems: aws.Int32(mappingsPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			r.gaps.Fail(t.Region, "ListEventSourceMappings", "", err)
			break
		}
		for _, m := range page.EventSourceMappings {
			from := source(t, b, m)
			fn := aws.ToString(m.FunctionArn)
			if from == "" || fn == "" {
				if t.Logger != nil {
					t.Logger.Debug("event source mapping without a source or function", "uuid", aws.ToString(m.UUID))
				}
				continue
			}
			k := pair{from, unqualified(fn)}
			e := edges[k]
			if e == nil {
				e = &mappingEdge{certainty: graph.False}
				edges[k] = e
			}
			e.certainty = e.certainty.Or(stateCertainty(aws.ToString(m.State)))
			d := "UUID " + aws.ToString(m.UUID) + ", state " + aws.ToString(m.State)
			if q := qualifier(fn); q != "" {
				d += ", qualifier " + q
			}
			e.details = append(e.details, d)
		}
	}
	for k, e := range edges {
		slices.Sort(e.details)
		b.AddEdge(graph.Edge{
			From: k.from, To: k.to, Kind: graph.EdgeTriggers, Via: graph.ViaEventSourceMapping, Certainty: e.certainty,
			Evidence: []graph.Evidence{{Source: "lambda:ListEventSourceMappings", Detail: strings.Join(e.details, "; ")}},
		})
	}
}

// stateCertainty says whether a mapping in the given state delivers events:
// Enabled does, Disabled does not; the transitional states (Creating,
// Enabling, Disabling, Updating, Deleting) are not settled either way.
func stateCertainty(state string) graph.Tri {
	switch state {
	case "Enabled":
		return graph.True
	case "Disabled":
		return graph.False
	}
	return graph.Unknown
}

// source is the node id an event comes from: the source's ARN, or for a
// self-managed Kafka cluster (which has no ARN) an external-endpoint node
// named by its bootstrap servers.
func source(t collectors.Target, b *graph.Builder, m types.EventSourceMappingConfiguration) string {
	if arn := aws.ToString(m.EventSourceArn); arn != "" {
		return arn
	}
	if m.SelfManagedEventSource == nil {
		return ""
	}
	servers := slices.Clone(m.SelfManagedEventSource.Endpoints["KAFKA_BOOTSTRAP_SERVERS"])
	if len(servers) == 0 {
		return ""
	}
	slices.Sort(servers)
	id := "kafka:" + strings.Join(servers, ",")
	b.UpdateNode(id, graph.KindExternalEndpoint, func(n *graph.Node) {
		if n.Name == "" {
			n.Name = "self-managed Kafka " + strings.Join(servers, ",")
		}
	})
	return id
}

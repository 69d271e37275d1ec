package sns

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// topic reads one topic's attributes and subscriptions, and adds its node
// and an edge to every endpoint it delivers to.
func (c *Collector) topic(ctx context.Context, t collectors.Target, b *graph.Builder, client api, arn string, errs *collectors.Gaps) {
	name := topicName(arn)
	attrs := &graph.SNSTopic{}
	gone := false
	done := make(chan struct{})
	go func() {
		defer close(done)
		gone = c.attributes(ctx, t, b, client, arn, attrs, errs)
	}()
	subs, known := c.subscriptions(ctx, t, b, client, arn, errs)
	<-done
	if gone {
		return // deleted since ListTopics: gone, not hidden
	}
	attrs.Subscriptions, attrs.SubscriptionsKnown = subs, known
	acct := graph.AccountOfARN(arn)
	if acct == "" {
		acct = t.Account
	}
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindSNSTopic, Name: name, Account: acct, Region: t.Region, Attrs: attrs})
	for _, s := range subs {
		subscription(b, t, arn, s)
	}
}

// attributes reads GetTopicAttributes into attrs. It reports gone when the
// topic no longer exists.
func (c *Collector) attributes(ctx context.Context, t collectors.Target, b *graph.Builder, client api, arn string, attrs *graph.SNSTopic, errs *collectors.Gaps) (gone bool) {
	const src = "sns:GetTopicAttributes"
	out, err := client.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	switch {
	case err == nil:
		a := out.Attributes
		attrs.AttributesKnown = graph.True
		if pol := a["Policy"]; pol != "" {
			attrs.Policy = graph.Present(pol, src)
		} else {
			// SNS always answers a policy (the default one when none was
			// set); an answer without it is a topic whose policy we were
			// not shown, not one without a policy.
			attrs.Policy = graph.Hidden(src)
		}
		attrs.KMSKeyID = a["KmsMasterKeyId"]
		attrs.DisplayName = a["DisplayName"]
		attrs.FIFO = strings.EqualFold(a["FifoTopic"], "true")
	case collectors.IsNotFound(err):
		return true
	default:
		errs.Fail(t.Region, "GetTopicAttributes", topicName(arn), err)
		attrs.Policy = graph.Hidden(src)
	}
	return false
}

// subscriptions lists a topic's subscriptions. The Tri says whether the
// listing completed; on failure the subscriptions read so far are kept.
func (c *Collector) subscriptions(ctx context.Context, t collectors.Target, b *graph.Builder, client api, arn string, errs *collectors.Gaps) ([]graph.SNSSubscription, graph.Tri) {
	var out []graph.SNSSubscription
	p := sns.NewListSubscriptionsByTopicPaginator(client, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if collectors.IsNotFound(err) {
				return out, graph.True
			}
			errs.Fail(t.Region, "ListSubscriptionsByTopic", topicName(arn), err)
			return out, graph.Unknown
		}
		for _, s := range page.Subscriptions {
			protocol, endpoint := aws.ToString(s.Protocol), aws.ToString(s.Endpoint)
			if p := strings.ToLower(protocol); p == "http" || p == "https" {
				endpoint = collectors.EndpointURL(endpoint) // never the path or query: see EndpointURL
			}
			out = append(out, graph.SNSSubscription{
				ARN: aws.ToString(s.SubscriptionArn), Protocol: protocol, Endpoint: endpoint, Owner: aws.ToString(s.Owner),
			})
		}
	}
	return out, graph.True
}

// subscription adds the edge from a topic to the endpoint a subscription
// delivers to. AWS endpoints (queues, functions, Firehose streams, mobile
// applications) are their ARNs; anything else leaves AWS — an HTTP or
// HTTPS URL, an e-mail address, a phone number — and is an ExternalEndpoint
// in the internet zone, so the data it receives crosses that boundary. A
// subscription pending confirmation delivers nothing yet: its edge is
// inert (certainty False), kept so the report shows who asked.
func subscription(b *graph.Builder, t collectors.Target, topic string, s graph.SNSSubscription) {
	if s.Endpoint == "" {
		return
	}
	to := s.Endpoint
	if !strings.HasPrefix(to, "arn:") {
		to = endpointID(s.Protocol, s.Endpoint)
		b.UpdateNode(to, graph.KindExternalEndpoint, func(n *graph.Node) {
			if n.Name == "" {
				n.Name = endpointName(s.Protocol, s.Endpoint)
			}
		})
	}
	certainty := graph.True
	detail := s.Protocol + " subscription " + s.ARN
	if s.Pending() {
		certainty = graph.False
		detail = s.Protocol + " subscription pending confirmation"
	}
	if s.Owner != "" && s.Owner != t.Account {
		detail += ", subscribed by account " + s.Owner
	}
	b.AddEdge(graph.Edge{
		From: topic, To: to, Kind: graph.EdgeTriggers, Via: graph.ViaSNSSubscription, Actions: []string{"sns:Publish"},
		Certainty: certainty, Evidence: []graph.Evidence{{Source: "sns:ListSubscriptionsByTopic", Detail: detail}},
	})
}

// endpointID is the node id of an endpoint outside AWS: for HTTP/S its
// scheme and host only (collectors.EndpointURL: a webhook URL's path or
// query is often its secret), a mailto: or tel: URI for e-mail and SMS.
func endpointID(protocol, endpoint string) string {
	switch strings.ToLower(protocol) {
	case "email", "email-json":
		return "mailto:" + endpoint
	case "sms":
		return "tel:" + endpoint
	case "http", "https":
		return collectors.EndpointURL(endpoint)
	}
	return endpoint
}

// endpointName is how an endpoint is shown: the host of a URL, the address
// or number otherwise.
func endpointName(protocol, endpoint string) string {
	id := endpointID(protocol, endpoint)
	if _, rest, ok := strings.Cut(id, "://"); ok {
		return strings.TrimSuffix(rest, "/…")
	}
	return strings.TrimPrefix(strings.TrimPrefix(id, "mailto:"), "tel:")
}

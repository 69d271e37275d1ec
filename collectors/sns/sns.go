// Package sns collects SNS topics: the topic policy, KMS encryption and the
// subscriptions (topic → SQS queue, Lambda function, HTTP/S endpoint, e-mail,
// SMS, Firehose stream, mobile application).
//
// # Calls
//
// Per region: ListTopics, one call per 100 topics. Per topic, side by side
// (they draw from different token buckets): GetTopicAttributes (Policy,
// KmsMasterKeyId, DisplayName, FifoTopic), and ListSubscriptionsByTopic, one
// call per 100 subscriptions. A region with N topics costs about 2N + N/100
// calls.
//
// ListSubscriptionsByTopic, not ListSubscriptions: the latter lists only the
// subscriptions the caller's account made, so another account subscribed to
// a topic of ours — the subscription that carries our messages out — would
// be missed. Every topic's subscriptions are listed, even where
// GetTopicAttributes counts none: the counts are the topic's own
// bookkeeping, not a listing, and a scan that skipped on them would miss a
// subscription made since.
//
// A topic listed and deleted before it is read (NotFound) is gone, not
// hidden: it is dropped without a gap.
package sns

import (
	"context"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "sns"

// api is the part of the SNS client the collector uses: reads only.
type api interface {
	ListTopics(context.Context, *sns.ListTopicsInput, ...func(*sns.Options)) (*sns.ListTopicsOutput, error)
	GetTopicAttributes(context.Context, *sns.GetTopicAttributesInput, ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error)
	ListSubscriptionsByTopic(context.Context, *sns.ListSubscriptionsByTopicInput, ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
}

// Collector reads SNS in one account and region.
type Collector struct {
	// TopicConcurrency bounds topics read at once (default 16); the runner's
	// token buckets bound the calls themselves.
	TopicConcurrency int
}

// New returns the SNS collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"ListTopics":               {"sns:ListTopics"},
			"GetTopicAttributes":       {"sns:GetTopicAttributes"},
			"ListSubscriptionsByTopic": {"sns:ListSubscriptionsByTopic"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, sns.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	gaps := collectors.NewGaps(t, b, service)
	p := sns.NewListTopicsPaginator(client, &sns.ListTopicsInput{})
	collectors.ReadEach(ctx, gaps, t.Region, "ListTopics", c.concurrency(), p.HasMorePages, p.NextPage,
		func(o *sns.ListTopicsOutput) []types.Topic { return o.Topics },
		func(ctx context.Context, tp types.Topic) { c.topic(ctx, t, b, client, aws.ToString(tp.TopicArn), gaps) })
	return gaps.Done(ctx)
}

func (c *Collector) concurrency() int {
	if c.TopicConcurrency > 0 {
		return c.TopicConcurrency
	}
	return 16
}

// topicName is the last field of a topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME).
func topicName(arn string) string {
	if i := strings.LastIndexByte(arn, ':'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

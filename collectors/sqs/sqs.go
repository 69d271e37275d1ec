// Package sqs collects SQS queues: access policy, redrive policy (the
// dead-letter queue) and encryption.
//
// # Calls
//
// Per region: ListQueues, one call per 1,000 queues. MaxResults is always
// set: without it SQS returns at most 1,000 URLs and a null NextToken, so a
// larger region would be silently cut short.
// Per queue: one GetQueueAttributes asking for "All". Naming the five
// attributes used would save a few bytes of message counts and timestamps,
// but an endpoint that does not know one of the names (moto rejects
// SqsManagedSseEnabled with InvalidAttributeName) then refuses the whole
// call, and the queue's Policy — the one attribute that decides its
// exposure — would be lost with it. "All" is the form AWS documents for
// every attribute ("All – Returns all values", SQS API Reference,
// GetQueueAttributes). Should an endpoint reject even that, the call is made
// once more naming only the attributes the threat model needs
// (requiredNames), so no optional attribute can cost the policy. A region
// with N queues costs N + N/1000 calls.
//
// SqsManagedSseEnabled stays Unknown when the answer lacks it.
//
// A queue listed by ListQueues and deleted before GetQueueAttributes
// (NonExistentQueue) is gone, not hidden: it is dropped without a gap.
package sqs

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "sqs"

// api is the part of the SQS client the collector uses: reads only.
type api interface {
	ListQueues(context.Context, *sqs.ListQueuesInput, ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error)
	GetQueueAttributes(context.Context, *sqs.GetQueueAttributesInput, ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
}

// queuesPage is the largest ListQueues page SQS allows.
const queuesPage = 1000

// attributeNames is what GetQueueAttributes asks for: every attribute.
var attributeNames = []types.QueueAttributeName{types.QueueAttributeNameAll}

// requiredNames are asked for when an endpoint rejects "All": the
// attributes the threat model cannot do without, and no optional one.
var requiredNames = []types.QueueAttributeName{
	types.QueueAttributeNamePolicy,
	types.QueueAttributeNameRedrivePolicy,
	types.QueueAttributeNameQueueArn,
	types.QueueAttributeNameKmsMasterKeyId,
}

// Collector reads SQS in one account and region.
type Collector struct {
	// QueueConcurrency bounds queues read at once (default 32); the
	// runner's token buckets bound the calls themselves.
	QueueConcurrency int
}

// New returns the SQS collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"ListQueues":         {"sqs:ListQueues"},
			"GetQueueAttributes": {"sqs:GetQueueAttributes"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, sqs.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	gaps := collectors.NewGaps(t, b, service)
	p := sqs.NewListQueuesPaginator(client, &sqs.ListQueuesInput{MaxResults: aws.Int32(queuesPage)})
	collectors.ReadEach(ctx, gaps, t.Region, "ListQueues", c.concurrency(), p.HasMorePages, p.NextPage,
		func(o *sqs.ListQueuesOutput) []string { return o.QueueUrls },
		func(ctx context.Context, u string) { c.queue(ctx, t, b, client, u, gaps) })
	return gaps.Done(ctx)
}

func (c *Collector) concurrency() int {
	if c.QueueConcurrency > 0 {
		return c.QueueConcurrency
	}
	return 32
}

// queue reads one queue's attributes and adds its node and its
// dead-letter edge.
func (c *Collector) queue(ctx context.Context, t collectors.Target, b *graph.Builder, client api, queueURL string, gaps *collectors.Gaps) {
	const src = "sqs:GetQueueAttributes"
	acct, name := parseURL(queueURL)
	if acct == "" {
		acct = t.Account
	}
	attrs := &graph.SQSQueue{URL: queueURL}
	out, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(queueURL), AttributeNames: attributeNames})
	if invalidAttributeName(err) {
		out, err = client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(queueURL), AttributeNames: requiredNames})
	}
	arn := ""
	switch {
	case err == nil:
		a := out.Attributes
		arn = a[string(types.QueueAttributeNameQueueArn)]
		attrs.AttributesKnown = graph.True
		if pol, ok := a[string(types.QueueAttributeNamePolicy)]; ok && pol != "" {
			attrs.Policy = graph.Present(pol, src)
		} else {
			attrs.Policy = graph.Absent(src)
		}
		attrs.RedrivePolicy = a[string(types.QueueAttributeNameRedrivePolicy)]
		attrs.DeadLetterQueue = deadLetterTarget(attrs.RedrivePolicy)
		attrs.KMSKeyID = a[string(types.QueueAttributeNameKmsMasterKeyId)]
		if sse, ok := a[string(types.QueueAttributeNameSqsManagedSseEnabled)]; ok {
			attrs.SSEManaged = graph.TriOf(strings.EqualFold(sse, "true"))
		}
	case collectors.IsNotFound(err):
		return // deleted since ListQueues: gone, not hidden
	default:
		gaps.Fail(t.Region, "GetQueueAttributes", name, err)
		attrs.Policy = graph.Hidden(src)
	}
	if arn == "" {
		arn = QueueARN(t.Region, acct, name)
	}

	b.AddNode(graph.Node{ID: arn, Kind: graph.KindSQSQueue, Name: name, Account: acct, Region: t.Region, Attrs: attrs})
	if attrs.DeadLetterQueue != "" {
		b.AddEdge(graph.Edge{
			From: arn, To: attrs.DeadLetterQueue, Kind: graph.EdgeDeadLetters, Via: graph.ViaRedrivePolicy, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: src, Detail: "RedrivePolicy deadLetterTargetArn"}},
		})
	}
}

// invalidAttributeName says whether the endpoint refused an attribute name
// (SQS's InvalidAttributeName).
func invalidAttributeName(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "InvalidAttributeName"
}

// deadLetterTarget reads deadLetterTargetArn from a RedrivePolicy
// attribute ("" when there is none or it is not the documented JSON).
func deadLetterTarget(redrive string) string {
	if redrive == "" {
		return ""
	}
	var rp struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	}
	if err := json.Unmarshal([]byte(redrive), &rp); err != nil {
		return ""
	}
	return rp.DeadLetterTargetArn
}

// parseURL returns the account id and queue name of a queue URL
// (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME).
func parseURL(queueURL string) (account, name string) {
	path := queueURL
	if u, err := url.Parse(queueURL); err == nil && u.Path != "" {
		path = u.Path
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	name = parts[len(parts)-1]
	if len(parts) >= 2 {
		account = parts[len(parts)-2]
	}
	return account, name
}

// QueueARN builds a queue's ARN from its region, account and name.
func QueueARN(region, account, name string) string {
	return "arn:" + partition(region) + ":sqs:" + region + ":" + account + ":" + name
}

// partition is the ARN partition of a region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}

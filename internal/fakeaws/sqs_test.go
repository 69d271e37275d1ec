package fakeaws

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/go-cmp/cmp"
)

// sqsWorld has three queues in us-east-1, one in eu-west-1 and one in the
// partner account; %s is appended at top level (faults).
const sqsWorld = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    sqs:
      queues:
        - name: orders
          region: us-east-1
          policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:orders"}]}'
          redrive_policy: {deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:orders-dlq", maxReceiveCount: 5}
          kms_master_key_id: alias/aws/sqs
          created: 2024-01-07T10:00:00Z
        - {name: orders-dlq, region: us-east-1}
        - {name: jobs.fifo, region: us-east-1, sqs_managed_sse: false, attributes: {VisibilityTimeout: "120"}}
        - {name: euro, region: eu-west-1}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
    sqs:
      queues: [{name: shared, region: us-east-1}]
%s`

const ordersQueue = "https://sqs.us-east-1.amazonaws.com/123456789012/orders"

func (s *Server) sqs(t *testing.T, cc clientConfig) *sqs.Client {
	return sqs.NewFromConfig(s.config(t, cc), func(o *sqs.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func TestSQSListQueues(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(sqsWorld, ""), Options{})
	ctx := context.Background()
	all := []string{"https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo", ordersQueue, "https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq"}
	tests := []struct {
		name      string
		in        sqs.ListQueuesInput
		want      []string
		wantPages int
	}{
		{"the paginator with MaxResults 2 yields every queue of the region exactly once", sqs.ListQueuesInput{MaxResults: aws.Int32(2)}, all, 2},
		{"QueueNamePrefix filters by name", sqs.ListQueuesInput{QueueNamePrefix: aws.String("orders")}, all[1:], 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := sqs.NewListQueuesPaginator(srv.sqs(t, clientConfig{}), &tc.in)
			var got []string
			pages := 0
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				got = append(got, out.QueueUrls...)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("queue urls (-want +got):\n%s", diff)
			}
			if pages != tc.wantPages {
				t.Errorf("got %d pages, want %d", pages, tc.wantPages)
			}
		})
	}

	t.Run("a region without queues answers no URLs and no token", func(t *testing.T) {
		out, err := srv.sqs(t, clientConfig{region: "us-west-2"}).ListQueues(ctx, &sqs.ListQueuesInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.QueueUrls) != 0 || out.NextToken != nil {
			t.Errorf("got %v and token %v, want nothing", out.QueueUrls, out.NextToken)
		}
	})

	t.Run("MaxResults above 1000 is InvalidParameterValue", func(t *testing.T) {
		_, err := srv.sqs(t, clientConfig{attempts: 1}).ListQueues(ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(1001)})
		if diff := cmp.Diff(apiError{"InvalidParameterValue", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

func TestSQSListQueuesBeyondAThousand(t *testing.T) {
	w, err := ParseFixture([]byte(fmt.Sprintf(sqsWorld, "")), t.Name())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1500 {
		w.Accounts[0].SQS.Queues = append(w.Accounts[0].SQS.Queues, &Queue{Name: fmt.Sprintf("bulk-%04d", i), Region: "eu-west-1"})
	}
	srv := startWorld(t, w, Options{})
	c := srv.sqs(t, clientConfig{region: "eu-west-1"})
	ctx := context.Background()

	t.Run("without MaxResults the answer stops at 1,000 URLs with no NextToken", func(t *testing.T) {
		out, err := c.ListQueues(ctx, &sqs.ListQueuesInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.QueueUrls) != 1000 || out.NextToken != nil {
			t.Errorf("got %d URLs and token %v, want 1000 and none", len(out.QueueUrls), out.NextToken)
		}
	})

	t.Run("with MaxResults 1000 the paginator reaches all 1,501 queues once", func(t *testing.T) {
		p := sqs.NewListQueuesPaginator(c, &sqs.ListQueuesInput{MaxResults: aws.Int32(1000)})
		seen := map[string]bool{}
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range out.QueueUrls {
				if seen[u] {
					t.Errorf("%s listed twice", u)
				}
				seen[u] = true
			}
		}
		if len(seen) != 1501 {
			t.Errorf("got %d queues, want 1501", len(seen))
		}
	})
}

func TestSQSGetQueueAttributes(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(sqsWorld, ""), Options{})
	ctx := context.Background()
	base := map[string]string{
		"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0", "ApproximateNumberOfMessagesDelayed": "0",
		"CreatedTimestamp": "1704621600", "LastModifiedTimestamp": "1704621600", "VisibilityTimeout": "30",
		"MaximumMessageSize": "262144", "MessageRetentionPeriod": "345600", "DelaySeconds": "0", "ReceiveMessageWaitTimeSeconds": "0",
	}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name, queue string
		names       []sqstypes.QueueAttributeName
		want        map[string]string
	}{
		{"All serves the policy and redrive policy as JSON text beside the KMS key", ordersQueue, []sqstypes.QueueAttributeName{"All"}, with(map[string]string{
			"QueueArn": "arn:aws:sqs:us-east-1:123456789012:orders", "SqsManagedSseEnabled": "false",
			"KmsMasterKeyId": "alias/aws/sqs", "KmsDataKeyReusePeriodSeconds": "300",
			"Policy":        `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:orders"}]}`,
			"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:orders-dlq","maxReceiveCount":5}`,
		})},
		{"a queue without a policy has no Policy key", "https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq", []sqstypes.QueueAttributeName{"Policy", "QueueArn", "SqsManagedSseEnabled"}, map[string]string{
			"QueueArn": "arn:aws:sqs:us-east-1:123456789012:orders-dlq", "SqsManagedSseEnabled": "true",
		}},
		{"a FIFO queue reports its FIFO settings and the fixture's overrides", "https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo", []sqstypes.QueueAttributeName{"FifoQueue", "DeduplicationScope", "VisibilityTimeout", "SqsManagedSseEnabled"}, map[string]string{
			"FifoQueue": "true", "DeduplicationScope": "queue", "VisibilityTimeout": "120", "SqsManagedSseEnabled": "false",
		}},
		{"no AttributeNames is an empty result", ordersQueue, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := srv.sqs(t, clientConfig{}).GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(tc.queue), AttributeNames: tc.names})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, out.Attributes); diff != "" {
				t.Errorf("attributes (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("GetQueueUrl finds a queue by name", func(t *testing.T) {
		out, err := srv.sqs(t, clientConfig{}).GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(out.QueueUrl); got != ordersQueue {
			t.Errorf("QueueUrl %s, want %s", got, ordersQueue)
		}
	})
}

func TestSQSErrorsDecode(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(sqsWorld, ""), Options{})
	ctx := context.Background()
	attrs := func(queueURL string, names ...sqstypes.QueueAttributeName) func(c *sqs.Client) error {
		return func(c *sqs.Client) error {
			_, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(queueURL), AttributeNames: names})
			return err
		}
	}
	getURL := func(name, owner string) func(c *sqs.Client) error {
		return func(c *sqs.Client) error {
			in := &sqs.GetQueueUrlInput{QueueName: aws.String(name)}
			if owner != "" {
				in.QueueOwnerAWSAccountId = aws.String(owner)
			}
			_, err := c.GetQueueUrl(ctx, in)
			return err
		}
	}
	isType := func(target any) func(error) bool {
		return func(err error) bool { return errors.As(err, target) }
	}
	tests := []struct {
		name  string
		call  func(c *sqs.Client) error
		want  apiError
		typed func(error) bool
	}{
		{"a missing queue is the typed QueueDoesNotExist with the legacy NonExistentQueue code", attrs("https://sqs.us-east-1.amazonaws.com/123456789012/gone", "All"),
			apiError{"AWS.SimpleQueueService.NonExistentQueue", 400}, isType(new(*sqstypes.QueueDoesNotExist))},
		{"a queue of another region does not exist in the signed one", attrs("https://sqs.eu-west-1.amazonaws.com/123456789012/euro", "All"),
			apiError{"AWS.SimpleQueueService.NonExistentQueue", 400}, isType(new(*sqstypes.QueueDoesNotExist))},
		{"another account's queue is AccessDenied 403", attrs("https://sqs.us-east-1.amazonaws.com/111122223333/shared", "All"),
			apiError{"AccessDenied", 403}, nil},
		{"an unknown attribute name is the typed InvalidAttributeName", attrs(ordersQueue, "Colour"),
			apiError{"InvalidAttributeName", 400}, isType(new(*sqstypes.InvalidAttributeName))},
		{"a URL that is not /account/name is the typed InvalidAddress 404", attrs("https://sqs.us-east-1.amazonaws.com/orders", "All"),
			apiError{"InvalidAddress", 404}, isType(new(*sqstypes.InvalidAddress))},
		{"GetQueueUrl of a missing queue is QueueDoesNotExist", getURL("gone", ""),
			apiError{"AWS.SimpleQueueService.NonExistentQueue", 400}, isType(new(*sqstypes.QueueDoesNotExist))},
		{"GetQueueUrl of another account's queue is AccessDenied", getURL("shared", "111122223333"),
			apiError{"AccessDenied", 403}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(srv.sqs(t, clientConfig{attempts: 1}))
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if tc.typed != nil && !tc.typed(err) {
				t.Errorf("error %v (%T) is not of the typed error", err, err)
			}
		})
	}
}

func TestSQSFaultsAndThrottling(t *testing.T) {
	ctx := context.Background()
	getAttrs := func(c *sqs.Client, queueURL string) error {
		_, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(queueURL), AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
		return err
	}

	t.Run("a throttling fault with count 1 is retried by the SDK, which then succeeds", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(sqsWorld, "faults: [{service: sqs, api: GetQueueAttributes, error: Throttling, count: 1}]"), Options{})
		if err := getAttrs(srv.sqs(t, clientConfig{}), ordersQueue); err != nil {
			t.Fatal(err)
		}
		if st := srv.Stats(); st.Calls["sqs:GetQueueAttributes"] != 2 || st.Faults["sqs:GetQueueAttributes"] != 1 {
			t.Errorf("calls %d, faults %d: want 2 calls of which 1 faulted", st.Calls["sqs:GetQueueAttributes"], st.Faults["sqs:GetQueueAttributes"])
		}
	})

	t.Run("throttling is the typed RequestThrottled 403", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(sqsWorld, "faults: [{service: sqs, error: Throttling}]"), Options{})
		err := getAttrs(srv.sqs(t, clientConfig{attempts: 1}), ordersQueue)
		if diff := cmp.Diff(apiError{"RequestThrottled", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		var typed *sqstypes.RequestThrottled
		if !errors.As(err, &typed) {
			t.Errorf("error %v is not a *RequestThrottled", err)
		}
	})

	t.Run("a fault aimed at one queue leaves the others alone", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(sqsWorld, "faults: [{service: sqs, api: GetQueueAttributes, resource: orders, error: AccessDenied}]"), Options{})
		c := srv.sqs(t, clientConfig{attempts: 1})
		if diff := cmp.Diff(apiError{"AccessDenied", 403}, decodeError(t, getAttrs(c, ordersQueue))); diff != "" {
			t.Errorf("orders error (-want +got):\n%s", diff)
		}
		if err := getAttrs(c, "https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq"); err != nil {
			t.Errorf("orders-dlq: %v", err)
		}
	})
}

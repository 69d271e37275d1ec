package sqs

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// stub answers from the SQS API reference's shapes. The error for a missing
// queue is the typed one the SDK builds from __type, with the legacy code
// that x-amzn-query-error carries.
type stub struct {
	urls  []string
	attrs map[string]map[string]string // by URL; missing = deleted
	sizes []int32

	mu    sync.Mutex
	asked [][]types.QueueAttributeName
}

func (s *stub) ListQueues(_ context.Context, in *sqs.ListQueuesInput, _ ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error) {
	s.sizes = append(s.sizes, aws.ToInt32(in.MaxResults))
	return &sqs.ListQueuesOutput{QueueUrls: s.urls}, nil
}

func (s *stub) GetQueueAttributes(_ context.Context, in *sqs.GetQueueAttributesInput, _ ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	s.mu.Lock()
	s.asked = append(s.asked, in.AttributeNames)
	s.mu.Unlock()
	a, ok := s.attrs[aws.ToString(in.QueueUrl)]
	if !ok {
		code := "AWS.SimpleQueueService.NonExistentQueue"
		return nil, &types.QueueDoesNotExist{Message: aws.String("The specified queue does not exist."), ErrorCodeOverride: &code}
	}
	return &sqs.GetQueueAttributesOutput{Attributes: a}, nil
}

func TestAQueueWithoutAnARNAttributeGetsOneBuiltFromItsURL(t *testing.T) {
	const u = "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs.fifo"
	s := &stub{
		urls: []string{u, "https://sqs.eu-west-1.amazonaws.com/111122223333/gone"},
		attrs: map[string]map[string]string{u: {
			"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:111122223333:jobs-dlq.fifo","maxReceiveCount":"3"}`,
		}},
	}
	b := graph.NewBuilder()
	tg := collectors.Target{Account: "111122223333", Region: "eu-west-1"}
	if err := New().collect(context.Background(), tg, b, s); err != nil {
		t.Fatalf("collect: %v", err)
	}
	snap := b.Freeze(graph.Tool{}, time.Time{})
	var ids []string
	for _, n := range snap.Nodes {
		ids = append(ids, n.ID)
	}
	if diff := cmp.Diff([]string{"arn:aws:sqs:eu-west-1:111122223333:jobs.fifo"}, ids); diff != "" {
		t.Errorf("nodes (-want +got; the deleted queue is dropped):\n%s", diff)
	}
	if len(snap.Coverage) != 0 {
		t.Errorf("coverage = %+v, want none: a deleted queue is gone, not hidden", snap.Coverage)
	}
	if len(snap.Edges) != 1 || snap.Edges[0].To != "arn:aws:sqs:eu-west-1:111122223333:jobs-dlq.fifo" {
		t.Errorf("edges = %+v, want the dead-letter edge", snap.Edges)
	}
	want := []types.QueueAttributeName{"All"}
	for _, a := range s.asked {
		if diff := cmp.Diff(want, a); diff != "" {
			t.Errorf("attribute names (-want +got):\n%s", diff)
		}
	}
	if diff := cmp.Diff([]int32{1000}, s.sizes); diff != "" {
		t.Errorf("ListQueues MaxResults (-want +got):\n%s", diff)
	}
}

func TestQueueURLsAndRedrivePoliciesAreParsed(t *testing.T) {
	cases := []struct {
		name, url, region, wantAcct, wantName, wantARN string
	}{
		{"a standard endpoint URL", "https://sqs.us-east-1.amazonaws.com/123456789012/orders", "us-east-1", "123456789012", "orders", "arn:aws:sqs:us-east-1:123456789012:orders"},
		{"a legacy endpoint URL", "https://queue.amazonaws.com/123456789012/orders", "us-east-1", "123456789012", "orders", "arn:aws:sqs:us-east-1:123456789012:orders"},
		{"a China region URL", "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q", "cn-north-1", "123456789012", "q", "arn:aws-cn:sqs:cn-north-1:123456789012:q"},
		{"a GovCloud URL", "https://sqs.us-gov-west-1.amazonaws.com/123456789012/q", "us-gov-west-1", "123456789012", "q", "arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			acct, name := parseURL(tc.url)
			if acct != tc.wantAcct || name != tc.wantName {
				t.Errorf("parseURL = %q %q, want %q %q", acct, name, tc.wantAcct, tc.wantName)
			}
			if got := QueueARN(tc.region, acct, name); got != tc.wantARN {
				t.Errorf("QueueARN = %q, want %q", got, tc.wantARN)
			}
		})
	}
	for in, want := range map[string]string{
		`{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":5}`: "arn:aws:sqs:us-east-1:123456789012:dlq",
		``:                           "",
		`not json`:                   "",
		`{"x":"y"}`:                  "",
		`{"deadLet`:                  "",
		`{"deadLetterTargetArn":""}`: "",
	} {
		if got := deadLetterTarget(in); got != want {
			t.Errorf("deadLetterTarget(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTheClientHoldsOnlyReadsEachWithItsIAMAction(t *testing.T) {
	got := map[string][]string{}
	for _, spec := range New().Clients() {
		for i := range spec.Interface.NumMethod() {
			m := spec.Interface.Method(i).Name
			got[m] = spec.Actions[m]
		}
	}
	want := map[string][]string{
		"GetQueueAttributes": {"sqs:GetQueueAttributes"},
		"ListQueues":         {"sqs:ListQueues"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("client methods and actions (-want +got):\n%s", diff)
	}
}

package sqs_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/sqs"
	"github.com/trustmap/trustmap/graph"
)

// No optional attribute may cost a queue its policy. moto 4.1.14 answers
// InvalidAttributeName ("Unknown Attribute SqsManagedSseEnabled.") to a
// GetQueueAttributes that names SqsManagedSseEnabled, and knows "All"
// (shared/emulators/moto/README.md); another endpoint could refuse "All".
// Either way every queue's Policy and RedrivePolicy are read.

const crossAccountPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:partner-in"}]}`

const attributeQueues = `sqs:
  queues:
    - {name: orders, region: us-east-1, policy: '` + sendPolicy + `', redrive_policy: {deadLetterTargetArn: "` + qARN + `orders-dlq", maxReceiveCount: 5}}
    - {name: partner-in, region: us-east-1, policy: '` + crossAccountPolicy + `'}
    - {name: orders-dlq, region: us-east-1}`

type queueFacts struct {
	Policy     graph.Tri
	DLQ        string
	SSEManaged graph.Tri
}

func attributeFacts(s *graph.Snapshot) map[string]queueFacts {
	out := map[string]queueFacts{}
	for name, n := range queues(s) {
		out[name] = queueFacts{n.Queue().Policy.State, n.Queue().DeadLetterQueue, n.Queue().SSEManaged}
	}
	return out
}

func TestAnEndpointThatRejectsSqsManagedSseEnabledStillYieldsEveryPolicy(t *testing.T) {
	scan := collectortest.Run(t, fixture(attributeQueues, `faults:
  - {service: sqs, api: GetQueueAttributes, error: InvalidAttributeName, status: 400, message: "Unknown Attribute SqsManagedSseEnabled.", request_contains: SqsManagedSseEnabled}`),
		collectortest.Options{Regions: east}, sqs.New())
	want := map[string]queueFacts{
		"orders":     {graph.True, qARN + "orders-dlq", graph.True},
		"partner-in": {graph.True, "", graph.True},
		"orders-dlq": {graph.False, "", graph.True},
	}
	if diff := cmp.Diff(want, attributeFacts(scan.Snapshot)); diff != "" {
		t.Errorf("queues (-want +got):\n%s", diff)
	}
	if len(scan.Snapshot.Coverage) != 0 || scan.Err != nil {
		t.Errorf("coverage %+v, err %v; want neither", scan.Snapshot.Coverage, scan.Err)
	}
	if got := scan.Server.Stats().Calls["sqs:GetQueueAttributes"]; got != 3 {
		t.Errorf("GetQueueAttributes called %d times for 3 queues, want 3", got)
	}
}

func TestAnEndpointThatRejectsAllIsAskedForTheRequiredAttributesOnly(t *testing.T) {
	scan := collectortest.Run(t, fixture(attributeQueues, `faults:
  - {service: sqs, api: GetQueueAttributes, error: InvalidAttributeName, status: 400, message: "Unknown Attribute All.", request_contains: '"All"'}
  - {service: sqs, api: GetQueueAttributes, error: InvalidAttributeName, status: 400, message: "Unknown Attribute SqsManagedSseEnabled.", request_contains: SqsManagedSseEnabled}`),
		collectortest.Options{Regions: east}, sqs.New())
	// SqsManagedSseEnabled was not asked for the second time: unknown.
	want := map[string]queueFacts{
		"orders":     {graph.True, qARN + "orders-dlq", graph.Unknown},
		"partner-in": {graph.True, "", graph.Unknown},
		"orders-dlq": {graph.False, "", graph.Unknown},
	}
	if diff := cmp.Diff(want, attributeFacts(scan.Snapshot)); diff != "" {
		t.Errorf("queues (-want +got):\n%s", diff)
	}
	if len(scan.Snapshot.Coverage) != 0 || scan.Err != nil {
		t.Errorf("coverage %+v, err %v; want neither", scan.Snapshot.Coverage, scan.Err)
	}
	if got := scan.Server.Stats().Calls["sqs:GetQueueAttributes"]; got != 6 {
		t.Errorf("GetQueueAttributes called %d times for 3 queues, want 6 (each once more without \"All\")", got)
	}
}

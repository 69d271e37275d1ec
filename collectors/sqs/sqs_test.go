package sqs_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/sqs"
	"github.com/trustmap/trustmap/graph"
)

const account = `
accounts:
  - id: "123456789012"
    access_keys: [AKIATEST000000000001]
    regions: [us-east-1, eu-west-1]
    disabled_regions: [af-south-1]
%s
%s
`

// fixture builds a one-account fixture with the given sqs section
// (indented under the account) and optional top-level extras (faults).
func fixture(section, extra string) string {
	return fmt.Sprintf(account, collectortest.Indent(section, "    "), extra)
}

const (
	qARN       = "arn:aws:sqs:us-east-1:123456789012:"
	sendPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:orders"}]}`
)

var east = []string{"us-east-1"}

func queues(s *graph.Snapshot) map[string]graph.Node {
	out := map[string]graph.Node{}
	for _, n := range s.Nodes {
		if n.Kind == graph.KindSQSQueue {
			out[n.Name] = n
		}
	}
	return out
}

func TestMoreThanAThousandQueuesAreListedOverSeveralPages(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("sqs:\n  queues:\n")
	const n = 1500 // two pages of 1,000; without MaxResults SQS would stop at 1,000
	for i := range n {
		fmt.Fprintf(&sb, "    - {name: q-%04d, region: us-east-1}\n", i)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: east}, sqs.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	qs := queues(scan.Snapshot)
	if len(qs) != n {
		t.Errorf("queues = %d, want %d", len(qs), n)
	}
	for name, q := range qs {
		if q.ID != qARN+name || q.Queue().AttributesKnown != graph.True || q.Queue().Policy.State != graph.False {
			t.Errorf("%s: id %s, attributes known %v, policy %v; want its ARN, read, no policy", name, q.ID, q.Queue().AttributesKnown, q.Queue().Policy.State)
			break
		}
	}
	calls := scan.Server.Stats().Calls
	if got := calls["sqs:ListQueues"]; got != 2 {
		t.Errorf("ListQueues calls = %d, want 2 pages (all calls: %v)", got, calls)
	}
	if got := calls["sqs:GetQueueAttributes"]; got != n {
		t.Errorf("GetQueueAttributes calls = %d, want one per queue", got)
	}
}

func TestQueueAttributesAndTheDeadLetterEdge(t *testing.T) {
	fx := fixture(`sqs:
  queues:
    - name: orders
      region: us-east-1
      policy: '`+sendPolicy+`'
      redrive_policy: {deadLetterTargetArn: "`+qARN+`orders-dlq", maxReceiveCount: 5}
      kms_master_key_id: alias/aws/sqs
    - {name: orders-dlq, region: us-east-1, sqs_managed_sse: true}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: east}, sqs.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	qs := queues(scan.Snapshot)
	orders := qs["orders"]
	want := &graph.SQSQueue{
		URL:             orders.Queue().URL,
		Policy:          graph.Present(sendPolicy, "sqs:GetQueueAttributes"),
		RedrivePolicy:   orders.Queue().RedrivePolicy,
		DeadLetterQueue: qARN + "orders-dlq",
		KMSKeyID:        "alias/aws/sqs",
		SSEManaged:      graph.False,
		AttributesKnown: graph.True,
	}
	if diff := cmp.Diff(want, orders.Queue()); diff != "" {
		t.Errorf("orders (-want +got):\n%s", diff)
	}
	if !strings.Contains(orders.Queue().RedrivePolicy, "deadLetterTargetArn") || !strings.HasSuffix(orders.Queue().URL, "/123456789012/orders") {
		t.Errorf("redrive policy %q, URL %q: want the attribute verbatim and the queue URL", orders.Queue().RedrivePolicy, orders.Queue().URL)
	}
	if orders.ID != qARN+"orders" || orders.Account != "123456789012" || orders.Region != "us-east-1" {
		t.Errorf("orders node = %s in %s/%s", orders.ID, orders.Account, orders.Region)
	}
	if dlq := qs["orders-dlq"].Queue(); dlq.SSEManaged != graph.True || dlq.Policy.State != graph.False || dlq.DeadLetterQueue != "" {
		t.Errorf("orders-dlq = %+v, want SSE-SQS, no policy, no DLQ of its own", dlq)
	}
	wantEdges := []graph.Edge{{
		From: qARN + "orders", To: qARN + "orders-dlq", Kind: graph.EdgeDeadLetters, Via: graph.ViaRedrivePolicy, Certainty: graph.True,
		Evidence: []graph.Evidence{{Source: "sqs:GetQueueAttributes", Detail: "RedrivePolicy deadLetterTargetArn"}},
	}}
	if diff := cmp.Diff(wantEdges, scan.Snapshot.Edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

func TestFailedAttributeReadsAndVanishedQueues(t *testing.T) {
	cases := []struct {
		name     string
		fault    string
		attempts int
		wantNode bool
		wantGap  graph.GapStatus // "" for none
	}{
		{"a denied read leaves the queue's facts unknown and records a denied gap", "error: AccessDenied", 0, true, graph.GapDenied},
		{"a read throttled twice is retried and succeeds without a gap", "error: Throttling, count: 2", 0, true, ""},
		{"a read throttled out records a throttled gap", "error: Throttling", 2, true, graph.GapThrottled},
		{"a queue deleted after the listing is dropped without a gap", "error: AWS.SimpleQueueService.NonExistentQueue", 0, false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := fixture(`sqs:
  queues:
    - {name: orders, region: us-east-1, policy: '`+sendPolicy+`'}
    - {name: audit, region: us-east-1, policy: '`+sendPolicy+`'}`, `faults:
  - {service: sqs, api: GetQueueAttributes, resource: orders, `+tc.fault+`}`)
			scan := collectortest.Run(t, fx, collectortest.Options{Regions: east, MaxAttempts: tc.attempts}, sqs.New())
			if scan.Err != nil {
				t.Fatalf("scan: %v", scan.Err)
			}
			qs := queues(scan.Snapshot)
			if got := qs["audit"].Queue(); got == nil || got.Policy.State != graph.True {
				t.Errorf("audit = %+v, want its policy read despite the other queue's fault", got)
			}
			orders, ok := qs["orders"]
			if ok != tc.wantNode {
				t.Fatalf("orders node present = %v, want %v", ok, tc.wantNode)
			}
			var gaps []graph.GapStatus
			for _, g := range scan.Gaps("GetQueueAttributes") {
				gaps = append(gaps, g.Status)
				if g.Resource != "orders" || g.Service != "sqs" || g.Region != "us-east-1" {
					t.Errorf("gap %+v, want it to name queue orders in us-east-1", g)
				}
			}
			var wantGaps []graph.GapStatus
			if tc.wantGap != "" {
				wantGaps = append(wantGaps, tc.wantGap)
			}
			if diff := cmp.Diff(wantGaps, gaps); diff != "" {
				t.Errorf("gaps (-want +got):\n%s", diff)
			}
			if !ok {
				return
			}
			wantKnown := graph.True
			if tc.wantGap != "" {
				wantKnown = graph.Unknown
			}
			if orders.ID != qARN+"orders" || orders.Queue().AttributesKnown != wantKnown || orders.Queue().Policy.State != wantKnown {
				t.Errorf("orders: id %s, attributes known %v, policy %v; want the ARN built from its URL and %v",
					orders.ID, orders.Queue().AttributesKnown, orders.Queue().Policy.State, wantKnown)
			}
			if tc.fault == "error: Throttling, count: 2" {
				if got := scan.Stats.Retries.Load(); got != 2 {
					t.Errorf("retries = %d, want 2", got)
				}
			}
		})
	}
}

func TestARegionThatIsNotEnabledIsSkippedAndRecorded(t *testing.T) {
	fx := fixture(`sqs:
  queues:
    - {name: east, region: us-east-1}
    - {name: west, region: eu-west-1}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1", "af-south-1"}}, sqs.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	var names []string
	for name, q := range queues(scan.Snapshot) {
		names = append(names, name+"@"+q.Region)
	}
	if diff := cmp.Diff([]string{"east@us-east-1"}, names); diff != "" {
		t.Errorf("queues (-want +got):\n%s", diff)
	}
	want := []graph.Gap{{Account: "123456789012", Service: "*", Region: "af-south-1", API: "*", Status: graph.GapNotEnabled,
		Error: "region is not enabled for this account"}}
	if diff := cmp.Diff(want, scan.Snapshot.Coverage); diff != "" {
		t.Errorf("coverage (-want +got):\n%s", diff)
	}
}

func TestListQueuesDeniedIsAGapNotAnError(t *testing.T) {
	fx := fixture(`sqs:
  queues:
    - {name: east, region: us-east-1}`, `faults:
  - {service: sqs, api: ListQueues, error: AccessDenied}`)
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: east}, sqs.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	gaps := scan.Gaps("ListQueues")
	if len(gaps) != 1 || gaps[0].Status != graph.GapDenied || gaps[0].Region != "us-east-1" {
		t.Errorf("gaps = %+v, want one denied ListQueues gap in us-east-1", gaps)
	}
	if qs := queues(scan.Snapshot); len(qs) != 0 {
		t.Errorf("queues = %v, want none", qs)
	}
}

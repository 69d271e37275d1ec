package sns_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/sns"
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

func fixture(section, extra string) string {
	return fmt.Sprintf(account, collectortest.Indent(section, "    "), extra)
}

const topicARN = "arn:aws:sns:us-east-1:123456789012:"

var east = []string{"us-east-1"}

func topics(s *graph.Snapshot) map[string]graph.Node {
	out := map[string]graph.Node{}
	for _, n := range s.Nodes {
		if n.Kind == graph.KindSNSTopic {
			out[n.Name] = n
		}
	}
	return out
}

func edges(s *graph.Snapshot) []string {
	var out []string
	for _, e := range s.Edges {
		out = append(out, fmt.Sprintf("%s -%s/%s certain=%v-> %s", strings.TrimPrefix(e.From, topicARN), e.Kind, e.Via, e.Certainty, e.To))
	}
	return out
}

func TestTopicsAndSubscriptionsBeyondAHundredAreListedOverSeveralPages(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("sns:\n  topics:\n")
	const n, subs = 150, 120
	for i := range n {
		fmt.Fprintf(&sb, "    - {name: t-%04d, region: us-east-1}\n", i)
	}
	sb.WriteString("    - name: busy\n      region: us-east-1\n      subscriptions:\n")
	for i := range subs {
		fmt.Fprintf(&sb, "        - {protocol: sqs, endpoint: \"arn:aws:sqs:us-east-1:123456789012:q-%04d\"}\n", i)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: east}, sns.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	ts := topics(scan.Snapshot)
	if len(ts) != n+1 {
		t.Errorf("topics = %d, want %d", len(ts), n+1)
	}
	if b := ts["busy"].Topic(); b == nil || len(b.Subscriptions) != subs || b.SubscriptionsKnown != graph.True {
		t.Errorf("busy topic = %+v, want %d subscriptions, all listed", b, subs)
	}
	calls := scan.Server.Stats().Calls
	want := map[string]int64{"sns:ListTopics": 2, "sns:GetTopicAttributes": n + 1, "sns:ListSubscriptionsByTopic": n + 2}
	for op, w := range want {
		if calls[op] != w {
			t.Errorf("%s calls = %d, want %d (all: %v)", op, calls[op], w, calls)
		}
	}
}

func TestTopicAttributesAndTheEdgesOfItsSubscriptions(t *testing.T) {
	const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:123456789012:orders"}]}`
	fx := fixture(`sns:
  topics:
    - name: orders
      region: us-east-1
      display_name: Orders
      kms_master_key_id: alias/orders
      policy: '`+policy+`'
      subscriptions:
        - {id: 0a1b2c3d-0000-4000-8000-000000000001, protocol: sqs, endpoint: "arn:aws:sqs:us-east-1:123456789012:orders"}
        - {id: 0a1b2c3d-0000-4000-8000-000000000002, protocol: lambda, endpoint: "arn:aws:lambda:us-east-1:111122223333:function:audit", owner: "111122223333"}
        - {id: 0a1b2c3d-0000-4000-8000-000000000003, protocol: https, endpoint: "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX", pending: true}
        - {id: 0a1b2c3d-0000-4000-8000-000000000004, protocol: email, endpoint: ops@example.com}
    - {name: jobs.fifo, region: us-east-1}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: east}, sns.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	ts := topics(scan.Snapshot)
	orders := ts["orders"]
	if orders.ID != topicARN+"orders" || orders.Account != "123456789012" || orders.Region != "us-east-1" {
		t.Errorf("orders node = %s in %s/%s", orders.ID, orders.Account, orders.Region)
	}
	o := orders.Topic()
	if o.Policy != graph.Present(policy, "sns:GetTopicAttributes") || o.KMSKeyID != "alias/orders" || o.DisplayName != "Orders" ||
		o.AttributesKnown != graph.True || o.SubscriptionsKnown != graph.True || len(o.Subscriptions) != 4 {
		t.Errorf("orders = %+v", o)
	}
	if f := ts["jobs.fifo"].Topic(); !f.FIFO || !strings.Contains(f.Policy.Text, "AWS:SourceOwner") {
		t.Errorf("jobs.fifo = %+v, want FIFO with SNS's default policy", f)
	}
	want := []string{
		"orders -triggers/sns-subscription certain=false-> https://hooks.slack.com/…",
		"orders -triggers/sns-subscription certain=true-> arn:aws:lambda:us-east-1:111122223333:function:audit",
		"orders -triggers/sns-subscription certain=true-> arn:aws:sqs:us-east-1:123456789012:orders",
		"orders -triggers/sns-subscription certain=true-> mailto:ops@example.com",
	}
	got := edges(scan.Snapshot)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	for _, e := range scan.Snapshot.Edges {
		if strings.Contains(e.To, "lambda") && !strings.Contains(e.Details(), "subscribed by account 111122223333") {
			t.Errorf("the partner's subscription does not say who made it: %q", e.Details())
		}
	}
	// The webhook's path is its secret: it is nowhere in the snapshot.
	for _, n := range scan.Snapshot.Nodes {
		if strings.Contains(fmt.Sprintf("%+v", n), "XXXXXXXXXXXX") {
			t.Errorf("node %s keeps the webhook URL's secret path", n.ID)
		}
		if n.Kind == graph.KindExternalEndpoint && n.ID == "https://hooks.slack.com/…" && n.Name != "hooks.slack.com" {
			t.Errorf("webhook endpoint named %q, want its host", n.Name)
		}
	}
}

func TestFailedReadsAreGapsAndTheirFactsStayUnknown(t *testing.T) {
	cases := []struct {
		name     string
		fault    string
		attempts int
		wantGap  graph.GapStatus
		check    func(t *testing.T, orders *graph.SNSTopic)
	}{
		{"a denied GetTopicAttributes leaves the policy unknown, never the default", "{service: sns, api: GetTopicAttributes, resource: orders, error: AccessDenied}", 0, graph.GapDenied,
			func(t *testing.T, o *graph.SNSTopic) {
				if o.Policy.State != graph.Unknown || o.AttributesKnown != graph.Unknown || o.SubscriptionsKnown != graph.True {
					t.Errorf("orders = %+v, want the policy unknown and the subscriptions read", o)
				}
			}},
		{"a denied ListSubscriptionsByTopic leaves the subscriptions unknown", "{service: sns, api: ListSubscriptionsByTopic, resource: orders, error: AccessDenied}", 0, graph.GapDenied,
			func(t *testing.T, o *graph.SNSTopic) {
				if o.SubscriptionsKnown != graph.Unknown || o.Policy.State != graph.True {
					t.Errorf("orders = %+v, want the subscriptions unknown and the policy read", o)
				}
			}},
		{"a throttled read is retried and succeeds without a gap", "{service: sns, api: GetTopicAttributes, resource: orders, error: Throttling, count: 2}", 0, "",
			func(t *testing.T, o *graph.SNSTopic) {
				if o.Policy.State != graph.True {
					t.Errorf("orders = %+v, want the policy read after the retries", o)
				}
			}},
		{"a read throttled out is a throttled gap", "{service: sns, api: GetTopicAttributes, resource: orders, error: Throttling}", 2, graph.GapThrottled,
			func(t *testing.T, o *graph.SNSTopic) {
				if o.Policy.State != graph.Unknown {
					t.Errorf("orders = %+v, want the policy unknown", o)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := fixture(`sns:
  topics:
    - {name: orders, region: us-east-1, subscriptions: [{protocol: sqs, endpoint: "arn:aws:sqs:us-east-1:123456789012:q"}]}
    - {name: audit, region: us-east-1}`, "faults:\n  - "+tc.fault)
			scan := collectortest.Run(t, fx, collectortest.Options{Regions: east, MaxAttempts: tc.attempts}, sns.New())
			if scan.Err != nil {
				t.Fatalf("scan: %v", scan.Err)
			}
			ts := topics(scan.Snapshot)
			if a := ts["audit"].Topic(); a == nil || a.Policy.State != graph.True {
				t.Errorf("audit = %+v, want it read despite the other topic's fault", a)
			}
			tc.check(t, ts["orders"].Topic())
			var gaps []string
			for _, g := range scan.Snapshot.Coverage {
				gaps = append(gaps, fmt.Sprintf("%s %s %s %s", g.Service, g.API, g.Resource, g.Status))
			}
			var want []string
			if tc.wantGap != "" {
				api := strings.TrimPrefix(strings.SplitN(tc.fault, ",", 3)[1], " api: ")
				want = []string{fmt.Sprintf("sns %s orders %s", api, tc.wantGap)}
			}
			if diff := cmp.Diff(want, gaps); diff != "" {
				t.Errorf("gaps (-want +got):\n%s", diff)
			}
			if tc.wantGap == "" && scan.Stats.Retries.Load() != 2 {
				t.Errorf("retries = %d, want 2", scan.Stats.Retries.Load())
			}
		})
	}
}

func TestADeniedListTopicsIsAGapNotAnEmptyRegion(t *testing.T) {
	fx := fixture(`sns:
  topics:
    - {name: orders, region: us-east-1}`, "faults:\n  - {service: sns, api: ListTopics, error: AccessDenied}")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1", "af-south-1"}}, sns.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	if ts := topics(scan.Snapshot); len(ts) != 0 {
		t.Errorf("topics = %v, want none", ts)
	}
	var gaps []string
	for _, g := range scan.Snapshot.Coverage {
		gaps = append(gaps, fmt.Sprintf("%s %s %s %s", g.Service, g.Region, g.API, g.Status))
	}
	want := []string{"* af-south-1 * region-not-enabled", "sns us-east-1 ListTopics denied"}
	if diff := cmp.Diff(want, gaps); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
}

// One case per exposure the SNS Developer Guide documents, scanned through
// the fake and judged by graph.Resolve: who outside the account can reach
// each topic, and how.
func TestTopicExposureFollowsTheSNSDeveloperGuide(t *testing.T) {
	const arn = topicARN + "t"
	cases := []struct {
		name   string
		policy string // "" for SNS's default policy
		want   []string
	}{
		{"Creating an Amazon SNS topic: the default policy, pinned by AWS:SourceOwner, is no way in", "", nil},
		{"Amazon SNS security best practices, Ensure topics aren't publicly accessible: Principal * may publish",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"` + arn + `"}]}`,
			[]string{"aws:any-account -can-send/topic-policy/public-> " + arn}},
		{"Example cases for Amazon SNS access control, Grant AWS account access to a topic: another account may publish",
			`{"Version":"2012-10-17","Statement":[{"Sid":"grant-1234-publish","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["sns:Publish"],"Resource":"` + arn + `"}]}`,
			[]string{"account:111122223333 -can-send/topic-policy/cross-account-> " + arn}},
		{"Example cases for Amazon SNS access control, Allow accounts in an organization to publish: the organization may publish",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"` + arn + `","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`,
			[]string{"org:o-a1b2c3d4e5 -can-send/topic-policy/cross-account-> " + arn}},
		{"Example cases for Amazon SNS access control, Allow any AWS resource to publish: a service pinned only by a bucket ARN is a confused deputy",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sns:Publish","Resource":"` + arn + `","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::uploads"}}}]}`,
			[]string{"service:s3.amazonaws.com -can-send/topic-policy/cross-account-> " + arn}},
		{"Example cases for Amazon SNS access control, Allow any AWS account to subscribe: another account receives every message",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sns:Subscribe","Resource":"` + arn + `","Condition":{"StringEquals":{"sns:Protocol":"https"}}}]}`,
			[]string{"aws:any-account -can-receive/topic-policy/public-> " + arn}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			section := "sns:\n  topics:\n    - {name: t, region: us-east-1}"
			if tc.policy != "" {
				section = "sns:\n  topics:\n    - {name: t, region: us-east-1, policy: '" + tc.policy + "'}"
			}
			scan := collectortest.Run(t, fixture(section, ""), collectortest.Options{Regions: east}, sns.New())
			if scan.Err != nil {
				t.Fatalf("scan: %v", scan.Err)
			}
			var got []string
			for _, e := range graph.Resolve(scan.Snapshot).Edges {
				if e.Kind.IsAccess() {
					got = append(got, fmt.Sprintf("%s -%s/%s/%s-> %s", e.From, e.Kind, e.Via, e.Exposure, e.To))
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("access edges (-want +got):\n%s", diff)
			}
		})
	}
}

package eventbridge_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/eventbridge"
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

const (
	arnPrefix  = "arn:aws:events:us-east-1:123456789012:"
	defaultBus = arnPrefix + "event-bus/default"
)

var east = []string{"us-east-1"}

func nodesOf(s *graph.Snapshot, k graph.Kind) map[string]graph.Node {
	out := map[string]graph.Node{}
	for _, n := range s.Nodes {
		if n.Kind == k {
			out[n.Name] = n
		}
	}
	return out
}

func edges(s *graph.Snapshot) []string {
	var out []string
	for _, e := range s.Edges {
		out = append(out, fmt.Sprintf("%s -%s/%s certain=%v-> %s", strings.TrimPrefix(e.From, arnPrefix), e.Kind, e.Via, e.Certainty, strings.TrimPrefix(e.To, arnPrefix)))
	}
	slices.Sort(out)
	return out
}

func TestRulesAndAPIDestinationsBeyondAHundredAreListedOverSeveralPages(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("eventbridge:\n  rules:\n")
	const rules, dests = 150, 110
	for i := range rules {
		fmt.Fprintf(&sb, "    - {name: r-%04d, region: us-east-1, schedule_expression: \"rate(1 hour)\", targets: [{id: t1, arn: \"arn:aws:lambda:us-east-1:123456789012:function:f\"}]}\n", i)
	}
	sb.WriteString("  connections:\n    - {name: c, region: us-east-1, authorization_type: API_KEY, api_key: {name: x-api-key, value: FAKE-SECRET}}\n  api_destinations:\n")
	for i := range dests {
		fmt.Fprintf(&sb, "    - {name: d-%04d, region: us-east-1, connection: c, endpoint: \"https://hooks.example.com/%d\", http_method: POST}\n", i, i)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: east}, eventbridge.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	if got := len(nodesOf(scan.Snapshot, graph.KindEventRule)); got != rules {
		t.Errorf("rules = %d, want %d", got, rules)
	}
	if got := len(nodesOf(scan.Snapshot, graph.KindAPIDestination)); got != dests {
		t.Errorf("API destinations = %d, want %d", got, dests)
	}
	calls := scan.Server.Stats().Calls
	want := map[string]int64{"events:ListEventBuses": 1, "events:ListRules": 2, "events:ListTargetsByRule": rules, "events:ListApiDestinations": 2}
	for op, w := range want {
		if calls[op] != w {
			t.Errorf("%s calls = %d, want %d (all: %v)", op, calls[op], w, calls)
		}
	}
	for op := range calls {
		if strings.HasPrefix(op, "events:Describe") || op == "events:ListConnections" {
			t.Errorf("the collector called %s, which its plan does not need", op)
		}
	}
}

func TestBusesRulesTargetsAndDestinationsBecomeNodesAndEdges(t *testing.T) {
	const policy = `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"events:PutEvents","Resource":"arn:aws:events:us-east-1:123456789012:event-bus/partner"}]}`
	fx := fixture(`eventbridge:
  buses:
    - {name: partner, region: us-east-1, policy: '`+policy+`'}
  rules:
    - name: orders
      region: us-east-1
      bus: partner
      event_pattern: {source: [partner.shop]}
      targets:
        - {id: fn, arn: "arn:aws:lambda:us-east-1:123456789012:function:ingest", input: {secret: FAKE-SECRET-IN-INPUT}}
        - {id: sfn, arn: "arn:aws:states:us-east-1:123456789012:stateMachine:fulfil", role_arn: "arn:aws:iam::123456789012:role/events-sfn"}
        - {id: hook, arn: "arn:aws:events:us-east-1:123456789012:api-destination/hook/7a1c0e2b-0000-4000-8000-00000000d001",
           role_arn: "arn:aws:iam::123456789012:role/events-api", http_parameters: {header_parameters: {X-Token: FAKE-SECRET-IN-HEADER}},
           dead_letter_arn: "arn:aws:sqs:us-east-1:123456789012:events-dlq"}
    - {name: paused, region: us-east-1, state: DISABLED, schedule_expression: "rate(1 day)", targets: [{id: q, arn: "arn:aws:sqs:us-east-1:123456789012:jobs"}]}
  connections:
    - {name: hook-auth, region: us-east-1, authorization_type: API_KEY, api_key: {name: x-api-key, value: FAKE-SECRET-KEY}}
  api_destinations:
    - {name: hook, region: us-east-1, id: 7a1c0e2b-0000-4000-8000-00000000d001, connection: hook-auth, endpoint: "https://hooks.partner.example/v1/events?token=FAKE-SECRET-IN-URL", http_method: POST}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: east}, eventbridge.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	buses := nodesOf(scan.Snapshot, graph.KindEventBus)
	if p := buses["partner"].Bus(); p == nil || p.Policy != graph.Present(policy, "events:ListEventBuses") || p.RulesKnown != graph.True {
		t.Errorf("partner bus = %+v", p)
	}
	if d := buses["default"].Bus(); d == nil || d.Policy.State != graph.False {
		t.Errorf("default bus = %+v, want it listed with no policy", d)
	}
	orders := nodesOf(scan.Snapshot, graph.KindEventRule)["orders"]
	if r := orders.Rule(); r == nil || r.Bus != arnPrefix+"event-bus/partner" || r.State != "ENABLED" || r.TargetsKnown != graph.True || len(r.Targets) != 3 ||
		r.Targets[1].DeadLetter != "arn:aws:sqs:us-east-1:123456789012:events-dlq" {
		t.Errorf("orders rule = %+v", r)
	}
	if sm := nodesOf(scan.Snapshot, graph.KindStateMachine)["fulfil"]; sm.ID != "arn:aws:states:us-east-1:123456789012:stateMachine:fulfil" || sm.Account != "123456789012" {
		t.Errorf("state machine = %+v, want a node from the target's ARN", sm)
	}
	if d := nodesOf(scan.Snapshot, graph.KindAPIDestination)["hook"].APIDest(); d == nil || d.Endpoint != "https://hooks.partner.example/…" || d.HTTPMethod != "POST" {
		t.Errorf("API destination = %+v", d)
	}
	want := []string{
		"api-destination/hook/7a1c0e2b-0000-4000-8000-00000000d001 -integrates-with/api-destination certain=true-> https://hooks.partner.example/…",
		"event-bus/partner -routes-to/eventbridge-rule certain=true-> rule/partner/orders",
		"event-bus/default -routes-to/eventbridge-rule certain=false-> rule/paused",
		"rule/partner/orders -executes-as/target-role certain=true-> arn:aws:iam::123456789012:role/events-api",
		"rule/partner/orders -executes-as/target-role certain=true-> arn:aws:iam::123456789012:role/events-sfn",
		"rule/partner/orders -triggers/eventbridge-target certain=true-> api-destination/hook/7a1c0e2b-0000-4000-8000-00000000d001",
		"rule/partner/orders -triggers/eventbridge-target certain=true-> arn:aws:lambda:us-east-1:123456789012:function:ingest",
		"rule/partner/orders -triggers/eventbridge-target certain=true-> arn:aws:states:us-east-1:123456789012:stateMachine:fulfil",
		"rule/paused -triggers/eventbridge-target certain=true-> arn:aws:sqs:us-east-1:123456789012:jobs",
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, edges(scan.Snapshot)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	if s := fmt.Sprintf("%+v", scan.Snapshot); strings.Contains(s, "FAKE-SECRET") {
		t.Errorf("the snapshot keeps a target input, header or URL secret")
	}
}

func TestFailedListingsAreGapsAndTheirFactsStayUnknown(t *testing.T) {
	cases := []struct {
		name     string
		fault    string
		attempts int
		gap      string
		check    func(t *testing.T, s *graph.Snapshot)
	}{
		{"a denied ListRules leaves the bus's rules unknown", "{service: events, api: ListRules, resource: default, error: AccessDenied}", 0, "events ListRules default denied",
			func(t *testing.T, s *graph.Snapshot) {
				if b := nodesOf(s, graph.KindEventBus)["default"].Bus(); b == nil || b.RulesKnown != graph.Unknown {
					t.Errorf("default bus = %+v, want its rules unknown", b)
				}
			}},
		{"a denied ListTargetsByRule leaves the rule's targets unknown", "{service: events, api: ListTargetsByRule, resource: nightly, error: AccessDenied}", 0, "events ListTargetsByRule nightly denied",
			func(t *testing.T, s *graph.Snapshot) {
				if r := nodesOf(s, graph.KindEventRule)["nightly"].Rule(); r == nil || r.TargetsKnown != graph.Unknown || r.State != "ENABLED" {
					t.Errorf("nightly = %+v, want the rule with its targets unknown", r)
				}
			}},
		{"a denied ListEventBuses is a gap, and no bus is made up", "{service: events, api: ListEventBuses, error: AccessDenied}", 0, "events ListEventBuses  denied",
			func(t *testing.T, s *graph.Snapshot) {
				if n := len(nodesOf(s, graph.KindEventBus)); n != 0 {
					t.Errorf("%d buses, want none", n)
				}
			}},
		{"a throttled listing is retried and succeeds without a gap", "{service: events, api: ListTargetsByRule, resource: nightly, error: Throttling, count: 2}", 0, "",
			func(t *testing.T, s *graph.Snapshot) {
				if r := nodesOf(s, graph.KindEventRule)["nightly"].Rule(); r == nil || r.TargetsKnown != graph.True || len(r.Targets) != 1 {
					t.Errorf("nightly = %+v, want its target read after the retries", r)
				}
			}},
		{"a listing throttled out is a throttled gap", "{service: events, api: ListTargetsByRule, resource: nightly, error: Throttling}", 2, "events ListTargetsByRule nightly throttled",
			func(t *testing.T, s *graph.Snapshot) {
				if r := nodesOf(s, graph.KindEventRule)["nightly"].Rule(); r == nil || r.TargetsKnown != graph.Unknown {
					t.Errorf("nightly = %+v, want its targets unknown", r)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := fixture(`eventbridge:
  rules:
    - {name: nightly, region: us-east-1, schedule_expression: "rate(1 day)", targets: [{id: f, arn: "arn:aws:lambda:us-east-1:123456789012:function:f"}]}
  api_destinations: []`, "faults:\n  - "+tc.fault)
			scan := collectortest.Run(t, fx, collectortest.Options{Regions: east, MaxAttempts: tc.attempts}, eventbridge.New())
			if scan.Err != nil {
				t.Fatalf("scan: %v", scan.Err)
			}
			tc.check(t, scan.Snapshot)
			var gaps []string
			for _, g := range scan.Snapshot.Coverage {
				gaps = append(gaps, fmt.Sprintf("%s %s %s %s", g.Service, g.API, g.Resource, g.Status))
			}
			var want []string
			if tc.gap != "" {
				want = []string{tc.gap}
			}
			if diff := cmp.Diff(want, gaps); diff != "" {
				t.Errorf("gaps (-want +got):\n%s", diff)
			}
			if tc.gap == "" && scan.Stats.Retries.Load() != 2 {
				t.Errorf("retries = %d, want 2", scan.Stats.Retries.Load())
			}
		})
	}
}

// One case per bus policy the EventBridge documentation shows, scanned
// through the fake and judged by graph.Resolve.
func TestBusExposureFollowsTheEventBridgeDocumentation(t *testing.T) {
	cases := []struct {
		name   string
		policy string
		want   []string
	}{
		{"User Guide, Permissions for event buses: a bus without a policy takes events from its own account only", "", nil},
		{"User Guide, Permissions for event buses, allow_account_to_put_events: one other account may put events",
			`{"Version":"2012-10-17","Statement":[{"Sid":"allow_account_to_put_events","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"events:PutEvents","Resource":"` + defaultBus + `"}]}`,
			[]string{"account:111122223333 -can-send/bus-policy/cross-account-> " + defaultBus}},
		{"User Guide, Permissions for event buses, allow_all_accounts_from_organization_to_put_events: the organization may",
			`{"Version":"2012-10-17","Statement":[{"Sid":"allow_all_accounts_from_organization_to_put_events","Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"` + defaultBus + `","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`,
			[]string{"org:o-a1b2c3d4e5 -can-send/bus-policy/cross-account-> " + defaultBus}},
		{"API Reference, PutPermission with Principal *: any account may put events",
			`{"Version":"2012-10-17","Statement":[{"Sid":"AnyAccount","Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"` + defaultBus + `"}]}`,
			[]string{"aws:any-account -can-send/bus-policy/public-> " + defaultBus}},
		{"User Guide, Permissions for event buses, managing rules: another account may create rules that route the bus's events",
			`{"Version":"2012-10-17","Statement":[{"Sid":"AllowAccountToManageRules","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["events:PutRule","events:PutTargets"],"Resource":"arn:aws:events:us-east-1:123456789012:rule/default/*"}]}`,
			[]string{"account:111122223333 -can-write/bus-policy/cross-account-> " + defaultBus}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			section := "eventbridge:\n  buses:\n    - {name: default, region: us-east-1}"
			if tc.policy != "" {
				section = "eventbridge:\n  buses:\n    - {name: default, region: us-east-1, policy: '" + tc.policy + "'}"
			}
			scan := collectortest.Run(t, fixture(section, ""), collectortest.Options{Regions: east}, eventbridge.New())
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

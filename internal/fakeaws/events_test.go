package fakeaws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// eventsWorld: in us-east-1 the default bus has an organization-scoped
// policy and a scheduled rule; a custom bus "orders" has a disabled rule
// with an SQS target and an API destination target; three connections
// (API key, basic, OAuth) hold secrets the fake must never send. %s is
// appended at top level.
const eventsWorld = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    eventbridge:
      buses:
        - name: default
          region: us-east-1
          policy: {Version: "2012-10-17", Statement: [{Sid: AllowOrg, Effect: Allow, Principal: "*", Action: "events:PutEvents",
                   Resource: "arn:aws:events:us-east-1:123456789012:event-bus/default", Condition: {StringEquals: {"aws:PrincipalOrgID": o-a1b2c3d4e5}}}]}
        - {name: orders, region: us-east-1, description: Orders bus, kms_key_identifier: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
      rules:
        - name: nightly
          region: us-east-1
          schedule_expression: "cron(0 2 * * ? *)"
          role_arn: "arn:aws:iam::123456789012:role/events-invoke"
          targets: [{id: report, arn: "arn:aws:lambda:us-east-1:123456789012:function:report", input: {mode: full}}]
        - name: order-created
          region: us-east-1
          bus: orders
          state: DISABLED
          description: New orders
          event_pattern: {source: [shop.orders], detail-type: [OrderCreated]}
          targets:
            - {id: queue, arn: "arn:aws:sqs:us-east-1:123456789012:orders.fifo", sqs_message_group_id: g1,
               dead_letter_arn: "arn:aws:sqs:us-east-1:123456789012:orders-dlq", retry_policy: {maximum_retry_attempts: 4, maximum_event_age_in_seconds: 3600}}
            - {id: webhook, arn: "arn:aws:events:us-east-1:123456789012:api-destination/partner-webhook/6ee8d1b2-0000-4000-8000-00000000d001",
               role_arn: "arn:aws:iam::123456789012:role/events-api-destination",
               http_parameters: {header_parameters: {X-Source: trustmap}},
               input_transformer: {input_paths_map: {id: $.detail.id}, input_template: '{"order": <id>}'}}
      connections:
        - name: partner
          region: us-east-1
          id: 6ee8d1b2-0000-4000-8000-00000000c001
          authorization_type: API_KEY
          api_key: {name: x-api-key, value: SECRETVALUE-apikey}
          invocation_parameters:
            headers: [{key: X-Tenant, value: acme}, {key: X-Token, value: SECRETVALUE-header, secret: true}]
        - {name: basic-conn, region: us-east-1, authorization_type: BASIC, basic: {username: svc, password: SECRETVALUE-password}}
        - name: oauth-conn
          region: us-east-1
          authorization_type: OAUTH_CLIENT_CREDENTIALS
          state: DEAUTHORIZED
          oauth: {authorization_endpoint: "https://auth.partner.example/token", http_method: POST, client_id: trustmap, client_secret: SECRETVALUE-client}
      api_destinations:
        - {name: partner-webhook, region: us-east-1, id: 6ee8d1b2-0000-4000-8000-00000000d001, connection: partner,
           endpoint: "https://hooks.partner.example/events", http_method: POST, rate_limit_per_second: 10}
        - {name: audit-hook, region: us-east-1, connection: basic-conn, endpoint: "https://audit.example/in", http_method: PUT}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
%s`

func (s *Server) eventbridge(t *testing.T, cc clientConfig) *eventbridge.Client {
	return eventbridge.NewFromConfig(s.config(t, cc), func(o *eventbridge.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

const defaultBusARN = "arn:aws:events:us-east-1:123456789012:event-bus/default"

func TestEventBridgeEventBuses(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(eventsWorld, ""), Options{})
	ctx := context.Background()
	c := srv.eventbridge(t, clientConfig{})

	t.Run("ListEventBuses pages with Limit; the default bus carries its policy, the custom one none", func(t *testing.T) {
		var got []ebtypes.EventBus
		var in eventbridge.ListEventBusesInput
		in.Limit = aws.Int32(1)
		pages := 0
		for {
			out, err := c.ListEventBuses(ctx, &in)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			got = append(got, out.EventBuses...)
			if out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
		if pages != 2 || len(got) != 2 {
			t.Fatalf("got %d buses in %d pages, want 2 in 2", len(got), pages)
		}
		if aws.ToString(got[0].Name) != "default" || aws.ToString(got[0].Arn) != defaultBusARN || !strings.Contains(aws.ToString(got[0].Policy), `"aws:PrincipalOrgID":"o-a1b2c3d4e5"`) {
			t.Errorf("default bus %+v", got[0])
		}
		if aws.ToString(got[1].Name) != "orders" || got[1].Policy != nil || aws.ToString(got[1].Description) != "Orders bus" {
			t.Errorf("orders bus %+v", got[1])
		}
	})

	t.Run("every enabled region has a default bus, without a policy unless the fixture gives one", func(t *testing.T) {
		out, err := srv.eventbridge(t, clientConfig{region: "eu-west-1"}).DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.Arn) != "arn:aws:events:eu-west-1:123456789012:event-bus/default" || out.Policy != nil {
			t.Errorf("eu-west-1 default bus: %s, policy %v", aws.ToString(out.Arn), out.Policy)
		}
	})

	t.Run("DescribeEventBus finds a bus by name or ARN", func(t *testing.T) {
		for _, ref := range []string{"", "default", defaultBusARN} {
			out, err := c.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String(ref)})
			if err != nil {
				t.Fatalf("%q: %v", ref, err)
			}
			if aws.ToString(out.Name) != "default" || out.Policy == nil {
				t.Errorf("%q: %s, policy %v", ref, aws.ToString(out.Name), out.Policy)
			}
		}
		out, err := c.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("orders")})
		if err != nil {
			t.Fatal(err)
		}
		if out.Policy != nil || aws.ToString(out.KmsKeyIdentifier) == "" {
			t.Errorf("orders: policy %v, key %v", out.Policy, out.KmsKeyIdentifier)
		}
	})
}

func TestEventBridgeRulesAndTargets(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(eventsWorld, ""), Options{})
	ctx := context.Background()
	c := srv.eventbridge(t, clientConfig{})

	t.Run("ListRules lists the default bus's rules without EventBusName", func(t *testing.T) {
		out, err := c.ListRules(ctx, &eventbridge.ListRulesInput{})
		if err != nil {
			t.Fatal(err)
		}
		want := []ebtypes.Rule{{Name: aws.String("nightly"), Arn: aws.String("arn:aws:events:us-east-1:123456789012:rule/nightly"), EventBusName: aws.String("default"),
			State: ebtypes.RuleStateEnabled, ScheduleExpression: aws.String("cron(0 2 * * ? *)"), RoleArn: aws.String("arn:aws:iam::123456789012:role/events-invoke")}}
		if diff := cmp.Diff(want, out.Rules, cmpopts.IgnoreUnexported(ebtypes.Rule{})); diff != "" {
			t.Errorf("rules (-want +got):\n%s", diff)
		}
	})

	t.Run("a custom bus's rules, by bus name or ARN, carry the bus in their ARN", func(t *testing.T) {
		for _, bus := range []string{"orders", "arn:aws:events:us-east-1:123456789012:event-bus/orders"} {
			out, err := c.ListRules(ctx, &eventbridge.ListRulesInput{EventBusName: aws.String(bus), NamePrefix: aws.String("order")})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Rules) != 1 {
				t.Fatalf("%s: %d rules", bus, len(out.Rules))
			}
			r := out.Rules[0]
			if aws.ToString(r.Arn) != "arn:aws:events:us-east-1:123456789012:rule/orders/order-created" || r.State != ebtypes.RuleStateDisabled ||
				aws.ToString(r.EventPattern) != `{"source":["shop.orders"],"detail-type":["OrderCreated"]}` {
				t.Errorf("%s: rule %+v", bus, r)
			}
		}
	})

	t.Run("ListTargetsByRule answers each target's ARN, role, input, DLQ, retry and HTTP settings", func(t *testing.T) {
		out, err := c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("order-created"), EventBusName: aws.String("orders")})
		if err != nil {
			t.Fatal(err)
		}
		want := []ebtypes.Target{
			{Id: aws.String("queue"), Arn: aws.String("arn:aws:sqs:us-east-1:123456789012:orders.fifo"),
				SqsParameters:    &ebtypes.SqsParameters{MessageGroupId: aws.String("g1")},
				DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String("arn:aws:sqs:us-east-1:123456789012:orders-dlq")},
				RetryPolicy:      &ebtypes.RetryPolicy{MaximumRetryAttempts: aws.Int32(4), MaximumEventAgeInSeconds: aws.Int32(3600)}},
			{Id: aws.String("webhook"), Arn: aws.String("arn:aws:events:us-east-1:123456789012:api-destination/partner-webhook/6ee8d1b2-0000-4000-8000-00000000d001"),
				RoleArn:          aws.String("arn:aws:iam::123456789012:role/events-api-destination"),
				HttpParameters:   &ebtypes.HttpParameters{HeaderParameters: map[string]string{"X-Source": "trustmap"}},
				InputTransformer: &ebtypes.InputTransformer{InputPathsMap: map[string]string{"id": "$.detail.id"}, InputTemplate: aws.String(`{"order": <id>}`)}},
		}
		ignore := cmpopts.IgnoreUnexported(ebtypes.Target{}, ebtypes.SqsParameters{}, ebtypes.DeadLetterConfig{}, ebtypes.RetryPolicy{}, ebtypes.HttpParameters{}, ebtypes.InputTransformer{})
		if diff := cmp.Diff(want, out.Targets, ignore); diff != "" {
			t.Errorf("targets (-want +got):\n%s", diff)
		}
		out, err = c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("nightly")})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Targets) != 1 || aws.ToString(out.Targets[0].Input) != `{"mode":"full"}` {
			t.Errorf("nightly targets %+v", out.Targets)
		}
	})

	t.Run("DescribeRule answers the rule with who created it", func(t *testing.T) {
		out, err := c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("order-created"), EventBusName: aws.String("orders")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.Description) != "New orders" || aws.ToString(out.CreatedBy) != "123456789012" || aws.ToString(out.EventBusName) != "orders" {
			t.Errorf("rule %+v", out)
		}
	})
}

func TestEventBridgePaging(t *testing.T) {
	w, err := ParseFixture([]byte(fmt.Sprintf(eventsWorld, "")), t.Name())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 150 {
		w.Accounts[0].EventBridge.Rules = append(w.Accounts[0].EventBridge.Rules,
			&EventRule{Name: fmt.Sprintf("bulk-%03d", i), Region: "eu-west-1", ScheduleExpression: "rate(1 hour)"})
	}
	srv := startWorld(t, w, Options{})
	c := srv.eventbridge(t, clientConfig{region: "eu-west-1"})
	ctx := context.Background()

	t.Run("ListRules pages 100 at a time by NextToken and returns every rule once", func(t *testing.T) {
		var in eventbridge.ListRulesInput
		seen, sizes := map[string]bool{}, []int{}
		for {
			out, err := c.ListRules(ctx, &in)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(out.Rules))
			for _, r := range out.Rules {
				if seen[*r.Name] {
					t.Errorf("%s listed twice", *r.Name)
				}
				seen[*r.Name] = true
			}
			if out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
		if diff := cmp.Diff([]int{100, 50}, sizes); diff != "" || len(seen) != 150 {
			t.Errorf("page sizes (-want +got):\n%s\n%d rules", diff, len(seen))
		}
	})

	for _, tc := range []struct {
		name string
		in   eventbridge.ListRulesInput
		want apiError
	}{
		{"Limit above 100 is ValidationException", eventbridge.ListRulesInput{Limit: aws.Int32(101)}, apiError{"ValidationException", 400}},
		{"a NextToken the fake did not issue is InvalidToken, as the API reference says", eventbridge.ListRulesInput{NextToken: aws.String("bogus")}, apiError{"InvalidToken", 400}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := srv.eventbridge(t, clientConfig{region: "eu-west-1", attempts: 1}).ListRules(ctx, &tc.in)
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEventBridgeConnectionsAndDestinations(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(eventsWorld, ""), Options{})
	ctx := context.Background()
	c := srv.eventbridge(t, clientConfig{})
	partnerConn := "arn:aws:events:us-east-1:123456789012:connection/partner/6ee8d1b2-0000-4000-8000-00000000c001"

	t.Run("ListConnections lists name, ARN, state and authorization type, filtered by state", func(t *testing.T) {
		out, err := c.ListConnections(ctx, &eventbridge.ListConnectionsInput{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, cn := range out.Connections {
			got = append(got, fmt.Sprintf("%s %s %s", aws.ToString(cn.Name), cn.AuthorizationType, cn.ConnectionState))
		}
		want := []string{"basic-conn BASIC AUTHORIZED", "oauth-conn OAUTH_CLIENT_CREDENTIALS DEAUTHORIZED", "partner API_KEY AUTHORIZED"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("connections (-want +got):\n%s", diff)
		}
		out, err = c.ListConnections(ctx, &eventbridge.ListConnectionsInput{ConnectionState: ebtypes.ConnectionStateDeauthorized})
		if err != nil || len(out.Connections) != 1 || aws.ToString(out.Connections[0].ConnectionArn) == "" {
			t.Errorf("DEAUTHORIZED: %v, %+v", err, out)
		}
	})

	t.Run("DescribeConnection answers the auth parameters without any secret", func(t *testing.T) {
		out, err := c.DescribeConnection(ctx, &eventbridge.DescribeConnectionInput{Name: aws.String("partner")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.ConnectionArn) != partnerConn || !strings.HasPrefix(aws.ToString(out.SecretArn), "arn:aws:secretsmanager:us-east-1:123456789012:secret:events!connection/partner/") {
			t.Errorf("ARN %s, secret ARN %s", aws.ToString(out.ConnectionArn), aws.ToString(out.SecretArn))
		}
		ap := out.AuthParameters
		if ap == nil || ap.ApiKeyAuthParameters == nil || aws.ToString(ap.ApiKeyAuthParameters.ApiKeyName) != "x-api-key" || ap.InvocationHttpParameters == nil {
			t.Fatalf("auth parameters %+v", ap)
		}
		h := ap.InvocationHttpParameters.HeaderParameters
		if len(h) != 2 || aws.ToString(h[0].Value) != "acme" || h[1].IsValueSecret != true || h[1].Value != nil {
			t.Errorf("header parameters %+v", h)
		}
		for _, name := range []string{"basic-conn", "oauth-conn"} {
			out, err := c.DescribeConnection(ctx, &eventbridge.DescribeConnectionInput{Name: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			ap := out.AuthParameters
			switch {
			case name == "basic-conn" && (ap.BasicAuthParameters == nil || aws.ToString(ap.BasicAuthParameters.Username) != "svc"):
				t.Errorf("basic: %+v", ap)
			case name == "oauth-conn" && (ap.OAuthParameters == nil || aws.ToString(ap.OAuthParameters.ClientParameters.ClientID) != "trustmap" ||
				ap.OAuthParameters.HttpMethod != ebtypes.ConnectionOAuthHttpMethodPost):
				t.Errorf("oauth: %+v", ap.OAuthParameters)
			}
		}
	})

	t.Run("API destinations: list by connection, describe with endpoint, method and connection", func(t *testing.T) {
		out, err := c.ListApiDestinations(ctx, &eventbridge.ListApiDestinationsInput{ConnectionArn: aws.String(partnerConn)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.ApiDestinations) != 1 || aws.ToString(out.ApiDestinations[0].Name) != "partner-webhook" || aws.ToInt32(out.ApiDestinations[0].InvocationRateLimitPerSecond) != 10 {
			t.Errorf("destinations %+v", out.ApiDestinations)
		}
		d, err := c.DescribeApiDestination(ctx, &eventbridge.DescribeApiDestinationInput{Name: aws.String("audit-hook")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(d.InvocationEndpoint) != "https://audit.example/in" || d.HttpMethod != ebtypes.ApiDestinationHttpMethodPut ||
			!strings.HasPrefix(aws.ToString(d.ConnectionArn), "arn:aws:events:us-east-1:123456789012:connection/basic-conn/") ||
			aws.ToInt32(d.InvocationRateLimitPerSecond) != 300 || d.ApiDestinationState != ebtypes.ApiDestinationStateActive {
			t.Errorf("audit-hook %+v", d)
		}
	})
}

func TestEventBridgeErrors(t *testing.T) {
	ctx := context.Background()
	srv := startYAML(t, fmt.Sprintf(eventsWorld, ""), Options{})
	notFound := func(err error) bool { return errors.As(err, new(*ebtypes.ResourceNotFoundException)) }
	for _, tc := range []struct {
		name    string
		call    func(*eventbridge.Client) error
		want    apiError
		typed   func(error) bool
		message string
	}{
		{"an unknown bus is the typed ResourceNotFoundException, HTTP 400", func(c *eventbridge.Client) error {
			_, err := c.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("nope")})
			return err
		}, apiError{"ResourceNotFoundException", 400}, notFound, "Event bus nope does not exist."},
		{"ListRules on an unknown bus is ResourceNotFoundException", func(c *eventbridge.Client) error {
			_, err := c.ListRules(ctx, &eventbridge.ListRulesInput{EventBusName: aws.String("nope")})
			return err
		}, apiError{"ResourceNotFoundException", 400}, notFound, "Event bus nope does not exist."},
		{"a rule looked for on the wrong bus does not exist there", func(c *eventbridge.Client) error {
			_, err := c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("order-created")})
			return err
		}, apiError{"ResourceNotFoundException", 400}, notFound, "Rule order-created does not exist on EventBus default."},
		{"a rule name outside the API's pattern is ValidationException", func(c *eventbridge.Client) error {
			_, err := c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("rule/nightly")})
			return err
		}, apiError{"ValidationException", 400}, func(error) bool { return true }, "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"},
		{"an unknown connection", func(c *eventbridge.Client) error {
			_, err := c.DescribeConnection(ctx, &eventbridge.DescribeConnectionInput{Name: aws.String("nope")})
			return err
		}, apiError{"ResourceNotFoundException", 400}, notFound, "Failed to describe the connection(s). Connection 'nope' does not exist."},
		{"an unknown API destination", func(c *eventbridge.Client) error {
			_, err := c.DescribeApiDestination(ctx, &eventbridge.DescribeApiDestinationInput{Name: aws.String("nope")})
			return err
		}, apiError{"ResourceNotFoundException", 400}, notFound, "Failed to describe the api-destination(s). An api-destination 'nope' does not exist."},
		{"another account's bus is AccessDeniedException", func(c *eventbridge.Client) error {
			_, err := c.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("arn:aws:events:us-east-1:111122223333:event-bus/default")})
			return err
		}, apiError{"AccessDeniedException", 400}, func(err error) bool { return errors.As(err, new(*ebtypes.AccessDeniedException)) }, ""},
		{"a write is UnknownOperationException: the fake serves reads only", func(c *eventbridge.Client) error {
			_, err := c.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{Source: aws.String("x"), DetailType: aws.String("y"), Detail: aws.String("{}")}}})
			return err
		}, apiError{"UnknownOperationException", 400}, func(error) bool { return true }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(srv.eventbridge(t, clientConfig{attempts: 1}))
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if !tc.typed(err) {
				t.Errorf("error %v (%T) is not the typed error", err, err)
			}
			if !strings.HasSuffix(err.Error(), tc.message) {
				t.Errorf("error %q does not end in %q", err, tc.message)
			}
		})
	}

	t.Run("errors are __type and a lower-case message, JSON 1.1", func(t *testing.T) {
		h := signedHeader(demoKey, "us-east-1", "events")
		h.Set("X-Amz-Target", "AWSEvents.DescribeEventBus")
		h.Set("Content-Type", "application/x-amz-json-1.1")
		resp, body := srv.rawRequest(t, http.MethodPost, "/", "", h, `{"Name":"nope"}`)
		if want := `{"__type":"ResourceNotFoundException","message":"Event bus nope does not exist."}`; resp.StatusCode != 400 || body != want ||
			resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
			t.Errorf("status %d, content type %q, body %s\nwant 400 and %s", resp.StatusCode, resp.Header.Get("Content-Type"), body, want)
		}
	})

	t.Run("a fault on one rule denies it and leaves the others; throttling is retried", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(eventsWorld, `faults:
  - {service: events, api: ListTargetsByRule, resource: nightly, error: AccessDenied}
  - {service: events, api: ListRules, error: Throttling, count: 1}`), Options{})
		c := srv.eventbridge(t, clientConfig{attempts: 1})
		_, err := c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("nightly")})
		if diff := cmp.Diff(apiError{"AccessDeniedException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		if _, err := c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("order-created"), EventBusName: aws.String("orders")}); err != nil {
			t.Errorf("order-created: %v", err)
		}
		_, err = c.ListRules(ctx, &eventbridge.ListRulesInput{})
		if diff := cmp.Diff(apiError{"ThrottlingException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		if _, err := srv.eventbridge(t, clientConfig{}).ListRules(ctx, &eventbridge.ListRulesInput{}); err != nil {
			t.Errorf("after the throttle: %v", err)
		}
	})

	t.Run("a throttle bucket on DescribeConnection throttles its burst+1th call", func(t *testing.T) {
		srv := startFrozen(t, fmt.Sprintf(eventsWorld, `throttle: {apis: {"events:DescribeConnection": {rate: 5}}}`))
		c := srv.eventbridge(t, clientConfig{attempts: 1})
		n, err := callsUntilError(10, func() error {
			_, err := c.DescribeConnection(ctx, &eventbridge.DescribeConnectionInput{Name: aws.String("partner")})
			return err
		})
		if n != 6 {
			t.Errorf("first error at call %d, want 6", n)
		}
		if diff := cmp.Diff(apiError{"ThrottlingException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

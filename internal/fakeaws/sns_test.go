package fakeaws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// snsWorld: the demo account has three topics in us-east-1 (one with a
// public policy and three subscriptions, one with no policy, one FIFO) and
// one in eu-west-1; the partner account owns a topic the demo account has
// subscribed an email address to, and a Lambda subscription on the demo
// topic. %s is appended at top level.
const snsWorld = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    sns:
      topics:
        - name: orders
          region: us-east-1
          display_name: Orders
          policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*", Action: "sns:Publish", Resource: "arn:aws:sns:us-east-1:123456789012:orders"}]}
          kms_master_key_id: alias/aws/sns
          subscriptions:
            - {id: 0a1b2c3d-0000-4000-8000-000000000001, protocol: sqs, endpoint: "arn:aws:sqs:us-east-1:123456789012:orders", raw_message_delivery: true,
               filter_policy: {store: [example_corp]}, redrive_policy: {deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:orders-dlq"}}
            - {id: 0a1b2c3d-0000-4000-8000-000000000002, protocol: https, endpoint: "https://hooks.example.com/orders", pending: true}
            - {id: 0a1b2c3d-0000-4000-8000-000000000003, protocol: lambda, endpoint: "arn:aws:lambda:us-east-1:111122223333:function:audit", owner: "111122223333"}
        - {name: alerts, region: us-east-1}
        - {name: jobs.fifo, region: us-east-1, content_based_deduplication: true, attributes: {SignatureVersion: "2"}}
        - {name: euro, region: eu-west-1}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
    sns:
      topics:
        - name: shared
          region: us-east-1
          subscriptions:
            - {id: 0a1b2c3d-0000-4000-8000-000000000004, protocol: email, endpoint: ops@example.com, owner: "123456789012"}
  - id: "444455556666"
    access_keys: [AKIATHIRD000000001]
%s`

const (
	ordersTopic = "arn:aws:sns:us-east-1:123456789012:orders"
	thirdKey    = "AKIATHIRD000000001"
)

func (s *Server) sns(t *testing.T, cc clientConfig) *sns.Client {
	return sns.NewFromConfig(s.config(t, cc), func(o *sns.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func TestSNSListTopics(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(snsWorld, ""), Options{})
	ctx := context.Background()
	for _, tc := range []struct {
		name, region string
		want         []string
	}{
		{"us-east-1 lists that region's topics by ARN", "us-east-1", []string{"arn:aws:sns:us-east-1:123456789012:alerts", "arn:aws:sns:us-east-1:123456789012:jobs.fifo", ordersTopic}},
		{"eu-west-1 lists only its own topic", "eu-west-1", []string{"arn:aws:sns:eu-west-1:123456789012:euro"}},
		{"a region without topics lists none", "us-west-2", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := srv.sns(t, clientConfig{region: tc.region}).ListTopics(ctx, &sns.ListTopicsInput{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tp := range out.Topics {
				got = append(got, aws.ToString(tp.TopicArn))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" || out.NextToken != nil {
				t.Errorf("topics (-want +got):\n%s\nnext token %v", diff, out.NextToken)
			}
		})
	}
}

// TestSNSListsPageAHundredAtATime: "Each call returns a limited list of
// topics, up to 100" (API Reference, ListTopics, ListSubscriptions,
// ListSubscriptionsByTopic).
func TestSNSListsPageAHundredAtATime(t *testing.T) {
	w, err := ParseFixture([]byte(fmt.Sprintf(snsWorld, "")), t.Name())
	if err != nil {
		t.Fatal(err)
	}
	demo := w.Accounts[0]
	bulk := &Topic{Name: "bulk", Region: "eu-west-1"}
	for i := range 230 {
		demo.SNS.Topics = append(demo.SNS.Topics, &Topic{Name: fmt.Sprintf("t-%03d", i), Region: "eu-west-1"})
		bulk.Subscriptions = append(bulk.Subscriptions, &SNSSubscription{Protocol: "sqs", Endpoint: fmt.Sprintf("arn:aws:sqs:eu-west-1:123456789012:q-%03d", i)})
	}
	demo.SNS.Topics = append(demo.SNS.Topics, bulk)
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	srv := startWorld(t, w, Options{})
	c := srv.sns(t, clientConfig{region: "eu-west-1"})
	ctx := context.Background()

	t.Run("the ListTopics paginator walks 3 pages of at most 100 and sees every topic once", func(t *testing.T) {
		p := sns.NewListTopicsPaginator(c, &sns.ListTopicsInput{})
		seen, sizes := map[string]bool{}, []int{}
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(out.Topics))
			for _, tp := range out.Topics {
				if seen[*tp.TopicArn] {
					t.Errorf("%s listed twice", *tp.TopicArn)
				}
				seen[*tp.TopicArn] = true
			}
		}
		if diff := cmp.Diff([]int{100, 100, 32}, sizes); diff != "" || len(seen) != 232 {
			t.Errorf("page sizes (-want +got):\n%s\n%d topics, want 232", diff, len(seen))
		}
	})

	t.Run("ListSubscriptionsByTopic and ListSubscriptions page the same way", func(t *testing.T) {
		byTopic := sns.NewListSubscriptionsByTopicPaginator(c, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String("arn:aws:sns:eu-west-1:123456789012:bulk")})
		mine := sns.NewListSubscriptionsPaginator(c, &sns.ListSubscriptionsInput{})
		for name, next := range map[string]func() (int, error){
			"by topic": func() (int, error) { out, err := byTopic.NextPage(ctx); return len(out.Subscriptions), err },
			"mine":     func() (int, error) { out, err := mine.NextPage(ctx); return len(out.Subscriptions), err },
		} {
			var sizes []int
			for range 5 {
				n, err := next()
				if err != nil {
					t.Fatal(err)
				}
				sizes = append(sizes, n)
				if (name == "by topic" && !byTopic.HasMorePages()) || (name == "mine" && !mine.HasMorePages()) {
					break
				}
			}
			if diff := cmp.Diff([]int{100, 100, 30}, sizes); diff != "" {
				t.Errorf("%s: page sizes (-want +got):\n%s", name, diff)
			}
		}
	})

	t.Run("a NextToken the fake did not issue is InvalidParameter", func(t *testing.T) {
		_, err := c.ListTopics(ctx, &sns.ListTopicsInput{NextToken: aws.String("bogus")})
		if diff := cmp.Diff(apiError{"InvalidParameter", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

func getTopicAttributes(t *testing.T, c *sns.Client, arn string) map[string]string {
	t.Helper()
	out, err := c.GetTopicAttributes(context.Background(), &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Attributes
}

func TestSNSGetTopicAttributes(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(snsWorld, ""), Options{})
	c := srv.sns(t, clientConfig{})

	t.Run("a topic answers its policy, owner, counts, key and the default effective delivery policy", func(t *testing.T) {
		got := getTopicAttributes(t, c, ordersTopic)
		want := map[string]string{
			"TopicArn":                ordersTopic,
			"Owner":                   "123456789012",
			"Policy":                  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:123456789012:orders"}]}`,
			"DisplayName":             "Orders",
			"SubscriptionsConfirmed":  "2",
			"SubscriptionsPending":    "1",
			"SubscriptionsDeleted":    "0",
			"KmsMasterKeyId":          "alias/aws/sns",
			"EffectiveDeliveryPolicy": defaultTopicDeliveryPolicy,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("attributes (-want +got):\n%s", diff)
		}
		var edp map[string]map[string]any
		if err := json.Unmarshal([]byte(got["EffectiveDeliveryPolicy"]), &edp); err != nil || edp["http"]["defaultHealthyRetryPolicy"] == nil {
			t.Errorf("EffectiveDeliveryPolicy %s is not the documented default shape (%v)", got["EffectiveDeliveryPolicy"], err)
		}
	})

	t.Run("a topic created without a policy answers SNS's default policy with the AWS:SourceOwner condition", func(t *testing.T) {
		got := getTopicAttributes(t, c, "arn:aws:sns:us-east-1:123456789012:alerts")
		var pol struct {
			Version, Id string
			Statement   []struct {
				Sid, Effect, Resource string
				Principal             map[string]string
				Action                []string
				Condition             map[string]map[string]string
			}
		}
		if err := json.Unmarshal([]byte(got["Policy"]), &pol); err != nil {
			t.Fatalf("default policy %q is not JSON: %v", got["Policy"], err)
		}
		if pol.Version != "2008-10-17" || pol.Id != "__default_policy_ID" || len(pol.Statement) != 1 {
			t.Fatalf("default policy %s", got["Policy"])
		}
		st := pol.Statement[0]
		if st.Sid != "__default_statement_ID" || st.Principal["AWS"] != "*" || st.Resource != "arn:aws:sns:us-east-1:123456789012:alerts" ||
			st.Condition["StringEquals"]["AWS:SourceOwner"] != "123456789012" || len(st.Action) != 8 {
			t.Errorf("default statement %+v", st)
		}
		if got["DisplayName"] != "" || got["SubscriptionsConfirmed"] != "0" {
			t.Errorf("DisplayName %q, SubscriptionsConfirmed %q: want empty and 0", got["DisplayName"], got["SubscriptionsConfirmed"])
		}
		if _, ok := got["KmsMasterKeyId"]; ok {
			t.Error("KmsMasterKeyId is sent for a topic without encryption")
		}
	})

	t.Run("a FIFO topic says so, with content-based deduplication and the fixture's extra attributes", func(t *testing.T) {
		got := getTopicAttributes(t, c, "arn:aws:sns:us-east-1:123456789012:jobs.fifo")
		for k, v := range map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true", "SignatureVersion": "2"} {
			if got[k] != v {
				t.Errorf("%s = %q, want %q", k, got[k], v)
			}
		}
	})
}

func TestSNSErrorsDecode(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(snsWorld, ""), Options{})
	ctx := context.Background()
	topic := func(arn string) func(*sns.Client) error {
		return func(c *sns.Client) error {
			_, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
			return err
		}
	}
	subs := func(arn string) func(*sns.Client) error {
		return func(c *sns.Client) error {
			_, err := c.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)})
			return err
		}
	}
	sub := func(arn string) func(*sns.Client) error {
		return func(c *sns.Client) error {
			_, err := c.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(arn)})
			return err
		}
	}
	notFound := func(err error) bool { return errors.As(err, new(*snstypes.NotFoundException)) }
	denied := func(err error) bool { return errors.As(err, new(*snstypes.AuthorizationErrorException)) }
	invalid := func(err error) bool { return errors.As(err, new(*snstypes.InvalidParameterException)) }
	tests := []struct {
		name    string
		key     string
		call    func(*sns.Client) error
		want    apiError
		typed   func(error) bool
		message string
	}{
		{"an unknown topic is the typed NotFound, 404, \"Topic does not exist\"", demoKey, topic("arn:aws:sns:us-east-1:123456789012:nope"),
			apiError{"NotFound", 404}, notFound, "Topic does not exist"},
		{"ListSubscriptionsByTopic of an unknown topic is NotFound too", demoKey, subs("arn:aws:sns:us-east-1:123456789012:nope"),
			apiError{"NotFound", 404}, notFound, "Topic does not exist"},
		{"a topic ARN of another region is InvalidParameter TopicArn", demoKey, topic("arn:aws:sns:eu-west-1:123456789012:euro"),
			apiError{"InvalidParameter", 400}, invalid, "Invalid parameter: TopicArn"},
		{"a malformed topic ARN is InvalidParameter TopicArn", demoKey, topic("orders"),
			apiError{"InvalidParameter", 400}, invalid, "Invalid parameter: TopicArn"},
		{"another account's topic is the typed AuthorizationError, 403", demoKey, topic("arn:aws:sns:us-east-1:111122223333:shared"),
			apiError{"AuthorizationError", 403}, denied, "User: arn:aws:iam::123456789012:user/trustmap is not authorized to perform: SNS:GetTopicAttributes on resource: arn:aws:sns:us-east-1:111122223333:shared because no resource-based policy allows the SNS:GetTopicAttributes action"},
		{"an unknown subscription is NotFound \"Subscription does not exist\"", demoKey, sub(ordersTopic + ":0a1b2c3d-0000-4000-8000-00000000ffff"),
			apiError{"NotFound", 404}, notFound, "Subscription does not exist"},
		{"PendingConfirmation is not a subscription ARN", demoKey, sub("PendingConfirmation"),
			apiError{"InvalidParameter", 400}, invalid, "Invalid parameter: SubscriptionArn"},
		{"a third account may not read a subscription it neither owns nor hosts", thirdKey, sub(ordersTopic + ":0a1b2c3d-0000-4000-8000-000000000003"),
			apiError{"AuthorizationError", 403}, denied, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(srv.sns(t, clientConfig{key: tc.key, attempts: 1}))
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if !tc.typed(err) {
				t.Errorf("error %v (%T) is not the typed error", err, err)
			}
			if tc.message != "" && !strings.HasSuffix(err.Error(), tc.message) {
				t.Errorf("error %q does not end in %q", err, tc.message)
			}
		})
	}
}

func TestSNSSubscriptions(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(snsWorld, ""), Options{})
	ctx := context.Background()
	sub := func(id string) string { return ordersTopic + ":0a1b2c3d-0000-4000-8000-00000000000" + id }

	t.Run("ListSubscriptionsByTopic lists every subscription, other accounts' too, the pending one as PendingConfirmation", func(t *testing.T) {
		out, err := srv.sns(t, clientConfig{}).ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(ordersTopic)})
		if err != nil {
			t.Fatal(err)
		}
		want := []snstypes.Subscription{
			{SubscriptionArn: aws.String(sub("1")), Owner: aws.String("123456789012"), Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:us-east-1:123456789012:orders"), TopicArn: aws.String(ordersTopic)},
			{SubscriptionArn: aws.String("PendingConfirmation"), Owner: aws.String("123456789012"), Protocol: aws.String("https"), Endpoint: aws.String("https://hooks.example.com/orders"), TopicArn: aws.String(ordersTopic)},
			{SubscriptionArn: aws.String(sub("3")), Owner: aws.String("111122223333"), Protocol: aws.String("lambda"), Endpoint: aws.String("arn:aws:lambda:us-east-1:111122223333:function:audit"), TopicArn: aws.String(ordersTopic)},
		}
		if diff := cmp.Diff(want, out.Subscriptions, cmpopts.IgnoreUnexported(snstypes.Subscription{})); diff != "" {
			t.Errorf("subscriptions (-want +got):\n%s", diff)
		}
	})

	t.Run("ListSubscriptions lists the requester's subscriptions, on its own topics and others'", func(t *testing.T) {
		for _, tc := range []struct {
			key  string
			want []string
		}{
			{demoKey, []string{"arn:aws:sns:us-east-1:111122223333:shared:0a1b2c3d-0000-4000-8000-000000000004", sub("1"), "PendingConfirmation"}},
			{partnerKey, []string{sub("3")}},
			{thirdKey, nil},
		} {
			out, err := srv.sns(t, clientConfig{key: tc.key}).ListSubscriptions(ctx, &sns.ListSubscriptionsInput{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range out.Subscriptions {
				got = append(got, aws.ToString(s.SubscriptionArn))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s: subscriptions (-want +got):\n%s", tc.key, diff)
			}
		}
	})

	t.Run("GetSubscriptionAttributes answers delivery, filter and redrive settings", func(t *testing.T) {
		out, err := srv.sns(t, clientConfig{}).GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(sub("1"))})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"SubscriptionArn": sub("1"), "TopicArn": ordersTopic, "Owner": "123456789012", "Protocol": "sqs",
			"Endpoint": "arn:aws:sqs:us-east-1:123456789012:orders", "PendingConfirmation": "false", "ConfirmationWasAuthenticated": "true",
			"RawMessageDelivery": "true", "FilterPolicy": `{"store":["example_corp"]}`, "FilterPolicyScope": "MessageAttributes",
			"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:orders-dlq"}`,
		}
		if diff := cmp.Diff(want, out.Attributes); diff != "" {
			t.Errorf("attributes (-want +got):\n%s", diff)
		}
	})

	t.Run("a pending HTTPS subscription is found by its ARN, unconfirmed, with the default effective delivery policy", func(t *testing.T) {
		out, err := srv.sns(t, clientConfig{}).GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(sub("2"))})
		if err != nil {
			t.Fatal(err)
		}
		got := out.Attributes
		if got["PendingConfirmation"] != "true" || got["ConfirmationWasAuthenticated"] != "false" || got["EffectiveDeliveryPolicy"] != defaultSubDeliveryPolicy {
			t.Errorf("attributes %v", got)
		}
	})

	t.Run("both the topic owner and the subscription owner may read a cross-account subscription", func(t *testing.T) {
		for _, key := range []string{demoKey, partnerKey} {
			out, err := srv.sns(t, clientConfig{key: key}).GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(sub("3"))})
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			if out.Attributes["Owner"] != "111122223333" || out.Attributes["Protocol"] != "lambda" {
				t.Errorf("%s: attributes %v", key, out.Attributes)
			}
		}
	})
}

func TestSNSFaultsThrottlingAndWire(t *testing.T) {
	ctx := context.Background()

	t.Run("an AccessDenied fault on one topic is AuthorizationError 403 there and nowhere else", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(snsWorld, "faults: [{service: sns, api: GetTopicAttributes, resource: orders, error: AccessDenied}]"), Options{})
		c := srv.sns(t, clientConfig{attempts: 1})
		_, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(ordersTopic)})
		if diff := cmp.Diff(apiError{"AuthorizationError", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		if !errors.As(err, new(*snstypes.AuthorizationErrorException)) {
			t.Errorf("error %T is not *AuthorizationErrorException", err)
		}
		getTopicAttributes(t, c, "arn:aws:sns:us-east-1:123456789012:alerts")
	})

	t.Run("throttling is ThrottlingException 400, which the SDK retries", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(snsWorld, "faults: [{service: sns, api: ListTopics, error: Throttling, count: 1}]"), Options{})
		if _, err := srv.sns(t, clientConfig{}).ListTopics(ctx, &sns.ListTopicsInput{}); err != nil {
			t.Fatal(err)
		}
		if st := srv.Stats(); st.Calls["sns:ListTopics"] != 2 || st.Faults["sns:ListTopics"] != 1 {
			t.Errorf("calls %d, faults %d: want 2 calls of which 1 faulted", st.Calls["sns:ListTopics"], st.Faults["sns:ListTopics"])
		}
		srv = startYAML(t, fmt.Sprintf(snsWorld, "faults: [{service: sns, error: Throttling}]"), Options{})
		_, err := srv.sns(t, clientConfig{attempts: 1}).ListTopics(ctx, &sns.ListTopicsInput{})
		if diff := cmp.Diff(apiError{"ThrottlingException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("the documented 30 TPS of ListSubscriptionsByTopic throttles the 31st call of a burst", func(t *testing.T) {
		srv := startFrozen(t, fmt.Sprintf(snsWorld, "throttle: {apis: {\"sns:ListSubscriptionsByTopic\": {rate: 30}}}"))
		c := srv.sns(t, clientConfig{attempts: 1})
		n, err := callsUntilError(40, func() error {
			_, err := c.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(ordersTopic)})
			return err
		})
		if n != 31 {
			t.Errorf("first error at call %d, want 31", n)
		}
		if diff := cmp.Diff(apiError{"ThrottlingException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		if got := srv.Stats().Throttled["sns:ListSubscriptionsByTopic"]; got != 1 {
			t.Errorf("Throttled = %d, want 1", got)
		}
	})

	srv := startYAML(t, fmt.Sprintf(snsWorld, ""), Options{})
	t.Run("a write is InvalidAction: the fake serves reads only", func(t *testing.T) {
		_, err := srv.sns(t, clientConfig{attempts: 1}).Publish(ctx, &sns.PublishInput{TopicArn: aws.String(ordersTopic), Message: aws.String("x")})
		if diff := cmp.Diff(apiError{"InvalidAction", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("an opt-in region the account has not enabled does not know the credentials", func(t *testing.T) {
		_, err := srv.sns(t, clientConfig{region: "af-south-1", attempts: 1}).ListTopics(ctx, &sns.ListTopicsInput{})
		if diff := cmp.Diff(apiError{"InvalidClientTokenId", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	form := func(h http.Header) http.Header { h.Set("Content-Type", "application/x-www-form-urlencoded"); return h }
	t.Run("answers are SNS's XML: namespace, Result wrapper, map entries", func(t *testing.T) {
		resp, body := srv.rawRequest(t, "POST", "/", "", form(signedHeader(demoKey, "us-east-1", "sns")),
			"Action=GetTopicAttributes&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aalerts")
		prefix := xmlHeader + `<GetTopicAttributesResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><GetTopicAttributesResult><Attributes><entry><key>DisplayName</key><value></value></entry>`
		if resp.StatusCode != 200 || !strings.HasPrefix(body, prefix) || resp.Header.Get("Content-Type") != "text/xml" {
			t.Errorf("status %d, content type %q, body\n%s\nwant prefix\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body, prefix)
		}
	})

	t.Run("errors are the query ErrorResponse with Type, Code and Message", func(t *testing.T) {
		resp, body := srv.rawRequest(t, "POST", "/", "", form(signedHeader(demoKey, "us-east-1", "sns")),
			"Action=GetTopicAttributes&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Anope")
		want := xmlHeader + `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>` +
			resp.Header.Get("x-amzn-RequestId") + `</RequestId></ErrorResponse>`
		if resp.StatusCode != 404 || body != want {
			t.Errorf("status %d, body\n%s\nwant 404 and\n%s", resp.StatusCode, body, want)
		}
	})
}

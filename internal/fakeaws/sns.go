package fakeaws

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// SNS (AWS query, http://sns.amazonaws.com/doc/2010-03-31/): ListTopics,
// GetTopicAttributes, ListSubscriptionsByTopic, ListSubscriptions,
// GetSubscriptionAttributes. Sources: the SNS API Reference pages of those
// actions and the aws-sdk-go-v2 sns module (schemas.go,
// response_snapshot/). Lists page 100 at a time with an opaque NextToken
// ("Each call returns a limited list of topics, up to 100").

const snsPageSize = 100

func snsService() *service {
	return &service{route: func(c *call) (operation, bool) {
		switch a := c.form.Get("Action"); a {
		case "ListTopics":
			return operation{name: a, handle: snsListTopics}, true
		case "ListSubscriptions":
			return operation{name: a, handle: snsListSubscriptions}, true
		case "GetTopicAttributes":
			return operation{name: a, resource: snsARNPart(c.form.Get("TopicArn"), 5), handle: snsGetTopicAttributes}, true
		case "ListSubscriptionsByTopic":
			return operation{name: a, resource: snsARNPart(c.form.Get("TopicArn"), 5), handle: snsListSubscriptionsByTopic}, true
		case "GetSubscriptionAttributes":
			return operation{name: a, resource: snsARNPart(c.form.Get("SubscriptionArn"), 6), handle: snsGetSubscriptionAttributes}, true
		}
		return operation{}, false
	}}
}

// snsARNPart is the i-th colon-separated part of an SNS ARN (5: the topic
// name, 6: the subscription id), for fault matching.
func snsARNPart(arn string, i int) string {
	parts := strings.Split(arn, ":")
	if len(parts) > i {
		return parts[i]
	}
	return ""
}

func topicARN(region, account, name string) string {
	return "arn:aws:sns:" + region + ":" + account + ":" + name
}

// snsRef is a parsed topic (or subscription) ARN.
type snsRef struct{ region, account, topic, sub string }

// parseSNSARN parses arn:aws:sns:REGION:ACCOUNT:TOPIC[:SUBSCRIPTION];
// parts is 6 for a topic ARN, 7 for a subscription ARN.
func parseSNSARN(arn string, parts int) (snsRef, bool) {
	p := strings.Split(arn, ":")
	if len(p) != parts || p[0] != "arn" || p[1] != "aws" || p[2] != "sns" || !validRegion(p[3]) || !accountIDRE.MatchString(p[4]) || p[5] == "" {
		return snsRef{}, false
	}
	r := snsRef{region: p[3], account: p[4], topic: p[5]}
	if parts == 7 {
		r.sub = p[6]
	}
	return r, true
}

func snsInvalidParameter(param string) error {
	return errorFor("sns", "InvalidParameter", "Invalid parameter: "+param)
}

func snsDenied(c *call, action, arn string) error {
	return errorFor("sns", ErrAccessDenied, fmt.Sprintf("User: %s is not authorized to perform: SNS:%s on resource: %s because no resource-based policy allows the SNS:%s action", c.caller.arn(), action, arn, action))
}

func findTopic(a *Account, region, name string) *Topic {
	for _, t := range a.SNS.Topics {
		if t != nil && t.Name == name && regionOf(a, t.Region) == region {
			return t
		}
	}
	return nil
}

// snsTopic resolves the TopicArn of a call. A malformed ARN, or one of
// another region than the endpoint's, is InvalidParameter "Invalid
// parameter: TopicArn" (what SNS answers for a topic in another region:
// mozilla/security#8, boto/boto3#1084); an unknown topic NotFound "Topic
// does not exist" (localstack/localstack#7861 quoting AWS); another
// account's topic AuthorizationError, as the fake does not evaluate topic
// policies.
func snsTopic(c *call, action string) (*Account, *Topic, error) {
	raw := c.form.Get("TopicArn")
	ref, ok := parseSNSARN(raw, 6)
	if !ok || ref.region != c.region {
		return nil, nil, snsInvalidParameter("TopicArn")
	}
	owner := c.srv.accounts[ref.account]
	var t *Topic
	if owner != nil {
		t = findTopic(owner, ref.region, ref.topic)
	}
	switch {
	case t == nil:
		return nil, nil, errorFor("sns", "NotFound", "Topic does not exist")
	case owner.ID != c.account().ID:
		return nil, nil, snsDenied(c, action, raw)
	}
	return owner, t, nil
}

// snsPage pages items sorted by key, answering InvalidParameter for a token
// the fake did not issue.
func snsPage[T any](c *call, items []T, key func(T) string, kind string) ([]T, string, error) {
	out, next, ok := page(items, key, kind, c.form.Get("NextToken"), snsPageSize)
	if !ok {
		return nil, "", snsInvalidParameter("NextToken")
	}
	return out, next, nil
}

func snsListTopics(c *call) (*response, error) {
	a := c.account()
	var arns []string
	for _, t := range a.SNS.Topics {
		if t != nil && regionOf(a, t.Region) == c.region {
			arns = append(arns, topicARN(c.region, a.ID, t.Name))
		}
	}
	slices.Sort(arns)
	arns, next, err := snsPage(c, arns, func(s string) string { return s }, "topic")
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "ListTopics", func(x *xmlw) {
		x.open("Topics")
		for _, arn := range arns {
			x.open("member").leaf("TopicArn", arn).close("member")
		}
		x.close("Topics").leafIf("NextToken", next)
	}), nil
}

// defaultTopicPolicy is the access policy SNS gives a topic created without
// one: every principal may use the topic's management actions as long as
// the request comes from a resource the topic's account owns. SNS Developer
// Guide, "Creating an Amazon SNS topic" ("the default policy uses the
// aws:SourceOwner condition key"); the statement's Id, Sid and action list
// (SNS:Receive no longer included) as AWS returns it today
// (getmoto/moto#9041, from LocalStack's snapshot of AWS). SNS stores it
// compact.
func defaultTopicPolicy(arn, account string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},` +
		`"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],` +
		`"Resource":` + jsonQuote(arn) + `,"Condition":{"StringEquals":{"AWS:SourceOwner":` + jsonQuote(account) + `}}}]}`
}

// The effective delivery policies SNS reports when none is set: the
// documented defaults (SNS Developer Guide, "Amazon SNS message delivery
// retries": minDelayTarget 20, maxDelayTarget 20, numRetries 3, the
// phase counts 0, backoffFunction linear, sicklyRetryPolicy null,
// guaranteed false) in the shape GetTopicAttributes and
// GetSubscriptionAttributes (HTTP/S subscriptions) send them.
const (
	defaultTopicDeliveryPolicy = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`
	defaultSubDeliveryPolicy   = `{"healthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"sicklyRetryPolicy":null,"throttlePolicy":null,"guaranteed":false}`
)

// topicAttributes is what GetTopicAttributes answers for t (API Reference,
// GetTopicAttributes): always TopicArn, Owner, Policy, DisplayName (empty
// when unset), the three subscription counts and EffectiveDeliveryPolicy;
// DeliveryPolicy and KmsMasterKeyId when set; FifoTopic and
// ContentBasedDeduplication for FIFO topics.
func topicAttributes(owner *Account, region string, t *Topic) map[string]string {
	arn := topicARN(region, owner.ID, t.Name)
	confirmed, pending := 0, 0
	for _, s := range t.Subscriptions {
		if s == nil {
			continue
		}
		if s.Pending {
			pending++
		} else {
			confirmed++
		}
	}
	policy := defaultTopicPolicy(arn, owner.ID)
	if t.Policy != nil {
		policy = t.Policy.JSON
	}
	attrs := map[string]string{
		"TopicArn":                arn,
		"Owner":                   owner.ID,
		"Policy":                  policy,
		"DisplayName":             t.DisplayName,
		"SubscriptionsConfirmed":  strconv.Itoa(confirmed),
		"SubscriptionsPending":    strconv.Itoa(pending),
		"SubscriptionsDeleted":    strconv.Itoa(t.SubscriptionsDeleted),
		"EffectiveDeliveryPolicy": defaultTopicDeliveryPolicy,
	}
	if t.DeliveryPolicy != nil {
		attrs["DeliveryPolicy"] = t.DeliveryPolicy.JSON
		attrs["EffectiveDeliveryPolicy"] = t.DeliveryPolicy.JSON
	}
	if t.KMSMasterKeyID != "" {
		attrs["KmsMasterKeyId"] = t.KMSMasterKeyID
	}
	if strings.HasSuffix(t.Name, ".fifo") {
		attrs["FifoTopic"] = "true"
		attrs["ContentBasedDeduplication"] = strconv.FormatBool(t.ContentBasedDeduplication)
	}
	for k, v := range t.Attributes {
		attrs[k] = v
	}
	return attrs
}

// attributesXML writes a string map as SNS does: <entry><key/><value/>,
// here in key order.
func attributesXML(x *xmlw, attrs map[string]string) {
	x.open("Attributes")
	for _, k := range sortedKeys(attrs) {
		x.open("entry").leaf("key", k).leaf("value", attrs[k]).close("entry")
	}
	x.close("Attributes")
}

func snsGetTopicAttributes(c *call) (*response, error) {
	owner, t, err := snsTopic(c, "GetTopicAttributes")
	if err != nil {
		return nil, err
	}
	attrs := topicAttributes(owner, c.region, t)
	return queryResponse(c, "GetTopicAttributes", func(x *xmlw) { attributesXML(x, attrs) }), nil
}

// snsSub is a subscription with where it lives.
type snsSub struct {
	account *Account // the topic's account
	topic   *Topic
	sub     *SNSSubscription
	arn     string
}

func (s snsSub) owner() string { return orDefault(s.sub.Owner, s.account.ID) }

func (s snsSub) topicARN(region string) string { return topicARN(region, s.account.ID, s.topic.Name) }

// listedARN is the SubscriptionArn the List calls send: PendingConfirmation
// for a subscription not yet confirmed (API Reference, Subscription).
func (s snsSub) listedARN() string {
	if s.sub.Pending {
		return "PendingConfirmation"
	}
	return s.arn
}

func subscriptionsOf(a *Account, region string, t *Topic) []snsSub {
	var out []snsSub
	for _, s := range t.Subscriptions {
		if s != nil {
			out = append(out, snsSub{a, t, s, topicARN(region, a.ID, t.Name) + ":" + s.id(a, t)})
		}
	}
	slices.SortFunc(out, func(x, y snsSub) int { return strings.Compare(x.arn, y.arn) })
	return out
}

func subscriptionsXML(x *xmlw, region string, subs []snsSub, next string) {
	x.open("Subscriptions")
	for _, s := range subs {
		x.open("member").leaf("SubscriptionArn", s.listedARN()).leaf("Owner", s.owner()).leaf("Protocol", s.sub.Protocol).
			leaf("Endpoint", s.sub.Endpoint).leaf("TopicArn", s.topicARN(region)).close("member")
	}
	x.close("Subscriptions").leafIf("NextToken", next)
}

// snsListSubscriptionsByTopic lists every subscription to the caller's
// topic, whichever account owns it.
func snsListSubscriptionsByTopic(c *call) (*response, error) {
	owner, t, err := snsTopic(c, "ListSubscriptionsByTopic")
	if err != nil {
		return nil, err
	}
	subs, next, err := snsPage(c, subscriptionsOf(owner, c.region, t), func(s snsSub) string { return s.arn }, "subscription")
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "ListSubscriptionsByTopic", func(x *xmlw) { subscriptionsXML(x, c.region, subs, next) }), nil
}

// snsListSubscriptions lists the requester's subscriptions in the region:
// those the caller's account owns, on its own topics or other accounts'
// (API Reference: "Returns a list of the requester's subscriptions").
func snsListSubscriptions(c *call) (*response, error) {
	me := c.account().ID
	var mine []snsSub
	for _, a := range c.srv.world.Accounts {
		if a == nil {
			continue
		}
		for _, t := range a.SNS.Topics {
			if t == nil || regionOf(a, t.Region) != c.region {
				continue
			}
			for _, s := range subscriptionsOf(a, c.region, t) {
				if s.owner() == me {
					mine = append(mine, s)
				}
			}
		}
	}
	slices.SortFunc(mine, func(x, y snsSub) int { return strings.Compare(x.arn, y.arn) })
	subs, next, err := snsPage(c, mine, func(s snsSub) string { return s.arn }, "subscription")
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "ListSubscriptions", func(x *xmlw) { subscriptionsXML(x, c.region, subs, next) }), nil
}

// subscriptionAttributes is what GetSubscriptionAttributes answers (API
// Reference, GetSubscriptionAttributes, and the CLI example in the SNS
// Developer Guide, "Applying a subscription filter policy", which also shows
// Endpoint and Protocol).
func subscriptionAttributes(region string, s snsSub) map[string]string {
	authenticated := !s.sub.Pending
	if s.sub.ConfirmationWasAuthenticated != nil {
		authenticated = *s.sub.ConfirmationWasAuthenticated
	}
	attrs := map[string]string{
		"SubscriptionArn":              s.arn,
		"TopicArn":                     s.topicARN(region),
		"Owner":                        s.owner(),
		"Protocol":                     s.sub.Protocol,
		"Endpoint":                     s.sub.Endpoint,
		"PendingConfirmation":          strconv.FormatBool(s.sub.Pending),
		"ConfirmationWasAuthenticated": strconv.FormatBool(authenticated),
		"RawMessageDelivery":           strconv.FormatBool(s.sub.RawMessageDelivery),
	}
	if s.sub.Protocol == "http" || s.sub.Protocol == "https" {
		attrs["EffectiveDeliveryPolicy"] = defaultSubDeliveryPolicy
	}
	if s.sub.DeliveryPolicy != nil {
		attrs["DeliveryPolicy"] = s.sub.DeliveryPolicy.JSON
		attrs["EffectiveDeliveryPolicy"] = s.sub.DeliveryPolicy.JSON
	}
	if s.sub.FilterPolicy != nil {
		attrs["FilterPolicy"] = s.sub.FilterPolicy.JSON
		attrs["FilterPolicyScope"] = orDefault(s.sub.FilterPolicyScope, "MessageAttributes")
	}
	if s.sub.RedrivePolicy != nil {
		attrs["RedrivePolicy"] = s.sub.RedrivePolicy.JSON
	}
	if s.sub.SubscriptionRoleARN != "" {
		attrs["SubscriptionRoleArn"] = s.sub.SubscriptionRoleARN
	}
	for k, v := range s.sub.Attributes {
		attrs[k] = v
	}
	return attrs
}

// snsGetSubscriptionAttributes answers the topic's owner and the
// subscription's owner; anyone else gets AuthorizationError. Pending
// subscriptions are found by their real ARN (PendingConfirmation is not an
// ARN: InvalidParameter).
func snsGetSubscriptionAttributes(c *call) (*response, error) {
	raw := c.form.Get("SubscriptionArn")
	ref, ok := parseSNSARN(raw, 7)
	if !ok || ref.region != c.region || ref.sub == "" {
		return nil, snsInvalidParameter("SubscriptionArn")
	}
	var found *snsSub
	if owner := c.srv.accounts[ref.account]; owner != nil {
		if t := findTopic(owner, ref.region, ref.topic); t != nil {
			for _, s := range subscriptionsOf(owner, ref.region, t) {
				if s.arn == raw {
					found = &s
				}
			}
		}
	}
	if found == nil {
		return nil, errorFor("sns", "NotFound", "Subscription does not exist")
	}
	if me := c.account().ID; found.account.ID != me && found.owner() != me {
		return nil, snsDenied(c, "GetSubscriptionAttributes", raw)
	}
	attrs := subscriptionAttributes(c.region, *found)
	return queryResponse(c, "GetSubscriptionAttributes", func(x *xmlw) { attributesXML(x, attrs) }), nil
}

package fakeaws

import (
	"regexp"
	"slices"
	"strings"
)

// SNS is an account's SNS state (FIXTURE.md, "sns"). Topics are regional;
// subscriptions belong to their topic, whatever account owns them.
type SNS struct {
	Topics []*Topic `yaml:"topics"`
}

// Topic is one SNS topic.
type Topic struct {
	Name string `yaml:"name"`
	// Region defaults to the account's first region.
	Region      string `yaml:"region"`
	DisplayName string `yaml:"display_name"`
	// Policy is the topic's access policy. Absent: the default policy SNS
	// gives every topic created without one (the AWS:SourceOwner statement,
	// sns.go defaultTopicPolicy); a topic always has a policy.
	Policy         *Document `yaml:"policy"`
	KMSMasterKeyID string    `yaml:"kms_master_key_id"`
	DeliveryPolicy *Document `yaml:"delivery_policy"`
	// ContentBasedDeduplication applies to FIFO topics (.fifo names) only.
	ContentBasedDeduplication bool `yaml:"content_based_deduplication"`
	// SubscriptionsDeleted is what the SubscriptionsDeleted attribute says.
	SubscriptionsDeleted int `yaml:"subscriptions_deleted"`
	// Attributes add to or override what GetTopicAttributes answers
	// (SignatureVersion, TracingConfig, ArchivePolicy, ...).
	Attributes    map[string]string  `yaml:"attributes"`
	Subscriptions []*SNSSubscription `yaml:"subscriptions"`
}

// SNSSubscription is one subscription to a topic.
type SNSSubscription struct {
	// ID is the last part of the subscription ARN (a UUID); default derived
	// from the topic, protocol and endpoint.
	ID       string `yaml:"id"`
	Protocol string `yaml:"protocol"` // http | https | email | email-json | sms | sqs | application | lambda | firehose
	Endpoint string `yaml:"endpoint"`
	// Owner is the account that subscribed (default: the topic's). It need
	// not be in the fixture.
	Owner string `yaml:"owner"`
	// Pending subscriptions are listed with the SubscriptionArn
	// "PendingConfirmation" and count as SubscriptionsPending.
	Pending bool `yaml:"pending"`
	// ConfirmationWasAuthenticated defaults to true for a confirmed
	// subscription and false for a pending one.
	ConfirmationWasAuthenticated *bool     `yaml:"confirmation_was_authenticated"`
	RawMessageDelivery           bool      `yaml:"raw_message_delivery"`
	FilterPolicy                 *Document `yaml:"filter_policy"`
	// FilterPolicyScope is MessageAttributes (the default) or MessageBody.
	FilterPolicyScope   string    `yaml:"filter_policy_scope"`
	RedrivePolicy       *Document `yaml:"redrive_policy"`
	DeliveryPolicy      *Document `yaml:"delivery_policy"`
	SubscriptionRoleARN string    `yaml:"subscription_role_arn"` // firehose
	// Attributes add to or override what GetSubscriptionAttributes answers.
	Attributes map[string]string `yaml:"attributes"`
}

// snsProtocols are the subscription protocols of the Subscribe API.
var snsProtocols = []string{"http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"}

var (
	// topicNameRE: 1-256 letters, digits, hyphens and underscores; FIFO
	// topics end in .fifo (CreateTopic API reference).
	topicNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,251}(\.fifo)?$`)
	lowerUUIDRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

func (v *validator) sns(p []any, a *Account) {
	type regional struct{ region, name string }
	seen := map[regional]bool{}
	for j, t := range a.SNS.Topics {
		tp := at(p, "sns", "topics", j)
		if t == nil {
			v.errf(tp, "empty topic")
			continue
		}
		r := regionOf(a, t.Region)
		if !validRegion(r) {
			v.errf(at(tp, "region"), "%q is not a region name", t.Region)
		} else if !a.regionEnabled(r) {
			v.errf(at(tp, "region"), "region %s is not enabled for account %s", r, a.ID)
		}
		k := regional{r, t.Name}
		switch {
		case !topicNameRE.MatchString(t.Name) || len(t.Name) > 256:
			v.errf(at(tp, "name"), "%q is not a valid topic name (1-256 letters, digits, - and _, .fifo for FIFO topics)", t.Name)
		case seen[k]:
			v.errf(at(tp, "name"), "topic %s appears twice in %s", t.Name, r)
		}
		seen[k] = true
		if t.ContentBasedDeduplication && !strings.HasSuffix(t.Name, ".fifo") {
			v.errf(at(tp, "content_based_deduplication"), "content_based_deduplication applies to FIFO topics (.fifo) only")
		}
		if t.SubscriptionsDeleted < 0 {
			v.errf(at(tp, "subscriptions_deleted"), "subscriptions_deleted %d is negative", t.SubscriptionsDeleted)
		}
		ids := map[string]bool{}
		for k, s := range t.Subscriptions {
			sp := at(tp, "subscriptions", k)
			if s == nil {
				v.errf(sp, "empty subscription")
				continue
			}
			if !slices.Contains(snsProtocols, s.Protocol) {
				v.errf(at(sp, "protocol"), "protocol %q is not one of %s", s.Protocol, strings.Join(snsProtocols, ", "))
			}
			if s.Endpoint == "" {
				v.errf(at(sp, "endpoint"), "a subscription needs an endpoint")
			}
			if s.Owner != "" && !accountIDRE.MatchString(s.Owner) {
				v.errf(at(sp, "owner"), "owner %q is not 12 digits", s.Owner)
			}
			id := s.id(a, t)
			if s.ID != "" && !lowerUUIDRE.MatchString(s.ID) {
				v.errf(at(sp, "id"), "subscription id %q is not a lower-case UUID", s.ID)
			} else if ids[id] {
				v.errf(sp, "subscription %s appears twice on topic %s", id, t.Name)
			}
			ids[id] = true
			if s.FilterPolicyScope != "" && s.FilterPolicyScope != "MessageAttributes" && s.FilterPolicyScope != "MessageBody" {
				v.errf(at(sp, "filter_policy_scope"), "filter_policy_scope %q is not MessageAttributes or MessageBody", s.FilterPolicyScope)
			}
			if s.FilterPolicyScope != "" && s.FilterPolicy == nil {
				v.errf(at(sp, "filter_policy_scope"), "filter_policy_scope needs a filter_policy")
			}
			if s.SubscriptionRoleARN != "" && s.Protocol != "firehose" {
				v.errf(at(sp, "subscription_role_arn"), "subscription_role_arn applies to firehose subscriptions only")
			}
		}
	}
}

// id is the subscription's UUID: the fixture's, or one derived from the
// topic, protocol and endpoint, so a fixture always yields the same ARNs.
func (s *SNSSubscription) id(a *Account, t *Topic) string {
	if s.ID != "" {
		return s.ID
	}
	return derivedUUID("sns-subscription:" + a.ID + ":" + regionOf(a, t.Region) + ":" + t.Name + ":" + s.Protocol + ":" + s.Endpoint + ":" + s.Owner)
}

// regionOf is where a resource with the fixture region r lives: r, or the
// account's first region.
func regionOf(a *Account, r string) string { return orDefault(r, a.homeRegion()) }

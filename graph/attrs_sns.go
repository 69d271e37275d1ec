package graph

// SNSTopic holds what the sns collector read about a topic.
type SNSTopic struct {
	// Policy is the topic's access policy (GetTopicAttributes Policy). SNS
	// always has one: a topic created without a policy gets SNS's default,
	// which admits any principal only when AWS:SourceOwner is the owner.
	Policy Doc `json:"policy"`
	// KMSKeyID is KmsMasterKeyId as SNS reports it (a key id, key ARN, alias
	// name or alias ARN), "" when the topic is not encrypted.
	KMSKeyID    string `json:"kms_key_id,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
	FIFO        bool   `json:"fifo,omitempty"`
	// AttributesKnown is True when GetTopicAttributes answered.
	AttributesKnown Tri `json:"attributes_known"`
	// SubscriptionsKnown is True when the topic's subscriptions were listed
	// completely (ListSubscriptionsByTopic), Unknown when the listing failed:
	// then the topic may deliver to endpoints the graph does not show.
	SubscriptionsKnown Tri `json:"subscriptions_known"`
	// Subscriptions are the topic's subscriptions, in the listing's order.
	Subscriptions []SNSSubscription `json:"subscriptions,omitempty"`
}

// SNSSubscription is one subscription of a topic.
type SNSSubscription struct {
	// ARN is the subscription ARN, or "PendingConfirmation" for one whose
	// endpoint has not confirmed it (SNS delivers nothing to it yet).
	ARN      string `json:"arn"`
	Protocol string `json:"protocol"` // http, https, email, email-json, sms, sqs, lambda, firehose, application
	Endpoint string `json:"endpoint,omitempty"`
	Owner    string `json:"owner,omitempty"` // the account that subscribed
}

// Pending says whether the subscription awaits confirmation.
func (s SNSSubscription) Pending() bool { return s.ARN == "PendingConfirmation" }

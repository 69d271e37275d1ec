package graph

// snsTopic derives access edges from a topic's access policy.
//
// SNS takes only signed requests (the SNS API Reference documents unsigned
// calls for ConfirmSubscription and Unsubscribe alone; any other request
// without a Signature Version 4 signature is InvalidSecurity), so "anyone"
// in a topic policy is any AWS account's principals, not the open internet.
//
// SNS's default topic policy admits every principal on condition that
// AWS:SourceOwner is the owner (SNS Developer Guide, "Creating an Amazon SNS
// topic"): the policy engine pins it to the owner, an internal grant, and no
// edge is drawn. sns:Subscribe and sns:Receive are receiving: whoever may
// subscribe gets every message published (EdgeKindOf).
func (r *resolver) snsTopic(n *Node) {
	t := n.Topic()
	if t == nil {
		return
	}
	res, ok := r.judgePolicy(n, t.Policy, "sns", ViaTopicPolicy)
	if ok && t.Policy.State == True {
		r.grantEdges(n, res, ViaTopicPolicy, t.Policy.Source, false, True, nil)
	}
	if t.SubscriptionsKnown == Unknown && t.AttributesKnown == True {
		r.note(n.ID, NoteUnknownExposure, ViaSNSSubscription,
			"the topic's subscriptions could not be listed (sns:ListSubscriptionsByTopic); where its messages go, and to whom, is unknown")
	}
}

package fakeaws

// DocumentedRates returns the request quotas AWS publishes for the reads
// the fake serves of SNS, KMS and Secrets Manager, per account and Region,
// as Throttle.APIs entries keyed "service:Api". A fixture's throttle
// section, or cmd/trustmap-bench's, adds them to throttle as AWS does. AWS
// publishes no bursts; each is one second's worth.
//
// Not here because AWS publishes no figure for them that we could read:
// SNS GetTopicAttributes and GetSubscriptionAttributes (the General
// Reference's SNS quota table lists them, but not in any source we could
// consult), and every EventBridge read (the EventBridge quotas page gives
// rates for PutEvents, invocations and a few writes only).
func DocumentedRates() map[string]Rate {
	r := func(n float64) Rate { return Rate{Rate: n, Burst: int(n)} }
	return map[string]Rate{
		// SNS API Reference, ListTopics, ListSubscriptions and
		// ListSubscriptionsByTopic: "This action is throttled at 30
		// transactions per second (TPS)."
		"sns:ListTopics":               r(30),
		"sns:ListSubscriptions":        r(30),
		"sns:ListSubscriptionsByTopic": r(30),

		// AWS KMS Developer Guide, "Request quotas", table "Request quotas
		// for each AWS KMS API operation" (the version last published in
		// awsdocs/aws-kms-developer-guide, requests-per-second.md; AWS has
		// raised some since, check the live page before relying on a
		// ceiling).
		"kms:DescribeKey":          r(1000),
		"kms:GetKeyPolicy":         r(1000),
		"kms:GetKeyRotationStatus": r(1000),
		"kms:ListAliases":          r(100),
		"kms:ListGrants":           r(100),
		"kms:ListKeyPolicies":      r(100),
		"kms:ListKeys":             r(100),

		// Secrets Manager: ListSecrets 100 per second ("AWS Secrets Manager
		// increases API requests per second limits", What's New,
		// 2022-11-11); DescribeSecret 40,000 per second (What's New,
		// 2025-03-04); GetResourcePolicy shares 50 per second with
		// Delete/Put/ValidateResourcePolicy (User Guide, "AWS Secrets
		// Manager quotas"), writes the fake does not serve, so its own
		// bucket is the same thing.
		"secretsmanager:ListSecrets":       r(100),
		"secretsmanager:DescribeSecret":    r(40000),
		"secretsmanager:GetResourcePolicy": r(50),
	}
}

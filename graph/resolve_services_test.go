package graph

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	topicARN  = "arn:aws:sns:us-east-1:123456789012:orders"
	busARN    = "arn:aws:events:us-east-1:123456789012:event-bus/default"
	keyARN    = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	secretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"
	appRole   = "arn:aws:iam::123456789012:role/app"
)

func topic(policyText string) Node {
	return Node{ID: topicARN, Kind: KindSNSTopic, Account: owner, Region: "us-east-1",
		Attrs: &SNSTopic{Policy: doc(policyText), AttributesKnown: True, SubscriptionsKnown: True}}
}

func bus(policyText string) Node {
	d := Absent("events:ListEventBuses")
	if policyText != "" {
		d = doc(policyText)
	}
	return Node{ID: busARN, Kind: KindEventBus, Account: owner, Region: "us-east-1", Attrs: &EventBus{Policy: d, RulesKnown: True}}
}

func key(policyText string, grants ...KMSGrant) Node {
	return Node{ID: keyARN, Kind: KindKMSKey, Account: owner, Region: "us-east-1", Attrs: &KMSKey{
		Policy: doc(policyText), Manager: "CUSTOMER", State: "Enabled", DescribeKnown: True, GrantsKnown: True, Grants: grants,
		Aliases: []string{"alias/orders"}}}
}

func secretNode(policyText, kmsKey string) Node {
	d := Absent("secretsmanager:GetResourcePolicy")
	if policyText != "" {
		d = doc(policyText)
	}
	return Node{ID: secretARN, Kind: KindSecret, Account: owner, Region: "us-east-1", Attrs: &Secret{Policy: d, KMSKeyID: kmsKey}}
}

// KMS Developer Guide, "Default key policy": the root statement.
const defaultKeyPolicy = `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}`

// SNS Developer Guide, "Creating an Amazon SNS topic": the default policy.
const defaultTopicPolicy = `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"` + topicARN + `","Condition":{"StringEquals":{"AWS:SourceOwner":"123456789012"}}}]}`

func TestResolveJudgesTopicsBusesKeysAndSecrets(t *testing.T) {
	cases := []struct {
		name  string
		nodes []Node
		want  []string
	}{
		{"SNS Developer Guide, Creating an Amazon SNS topic: the default policy pinned by AWS:SourceOwner is no way in",
			[]Node{topic(defaultTopicPolicy)}, nil},
		{"SNS Developer Guide, security best practices: a topic anyone may publish to is public to any AWS account (SNS takes only signed requests)",
			[]Node{topic(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"` + topicARN + `"}]}`)},
			[]string{"aws:any-account -can-send/topic-policy/public-> " + topicARN}},
		{"SNS Developer Guide, Example cases for access control: another account may subscribe, which receives every message",
			[]Node{topic(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["sns:Subscribe","sns:Receive"],"Resource":"` + topicARN + `"}]}`)},
			[]string{"account:111122223333 -can-receive/topic-policy/cross-account-> " + topicARN}},
		{"EventBridge API Reference, PutPermission: Principal * lets any account put events on the bus",
			[]Node{bus(`{"Statement":[{"Sid":"AnyAccount","Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"` + busARN + `"}]}`)},
			[]string{"aws:any-account -can-send/bus-policy/public-> " + busARN}},
		{"EventBridge User Guide, Permissions for event buses: the organization's accounts may put events",
			[]Node{bus(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"` + busARN + `","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`)},
			[]string{"org:o-a1b2c3d4e5 -can-send/bus-policy/cross-account-> " + busARN}},
		{"EventBridge: a bus without a policy takes events from its own account only",
			[]Node{bus("")}, nil},
		{"KMS Developer Guide, Default key policy: the root statement delegates to IAM and is no external grant",
			[]Node{key(defaultKeyPolicy)}, nil},
		{"KMS Developer Guide, Allowing users in other accounts to use a KMS key: the external account gets the key",
			[]Node{key(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*"}]}`)},
			[]string{"account:111122223333 -can-read/key-policy/cross-account-> " + keyARN}},
		{"KMS Developer Guide, kms:ViaService: the service condition alone does not limit who, so * through S3 is public",
			[]Node{key(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]}`)},
			[]string{"aws:any-account -can-read/key-policy/public-> " + keyARN}},
		{"KMS Developer Guide, kms:CallerAccount: * pinned to the owner through a service is every principal of the account, internal",
			[]Node{key(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"sqs.us-east-1.amazonaws.com","kms:CallerAccount":"123456789012"}}}]}`)},
			[]string{"account:123456789012 -can-read/key-policy/internal-> " + keyARN}},
		{"KMS Developer Guide, Grants in AWS KMS: a grant to another account's role is a way in, with its constraint",
			[]Node{key(defaultKeyPolicy, KMSGrant{ID: "g1", Name: "partner", Grantee: "arn:aws:iam::111122223333:role/reader", Operations: []string{"Decrypt"},
				Constraints: []string{"kms:EncryptionContext:Department = orders (subset)"}})},
			[]string{"arn:aws:iam::111122223333:role/reader -can-read/kms-grant/cross-account-> " + keyARN}},
		{"KMS Developer Guide, Grants in AWS KMS: a grant to the owner's own role is internal; one to a service principal draws nothing",
			[]Node{key(defaultKeyPolicy, KMSGrant{ID: "g2", Grantee: appRole, Operations: []string{"Decrypt", "GenerateDataKey"}},
				KMSGrant{ID: "g3", Grantee: "rds.us-east-1.amazonaws.com", Operations: []string{"Decrypt"}})},
			[]string{appRole + " -can-access/kms-grant/internal-> " + keyARN, appRole + " -can-read/kms-grant/internal-> " + keyARN}},
		{"KMS: a key pending deletion is usable by nobody, whatever its policy",
			[]Node{func() Node {
				k := key(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}`)
				k.Key().State = "PendingDeletion"
				return k
			}()}, nil},
		{"Secrets Manager User Guide, Permissions for users in a different account: the other account's role reads the secret",
			[]Node{secretNode(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reporting"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`, "")},
			[]string{"arn:aws:iam::111122223333:role/reporting -can-read/secret-policy/cross-account-> " + secretARN}},
		{"Secrets Manager: a secret without a resource policy is no way in",
			[]Node{secretNode("", "")}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := access(Resolve(snapshotOf(tc.nodes...)))
			slices.Sort(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("access edges (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAnUnreadablePolicyOrListingIsANoteNotNoWayIn(t *testing.T) {
	k := key(defaultKeyPolicy)
	k.Key().Policy = Hidden("kms:GetKeyPolicy")
	k.Key().GrantsKnown = Unknown
	tp := topic(defaultTopicPolicy)
	tp.Topic().SubscriptionsKnown = Unknown
	b := bus("")
	b.Bus().RulesKnown = Unknown
	s := secretNode("", "")
	s.Secret().Policy = Hidden("secretsmanager:GetResourcePolicy")
	g := Resolve(snapshotOf(k, tp, b, s))
	var got []string
	for _, n := range g.Notes {
		got = append(got, n.Resource+" "+string(n.Kind)+" "+n.Via.String())
	}
	want := []string{
		busARN + " unknown-exposure eventbridge-rule",
		keyARN + " unknown-exposure key-policy",
		keyARN + " unknown-exposure kms-grant",
		secretARN + " unknown-exposure secret-policy",
		topicARN + " unknown-exposure sns-subscription",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

func TestEachStoreIsLinkedToTheKeyThatEncryptsIt(t *testing.T) {
	queue := Node{ID: "arn:aws:sqs:us-east-1:123456789012:q", Kind: KindSQSQueue, Account: owner, Region: "us-east-1", Attrs: &SQSQueue{KMSKeyID: "alias/orders"}}
	sseSQS := Node{ID: "arn:aws:sqs:us-east-1:123456789012:plain", Kind: KindSQSQueue, Account: owner, Region: "us-east-1", Attrs: &SQSQueue{SSEManaged: True}}
	tp := topic(defaultTopicPolicy)
	tp.Topic().KMSKeyID = "1234abcd-12ab-34cd-56ef-1234567890ab"
	managed := Node{ID: "arn:aws:kms:us-east-1:123456789012:key/9abc", Kind: KindKMSKey, Account: owner, Region: "us-east-1",
		Attrs: &KMSKey{Manager: "AWS", State: "Enabled", DescribeKnown: True, Aliases: []string{"alias/aws/secretsmanager"}}}
	other := Node{ID: "arn:aws:secretsmanager:us-east-1:123456789012:secret:other-XyZ123", Kind: KindSecret, Account: owner, Region: "us-east-1",
		Attrs: &Secret{KMSKeyID: "arn:aws:kms:us-east-1:123456789012:alias/orders"}}
	foreign := Node{ID: "arn:aws:sqs:us-east-1:123456789012:foreign", Kind: KindSQSQueue, Account: owner, Region: "us-east-1",
		Attrs: &SQSQueue{KMSKeyID: "arn:aws:kms:us-east-1:111122223333:key/ffff"}}
	unknownAlias := Node{ID: "arn:aws:sqs:us-east-1:123456789012:aws-managed", Kind: KindSQSQueue, Account: owner, Region: "us-east-1",
		Attrs: &SQSQueue{KMSKeyID: "alias/aws/sqs"}}
	g := Resolve(snapshotOf(key(defaultKeyPolicy), managed, queue, sseSQS, tp, secretNode("", ""), other, foreign, unknownAlias))
	var got []string
	for _, e := range g.Edges {
		if e.Kind == EdgeProtects {
			got = append(got, e.From+" -> "+e.To+" ("+e.Evidence[0].Detail+")")
		}
	}
	want := []string{
		"arn:aws:kms:us-east-1:111122223333:key/ffff -> arn:aws:sqs:us-east-1:123456789012:foreign (encrypted with arn:aws:kms:us-east-1:111122223333:key/ffff)",
		keyARN + " -> arn:aws:secretsmanager:us-east-1:123456789012:secret:other-XyZ123 (encrypted with arn:aws:kms:us-east-1:123456789012:alias/orders)",
		keyARN + " -> arn:aws:sqs:us-east-1:123456789012:q (encrypted with alias/orders)",
		keyARN + " -> " + topicARN + " (encrypted with 1234abcd-12ab-34cd-56ef-1234567890ab)",
		"arn:aws:kms:us-east-1:123456789012:key/9abc -> " + secretARN + " (encrypted with alias/aws/secretsmanager)",
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("protects edges (-want +got):\n%s", diff)
	}
}

// A role's IAM policy gives it a key only where the key policy delegates
// to the account (KMS Developer Guide, "Default key policy": "Allows access
// to the AWS account and enables IAM policies").
func TestAnIdentityPolicyReachesAKeyOnlyWhereTheKeyPolicyDelegates(t *testing.T) {
	role := Node{ID: appRole, Kind: KindIAMRole, Account: owner, Attrs: &IAMRole{PoliciesKnown: True,
		TrustPolicy:    doc(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		InlinePolicies: map[string]string{"kms": `{"Statement":[{"Effect":"Allow","Action":["kms:Decrypt","sns:Publish","events:PutEvents","secretsmanager:GetSecretValue"],"Resource":"*"}]}`}}}
	noRoot := key(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"kms:*","Resource":"*"}]}`)
	noRoot.ID = "arn:aws:kms:us-east-1:123456789012:key/no-root"
	unreadable := key(defaultKeyPolicy)
	unreadable.ID = "arn:aws:kms:us-east-1:123456789012:key/unreadable"
	unreadable.Key().Policy = Hidden("kms:GetKeyPolicy")
	g := Resolve(snapshotOf(role, key(defaultKeyPolicy), noRoot, unreadable, topic(defaultTopicPolicy), bus(""), secretNode("", "")))
	var got []string
	for _, e := range g.Edges {
		if e.Via == ViaIdentityPolicy {
			got = append(got, fmt.Sprintf("%s %v certain=%v -> %s", e.Kind, e.Actions, e.Certainty, strings.TrimPrefix(e.To, "arn:aws:")))
		}
	}
	slices.Sort(got)
	want := []string{
		"can-read [kms:Decrypt] certain=true -> kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"can-read [kms:Decrypt] certain=unknown -> kms:us-east-1:123456789012:key/unreadable",
		"can-read [secretsmanager:GetSecretValue] certain=true -> secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
		"can-send [events:PutEvents] certain=true -> events:us-east-1:123456789012:event-bus/default",
		"can-send [sns:Publish] certain=true -> sns:us-east-1:123456789012:orders",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("identity edges (-want +got):\n%s", diff)
	}
}

func TestKeyAccessSaysWhetherThePrincipalCanDecrypt(t *testing.T) {
	const partnerRole = "arn:aws:iam::111122223333:role/reader"
	withKMS := func(id, actions string) Node {
		return Node{ID: id, Kind: KindIAMRole, Account: owner, Attrs: &IAMRole{PoliciesKnown: True,
			InlinePolicies: map[string]string{"p": `{"Statement":[{"Effect":"Allow","Action":` + actions + `,"Resource":"*"}]}`}}}
	}
	sec := secretNode(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+partnerRole+`"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`, "alias/orders")
	cases := []struct {
		name      string
		key       Node
		principal string
		action    string
		want      Tri
		evidence  string
	}{
		{"a role whose IAM policy allows kms:Decrypt under the root delegation can decrypt",
			key(defaultKeyPolicy), appRole, "kms:Decrypt", True, "identity-policy allows kms:Decrypt"},
		{"a role whose IAM policy does not allow it cannot",
			key(defaultKeyPolicy), "arn:aws:iam::123456789012:role/none", "kms:Decrypt", False, "neither the key policy, a grant, nor an IAM policy"},
		{"another account's role cannot, with only the root delegation",
			key(defaultKeyPolicy), partnerRole, "kms:Decrypt", False, "neither the key policy nor a grant allows kms:Decrypt to " + partnerRole},
		{"another account's role can through a grant to it",
			key(defaultKeyPolicy, KMSGrant{ID: "g", Grantee: partnerRole, Operations: []string{"Decrypt"}}), partnerRole, "kms:Decrypt", True, "kms-grant allows kms:Decrypt (grant g to"},
		{"another account's role can when the key policy names its account",
			key(`{"Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:Decrypt","Resource":"*"}]}`), partnerRole, "kms:Decrypt", True, "key-policy allows kms:Decrypt (statement 1"},
		{"a grant with an encryption-context constraint leaves it unknown",
			key(defaultKeyPolicy, KMSGrant{ID: "g", Grantee: partnerRole, Operations: []string{"Decrypt"}, Constraints: []string{"kms:EncryptionContext:Department = orders (subset)"}}),
			partnerRole, "kms:Decrypt", Unknown, "only under conditions"},
		{"every principal of the account through the service (the AWS managed keys' policy)",
			key(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.us-east-1.amazonaws.com","kms:CallerAccount":"123456789012"}}}]}`),
			"arn:aws:iam::123456789012:role/none", "kms:GenerateDataKey", True, "key-policy allows kms:GenerateDataKey"},
		{"an anonymous caller never can",
			key(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}`), InternetID, "kms:Decrypt", False, ""},
		{"an unreadable key policy leaves it unknown",
			func() Node { k := key(defaultKeyPolicy); k.Key().Policy = Hidden("kms:GetKeyPolicy"); return k }(), partnerRole, "kms:Decrypt", Unknown, "could not be read"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := Resolve(snapshotOf(tc.key, sec, withKMS(appRole, `"kms:Decrypt"`), withKMS("arn:aws:iam::123456789012:role/none", `"s3:GetObject"`)))
			u, ok := g.KeyAccess(tc.principal, secretARN, tc.action)
			if !ok || u.Key != keyARN {
				t.Fatalf("KeyAccess = %+v, %v; want the key that protects the secret", u, ok)
			}
			if u.Access != tc.want || !strings.Contains(u.Evidence, tc.evidence) {
				t.Errorf("access %v (%s), want %v with %q", u.Access, u.Evidence, tc.want, tc.evidence)
			}
		})
	}
	if _, ok := Resolve(snapshotOf(key(defaultKeyPolicy))).KeyAccess(appRole, topicARN, "kms:Decrypt"); ok {
		t.Error("KeyAccess of data no key protects should say so")
	}
}

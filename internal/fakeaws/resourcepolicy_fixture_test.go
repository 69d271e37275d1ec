package fakeaws

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

const resourcePoliciesFixture = "../../testdata/accounts/resource-policies.yaml"

// TestResourcePoliciesFixture reads each documented exposure case of the
// sample fixture back through the real SDK clients, as a collector would.
func TestResourcePoliciesFixture(t *testing.T) {
	srv := startFixture(t, resourcePoliciesFixture, Options{})
	ctx := context.Background()
	cc := clientConfig{}

	t.Run("SNS: a public topic, a cross-account and organization grant, the default SourceOwner policy", func(t *testing.T) {
		c := srv.sns(t, cc)
		for topic, want := range map[string]string{
			"public-announcements": `"Principal":"*","Action":["sns:Publish","sns:Subscribe"]`,
			"orders":               `"Principal":{"AWS":"111122223333"}`,
			"ops-alerts":           `"Condition":{"StringEquals":{"AWS:SourceOwner":"123456789012"}}`,
		} {
			got := getTopicAttributes(t, c, "arn:aws:sns:us-east-1:123456789012:"+topic)["Policy"]
			if !strings.Contains(got, want) {
				t.Errorf("%s: policy %s\nwant it to contain %s", topic, got, want)
			}
		}
	})

	t.Run("SNS: subscriptions to email, HTTPS (pending), SQS and a partner's Lambda", func(t *testing.T) {
		c := srv.sns(t, cc)
		var got []string
		for _, topic := range []string{"orders", "public-announcements"} {
			out, err := c.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String("arn:aws:sns:us-east-1:123456789012:" + topic)})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range out.Subscriptions {
				got = append(got, aws.ToString(s.Protocol)+" "+aws.ToString(s.Owner)+" "+strings.SplitN(aws.ToString(s.SubscriptionArn), ":", 2)[0])
			}
		}
		want := "sqs 123456789012 arn,lambda 111122223333 arn,email 123456789012 arn,https 123456789012 PendingConfirmation"
		if strings.Join(got, ",") != want {
			t.Errorf("subscriptions %v\nwant %s", got, want)
		}
	})

	t.Run("EventBridge: an organization-scoped default bus and a bus open to every account", func(t *testing.T) {
		c := srv.eventbridge(t, cc)
		for bus, want := range map[string]string{
			"default":        `"aws:PrincipalOrgID":"o-a1b2c3d4e5"`,
			"partner-ingest": `"Principal":"*","Action":"events:PutEvents","Resource":"arn:aws:events:us-east-1:123456789012:event-bus/partner-ingest"}]`,
		} {
			out, err := c.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String(bus)})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(aws.ToString(out.Policy), want) {
				t.Errorf("%s: policy %s\nwant it to contain %s", bus, aws.ToString(out.Policy), want)
			}
		}
		out, err := c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("forward-partner-events"), EventBusName: aws.String("partner-ingest")})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Targets) != 2 || aws.ToString(out.Targets[0].RoleArn) != "arn:aws:iam::123456789012:role/events-cross-account" {
			t.Errorf("targets %+v", out.Targets)
		}
	})

	t.Run("KMS: a cross-account grant, root delegation with ViaService, a policy the auditor may not read, the AWS managed key", func(t *testing.T) {
		c := srv.kms(t, cc)
		grants, err := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: aws.String("1234abcd-12ab-34cd-56ef-1234567890ab")})
		if err != nil {
			t.Fatal(err)
		}
		if len(grants.Grants) != 1 || aws.ToString(grants.Grants[0].GranteePrincipal) != "arn:aws:iam::111122223333:role/order-reader" {
			t.Errorf("grants %+v", grants.Grants)
		}
		pol, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String("1234abcd-12ab-34cd-56ef-1234567890ab")})
		if err != nil || !strings.Contains(aws.ToString(pol.Policy), `"AWS" : "arn:aws:iam::123456789012:root"`) {
			t.Errorf("default key policy: %v %s", err, aws.ToString(pol.Policy))
		}
		_, err = srv.kms(t, clientConfig{attempts: 1}).GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String("5678abcd-12ab-34cd-56ef-1234567890ab")})
		if got := decodeError(t, err); got.Code != "AccessDeniedException" || !strings.Contains(err.Error(), "arn:aws:iam::123456789012:user/auditor") {
			t.Errorf("denied read: %v", err)
		}
		pol, err = c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String("9abcabcd-12ab-34cd-56ef-1234567890ab")})
		if err != nil || !strings.Contains(aws.ToString(pol.Policy), `"kms:ViaService" : "secretsmanager.us-east-1.amazonaws.com"`) {
			t.Errorf("AWS managed key policy: %v %s", err, aws.ToString(pol.Policy))
		}
	})

	t.Run("Secrets Manager: a cross-account resource policy and a rotation Lambda", func(t *testing.T) {
		c := srv.secretsmanager(t, cc)
		pol, err := c.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String("prod/reporting-db")})
		if err != nil || !strings.Contains(aws.ToString(pol.ResourcePolicy), "arn:aws:iam::111122223333:role/reporting") {
			t.Errorf("resource policy: %v %v", err, pol)
		}
		d, err := c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("prod/reporting-db")})
		if err != nil || !aws.ToBool(d.RotationEnabled) || aws.ToString(d.RotationLambdaARN) != "arn:aws:lambda:us-east-1:123456789012:function:rotate-reporting-db" {
			t.Errorf("rotation: %v %+v", err, d)
		}
		list, err := c.ListSecrets(ctx, &secretsmanager.ListSecretsInput{})
		if err != nil || len(list.SecretList) != 3 {
			t.Fatalf("secrets: %v, %d", err, len(list.SecretList))
		}
		for _, s := range list.SecretList {
			if strings.Contains(aws.ToString(s.Name), "FAKE-SECRET-VALUE") {
				t.Errorf("a secret value in %s", aws.ToString(s.Name))
			}
		}
	})
}

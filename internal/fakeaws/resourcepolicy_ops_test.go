package fakeaws

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/google/go-cmp/cmp"
)

// TestEveryOperationDeniedThrottledThenAnswered sends each served
// operation of the four services three times against the sample fixture,
// with two faults queued on it: the first call is denied, the second
// throttled, the third answered. The denial and throttling errors are each
// service's own, and the SDK classifies the throttling error as a throttle
// (so its retryer backs off).
func TestEveryOperationDeniedThrottledThenAnswered(t *testing.T) {
	ctx := context.Background()
	type op struct {
		service, api string
		call         func(*Server, *testing.T) error
	}
	cc := clientConfig{attempts: 1}
	topic := aws.String("arn:aws:sns:us-east-1:123456789012:orders")
	key := aws.String("1234abcd-12ab-34cd-56ef-1234567890ab")
	ops := []op{
		{"sns", "ListTopics", func(s *Server, t *testing.T) error {
			_, err := s.sns(t, cc).ListTopics(ctx, &sns.ListTopicsInput{})
			return err
		}},
		{"sns", "GetTopicAttributes", func(s *Server, t *testing.T) error {
			_, err := s.sns(t, cc).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: topic})
			return err
		}},
		{"sns", "ListSubscriptionsByTopic", func(s *Server, t *testing.T) error {
			_, err := s.sns(t, cc).ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: topic})
			return err
		}},
		{"sns", "ListSubscriptions", func(s *Server, t *testing.T) error {
			_, err := s.sns(t, cc).ListSubscriptions(ctx, &sns.ListSubscriptionsInput{})
			return err
		}},
		{"sns", "GetSubscriptionAttributes", func(s *Server, t *testing.T) error {
			_, err := s.sns(t, cc).GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(*topic + ":5e1f0c2a-0000-4000-8000-000000000003")})
			return err
		}},
		{"events", "ListEventBuses", func(s *Server, t *testing.T) error {
			_, err := s.eventbridge(t, cc).ListEventBuses(ctx, &eventbridge.ListEventBusesInput{})
			return err
		}},
		{"events", "DescribeEventBus", func(s *Server, t *testing.T) error {
			_, err := s.eventbridge(t, cc).DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{})
			return err
		}},
		{"events", "ListRules", func(s *Server, t *testing.T) error {
			_, err := s.eventbridge(t, cc).ListRules(ctx, &eventbridge.ListRulesInput{})
			return err
		}},
		{"events", "DescribeRule", func(s *Server, t *testing.T) error {
			_, err := s.eventbridge(t, cc).DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("nightly-report")})
			return err
		}},
		{"events", "ListTargetsByRule", func(s *Server, t *testing.T) error {
			_, err := s.eventbridge(t, cc).ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("nightly-report")})
			return err
		}},
		{"events", "ListApiDestinations", func(s *Server, t *testing.T) error {
			_, err := s.eventbridge(t, cc).ListApiDestinations(ctx, &eventbridge.ListApiDestinationsInput{})
			return err
		}},
		{"events", "DescribeApiDestination", func(s *Server, t *testing.T) error {
			_, err := s.eventbridge(t, cc).DescribeApiDestination(ctx, &eventbridge.DescribeApiDestinationInput{Name: aws.String("partner-webhook")})
			return err
		}},
		{"events", "ListConnections", func(s *Server, t *testing.T) error {
			_, err := s.eventbridge(t, cc).ListConnections(ctx, &eventbridge.ListConnectionsInput{})
			return err
		}},
		{"events", "DescribeConnection", func(s *Server, t *testing.T) error {
			_, err := s.eventbridge(t, cc).DescribeConnection(ctx, &eventbridge.DescribeConnectionInput{Name: aws.String("partner-api")})
			return err
		}},
		{"kms", "ListKeys", func(s *Server, t *testing.T) error {
			_, err := s.kms(t, cc).ListKeys(ctx, &kms.ListKeysInput{})
			return err
		}},
		{"kms", "DescribeKey", func(s *Server, t *testing.T) error {
			_, err := s.kms(t, cc).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: key})
			return err
		}},
		{"kms", "GetKeyPolicy", func(s *Server, t *testing.T) error {
			_, err := s.kms(t, cc).GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: key})
			return err
		}},
		{"kms", "ListKeyPolicies", func(s *Server, t *testing.T) error {
			_, err := s.kms(t, cc).ListKeyPolicies(ctx, &kms.ListKeyPoliciesInput{KeyId: key})
			return err
		}},
		{"kms", "ListGrants", func(s *Server, t *testing.T) error {
			_, err := s.kms(t, cc).ListGrants(ctx, &kms.ListGrantsInput{KeyId: key})
			return err
		}},
		{"kms", "ListAliases", func(s *Server, t *testing.T) error {
			_, err := s.kms(t, cc).ListAliases(ctx, &kms.ListAliasesInput{})
			return err
		}},
		{"kms", "GetKeyRotationStatus", func(s *Server, t *testing.T) error {
			_, err := s.kms(t, cc).GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: key})
			return err
		}},
		{"secretsmanager", "ListSecrets", func(s *Server, t *testing.T) error {
			_, err := s.secretsmanager(t, cc).ListSecrets(ctx, &secretsmanager.ListSecretsInput{})
			return err
		}},
		{"secretsmanager", "DescribeSecret", func(s *Server, t *testing.T) error {
			_, err := s.secretsmanager(t, cc).DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("prod/reporting-db")})
			return err
		}},
		{"secretsmanager", "GetResourcePolicy", func(s *Server, t *testing.T) error {
			_, err := s.secretsmanager(t, cc).GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String("prod/reporting-db")})
			return err
		}},
	}
	denied := map[string]apiError{
		"sns": {"AuthorizationError", 403}, "events": {"AccessDeniedException", 400},
		"kms": {"AccessDeniedException", 400}, "secretsmanager": {"AccessDeniedException", 400},
	}
	throttled := map[string]apiError{
		"sns": {"ThrottlingException", 400}, "events": {"ThrottlingException", 400},
		"kms": {"ThrottlingException", 400}, "secretsmanager": {"ThrottlingException", 400},
	}

	var faults strings.Builder
	faults.WriteString("faults:\n")
	for _, o := range ops {
		fmt.Fprintf(&faults, "  - {service: %s, api: %s, error: AccessDenied, count: 1}\n  - {service: %s, api: %s, error: Throttling, count: 1}\n", o.service, o.api, o.service, o.api)
	}
	w, err := LoadFixture(resourcePoliciesFixture)
	if err != nil {
		t.Fatal(err)
	}
	fw, err := ParseFixture([]byte("accounts: [{id: \"123456789012\"}]\n"+faults.String()), "faults.yaml")
	if err != nil {
		t.Fatal(err)
	}
	w.Faults = fw.Faults
	srv := startWorld(t, w, Options{})

	throttle := retry.IsErrorThrottles(retry.DefaultThrottles)
	for _, o := range ops {
		t.Run(o.service+":"+o.api, func(t *testing.T) {
			if diff := cmp.Diff(denied[o.service], decodeError(t, o.call(srv, t))); diff != "" {
				t.Errorf("first call (-want +got):\n%s", diff)
			}
			err := o.call(srv, t)
			if diff := cmp.Diff(throttled[o.service], decodeError(t, err)); diff != "" {
				t.Errorf("second call (-want +got):\n%s", diff)
			}
			if throttle.IsErrorThrottle(err) != aws.TrueTernary {
				t.Errorf("the SDK does not classify %v as a throttle", err)
			}
			if err := o.call(srv, t); err != nil {
				t.Errorf("third call: %v", err)
			}
		})
	}
	st := srv.Stats()
	for _, o := range ops {
		k := o.service + ":" + o.api
		if st.Calls[k] != 3 || st.Faults[k] != 2 {
			t.Errorf("%s: %d calls, %d faults; want 3 and 2", k, st.Calls[k], st.Faults[k])
		}
	}
}

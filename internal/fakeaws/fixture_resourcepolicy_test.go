package fakeaws

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/google/go-cmp/cmp"
)

// resourcePolicySeeds are fixtures with the SNS, EventBridge, KMS and
// Secrets Manager sections, for FuzzParseFixture and the parse tests.
var resourcePolicySeeds = []string{
	"accounts:\n  - id: \"123456789012\"\n    sns: {topics: [{name: t, policy: '{not json', subscriptions: [{protocol: sqs, endpoint: arn:aws:sqs:us-east-1:123456789012:q, pending: true}]}]}\n",
	"accounts:\n  - id: \"123456789012\"\n    eventbridge: {buses: [{name: default, policy: {Statement: []}}], rules: [{name: r, event_pattern: {source: [x]}, targets: [{id: a, arn: arn:aws:sqs:us-east-1:1:q, input: '{'}]}]}\n",
	"accounts:\n  - id: \"123456789012\"\n    eventbridge: {connections: [{name: c, authorization_type: BASIC, basic: {username: u, password: p}}], api_destinations: [{name: d, connection: c, endpoint: \"https://x\", http_method: POST}]}\n",
	"accounts:\n  - id: \"123456789012\"\n    kms: {keys: [{id: 1234abcd-12ab-34cd-56ef-1234567890ab, denied_reads: [GetKeyPolicy], grants: [{grantee_principal: x, operations: [Decrypt]}]}, {id: 3333abcd-12ab-34cd-56ef-1234567890ab, aws_service: secretsmanager}], aliases: [{name: alias/aws/s3}]}\n",
	"accounts:\n  - id: \"123456789012\"\n    secretsmanager: {secrets: [{name: s, policy: &p {a: [1]}, value: v, versions: {v1: [AWSCURRENT]}}]}\n",
}

func TestResourcePolicySectionsParse(t *testing.T) {
	for i, s := range resourcePolicySeeds {
		w, err := ParseFixture([]byte(s), fmt.Sprintf("seed%d.yaml", i))
		if err != nil {
			t.Errorf("seed %d: %v", i, err)
			continue
		}
		if err := w.Validate(); err != nil {
			t.Errorf("seed %d does not validate again: %v", i, err)
		}
	}
}

func TestResourcePolicyFixtureErrors(t *testing.T) {
	const head = "accounts:\n  - id: \"123456789012\"\n"
	for _, tc := range []struct {
		name, yaml string
		want       string // a substring of the error, which starts with file:line
	}{
		{"an unknown topic field names its line", head + "    sns:\n      topics:\n        - name: t\n          polcy: {}\n",
			"bad.yaml:6: field polcy not found in type fakeaws.Topic"},
		{"a topic name must be valid", head + "    sns: {topics: [{name: \"my topic\"}]}\n",
			"bad.yaml:3: accounts[0].sns.topics[0].name: \"my topic\" is not a valid topic name"},
		{"topic names are unique per region", head + "    sns:\n      topics:\n        - {name: t}\n        - {name: t}\n",
			"bad.yaml:6: accounts[0].sns.topics[1].name: topic t appears twice in us-east-1"},
		{"content-based deduplication is for FIFO topics", head + "    sns: {topics: [{name: t, content_based_deduplication: true}]}\n",
			"content_based_deduplication applies to FIFO topics (.fifo) only"},
		{"a subscription protocol is one of SNS's", head + "    sns:\n      topics:\n        - name: t\n          subscriptions:\n            - {protocol: ftp, endpoint: x}\n",
			"bad.yaml:7: accounts[0].sns.topics[0].subscriptions[0].protocol: protocol \"ftp\" is not one of"},
		{"a subscription owner is an account id", head + "    sns: {topics: [{name: t, subscriptions: [{protocol: sqs, endpoint: x, owner: bob}]}]}\n",
			"owner \"bob\" is not 12 digits"},
		{"a rule's bus must exist", head + "    eventbridge:\n      rules:\n        - {name: r, bus: orders, schedule_expression: rate(1 hour)}\n",
			"bad.yaml:5: accounts[0].eventbridge.rules[0].bus: event bus orders is not in the fixture in us-east-1"},
		{"a rule needs a pattern or a schedule", head + "    eventbridge: {rules: [{name: r}]}\n",
			"a rule needs an event_pattern or a schedule_expression"},
		{"a target takes one kind of input", head + "    eventbridge: {rules: [{name: r, schedule_expression: rate(1 hour), targets: [{id: a, arn: arn:x, input: x, input_path: $.a}]}]}\n",
			"input, input_path and input_transformer are mutually exclusive"},
		{"a connection needs the block of its authorization type", head + "    eventbridge: {connections: [{name: c, authorization_type: API_KEY}]}\n",
			"authorization_type API_KEY needs its api_key block"},
		{"an API destination's connection must exist in its region", head + "    eventbridge: {api_destinations: [{name: d, connection: c, endpoint: \"https://x\", http_method: POST}]}\n",
			"connection \"c\" is not in the fixture in us-east-1"},
		{"an API destination is HTTPS", head + "    eventbridge: {connections: [{name: c, authorization_type: BASIC, basic: {username: u}}], api_destinations: [{name: d, connection: c, endpoint: \"http://x\", http_method: POST}]}\n",
			"is not an https:// URL"},
		{"a key id is a UUID or mrk-", head + "    kms:\n      keys:\n        - {id: my-key}\n",
			"bad.yaml:5: accounts[0].kms.keys[0].id: key id \"my-key\" is not a lower-case UUID or mrk- and 32 hex digits"},
		{"an AWS managed key without a documented policy needs one in the fixture", head + "    kms: {keys: [{id: 1234abcd-12ab-34cd-56ef-1234567890ab, aws_service: s3}]}\n",
			"AWS documents no key policy for the AWS managed key of s3 that the fake knows"},
		{"denied_reads names KMS reads", head + "    kms: {keys: [{id: 1234abcd-12ab-34cd-56ef-1234567890ab, denied_reads: [Decrypt]}]}\n",
			"\"Decrypt\" is not one of DescribeKey, GetKeyPolicy, ListKeyPolicies, ListGrants, GetKeyRotationStatus"},
		{"a grant operation is a KMS grant operation", head + "    kms: {keys: [{id: 1234abcd-12ab-34cd-56ef-1234567890ab, grants: [{grantee_principal: x, operations: [Delete]}]}]}\n",
			"operation \"Delete\" is not a grant operation"},
		{"an alias points at a key of its region", head + "    kms: {aliases: [{name: alias/x, target: 1234abcd-12ab-34cd-56ef-1234567890ab}]}\n",
			"key 1234abcd-12ab-34cd-56ef-1234567890ab is not in the fixture in us-east-1"},
		{"only predefined AWS aliases may lack a target", head + "    kms: {aliases: [{name: alias/x}]}\n",
			"only predefined AWS aliases (alias/aws/...) may have no target"},
		{"a key spec and usage must go together", head + "    kms: {keys: [{id: 1234abcd-12ab-34cd-56ef-1234567890ab, spec: HMAC_256, usage: ENCRYPT_DECRYPT}]}\n",
			"usage \"ENCRYPT_DECRYPT\" is not valid for spec HMAC_256"},
		{"a secret name must be valid", head + "    secretsmanager:\n      secrets:\n        - {name: \"a secret\"}\n",
			"bad.yaml:5: accounts[0].secretsmanager.secrets[0].name: \"a secret\" is not a valid secret name"},
		{"a rotation Lambda is a function ARN", head + "    secretsmanager: {secrets: [{name: s, rotation_lambda_arn: rotate}]}\n",
			"\"rotate\" is not a Lambda function ARN"},
		{"a rotation schedule is days or an expression", head + "    secretsmanager: {secrets: [{name: s, rotation_rules: {automatically_after_days: 30, schedule_expression: rate(10 days)}}]}\n",
			"automatically_after_days and schedule_expression are mutually exclusive"},
		{"faults may name the new services", head + "faults: [{service: eventbridge, error: Throttling}]\n",
			"faults[0].service: service \"eventbridge\" is not one of"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFixture([]byte(tc.yaml), "bad.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestDocumentedRatesAreValidThrottleEntries(t *testing.T) {
	rates := DocumentedRates()
	var b strings.Builder
	b.WriteString("accounts: [{id: \"123456789012\"}]\nthrottle:\n  apis:\n")
	for _, k := range sortedKeys(rates) {
		fmt.Fprintf(&b, "    %q: {rate: %g, burst: %d}\n", k, rates[k].Rate, rates[k].Burst)
	}
	w, err := ParseFixture([]byte(b.String()), "rates.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for k, r := range rates {
		svc, api, _ := strings.Cut(k, ":")
		name, got, limited := w.Throttle.Bucket(svc, api)
		if name != k || !limited || got != r {
			t.Errorf("%s draws from %s at %+v (limited %v), want its own bucket at %+v", k, name, got, limited, r)
		}
	}
	if rates["sns:ListTopics"].Rate != 30 || rates["kms:ListKeys"].Rate != 100 || rates["secretsmanager:GetResourcePolicy"].Rate != 50 {
		t.Errorf("rates %v", rates)
	}
}

// TestChaosCoversTheNewServices: chaos mode needs nothing special for
// SNS (XML) and the JSON services: a malformed answer is not XML/JSON in
// the service's protocol, and a chaos section may name them.
func TestChaosCoversTheNewServices(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(snsWorld, "chaos: {seed: 7, rate: 1, kinds: [malformed], services: [sns, events, kms, secretsmanager]}"), Options{Logf: func(string, ...any) {}})
	probes := []struct {
		service, target, body string
		parse                 func([]byte) error
	}{
		{"sns", "", "Action=ListTopics&Version=2010-03-31", func(b []byte) error { var v struct{}; return xml.Unmarshal(b, &v) }},
		{"events", "AWSEvents.ListEventBuses", "{}", func(b []byte) error { var v map[string]any; return json.Unmarshal(b, &v) }},
		{"kms", "TrentService.ListKeys", "{}", func(b []byte) error { var v map[string]any; return json.Unmarshal(b, &v) }},
		{"secretsmanager", "secretsmanager.ListSecrets", "{}", func(b []byte) error { var v map[string]any; return json.Unmarshal(b, &v) }},
	}
	for _, p := range probes {
		h := signedHeader(demoKey, "us-east-1", p.service)
		if p.target == "" {
			h.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			h.Set("X-Amz-Target", p.target)
			h.Set("Content-Type", "application/x-amz-json-1.1")
		}
		resp, body := srv.rawRequest(t, http.MethodPost, "/", "", h, p.body)
		if resp.StatusCode != 200 || p.parse([]byte(body)) == nil {
			t.Errorf("%s: status %d, body %q parses: want a 200 that does not", p.service, resp.StatusCode, body)
		}
	}
	st := srv.Stats()
	for _, k := range []string{"sns:ListTopics", "events:ListEventBuses", "kms:ListKeys", "secretsmanager:ListSecrets"} {
		if st.ChaosByAPI[k] != 1 || st.Calls[k] != 1 {
			t.Errorf("%s: %d calls, %d chaos faults; want 1 and 1", k, st.Calls[k], st.ChaosByAPI[k])
		}
	}
}

// TestUnsignedRequestsToTheNewServicesGetTheirProtocolsErrors: a request
// with no signature is recognised by its X-Amz-Target (or the SNS API
// version) and answered in the service's own protocol.
func TestUnsignedRequestsToTheNewServicesGetTheirProtocolsErrors(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(snsWorld, ""), Options{})
	for _, tc := range []struct {
		name, target, ctype, body, want string
	}{
		{"SNS", "", "application/x-www-form-urlencoded", "Action=ListTopics&Version=2010-03-31",
			xmlHeader + `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code>`},
		{"EventBridge", "AWSEvents.ListRules", "application/x-amz-json-1.1", "{}", `{"__type":"MissingAuthenticationTokenException","message":`},
		{"KMS", "TrentService.ListKeys", "application/x-amz-json-1.1", "{}", `{"__type":"MissingAuthenticationTokenException","message":`},
		{"Secrets Manager", "secretsmanager.ListSecrets", "application/x-amz-json-1.1", "{}", `{"__type":"MissingAuthenticationTokenException","Message":`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{"Content-Type": {tc.ctype}}
			if tc.target != "" {
				h.Set("X-Amz-Target", tc.target)
			}
			_, body := srv.rawRequest(t, http.MethodPost, "/", "", h, tc.body)
			if !strings.HasPrefix(body, tc.want) {
				t.Errorf("body %s\nwant prefix %s", body, tc.want)
			}
		})
	}
}

// TestDerivedIDsAreStable: ids a fixture leaves out are the same on every
// run and have AWS's shapes.
func TestDerivedIDsAreStable(t *testing.T) {
	if a, b := derivedUUID("x"), derivedUUID("x"); a != b || !lowerUUIDRE.MatchString(a) {
		t.Errorf("derivedUUID: %s, %s", a, b)
	}
	if s := derivedAlnum(6, "x"); !secretSuffixRE.MatchString(s) || s != derivedAlnum(6, "x") {
		t.Errorf("derivedAlnum: %s", s)
	}
	if g := derivedHex(64, "x"); !grantIDRE.MatchString(g) {
		t.Errorf("derivedHex: %s", g)
	}
}

// TestDisabledRegionForTheJSONServices: a request signed for an opt-in
// region the account has not enabled is refused before any operation, as
// for every other JSON service: the credentials are unknown there.
func TestDisabledRegionForTheJSONServices(t *testing.T) {
	srv := startFixture(t, resourcePoliciesFixture, Options{})
	ctx := context.Background()
	cc := clientConfig{region: "ap-east-1", attempts: 1}
	for name, call := range map[string]func() error{
		"events": func() error {
			_, err := srv.eventbridge(t, cc).ListEventBuses(ctx, &eventbridge.ListEventBusesInput{})
			return err
		},
		"kms": func() error { _, err := srv.kms(t, cc).ListKeys(ctx, &kms.ListKeysInput{}); return err },
		"secretsmanager": func() error {
			_, err := srv.secretsmanager(t, cc).ListSecrets(ctx, &secretsmanager.ListSecretsInput{})
			return err
		},
	} {
		if diff := cmp.Diff(apiError{"UnrecognizedClientException", 400}, decodeError(t, call())); diff != "" {
			t.Errorf("%s: error (-want +got):\n%s", name, diff)
		}
	}
	if st := srv.Stats(); st.Rejected != 3 || st.TotalCalls() != 0 {
		t.Errorf("rejected %d, calls %d: want 3 rejected before any operation", st.Rejected, st.TotalCalls())
	}
}

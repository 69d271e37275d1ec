package fakeaws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// smWorld: in us-east-1 a rotated database secret with a cross-account
// resource policy, an API key secret, a secret RDS manages, a secret
// scheduled for deletion, and an EventBridge connection whose credentials
// live in a secret EventBridge owns. Every value starts SECRETVALUE. %s is
// appended at top level.
const smWorld = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    secretsmanager:
      secrets:
        - name: prod/db
          region: us-east-1
          arn_suffix: AbCdEf
          description: Production database
          kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
          rotation_lambda_arn: "arn:aws:lambda:us-east-1:123456789012:function:rotate-db"
          rotation_rules: {automatically_after_days: 30}
          created: 2024-01-07T10:00:00Z
          last_changed: 2024-06-01T00:00:05Z
          last_rotated: 2024-06-01T00:00:00Z
          last_accessed: 2024-06-10T15:30:00Z
          tags: {env: prod, team: data}
          versions: {0a1b2c3d-0000-4000-8000-0000000000a1: [AWSCURRENT], 0a1b2c3d-0000-4000-8000-0000000000a0: [AWSPREVIOUS]}
          policy:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:role/reporting"}, Action: "secretsmanager:GetSecretValue", Resource: "*"}]
          value: SECRETVALUE-db-password
        - {name: app/api-key, region: us-east-1, created: 2024-02-01T00:00:00Z, value: '{"key":"SECRETVALUE-api"}'}
        - {name: "rds!db-0123", region: us-east-1, owning_service: rds, created: 2024-03-01T00:00:00Z, value: SECRETVALUE-rds}
        - {name: old, region: us-east-1, created: 2023-01-01T00:00:00Z, deleted: 2024-05-01T00:00:00Z, value: SECRETVALUE-old}
    eventbridge:
      connections:
        - {name: partner, region: us-east-1, created: 2024-04-01T00:00:00Z, authorization_type: API_KEY, api_key: {name: x-api-key, value: SECRETVALUE-connection},
           invocation_parameters: {query_string: [{key: token, value: SECRETVALUE-query, secret: true}]}}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
    secretsmanager:
      secrets: [{name: shared, region: us-east-1, arn_suffix: XyZ123, value: SECRETVALUE-partner}]
%s`

const prodDBARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"

func (s *Server) secretsmanager(t *testing.T, cc clientConfig) *secretsmanager.Client {
	return secretsmanager.NewFromConfig(s.config(t, cc), func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func secretNames(list []smtypes.SecretListEntry) []string {
	var out []string
	for _, s := range list {
		out = append(out, aws.ToString(s.Name))
	}
	return out
}

func TestSecretsManagerListSecrets(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(smWorld, ""), Options{})
	ctx := context.Background()
	c := srv.secretsmanager(t, clientConfig{})
	list := func(t *testing.T, in secretsmanager.ListSecretsInput) []smtypes.SecretListEntry {
		t.Helper()
		out, err := c.ListSecrets(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		return out.SecretList
	}

	t.Run("lists by creation date, without secrets scheduled for deletion, with EventBridge's connection secret", func(t *testing.T) {
		got := list(t, secretsmanager.ListSecretsInput{})
		names := secretNames(got)
		if len(names) != 4 || names[0] != "prod/db" || names[1] != "app/api-key" || names[2] != "rds!db-0123" || !strings.HasPrefix(names[3], "events!connection/partner/") {
			t.Fatalf("names %v", names)
		}
		want := smtypes.SecretListEntry{
			ARN: aws.String(prodDBARN), Name: aws.String("prod/db"), Description: aws.String("Production database"),
			KmsKeyId:        aws.String("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
			RotationEnabled: aws.Bool(true), RotationLambdaARN: aws.String("arn:aws:lambda:us-east-1:123456789012:function:rotate-db"),
			RotationRules:          &smtypes.RotationRulesType{AutomaticallyAfterDays: aws.Int64(30)},
			CreatedDate:            aws.Time(time.Date(2024, 1, 7, 10, 0, 0, 0, time.UTC)),
			LastChangedDate:        aws.Time(time.Date(2024, 6, 1, 0, 0, 5, 0, time.UTC)),
			LastRotatedDate:        aws.Time(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)),
			LastAccessedDate:       aws.Time(time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC)),
			Tags:                   []smtypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}, {Key: aws.String("team"), Value: aws.String("data")}},
			SecretVersionsToStages: map[string][]string{"0a1b2c3d-0000-4000-8000-0000000000a1": {"AWSCURRENT"}, "0a1b2c3d-0000-4000-8000-0000000000a0": {"AWSPREVIOUS"}},
		}
		opts := cmpopts.IgnoreUnexported(smtypes.SecretListEntry{}, smtypes.RotationRulesType{}, smtypes.Tag{})
		if diff := cmp.Diff(want, got[0], opts, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("prod/db (-want +got):\n%s", diff)
		}
		if got[1].KmsKeyId != nil || got[1].RotationEnabled != nil || got[1].LastAccessedDate != nil {
			t.Errorf("app/api-key: KmsKeyId %v, RotationEnabled %v, LastAccessedDate %v: want all absent", got[1].KmsKeyId, got[1].RotationEnabled, got[1].LastAccessedDate)
		}
		if aws.ToString(got[2].OwningService) != "rds" || aws.ToString(got[3].OwningService) != "events" {
			t.Errorf("owning services %v, %v", got[2].OwningService, got[3].OwningService)
		}
	})

	t.Run("IncludePlannedDeletion adds the secret scheduled for deletion, with its DeletedDate", func(t *testing.T) {
		got := list(t, secretsmanager.ListSecretsInput{IncludePlannedDeletion: aws.Bool(true)})
		if len(got) != 5 || aws.ToString(got[0].Name) != "old" || got[0].DeletedDate == nil {
			t.Errorf("got %v", secretNames(got))
		}
	})

	for _, tc := range []struct {
		name   string
		filter smtypes.Filter
		want   []string
	}{
		{"name filters by case-sensitive prefix", smtypes.Filter{Key: smtypes.FilterNameStringTypeName, Values: []string{"prod/"}}, []string{"prod/db"}},
		{"tag-key filters by tag key", smtypes.Filter{Key: smtypes.FilterNameStringTypeTagKey, Values: []string{"team"}}, []string{"prod/db"}},
		{"owning-service filters by managing service", smtypes.Filter{Key: smtypes.FilterNameStringTypeOwningService, Values: []string{"rds"}}, []string{"rds!db-0123"}},
		{"description is case-insensitive", smtypes.Filter{Key: smtypes.FilterNameStringTypeDescription, Values: []string{"production"}}, []string{"prod/db"}},
		{"! negates", smtypes.Filter{Key: smtypes.FilterNameStringTypeName, Values: []string{"!events!"}}, []string{"prod/db", "app/api-key", "rds!db-0123"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := secretNames(list(t, secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{tc.filter}}))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("SortBy name, descending", func(t *testing.T) {
		got := secretNames(list(t, secretsmanager.ListSecretsInput{SortBy: smtypes.SortByTypeName, SortOrder: smtypes.SortOrderTypeDesc}))
		if len(got) != 4 || got[0] != "rds!db-0123" || got[3] != "app/api-key" {
			t.Errorf("names %v", got)
		}
	})
}

func TestSecretsManagerPaging(t *testing.T) {
	w, err := ParseFixture([]byte(fmt.Sprintf(smWorld, "")), t.Name())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 150 {
		w.Accounts[0].SecretsManager.Secrets = append(w.Accounts[0].SecretsManager.Secrets,
			&Secret{Name: fmt.Sprintf("bulk/%03d", i), Region: "eu-west-1", Created: time.Date(2024, 1, 1, 0, i, 0, 0, time.UTC)})
	}
	srv := startWorld(t, w, Options{})
	ctx := context.Background()
	c := srv.secretsmanager(t, clientConfig{region: "eu-west-1"})

	for _, tc := range []struct {
		name  string
		in    secretsmanager.ListSecretsInput
		sizes []int
	}{
		{"the paginator with MaxResults 60 walks 3 pages", secretsmanager.ListSecretsInput{MaxResults: aws.Int32(60)}, []int{60, 60, 30}},
		{"without MaxResults pages hold 100", secretsmanager.ListSecretsInput{}, []int{100, 50}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := secretsmanager.NewListSecretsPaginator(c, &tc.in)
			var sizes []int
			var names []string
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				sizes = append(sizes, len(out.SecretList))
				names = append(names, secretNames(out.SecretList)...)
			}
			if diff := cmp.Diff(tc.sizes, sizes); diff != "" || len(names) != 150 || names[0] != "bulk/000" || names[149] != "bulk/149" {
				t.Errorf("page sizes (-want +got):\n%s\n%d names, first %v", diff, len(names), names[:1])
			}
		})
	}

	for _, tc := range []struct {
		name  string
		in    secretsmanager.ListSecretsInput
		want  apiError
		typed func(error) bool
	}{
		{"MaxResults above 100 is ValidationException", secretsmanager.ListSecretsInput{MaxResults: aws.Int32(101)}, apiError{"ValidationException", 400}, func(error) bool { return true }},
		{"a NextToken the fake did not issue is the typed InvalidNextTokenException", secretsmanager.ListSecretsInput{NextToken: aws.String("bogus")},
			apiError{"InvalidNextTokenException", 400}, func(err error) bool { return errors.As(err, new(*smtypes.InvalidNextTokenException)) }},
		{"an unknown filter key is ValidationException", secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{{Key: "colour", Values: []string{"x"}}}},
			apiError{"ValidationException", 400}, func(error) bool { return true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := srv.secretsmanager(t, clientConfig{region: "eu-west-1", attempts: 1}).ListSecrets(ctx, &tc.in)
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if !tc.typed(err) {
				t.Errorf("error %T is not the typed error", err)
			}
		})
	}
}

func TestSecretsManagerDescribeAndPolicy(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(smWorld, ""), Options{})
	ctx := context.Background()
	c := srv.secretsmanager(t, clientConfig{})

	t.Run("DescribeSecret finds a secret by name, ARN or partial ARN", func(t *testing.T) {
		for _, ref := range []string{"prod/db", prodDBARN, strings.TrimSuffix(prodDBARN, "-AbCdEf")} {
			out, err := c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(ref)})
			if err != nil {
				t.Fatalf("%s: %v", ref, err)
			}
			if aws.ToString(out.ARN) != prodDBARN || !aws.ToBool(out.RotationEnabled) || len(out.VersionIdsToStages) != 2 || len(out.Tags) != 2 {
				t.Errorf("%s: %+v", ref, out)
			}
		}
	})

	t.Run("GetResourcePolicy answers the cross-account policy", func(t *testing.T) {
		out, err := c.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String("prod/db")})
		if err != nil {
			t.Fatal(err)
		}
		want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reporting"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
		if aws.ToString(out.ResourcePolicy) != want || aws.ToString(out.ARN) != prodDBARN || aws.ToString(out.Name) != "prod/db" {
			t.Errorf("got %s %s %s", aws.ToString(out.ARN), aws.ToString(out.Name), aws.ToString(out.ResourcePolicy))
		}
	})

	t.Run("a secret without a policy answers ARN and Name and no ResourcePolicy", func(t *testing.T) {
		out, err := c.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String("app/api-key")})
		if err != nil {
			t.Fatal(err)
		}
		if out.ResourcePolicy != nil || aws.ToString(out.Name) != "app/api-key" || !strings.HasPrefix(aws.ToString(out.ARN), "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/api-key-") {
			t.Errorf("got %+v", out)
		}
	})

	notFound := func(err error) bool { return errors.As(err, new(*smtypes.ResourceNotFoundException)) }
	for _, tc := range []struct {
		name    string
		call    func(*secretsmanager.Client) error
		want    apiError
		typed   func(error) bool
		message string
	}{
		{"an unknown secret is the typed ResourceNotFoundException, HTTP 400", func(c *secretsmanager.Client) error {
			_, err := c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("nope")})
			return err
		}, apiError{"ResourceNotFoundException", 400}, notFound, "Secrets Manager can't find the specified secret."},
		{"GetResourcePolicy of an unknown secret too", func(c *secretsmanager.Client) error {
			_, err := c.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String("nope")})
			return err
		}, apiError{"ResourceNotFoundException", 400}, notFound, "Secrets Manager can't find the specified secret."},
		{"another account's secret is AccessDeniedException", func(c *secretsmanager.Client) error {
			_, err := c.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String("arn:aws:secretsmanager:us-east-1:111122223333:secret:shared-XyZ123")})
			return err
		}, apiError{"AccessDeniedException", 400}, func(error) bool { return true }, ""},
		{"GetSecretValue is not served: UnknownOperationException", func(c *secretsmanager.Client) error {
			_, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("prod/db")})
			return err
		}, apiError{"UnknownOperationException", 400}, func(error) bool { return true }, ""},
		{"nor is BatchGetSecretValue", func(c *secretsmanager.Client) error {
			_, err := c.BatchGetSecretValue(ctx, &secretsmanager.BatchGetSecretValueInput{SecretIdList: []string{"prod/db"}})
			return err
		}, apiError{"UnknownOperationException", 400}, func(error) bool { return true }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(srv.secretsmanager(t, clientConfig{attempts: 1}))
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if !tc.typed(err) {
				t.Errorf("error %v (%T) is not the typed error", err, err)
			}
			if !strings.HasSuffix(err.Error(), tc.message) {
				t.Errorf("error %q does not end in %q", err, tc.message)
			}
		})
	}

	t.Run("errors carry __type and Message (capital M, as the model names it)", func(t *testing.T) {
		h := signedHeader(demoKey, "us-east-1", "secretsmanager")
		h.Set("X-Amz-Target", "secretsmanager.DescribeSecret")
		h.Set("Content-Type", "application/x-amz-json-1.1")
		resp, body := srv.rawRequest(t, http.MethodPost, "/", "", h, `{"SecretId":"nope"}`)
		if want := `{"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."}`; resp.StatusCode != 400 || body != want {
			t.Errorf("status %d, body %s\nwant 400 and %s", resp.StatusCode, body, want)
		}
	})

	t.Run("an AccessDenied fault on one secret; the documented 50/s of GetResourcePolicy throttles the 51st", func(t *testing.T) {
		srv := startFrozen(t, fmt.Sprintf(smWorld, `faults: [{service: secretsmanager, api: DescribeSecret, resource: prod/db, error: AccessDenied}]
throttle: {apis: {"secretsmanager:GetResourcePolicy": {rate: 50}}}`))
		c := srv.secretsmanager(t, clientConfig{attempts: 1})
		_, err := c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(prodDBARN)})
		if diff := cmp.Diff(apiError{"AccessDeniedException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		if _, err := c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("app/api-key")}); err != nil {
			t.Error(err)
		}
		n, err := callsUntilError(60, func() error {
			_, err := c.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String("prod/db")})
			return err
		})
		if n != 51 {
			t.Errorf("first error at call %d, want 51", n)
		}
		if diff := cmp.Diff(apiError{"ThrottlingException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

// TestNoSecretValueEverLeavesTheFake plants values in secrets and in
// EventBridge connections and sends every Secrets Manager and EventBridge
// request that could carry one, served or not: no answer contains any of
// them.
func TestNoSecretValueEverLeavesTheFake(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(smWorld, ""), Options{})
	ids := []string{"prod/db", prodDBARN, "app/api-key", "rds!db-0123", "old", "arn:aws:secretsmanager:us-east-1:111122223333:secret:shared-XyZ123"}
	out, err := srv.secretsmanager(t, clientConfig{}).ListSecrets(context.Background(), &secretsmanager.ListSecretsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range out.SecretList {
		ids = append(ids, aws.ToString(s.Name), aws.ToString(s.ARN))
	}
	type req struct{ service, target, body string }
	var reqs []req
	for _, id := range ids {
		for _, op := range []string{"GetSecretValue", "DescribeSecret", "GetResourcePolicy", "ListSecretVersionIds"} {
			reqs = append(reqs, req{"secretsmanager", "secretsmanager." + op, fmt.Sprintf(`{"SecretId":%q}`, id)})
		}
		reqs = append(reqs, req{"secretsmanager", "secretsmanager.BatchGetSecretValue", fmt.Sprintf(`{"SecretIdList":[%q]}`, id)})
	}
	reqs = append(reqs,
		req{"secretsmanager", "secretsmanager.ListSecrets", `{"IncludePlannedDeletion":true}`},
		req{"secretsmanager", "secretsmanager.BatchGetSecretValue", `{"Filters":[{"Key":"all","Values":["a"]}]}`},
		req{"events", "AWSEvents.ListConnections", `{}`},
		req{"events", "AWSEvents.DescribeConnection", `{"Name":"partner"}`},
		req{"events", "AWSEvents.ListApiDestinations", `{}`},
	)
	for _, r := range reqs {
		for _, key := range []string{demoKey, partnerKey} {
			h := signedHeader(key, "us-east-1", r.service)
			h.Set("X-Amz-Target", r.target)
			h.Set("Content-Type", "application/x-amz-json-1.1")
			resp, body := srv.rawRequest(t, http.MethodPost, "/", "", h, r.body)
			if strings.Contains(body, "SECRETVALUE") {
				t.Errorf("%s %s as %s answered %d with a secret value: %s", r.target, r.body, key, resp.StatusCode, body)
			}
		}
	}
	if got := srv.Stats(); got.Calls["secretsmanager:DescribeSecret"] == 0 || got.Calls["events:DescribeConnection"] == 0 {
		t.Errorf("the probes did not reach the operations: %v", got.Calls)
	}
}

package fakeaws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// kmsWorld: in us-east-1 a customer key with the default policy and a
// cross-account grant, a customer key whose policy does not let the caller
// read its policy or grants, the AWS managed key of Secrets Manager, an
// ECC signing key pending deletion, and a multi-Region key replicated to
// eu-west-1. %s is appended at top level.
const kmsWorld = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    kms:
      keys:
        - id: 1234abcd-12ab-34cd-56ef-1234567890ab
          region: us-east-1
          description: orders data
          created: 2024-01-07T10:00:00Z
          rotation_enabled: true
          grants:
            - id: 0c1d2e3f0c1d2e3f0c1d2e3f0c1d2e3f0c1d2e3f0c1d2e3f0c1d2e3f0c1d2e3f
              name: partner-reader
              grantee_principal: "arn:aws:iam::111122223333:role/reader"
              retiring_principal: "arn:aws:iam::123456789012:role/admin"
              operations: [Decrypt, DescribeKey]
              constraints: {encryption_context_subset: {Department: IT}}
              created: 2024-02-01T00:00:00Z
            - {grantee_principal: "arn:aws:iam::123456789012:role/ebs", operations: [Encrypt]}
        - id: 2222abcd-12ab-34cd-56ef-1234567890ab
          region: us-east-1
          denied_reads: [GetKeyPolicy, ListGrants]
          policy:
            Version: "2012-10-17"
            Statement:
              - {Sid: Root, Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:root"}, Action: "kms:*", Resource: "*"}
        - {id: 3333abcd-12ab-34cd-56ef-1234567890ab, region: us-east-1, aws_service: secretsmanager, created: 2023-05-01T00:00:00Z}
        - {id: 4444abcd-12ab-34cd-56ef-1234567890ab, region: us-east-1, spec: ECC_NIST_P256, state: PendingDeletion,
           deletion_date: 2024-03-08T00:00:00Z, pending_window_days: 7}
        - {id: mrk-0123456789abcdef0123456789abcdef, region: us-east-1}
        - {id: mrk-0123456789abcdef0123456789abcdef, region: eu-west-1, primary_region: us-east-1}
      aliases:
        - {name: alias/orders, region: us-east-1, target: 1234abcd-12ab-34cd-56ef-1234567890ab, created: 2024-01-07T10:00:00Z}
        - {name: alias/aws/rds, region: us-east-1}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
    kms:
      keys: [{id: 9999abcd-12ab-34cd-56ef-1234567890ab, region: us-east-1}]
%s`

const (
	ordersKey    = "1234abcd-12ab-34cd-56ef-1234567890ab"
	ordersKeyARN = "arn:aws:kms:us-east-1:123456789012:key/" + ordersKey
	lockedKey    = "2222abcd-12ab-34cd-56ef-1234567890ab"
	smKey        = "3333abcd-12ab-34cd-56ef-1234567890ab"
	signKey      = "4444abcd-12ab-34cd-56ef-1234567890ab"
	mrkKey       = "mrk-0123456789abcdef0123456789abcdef"
)

func (s *Server) kms(t *testing.T, cc clientConfig) *kms.Client {
	return kms.NewFromConfig(s.config(t, cc), func(o *kms.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func TestKMSListKeys(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(kmsWorld, ""), Options{})
	ctx := context.Background()

	t.Run("the paginator with Limit 2 walks 3 pages; Truncated and NextMarker until the last", func(t *testing.T) {
		c := srv.kms(t, clientConfig{})
		var got []string
		var in kms.ListKeysInput
		in.Limit = aws.Int32(2)
		pages := 0
		for {
			out, err := c.ListKeys(ctx, &in)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, k := range out.Keys {
				if aws.ToString(k.KeyArn) != "arn:aws:kms:us-east-1:123456789012:key/"+aws.ToString(k.KeyId) {
					t.Errorf("key %s has ARN %s", aws.ToString(k.KeyId), aws.ToString(k.KeyArn))
				}
				got = append(got, aws.ToString(k.KeyId))
			}
			if !out.Truncated {
				if out.NextMarker != nil {
					t.Errorf("last page has NextMarker %q", *out.NextMarker)
				}
				break
			}
			in.Marker = out.NextMarker
		}
		want := []string{ordersKey, lockedKey, smKey, signKey, mrkKey}
		if diff := cmp.Diff(want, got); diff != "" || pages != 3 {
			t.Errorf("keys (-want +got):\n%s\npages %d, want 3", diff, pages)
		}
	})

	t.Run("without Limit the SDK paginator gets pages of 100", func(t *testing.T) {
		w, err := ParseFixture([]byte(fmt.Sprintf(kmsWorld, "")), t.Name())
		if err != nil {
			t.Fatal(err)
		}
		for i := range 249 {
			w.Accounts[0].KMS.Keys = append(w.Accounts[0].KMS.Keys, &KMSKey{ID: derivedUUID(fmt.Sprint("bulk", i)), Region: "eu-west-1"})
		}
		srv := startWorld(t, w, Options{})
		p := kms.NewListKeysPaginator(srv.kms(t, clientConfig{region: "eu-west-1"}), &kms.ListKeysInput{})
		var sizes []int
		seen := map[string]bool{}
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(out.Keys))
			for _, k := range out.Keys {
				seen[*k.KeyId] = true
			}
		}
		if diff := cmp.Diff([]int{100, 100, 50}, sizes); diff != "" || len(seen) != 250 {
			t.Errorf("page sizes (-want +got):\n%s\n%d keys, want 250", diff, len(seen))
		}
	})

	for _, tc := range []struct {
		name  string
		in    kms.ListKeysInput
		want  apiError
		typed func(error) bool
	}{
		{"Limit above 1000 is ValidationException", kms.ListKeysInput{Limit: aws.Int32(1001)}, apiError{"ValidationException", 400}, func(error) bool { return true }},
		{"a marker the fake did not issue is the typed InvalidMarkerException", kms.ListKeysInput{Marker: aws.String("bogus")}, apiError{"InvalidMarkerException", 400},
			func(err error) bool { return errors.As(err, new(*kmstypes.InvalidMarkerException)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := srv.kms(t, clientConfig{attempts: 1}).ListKeys(ctx, &tc.in)
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if !tc.typed(err) {
				t.Errorf("error %T is not the typed error", err)
			}
		})
	}
}

func TestKMSDescribeKey(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(kmsWorld, ""), Options{})
	ctx := context.Background()
	c := srv.kms(t, clientConfig{})
	describe := func(t *testing.T, c *kms.Client, ref string) *kmstypes.KeyMetadata {
		t.Helper()
		out, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(ref)})
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		return out.KeyMetadata
	}

	t.Run("a key is found by id, key ARN, alias name and alias ARN", func(t *testing.T) {
		want := &kmstypes.KeyMetadata{
			AWSAccountId: aws.String("123456789012"), KeyId: aws.String(ordersKey), Arn: aws.String(ordersKeyARN),
			CreationDate: aws.Time(time.Date(2024, 1, 7, 10, 0, 0, 0, time.UTC)), Enabled: true, Description: aws.String("orders data"),
			KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt, KeyState: kmstypes.KeyStateEnabled, Origin: kmstypes.OriginTypeAwsKms,
			KeyManager: kmstypes.KeyManagerTypeCustomer,
			KeySpec:    kmstypes.KeySpecSymmetricDefault, EncryptionAlgorithms: []kmstypes.EncryptionAlgorithmSpec{kmstypes.EncryptionAlgorithmSpecSymmetricDefault},
			MultiRegion: aws.Bool(false),
		}
		// KMS still sends the deprecated CustomerMasterKeySpec beside KeySpec
		// (API Reference, KeyMetadata).
		want.CustomerMasterKeySpec = kmstypes.CustomerMasterKeySpecSymmetricDefault //lint:ignore SA1019 the fake must send what KMS sends, deprecated or not
		for _, ref := range []string{ordersKey, ordersKeyARN, "alias/orders", "arn:aws:kms:us-east-1:123456789012:alias/orders"} {
			got := describe(t, c, ref)
			if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(kmstypes.KeyMetadata{})); diff != "" {
				t.Errorf("%s: metadata (-want +got):\n%s", ref, diff)
			}
		}
	})

	t.Run("an AWS managed key is KeyManager AWS and has the alias alias/aws/SERVICE", func(t *testing.T) {
		got := describe(t, c, "alias/aws/secretsmanager")
		if got.KeyManager != kmstypes.KeyManagerTypeAws || aws.ToString(got.KeyId) != smKey {
			t.Errorf("metadata %+v", got)
		}
	})

	t.Run("a signing key pending deletion: disabled, its algorithms, deletion date and window", func(t *testing.T) {
		got := describe(t, c, signKey)
		if got.Enabled || got.KeyState != kmstypes.KeyStatePendingDeletion || got.KeyUsage != kmstypes.KeyUsageTypeSignVerify ||
			!cmp.Equal(got.SigningAlgorithms, []kmstypes.SigningAlgorithmSpec{kmstypes.SigningAlgorithmSpecEcdsaSha256}) || got.EncryptionAlgorithms != nil ||
			!aws.ToTime(got.DeletionDate).Equal(time.Date(2024, 3, 8, 0, 0, 0, 0, time.UTC)) || aws.ToInt32(got.PendingDeletionWindowInDays) != 7 {
			t.Errorf("metadata %+v", got)
		}
	})

	t.Run("a multi-Region key names its primary and replicas in both regions", func(t *testing.T) {
		primary := describe(t, c, mrkKey)
		replica := describe(t, srv.kms(t, clientConfig{region: "eu-west-1"}), mrkKey)
		for _, tc := range []struct {
			md   *kmstypes.KeyMetadata
			kind kmstypes.MultiRegionKeyType
		}{{primary, kmstypes.MultiRegionKeyTypePrimary}, {replica, kmstypes.MultiRegionKeyTypeReplica}} {
			cfg := tc.md.MultiRegionConfiguration
			if !aws.ToBool(tc.md.MultiRegion) || cfg == nil || cfg.MultiRegionKeyType != tc.kind || aws.ToString(cfg.PrimaryKey.Region) != "us-east-1" ||
				len(cfg.ReplicaKeys) != 1 || aws.ToString(cfg.ReplicaKeys[0].Arn) != "arn:aws:kms:eu-west-1:123456789012:key/"+mrkKey {
				t.Errorf("%s: multi-Region configuration %+v", tc.kind, cfg)
			}
		}
	})
}

func TestKMSKeyPoliciesGrantsAliases(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(kmsWorld, ""), Options{})
	ctx := context.Background()
	c := srv.kms(t, clientConfig{})
	policy := func(t *testing.T, id string) string {
		t.Helper()
		out, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.PolicyName) != "default" {
			t.Errorf("PolicyName %q, want default", aws.ToString(out.PolicyName))
		}
		return aws.ToString(out.Policy)
	}

	t.Run("a key created without a policy has KMS's default key policy, root delegation, as KMS stores it", func(t *testing.T) {
		want := "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n" +
			"    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::123456789012:root\"\n    },\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}"
		if got := policy(t, ordersKeyARN); got != want {
			t.Errorf("policy\n%s\nwant\n%s", got, want)
		}
	})

	t.Run("the AWS managed key of Secrets Manager has the AWS-written ViaService and CallerAccount policy", func(t *testing.T) {
		var doc struct {
			Id        string
			Statement []struct {
				Sid       string
				Principal map[string]string
				Condition map[string]map[string]string
			}
		}
		if err := json.Unmarshal([]byte(policy(t, smKey)), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Id != "auto-secretsmanager-1" || len(doc.Statement) != 2 ||
			doc.Statement[0].Condition["StringEquals"]["kms:ViaService"] != "secretsmanager.us-east-1.amazonaws.com" ||
			doc.Statement[0].Condition["StringEquals"]["kms:CallerAccount"] != "123456789012" ||
			doc.Statement[1].Principal["AWS"] != "arn:aws:iam::123456789012:root" {
			t.Errorf("policy %+v", doc)
		}
	})

	t.Run("ListKeyPolicies names the one policy, default", func(t *testing.T) {
		out, err := c.ListKeyPolicies(ctx, &kms.ListKeyPoliciesInput{KeyId: aws.String(ordersKey)})
		if err != nil {
			t.Fatal(err)
		}
		if !cmp.Equal(out.PolicyNames, []string{"default"}) || out.Truncated {
			t.Errorf("policy names %v, truncated %v", out.PolicyNames, out.Truncated)
		}
	})

	t.Run("ListGrants answers grantee, retiring principal, operations, constraints and the issuing account", func(t *testing.T) {
		out, err := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: aws.String(ordersKey), GranteePrincipal: aws.String("arn:aws:iam::111122223333:role/reader")})
		if err != nil {
			t.Fatal(err)
		}
		want := []kmstypes.GrantListEntry{{
			KeyId: aws.String(ordersKeyARN), GrantId: aws.String("0c1d2e3f0c1d2e3f0c1d2e3f0c1d2e3f0c1d2e3f0c1d2e3f0c1d2e3f0c1d2e3f"), Name: aws.String("partner-reader"),
			CreationDate: aws.Time(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)), GranteePrincipal: aws.String("arn:aws:iam::111122223333:role/reader"),
			RetiringPrincipal: aws.String("arn:aws:iam::123456789012:role/admin"), IssuingAccount: aws.String("arn:aws:iam::123456789012:root"),
			Operations:  []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt, kmstypes.GrantOperationDescribeKey},
			Constraints: &kmstypes.GrantConstraints{EncryptionContextSubset: map[string]string{"Department": "IT"}},
		}}
		if diff := cmp.Diff(want, out.Grants, cmpopts.IgnoreUnexported(kmstypes.GrantListEntry{}, kmstypes.GrantConstraints{})); diff != "" {
			t.Errorf("grants (-want +got):\n%s", diff)
		}
		p := kms.NewListGrantsPaginator(c, &kms.ListGrantsInput{KeyId: aws.String(ordersKey), Limit: aws.Int32(1)})
		n := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n += len(out.Grants)
		}
		if n != 2 {
			t.Errorf("the paginator found %d grants, want 2", n)
		}
	})

	t.Run("ListAliases lists every alias; a predefined AWS alias without a key has no target", func(t *testing.T) {
		out, err := c.ListAliases(ctx, &kms.ListAliasesInput{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range out.Aliases {
			got = append(got, aws.ToString(a.AliasName)+"->"+aws.ToString(a.TargetKeyId))
			if aws.ToString(a.AliasArn) != "arn:aws:kms:us-east-1:123456789012:"+aws.ToString(a.AliasName) {
				t.Errorf("alias ARN %s", aws.ToString(a.AliasArn))
			}
		}
		want := []string{"alias/aws/rds->", "alias/aws/secretsmanager->" + smKey, "alias/orders->" + ordersKey}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("aliases (-want +got):\n%s", diff)
		}
		out, err = c.ListAliases(ctx, &kms.ListAliasesInput{KeyId: aws.String(ordersKeyARN)})
		if err != nil || len(out.Aliases) != 1 || aws.ToString(out.Aliases[0].AliasName) != "alias/orders" {
			t.Errorf("aliases of the orders key: %v %+v", err, out)
		}
	})

	t.Run("rotation: on for the customer key that enables it, always for AWS managed keys", func(t *testing.T) {
		for id, want := range map[string]bool{ordersKey: true, lockedKey: false, smKey: true} {
			out, err := c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(id)})
			if err != nil {
				t.Fatal(err)
			}
			if out.KeyRotationEnabled != want {
				t.Errorf("%s: rotation %v, want %v", id, out.KeyRotationEnabled, want)
			}
		}
	})
}

func TestKMSErrors(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(kmsWorld, ""), Options{})
	ctx := context.Background()
	notFound := func(err error) bool { return errors.As(err, new(*kmstypes.NotFoundException)) }
	anyErr := func(error) bool { return true }
	for _, tc := range []struct {
		name    string
		call    func(*kms.Client) error
		want    apiError
		typed   func(error) bool
		message string
	}{
		{"an unknown key is the typed NotFoundException, HTTP 400", func(c *kms.Client) error {
			_, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("5555abcd-12ab-34cd-56ef-1234567890ab")})
			return err
		}, apiError{"NotFoundException", 400}, notFound, "Key 'arn:aws:kms:us-east-1:123456789012:key/5555abcd-12ab-34cd-56ef-1234567890ab' does not exist"},
		{"an unknown alias is NotFoundException", func(c *kms.Client) error {
			_, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/nope")})
			return err
		}, apiError{"NotFoundException", 400}, notFound, "Alias arn:aws:kms:us-east-1:123456789012:alias/nope is not found."},
		{"GetKeyPolicy takes no alias", func(c *kms.Client) error {
			_, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String("alias/orders")})
			return err
		}, apiError{"NotFoundException", 400}, notFound, "Invalid keyId alias/orders"},
		{"a key without an AWS_RAM policy answers NotFoundException for it", func(c *kms.Client) error {
			_, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(ordersKey), PolicyName: aws.String("AWS_RAM")})
			return err
		}, apiError{"NotFoundException", 400}, notFound, ""},
		{"a key whose policy denies the caller GetKeyPolicy is AccessDeniedException, HTTP 400", func(c *kms.Client) error {
			_, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(lockedKey)})
			return err
		}, apiError{"AccessDeniedException", 400}, anyErr,
			"User: arn:aws:iam::123456789012:user/trustmap is not authorized to perform: kms:GetKeyPolicy on resource: arn:aws:kms:us-east-1:123456789012:key/" + lockedKey +
				" because no resource-based policy allows the kms:GetKeyPolicy action"},
		{"... and ListGrants, as its denied_reads say", func(c *kms.Client) error {
			_, err := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: aws.String(lockedKey)})
			return err
		}, apiError{"AccessDeniedException", 400}, anyErr, ""},
		{"another account's key is AccessDeniedException", func(c *kms.Client) error {
			_, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("arn:aws:kms:us-east-1:111122223333:key/9999abcd-12ab-34cd-56ef-1234567890ab")})
			return err
		}, apiError{"AccessDeniedException", 400}, anyErr, ""},
		{"a write (or a cryptographic call) is UnknownOperationException", func(c *kms.Client) error {
			_, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: []byte("x")})
			return err
		}, apiError{"UnknownOperationException", 400}, anyErr, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(srv.kms(t, clientConfig{attempts: 1}))
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

	t.Run("a key that denies reads is still listed and described", func(t *testing.T) {
		c := srv.kms(t, clientConfig{})
		if _, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(lockedKey)}); err != nil {
			t.Error(err)
		}
		out, err := c.ListKeys(ctx, &kms.ListKeysInput{})
		if err != nil || !containsKey(out.Keys, lockedKey) {
			t.Errorf("ListKeys: %v; want the locked key listed", err)
		}
	})

	t.Run("errors are __type and a lower-case message", func(t *testing.T) {
		h := signedHeader(demoKey, "us-east-1", "kms")
		h.Set("X-Amz-Target", "TrentService.DescribeKey")
		h.Set("Content-Type", "application/x-amz-json-1.1")
		resp, body := srv.rawRequest(t, http.MethodPost, "/", "", h, `{"KeyId":"alias/nope"}`)
		if want := `{"__type":"NotFoundException","message":"Alias arn:aws:kms:us-east-1:123456789012:alias/nope is not found."}`; resp.StatusCode != 400 || body != want {
			t.Errorf("status %d, body %s\nwant 400 and %s", resp.StatusCode, body, want)
		}
	})

	t.Run("an AccessDenied fault on one key, by id, whatever the KeyId form", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(kmsWorld, "faults: [{service: kms, api: DescribeKey, resource: "+ordersKey+", error: AccessDenied}]"), Options{})
		c := srv.kms(t, clientConfig{attempts: 1})
		for _, ref := range []string{ordersKey, "alias/orders", ordersKeyARN} {
			_, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(ref)})
			if diff := cmp.Diff(apiError{"AccessDeniedException", 400}, decodeError(t, err)); diff != "" {
				t.Errorf("%s: error (-want +got):\n%s", ref, diff)
			}
		}
		if _, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(smKey)}); err != nil {
			t.Error(err)
		}
	})

	t.Run("the documented 100 requests per second of ListKeys throttles the 101st, KMS's way", func(t *testing.T) {
		srv := startFrozen(t, fmt.Sprintf(kmsWorld, `throttle: {apis: {"kms:ListKeys": {rate: 100}}}`))
		c := srv.kms(t, clientConfig{attempts: 1})
		n, err := callsUntilError(120, func() error {
			_, err := c.ListKeys(ctx, &kms.ListKeysInput{})
			return err
		})
		if n != 101 {
			t.Errorf("first error at call %d, want 101", n)
		}
		if diff := cmp.Diff(apiError{"ThrottlingException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		if !strings.HasSuffix(err.Error(), "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.") {
			t.Errorf("message %q", err)
		}
	})
}

func containsKey(keys []kmstypes.KeyListEntry, id string) bool {
	for _, k := range keys {
		if aws.ToString(k.KeyId) == id {
			return true
		}
	}
	return false
}

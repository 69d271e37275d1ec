package fakeaws

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
	"github.com/google/go-cmp/cmp"
)

const osFixture = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    opensearch:
      domains:
        - name: logs-public
          access_policies:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {AWS: "*"}, Action: "es:*", Resource: "arn:aws:es:us-east-1:123456789012:domain/logs-public/*"}
        - name: ip-restricted
          engine_version: Elasticsearch_7.10
          access_policies: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"es:ESHttp*","Resource":"arn:aws:es:us-east-1:123456789012:domain/ip-restricted/*","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}}]}'
          enforce_https: true
          tls_security_policy: Policy-Min-TLS-1-2-2019-07
        - name: vpc-search
          vpc: {vpc_id: vpc-0abc, subnet_ids: [subnet-1], security_group_ids: [sg-1], availability_zones: [us-east-1a]}
          enforce_https: true
          node_to_node_encryption: true
          encryption_at_rest: true
          kms_key_id: arn:aws:kms:us-east-1:123456789012:key/k1
          advanced_security: {enabled: true, internal_user_database: true}
        - {name: dom4}
        - {name: dom5}
        - {name: dom6}
        - {name: ireland, region: eu-west-1}
faults:
  - {service: es, api: DescribeDomain, resource: dom4, error: AccessDenied}
`

func (s *Server) osClient(t *testing.T, cc clientConfig) *opensearch.Client {
	return opensearch.NewFromConfig(s.config(t, cc), func(o *opensearch.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func TestListDomainNames(t *testing.T) {
	srv := startYAML(t, osFixture, Options{})
	c := srv.osClient(t, clientConfig{attempts: 1})
	ctx := context.Background()
	out, err := c.ListDomainNames(ctx, &opensearch.ListDomainNamesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range out.DomainNames {
		names = append(names, aws.ToString(d.DomainName)+":"+string(d.EngineType))
	}
	want := []string{"dom4:OpenSearch", "dom5:OpenSearch", "dom6:OpenSearch", "ip-restricted:Elasticsearch", "logs-public:OpenSearch", "vpc-search:OpenSearch"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("domains (-want +got):\n%s", diff)
	}
	es, err := c.ListDomainNames(ctx, &opensearch.ListDomainNamesInput{EngineType: ostypes.EngineTypeElasticsearch})
	if err != nil || len(es.DomainNames) != 1 {
		t.Errorf("Elasticsearch only: %v, %v", es, err)
	}
}

func TestDescribeDomain(t *testing.T) {
	srv := startYAML(t, osFixture, Options{})
	c := srv.osClient(t, clientConfig{attempts: 1})
	ctx := context.Background()
	get := func(t *testing.T, name string) *ostypes.DomainStatus {
		t.Helper()
		out, err := c.DescribeDomain(ctx, &opensearch.DescribeDomainInput{DomainName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return out.DomainStatus
	}

	t.Run("a public domain has Endpoint, no VPC options, and its policy as a JSON string", func(t *testing.T) {
		d := get(t, "logs-public")
		if e := aws.ToString(d.Endpoint); !strings.HasPrefix(e, "search-logs-public-") || !strings.HasSuffix(e, ".us-east-1.es.amazonaws.com") {
			t.Errorf("endpoint %s", e)
		}
		if d.VPCOptions != nil || d.Endpoints != nil || aws.ToString(d.ARN) != "arn:aws:es:us-east-1:123456789012:domain/logs-public" ||
			aws.ToString(d.DomainId) != "123456789012/logs-public" {
			t.Errorf("domain %+v", d)
		}
		var pol struct {
			Statement []struct{ Principal map[string]string }
		}
		if err := json.Unmarshal([]byte(aws.ToString(d.AccessPolicies)), &pol); err != nil || pol.Statement[0].Principal["AWS"] != "*" {
			t.Errorf("policy %q: %v", aws.ToString(d.AccessPolicies), err)
		}
		if aws.ToBool(d.DomainEndpointOptions.EnforceHTTPS) || d.DomainEndpointOptions.TLSSecurityPolicy != "Policy-Min-TLS-1-0-2019-07" ||
			aws.ToBool(d.AdvancedSecurityOptions.Enabled) || aws.ToBool(d.EncryptionAtRestOptions.Enabled) {
			t.Errorf("defaults: endpoint %+v, security %+v", d.DomainEndpointOptions, d.AdvancedSecurityOptions)
		}
	})

	t.Run("a VPC domain has Endpoints.vpc and VPCOptions, and its security settings", func(t *testing.T) {
		d := get(t, "vpc-search")
		if d.Endpoint != nil || !strings.HasPrefix(d.Endpoints["vpc"], "vpc-vpc-search-") {
			t.Errorf("endpoint %v, endpoints %v", d.Endpoint, d.Endpoints)
		}
		v := d.VPCOptions
		if aws.ToString(v.VPCId) != "vpc-0abc" || v.SubnetIds[0] != "subnet-1" || v.SecurityGroupIds[0] != "sg-1" {
			t.Errorf("VPC %+v", v)
		}
		if !aws.ToBool(d.AdvancedSecurityOptions.Enabled) || !aws.ToBool(d.AdvancedSecurityOptions.InternalUserDatabaseEnabled) ||
			!aws.ToBool(d.NodeToNodeEncryptionOptions.Enabled) || aws.ToString(d.EncryptionAtRestOptions.KmsKeyId) != "arn:aws:kms:us-east-1:123456789012:key/k1" ||
			aws.ToString(d.AccessPolicies) != "" {
			t.Errorf("security %+v %+v %+v", d.AdvancedSecurityOptions, d.NodeToNodeEncryptionOptions, d.EncryptionAtRestOptions)
		}
	})

	t.Run("a raw-string policy is served verbatim", func(t *testing.T) {
		d := get(t, "ip-restricted")
		if !strings.Contains(aws.ToString(d.AccessPolicies), `"aws:SourceIp":["203.0.113.0/24"]`) || aws.ToString(d.EngineVersion) != "Elasticsearch_7.10" ||
			d.DomainEndpointOptions.TLSSecurityPolicy != "Policy-Min-TLS-1-2-2019-07" {
			t.Errorf("domain %+v", d)
		}
	})

	t.Run("an unknown domain, or one of another region, is ResourceNotFoundException 409", func(t *testing.T) {
		_, err := c.DescribeDomain(ctx, &opensearch.DescribeDomainInput{DomainName: aws.String("ireland")})
		var nf *ostypes.ResourceNotFoundException
		if !errors.As(err, &nf) || nf.ErrorMessage() != "Domain not found: ireland" {
			t.Fatalf("got %v", err)
		}
		if diff := cmp.Diff(apiError{"ResourceNotFoundException", 409}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("a denied DescribeDomain is AccessDeniedException 403", func(t *testing.T) {
		// The SDK types AccessDeniedException only for the operations that
		// model it, not DescribeDomain: the code is what a caller can match.
		_, err := c.DescribeDomain(ctx, &opensearch.DescribeDomainInput{DomainName: aws.String("dom4")})
		if diff := cmp.Diff(apiError{"AccessDeniedException", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

func TestDescribeDomains(t *testing.T) {
	srv := startYAML(t, osFixture, Options{})
	c := srv.osClient(t, clientConfig{attempts: 1})
	ctx := context.Background()

	t.Run("five names at a time, in two calls for six domains; unknown names are left out", func(t *testing.T) {
		names := []string{"dom4", "dom5", "dom6", "ip-restricted", "logs-public", "vpc-search"}
		var got []string
		for _, batch := range [][]string{names[:5], append(names[5:], "nope")} {
			out, err := c.DescribeDomains(ctx, &opensearch.DescribeDomainsInput{DomainNames: batch})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range out.DomainStatusList {
				got = append(got, aws.ToString(d.DomainName))
			}
		}
		if diff := cmp.Diff(names, got); diff != "" {
			t.Errorf("domains (-want +got):\n%s", diff)
		}
	})

	t.Run("six names is a ValidationException", func(t *testing.T) {
		_, err := c.DescribeDomains(ctx, &opensearch.DescribeDomainsInput{DomainNames: []string{"a", "b", "c", "d", "e", "f"}})
		var ve *ostypes.ValidationException
		if !errors.As(err, &ve) || decodeError(t, err).Status != 400 {
			t.Errorf("got %v, want ValidationException 400", err)
		}
	})
}

func TestOpenSearchThrottlingAndUnknownOperation(t *testing.T) {
	srv := startYAML(t, osFixture+"throttle: {apis: {\"es:ListDomainNames\": {rate: 0.001, burst: 1}}}\n", Options{})
	c := srv.osClient(t, clientConfig{attempts: 1})
	if _, err := c.ListDomainNames(context.Background(), &opensearch.ListDomainNamesInput{}); err != nil {
		t.Fatal(err)
	}
	_, err := c.ListDomainNames(context.Background(), &opensearch.ListDomainNamesInput{})
	if diff := cmp.Diff(apiError{"ThrottlingException", 429}, decodeError(t, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	_, err = c.ListVersions(context.Background(), &opensearch.ListVersionsInput{})
	if diff := cmp.Diff(apiError{"UnknownOperationException", 404}, decodeError(t, err)); diff != "" {
		t.Errorf("unknown operation (-want +got):\n%s", diff)
	}
}

package fakeaws

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
	"github.com/google/go-cmp/cmp"
)

// edgeOp is one served operation of the edge and data services, called
// through its SDK client against the sample fixture.
type edgeOp struct {
	key  string // service:Api as faults, throttles and stats name it
	call func(t *testing.T, s *Server) error
}

func edgeOps() []edgeOp {
	ctx := context.Background()
	cc := clientConfig{attempts: 1}
	const regionalACL = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acme-regional/11111111-2222-3333-4444-555555555555"
	admins := aws.String("arn:aws:iam::123456789012:role/acme-platform-admins")
	return []edgeOp{
		{"cloudfront:ListDistributions", func(t *testing.T, s *Server) error {
			_, err := s.cfClient(t, cc).ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
			return err
		}},
		{"cloudfront:GetDistribution", func(t *testing.T, s *Server) error {
			_, err := s.cfClient(t, cc).GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String("EDFDVBD6EXAMPLE")})
			return err
		}},
		{"cloudfront:GetDistributionConfig", func(t *testing.T, s *Server) error {
			_, err := s.cfClient(t, cc).GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String("EDFDVBD6EXAMPLE")})
			return err
		}},
		{"cloudfront:ListDistributionsByWebACLId", func(t *testing.T, s *Server) error {
			_, err := s.cfClient(t, cc).ListDistributionsByWebACLId(ctx, &cloudfront.ListDistributionsByWebACLIdInput{WebACLId: aws.String("x")})
			return err
		}},
		{"cloudfront:ListOriginAccessControls", func(t *testing.T, s *Server) error {
			_, err := s.cfClient(t, cc).ListOriginAccessControls(ctx, &cloudfront.ListOriginAccessControlsInput{})
			return err
		}},
		{"cloudfront:GetOriginAccessControl", func(t *testing.T, s *Server) error {
			_, err := s.cfClient(t, cc).GetOriginAccessControl(ctx, &cloudfront.GetOriginAccessControlInput{Id: aws.String("E1OACASSETS0001")})
			return err
		}},
		{"cloudfront:ListCloudFrontOriginAccessIdentities", func(t *testing.T, s *Server) error {
			_, err := s.cfClient(t, cc).ListCloudFrontOriginAccessIdentities(ctx, &cloudfront.ListCloudFrontOriginAccessIdentitiesInput{})
			return err
		}},
		{"cloudfront:GetCloudFrontOriginAccessIdentity", func(t *testing.T, s *Server) error {
			_, err := s.cfClient(t, cc).GetCloudFrontOriginAccessIdentity(ctx, &cloudfront.GetCloudFrontOriginAccessIdentityInput{Id: aws.String("E2QWRUHAPOMQZL")})
			return err
		}},
		{"cloudfront:ListFunctions", func(t *testing.T, s *Server) error {
			_, err := s.cfClient(t, cc).ListFunctions(ctx, &cloudfront.ListFunctionsInput{})
			return err
		}},
		{"wafv2:ListWebACLs", func(t *testing.T, s *Server) error {
			_, err := s.wafClient(t, cc).ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional})
			return err
		}},
		{"wafv2:GetWebACL", func(t *testing.T, s *Server) error {
			_, err := s.wafClient(t, cc).GetWebACL(ctx, &wafv2.GetWebACLInput{ARN: aws.String(regionalACL)})
			return err
		}},
		{"wafv2:ListResourcesForWebACL", func(t *testing.T, s *Server) error {
			_, err := s.wafClient(t, cc).ListResourcesForWebACL(ctx, &wafv2.ListResourcesForWebACLInput{WebACLArn: aws.String(regionalACL)})
			return err
		}},
		{"wafv2:GetWebACLForResource", func(t *testing.T, s *Server) error {
			_, err := s.wafClient(t, cc).GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String("arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod")})
			return err
		}},
		{"rds:DescribeDBInstances", func(t *testing.T, s *Server) error {
			_, err := s.rdsClient(t, cc).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
			return err
		}},
		{"rds:DescribeDBClusters", func(t *testing.T, s *Server) error {
			_, err := s.rdsClient(t, cc).DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{})
			return err
		}},
		{"rds:DescribeDBSnapshots", func(t *testing.T, s *Server) error {
			_, err := s.rdsClient(t, cc).DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{})
			return err
		}},
		{"rds:DescribeDBSnapshotAttributes", func(t *testing.T, s *Server) error {
			_, err := s.rdsClient(t, cc).DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String("acme-reporting-public")})
			return err
		}},
		{"rds:DescribeDBClusterSnapshots", func(t *testing.T, s *Server) error {
			_, err := s.rdsClient(t, cc).DescribeDBClusterSnapshots(ctx, &rds.DescribeDBClusterSnapshotsInput{})
			return err
		}},
		{"rds:DescribeDBClusterSnapshotAttributes", func(t *testing.T, s *Server) error {
			_, err := s.rdsClient(t, cc).DescribeDBClusterSnapshotAttributes(ctx, &rds.DescribeDBClusterSnapshotAttributesInput{DBClusterSnapshotIdentifier: aws.String("acme-aurora-shared")})
			return err
		}},
		{"eks:ListClusters", func(t *testing.T, s *Server) error {
			_, err := s.eksClient(t, cc).ListClusters(ctx, &eks.ListClustersInput{})
			return err
		}},
		{"eks:DescribeCluster", func(t *testing.T, s *Server) error {
			_, err := s.eksClient(t, cc).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("acme-prod")})
			return err
		}},
		{"eks:ListAccessEntries", func(t *testing.T, s *Server) error {
			_, err := s.eksClient(t, cc).ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: aws.String("acme-prod")})
			return err
		}},
		{"eks:DescribeAccessEntry", func(t *testing.T, s *Server) error {
			_, err := s.eksClient(t, cc).DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String("acme-prod"), PrincipalArn: admins})
			return err
		}},
		{"eks:ListAssociatedAccessPolicies", func(t *testing.T, s *Server) error {
			_, err := s.eksClient(t, cc).ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String("acme-prod"), PrincipalArn: admins})
			return err
		}},
		{"es:ListDomainNames", func(t *testing.T, s *Server) error {
			_, err := s.osClient(t, cc).ListDomainNames(ctx, &opensearch.ListDomainNamesInput{})
			return err
		}},
		{"es:DescribeDomain", func(t *testing.T, s *Server) error {
			_, err := s.osClient(t, cc).DescribeDomain(ctx, &opensearch.DescribeDomainInput{DomainName: aws.String("acme-logs")})
			return err
		}},
		{"es:DescribeDomains", func(t *testing.T, s *Server) error {
			_, err := s.osClient(t, cc).DescribeDomains(ctx, &opensearch.DescribeDomainsInput{DomainNames: []string{"acme-logs"}})
			return err
		}},
	}
}

// edgeDenied and edgeThrottled are what each service sends for a denied
// and a throttled call (errors.go; FIXTURE.md "Errors").
var (
	edgeDenied = map[string]apiError{
		"cloudfront": {"AccessDenied", 403}, "wafv2": {"AccessDeniedException", 400}, "rds": {"AccessDenied", 403},
		"eks": {"AccessDeniedException", 403}, "es": {"AccessDeniedException", 403},
	}
	edgeThrottled = map[string]apiError{
		"cloudfront": {"Throttling", 400}, "wafv2": {"ThrottlingException", 400}, "rds": {"Throttling", 400},
		"eks": {"ThrottlingException", 429}, "es": {"ThrottlingException", 429},
	}
)

// TestEveryEdgeOperationIsServedDeniedAndThrottled: every served operation
// answers the sample fixture, refuses with the service's AccessDenied when a
// fault says so, and is throttled by the token bucket with the service's
// throttling error on the call past its burst.
func TestEveryEdgeOperationIsServedDeniedAndThrottled(t *testing.T) {
	w, err := LoadFixture(edgeFixture)
	if err != nil {
		t.Fatal(err)
	}
	w.Throttle = Throttle{Default: Rate{Rate: 0.0001, Burst: 1}}
	throttled := startWorld(t, w, Options{})
	for _, op := range edgeOps() {
		svc, api, _ := strings.Cut(op.key, ":")
		t.Run(op.key, func(t *testing.T) {
			if err := op.call(t, throttled); err != nil {
				t.Fatalf("first call: %v", err)
			}
			if diff := cmp.Diff(edgeThrottled[svc], decodeError(t, op.call(t, throttled))); diff != "" {
				t.Errorf("second call (-want throttled +got):\n%s", diff)
			}
			dw, err := LoadFixture(edgeFixture)
			if err != nil {
				t.Fatal(err)
			}
			dw.Throttle = Throttle{}
			dw.Faults = []Fault{{Service: svc, API: api, Error: ErrAccessDenied}}
			denied := startWorld(t, dw, Options{})
			if diff := cmp.Diff(edgeDenied[svc], decodeError(t, op.call(t, denied))); diff != "" {
				t.Errorf("denied (-want +got):\n%s", diff)
			}
			if st := denied.Stats(); st.Faults[op.key] != 1 || st.Calls[op.key] != 1 {
				t.Errorf("stats %v / %v, want one call and one fault for %s", st.Calls, st.Faults, op.key)
			}
		})
	}
}

// TestUnsignedEdgeRequests: a request without a signature gets the
// missing-token error of its service's protocol, recognised from the path,
// target header or form version alone (guessService).
func TestUnsignedEdgeRequests(t *testing.T) {
	srv := startFixture(t, edgeFixture, Options{})
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	waf := http.Header{"X-Amz-Target": {"AWSWAF_20190729.ListWebACLs"}, "Content-Type": {wafJSON}}
	cases := []struct {
		name, method, path string
		header             http.Header
		body               string
		status             int
		contains           string
	}{
		{"CloudFront: the query envelope in CloudFront's namespace", "GET", "/2020-05-31/distribution", nil, "", 403,
			`<ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code>`},
		{"WAFv2: JSON 1.1", "POST", "/", waf, `{"Scope":"REGIONAL"}`, 400, `"__type":"MissingAuthenticationTokenException"`},
		{"RDS: the query envelope in RDS's namespace", "POST", "/", form, "Action=DescribeDBInstances&Version=2014-10-31", 403,
			`<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code>`},
		{"EKS: REST-JSON", "GET", "/clusters", nil, "", 403, `"message":"Missing Authentication Token"`},
		{"OpenSearch: REST-JSON", "GET", "/2021-01-01/domain", nil, "", 403, `"message":"Missing Authentication Token"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := srv.rawRequest(t, tc.method, tc.path, "", tc.header, tc.body)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.contains) {
				t.Errorf("status %d, body %s\nwant %d, %s", resp.StatusCode, body, tc.status, tc.contains)
			}
		})
	}
}

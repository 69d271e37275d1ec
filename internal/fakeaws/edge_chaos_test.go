package fakeaws

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// TestChaosAndStatsCoverTheEdgeServices: the pipeline treats the new
// services like every other one. Each kind of chaos answer that can be
// applied (error, throttle, truncated or garbled 200) reaches the SDK as an
// error in the service's own protocol, and Stats counts calls and faults
// under "service:Api" with no special case.
func TestChaosAndStatsCoverTheEdgeServices(t *testing.T) {
	calls := []struct {
		key  string
		call func(*testing.T, *Server) error
	}{
		{"cloudfront:ListDistributions", func(t *testing.T, s *Server) error {
			_, err := s.cfClient(t, clientConfig{attempts: 1}).ListDistributions(context.Background(), &cloudfront.ListDistributionsInput{})
			return err
		}},
		{"wafv2:ListWebACLs", func(t *testing.T, s *Server) error {
			_, err := s.wafClient(t, clientConfig{attempts: 1}).ListWebACLs(context.Background(), &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional})
			return err
		}},
		{"rds:DescribeDBInstances", func(t *testing.T, s *Server) error {
			_, err := s.rdsClient(t, clientConfig{attempts: 1}).DescribeDBInstances(context.Background(), &rds.DescribeDBInstancesInput{})
			return err
		}},
		{"eks:ListClusters", func(t *testing.T, s *Server) error {
			_, err := s.eksClient(t, clientConfig{attempts: 1}).ListClusters(context.Background(), &eks.ListClustersInput{})
			return err
		}},
		{"es:ListDomainNames", func(t *testing.T, s *Server) error {
			_, err := s.osClient(t, clientConfig{attempts: 1}).ListDomainNames(context.Background(), &opensearch.ListDomainNamesInput{})
			return err
		}},
	}
	for _, kind := range []string{ChaosInternalError, ChaosUnavailable, ChaosThrottle, ChaosTruncate, ChaosMalformed} {
		t.Run(kind, func(t *testing.T) {
			srv := startFixture(t, edgeFixture, Options{Chaos: &Chaos{Seed: 1, Rate: 1, Kinds: []string{kind}}, Logf: func(string, ...any) {}})
			for _, c := range calls {
				if err := c.call(t, srv); err == nil {
					// A truncation always cuts at least the last byte
					// (chaosAfter), so no answer survives whole.
					t.Errorf("%s: no error under chaos %s", c.key, kind)
				}
			}
			st := srv.Stats()
			for _, c := range calls {
				if st.Calls[c.key] != 1 || st.ChaosByAPI[c.key] != 1 {
					t.Errorf("%s: calls %d, chaos %d; want 1 and 1", c.key, st.Calls[c.key], st.ChaosByAPI[c.key])
				}
			}
		})
	}
	t.Run("without chaos every call succeeds and is counted once", func(t *testing.T) {
		srv := startFixture(t, edgeFixture, Options{})
		for _, c := range calls {
			if err := c.call(t, srv); err != nil {
				t.Errorf("%s: %v", c.key, err)
			}
			if n := srv.Stats().Calls[c.key]; n != 1 {
				t.Errorf("%s counted %d times", c.key, n)
			}
		}
	})
}

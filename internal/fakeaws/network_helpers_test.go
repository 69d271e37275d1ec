package fakeaws

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// networkFixture is the sample account of internet-facing compute and the
// network around it.
const networkFixture = "../../testdata/accounts/network.yaml"

func (s *Server) elbv2(t *testing.T, cc clientConfig) *elbv2.Client {
	return elbv2.NewFromConfig(s.config(t, cc), func(o *elbv2.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func (s *Server) elb(t *testing.T, cc clientConfig) *elb.Client {
	return elb.NewFromConfig(s.config(t, cc), func(o *elb.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

package main

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	"github.com/aws/smithy-go"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// warmFake has the fake resolve its EC2 and Elastic Load Balancing worlds
// before the clock starts. The fake builds each once per account, on the
// first call that needs it (internal/fakeaws, ec2Worlds and elbWorlds),
// which in the default world is a fraction of a second of CPU: the fake's
// own setup, not anything AWS makes a caller wait for, and CPU the scan's
// paced calls would otherwise lose at its start. The two calls are ones no
// collector makes — EC2 DescribeVpcs (a token bucket of its own) and
// Classic DescribeLoadBalancerPolicies of a load balancer that does not
// exist (one token of the Classic bucket, whose burst is 40) — and the
// counts the bench reports start after them (since).
func warmFake(ctx context.Context, url, region string) error {
	cfg := aws.Config{Region: region, BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider(benchAccessKey, "bench-secret-not-a-real-key", "")}
	if _, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
		return fmt.Errorf("warming the fake's EC2 world: %w", err)
	}
	_, err := elb.NewFromConfig(cfg).DescribeLoadBalancerPolicies(ctx, &elb.DescribeLoadBalancerPoliciesInput{LoadBalancerName: aws.String("bench-warm-up")})
	var apiErr smithy.APIError
	if err != nil && (!errors.As(err, &apiErr) || apiErr.ErrorCode() != "LoadBalancerNotFound") {
		return fmt.Errorf("warming the fake's load balancer world: %w", err)
	}
	return nil
}

// since is what the fake answered after before was taken.
func since(st, before fakeaws.Stats) fakeaws.Stats {
	sub := func(m, b map[string]int64) map[string]int64 {
		out := maps.Clone(m)
		if out == nil {
			out = map[string]int64{}
		}
		for k, v := range b {
			if out[k] -= v; out[k] == 0 {
				delete(out, k)
			}
		}
		return out
	}
	st.Calls, st.Throttled, st.Faults = sub(st.Calls, before.Calls), sub(st.Throttled, before.Throttled), sub(st.Faults, before.Faults)
	st.Rejected -= before.Rejected
	return st
}

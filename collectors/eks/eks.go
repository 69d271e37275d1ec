// Package eks collects EKS clusters' Kubernetes API server endpoints:
// whether the public endpoint is on, from which CIDR ranges it accepts
// connections, the private endpoint and the cluster's VPC and security
// groups (EKS User Guide, "Cluster API server endpoint").
//
// Who may act in a cluster once connected (access entries, the aws-auth
// ConfigMap, Kubernetes RBAC) and the credentials that do so are out of
// scope: the API server authenticates every caller.
//
// # Calls
//
// Per region: ListClusters (100 names a page) and DescribeCluster per
// cluster: a region with N clusters costs ⌈N/100⌉ + N calls. AWS publishes
// no EKS control-plane call rate.
package eks

import (
	"context"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const (
	service  = "eks"
	pageSize = 100
)

// api is the part of the EKS client the collector uses: reads only.
type api interface {
	ListClusters(context.Context, *eks.ListClustersInput, ...func(*eks.Options)) (*eks.ListClustersOutput, error)
	DescribeCluster(context.Context, *eks.DescribeClusterInput, ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
}

// Collector reads EKS in one account and region.
type Collector struct {
	// ClusterConcurrency bounds DescribeCluster calls in flight (default 8).
	ClusterConcurrency int
}

// New returns the EKS collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"ListClusters":    {"eks:ListClusters"},
			"DescribeCluster": {"eks:DescribeCluster"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, eks.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	gaps := collectors.NewGaps(t, b, service)
	p := eks.NewListClustersPaginator(client, &eks.ListClustersInput{MaxResults: aws.Int32(pageSize)})
	collectors.ReadEach(ctx, gaps, t.Region, "ListClusters", c.concurrency(), p.HasMorePages, p.NextPage,
		func(o *eks.ListClustersOutput) []string { return o.Clusters },
		func(ctx context.Context, name string) { c.cluster(ctx, t, b, client, name, gaps) })
	return gaps.Done(ctx)
}

func (c *Collector) concurrency() int {
	if c.ClusterConcurrency > 0 {
		return c.ClusterConcurrency
	}
	return 8
}

// cluster reads one cluster. A cluster whose description was denied is
// left out with its gap: without its endpoint settings there is nothing to
// judge, and the gap says it was not seen.
func (c *Collector) cluster(ctx context.Context, t collectors.Target, b *graph.Builder, client api, name string, gaps *collectors.Gaps) {
	out, err := client.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	switch {
	case err == nil && out.Cluster != nil:
	case err == nil, collectors.IsNotFound(err):
		return // deleted since the listing
	default:
		gaps.Fail(t.Region, "DescribeCluster", name, err)
		return
	}
	cl := out.Cluster
	attrs := &graph.EKSCluster{Name: name, Version: aws.ToString(cl.Version), Status: string(cl.Status),
		Endpoint: aws.ToString(cl.Endpoint), RoleARN: aws.ToString(cl.RoleArn), SecretsEncrypted: len(cl.EncryptionConfig) > 0}
	if v := cl.ResourcesVpcConfig; v != nil {
		attrs.PublicAccess, attrs.PrivateAccess = v.EndpointPublicAccess, v.EndpointPrivateAccess
		attrs.PublicAccessCIDRs = v.PublicAccessCidrs
		attrs.VPCID = aws.ToString(v.VpcId)
		attrs.SecurityGroups = v.SecurityGroupIds
		attrs.ClusterSecurityGroup = aws.ToString(v.ClusterSecurityGroupId)
	}
	if a := cl.AccessConfig; a != nil {
		attrs.AuthenticationMode = string(a.AuthenticationMode)
	}
	arn := aws.ToString(cl.Arn)
	if arn == "" {
		arn = "arn:aws:eks:" + t.Region + ":" + t.Account + ":cluster/" + name
	}
	// No edge to the cluster role: the EKS service uses it for the control
	// plane; reaching the API server does not hand it out.
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindEKSCluster, Name: name, Account: t.Account, Region: t.Region, Attrs: attrs})
}

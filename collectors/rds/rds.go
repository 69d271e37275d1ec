// Package rds collects RDS and Aurora: DB instances and DB clusters with
// what decides whether they can be reached from outside their VPC
// (PubliclyAccessible, endpoint and port, VPC security groups), and manual
// DB snapshots and DB cluster snapshots with who may restore them.
//
// Database credentials are out of scope: trustmap says who can open a
// connection, not who can log in (master passwords are never returned by
// these calls; the collector reads none).
//
// # Calls
//
// Per region, all 100 records a page: DescribeDBInstances,
// DescribeDBClusters, DescribeDBSnapshots and DescribeDBClusterSnapshots
// (SnapshotType manual: automated snapshots cannot be shared); per manual
// snapshot, DescribeDBSnapshotAttributes or
// DescribeDBClusterSnapshotAttributes (the restore attribute). A region
// with I instances, C clusters and S manual snapshots costs
// ⌈I/100⌉ + ⌈C/100⌉ + 2 + S calls (at least one page each), all drawn from
// RDS's one token bucket per account and Region: a sustained 12 requests
// a second, bursts of 300 (RDS User Guide, "Request throttling for the
// Amazon RDS API").
package rds

import (
	"context"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/rds"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const (
	service  = "rds"
	pageSize = 100
)

// api is the part of the RDS client the collector uses: reads only.
type api interface {
	DescribeDBInstances(context.Context, *rds.DescribeDBInstancesInput, ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
	DescribeDBClusters(context.Context, *rds.DescribeDBClustersInput, ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error)
	DescribeDBSnapshots(context.Context, *rds.DescribeDBSnapshotsInput, ...func(*rds.Options)) (*rds.DescribeDBSnapshotsOutput, error)
	DescribeDBSnapshotAttributes(context.Context, *rds.DescribeDBSnapshotAttributesInput, ...func(*rds.Options)) (*rds.DescribeDBSnapshotAttributesOutput, error)
	DescribeDBClusterSnapshots(context.Context, *rds.DescribeDBClusterSnapshotsInput, ...func(*rds.Options)) (*rds.DescribeDBClusterSnapshotsOutput, error)
	DescribeDBClusterSnapshotAttributes(context.Context, *rds.DescribeDBClusterSnapshotAttributesInput, ...func(*rds.Options)) (*rds.DescribeDBClusterSnapshotAttributesOutput, error)
}

// Collector reads RDS in one account and region.
type Collector struct {
	// SnapshotConcurrency bounds the snapshot attribute reads in flight
	// (default 8; the runner's limits bound the calls themselves).
	SnapshotConcurrency int
}

// New returns the RDS collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"DescribeDBInstances":                 {"rds:DescribeDBInstances"},
			"DescribeDBClusters":                  {"rds:DescribeDBClusters"},
			"DescribeDBSnapshots":                 {"rds:DescribeDBSnapshots"},
			"DescribeDBSnapshotAttributes":        {"rds:DescribeDBSnapshotAttributes"},
			"DescribeDBClusterSnapshots":          {"rds:DescribeDBClusterSnapshots"},
			"DescribeDBClusterSnapshotAttributes": {"rds:DescribeDBClusterSnapshotAttributes"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, rds.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	gaps := collectors.NewGaps(t, b, service)
	var g errgroup.Group
	g.Go(func() error { c.instances(ctx, t, b, client, gaps); return nil })
	g.Go(func() error { c.clusters(ctx, t, b, client, gaps); return nil })
	g.Go(func() error { c.snapshots(ctx, t, b, client, gaps); return nil })
	g.Go(func() error { c.clusterSnapshots(ctx, t, b, client, gaps); return nil })
	_ = g.Wait()
	return gaps.Done(ctx)
}

func (c *Collector) concurrency() int {
	if c.SnapshotConcurrency > 0 {
		return c.SnapshotConcurrency
	}
	return 8
}

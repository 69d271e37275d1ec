package rds

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// manual is the only snapshot type that can be shared or made public.
const manual = "manual"

// snapshots adds a node per manual DB snapshot with its restore attribute.
func (c *Collector) snapshots(ctx context.Context, t collectors.Target, b *graph.Builder, client api, gaps *collectors.Gaps) {
	var g errgroup.Group
	g.SetLimit(c.concurrency())
	p := rds.NewDescribeDBSnapshotsPaginator(client, &rds.DescribeDBSnapshotsInput{SnapshotType: aws.String(manual), MaxRecords: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			gaps.Fail(t.Region, "DescribeDBSnapshots", "", err)
			break
		}
		for _, s := range page.DBSnapshots {
			id := aws.ToString(s.DBSnapshotIdentifier)
			snap := &graph.DBSnapshot{Identifier: id, Source: aws.ToString(s.DBInstanceIdentifier), Type: aws.ToString(s.SnapshotType),
				Engine: aws.ToString(s.Engine), Encrypted: aws.ToBool(s.Encrypted), KMSKeyID: aws.ToString(s.KmsKeyId)}
			if s.SnapshotCreateTime != nil {
				snap.Created = s.SnapshotCreateTime.UTC()
			}
			arn := aws.ToString(s.DBSnapshotArn)
			if arn == "" {
				arn = "arn:aws:rds:" + t.Region + ":" + t.Account + ":snapshot:" + id
			}
			g.Go(func() error {
				out, err := client.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String(id)})
				switch {
				case err == nil && out.DBSnapshotAttributesResult != nil:
					snap.RestoreKnown = graph.True
					for _, a := range out.DBSnapshotAttributesResult.DBSnapshotAttributes {
						if aws.ToString(a.AttributeName) == "restore" {
							snap.RestoreBy = append(snap.RestoreBy, a.AttributeValues...)
						}
					}
				case err == nil:
					snap.RestoreKnown = graph.True
				case collectors.IsNotFound(err):
					return nil // deleted since the listing
				default:
					gaps.Fail(t.Region, "DescribeDBSnapshotAttributes", id, err)
				}
				b.AddNode(graph.Node{ID: arn, Kind: graph.KindDBSnapshot, Name: id, Account: t.Account, Region: t.Region, Attrs: snap})
				return nil
			})
		}
	}
	_ = g.Wait()
}

// clusterSnapshots adds a node per manual DB cluster snapshot with its
// restore attribute.
func (c *Collector) clusterSnapshots(ctx context.Context, t collectors.Target, b *graph.Builder, client api, gaps *collectors.Gaps) {
	var g errgroup.Group
	g.SetLimit(c.concurrency())
	p := rds.NewDescribeDBClusterSnapshotsPaginator(client, &rds.DescribeDBClusterSnapshotsInput{SnapshotType: aws.String(manual), MaxRecords: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			gaps.Fail(t.Region, "DescribeDBClusterSnapshots", "", err)
			break
		}
		for _, s := range page.DBClusterSnapshots {
			id := aws.ToString(s.DBClusterSnapshotIdentifier)
			snap := &graph.DBSnapshot{Identifier: id, Source: aws.ToString(s.DBClusterIdentifier), Type: aws.ToString(s.SnapshotType),
				Engine: aws.ToString(s.Engine), Encrypted: aws.ToBool(s.StorageEncrypted), KMSKeyID: aws.ToString(s.KmsKeyId)}
			if s.SnapshotCreateTime != nil {
				snap.Created = s.SnapshotCreateTime.UTC()
			}
			arn := aws.ToString(s.DBClusterSnapshotArn)
			if arn == "" {
				arn = "arn:aws:rds:" + t.Region + ":" + t.Account + ":cluster-snapshot:" + id
			}
			g.Go(func() error {
				out, err := client.DescribeDBClusterSnapshotAttributes(ctx, &rds.DescribeDBClusterSnapshotAttributesInput{DBClusterSnapshotIdentifier: aws.String(id)})
				switch {
				case err == nil && out.DBClusterSnapshotAttributesResult != nil:
					snap.RestoreKnown = graph.True
					for _, a := range out.DBClusterSnapshotAttributesResult.DBClusterSnapshotAttributes {
						if aws.ToString(a.AttributeName) == "restore" {
							snap.RestoreBy = append(snap.RestoreBy, a.AttributeValues...)
						}
					}
				case err == nil:
					snap.RestoreKnown = graph.True
				case collectors.IsNotFound(err):
					return nil
				default:
					gaps.Fail(t.Region, "DescribeDBClusterSnapshotAttributes", id, err)
				}
				b.AddNode(graph.Node{ID: arn, Kind: graph.KindDBClusterSnapshot, Name: id, Account: t.Account, Region: t.Region, Attrs: snap})
				return nil
			})
		}
	}
	_ = g.Wait()
}

package rds

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// instances adds a node per DB instance.
func (c *Collector) instances(ctx context.Context, t collectors.Target, b *graph.Builder, client api, gaps *collectors.Gaps) {
	p := rds.NewDescribeDBInstancesPaginator(client, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			gaps.Fail(t.Region, "DescribeDBInstances", "", err)
			return
		}
		for _, in := range page.DBInstances {
			addInstance(t, b, in)
		}
	}
}

func addInstance(t collectors.Target, b *graph.Builder, in types.DBInstance) {
	id := aws.ToString(in.DBInstanceIdentifier)
	db := &graph.Database{
		Identifier:         id,
		Engine:             aws.ToString(in.Engine),
		EngineVersion:      aws.ToString(in.EngineVersion),
		Status:             aws.ToString(in.DBInstanceStatus),
		PubliclyAccessible: tri(in.PubliclyAccessible),
		SecurityGroups:     securityGroups(in.VpcSecurityGroups),
		Cluster:            aws.ToString(in.DBClusterIdentifier),
		StorageEncrypted:   aws.ToBool(in.StorageEncrypted),
		KMSKeyID:           aws.ToString(in.KmsKeyId),
		IAMAuth:            aws.ToBool(in.IAMDatabaseAuthenticationEnabled),
		Port:               int(aws.ToInt32(in.DbInstancePort)),
	}
	if e := in.Endpoint; e != nil {
		db.Endpoint = aws.ToString(e.Address)
		if p := aws.ToInt32(e.Port); p != 0 {
			db.Port = int(p)
		}
	}
	if sg := in.DBSubnetGroup; sg != nil {
		db.VPCID = aws.ToString(sg.VpcId)
		for _, s := range sg.Subnets {
			db.Subnets = append(db.Subnets, aws.ToString(s.SubnetIdentifier))
		}
	}
	arn := aws.ToString(in.DBInstanceArn)
	if arn == "" {
		arn = graph.DBInstanceARN(t.Region, t.Account, id)
	}
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindDBInstance, Name: id, Account: t.Account, Region: t.Region, Attrs: db})
}

// clusters adds a node per DB cluster and a contains edge to each member.
func (c *Collector) clusters(ctx context.Context, t collectors.Target, b *graph.Builder, client api, gaps *collectors.Gaps) {
	p := rds.NewDescribeDBClustersPaginator(client, &rds.DescribeDBClustersInput{MaxRecords: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			gaps.Fail(t.Region, "DescribeDBClusters", "", err)
			return
		}
		for _, cl := range page.DBClusters {
			addCluster(t, b, cl)
		}
	}
}

func addCluster(t collectors.Target, b *graph.Builder, cl types.DBCluster) {
	id := aws.ToString(cl.DBClusterIdentifier)
	db := &graph.Database{
		Identifier:     id,
		Engine:         aws.ToString(cl.Engine),
		EngineVersion:  aws.ToString(cl.EngineVersion),
		Status:         aws.ToString(cl.Status),
		Endpoint:       aws.ToString(cl.Endpoint),
		ReaderEndpoint: aws.ToString(cl.ReaderEndpoint),
		Port:           int(aws.ToInt32(cl.Port)),
		// Aurora clusters do not report it: their instances do.
		PubliclyAccessible: tri(cl.PubliclyAccessible),
		SecurityGroups:     securityGroups(cl.VpcSecurityGroups),
		StorageEncrypted:   aws.ToBool(cl.StorageEncrypted),
		KMSKeyID:           aws.ToString(cl.KmsKeyId),
		IAMAuth:            aws.ToBool(cl.IAMDatabaseAuthenticationEnabled),
		DataAPI:            aws.ToBool(cl.HttpEndpointEnabled),
	}
	arn := aws.ToString(cl.DBClusterArn)
	if arn == "" {
		arn = graph.DBClusterARN(t.Region, t.Account, id)
	}
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindDBCluster, Name: id, Account: t.Account, Region: t.Region, Attrs: db})
	for _, m := range cl.DBClusterMembers {
		role := "reader"
		if aws.ToBool(m.IsClusterWriter) {
			role = "writer"
		}
		b.AddEdge(graph.Edge{From: arn, To: graph.DBInstanceARN(t.Region, t.Account, aws.ToString(m.DBInstanceIdentifier)), Kind: graph.EdgeContains,
			Via: graph.ViaClusterMember, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: "rds:DescribeDBClusters", Detail: role + " instance of cluster " + id}}})
	}
}

func securityGroups(ms []types.VpcSecurityGroupMembership) []string {
	var out []string
	for _, m := range ms {
		if id := aws.ToString(m.VpcSecurityGroupId); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// tri is a *bool the API may leave out: absent is Unknown.
func tri(b *bool) graph.Tri {
	if b == nil {
		return graph.Unknown
	}
	return graph.TriOf(*b)
}

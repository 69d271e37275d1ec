// Package ec2 collects EC2 instances and the network that decides what
// reaches them: security groups, subnets with their route tables and
// network ACLs, the managed prefix lists security groups name, and launch
// templates (for their instance metadata settings).
//
// # Calls
//
// Every call is a whole-region listing, never a per-instance call. Per
// region: DescribeInstances, DescribeSecurityGroups, DescribeSubnets and
// DescribeNetworkAcls one call per 1,000; DescribeRouteTables one per 100;
// DescribeManagedPrefixLists one per 100; DescribeLaunchTemplateVersions
// with Versions $Default and $Latest (no template named: the default and
// latest version of every template) one per 200. Then one
// GetManagedPrefixListEntries (per 100 entries) for each customer-managed
// prefix list an ingress rule names; AWS-managed lists stand for their
// service and are not expanded. A region with none of these resources
// costs 7 calls.
//
// Left out on purpose, because another call already answers: DescribeVpcs
// (subnets and instances carry their VPC), DescribeInternetGateways (a
// route to an igw- that is not attached is a blackhole route, which the
// route table reports), DescribeAddresses (an Elastic IP on an instance is
// its interface's association, IpOwnerId not "amazon"),
// DescribeLaunchTemplates (the versions carry the template id and name)
// and DescribeSecurityGroupRules (the groups carry their rules).
//
// # What fails how
//
// Each failed listing is one coverage gap and leaves its facts Unknown: no
// subnet node without DescribeSubnets; subnets whose routes or network ACL
// are unknown without DescribeRouteTables or DescribeNetworkAcls; no
// security group node without DescribeSecurityGroups, so the resolver
// treats every group as unread. Instances whose answer carries no
// MetadataOptions (an emulator) have their IMDS settings Unknown.
package ec2

import (
	"context"
	"reflect"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "ec2"

// api is the part of the EC2 client the collector uses: reads only.
type api interface {
	DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
	DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error)
	DescribeRouteTables(context.Context, *ec2.DescribeRouteTablesInput, ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error)
	DescribeNetworkAcls(context.Context, *ec2.DescribeNetworkAclsInput, ...func(*ec2.Options)) (*ec2.DescribeNetworkAclsOutput, error)
	DescribeManagedPrefixLists(context.Context, *ec2.DescribeManagedPrefixListsInput, ...func(*ec2.Options)) (*ec2.DescribeManagedPrefixListsOutput, error)
	GetManagedPrefixListEntries(context.Context, *ec2.GetManagedPrefixListEntriesInput, ...func(*ec2.Options)) (*ec2.GetManagedPrefixListEntriesOutput, error)
	DescribeLaunchTemplateVersions(context.Context, *ec2.DescribeLaunchTemplateVersionsInput, ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplateVersionsOutput, error)
}

// Page sizes: the largest each operation accepts (EC2 API Reference).
const (
	bigPage      = 1000 // instances, security groups, subnets, network ACLs
	routesPage   = 100  // route tables
	listsPage    = 100  // prefix lists and their entries
	versionsPage = 200  // launch template versions
)

// Collector reads EC2 in one account and region.
type Collector struct{}

// New returns the EC2 collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
		"DescribeInstances":              {"ec2:DescribeInstances"},
		"DescribeSecurityGroups":         {"ec2:DescribeSecurityGroups"},
		"DescribeSubnets":                {"ec2:DescribeSubnets"},
		"DescribeRouteTables":            {"ec2:DescribeRouteTables"},
		"DescribeNetworkAcls":            {"ec2:DescribeNetworkAcls"},
		"DescribeManagedPrefixLists":     {"ec2:DescribeManagedPrefixLists"},
		"GetManagedPrefixListEntries":    {"ec2:GetManagedPrefixListEntries"},
		"DescribeLaunchTemplateVersions": {"ec2:DescribeLaunchTemplateVersions"},
	}}}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, ec2.NewFromConfig(t.Config))
}

// task is one region's collection: the client, where gaps go, and what the
// listings share (the prefix lists that ingress rules name).
type task struct {
	t      collectors.Target
	b      *graph.Builder
	client api
	gaps   *collectors.Gaps

	mu    sync.Mutex
	named map[string]bool // prefix lists ingress rules name
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	k := &task{t: t, b: b, client: client, gaps: collectors.NewGaps(t, b, service), named: map[string]bool{}}
	var g errgroup.Group
	g.Go(func() error { k.instances(ctx); return nil })
	g.Go(func() error { k.network(ctx); return nil })
	g.Go(func() error { k.templates(ctx); return nil })
	// Prefix lists need the groups' rules (which lists are named) and the
	// list of lists (which are AWS's): both first, side by side.
	var lists map[string]prefixList
	var listsOK bool
	g.Go(func() error {
		var inner errgroup.Group
		inner.Go(func() error { k.securityGroups(ctx); return nil })
		inner.Go(func() error { lists, listsOK = k.prefixLists(ctx); return nil })
		_ = inner.Wait()
		if listsOK {
			k.prefixListEntries(ctx, lists)
		}
		return nil
	})
	_ = g.Wait()
	return k.gaps.Done(ctx)
}

func (k *task) fail(api, resource string, err error) collectors.Class {
	return k.gaps.Fail(k.t.Region, api, resource, err)
}

package ec2

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// securityGroups reads every security group of the region with its
// ingress rules, one rule per source so that each keeps its description.
// It notes the prefix lists the rules name.
func (k *task) securityGroups(ctx context.Context) {
	p := ec2.NewDescribeSecurityGroupsPaginator(k.client, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(bigPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			k.fail("DescribeSecurityGroups", "", err)
			return
		}
		for _, sg := range page.SecurityGroups {
			id := aws.ToString(sg.GroupId)
			attrs := &graph.SecurityGroup{GroupID: id, Name: aws.ToString(sg.GroupName), VPCID: aws.ToString(sg.VpcId),
				Owner: aws.ToString(sg.OwnerId), IngressKnown: graph.True}
			for _, perm := range sg.IpPermissions {
				attrs.Ingress = append(attrs.Ingress, k.rules(perm)...)
			}
			k.b.AddNode(graph.Node{ID: graph.SecurityGroupARN(k.t.Region, k.t.Account, id), Kind: graph.KindSecurityGroup,
				Name: nameTag(sg.Tags, attrs.Name), Account: k.t.Account, Region: k.t.Region, Attrs: attrs})
		}
	}
}

// rules splits one IpPermission into one ingress rule per source.
func (k *task) rules(perm types.IpPermission) []graph.IngressRule {
	base := graph.IngressRule{Protocol: aws.ToString(perm.IpProtocol), FromPort: -1, ToPort: -1}
	if perm.FromPort != nil {
		base.FromPort = int(aws.ToInt32(perm.FromPort))
	}
	if perm.ToPort != nil {
		base.ToPort = int(aws.ToInt32(perm.ToPort))
	}
	var out []graph.IngressRule
	with := func(desc *string, set func(*graph.IngressRule)) {
		r := base
		r.Description = aws.ToString(desc)
		set(&r)
		out = append(out, r)
	}
	for _, x := range perm.IpRanges {
		with(x.Description, func(r *graph.IngressRule) { r.CIDRs = []string{aws.ToString(x.CidrIp)} })
	}
	for _, x := range perm.Ipv6Ranges {
		with(x.Description, func(r *graph.IngressRule) { r.CIDRs = []string{aws.ToString(x.CidrIpv6)} })
	}
	for _, x := range perm.PrefixListIds {
		id := aws.ToString(x.PrefixListId)
		k.mu.Lock()
		k.named[id] = true
		k.mu.Unlock()
		with(x.Description, func(r *graph.IngressRule) { r.PrefixLists = []string{id} })
	}
	for _, x := range perm.UserIdGroupPairs {
		ref := graph.GroupRef{GroupID: aws.ToString(x.GroupId), Account: aws.ToString(x.UserId), PeeringConnection: aws.ToString(x.VpcPeeringConnectionId)}
		with(x.Description, func(r *graph.IngressRule) { r.Groups = []graph.GroupRef{ref} })
	}
	return out
}

// prefixList is what DescribeManagedPrefixLists says about one list.
type prefixList struct {
	id, name, owner string
}

// prefixLists lists the region's managed prefix lists (the account's, those
// shared with it, and AWS's). ok is false when the listing failed.
func (k *task) prefixLists(ctx context.Context) (map[string]prefixList, bool) {
	out := map[string]prefixList{}
	p := ec2.NewDescribeManagedPrefixListsPaginator(k.client, &ec2.DescribeManagedPrefixListsInput{MaxResults: aws.Int32(listsPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			k.fail("DescribeManagedPrefixLists", "", err)
			return nil, false
		}
		for _, pl := range page.PrefixLists {
			id := aws.ToString(pl.PrefixListId)
			out[id] = prefixList{id: id, name: aws.ToString(pl.PrefixListName), owner: aws.ToString(pl.OwnerId)}
		}
	}
	return out, true
}

// prefixListEntries adds a node for each prefix list an ingress rule
// names: with its entries for a customer-managed list, without for one
// AWS manages (it stands for its service's network, which AWS changes).
func (k *task) prefixListEntries(ctx context.Context, lists map[string]prefixList) {
	k.mu.Lock()
	named := make([]string, 0, len(k.named))
	for id := range k.named {
		named = append(named, id)
	}
	k.mu.Unlock()
	slices.Sort(named)
	var g errgroup.Group
	g.SetLimit(4)
	for _, id := range named {
		pl, ok := lists[id]
		if !ok {
			continue // not visible to the account: the resolver treats it as unread
		}
		g.Go(func() error {
			attrs := &graph.PrefixList{ID: id, Name: pl.name, Owner: pl.owner, EntriesKnown: graph.False}
			if pl.owner != "AWS" {
				attrs.Entries, attrs.EntriesKnown = k.entries(ctx, id)
			}
			k.b.AddNode(graph.Node{ID: graph.PrefixListARN(k.t.Region, k.t.Account, id), Kind: graph.KindPrefixList,
				Name: pl.name, Account: k.t.Account, Region: k.t.Region, Attrs: attrs})
			return nil
		})
	}
	_ = g.Wait()
}

func (k *task) entries(ctx context.Context, id string) ([]string, graph.Tri) {
	var out []string
	p := ec2.NewGetManagedPrefixListEntriesPaginator(k.client, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: aws.String(id), MaxResults: aws.Int32(listsPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if k.fail("GetManagedPrefixListEntries", id, err) == collectors.ClassNotFound {
				return nil, graph.False
			}
			return nil, graph.Unknown
		}
		for _, e := range page.Entries {
			out = append(out, aws.ToString(e.Cidr))
		}
	}
	slices.Sort(out)
	return out, graph.True
}

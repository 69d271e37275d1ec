package ec2

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/trustmap/trustmap/graph"
)

// instances reads every instance of the region: state, network interfaces
// (subnet, private and public addresses, security groups), instance
// profile and instance metadata options. Terminated instances are left
// out: they have no network and no credentials left.
func (k *task) instances(ctx context.Context) {
	p := ec2.NewDescribeInstancesPaginator(k.client, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(bigPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			k.fail("DescribeInstances", "", err)
			return
		}
		for _, res := range page.Reservations {
			for _, in := range res.Instances {
				if in.State != nil && in.State.Name == types.InstanceStateNameTerminated {
					continue
				}
				id := aws.ToString(in.InstanceId)
				k.b.AddNode(graph.Node{ID: graph.InstanceARN(k.t.Region, k.t.Account, id), Kind: graph.KindEC2Instance,
					Name: nameTag(in.Tags, id), Account: k.t.Account, Region: k.t.Region, Attrs: instance(in)})
			}
		}
	}
}

// instance turns what DescribeInstances said about an instance into its
// attributes.
func instance(in types.Instance) *graph.EC2Instance {
	attrs := &graph.EC2Instance{
		InstanceID: aws.ToString(in.InstanceId), InstanceType: string(in.InstanceType), ImageID: aws.ToString(in.ImageId),
		KeyName: aws.ToString(in.KeyName), VPCID: aws.ToString(in.VpcId),
	}
	if in.State != nil {
		attrs.State = string(in.State.Name)
	}
	if in.IamInstanceProfile != nil {
		attrs.InstanceProfile = aws.ToString(in.IamInstanceProfile.Arn)
	}
	for _, t := range in.Tags {
		if aws.ToString(t.Key) == "aws:ec2launchtemplate:id" {
			attrs.LaunchTemplate = aws.ToString(t.Value)
		}
	}
	if m := in.MetadataOptions; m != nil {
		attrs.IMDS = graph.IMDSOptions{Known: graph.True, HTTPTokens: string(m.HttpTokens), HopLimit: int(aws.ToInt32(m.HttpPutResponseHopLimit)),
			HTTPEndpoint: string(m.HttpEndpoint)}
	}
	nics := slices.Clone(in.NetworkInterfaces)
	slices.SortStableFunc(nics, func(a, b types.InstanceNetworkInterface) int { return deviceIndex(a) - deviceIndex(b) })
	for _, n := range nics {
		nic := graph.NetworkInterface{ID: aws.ToString(n.NetworkInterfaceId), SubnetID: aws.ToString(n.SubnetId)}
		for _, a := range n.PrivateIpAddresses {
			nic.PrivateIPs = append(nic.PrivateIPs, aws.ToString(a.PrivateIpAddress))
		}
		if len(nic.PrivateIPs) == 0 && n.PrivateIpAddress != nil {
			nic.PrivateIPs = []string{aws.ToString(n.PrivateIpAddress)}
		}
		if a := n.Association; a != nil && aws.ToString(a.PublicIp) != "" {
			nic.PublicIP = aws.ToString(a.PublicIp)
			// AWS's own pool answers IpOwnerId "amazon"; an Elastic IP the account's id.
			nic.ElasticIP = aws.ToString(a.IpOwnerId) != "" && aws.ToString(a.IpOwnerId) != "amazon"
		}
		for _, a := range n.Ipv6Addresses {
			nic.IPv6 = append(nic.IPv6, aws.ToString(a.Ipv6Address))
		}
		for _, g := range n.Groups {
			nic.SecurityGroups = append(nic.SecurityGroups, aws.ToString(g.GroupId))
		}
		attrs.Interfaces = append(attrs.Interfaces, nic)
	}
	if len(attrs.Interfaces) == 0 && in.SubnetId != nil {
		// An answer without interfaces (an emulator's): the instance-level
		// fields describe the primary one.
		nic := graph.NetworkInterface{SubnetID: aws.ToString(in.SubnetId), PublicIP: aws.ToString(in.PublicIpAddress)}
		if in.PrivateIpAddress != nil {
			nic.PrivateIPs = []string{aws.ToString(in.PrivateIpAddress)}
		}
		if in.Ipv6Address != nil {
			nic.IPv6 = []string{aws.ToString(in.Ipv6Address)}
		}
		for _, g := range in.SecurityGroups {
			nic.SecurityGroups = append(nic.SecurityGroups, aws.ToString(g.GroupId))
		}
		attrs.Interfaces = []graph.NetworkInterface{nic}
	}
	return attrs
}

func deviceIndex(n types.InstanceNetworkInterface) int {
	if n.Attachment == nil {
		return 0
	}
	return int(aws.ToInt32(n.Attachment.DeviceIndex))
}

// templates reads the default and latest version of every launch template
// of the region, for the instance metadata settings and instance profile
// each would launch with. User data is never read into the snapshot.
func (k *task) templates(ctx context.Context) {
	type tmpl struct {
		name     string
		versions []graph.LaunchTemplateVersion
	}
	byID := map[string]*tmpl{}
	p := ec2.NewDescribeLaunchTemplateVersionsPaginator(k.client, &ec2.DescribeLaunchTemplateVersionsInput{
		Versions: []string{"$Default", "$Latest"}, MaxResults: aws.Int32(versionsPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			k.fail("DescribeLaunchTemplateVersions", "", err)
			return
		}
		for _, v := range page.LaunchTemplateVersions {
			id := aws.ToString(v.LaunchTemplateId)
			t := byID[id]
			if t == nil {
				t = &tmpl{name: aws.ToString(v.LaunchTemplateName)}
				byID[id] = t
			}
			lv := graph.LaunchTemplateVersion{Number: int(aws.ToInt64(v.VersionNumber)), Default: aws.ToBool(v.DefaultVersion)}
			if d := v.LaunchTemplateData; d != nil {
				lv.IMDS.Known = graph.True
				if m := d.MetadataOptions; m != nil {
					lv.IMDS.HTTPTokens, lv.IMDS.HopLimit, lv.IMDS.HTTPEndpoint = string(m.HttpTokens), int(aws.ToInt32(m.HttpPutResponseHopLimit)), string(m.HttpEndpoint)
				}
				if ip := d.IamInstanceProfile; ip != nil {
					lv.InstanceProfile = aws.ToString(ip.Arn)
					if lv.InstanceProfile == "" {
						lv.InstanceProfile = aws.ToString(ip.Name)
					}
				}
			}
			if !slices.ContainsFunc(t.versions, func(x graph.LaunchTemplateVersion) bool { return x.Number == lv.Number }) {
				t.versions = append(t.versions, lv)
			}
		}
	}
	for id, t := range byID {
		slices.SortFunc(t.versions, func(a, b graph.LaunchTemplateVersion) int { return a.Number - b.Number })
		t.versions[len(t.versions)-1].Latest = true
		k.b.AddNode(graph.Node{ID: graph.LaunchTemplateARN(k.t.Region, k.t.Account, id), Kind: graph.KindLaunchTemplate, Name: t.name,
			Account: k.t.Account, Region: k.t.Region, Attrs: &graph.LaunchTemplate{TemplateID: id, Versions: t.versions}})
	}
}

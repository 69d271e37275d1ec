package main

import (
	"fmt"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// networkPlan adds the regional calls of the ec2, elbv2 and elb collectors
// in region r and returns the longest chain. It plans the whole-region
// listings only: a world with load balancers, instances or named prefix
// lists needs their per-resource reads planned too, so it panics on one
// rather than under-count the floor.
func networkPlan(a *fakeaws.Account, r string, regionOf func(string) string, add func(region, service, api string, n int)) int {
	if len(a.ELBv2.LoadBalancers)+len(a.ELB.LoadBalancers)+len(a.EC2.Instances)+len(a.EC2.PrefixLists) > 0 {
		panic(fmt.Sprintf("bench plan: account %s has EC2 instances, load balancers or prefix lists, whose per-resource reads are not planned", a.ID))
	}
	count := func(regions []string) int {
		n := 0
		for _, x := range regions {
			if regionOf(x) == r {
				n++
			}
		}
		return n
	}
	var sgs, subnets, routes, acls, versions []string
	for _, x := range a.EC2.SecurityGroups {
		sgs = append(sgs, x.Region)
	}
	for _, x := range a.EC2.Subnets {
		subnets = append(subnets, x.Region)
	}
	for _, x := range a.EC2.RouteTables {
		routes = append(routes, x.Region)
	}
	for _, x := range a.EC2.NetworkACLs {
		acls = append(acls, x.Region)
	}
	for _, x := range a.EC2.LaunchTemplates {
		versions = append(versions, x.Region)
	}
	var tgs []string
	for _, x := range a.ELBv2.TargetGroups {
		tgs = append(tgs, x.Region)
	}
	add(r, "ec2", "DescribeInstances", 1)
	add(r, "ec2", "DescribeSecurityGroups", pages(count(sgs), 1000))
	add(r, "ec2", "DescribeSubnets", pages(count(subnets), 1000))
	add(r, "ec2", "DescribeNetworkAcls", pages(count(acls), 1000))
	add(r, "ec2", "DescribeRouteTables", pages(count(routes), 100))
	add(r, "ec2", "DescribeManagedPrefixLists", 1)
	add(r, "ec2", "DescribeLaunchTemplateVersions", pages(count(versions), 200))
	add(r, "elasticloadbalancingv2", "DescribeLoadBalancers", 1)
	add(r, "elasticloadbalancingv2", "DescribeTargetGroups", pages(count(tgs), 400))
	add(r, "elasticloadbalancing", "DescribeLoadBalancers", 1)
	return max(pages(count(routes), 100), pages(count(sgs), 1000), pages(count(versions), 200))
}

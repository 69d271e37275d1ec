package main

import (
	"slices"
	"strings"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// networkPlan adds the regional calls of the ec2, elbv2 and elb collectors
// in region r and returns the longest chain among them.
func networkPlan(a *fakeaws.Account, r string, regionOf func(string) string, add func(region, service, api string, n int)) int {
	return max(ec2Plan(a, r, regionOf, add), elbv2Plan(a, r, regionOf, add), classicPlan(a, r, regionOf, add))
}

// ec2Plan: the region's listings (what AWS creates with each VPC counted
// in: a main route table, a default network ACL and a default security
// group unless the world declares them), side by side; then, after both
// the security groups and the prefix lists are listed, the entry pages of
// each customer-managed prefix list an ingress rule names.
func ec2Plan(a *fakeaws.Account, r string, regionOf func(string) string, add func(region, service, api string, n int)) int {
	e := a.EC2
	in := func(region string) bool { return regionOf(region) == r }
	derived := func(declared func(vpc string) bool) int {
		n := 0
		for _, v := range e.VPCs {
			if in(v.Region) && !declared(v.Name) && (v.ID == "" || !declared(v.ID)) {
				n++
			}
		}
		return n
	}
	var instances, subnets, routes, acls, groups, lists, versions int
	for _, x := range e.Instances {
		if in(x.Region) {
			instances++
		}
	}
	for _, x := range e.Subnets {
		if in(x.Region) {
			subnets++
		}
	}
	for _, x := range e.RouteTables {
		if in(x.Region) {
			routes++
		}
	}
	routes += derived(func(vpc string) bool {
		return slices.ContainsFunc(e.RouteTables, func(t *fakeaws.RouteTable) bool { return t.Main && t.VPC == vpc && in(t.Region) })
	})
	for _, x := range e.NetworkACLs {
		if in(x.Region) {
			acls++
		}
	}
	acls += derived(func(vpc string) bool {
		return slices.ContainsFunc(e.NetworkACLs, func(t *fakeaws.NetworkACL) bool { return t.Default && t.VPC == vpc && in(t.Region) })
	})
	named := map[string]bool{} // prefix list references of ingress rules
	for _, x := range e.SecurityGroups {
		if in(x.Region) {
			groups++
			for _, p := range x.Ingress {
				for _, ref := range p.PrefixLists {
					named[ref] = true
				}
			}
		}
	}
	groups += derived(func(vpc string) bool {
		return slices.ContainsFunc(e.SecurityGroups, func(g *fakeaws.SecurityGroup) bool { return g.Name == "default" && g.VPC == vpc && in(g.Region) })
	})
	entries := 0 // the most entry pages of one list
	for _, pl := range e.PrefixLists {
		if !in(pl.Region) {
			continue
		}
		lists++
		if pl.OwnerID != "AWS" && (named[pl.Name] || (pl.ID != "" && named[pl.ID])) {
			n := pages(len(pl.Entries), 100)
			add(r, "ec2", "GetManagedPrefixListEntries", n)
			entries = max(entries, n)
		}
	}
	for _, t := range e.LaunchTemplates {
		if !in(t.Region) || len(t.Versions) == 0 {
			continue
		}
		// $Default and $Latest: one version, or two when they differ.
		versions++
		if max(1, t.DefaultVersion) != lastNumber(t) {
			versions++
		}
	}
	pi, pg, ps, pa, pr, pl, pv := pages(instances, 1000), pages(groups, 1000), pages(subnets, 1000), pages(acls, 1000),
		pages(routes, 100), pages(lists, 100), pages(versions, 200)
	add(r, "ec2", "DescribeInstances", pi)
	add(r, "ec2", "DescribeSecurityGroups", pg)
	add(r, "ec2", "DescribeSubnets", ps)
	add(r, "ec2", "DescribeNetworkAcls", pa)
	add(r, "ec2", "DescribeRouteTables", pr)
	add(r, "ec2", "DescribeManagedPrefixLists", pl)
	add(r, "ec2", "DescribeLaunchTemplateVersions", pv)
	return max(pi, ps, pa, pr, pv, max(pg, pl)+entries)
}

// lastNumber is the number of a launch template's newest version.
func lastNumber(t *fakeaws.LaunchTemplate) int {
	n := 0
	for k, v := range t.Versions {
		n = max(n, v.Number, k+1)
	}
	return n
}

// elbv2Plan: DescribeLoadBalancers and DescribeTargetGroups side by side;
// per load balancer DescribeListeners, then per HTTP or HTTPS listener of
// an Application Load Balancer DescribeRules (its rules and the default
// one); per target group a listener or rule forwards to,
// DescribeTargetHealth.
func elbv2Plan(a *fakeaws.Account, r string, regionOf func(string) string, add func(region, service, api string, n int)) int {
	used := map[string]bool{} // target group names and ARNs forwarded to
	lbs, tgs, deepest := 0, 0, 0
	for _, lb := range a.ELBv2.LoadBalancers {
		if regionOf(lb.Region) != r {
			continue
		}
		lbs++
		pl := pages(len(lb.Listeners), 400)
		add(r, "elasticloadbalancingv2", "DescribeListeners", pl)
		rules := 0
		for _, l := range lb.Listeners {
			acts := slices.Clone(l.DefaultActions)
			for _, rule := range l.Rules {
				acts = append(acts, rule.Actions...)
			}
			for _, x := range acts {
				if x.TargetGroup != "" {
					used[x.TargetGroup] = true
				}
				if x.Forward != nil {
					for _, w := range x.Forward.TargetGroups {
						used[w.TargetGroup] = true
					}
				}
			}
			if (lb.Type == "" || lb.Type == "application") && (l.Protocol == "HTTP" || l.Protocol == "HTTPS") {
				n := pages(len(l.Rules)+1, 400)
				add(r, "elasticloadbalancingv2", "DescribeRules", n)
				rules = max(rules, n)
			}
		}
		deepest = max(deepest, pl+rules)
	}
	health := 0
	for _, tg := range a.ELBv2.TargetGroups {
		if regionOf(tg.Region) != r {
			continue
		}
		tgs++
		if used[tg.Name] || usedByARN(used, tg.Name) {
			add(r, "elasticloadbalancingv2", "DescribeTargetHealth", 1)
			health = 1
		}
	}
	pb, pt := pages(lbs, 400), pages(tgs, 400)
	add(r, "elasticloadbalancingv2", "DescribeLoadBalancers", pb)
	add(r, "elasticloadbalancingv2", "DescribeTargetGroups", pt)
	return max(pb+deepest, pt+health)
}

// usedByARN says whether a forward names the target group by its ARN
// (…:targetgroup/NAME/ID).
func usedByARN(used map[string]bool, name string) bool {
	for ref := range used {
		if strings.HasPrefix(ref, "arn:") && strings.Contains(ref, ":targetgroup/"+name+"/") {
			return true
		}
	}
	return false
}

// classicPlan: DescribeLoadBalancers (Classic) per 400, which carries the
// listeners and instances.
func classicPlan(a *fakeaws.Account, r string, regionOf func(string) string, add func(region, service, api string, n int)) int {
	n := 0
	for _, lb := range a.ELB.LoadBalancers {
		if regionOf(lb.Region) == r {
			n++
		}
	}
	p := pages(n, 400)
	add(r, "elasticloadbalancing", "DescribeLoadBalancers", p)
	return p
}

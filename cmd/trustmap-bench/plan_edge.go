package main

import (
	"slices"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// cloudFrontPlan adds the calls of the global CloudFront collector and of
// the CLOUDFRONT-scoped web ACLs (read in us-east-1, or in the first region
// when us-east-1 is not scanned, but always signed for us-east-1), and
// returns the longest chain.
func cloudFrontPlan(a *fakeaws.Account, home string, regions []string, add func(region, service, api string, n int)) int {
	cf := a.CloudFront
	d, c, i := pages(len(cf.Distributions), 100), pages(len(cf.OriginAccessControls), 100), pages(len(cf.OriginAccessIdentities), 100)
	add(home, "cloudfront", "ListDistributions", d)
	add(home, "cloudfront", "ListOriginAccessControls", c)
	add(home, "cloudfront", "ListCloudFrontOriginAccessIdentities", i)
	if len(regions) == 0 {
		return max(d, c, i)
	}
	var acls int
	for _, w := range a.WAFv2.WebACLs {
		if w.Scope == "CLOUDFRONT" {
			acls++
		}
	}
	l := pages(acls, 100)
	add("us-east-1", "wafv2", "ListWebACLs", l)
	add("us-east-1", "wafv2", "GetWebACL", acls)
	return max(d, c, i, l+min(acls, 1))
}

// edgePlan adds the regional calls of the wafv2, rds, eks and opensearch
// collectors in region r and returns the longest chain.
func edgePlan(a *fakeaws.Account, r string, regionOf func(string) string, add func(region, service, api string, n int)) int {
	var acls int
	for _, w := range a.WAFv2.WebACLs {
		if w.Scope != "CLOUDFRONT" && regionOf(w.Region) == r {
			acls++
		}
	}
	lw := pages(acls, 100)
	add(r, "wafv2", "ListWebACLs", lw)
	add(r, "wafv2", "GetWebACL", acls)
	add(r, "wafv2", "ListResourcesForWebACL", acls)

	count := func(regions []string) int {
		n := 0
		for _, x := range regions {
			if regionOf(x) == r {
				n++
			}
		}
		return n
	}
	var inst, clusters, snaps, csnaps []string
	for _, x := range a.RDS.Instances {
		inst = append(inst, x.Region)
	}
	for _, x := range a.RDS.Clusters {
		clusters = append(clusters, x.Region)
	}
	for _, x := range a.RDS.Snapshots {
		if x.Type == "" || x.Type == "manual" {
			snaps = append(snaps, x.Region)
		}
	}
	for _, x := range a.RDS.ClusterSnapshots {
		if x.Type == "" || x.Type == "manual" {
			csnaps = append(csnaps, x.Region)
		}
	}
	ls, lcs := pages(count(snaps), 100), pages(count(csnaps), 100)
	add(r, "rds", "DescribeDBInstances", pages(count(inst), 100))
	add(r, "rds", "DescribeDBClusters", pages(count(clusters), 100))
	add(r, "rds", "DescribeDBSnapshots", ls)
	add(r, "rds", "DescribeDBSnapshotAttributes", count(snaps))
	add(r, "rds", "DescribeDBClusterSnapshots", lcs)
	add(r, "rds", "DescribeDBClusterSnapshotAttributes", count(csnaps))

	var eks, domains []string
	for _, x := range a.EKS.Clusters {
		eks = append(eks, x.Region)
	}
	for _, x := range a.OpenSearch.Domains {
		domains = append(domains, x.Region)
	}
	ne, nd := count(eks), count(domains)
	le := pages(ne, 100)
	add(r, "eks", "ListClusters", le)
	add(r, "eks", "DescribeCluster", ne)
	add(r, "es", "ListDomainNames", 1)
	add(r, "es", "DescribeDomains", (nd+4)/5)

	return slices.Max([]int{lw + min(acls, 1), ls + min(count(snaps), 1), lcs + min(count(csnaps), 1), le + min(ne, 1), 1 + min(nd, 1)})
}

package main

import (
	"fmt"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/fakeaws"
)

// The edge and data services of the generated account. Every enabled
// distribution is an entry point (viewer access; every 10th serves only
// signed URLs), its origin a custom host (origins are judged by the
// resolver, not read per distribution); every 4th is behind one of the
// account's CLOUDFRONT web ACLs. Regional web ACLs sit in each region.
// Databases, snapshots, EKS clusters and search domains take the planted
// exposures by index like the other kinds: offset 0 public, offset 1
// cross-account (a snapshot shared with the partner, an EKS endpoint open
// to a fixed range, a domain policy naming the partner); RDS instances are
// public only (publicly accessible, naming security groups the account does
// not have: the entry point is unconfirmed, as in an account whose groups
// could not be read).

func distributionID(i int) string { return fmt.Sprintf("EBENCH%08d", i) }
func dbName(i int) string         { return fmt.Sprintf("bench-db-%05d", i) }

func (g *generated) cloudfront(s scenario, a *fakeaws.Account) {
	const cfACLs = 4
	if s.Distributions > 0 {
		for i := range cfACLs {
			a.WAFv2.WebACLs = append(a.WAFv2.WebACLs, &fakeaws.WebACL{Name: fmt.Sprintf("bench-edge-%d", i), Scope: "CLOUDFRONT",
				Rules: []*fakeaws.WAFRule{{Name: "common", OverrideAction: "None", Statement: fakeaws.Doc(`{"ManagedRuleGroupStatement":{"VendorName":"AWS","Name":"AWSManagedRulesCommonRuleSet"}}`)}}})
		}
		g.Resources[string(graph.KindWebACL)] += cfACLs
	}
	for i := range s.Distributions / 20 {
		a.CloudFront.OriginAccessIdentities = append(a.CloudFront.OriginAccessIdentities, &fakeaws.OriginAccessIdentity{Name: fmt.Sprintf("bench-oai-%d", i)})
		g.Resources[string(graph.KindOriginAccessIdentity)]++
	}
	for i := range s.Distributions {
		id := distributionID(i)
		d := &fakeaws.Distribution{Name: fmt.Sprintf("bench-dist-%d", i), ID: id,
			Origins:              []*fakeaws.CloudFrontOrigin{{ID: "app", DomainName: fmt.Sprintf("app-%d.bench.example", i), Custom: &fakeaws.CustomOriginConfig{ProtocolPolicy: "https-only"}}},
			DefaultCacheBehavior: &fakeaws.CacheBehavior{TargetOriginID: "app", ViewerProtocolPolicy: "redirect-to-https"}}
		via := "viewer-access"
		if i%10 == 9 {
			d.DefaultCacheBehavior.TrustedKeyGroups = []string{"kg-bench"}
			via = "signed-urls"
		}
		if i%4 == 0 {
			d.WebACL = fmt.Sprintf("bench-edge-%d", i%cfACLs)
		}
		a.CloudFront.Distributions = append(a.CloudFront.Distributions, d)
		g.plantEntry(graph.DistributionARN(benchAccount, id), via)
	}
	g.Resources[string(graph.KindDistribution)] = s.Distributions
}

func (g *generated) wafv2(s scenario, a *fakeaws.Account) {
	for i := range s.WebACLs {
		a.WAFv2.WebACLs = append(a.WAFv2.WebACLs, &fakeaws.WebACL{Name: fmt.Sprintf("bench-acl-%04d", i), Region: s.region(i), DefaultAction: "Allow",
			Rules: []*fakeaws.WAFRule{{Name: "rate", Action: "Block", Statement: fakeaws.Doc(`{"RateBasedStatement":{"Limit":2000,"AggregateKeyType":"IP"}}`)}}})
	}
	g.Resources[string(graph.KindWebACL)] += s.WebACLs
}

func (g *generated) rds(s scenario, a *fakeaws.Account) {
	for i := range s.DBInstances {
		db := &fakeaws.DBInstance{ID: dbName(i), Region: s.region(i), Engine: "postgres", Created: created, StorageEncrypted: true,
			VPCSecurityGroups: []string{fmt.Sprintf("sg-%017x", i+1)}}
		if s.plant(i) == plantPublic {
			db.PubliclyAccessible, db.StorageEncrypted = true, false
			g.plantEntry("arn:aws:rds:"+s.region(i)+":"+benchAccount+":db:"+dbName(i), "public-endpoint")
		}
		a.RDS.Instances = append(a.RDS.Instances, db)
	}
	g.Resources[string(graph.KindDBInstance)] = s.DBInstances
	for i := range s.DBSnapshots {
		src := i % max(1, s.DBInstances)
		sn := &fakeaws.DBSnapshot{ID: fmt.Sprintf("bench-snap-%05d", i), Region: s.region(src), Instance: dbName(src), Created: created}
		arn := "arn:aws:rds:" + s.region(src) + ":" + benchAccount + ":snapshot:" + sn.ID
		switch s.plant(i) {
		case plantPublic:
			sn.Restore = []string{"all"}
			g.plantEntry(arn, "snapshot-restore")
		case plantCross:
			sn.Restore = []string{partnerAccount}
			g.plantEntry(arn, "snapshot-restore")
		}
		a.RDS.Snapshots = append(a.RDS.Snapshots, sn)
	}
	g.Resources[string(graph.KindDBSnapshot)] = s.DBSnapshots
}

func (g *generated) eks(s scenario, a *fakeaws.Account) {
	off, on := false, true
	for i := range s.EKSClusters {
		c := &fakeaws.EKSCluster{Name: fmt.Sprintf("bench-eks-%04d", i), Region: s.region(i), RoleARN: roleARN("bench-eks"), Created: created,
			EndpointPublicAccess: &off, EndpointPrivateAccess: true}
		arn := "arn:aws:eks:" + s.region(i) + ":" + benchAccount + ":cluster/" + c.Name
		switch s.plant(i) {
		case plantPublic:
			c.EndpointPublicAccess = &on
			g.plantEntry(arn, "public-endpoint")
		case plantCross:
			c.EndpointPublicAccess, c.PublicAccessCIDRs = &on, []string{"203.0.113.0/24"}
			g.plantEntry(arn, "public-endpoint")
		}
		a.EKS.Clusters = append(a.EKS.Clusters, c)
	}
	g.Resources[string(graph.KindEKSCluster)] = s.EKSClusters
}

func (g *generated) opensearch(s scenario, a *fakeaws.Account) {
	for i := range s.SearchDomains {
		name := fmt.Sprintf("bench-search-%04d", i)
		d := &fakeaws.OpenSearchDomain{Name: name, Region: s.region(i)}
		arn := "arn:aws:es:" + s.region(i) + ":" + benchAccount + ":domain/" + name
		switch s.plant(i) {
		case plantPublic:
			d.AccessPolicies = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"es:ESHttpGet","Resource":"%s/*"}]}`, arn)
			g.plantEntry(arn, "domain-access-policy")
		case plantCross:
			d.AccessPolicies = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"es:ESHttpGet","Resource":"%s/*"}]}`, partnerAccount, arn)
			g.plantEntry(arn, "domain-access-policy")
		default:
			d.AccessPolicies = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"es:*","Resource":"%s/*"}]}`, benchAccount, arn)
		}
		a.OpenSearch.Domains = append(a.OpenSearch.Domains, d)
	}
	g.Resources[string(graph.KindSearchDomain)] = s.SearchDomains
}

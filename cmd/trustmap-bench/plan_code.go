package main

import "github.com/trustmap/trustmap/internal/fakeaws"

// The minimal plan of the issue-12 services, as their collectors document
// it (collectors/ecr, collectors/s3control, collectors/lambda's code.go and
// layers.go):
//
//	ecr         per region: DescribeRepositories per 1,000, GetRegistryPolicy 1;
//	            per repository: GetRepositoryPolicy
//	s3control   per region: ListAccessPoints per 1,000; per access point:
//	            GetAccessPointPolicy, and where there is a policy
//	            GetAccessPointPolicyStatus and GetAccessPoint; once, in us-west-2:
//	            ListMultiRegionAccessPoints 1, per Multi-Region Access Point
//	            GetMultiRegionAccessPointPolicy, and where there is a policy its status
//	lambda      per region: ListLayers per 50; per layer ListLayerVersions per 50;
//	            per version GetLayerVersionPolicy; per Image function GetFunction
//	s3          per bucket: GetBucketEncryption (beside the other reads)
//
// Chains: list → policy → status for access points (3), list → policy for
// repositories (2), ListLayers → ListLayerVersions → policy (3), and the
// function listing → GetFunction (functions' pages + 1).

// codePlan adds the calls of region r and returns its longest chain.
func codePlan(a *fakeaws.Account, r string, regionOf func(string) string, add func(region, service, api string, n int)) int {
	chain := 0
	repos := 0
	for _, x := range a.ECR.Repositories {
		if regionOf(x.Region) == r {
			repos++
		}
	}
	add(r, "ecr", "DescribeRepositories", pages(repos, 1000))
	add(r, "ecr", "GetRegistryPolicy", 1)
	add(r, "ecr", "GetRepositoryPolicy", repos)
	chain = max(chain, pages(repos, 1000)+min(repos, 1))

	aps, withPolicy := 0, 0
	for _, ap := range a.S3.AccessPoints {
		if apRegion(a, ap, regionOf) != r {
			continue
		}
		aps++
		if ap.Policy != nil {
			withPolicy++
		}
	}
	add(r, "s3control", "ListAccessPoints", pages(aps, 1000))
	add(r, "s3control", "GetAccessPointPolicy", aps)
	add(r, "s3control", "GetAccessPointPolicyStatus", withPolicy)
	add(r, "s3control", "GetAccessPoint", withPolicy)
	depth := min(aps, 1)
	if withPolicy > 0 {
		depth = 2
	}
	chain = max(chain, pages(aps, 1000)+depth)

	layers, layerChain := 0, 0
	for _, l := range a.Lambda.Layers {
		if regionOf(l.Region) != r {
			continue
		}
		layers++
		add(r, "lambda", "ListLayerVersions", pages(len(l.Versions), 50))
		add(r, "lambda", "GetLayerVersionPolicy", len(l.Versions))
		layerChain = max(layerChain, pages(len(l.Versions), 50)+min(len(l.Versions), 1))
	}
	add(r, "lambda", "ListLayers", pages(layers, 50))
	chain = max(chain, pages(layers, 50)+layerChain)

	images, fns := 0, 0
	for _, f := range a.Lambda.Functions {
		if regionOf(f.Region) != r {
			continue
		}
		fns++
		if f.PackageType == "Image" {
			images++
		}
	}
	add(r, "lambda", "GetFunction", images)
	if images > 0 {
		chain = max(chain, pages(fns, 50)+1)
	}
	return chain
}

// apRegion is the region of an access point: its own, else its bucket's.
func apRegion(a *fakeaws.Account, ap *fakeaws.AccessPoint, regionOf func(string) string) string {
	if ap.Region != "" {
		return regionOf(ap.Region)
	}
	for _, b := range a.S3.Buckets {
		if b.Name == ap.Bucket {
			return regionOf(b.Region)
		}
	}
	return regionOf("")
}

// mrapPlan adds the Multi-Region Access Point calls, all in us-west-2.
func mrapPlan(a *fakeaws.Account, add func(region, service, api string, n int)) int {
	const r = "us-west-2"
	add(r, "s3control", "ListMultiRegionAccessPoints", 1)
	withPolicy := 0
	for _, m := range a.S3.MultiRegionAccessPoints {
		if m.Policy != nil {
			withPolicy++
		}
	}
	add(r, "s3control", "GetMultiRegionAccessPointPolicy", len(a.S3.MultiRegionAccessPoints))
	add(r, "s3control", "GetMultiRegionAccessPointPolicyStatus", withPolicy)
	return 1 + len(a.S3.MultiRegionAccessPoints) + withPolicy // read one after another
}

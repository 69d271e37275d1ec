package main

import (
	"fmt"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// The issue-12 resources of the generated account: ECR repositories (and
// Image functions that run their images), S3 access points and
// Multi-Region Access Points, Lambda layers (and functions that load them),
// and every bucket's default encryption (S3's SSE-S3 default, a KMS key on
// every 4th bucket). Planting follows world.go: offset 0 public, offset 1
// cross-account.

func repoName(i int) string  { return fmt.Sprintf("bench/repo-%05d", i) }
func apName(i int) string    { return fmt.Sprintf("bench-ap-%05d", i) }
func layerName(i int) string { return fmt.Sprintf("bench-layer-%05d", i) }

// layerVersions is how many versions each generated layer has.
const layerVersions = 2

func (g *generated) ecr(s scenario, a *fakeaws.Account) {
	for i := range s.Repositories {
		region := s.region(i)
		arn := "arn:aws:ecr:" + region + ":" + benchAccount + ":repository/" + repoName(i)
		r := &fakeaws.ECRRepository{Name: repoName(i), Region: region, Created: created,
			Images: []*fakeaws.ECRImage{{Tags: []string{"prod"}, Pushed: created}}}
		switch s.plant(i) {
		case plantPublic:
			r.Policy = doc(`{"Version":"2008-10-17","Statement":[{"Sid":"PublicPull","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`)
			g.plantEntry(arn, "repository-policy")
		case plantCross:
			r.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"PartnerPush","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":["ecr:InitiateLayerUpload","ecr:UploadLayerPart","ecr:CompleteLayerUpload","ecr:PutImage"]}]}`, partnerAccount)
			g.plantEntry(arn, "repository-policy")
		default:
			if i%2 == 0 {
				// Lambda's pull, pinned to this account's functions: not a way in.
				r.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"LambdaECRImageRetrievalPolicy","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Condition":{"StringLike":{"aws:sourceArn":"arn:aws:lambda:%s:%s:function:*"}}}]}`, region, benchAccount)
			}
		}
		a.ECR.Repositories = append(a.ECR.Repositories, r)
	}
	g.Resources["ECRRepository"] = s.Repositories
}

// delegates says whether bucket k can delegate to access points: it has
// no policy of its own and is not planted (world.go gives every third
// bucket a policy). A delegating bucket has no Block Public Access, which
// would keep a public access point closed.
func (s scenario) delegates(k int) bool {
	p := s.plant(k)
	return k%3 != 0 && (p < plantPublic || p > plantThird)
}

// apBucket is the bucket of access point i: one that delegates, in the
// access point's region.
func (s scenario) apBucket(i int) int {
	k := sameRegion(s, i, s.Buckets)
	for step := 0; step < s.Buckets && !s.delegates(k); step++ {
		k = (k + len(s.Regions)) % s.Buckets
	}
	return k
}

func (g *generated) accessPoints(s scenario, a *fakeaws.Account) {
	if s.Buckets == 0 {
		return
	}
	open := &fakeaws.PublicAccessBlock{}
	delegated := map[int]bool{}
	for i := range s.AccessPoints {
		k := s.apBucket(i)
		b := a.S3.Buckets[k]
		ap := &fakeaws.AccessPoint{Name: apName(i), Bucket: b.Name, Region: b.Region, Created: created}
		arn := "arn:aws:s3:" + b.Region + ":" + benchAccount + ":accesspoint/" + ap.Name
		plant := s.plant(i)
		if !s.delegates(k) {
			plant = -1 // no bucket of its region can delegate: no policy
		}
		switch plant {
		case plantPublic:
			ap.PublicAccessBlock, ap.PolicyIsPublic = open, true
			ap.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"%s/object/*"}]}`, arn)
			g.plantEntry(arn, "access-point-policy")
		case plantCross:
			ap.VPCID, ap.PublicAccessBlock = "vpc-0a1b2c3d", open
			ap.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"%s/object/*"}]}`, arn)
			g.plantEntry(arn, "access-point-policy")
		}
		if ap.Policy != nil && !delegated[k] {
			// S3 User Guide, "Delegating access control to access points".
			b.PublicAccessBlock = nil
			b.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"Delegate","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"%s"}}}]}`, b.Name, b.Name, benchAccount)
			delegated[k] = true
		}
		a.S3.AccessPoints = append(a.S3.AccessPoints, ap)
	}
	g.Resources["S3AccessPoint"] = s.AccessPoints
	for i := range s.MRAPs {
		m := &fakeaws.MultiRegionAccessPoint{Name: fmt.Sprintf("bench-mrap-%d", i), Created: created}
		for r := range s.Regions {
			if k := sameRegion(s, i*len(s.Regions)+r, s.Buckets); k < s.Buckets {
				m.Regions = append(m.Regions, fakeaws.MRAPRegion{Bucket: a.S3.Buckets[k].Name})
			}
		}
		a.S3.MultiRegionAccessPoints = append(a.S3.MultiRegionAccessPoints, m)
	}
	g.Resources["MultiRegionAccessPoint"] = s.MRAPs
	for k, b := range a.S3.Buckets {
		if k%4 == 3 {
			b.Encryption = &fakeaws.BucketEncryption{SSEAlgorithm: "aws:kms", BucketKeyEnabled: true,
				KMSMasterKeyID: fmt.Sprintf("arn:aws:kms:%s:%s:key/00000000-0000-4000-8000-%012d", b.Region, benchAccount, k%len(s.Regions))}
		}
	}
}

func (g *generated) layers(s scenario, a *fakeaws.Account) {
	for i := range s.Layers {
		region := s.region(i)
		l := &fakeaws.LambdaLayer{Name: layerName(i), Region: region}
		for v := 1; v <= layerVersions; v++ {
			lv := &fakeaws.LayerVersion{Version: int64(v), Created: "2024-01-07T10:00:00.000+0000", CompatibleRuntimes: []string{"python3.12"}}
			arn := fmt.Sprintf("arn:aws:lambda:%s:%s:layer:%s:%d", region, benchAccount, l.Name, v)
			if v == layerVersions {
				switch s.plant(i) {
				case plantPublic:
					lv.Policy = doc(`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"public","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"%s"}]}`, arn)
					g.plantEntry(arn, "layer-policy")
				case plantCross:
					lv.Policy = doc(`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"lambda:GetLayerVersion","Resource":"%s"}]}`, partnerAccount, arn)
					g.plantEntry(arn, "layer-policy")
				}
			}
			l.Versions = append(l.Versions, lv)
		}
		a.Lambda.Layers = append(a.Lambda.Layers, l)
	}
	g.Resources["LambdaLayer"] = s.Layers * layerVersions
}

// code makes every 10th function (index 9) run an image of a repository of
// its region, and every 4th (index 1) load a layer of its region.
func (g *generated) code(s scenario, a *fakeaws.Account) {
	for i, f := range a.Lambda.Functions {
		switch {
		case i%10 == 9 && s.Repositories > 0:
			r := sameRegion(s, i, s.Repositories)
			f.PackageType, f.Runtime, f.Handler = "Image", "", ""
			f.ImageURI = benchAccount + ".dkr.ecr." + f.Region + ".amazonaws.com/" + repoName(r) + ":prod"
		case i%4 == 1 && s.Layers > 0:
			l := sameRegion(s, i, s.Layers)
			f.Layers = []string{fmt.Sprintf("arn:aws:lambda:%s:%s:layer:%s:%d", f.Region, benchAccount, layerName(l), layerVersions)}
		}
	}
}

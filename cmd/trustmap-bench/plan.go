package main

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// The minimal plan: the calls a complete scan of a world needs, from the
// world itself and the plan each collector documents (its package doc),
// never from what a scan happened to do. Pages are max(1, ceil(n/page)).
//
//	runner         sts GetCallerIdentity 1, ec2 DescribeRegions 1 (home region)
//	organizations  DescribeOrganization 1; ListAccounts per 20 member accounts when in one
//	iam            GetAccountAuthorizationDetails per 1,000 users+groups+roles+local policies;
//	               GetPolicy + GetPolicyVersion per distinct AWS-managed policy attached;
//	               GenerateCredentialReport 2 (STARTED, then COMPLETE), GetCredentialReport 1
//	s3             s3control GetPublicAccessBlock 1; ListBuckets per 1,000 buckets (home region);
//	               per bucket, in its region: GetBucketPolicy, GetBucketPolicyStatus only
//	               where a policy exists, GetPublicAccessBlock, GetBucketOwnershipControls,
//	               GetBucketAcl only where ACLs are enabled (not BucketOwnerEnforced),
//	               GetBucketNotificationConfiguration
//	lambda         per region: ListFunctions per 50, ListEventSourceMappings per 100;
//	               per function: GetPolicy, ListFunctionUrlConfigs
//	sqs            per region: ListQueues per 1,000; per queue: GetQueueAttributes
//	apigateway     per region: GetRestApis per 500, GetDomainNames per 500, per domain
//	               GetBasePathMappings per 500; per REST API: GetResources (embed=methods) per
//	               500 resources, GetStages, GetAuthorizers per 500; GetIntegration per method
//	               without an embedded one (at most 100 per region)
//	apigatewayv2   per region: GetApis per 500; per API: GetRoutes, GetIntegrations,
//	               GetStages and GetAuthorizers per 500
//	cloudfront     ListDistributions, ListOriginAccessControls and
//	               ListCloudFrontOriginAccessIdentities per 100 (home region)
//	wafv2          per region: ListWebACLs (REGIONAL) per 100; per web ACL: GetWebACL,
//	               ListResourcesForWebACL; in us-east-1 also ListWebACLs (CLOUDFRONT) per 100
//	               and GetWebACL per CLOUDFRONT web ACL
//	rds            per region: DescribeDBInstances, DescribeDBClusters, DescribeDBSnapshots
//	               and DescribeDBClusterSnapshots per 100; per manual snapshot its
//	               Describe*SnapshotAttributes
//	eks            per region: ListClusters per 100; DescribeCluster per cluster
//	opensearch     per region: ListDomainNames; DescribeDomains per 5 domains
//	ec2            per region: DescribeInstances, DescribeSecurityGroups,
//	               DescribeSubnets and DescribeNetworkAcls per 1,000,
//	               DescribeRouteTables and DescribeManagedPrefixLists per 100 (what AWS
//	               creates with each VPC counted in: a main route table, a default
//	               network ACL, a default security group), DescribeLaunchTemplateVersions
//	               per 200 versions ($Default and $Latest of each template); per
//	               customer-managed prefix list an ingress rule names:
//	               GetManagedPrefixListEntries per 100 entries (AWS-managed lists are not
//	               expanded)
//	elbv2          per region: DescribeLoadBalancers and DescribeTargetGroups per 400; per
//	               load balancer DescribeListeners per 400; per HTTP or HTTPS listener of an
//	               Application Load Balancer DescribeRules per 400 (the default rule
//	               counted in); per target group a listener or rule forwards to
//	               DescribeTargetHealth
//	elb            per region: DescribeLoadBalancers (Classic) per 400
//	sns            per region: ListTopics per 100; per topic: GetTopicAttributes,
//	               ListSubscriptionsByTopic per 100 subscriptions
//	events         per region: ListEventBuses per 100 (the default bus included),
//	               ListApiDestinations per 100; per bus: ListRules per 100; per rule:
//	               ListTargetsByRule per 100 targets
//	kms            per region: ListKeys per 1,000, ListAliases per 100 (AWS managed keys'
//	               aliases included); per key: DescribeKey, GetKeyPolicy, ListGrants per 100
//	secretsmanager per region: ListSecrets per 100 (EventBridge connections' secrets
//	               included, those scheduled for deletion not); per secret: GetResourcePolicy
//	ecr, s3control, lambda's layers and images, S3 default encryption: plan_code.go
//
// The longest chain of calls that each need the previous one's answer:
// GetCallerIdentity → DescribeRegions → the longest collector chain, which is
// a list's pages one after the other, then the per-resource reads that
// depend on each other (GetBucketPolicy → GetBucketPolicyStatus,
// GetBucketOwnershipControls → GetBucketAcl, DescribeLoadBalancers →
// DescribeListeners → DescribeRules, DescribeSecurityGroups and
// DescribeManagedPrefixLists → GetManagedPrefixListEntries pages,
// GetAccountAuthorizationDetails pages → GetPolicy → GetPolicyVersion,
// GenerateCredentialReport → GenerateCredentialReport → GetCredentialReport).

// callKey is one API in one region, named as the fake names it.
type callKey struct{ Region, Service, API string }

func (k callKey) op() string { return k.Service + ":" + k.API }

// plan is the minimal plan of a world.
type plan struct {
	Calls map[callKey]int
	Chain int // calls in the longest dependent chain
}

// awsManagedKnown are the AWS-managed policies the fake serves (FIXTURE.md,
// IAM); GetPolicy of any other answers NoSuchEntity, with no
// GetPolicyVersion after it.
var awsManagedKnown = map[string]bool{
	"arn:aws:iam::aws:policy/AdministratorAccess":                      true,
	"arn:aws:iam::aws:policy/ReadOnlyAccess":                           true,
	"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess":                   true,
	"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole": true,
	"arn:aws:iam::aws:policy/AmazonSQSFullAccess":                      true,
}

func pages(n, size int) int { return max(1, (n+size-1)/size) }

// minimalPlan computes the plan for account a, scanning regions, with global
// calls signed for home.
func minimalPlan(a *fakeaws.Account, regions []string, home string) plan {
	p := plan{Calls: map[callKey]int{}}
	add := func(region, service, api string, n int) {
		if n > 0 {
			p.Calls[callKey{region, service, api}] += n
		}
	}
	inScope := func(r string) bool { return slices.Contains(regions, r) }
	regionOf := func(r string) string {
		if r == "" && len(a.Regions) > 0 {
			return a.Regions[0]
		}
		return cmp.Or(r, "us-east-1")
	}
	chains := []int{0}

	add(home, "sts", "GetCallerIdentity", 1)
	add(home, "ec2", "DescribeRegions", 1)

	// Organizations.
	add(home, "organizations", "DescribeOrganization", 1)
	org := 1
	if o := a.Organization; o != nil && o.MasterAccountID == a.ID {
		n := pages(len(o.Accounts)+1, 20)
		add(home, "organizations", "ListAccounts", n)
		org += n
	}
	chains = append(chains, org)

	// IAM.
	entities := len(a.IAM.Users) + len(a.IAM.Groups) + len(a.IAM.Roles) + len(a.IAM.Policies)
	details := pages(entities, 1000)
	add(home, "iam", "GetAccountAuthorizationDetails", details)
	managed := map[string]bool{}
	note := func(arns []string, boundary string) {
		for _, x := range append(slices.Clone(arns), boundary) {
			if strings.HasPrefix(x, "arn:aws:iam::aws:policy/") {
				managed[x] = true
			}
		}
	}
	for _, r := range a.IAM.Roles {
		note(r.AttachedPolicies, r.PermissionsBoundary)
	}
	for _, u := range a.IAM.Users {
		note(u.AttachedPolicies, u.PermissionsBoundary)
	}
	for _, g := range a.IAM.Groups {
		note(g.AttachedPolicies, "")
	}
	iamChain := details
	for arn := range managed {
		add(home, "iam", "GetPolicy", 1)
		if awsManagedKnown[arn] {
			add(home, "iam", "GetPolicyVersion", 1)
			iamChain = details + 2
		} else {
			iamChain = max(iamChain, details+1)
		}
	}
	add(home, "iam", "GenerateCredentialReport", 2)
	add(home, "iam", "GetCredentialReport", 1)
	chains = append(chains, iamChain, 3)

	// S3.
	add(home, "s3control", "GetPublicAccessBlock", 1)
	list := pages(len(a.S3.Buckets), 1000)
	add(home, "s3", "ListBuckets", list)
	s3Chain := list
	for _, b := range a.S3.Buckets {
		r := regionOf(b.Region)
		if !inScope(r) {
			continue
		}
		add(r, "s3", "GetBucketPolicy", 1)
		add(r, "s3", "GetPublicAccessBlock", 1)
		add(r, "s3", "GetBucketOwnershipControls", 1)
		add(r, "s3", "GetBucketNotificationConfiguration", 1)
		add(r, "s3", "GetBucketEncryption", 1)
		depth := 1
		if b.Policy != nil {
			add(r, "s3", "GetBucketPolicyStatus", 1)
			depth = 2
		}
		if b.Ownership != "BucketOwnerEnforced" {
			add(r, "s3", "GetBucketAcl", 1)
			depth = 2
		}
		s3Chain = max(s3Chain, list+depth)
	}
	chains = append(chains, s3Chain)

	// Per-region services.
	for _, r := range regions {
		var fns, mappings, queues int
		for _, f := range a.Lambda.Functions {
			if regionOf(f.Region) == r {
				fns++
			}
		}
		for _, m := range a.Lambda.EventSourceMappings {
			if regionOf(m.Region) == r {
				mappings++
			}
		}
		lf := pages(fns, 50)
		add(r, "lambda", "ListFunctions", lf)
		add(r, "lambda", "ListEventSourceMappings", pages(mappings, 100))
		add(r, "lambda", "GetPolicy", fns)
		add(r, "lambda", "ListFunctionUrlConfigs", fns)
		chains = append(chains, lf+min(fns, 1))

		for _, q := range a.SQS.Queues {
			if regionOf(q.Region) == r {
				queues++
			}
		}
		lq := pages(queues, 1000)
		add(r, "sqs", "ListQueues", lq)
		add(r, "sqs", "GetQueueAttributes", queues)
		chains = append(chains, lq+min(queues, 1))

		chains = append(chains, restPlan(a, r, regionOf, add), httpPlan(a, r, regionOf, add), edgePlan(a, r, regionOf, add),
			networkPlan(a, r, regionOf, add),
			snsPlan(a, r, regionOf, add), eventsPlan(a, r, regionOf, add), kmsPlan(a, r, regionOf, add), secretsPlan(a, r, regionOf, add),
			codePlan(a, r, regionOf, add))
	}
	chains = append(chains, cloudFrontPlan(a, home, regions, add), mrapPlan(a, add))
	p.Chain = 2 + slices.Max(chains)
	return p
}

// restPlan adds the REST API (v1) calls of region r and returns its chain.
func restPlan(a *fakeaws.Account, r string, regionOf func(string) string, add func(region, service, api string, n int)) int {
	var apis []*fakeaws.RestAPI
	for _, api := range a.APIGateway.RestAPIs {
		if regionOf(api.Region) == r {
			apis = append(apis, api)
		}
	}
	list := pages(len(apis), 500)
	add(r, "apigateway", "GetRestApis", list)
	chain := list
	lookups := 0
	for _, api := range apis {
		add(r, "apigateway", "GetStages", 1)
		res := 1 // the root, which the fake adds when the fixture leaves it out
		for _, rs := range api.Resources {
			if rs.Path != "/" && (rs.Path != "" || rs.ParentID != "" || rs.PathPart != "") {
				res++
			}
			for _, m := range rs.Methods {
				if m.Integration == nil {
					lookups++
				}
			}
		}
		gr := pages(res, 500)
		add(r, "apigateway", "GetResources", gr)
		add(r, "apigateway", "GetAuthorizers", pages(len(api.Authorizers), 500))
		chain = max(chain, list+max(gr, pages(len(api.Authorizers), 500), 1))
	}
	if n := min(lookups, 100); n > 0 {
		add(r, "apigateway", "GetIntegration", n)
		chain++
	}
	var domains []*fakeaws.DomainName
	for _, d := range a.APIGateway.DomainNames {
		if regionOf(d.Region) == r {
			domains = append(domains, d)
		}
	}
	dl := pages(len(domains), 500)
	add(r, "apigateway", "GetDomainNames", dl)
	for _, d := range domains {
		add(r, "apigateway", "GetBasePathMappings", pages(len(d.Mappings), 500))
		chain = max(chain, dl+pages(len(d.Mappings), 500))
	}
	return chain
}

// httpPlan adds the HTTP/WebSocket API (v2) calls of region r and returns
// its chain.
func httpPlan(a *fakeaws.Account, r string, regionOf func(string) string, add func(region, service, api string, n int)) int {
	n := 0
	chain := 0
	for _, api := range a.APIGatewayV2.APIs {
		if regionOf(api.Region) != r {
			continue
		}
		n++
		add(r, "apigatewayv2", "GetRoutes", pages(len(api.Routes), 500))
		add(r, "apigatewayv2", "GetIntegrations", pages(len(api.Integrations), 500))
		add(r, "apigatewayv2", "GetStages", pages(len(api.Stages), 500))
		add(r, "apigatewayv2", "GetAuthorizers", pages(len(api.Authorizers), 500))
		chain = max(chain, pages(len(api.Routes), 500), pages(len(api.Integrations), 500), pages(len(api.Stages), 500), pages(len(api.Authorizers), 500))
	}
	list := pages(n, 500)
	add(r, "apigatewayv2", "GetApis", list)
	return list + chain
}

// bucketLoad is the minimal calls drawn from one token bucket of the fake.
type bucketLoad struct {
	Region  string  `json:"region"`
	Bucket  string  `json:"bucket"`
	Calls   int     `json:"minimal_calls"`
	Rate    float64 `json:"rate"` // scaled
	Burst   int     `json:"burst"`
	Seconds float64 `json:"seconds"` // max(0, calls - burst) / rate
}

// floor is the least time the fake's settings allow for a plan.
type floor struct {
	Seconds float64      `json:"floor_s"`
	By      string       `json:"floor_by"`
	Latency float64      `json:"latency_term_s"`
	Buckets []bucketLoad `json:"-"`
}

// computeFloor applies the formula (see the package doc): for each token
// bucket, (minimal calls − burst) ÷ rate; and latency × the longest chain;
// the floor is the largest. Throttle and latency are the fake's, already
// scaled.
func computeFloor(p plan, t fakeaws.Throttle, latency time.Duration) floor {
	type bk struct{ region, bucket string }
	loads := map[bk]*bucketLoad{}
	for k, n := range p.Calls {
		name, r, limited := t.Bucket(k.Service, k.API)
		if !limited {
			continue
		}
		key := bk{k.Region, name}
		if k.Service == "iam" || k.Service == "organizations" {
			key.region = "global" // signed for us-east-1 from any region
		}
		l := loads[key]
		if l == nil {
			l = &bucketLoad{Region: key.region, Bucket: name, Rate: r.Rate, Burst: r.Burst}
			loads[key] = l
		}
		l.Calls += n
	}
	f := floor{Latency: latency.Seconds() * float64(p.Chain), By: "latency"}
	f.Seconds = f.Latency
	for _, l := range loads {
		l.Seconds = math.Max(0, float64(l.Calls-l.Burst)) / l.Rate
		f.Buckets = append(f.Buckets, *l)
	}
	slices.SortFunc(f.Buckets, func(a, b bucketLoad) int {
		return cmp.Or(cmp.Compare(b.Seconds, a.Seconds), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Bucket, b.Bucket))
	})
	if len(f.Buckets) > 0 && f.Buckets[0].Seconds > f.Seconds {
		f.Seconds = f.Buckets[0].Seconds
		f.By = f.Buckets[0].Region + " " + f.Buckets[0].Bucket
	}
	return f
}

// snsPlan adds the SNS calls of region r and returns its chain: the topic
// pages, then a topic's two reads side by side (its subscription pages one
// after the other).
func snsPlan(a *fakeaws.Account, r string, regionOf func(string) string, add func(region, service, api string, n int)) int {
	n, chain := 0, 0
	for _, t := range a.SNS.Topics {
		if regionOf(t.Region) != r {
			continue
		}
		n++
		add(r, "sns", "GetTopicAttributes", 1)
		subs := pages(len(t.Subscriptions), 100)
		add(r, "sns", "ListSubscriptionsByTopic", subs)
		chain = max(chain, subs)
	}
	list := pages(n, 100)
	add(r, "sns", "ListTopics", list)
	return list + chain
}

// eventsPlan adds the EventBridge calls of region r and returns its chain:
// bus pages, then a bus's rule pages, then a rule's target pages.
func eventsPlan(a *fakeaws.Account, r string, regionOf func(string) string, add func(region, service, api string, n int)) int {
	rules := map[string][]*fakeaws.EventRule{}
	buses := map[string]bool{"default": true} // every region has its default bus
	for _, b := range a.EventBridge.Buses {
		if regionOf(b.Region) == r {
			buses[b.Name] = true
		}
	}
	for _, rl := range a.EventBridge.Rules {
		if regionOf(rl.Region) == r {
			bus := cmp.Or(rl.Bus, "default")
			rules[bus] = append(rules[bus], rl)
		}
	}
	lb := pages(len(buses), 100)
	add(r, "events", "ListEventBuses", lb)
	chain := lb
	for bus := range buses {
		lr := pages(len(rules[bus]), 100)
		add(r, "events", "ListRules", lr)
		targets := 0
		for _, rl := range rules[bus] {
			t := pages(len(rl.Targets), 100)
			add(r, "events", "ListTargetsByRule", t)
			targets = max(targets, t)
		}
		chain = max(chain, lb+lr+targets)
	}
	dests := 0
	for _, d := range a.EventBridge.APIDestinations {
		if regionOf(d.Region) == r {
			dests++
		}
	}
	add(r, "events", "ListApiDestinations", pages(dests, 100))
	return max(chain, pages(dests, 100))
}

// kmsPlan adds the KMS calls of region r and returns its chain: the key
// pages, then a key's grant pages (DescribeKey and GetKeyPolicy beside them).
func kmsPlan(a *fakeaws.Account, r string, regionOf func(string) string, add func(region, service, api string, n int)) int {
	keys, aliases, grants := 0, 0, 1
	for _, k := range a.KMS.Keys {
		if regionOf(k.Region) != r {
			continue
		}
		keys++
		if k.AWSService != "" {
			aliases++ // alias/aws/SERVICE
		}
		add(r, "kms", "DescribeKey", 1)
		add(r, "kms", "GetKeyPolicy", 1)
		g := pages(len(k.Grants), 100)
		add(r, "kms", "ListGrants", g)
		grants = max(grants, g)
	}
	for _, al := range a.KMS.Aliases {
		if regionOf(al.Region) == r {
			aliases++
		}
	}
	lk := pages(keys, 1000)
	add(r, "kms", "ListKeys", lk)
	la := pages(aliases, 100)
	add(r, "kms", "ListAliases", la)
	return max(la, lk+min(keys, 1)*grants)
}

// secretsPlan adds the Secrets Manager calls of region r and returns its
// chain.
func secretsPlan(a *fakeaws.Account, r string, regionOf func(string) string, add func(region, service, api string, n int)) int {
	n := 0
	for _, s := range a.SecretsManager.Secrets {
		if regionOf(s.Region) == r && s.Deleted.IsZero() {
			n++
		}
	}
	for _, c := range a.EventBridge.Connections {
		if regionOf(c.Region) == r {
			n++ // the secret EventBridge keeps the connection's credentials in
		}
	}
	list := pages(n, 100)
	add(r, "secretsmanager", "ListSecrets", list)
	add(r, "secretsmanager", "GetResourcePolicy", n)
	return list + min(n, 1)
}

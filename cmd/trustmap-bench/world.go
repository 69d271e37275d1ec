package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// The generated account. Every resource is named by its kind and index
// (bench-bkt-000042, bench-fn-000042, ...) and lives in region
// regions[index % len(regions)]. The shapes follow what real accounts hold:
// most buckets have ACLs disabled and a third have a policy, half the
// functions carry a resource policy pinned to the account, roles have narrow
// inline policies on a few named resources (a few use a name prefix, and a
// handful are administrators), API methods and routes use IAM authorization.
//
// Exposures are planted by index, every exposeEvery-th resource of a kind:
// offset 0 is public, offset 1 cross-account, offset 2 a kind's third way in
// (a public ACL, a public function URL); every 10th API (offset 3) uses an
// authorizer, which makes each of its methods or routes an entry point
// behind authentication. The generator records each planted entry point as
// (resource, way in); nothing else in the account is one.

const (
	benchAccount    = "123456789012"
	partnerAccount  = "111122223333"
	benchAccessKey  = "AKIABENCH00000000001"
	benchCallerARN  = "arn:aws:iam::123456789012:user/trustmap-bench"
	lambdaBasicRole = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	adminPolicy     = "arn:aws:iam::aws:policy/AdministratorAccess"
	sharedPolicies  = 5 // customer-managed policies attached round-robin to roles
)

// scenario is what to generate.
type scenario struct {
	Regions         []string `json:"regions"`
	Buckets         int      `json:"buckets"`
	Functions       int      `json:"functions"`
	Queues          int      `json:"queues"`
	RestAPIs        int      `json:"rest_apis"`
	RestResources   int      `json:"rest_resources_per_api"` // besides the root
	RestMethods     int      `json:"rest_methods_per_resource"`
	HTTPAPIs        int      `json:"http_apis"`
	HTTPRoutes      int      `json:"http_routes_per_api"`
	Roles           int      `json:"roles"`
	AdminRoles      int      `json:"admin_roles"`
	Users           int      `json:"users"`
	Distributions   int      `json:"distributions"`
	WebACLs         int      `json:"web_acls"`
	DBInstances     int      `json:"db_instances"`
	DBSnapshots     int      `json:"db_snapshots"`
	EKSClusters     int      `json:"eks_clusters"`
	SearchDomains   int      `json:"search_domains"`
	Topics          int      `json:"topics"`
	Buses           int      `json:"event_buses"` // custom ones, besides each region's default bus
	Rules           int      `json:"event_rules"`
	APIDestinations int      `json:"api_destinations"`
	Keys            int      `json:"kms_keys"`
	Secrets         int      `json:"secrets"`
	Repositories    int      `json:"ecr_repositories"`
	AccessPoints    int      `json:"access_points"`
	MRAPs           int      `json:"multi_region_access_points"`
	Layers          int      `json:"lambda_layers"`   // each with layerVersions versions
	VPCs            int      `json:"vpcs"`            // at least one per region when anything needs a network
	SecurityGroups  int      `json:"security_groups"` // besides each VPC's nine and its default group
	PrefixLists     int      `json:"prefix_lists"`    // besides each region's corp, vpn and CloudFront lists
	Instances       int      `json:"instances"`
	LaunchTemplates int      `json:"launch_templates"`
	LoadBalancers   int      `json:"load_balancers"` // Application and Network
	ClassicELBs     int      `json:"classic_load_balancers"`
	ExposeEvery     int      `json:"expose_every"`
}

// entryKey identifies an entry point: the resource and the way in.
type entryKey struct{ Resource, Via string }

// generated is a generated account with what the generator knows about it.
type generated struct {
	World *fakeaws.World
	// Planted are the entry points the generator put in.
	Planted map[entryKey]bool
	// Resources counts the resource nodes a complete scan must find, by kind.
	Resources map[string]int
}

func (s scenario) region(i int) string { return s.Regions[i%len(s.Regions)] }

func bucketName(i int) string   { return fmt.Sprintf("bench-bkt-%06d", i) }
func functionName(i int) string { return fmt.Sprintf("bench-fn-%06d", i) }
func queueName(i int) string    { return fmt.Sprintf("bench-q-%06d", i) }
func roleName(i int) string     { return fmt.Sprintf("bench-role-%05d", i) }

func (s scenario) functionARN(i int) string {
	return "arn:aws:lambda:" + s.region(i) + ":" + benchAccount + ":function:" + functionName(i)
}
func (s scenario) queueARN(i int) string {
	return "arn:aws:sqs:" + s.region(i) + ":" + benchAccount + ":" + queueName(i)
}
func roleARN(name string) string { return "arn:aws:iam::" + benchAccount + ":role/" + name }

// plant says which exposure, if any, resource i of a kind gets.
func (s scenario) plant(i int) int {
	if s.ExposeEvery <= 0 {
		return -1
	}
	return i % s.ExposeEvery
}

const (
	plantPublic = 0
	plantCross  = 1
	plantThird  = 2
)

// withAuthorizer says whether API i uses an authorizer (every 10th).
func withAuthorizer(i int) bool { return i%10 == 3 }

var created = time.Date(2024, 1, 7, 10, 0, 0, 0, time.UTC)

// generate builds the account.
func generate(s scenario) *generated {
	a := &fakeaws.Account{
		ID: benchAccount, Alias: "bench", AccessKeys: []string{benchAccessKey}, CallerARN: benchCallerARN,
		Regions: s.Regions,
	}
	g := &generated{
		World:     &fakeaws.World{Accounts: []*fakeaws.Account{a}},
		Planted:   map[entryKey]bool{},
		Resources: map[string]int{},
	}
	g.s3(s, a)
	g.lambda(s, a)
	g.sqs(s, a)
	g.restAPIs(s, a)
	g.httpAPIs(s, a)
	g.iam(s, a)
	g.cloudfront(s, a)
	g.wafv2(s, a)
	g.rds(s, a)
	g.eks(s, a)
	g.opensearch(s, a)
	g.sns(s, a)
	g.eventBridge(s, a)
	g.kms(s, a)
	g.secrets(s, a)
	g.ecr(s, a)          // world_code.go
	g.accessPoints(s, a) // world_code.go
	g.layers(s, a)       // world_code.go
	g.code(s, a)         // world_code.go
	g.network(s, a)      // world_network.go, world_elb.go
	return g
}

func (g *generated) plantEntry(resource, via string) { g.Planted[entryKey{resource, via}] = true }

func doc(format string, args ...any) *fakeaws.Document {
	return fakeaws.Doc(fmt.Sprintf(format, args...))
}

func (g *generated) s3(s scenario, a *fakeaws.Account) {
	for i := range s.Buckets {
		name := bucketName(i)
		arn := "arn:aws:s3:::" + name
		b := &fakeaws.Bucket{Name: name, Region: s.region(i), Created: created, Ownership: "BucketOwnerEnforced"}
		switch {
		case s.plant(i) == plantPublic:
			b.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"%s/*"}]}`, arn)
			b.PolicyIsPublic = true
			g.plantEntry(arn, "bucket-policy")
		case s.plant(i) == plantCross:
			b.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"%s/*"}]}`, partnerAccount, arn)
			g.plantEntry(arn, "bucket-policy")
		case s.plant(i) == plantThird:
			b.Ownership = "ObjectWriter"
			b.ACL = &fakeaws.ACL{OwnerID: canonicalID, Grants: []fakeaws.Grant{
				{Type: "CanonicalUser", ID: canonicalID, Permission: "FULL_CONTROL"},
				{Type: "Group", URI: "http://acs.amazonaws.com/groups/global/AllUsers", Permission: "READ"},
			}}
			g.plantEntry(arn, "bucket-acl")
		case i%3 == 0:
			// A policy that only lets the account's own role in, with TLS required.
			b.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"App","Effect":"Allow","Principal":{"AWS":"%s"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"%s/*"},`+
				`{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["%s","%s/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
				roleARN(roleName(i%max(1, s.Roles))), arn, arn, arn)
		}
		if b.Ownership == "BucketOwnerEnforced" && i%5 == 4 {
			b.Ownership = "BucketOwnerPreferred" // ACLs still enabled: the ACL is read
		}
		if planted := s.plant(i) >= plantPublic && s.plant(i) <= plantThird; i%2 == 1 && !planted {
			b.PublicAccessBlock = &fakeaws.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
		}
		if i%10 == 5 && s.Queues > 0 {
			q := sameRegion(s, i, s.Queues)
			b.Notifications = &fakeaws.Notifications{Queues: []fakeaws.NotificationTarget{{ID: "new-objects", ARN: s.queueARN(q), Events: []string{"s3:ObjectCreated:*"}}}}
		}
		a.S3.Buckets = append(a.S3.Buckets, b)
	}
	g.Resources["S3Bucket"] = s.Buckets
}

// sameRegion is the index below n of a resource in the same region as
// resource i (resources are spread round-robin over the regions).
func sameRegion(s scenario, i, n int) int {
	j := i % n
	r := len(s.Regions)
	if n >= r {
		j -= j % r
		j += i % r
		if j >= n {
			j -= r
		}
	}
	return j
}

// canonicalID is the account's S3 canonical user id, as the ACLs name it.
var canonicalID = strings.Repeat("b", 64)

func (g *generated) lambda(s scenario, a *fakeaws.Account) {
	for i := range s.Functions {
		name := functionName(i)
		arn := s.functionARN(i)
		f := &fakeaws.Function{
			Name: name, Region: s.region(i), Runtime: "python3.12", Handler: "app.handler",
			Role:         roleARN(roleName(i % max(1, s.Roles))),
			Environment:  map[string]string{"TABLE": "orders", "LOG_LEVEL": "info"},
			LastModified: "2024-01-07T10:00:00.000+0000",
		}
		switch {
		case s.plant(i) == plantPublic:
			f.Policy = doc(`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"AnyoneInvokes","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"%s"}]}`, arn)
			g.plantEntry(arn, "lambda-permission")
		case s.plant(i) == plantCross:
			f.Policy = doc(`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"lambda:InvokeFunction","Resource":"%s"}]}`, partnerAccount, arn)
			g.plantEntry(arn, "lambda-permission")
		case s.plant(i) == plantThird:
			f.URL = &fakeaws.FunctionURL{AuthType: "NONE", Cors: &fakeaws.Cors{AllowOrigins: []string{"*"}}}
			f.Policy = doc(`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"%s","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}`, arn)
			g.plantEntry(arn+"#url", "function-url")
		case i%2 == 0:
			// Invoked by S3 and API Gateway of this account only.
			f.Policy = doc(`{"Version":"2012-10-17","Id":"default","Statement":[`+
				`{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"%s","Condition":{"StringEquals":{"AWS:SourceAccount":"%s"}}},`+
				`{"Sid":"apigw","Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"%s","Condition":{"StringEquals":{"AWS:SourceAccount":"%s"}}}]}`,
				arn, benchAccount, arn, benchAccount)
		}
		if f.URL == nil && i%10 == 7 {
			f.URL = &fakeaws.FunctionURL{AuthType: "AWS_IAM"} // IAM-authenticated, no cross-account grant
		}
		if f.URL != nil {
			g.Resources["LambdaFunctionURL"]++
		}
		a.Lambda.Functions = append(a.Lambda.Functions, f)
		if i%10 == 3 && s.Queues > 0 {
			q := sameRegion(s, i, s.Queues)
			a.Lambda.EventSourceMappings = append(a.Lambda.EventSourceMappings, &fakeaws.EventSourceMapping{
				UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Region: s.region(i), Function: name,
				EventSourceARN: s.queueARN(q), State: "Enabled", BatchSize: 10, LastModified: created,
			})
		}
	}
	g.Resources["LambdaFunction"] = s.Functions
}

func (g *generated) sqs(s scenario, a *fakeaws.Account) {
	for i := range s.Queues {
		arn := s.queueARN(i)
		q := &fakeaws.Queue{Name: queueName(i), Region: s.region(i), Created: created}
		switch {
		case s.plant(i) == plantPublic:
			q.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"%s"}]}`, arn)
			g.plantEntry(arn, "queue-policy")
		case s.plant(i) == plantCross:
			q.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":["sqs:SendMessage","sqs:ReceiveMessage"],"Resource":"%s"}]}`, partnerAccount, arn)
			g.plantEntry(arn, "queue-policy")
		case i%2 == 0:
			// S3 notifications from this account's buckets.
			q.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"%s","Condition":{"StringEquals":{"aws:SourceAccount":"%s"}}}]}`, arn, benchAccount)
		}
		if i%4 == 2 && s.Keys > 0 {
			q.KMSMasterKeyID = keyAlias(sameRegion(s, i, s.Keys))
		}
		if i%4 == 1 && s.Queues > 1 {
			q.RedrivePolicy = doc(`{"deadLetterTargetArn":"%s","maxReceiveCount":5}`, s.queueARN(sameRegion(s, i+len(s.Regions), s.Queues)))
		}
		a.SQS.Queues = append(a.SQS.Queues, q)
	}
	g.Resources["SQSQueue"] = s.Queues
}

var verbs = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}

func restAPIID(i int) string { return fmt.Sprintf("r%09d", i) }
func httpAPIID(i int) string { return fmt.Sprintf("h%09d", i) }

func (g *generated) restAPIs(s scenario, a *fakeaws.Account) {
	for i := range s.RestAPIs {
		region, id := s.region(i), restAPIID(i)
		api := &fakeaws.RestAPI{
			ID: id, Region: region, Name: "bench-rest-" + id, EndpointTypes: []string{"REGIONAL"}, Created: created,
			Stages: []*fakeaws.RestStage{{Name: "prod", DeploymentID: "dep1", Created: created, LastUpdated: created}},
		}
		if s.plant(i) == plantCross {
			api.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:%s:%s:%s/*"}]}`,
				partnerAccount, region, benchAccount, id)
		}
		auth := "AWS_IAM"
		authorizer := ""
		if withAuthorizer(i) {
			auth, authorizer = "CUSTOM", "auth01"
			api.Authorizers = []*fakeaws.RestAuthorizer{{
				ID: authorizer, Name: "token", Type: "TOKEN", IdentitySource: "method.request.header.Authorization",
				AuthorizerURI: "arn:aws:apigateway:" + region + ":lambda:path/2015-03-31/functions/" + s.functionARN(sameRegion(s, i, max(1, s.Functions))) + "/invocations",
			}}
		}
		root := &fakeaws.RestResource{ID: fmt.Sprintf("%s0", id[1:]), Path: "/"}
		api.Resources = append(api.Resources, root)
		for k := range s.RestResources {
			res := &fakeaws.RestResource{ID: fmt.Sprintf("%s%d", id[1:], k+1), ParentID: root.ID, PathPart: fmt.Sprintf("items%d", k), Path: fmt.Sprintf("/items%d", k),
				Methods: map[string]*fakeaws.RestMethod{}}
			for m := range s.RestMethods {
				verb := verbs[m%len(verbs)]
				method := &fakeaws.RestMethod{AuthorizationType: auth, AuthorizerID: authorizer}
				if s.Functions > 0 {
					fn := s.functionARN(sameRegion(s, i+k, s.Functions))
					method.Integration = &fakeaws.RestIntegration{Type: "AWS_PROXY", HTTPMethod: "POST",
						URI: "arn:aws:apigateway:" + region + ":lambda:path/2015-03-31/functions/" + fn + "/invocations"}
				}
				if s.plant(i) == plantPublic && k == 0 && m == 0 {
					method.AuthorizationType, method.AuthorizerID = "NONE", ""
				}
				res.Methods[verb] = method
				arn := "arn:aws:apigateway:" + region + "::/restapis/" + id + "/resources/" + res.ID + "/methods/" + verb
				switch {
				case method.AuthorizationType == "NONE":
					g.plantEntry(arn, "method-auth")
				case method.AuthorizationType == "CUSTOM" && api.Policy == nil:
					g.plantEntry(arn, "method-authorizer")
				case api.Policy != nil:
					g.plantEntry(arn, "rest-api-policy")
				}
			}
			api.Resources = append(api.Resources, res)
		}
		a.APIGateway.RestAPIs = append(a.APIGateway.RestAPIs, api)
	}
	g.Resources["RestAPI"] = s.RestAPIs
	g.Resources["RestAPIStage"] = s.RestAPIs
	g.Resources["RestAPIMethod"] = s.RestAPIs * s.RestResources * min(s.RestMethods, len(verbs))
}

func (g *generated) httpAPIs(s scenario, a *fakeaws.Account) {
	for i := range s.HTTPAPIs {
		region, id := s.region(i), httpAPIID(i)
		api := &fakeaws.HTTPAPI{ID: id, Region: region, Name: "bench-http-" + id, ProtocolType: "HTTP", Created: created,
			Stages: []*fakeaws.V2Stage{{Name: "$default", AutoDeploy: true, Created: created, LastUpdated: created}}}
		if s.Functions > 0 {
			api.Integrations = []*fakeaws.V2Integration{{ID: "int0001", Type: "AWS_PROXY", URI: s.functionARN(sameRegion(s, i, s.Functions)), PayloadFormatVersion: "2.0"}}
		}
		auth, authorizer := "AWS_IAM", ""
		if withAuthorizer(i) {
			auth, authorizer = "JWT", "jwt0001"
			api.Authorizers = []*fakeaws.V2Authorizer{{ID: authorizer, Name: "jwt", Type: "JWT", IdentitySource: []string{"$request.header.Authorization"},
				JWTIssuer: "https://cognito-idp." + region + ".amazonaws.com/" + region + "_bench", JWTAudience: []string{"bench"}}}
		}
		for k := range s.HTTPRoutes {
			rt := &fakeaws.V2Route{ID: fmt.Sprintf("rt%05d", k), RouteKey: fmt.Sprintf("%s /items%d", verbs[k%2], k), AuthorizationType: auth, AuthorizerID: authorizer}
			if len(api.Integrations) > 0 {
				rt.Target = "integrations/" + api.Integrations[0].ID
			}
			if s.plant(i) == plantPublic && k == 0 {
				rt.AuthorizationType, rt.AuthorizerID = "NONE", ""
			}
			arn := "arn:aws:apigateway:" + region + "::/apis/" + id + "/routes/" + rt.ID
			switch rt.AuthorizationType {
			case "NONE":
				g.plantEntry(arn, "route-auth")
			case "JWT":
				g.plantEntry(arn, "route-authorizer")
			}
			api.Routes = append(api.Routes, rt)
		}
		a.APIGatewayV2.APIs = append(a.APIGatewayV2.APIs, api)
	}
	g.Resources["HTTPAPI"] = s.HTTPAPIs
	g.Resources["HTTPAPIStage"] = s.HTTPAPIs
	g.Resources["HTTPAPIRoute"] = s.HTTPAPIs * s.HTTPRoutes
}

func (g *generated) iam(s scenario, a *fakeaws.Account) {
	lambdaTrust := fakeaws.Doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	for p := range sharedPolicies {
		a.IAM.Policies = append(a.IAM.Policies, &fakeaws.ManagedPolicy{
			Name: fmt.Sprintf("bench-shared-%d", p), ARN: fmt.Sprintf("arn:aws:iam::%s:policy/bench-shared-%d", benchAccount, p), Created: created,
			Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:GetParameter","ssm:GetParameters"],"Resource":"arn:aws:ssm:*:%s:parameter/bench/%d/*"}]}`, benchAccount, p),
		})
	}
	for i := range s.Roles {
		name := roleName(i)
		r := &fakeaws.Role{Name: name, Path: "/", Created: created, TrustPolicy: lambdaTrust,
			AttachedPolicies: []string{lambdaBasicRole, fmt.Sprintf("arn:aws:iam::%s:policy/bench-shared-%d", benchAccount, i%sharedPolicies)},
			InlinePolicies:   map[string]*fakeaws.Document{"app": g.rolePolicy(s, i)},
		}
		if i%20 == 0 {
			// Every 20th role is also an EC2 instance role (world_network.go).
			r.InstanceProfiles = []string{profileName(i / 20)}
			r.TrustPolicy = fakeaws.Doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com","ec2.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`)
		}
		if s.plant(i) == plantCross {
			r.TrustPolicy = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}`, partnerAccount)
			g.plantEntry(roleARN(name), "trust-policy")
		}
		a.IAM.Roles = append(a.IAM.Roles, r)
	}
	for i := range s.AdminRoles {
		a.IAM.Roles = append(a.IAM.Roles, &fakeaws.Role{Name: fmt.Sprintf("bench-admin-%d", i), Path: "/", Created: created,
			TrustPolicy:      doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`, benchAccount),
			AttachedPolicies: []string{adminPolicy}})
	}
	if s.Users > 0 {
		a.IAM.Groups = append(a.IAM.Groups, &fakeaws.Group{Name: "bench-devs", Created: created,
			InlinePolicies: map[string]*fakeaws.Document{"logs": fakeaws.Doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:GetLogEvents","logs:FilterLogEvents"],"Resource":"*"}]}`)}})
	}
	for i := range s.Users {
		used := created.Add(time.Duration(i%300) * 24 * time.Hour)
		a.IAM.Users = append(a.IAM.Users, &fakeaws.User{Name: fmt.Sprintf("bench-user-%05d", i), Path: "/", Created: created, Groups: []string{"bench-devs"},
			InlinePolicies: map[string]*fakeaws.Document{"deploy": doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"%s"}]}`, s.functionARN(i%max(1, s.Functions)))},
			AccessKeys:     []*fakeaws.IAMAccessKey{{ID: fmt.Sprintf("AKIABENCHUSER%07d", i), Status: "Active", Created: created, LastUsed: &used, LastUsedService: "lambda", LastUsedRegion: s.region(i)}},
		})
	}
	roles := s.Roles + s.AdminRoles
	g.Resources["IAMRole"] = roles
	g.Resources["IAMUser"] = s.Users + 1 // and the root user's credential report row
	g.Resources["AccessKey"] = s.Users
	if s.Users > 0 {
		g.Resources["IAMGroup"] = 1
	}
	g.Resources["IAMPolicy"] = sharedPolicies
	if s.Roles > 0 {
		g.Resources["IAMPolicy"]++ // AWSLambdaBasicExecutionRole
	}
	if s.AdminRoles > 0 {
		g.Resources["IAMPolicy"]++ // AdministratorAccess
	}
}

// rolePolicy is a role's narrow inline policy: objects in two buckets, one
// queue, one function; every 25th role reads buckets by a name prefix.
func (g *generated) rolePolicy(s scenario, i int) *fakeaws.Document {
	var st []string
	if s.Buckets > 0 {
		st = append(st, fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::%s/*","arn:aws:s3:::%s/*"]}`,
			bucketName(i%s.Buckets), bucketName((i+1)%s.Buckets)))
		if i%25 == 0 {
			prefix := bucketName(i % s.Buckets)
			st = append(st, fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::%s*","arn:aws:s3:::%s*/*"]}`,
				prefix[:len(prefix)-2], prefix[:len(prefix)-2]))
		}
	}
	if s.Queues > 0 {
		st = append(st, fmt.Sprintf(`{"Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage","sqs:DeleteMessage"],"Resource":"%s"}`, s.queueARN(i%s.Queues)))
	}
	if s.Functions > 0 {
		st = append(st, fmt.Sprintf(`{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"%s"}`, s.functionARN((i+1)%s.Functions)))
	}
	st = append(st, `{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}`)
	return fakeaws.Doc(`{"Version":"2012-10-17","Statement":[` + strings.Join(st, ",") + `]}`)
}

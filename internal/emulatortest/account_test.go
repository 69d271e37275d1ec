package emulatortest

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// The account: one case per documented behaviour, each with the AWS
// documentation it follows and, where moto 4.1.14 answers otherwise, the
// difference (shared/emulators/moto/README.md, and what these tests found).
// The expectations are AWS's, never read off a trustmap report.

const partner = "210987654321" // an account outside the scan

// verdict is one entry point AWS's rules give a resource.
type verdict struct {
	Via        string
	Exposure   string // public | cross-account
	Principals []string
	// Uncertain: the verdict rests on a fact the scan could not read on
	// this emulator (it says why in Moto).
	Uncertain bool
}

// seeded is one seeded resource and what AWS's documentation says of it.
type seeded struct {
	ARN      string
	Verdicts []verdict // none: nothing outside the account reaches it
	Source   string    // the AWS documentation the case follows
	Moto     string    // how moto's answer differs from AWS's here
	// Unparseable: moto returns a policy AWS never would (Moto says how);
	// trustmap judges it by AWS's grammar and says it cannot (TM-EXP-003).
	Unparseable bool
}

// wantGap is a coverage gap the emulator must cause, and why.
type wantGap struct {
	Service, Region, API, Status string
	Says                         string // the gap's error contains this
	Resources                    int    // the resources it stands for (0: one call)
	Why                          string
}

// wantPath is an attack path AWS's semantics give the account: from a zone,
// through these resources in order, to a target.
type wantPath struct {
	FromZone string
	Through  []string
	Target   string
	Why      string
}

type account struct {
	Resources []seeded
	Gaps      []wantGap
	Paths     []wantPath
	Users     []string // IAM users with long-lived access keys
	Buckets   int
	// IMDSUnknown are instances whose metadata settings the emulator does
	// not return: the SSRF credential theft through them must stand as
	// unknown (neither IMDSv1 nor IMDSv2 guessed).
	IMDSUnknown []string
	// NoNotes are notes AWS's rules rule out on a resource.
	NoNotes []wantNoNote
}

// wantNoNote is a note of a kind a resource must not carry, and why.
type wantNoNote struct {
	Resource, Kind, Why string
}

func arnS3(name string) string { return "arn:aws:s3:::" + name }
func arnFn(region, name string) string {
	return "arn:aws:lambda:" + region + ":" + accountID + ":function:" + name
}
func arnQueue(region, name string) string {
	return "arn:aws:sqs:" + region + ":" + accountID + ":" + name
}
func arnRole(name string) string       { return "arn:aws:iam::" + accountID + ":role/" + name }
func arnUser(name string) string       { return "arn:aws:iam::" + accountID + ":user/" + name }
func arnRest(region, id string) string { return "arn:aws:apigateway:" + region + "::/restapis/" + id }
func arnHTTP(region, id string) string { return "arn:aws:apigateway:" + region + "::/apis/" + id }
func arnMethod(region, api, res, verb string) string {
	return arnRest(region, api) + "/resources/" + res + "/methods/" + verb
}

var (
	anyone      = map[string]any{"AWS": "*"}
	partnerRoot = map[string]any{"AWS": "arn:aws:iam::" + partner + ":root"}
	noBPAOnMoto = "moto's S3 Control answers the account-level GetPublicAccessBlock on an IP endpoint with an unwrapped <Error> whose code the SDK cannot read, so the account's Block Public Access is unknown and a public S3 verdict cannot be certain"
	emptyPolicy = "moto answers GetPolicy of a function with no permissions with an empty Statement list; AWS answers ResourceNotFoundException (no policy): no entry point, no unparseable-policy finding"
)

// seedAccount creates the account in the emulator and returns what AWS's
// documentation says about it.
func seedAccount(s *seeder) *account {
	const r = "us-east-1"
	eu := s.in("eu-west-1")
	a := &account{}
	add := func(x seeded) { a.Resources = append(a.Resources, x) }

	// ---------------- IAM
	s.role("emu-partner-role", doc(map[string]any{"Effect": "Allow", "Principal": partnerRoot, "Action": "sts:AssumeRole",
		"Condition": map[string]any{"StringEquals": map[string]any{"sts:ExternalId": "emu-7f3a"}}}))
	s.attach("emu-partner-role", "arn:aws:iam::aws:policy/AdministratorAccess")
	add(seeded{ARN: arnRole("emu-partner-role"), Verdicts: []verdict{{"trust-policy", "cross-account", []string{partner}, false}},
		Source: "IAM User Guide, \"Access to AWS accounts owned by third parties\" (external ID)",
		Moto:   "moto returns trust policies as plain JSON; AWS URL-encodes them (trustmap reads both)"})
	s.role("emu-anyone-role", doc(map[string]any{"Effect": "Allow", "Principal": anyone, "Action": "sts:AssumeRole"}))
	add(seeded{ARN: arnRole("emu-anyone-role"), Verdicts: []verdict{{"trust-policy", "public", []string{"*"}, false}},
		Source: "IAM User Guide, \"AWS JSON policy elements: Principal\" (\"AWS\": \"*\" is every principal of every account)"})
	workerRole := s.role("emu-worker-role", trustService("lambda.amazonaws.com"))
	s.inlinePolicy("emu-worker-role", "ledger-write", doc(map[string]any{"Effect": "Allow", "Action": []string{"s3:PutObject"}, "Resource": arnS3("emu-ledger") + "/*"}))
	add(seeded{ARN: workerRole, Source: "IAM User Guide, service roles: only lambda.amazonaws.com may assume it"})
	thumbRole := s.role("emu-thumbnailer-role", trustService("lambda.amazonaws.com"))
	add(seeded{ARN: thumbRole, Source: "as emu-worker-role"})
	s.userWithKey("emu-deployer")
	a.Users = append(a.Users, arnUser("emu-deployer"))

	// ---------------- S3 (buckets start as AWS creates them: all Block
	// Public Access on, BucketOwnerEnforced)
	s.bucket("emu-public-read")
	s.publicAccessBlock("emu-public-read", blockNone)
	s.bucketPolicy("emu-public-read", doc(map[string]any{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": arnS3("emu-public-read") + "/*"}))
	add(seeded{ARN: arnS3("emu-public-read"), Verdicts: []verdict{{"bucket-policy", "public", []string{"*"}, true}},
		Source: "S3 User Guide, \"Setting permissions for website access\" (Principal \"*\" s3:GetObject, Block Public Access off)", Moto: noBPAOnMoto})

	s.bucket("emu-partner-share")
	s.bucketPolicy("emu-partner-share", doc(map[string]any{"Sid": "Partner", "Effect": "Allow", "Principal": partnerRoot, "Action": []string{"s3:GetObject", "s3:PutObject"}, "Resource": arnS3("emu-partner-share") + "/*"}))
	add(seeded{ARN: arnS3("emu-partner-share"), Verdicts: []verdict{{"bucket-policy", "cross-account", []string{partner}, false}},
		Source: "S3 User Guide, \"Bucket owner granting cross-account bucket permissions\" (not public: Block Public Access does not stop it)"})

	s.bucket("emu-public-acl")
	s.publicAccessBlock("emu-public-acl", blockNone)
	s.ownership("emu-public-acl", s3types.ObjectOwnershipObjectWriter)
	s.cannedACL("emu-public-acl", s3types.BucketCannedACLPublicRead)
	add(seeded{ARN: arnS3("emu-public-acl"), Verdicts: []verdict{{"bucket-acl", "public", []string{"*"}, true}},
		Source: "S3 User Guide, \"Access control list (ACL) overview\" (public-read: AllUsers READ; ACLs need ObjectWriter ownership)", Moto: noBPAOnMoto})

	s.bucket("emu-restricted")
	s.publicAccessBlock("emu-restricted", blockNone)
	s.bucketPolicy("emu-restricted", doc(map[string]any{"Sid": "WasPublic", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": arnS3("emu-restricted") + "/*"}))
	s.publicAccessBlock("emu-restricted", blockAll)
	add(seeded{ARN: arnS3("emu-restricted"),
		Source: "S3 User Guide, \"Blocking public access\": RestrictPublicBuckets limits a public policy to service principals and the owner account"})

	s.bucket("emu-private")
	add(seeded{ARN: arnS3("emu-private"), Source: "S3 defaults: no policy, ACLs disabled"})
	s.bucket("emu-ledger")
	add(seeded{ARN: arnS3("emu-ledger"), Source: "S3 defaults; written to by emu-worker-role"})
	eu.bucket("emu-eu-archive")
	add(seeded{ARN: arnS3("emu-eu-archive"), Source: "S3 defaults, in eu-west-1"})

	// ---------------- Lambda
	noPerm := "Lambda Developer Guide, resource-based policies: a function without permissions can be invoked only by its own account"
	publicFn := s.function("emu-public-fn", workerRole)
	s.permission(&lambda.AddPermissionInput{FunctionName: aws.String("emu-public-fn"), StatementId: aws.String("anyone"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*")})
	add(seeded{ARN: publicFn, Verdicts: []verdict{{"lambda-permission", "public", []string{"*"}, false}},
		Source: "Lambda Developer Guide, \"Using resource-based policies\" (Principal \"*\": every AWS account)"})

	partnerFn := s.function("emu-partner-fn", workerRole)
	s.permission(&lambda.AddPermissionInput{FunctionName: aws.String("emu-partner-fn"), StatementId: aws.String("partner"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("arn:aws:iam::" + partner + ":root")})
	add(seeded{ARN: partnerFn, Verdicts: []verdict{{"lambda-permission", "cross-account", []string{partner}, false}},
		Source: "Lambda Developer Guide, \"Granting function access to other accounts\""})

	urlFn := s.function("emu-url-public", workerRole)
	s.functionURL("emu-url-public", lambdatypes.FunctionUrlAuthTypeNone)
	s.permission(&lambda.AddPermissionInput{FunctionName: aws.String("emu-url-public"), StatementId: aws.String("url"), Action: aws.String("lambda:InvokeFunctionUrl"), Principal: aws.String("*")})
	add(seeded{ARN: urlFn + "#url", Verdicts: []verdict{{"function-url", "public", []string{"*"}, false}},
		Source: "Lambda Developer Guide, \"Control access to Lambda function URLs\": AuthType NONE with a policy granting lambda:InvokeFunctionUrl to \"*\"",
		Moto:   "moto does not implement ListFunctionUrlConfigs (404, HTML); the URL is read with GetFunctionUrlConfig"})
	add(seeded{ARN: urlFn, Source: "its policy grants only lambda:InvokeFunctionUrl: the Invoke API stays the account's own"})

	iamURL := s.function("emu-url-iam", workerRole)
	s.functionURL("emu-url-iam", lambdatypes.FunctionUrlAuthTypeAwsIam)
	add(seeded{ARN: iamURL, Source: noPerm, Moto: emptyPolicy})
	add(seeded{ARN: iamURL + "#url", Source: "Lambda Developer Guide, function URLs: AWS_IAM without a resource-policy grant admits only the owner account's principals", Moto: emptyPolicy})

	closedURL := s.function("emu-url-no-grant", workerRole)
	s.functionURL("emu-url-no-grant", lambdatypes.FunctionUrlAuthTypeNone)
	add(seeded{ARN: closedURL, Source: noPerm, Moto: emptyPolicy})
	add(seeded{ARN: closedURL + "#url", Source: "Lambda Developer Guide, \"Control access to Lambda function URLs\": the resource policy is always in effect; without a public grant the NONE URL answers 403", Moto: emptyPolicy})

	thumb := s.function("emu-thumbnailer", thumbRole)
	s.permission(&lambda.AddPermissionInput{FunctionName: aws.String("emu-thumbnailer"), StatementId: aws.String("s3"), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("s3.amazonaws.com"), SourceArn: aws.String(arnS3("emu-uploads")), SourceAccount: aws.String(accountID)})
	add(seeded{ARN: thumb, Source: "Lambda Developer Guide, \"Granting function access to AWS services\": s3.amazonaws.com pinned by SourceArn and SourceAccount to the owner's bucket"})

	worker := s.function("emu-worker", workerRole)
	add(seeded{ARN: worker, Source: noPerm, Moto: emptyPolicy})

	// A URL on an alias (AWS: its own node, judged by the alias's policy).
	aliasFn := s.function("emu-alias-fn", workerRole)
	s.alias("emu-alias-fn", "live")
	s.aliasURL("emu-alias-fn", "live", lambdatypes.FunctionUrlAuthTypeAwsIam)
	add(seeded{ARN: aliasFn, Source: noPerm, Moto: emptyPolicy})
	add(seeded{ARN: aliasFn + "#url:live",
		Source: "Lambda Developer Guide, function URLs on aliases: AWS_IAM without a grant in the alias's policy admits only the owner account",
		Moto:   "moto ignores Qualifier on function URLs: it keeps the alias's URL on the function and answers every GetFunctionUrlConfig with it, so trustmap sees it as the function's own URL (" + aliasFn + "#url) — no entry point either way"})
	add(seeded{ARN: aliasFn + "#url", Source: "(moto's form of the alias URL above)"})

	// moto differences that change the policy's shape.
	bare := s.function("emu-bare-account-fn", workerRole)
	s.permission(&lambda.AddPermissionInput{FunctionName: aws.String("emu-bare-account-fn"), StatementId: aws.String("acct"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(partner)})
	add(seeded{ARN: bare, Unparseable: true,
		Source: "Lambda API Reference, AddPermission: \"To grant permission to another account, specify the account ID as the Principal\"; AWS stores {\"AWS\": \"arn:aws:iam::" + partner + ":root\"} (cross-account)",
		Moto:   "moto stores the bare account id as the Principal, which IAM's grammar does not allow"})
	authURL := s.function("emu-url-authtype", workerRole)
	s.functionURL("emu-url-authtype", lambdatypes.FunctionUrlAuthTypeNone)
	s.permission(&lambda.AddPermissionInput{FunctionName: aws.String("emu-url-authtype"), StatementId: aws.String("url"), Action: aws.String("lambda:InvokeFunctionUrl"),
		Principal: aws.String("*"), FunctionUrlAuthType: lambdatypes.FunctionUrlAuthTypeNone})
	add(seeded{ARN: authURL, Unparseable: true,
		Source: "Lambda Developer Guide, \"Control access to Lambda function URLs\" (add-permission --function-url-auth-type NONE)",
		Moto:   "moto stores FunctionUrlAuthType as a top-level statement key; AWS stores Condition StringEquals lambda:FunctionUrlAuthType NONE"})
	add(seeded{ARN: authURL + "#url", Verdicts: []verdict{{"function-url", "public", []string{"*"}, true}},
		Source: "AWS: public (AuthType NONE, lambda:InvokeFunctionUrl to \"*\")",
		Moto:   "with moto's unparseable policy the public verdict cannot be certain: AuthType NONE and only the unreadable policy in the way"})

	// ---------------- SQS
	sendAll := func(q string) string {
		return doc(map[string]any{"Sid": "AnyoneSends", "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arnQueue(r, q)})
	}
	pub := s.queue("emu-public-queue", map[string]string{"Policy": sendAll("emu-public-queue")})
	add(seeded{ARN: pub, Verdicts: []verdict{{"queue-policy", "public", []string{"*"}, false}},
		Source: "SQS Developer Guide, \"Basic examples of Amazon SQS policies\" (Principal \"*\")",
		Moto:   "moto rejects a GetQueueAttributes naming SqsManagedSseEnabled (InvalidAttributeName); trustmap asks for All"})
	partnerQ := s.queue("emu-partner-queue", map[string]string{"Policy": doc(map[string]any{"Effect": "Allow", "Principal": partnerRoot,
		"Action": []string{"sqs:SendMessage", "sqs:ReceiveMessage"}, "Resource": arnQueue(r, "emu-partner-queue")})})
	add(seeded{ARN: partnerQ, Verdicts: []verdict{{"queue-policy", "cross-account", []string{partner}, false}},
		Source: "SQS Developer Guide, \"Grant cross-account permissions to a role in another account\""})
	dlq := s.queue("emu-jobs-dlq", nil)
	add(seeded{ARN: dlq, Source: "no policy: the owner account only"})
	jobs := s.queue("emu-jobs", map[string]string{"Policy": sendAll("emu-jobs"),
		"RedrivePolicy": `{"deadLetterTargetArn":"` + dlq + `","maxReceiveCount":"5"}`})
	add(seeded{ARN: jobs, Verdicts: []verdict{{"queue-policy", "public", []string{"*"}, false}},
		Source: "as emu-public-queue; RedrivePolicy per the SQS Developer Guide, dead-letter queues",
		Moto:   "moto's SetQueueAttributes without Policy erases the policy: the seed sets every attribute in CreateQueue"})
	s.mapping(jobs, "emu-worker")
	events := s.queue("emu-events", map[string]string{"Policy": doc(map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "s3.amazonaws.com"},
		"Action": "sqs:SendMessage", "Resource": arnQueue(r, "emu-events"),
		"Condition": map[string]any{"ArnLike": map[string]any{"aws:SourceArn": arnS3("emu-uploads")}, "StringEquals": map[string]any{"aws:SourceAccount": accountID}}})})
	add(seeded{ARN: events, Source: "S3 User Guide, \"Granting permissions to publish event notification messages to a destination\" (pinned by aws:SourceArn and aws:SourceAccount)"})
	euQ := eu.queue("emu-eu-public", map[string]string{"Policy": doc(map[string]any{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arnQueue("eu-west-1", "emu-eu-public")})})
	add(seeded{ARN: euQ, Verdicts: []verdict{{"queue-policy", "public", []string{"*"}, false}}, Source: "as emu-public-queue, in eu-west-1"})

	// S3 → Lambda and S3 → SQS notifications (the targets' policies above).
	s.bucket("emu-uploads")
	s.notifications("emu-uploads", &s3types.NotificationConfiguration{
		LambdaFunctionConfigurations: []s3types.LambdaFunctionConfiguration{{Id: aws.String("thumbs"), LambdaFunctionArn: aws.String(thumb), Events: []s3types.Event{"s3:ObjectCreated:*"}}},
		QueueConfigurations:          []s3types.QueueConfiguration{{Id: aws.String("audit"), QueueArn: aws.String(events), Events: []s3types.Event{"s3:ObjectRemoved:*"}}},
	})
	add(seeded{ARN: arnS3("emu-uploads"), Source: "S3 defaults; notifications per S3 User Guide, \"Amazon S3 Event Notifications\""})

	// ---------------- API Gateway, REST
	openID, openRes := s.restAPI("emu-open-rest", "", "prod", restMethod{"orders", "GET", "NONE", publicFn})
	add(seeded{ARN: arnMethod(r, openID, openRes[0], "GET"), Verdicts: []verdict{{"method-auth", "public", []string{"*"}, false}},
		Source: "API Gateway Developer Guide, \"Controlling and managing access to a REST API\": authorization NONE, no resource policy, deployed to a stage"})
	partnerPolicy := doc(map[string]any{"Effect": "Allow", "Principal": partnerRoot, "Action": "execute-api:Invoke", "Resource": "execute-api:/*"})
	partnerID, partnerRes := s.restAPI("emu-partner-rest", partnerPolicy, "v1", restMethod{"sync", "POST", "AWS_IAM", partnerFn})
	add(seeded{ARN: arnMethod(r, partnerID, partnerRes[0], "POST"), Verdicts: []verdict{{"rest-api-policy", "cross-account", []string{partner}, false}},
		Source: "API Gateway Developer Guide, \"API Gateway resource policy examples\" (cross-account IAM access)",
		Moto:   "moto returns the resource policy as submitted; AWS returns it escaped with execute-api:/ expanded (trustmap reads both)"})
	iamID, iamRes := s.restAPI("emu-iam-rest", "", "prod", restMethod{"admin", "GET", "AWS_IAM", worker})
	add(seeded{ARN: arnMethod(r, iamID, iamRes[0], "GET"),
		Source: "API Gateway Developer Guide, IAM authorization: without a resource policy only the API's own account can call it"})
	draftID, draftRes := s.restAPI("emu-draft-rest", "", "", restMethod{"draft", "GET", "NONE", ""})
	add(seeded{ARN: arnMethod(r, draftID, draftRes[0], "GET"),
		Source: "API Gateway Developer Guide, \"Deploying a REST API\": an API can be called only through a stage; this one has no deployment"})

	// ---------------- API Gateway, HTTP APIs
	httpID, httpRoutes := s.httpAPI("emu-open-http", publicFn, httpRoute{key: "GET /status", auth: "NONE"}, httpRoute{key: "GET /me", auth: "JWT", jwtIssuer: "https://issuer.example.com"})
	add(seeded{ARN: arnHTTP(r, httpID) + "/routes/" + httpRoutes[0], Verdicts: []verdict{{"route-auth", "public", []string{"*"}, false}},
		Source: "API Gateway Developer Guide, \"Controlling and managing access to an HTTP API\": a route without authorization is open"})
	add(seeded{ARN: arnHTTP(r, httpID) + "/routes/" + httpRoutes[1], Verdicts: []verdict{{"route-authorizer", "public", []string{"*"}, false}},
		Source: "API Gateway Developer Guide, JWT authorizers: anyone with a token the issuer signs (an internet-facing entry point behind authentication)"})
	iamHTTP, iamHTTPRoutes := s.httpAPI("emu-iam-http", worker, httpRoute{key: "POST /jobs", auth: "AWS_IAM"})
	add(seeded{ARN: arnHTTP(r, iamHTTP) + "/routes/" + iamHTTPRoutes[0],
		Source: "API Gateway Developer Guide, IAM authorization for HTTP APIs: the API's own account (HTTP APIs have no resource policies)"})
	thirdID, thirdRoutes := s.httpAPI("emu-webhook-http", thumb, httpRoute{key: "POST /hook", auth: "NONE"})
	add(seeded{ARN: arnHTTP(r, thirdID) + "/routes/" + thirdRoutes[0], Verdicts: []verdict{{"route-auth", "public", []string{"*"}, false}},
		Source: "as GET /status of emu-open-http"})

	for _, x := range a.Resources {
		if strings.HasPrefix(x.ARN, "arn:aws:s3:::") {
			a.Buckets++
		}
	}

	// ---------------- what moto makes the scan miss, and why
	a.Gaps = []wantGap{
		{Service: "s3", API: "GetAccountPublicAccessBlock", Status: "unsupported", Says: "UnknownError",
			Why: "moto's S3 Control on an IP endpoint answers with an unwrapped <Error> (README: account-level S3 Control needs the ACCOUNT.host form)"},
		{Service: "s3", Region: r, API: "GetBucketPolicyStatus", Status: "unsupported", Says: "rooted at <ListBucketResult>, not <PolicyStatus>", Resources: 3,
			Why: "moto does not implement GetBucketPolicyStatus and answers with the bucket listing; three buckets have a policy"},
		{Service: "lambda", Region: r, API: "ListFunctionUrlConfigs", Status: "unsupported", Says: "read with GetFunctionUrlConfig", Resources: 10,
			Why: "moto does not implement ListFunctionUrlConfigs (404, HTML): the ten functions' URLs were read one by one"},
		{Service: "apigatewayv2", Region: r, API: "GetAuthorizers", Status: "error", Says: "HTTP 500 with an HTML page instead of an AWS error document", Resources: 3,
			Why: "moto answers API Gateway v2 GetAuthorizers with its 500 crash page (the list route is missing); three HTTP APIs"},
	}

	// ---------------- attack paths
	// The paths analyzer reports one shortest path from each outside zone to
	// each target (analyzers/paths), so each want names what every
	// shortest path must go through.
	a.Paths = []wantPath{
		{FromZone: "internet", Through: []string{jobs}, Target: worker,
			Why: "anyone can send to emu-jobs, whose messages run emu-worker (event source mapping); nothing shorter reaches it"},
		{FromZone: "internet", Through: []string{workerRole}, Target: arnS3("emu-ledger"),
			Why: "anyone reaches a function running as emu-worker-role (emu-jobs, emu-open-rest, emu-open-http), and that role may write emu-ledger"},
		{FromZone: "external-account:" + partner, Through: []string{arnRole("emu-partner-role")}, Target: arnS3("emu-ledger"),
			Why: "the partner account assumes emu-partner-role (with its external id), which holds AdministratorAccess"},
	}
	seedServices(s, a) // account_services_test.go
	return a
}

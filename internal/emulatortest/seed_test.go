package emulatortest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	ag2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
)

// seeder creates resources in the emulator through the AWS SDK, one call
// at a time (moto is not safe under parallel writes), failing the test on
// any error. It creates; it reads nothing back.
type seeder struct {
	t      testing.TB
	ctx    context.Context
	region string
	s3     *s3.Client
	iam    *iam.Client
	lambda *lambda.Client
	sqs    *sqs.Client
	rest   *apigateway.Client
	http   *apigatewayv2.Client
	code   []byte // a deployment package; moto stores it, never runs it
}

func newSeeder(t testing.TB, region string) *seeder {
	cfg := config(region)
	return &seeder{
		t: t, ctx: context.Background(), region: region,
		s3:     s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		iam:    iam.NewFromConfig(cfg),
		lambda: lambda.NewFromConfig(cfg),
		sqs:    sqs.NewFromConfig(cfg),
		rest:   apigateway.NewFromConfig(cfg),
		http:   apigatewayv2.NewFromConfig(cfg),
		code:   deploymentPackage(t),
	}
}

// in returns a seeder for another region.
func (s *seeder) in(region string) *seeder {
	o := newSeeder(s.t, region)
	o.code = s.code
	return o
}

func (s *seeder) must(what string, err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatalf("seeding %s: %v", what, err)
	}
}

// created is must for a create keyed by name. The emulator is reset
// before seeding and every name is used once, so "already exists" can only
// mean that the SDK retried a create whose first answer was lost (moto
// closes each connection after answering): the resource is there.
func (s *seeder) created(what string, err error) {
	s.t.Helper()
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "EntityAlreadyExists", "ResourceConflictException", "BucketAlreadyOwnedByYou", "BucketAlreadyExists",
			// moto's answer to a repeated CreateAlias (AWS says
			// ResourceConflictException): a retried seed, seen once
			// in CI on a loaded machine.
			"ConflictException",
			// EC2's answers to a repeated attach, route, group or rule.
			"Resource.AlreadyAssociated", "RouteAlreadyExists", "InvalidGroup.Duplicate", "InvalidPermission.Duplicate":
			return
		}
	}
	s.must(what, err)
}

func deploymentPackage(t testing.TB) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, err := z.Create("index.py")
	if err == nil {
		_, err = w.Write([]byte("def handler(event, context):\n    return {'statusCode': 200}\n"))
	}
	if err == nil {
		err = z.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// doc renders a policy document.
func doc(statements ...map[string]any) string {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// ---- S3

// blockAll is every Block Public Access setting on; blockNone every one off.
var (
	blockAll  = &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
	blockNone = &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}
)

// bucket creates a bucket as AWS creates one since April 2023: all four
// Block Public Access settings on and ownership BucketOwnerEnforced (S3 User
// Guide, "Default settings for new S3 buckets FAQ"). moto creates buckets
// with neither, so the seeder sets both explicitly.
func (s *seeder) bucket(name string) {
	s.t.Helper()
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if s.region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(s.region)}
	}
	_, err := s.s3.CreateBucket(s.ctx, in)
	s.created("bucket "+name, err)
	s.publicAccessBlock(name, blockAll)
	s.ownership(name, s3types.ObjectOwnershipBucketOwnerEnforced)
}

func (s *seeder) publicAccessBlock(name string, cfg *s3types.PublicAccessBlockConfiguration) {
	s.t.Helper()
	_, err := s.s3.PutPublicAccessBlock(s.ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(name), PublicAccessBlockConfiguration: cfg})
	s.must("public access block of "+name, err)
}

func (s *seeder) ownership(name string, o s3types.ObjectOwnership) {
	s.t.Helper()
	_, err := s.s3.PutBucketOwnershipControls(s.ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(name),
		OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: o}}}})
	s.must("ownership of "+name, err)
}

func (s *seeder) bucketPolicy(name, policy string) {
	s.t.Helper()
	_, err := s.s3.PutBucketPolicy(s.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(name), Policy: aws.String(policy)})
	s.must("policy of "+name, err)
}

func (s *seeder) cannedACL(name string, acl s3types.BucketCannedACL) {
	s.t.Helper()
	_, err := s.s3.PutBucketAcl(s.ctx, &s3.PutBucketAclInput{Bucket: aws.String(name), ACL: acl})
	s.must("ACL of "+name, err)
}

func (s *seeder) notifications(name string, cfg *s3types.NotificationConfiguration) {
	s.t.Helper()
	_, err := s.s3.PutBucketNotificationConfiguration(s.ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String(name), NotificationConfiguration: cfg})
	s.must("notifications of "+name, err)
}

// ---- IAM

func (s *seeder) role(name, trust string) string {
	s.t.Helper()
	_, err := s.iam.CreateRole(s.ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	s.created("role "+name, err)
	return arnRole(name)
}

func (s *seeder) inlinePolicy(role, name, policy string) {
	s.t.Helper()
	_, err := s.iam.PutRolePolicy(s.ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name), PolicyDocument: aws.String(policy)})
	s.must("inline policy "+name+" of "+role, err)
}

func (s *seeder) attach(role, policyARN string) {
	s.t.Helper()
	_, err := s.iam.AttachRolePolicy(s.ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(policyARN)})
	s.must("attaching "+policyARN+" to "+role, err)
}

func (s *seeder) userWithKey(name string) {
	s.t.Helper()
	_, err := s.iam.CreateUser(s.ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	s.created("user "+name, err)
	_, err = s.iam.CreateAccessKey(s.ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	s.must("access key of "+name, err)
}

// trustService is a trust policy for an AWS service principal.
func trustService(svc string) string {
	return doc(map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": svc}, "Action": "sts:AssumeRole"})
}

// ---- Lambda

func (s *seeder) function(name, role string) string {
	s.t.Helper()
	_, err := s.lambda.CreateFunction(s.ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String(name), Role: aws.String(role), Runtime: lambdatypes.RuntimePython312,
		Handler: aws.String("index.handler"), Code: &lambdatypes.FunctionCode{ZipFile: s.code},
	})
	s.created("function "+name, err)
	return arnFn(s.region, name)
}

func (s *seeder) permission(in *lambda.AddPermissionInput) {
	s.t.Helper()
	_, err := s.lambda.AddPermission(s.ctx, in)
	s.created("permission "+aws.ToString(in.StatementId)+" of "+aws.ToString(in.FunctionName), err)
}

func (s *seeder) functionURL(name string, auth lambdatypes.FunctionUrlAuthType) {
	s.t.Helper()
	_, err := s.lambda.CreateFunctionUrlConfig(s.ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String(name), AuthType: auth})
	s.created("URL of "+name, err)
}

// alias publishes a version of a function and points an alias at it.
func (s *seeder) alias(function, name string) {
	s.t.Helper()
	v, err := s.lambda.PublishVersion(s.ctx, &lambda.PublishVersionInput{FunctionName: aws.String(function)})
	s.must("version of "+function, err)
	_, err = s.lambda.CreateAlias(s.ctx, &lambda.CreateAliasInput{FunctionName: aws.String(function), Name: aws.String(name), FunctionVersion: v.Version})
	s.created("alias "+name+" of "+function, err)
}

// aliasURL creates a function URL on an alias.
func (s *seeder) aliasURL(function, alias string, auth lambdatypes.FunctionUrlAuthType) {
	s.t.Helper()
	_, err := s.lambda.CreateFunctionUrlConfig(s.ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String(function), Qualifier: aws.String(alias), AuthType: auth})
	s.created("URL of "+function+":"+alias, err)
}

func (s *seeder) mapping(queueARN, function string) {
	s.t.Helper()
	_, err := s.lambda.CreateEventSourceMapping(s.ctx, &lambda.CreateEventSourceMappingInput{
		EventSourceArn: aws.String(queueARN), FunctionName: aws.String(function), BatchSize: aws.Int32(10), Enabled: aws.Bool(true),
	})
	s.must("event source mapping "+queueARN+" -> "+function, err)
}

// ---- SQS

// queue creates a queue with all its attributes at once: moto's
// SetQueueAttributes without Policy erases the stored policy (AWS leaves it).
func (s *seeder) queue(name string, attrs map[string]string) string {
	s.t.Helper()
	_, err := s.sqs.CreateQueue(s.ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	s.must("queue "+name, err)
	return "arn:aws:sqs:" + s.region + ":" + accountID + ":" + name
}

// ---- API Gateway

// restMethod is one method of a REST API.
type restMethod struct {
	path, verb, auth string
	lambda           string // integration target function ARN ("" for a MOCK)
}

// restAPI creates a REST API with one resource per method and, with stage
// set, a deployment to it. It returns the API id and each method's resource id.
func (s *seeder) restAPI(name, policy, stage string, methods ...restMethod) (string, []string) {
	s.t.Helper()
	in := &apigateway.CreateRestApiInput{Name: aws.String(name), EndpointConfiguration: &agtypes.EndpointConfiguration{Types: []agtypes.EndpointType{agtypes.EndpointTypeRegional}}}
	if policy != "" {
		in.Policy = aws.String(policy)
	}
	api, err := s.rest.CreateRestApi(s.ctx, in)
	s.must("REST API "+name, err)
	id := aws.ToString(api.Id)
	res, err := s.rest.GetResources(s.ctx, &apigateway.GetResourcesInput{RestApiId: api.Id})
	s.must("the root resource of "+name, err)
	root := aws.ToString(res.Items[0].Id)
	var ids []string
	for _, m := range methods {
		r, err := s.rest.CreateResource(s.ctx, &apigateway.CreateResourceInput{RestApiId: api.Id, ParentId: aws.String(root), PathPart: aws.String(m.path)})
		s.must("resource /"+m.path+" of "+name, err)
		ids = append(ids, aws.ToString(r.Id))
		_, err = s.rest.PutMethod(s.ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: r.Id, HttpMethod: aws.String(m.verb), AuthorizationType: aws.String(m.auth)})
		s.must("method "+m.verb+" /"+m.path+" of "+name, err)
		it := &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: r.Id, HttpMethod: aws.String(m.verb), Type: agtypes.IntegrationTypeMock}
		if m.lambda != "" {
			it.Type = agtypes.IntegrationTypeAwsProxy
			it.IntegrationHttpMethod = aws.String("POST")
			it.Uri = aws.String("arn:aws:apigateway:" + s.region + ":lambda:path/2015-03-31/functions/" + m.lambda + "/invocations")
		}
		_, err = s.rest.PutIntegration(s.ctx, it)
		s.must("integration of "+m.verb+" /"+m.path+" of "+name, err)
	}
	if stage != "" {
		_, err = s.rest.CreateDeployment(s.ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id, StageName: aws.String(stage)})
		s.must("deployment of "+name, err)
	}
	return id, ids
}

// httpRoute is one route of an HTTP API.
type httpRoute struct {
	key, auth string
	jwtIssuer string // for JWT routes
}

// httpAPI creates an HTTP API whose routes integrate with a function, and
// its $default stage with automatic deployment. It returns the API id and
// each route's id.
func (s *seeder) httpAPI(name, function string, routes ...httpRoute) (string, []string) {
	s.t.Helper()
	api, err := s.http.CreateApi(s.ctx, &apigatewayv2.CreateApiInput{Name: aws.String(name), ProtocolType: ag2types.ProtocolTypeHttp})
	s.must("HTTP API "+name, err)
	it, err := s.http.CreateIntegration(s.ctx, &apigatewayv2.CreateIntegrationInput{ApiId: api.ApiId, IntegrationType: ag2types.IntegrationTypeAwsProxy,
		IntegrationUri: aws.String(function), PayloadFormatVersion: aws.String("2.0")})
	s.must("integration of "+name, err)
	var ids []string
	for _, r := range routes {
		in := &apigatewayv2.CreateRouteInput{ApiId: api.ApiId, RouteKey: aws.String(r.key), AuthorizationType: ag2types.AuthorizationType(r.auth),
			Target: aws.String("integrations/" + aws.ToString(it.IntegrationId))}
		if r.jwtIssuer != "" {
			au, err := s.http.CreateAuthorizer(s.ctx, &apigatewayv2.CreateAuthorizerInput{ApiId: api.ApiId, Name: aws.String(name + "-jwt"),
				AuthorizerType: ag2types.AuthorizerTypeJwt, IdentitySource: []string{"$request.header.Authorization"},
				JwtConfiguration: &ag2types.JWTConfiguration{Issuer: aws.String(r.jwtIssuer), Audience: []string{"emu-clients"}}})
			s.must("authorizer of "+name, err)
			in.AuthorizerId = au.AuthorizerId
		}
		out, err := s.http.CreateRoute(s.ctx, in)
		s.must("route "+r.key+" of "+name, err)
		ids = append(ids, aws.ToString(out.RouteId))
	}
	_, err = s.http.CreateStage(s.ctx, &apigatewayv2.CreateStageInput{ApiId: api.ApiId, StageName: aws.String("$default"), AutoDeploy: aws.Bool(true)})
	s.must("stage of "+name, err)
	return aws.ToString(api.ApiId), ids
}

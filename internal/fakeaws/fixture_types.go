package fakeaws

import "time"

// This file holds the per-service parts of an Account. Field names follow
// FIXTURE.md; a nil pointer means "not configured", which the fake answers
// with the error AWS gives for that absence.

// S3 is an account's S3 state.
type S3 struct {
	// PublicAccessBlock is the account-level block (S3 Control).
	PublicAccessBlock *PublicAccessBlock `yaml:"public_access_block"`
	Buckets           []*Bucket          `yaml:"buckets"`
	// Access points and Multi-Region Access Points (S3 Control, fixture_s3control.go).
	AccessPoints            []*AccessPoint            `yaml:"access_points"`
	MultiRegionAccessPoints []*MultiRegionAccessPoint `yaml:"multi_region_access_points"`
}

// PublicAccessBlock is an S3 Block Public Access configuration.
type PublicAccessBlock struct {
	BlockPublicAcls       bool `yaml:"block_public_acls"`
	IgnorePublicAcls      bool `yaml:"ignore_public_acls"`
	BlockPublicPolicy     bool `yaml:"block_public_policy"`
	RestrictPublicBuckets bool `yaml:"restrict_public_buckets"`
}

// Bucket is one S3 bucket.
type Bucket struct {
	Name string `yaml:"name"`
	// Region defaults to the account's first region.
	Region  string    `yaml:"region"`
	Created time.Time `yaml:"created"`
	// LocationConstraint overrides what GetBucketLocation answers, for the
	// legacy "EU" of old eu-west-1 buckets.
	LocationConstraint string    `yaml:"location_constraint"`
	Policy             *Document `yaml:"policy"`
	// PolicyIsPublic is what GetBucketPolicyStatus answers; the fake does not
	// judge policies. Requires Policy.
	PolicyIsPublic    bool               `yaml:"policy_is_public"`
	ACL               *ACL               `yaml:"acl"`
	PublicAccessBlock *PublicAccessBlock `yaml:"public_access_block"`
	Ownership         string             `yaml:"ownership"`
	Notifications     *Notifications     `yaml:"notifications"`
	Encryption        *BucketEncryption  `yaml:"encryption"` // fixture_s3control.go
	Website           *BucketWebsite     `yaml:"website"`    // fixture_s3control.go
}

// ACL is a bucket ACL. Grants are served exactly as listed.
type ACL struct {
	OwnerID string  `yaml:"owner_id"`
	Grants  []Grant `yaml:"grants"`
}

// Grant is one ACL grant.
type Grant struct {
	Type       string `yaml:"type"` // CanonicalUser | AmazonCustomerByEmail | Group
	ID         string `yaml:"id"`
	URI        string `yaml:"uri"`
	Email      string `yaml:"email"`
	Permission string `yaml:"permission"`
}

// Notifications is a bucket's event notification configuration.
type Notifications struct {
	Queues      []NotificationTarget `yaml:"queues"`
	Lambdas     []NotificationTarget `yaml:"lambdas"`
	Topics      []NotificationTarget `yaml:"topics"`
	EventBridge bool                 `yaml:"eventbridge"`
}

// NotificationTarget is one queue, function or topic configuration.
type NotificationTarget struct {
	ID     string   `yaml:"id"`
	ARN    string   `yaml:"arn"`
	Events []string `yaml:"events"`
	Prefix string   `yaml:"prefix"`
	Suffix string   `yaml:"suffix"`
}

// Lambda is an account's Lambda state.
type Lambda struct {
	Functions           []*Function           `yaml:"functions"`
	EventSourceMappings []*EventSourceMapping `yaml:"event_source_mappings"`
	Layers              []*LambdaLayer        `yaml:"layers"` // fixture_lambda_layers.go
}

// Function is one Lambda function.
type Function struct {
	Name        string            `yaml:"name"`
	Region      string            `yaml:"region"`
	Runtime     string            `yaml:"runtime"`
	Handler     string            `yaml:"handler"`
	Role        string            `yaml:"role"`
	Environment map[string]string `yaml:"environment"`
	Policy      *Document         `yaml:"policy"`
	URL         *FunctionURL      `yaml:"url"`
	// LastModified is Lambda's own format, e.g. 2024-01-07T10:00:00.000+0000.
	LastModified string `yaml:"last_modified"`
	// The rest are served as given; absent ones take Lambda's defaults
	// (lambda.go): package_type Zip, memory_size 128, timeout 3,
	// architectures [x86_64]. A nil VPC is a function outside any VPC.
	Description   string     `yaml:"description"`
	PackageType   string     `yaml:"package_type"` // Zip | Image
	MemorySize    int        `yaml:"memory_size"`
	Timeout       int        `yaml:"timeout"`
	Architectures []string   `yaml:"architectures"`
	KMSKeyARN     string     `yaml:"kms_key_arn"`
	VPC           *LambdaVPC `yaml:"vpc"`
	Layers        []string   `yaml:"layers"`    // layer version ARNs (fixture_lambda_layers.go)
	ImageURI      string     `yaml:"image_uri"` // Image functions' ECR image (fixture_lambda_layers.go)
}

// LambdaVPC is a function's VPC configuration.
type LambdaVPC struct {
	VPCID            string   `yaml:"vpc_id"`
	SubnetIDs        []string `yaml:"subnet_ids"`
	SecurityGroupIDs []string `yaml:"security_group_ids"`
}

// FunctionURL is a function URL configuration.
type FunctionURL struct {
	AuthType   string `yaml:"auth_type"` // NONE | AWS_IAM
	Cors       *Cors  `yaml:"cors"`
	InvokeMode string `yaml:"invoke_mode"` // BUFFERED | RESPONSE_STREAM
}

// Cors is a function URL's CORS configuration.
type Cors struct {
	AllowOrigins     []string `yaml:"allow_origins"`
	AllowMethods     []string `yaml:"allow_methods"`
	AllowHeaders     []string `yaml:"allow_headers"`
	ExposeHeaders    []string `yaml:"expose_headers"`
	AllowCredentials bool     `yaml:"allow_credentials"`
	MaxAge           int      `yaml:"max_age"`
}

// EventSourceMapping connects an event source to a function.
type EventSourceMapping struct {
	UUID           string `yaml:"uuid"`
	Region         string `yaml:"region"`
	Function       string `yaml:"function"`
	EventSourceARN string `yaml:"event_source_arn"`
	State          string `yaml:"state"`
	BatchSize      int    `yaml:"batch_size"`
	// LastModified is served as epoch seconds.
	LastModified time.Time `yaml:"last_modified"`
}

// SQS is an account's SQS state.
type SQS struct {
	Queues []*Queue `yaml:"queues"`
}

// Queue is one SQS queue.
type Queue struct {
	Name           string    `yaml:"name"`
	Region         string    `yaml:"region"`
	Policy         *Document `yaml:"policy"`
	RedrivePolicy  *Document `yaml:"redrive_policy"`
	KMSMasterKeyID string    `yaml:"kms_master_key_id"`
	// SQSManagedSSE defaults to true without a KMS key (SSE-SQS is the
	// default for new queues) and false with one.
	SQSManagedSSE *bool `yaml:"sqs_managed_sse"`
	// Created is CreatedTimestamp and LastModifiedTimestamp.
	Created time.Time `yaml:"created"`
	// Attributes add to or override the attributes GetQueueAttributes
	// answers (VisibilityTimeout, RedriveAllowPolicy, ...).
	Attributes map[string]string `yaml:"attributes"`
}

// APIGateway is an account's API Gateway (v1, REST API) state.
type APIGateway struct {
	RestAPIs    []*RestAPI    `yaml:"rest_apis"`
	DomainNames []*DomainName `yaml:"domain_names"`
}

// RestAPI is one REST API.
type RestAPI struct {
	ID                        string            `yaml:"id"`
	Region                    string            `yaml:"region"`
	Name                      string            `yaml:"name"`
	EndpointTypes             []string          `yaml:"endpoint_types"`
	VPCEndpointIDs            []string          `yaml:"vpc_endpoint_ids"`
	Policy                    *Document         `yaml:"policy"`
	APIKeySource              string            `yaml:"api_key_source"`
	DisableExecuteAPIEndpoint bool              `yaml:"disable_execute_api_endpoint"`
	Created                   time.Time         `yaml:"created"`
	Resources                 []*RestResource   `yaml:"resources"`
	Authorizers               []*RestAuthorizer `yaml:"authorizers"`
	Stages                    []*RestStage      `yaml:"stages"`
	// Tags are returned by GetRestApis (RestApi.tags).
	Tags map[string]string `yaml:"tags"`
}

// RestResource is one resource (path) of a REST API.
type RestResource struct {
	ID       string                 `yaml:"id"`
	ParentID string                 `yaml:"parent_id"`
	PathPart string                 `yaml:"path_part"`
	Path     string                 `yaml:"path"`
	Methods  map[string]*RestMethod `yaml:"methods"` // keyed by verb, including ANY
}

// RestMethod is one method of a resource.
type RestMethod struct {
	AuthorizationType string           `yaml:"authorization_type"`
	AuthorizerID      string           `yaml:"authorizer_id"`
	APIKeyRequired    bool             `yaml:"api_key_required"`
	Integration       *RestIntegration `yaml:"integration"`
}

// RestIntegration is a method's backend integration.
type RestIntegration struct {
	Type       string `yaml:"type"`
	HTTPMethod string `yaml:"http_method"`
	URI        string `yaml:"uri"`
	// Credentials is the role API Gateway assumes to call the backend.
	Credentials       string            `yaml:"credentials"`
	RequestParameters map[string]string `yaml:"request_parameters"`
}

// RestAuthorizer is a REST API authorizer.
type RestAuthorizer struct {
	ID             string   `yaml:"id"`
	Name           string   `yaml:"name"`
	Type           string   `yaml:"type"`
	AuthorizerURI  string   `yaml:"authorizer_uri"`
	IdentitySource string   `yaml:"identity_source"`
	ProviderARNs   []string `yaml:"provider_arns"`
	// AuthorizerCredentials is the role API Gateway assumes to invoke the
	// authorizer; ResultTTL defaults to 300.
	AuthorizerCredentials string `yaml:"authorizer_credentials"`
	ResultTTL             *int   `yaml:"result_ttl_seconds"`
}

// RestStage is a REST API stage.
type RestStage struct {
	Name                 string `yaml:"name"`
	DeploymentID         string `yaml:"deployment_id"`
	WebACLARN            string `yaml:"web_acl_arn"`
	TracingEnabled       bool   `yaml:"tracing_enabled"`
	AccessLogDestination string `yaml:"access_log_destination"`
	AccessLogFormat      string `yaml:"access_log_format"`
	// MethodSettings are keyed "resource-path/VERB", "*/*" for all methods.
	MethodSettings map[string]*RestMethodSetting `yaml:"method_settings"`
	Variables      map[string]string             `yaml:"variables"`
	Created        time.Time                     `yaml:"created"`
	LastUpdated    time.Time                     `yaml:"last_updated"`
	Tags           map[string]string             `yaml:"tags"` // returned by GetStages (Stage.tags)
}

// DomainName is an API Gateway custom domain.
type DomainName struct {
	Name          string            `yaml:"name"`
	Region        string            `yaml:"region"`
	EndpointTypes []string          `yaml:"endpoint_types"`
	Mappings      []BasePathMapping `yaml:"mappings"`
	// CertificateARN is the ACM certificate (edge or regional, as the
	// endpoint type says); SecurityPolicy defaults to TLS_1_2.
	CertificateARN string `yaml:"certificate_arn"`
	SecurityPolicy string `yaml:"security_policy"`
}

// BasePathMapping maps a domain's base path to a REST API stage.
type BasePathMapping struct {
	BasePath  string `yaml:"base_path"`
	RestAPIID string `yaml:"rest_api_id"`
	Stage     string `yaml:"stage"`
}

// APIGatewayV2 is an account's HTTP and WebSocket API state.
type APIGatewayV2 struct {
	APIs []*HTTPAPI `yaml:"apis"`
}

// HTTPAPI is one HTTP or WebSocket API.
type HTTPAPI struct {
	ID                        string    `yaml:"id"`
	Region                    string    `yaml:"region"`
	Name                      string    `yaml:"name"`
	ProtocolType              string    `yaml:"protocol_type"` // HTTP | WEBSOCKET
	DisableExecuteAPIEndpoint bool      `yaml:"disable_execute_api_endpoint"`
	Created                   time.Time `yaml:"created"`
	// RouteSelectionExpression defaults to "$request.method $request.path"
	// (HTTP) or "$request.body.action" (WEBSOCKET).
	RouteSelectionExpression string           `yaml:"route_selection_expression"`
	Routes                   []*V2Route       `yaml:"routes"`
	Authorizers              []*V2Authorizer  `yaml:"authorizers"`
	Integrations             []*V2Integration `yaml:"integrations"`
	Stages                   []*V2Stage       `yaml:"stages"`
	// Tags are returned by GetApis (Api.tags).
	Tags map[string]string `yaml:"tags"`
}

// V2Route is an HTTP/WebSocket API route.
type V2Route struct {
	ID                string `yaml:"id"`
	RouteKey          string `yaml:"route_key"`
	AuthorizationType string `yaml:"authorization_type"`
	AuthorizerID      string `yaml:"authorizer_id"`
	APIKeyRequired    bool   `yaml:"api_key_required"`
	Target            string `yaml:"target"`
}

// V2Authorizer is an HTTP/WebSocket API authorizer.
type V2Authorizer struct {
	ID             string   `yaml:"id"`
	Name           string   `yaml:"name"`
	Type           string   `yaml:"type"` // REQUEST | JWT
	IdentitySource []string `yaml:"identity_source"`
	JWTIssuer      string   `yaml:"jwt_issuer"`
	JWTAudience    []string `yaml:"jwt_audience"`
	AuthorizerURI  string   `yaml:"authorizer_uri"`
	// CredentialsARN is the role API Gateway assumes to invoke a Lambda
	// authorizer. PayloadFormatVersion (HTTP APIs, REQUEST) defaults to 2.0.
	CredentialsARN        string `yaml:"credentials_arn"`
	PayloadFormatVersion  string `yaml:"payload_format_version"`
	ResultTTL             *int   `yaml:"result_ttl_seconds"`
	EnableSimpleResponses bool   `yaml:"enable_simple_responses"`
}

// V2Integration is an HTTP/WebSocket API integration.
type V2Integration struct {
	ID                   string `yaml:"id"`
	Type                 string `yaml:"type"`
	URI                  string `yaml:"uri"`
	PayloadFormatVersion string `yaml:"payload_format_version"`
	// Subtype is an AWS service action (SQS-SendMessage, ...); Method the
	// HTTP method of an HTTP_PROXY integration; CredentialsARN the role API
	// Gateway assumes to call the backend.
	Subtype           string            `yaml:"subtype"`
	Method            string            `yaml:"method"`
	CredentialsARN    string            `yaml:"credentials_arn"`
	RequestParameters map[string]string `yaml:"request_parameters"`
	ConnectionType    string            `yaml:"connection_type"` // INTERNET | VPC_LINK
	ConnectionID      string            `yaml:"connection_id"`
}

// V2Stage is an HTTP/WebSocket API stage.
type V2Stage struct {
	Name                 string            `yaml:"name"`
	AutoDeploy           bool              `yaml:"auto_deploy"`
	DeploymentID         string            `yaml:"deployment_id"`
	AccessLogDestination string            `yaml:"access_log_destination"`
	AccessLogFormat      string            `yaml:"access_log_format"`
	Variables            map[string]string `yaml:"variables"`
	Created              time.Time         `yaml:"created"`
	LastUpdated          time.Time         `yaml:"last_updated"`
	Tags                 map[string]string `yaml:"tags"` // returned by GetStages (Stage.tags)
}

// IAM is an account's IAM state.
type IAM struct {
	Roles    []*Role          `yaml:"roles"`
	Users    []*User          `yaml:"users"`
	Groups   []*Group         `yaml:"groups"`
	Policies []*ManagedPolicy `yaml:"policies"`
	// Root is the root user's row of the credential report.
	Root *IAMRoot `yaml:"root"`
}

// Role is an IAM role.
type Role struct {
	Name                string               `yaml:"name"`
	Path                string               `yaml:"path"`
	ID                  string               `yaml:"id"`
	Created             time.Time            `yaml:"created"`
	TrustPolicy         *Document            `yaml:"trust_policy"`
	InlinePolicies      map[string]*Document `yaml:"inline_policies"`
	AttachedPolicies    []string             `yaml:"attached_policies"`
	LastUsed            *RoleLastUsed        `yaml:"last_used"`
	Description         string               `yaml:"description"`
	PermissionsBoundary string               `yaml:"permissions_boundary"` // policy ARN
	Tags                map[string]string    `yaml:"tags"`
	InstanceProfiles    []string             `yaml:"instance_profiles"` // names
	MaxSessionDuration  int                  `yaml:"max_session_duration"`
}

// RoleLastUsed is when and where a role was last used.
type RoleLastUsed struct {
	Date   time.Time `yaml:"date"`
	Region string    `yaml:"region"`
}

// User is an IAM user.
type User struct {
	Name                string               `yaml:"name"`
	Path                string               `yaml:"path"`
	ID                  string               `yaml:"id"`
	Created             time.Time            `yaml:"created"`
	InlinePolicies      map[string]*Document `yaml:"inline_policies"`
	AttachedPolicies    []string             `yaml:"attached_policies"`
	Groups              []string             `yaml:"groups"`
	MFAActive           bool                 `yaml:"mfa_active"`
	PasswordEnabled     bool                 `yaml:"password_enabled"`
	AccessKeys          []*IAMAccessKey      `yaml:"access_keys"`
	PermissionsBoundary string               `yaml:"permissions_boundary"` // policy ARN
	Tags                map[string]string    `yaml:"tags"`
	PasswordLastUsed    *time.Time           `yaml:"password_last_used"`
	PasswordLastChanged *time.Time           `yaml:"password_last_changed"`
}

// IAMAccessKey is a user's access key as IAM reports it (not a key the fake
// authenticates; see Account.AccessKeys for those).
type IAMAccessKey struct {
	ID              string     `yaml:"id"`
	Status          string     `yaml:"status"` // Active | Inactive
	Created         time.Time  `yaml:"created"`
	LastUsed        *time.Time `yaml:"last_used"`
	LastUsedService string     `yaml:"last_used_service"`
	LastUsedRegion  string     `yaml:"last_used_region"`
}

// Group is an IAM group.
type Group struct {
	Name             string               `yaml:"name"`
	Path             string               `yaml:"path"`
	ID               string               `yaml:"id"`
	InlinePolicies   map[string]*Document `yaml:"inline_policies"`
	AttachedPolicies []string             `yaml:"attached_policies"`
	Created          time.Time            `yaml:"created"`
}

// ManagedPolicy is a customer-managed IAM policy.
type ManagedPolicy struct {
	Name           string    `yaml:"name"`
	ARN            string    `yaml:"arn"`
	DefaultVersion string    `yaml:"default_version"`
	Document       *Document `yaml:"document"`
	Path           string    `yaml:"path"`
	Description    string    `yaml:"description"`
	Created        time.Time `yaml:"created"`
	// Versions replaces Document when a policy has several versions;
	// default_version names the default (the last one when empty).
	Versions []*ManagedPolicyVersion `yaml:"versions"`
}

package graph

import "time"

// AccountInfo holds account-wide facts.
type AccountInfo struct {
	Alias            string            `json:"alias,omitempty"`
	Scanned          bool              `json:"scanned"`
	OrgID            string            `json:"org_id,omitempty"`
	OrgKnown         Tri               `json:"org_known"` // True: in OrgID's org (or in none when OrgID is empty); Unknown: not readable
	S3BlockPublic    PublicAccessBlock `json:"s3_public_access_block"`
	CallerARN        string            `json:"caller_arn,omitempty"`
	OrgAccountIDs    []string          `json:"org_account_ids,omitempty"`
	OrgManagementAcc string            `json:"org_management_account,omitempty"`
}

// PublicAccessBlock is an S3 Block Public Access configuration at bucket or
// account level. Configured is False when AWS answered that none exists
// (then every setting is False), Unknown when it could not be read.
type PublicAccessBlock struct {
	Configured            Tri    `json:"configured"`
	BlockPublicACLs       Tri    `json:"block_public_acls"`
	IgnorePublicACLs      Tri    `json:"ignore_public_acls"`
	BlockPublicPolicy     Tri    `json:"block_public_policy"`
	RestrictPublicBuckets Tri    `json:"restrict_public_buckets"`
	Source                string `json:"source,omitempty"`
}

// S3Bucket holds what the s3 collector read about a bucket.
type S3Bucket struct {
	CreatedAt          time.Time         `json:"created_at,omitzero"`
	Policy             Doc               `json:"policy"`
	PolicyStatusPublic Tri               `json:"policy_status_public"` // AWS's own verdict from GetBucketPolicyStatus
	ACL                ACL               `json:"acl"`
	BlockPublic        PublicAccessBlock `json:"public_access_block"`
	Ownership          string            `json:"object_ownership,omitempty"` // BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter
	OwnershipKnown     Tri               `json:"object_ownership_known"`     // False: no ownership controls set
	Notifications      []Notification    `json:"notifications,omitempty"`
	NotificationsKnown Tri               `json:"notifications_known"`
}

// ACL is an S3 access control list. State Unknown means it could not be read;
// False means it was not read because ACLs are disabled (BucketOwnerEnforced).
type ACL struct {
	State   Tri        `json:"state"`
	OwnerID string     `json:"owner_id,omitempty"`
	Grants  []ACLGrant `json:"grants,omitempty"`
}

// ACLGrant is one ACL grant.
type ACLGrant struct {
	GranteeType string `json:"grantee_type"` // CanonicalUser, Group, AmazonCustomerByEmail
	ID          string `json:"id,omitempty"`
	URI         string `json:"uri,omitempty"`
	Email       string `json:"email,omitempty"`
	Permission  string `json:"permission"`
}

// Notification is an S3 event notification target.
type Notification struct {
	ID     string   `json:"id,omitempty"`
	Type   string   `json:"type"` // queue, lambda, topic, eventbridge
	Target string   `json:"target,omitempty"`
	Events []string `json:"events,omitempty"`
}

// LambdaFunction holds what the lambda collector read about a function.
type LambdaFunction struct {
	Runtime      string   `json:"runtime,omitempty"`
	Handler      string   `json:"handler,omitempty"`
	Role         string   `json:"role,omitempty"`
	Policy       Doc      `json:"policy"`
	URLKnown     Tri      `json:"url_known"` // whether the function URL lookup succeeded
	EnvVarNames  []string `json:"env_var_names,omitempty"`
	InVPC        bool     `json:"vpc,omitempty"`
	LastModified string   `json:"last_modified,omitempty"`
	PackageType  string   `json:"package_type,omitempty"`
}

// FunctionURL is a Lambda function URL.
type FunctionURL struct {
	URL              string   `json:"url,omitempty"`
	AuthType         string   `json:"auth_type"` // NONE or AWS_IAM
	Qualifier        string   `json:"qualifier,omitempty"`
	CORSAllowOrigins []string `json:"cors_allow_origins,omitempty"`
	CORSAllowCreds   bool     `json:"cors_allow_credentials,omitempty"`
	InvokeMode       string   `json:"invoke_mode,omitempty"`
	// Policy is set only for a URL on an alias (Qualifier != ""): the
	// alias's own resource policy (GetPolicy with Qualifier), which is what
	// governs that URL. A URL on the unqualified function is governed by
	// the function's Policy.
	Policy Doc `json:"policy,omitzero"`
}

// SQSQueue holds what the sqs collector read about a queue.
type SQSQueue struct {
	URL             string `json:"url,omitempty"`
	Policy          Doc    `json:"policy"`
	RedrivePolicy   string `json:"redrive_policy,omitempty"`
	DeadLetterQueue string `json:"dead_letter_queue,omitempty"`
	KMSKeyID        string `json:"kms_key_id,omitempty"`
	SSEManaged      Tri    `json:"sqs_managed_sse"`
	AttributesKnown Tri    `json:"attributes_known"`
}

// RestAPI is an API Gateway REST API.
type RestAPI struct {
	APIID                     string       `json:"api_id"`
	EndpointTypes             []string     `json:"endpoint_types,omitempty"`
	VPCEndpointIDs            []string     `json:"vpc_endpoint_ids,omitempty"`
	Policy                    Doc          `json:"policy"`
	APIKeySource              string       `json:"api_key_source,omitempty"`
	DisableExecuteAPIEndpoint bool         `json:"disable_execute_api_endpoint"`
	ResourcesKnown            Tri          `json:"resources_known"`
	StagesKnown               Tri          `json:"stages_known"`
	AuthorizersKnown          Tri          `json:"authorizers_known"`
	Authorizers               []Authorizer `json:"authorizers,omitempty"`
}

// Authorizer is an API Gateway authorizer (REST or HTTP/WebSocket).
type Authorizer struct {
	ID             string   `json:"id"`
	Name           string   `json:"name,omitempty"`
	Type           string   `json:"type"` // TOKEN, REQUEST, COGNITO_USER_POOLS, JWT
	URI            string   `json:"uri,omitempty"`
	Function       string   `json:"function,omitempty"` // Lambda ARN behind a Lambda authorizer
	ProviderARNs   []string `json:"provider_arns,omitempty"`
	IdentitySource []string `json:"identity_source,omitempty"`
	JWTIssuer      string   `json:"jwt_issuer,omitempty"`
	JWTAudience    []string `json:"jwt_audience,omitempty"`
}

// APIStage is a deployed stage of a REST or HTTP/WebSocket API.
type APIStage struct {
	APIID         string `json:"api_id"`
	StageName     string `json:"stage_name"`
	WebACLARN     string `json:"web_acl_arn,omitempty"`
	AccessLogging bool   `json:"access_logging"`
	Tracing       bool   `json:"tracing,omitempty"`
	AutoDeploy    bool   `json:"auto_deploy,omitempty"`
}

// APIMethod is a REST API method (resource path + verb) or an HTTP/WebSocket route.
type APIMethod struct {
	APIID             string `json:"api_id"`
	Path              string `json:"path,omitempty"`
	HTTPMethod        string `json:"http_method,omitempty"`
	RouteKey          string `json:"route_key,omitempty"`
	AuthorizationType string `json:"authorization_type"` // NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS, JWT
	AuthorizerID      string `json:"authorizer_id,omitempty"`
	APIKeyRequired    bool   `json:"api_key_required"`
	IntegrationType   string `json:"integration_type,omitempty"`
	IntegrationURI    string `json:"integration_uri,omitempty"`
	// IntegrationKnown is True when the integration was read (IntegrationType
	// "" then means the method has none), Unknown when it could not be.
	IntegrationKnown Tri `json:"integration_known"`
}

// HTTPAPI is an API Gateway v2 HTTP or WebSocket API.
type HTTPAPI struct {
	APIID                     string       `json:"api_id"`
	ProtocolType              string       `json:"protocol_type"`
	Endpoint                  string       `json:"endpoint,omitempty"`
	DisableExecuteAPIEndpoint bool         `json:"disable_execute_api_endpoint"`
	RoutesKnown               Tri          `json:"routes_known"`
	StagesKnown               Tri          `json:"stages_known"`
	AuthorizersKnown          Tri          `json:"authorizers_known"`
	Authorizers               []Authorizer `json:"authorizers,omitempty"`
}

// DomainName is an API Gateway custom domain name.
type DomainName struct {
	EndpointTypes []string `json:"endpoint_types,omitempty"`
	Mappings      []string `json:"mappings,omitempty"` // "basePath -> apiId/stage"
	MappingsKnown Tri      `json:"mappings_known"`
	Policy        Doc      `json:"policy"`
}

// IAMRole is an IAM role with its trust and identity policies.
type IAMRole struct {
	RoleID           string            `json:"role_id,omitempty"`
	Path             string            `json:"path,omitempty"`
	CreatedAt        time.Time         `json:"created_at,omitzero"`
	TrustPolicy      Doc               `json:"trust_policy"`
	InlinePolicies   map[string]string `json:"inline_policies,omitempty"`
	AttachedPolicies []string          `json:"attached_policies,omitempty"`
	Boundary         string            `json:"permissions_boundary,omitempty"`
	LastUsed         time.Time         `json:"last_used,omitzero"`
	PoliciesKnown    Tri               `json:"policies_known"`
	// InstanceProfiles are the ARNs of the instance profiles that hold the
	// role: an EC2 instance launched with one acts as the role.
	InstanceProfiles []string `json:"instance_profiles,omitempty"`
}

// IAMUser is an IAM user.
type IAMUser struct {
	UserID           string            `json:"user_id,omitempty"`
	CreatedAt        time.Time         `json:"created_at,omitzero"`
	InlinePolicies   map[string]string `json:"inline_policies,omitempty"`
	AttachedPolicies []string          `json:"attached_policies,omitempty"`
	Groups           []string          `json:"groups,omitempty"`
	MFAActive        Tri               `json:"mfa_active"`
	PasswordEnabled  Tri               `json:"password_enabled"`
	PasswordLastUsed time.Time         `json:"password_last_used,omitzero"`
	KeysKnown        Tri               `json:"keys_known"`
	// PoliciesKnown is True when the user's policies and groups were read.
	PoliciesKnown Tri `json:"policies_known"`
}

// IAMGroup is an IAM group.
type IAMGroup struct {
	InlinePolicies   map[string]string `json:"inline_policies,omitempty"`
	AttachedPolicies []string          `json:"attached_policies,omitempty"`
}

// IAMPolicy is a managed policy with its default version's document.
type IAMPolicy struct {
	DefaultVersion string `json:"default_version,omitempty"`
	Document       string `json:"document,omitempty"`
	AWSManaged     bool   `json:"aws_managed,omitempty"`
}

// AccessKey is a long-lived IAM access key. Its secret is never read.
type AccessKey struct {
	User            string    `json:"user"`
	Status          string    `json:"status"` // Active, Inactive
	CreatedAt       time.Time `json:"created_at,omitzero"`
	LastUsed        time.Time `json:"last_used,omitzero"`
	LastUsedService string    `json:"last_used_service,omitempty"`
	LastUsedKnown   Tri       `json:"last_used_known"`
}

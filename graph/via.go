package graph

// Via names the mechanism an edge goes through: for an access edge, the way
// in (which policy, ACL or auth setting lets the principal in); for a
// structural edge, the configuration that links the two resources. With
// the resource, it identifies an entry point.
type Via string

// Ways in: access edges from principals, derived by Resolve.
const (
	ViaBucketPolicy     Via = "bucket-policy"
	ViaBucketACL        Via = "bucket-acl"
	ViaLambdaPermission Via = "lambda-permission"
	ViaFunctionURL      Via = "function-url"
	ViaQueuePolicy      Via = "queue-policy"
	ViaRestAPIPolicy    Via = "rest-api-policy"
	ViaMethodAuth       Via = "method-auth"       // a REST method anyone can call (authorization NONE)
	ViaMethodAuthorizer Via = "method-authorizer" // a REST method behind an authorizer
	ViaRouteAuth        Via = "route-auth"        // an HTTP/WebSocket route anyone can call
	ViaRouteAuthorizer  Via = "route-authorizer"  // an HTTP/WebSocket route behind an authorizer
	ViaTrustPolicy      Via = "trust-policy"
	ViaIdentityPolicy   Via = "identity-policy" // what a role or user's own policies allow

	// Edge and data services.
	ViaViewerAccess       Via = "viewer-access"        // a distribution's cache behaviors any viewer can request
	ViaSignedURLs         Via = "signed-urls"          // cache behaviors that need a URL or cookie signed by a trusted key group
	ViaPublicEndpoint     Via = "public-endpoint"      // an endpoint with a public address: EKS API server, publicly accessible RDS
	ViaDomainAccessPolicy Via = "domain-access-policy" // an OpenSearch domain's resource-based policy
	ViaSnapshotRestore    Via = "snapshot-restore"     // the restore attribute of an RDS snapshot
	// Network ways in (can-connect), judged from security groups, network
	// ACLs, routes and public addresses.
	ViaSecurityGroup         Via = "security-group"         // an instance's open ports
	ViaListener              Via = "listener"               // a load balancer listener, no authentication in front
	ViaListenerAuthenticated Via = "listener-authenticated" // a listener whose every route authenticates first (OIDC, Cognito)
)

// Structural links, added by collectors.
const (
	ViaS3Notification         Via = "s3-notification"
	ViaEventSourceMapping     Via = "event-source-mapping"
	ViaRedrivePolicy          Via = "redrive-policy"
	ViaExecutionRole          Via = "execution-role"
	ViaIntegration            Via = "integration"
	ViaIntegrationCredentials Via = "integration-credentials"
	ViaLambdaAuthorizer       Via = "lambda-authorizer"
	ViaCognitoAuthorizer      Via = "cognito-authorizer"
	ViaJWTAuthorizer          Via = "jwt-authorizer"
	ViaBasePathMapping        Via = "base-path-mapping"
	ViaGroupMembership        Via = "group-membership"
	ViaOrigin                 Via = "origin"                 // a distribution's origin fetched as any caller would (custom, website, public bucket)
	ViaOriginAccessControl    Via = "origin-access-control"  // an S3 origin CloudFront signs for with an OAC
	ViaOriginAccessIdentity   Via = "origin-access-identity" // an S3 origin CloudFront reads as a legacy OAI
	ViaLambdaEdge             Via = "lambda-edge"            // a Lambda@Edge function a cache behavior runs
	ViaWebACL                 Via = "web-acl"                // a WAF web ACL associated with a resource
	ViaClusterMember          Via = "cluster-member"         // an RDS cluster's member instance
	ViaInstanceProfile        Via = "instance-profile"       // an instance's role, through its instance profile
	ViaLoadBalancerListener   Via = "lb-listener"            // a load balancer to its listeners
	ViaListenerRule           Via = "listener-rule"          // a listener rule forwarding to a target group (or a Classic listener to its instances)
	ViaTarget                 Via = "target"                 // a target group to a registered target
)

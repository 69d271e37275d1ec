package graph

// Via names the mechanism an edge goes through: for an access edge, the way
// in (which policy, ACL or auth setting lets the principal in); for a
// structural edge, the configuration that links the two resources. With
// the resource, it identifies an entry point.
type Via uint16

// Ways in: access edges from principals, derived by Resolve.
var (
	ViaBucketPolicy     = via("bucket-policy")
	ViaBucketACL        = via("bucket-acl")
	ViaLambdaPermission = via("lambda-permission")
	ViaFunctionURL      = via("function-url")
	ViaQueuePolicy      = via("queue-policy")
	ViaRestAPIPolicy    = via("rest-api-policy")
	ViaMethodAuth       = via("method-auth")       // a REST method anyone can call (authorization NONE)
	ViaMethodAuthorizer = via("method-authorizer") // a REST method behind an authorizer
	ViaRouteAuth        = via("route-auth")        // an HTTP/WebSocket route anyone can call
	ViaRouteAuthorizer  = via("route-authorizer")  // an HTTP/WebSocket route behind an authorizer
	ViaTrustPolicy      = via("trust-policy")
	ViaIdentityPolicy   = via("identity-policy") // what a role or user's own policies allow

	// Edge and data services.
	ViaViewerAccess       = via("viewer-access")        // a distribution's cache behaviors any viewer can request
	ViaSignedURLs         = via("signed-urls")          // cache behaviors that need a URL or cookie signed by a trusted key group
	ViaPublicEndpoint     = via("public-endpoint")      // an endpoint with a public address: EKS API server, publicly accessible RDS
	ViaDomainAccessPolicy = via("domain-access-policy") // an OpenSearch domain's resource-based policy
	ViaSnapshotRestore    = via("snapshot-restore")     // the restore attribute of an RDS snapshot
	// Network ways in (can-connect), judged from security groups, network
	// ACLs, routes and public addresses.
	ViaSecurityGroup         = via("security-group")         // an instance's open ports
	ViaListener              = via("listener")               // a load balancer listener, no authentication in front
	ViaListenerAuthenticated = via("listener-authenticated") // a listener whose every route authenticates first (OIDC, Cognito)
	ViaTopicPolicy           = via("topic-policy")           // an SNS topic's access policy
	ViaBusPolicy             = via("bus-policy")             // an EventBridge event bus's resource policy
	ViaKeyPolicy             = via("key-policy")             // a KMS key policy
	ViaKMSGrant              = via("kms-grant")              // a KMS grant (ListGrants)
	ViaSecretPolicy          = via("secret-policy")          // a Secrets Manager secret's resource policy
)

// Structural links, added by collectors.
var (
	ViaS3Notification         = via("s3-notification")
	ViaEventSourceMapping     = via("event-source-mapping")
	ViaRedrivePolicy          = via("redrive-policy")
	ViaExecutionRole          = via("execution-role")
	ViaIntegration            = via("integration")
	ViaIntegrationCredentials = via("integration-credentials")
	ViaLambdaAuthorizer       = via("lambda-authorizer")
	ViaCognitoAuthorizer      = via("cognito-authorizer")
	ViaJWTAuthorizer          = via("jwt-authorizer")
	ViaBasePathMapping        = via("base-path-mapping")
	ViaGroupMembership        = via("group-membership")
	ViaOrigin                 = via("origin")                 // a distribution's origin fetched as any caller would (custom, website, public bucket)
	ViaOriginAccessControl    = via("origin-access-control")  // an S3 origin CloudFront signs for with an OAC
	ViaOriginAccessIdentity   = via("origin-access-identity") // an S3 origin CloudFront reads as a legacy OAI
	ViaLambdaEdge             = via("lambda-edge")            // a Lambda@Edge function a cache behavior runs
	ViaWebACL                 = via("web-acl")                // a WAF web ACL associated with a resource
	ViaClusterMember          = via("cluster-member")         // an RDS cluster's member instance
	ViaInstanceProfile        = via("instance-profile")       // an instance's role, through its instance profile
	ViaLoadBalancerListener   = via("lb-listener")            // a load balancer to its listeners
	ViaListenerRule           = via("listener-rule")          // a listener rule forwarding to a target group (or a Classic listener to its instances)
	ViaTarget                 = via("target")                 // a target group to a registered target
	ViaSNSSubscription        = via("sns-subscription")       // topic → the endpoint it delivers to
	ViaEventBridgeRule        = via("eventbridge-rule")       // event bus → a rule on it
	ViaEventBridgeTarget      = via("eventbridge-target")     // rule → what it sends matching events to
	ViaTargetRole             = via("target-role")            // rule → the role EventBridge uses to reach a target
	ViaAPIDestination         = via("api-destination")        // API destination → the HTTPS endpoint outside AWS
	ViaRotationFunction       = via("rotation-function")      // secret → the Lambda function that rotates it
	// ViaEncryption links a KMS key to the data it encrypts (EdgeProtects).
	// Resolve derives it from the key each data store names
	// (resolve_protects.go).
	ViaEncryption = via("encryption")
)

// Ways in and links of ECR, S3 access points and Lambda layers.
var (
	ViaRepositoryPolicy  = via("repository-policy")   // an ECR repository policy
	ViaRegistryPolicy    = via("registry-policy")     // an ECR private registry policy (replication, pull through cache)
	ViaAccessPointPolicy = via("access-point-policy") // an S3 access point policy, with the bucket policy behind it
	ViaMRAPPolicy        = via("mrap-policy")         // a Multi-Region Access Point policy, with the bucket policies behind it
	ViaLayerPolicy       = via("layer-policy")        // a Lambda layer version's permissions

	ViaImage             = via("image")                     // ECR repository → the function running its image (provides-code)
	ViaLayer             = via("layer")                     // layer version → the function that loads it (provides-code)
	ViaAccessPoint       = via("access-point")              // access point → its bucket (routes-to)
	ViaMultiRegionAccess = via("multi-region-access-point") // Multi-Region Access Point → each of its buckets (routes-to)
	ViaDefaultEncryption = via("default-encryption")        // KMS key → the bucket whose default encryption names it (protects)
)

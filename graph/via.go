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
	ViaTopicPolicy      Via = "topic-policy"    // an SNS topic's access policy
	ViaBusPolicy        Via = "bus-policy"      // an EventBridge event bus's resource policy
	ViaKeyPolicy        Via = "key-policy"      // a KMS key policy
	ViaKMSGrant         Via = "kms-grant"       // a KMS grant (ListGrants)
	ViaSecretPolicy     Via = "secret-policy"   // a Secrets Manager secret's resource policy
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
	ViaSNSSubscription        Via = "sns-subscription"   // topic → the endpoint it delivers to
	ViaEventBridgeRule        Via = "eventbridge-rule"   // event bus → a rule on it
	ViaEventBridgeTarget      Via = "eventbridge-target" // rule → what it sends matching events to
	ViaTargetRole             Via = "target-role"        // rule → the role EventBridge uses to reach a target
	ViaAPIDestination         Via = "api-destination"    // API destination → the HTTPS endpoint outside AWS
	ViaRotationFunction       Via = "rotation-function"  // secret → the Lambda function that rotates it
	// ViaEncryption links a KMS key to the data it encrypts (EdgeProtects).
	// Resolve derives it from the key each data store names
	// (resolve_protects.go).
	ViaEncryption Via = "encryption"
)

// Ways in and links of ECR, S3 access points and Lambda layers.
const (
	ViaRepositoryPolicy  Via = "repository-policy"   // an ECR repository policy
	ViaRegistryPolicy    Via = "registry-policy"     // an ECR private registry policy (replication, pull through cache)
	ViaAccessPointPolicy Via = "access-point-policy" // an S3 access point policy, with the bucket policy behind it
	ViaMRAPPolicy        Via = "mrap-policy"         // a Multi-Region Access Point policy, with the bucket policies behind it
	ViaLayerPolicy       Via = "layer-policy"        // a Lambda layer version's permissions

	ViaImage             Via = "image"                     // ECR repository → the function running its image (provides-code)
	ViaLayer             Via = "layer"                     // layer version → the function that loads it (provides-code)
	ViaAccessPoint       Via = "access-point"              // access point → its bucket (routes-to)
	ViaMultiRegionAccess Via = "multi-region-access-point" // Multi-Region Access Point → each of its buckets (routes-to)
	ViaDefaultEncryption Via = "default-encryption"        // KMS key → the bucket whose default encryption names it (protects)
)

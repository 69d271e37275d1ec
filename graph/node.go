package graph

// Kind names what a node is. AWS resources use the names of DESIGN.md §2;
// principal kinds stand for callers outside any collected resource.
type Kind string

// Resource kinds.
const (
	KindAccount           Kind = "Account"
	KindS3Bucket          Kind = "S3Bucket"
	KindLambdaFunction    Kind = "LambdaFunction"
	KindLambdaFunctionURL Kind = "LambdaFunctionURL"
	KindSQSQueue          Kind = "SQSQueue"
	KindSNSTopic          Kind = "SNSTopic"
	KindEventBus          Kind = "EventBus"
	KindEventRule         Kind = "EventRule"
	KindAPIDestination    Kind = "APIDestination" // an EventBridge API destination: an HTTPS endpoint outside AWS that rules send events to
	KindStateMachine      Kind = "StateMachine"   // a Step Functions state machine a rule starts (not collected: named by its ARN)
	KindKMSKey            Kind = "KMSKey"
	KindSecret            Kind = "Secret"
	KindRestAPI           Kind = "RestAPI"
	KindRestAPIStage      Kind = "RestAPIStage"
	KindRestAPIMethod     Kind = "RestAPIMethod"
	KindHTTPAPI           Kind = "HTTPAPI"
	KindHTTPAPIRoute      Kind = "HTTPAPIRoute"
	KindHTTPAPIStage      Kind = "HTTPAPIStage"
	KindDomainName        Kind = "DomainName"
	KindIAMRole           Kind = "IAMRole"
	KindIAMUser           Kind = "IAMUser"
	KindIAMGroup          Kind = "IAMGroup"
	KindIAMPolicy         Kind = "IAMPolicy"
	KindAccessKey         Kind = "AccessKey"
	KindEventSource       Kind = "EventSource" // a stream or queue outside the collected set, e.g. a Kinesis stream
	// ECR: a private repository, and the private registry of one account and
	// region (which holds the registry policy; AWS gives it no ARN, so its
	// id is arn:aws:ecr:REGION:ACCOUNT:registry, see attrs_ecr.go).
	KindECRRepository Kind = "ECRRepository"
	KindECRRegistry   Kind = "ECRRegistry"
	// S3 access points (regional, with a network origin) and Multi-Region
	// Access Points (global): named ways into buckets (attrs_s3ap.go).
	KindS3AccessPoint          Kind = "S3AccessPoint"
	KindMultiRegionAccessPoint Kind = "MultiRegionAccessPoint"
	// KindLambdaLayer is one version of a Lambda layer: its ARN ends in the
	// version number (attrs_lambda_layer.go).
	KindLambdaLayer      Kind = "LambdaLayer"
	KindExternalEndpoint Kind = "ExternalEndpoint"
	KindSecurityGroup    Kind = "EC2SecurityGroup" // network.go

	// Edge and data services (attrs_cloudfront.go, attrs_waf.go, attrs_rds.go,
	// attrs_eks.go, attrs_opensearch.go).
	KindDistribution         Kind = "CloudFrontDistribution"
	KindOriginAccessIdentity Kind = "CloudFrontOriginAccessIdentity" // a legacy OAI: an identity CloudFront reads S3 origins as
	KindWebACL               Kind = "WAFWebACL"
	KindDBInstance           Kind = "RDSDBInstance"
	KindDBCluster            Kind = "RDSDBCluster"
	KindDBSnapshot           Kind = "RDSDBSnapshot"
	KindDBClusterSnapshot    Kind = "RDSDBClusterSnapshot"
	KindEKSCluster           Kind = "EKSCluster"
	KindSearchDomain         Kind = "OpenSearchDomain"
	// EC2 and Elastic Load Balancing (attrs_ec2.go, attrs_elb.go).
	KindEC2Instance    Kind = "EC2Instance"
	KindSubnet         Kind = "EC2Subnet"
	KindPrefixList     Kind = "EC2PrefixList"
	KindLaunchTemplate Kind = "EC2LaunchTemplate"
	KindLoadBalancer   Kind = "ELBLoadBalancer" // Application, Network, Gateway and Classic
	KindListener       Kind = "ELBListener"
	KindTargetGroup    Kind = "ELBTargetGroup"
)

// Principal kinds: who can call, rather than what is called.
const (
	KindInternet         Kind = "Internet"
	KindAnyAWSAccount    Kind = "AnyAWSAccount"
	KindExternalAccount  Kind = "ExternalAccount"
	KindOrganization     Kind = "Organization"
	KindServicePrincipal Kind = "ServicePrincipal"
	KindFederated        Kind = "FederatedPrincipal"
	KindPrincipalARN     Kind = "PrincipalARN"
)

// IsPrincipal reports whether k is one of the principal kinds.
func (k Kind) IsPrincipal() bool {
	switch k {
	case KindInternet, KindAnyAWSAccount, KindExternalAccount, KindOrganization,
		KindServicePrincipal, KindFederated, KindPrincipalARN:
		return true
	}
	return false
}

// Well-known principal node ids.
const (
	InternetID      = "internet"
	AnyAWSAccountID = "aws:any-account"
)

// AccountID is the node id of an AWS account principal or account node.
func AccountID(acct string) string { return "account:" + acct }

// OrgID is the node id of an organization principal.
func OrgID(org string) string { return "org:" + org }

// ServiceID is the node id of an AWS service principal.
func ServiceID(svc string) string { return "service:" + svc }

// FederatedID is the node id of a federated identity provider principal.
func FederatedID(provider string) string { return "federated:" + provider }

// Node is one vertex of the entry-point graph. AWS resources are identified
// by their ARN; principals by the ids above. A resource node's attributes
// are one value of its kind's attribute type (*S3Bucket for an S3 bucket,
// …) in Attrs, read through the accessor of that type (Node.Bucket, …),
// which is nil on a node of another kind. One field rather than a pointer
// per kind: a large account holds a hundred thousand nodes, and forty nil
// pointers each were a third of the node array (node_attrs.go).
type Node struct {
	ID      string `json:"id"`
	Kind    Kind   `json:"kind"`
	Name    string `json:"name,omitempty"`
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	// Tags are the resource's tags, where the API that lists or describes
	// it returns them without an extra call (nil when none were read: a
	// resource whose tags trustmap does not collect has none here).
	Tags map[string]string `json:"tags,omitempty"`
	// Attrs are the kind's attributes, nil when the node has none. In JSON
	// they are the one member named for their type ("s3_bucket": {…}), as
	// nodeJSON spells out.
	Attrs Attrs `json:"-"`
}

// Doc is a policy document as read from an API, kept verbatim.
// State is True when a document exists (Text holds it), False when the API
// said there is none, Unknown when the call failed.
type Doc struct {
	State  Tri    `json:"state"`
	Text   string `json:"text,omitempty"`
	Source string `json:"source,omitempty"` // API and field, e.g. "s3:GetBucketPolicy"
}

// Present returns a Doc that holds text read from source.
func Present(text, source string) Doc { return Doc{State: True, Text: text, Source: source} }

// Absent returns a Doc the API confirmed does not exist.
func Absent(source string) Doc { return Doc{State: False, Source: source} }

// Hidden returns a Doc whose read failed.
func Hidden(source string) Doc { return Doc{State: Unknown, Source: source} }

// TagMap returns tags as a node carries them: nil when there are none.
func TagMap(tags map[string]string) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		out[k] = v
	}
	return out
}

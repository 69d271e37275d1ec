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
	KindExternalEndpoint  Kind = "ExternalEndpoint"
	KindSecurityGroup     Kind = "EC2SecurityGroup" // network.go

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
// by their ARN; principals by the ids above. Exactly one of the typed
// attribute pointers is set for a resource node, matching its Kind.
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

	AccountInfo *AccountInfo    `json:"account_info,omitempty"`
	Bucket      *S3Bucket       `json:"s3_bucket,omitempty"`
	Function    *LambdaFunction `json:"lambda_function,omitempty"`
	FunctionURL *FunctionURL    `json:"function_url,omitempty"`
	Queue       *SQSQueue       `json:"sqs_queue,omitempty"`
	RestAPI     *RestAPI        `json:"rest_api,omitempty"`
	Stage       *APIStage       `json:"stage,omitempty"`
	Method      *APIMethod      `json:"method,omitempty"`
	HTTPAPI     *HTTPAPI        `json:"http_api,omitempty"`
	Domain      *DomainName     `json:"domain_name,omitempty"`
	Role        *IAMRole        `json:"iam_role,omitempty"`
	User        *IAMUser        `json:"iam_user,omitempty"`
	Group       *IAMGroup       `json:"iam_group,omitempty"`
	Policy      *IAMPolicy      `json:"iam_policy,omitempty"`
	AccessKey   *AccessKey      `json:"access_key,omitempty"`

	SecurityGroup *SecurityGroup `json:"security_group,omitempty"`

	Distribution   *Distribution         `json:"cloudfront_distribution,omitempty"`
	OAI            *OriginAccessIdentity `json:"origin_access_identity,omitempty"`
	WebACL         *WebACL               `json:"web_acl,omitempty"`
	Database       *Database             `json:"database,omitempty"` // an RDS DB instance or cluster
	Snapshot       *DBSnapshot           `json:"db_snapshot,omitempty"`
	EKS            *EKSCluster           `json:"eks_cluster,omitempty"`
	Search         *SearchDomain         `json:"opensearch_domain,omitempty"`
	Instance       *EC2Instance          `json:"ec2_instance,omitempty"`
	Subnet         *Subnet               `json:"subnet,omitempty"`
	PrefixList     *PrefixList           `json:"prefix_list,omitempty"`
	LaunchTemplate *LaunchTemplate       `json:"launch_template,omitempty"`
	LoadBalancer   *LoadBalancer         `json:"load_balancer,omitempty"`
	Listener       *Listener             `json:"listener,omitempty"`
	TargetGroup    *TargetGroup          `json:"target_group,omitempty"`
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

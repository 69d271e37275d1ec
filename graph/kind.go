package graph

// Class is what a kind of node is for, as the analyzers and writers need
// to know it: they ask a node's class, not a list of kinds, so a new
// service's kinds fit the existing rules by declaring their class here.
type Class int

// Classes.
const (
	ClassOther     Class = iota
	ClassPrincipal       // who calls: the internet, accounts, organizations, services, federated users
	ClassFrontDoor       // where calls come in: API methods and routes, function URLs, listeners, distributions
	ClassCompute         // runs code with a role's credentials: functions, instances, containers
	ClassData            // holds or carries data: buckets, queues, topics, buses, secrets, keys, registries, databases
	ClassIdentity        // acts with permissions: roles, users, groups, access keys
	ClassGrouping        // groups others without a way in of its own: APIs, stages, domains, load balancers
)

func (c Class) String() string {
	switch c {
	case ClassPrincipal:
		return "principal"
	case ClassFrontDoor:
		return "front-door"
	case ClassCompute:
		return "compute"
	case ClassData:
		return "data"
	case ClassIdentity:
		return "identity"
	case ClassGrouping:
		return "grouping"
	}
	return "other"
}

// kindClasses declares every kind's class. A kind missing here is
// ClassOther; a test fails for a Kind constant that is missing.
var kindClasses = map[Kind]Class{
	KindInternet: ClassPrincipal, KindAnyAWSAccount: ClassPrincipal, KindExternalAccount: ClassPrincipal,
	KindOrganization: ClassPrincipal, KindServicePrincipal: ClassPrincipal, KindFederated: ClassPrincipal,
	KindPrincipalARN: ClassPrincipal,

	KindAccount: ClassGrouping,

	KindS3Bucket: ClassData, KindSQSQueue: ClassData, KindSNSTopic: ClassData, KindEventSource: ClassData,

	KindLambdaFunction: ClassCompute,

	KindLambdaFunctionURL: ClassFrontDoor, KindRestAPIMethod: ClassFrontDoor, KindHTTPAPIRoute: ClassFrontDoor,

	KindRestAPI: ClassGrouping, KindRestAPIStage: ClassGrouping, KindHTTPAPI: ClassGrouping,
	KindHTTPAPIStage: ClassGrouping, KindDomainName: ClassGrouping,

	KindIAMRole: ClassIdentity, KindIAMUser: ClassIdentity, KindIAMGroup: ClassIdentity,
	KindIAMPolicy: ClassIdentity, KindAccessKey: ClassIdentity,

	KindExternalEndpoint: ClassOther,
	KindSecurityGroup:    ClassOther,

	// A distribution and an EKS cluster's API server endpoint are where calls
	// come in; what they lead to (origins, the cluster's workloads) is reached
	// through them. Databases, search domains and snapshots hold data. A web
	// ACL filters what reaches a front door, and an origin access identity is
	// the identity CloudFront reads an origin as: neither is a way in or a
	// target of its own.
	KindDistribution: ClassFrontDoor, KindEKSCluster: ClassFrontDoor,
	KindDBInstance: ClassData, KindDBCluster: ClassData, KindDBSnapshot: ClassData,
	KindDBClusterSnapshot: ClassData, KindSearchDomain: ClassData,
	KindWebACL: ClassOther, KindOriginAccessIdentity: ClassOther,
	// An instance runs code with its instance profile's role. A listener is
	// where clients connect; the load balancer and a target group only
	// group listeners and targets (requests pass through them). Subnets,
	// prefix lists and launch templates describe networks and launches:
	// no way in or target of their own.
	KindEC2Instance: ClassCompute, KindListener: ClassFrontDoor,
	KindLoadBalancer: ClassGrouping, KindTargetGroup: ClassGrouping,
	KindSubnet: ClassOther, KindPrefixList: ClassOther, KindLaunchTemplate: ClassOther,
}

// Class returns the kind's class.
func (k Kind) Class() Class { return kindClasses[k] }

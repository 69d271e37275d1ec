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
	KindEventBus: ClassData, KindKMSKey: ClassData, KindSecret: ClassData,

	// A repository and a registry hold images; a layer version holds code
	// that functions load. A layer version is data rather than compute: it
	// runs nothing by itself, and no one can change it (versions are
	// immutable), so the only way into it is reading it.
	KindECRRepository: ClassData, KindECRRegistry: ClassData, KindLambdaLayer: ClassData,

	// Access points take requests for a bucket: the way in is theirs, the
	// data is the bucket's (they route to it).
	KindS3AccessPoint: ClassFrontDoor, KindMultiRegionAccessPoint: ClassFrontDoor,

	KindLambdaFunction: ClassCompute, KindStateMachine: ClassCompute,

	KindLambdaFunctionURL: ClassFrontDoor, KindRestAPIMethod: ClassFrontDoor, KindHTTPAPIRoute: ClassFrontDoor,

	KindRestAPI: ClassGrouping, KindRestAPIStage: ClassGrouping, KindHTTPAPI: ClassGrouping,
	KindHTTPAPIStage: ClassGrouping, KindDomainName: ClassGrouping, KindEventRule: ClassGrouping,

	KindIAMRole: ClassIdentity, KindIAMUser: ClassIdentity, KindIAMGroup: ClassIdentity,
	KindIAMPolicy: ClassIdentity, KindAccessKey: ClassIdentity,

	KindExternalEndpoint: ClassOther, KindAPIDestination: ClassOther,
	KindSecurityGroup: ClassOther,
}

// Class returns the kind's class.
func (k Kind) Class() Class { return kindClasses[k] }

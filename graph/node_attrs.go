package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Attrs is a node's attributes: one of the attribute types of this
// package (the types with an accessor on Node below).
type Attrs interface{ isAttrs() }

func (*AccountInfo) isAttrs()            {}
func (*S3Bucket) isAttrs()               {}
func (*LambdaFunction) isAttrs()         {}
func (*FunctionURL) isAttrs()            {}
func (*SQSQueue) isAttrs()               {}
func (*SNSTopic) isAttrs()               {}
func (*EventBus) isAttrs()               {}
func (*EventRule) isAttrs()              {}
func (*APIDestination) isAttrs()         {}
func (*KMSKey) isAttrs()                 {}
func (*Secret) isAttrs()                 {}
func (*RestAPI) isAttrs()                {}
func (*APIStage) isAttrs()               {}
func (*APIMethod) isAttrs()              {}
func (*HTTPAPI) isAttrs()                {}
func (*DomainName) isAttrs()             {}
func (*IAMRole) isAttrs()                {}
func (*IAMUser) isAttrs()                {}
func (*IAMGroup) isAttrs()               {}
func (*IAMPolicy) isAttrs()              {}
func (*AccessKey) isAttrs()              {}
func (*SecurityGroup) isAttrs()          {}
func (*Distribution) isAttrs()           {}
func (*OriginAccessIdentity) isAttrs()   {}
func (*WebACL) isAttrs()                 {}
func (*Database) isAttrs()               {}
func (*DBSnapshot) isAttrs()             {}
func (*EKSCluster) isAttrs()             {}
func (*SearchDomain) isAttrs()           {}
func (*EC2Instance) isAttrs()            {}
func (*Subnet) isAttrs()                 {}
func (*PrefixList) isAttrs()             {}
func (*LaunchTemplate) isAttrs()         {}
func (*LoadBalancer) isAttrs()           {}
func (*Listener) isAttrs()               {}
func (*TargetGroup) isAttrs()            {}
func (*ECRRepository) isAttrs()          {}
func (*ECRRegistry) isAttrs()            {}
func (*S3AccessPoint) isAttrs()          {}
func (*MultiRegionAccessPoint) isAttrs() {}
func (*LambdaLayer) isAttrs()            {}

// AccountInfo returns the node's *AccountInfo attributes, nil when it has none.
func (n Node) AccountInfo() *AccountInfo { a, _ := n.Attrs.(*AccountInfo); return a }

// Bucket returns the node's *S3Bucket attributes, nil when it has none.
func (n Node) Bucket() *S3Bucket { a, _ := n.Attrs.(*S3Bucket); return a }

// Function returns the node's *LambdaFunction attributes, nil when it has none.
func (n Node) Function() *LambdaFunction { a, _ := n.Attrs.(*LambdaFunction); return a }

// FunctionURL returns the node's *FunctionURL attributes, nil when it has none.
func (n Node) FunctionURL() *FunctionURL { a, _ := n.Attrs.(*FunctionURL); return a }

// Queue returns the node's *SQSQueue attributes, nil when it has none.
func (n Node) Queue() *SQSQueue { a, _ := n.Attrs.(*SQSQueue); return a }

// Topic returns the node's *SNSTopic attributes, nil when it has none.
func (n Node) Topic() *SNSTopic { a, _ := n.Attrs.(*SNSTopic); return a }

// Bus returns the node's *EventBus attributes, nil when it has none.
func (n Node) Bus() *EventBus { a, _ := n.Attrs.(*EventBus); return a }

// Rule returns the node's *EventRule attributes, nil when it has none.
func (n Node) Rule() *EventRule { a, _ := n.Attrs.(*EventRule); return a }

// APIDest returns the node's *APIDestination attributes, nil when it has none.
func (n Node) APIDest() *APIDestination { a, _ := n.Attrs.(*APIDestination); return a }

// Key returns the node's *KMSKey attributes, nil when it has none.
func (n Node) Key() *KMSKey { a, _ := n.Attrs.(*KMSKey); return a }

// Secret returns the node's *Secret attributes, nil when it has none.
func (n Node) Secret() *Secret { a, _ := n.Attrs.(*Secret); return a }

// RestAPI returns the node's *RestAPI attributes, nil when it has none.
func (n Node) RestAPI() *RestAPI { a, _ := n.Attrs.(*RestAPI); return a }

// Stage returns the node's *APIStage attributes, nil when it has none.
func (n Node) Stage() *APIStage { a, _ := n.Attrs.(*APIStage); return a }

// Method returns the node's *APIMethod attributes, nil when it has none.
func (n Node) Method() *APIMethod { a, _ := n.Attrs.(*APIMethod); return a }

// HTTPAPI returns the node's *HTTPAPI attributes, nil when it has none.
func (n Node) HTTPAPI() *HTTPAPI { a, _ := n.Attrs.(*HTTPAPI); return a }

// Domain returns the node's *DomainName attributes, nil when it has none.
func (n Node) Domain() *DomainName { a, _ := n.Attrs.(*DomainName); return a }

// Role returns the node's *IAMRole attributes, nil when it has none.
func (n Node) Role() *IAMRole { a, _ := n.Attrs.(*IAMRole); return a }

// User returns the node's *IAMUser attributes, nil when it has none.
func (n Node) User() *IAMUser { a, _ := n.Attrs.(*IAMUser); return a }

// Group returns the node's *IAMGroup attributes, nil when it has none.
func (n Node) Group() *IAMGroup { a, _ := n.Attrs.(*IAMGroup); return a }

// Policy returns the node's *IAMPolicy attributes, nil when it has none.
func (n Node) Policy() *IAMPolicy { a, _ := n.Attrs.(*IAMPolicy); return a }

// AccessKey returns the node's *AccessKey attributes, nil when it has none.
func (n Node) AccessKey() *AccessKey { a, _ := n.Attrs.(*AccessKey); return a }

// SecurityGroup returns the node's *SecurityGroup attributes, nil when it has none.
func (n Node) SecurityGroup() *SecurityGroup { a, _ := n.Attrs.(*SecurityGroup); return a }

// Distribution returns the node's *Distribution attributes, nil when it has none.
func (n Node) Distribution() *Distribution { a, _ := n.Attrs.(*Distribution); return a }

// OAI returns the node's *OriginAccessIdentity attributes, nil when it has none.
func (n Node) OAI() *OriginAccessIdentity { a, _ := n.Attrs.(*OriginAccessIdentity); return a }

// WebACL returns the node's *WebACL attributes, nil when it has none.
func (n Node) WebACL() *WebACL { a, _ := n.Attrs.(*WebACL); return a }

// Database returns the node's *Database attributes, nil when it has none.
func (n Node) Database() *Database { a, _ := n.Attrs.(*Database); return a }

// Snapshot returns the node's *DBSnapshot attributes, nil when it has none.
func (n Node) Snapshot() *DBSnapshot { a, _ := n.Attrs.(*DBSnapshot); return a }

// EKS returns the node's *EKSCluster attributes, nil when it has none.
func (n Node) EKS() *EKSCluster { a, _ := n.Attrs.(*EKSCluster); return a }

// Search returns the node's *SearchDomain attributes, nil when it has none.
func (n Node) Search() *SearchDomain { a, _ := n.Attrs.(*SearchDomain); return a }

// Instance returns the node's *EC2Instance attributes, nil when it has none.
func (n Node) Instance() *EC2Instance { a, _ := n.Attrs.(*EC2Instance); return a }

// Subnet returns the node's *Subnet attributes, nil when it has none.
func (n Node) Subnet() *Subnet { a, _ := n.Attrs.(*Subnet); return a }

// PrefixList returns the node's *PrefixList attributes, nil when it has none.
func (n Node) PrefixList() *PrefixList { a, _ := n.Attrs.(*PrefixList); return a }

// LaunchTemplate returns the node's *LaunchTemplate attributes, nil when it has none.
func (n Node) LaunchTemplate() *LaunchTemplate { a, _ := n.Attrs.(*LaunchTemplate); return a }

// LoadBalancer returns the node's *LoadBalancer attributes, nil when it has none.
func (n Node) LoadBalancer() *LoadBalancer { a, _ := n.Attrs.(*LoadBalancer); return a }

// Listener returns the node's *Listener attributes, nil when it has none.
func (n Node) Listener() *Listener { a, _ := n.Attrs.(*Listener); return a }

// TargetGroup returns the node's *TargetGroup attributes, nil when it has none.
func (n Node) TargetGroup() *TargetGroup { a, _ := n.Attrs.(*TargetGroup); return a }

// Repository returns the node's *ECRRepository attributes, nil when it has none.
func (n Node) Repository() *ECRRepository { a, _ := n.Attrs.(*ECRRepository); return a }

// Registry returns the node's *ECRRegistry attributes, nil when it has none.
func (n Node) Registry() *ECRRegistry { a, _ := n.Attrs.(*ECRRegistry); return a }

// AccessPoint returns the node's *S3AccessPoint attributes, nil when it has none.
func (n Node) AccessPoint() *S3AccessPoint { a, _ := n.Attrs.(*S3AccessPoint); return a }

// MRAP returns the node's *MultiRegionAccessPoint attributes, nil when it has none.
func (n Node) MRAP() *MultiRegionAccessPoint { a, _ := n.Attrs.(*MultiRegionAccessPoint); return a }

// Layer returns the node's *LambdaLayer attributes, nil when it has none.
func (n Node) Layer() *LambdaLayer { a, _ := n.Attrs.(*LambdaLayer); return a }

// nodeJSON is a node as JSON spells it: the node's own fields (Attrs is
// "-"), then the attributes as the member named for their type. Snapshots
// and reports read and write nodes through it, so the field order and
// names are those of the node before its attributes became one field.
type nodeJSON struct {
	plainNode

	AccountInfo    *AccountInfo            `json:"account_info,omitempty"`
	Bucket         *S3Bucket               `json:"s3_bucket,omitempty"`
	Function       *LambdaFunction         `json:"lambda_function,omitempty"`
	FunctionURL    *FunctionURL            `json:"function_url,omitempty"`
	Queue          *SQSQueue               `json:"sqs_queue,omitempty"`
	Topic          *SNSTopic               `json:"sns_topic,omitempty"`
	Bus            *EventBus               `json:"event_bus,omitempty"`
	Rule           *EventRule              `json:"event_rule,omitempty"`
	APIDest        *APIDestination         `json:"api_destination,omitempty"`
	Key            *KMSKey                 `json:"kms_key,omitempty"`
	Secret         *Secret                 `json:"secret,omitempty"`
	RestAPI        *RestAPI                `json:"rest_api,omitempty"`
	Stage          *APIStage               `json:"stage,omitempty"`
	Method         *APIMethod              `json:"method,omitempty"`
	HTTPAPI        *HTTPAPI                `json:"http_api,omitempty"`
	Domain         *DomainName             `json:"domain_name,omitempty"`
	Role           *IAMRole                `json:"iam_role,omitempty"`
	User           *IAMUser                `json:"iam_user,omitempty"`
	Group          *IAMGroup               `json:"iam_group,omitempty"`
	Policy         *IAMPolicy              `json:"iam_policy,omitempty"`
	AccessKey      *AccessKey              `json:"access_key,omitempty"`
	SecurityGroup  *SecurityGroup          `json:"security_group,omitempty"`
	Distribution   *Distribution           `json:"cloudfront_distribution,omitempty"`
	OAI            *OriginAccessIdentity   `json:"origin_access_identity,omitempty"`
	WebACL         *WebACL                 `json:"web_acl,omitempty"`
	Database       *Database               `json:"database,omitempty"` // an RDS DB instance or cluster
	Snapshot       *DBSnapshot             `json:"db_snapshot,omitempty"`
	EKS            *EKSCluster             `json:"eks_cluster,omitempty"`
	Search         *SearchDomain           `json:"opensearch_domain,omitempty"`
	Instance       *EC2Instance            `json:"ec2_instance,omitempty"`
	Subnet         *Subnet                 `json:"subnet,omitempty"`
	PrefixList     *PrefixList             `json:"prefix_list,omitempty"`
	LaunchTemplate *LaunchTemplate         `json:"launch_template,omitempty"`
	LoadBalancer   *LoadBalancer           `json:"load_balancer,omitempty"`
	Listener       *Listener               `json:"listener,omitempty"`
	TargetGroup    *TargetGroup            `json:"target_group,omitempty"`
	Repository     *ECRRepository          `json:"ecr_repository,omitempty"`
	Registry       *ECRRegistry            `json:"ecr_registry,omitempty"`
	AccessPoint    *S3AccessPoint          `json:"s3_access_point,omitempty"`
	MRAP           *MultiRegionAccessPoint `json:"multi_region_access_point,omitempty"`
	Layer          *LambdaLayer            `json:"lambda_layer,omitempty"`
}

// plainNode is Node without its methods, so that nodeJSON can embed its
// fields without its MarshalJSON.
type plainNode Node

// attrField maps an attribute type to its field of nodeJSON;
// attrFieldIndexes are those fields in order.
var attrField, attrFieldIndexes = func() (map[reflect.Type]int, []int) {
	m := map[reflect.Type]int{}
	var order []int
	t := reflect.TypeFor[nodeJSON]()
	for i := range t.NumField() {
		if f := t.Field(i); f.Type.Kind() == reflect.Pointer {
			m[f.Type] = i
			order = append(order, i)
		}
	}
	return m, order
}()

// jsonName is the JSON member of attribute type t ("s3_bucket").
func jsonName(t reflect.Type) string {
	name, _, _ := strings.Cut(reflect.TypeFor[nodeJSON]().Field(attrField[t]).Tag.Get("json"), ",")
	return name
}

// MarshalJSON writes the node as nodeJSON. HTML characters are left as
// they are: the encoder that called it escapes them or not, as it was set.
func (n Node) MarshalJSON() ([]byte, error) {
	w := nodeJSON{plainNode: plainNode(n)}
	if n.Attrs != nil {
		i, ok := attrField[reflect.TypeOf(n.Attrs)]
		if !ok {
			return nil, fmt.Errorf("node %s: attributes of type %T have no JSON member", n.ID, n.Attrs)
		}
		reflect.ValueOf(&w).Elem().Field(i).Set(reflect.ValueOf(n.Attrs))
	}
	return marshalUnescaped(&w)
}

// marshalUnescaped is json.Marshal without HTML escaping: a MarshalJSON's
// output is escaped, or not, by the encoder that called it, as the fields
// of a plain struct would be.
func marshalUnescaped(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// UnmarshalJSON reads a node written by MarshalJSON. A node with members of
// two attribute types is refused: no collector writes one.
func (n *Node) UnmarshalJSON(b []byte) error {
	var w nodeJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*n = Node(w.plainNode)
	v := reflect.ValueOf(&w).Elem()
	for _, i := range attrFieldIndexes {
		f := v.Field(i)
		if f.IsNil() {
			continue
		}
		if n.Attrs != nil {
			return fmt.Errorf("node %q has the attributes of two kinds (%s and %s)", w.ID, jsonName(reflect.TypeOf(n.Attrs)), jsonName(f.Type()))
		}
		n.Attrs = f.Interface().(Attrs)
	}
	return nil
}

package graph

// SearchDomain is an OpenSearch Service (or legacy Elasticsearch) domain:
// its endpoint, whether it lives in a VPC, its resource-based access
// policy and fine-grained access control (OpenSearch Service Developer
// Guide, "Identity and Access Management in Amazon OpenSearch Service").
type SearchDomain struct {
	Name          string `json:"name"`
	EngineVersion string `json:"engine_version,omitempty"`
	Endpoint      string `json:"endpoint,omitempty"`
	// VPCID is set for a domain with VPC access only (no public endpoint).
	VPCID          string   `json:"vpc_id,omitempty"`
	SecurityGroups []string `json:"security_groups,omitempty"`
	AccessPolicy   Doc      `json:"access_policy"`
	// FineGrained is fine-grained access control; AnonymousAuth lets
	// unauthenticated callers in as an anonymous user when it is on.
	FineGrained   bool   `json:"fine_grained_access_control,omitempty"`
	InternalUsers bool   `json:"internal_user_database,omitempty"`
	AnonymousAuth bool   `json:"anonymous_auth,omitempty"`
	EnforceHTTPS  bool   `json:"enforce_https,omitempty"`
	TLSPolicy     string `json:"tls_security_policy,omitempty"`
	CustomDomain  string `json:"custom_endpoint,omitempty"`
	Deleted       bool   `json:"deleted,omitempty"`
	Processing    bool   `json:"processing,omitempty"`
}

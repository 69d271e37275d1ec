package graph

// EKSCluster is an EKS cluster's Kubernetes API server endpoint: whether it
// has a public endpoint and from which ranges it accepts connections
// (EKS User Guide, "Cluster API server endpoint"). Who may then act in the
// cluster (access entries, the aws-auth ConfigMap, Kubernetes RBAC) is out
// of scope: the endpoint still authenticates every caller.
type EKSCluster struct {
	Name                 string   `json:"name"`
	Version              string   `json:"version,omitempty"`
	Status               string   `json:"status,omitempty"`
	Endpoint             string   `json:"endpoint,omitempty"`
	PublicAccess         bool     `json:"endpoint_public_access"`
	PrivateAccess        bool     `json:"endpoint_private_access"`
	PublicAccessCIDRs    []string `json:"public_access_cidrs,omitempty"`
	RoleARN              string   `json:"role_arn,omitempty"`
	VPCID                string   `json:"vpc_id,omitempty"`
	SecurityGroups       []string `json:"security_groups,omitempty"`
	ClusterSecurityGroup string   `json:"cluster_security_group,omitempty"`
	AuthenticationMode   string   `json:"authentication_mode,omitempty"`
	SecretsEncrypted     bool     `json:"secrets_encrypted,omitempty"`
}

package graph

// KMSKey holds what the kms collector read about a key.
type KMSKey struct {
	// Policy is the key policy (GetKeyPolicy, policy name "default"). Every
	// KMS key has one; Unknown when it could not be read.
	Policy Doc `json:"policy"`
	// Manager is CUSTOMER or AWS (an AWS managed key, alias/aws/SERVICE,
	// whose policy AWS writes and nobody can change).
	Manager     string `json:"manager,omitempty"`
	State       string `json:"state,omitempty"` // Enabled, Disabled, PendingDeletion, ...
	Usage       string `json:"usage,omitempty"` // ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT
	Spec        string `json:"spec,omitempty"`
	MultiRegion bool   `json:"multi_region,omitempty"`
	// DescribeKnown is True when DescribeKey answered.
	DescribeKnown Tri `json:"describe_known"`
	// Aliases are the alias names that point at the key (ListAliases).
	Aliases []string `json:"aliases,omitempty"`
	// GrantsKnown is True when ListGrants answered completely, Unknown when
	// it failed: then principals may use the key through grants the graph
	// does not show.
	GrantsKnown Tri        `json:"grants_known"`
	Grants      []KMSGrant `json:"grants,omitempty"`
}

// Usable says whether the key can be used for cryptographic operations now
// (Enabled); Unknown when DescribeKey could not be read.
func (k *KMSKey) Usable() Tri {
	if k == nil || k.DescribeKnown != True {
		return Unknown
	}
	return TriOf(k.State == "Enabled")
}

// KMSGrant is one grant on a key (ListGrants).
type KMSGrant struct {
	ID         string   `json:"id"`
	Name       string   `json:"name,omitempty"`
	Grantee    string   `json:"grantee"` // GranteePrincipal: an ARN, an account, or a service principal
	Retiring   string   `json:"retiring,omitempty"`
	Issuing    string   `json:"issuing_account,omitempty"`
	Operations []string `json:"operations"`
	// Constraints are the grant's encryption-context constraints, as
	// condition strings ("kms:EncryptionContext:Department = IT (subset)").
	Constraints []string `json:"constraints,omitempty"`
}

package graph

// Secret holds what the secretsmanager collector read about a secret. Its
// value is never read: ListSecrets and GetResourcePolicy return none.
type Secret struct {
	// Policy is the secret's resource policy (GetResourcePolicy), Absent
	// when the secret has none.
	Policy Doc `json:"policy"`
	// KMSKeyID is the key that encrypts the secret as Secrets Manager names
	// it; "" means the AWS managed key alias/aws/secretsmanager.
	KMSKeyID        string `json:"kms_key_id,omitempty"`
	RotationEnabled Tri    `json:"rotation_enabled"`
	RotationLambda  string `json:"rotation_lambda,omitempty"`
	OwningService   string `json:"owning_service,omitempty"` // e.g. rds, events: a secret another service manages
	PrimaryRegion   string `json:"primary_region,omitempty"` // set on a replica
}

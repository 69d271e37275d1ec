package graph

import "time"

// ECRRepository holds what the ecr collector read about a private
// repository (DescribeRepositories, GetRepositoryPolicy).
type ECRRepository struct {
	URI       string    `json:"uri,omitempty"` // ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME
	CreatedAt time.Time `json:"created_at,omitzero"`
	// TagMutability is MUTABLE, IMMUTABLE or one of the *_WITH_EXCLUSION
	// forms: with IMMUTABLE tags, a push cannot replace an image a tag names.
	TagMutability  string `json:"image_tag_mutability,omitempty"`
	ScanOnPush     bool   `json:"scan_on_push,omitempty"`
	EncryptionType string `json:"encryption_type,omitempty"` // AES256, KMS, KMS_DSSE
	KMSKey         string `json:"kms_key,omitempty"`
	Policy         Doc    `json:"policy"`
}

// ECRRegistry is an account's private registry in one region: what the
// registry policy (GetRegistryPolicy) lets other accounts do there —
// replicate images into it, create repositories, import upstream images.
type ECRRegistry struct {
	Policy Doc `json:"policy"`
}

// RegistryID is the node id of an account's private registry in a region.
// AWS defines no ARN for a registry (the registry policy names
// repositories, arn:aws:ecr:REGION:ACCOUNT:repository/*); the id has the
// shape of one so that its account and region read like any ARN's.
func RegistryID(region, account string) string {
	return "arn:aws:ecr:" + region + ":" + account + ":registry"
}

// RepositoryARN is the ARN of a private repository.
func RepositoryARN(region, account, name string) string {
	return "arn:aws:ecr:" + region + ":" + account + ":repository/" + name
}

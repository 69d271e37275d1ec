package graph

import "time"

// S3AccessPoint holds what the s3control collector read about an access
// point (ListAccessPoints, GetAccessPoint, GetAccessPointPolicy,
// GetAccessPointPolicyStatus).
type S3AccessPoint struct {
	Bucket string `json:"bucket"`
	// BucketAccount owns the bucket; it may differ from the access point's
	// account (a cross-account access point).
	BucketAccount string `json:"bucket_account,omitempty"`
	// NetworkOrigin is Internet or VPC; a VPC access point takes requests
	// only from VPCID.
	NetworkOrigin string    `json:"network_origin"`
	VPCID         string    `json:"vpc_id,omitempty"`
	Alias         string    `json:"alias,omitempty"`
	CreatedAt     time.Time `json:"created_at,omitzero"`
	// BlockPublic is the access point's own Block Public Access. It is read
	// only when the access point has a policy (without one it grants no
	// one outside the account anything); Configured is then Unknown.
	BlockPublic        PublicAccessBlock `json:"public_access_block"`
	Policy             Doc               `json:"policy"`
	PolicyStatusPublic Tri               `json:"policy_status_public"` // AWS's own verdict (GetAccessPointPolicyStatus)
}

// MultiRegionAccessPoint holds what the s3control collector read about a
// Multi-Region Access Point (ListMultiRegionAccessPoints,
// GetMultiRegionAccessPointPolicy, GetMultiRegionAccessPointPolicyStatus).
type MultiRegionAccessPoint struct {
	Alias       string            `json:"alias"`
	Status      string            `json:"status,omitempty"`
	CreatedAt   time.Time         `json:"created_at,omitzero"`
	BlockPublic PublicAccessBlock `json:"public_access_block"`
	Regions     []MRAPRegion      `json:"regions,omitempty"`
	// Policy is the established policy; ProposedPolicy an update still
	// propagating (State False when there is none beside the established).
	Policy             Doc `json:"policy"`
	ProposedPolicy     Doc `json:"proposed_policy,omitzero"`
	PolicyStatusPublic Tri `json:"policy_status_public"`
}

// MRAPRegion is one bucket behind a Multi-Region Access Point.
type MRAPRegion struct {
	Bucket        string `json:"bucket"`
	Region        string `json:"region,omitempty"`
	BucketAccount string `json:"bucket_account,omitempty"`
}

// AccessPointARN is the ARN of an access point.
func AccessPointARN(region, account, name string) string {
	return "arn:aws:s3:" + region + ":" + account + ":accesspoint/" + name
}

// MRAPARN is the ARN of a Multi-Region Access Point: global (no region),
// named by its alias (S3 User Guide, "Making requests through a
// Multi-Region Access Point").
func MRAPARN(account, alias string) string {
	return "arn:aws:s3::" + account + ":accesspoint/" + alias
}

// BucketEncryption is a bucket's default encryption (GetBucketEncryption).
// Known is False when S3 answered that there is none (only buckets made
// before January 2023 could lack it), Unknown when it could not be read.
type BucketEncryption struct {
	Known            Tri    `json:"known"`
	Algorithm        string `json:"sse_algorithm,omitempty"` // AES256, aws:kms, aws:kms:dsse
	KMSKeyID         string `json:"kms_key_id,omitempty"`    // as S3 reports it: a key id, key ARN or alias
	BucketKeyEnabled bool   `json:"bucket_key_enabled,omitempty"`
}

package graph

import "time"

// Database is an RDS DB instance or DB cluster (Aurora, or a Multi-AZ DB
// cluster). Its credentials are out of scope: trustmap judges who can
// reach the endpoint, not who can log in.
type Database struct {
	Identifier    string `json:"identifier"`
	Engine        string `json:"engine,omitempty"`
	EngineVersion string `json:"engine_version,omitempty"`
	Status        string `json:"status,omitempty"`
	// Endpoint is the DNS name and Port the TCP port clients connect to.
	Endpoint       string `json:"endpoint,omitempty"`
	ReaderEndpoint string `json:"reader_endpoint,omitempty"` // clusters
	Port           int    `json:"port,omitempty"`
	// PubliclyAccessible is True when the endpoint resolves to a public
	// address (RDS User Guide, "Working with a DB instance in a VPC"). On
	// an Aurora cluster it is Unknown: Aurora decides it per instance.
	PubliclyAccessible Tri      `json:"publicly_accessible"`
	SecurityGroups     []string `json:"security_groups,omitempty"` // VPC security group ids
	VPCID              string   `json:"vpc_id,omitempty"`
	Subnets            []string `json:"subnets,omitempty"`
	Cluster            string   `json:"cluster,omitempty"` // an instance's DB cluster identifier
	StorageEncrypted   bool     `json:"storage_encrypted"`
	KMSKeyID           string   `json:"kms_key_id,omitempty"`
	IAMAuth            bool     `json:"iam_database_authentication,omitempty"`
	DataAPI            bool     `json:"data_api,omitempty"` // a cluster's RDS Data API (HTTP endpoint)
}

// DBSnapshot is a manual RDS DB snapshot or DB cluster snapshot and who may
// restore it: the "restore" attribute lists "all" (public) or account ids
// (RDS User Guide, "Sharing a DB snapshot").
type DBSnapshot struct {
	Identifier string    `json:"identifier"`
	Source     string    `json:"source,omitempty"` // the DB instance or cluster identifier
	Type       string    `json:"type,omitempty"`   // manual, automated, ...
	Engine     string    `json:"engine,omitempty"`
	Encrypted  bool      `json:"encrypted"`
	KMSKeyID   string    `json:"kms_key_id,omitempty"`
	Created    time.Time `json:"created,omitzero"`
	// RestoreBy are the values of the restore attribute; RestoreKnown is
	// Unknown when the attributes could not be read.
	RestoreBy    []string `json:"restore_by,omitempty"`
	RestoreKnown Tri      `json:"restore_known"`
}

// DBInstanceARN is the ARN of a DB instance.
func DBInstanceARN(region, account, id string) string {
	return "arn:aws:rds:" + region + ":" + account + ":db:" + id
}

// DBClusterARN is the ARN of a DB cluster.
func DBClusterARN(region, account, id string) string {
	return "arn:aws:rds:" + region + ":" + account + ":cluster:" + id
}

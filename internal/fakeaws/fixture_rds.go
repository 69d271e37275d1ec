package fakeaws

import (
	"crypto/sha256"
	"encoding/base32"
	"regexp"
	"strings"
	"time"
)

// RDS is an account's Amazon RDS (and Aurora) state, regional.
type RDS struct {
	Instances        []*DBInstance        `yaml:"instances"`
	Clusters         []*DBCluster         `yaml:"clusters"`
	Snapshots        []*DBSnapshot        `yaml:"snapshots"`
	ClusterSnapshots []*DBClusterSnapshot `yaml:"cluster_snapshots"`
}

// DBInstance is one DB instance. Engine is required; most other fields
// have RDS's defaults (rds.go).
type DBInstance struct {
	ID                 string    `yaml:"id"` // DBInstanceIdentifier
	Region             string    `yaml:"region"`
	Engine             string    `yaml:"engine"` // mysql | postgres | mariadb | aurora-mysql | aurora-postgresql | oracle-ee | sqlserver-se | ...
	EngineVersion      string    `yaml:"engine_version"`
	InstanceClass      string    `yaml:"instance_class"` // default db.t3.micro
	Status             string    `yaml:"status"`         // default available
	PubliclyAccessible bool      `yaml:"publicly_accessible"`
	Port               int       `yaml:"port"`             // default the engine's
	EndpointAddress    string    `yaml:"endpoint_address"` // default ID.XXXXXXXXXXXX.REGION.rds.amazonaws.com
	VPCSecurityGroups  []string  `yaml:"vpc_security_groups"`
	SubnetGroup        *DBSubnet `yaml:"subnet_group"`
	// Cluster is the Aurora (or Multi-AZ) cluster the instance belongs to;
	// ClusterWriter marks the writer (default: the cluster's first member).
	Cluster                 string            `yaml:"cluster"`
	ClusterWriter           bool              `yaml:"cluster_writer"`
	StorageEncrypted        bool              `yaml:"storage_encrypted"`
	KMSKeyID                string            `yaml:"kms_key_id"`
	IAMDatabaseAuth         bool              `yaml:"iam_database_authentication"`
	MasterUsername          string            `yaml:"master_username"` // default admin (postgres: postgres)
	DBName                  string            `yaml:"db_name"`
	MultiAZ                 bool              `yaml:"multi_az"`
	DeletionProtection      bool              `yaml:"deletion_protection"`
	AllocatedStorage        int               `yaml:"allocated_storage"` // default 20 (Aurora: 1)
	Created                 time.Time         `yaml:"created"`
	ResourceID              string            `yaml:"resource_id"` // DbiResourceId, default derived
	CACertificateIdentifier string            `yaml:"ca_certificate_identifier"`
	Tags                    map[string]string `yaml:"tags"`
}

// DBSubnet is a DB subnet group. Whether a subnet is public (routes to an
// internet gateway) is an EC2 fact RDS does not report.
type DBSubnet struct {
	Name        string          `yaml:"name"`
	Description string          `yaml:"description"`
	VPCID       string          `yaml:"vpc_id"`
	Subnets     []DBSubnetEntry `yaml:"subnets"`
}

// DBSubnetEntry is one subnet of a DB subnet group.
type DBSubnetEntry struct {
	ID               string `yaml:"id"`
	AvailabilityZone string `yaml:"availability_zone"`
}

// DBCluster is an Aurora cluster or a Multi-AZ DB cluster. Its members are
// the instances that name it.
type DBCluster struct {
	ID             string `yaml:"id"` // DBClusterIdentifier
	Region         string `yaml:"region"`
	Engine         string `yaml:"engine"` // aurora-mysql | aurora-postgresql | mysql | postgres (Multi-AZ DB cluster)
	EngineVersion  string `yaml:"engine_version"`
	EngineMode     string `yaml:"engine_mode"` // provisioned (default) | serverless
	Status         string `yaml:"status"`
	Port           int    `yaml:"port"`
	Endpoint       string `yaml:"endpoint"`        // default ID.cluster-XXXXXXXXXXXX.REGION.rds.amazonaws.com
	ReaderEndpoint string `yaml:"reader_endpoint"` // default ID.cluster-ro-XXXXXXXXXXXX.REGION.rds.amazonaws.com
	// PubliclyAccessible exists only for Multi-AZ DB clusters (engines
	// mysql and postgres); Aurora decides it per instance (DBCluster API
	// reference: "This setting is only for non-Aurora Multi-AZ DB clusters").
	PubliclyAccessible  *bool             `yaml:"publicly_accessible"`
	VPCSecurityGroups   []string          `yaml:"vpc_security_groups"`
	SubnetGroup         string            `yaml:"subnet_group"`
	StorageEncrypted    bool              `yaml:"storage_encrypted"`
	KMSKeyID            string            `yaml:"kms_key_id"`
	IAMDatabaseAuth     bool              `yaml:"iam_database_authentication"`
	HTTPEndpointEnabled bool              `yaml:"http_endpoint_enabled"` // the RDS Data API
	MasterUsername      string            `yaml:"master_username"`
	DatabaseName        string            `yaml:"database_name"`
	DeletionProtection  bool              `yaml:"deletion_protection"`
	Created             time.Time         `yaml:"created"`
	ResourceID          string            `yaml:"resource_id"` // DbClusterResourceId, default derived
	Tags                map[string]string `yaml:"tags"`
}

// DBSnapshot is a DB snapshot. Restore is its "restore" attribute: "all"
// makes it public, account ids share it with those accounts
// (DescribeDBSnapshotAttributes).
type DBSnapshot struct {
	ID               string    `yaml:"id"` // DBSnapshotIdentifier; automated ones start with rds:
	Region           string    `yaml:"region"`
	Instance         string    `yaml:"instance"` // DBInstanceIdentifier (need not still exist)
	Type             string    `yaml:"type"`     // manual (default) | automated
	Engine           string    `yaml:"engine"`   // default the instance's
	EngineVersion    string    `yaml:"engine_version"`
	Encrypted        *bool     `yaml:"encrypted"` // default the instance's StorageEncrypted
	KMSKeyID         string    `yaml:"kms_key_id"`
	Status           string    `yaml:"status"`
	AllocatedStorage int       `yaml:"allocated_storage"`
	Port             int       `yaml:"port"`
	VPCID            string    `yaml:"vpc_id"`
	Created          time.Time `yaml:"created"`
	Restore          []string  `yaml:"restore"`
}

// DBClusterSnapshot is a DB cluster snapshot; Restore as for DBSnapshot.
type DBClusterSnapshot struct {
	ID            string    `yaml:"id"`
	Region        string    `yaml:"region"`
	Cluster       string    `yaml:"cluster"`
	Type          string    `yaml:"type"`
	Engine        string    `yaml:"engine"`
	EngineVersion string    `yaml:"engine_version"`
	Encrypted     *bool     `yaml:"encrypted"`
	KMSKeyID      string    `yaml:"kms_key_id"`
	Status        string    `yaml:"status"`
	Port          int       `yaml:"port"`
	VPCID         string    `yaml:"vpc_id"`
	Created       time.Time `yaml:"created"`
	Restore       []string  `yaml:"restore"`
}

var rdsIDRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*$`)

// rdsIsAurora reports whether an engine is Aurora's.
func rdsIsAurora(engine string) bool { return strings.HasPrefix(engine, "aurora") }

// rdsHostSuffix is the per-account, per-region part of RDS endpoint names
// (AWS's is 12 letters and digits, e.g. abcdefghijkl).
func rdsHostSuffix(account, region string) string {
	sum := sha256.Sum256([]byte("rds-host:" + account + ":" + region))
	return strings.ToLower(base32.StdEncoding.EncodeToString(sum[:]))[:12]
}

// rdsResourceID derives a DbiResourceId / DbClusterResourceId.
func rdsResourceID(prefix, seed string) string {
	sum := sha256.Sum256([]byte("rds-resource:" + seed))
	return prefix + base32.StdEncoding.EncodeToString(sum[:])[:26]
}

// rds checks an account's RDS section.
func (v *validator) rds(p []any, a *Account) {
	p = at(p, "rds")
	type key struct{ region, id string }
	regionOf := func(r string) string { return orDefault(r, a.homeRegion()) }
	clusters := map[key]*DBCluster{}
	for i, c := range a.RDS.Clusters {
		cp := at(p, "clusters", i)
		if c == nil {
			v.errf(cp, "empty cluster")
			continue
		}
		v.regionField(cp, c.Region)
		k := key{regionOf(c.Region), strings.ToLower(c.ID)}
		if !rdsIDRE.MatchString(c.ID) || len(c.ID) > 63 {
			v.errf(at(cp, "id"), "%q is not a valid DB cluster identifier", c.ID)
		} else if clusters[k] != nil {
			v.errf(at(cp, "id"), "cluster %s appears twice in %s", c.ID, k.region)
		}
		clusters[k] = c
		if c.Engine == "" {
			v.errf(cp, "a cluster needs an engine")
		}
		if c.PubliclyAccessible != nil && rdsIsAurora(c.Engine) {
			v.errf(at(cp, "publicly_accessible"), "Aurora clusters have no PubliclyAccessible; set it on their instances")
		}
		v.oneOf(at(cp, "engine_mode"), "engine_mode", c.EngineMode, "provisioned", "serverless", "parallelquery", "global", "multimaster")
	}
	instances := map[key]*DBInstance{}
	for i, in := range a.RDS.Instances {
		ip := at(p, "instances", i)
		if in == nil {
			v.errf(ip, "empty instance")
			continue
		}
		v.regionField(ip, in.Region)
		k := key{regionOf(in.Region), strings.ToLower(in.ID)}
		if !rdsIDRE.MatchString(in.ID) || len(in.ID) > 63 {
			v.errf(at(ip, "id"), "%q is not a valid DB instance identifier", in.ID)
		} else if instances[k] != nil {
			v.errf(at(ip, "id"), "instance %s appears twice in %s", in.ID, k.region)
		}
		instances[k] = in
		if in.Engine == "" {
			v.errf(ip, "an instance needs an engine")
		}
		switch c := clusters[key{k.region, strings.ToLower(in.Cluster)}]; {
		case in.Cluster != "" && c == nil:
			v.errf(at(ip, "cluster"), "cluster %s is not in the fixture in %s", in.Cluster, k.region)
		case in.Cluster == "" && rdsIsAurora(in.Engine):
			v.errf(ip, "an Aurora instance belongs to a cluster")
		case c != nil && c.Engine != in.Engine:
			v.errf(at(ip, "engine"), "engine %s differs from its cluster's (%s)", in.Engine, c.Engine)
		}
		if in.Cluster == "" && in.ClusterWriter {
			v.errf(at(ip, "cluster_writer"), "cluster_writer needs a cluster")
		}
	}
	snaps := map[key]bool{}
	for i, s := range a.RDS.Snapshots {
		sp := at(p, "snapshots", i)
		if s == nil {
			v.errf(sp, "empty snapshot")
			continue
		}
		v.regionField(sp, s.Region)
		k := key{regionOf(s.Region), strings.ToLower(s.ID)}
		if snaps[k] {
			v.errf(at(sp, "id"), "snapshot %s appears twice in %s", s.ID, k.region)
		}
		snaps[k] = true
		in := instances[key{k.region, strings.ToLower(s.Instance)}]
		if s.Instance == "" {
			v.errf(sp, "a snapshot names the instance it was taken of")
		}
		if s.Engine == "" && in == nil {
			v.errf(sp, "a snapshot of an instance not in the fixture needs an engine")
		}
		encrypted := (s.Encrypted != nil && *s.Encrypted) || (s.Encrypted == nil && in != nil && in.StorageEncrypted)
		v.snapshotCommon(sp, s.ID, s.Type, s.Restore, encrypted)
	}
	csnaps := map[key]bool{}
	for i, s := range a.RDS.ClusterSnapshots {
		sp := at(p, "cluster_snapshots", i)
		if s == nil {
			v.errf(sp, "empty cluster snapshot")
			continue
		}
		v.regionField(sp, s.Region)
		k := key{regionOf(s.Region), strings.ToLower(s.ID)}
		if csnaps[k] {
			v.errf(at(sp, "id"), "cluster snapshot %s appears twice in %s", s.ID, k.region)
		}
		csnaps[k] = true
		c := clusters[key{k.region, strings.ToLower(s.Cluster)}]
		if s.Cluster == "" {
			v.errf(sp, "a cluster snapshot names the cluster it was taken of")
		}
		if s.Engine == "" && c == nil {
			v.errf(sp, "a snapshot of a cluster not in the fixture needs an engine")
		}
		encrypted := (s.Encrypted != nil && *s.Encrypted) || (s.Encrypted == nil && c != nil && c.StorageEncrypted)
		v.snapshotCommon(sp, s.ID, s.Type, s.Restore, encrypted)
	}
}

// snapshotCommon checks what DB and cluster snapshots share: the id, the
// type, and the restore attribute. AWS shares only manual snapshots, and
// never an encrypted one publicly (RDS User Guide, "Sharing a DB snapshot").
func (v *validator) snapshotCommon(sp []any, id, typ string, restore []string, encrypted bool) {
	v.oneOf(at(sp, "type"), "type", typ, "manual", "automated")
	automated := typ == "automated"
	body, hasPrefix := strings.CutPrefix(id, "rds:")
	if automated != hasPrefix || !rdsIDRE.MatchString(body) || len(id) > 255 {
		v.errf(at(sp, "id"), "%q is not a valid %s snapshot identifier (automated ones are rds:NAME, manual ones not)", id, orDefault(typ, "manual"))
	}
	for j, r := range restore {
		switch {
		case r != "all" && !accountIDRE.MatchString(r):
			v.errf(at(sp, "restore", j), "restore value %q is neither all nor an account id", r)
		case r == "all" && encrypted:
			v.errf(at(sp, "restore", j), "an encrypted snapshot cannot be shared publicly")
		}
	}
	if automated && len(restore) > 0 {
		v.errf(at(sp, "restore"), "automated snapshots cannot be shared; copy them to a manual snapshot first")
	}
}

// regionField checks an optional region field.
func (v *validator) regionField(p []any, r string) {
	if r != "" && !validRegion(r) {
		v.errf(at(p, "region"), "%q is not a region name", r)
	}
}

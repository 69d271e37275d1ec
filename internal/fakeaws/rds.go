package fakeaws

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Amazon RDS (AWS query, version 2014-10-31, namespace
// http://rds.amazonaws.com/doc/2014-10-31/). List members carry the model's
// names (<DBInstance>, <VpcSecurityGroupMembership>, <Subnet>,
// <DBClusterMember>, <AttributeValue>...); error codes are the model's
// awsQueryError codes (DBInstanceNotFound 404, DBClusterNotFoundFault 404,
// DBSnapshotNotFound 404, DBClusterSnapshotNotFoundFault 404).

func rdsService() *service {
	handlers := map[string]struct {
		resource string // form field faults match on
		h        func(*call) (*response, error)
	}{
		"DescribeDBInstances":                 {"DBInstanceIdentifier", rdsDescribeDBInstances},
		"DescribeDBClusters":                  {"DBClusterIdentifier", rdsDescribeDBClusters},
		"DescribeDBSnapshots":                 {"DBSnapshotIdentifier", rdsDescribeDBSnapshots},
		"DescribeDBSnapshotAttributes":        {"DBSnapshotIdentifier", rdsDescribeDBSnapshotAttributes},
		"DescribeDBClusterSnapshots":          {"DBClusterSnapshotIdentifier", rdsDescribeDBClusterSnapshots},
		"DescribeDBClusterSnapshotAttributes": {"DBClusterSnapshotIdentifier", rdsDescribeDBClusterSnapshotAttributes},
	}
	return &service{route: func(c *call) (operation, bool) {
		action := c.form.Get("Action")
		op, ok := handlers[action]
		if !ok {
			return operation{}, false
		}
		return operation{name: action, resource: c.form.Get(op.resource), handle: op.h}, true
	}}
}

func rdsError(code, format string, args ...any) error {
	return errorFor("rds", code, fmt.Sprintf(format, args...))
}

// rdsPage pages n items: MaxRecords 20–100 (default 100, else
// InvalidParameterValue, as the API reference's constraint says) and an
// opaque Marker of the fake's own (a foreign one is InvalidParameterValue).
func rdsPage(c *call, kind string, n int) (start, end int, next string, err error) {
	limit := 100
	if v := c.form.Get("MaxRecords"); v != "" {
		l, err := strconv.Atoi(v)
		if err != nil || l < 20 || l > 100 {
			return 0, 0, "", rdsError("InvalidParameterValue", "Invalid value %s for MaxRecords. Must be between 20 and 100", v)
		}
		limit = l
	}
	if m := c.form.Get("Marker"); m != "" {
		raw, derr := base64.RawURLEncoding.DecodeString(m)
		off, ok := strings.CutPrefix(string(raw), kind+":")
		start, err = strconv.Atoi(off)
		if derr != nil || !ok || err != nil || start < 0 || start > n {
			return 0, 0, "", rdsError("InvalidParameterValue", "The marker %s is not valid", m)
		}
	}
	end = min(n, start+limit)
	if end < n {
		next = base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.Itoa(end)))
	}
	return start, end, next, nil
}

// rdsFilters reads Filters.Filter.N.Name / .Values.Value.M and checks the
// names against those the operation supports.
func rdsFilters(c *call, allowed ...string) (map[string][]string, error) {
	out := map[string][]string{}
	for i := 1; ; i++ {
		name := c.form.Get(fmt.Sprintf("Filters.Filter.%d.Name", i))
		if name == "" {
			return out, nil
		}
		if !slices.Contains(allowed, name) {
			return nil, rdsError("InvalidParameterValue", "Unrecognized filter name: %s.", name)
		}
		for j := 1; ; j++ {
			v := c.form.Get(fmt.Sprintf("Filters.Filter.%d.Values.Value.%d", i, j))
			if v == "" {
				break
			}
			out[name] = append(out[name], v)
		}
	}
}

// rdsMatch reports whether value passes the filter name (absent: passes).
func rdsMatch(f map[string][]string, name string, values ...string) bool {
	want, ok := f[name]
	if !ok {
		return true
	}
	for _, v := range values {
		if slices.Contains(want, v) {
			return true
		}
	}
	return false
}

// rdsIdentifier reads an identifier parameter that may also be the
// resource's ARN and returns the name part.
func rdsIdentifier(c *call, field, arnKind string) string {
	v := c.form.Get(field)
	if strings.HasPrefix(v, "arn:") {
		if i := strings.Index(v, ":"+arnKind+":"); i >= 0 {
			return v[i+len(arnKind)+2:]
		}
	}
	return v
}

func rdsRegion(a *Account, r string) string { return orDefault(r, a.homeRegion()) }

func rdsARN(region, account, kind, id string) string {
	return "arn:aws:rds:" + region + ":" + account + ":" + kind + ":" + id
}

// rdsPort is an engine's default port.
func rdsPort(engine string, port int) int {
	if port != 0 {
		return port
	}
	switch {
	case strings.Contains(engine, "postgres"):
		return 5432
	case strings.HasPrefix(engine, "oracle"):
		return 1521
	case strings.HasPrefix(engine, "sqlserver"):
		return 1433
	case strings.HasPrefix(engine, "db2"):
		return 50000
	}
	return 3306
}

func rdsMasterUser(engine, user string) string {
	if user != "" {
		return user
	}
	if strings.Contains(engine, "postgres") {
		return "postgres"
	}
	return "admin"
}

func rdsTags(x *xmlw, tags map[string]string) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	x.open("TagList")
	for _, k := range keys {
		x.open("Tag").leaf("Key", k).leaf("Value", tags[k]).close("Tag")
	}
	x.close("TagList")
}

func rdsSecurityGroups(x *xmlw, ids []string) {
	x.open("VpcSecurityGroups")
	for _, id := range ids {
		x.open("VpcSecurityGroupMembership").leaf("VpcSecurityGroupId", id).leaf("Status", "active").close("VpcSecurityGroupMembership")
	}
	x.close("VpcSecurityGroups")
}

func rdsInstances(c *call) []*DBInstance {
	a := c.account()
	var out []*DBInstance
	for _, in := range a.RDS.Instances {
		if in != nil && rdsRegion(a, in.Region) == c.region {
			out = append(out, in)
		}
	}
	slices.SortFunc(out, func(x, y *DBInstance) int { return strings.Compare(strings.ToLower(x.ID), strings.ToLower(y.ID)) })
	return out
}

// rdsDescribeDBInstances: an unknown DBInstanceIdentifier (name or ARN) is
// DBInstanceNotFound; filters db-instance-id, db-cluster-id and engine.
func rdsDescribeDBInstances(c *call) (*response, error) {
	a := c.account()
	f, err := rdsFilters(c, "db-instance-id", "db-cluster-id", "engine", "dbi-resource-id")
	if err != nil {
		return nil, err
	}
	want := rdsIdentifier(c, "DBInstanceIdentifier", "db")
	var list []*DBInstance
	for _, in := range rdsInstances(c) {
		if (want == "" || strings.EqualFold(in.ID, want)) &&
			rdsMatch(f, "db-instance-id", in.ID, rdsARN(c.region, a.ID, "db", in.ID)) &&
			rdsMatch(f, "db-cluster-id", in.Cluster, rdsARN(c.region, a.ID, "cluster", in.Cluster)) &&
			rdsMatch(f, "engine", in.Engine) && rdsMatch(f, "dbi-resource-id", rdsInstanceResourceID(a, c.region, in)) {
			list = append(list, in)
		}
	}
	if want != "" && len(list) == 0 {
		return nil, rdsError("DBInstanceNotFound", "DBInstance %s not found.", want)
	}
	start, end, next, err := rdsPage(c, "db", len(list))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "DescribeDBInstances", func(x *xmlw) {
		x.open("DBInstances")
		for _, in := range list[start:end] {
			rdsInstanceXML(x, a, c.region, in)
		}
		x.close("DBInstances").leafIf("Marker", next)
	}), nil
}

func rdsInstanceResourceID(a *Account, region string, in *DBInstance) string {
	return orDefault(in.ResourceID, rdsResourceID("db-", a.ID+":"+region+":"+in.ID))
}

func rdsInstanceXML(x *xmlw, a *Account, region string, in *DBInstance) {
	id := strings.ToLower(in.ID) // RDS stores identifiers in lower case
	aurora := rdsIsAurora(in.Engine)
	x.open("DBInstance").leaf("DBInstanceIdentifier", id).leaf("DBInstanceClass", orDefault(in.InstanceClass, "db.t3.micro")).
		leaf("Engine", in.Engine).leaf("DBInstanceStatus", orDefault(in.Status, "available")).
		leaf("MasterUsername", rdsMasterUser(in.Engine, in.MasterUsername)).leafIf("DBName", in.DBName)
	addr := orDefault(in.EndpointAddress, id+"."+rdsHostSuffix(a.ID, region)+"."+region+".rds.amazonaws.com")
	port := rdsPort(in.Engine, in.Port)
	x.open("Endpoint").leaf("Address", addr).leaf("Port", strconv.Itoa(port)).close("Endpoint")
	storage := in.AllocatedStorage
	if storage == 0 {
		storage = map[bool]int{true: 1, false: 20}[aurora]
	}
	x.leaf("AllocatedStorage", strconv.Itoa(storage)).leaf("InstanceCreateTime", isoMillis(orDefaultTime(in.Created))).
		leaf("BackupRetentionPeriod", "1").open("DBSecurityGroups").close("DBSecurityGroups")
	rdsSecurityGroups(x, in.VPCSecurityGroups)
	if sg := in.SubnetGroup; sg != nil {
		x.open("DBSubnetGroup").leaf("DBSubnetGroupName", sg.Name).leaf("DBSubnetGroupDescription", sg.Description).
			leaf("VpcId", sg.VPCID).leaf("SubnetGroupStatus", "Complete").open("Subnets")
		for _, s := range sg.Subnets {
			x.open("Subnet").leaf("SubnetIdentifier", s.ID).open("SubnetAvailabilityZone").leaf("Name", s.AvailabilityZone).
				close("SubnetAvailabilityZone").leaf("SubnetStatus", "Active").close("Subnet")
		}
		x.close("Subnets").close("DBSubnetGroup")
	}
	x.boolLeaf("MultiAZ", in.MultiAZ).leafIf("EngineVersion", in.EngineVersion).boolLeaf("AutoMinorVersionUpgrade", true).
		boolLeaf("PubliclyAccessible", in.PubliclyAccessible).leaf("StorageType", map[bool]string{true: "aurora", false: "gp3"}[aurora]).
		leaf("DbInstancePort", "0").leafIf("DBClusterIdentifier", strings.ToLower(in.Cluster)).
		boolLeaf("StorageEncrypted", in.StorageEncrypted).leafIf("KmsKeyId", in.KMSKeyID).
		leaf("DbiResourceId", rdsInstanceResourceID(a, region, in)).
		leaf("CACertificateIdentifier", orDefault(in.CACertificateIdentifier, "rds-ca-rsa2048-g1")).
		leaf("DBInstanceArn", rdsARN(region, a.ID, "db", id)).
		boolLeaf("IAMDatabaseAuthenticationEnabled", in.IAMDatabaseAuth).
		boolLeaf("DeletionProtection", in.DeletionProtection)
	rdsTags(x, in.Tags)
	x.close("DBInstance")
}

func rdsClusters(c *call) []*DBCluster {
	a := c.account()
	var out []*DBCluster
	for _, cl := range a.RDS.Clusters {
		if cl != nil && rdsRegion(a, cl.Region) == c.region {
			out = append(out, cl)
		}
	}
	slices.SortFunc(out, func(x, y *DBCluster) int { return strings.Compare(strings.ToLower(x.ID), strings.ToLower(y.ID)) })
	return out
}

func rdsDescribeDBClusters(c *call) (*response, error) {
	a := c.account()
	f, err := rdsFilters(c, "db-cluster-id", "engine", "db-cluster-resource-id")
	if err != nil {
		return nil, err
	}
	want := rdsIdentifier(c, "DBClusterIdentifier", "cluster")
	var list []*DBCluster
	for _, cl := range rdsClusters(c) {
		if (want == "" || strings.EqualFold(cl.ID, want)) &&
			rdsMatch(f, "db-cluster-id", cl.ID, rdsARN(c.region, a.ID, "cluster", cl.ID)) && rdsMatch(f, "engine", cl.Engine) &&
			rdsMatch(f, "db-cluster-resource-id", rdsClusterResourceID(a, c.region, cl)) {
			list = append(list, cl)
		}
	}
	if want != "" && len(list) == 0 {
		return nil, rdsError("DBClusterNotFoundFault", "DBCluster %s not found.", want)
	}
	start, end, next, err := rdsPage(c, "cluster", len(list))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "DescribeDBClusters", func(x *xmlw) {
		x.open("DBClusters")
		for _, cl := range list[start:end] {
			rdsClusterXML(x, a, c.region, cl)
		}
		x.close("DBClusters").leafIf("Marker", next)
	}), nil
}

func rdsClusterResourceID(a *Account, region string, cl *DBCluster) string {
	return orDefault(cl.ResourceID, rdsResourceID("cluster-", a.ID+":"+region+":"+cl.ID))
}

// rdsClusterXML writes a DBCluster. Its members are the fixture's
// instances that name it; the writer is the one marked cluster_writer, or
// else the first. PubliclyAccessible appears only for Multi-AZ DB clusters.
func rdsClusterXML(x *xmlw, a *Account, region string, cl *DBCluster) {
	id := strings.ToLower(cl.ID)
	suffix := rdsHostSuffix(a.ID, region)
	x.open("DBCluster").leaf("AllocatedStorage", "1").open("AvailabilityZones").close("AvailabilityZones").
		leaf("BackupRetentionPeriod", "1").leafIf("DatabaseName", cl.DatabaseName).leaf("DBClusterIdentifier", id).
		leafIf("DBSubnetGroup", cl.SubnetGroup).leaf("Status", orDefault(cl.Status, "available")).
		leaf("Endpoint", orDefault(cl.Endpoint, id+".cluster-"+suffix+"."+region+".rds.amazonaws.com")).
		leaf("ReaderEndpoint", orDefault(cl.ReaderEndpoint, id+".cluster-ro-"+suffix+"."+region+".rds.amazonaws.com")).
		boolLeaf("MultiAZ", false).leaf("Engine", cl.Engine).leafIf("EngineVersion", cl.EngineVersion).
		leaf("Port", strconv.Itoa(rdsPort(cl.Engine, cl.Port))).leaf("MasterUsername", rdsMasterUser(cl.Engine, cl.MasterUsername))
	var members []*DBInstance
	writer := -1
	for _, in := range a.RDS.Instances {
		if in != nil && strings.EqualFold(in.Cluster, cl.ID) && rdsRegion(a, in.Region) == region {
			if in.ClusterWriter && writer < 0 {
				writer = len(members)
			}
			members = append(members, in)
		}
	}
	if writer < 0 {
		writer = 0
	}
	x.open("DBClusterMembers")
	for i, in := range members {
		x.open("DBClusterMember").leaf("DBInstanceIdentifier", strings.ToLower(in.ID)).boolLeaf("IsClusterWriter", i == writer).
			leaf("DBClusterParameterGroupStatus", "in-sync").leaf("PromotionTier", "1").close("DBClusterMember")
	}
	x.close("DBClusterMembers")
	rdsSecurityGroups(x, cl.VPCSecurityGroups)
	x.boolLeaf("StorageEncrypted", cl.StorageEncrypted).leafIf("KmsKeyId", cl.KMSKeyID).
		leaf("DbClusterResourceId", rdsClusterResourceID(a, region, cl)).leaf("DBClusterArn", rdsARN(region, a.ID, "cluster", id)).
		boolLeaf("IAMDatabaseAuthenticationEnabled", cl.IAMDatabaseAuth).
		leaf("ClusterCreateTime", isoMillis(orDefaultTime(cl.Created))).leaf("EngineMode", orDefault(cl.EngineMode, "provisioned"))
	if cl.PubliclyAccessible != nil {
		x.boolLeaf("PubliclyAccessible", *cl.PubliclyAccessible)
	}
	x.boolLeaf("DeletionProtection", cl.DeletionProtection).boolLeaf("HttpEndpointEnabled", cl.HTTPEndpointEnabled)
	rdsTags(x, cl.Tags)
	x.close("DBCluster")
}

// rdsSnap is a DB or cluster snapshot as the handlers see it: the owner,
// the fixture entry, and what it inherits from its instance or cluster.
type rdsSnap struct {
	owner     *Account
	region    string
	id        string
	source    string // DBInstanceIdentifier or DBClusterIdentifier
	typ       string
	engine    string
	version   string
	encrypted bool
	kmsKeyID  string
	status    string
	port      int
	storage   int
	vpcID     string
	iamAuth   bool
	created   string
	restore   []string
}

func (s rdsSnap) arn(kind string) string { return rdsARN(s.region, s.owner.ID, kind, s.id) }

// rdsDBSnaps are the DB snapshots of every account of the server in the
// region, with their inherited fields.
func rdsDBSnaps(c *call) []rdsSnap {
	var out []rdsSnap
	for _, a := range c.srv.world.Accounts {
		if a == nil {
			continue
		}
		for _, s := range a.RDS.Snapshots {
			if s == nil || rdsRegion(a, s.Region) != c.region {
				continue
			}
			rs := rdsSnap{owner: a, region: c.region, id: s.ID, source: strings.ToLower(s.Instance), typ: orDefault(s.Type, "manual"),
				engine: s.Engine, version: s.EngineVersion, kmsKeyID: s.KMSKeyID, status: orDefault(s.Status, "available"),
				port: s.Port, storage: s.AllocatedStorage, vpcID: s.VPCID, created: isoMillis(orDefaultTime(s.Created)), restore: s.Restore}
			for _, in := range a.RDS.Instances {
				if in != nil && strings.EqualFold(in.ID, s.Instance) && rdsRegion(a, in.Region) == c.region {
					rs.engine = orDefault(rs.engine, in.Engine)
					rs.version = orDefault(rs.version, in.EngineVersion)
					rs.encrypted = in.StorageEncrypted
					rs.kmsKeyID = orDefault(rs.kmsKeyID, in.KMSKeyID)
					rs.port = orInt(rs.port, in.Port)
					rs.storage = orInt(rs.storage, in.AllocatedStorage)
					rs.iamAuth = in.IAMDatabaseAuth
					if in.SubnetGroup != nil {
						rs.vpcID = orDefault(rs.vpcID, in.SubnetGroup.VPCID)
					}
				}
			}
			if s.Encrypted != nil {
				rs.encrypted = *s.Encrypted
			}
			out = append(out, rs)
		}
	}
	return out
}

func rdsClusterSnaps(c *call) []rdsSnap {
	var out []rdsSnap
	for _, a := range c.srv.world.Accounts {
		if a == nil {
			continue
		}
		for _, s := range a.RDS.ClusterSnapshots {
			if s == nil || rdsRegion(a, s.Region) != c.region {
				continue
			}
			rs := rdsSnap{owner: a, region: c.region, id: s.ID, source: strings.ToLower(s.Cluster), typ: orDefault(s.Type, "manual"),
				engine: s.Engine, version: s.EngineVersion, kmsKeyID: s.KMSKeyID, status: orDefault(s.Status, "available"),
				port: s.Port, vpcID: s.VPCID, created: isoMillis(orDefaultTime(s.Created)), restore: s.Restore}
			for _, cl := range a.RDS.Clusters {
				if cl != nil && strings.EqualFold(cl.ID, s.Cluster) && rdsRegion(a, cl.Region) == c.region {
					rs.engine = orDefault(rs.engine, cl.Engine)
					rs.version = orDefault(rs.version, cl.EngineVersion)
					rs.encrypted = cl.StorageEncrypted
					rs.kmsKeyID = orDefault(rs.kmsKeyID, cl.KMSKeyID)
					rs.port = orInt(rs.port, cl.Port)
					rs.iamAuth = cl.IAMDatabaseAuth
				}
			}
			if s.Encrypted != nil {
				rs.encrypted = *s.Encrypted
			}
			out = append(out, rs)
		}
	}
	return out
}

// rdsVisibleSnaps selects the snapshots a Describe*Snapshots call lists,
// as the API reference describes SnapshotType, IncludeShared and
// IncludePublic: the caller's own manual and automated snapshots by default;
// "shared" / "public" list only other accounts' snapshots shared with the
// caller / public; IncludeShared and IncludePublic add those to the
// default. An identifier (or ARN) picks one snapshot, which may be another
// account's shared or public one when given as an ARN.
func rdsVisibleSnaps(c *call, all []rdsSnap, kind, idField, sourceField, sourceKind string, f map[string][]string) (list []rdsSnap, want string) {
	a := c.account()
	want = c.form.Get(idField)
	source := rdsIdentifier(c, sourceField, sourceKind)
	typ := c.form.Get("SnapshotType")
	includeShared, includePublic := c.form.Get("IncludeShared") == "true", c.form.Get("IncludePublic") == "true"
	for _, s := range all {
		own := s.owner == a
		shared, public := !own && slices.Contains(s.restore, a.ID), !own && slices.Contains(s.restore, "all")
		var visible bool
		switch typ {
		case "":
			visible = own || (includeShared && shared) || (includePublic && public)
		case "shared":
			visible = shared
		case "public":
			visible = public
		default:
			visible = own && s.typ == typ
		}
		if want != "" {
			visible = (own && strings.EqualFold(s.id, want)) || ((shared || public) && s.arn(kind) == want) || (own && s.arn(kind) == want)
		}
		if visible && (source == "" || strings.EqualFold(s.source, source)) &&
			rdsMatch(f, "snapshot-type", s.typ) && rdsMatch(f, "engine", s.engine) {
			list = append(list, s)
		}
	}
	slices.SortFunc(list, func(x, y rdsSnap) int { return strings.Compare(x.arn(kind), y.arn(kind)) })
	return list, want
}

func rdsDescribeDBSnapshots(c *call) (*response, error) {
	f, err := rdsFilters(c, "db-instance-id", "db-snapshot-id", "snapshot-type", "engine", "dbi-resource-id")
	if err != nil {
		return nil, err
	}
	list, want := rdsVisibleSnaps(c, rdsDBSnaps(c), "snapshot", "DBSnapshotIdentifier", "DBInstanceIdentifier", "db", f)
	list = slices.DeleteFunc(list, func(s rdsSnap) bool {
		return !rdsMatch(f, "db-instance-id", s.source) || !rdsMatch(f, "db-snapshot-id", s.id, s.arn("snapshot"))
	})
	if want != "" && len(list) == 0 {
		return nil, rdsError("DBSnapshotNotFound", "DBSnapshot %s not found.", want)
	}
	start, end, next, err := rdsPage(c, "snapshot", len(list))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "DescribeDBSnapshots", func(x *xmlw) {
		x.open("DBSnapshots")
		for _, s := range list[start:end] {
			x.open("DBSnapshot").leaf("DBSnapshotIdentifier", s.id).leaf("DBInstanceIdentifier", s.source).
				leaf("SnapshotCreateTime", s.created).leaf("Engine", s.engine).leaf("AllocatedStorage", strconv.Itoa(orInt(s.storage, 20))).
				leaf("Status", s.status).leaf("Port", strconv.Itoa(rdsPort(s.engine, s.port))).leafIf("VpcId", s.vpcID).
				leaf("MasterUsername", rdsMasterUser(s.engine, "")).leafIf("EngineVersion", s.version).
				leaf("SnapshotType", s.typ).leaf("PercentProgress", "100").leaf("StorageType", "gp3").
				boolLeaf("Encrypted", s.encrypted).leafIf("KmsKeyId", s.kmsKeyID).leaf("DBSnapshotArn", s.arn("snapshot")).
				boolLeaf("IAMDatabaseAuthenticationEnabled", s.iamAuth).
				leaf("DbiResourceId", rdsResourceID("db-", s.owner.ID+":"+s.region+":"+s.source)).
				open("TagList").close("TagList").close("DBSnapshot")
		}
		x.close("DBSnapshots").leafIf("Marker", next)
	}), nil
}

func rdsDescribeDBClusterSnapshots(c *call) (*response, error) {
	f, err := rdsFilters(c, "db-cluster-id", "db-cluster-snapshot-id", "snapshot-type", "engine")
	if err != nil {
		return nil, err
	}
	list, want := rdsVisibleSnaps(c, rdsClusterSnaps(c), "cluster-snapshot", "DBClusterSnapshotIdentifier", "DBClusterIdentifier", "cluster", f)
	list = slices.DeleteFunc(list, func(s rdsSnap) bool {
		return !rdsMatch(f, "db-cluster-id", s.source) || !rdsMatch(f, "db-cluster-snapshot-id", s.id, s.arn("cluster-snapshot"))
	})
	if want != "" && len(list) == 0 {
		return nil, rdsError("DBClusterSnapshotNotFoundFault", "DBClusterSnapshot %s not found.", want)
	}
	start, end, next, err := rdsPage(c, "cluster-snapshot", len(list))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "DescribeDBClusterSnapshots", func(x *xmlw) {
		x.open("DBClusterSnapshots")
		for _, s := range list[start:end] {
			x.open("DBClusterSnapshot").open("AvailabilityZones").close("AvailabilityZones").
				leaf("DBClusterSnapshotIdentifier", s.id).leaf("DBClusterIdentifier", s.source).
				leaf("SnapshotCreateTime", s.created).leaf("Engine", s.engine).leaf("EngineMode", "provisioned").
				leaf("AllocatedStorage", "0").leaf("Status", s.status).leaf("Port", strconv.Itoa(rdsPort(s.engine, s.port))).
				leafIf("VpcId", s.vpcID).leaf("MasterUsername", rdsMasterUser(s.engine, "")).leafIf("EngineVersion", s.version).
				leaf("SnapshotType", s.typ).leaf("PercentProgress", "100").
				boolLeaf("StorageEncrypted", s.encrypted).leafIf("KmsKeyId", s.kmsKeyID).
				leaf("DBClusterSnapshotArn", s.arn("cluster-snapshot")).
				boolLeaf("IAMDatabaseAuthenticationEnabled", s.iamAuth).
				open("TagList").close("TagList").close("DBClusterSnapshot")
		}
		x.close("DBClusterSnapshots").leafIf("Marker", next)
	}), nil
}

// rdsOwnSnap finds one of the caller's own snapshots by identifier or ARN
// (attributes are the owner's to read).
func rdsOwnSnap(c *call, all []rdsSnap, kind, field string) (rdsSnap, bool) {
	want := c.form.Get(field)
	for _, s := range all {
		if s.owner == c.account() && (strings.EqualFold(s.id, want) || s.arn(kind) == want) {
			return s, true
		}
	}
	return rdsSnap{}, false
}

// rdsAttributes writes the restore attribute (RDS's only snapshot
// attribute): "all" for a public snapshot, account ids for shared ones,
// nothing for a private one. The attribute is always listed.
func rdsAttributes(x *xmlw, listName, member string, restore []string) {
	x.open(listName).open(member).leaf("AttributeName", "restore").open("AttributeValues")
	for _, v := range restore {
		x.leaf("AttributeValue", v)
	}
	x.close("AttributeValues").close(member).close(listName)
}

func rdsDescribeDBSnapshotAttributes(c *call) (*response, error) {
	s, ok := rdsOwnSnap(c, rdsDBSnaps(c), "snapshot", "DBSnapshotIdentifier")
	if !ok {
		return nil, rdsError("DBSnapshotNotFound", "DBSnapshot %s not found.", c.form.Get("DBSnapshotIdentifier"))
	}
	return queryResponse(c, "DescribeDBSnapshotAttributes", func(x *xmlw) {
		x.open("DBSnapshotAttributesResult").leaf("DBSnapshotIdentifier", s.id)
		rdsAttributes(x, "DBSnapshotAttributes", "DBSnapshotAttribute", s.restore)
		x.close("DBSnapshotAttributesResult")
	}), nil
}

func rdsDescribeDBClusterSnapshotAttributes(c *call) (*response, error) {
	s, ok := rdsOwnSnap(c, rdsClusterSnaps(c), "cluster-snapshot", "DBClusterSnapshotIdentifier")
	if !ok {
		return nil, rdsError("DBClusterSnapshotNotFoundFault", "DBClusterSnapshot %s not found.", c.form.Get("DBClusterSnapshotIdentifier"))
	}
	return queryResponse(c, "DescribeDBClusterSnapshotAttributes", func(x *xmlw) {
		x.open("DBClusterSnapshotAttributesResult").leaf("DBClusterSnapshotIdentifier", s.id)
		rdsAttributes(x, "DBClusterSnapshotAttributes", "DBClusterSnapshotAttribute", s.restore)
		x.close("DBClusterSnapshotAttributesResult")
	}), nil
}

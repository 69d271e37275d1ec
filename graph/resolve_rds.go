package graph

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// AdmittedSourcesOn is AdmittedSources for one port: only the rules that
// admit protocol/port count (IngressRule.Admits), so each source is
// admitted on that port.
func AdmittedSourcesOn(owner string, groups []*SecurityGroup, protocol string, port int) ([]Source, Tri) {
	only := make([]*SecurityGroup, len(groups))
	for i, g := range groups {
		if g == nil || g.IngressKnown != True {
			only[i] = g
			continue
		}
		c := *g
		c.Ingress = nil
		for _, rule := range g.Ingress {
			if rule.Admits(protocol, port) {
				c.Ingress = append(c.Ingress, rule)
			}
		}
		only[i] = &c
	}
	return AdmittedSources(owner, only)
}

// database derives who can open connections to an RDS DB instance, or to a
// Multi-AZ DB cluster that reports PubliclyAccessible (Aurora decides it
// per instance: an Aurora cluster itself is not judged).
//
// A database is reachable from outside its VPC only when it is publicly
// accessible (its endpoint resolves to a public address) and its VPC
// security groups admit the caller on its port (RDS User Guide, "Working
// with a DB instance in a VPC" and "Controlling access with security
// groups"): the internet (0.0.0.0/0, ::/0) makes it public, another
// account's security group or a fixed public range cross-account. Private
// ranges (RFC 1918, fc00::/7) and the account's own groups only reach it
// from networks joined to its VPC, which is not a way in from outside. A
// security group the scan did not collect leaves it unknown: an internet
// edge of unknown certainty and a note. Publicly accessible with no group
// admitting anyone outside is noted, not an entry point. The database's
// own credentials are out of scope: the edge says who can connect, not
// who can log in. Route tables (an internet gateway on the subnets) are
// not judged.
func (r *resolver) database(n *Node) {
	db := n.Database()
	if db == nil || db.PubliclyAccessible != True {
		return
	}
	proto := fmt.Sprintf("tcp/%d", db.Port)
	what := "DB instance"
	if n.Kind == KindDBCluster {
		what = "DB cluster"
	}
	public := Evidence{Source: "rds:Describe" + strings.ReplaceAll(what, " ", "") + "s",
		Detail: fmt.Sprintf("PubliclyAccessible: %s resolves to a public address (port %d)", nonEmpty(db.Endpoint, db.Identifier), db.Port),
		Fix:    fmt.Sprintf("turn off PubliclyAccessible on %s %s (modify it with --no-publicly-accessible)", what, db.Identifier)}
	conds := []string{"database credentials are still required to log in (out of scope)", "assumes the subnets route to an internet gateway (route tables are not judged)"}
	if db.IAMAuth {
		conds = append(conds, "IAM database authentication is enabled")
	}
	groups := r.securityGroups(n.Account, n.Region, db.SecurityGroups)
	sources, known := AdmittedSourcesOn(n.Account, groups, "tcp", db.Port)
	var missing []string
	for i, g := range groups {
		if g == nil || g.IngressKnown != True {
			missing = append(missing, db.SecurityGroups[i])
		}
	}
	reached := false
	for _, s := range sources {
		var from, principal string
		exposure := policy.CrossAccount
		switch s.Kind {
		case SourceInternet:
			from, principal, exposure = r.principal("*", policy.KindAnyone, n.Account, true), "*", policy.Public
		case SourceAccount:
			acct := strings.TrimPrefix(s.Principal, "account:")
			from, principal = r.principal(acct, policy.KindAccount, n.Account, false), acct
		case SourceNetwork:
			if privateSource(s.Principal) {
				continue
			}
			from, principal = r.principal("*", policy.KindNetwork, n.Account, false), "*"
		default:
			continue
		}
		reached = true
		ec := append(slices.Clone(conds), "admitted by security group rule(s) from "+strings.TrimPrefix(strings.TrimPrefix(s.Principal, "network:"), "account:"))
		r.edge(Edge{From: from, To: n.ID, Kind: EdgeCanConnect, Via: ViaPublicEndpoint, Actions: []string{proto},
			Exposure: exposure, Principal: principal, Certainty: True,
			Evidence: append([]Evidence{public}, s.Evidence...), Gate: NewGate(ec, nil, "")})
	}
	switch {
	case known != True && !reached:
		ev := public
		ev.Detail += "; security group(s) " + strings.Join(missing, ", ") + " were not read, so who they admit is unknown"
		r.edge(Edge{From: r.principal("*", policy.KindAnyone, n.Account, true), To: n.ID, Kind: EdgeCanConnect, Via: ViaPublicEndpoint,
			Actions:  []string{proto},
			Exposure: policy.Public, Principal: "*", Certainty: Unknown, Evidence: []Evidence{ev}, Gate: NewGate(append(conds, "unconfirmed: security group(s) "+strings.Join(missing, ", ")+" not collected"), nil, "")})
		r.note(n.ID, NoteUnknownExposure, ViaPublicEndpoint, "%s %s is publicly accessible, but security group(s) %s were not collected (ec2:DescribeSecurityGroups); whether they admit the internet on %s is unknown",
			what, db.Identifier, strings.Join(missing, ", "), proto)
	case known != True:
		r.note(n.ID, NoteUnknownExposure, ViaPublicEndpoint, "security group(s) %s of %s %s were not collected; they may admit more than the rules shown", strings.Join(missing, ", "), what, db.Identifier)
	case !reached:
		r.note(n.ID, NoteUnreachable, ViaPublicEndpoint, "%s %s is publicly accessible, but no security group admits the internet or another account on %s: not an entry point (turning PubliclyAccessible off still removes the public address)",
			what, db.Identifier, proto)
	}
}

// privateSource says whether a network source is a private range (RFC 1918
// IPv4, fc00::/7 IPv6): reachable only from networks joined to the VPC.
func privateSource(principal string) bool {
	c, ok := strings.CutPrefix(principal, "network:")
	if !ok {
		return false // a prefix list: who it holds is not read
	}
	p, err := netip.ParsePrefix(c)
	return err == nil && p.Addr().IsPrivate() && p.Bits() >= privateBits(p.Addr())
}

// privateBits is the shortest prefix that stays inside a private block.
func privateBits(a netip.Addr) int {
	switch {
	case a.Is6():
		return 7
	case a.As4()[0] == 10:
		return 8
	case a.As4()[0] == 172:
		return 12
	}
	return 16
}

// dbSnapshot derives who can restore a manual DB snapshot or DB cluster
// snapshot: the restore attribute's "all" makes it public (any AWS account
// can copy or restore it), an account id shares it with that account (RDS
// User Guide, "Sharing a DB snapshot"; API Reference,
// ModifyDBSnapshotAttribute). Restoring reads every row the snapshot holds.
func (r *resolver) dbSnapshot(n *Node) {
	s := n.Snapshot()
	if s == nil {
		return
	}
	restore, copyAction, modify := "rds:RestoreDBInstanceFromDBSnapshot", "rds:CopyDBSnapshot", "modify-db-snapshot-attribute --db-snapshot-identifier"
	if n.Kind == KindDBClusterSnapshot {
		restore, copyAction, modify = "rds:RestoreDBClusterFromSnapshot", "rds:CopyDBClusterSnapshot", "modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier"
	}
	if s.RestoreKnown == Unknown {
		r.note(n.ID, NoteUnknownExposure, ViaSnapshotRestore, "the snapshot's restore attribute could not be read; whether other accounts can restore it is unknown")
		return
	}
	var conds []string
	if s.Encrypted {
		conds = append(conds, "encrypted with KMS key "+nonEmpty(s.KMSKeyID, "(unknown)")+": restoring also needs use of the key")
	}
	for _, v := range s.RestoreBy {
		var from, principal string
		exposure := policy.CrossAccount
		switch {
		case strings.EqualFold(v, "all"):
			from, principal, exposure = r.principal("*", policy.KindAnyone, n.Account, false), "*", policy.Public
		case v == n.Account:
			continue
		default:
			from, principal = r.principal(v, policy.KindAccount, n.Account, false), v
		}
		r.edge(Edge{From: from, To: n.ID, Kind: EdgeCanRead, Via: ViaSnapshotRestore, Actions: []string{copyAction, restore},
			Exposure: exposure, Principal: principal, Certainty: True,
			Evidence: []Evidence{{Source: "rds:DescribeDBSnapshotAttributes", Actions: []string{copyAction, restore},
				Detail: fmt.Sprintf("restore attribute of snapshot %s lists %s", s.Identifier, v),
				Fix:    fmt.Sprintf("remove %s from the restore attribute (%s %s --attribute-name restore --values-to-remove %s)", v, modify, s.Identifier, v)}}, Gate: NewGate(conds, nil, "")})
	}
}

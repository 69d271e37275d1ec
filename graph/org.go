package graph

// Organization membership, as far as the scan could read it: a scanned
// account's organization (AccountInfo.OrgID), and the member accounts the
// management account listed (AccountInfo.OrgAccountIDs). An account of
// which neither is known belongs to no known organization.

// indexOrgs fills orgOf from the snapshot's account nodes.
func (g *Graph) indexOrgs() {
	g.orgOf = map[string]string{}
	for acct, org := range g.OrgIDs {
		g.orgOf[acct] = org
	}
	for i := range g.Snapshot.Nodes {
		n := &g.Snapshot.Nodes[i]
		if n.Kind != KindAccount || n.AccountInfo() == nil || n.AccountInfo().OrgID == "" {
			continue
		}
		for _, m := range n.AccountInfo().OrgAccountIDs {
			if _, ok := g.orgOf[m]; !ok {
				g.orgOf[m] = n.AccountInfo().OrgID
			}
		}
	}
}

// OrgOf returns the organization an account belongs to, "" when unknown:
// the scanned account's own organization, or the organization whose member
// list (read from its management account) names it.
func (g *Graph) OrgOf(acct string) string { return g.orgOf[acct] }

// SameOrg returns the organization both accounts belong to, "" when they
// are not known to share one.
func (g *Graph) SameOrg(a, b string) string {
	if o := g.orgOf[a]; o != "" && o == g.orgOf[b] {
		return o
	}
	return ""
}

// ZoneAccountID returns the account a zone stands for: the id of an
// account:<id> or external-account:<id> zone, "" for any other zone.
func ZoneAccountID(z Zone) string {
	s := string(z)
	for _, p := range []string{"account:", "external-account:"} {
		if len(s) > len(p) && s[:len(p)] == p {
			return s[len(p):]
		}
	}
	return ""
}

// InsideOrg reports whether a zone lies inside organization org: one of its
// accounts (scanned or listed as a member) or the organization itself.
func (g *Graph) InsideOrg(z Zone, org string) bool {
	if org == "" {
		return false
	}
	if z == ZoneOrganization(org) {
		return true
	}
	acct := ZoneAccountID(z)
	return acct != "" && g.orgOf[acct] == org
}

// OrgInternal returns the organization an edge stays inside when it runs
// between two scanned accounts of the same organization ("" otherwise):
// a trust-boundary crossing between accounts, internal to the organization.
func (g *Graph) OrgInternal(e *Edge) string {
	fa, ta := ZoneAccountID(g.Zone(e.From)), ZoneAccountID(g.Zone(e.To))
	if fa == "" || ta == "" || fa == ta || !g.Scanned[fa] || !g.Scanned[ta] {
		return ""
	}
	return g.SameOrg(fa, ta)
}

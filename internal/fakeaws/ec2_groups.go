package fakeaws

import (
	"slices"
	"strconv"
)

// DescribeSecurityGroups, DescribeSecurityGroupRules,
// DescribeManagedPrefixLists, GetManagedPrefixListEntries and
// DescribeVpcEndpoints.

func (s *sgR) ec2ID() string              { return s.id }
func (s *sgR) ec2Tags() map[string]string { return s.Tags }
func (s *sgR) ec2Filter(name string) ([]string, bool) {
	perms := s.ingress
	key := name
	if k, ok := cutPrefix(name, "egress."); ok {
		perms, key = s.egress, k
	}
	collect := func(f func(p permR) []string) []string {
		var out []string
		for _, p := range perms {
			out = append(out, f(p)...)
		}
		return out
	}
	port := func(v *int) []string {
		if v == nil {
			return nil
		}
		return []string{strconv.Itoa(*v)}
	}
	switch key {
	case "group-id":
		return oneOrNone(s.id), true
	case "group-name":
		return oneOrNone(s.Name), true
	case "vpc-id":
		return oneOrNone(s.vpc.id), true
	case "description":
		return oneOrNone(s.desc), true
	case "ip-permission.protocol":
		return collect(func(p permR) []string { return []string{p.proto} }), true
	case "ip-permission.from-port":
		return collect(func(p permR) []string { return port(p.from) }), true
	case "ip-permission.to-port":
		return collect(func(p permR) []string { return port(p.to) }), true
	case "ip-permission.cidr":
		return collect(func(p permR) []string { return p.cidrs }), true
	case "ip-permission.ipv6-cidr":
		return collect(func(p permR) []string { return p.ipv6 }), true
	case "ip-permission.prefix-list-id":
		return collect(func(p permR) []string { return p.pls }), true
	case "ip-permission.group-id", "ip-permission.user-id":
		return collect(func(p permR) []string {
			var out []string
			for _, g := range p.groups {
				out = append(out, map[bool]string{true: g.groupID, false: g.userID}[key == "ip-permission.group-id"])
			}
			return out
		}), true
	}
	return nil, false
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return s, false
}

// describeSecurityGroups: GroupId.N (malformed: InvalidGroupId.Malformed;
// missing: InvalidGroup.NotFound) and GroupName.N, which names groups of
// the default VPC only (DescribeSecurityGroups reference).
func (w *ec2Worlds) describeSecurityGroups(c *call) (*response, error) {
	acct := c.account().ID
	r := w.regionOf(c)
	for _, id := range ec2List(c.form, "GroupId") {
		if !ec2IDShape("sg", id) {
			return nil, ec2Error("InvalidGroupId.Malformed", "Invalid id: \"%s\" (expecting \"sg-...\")", id)
		}
	}
	items := owned(r.sgs, acct)
	var extra []withOwner[*sgR]
	names := ec2List(c.form, "GroupName")
	if len(names) > 0 {
		var def *vpcR
		for _, v := range r.vpcs {
			if v.IsDefault {
				def = v
			}
		}
		var byName []withOwner[*sgR]
		for _, name := range names {
			i := slices.IndexFunc(items, func(o withOwner[*sgR]) bool { return def != nil && o.res.vpc == def && o.res.Name == name })
			switch {
			case i >= 0:
				byName = append(byName, items[i])
			case def != nil:
				return nil, ec2Error("InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC '%s'", name, def.id)
			default:
				return nil, ec2Error("InvalidGroup.NotFound", "The security group '%s' does not exist", name)
			}
		}
		if len(ec2List(c.form, "GroupId")) == 0 {
			items = byName
		} else {
			extra = byName
		}
	}
	sgs, err := ec2Select(c, items, "GroupId", func(missing []string) error {
		return ec2Error("InvalidGroup.NotFound", "The security group '%s' does not exist", missing[0])
	})
	if err != nil {
		return nil, err
	}
	// With both GroupId and GroupName, the groups named either way.
	for _, o := range extra {
		ok, err := ec2FilterMatch(o, ec2Filters(c.form))
		if err != nil {
			return nil, err
		}
		if ok && !slices.ContainsFunc(sgs, func(x withOwner[*sgR]) bool { return x.res == o.res }) {
			sgs = append(sgs, o)
		}
	}
	start, end, next, err := ec2Page(c, "DescribeSecurityGroups", len(sgs), ec2Limits5to1000)
	if err != nil {
		return nil, err
	}
	return ec2Response(c, "DescribeSecurityGroups", func(x *xmlw) {
		x.open("securityGroupInfo")
		for _, o := range sgs[start:end] {
			s := o.res
			x.open("item").leaf("ownerId", acct).leaf("groupId", s.id).leaf("groupName", s.Name).leaf("groupDescription", s.desc).
				leaf("vpcId", s.vpc.id)
			writePermissions(x, "ipPermissions", s.ingress)
			writePermissions(x, "ipPermissionsEgress", s.egress)
			ec2TagSet(x, s.Tags)
			x.leaf("securityGroupArn", sgArn(c.region, acct, s.id)).close("item")
		}
		x.close("securityGroupInfo")
		x.leafIf("nextToken", next)
	}), nil
}

// writePermissions writes IpPermissions; protocol -1 has no ports.
func writePermissions(x *xmlw, name string, perms []permR) {
	x.open(name)
	for _, p := range perms {
		x.open("item").leaf("ipProtocol", p.proto)
		if p.from != nil {
			x.leaf("fromPort", strconv.Itoa(*p.from))
		}
		if p.to != nil {
			x.leaf("toPort", strconv.Itoa(*p.to))
		}
		x.open("groups")
		for _, g := range p.groups {
			x.open("item").leafIf("description", p.desc).leaf("userId", g.userID).leaf("groupId", g.groupID).
				leafIf("vpcId", g.vpcID).leafIf("vpcPeeringConnectionId", g.peering).leafIf("peeringStatus", g.status).close("item")
		}
		x.close("groups").open("ipRanges")
		for _, cidr := range p.cidrs {
			x.open("item").leaf("cidrIp", cidr).leafIf("description", p.desc).close("item")
		}
		x.close("ipRanges").open("ipv6Ranges")
		for _, cidr := range p.ipv6 {
			x.open("item").leaf("cidrIpv6", cidr).leafIf("description", p.desc).close("item")
		}
		x.close("ipv6Ranges").open("prefixListIds")
		for _, pl := range p.pls {
			x.open("item").leaf("prefixListId", pl).leafIf("description", p.desc).close("item")
		}
		x.close("prefixListIds").close("item")
	}
	x.close(name)
}

// sgRuleR is one rule of DescribeSecurityGroupRules.
type sgRuleR struct {
	sgRule
	sg *sgR
}

func (r sgRuleR) ec2ID() string              { return r.id }
func (r sgRuleR) ec2Tags() map[string]string { return nil }
func (r sgRuleR) ec2Filter(name string) ([]string, bool) {
	switch name {
	case "group-id":
		return []string{r.sg.id}, true
	case "security-group-rule-id":
		return []string{r.id}, true
	}
	return nil, false
}

// describeSecurityGroupRules lists each group's rules, one source each.
// Protocol -1 reports ports -1 to -1.
func (w *ec2Worlds) describeSecurityGroupRules(c *call) (*response, error) {
	acct := c.account().ID
	var rules []sgRuleR
	for _, sg := range w.regionOf(c).sgs {
		for _, r := range sg.rulesOf() {
			rules = append(rules, sgRuleR{r, sg})
		}
	}
	rules, err := ec2Select(c, rules, "SecurityGroupRuleId", ec2NotFound("InvalidSecurityGroupRuleId.NotFound", "security group rule"))
	if err != nil {
		return nil, err
	}
	start, end, next, err := ec2Page(c, "DescribeSecurityGroupRules", len(rules), ec2Limits5to1000)
	if err != nil {
		return nil, err
	}
	return ec2Response(c, "DescribeSecurityGroupRules", func(x *xmlw) {
		x.open("securityGroupRuleSet")
		for _, r := range rules[start:end] {
			from, to := "-1", "-1"
			if r.perm.from != nil {
				from = strconv.Itoa(*r.perm.from)
			}
			if r.perm.to != nil {
				to = strconv.Itoa(*r.perm.to)
			}
			x.open("item").leaf("securityGroupRuleId", r.id).leaf("groupId", r.sg.id).leaf("groupOwnerId", acct).
				boolLeaf("isEgress", r.egress).leaf("ipProtocol", r.perm.proto).leaf("fromPort", from).leaf("toPort", to).
				leafIf("cidrIpv4", r.cidr).leafIf("cidrIpv6", r.cidr6).leafIf("prefixListId", r.pl)
			if g := r.group; g != nil {
				x.open("referencedGroupInfo").leaf("groupId", g.groupID).leaf("userId", g.userID).leafIf("vpcId", g.vpcID).
					leafIf("vpcPeeringConnectionId", g.peering).leafIf("peeringStatus", g.status).close("referencedGroupInfo")
			}
			x.leafIf("description", r.perm.desc).leaf("securityGroupRuleArn", "arn:aws:ec2:"+c.region+":"+acct+":security-group-rule/"+r.id).close("item")
		}
		x.close("securityGroupRuleSet")
		x.leafIf("nextToken", next)
	}), nil
}

func (p *plR) ec2ID() string              { return p.id }
func (p *plR) ec2Tags() map[string]string { return p.Tags }
func (p *plR) ec2Filter(name string) ([]string, bool) {
	switch name {
	case "prefix-list-id":
		return []string{p.id}, true
	case "prefix-list-name":
		return []string{p.Name}, true
	case "owner-id":
		return []string{p.owner}, true
	}
	return nil, false
}

func plNotFound(missing []string) error {
	return ec2Error("InvalidPrefixListID.NotFound", "The prefix list ID '%s' does not exist", missing[0])
}

func (w *ec2Worlds) describeManagedPrefixLists(c *call) (*response, error) {
	pls, err := ec2Select(c, w.regionOf(c).pls, "PrefixListId", plNotFound)
	if err != nil {
		return nil, err
	}
	start, end, next, err := ec2Page(c, "DescribeManagedPrefixLists", len(pls), ec2Limits1to100)
	if err != nil {
		return nil, err
	}
	return ec2Response(c, "DescribeManagedPrefixLists", func(x *xmlw) {
		x.open("prefixListSet")
		for _, p := range pls[start:end] {
			x.open("item").leaf("prefixListId", p.id).leaf("addressFamily", p.family).leaf("state", "create-complete").
				leaf("prefixListArn", p.arn).leaf("prefixListName", p.Name).leaf("maxEntries", strconv.Itoa(p.maxEntries)).
				leaf("version", strconv.Itoa(p.version))
			ec2TagSet(x, p.Tags)
			x.leaf("ownerId", p.owner).close("item")
		}
		x.close("prefixListSet")
		x.leafIf("nextToken", next)
	}), nil
}

// getManagedPrefixListEntries pages one list's entries. The fake keeps
// only the current version, so TargetVersion must name it.
func (w *ec2Worlds) getManagedPrefixListEntries(c *call) (*response, error) {
	if err := ec2DryRun(c); err != nil {
		return nil, err
	}
	id := c.form.Get("PrefixListId")
	if id == "" {
		return nil, ec2Error("MissingParameter", "The request must contain the parameter PrefixListId")
	}
	i := slices.IndexFunc(w.regionOf(c).pls, func(p *plR) bool { return p.id == id })
	if i < 0 {
		return nil, plNotFound([]string{id})
	}
	pl := w.regionOf(c).pls[i]
	if v := c.form.Get("TargetVersion"); v != "" && v != strconv.Itoa(pl.version) {
		return nil, ec2Error("InvalidParameterValue", "The prefix list %s has no version %s (fakeaws keeps only the current version, %d).", id, v, pl.version)
	}
	start, end, next, err := ec2Page(c, "GetManagedPrefixListEntries", len(pl.Entries), ec2Limits1to100)
	if err != nil {
		return nil, err
	}
	return ec2Response(c, "GetManagedPrefixListEntries", func(x *xmlw) {
		x.open("entrySet")
		for _, e := range pl.Entries[start:end] {
			x.open("item").leaf("cidr", e.CIDR).leafIf("description", e.Description).close("item")
		}
		x.close("entrySet")
		x.leafIf("nextToken", next)
	}), nil
}

func (e *vpceR) ec2ID() string              { return e.id }
func (e *vpceR) ec2Tags() map[string]string { return e.Tags }
func (e *vpceR) ec2Filter(name string) ([]string, bool) {
	switch name {
	case "vpc-endpoint-id":
		return []string{e.id}, true
	case "vpc-id":
		return []string{e.vpc.id}, true
	case "service-name":
		return []string{e.ServiceName}, true
	case "vpc-endpoint-type":
		return []string{e.typ}, true
	case "vpc-endpoint-state":
		return []string{e.state}, true
	}
	return nil, false
}

func (w *ec2Worlds) describeVpcEndpoints(c *call) (*response, error) {
	acct := c.account().ID
	eps, err := ec2Select(c, w.regionOf(c).endpoints, "VpcEndpointId", func(missing []string) error {
		return ec2Error("InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '%s' does not exist", missing[0])
	})
	if err != nil {
		return nil, err
	}
	start, end, next, err := ec2Page(c, "DescribeVpcEndpoints", len(eps), ec2LimitsVPCE)
	if err != nil {
		return nil, err
	}
	sgName := func(id string) string {
		for _, sg := range w.regionOf(c).sgs {
			if sg.id == id {
				return sg.Name
			}
		}
		return ""
	}
	return ec2Response(c, "DescribeVpcEndpoints", func(x *xmlw) {
		x.open("vpcEndpointSet")
		for _, e := range eps[start:end] {
			x.open("item").leaf("vpcEndpointId", e.id).leaf("vpcEndpointType", e.typ).leaf("vpcId", e.vpc.id).
				leaf("serviceName", e.ServiceName).leaf("state", e.state).leafIf("policyDocument", e.policy)
			ec2Items(x, "routeTableIdSet", e.rts)
			ec2Items(x, "subnetIdSet", e.subnets)
			x.open("groupSet")
			for _, id := range e.sgs {
				x.open("item").leaf("groupId", id).leaf("groupName", sgName(id)).close("item")
			}
			x.close("groupSet").leaf("ipAddressType", "ipv4").boolLeaf("privateDnsEnabled", e.PrivateDNSEnabled).
				boolLeaf("requesterManaged", false).empty("networkInterfaceIdSet").empty("dnsEntrySet").
				leaf("creationTimestamp", isoMillis(orDefaultTime(e.Created)))
			ec2TagSet(x, e.Tags)
			x.leaf("ownerId", acct).close("item")
		}
		x.close("vpcEndpointSet")
		x.leafIf("nextToken", next)
	}), nil
}

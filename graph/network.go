package graph

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// SecurityGroup is an EC2 security group with its ingress rules: what
// instances, load balancers, databases and other network interfaces that
// carry it accept (EC2 User Guide, "Security group rules"). Egress is not
// kept: trustmap judges ways in.
type SecurityGroup struct {
	GroupID string `json:"group_id"`
	Name    string `json:"name,omitempty"`
	VPCID   string `json:"vpc_id,omitempty"`
	Owner   string `json:"owner,omitempty"`
	// Ingress lists the rules; IngressKnown is Unknown when the group
	// could not be read (DescribeSecurityGroups denied for it).
	Ingress      []IngressRule `json:"ingress,omitempty"`
	IngressKnown Tri           `json:"ingress_known"`
}

// IngressRule is one ingress permission: a protocol and port range from a
// set of sources (IP ranges, prefix lists, other security groups).
type IngressRule struct {
	// Protocol is "tcp", "udp", "icmp", "icmpv6" or "-1" (all).
	Protocol string `json:"protocol"`
	// FromPort and ToPort bound the ports; -1 (or Protocol "-1") means all.
	FromPort    int        `json:"from_port"`
	ToPort      int        `json:"to_port"`
	CIDRs       []string   `json:"cidrs,omitempty"` // IPv4 and IPv6 ranges
	PrefixLists []string   `json:"prefix_lists,omitempty"`
	Groups      []GroupRef `json:"groups,omitempty"`
	Description string     `json:"description,omitempty"`
}

// GroupRef is a security group named as the source of a rule, possibly in
// another account (UserIdGroupPairs).
type GroupRef struct {
	GroupID string `json:"group_id"`
	Account string `json:"account,omitempty"`
	// PeeringConnection is set when the group is reached over VPC peering.
	PeeringConnection string `json:"peering_connection,omitempty"`
}

// Ports renders a rule's protocol and ports: "tcp/22", "tcp/1024-65535",
// "udp/all", "all".
func (r IngressRule) Ports() string {
	p := strings.ToLower(r.Protocol)
	switch p {
	case "-1", "all", "":
		return "all"
	case "6":
		p = "tcp"
	case "17":
		p = "udp"
	case "1":
		p = "icmp"
	case "58":
		p = "icmpv6"
	}
	switch {
	case r.FromPort < 0 || r.ToPort < 0 || (r.FromPort == 0 && r.ToPort == 65535):
		return p + "/all"
	case r.FromPort == r.ToPort:
		return fmt.Sprintf("%s/%d", p, r.FromPort)
	}
	return fmt.Sprintf("%s/%d-%d", p, r.FromPort, r.ToPort)
}

// Admits reports whether the rule admits a TCP or UDP port (protocol
// "tcp" or "udp"); a rule for all protocols admits every port.
func (r IngressRule) Admits(protocol string, port int) bool {
	p := strings.ToLower(r.Protocol)
	if p == "-1" || p == "all" {
		return true
	}
	if (p == "6" && protocol == "tcp") || (p == "17" && protocol == "udp") {
		p = protocol
	}
	if p != protocol {
		return false
	}
	if r.FromPort < 0 || r.ToPort < 0 {
		return true
	}
	return port >= r.FromPort && port <= r.ToPort
}

// SourceKind says who a rule's source stands for.
type SourceKind int

// Source kinds, widest first.
const (
	// SourceInternet: 0.0.0.0/0, ::/0 (or a range as broad as the policy
	// engine's "non-broad IP range" test allows): anyone on the internet.
	SourceInternet SourceKind = iota
	// SourceNetwork: a fixed IP range or a prefix list: those addresses only.
	SourceNetwork
	// SourceAccount: a security group of another account.
	SourceAccount
	// SourceOwn: a security group of the owner's own account.
	SourceOwn
)

// Source is one party a security group admits, on which ports.
type Source struct {
	Kind SourceKind
	// Principal is the node id of who is admitted: InternetID, an
	// AccountID for another account's group, "network:<cidr>" or
	// "prefix-list:<id>" for fixed networks, or the group id for the
	// owner's own groups.
	Principal string
	// Ports are the admitted protocol/ports (IngressRule.Ports), sorted.
	Ports []string
	// Evidence names each rule that admits it.
	Evidence []Evidence
}

// AdmittedSources folds the ingress rules of a set of security groups (the
// groups of one network interface: AWS allows a packet that any one of them
// allows) into who is admitted on which ports, widest first. owner is the
// account of the groups. Known is Unknown when a group could not be read:
// what it admits is not among the sources. Prefix lists AWS manages for a
// service (com.amazonaws.global.cloudfront.origin-facing …) stand for that
// service's network, named by id: resolvers that know the list say more.
func AdmittedSources(owner string, groups []*SecurityGroup) (sources []Source, known Tri) {
	known = True
	by := map[string]*Source{}
	add := func(kind SourceKind, principal, ports, groupID string, rule IngressRule, what string) {
		s, ok := by[principal]
		if !ok {
			s = &Source{Kind: kind, Principal: principal}
			by[principal] = s
		}
		if !slices.Contains(s.Ports, ports) {
			s.Ports = append(s.Ports, ports)
		}
		detail := fmt.Sprintf("security group %s admits %s from %s", groupID, ports, what)
		if rule.Description != "" {
			detail += " (" + rule.Description + ")"
		}
		s.Evidence = append(s.Evidence, Evidence{Source: "ec2:DescribeSecurityGroups", Detail: detail,
			Fix: fmt.Sprintf("remove or narrow the ingress rule of %s that admits %s from %s", groupID, ports, what)})
	}
	for _, g := range groups {
		if g == nil || g.IngressKnown != True {
			known = Unknown
			continue
		}
		for _, r := range g.Ingress {
			ports := r.Ports()
			for _, c := range r.CIDRs {
				if broadCIDR(c) {
					add(SourceInternet, InternetID, ports, g.GroupID, r, c)
				} else {
					add(SourceNetwork, "network:"+c, ports, g.GroupID, r, c)
				}
			}
			for _, pl := range r.PrefixLists {
				add(SourceNetwork, "prefix-list:"+pl, ports, g.GroupID, r, "prefix list "+pl)
			}
			for _, ref := range r.Groups {
				if ref.Account != "" && ref.Account != owner {
					add(SourceAccount, AccountID(ref.Account), ports, g.GroupID, r, "security group "+ref.GroupID+" of account "+ref.Account)
				} else {
					add(SourceOwn, ref.GroupID, ports, g.GroupID, r, "security group "+ref.GroupID)
				}
			}
		}
	}
	for _, s := range by {
		slices.Sort(s.Ports)
		slices.SortFunc(s.Evidence, CompareEvidence)
		sources = append(sources, *s)
	}
	slices.SortFunc(sources, func(a, b Source) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Principal, b.Principal))
	})
	return sources, known
}

// broadCIDR reports whether a range is as good as the whole internet:
// broader than /8 for IPv4 or /32 for IPv6 (the limits S3 Block Public
// Access uses for aws:SourceIp — a /8 is a fixed range, a /7 is public: S3
// User Guide, "The meaning of public"; the policy engine uses the same),
// IPv4-mapped IPv6 judged as IPv4. An unparseable range is treated as
// broad: over-stating beats missing a way in.
func broadCIDR(c string) bool {
	p, err := netip.ParsePrefix(strings.TrimSpace(c))
	if err != nil {
		return true
	}
	addr, bits := p.Addr(), p.Bits()
	if addr.Is4In6() && bits >= 96 {
		addr, bits = addr.Unmap(), bits-96
	}
	if addr.Is4() {
		return bits < 8
	}
	return bits < 32
}

// SecurityGroupARN is the node id of a security group.
func SecurityGroupARN(region, account, groupID string) string {
	return "arn:aws:ec2:" + region + ":" + account + ":security-group/" + groupID
}

// securityGroups returns the collected security groups of the given ids in
// an account and region; a group that was not collected is a nil entry
// (AdmittedSources then says what it admits is unknown).
func (r *resolver) securityGroups(account, region string, ids []string) []*SecurityGroup {
	out := make([]*SecurityGroup, 0, len(ids))
	for _, id := range ids {
		if n, ok := r.node(SecurityGroupARN(region, account, id)); ok && n.SecurityGroup() != nil {
			out = append(out, n.SecurityGroup())
		} else {
			out = append(out, nil)
		}
	}
	return out
}

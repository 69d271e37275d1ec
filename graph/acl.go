package graph

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Network ACLs and routes: the subnet-level half of "can a packet from
// outside reach this interface". Network ACLs are stateless and ordered
// (VPC User Guide, "Control subnet traffic with network access control
// lists": rules are evaluated in order, lowest number first, and the first
// rule that matches the traffic decides, the "*" rule denying what no rule
// matched); routes decide whether the internet can reach the subnet at all
// (VPC User Guide, "Enable internet access for a VPC using an internet
// gateway": a subnet is public when its route table sends 0.0.0.0/0, or
// ::/0, to an internet gateway).

// aclVerdict is what a subnet's inbound network ACL does to traffic from
// one source range on a set of ports.
type aclVerdict struct {
	// Whole are the ports every address of the source gets through on.
	Whole PortSet
	// Parts are narrower ranges inside the source that get ports through
	// beyond Whole (a rule allowing 203.0.113.0/24 after no broader rule
	// decided): the source reaches those only from there.
	Parts []aclPart
	// Allowed and Denied are the rules that decided for the whole source.
	Allowed, Denied []ACLRule
}

type aclPart struct {
	CIDR  string
	Ports PortSet
	Rule  ACLRule
}

// evalACL walks the inbound rules in number order for traffic from src on
// ports. A rule of the other address family never matches. A rule whose
// range holds all of src decides its ports for src; a narrower rule that
// allows decides them for its part of src only (an earlier narrower deny
// overlapping it is not subtracted: the part may be over-stated, never
// missed).
func evalACL(rules []ACLRule, src netip.Prefix, ports PortSet) aclVerdict {
	v := aclVerdict{Whole: PortSet{}}
	remaining := ports
	sorted := slices.Clone(rules)
	slices.SortStableFunc(sorted, func(a, b ACLRule) int { return a.Number - b.Number })
	for _, r := range sorted {
		if remaining.Empty() {
			break
		}
		rc, err := netip.ParsePrefix(strings.TrimSpace(r.CIDR))
		if err != nil || rc.Addr().Is4() != src.Addr().Is4() {
			continue
		}
		rp := aclPorts(r).Intersect(remaining)
		if rp.Empty() {
			continue
		}
		switch {
		case rc.Bits() <= src.Bits() && rc.Contains(src.Addr()):
			if r.Allow {
				v.Whole = v.Whole.Union(rp)
				v.Allowed = append(v.Allowed, r)
			} else {
				v.Denied = append(v.Denied, r)
			}
			remaining = remaining.Minus(rp)
		case src.Bits() < rc.Bits() && src.Contains(rc.Addr()) && r.Allow:
			v.Parts = append(v.Parts, aclPart{CIDR: rc.String(), Ports: rp, Rule: r})
		}
	}
	// What no rule matched meets the "*" rule, which the collected rules
	// include; without it AWS still denies.
	kept := v.Parts[:0]
	for _, p := range v.Parts {
		if p.Ports = p.Ports.Minus(v.Whole); !p.Ports.Empty() {
			kept = append(kept, p)
		}
	}
	v.Parts = kept
	return v
}

func (r ACLRule) describe() string {
	verb := "denies"
	if r.Allow {
		verb = "allows"
	}
	num := fmt.Sprintf("rule %d", r.Number)
	if r.Number >= 32767 {
		num = `rule "*"`
	}
	return fmt.Sprintf("%s %s %s from %s", num, verb, aclPorts(r), r.CIDR)
}

// aclEvidence turns the deciding rules of a verdict into evidence.
func aclEvidence(s *Subnet, rules []ACLRule) []Evidence {
	var out []Evidence
	for _, r := range rules {
		out = append(out, Evidence{Source: "ec2:DescribeNetworkAcls", Detail: fmt.Sprintf("network ACL %s of subnet %s: %s", s.NetworkACL, s.SubnetID, r.describe())})
	}
	return out
}

// routeFor says whether the subnet's route table sends traffic for the
// source range to an internet gateway, so that replies reach it and the
// gateway delivers its packets: for the whole internet a default route
// (as broad as broadCIDR), for a fixed range any route to the gateway that
// holds it or lies inside it. Unknown when the routes were not read.
func routeFor(s *Subnet, src netip.Prefix, internet bool) (Tri, string) {
	if s == nil || s.RoutesKnown != True {
		return Unknown, ""
	}
	for _, d := range s.InternetRoutes {
		rp, err := netip.ParsePrefix(d)
		if err != nil || rp.Addr().Is4() != src.Addr().Is4() {
			continue
		}
		if internet {
			if broadCIDR(d) {
				return True, d
			}
			continue
		}
		if rp.Overlaps(src) {
			return True, d
		}
	}
	return False, ""
}

func routeEvidence(s *Subnet, dest string) Evidence {
	return Evidence{Source: "ec2:DescribeRouteTables",
		Detail: fmt.Sprintf("subnet %s routes %s to internet gateway %s (route table %s)", s.SubnetID, dest, nonEmpty(s.Gateway, "igw"), nonEmpty(s.RouteTable, "main"))}
}

// privateCIDR says whether a range lies inside a private block (RFC 1918,
// RFC 6598 shared space, IPv6 unique local fc00::/7): only networks joined
// to the VPC send from there, which is no way in from outside.
func privateCIDR(c string) bool {
	p, err := netip.ParsePrefix(strings.TrimSpace(c))
	if err != nil {
		return false
	}
	for _, b := range privateBlocks {
		if b.Bits() <= p.Bits() && b.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

var privateBlocks = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("fc00::/7"),
}

package graph

import (
	"fmt"
	"slices"
	"strings"
)

// PortSet is a set of transport ports per protocol: what a security group
// rule admits, what a network ACL lets through, what a listener listens
// on. TCP and UDP carry port ranges (0–65535); ICMP, ICMPv6 and every
// other IP protocol are all or nothing (trustmap judges ways in, not ICMP
// types).
type PortSet map[string][]portRange

type portRange struct{ lo, hi int }

// Protocol keys of a PortSet.
const (
	protoTCP    = "tcp"
	protoUDP    = "udp"
	protoICMP   = "icmp"
	protoICMPv6 = "icmpv6"
	protoOther  = "other"
)

var allProtocols = []string{protoTCP, protoUDP, protoICMP, protoICMPv6, protoOther}

const maxPort = 65535

// protocolKey names an IP protocol as AWS writes it ("tcp", "6", "-1", ...)
// by its PortSet key; "" for all protocols.
func protocolKey(p string) string {
	switch strings.ToLower(p) {
	case "-1", "all", "":
		return ""
	case "tcp", "6":
		return protoTCP
	case "udp", "17":
		return protoUDP
	case "icmp", "1":
		return protoICMP
	case "icmpv6", "58":
		return protoICMPv6
	}
	return protoOther
}

func ranged(proto string) bool { return proto == protoTCP || proto == protoUDP }

// AllPorts is every port of every protocol.
func AllPorts() PortSet {
	s := PortSet{}
	for _, p := range allProtocols {
		s.add(p, 0, maxPort)
	}
	return s
}

// Ports is the set of one protocol's ports lo–hi (protocol as AWS writes
// it; "-1" is every protocol and ignores the range). A negative bound
// means every port.
func Ports(protocol string, lo, hi int) PortSet {
	key := protocolKey(protocol)
	if key == "" {
		return AllPorts()
	}
	if lo < 0 || hi < 0 || !ranged(key) {
		lo, hi = 0, maxPort
	}
	s := PortSet{}
	s.add(key, lo, hi)
	return s
}

func (s PortSet) add(proto string, lo, hi int) {
	if !ranged(proto) {
		lo, hi = 0, maxPort
	}
	lo, hi = max(lo, 0), min(hi, maxPort)
	if lo > hi {
		return
	}
	rs := append(s[proto], portRange{lo, hi})
	slices.SortFunc(rs, func(a, b portRange) int { return a.lo - b.lo })
	out := rs[:1]
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if r.lo <= last.hi+1 {
			last.hi = max(last.hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	s[proto] = out
}

// Empty reports whether the set holds no port.
func (s PortSet) Empty() bool {
	for _, rs := range s {
		if len(rs) > 0 {
			return false
		}
	}
	return true
}

// Union returns s ∪ o.
func (s PortSet) Union(o PortSet) PortSet {
	out := PortSet{}
	for _, x := range []PortSet{s, o} {
		for p, rs := range x {
			for _, r := range rs {
				out.add(p, r.lo, r.hi)
			}
		}
	}
	return out
}

// Intersect returns s ∩ o.
func (s PortSet) Intersect(o PortSet) PortSet {
	out := PortSet{}
	for p, rs := range s {
		for _, a := range rs {
			for _, b := range o[p] {
				if lo, hi := max(a.lo, b.lo), min(a.hi, b.hi); lo <= hi {
					out.add(p, lo, hi)
				}
			}
		}
	}
	return out
}

// Minus returns s \ o.
func (s PortSet) Minus(o PortSet) PortSet {
	out := PortSet{}
	for p, rs := range s {
		for _, a := range rs {
			pieces := []portRange{a}
			for _, b := range o[p] {
				var next []portRange
				for _, x := range pieces {
					if b.hi < x.lo || b.lo > x.hi {
						next = append(next, x)
						continue
					}
					if x.lo < b.lo {
						next = append(next, portRange{x.lo, b.lo - 1})
					}
					if x.hi > b.hi {
						next = append(next, portRange{b.hi + 1, x.hi})
					}
				}
				pieces = next
			}
			for _, x := range pieces {
				out.add(p, x.lo, x.hi)
			}
		}
	}
	return out
}

// Equal reports whether s and o hold the same ports.
func (s PortSet) Equal(o PortSet) bool { return s.Minus(o).Empty() && o.Minus(s).Empty() }

// Strings renders the set as the actions of a can-connect edge: "all" for
// everything; else "tcp/22", "tcp/1024-65535", "tcp/all", "udp/53",
// "icmp", "icmpv6", "other protocols", sorted by protocol and port.
func (s PortSet) Strings() []string {
	if s.Equal(AllPorts()) {
		return []string{"all"}
	}
	var out []string
	for _, p := range allProtocols {
		for _, r := range s[p] {
			switch {
			case p == protoOther:
				out = append(out, "other protocols")
			case !ranged(p):
				out = append(out, p)
			case r.lo == 0 && r.hi == maxPort:
				out = append(out, p+"/all")
			case r.lo == r.hi:
				out = append(out, fmt.Sprintf("%s/%d", p, r.lo))
			default:
				out = append(out, fmt.Sprintf("%s/%d-%d", p, r.lo, r.hi))
			}
		}
	}
	return out
}

func (s PortSet) String() string { return strings.Join(s.Strings(), ", ") }

// rulePorts is what a security group rule admits.
func rulePorts(r IngressRule) PortSet { return Ports(r.Protocol, r.FromPort, r.ToPort) }

// aclPorts is what a network ACL rule matches: a protocol, and for TCP and
// UDP its port range (none given: every port).
func aclPorts(r ACLRule) PortSet {
	if r.FromPort == 0 && r.ToPort == 0 {
		return Ports(r.Protocol, -1, -1)
	}
	return Ports(r.Protocol, r.FromPort, r.ToPort)
}

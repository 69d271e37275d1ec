package fakeaws

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// ec2Net is one account's EC2 world as the API reports it: ids resolved or
// derived, references followed, and the resources AWS creates with a VPC (its
// main route table, default network ACL and default security group) added
// where the fixture leaves them out. buildEC2 makes it both for validation,
// which reports its problems, and for the handlers, which skip whatever a
// problem left unresolved (a World built in Go need not be validated).
type ec2Net struct {
	account  *Account
	base     []any // the account's path in the fixture
	regions  map[string]*ec2Region
	ids      map[string]bool // every id, to refuse duplicates
	problems []fixtureProblem
}

// fixtureProblem is a validation error at a path of the fixture.
type fixtureProblem struct {
	path []any
	msg  string
}

type ec2Region struct {
	name      string
	vpcs      []*vpcR
	subnets   []*subnetR
	igws      []*igwR
	rts       []*rtR
	acls      []*aclR
	sgs       []*sgR
	pls       []*plR
	instances []*instR
	eips      []*eipR
	lts       []*ltR
	endpoints []*vpceR
}

type vpcR struct {
	*VPC
	id           string
	cidr, ipv6   netip.Prefix
	dnsHostnames bool
	mainRT       *rtR
	defaultACL   *aclR
	defaultSG    *sgR
}

type subnetR struct {
	*Subnet
	id   string
	vpc  *vpcR
	cidr netip.Prefix
	az   string
	acl  *aclR // the network ACL it is associated with
	used map[netip.Addr]bool
	next int
}

type igwR struct {
	*InternetGateway
	id  string
	vpc *vpcR
}

func (n *ec2Net) region(region string) *ec2Region {
	r := n.regions[region]
	if r == nil {
		r = &ec2Region{name: region}
		n.regions[region] = r
	}
	return r
}

func (n *ec2Net) errf(path []any, format string, args ...any) {
	n.problems = append(n.problems, fixtureProblem{path, fmt.Sprintf(format, args...)})
}

// ec2IDRE is the shape of an EC2 id with a given prefix: 8 or 17 hex digits.
func ec2IDShape(prefix, id string) bool {
	rest, ok := strings.CutPrefix(id, prefix+"-")
	return ok && ec2HexRE.MatchString(rest)
}

var ec2HexRE = regexp.MustCompile(`^([0-9a-f]{8}|[0-9a-f]{17})$`)

// genID derives a stable id (prefix-17 hex digits) from a seed.
func genID(prefix, seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return prefix + "-" + hex.EncodeToString(sum[:])[:17]
}

// resourceID returns the fixture's id after checking its shape, or one
// derived from the account, region, kind and handle (the name, else the
// position).
func (n *ec2Net) resourceID(path []any, prefix, given, region, kind, name string, index int) string {
	id := given
	if id == "" {
		handle := name
		if handle == "" {
			handle = fmt.Sprintf("#%d", index)
		}
		id = genID(prefix, n.account.ID+"/"+region+"/"+kind+"/"+handle)
	} else if !ec2IDShape(prefix, id) {
		n.errf(at(path, "id"), "%q is not a %s id (%s- and 8 or 17 hex digits)", id, kind, prefix)
	}
	if n.ids[id] {
		n.errf(at(path, "id"), "id %s appears twice", id)
	}
	n.ids[id] = true
	return id
}

// regionOf checks a resource's region and returns it (default: the
// account's first region).
func (n *ec2Net) regionOf(path []any, r string) string {
	if r == "" {
		return n.account.homeRegion()
	}
	if !validRegion(r) {
		n.errf(at(path, "region"), "%q is not a region name", r)
	} else if !n.account.regionEnabled(r) {
		n.errf(at(path, "region"), "region %s is not enabled for account %s", r, n.account.ID)
	}
	return r
}

// find looks a reference up by id, then by fixture name; ambiguous names
// and misses are reported at path.
func find[T any](n *ec2Net, path []any, kind, ref string, items []T, key func(T) (id, name string)) (T, bool) {
	var zero, hit T
	count := 0
	for _, it := range items {
		id, name := key(it)
		if id == ref {
			return it, true
		}
		if name != "" && name == ref {
			hit = it
			count++
		}
	}
	switch count {
	case 1:
		return hit, true
	case 0:
		if path != nil {
			n.errf(path, "%s %s is not in the fixture in that region", kind, ref)
		}
	default:
		if path != nil {
			n.errf(path, "%s name %s is ambiguous: give the id", kind, ref)
		}
	}
	return zero, false
}

func (r *ec2Region) vpc(n *ec2Net, path []any, ref string) *vpcR {
	if ref == "" {
		n.errf(path, "a VPC is required")
		return nil
	}
	v, _ := find(n, path, "VPC", ref, r.vpcs, func(v *vpcR) (string, string) { return v.id, v.Name })
	return v
}

func (r *ec2Region) subnet(n *ec2Net, path []any, ref string) *subnetR {
	s, _ := find(n, path, "subnet", ref, r.subnets, func(s *subnetR) (string, string) { return s.id, s.Name })
	return s
}

func parsePrefix(s string, v6 bool) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	if err != nil || p.Addr().Is6() != v6 || p.Masked() != p {
		return netip.Prefix{}, false
	}
	return p, true
}

// buildEC2 resolves an account's EC2 world. base is the account's path in
// the fixture (for problems).
func buildEC2(a *Account, base []any) *ec2Net {
	n := &ec2Net{account: a, base: base, regions: map[string]*ec2Region{}, ids: map[string]bool{}}
	e := &a.EC2
	p := at(base, "ec2")
	n.vpcs(at(p, "vpcs"), e.VPCs)
	n.subnets(at(p, "subnets"), e.Subnets)
	n.internetGateways(at(p, "internet_gateways"), e.InternetGateways)
	n.prefixLists(at(p, "prefix_lists"), e.PrefixLists)
	n.routeTables(at(p, "route_tables"), e.RouteTables)
	n.networkACLs(at(p, "network_acls"), e.NetworkACLs)
	n.securityGroups(at(p, "security_groups"), e.SecurityGroups)
	n.instances(at(p, "instances"), e.Instances)
	n.addresses(at(p, "addresses"), e.Addresses)
	n.routes(at(p, "route_tables"))
	n.launchTemplates(at(p, "launch_templates"), e.LaunchTemplates)
	n.vpcEndpoints(at(p, "vpc_endpoints"), e.VPCEndpoints)
	return n
}

func (n *ec2Net) vpcs(p []any, vpcs []*VPC) {
	defaults := map[string]bool{}
	for j, v := range vpcs {
		vp := at(p, j)
		if v == nil {
			n.errf(vp, "empty VPC")
			continue
		}
		region := n.regionOf(vp, v.Region)
		r := n.region(region)
		if v.Name != "" {
			if _, dup := find(n, nil, "", v.Name, r.vpcs, func(x *vpcR) (string, string) { return "", x.Name }); dup {
				n.errf(at(vp, "name"), "VPC name %s appears twice in %s", v.Name, region)
			}
		}
		vr := &vpcR{VPC: v, id: n.resourceID(vp, "vpc", v.ID, region, "vpc", v.Name, j)}
		var ok bool
		if vr.cidr, ok = parsePrefix(v.CIDRBlock, false); !ok || vr.cidr.Bits() < 16 || vr.cidr.Bits() > 28 {
			n.errf(at(vp, "cidr_block"), "cidr_block %q is not an IPv4 CIDR block between /16 and /28", v.CIDRBlock)
		}
		if v.IPv6CIDRBlock != "" {
			if vr.ipv6, ok = parsePrefix(v.IPv6CIDRBlock, true); !ok {
				n.errf(at(vp, "ipv6_cidr_block"), "ipv6_cidr_block %q is not an IPv6 CIDR block", v.IPv6CIDRBlock)
			}
		}
		if v.IsDefault {
			if defaults[region] {
				n.errf(at(vp, "is_default"), "a region has one default VPC; %s has two", region)
			}
			defaults[region] = true
		}
		vr.dnsHostnames = v.IsDefault
		if v.EnableDNSHostnames != nil {
			vr.dnsHostnames = *v.EnableDNSHostnames
		}
		r.vpcs = append(r.vpcs, vr)
	}
}

func (n *ec2Net) subnets(p []any, subnets []*Subnet) {
	for j, s := range subnets {
		sp := at(p, j)
		if s == nil {
			n.errf(sp, "empty subnet")
			continue
		}
		region := n.regionOf(sp, s.Region)
		r := n.region(region)
		sr := &subnetR{Subnet: s, id: n.resourceID(sp, "subnet", s.ID, region, "subnet", s.Name, j), used: map[netip.Addr]bool{}}
		sr.vpc = r.vpc(n, at(sp, "vpc"), s.VPC)
		if sr.vpc == nil {
			continue
		}
		var ok bool
		if sr.cidr, ok = parsePrefix(s.CIDRBlock, false); !ok || sr.cidr.Bits() < 16 || sr.cidr.Bits() > 28 {
			n.errf(at(sp, "cidr_block"), "cidr_block %q is not an IPv4 CIDR block between /16 and /28", s.CIDRBlock)
			continue
		}
		if sr.vpc.cidr.IsValid() && (!sr.vpc.cidr.Contains(sr.cidr.Addr()) || sr.cidr.Bits() < sr.vpc.cidr.Bits()) {
			n.errf(at(sp, "cidr_block"), "subnet %s is not inside its VPC's %s", s.CIDRBlock, sr.vpc.cidr)
		}
		for _, o := range r.subnets {
			if o.vpc == sr.vpc && o.cidr.Overlaps(sr.cidr) {
				n.errf(at(sp, "cidr_block"), "subnet %s overlaps subnet %s of the same VPC", s.CIDRBlock, o.cidr)
			}
		}
		if s.IPv6CIDRBlock != "" {
			if p6, ok := parsePrefix(s.IPv6CIDRBlock, true); !ok || !sr.vpc.ipv6.IsValid() || !sr.vpc.ipv6.Contains(p6.Addr()) {
				n.errf(at(sp, "ipv6_cidr_block"), "ipv6_cidr_block %q is not an IPv6 block inside the VPC's", s.IPv6CIDRBlock)
			}
		}
		sr.az = s.AvailabilityZone
		if sr.az == "" {
			sr.az = region + "a"
		} else if !strings.HasPrefix(sr.az, region) || len(sr.az) != len(region)+1 {
			n.errf(at(sp, "availability_zone"), "availability_zone %q is not a zone of %s", sr.az, region)
		}
		r.subnets = append(r.subnets, sr)
	}
}

func (n *ec2Net) internetGateways(p []any, igws []*InternetGateway) {
	for j, g := range igws {
		gp := at(p, j)
		if g == nil {
			n.errf(gp, "empty internet gateway")
			continue
		}
		region := n.regionOf(gp, g.Region)
		r := n.region(region)
		gr := &igwR{InternetGateway: g, id: n.resourceID(gp, "igw", g.ID, region, "internet-gateway", g.Name, j)}
		if g.VPC != "" {
			if gr.vpc = r.vpc(n, at(gp, "vpc"), g.VPC); gr.vpc != nil {
				for _, o := range r.igws {
					if o.vpc == gr.vpc {
						n.errf(at(gp, "vpc"), "a VPC has at most one internet gateway; %s already has %s", g.VPC, o.id)
					}
				}
			}
		}
		r.igws = append(r.igws, gr)
	}
}

// nextIP hands out the subnet's next free private address, skipping the
// four AWS reserves at the start of each subnet and the ones the fixture
// gives explicitly.
func (s *subnetR) nextIP() string {
	if !s.cidr.IsValid() {
		return ""
	}
	addr := s.cidr.Addr()
	for i := 0; i < 4+s.next; i++ {
		addr = addr.Next()
	}
	for s.used[addr] {
		addr = addr.Next()
		s.next++
	}
	s.next++
	s.used[addr] = true
	if !s.cidr.Contains(addr) {
		return ""
	}
	return addr.String()
}

// ec2DNS is the public or private DNS name EC2 gives an IPv4 address in a
// region (us-east-1 has its own domains).
func ec2DNS(region, ip string, public bool) string {
	dashed := strings.ReplaceAll(ip, ".", "-")
	switch {
	case public && region == "us-east-1":
		return "ec2-" + dashed + ".compute-1.amazonaws.com"
	case public:
		return "ec2-" + dashed + "." + region + ".compute.amazonaws.com"
	case region == "us-east-1":
		return "ip-" + dashed + ".ec2.internal"
	}
	return "ip-" + dashed + "." + region + ".compute.internal"
}

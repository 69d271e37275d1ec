package fakeaws

import (
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// Instances, Elastic IPs, launch templates and VPC endpoints of the resolved
// EC2 world (ec2_world.go).

type instR struct {
	*Instance
	id          string
	ownerID     string
	path        []any
	region      string
	subnet      *subnetR
	state       string
	code        int
	enis        []*eniR // none once terminated
	profileARN  string
	profileID   string
	reservation string
	meta        MetadataOptions
}

// eniR is an instance's network interface.
type eniR struct {
	id, attachID, mac string
	inst              *instR
	subnet            *subnetR
	device            int
	privateIP         string
	publicIP, ipOwner string // the public IPv4 address and its owner ("amazon" or the Elastic IP's account)
	carrierIP         string
	ipv6              []string
	sgs               []*sgR
	desc              string
	eip               *eipR
}

type eipR struct {
	*ElasticIP
	region                      string
	allocID, assocID, privateIP string
	eni                         *eniR
}

type ltR struct {
	*LaunchTemplate
	id                string
	createdBy         string
	versions          []*ltvR // newest first
	defaultV, latestV int
}

type ltvR struct {
	*LaunchTemplateVersion
	number int
	lt     *ltR
	sgIDs  []string
	nis    []ltNIR
}

type ltNIR struct {
	LTNetworkInterface
	subnet string
	sgs    []string
}

type vpceR struct {
	*VPCEndpoint
	id, typ, state, policy string
	vpc                    *vpcR
	rts, subnets, sgs      []string
}

func instKey(i *instR) (string, string) { return i.id, i.Name }

// instanceStates are the instance states with their codes (InstanceState).
var instanceStates = map[string]int{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

func (n *ec2Net) instances(p []any, instances []*Instance) {
	// First every explicit private address, so that derived ones avoid them.
	var all []*instR
	for j, in := range instances {
		ip := at(p, j)
		if in == nil {
			n.errf(ip, "empty instance")
			continue
		}
		region := n.regionOf(ip, in.Region)
		r := n.region(region)
		ir := &instR{Instance: in, path: ip, region: region, ownerID: n.account.ID, state: orDefault(in.State, "running"),
			id: n.resourceID(ip, "i", in.ID, region, "instance", in.Name, j)}
		code, ok := instanceStates[ir.state]
		if !ok {
			n.errf(at(ip, "state"), "state %q is not pending, running, shutting-down, terminated, stopping or stopped", in.State)
		}
		ir.code = code
		if in.Subnet == "" {
			n.errf(ip, "an instance needs a subnet")
		} else {
			ir.subnet = r.subnet(n, at(ip, "subnet"), in.Subnet)
		}
		if ir.subnet != nil {
			n.claimIP(at(ip, "private_ip"), ir.subnet, in.PrivateIP)
			for k, ni := range in.NetworkInterfaces {
				if ni != nil {
					if s := ir.subnet; ni.Subnet == "" || func() bool { s = r.subnet(n, nil, ni.Subnet); return s != nil }() {
						n.claimIP(at(ip, "network_interfaces", k, "private_ip"), s, ni.PrivateIP)
					}
				}
			}
		}
		if in.Name != "" && slices.ContainsFunc(r.instances, func(o *instR) bool { return o.Name == in.Name }) {
			n.errf(at(ip, "name"), "instance name %s appears twice in %s", in.Name, region)
		}
		r.instances = append(r.instances, ir)
		all = append(all, ir)
	}
	for _, ir := range all {
		n.instance(ir)
	}
}

// claimIP marks an explicit private address as used in its subnet.
func (n *ec2Net) claimIP(p []any, s *subnetR, ip string) {
	if ip == "" {
		return
	}
	addr, err := netip.ParseAddr(ip)
	switch {
	case err != nil || !addr.Is4():
		n.errf(p, "%q is not an IPv4 address", ip)
	case s.cidr.IsValid() && !s.cidr.Contains(addr):
		n.errf(p, "private address %s is not in subnet %s", ip, s.cidr)
	case s.used[addr]:
		n.errf(p, "private address %s is used twice", ip)
	default:
		s.used[addr] = true
	}
}

func (n *ec2Net) instance(ir *instR) {
	in, ip, r := ir.Instance, ir.path, n.regions[ir.region]
	ir.reservation = genID("r", n.account.ID+"/"+ir.region+"/reservation/"+orDefault(in.Reservation, ir.id))
	ir.meta = n.metadata(at(ip, "metadata_options"), in.MetadataOptions, true)
	if in.IAMInstanceProfile != "" {
		ir.profileARN, ir.profileID = n.instanceProfile(at(ip, "iam_instance_profile"), in.IAMInstanceProfile)
	}
	if in.Platform != "" && in.Platform != "windows" {
		n.errf(at(ip, "platform"), "platform %q is not windows (or empty for Linux/UNIX)", in.Platform)
	}
	network := in.PublicIP != "" || in.CarrierIP != "" || len(in.NetworkInterfaces) > 0 || len(in.IPv6Addresses) > 0
	switch {
	case ir.state == "terminated":
		if network {
			n.errf(ip, "a terminated instance has no network interfaces or addresses")
		}
		return
	case (ir.state == "stopped" || ir.state == "stopping") && in.PublicIP != "":
		n.errf(at(ip, "public_ip"), "a stopped instance has released its public IP (an Elastic IP stays)")
	}
	if ir.subnet == nil {
		return
	}
	primary := InstanceNetworkInterface{ID: in.NetworkInterfaceID, Subnet: ir.subnet.id, PrivateIP: in.PrivateIP, PublicIP: in.PublicIP,
		IPv6Addresses: in.IPv6Addresses, SecurityGroups: in.SecurityGroups}
	ir.enis = append(ir.enis, n.eni(r, ir, ip, &primary, 0, in.CarrierIP))
	for k, ni := range in.NetworkInterfaces {
		if ni == nil {
			n.errf(at(ip, "network_interfaces", k), "empty network interface")
			continue
		}
		e := n.eni(r, ir, at(ip, "network_interfaces", k), ni, k+1, "")
		if e.subnet != nil && e.subnet.az != ir.subnet.az {
			n.errf(at(ip, "network_interfaces", k, "subnet"), "a network interface must be in the instance's Availability Zone %s", ir.subnet.az)
		}
		for _, o := range ir.enis {
			if o.device == e.device {
				n.errf(at(ip, "network_interfaces", k, "device_index"), "device index %d is used twice", e.device)
			}
		}
		ir.enis = append(ir.enis, e)
	}
}

func (n *ec2Net) eni(r *ec2Region, ir *instR, p []any, ni *InstanceNetworkInterface, position int, carrier string) *eniR {
	e := &eniR{inst: ir, device: position, privateIP: ni.PrivateIP, publicIP: ni.PublicIP, carrierIP: carrier, ipv6: ni.IPv6Addresses, desc: ni.Description}
	if position > 0 && ni.DeviceIndex != 0 {
		e.device = ni.DeviceIndex
	}
	idPath := at(p, "id")
	if position == 0 {
		idPath = at(p, "network_interface_id")
	}
	e.id = ni.ID
	if e.id == "" {
		e.id = genID("eni", ir.id+"/"+strconv.Itoa(position))
	} else if !ec2IDShape("eni", e.id) {
		n.errf(idPath, "%q is not a network interface id (eni-)", e.id)
	}
	if n.ids[e.id] {
		n.errf(idPath, "id %s appears twice", e.id)
	}
	n.ids[e.id] = true
	e.attachID = genID("eni-attach", e.id)
	sum := genID("m", e.id)
	e.mac = "0e:" + sum[2:4] + ":" + sum[4:6] + ":" + sum[6:8] + ":" + sum[8:10] + ":" + sum[10:12]
	e.subnet = ir.subnet
	if ni.Subnet != "" && ni.Subnet != ir.subnet.id {
		e.subnet = r.subnet(n, at(p, "subnet"), ni.Subnet)
	}
	if e.subnet == nil {
		return e
	}
	if e.subnet.vpc != ir.subnet.vpc {
		n.errf(at(p, "subnet"), "a network interface must be in the instance's VPC")
	}
	if e.privateIP == "" {
		e.privateIP = e.subnet.nextIP()
	}
	if e.publicIP != "" {
		e.ipOwner = "amazon"
		if a, err := netip.ParseAddr(e.publicIP); err != nil || !a.Is4() {
			n.errf(at(p, "public_ip"), "%q is not an IPv4 address", e.publicIP)
		}
	}
	for k, v6 := range e.ipv6 {
		a, err := netip.ParseAddr(v6)
		switch {
		case err != nil || !a.Is6():
			n.errf(at(p, "ipv6_addresses", k), "%q is not an IPv6 address", v6)
		case e.subnet.IPv6CIDRBlock == "":
			n.errf(at(p, "ipv6_addresses", k), "subnet %s has no IPv6 block", e.subnet.id)
		}
	}
	refs := ni.SecurityGroups
	if len(refs) == 0 && position > 0 {
		refs = ir.SecurityGroups
	}
	if len(refs) == 0 {
		if d := e.subnet.vpc.defaultSG; d != nil {
			e.sgs = []*sgR{d}
		}
	} else {
		e.sgs = n.sgInVPC(r, e.subnet.vpc, at(p, "security_groups"), refs)
	}
	return e
}

var metadataValues = map[string][]string{
	"http_tokens": {"optional", "required"}, "http_endpoint": {"enabled", "disabled"},
	"http_protocol_ipv6": {"enabled", "disabled"}, "instance_metadata_tags": {"enabled", "disabled"},
}

// metadata checks IMDS options; for an instance it fills in the defaults.
func (n *ec2Net) metadata(p []any, m *MetadataOptions, instance bool) MetadataOptions {
	var out MetadataOptions
	if m != nil {
		out = *m
	}
	for field, v := range map[string]string{"http_tokens": out.HTTPTokens, "http_endpoint": out.HTTPEndpoint,
		"http_protocol_ipv6": out.HTTPProtocolIPv6, "instance_metadata_tags": out.InstanceMetadataTags} {
		if v != "" && !slices.Contains(metadataValues[field], v) {
			n.errf(at(p, field), "%s %q is not one of %v", field, v, metadataValues[field])
		}
	}
	if out.HTTPPutResponseHopLimit != 0 && (out.HTTPPutResponseHopLimit < 1 || out.HTTPPutResponseHopLimit > 64) {
		n.errf(at(p, "http_put_response_hop_limit"), "http_put_response_hop_limit %d is not 1-64", out.HTTPPutResponseHopLimit)
	}
	if instance {
		out.HTTPTokens = orDefault(out.HTTPTokens, "optional")
		out.HTTPEndpoint = orDefault(out.HTTPEndpoint, "enabled")
		out.HTTPProtocolIPv6 = orDefault(out.HTTPProtocolIPv6, "disabled")
		out.InstanceMetadataTags = orDefault(out.InstanceMetadataTags, "disabled")
		if out.HTTPPutResponseHopLimit == 0 {
			out.HTTPPutResponseHopLimit = 1
		}
	}
	return out
}

func (n *ec2Net) addresses(p []any, eips []*ElasticIP) {
	seen := map[string]bool{}
	for j, e := range eips {
		ep := at(p, j)
		if e == nil {
			n.errf(ep, "empty address")
			continue
		}
		region := n.regionOf(ep, e.Region)
		r := n.region(region)
		er := &eipR{ElasticIP: e, region: region}
		if a, err := netip.ParseAddr(e.PublicIP); err != nil || !a.Is4() {
			n.errf(at(ep, "public_ip"), "public_ip %q is not an IPv4 address", e.PublicIP)
		} else if seen[e.PublicIP] {
			n.errf(at(ep, "public_ip"), "Elastic IP %s appears twice", e.PublicIP)
		}
		seen[e.PublicIP] = true
		er.allocID = orDefault(e.AllocationID, genID("eipalloc", n.account.ID+"/"+region+"/eip/"+e.PublicIP))
		if !ec2IDShape("eipalloc", er.allocID) {
			n.errf(at(ep, "allocation_id"), "%q is not an eipalloc- id", e.AllocationID)
		} else if n.ids[er.allocID] {
			n.errf(at(ep, "allocation_id"), "id %s appears twice", er.allocID)
		}
		n.ids[er.allocID] = true
		r.eips = append(r.eips, er)
		if e.Instance == "" && e.NetworkInterface == "" {
			continue
		}
		if e.Instance != "" && e.NetworkInterface != "" {
			n.errf(ep, "an Elastic IP is associated with an instance or a network interface, not both")
			continue
		}
		if e.Instance != "" {
			inst, ok := find(n, at(ep, "instance"), "instance", e.Instance, r.instances, instKey)
			if !ok {
				continue
			}
			if len(inst.enis) == 0 {
				n.errf(at(ep, "instance"), "instance %s has no network interface (terminated?)", e.Instance)
				continue
			}
			er.eni = inst.enis[0]
		} else {
			for _, inst := range r.instances {
				for _, eni := range inst.enis {
					if eni.id == e.NetworkInterface {
						er.eni = eni
					}
				}
			}
			if er.eni == nil {
				n.errf(at(ep, "network_interface"), "network interface %s is not an interface of the fixture's instances in that region", e.NetworkInterface)
				continue
			}
		}
		switch {
		case er.eni.eip != nil:
			n.errf(ep, "network interface %s already has Elastic IP %s", er.eni.id, er.eni.eip.PublicIP)
			continue
		case er.eni.publicIP != "":
			n.errf(ep, "the interface already has the auto-assigned public_ip %s; an Elastic IP replaces it, so drop public_ip", er.eni.publicIP)
			continue
		}
		er.privateIP = orDefault(e.PrivateIP, er.eni.privateIP)
		if er.privateIP != er.eni.privateIP {
			n.errf(at(ep, "private_ip"), "private_ip %s is not the interface's address %s", e.PrivateIP, er.eni.privateIP)
		}
		er.assocID = orDefault(e.AssociationID, genID("eipassoc", er.allocID))
		if !ec2IDShape("eipassoc", er.assocID) {
			n.errf(at(ep, "association_id"), "%q is not an eipassoc- id", e.AssociationID)
		}
		er.eni.eip, er.eni.publicIP, er.eni.ipOwner = er, e.PublicIP, n.account.ID
	}
}

var launchTemplateNameRE = regexp.MustCompile(`^[a-zA-Z0-9().\-/_]{3,128}$`)

func (n *ec2Net) launchTemplates(p []any, lts []*LaunchTemplate) {
	for j, lt := range lts {
		lp := at(p, j)
		if lt == nil {
			n.errf(lp, "empty launch template")
			continue
		}
		region := n.regionOf(lp, lt.Region)
		r := n.region(region)
		lr := &ltR{LaunchTemplate: lt, id: n.resourceID(lp, "lt", lt.ID, region, "launch-template", lt.Name, j),
			createdBy: orDefault(lt.CreatedBy, "arn:aws:iam::"+n.account.ID+":root"), defaultV: max(lt.DefaultVersion, 1)}
		if !launchTemplateNameRE.MatchString(lt.Name) {
			n.errf(at(lp, "name"), "launch template name %q is not 3-128 letters, digits and ().-/_", lt.Name)
		} else if slices.ContainsFunc(r.lts, func(o *ltR) bool { return o.Name == lt.Name }) {
			n.errf(at(lp, "name"), "launch template %s appears twice in %s", lt.Name, region)
		}
		if len(lt.Versions) == 0 {
			n.errf(at(lp, "versions"), "a launch template needs at least one version")
		}
		for k, v := range lt.Versions {
			vp := at(lp, "versions", k)
			if v == nil {
				n.errf(vp, "empty version")
				continue
			}
			vr := &ltvR{LaunchTemplateVersion: v, lt: lr, number: v.Number}
			if vr.number == 0 {
				vr.number = k + 1
			}
			if vr.number < 1 || slices.ContainsFunc(lr.versions, func(o *ltvR) bool { return o.number == vr.number }) {
				n.errf(at(vp, "number"), "version number %d is not positive or appears twice", vr.number)
			}
			n.templateData(r, vp, vr)
			lr.versions = append(lr.versions, vr)
			lr.latestV = max(lr.latestV, vr.number)
		}
		slices.SortFunc(lr.versions, func(x, y *ltvR) int { return y.number - x.number })
		if len(lr.versions) > 0 && !slices.ContainsFunc(lr.versions, func(o *ltvR) bool { return o.number == lr.defaultV }) {
			n.errf(at(lp, "default_version"), "default_version %d is not one of the versions", lr.defaultV)
		}
		r.lts = append(r.lts, lr)
	}
}

// templateData resolves the references of a launch template version: a
// security group or subnet of the fixture becomes its id; anything else must
// already be an id, reported as given.
func (n *ec2Net) templateData(r *ec2Region, vp []any, vr *ltvR) {
	d := vr.Data
	dp := at(vp, "data")
	n.metadata(at(dp, "metadata_options"), d.MetadataOptions, false)
	if ip := d.IAMInstanceProfile; ip != nil && (ip.Name == "") == (ip.ARN == "") {
		n.errf(at(dp, "iam_instance_profile"), "an instance profile is given by name or by arn")
	}
	sgID := func(p []any, ref string) string {
		if sg, ok := find(n, nil, "", ref, r.sgs, sgKey); ok {
			return sg.id
		}
		if !ec2IDShape("sg", ref) {
			n.errf(p, "security group %s is neither in the fixture (or its name is ambiguous) nor an sg- id", ref)
		}
		return ref
	}
	for k, ref := range d.SecurityGroupIDs {
		vr.sgIDs = append(vr.sgIDs, sgID(at(dp, "security_group_ids", k), ref))
	}
	for k, ni := range d.NetworkInterfaces {
		nip := at(dp, "network_interfaces", k)
		nr := ltNIR{LTNetworkInterface: ni, subnet: ni.Subnet}
		if ni.Subnet != "" {
			if s, ok := find(n, nil, "", ni.Subnet, r.subnets, func(s *subnetR) (string, string) { return s.id, s.Name }); ok {
				nr.subnet = s.id
			} else if !ec2IDShape("subnet", ni.Subnet) {
				n.errf(at(nip, "subnet"), "subnet %s is neither in the fixture nor a subnet- id", ni.Subnet)
			}
		}
		for m, ref := range ni.SecurityGroups {
			nr.sgs = append(nr.sgs, sgID(at(nip, "security_groups", m), ref))
		}
		vr.nis = append(vr.nis, nr)
	}
}

// vpceFullAccess is the policy of an endpoint created without one.
const vpceFullAccess = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`

func (n *ec2Net) vpcEndpoints(p []any, eps []*VPCEndpoint) {
	for j, e := range eps {
		ep := at(p, j)
		if e == nil {
			n.errf(ep, "empty VPC endpoint")
			continue
		}
		region := n.regionOf(ep, e.Region)
		r := n.region(region)
		er := &vpceR{VPCEndpoint: e, id: n.resourceID(ep, "vpce", e.ID, region, "vpc-endpoint", e.Name, j),
			typ: orDefault(e.Type, "Gateway"), state: orDefault(e.State, "available")}
		if !slices.Contains([]string{"Gateway", "Interface", "GatewayLoadBalancer"}, er.typ) {
			n.errf(at(ep, "type"), "type %q is not Gateway, Interface or GatewayLoadBalancer", e.Type)
		}
		if e.ServiceName == "" {
			n.errf(at(ep, "service_name"), "a VPC endpoint needs a service_name")
		}
		if e.Policy != nil {
			er.policy = e.Policy.JSON
		} else if er.typ != "GatewayLoadBalancer" {
			er.policy = vpceFullAccess
		}
		if er.vpc = r.vpc(n, at(ep, "vpc"), e.VPC); er.vpc == nil {
			continue
		}
		for k, ref := range e.RouteTables {
			if rt, ok := find(n, at(ep, "route_tables", k), "route table", ref, r.rts, func(t *rtR) (string, string) { return t.id, t.Name }); ok {
				er.rts = append(er.rts, rt.id)
			}
		}
		for k, ref := range e.Subnets {
			if s := r.subnet(n, at(ep, "subnets", k), ref); s != nil {
				er.subnets = append(er.subnets, s.id)
			}
		}
		for _, sg := range n.sgInVPC(r, er.vpc, at(ep, "security_groups"), e.SecurityGroups) {
			er.sgs = append(er.sgs, sg.id)
		}
		r.endpoints = append(r.endpoints, er)
	}
}

// instanceProfile resolves an instance's profile (name or ARN) against the
// account's roles; the ARN and id are the ones IAM reports
// (iam_details.go).
func (n *ec2Net) instanceProfile(p []any, ref string) (arn, id string) {
	for _, ip := range accountInstanceProfiles(n.account) {
		if ip.name == ref || ip.arn == ref {
			return ip.arn, ip.id
		}
	}
	n.errf(p, "instance profile %s is not one of the account's roles' instance_profiles", ref)
	return "", ""
}

func launchTimeOf(in *Instance) time.Time { return orDefaultTime(in.LaunchTime) }

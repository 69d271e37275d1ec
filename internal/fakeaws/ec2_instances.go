package fakeaws

import (
	"slices"
	"strconv"
)

// DescribeInstances and DescribeAddresses (EC2 API Reference). Element names
// and nesting follow aws-sdk-go-v2's ec2query deserializers.

func (i *instR) ec2ID() string              { return i.id }
func (i *instR) ec2Tags() map[string]string { return i.Tags }

// primary is the instance's device-0 interface (nil once terminated).
func (i *instR) primary() *eniR {
	if len(i.enis) == 0 {
		return nil
	}
	return i.enis[0]
}

func (i *instR) vpcID() string {
	if i.subnet == nil || i.state == "terminated" {
		return ""
	}
	return i.subnet.vpc.id
}

func (i *instR) ec2Filter(name string) ([]string, bool) {
	one := func(v string) []string {
		if v == "" {
			return nil
		}
		return []string{v}
	}
	fromENIs := func(f func(e *eniR) []string) []string {
		var out []string
		for _, e := range i.enis {
			out = append(out, f(e)...)
		}
		return out
	}
	p := i.primary()
	az := ""
	if i.subnet != nil {
		az = i.subnet.az
	}
	switch name {
	case "instance-id":
		return one(i.id), true
	case "instance-state-name":
		return one(i.state), true
	case "instance-state-code":
		return one(strconv.Itoa(i.code)), true
	case "vpc-id":
		return one(i.vpcID()), true
	case "subnet-id":
		if p == nil {
			return nil, true
		}
		return one(p.subnet.id), true
	case "availability-zone":
		return one(az), true
	case "instance-type":
		return one(instanceType(i.Instance)), true
	case "image-id":
		return one(imageID(i)), true
	case "reservation-id":
		return one(i.reservation), true
	case "owner-id":
		return one(i.ownerID), true
	case "key-name":
		return one(i.KeyName), true
	case "platform":
		return one(i.Platform), true
	case "private-ip-address":
		if p == nil {
			return nil, true
		}
		return one(p.privateIP), true
	case "ip-address", "network-interface.association.public-ip":
		return fromENIs(func(e *eniR) []string { return one(e.publicIP) }), true
	case "ipv6-address", "network-interface.ipv6-address", "network-interface.ipv6-addresses.ipv6-address":
		return fromENIs(func(e *eniR) []string { return e.ipv6 }), true
	case "instance.group-id", "network-interface.group-id":
		return fromENIs(func(e *eniR) []string {
			var out []string
			for _, sg := range e.sgs {
				out = append(out, sg.id)
			}
			return out
		}), true
	case "instance.group-name", "network-interface.group-name":
		return fromENIs(func(e *eniR) []string {
			var out []string
			for _, sg := range e.sgs {
				out = append(out, sg.Name)
			}
			return out
		}), true
	case "network-interface.network-interface-id":
		return fromENIs(func(e *eniR) []string { return one(e.id) }), true
	case "network-interface.subnet-id":
		return fromENIs(func(e *eniR) []string { return one(e.subnet.id) }), true
	case "network-interface.vpc-id":
		return fromENIs(func(e *eniR) []string { return one(e.subnet.vpc.id) }), true
	case "network-interface.addresses.private-ip-address", "network-interface.private-ip-address":
		return fromENIs(func(e *eniR) []string { return one(e.privateIP) }), true
	case "iam-instance-profile.arn":
		return one(i.profileARN), true
	case "iam-instance-profile.id":
		return one(i.profileID), true
	case "metadata-options.http-tokens":
		return one(i.meta.HTTPTokens), true
	case "metadata-options.http-endpoint":
		return one(i.meta.HTTPEndpoint), true
	case "metadata-options.http-protocol-ipv6":
		return one(i.meta.HTTPProtocolIPv6), true
	case "metadata-options.instance-metadata-tags":
		return one(i.meta.InstanceMetadataTags), true
	case "metadata-options.http-put-response-hop-limit":
		return one(strconv.Itoa(i.meta.HTTPPutResponseHopLimit)), true
	}
	return nil, false
}

func instanceType(in *Instance) string { return orDefault(in.InstanceType, "t3.micro") }

func imageID(i *instR) string {
	return orDefault(i.ImageID, genID("ami", "fakeaws/"+i.region+"/default-image"))
}

// ec2DescribeInstances lists instances in reservations. MaxResults counts
// instances, so a page may end inside a reservation, which then continues
// on the next page. An instance id that another account owns is left out,
// as the DescribeInstances reference says; one nobody owns is
// InvalidInstanceID.NotFound.
func (w *ec2Worlds) describeInstances(c *call) (*response, error) {
	ids := ec2List(c.form, "InstanceId")
	if len(ids) > 0 && c.form.Has("MaxResults") {
		// Observed: getmoto/moto#6282, yuuki/grabeni#7.
		return nil, ec2Error("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults")
	}
	for _, id := range ids {
		if !ec2IDShape("i", id) {
			return nil, ec2Error("InvalidInstanceID.Malformed", "Invalid id: \"%s\"", id)
		}
	}
	r := w.regionOf(c)
	insts, err := ec2Select(c, r.instances, "InstanceId", func(missing []string) error {
		var unknown []string
		for _, id := range missing {
			if !w.ownedElsewhere(c, id) {
				unknown = append(unknown, id)
			}
		}
		if len(unknown) == 0 {
			return nil
		}
		return ec2NotFound("InvalidInstanceID.NotFound", "instance")(unknown)
	})
	if err != nil {
		return nil, err
	}
	start, end, next, err := ec2Page(c, "DescribeInstances", len(insts), ec2Limits5to1000)
	if err != nil {
		return nil, err
	}
	page := insts[start:end]
	var order []string
	groups := map[string][]*instR{}
	for _, in := range page {
		if groups[in.reservation] == nil {
			order = append(order, in.reservation)
		}
		groups[in.reservation] = append(groups[in.reservation], in)
	}
	return ec2Response(c, "DescribeInstances", func(x *xmlw) {
		x.open("reservationSet")
		for _, res := range order {
			x.open("item").leaf("reservationId", res).leaf("ownerId", c.account().ID).empty("groupSet").open("instancesSet")
			for _, in := range groups[res] {
				x.open("item")
				writeInstance(x, c.region, in)
				x.close("item")
			}
			x.close("instancesSet").close("item")
		}
		x.close("reservationSet")
		x.leafIf("nextToken", next)
	}), nil
}

// ownedElsewhere reports whether another account of the world has instance
// id in the call's region.
func (w *ec2Worlds) ownedElsewhere(c *call, id string) bool {
	for _, a := range c.srv.world.Accounts {
		if a == nil || a == c.account() {
			continue
		}
		if r := w.get(a).regions[c.region]; r != nil && slices.ContainsFunc(r.instances, func(i *instR) bool { return i.id == id }) {
			return true
		}
	}
	return false
}

func writeGroupSet(x *xmlw, sgs []*sgR) {
	x.open("groupSet")
	for _, sg := range sgs {
		x.open("item").leaf("groupId", sg.id).leaf("groupName", sg.Name).close("item")
	}
	x.close("groupSet")
}

func writeInstance(x *xmlw, region string, in *instR) {
	p := in.primary()
	x.leaf("instanceId", in.id).leaf("imageId", imageID(in)).
		open("instanceState").leaf("code", strconv.Itoa(in.code)).leaf("name", in.state).close("instanceState")
	publicDNS := ""
	if p != nil {
		x.leaf("privateDnsName", ec2DNS(region, p.privateIP, false))
		if p.publicIP != "" && p.subnet.vpc.dnsHostnames {
			publicDNS = ec2DNS(region, p.publicIP, true)
		}
	} else {
		x.empty("privateDnsName")
	}
	x.leaf("dnsName", publicDNS)
	stopped := in.state == "stopped" || in.state == "stopping" || in.state == "terminated" || in.state == "shutting-down"
	if stopped {
		x.leaf("reason", "User initiated ("+isoSeconds(launchTimeOf(in.Instance))+")")
	} else {
		x.empty("reason")
	}
	x.leafIf("keyName", in.KeyName).leaf("amiLaunchIndex", "0").empty("productCodes").
		leaf("instanceType", instanceType(in.Instance)).leaf("launchTime", isoMillis(launchTimeOf(in.Instance)))
	az := ""
	if in.subnet != nil {
		az = in.subnet.az
	}
	x.open("placement").leaf("availabilityZone", az).empty("groupName").leaf("tenancy", "default").close("placement")
	x.leafIf("platform", in.Platform)
	x.open("monitoring").leaf("state", "disabled").close("monitoring")
	if p != nil {
		x.leaf("subnetId", p.subnet.id).leaf("vpcId", p.subnet.vpc.id).leaf("privateIpAddress", p.privateIP).leafIf("ipAddress", p.publicIP)
		x.boolLeaf("sourceDestCheck", true)
		writeGroupSet(x, p.sgs)
	} else {
		x.empty("groupSet")
	}
	if stopped {
		x.open("stateReason").leaf("code", "Client.UserInitiatedShutdown").leaf("message", "Client.UserInitiatedShutdown: User initiated shutdown").close("stateReason")
	}
	x.leaf("architecture", "x86_64").leaf("rootDeviceType", "ebs").leaf("rootDeviceName", "/dev/xvda").empty("blockDeviceMapping").
		leaf("virtualizationType", "hvm").empty("clientToken")
	ec2TagSet(x, in.Tags)
	x.leaf("hypervisor", "xen")
	x.open("networkInterfaceSet")
	for _, e := range in.enis {
		x.open("item")
		writeInstanceENI(x, region, in, e)
		x.close("item")
	}
	x.close("networkInterfaceSet")
	if in.profileARN != "" {
		x.open("iamInstanceProfile").leaf("arn", in.profileARN).leaf("id", in.profileID).close("iamInstanceProfile")
	}
	x.boolLeaf("ebsOptimized", false).boolLeaf("enaSupport", true)
	m := in.meta
	x.open("metadataOptions").leaf("state", "applied").leaf("httpTokens", m.HTTPTokens).
		leaf("httpPutResponseHopLimit", strconv.Itoa(m.HTTPPutResponseHopLimit)).leaf("httpEndpoint", m.HTTPEndpoint).
		leaf("httpProtocolIpv6", m.HTTPProtocolIPv6).leaf("instanceMetadataTags", m.InstanceMetadataTags).close("metadataOptions")
	if p != nil && len(p.ipv6) > 0 {
		x.leaf("ipv6Address", p.ipv6[0])
	}
	platform := "Linux/UNIX"
	if in.Platform == "windows" {
		platform = "Windows"
	}
	x.leaf("platformDetails", platform)
}

// writeENIAssociation writes an interface's public address: the public IP,
// its owner ("amazon" for an auto-assigned one, the account for an Elastic
// IP), the public DNS name when the VPC gives one, and a carrier IP.
func writeENIAssociation(x *xmlw, region string, e *eniR) {
	if e.publicIP == "" && e.carrierIP == "" {
		return
	}
	x.open("association")
	if e.publicIP != "" {
		x.leaf("publicIp", e.publicIP)
		dns := ""
		if e.subnet.vpc.dnsHostnames {
			dns = ec2DNS(region, e.publicIP, true)
		}
		x.leaf("publicDnsName", dns).leaf("ipOwnerId", e.ipOwner)
	} else {
		x.leaf("ipOwnerId", "amazon")
	}
	x.leafIf("carrierIp", e.carrierIP)
	x.close("association")
}

func writeInstanceENI(x *xmlw, region string, in *instR, e *eniR) {
	x.leaf("networkInterfaceId", e.id).leaf("subnetId", e.subnet.id).leaf("vpcId", e.subnet.vpc.id).
		leaf("description", e.desc).leaf("ownerId", in.ownerID).leaf("status", "in-use").leaf("macAddress", e.mac).
		leaf("privateIpAddress", e.privateIP).leaf("privateDnsName", ec2DNS(region, e.privateIP, false)).boolLeaf("sourceDestCheck", true)
	writeGroupSet(x, e.sgs)
	x.open("attachment").leaf("attachmentId", e.attachID).leaf("deviceIndex", strconv.Itoa(e.device)).leaf("networkCardIndex", "0").
		leaf("status", "attached").leaf("attachTime", isoMillis(launchTimeOf(in.Instance))).boolLeaf("deleteOnTermination", e.device == 0).close("attachment")
	writeENIAssociation(x, region, e)
	x.open("privateIpAddressesSet").open("item").leaf("privateIpAddress", e.privateIP).
		leaf("privateDnsName", ec2DNS(region, e.privateIP, false)).boolLeaf("primary", true)
	writeENIAssociation(x, region, e)
	x.close("item").close("privateIpAddressesSet")
	x.open("ipv6AddressesSet")
	for _, v6 := range e.ipv6 {
		x.open("item").leaf("ipv6Address", v6).boolLeaf("isPrimaryIpv6", false).close("item")
	}
	x.close("ipv6AddressesSet")
	x.leaf("interfaceType", "interface")
}

func (e *eipR) ec2ID() string              { return e.allocID }
func (e *eipR) ec2Tags() map[string]string { return e.Tags }

func (e *eipR) ec2Filter(name string) ([]string, bool) {
	var v string
	switch name {
	case "allocation-id":
		v = e.allocID
	case "association-id":
		v = e.assocID
	case "domain":
		v = "vpc"
	case "public-ip":
		v = e.PublicIP
	case "private-ip-address":
		v = e.privateIP
	case "instance-id":
		if e.eni != nil {
			v = e.eni.inst.id
		}
	case "network-interface-id":
		if e.eni != nil {
			v = e.eni.id
		}
	case "network-interface-owner-id":
		if e.eni != nil {
			v = e.eni.inst.ownerID
		}
	case "network-border-group":
		v = e.region
	default:
		return nil, false
	}
	if v == "" {
		return nil, true
	}
	return []string{v}, true
}

// ec2DescribeAddresses lists Elastic IPs (not paginated). AllocationId.N
// that match nothing are InvalidAllocationID.NotFound, PublicIp.N
// InvalidAddress.NotFound.
func (w *ec2Worlds) describeAddresses(c *call) (*response, error) {
	r := w.regionOf(c)
	eips, err := ec2Select(c, r.eips, "AllocationId", ec2NotFound("InvalidAllocationID.NotFound", "allocation"))
	if err != nil {
		return nil, err
	}
	if ips := ec2List(c.form, "PublicIp"); len(ips) > 0 {
		for _, ip := range ips {
			if !slices.ContainsFunc(eips, func(e *eipR) bool { return e.PublicIP == ip }) {
				return nil, ec2Error("InvalidAddress.NotFound", "Address '%s' not found.", ip)
			}
		}
		eips = slices.DeleteFunc(slices.Clone(eips), func(e *eipR) bool { return !slices.Contains(ips, e.PublicIP) })
	}
	return ec2Response(c, "DescribeAddresses", func(x *xmlw) {
		x.open("addressesSet")
		for _, e := range eips {
			x.open("item").leaf("publicIp", e.PublicIP).leaf("allocationId", e.allocID).leaf("domain", "vpc")
			if e.eni != nil {
				x.leaf("instanceId", e.eni.inst.id).leaf("associationId", e.assocID).leaf("networkInterfaceId", e.eni.id).
					leaf("networkInterfaceOwnerId", e.eni.inst.ownerID).leaf("privateIpAddress", e.privateIP)
			}
			ec2TagSet(x, e.Tags)
			x.leaf("publicIpv4Pool", "amazon").leaf("networkBorderGroup", e.region).close("item")
		}
		x.close("addressesSet")
	}), nil
}

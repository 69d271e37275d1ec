package fakeaws

import (
	"slices"
	"strconv"
)

// DescribeLaunchTemplates and DescribeLaunchTemplateVersions.
// Not-found errors as AWS sends them (observed): InvalidLaunchTemplateId.NotFound
// "The specified launch template, with template ID lt-..., does not exist."
// (cartography-cncf/cartography#1519), InvalidLaunchTemplateName.NotFoundException
// (getmoto/moto#5477), InvalidLaunchTemplateId.VersionNotFound "Could not
// find the specified version 1 for the launch template with ID lt-..."
// (eksctl-io/eksctl#7786).

func (l *ltR) ec2ID() string              { return l.id }
func (l *ltR) ec2Tags() map[string]string { return l.Tags }
func (l *ltR) ec2Filter(name string) ([]string, bool) {
	switch name {
	case "launch-template-name":
		return []string{l.Name}, true
	case "create-time":
		return []string{isoMillis(orDefaultTime(l.Created))}, true
	}
	return nil, false
}

func ltIDNotFound(id string) error {
	return ec2Error("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID %s, does not exist.", id)
}

func (w *ec2Worlds) describeLaunchTemplates(c *call) (*response, error) {
	r := w.regionOf(c)
	lts, err := ec2Select(c, r.lts, "LaunchTemplateId", func(missing []string) error { return ltIDNotFound(missing[0]) })
	if err != nil {
		return nil, err
	}
	if names := ec2List(c.form, "LaunchTemplateName"); len(names) > 0 {
		for _, name := range names {
			if !slices.ContainsFunc(r.lts, func(l *ltR) bool { return l.Name == name }) {
				return nil, ec2Error("InvalidLaunchTemplateName.NotFoundException", "At least one of the launch templates specified in the request does not exist.")
			}
		}
		lts = slices.DeleteFunc(slices.Clone(lts), func(l *ltR) bool { return !slices.Contains(names, l.Name) })
	}
	start, end, next, err := ec2Page(c, "DescribeLaunchTemplates", len(lts), ec2Limits1to200)
	if err != nil {
		return nil, err
	}
	return ec2Response(c, "DescribeLaunchTemplates", func(x *xmlw) {
		x.open("launchTemplates")
		for _, l := range lts[start:end] {
			x.open("item").leaf("createTime", isoMillis(orDefaultTime(l.Created))).leaf("createdBy", l.createdBy).
				leaf("defaultVersionNumber", strconv.Itoa(l.defaultV)).leaf("latestVersionNumber", strconv.Itoa(l.latestV)).
				leaf("launchTemplateId", l.id).leaf("launchTemplateName", l.Name)
			ec2TagSet(x, l.Tags)
			x.close("item")
		}
		x.close("launchTemplates")
		x.leafIf("nextToken", next)
	}), nil
}

func (v *ltvR) ec2ID() string              { return v.lt.id + ":" + strconv.Itoa(v.number) }
func (v *ltvR) ec2Tags() map[string]string { return nil }
func (v *ltvR) ec2Filter(name string) ([]string, bool) {
	d := v.Data
	m := d.MetadataOptions
	if m == nil {
		m = &MetadataOptions{}
	}
	switch name {
	case "is-default-version":
		return []string{boolString(v.number == v.lt.defaultV)}, true
	case "image-id":
		return oneOrNone(d.ImageID), true
	case "instance-type":
		return oneOrNone(d.InstanceType), true
	case "http-tokens":
		return oneOrNone(m.HTTPTokens), true
	case "http-endpoint":
		return oneOrNone(m.HTTPEndpoint), true
	case "iam-instance-profile":
		if d.IAMInstanceProfile != nil {
			return oneOrNone(d.IAMInstanceProfile.ARN), true
		}
		return nil, true
	case "create-time":
		return []string{isoMillis(orDefaultTime(v.Created))}, true
	}
	return nil, false
}

// describeLaunchTemplateVersions describes one template's versions (by
// LaunchTemplateId or LaunchTemplateName, not both), or without a template
// the $Latest and/or $Default version of every template, newest first.
func (w *ec2Worlds) describeLaunchTemplateVersions(c *call) (*response, error) {
	if err := ec2DryRun(c); err != nil {
		return nil, err
	}
	r := w.regionOf(c)
	id, name := c.form.Get("LaunchTemplateId"), c.form.Get("LaunchTemplateName")
	wanted := ec2List(c.form, "LaunchTemplateVersion")
	var versions []*ltvR
	switch {
	case id != "" && name != "":
		return nil, ec2Error("InvalidParameterCombination", "Specify either the launch template ID or the launch template name, not both.")
	case id == "" && name == "":
		if len(wanted) == 0 {
			return nil, ec2Error("InvalidParameterCombination", "To describe the versions of all launch templates, specify $Latest or $Default as the version.")
		}
		for _, v := range wanted {
			if v != "$Latest" && v != "$Default" {
				return nil, ec2Error("InvalidParameterValue", "To describe the versions of all launch templates, specify $Latest or $Default, not %s.", v)
			}
		}
		for _, lt := range r.lts {
			for _, v := range lt.versions {
				if (slices.Contains(wanted, "$Latest") && v.number == lt.latestV) || (slices.Contains(wanted, "$Default") && v.number == lt.defaultV) {
					versions = append(versions, v)
				}
			}
		}
	default:
		i := slices.IndexFunc(r.lts, func(l *ltR) bool { return (id != "" && l.id == id) || (name != "" && l.Name == name) })
		if i < 0 && id != "" {
			return nil, ltIDNotFound(id)
		}
		if i < 0 {
			return nil, ec2Error("InvalidLaunchTemplateName.NotFoundException", "The specified launch template, with template name %s, does not exist.", name)
		}
		lt := r.lts[i]
		var err error
		if versions, err = lt.pick(c, wanted); err != nil {
			return nil, err
		}
	}
	var kept []*ltvR
	for _, v := range versions {
		ok, err := ec2FilterMatch(v, ec2Filters(c.form))
		if err != nil {
			return nil, err
		}
		if ok {
			kept = append(kept, v)
		}
	}
	start, end, next, err := ec2Page(c, "DescribeLaunchTemplateVersions", len(kept), ec2Limits1to200)
	if err != nil {
		return nil, err
	}
	return ec2Response(c, "DescribeLaunchTemplateVersions", func(x *xmlw) {
		x.open("launchTemplateVersionSet")
		for _, v := range kept[start:end] {
			x.open("item").leaf("createTime", isoMillis(orDefaultTime(v.Created))).leaf("createdBy", v.lt.createdBy).
				boolLeaf("defaultVersion", v.number == v.lt.defaultV)
			writeTemplateData(x, v)
			x.leaf("launchTemplateId", v.lt.id).leaf("launchTemplateName", v.lt.Name).leafIf("versionDescription", v.Description).
				leaf("versionNumber", strconv.Itoa(v.number)).close("item")
		}
		x.close("launchTemplateVersionSet")
		x.leafIf("nextToken", next)
	}), nil
}

// pick picks a template's versions: the ones named ($Latest, $Default,
// numbers), else all, within MinVersion (exclusive, "the version number
// after which") and MaxVersion (inclusive, "up to which").
func (lt *ltR) pick(c *call, wanted []string) ([]*ltvR, error) {
	var out []*ltvR
	if len(wanted) == 0 {
		out = lt.versions
	}
	for _, w := range wanted {
		num := 0
		switch w {
		case "$Latest":
			num = lt.latestV
		case "$Default":
			num = lt.defaultV
		default:
			n, err := strconv.Atoi(w)
			if err != nil {
				return nil, ec2Error("InvalidParameterValue", "Invalid launch template version: %s", w)
			}
			num = n
		}
		i := slices.IndexFunc(lt.versions, func(v *ltvR) bool { return v.number == num })
		if i < 0 {
			return nil, ec2Error("InvalidLaunchTemplateId.VersionNotFound", "Could not find the specified version %s for the launch template with ID %s.", w, lt.id)
		}
		if !slices.Contains(out, lt.versions[i]) {
			out = append(out, lt.versions[i])
		}
	}
	bound := func(param string) (int, bool, error) {
		v := c.form.Get(param)
		if v == "" {
			return 0, false, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, false, ec2Error("InvalidParameterValue", "Invalid value for %s: %s", param, v)
		}
		return n, true, nil
	}
	lo, hasLo, err := bound("MinVersion")
	if err != nil {
		return nil, err
	}
	hi, hasHi, err := bound("MaxVersion")
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(out), func(v *ltvR) bool {
		return (hasLo && v.number <= lo) || (hasHi && v.number > hi)
	}), nil
}

// writeTemplateData writes launchTemplateData: only what the version sets.
func writeTemplateData(x *xmlw, v *ltvR) {
	d := v.Data
	x.open("launchTemplateData")
	x.leafIf("imageId", d.ImageID).leafIf("instanceType", d.InstanceType).leafIf("keyName", d.KeyName)
	if p := d.IAMInstanceProfile; p != nil {
		x.open("iamInstanceProfile").leafIf("arn", p.ARN).leafIf("name", p.Name).close("iamInstanceProfile")
	}
	if m := d.MetadataOptions; m != nil {
		x.open("metadataOptions").leafIf("httpTokens", m.HTTPTokens)
		if m.HTTPPutResponseHopLimit != 0 {
			x.leaf("httpPutResponseHopLimit", strconv.Itoa(m.HTTPPutResponseHopLimit))
		}
		x.leafIf("httpEndpoint", m.HTTPEndpoint).leafIf("httpProtocolIpv6", m.HTTPProtocolIPv6).
			leafIf("instanceMetadataTags", m.InstanceMetadataTags).close("metadataOptions")
	}
	if len(v.nis) > 0 {
		x.open("networkInterfaceSet")
		for _, ni := range v.nis {
			x.open("item")
			if ni.AssociatePublicIPAddress != nil {
				x.boolLeaf("associatePublicIpAddress", *ni.AssociatePublicIPAddress)
			}
			if ni.DeleteOnTermination != nil {
				x.boolLeaf("deleteOnTermination", *ni.DeleteOnTermination)
			}
			x.leafIf("description", ni.Description)
			if ni.DeviceIndex != nil {
				x.leaf("deviceIndex", strconv.Itoa(*ni.DeviceIndex))
			}
			if len(ni.sgs) > 0 {
				x.open("groupSet")
				for _, g := range ni.sgs {
					x.leaf("groupId", g) // GroupIdStringList: <groupId> members
				}
				x.close("groupSet")
			}
			x.leafIf("subnetId", ni.subnet).close("item")
		}
		x.close("networkInterfaceSet")
	}
	if len(v.sgIDs) > 0 {
		ec2Items(x, "securityGroupIdSet", v.sgIDs)
	}
	if len(d.SecurityGroups) > 0 {
		ec2Items(x, "securityGroupSet", d.SecurityGroups)
	}
	x.leafIf("userData", d.UserData)
	if len(d.TagSpecifications) > 0 {
		x.open("tagSpecificationSet")
		for _, ts := range d.TagSpecifications {
			x.open("item").leaf("resourceType", ts.ResourceType)
			ec2TagSet(x, ts.Tags)
			x.close("item")
		}
		x.close("tagSpecificationSet")
	}
	x.close("launchTemplateData")
}

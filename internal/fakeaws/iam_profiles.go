package fakeaws

import (
	"strconv"
	"strings"
)

// IAM instance profiles: ListInstanceProfiles and GetInstanceProfile, and
// the profile ARNs and ids EC2 reports for an instance (ec2_world_inst.go).
// A profile belongs to the role that lists it (iam.roles[].instance_profiles)
// and shares its path, as GetAccountAuthorizationDetails reports it
// (iam_details.go).

type instanceProfile struct {
	name, arn, id string
	role          *Role
}

// accountInstanceProfiles lists the account's instance profiles in role
// order.
func accountInstanceProfiles(a *Account) []instanceProfile {
	var out []instanceProfile
	for _, r := range a.IAM.Roles {
		if r == nil {
			continue
		}
		for _, name := range r.InstanceProfiles {
			arn := iamARN(a.ID, "instance-profile", r.Path, name)
			out = append(out, instanceProfile{name: name, arn: arn, id: uniqueID("AIPA", arn), role: r})
		}
	}
	return out
}

// instanceProfiles checks that no two roles claim the same profile (a
// profile holds one role).
func (v *validator) instanceProfiles(p []any, a *Account) {
	seen := map[string]bool{}
	for j, r := range a.IAM.Roles {
		if r == nil {
			continue
		}
		for k, name := range r.InstanceProfiles {
			if seen[name] {
				v.errf(at(p, "iam", "roles", j, "instance_profiles", k), "instance profile %s belongs to two roles; a profile holds one role", name)
			}
			seen[name] = true
		}
	}
}

func iamInstanceProfileXML(x *xmlw, a *Account, ip instanceProfile) {
	x.leaf("Path", iamPath(ip.role.Path)).leaf("InstanceProfileName", ip.name).leaf("InstanceProfileId", ip.id).
		leaf("Arn", ip.arn).leaf("CreateDate", isoSeconds(orDefaultTime(ip.role.Created))).open("Roles").open("member")
	iamRoleCore(x, a, ip.role)
	x.leafIf("Description", ip.role.Description).leaf("MaxSessionDuration", strconv.Itoa(iamMaxSession(ip.role)))
	x.close("member").close("Roles")
}

// iamListInstanceProfiles pages the account's profiles with
// Marker/MaxItems, filtered by PathPrefix.
func iamListInstanceProfiles(c *call) (*response, error) {
	a := c.account()
	prefix := orDefault(c.form.Get("PathPrefix"), "/")
	var profiles []instanceProfile
	for _, ip := range accountInstanceProfiles(a) {
		if strings.HasPrefix(iamPath(ip.role.Path), prefix) {
			profiles = append(profiles, ip)
		}
	}
	start, end, marker, err := iamPage(c, len(profiles))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "ListInstanceProfiles", func(x *xmlw) {
		x.open("InstanceProfiles")
		for _, ip := range profiles[start:end] {
			x.open("member")
			iamInstanceProfileXML(x, a, ip)
			x.close("member")
		}
		x.close("InstanceProfiles")
		iamTruncation(x, marker)
	}), nil
}

func iamGetInstanceProfile(c *call) (*response, error) {
	a := c.account()
	name := c.form.Get("InstanceProfileName")
	for _, ip := range accountInstanceProfiles(a) {
		if ip.name == name {
			return queryResponse(c, "GetInstanceProfile", func(x *xmlw) {
				x.open("InstanceProfile")
				iamInstanceProfileXML(x, a, ip)
				x.close("InstanceProfile")
			}), nil
		}
	}
	return nil, iamError("NoSuchEntity", "Instance Profile %s cannot be found.", name)
}

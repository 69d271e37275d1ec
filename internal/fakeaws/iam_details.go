package fakeaws

import (
	"fmt"
	"slices"
	"strings"
)

// GetAccountAuthorizationDetails: every user, group, role and managed policy
// of the account with its inline policies, attachments and documents
// (URL-encoded). Filter.member.N selects the entity types (all of them when
// absent); AWSManagedPolicy selects the AWS-managed policies attached in
// the account (or used as a boundary), served from the built-in set, and
// LocalManagedPolicy the customer-managed ones. Paging runs across the four
// lists in the order users, groups, roles, policies: MaxItems counts
// entities of any type, and every page has all four list elements.

var iamDetailFilters = []string{"User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"}

func iamGetAccountAuthorizationDetails(c *call) (*response, error) {
	a := c.account()
	want := map[string]bool{}
	for i := 1; c.form.Has(fmt.Sprintf("Filter.member.%d", i)); i++ {
		f := c.form.Get(fmt.Sprintf("Filter.member.%d", i))
		if !slices.Contains(iamDetailFilters, f) {
			return nil, iamError("ValidationError", "1 validation error detected: Value '[%s]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [%s]]", f, strings.Join(iamDetailFilters, ", "))
		}
		want[f] = true
	}
	if len(want) == 0 {
		for _, f := range iamDetailFilters {
			want[f] = true
		}
	}

	// entities in paging order, each a kind and a writer
	type entity struct {
		list  string
		write func(x *xmlw)
	}
	var all []entity
	if want["User"] {
		for _, u := range a.IAM.Users {
			if u != nil {
				all = append(all, entity{"UserDetailList", func(x *xmlw) { iamUserDetail(x, a, u) }})
			}
		}
	}
	if want["Group"] {
		for _, g := range a.IAM.Groups {
			if g != nil {
				all = append(all, entity{"GroupDetailList", func(x *xmlw) { iamGroupDetail(x, a, g) }})
			}
		}
	}
	if want["Role"] {
		for _, r := range a.IAM.Roles {
			if r != nil {
				all = append(all, entity{"RoleDetailList", func(x *xmlw) { iamRoleDetail(x, a, r) }})
			}
		}
	}
	var policies []*iamPolicy
	if want["LocalManagedPolicy"] {
		policies = iamCustomerPolicies(a)
	}
	if want["AWSManagedPolicy"] {
		policies = append(policies, iamAWSPoliciesInUse(a)...)
	}
	for _, p := range policies {
		all = append(all, entity{"Policies", func(x *xmlw) { iamPolicyDetail(x, a, p) }})
	}

	start, end, marker, err := iamPage(c, len(all))
	if err != nil {
		return nil, err
	}
	page := all[start:end]
	return queryResponse(c, "GetAccountAuthorizationDetails", func(x *xmlw) {
		for _, list := range []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"} {
			x.open(list)
			for _, e := range page {
				if e.list == list {
					x.open("member")
					e.write(x)
					x.close("member")
				}
			}
			x.close(list)
		}
		iamTruncation(x, marker)
	}), nil
}

// iamAWSPoliciesInUse are the built-in AWS-managed policies attached to a
// user, group or role of the account, or used as a permissions boundary.
// An AWS-managed ARN outside the built-in set is still listed in the
// entity's attachments, but has no Policies entry.
func iamAWSPoliciesInUse(a *Account) []*iamPolicy {
	var out []*iamPolicy
	for _, arn := range iamSortedKeys(awsManagedPolicies) {
		if n, b := iamUsage(a, arn); n+b > 0 {
			out = append(out, awsManagedPolicies[arn])
		}
	}
	return out
}

// iamInline writes an inline policy list (UserPolicyList, ...) sorted by
// policy name.
func iamInline(x *xmlw, list string, policies map[string]*Document) {
	x.open(list)
	for _, name := range iamSortedKeys(policies) {
		doc := `{"Version":"2012-10-17","Statement":[]}`
		if d := policies[name]; d != nil {
			doc = d.JSON
		}
		x.open("member").leaf("PolicyName", name).leaf("PolicyDocument", iamEncode(doc)).close("member")
	}
	x.close(list)
}

// iamAttached writes AttachedManagedPolicies; the name is the last part of
// the ARN.
func iamAttached(x *xmlw, arns []string) {
	x.open("AttachedManagedPolicies")
	for _, arn := range arns {
		x.open("member").leaf("PolicyName", arn[strings.LastIndex(arn, "/")+1:]).leaf("PolicyArn", arn).close("member")
	}
	x.close("AttachedManagedPolicies")
}

func iamUserDetail(x *xmlw, a *Account, u *User) {
	x.leaf("Path", iamPath(u.Path)).leaf("UserName", u.Name).leaf("UserId", u.id(a)).
		leaf("Arn", u.arn(a)).leaf("CreateDate", isoSeconds(orDefaultTime(u.Created)))
	iamInline(x, "UserPolicyList", u.InlinePolicies)
	x.open("GroupList")
	for _, g := range u.Groups {
		x.leaf("member", g)
	}
	x.close("GroupList")
	iamAttached(x, u.AttachedPolicies)
	iamBoundary(x, u.PermissionsBoundary)
	iamTags(x, u.Tags)
}

func iamGroupDetail(x *xmlw, a *Account, g *Group) {
	x.leaf("Path", iamPath(g.Path)).leaf("GroupName", g.Name).leaf("GroupId", g.id(a)).
		leaf("Arn", g.arn(a)).leaf("CreateDate", isoSeconds(orDefaultTime(g.Created)))
	iamInline(x, "GroupPolicyList", g.InlinePolicies)
	iamAttached(x, g.AttachedPolicies)
}

// iamRoleDetail: each instance profile lists the role inside it, as IAM
// does.
func iamRoleDetail(x *xmlw, a *Account, r *Role) {
	iamRoleCore(x, a, r)
	x.open("InstanceProfileList")
	for _, name := range r.InstanceProfiles {
		arn := iamARN(a.ID, "instance-profile", r.Path, name)
		x.open("member").leaf("Path", iamPath(r.Path)).leaf("InstanceProfileName", name).
			leaf("InstanceProfileId", uniqueID("AIPA", arn)).leaf("Arn", arn).
			leaf("CreateDate", isoSeconds(orDefaultTime(r.Created))).open("Roles").open("member")
		iamRoleCore(x, a, r)
		x.close("member").close("Roles").close("member")
	}
	x.close("InstanceProfileList")
	iamInline(x, "RolePolicyList", r.InlinePolicies)
	iamAttached(x, r.AttachedPolicies)
	iamBoundary(x, r.PermissionsBoundary)
	iamTags(x, r.Tags)
	iamRoleLastUsed(x, r)
}

func iamPolicyDetail(x *xmlw, a *Account, p *iamPolicy) {
	iamPolicyCore(x, a, p)
	x.open("PolicyVersionList")
	for _, v := range p.versions {
		x.open("member")
		iamPolicyVersionXML(x, p, v)
		x.close("member")
	}
	x.close("PolicyVersionList")
}

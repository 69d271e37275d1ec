package fakeaws

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// IAM (AWS query, global, signed for us-east-1): aws_wire.md §4. Policy
// documents are URL-encoded on the wire (aws-sdk-go-v2 does not decode
// them). Error codes are the model's awsQueryError codes (NoSuchEntity,
// ReportNotPresent...), not shape names.

func iamService() *service {
	reports := newIAMReports() // per server: services() runs once per New
	handlers := map[string]struct {
		resource string // form field faults match on
		h        func(*call) (*response, error)
	}{
		"GetAccountAuthorizationDetails": {"", iamGetAccountAuthorizationDetails},
		"GenerateCredentialReport":       {"", reports.generate},
		"GetCredentialReport":            {"", reports.get},
		"ListUsers":                      {"", iamListUsers},
		"ListRoles":                      {"", iamListRoles},
		"GetRole":                        {"RoleName", iamGetRole},
		"ListAccessKeys":                 {"UserName", iamListAccessKeys},
		"GetAccessKeyLastUsed":           {"AccessKeyId", iamGetAccessKeyLastUsed},
		"GetPolicy":                      {"PolicyArn", iamGetPolicy},
		"GetPolicyVersion":               {"PolicyArn", iamGetPolicyVersion},
		"ListInstanceProfiles":           {"", iamListInstanceProfiles},                  // iam_profiles.go
		"GetInstanceProfile":             {"InstanceProfileName", iamGetInstanceProfile}, // iam_profiles.go
	}
	return &service{route: func(c *call) (operation, bool) {
		action := c.form.Get("Action")
		op, ok := handlers[action]
		if !ok {
			return operation{}, false
		}
		res := ""
		if op.resource != "" {
			res = c.form.Get(op.resource)
		}
		return operation{name: action, resource: res, handle: op.h}, true
	}}
}

func iamError(code, format string, args ...any) error {
	return errorFor("iam", code, fmt.Sprintf(format, args...))
}

// iamEncode URL-encodes a policy document as IAM sends it (RFC 3986): only
// letters, digits and -_.~ stay as they are, plus "*", which IAM leaves
// unencoded (aws_wire.md §4: "s3%3A*"); a space is %20, never "+".
func iamEncode(doc string) string {
	var b strings.Builder
	for i := 0; i < len(doc); i++ {
		ch := doc[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9',
			ch == '-', ch == '_', ch == '.', ch == '~', ch == '*':
			b.WriteByte(ch)
		default:
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

func iamPath(p string) string { return orDefault(p, "/") }

func iamARN(account, kind, path, name string) string {
	return "arn:aws:iam::" + account + ":" + kind + iamPath(path) + name
}

func (r *Role) arn(a *Account) string  { return iamARN(a.ID, "role", r.Path, r.Name) }
func (u *User) arn(a *Account) string  { return iamARN(a.ID, "user", u.Path, u.Name) }
func (g *Group) arn(a *Account) string { return iamARN(a.ID, "group", g.Path, g.Name) }
func (r *Role) id(a *Account) string   { return orDefault(r.ID, uniqueID("AROA", r.arn(a))) }
func (u *User) id(a *Account) string   { return orDefault(u.ID, uniqueID("AIDA", u.arn(a))) }
func (g *Group) id(a *Account) string  { return orDefault(g.ID, uniqueID("AGPA", g.arn(a))) }

// iamPage pages n items with Marker/MaxItems (default 100, 1..1000).
func iamPage(c *call, n int) (start, end int, marker string, err error) {
	limit := 100
	if v := c.form.Get("MaxItems"); v != "" {
		l, err := strconv.Atoi(v)
		if err != nil || l < 1 || l > 1000 {
			return 0, 0, "", iamError("ValidationError", "1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", v)
		}
		limit = l
	}
	if m := c.form.Get("Marker"); m != "" {
		raw, decErr := base64.StdEncoding.DecodeString(m)
		rest, ok := strings.CutPrefix(string(raw), "iam-marker:")
		if start, err = strconv.Atoi(rest); decErr != nil || err != nil || !ok || start < 0 || start > n {
			return 0, 0, "", iamError("ValidationError", "Invalid Marker.")
		}
	}
	end = min(n, start+limit)
	if end < n {
		marker = base64.StdEncoding.EncodeToString([]byte("iam-marker:" + strconv.Itoa(end)))
	}
	return start, end, marker, nil
}

// iamTruncation writes IsTruncated and, when there is more, Marker.
func iamTruncation(x *xmlw, marker string) {
	x.boolLeaf("IsTruncated", marker != "")
	x.leafIf("Marker", marker)
}

func iamFindRole(a *Account, name string) (*Role, error) {
	for _, r := range a.IAM.Roles {
		if r != nil && r.Name == name {
			return r, nil
		}
	}
	return nil, iamError("NoSuchEntity", "The role with name %s cannot be found.", name)
}

func iamFindUser(a *Account, name string) (*User, error) {
	for _, u := range a.IAM.Users {
		if u != nil && u.Name == name {
			return u, nil
		}
	}
	return nil, iamError("NoSuchEntity", "The user with name %s cannot be found.", name)
}

func iamTags(x *xmlw, tags map[string]string) {
	if len(tags) == 0 {
		return
	}
	x.open("Tags")
	for _, k := range iamSortedKeys(tags) {
		x.open("member").leaf("Key", k).leaf("Value", tags[k]).close("member")
	}
	x.close("Tags")
}

func iamSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func iamBoundary(x *xmlw, arn string) {
	if arn != "" {
		x.open("PermissionsBoundary").leaf("PermissionsBoundaryType", "PermissionsBoundaryPolicy").
			leaf("PermissionsBoundaryArn", arn).close("PermissionsBoundary")
	}
}

// iamRoleCore writes the Role members every operation returns.
func iamRoleCore(x *xmlw, a *Account, r *Role) {
	x.leaf("Path", iamPath(r.Path)).leaf("RoleName", r.Name).leaf("RoleId", r.id(a)).
		leaf("Arn", r.arn(a)).leaf("CreateDate", isoSeconds(orDefaultTime(r.Created)))
	if r.TrustPolicy != nil {
		x.leaf("AssumeRolePolicyDocument", iamEncode(r.TrustPolicy.JSON))
	}
}

// iamRoleLastUsed is empty for a role never used, as GetRole sends it.
func iamRoleLastUsed(x *xmlw, r *Role) {
	if r.LastUsed == nil {
		x.empty("RoleLastUsed")
		return
	}
	x.open("RoleLastUsed").leaf("LastUsedDate", isoSeconds(r.LastUsed.Date)).leafIf("Region", r.LastUsed.Region).close("RoleLastUsed")
}

// iamListRoles: like every IAM list operation it leaves out
// PermissionsBoundary, RoleLastUsed and Tags (ListRoles docs).
func iamListRoles(c *call) (*response, error) {
	a := c.account()
	var roles []*Role
	for _, r := range a.IAM.Roles {
		if r != nil && strings.HasPrefix(iamPath(r.Path), orDefault(c.form.Get("PathPrefix"), "/")) {
			roles = append(roles, r)
		}
	}
	start, end, marker, err := iamPage(c, len(roles))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "ListRoles", func(x *xmlw) {
		x.open("Roles")
		for _, r := range roles[start:end] {
			x.open("member")
			iamRoleCore(x, a, r)
			x.leafIf("Description", r.Description).leaf("MaxSessionDuration", strconv.Itoa(iamMaxSession(r)))
			x.close("member")
		}
		x.close("Roles")
		iamTruncation(x, marker)
	}), nil
}

func iamMaxSession(r *Role) int {
	if r.MaxSessionDuration > 0 {
		return r.MaxSessionDuration
	}
	return 3600
}

func iamGetRole(c *call) (*response, error) {
	a := c.account()
	r, err := iamFindRole(a, c.form.Get("RoleName"))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "GetRole", func(x *xmlw) {
		x.open("Role")
		iamRoleCore(x, a, r)
		x.leafIf("Description", r.Description).leaf("MaxSessionDuration", strconv.Itoa(iamMaxSession(r)))
		iamBoundary(x, r.PermissionsBoundary)
		iamTags(x, r.Tags)
		iamRoleLastUsed(x, r)
		x.close("Role")
	}), nil
}

func iamListUsers(c *call) (*response, error) {
	a := c.account()
	var users []*User
	for _, u := range a.IAM.Users {
		if u != nil && strings.HasPrefix(iamPath(u.Path), orDefault(c.form.Get("PathPrefix"), "/")) {
			users = append(users, u)
		}
	}
	start, end, marker, err := iamPage(c, len(users))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "ListUsers", func(x *xmlw) {
		x.open("Users")
		for _, u := range users[start:end] {
			x.open("member").leaf("Path", iamPath(u.Path)).leaf("UserName", u.Name).leaf("UserId", u.id(a)).
				leaf("Arn", u.arn(a)).leaf("CreateDate", isoSeconds(orDefaultTime(u.Created)))
			if u.PasswordLastUsed != nil {
				x.leaf("PasswordLastUsed", isoSeconds(*u.PasswordLastUsed))
			}
			x.close("member")
		}
		x.close("Users")
		iamTruncation(x, marker)
	}), nil
}

// iamListAccessKeys lists a user's keys. Without UserName IAM uses the
// signing identity: a user's own keys, the root user's keys (no UserName),
// and for role sessions a ValidationError.
func iamListAccessKeys(c *call) (*response, error) {
	a := c.account()
	name := c.form.Get("UserName")
	var keys []*IAMAccessKey
	switch arn := c.caller.arn(); {
	case name != "":
		u, err := iamFindUser(a, name)
		if err != nil {
			return nil, err
		}
		keys = u.AccessKeys
	case strings.HasSuffix(arn, ":root"):
		if a.IAM.Root != nil {
			keys = a.IAM.Root.AccessKeys
		}
	case strings.Contains(arn, ":user/"):
		name = arn[strings.LastIndex(arn, "/")+1:]
		if u, err := iamFindUser(a, name); err == nil {
			keys = u.AccessKeys
		}
	default:
		return nil, iamError("ValidationError", "Must specify userName when calling with non-User credentials")
	}
	keys = slices.DeleteFunc(slices.Clone(keys), func(k *IAMAccessKey) bool { return k == nil })
	start, end, marker, err := iamPage(c, len(keys))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "ListAccessKeys", func(x *xmlw) {
		x.open("AccessKeyMetadata")
		for _, k := range keys[start:end] {
			x.open("member").leafIf("UserName", name).leaf("AccessKeyId", k.ID).
				leaf("Status", orDefault(k.Status, "Active")).leaf("CreateDate", isoSeconds(orDefaultTime(k.Created))).close("member")
		}
		x.close("AccessKeyMetadata")
		iamTruncation(x, marker)
	}), nil
}

// iamGetAccessKeyLastUsed: a key never used has ServiceName and Region
// "N/A" and no LastUsedDate. The model lists no error for this operation;
// a key that is not an IAM user's key in the caller's account is answered
// with AccessDenied, since IAM authorizes on the key's owner.
func iamGetAccessKeyLastUsed(c *call) (*response, error) {
	a := c.account()
	id := c.form.Get("AccessKeyId")
	for _, u := range a.IAM.Users {
		for _, k := range u.AccessKeys {
			if k == nil || k.ID != id {
				continue
			}
			return queryResponse(c, "GetAccessKeyLastUsed", func(x *xmlw) {
				x.leaf("UserName", u.Name).open("AccessKeyLastUsed")
				if k.LastUsed != nil {
					x.leaf("LastUsedDate", isoSeconds(*k.LastUsed))
				}
				x.leaf("ServiceName", orDefault(k.LastUsedService, "N/A")).leaf("Region", orDefault(k.LastUsedRegion, "N/A"))
				x.close("AccessKeyLastUsed")
			}), nil
		}
	}
	return nil, iamError(ErrAccessDenied, "User: %s is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key %s", c.caller.arn(), id)
}

package fakeaws

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// STS (AWS query): aws_wire.md §3.

func stsService() *service {
	return &service{route: func(c *call) (operation, bool) {
		switch c.form.Get("Action") {
		case "GetCallerIdentity":
			return operation{name: "GetCallerIdentity", handle: stsGetCallerIdentity}, true
		case "AssumeRole":
			return operation{name: "AssumeRole", resource: c.form.Get("RoleArn"), handle: stsAssumeRole}, true
		}
		return operation{}, false
	}}
}

// queryResponse wraps a query-protocol result:
// <OpResponse xmlns><OpResult>...</OpResult><ResponseMetadata>...
func queryResponse(c *call, op string, result func(x *xmlw)) *response {
	var b strings.Builder
	x := newXML(&b).open(op+"Response", "xmlns", queryNamespaces[c.service]).open(op + "Result")
	result(x)
	x.close(op+"Result").open("ResponseMetadata").leaf("RequestId", c.ids.id).close("ResponseMetadata").close(op + "Response")
	return xmlResponse("text/xml", b.String())
}

func stsGetCallerIdentity(c *call) (*response, error) {
	return queryResponse(c, "GetCallerIdentity", func(x *xmlw) {
		x.leaf("Arn", c.caller.arn()).leaf("UserId", c.caller.userID()).leaf("Account", c.account().ID)
	}), nil
}

var roleSessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

func validationError(format string, args ...any) error {
	return errorFor("sts", "ValidationError", fmt.Sprintf(format, args...))
}

// stsAssumeRole succeeds for roles in some account's roles_assumable (with
// the right ExternalId when the fixture names one). The credentials it
// returns authenticate later calls as the role's account.
func stsAssumeRole(c *call) (*response, error) {
	roleARN, name := c.form.Get("RoleArn"), c.form.Get("RoleSessionName")
	if roleARN == "" {
		return nil, validationError("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	}
	if !roleSessionNameRE.MatchString(name) {
		return nil, validationError("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", name)
	}
	duration := 3600
	if d := c.form.Get("DurationSeconds"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 900 || n > 43200 {
			return nil, validationError("1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200", d)
		}
		duration = n
	}
	m := roleARNRE.FindStringSubmatch(roleARN)
	target := c.srv.assumable(roleARN)
	if m == nil || target == nil || (target.ExternalID != "" && target.ExternalID != c.form.Get("ExternalId")) {
		return nil, errorFor("sts", ErrAccessDenied, fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.caller.arn(), roleARN))
	}
	sess := &session{
		account:     c.srv.accounts[m[1]],
		roleARN:     roleARN,
		roleName:    m[2],
		roleID:      uniqueID("AROA", roleARN),
		sessionName: name,
	}
	expires := time.Now().Add(time.Duration(duration) * time.Second)
	if d := c.srv.opts.SessionDuration; d > 0 {
		expires = time.Now().Add(d)
		sess.expires = expires
	}
	keyID := c.srv.sessions.issue(sess)
	return queryResponse(c, "AssumeRole", func(x *xmlw) {
		x.open("Credentials").
			leaf("AccessKeyId", keyID).
			leaf("SecretAccessKey", randomToken(30)).
			leaf("SessionToken", "FwoGZXIvYXdzE"+randomToken(270)).
			leaf("Expiration", isoSeconds(expires)).
			close("Credentials")
		x.open("AssumedRoleUser").leaf("AssumedRoleId", sess.roleID+":"+name).leaf("Arn", sess.arn()).close("AssumedRoleUser")
		if sid := c.form.Get("SourceIdentity"); sid != "" {
			x.leaf("SourceIdentity", sid)
		}
	}), nil
}

// assumable finds roleARN among the fixture's roles_assumable.
func (s *Server) assumable(roleARN string) *AssumableRole {
	for _, a := range s.world.Accounts {
		if a == nil {
			continue
		}
		for i := range a.RolesAssumable {
			m := roleARNRE.FindStringSubmatch(roleARN)
			if a.RolesAssumable[i].ARN == roleARN && m != nil && s.accounts[m[1]] != nil {
				return &a.RolesAssumable[i]
			}
		}
	}
	return nil
}

// randomToken returns n random bytes in base64 (4n/3 characters).
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
	return base64.StdEncoding.EncodeToString(b)
}

package fakeaws

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// credentialScope is what a SigV4 signature says about the request. The fake
// reads it but never verifies the signature.
type credentialScope struct {
	accessKey, region, service string
}

// errNoAuth and errMalformedAuth distinguish an unsigned request from one
// whose signature cannot be read.
var (
	errNoAuth        = fmt.Errorf("request is not signed")
	errMalformedAuth = fmt.Errorf("authorization is malformed")
)

// parseAuth reads the credential scope from the Authorization header
// (AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, ...)
// or from a presigned URL's X-Amz-Credential.
func parseAuth(r *http.Request) (credentialScope, error) {
	cred := ""
	if h := r.Header.Get("Authorization"); h != "" {
		alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
		if alg != "AWS4-HMAC-SHA256" {
			return credentialScope{}, errMalformedAuth
		}
		for _, part := range strings.Split(rest, ",") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(part), "Credential="); ok {
				cred = v
			}
		}
		if cred == "" {
			return credentialScope{}, errMalformedAuth
		}
	} else if cred = r.URL.Query().Get("X-Amz-Credential"); cred == "" {
		return credentialScope{}, errNoAuth
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" || parts[2] == "" || parts[3] == "" {
		return credentialScope{}, errMalformedAuth
	}
	return credentialScope{accessKey: parts[0], region: parts[2], service: parts[3]}, nil
}

// serviceOf maps a signing name to the fake's service name: S3 Control and
// API Gateway v2 sign as s3 and apigateway.
func serviceOf(signingName string, r *http.Request) string {
	switch {
	case signingName == "s3" && strings.HasPrefix(r.URL.Path, "/v20180820/"):
		return "s3control"
	case signingName == "apigateway" && strings.HasPrefix(r.URL.Path, "/v2/"):
		return "apigatewayv2"
	}
	return signingName
}

// guessService picks the service of a request whose signature cannot be
// read, so that its error is at least in the right protocol.
func guessService(r *http.Request, form func() string) string {
	p := r.URL.Path
	switch t := r.Header.Get("X-Amz-Target"); {
	case strings.HasPrefix(t, "AmazonSQS."):
		return "sqs"
	case strings.HasPrefix(t, "AWSOrganizations"):
		return "organizations"
	case strings.HasPrefix(t, "AWSEvents."):
		return "events"
	case strings.HasPrefix(t, "TrentService."):
		return "kms"
	case strings.HasPrefix(t, "secretsmanager."):
		return "secretsmanager"
	case strings.HasPrefix(t, ecrTarget):
		return "ecr"
	case strings.HasPrefix(p, "/v20180820/"):
		return "s3control"
	case strings.HasPrefix(p, "/2015-03-31/"), strings.HasPrefix(p, "/2021-10-31/"), strings.HasPrefix(p, "/2018-10-31/"):
		return "lambda"
	case strings.HasPrefix(p, "/v2/"):
		return "apigatewayv2"
	case strings.HasPrefix(p, "/restapis"), strings.HasPrefix(p, "/domainnames"):
		return "apigateway"
	case strings.HasPrefix(t, "AWSWAF_20190729."):
		return "wafv2"
	case strings.HasPrefix(p, "/2020-05-31/"):
		return "cloudfront"
	case strings.HasPrefix(p, "/2021-01-01/"):
		return "es"
	case p == "/clusters" || strings.HasPrefix(p, "/clusters/"):
		return "eks"
	}
	if r.Method == http.MethodPost && p == "/" {
		for svc, v := range apiVersions {
			if form() == v {
				return svc
			}
		}
	}
	return "s3"
}

// session is the identity behind temporary credentials from AssumeRole.
type session struct {
	account     *Account
	roleARN     string
	roleName    string
	roleID      string
	sessionName string
	expires     time.Time // zero: never (the fake checks it only with Options.SessionDuration)
}

func (s *session) arn() string {
	return fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", s.account.ID, s.roleName, s.sessionName)
}

// sessionStore issues and remembers temporary credentials. A temporary
// access key id is ASIA + the role's account id + a sequence number, so even
// a key the store has forgotten resolves to the right account.
type sessionStore struct {
	mu   sync.Mutex
	seq  int
	byID map[string]*session
}

func (st *sessionStore) issue(s *session) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.seq++
	n := strings.ToUpper(strconv.FormatInt(int64(st.seq%(36*36*36*36)), 36))
	id := "ASIA" + s.account.ID + strings.Repeat("0", 4-len(n)) + n
	if st.byID == nil {
		st.byID = map[string]*session{}
	}
	st.byID[id] = s
	return id
}

func (st *sessionStore) get(id string) *session {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.byID[id]
}

// uniqueID derives an IAM-style unique id (AIDA..., AROA...) from a name, so
// that the same fixture always yields the same ids.
func uniqueID(prefix, seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return prefix + base32.StdEncoding.EncodeToString(sum[:])[:17]
}

// caller is who a request is from.
type caller struct {
	account *Account
	session *session // nil for the account's long-term keys
}

func (c caller) arn() string {
	if c.session != nil {
		return c.session.arn()
	}
	if c.account.CallerARN != "" {
		return c.account.CallerARN
	}
	return "arn:aws:iam::" + c.account.ID + ":user/trustmap"
}

// userID is GetCallerIdentity's UserId: AIDA... for a user, AROA...:session
// for a role session, the account id for root.
func (c caller) userID() string {
	switch {
	case c.session != nil:
		return c.session.roleID + ":" + c.session.sessionName
	case c.account.CallerUserID != "":
		return c.account.CallerUserID
	}
	arn := c.arn()
	switch {
	case strings.HasSuffix(arn, ":root"):
		return c.account.ID
	case strings.Contains(arn, ":assumed-role/"):
		parts := strings.Split(arn, "/")
		return uniqueID("AROA", "arn:aws:iam::"+c.account.ID+":role/"+parts[1]) + ":" + parts[len(parts)-1]
	case strings.Contains(arn, ":role/"):
		return uniqueID("AROA", arn)
	}
	return uniqueID("AIDA", arn)
}

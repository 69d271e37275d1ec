package policy

import (
	"regexp"
	"strings"
)

type prinKind int

const (
	pAnyone    prinKind = iota // "*", any map value "*", account "*" in an ARN, NotPrincipal with Allow
	pAccount                   // an account id, its root ARN, or a principal ARN inside it
	pService                   // a service principal
	pFederated                 // a web identity / OIDC / SAML provider
	pCanonical                 // an S3 canonical user id
	pOpaque                    // an AWS principal whose account cannot be read (CloudFront OAI ARN, ...)
	pDeleted                   // a unique id left by IAM in place of a deleted principal
)

// principal is one entry of a Principal element, classified.
type principal struct {
	kind    prinKind
	account string // pAccount
	arn     string // pAccount: the ARN as written, "" for a bare id or a root ARN
	value   string // the value as written (service, provider, canonical id, ...)
}

// uniqueID matches IAM unique ids (AIDA... users, AROA... roles, ...), which
// IAM shows in a policy in place of a principal that was deleted.
var uniqueID = regexp.MustCompile(`^A(IDA|ROA|GPA|KIA|SIA|IPA|NPA|NVA)[A-Z0-9]{12,}$`)

// classifyAWSPrincipal classifies one value of an "AWS" principal entry.
func classifyAWSPrincipal(v string) principal {
	if v == "*" {
		return principal{kind: pAnyone, value: v}
	}
	if isAccountID(v) {
		return principal{kind: pAccount, account: v, value: v}
	}
	if parts, ok := splitARN(v); ok {
		acct := parts[4]
		switch {
		case isAccountID(acct):
			p := principal{kind: pAccount, account: acct, value: v}
			if parts[5] != "root" {
				p.arn = v
			}
			return p
		case hasWildcard(acct) || strings.Contains(acct, "${"):
			// IAM forbids partial wildcards in principals; never treat a
			// wildcard account as fixed.
			return principal{kind: pAnyone, value: v}
		}
		return principal{kind: pOpaque, value: v}
	}
	if hasWildcard(v) {
		return principal{kind: pAnyone, value: v}
	}
	if uniqueID.MatchString(v) {
		return principal{kind: pDeleted, value: v}
	}
	return principal{kind: pOpaque, value: v}
}

// principalsOf lists the principals of a Principal element. A wildcard
// anywhere yields pAnyone (other entries are kept: they are subsumed).
func principalsOf(p *Principals) []principal {
	var out []principal
	if p.Wildcard {
		out = append(out, principal{kind: pAnyone, value: "*"})
	}
	for _, v := range p.AWS {
		if v == "*" {
			continue
		}
		out = append(out, classifyAWSPrincipal(v))
	}
	for _, v := range p.Service {
		if v != "*" {
			out = append(out, principal{kind: pService, value: v})
		}
	}
	for _, v := range p.Federated {
		if v != "*" {
			out = append(out, principal{kind: pFederated, value: v})
		}
	}
	for _, v := range p.CanonicalUser {
		if v != "*" {
			out = append(out, principal{kind: pCanonical, value: v})
		}
	}
	return out
}

// listedCovers reports whether the listed principal l (from a Deny's
// Principal or NotPrincipal) names the grantee g: the same account (or the
// exact principal ARN), the same service, provider or canonical user. An
// account does not name a service acting for that account.
func listedCovers(l principal, g grantee) bool {
	switch l.kind {
	case pAnyone:
		return true
	case pAccount:
		if g.account == "" || g.account != l.account || g.via != "" || g.known {
			return false
		}
		return l.arn == "" || l.arn == g.arn
	case pService:
		return (g.kind == KindService && strings.EqualFold(l.value, g.id)) || strings.EqualFold(l.value, g.via)
	case pFederated:
		return g.kind == KindFederated && l.value == g.id
	case pCanonical:
		// A known principal (Context.KnownPrincipals) keeps its canonical
		// id as its id and its ARN.
		return (g.kind == KindCanonicalUser || g.arn == l.value) && l.value == g.id
	case pOpaque, pDeleted:
		return g.id == l.value
	}
	return false
}

// --- federated providers -------------------------------------------------

// issuerOf returns the token issuer of a federated principal: the host/path of
// an oidc-provider ARN, or the provider string itself; saml is true for a
// saml-provider ARN.
func issuerOf(provider string) (issuer string, saml bool) {
	if parts, ok := splitARN(provider); ok {
		res := parts[5]
		switch {
		case strings.HasPrefix(res, "oidc-provider/"):
			return strings.ToLower(strings.TrimPrefix(res, "oidc-provider/")), false
		case strings.HasPrefix(res, "saml-provider/"):
			return "", true
		}
		return strings.ToLower(res), false
	}
	return strings.ToLower(provider), false
}

// subRule decides whether a `sub` value pins a multi-tenant CI issuer to one
// owner: the literal part (up to the first wildcard) must name the owner and
// close its segment, so "repo:acme/*" pins and "repo:acme*" does not.
type subRule = *regexp.Regexp

// multiTenant lists issuers that mint tokens for anyone who signs up, with the
// claims that tie a token to one tenant. Any other issuer is taken to be
// tenant-specific (an EKS cluster, a company IdP): its users are external but
// not anonymous.
var multiTenant = map[string]map[string]subRule{
	"token.actions.githubusercontent.com": {
		"sub": regexp.MustCompile(`^((repo|repository|job_workflow_ref):[^/:*?]+/|(repository_owner|repository_owner_id|repository_id|enterprise|enterprise_id):[^:*?]+(:|$))`),
	},
	"gitlab.com": {
		"sub": regexp.MustCompile(`^(project_path:[^/:*?]+/)`),
	},
	"app.terraform.io": {
		"sub": regexp.MustCompile(`^(organization:[^:*?]+(:|$))`),
	},
	"agent.buildkite.com": {
		"sub": regexp.MustCompile(`^(organization:[^:*?]+(:|$))`),
	},
	"cognito-identity.amazonaws.com": {"aud": nil, "sub": nil},
	"accounts.google.com":            {"aud": nil, "oaud": nil, "sub": nil},
	"graph.facebook.com":             {"app_id": nil, "id": nil},
	"www.amazon.com":                 {"app_id": nil, "user_id": nil},
}

// federationKey splits a condition key such as
// "token.actions.githubusercontent.com:sub" into issuer and claim; ok is
// false for keys that are not federation keys (aws:..., s3:..., saml:...).
func federationKey(keyLower string) (issuer, claim string, ok bool) {
	i := strings.LastIndexByte(keyLower, ':')
	if i <= 0 || i == len(keyLower)-1 {
		return "", "", false
	}
	issuer, claim = keyLower[:i], keyLower[i+1:]
	if !strings.Contains(issuer, ".") {
		return "", "", false
	}
	return issuer, claim, true
}

// federatedValueFixed reports whether one value of a federation claim pins
// the caller to one tenant. wild tells whether the operator expands '*'/'?'.
func federatedValueFixed(issuer, claim, v string, wild bool) bool {
	if hasVariable(v) || v == "" {
		return false
	}
	rules, multi := multiTenant[issuer]
	if !multi {
		return !(wild && hasWildcard(v))
	}
	rule, listed := rules[claim]
	if !listed {
		return false
	}
	if rule == nil {
		return !(wild && hasWildcard(v))
	}
	literal := v
	if wild {
		if i := strings.IndexAny(v, "*?"); i >= 0 {
			literal = v[:i]
		}
	}
	return rule.MatchString(literal)
}

// pinningClaims lists, for the fix text, the claim to add for an issuer.
func suggestedClaim(issuer string) (key, example, op string) {
	switch issuer {
	case "token.actions.githubusercontent.com":
		return issuer + ":sub", "repo:ORG/REPO:ref:refs/heads/main", "StringEquals"
	case "gitlab.com":
		return issuer + ":sub", "project_path:GROUP/PROJECT:ref_type:branch:ref:main", "StringEquals"
	case "app.terraform.io":
		return issuer + ":sub", "organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:*", "StringLike"
	case "agent.buildkite.com":
		return issuer + ":sub", "organization:ORG:pipeline:PIPELINE:ref:refs/heads/main:*", "StringLike"
	case "cognito-identity.amazonaws.com":
		return issuer + ":aud", "REGION:IDENTITY-POOL-ID", "StringEquals"
	case "accounts.google.com":
		return issuer + ":aud", "OAUTH-CLIENT-ID.apps.googleusercontent.com", "StringEquals"
	case "graph.facebook.com", "www.amazon.com":
		return issuer + ":app_id", "YOUR-APP-ID", "StringEquals"
	}
	return issuer + ":sub", "SUBJECT", "StringEquals"
}

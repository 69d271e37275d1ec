package policy

import (
	"slices"
	"strings"
)

// Guard is a kind of condition that stands between a caller and what a
// statement allows: something the caller must present or be, beyond its
// identity. The engine classifies conditions once, from their typed keys
// and operators, so that later stages (graph, analyzers, report) test a
// Guard instead of searching condition text.
type Guard string

// Guards, by the condition keys that make them (IAM User Guide, "AWS global
// condition context keys"; STS "sts:ExternalId"; KMS "kms:ViaService").
const (
	GuardExternalID      Guard = "external-id"      // sts:ExternalId
	GuardMFA             Guard = "mfa"              // aws:MultiFactorAuthPresent true, aws:MultiFactorAuthAge
	GuardSourceIP        Guard = "source-ip"        // aws:SourceIp (IpAddress)
	GuardSourceVPC       Guard = "source-vpc"       // aws:SourceVpc, aws:SourceVpce, aws:VpcSourceIp, aws:ec2InstanceSourceVPC, aws:ec2InstanceSourcePrivateIPv4
	GuardViaService      Guard = "via-aws-service"  // aws:ViaAWSService true, aws:CalledVia*, kms:ViaService
	GuardSource          Guard = "source"           // aws:SourceArn, aws:SourceAccount, aws:SourceOwner, aws:SourceOrgID, aws:SourceOrgPaths
	GuardOrganization    Guard = "organization"     // aws:PrincipalOrgID, aws:PrincipalOrgPaths
	GuardPrincipal       Guard = "principal"        // aws:PrincipalArn, aws:PrincipalAccount, aws:userid, kms:CallerAccount
	GuardSecureTransport Guard = "secure-transport" // aws:SecureTransport true
	GuardTokenClaim      Guard = "token-claim"      // a claim of a federated token (issuer:sub, issuer:aud, ...)
)

// NetworkBound reports whether gs binds a grant to a network or to calls
// made through AWS services: credentials used from elsewhere do not get it.
func NetworkBound(gs []Guard) bool {
	return slices.ContainsFunc(gs, func(g Guard) bool {
		return g == GuardSourceIP || g == GuardSourceVPC || g == GuardViaService
	})
}

var guardKeys = map[string]Guard{
	"sts:externalid":                   GuardExternalID,
	"aws:multifactorauthage":           GuardMFA,
	"aws:sourceip":                     GuardSourceIP,
	"aws:sourcevpc":                    GuardSourceVPC,
	"aws:sourcevpce":                   GuardSourceVPC,
	"aws:vpcsourceip":                  GuardSourceVPC,
	"aws:ec2instancesourcevpc":         GuardSourceVPC,
	"aws:ec2instancesourceprivateipv4": GuardSourceVPC,
	"aws:calledvia":                    GuardViaService,
	"aws:calledviafirst":               GuardViaService,
	"aws:calledvialast":                GuardViaService,
	"kms:viaservice":                   GuardViaService,
	"aws:sourcearn":                    GuardSource,
	"aws:sourceaccount":                GuardSource,
	"aws:sourceowner":                  GuardSource,
	"aws:sourceorgid":                  GuardSource,
	"aws:sourceorgpaths":               GuardSource,
	"aws:principalorgid":               GuardOrganization,
	"aws:principalorgpaths":            GuardOrganization,
	"aws:principalarn":                 GuardPrincipal,
	"aws:principalaccount":             GuardPrincipal,
	"aws:userid":                       GuardPrincipal,
	"kms:calleraccount":                GuardPrincipal,
}

// boolGuards are keys that guard only when required to be true.
var boolGuards = map[string]Guard{
	"aws:multifactorauthpresent": GuardMFA,
	"aws:viaawsservice":          GuardViaService,
	"aws:securetransport":        GuardSecureTransport,
}

// GuardsOf classifies conditions that must hold for a request: each
// condition that demands something of the caller gives its Guard. A
// negated operator (StringNotEquals, NotIpAddress, ...) excludes callers
// rather than demanding something, and gives none. The result is sorted
// and without duplicates.
func GuardsOf(conds []Condition) []Guard {
	var out []Guard
	for _, c := range conds {
		if g, ok := guardOf(c); ok {
			out = append(out, g)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func guardOf(c Condition) (Guard, bool) {
	info := c.info()
	if info.negated || info.family == famNull {
		return "", false
	}
	key := c.keyLower()
	if g, ok := boolGuards[key]; ok {
		if info.family == famBool && len(c.Values) == 1 && strings.EqualFold(c.Values[0], "true") {
			return g, true
		}
		return "", false
	}
	if g, ok := guardKeys[key]; ok {
		return g, true
	}
	// A federated token's claims are keyed by its issuer host, e.g.
	// token.actions.githubusercontent.com:sub or accounts.google.com:aud.
	if host, _, ok := strings.Cut(key, ":"); ok && strings.Contains(host, ".") {
		return GuardTokenClaim, true
	}
	return "", false
}

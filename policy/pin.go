package policy

import (
	"sort"
	"strings"
)

// pinKind is what a restricting condition pins the caller to.
type pinKind int

const (
	pinAccount   pinKind = iota // the caller's account (aws:PrincipalAccount, aws:PrincipalArn, kms:CallerAccount, s3:DataAccessPoint*)
	pinSource                   // the account a service acts for (aws:SourceAccount, aws:SourceOwner, aws:SourceArn); bucketPrefix values name an S3 bucket of unknown owner
	pinOrg                      // the caller's organization (aws:PrincipalOrgID, aws:PrincipalOrgPaths)
	pinSourceOrg                // the organization a service acts for (aws:SourceOrgID, aws:SourceOrgPaths)
	pinNetwork                  // a fixed network (aws:SourceIp, aws:SourceVpc, aws:SourceVpce)
	pinFederated                // a federation claim that ties tokens to one tenant
	pinUserID                   // one principal by unique id (aws:userid)
	pinService                  // the calling service principal (aws:PrincipalServiceName)
)

// pin is a restriction on who the caller is, derived from one condition.
type pin struct {
	kind   pinKind
	key    string   // lower-case condition key
	issuer string   // pinFederated: the token issuer
	values []string // the fixed identities (accounts, org ids, bucket names, ...); empty = matches nobody
	cond   Condition
	text   string // for Grant.PinnedBy
}

type keyClass int

const (
	kcNone keyClass = iota
	kcAccount
	kcARN
	kcOrgID
	kcOrgPath
	kcIP
	kcNetID
	kcUserID
	kcService
)

var pinKeys = map[string]struct {
	class keyClass
	kind  pinKind
}{
	"aws:principalaccount":      {kcAccount, pinAccount},
	"kms:calleraccount":         {kcAccount, pinAccount},
	"s3:dataaccesspointaccount": {kcAccount, pinAccount},
	"aws:sourceaccount":         {kcAccount, pinSource},
	"aws:sourceowner":           {kcAccount, pinSource},
	"aws:principalarn":          {kcARN, pinAccount},
	"s3:dataaccesspointarn":     {kcARN, pinAccount},
	"aws:sourcearn":             {kcARN, pinSource},
	"aws:principalorgid":        {kcOrgID, pinOrg},
	"aws:principalorgpaths":     {kcOrgPath, pinOrg},
	"aws:sourceorgid":           {kcOrgID, pinSourceOrg},
	"aws:sourceorgpaths":        {kcOrgPath, pinSourceOrg},
	"aws:sourceip":              {kcIP, pinNetwork},
	"aws:sourcevpc":             {kcNetID, pinNetwork},
	"aws:sourcevpce":            {kcNetID, pinNetwork},
	"aws:userid":                {kcUserID, pinUserID},
	"aws:principalservicename":  {kcService, pinService},
}

// valueClass is the verdict on one condition value of a pinning key.
type valueClass int

const (
	vFixed      valueClass = iota // names one identity
	vOpen                         // wildcard, variable or broad range: restricts nobody
	vImpossible                   // can never match a real request (e.g. StringEquals "*" on an org id)
)

// classifyPin decides whether c restricts who the caller is. It returns
// ok=false for conditions that do not (negated operators, IfExists,
// ForAllValues, keys that say nothing about the caller, any open value).
// A pin with no values can never be satisfied.
func classifyPin(c Condition) (pin, bool) {
	if !c.positivePresence() {
		return pin{}, false
	}
	o := c.info()
	if o.family != famString && o.family != famArn && o.family != famIP {
		return pin{}, false
	}
	key := c.keyLower()
	wild := o.wildcard
	p := pin{key: key, cond: c, text: c.String()}
	spec, known := pinKeys[key]
	if !known {
		issuer, claim, ok := federationKey(key)
		if !ok || o.family == famIP {
			return pin{}, false
		}
		if _, multi := multiTenant[issuer]; multi {
			if _, listed := multiTenant[issuer][claim]; !listed {
				return pin{}, false
			}
		} else if claim != "sub" && claim != "aud" {
			return pin{}, false
		}
		p.kind, p.issuer = pinFederated, issuer
		for _, v := range c.Values {
			if !federatedValueFixed(issuer, claim, v, wild) {
				return pin{}, false
			}
			p.values = append(p.values, v)
		}
		p.values = dedupe(p.values)
		return p, true
	}
	if spec.class == kcIP && o.family != famIP && o.family != famString {
		return pin{}, false
	}
	p.kind = spec.kind
	for _, v := range c.Values {
		id, cls := classifyValue(spec.class, key, v, wild, o.family)
		switch cls {
		case vOpen:
			return pin{}, false
		case vFixed:
			if id.bucket {
				p.values = append(p.values, bucketPrefix+id.value)
			} else {
				p.values = append(p.values, id.value)
			}
		}
	}
	p.values = dedupe(p.values)
	return p, true
}

// bucketPrefix marks a pinSource value that is an S3 bucket name rather than
// an account: S3 acting for that bucket, whoever owns it.
const bucketPrefix = "s3-bucket:"

type pinnedID struct {
	value  string
	bucket bool // an S3 bucket name (aws:SourceArn without an account)
}

func classifyValue(class keyClass, key, v string, wild bool, family string) (pinnedID, valueClass) {
	if class == kcARN {
		return classifyARNValue(key, v, wild, family)
	}
	if hasVariable(v) {
		return pinnedID{}, vOpen
	}
	isWild := wild && hasWildcard(v)
	switch class {
	case kcAccount:
		if isWild {
			return pinnedID{}, vOpen
		}
		if isAccountID(v) {
			return pinnedID{value: v}, vFixed
		}
		return pinnedID{}, vImpossible
	case kcOrgID, kcOrgPath:
		org := v
		if class == kcOrgPath {
			org, _, _ = strings.Cut(v, "/")
		}
		if wild && hasWildcard(org) {
			return pinnedID{}, vOpen
		}
		if !strings.HasPrefix(strings.ToLower(org), "o-") || hasWildcard(org) {
			return pinnedID{}, vImpossible
		}
		// Organization ids are lower case; IgnoreCase operators may spell
		// them otherwise.
		return pinnedID{value: strings.ToLower(org)}, vFixed
	case kcIP:
		if isWild {
			return pinnedID{}, vOpen
		}
		pfx, ok := parseIPValue(v)
		if !ok {
			return pinnedID{}, vImpossible
		}
		if broadPrefix(pfx) {
			return pinnedID{}, vOpen
		}
		return pinnedID{value: v}, vFixed
	case kcNetID, kcService:
		if isWild {
			return pinnedID{}, vOpen
		}
		if hasWildcard(v) {
			return pinnedID{}, vImpossible
		}
		return pinnedID{value: v}, vFixed
	case kcUserID:
		if isWild {
			// S3 treats "AROLEID:*" (every session of one role) as fixed.
			id, rest, found := strings.Cut(v, ":")
			if found && rest == "*" && id != "" && !hasWildcard(id) {
				return pinnedID{value: v}, vFixed
			}
			return pinnedID{}, vOpen
		}
		return pinnedID{value: v}, vFixed
	}
	return pinnedID{}, vOpen
}

// classifyARNValue reads the account out of an ARN-valued pinning key.
// Wildcards in the region or resource are fine when the account segment is
// fixed; for StringLike a '*' before the account could span colons, so it
// is open. aws:SourceArn naming an S3 bucket (no account) pins S3 acting for
// that bucket, owner unknown.
func classifyARNValue(key, v string, wild bool, family string) (pinnedID, valueClass) {
	parts := strings.SplitN(v, ":", 6)
	if len(parts) < 6 {
		if (wild && hasWildcard(v)) || hasVariable(v) {
			return pinnedID{}, vOpen
		}
		return pinnedID{}, vImpossible
	}
	// A variable in the partition, service, region or account could take
	// any value; one in the resource part leaves the account fixed.
	if hasVariable(strings.Join(parts[:5], ":")) {
		return pinnedID{}, vOpen
	}
	if wild {
		if family != famArn && hasWildcard(strings.Join(parts[:4], ":")) {
			return pinnedID{}, vOpen
		}
	}
	if parts[0] != "arn" && !(wild && hasWildcard(parts[0])) {
		return pinnedID{}, vImpossible
	}
	acct, service, region, res := parts[4], strings.ToLower(parts[2]), parts[3], parts[5]
	bucketShape := key == "aws:sourcearn" && service == "s3" &&
		(acct == "" || (wild && acct == "*")) && (region == "" || (wild && region == "*"))
	if bucketShape {
		bucket, _, _ := strings.Cut(res, "/")
		if bucket == "" || (wild && hasWildcard(bucket)) || hasVariable(bucket) {
			return pinnedID{}, vOpen
		}
		return pinnedID{value: bucket, bucket: true}, vFixed
	}
	switch {
	case wild && hasWildcard(acct):
		return pinnedID{}, vOpen
	case isAccountID(acct):
		return pinnedID{value: acct}, vFixed
	case acct == "" && key == "aws:principalarn":
		return pinnedID{}, vImpossible
	}
	// No readable account (or a literal '*'): cannot prove who it is.
	return pinnedID{}, vOpen
}

func dedupe(in []string) []string {
	if len(in) < 2 {
		return in
	}
	out := append([]string(nil), in...)
	sort.Strings(out)
	j := 0
	for i := range out {
		if i == 0 || out[i] != out[i-1] {
			out[j] = out[i]
			j++
		}
	}
	return out[:j]
}

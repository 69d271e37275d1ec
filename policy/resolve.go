package policy

import (
	"strings"
)

// grantee is who one grant reaches, after the principal and the pins that
// narrow it have been combined.
type grantee struct {
	id       string        // Grant.Principal
	kind     PrincipalKind // Kind* constant
	via      string        // service principal acting for id, if any
	exposure Verdict
	external []string // entries for Result.ExternalPrincipals
	account  string   // the account for KindOwner/KindAccount grantees
	arn      string   // an explicit principal ARN (not a root ARN)
	issuer   string   // KindFederated: the token issuer
	// known is set for a Context.KnownPrincipals principal: only a Deny
	// that names it (not one naming its whole account) covers it.
	known bool
}

// pinSummary combines the pins of one grant. Pins of the same kind AND
// together: exact identities intersect; IP ranges and federation patterns
// are kept side by side (their intersection is not a string operation).
type pinSummary struct {
	sets       map[pinKind][]string // intersected identities; absent = unconstrained
	network    bool
	fedIssuers map[string]bool
	impossible bool
}

func summarize(pins []pin) pinSummary {
	s := pinSummary{sets: map[pinKind][]string{}, fedIssuers: map[string]bool{}}
	for _, p := range pins {
		if len(p.values) == 0 {
			s.impossible = true
			continue
		}
		switch p.kind {
		case pinNetwork:
			s.network = true
		case pinFederated:
			s.fedIssuers[p.issuer] = true
		case pinUserID:
			if prev, ok := s.sets[p.kind]; ok {
				if in := intersect(prev, p.values); len(in) > 0 {
					s.sets[p.kind] = in
				}
				continue
			}
			s.sets[p.kind] = p.values
		case pinSource:
			if prev, ok := s.sets[p.kind]; ok {
				s.sets[p.kind] = intersectSources(prev, p.values)
			} else {
				s.sets[p.kind] = p.values
			}
		default:
			if prev, ok := s.sets[p.kind]; ok {
				s.sets[p.kind] = intersect(prev, p.values)
			} else {
				s.sets[p.kind] = p.values
			}
		}
	}
	for _, v := range s.sets {
		if len(v) == 0 {
			s.impossible = true
		}
	}
	return s
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// intersectSources intersects two source-pin value lists, where a bucket
// entry stands for "whichever account owns that bucket": an account on one
// side survives if the other side has it or has any bucket.
func intersectSources(a, b []string) []string {
	hasBucket := func(l []string) bool {
		for _, v := range l {
			if strings.HasPrefix(v, bucketPrefix) {
				return true
			}
		}
		return false
	}
	var out []string
	for _, x := range a {
		if strings.HasPrefix(x, bucketPrefix) {
			if contains(b, x) {
				out = append(out, x)
			}
			continue
		}
		if contains(b, x) || hasBucket(b) {
			out = append(out, x)
		}
	}
	if hasBucket(a) {
		for _, y := range b {
			if !strings.HasPrefix(y, bucketPrefix) && !contains(out, y) {
				out = append(out, y)
			}
		}
	}
	return dedupe(out)
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// resolved is one grantee of a grant, plus the synthetic pin that selects it
// when the grant had to be split (several accounts, orgs, ...).
type resolved struct {
	g      grantee
	narrow *pin
}

// resolve turns a principal and the pins of its statement into grantees.
func (a *analyzer) resolve(pr principal, s pinSummary) []resolved {
	if s.impossible {
		return nil
	}
	switch pr.kind {
	case pAnyone:
		return a.resolveAnyone(s)
	case pAccount:
		if accts, ok := s.sets[pinAccount]; ok && !contains(accts, pr.account) {
			return nil
		}
		return []resolved{{g: a.accountGrantee(pr.account, pr.arn, "")}}
	case pService:
		return a.resolveService(pr.value, s)
	case pFederated:
		return []resolved{{g: a.federatedGrantee(pr.value, s)}}
	case pCanonical, pOpaque:
		if acct, ok := a.ctx.KnownPrincipals[pr.value]; ok && isAccountID(acct) {
			// A principal the caller knows the account of (a CloudFront
			// OAI): judged as that account's principal, named as written.
			if accts, ok := s.sets[pinAccount]; ok && !contains(accts, acct) {
				return nil
			}
			g := a.accountGrantee(acct, pr.value, "")
			g.known = true
			return []resolved{{g: g}}
		}
		if pr.kind == pCanonical {
			return []resolved{{g: grantee{id: pr.value, kind: KindCanonicalUser, exposure: CrossAccount, external: []string{pr.value}}}}
		}
		return []resolved{{g: grantee{id: pr.value, kind: KindPrincipalID, exposure: CrossAccount, external: []string{pr.value}}}}
	case pDeleted:
		return []resolved{{g: grantee{id: pr.value, kind: KindDeleted, exposure: Internal}}}
	}
	return nil
}

func (a *analyzer) accountGrantee(acct, arn, via string) grantee {
	id := acct
	if arn != "" {
		id = arn
	}
	if acct == a.ctx.OwnerAccount {
		return grantee{id: id, kind: KindOwner, via: via, exposure: Internal, account: acct, arn: arn}
	}
	return grantee{id: id, kind: KindAccount, via: via, exposure: CrossAccount, external: []string{acct}, account: acct, arn: arn}
}

// each builds one resolved entry per value, adding a narrowing pin when there
// is more than one value so that every grant has exactly one grantee.
func each(kind pinKind, values []string, mk func(v string) grantee) []resolved {
	out := make([]resolved, 0, len(values))
	for _, v := range values {
		r := resolved{g: mk(v)}
		if len(values) > 1 {
			r.narrow = &pin{kind: kind, values: []string{v}}
		}
		out = append(out, r)
	}
	return out
}

// resolveAnyone narrows a wildcard principal by its pins, most specific
// first: calling service, principal account, source account, unique id,
// organization, network, federation claim.
func (a *analyzer) resolveAnyone(s pinSummary) []resolved {
	if svcs, ok := s.sets[pinService]; ok {
		var out []resolved
		for _, svc := range svcs {
			for _, r := range a.resolveService(svc, s) {
				if len(svcs) > 1 {
					r.narrow = &pin{kind: pinService, values: []string{svc}}
				}
				out = append(out, r)
			}
		}
		return out
	}
	if accts, ok := s.sets[pinAccount]; ok {
		return each(pinAccount, accts, func(v string) grantee { return a.accountGrantee(v, "", "") })
	}
	if src, ok := s.sets[pinSource]; ok {
		return each(pinSource, src, func(v string) grantee {
			if strings.HasPrefix(v, bucketPrefix) {
				return grantee{id: "s3.amazonaws.com", kind: KindService, exposure: CrossAccount, external: []string{"s3.amazonaws.com"}}
			}
			// Only AWS services send aws:SourceAccount/aws:SourceArn: a
			// service (which one the policy does not say) acting for v.
			return a.accountGrantee(v, "", AnyService)
		})
	}
	if ids, ok := s.sets[pinUserID]; ok {
		return each(pinUserID, ids, func(v string) grantee {
			return grantee{id: v, kind: KindPrincipalID, exposure: CrossAccount, external: []string{v}}
		})
	}
	for _, k := range []pinKind{pinOrg, pinSourceOrg} {
		if orgs, ok := s.sets[k]; ok {
			return each(k, orgs, func(v string) grantee {
				return grantee{id: v, kind: KindOrganization, exposure: CrossAccount, external: []string{v}}
			})
		}
	}
	if s.network {
		return []resolved{{g: grantee{id: "*", kind: KindNetwork, exposure: CrossAccount, external: []string{"*"}}}}
	}
	if len(s.fedIssuers) > 0 {
		var out []resolved
		for _, iss := range sortedKeys(s.fedIssuers) {
			out = append(out, resolved{g: grantee{id: iss, kind: KindFederated, exposure: CrossAccount, external: []string{iss}, issuer: iss}})
		}
		if len(out) > 1 {
			// Pins on two issuers AND together; no single token carries both.
			return nil
		}
		return out
	}
	return []resolved{{g: grantee{id: "*", kind: KindAnyone, exposure: Public, external: []string{"*"}}}}
}

// resolveService classifies a service principal: internal when pinned to the
// owner by aws:SourceAccount/aws:SourceArn, external for the account or org it
// is pinned to otherwise, and external via the service itself when unpinned
// (confused deputy). In a role trust policy an unpinned service is internal:
// only someone who may iam:PassRole in the role's account can hand it over.
func (a *analyzer) resolveService(name string, s pinSummary) []resolved {
	trust := a.ctx.ResourceType == ResourceTypeRoleTrust
	unpinned := grantee{id: name, kind: KindService, exposure: CrossAccount, external: []string{name}}
	if trust {
		unpinned = grantee{id: name, kind: KindService, exposure: Internal}
	}
	if src, ok := s.sets[pinSource]; ok {
		return each(pinSource, src, func(v string) grantee {
			if strings.HasPrefix(v, bucketPrefix) {
				return unpinned
			}
			return a.accountGrantee(v, "", name)
		})
	}
	if orgs, ok := s.sets[pinSourceOrg]; ok {
		return each(pinSourceOrg, orgs, func(v string) grantee {
			return grantee{id: v, kind: KindOrganization, via: name, exposure: CrossAccount, external: []string{v}}
		})
	}
	return []resolved{{g: unpinned}}
}

// federatedGrantee classifies a Federated principal. SAML providers and
// tenant-specific OIDC issuers reach external users but not everyone;
// multi-tenant issuers (GitHub Actions, Cognito, Google, ...) reach anyone who
// can get a token unless a claim pins the tenant.
func (a *analyzer) federatedGrantee(provider string, s pinSummary) grantee {
	issuer, saml := issuerOf(provider)
	g := grantee{id: provider, kind: KindFederated, exposure: CrossAccount, external: []string{provider}, issuer: issuer}
	if saml {
		return g
	}
	if _, multi := multiTenant[issuer]; multi && !s.fedIssuers[issuer] {
		// Anyone can get a token. A fixed network still makes it
		// non-public, as for a "*" principal.
		g.external = []string{"*", provider}
		if !s.network {
			g.exposure = Public
		}
	}
	return g
}

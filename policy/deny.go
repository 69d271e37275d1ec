package policy

import (
	"fmt"
	"strings"
)

// Deny handling.
//
// A Deny removes from a grant the requests it covers: same principal (by
// Principal, or everyone but the NotPrincipal list), overlapping actions and
// resources, and all its conditions true. For each grant the Deny can
//   - not apply (other principal, other actions/resources, or a condition
//     that is false for every request of the grant),
//   - apply fully (all conditions true for the grant's requests): the covered
//     actions/resources go away,
//   - apply conditionally: the covered part survives where the Deny's
//     conditions fail. "Deny unless X" (a negated condition) leaves the grant
//     in force only where X holds, which may pin who (a VPC endpoint, an
//     organization, the owner account); a positive condition (an IP
//     block-list, aws:SecureTransport false) leaves everyone else in.
// The part of a grant outside the Deny's actions/resources is kept as is,
// with the covered patterns listed as NotActions/NotResources.

type tri int

const (
	triUnknown tri = iota
	triTrue
	triFalse
)

// applyDeny applies one Deny statement to every grant.
func (a *analyzer) applyDeny(grants []*grant, d *Statement) []*grant {
	if d.Principal == nil && d.NotPrincipal == nil {
		// A Deny without a principal is not valid in a resource policy;
		// treating it as covering nobody can only over-state access.
		return grants
	}
	if d.NotPrincipal != nil && d.NotPrincipal.Wildcard {
		return grants // denies everyone except everyone
	}
	var listed []principal
	if d.Principal != nil {
		listed = principalsOf(d.Principal)
	} else {
		listed = principalsOf(d.NotPrincipal)
	}
	acts := denyTerms(d.Action, d.NotAction)
	ress := denyTerms(a.resourcePatterns(d.Resource), a.resourcePatterns(d.NotResource))
	var out []*grant
	for _, g := range grants {
		out = append(out, a.denyOne(g, d, listed, acts, ress)...)
	}
	return out
}

func (a *analyzer) denyOne(g *grant, d *Statement, listed []principal, acts, ress denySet) []*grant {
	keep := []*grant{g}
	// 1. principal
	covers, narrowTo := a.denyPrincipal(g, d, listed)
	if !covers && narrowTo == nil {
		return keep
	}
	// 2. actions and resources
	if !g.actions.mayOverlap(acts) || !g.resources.mayOverlap(ress) {
		return keep
	}
	aIn, aOut := split(g.actions, acts)
	if aIn.empty() {
		return keep
	}
	rIn, rOut := split(g.resources, ress)
	if rIn.empty() {
		return keep
	}
	// 3. conditions, judged against what the grant already fixes
	var unknown []Condition
	for _, c := range d.Conditions {
		switch a.evalForGrant(c, g) {
		case triFalse:
			return keep
		case triUnknown:
			unknown = append(unknown, c)
		}
	}
	var out []*grant
	mark := func(n *grant) *grant {
		if !containsInt(n.narrowedBy, d.Index) {
			n.narrowedBy = append(n.narrowedBy, d.Index)
		}
		return n
	}
	if !aOut.empty() {
		n := g.clone()
		n.actions = aOut
		out = append(out, mark(n))
	}
	if !rOut.empty() {
		n := g.clone()
		n.actions = aIn
		n.resources = rOut
		out = append(out, mark(n))
	}
	covered := g.clone()
	covered.actions, covered.resources = aIn, rIn
	// 4. what survives inside the covered part: the NotPrincipal-listed
	// principals, and every request for which some Deny condition is false.
	var survivors []*grant
	var whole *grant
	for _, l := range narrowTo {
		n := covered.clone()
		n.prin = l
		survivors = append(survivors, a.split(n)...)
	}
	for _, c := range unknown {
		comp, ok := c.complement()
		if ok {
			if p, isPin := classifyPin(comp); isPin {
				p.text = fmt.Sprintf("%s (Deny statement %d)", comp.String(), d.Index+1)
				n := covered.clone()
				n.pins = append(n.pins, p)
				n.holds = append(n.holds, comp)
				survivors = append(survivors, a.split(n)...)
				continue
			}
		}
		// The Deny does not apply whenever c is false, and that does not
		// narrow who: the whole covered part survives, the rest of the
		// survivors are contained in it.
		n := covered.clone()
		if len(unknown) == 1 {
			n.residual = append(n.residual, negationText(c, comp, ok, d))
			if ok {
				n.holds = append(n.holds, comp)
			}
		} else {
			parts := make([]string, len(unknown))
			for i, u := range unknown {
				parts[i] = u.String()
			}
			n.residual = append(n.residual, fmt.Sprintf("not (%s) (else Deny statement %d applies)", strings.Join(parts, " and "), d.Index+1))
		}
		survivors = nil
		whole = n
		break
	}
	for _, s := range survivors {
		out = append(out, mark(s))
	}
	if whole != nil {
		if len(out) == 0 {
			return []*grant{whole} // nothing removed: only a residual condition
		}
		out = append(out, mark(whole))
	}
	return out
}

func negationText(c, comp Condition, ok bool, d *Statement) string {
	if ok {
		return fmt.Sprintf("%s (else Deny statement %d applies)", comp.String(), d.Index+1)
	}
	return fmt.Sprintf("not (%s) (else Deny statement %d applies)", c.String(), d.Index+1)
}

func containsInt(l []int, n int) bool {
	for _, v := range l {
		if v == n {
			return true
		}
	}
	return false
}

// denyPrincipal decides whether a Deny's principal covers the grantee:
// covers=true when it does; narrowTo lists the principals a NotPrincipal Deny
// leaves in force inside the grantee's group (anyone, an org, a network, an
// account).
func (a *analyzer) denyPrincipal(g *grant, d *Statement, listed []principal) (covers bool, narrowTo []principal) {
	if d.Principal != nil {
		if d.Principal.Wildcard {
			return true, nil
		}
		for _, l := range listed {
			if listedCovers(l, g.who) {
				return true, nil
			}
		}
		return false, nil
	}
	// IAM documents that a principal named in NotPrincipal is only reliably
	// exempt when its account is named too ("otherwise the policy might deny
	// access to the entire account"). "Might" is not proof: every listed
	// principal is treated as exempt, which can only over-state access.
	exempt := listed
	for _, l := range exempt {
		if listedCovers(l, g.who) {
			return false, nil
		}
	}
	// The Deny covers the grantee; what it leaves in force are the listed
	// principals that lie inside the grantee's group.
	switch g.who.kind {
	case KindAnyone, KindNetwork, KindOrganization, KindPrincipalID:
		return true, exempt
	case KindAccount, KindOwner:
		if g.who.via == AnyService {
			// "Some service acting for the account": the listed services
			// keep their part.
			var inside []principal
			for _, l := range exempt {
				if l.kind == pService {
					inside = append(inside, l)
				}
			}
			return true, inside
		}
		if g.who.arn == "" && g.who.via == "" {
			var inside []principal
			for _, l := range exempt {
				if l.kind == pAccount && l.account == g.who.account {
					inside = append(inside, l)
				}
			}
			return true, inside
		}
	}
	return true, nil
}

// evalForGrant judges a Deny condition for every request the grant allows:
// true or false when the grant fixes the key's value, unknown otherwise.
func (a *analyzer) evalForGrant(c Condition, g *grant) tri {
	key := c.keyLower()
	comp, hasComp := c.complement()
	for _, h := range g.holds {
		if h.keyLower() != key {
			continue
		}
		// What h says about the key's presence decides Null tests, and
		// "absent" decides every condition by the missing-key rules.
		switch {
		case h.info().family == famNull && len(h.Values) == 1 && strings.EqualFold(h.Values[0], "true"):
			if r, ok := evalCondition(c, nil, false, nil); ok {
				return boolTri(r)
			}
		case h.positivePresence() && c.info().family == famNull:
			if r, ok := evalCondition(c, []string{"x"}, true, nil); ok {
				return boolTri(r)
			}
		}
		if implies(h, c) {
			return triTrue
		}
		if hasComp && implies(h, comp) {
			return triFalse
		}
	}
	if key == "aws:sourceip" {
		return a.evalIPForGrant(c, g)
	}
	vals, known := a.knownValues(key, g)
	if !known {
		return triUnknown
	}
	result := triUnknown
	for _, v := range vals {
		r, ok := evalCondition(c, []string{v}, true, nil)
		if !ok {
			return triUnknown
		}
		t := triFalse
		if r {
			t = triTrue
		}
		if result != triUnknown && result != t {
			return triUnknown
		}
		result = t
	}
	return result
}

// implies reports whether condition h (known to hold) makes c true: same
// key, operator, set and IfExists, and for a positive operator every value h
// accepts is one c accepts (h's values ⊆ c's), for a negated one the reverse.
// Wildcard and variable values are compared only for exact equality.
func implies(h, c Condition) bool {
	if h.keyLower() != c.keyLower() || !strings.EqualFold(h.Operator, c.Operator) || h.Set != c.Set || h.IfExists != c.IfExists {
		return false
	}
	o := c.info()
	switch o.family {
	case famNumeric, famDate, famBinary:
		return equalStrings(h.Values, c.Values)
	case famNull, famBool:
		return len(h.Values) == 1 && len(c.Values) == 1 && strings.EqualFold(h.Values[0], c.Values[0])
	}
	if c.Set == SetForAllValues {
		return equalStrings(h.Values, c.Values)
	}
	sub, sup := h.Values, c.Values
	if o.negated {
		sub, sup = c.Values, h.Values
	}
	if len(sub) == 0 {
		return false
	}
	for _, v := range sub {
		if !contains(sup, v) {
			return false
		}
	}
	return true
}

// knownValues returns the possible values of a request key for the grant's
// requests, when the grantee or the grant's own pins fix them.
func (a *analyzer) knownValues(key string, g *grant) ([]string, bool) {
	w := g.who
	fromPins := func(kind pinKind, pinKey string) ([]string, bool) {
		var vals []string
		found := false
		for _, p := range g.pins {
			if p.kind != kind || (pinKey != "" && p.key != pinKey) {
				continue
			}
			if p.key != "" && p.cond.Operator != "" {
				o := p.cond.info()
				for _, v := range p.values {
					if o.wildcard && hasWildcard(v) {
						return nil, false
					}
				}
			}
			if !found {
				vals, found = p.values, true
			} else {
				vals = intersect(vals, p.values)
			}
		}
		return vals, found && len(vals) > 0
	}
	switch key {
	case "aws:principalaccount":
		if w.account != "" && w.via == "" {
			return []string{w.account}, true
		}
		return fromPins(pinAccount, "aws:principalaccount")
	case "aws:principalarn":
		if w.arn != "" {
			return []string{w.arn}, true
		}
	case "aws:principalorgid":
		return fromPins(pinOrg, "")
	case "aws:sourceaccount", "aws:sourceowner":
		if w.via != "" && w.account != "" {
			return []string{w.account}, true
		}
		vals, ok := fromPins(pinSource, "")
		for _, v := range vals {
			if strings.HasPrefix(v, bucketPrefix) {
				return nil, false
			}
		}
		return vals, ok
	case "aws:sourceorgid":
		return fromPins(pinSourceOrg, "aws:sourceorgid")
	case "aws:sourcevpc", "aws:sourcevpce":
		return fromPins(pinNetwork, key)
	case "aws:principalservicename":
		if w.kind == KindService || w.via != "" {
			name := w.id
			if w.via != "" {
				name = w.via
			}
			return []string{name}, true
		}
	case "aws:principalisawsservice":
		switch {
		case w.kind == KindService || w.via != "":
			return []string{"true"}, true
		case w.kind == KindAccount || w.kind == KindOwner || w.kind == KindFederated:
			return []string{"false"}, true
		}
	}
	if _, _, ok := federationKey(key); ok {
		return fromPins(pinFederated, key)
	}
	return nil, false
}

// evalIPForGrant judges an IpAddress/NotIpAddress Deny condition against the
// ranges the grant is already limited to.
func (a *analyzer) evalIPForGrant(c Condition, g *grant) tri {
	o := c.info()
	if o.family != famIP || c.Set != "" {
		return triUnknown
	}
	for _, p := range g.pins {
		if p.kind != pinNetwork || p.key != "aws:sourceip" || p.cond.info().family != famIP {
			continue
		}
		allIn, allOut := true, true
		for _, v := range p.values {
			y, ok := parseIPValue(v)
			if !ok {
				continue
			}
			in, overlap := false, false
			for _, cv := range c.Values {
				x, ok := parseIPValue(cv)
				if !ok {
					continue
				}
				if prefixCovers(x, y) {
					in = true
				}
				if x.Overlaps(y) {
					overlap = true
				}
			}
			if !in {
				allIn = false
			}
			if overlap {
				allOut = false
			}
		}
		matched := triUnknown
		switch {
		case allIn:
			matched = triTrue
		case allOut:
			matched = triFalse
		}
		if matched == triUnknown {
			continue
		}
		if o.negated {
			if matched == triTrue {
				return triFalse
			}
			return triTrue
		}
		return matched
	}
	return triUnknown
}

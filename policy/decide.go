package policy

import (
	"strings"
)

// Request is one API request to check against a policy with Decide.
type Request struct {
	Action           string              // e.g. "s3:GetObject"
	Resource         string              // the resource ARN
	PrincipalAccount string              // the caller's account id, "" if unknown
	Context          map[string][]string // condition keys (any case) and their values; a key not listed is unknown
}

// Decision effects.
const (
	DecisionAllow         = "Allow"
	DecisionDeny          = "Deny"
	DecisionNotApplicable = "NotApplicable"
)

// Decision is the outcome of Decide.
type Decision struct {
	// Effect is "Allow", "Deny" (an explicit Deny applies) or
	// "NotApplicable" (no statement allows: implicit deny).
	Effect string
	// Conditional is true when a condition on a key that the request does
	// not give decides the outcome: an Allow that holds only if it is true,
	// or a Deny that would override it.
	Conditional bool
	// Statements are the statements that produced the effect (for a
	// conditional outcome, also those whose conditions are unknown).
	Statements []StatementRef
	// Conditions are the undecided conditions (String() form).
	Conditions []string
	// Guards classifies what the undecided conditions demand of a caller
	// (GuardsOf; for a Deny that may apply, what its conditions' complements
	// demand).
	Guards []Guard
}

// Decide evaluates the policy for one request, as IAM evaluates a single
// policy: an explicit Deny wins, then any Allow; otherwise NotApplicable.
//
// Principal elements are ignored in statements that have none (identity
// policies). Actions match case-insensitively and resources case-sensitively,
// both with '*' and '?' wildcards; NotAction/NotResource are honoured. Policy
// variables (Version 2012-10-17 only) are filled from r.Context, with their
// defaults when given. A condition on a key missing from r.Context is decided
// by IAM's missing-key rules only where they decide it (negated operators,
// IfExists, ForAllValues, Null); otherwise it is unknown and the decision is
// Conditional.
func (p *Policy) Decide(r Request) Decision { return p.decide(r, false) }

// decide implements Decide. With closedWorld, a key missing from r.Context
// is taken to be absent from the request (IAM's missing-key rules decide
// every condition), as when the full request context is known.
func (p *Policy) decide(r Request, closedWorld bool) Decision {
	ctx := map[string][]string{}
	for k, v := range r.Context {
		ctx[strings.ToLower(k)] = v
	}
	if _, ok := ctx["aws:principalaccount"]; !ok && r.PrincipalAccount != "" {
		ctx["aws:principalaccount"] = []string{r.PrincipalAccount}
	}
	var vars varResolver
	if p.Version == Version2012 {
		vars = func(key string) (string, bool) {
			v, ok := ctx[strings.ToLower(key)]
			if !ok || len(v) != 1 {
				return "", false
			}
			return v[0], true
		}
	}
	type outcome struct {
		st      *Statement
		t       tri
		unknown []Condition
	}
	var denyYes, denyMaybe, allowYes, allowMaybe []outcome
	for i := range p.Statements {
		st := &p.Statements[i]
		t, unknown := p.statementApplies(st, r, ctx, vars, closedWorld)
		o := outcome{st: st, t: t, unknown: unknown}
		switch {
		case t == triFalse:
		case st.Effect == Deny && t == triTrue:
			denyYes = append(denyYes, o)
		case st.Effect == Deny:
			denyMaybe = append(denyMaybe, o)
		case t == triTrue:
			allowYes = append(allowYes, o)
		default:
			allowMaybe = append(allowMaybe, o)
		}
	}
	collect := func(allows, denies []outcome) Decision {
		d := Decision{Effect: DecisionAllow, Statements: []StatementRef{}}
		var conds []string
		var required []Condition
		for _, o := range allows {
			d.Statements = append(d.Statements, StatementRef{Index: o.st.Index, Sid: o.st.Sid})
			for _, c := range o.unknown {
				conds = append(conds, c.String())
				required = append(required, c)
			}
		}
		for _, o := range denies {
			d.Statements = append(d.Statements, StatementRef{Index: o.st.Index, Sid: o.st.Sid})
			for _, c := range o.unknown {
				conds = append(conds, c.String())
				if comp, ok := c.complement(); ok && len(o.unknown) == 1 {
					// The Allow survives the Deny only when its one
					// undecided condition is false.
					required = append(required, comp)
				}
			}
		}
		d.Conditions = dedupe(conds)
		d.Guards = GuardsOf(required)
		return d
	}
	switch {
	case len(denyYes) > 0:
		d := collect(nil, denyYes)
		return Decision{Effect: DecisionDeny, Statements: d.Statements}
	case len(allowYes) > 0:
		d := collect(allowYes, denyMaybe)
		d.Conditional = len(denyMaybe) > 0
		return d
	case len(allowMaybe) > 0:
		d := collect(allowMaybe, denyMaybe)
		d.Conditional = true
		return d
	}
	return Decision{Effect: DecisionNotApplicable, Statements: []StatementRef{}}
}

// statementApplies reports whether a statement matches the request, and
// the conditions it could not decide.
func (p *Policy) statementApplies(st *Statement, r Request, ctx map[string][]string, vars varResolver, closedWorld bool) (tri, []Condition) {
	result := triTrue
	and := func(t tri) {
		switch {
		case t == triFalse:
			result = triFalse
		case t == triUnknown && result == triTrue:
			result = triUnknown
		}
	}
	switch {
	case st.Principal != nil:
		and(principalMatch(st.Principal, r, ctx))
	case st.NotPrincipal != nil:
		and(not(principalMatch(st.NotPrincipal, r, ctx)))
	}
	if st.Action != nil {
		and(boolTri(anyAction(st.Action, r.Action)))
	} else {
		and(boolTri(!anyAction(st.NotAction, r.Action)))
	}
	switch {
	case st.Resource != nil:
		and(resourceMatch(st.Resource, r.Resource, vars))
	case st.NotResource != nil:
		and(not(resourceMatch(st.NotResource, r.Resource, vars)))
	}
	if result == triFalse {
		return triFalse, nil
	}
	var unknown []Condition
	for _, c := range st.Conditions {
		vals, present := ctx[c.keyLower()]
		decidable := present || closedWorld || c.info().family == famNull || c.IfExists ||
			c.Set == SetForAllValues || (c.Set == "" && c.info().negated)
		if !decidable {
			and(triUnknown)
			unknown = append(unknown, c)
			continue
		}
		ok, known := evalCondition(c, vals, present, vars)
		if !known {
			and(triUnknown)
			unknown = append(unknown, c)
			continue
		}
		and(boolTri(ok))
		if result == triFalse {
			return triFalse, nil
		}
	}
	return result, unknown
}

func boolTri(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

func not(t tri) tri {
	switch t {
	case triTrue:
		return triFalse
	case triFalse:
		return triTrue
	}
	return triUnknown
}

func anyAction(patterns []string, action string) bool {
	for _, p := range patterns {
		if ActionMatches(p, action) {
			return true
		}
	}
	return false
}

func resourceMatch(patterns []string, resource string, vars varResolver) tri {
	result := triFalse
	for _, pat := range patterns {
		if vars != nil {
			s, ok := substitute(pat, vars, true)
			if !ok {
				result = triUnknown
				continue
			}
			pat = s
		}
		if globMatch(pat, resource) {
			return triTrue
		}
	}
	return result
}

// principalMatch matches a Principal element against the request's caller:
// true for "*" or the caller's account; unknown when only a principal ARN in
// that account is named and the request gives no aws:PrincipalArn.
func principalMatch(pr *Principals, r Request, ctx map[string][]string) tri {
	if pr.Wildcard {
		return triTrue
	}
	result := triFalse
	arns := ctx["aws:principalarn"]
	for _, v := range pr.AWS {
		p := classifyAWSPrincipal(v)
		if p.kind != pAccount {
			continue
		}
		switch {
		case r.PrincipalAccount == "":
			result = triUnknown
		case p.account != r.PrincipalAccount:
		case p.arn == "":
			return triTrue
		case len(arns) == 0:
			result = triUnknown
		default:
			for _, a := range arns {
				if a == p.arn {
					return triTrue
				}
			}
		}
	}
	for _, s := range pr.Service {
		for _, v := range ctx["aws:principalservicename"] {
			if strings.EqualFold(v, s) {
				return triTrue
			}
		}
	}
	return result
}

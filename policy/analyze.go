package policy

import (
	"sort"
	"strings"
)

// maxGrants bounds the working set while Deny statements split grants. Past
// it, the remaining Deny statements are not subtracted and the result is
// marked Incomplete (it then over-states access, never under-states it).
const maxGrants = 4096

// actionPrefixes maps a Context.ResourceType to the actions that can apply
// to that resource; an Allow of other services' actions grants nothing on
// it. Unknown or generic types keep every action.
var actionPrefixes = map[string]string{
	"s3":                  "s3:*",
	"sqs":                 "sqs:*",
	"sns":                 "sns:*",
	"lambda":              "lambda:*",
	"apigateway":          "execute-api:*",
	"kms":                 "kms:*",
	"secretsmanager":      "secretsmanager:*",
	"events":              "events:*",
	"ecr":                 "ecr:*",
	"es":                  "es:*", // OpenSearch Service (and legacy Elasticsearch) domains
	ResourceTypeRoleTrust: "sts:*",
}

type analyzer struct {
	ctx        Context
	p          *Policy
	incomplete bool
	globs      *globs
	api        string // see apiPrefix
}

// grant is one Allow being worked on: one principal, the pins that narrow
// it, what it allows, and where it came from.
type grant struct {
	prin       principal
	pins       []pin
	residual   []string    // conditions that do not restrict who (String() form)
	holds      []Condition // conditions known to hold for every request of the grant
	actions    termSet
	resources  termSet
	allow      []int // Allow statement indexes
	narrowedBy []int // Deny statement indexes
	who        grantee
}

func (g *grant) clone() *grant {
	c := *g
	c.pins = append([]pin(nil), g.pins...)
	c.residual = append([]string(nil), g.residual...)
	c.holds = append([]Condition(nil), g.holds...)
	c.allow = append([]int(nil), g.allow...)
	c.narrowedBy = append([]int(nil), g.narrowedBy...)
	return &c
}

// Analyze computes, for a resource policy (or role trust policy) and its
// owner, the effective grants after explicit Deny and the verdict: who
// outside ctx.OwnerAccount can do what, as IAM Access Analyzer would judge
// it (see the package documentation for the rules). A nil policy is
// internal. Analyze is a pure function: same input, same output.
func Analyze(p *Policy, ctx Context) Result {
	a := &analyzer{ctx: ctx, p: p, globs: newGlobs()}
	var grants []*grant
	if p != nil {
		for i := range p.Statements {
			st := &p.Statements[i]
			if st.Effect == Allow {
				grants = append(grants, a.allowGrants(st)...)
			}
		}
		for i := range p.Statements {
			st := &p.Statements[i]
			if st.Effect != Deny || len(grants) == 0 {
				continue
			}
			if len(grants) > maxGrants {
				a.incomplete = true
				break
			}
			grants = a.applyDeny(grants, st)
		}
	}
	return a.result(grants)
}

// allowGrants turns one Allow statement into grants, one per grantee. A
// statement without Principal grants nothing in a resource policy.
func (a *analyzer) allowGrants(st *Statement) []*grant {
	var prins []principal
	var residual []string
	switch {
	case st.NotPrincipal != nil:
		// Allow with NotPrincipal: everyone except the listed, anonymous
		// callers included.
		prins = []principal{{kind: pAnyone, value: "*"}}
		residual = append(residual, "NotPrincipal excludes "+describePrincipals(st.NotPrincipal))
	case st.Principal != nil:
		prins = principalsOf(st.Principal)
	default:
		return nil
	}
	var pins []pin
	for _, c := range st.Conditions {
		if p, ok := classifyPin(c); ok {
			pins = append(pins, p)
		} else {
			residual = append(residual, c.String())
		}
	}
	actions := allowTerms(st.Action, st.NotAction, true)
	actions.g = a.globs
	if prefix, ok := actionPrefixes[a.ctx.ResourceType]; ok {
		// Only the resource's own service's actions can apply to it.
		_, actions = split(actions, denySet{isNot: true, notList: []string{prefix}})
		if actions.empty() {
			return nil
		}
	}
	resources := allowTerms(a.resourcePatterns(st.Resource), a.resourcePatterns(st.NotResource), false)
	resources.g = a.globs
	base := grant{
		pins:      pins,
		residual:  residual,
		holds:     st.Conditions,
		actions:   actions,
		resources: resources,
		allow:     []int{st.Index},
	}
	var out []*grant
	for _, pr := range prins {
		g := base.clone()
		g.prin = pr
		out = append(out, a.split(g)...)
	}
	return out
}

// split resolves a grant's grantees and returns one grant per grantee.
func (a *analyzer) split(g *grant) []*grant {
	rs := a.resolve(g.prin, summarize(g.pins))
	out := make([]*grant, 0, len(rs))
	for _, r := range rs {
		c := g.clone()
		if r.narrow != nil {
			c.pins = append(c.pins, *r.narrow)
		}
		c.who = r.g
		out = append(out, c)
	}
	return out
}

// resourcePatterns expands API Gateway's shorthand "execute-api:/stage/..."
// (the API the policy is attached to) into an ARN pattern, so that it
// compares with full ARNs in other statements: the API's own ARN prefix
// when every full execute-api ARN in the policy names the same API, an
// ARN pattern for any API otherwise.
func (a *analyzer) resourcePatterns(list []string) []string {
	if a.ctx.ResourceType != "apigateway" || list == nil {
		return list
	}
	out := make([]string, len(list))
	for i, r := range list {
		if rest, ok := strings.CutPrefix(r, "execute-api:/"); ok {
			r = a.apiPrefix() + rest
		}
		out[i] = r
	}
	return out
}

// apiPrefix finds "arn:PARTITION:execute-api:REGION:ACCOUNT:API-ID/" from the
// policy's own full ARNs (memoised per Analyze call).
func (a *analyzer) apiPrefix() string {
	if a.api != "" {
		return a.api
	}
	a.api = "arn:*:execute-api:*:*:*/"
	prefix := ""
	for _, st := range a.p.Statements {
		for _, r := range append(append([]string(nil), st.Resource...), st.NotResource...) {
			parts, ok := splitARN(r)
			if !ok || parts[2] != "execute-api" {
				continue
			}
			id, _, found := strings.Cut(parts[5], "/")
			if !found || hasWildcard(id) || hasWildcard(strings.Join(parts[:5], ":")) {
				return a.api
			}
			p := strings.Join(parts[:5], ":") + ":" + id + "/"
			if prefix != "" && p != prefix {
				return a.api
			}
			prefix = p
		}
	}
	if prefix != "" {
		a.api = prefix
	}
	return a.api
}

func describePrincipals(p *Principals) string {
	var parts []string
	if p.Wildcard {
		parts = append(parts, "*")
	}
	for _, l := range [][]string{p.AWS, p.Service, p.Federated, p.CanonicalUser} {
		for _, v := range l {
			if v != "*" {
				parts = append(parts, v)
			}
		}
	}
	return strings.Join(parts, ", ")
}

// result merges the working grants into the public Result.
func (a *analyzer) result(grants []*grant) Result {
	res := Result{Verdict: Internal, ExternalPrincipals: []string{}, Grants: []Grant{}, Incomplete: a.incomplete}
	merged := map[string]*Grant{}
	var order []string
	for _, g := range grants {
		for _, ag := range g.actions.flatten() {
			for _, rg := range g.resources.flatten() {
				out := Grant{
					Principal:     g.who.id,
					PrincipalKind: g.who.kind,
					Via:           g.who.via,
					Exposure:      g.who.exposure,
					Actions:       ag[0],
					NotActions:    ag[1],
					Resources:     rg[0],
					NotResources:  rg[1],
					PinnedBy:      pinTexts(g.pins),
					Conditions:    dedupe(g.residual),
					Guards:        GuardsOf(g.holds),
				}
				key := strings.Join([]string{out.Principal, string(out.PrincipalKind), out.Via, out.Exposure.String(),
					strings.Join(out.NotActions, "\x00"), strings.Join(out.Resources, "\x00"),
					strings.Join(out.NotResources, "\x00"), strings.Join(out.PinnedBy, "\x00"),
					strings.Join(out.Conditions, "\x00"), guardKey(out.Guards)}, "\x01")
				m, ok := merged[key]
				if !ok {
					m = &out
					merged[key] = m
					order = append(order, key)
				} else {
					m.Actions = dedupe(append(m.Actions, out.Actions...))
				}
				m.Statements = a.refs(append(refIndexes(m.Statements), g.allow...))
				m.NarrowedBy = a.refs(append(refIndexes(m.NarrowedBy), g.narrowedBy...))
				for _, e := range g.who.external {
					if g.who.exposure != Internal && !contains(res.ExternalPrincipals, e) {
						res.ExternalPrincipals = append(res.ExternalPrincipals, e)
					}
				}
				if g.who.exposure.Rank() > res.Verdict.Rank() {
					res.Verdict = g.who.exposure
				}
			}
		}
	}
	for _, k := range order {
		g := merged[k]
		if len(g.NarrowedBy) == 0 {
			g.NarrowedBy = nil
		}
		if g.Exposure != Internal {
			g.Fix = a.fix(g)
		}
		res.Grants = append(res.Grants, *g)
	}
	sort.Strings(res.ExternalPrincipals)
	sort.SliceStable(res.Grants, func(i, j int) bool { return grantLess(res.Grants[i], res.Grants[j]) })
	return res
}

func grantLess(x, y Grant) bool {
	if x.Exposure.Rank() != y.Exposure.Rank() {
		return x.Exposure.Rank() > y.Exposure.Rank()
	}
	if x.Principal != y.Principal {
		return x.Principal < y.Principal
	}
	if x.PrincipalKind != y.PrincipalKind {
		return x.PrincipalKind < y.PrincipalKind
	}
	xi, yi := firstIndex(x.Statements), firstIndex(y.Statements)
	if xi != yi {
		return xi < yi
	}
	return strings.Join(x.Actions, ",")+"|"+strings.Join(x.Resources, ",")+"|"+strings.Join(x.PinnedBy, ",")+"|"+strings.Join(x.Conditions, ",") <
		strings.Join(y.Actions, ",")+"|"+strings.Join(y.Resources, ",")+"|"+strings.Join(y.PinnedBy, ",")+"|"+strings.Join(y.Conditions, ",")
}

func firstIndex(refs []StatementRef) int {
	if len(refs) == 0 {
		return -1
	}
	return refs[0].Index
}

func refIndexes(refs []StatementRef) []int {
	out := make([]int, 0, len(refs))
	for _, r := range refs {
		out = append(out, r.Index)
	}
	return out
}

// refs turns statement indexes into sorted, de-duplicated references.
func (a *analyzer) refs(idx []int) []StatementRef {
	sort.Ints(idx)
	out := []StatementRef{}
	for i, n := range idx {
		if i > 0 && idx[i-1] == n {
			continue
		}
		r := StatementRef{Index: n}
		if a.p != nil && n >= 0 && n < len(a.p.Statements) {
			r.Sid = a.p.Statements[n].Sid
		}
		out = append(out, r)
	}
	return out
}

func pinTexts(pins []pin) []string {
	var out []string
	for _, p := range pins {
		if p.text != "" {
			out = append(out, p.text)
		}
	}
	return dedupe(out)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func guardKey(gs []Guard) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteString(string(g))
		b.WriteByte(0)
	}
	return b.String()
}

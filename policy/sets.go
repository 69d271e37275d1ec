package policy

import (
	"sort"
)

// term is a set of actions (or resources): the strings matched by pat,
// minus those matched by any pattern in excl.
type term struct {
	pat  string
	excl []string
}

// termSet is a union of terms. fold selects case-insensitive matching
// (actions) or case-sensitive matching (resources).
type termSet struct {
	terms []term
	fold  bool
	g     *globs // memo of pattern comparisons; nil works uncached
}

// allowTerms builds the set an Allow statement names: its list, or "*" minus
// its Not-list, or "*" when the element is absent (trust policies).
func allowTerms(list, notList []string, fold bool) termSet {
	switch {
	case list != nil:
		ts := termSet{fold: fold}
		for _, p := range list {
			ts.terms = append(ts.terms, term{pat: p})
		}
		return ts
	case notList != nil:
		return termSet{terms: []term{{pat: "*", excl: append([]string(nil), notList...)}}, fold: fold}
	}
	return termSet{terms: []term{{pat: "*"}}, fold: fold}
}

// denySet is the set a Deny statement covers. Patterns holding policy
// variables cannot be proven to cover anything and are dropped from a
// list; in a Not-list they are kept (they may exclude anything: the deny
// then covers less, which never hides access).
type denySet struct {
	pats    []string // Action/Resource patterns (nil with notList)
	notList []string // NotAction/NotResource patterns
	isNot   bool
}

func denyTerms(list, notList []string) denySet {
	switch {
	case list != nil:
		d := denySet{}
		for _, p := range list {
			if !hasVariable(p) {
				d.pats = append(d.pats, p)
			}
		}
		return d
	case notList != nil:
		return denySet{isNot: true, notList: notList}
	}
	return denySet{pats: []string{"*"}}
}

func (ts termSet) empty() bool { return len(ts.terms) == 0 }

func (ts termSet) with(terms []term) termSet { return termSet{terms: terms, fold: ts.fold, g: ts.g} }

// termEmpty reports whether t provably matches nothing.
func (g *globs) termEmpty(t term, fold bool) bool {
	for _, e := range t.excl {
		if g.covers(e, t.pat, fold) {
			return true
		}
	}
	return false
}

// clean drops exclusions that cannot overlap the pattern or are covered by
// another exclusion, and sorts the rest.
func (g *globs) cleanTerm(t term, fold bool) term {
	var keep []string
	for i, e := range t.excl {
		if !g.overlaps(e, t.pat, fold) {
			continue
		}
		redundant := false
		for j, f := range t.excl {
			if i != j && f != e && g.covers(f, e, fold) {
				redundant = true
				break
			}
			if j < i && f == e {
				redundant = true
				break
			}
		}
		if !redundant {
			keep = append(keep, e)
		}
	}
	sort.Strings(keep)
	return term{pat: t.pat, excl: keep}
}

// intersectPat approximates p ∩ q by whichever contains the other, or by p
// when neither does (an over-approximation of the intersection).
func (g *globs) intersectPat(p, q string, fold bool) string {
	if g.covers(q, p, fold) {
		return p
	}
	if g.covers(p, q, fold) {
		return q
	}
	return p
}

// split divides an allowed set by what a Deny covers: in = the part the Deny
// covers (an over-approximation), out = the part it leaves alone (exact, or
// an over-approximation). Together they never lose an allowed string.
func split(a termSet, d denySet) (in, out termSet) {
	var inT, outT []term
	g := a.g
	add := func(dst *[]term, t term) {
		t = g.cleanTerm(t, a.fold)
		if !g.termEmpty(t, a.fold) {
			*dst = append(*dst, t)
		}
	}
	for _, t := range a.terms {
		if !d.isNot {
			excl := append([]string(nil), t.excl...)
			for _, q := range d.pats {
				if !g.overlaps(t.pat, q, a.fold) {
					continue
				}
				add(&inT, term{pat: g.intersectPat(t.pat, q, a.fold), excl: t.excl})
				excl = append(excl, q)
			}
			add(&outT, term{pat: t.pat, excl: excl})
			continue
		}
		// Deny everything except notList: covers t minus notList; leaves
		// t ∩ notList.
		add(&inT, term{pat: t.pat, excl: append(append([]string(nil), t.excl...), varsFree(d.notList)...)})
		for _, f := range d.notList {
			if !g.overlaps(t.pat, f, a.fold) {
				continue
			}
			add(&outT, term{pat: g.intersectPat(t.pat, f, a.fold), excl: t.excl})
		}
	}
	return a.with(dedupeTerms(inT)), a.with(dedupeTerms(outT))
}

// mayOverlap is a cheap test, without allocation, of whether the Deny's set
// can meet this set at all (ignoring exclusions, so it may say true
// wrongly, never false wrongly).
func (ts termSet) mayOverlap(d denySet) bool {
	if d.isNot {
		return true
	}
	for _, t := range ts.terms {
		for _, q := range d.pats {
			if ts.g.overlaps(t.pat, q, ts.fold) {
				return true
			}
		}
	}
	return false
}

// varsFree drops patterns with policy variables (they cannot be proven to
// exclude anything specific; dropping them over-approximates the covered
// part, which split's contract allows).
func varsFree(l []string) []string {
	var out []string
	for _, p := range l {
		if !hasVariable(p) {
			out = append(out, p)
		}
	}
	return out
}

func dedupeTerms(ts []term) []term {
	var out []term
	for _, t := range ts {
		dup := false
		for _, u := range out {
			if u.pat == t.pat && equalStrings(u.excl, t.excl) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// flatten renders a term set as groups of (patterns, exclusions), grouping
// terms so that every exclusion of a group that overlaps a pattern of the
// group is one of that pattern's own exclusions; a flat "Actions minus
// NotActions" could otherwise understate what is allowed.
func (ts termSet) flatten() [][2][]string {
	var groups [][]term
	for _, t := range ts.terms {
		placed := false
		for gi, g := range groups {
			if ts.exact(append(append([]term(nil), g...), t)) {
				groups[gi] = append(g, t)
				placed = true
				break
			}
		}
		if !placed {
			groups = append(groups, []term{t})
		}
	}
	out := make([][2][]string, 0, len(groups))
	for _, g := range groups {
		var pats, excl []string
		for _, t := range g {
			pats = append(pats, t.pat)
			excl = union(excl, t.excl)
		}
		out = append(out, [2][]string{dedupe(pats), dedupe(excl)})
	}
	return out
}

// exact reports whether the union of terms equals "their patterns minus all
// their exclusions".
func (ts termSet) exact(terms []term) bool {
	var excl []string
	for _, t := range terms {
		excl = union(excl, t.excl)
	}
	for _, t := range terms {
		for _, e := range excl {
			if !contains(t.excl, e) && ts.g.overlaps(t.pat, e, ts.fold) {
				return false
			}
		}
	}
	return true
}

func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, s := range b {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// globs memoises pattern comparisons for one Analyze call: the same action
// and resource patterns are compared again for every grant and Deny.
type globs struct {
	memo map[globKey]bool
}

type globKey struct {
	a, b    string
	fold    bool
	overlap bool
}

func newGlobs() *globs { return &globs{memo: map[globKey]bool{}} }

func (g *globs) covers(d, a string, fold bool) bool {
	if g == nil {
		return globCovers(d, a, fold)
	}
	k := globKey{d, a, fold, false}
	if v, ok := g.memo[k]; ok {
		return v
	}
	v := globCovers(d, a, fold)
	g.memo[k] = v
	return v
}

func (g *globs) overlaps(p, q string, fold bool) bool {
	if g == nil {
		return globOverlap(p, q, fold)
	}
	k := globKey{p, q, fold, true}
	if v, ok := g.memo[k]; ok {
		return v
	}
	v := globOverlap(p, q, fold)
	g.memo[k] = v
	return v
}

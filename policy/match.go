package policy

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// Literal '*' and '?' that came from the escapes ${*} and ${?} are carried
// through variable substitution as these private-use runes, so that glob
// matching treats them as plain characters.
const (
	litStar  = '\uE000'
	litQmark = '\uE001'
)

// ActionMatches reports whether an IAM action pattern (with '*' and '?'
// wildcards) matches an action such as "s3:GetObject". Matching is
// case-insensitive, as IAM matches actions.
func ActionMatches(pattern, action string) bool {
	return globMatch(strings.ToLower(pattern), strings.ToLower(action))
}

// ResourceMatches reports whether a Resource pattern of a policy (with
// '*' and '?' wildcards, which match across ':' and '/') matches a resource
// ARN, as IAM matches the Resource element: case-sensitively.
func ResourceMatches(pattern, resource string) bool {
	return globMatch(pattern, resource)
}

// globMatch matches s against pattern, where '*' matches any sequence
// (including ':' and '/') and '?' exactly one character. Case-sensitive.
// Iterative with single-star backtracking: O(len(pattern)*len(s)) worst case.
func globMatch(pattern, s string) bool {
	p := []rune(pattern)
	t := []rune(s)
	pi, ti := 0, 0
	starP, starT := -1, 0
	for ti < len(t) {
		if pi < len(p) {
			switch {
			case p[pi] == '*':
				starP, starT = pi, ti
				pi++
				continue
			case p[pi] == '?' || litEq(p[pi], t[ti]):
				pi++
				ti++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starT++
		pi, ti = starP+1, starT
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func litEq(pr, tr rune) bool {
	switch pr {
	case litStar:
		return tr == '*'
	case litQmark:
		return tr == '?'
	}
	return pr == tr
}

// normGlob prepares a pattern for pattern-vs-pattern reasoning: policy
// variables become '*' (they can take any value) and every run of wildcards
// is rewritten as its '?'s followed by at most one '*' (same language).
func normGlob(p string, fold bool) []rune {
	if fold {
		p = strings.ToLower(p)
	}
	p = replaceVariables(p, "*")
	in := []rune(p)
	out := make([]rune, 0, len(in))
	for i := 0; i < len(in); {
		if in[i] != '*' && in[i] != '?' {
			out = append(out, in[i])
			i++
			continue
		}
		star, q := false, 0
		for i < len(in) && (in[i] == '*' || in[i] == '?') {
			if in[i] == '*' {
				star = true
			} else {
				q++
			}
			i++
		}
		for ; q > 0; q-- {
			out = append(out, '?')
		}
		if star {
			out = append(out, '*')
		}
	}
	return out
}

// replaceVariables replaces every policy variable ${...} with repl, and the
// escapes ${*}, ${?} and ${$} with literal characters (litStar, litQmark, '$').
func replaceVariables(s, repl string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "${") {
			if end := strings.IndexByte(s[i:], '}'); end > 0 {
				switch inner := s[i+2 : i+end]; inner {
				case "*":
					b.WriteRune(litStar)
				case "?":
					b.WriteRune(litQmark)
				case "$":
					b.WriteByte('$')
				default:
					b.WriteString(repl)
				}
				i += end + 1
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// plain reports whether a pattern has no wildcard and no variable.
func plain(p string) bool { return !strings.ContainsAny(p, "*?$") }

// maxGlobCells bounds the pattern-vs-pattern dynamic programs; beyond it the
// answers fall back to the conservative side (no containment, overlap).
const maxGlobCells = 1 << 20

// globCovers reports whether every string matched by a is also matched by d
// (L(a) ⊆ L(d)). It is sound: true means proven containment; false may also
// mean "could not prove".
func globCovers(d, a string, fold bool) bool {
	if d == "*" {
		return true
	}
	if plain(d) && plain(a) {
		return d == a || (fold && strings.EqualFold(d, a))
	}
	dp, ap := normGlob(d, fold), normGlob(a, fold)
	if (len(dp)+1)*(len(ap)+1) > maxGlobCells {
		return string(dp) == "*" || string(dp) == string(ap)
	}
	memo := make([]int8, (len(dp)+1)*(len(ap)+1))
	var f func(i, j int) bool
	f = func(i, j int) bool {
		cell := &memo[i*(len(ap)+1)+j]
		if *cell != 0 {
			return *cell > 0
		}
		var r bool
		switch {
		case i == len(dp):
			r = j == len(ap)
		case dp[i] == '*':
			r = f(i+1, j) || (j < len(ap) && f(i, j+1))
		case j == len(ap) || ap[j] == '*':
			r = false
		case dp[i] == '?':
			r = f(i+1, j+1)
		default:
			r = ap[j] != '?' && dp[i] == ap[j] && f(i+1, j+1)
		}
		if r {
			*cell = 1
		} else {
			*cell = -1
		}
		return r
	}
	return f(0, 0)
}

// globOverlap reports whether some string matches both patterns. Exact for
// '*'/'?' globs; conservative (true) past the size bound.
func globOverlap(p, q string, fold bool) bool {
	if p == "*" || q == "*" {
		return true
	}
	if plain(p) && plain(q) {
		return p == q || (fold && strings.EqualFold(p, q))
	}
	pp, qp := normGlob(p, fold), normGlob(q, fold)
	if (len(pp)+1)*(len(qp)+1) > maxGlobCells {
		return true
	}
	memo := make([]int8, (len(pp)+1)*(len(qp)+1))
	var g func(i, j int) bool
	g = func(i, j int) bool {
		cell := &memo[i*(len(qp)+1)+j]
		if *cell != 0 {
			return *cell > 0
		}
		var r bool
		switch {
		case i == len(pp) && j == len(qp):
			r = true
		case i < len(pp) && pp[i] == '*':
			r = g(i+1, j) || (j < len(qp) && g(i, j+1))
		case j < len(qp) && qp[j] == '*':
			r = g(i, j+1) || (i < len(pp) && g(i+1, j))
		case i == len(pp) || j == len(qp):
			r = false
		default:
			r = (pp[i] == '?' || qp[j] == '?' || pp[i] == qp[j]) && g(i+1, j+1)
		}
		if r {
			*cell = 1
		} else {
			*cell = -1
		}
		return r
	}
	return g(0, 0)
}

// arnMatch matches an ARN against an ARN pattern the way ArnEquals/ArnLike
// do: each of the six colon-separated components separately (the last one
// keeps any further colons). Patterns with fewer components fall back to a
// whole-string match, so "*" matches every ARN.
func arnMatch(pattern, arn string) bool {
	pp := strings.SplitN(pattern, ":", 6)
	if len(pp) < 6 {
		return globMatch(pattern, arn)
	}
	ap := strings.SplitN(arn, ":", 6)
	if len(ap) < 6 {
		return false
	}
	for i := range pp {
		if !globMatch(pp[i], ap[i]) {
			return false
		}
	}
	return true
}

// parseIPValue parses an aws:SourceIp condition value: a CIDR or a bare
// address (a /32 or /128). IPv4-mapped IPv6 prefixes are unmapped.
func parseIPValue(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		p = p.Masked()
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p, true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// broadPrefix reports whether a CIDR is too wide to count as a fixed network:
// IPv4 wider than /8 or IPv6 wider than /32 (S3's rule for "public").
func broadPrefix(p netip.Prefix) bool {
	if p.Addr().Is4() {
		return p.Bits() < 8
	}
	return p.Bits() < 32
}

// prefixCovers reports whether outer contains all of inner.
func prefixCovers(outer, inner netip.Prefix) bool {
	return outer.Addr().BitLen() == inner.Addr().BitLen() && outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// splitARN splits an ARN into its six components; ok is false when there are
// fewer than six or it does not start with "arn".
func splitARN(s string) (parts []string, ok bool) {
	parts = strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return nil, false
	}
	return parts, true
}

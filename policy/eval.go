package policy

import (
	"strconv"
	"strings"
	"time"
)

// varResolver returns the value of a policy variable (a condition key such
// as "aws:username"), or ok=false when the request has none.
type varResolver func(key string) (string, bool)

// substitute replaces policy variables in a policy value. Escapes become
// literal characters (litStar/litQmark when the operator expands wildcards).
// ok is false when a variable has no value and no default.
func substitute(s string, vars varResolver, wild bool) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "${") {
			end := strings.IndexByte(s[i:], '}')
			if end > 0 {
				inner := s[i+2 : i+end]
				i += end + 1
				switch inner {
				case "*":
					b.WriteRune(pick(wild, litStar, '*'))
					continue
				case "?":
					b.WriteRune(pick(wild, litQmark, '?'))
					continue
				case "$":
					b.WriteByte('$')
					continue
				}
				name, def, hasDef := parseVariable(inner)
				if vars != nil {
					if v, ok := vars(name); ok {
						b.WriteString(v)
						continue
					}
				}
				if hasDef {
					b.WriteString(def)
					continue
				}
				return "", false
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String(), true
}

func pick(c bool, a, b rune) rune {
	if c {
		return a
	}
	return b
}

// parseVariable splits "aws:PrincipalTag/team, 'default'" into the key and
// its default value (” inside quotes is one quote).
func parseVariable(inner string) (key, def string, hasDef bool) {
	key, rest, found := strings.Cut(inner, ",")
	key = strings.TrimSpace(key)
	if !found {
		return key, "", false
	}
	rest = strings.TrimSpace(rest)
	if len(rest) >= 2 && rest[0] == '\'' && rest[len(rest)-1] == '\'' {
		return key, strings.ReplaceAll(rest[1:len(rest)-1], "''", "'"), true
	}
	return key, "", false
}

// evalCondition evaluates c for a request that has the values reqVals for
// c.Key (present=false: the key is absent), following IAM's rules:
//   - Null tests presence only;
//   - a missing key makes IfExists and ForAllValues true, ForAnyValue false,
//     a negated operator true and a positive operator false;
//   - values OR together; ForAnyValue needs one request value to match,
//     ForAllValues every request value.
//
// ok is false when a policy variable in the condition values has no value.
func evalCondition(c Condition, reqVals []string, present bool, vars varResolver) (result, ok bool) {
	o := c.info()
	if o.family == famNull {
		for _, pv := range c.Values {
			if strings.EqualFold(pv, "true") == !present {
				return true, true
			}
		}
		return false, true
	}
	if !present {
		switch {
		case c.IfExists, c.Set == SetForAllValues:
			return true, true
		case c.Set == SetForAnyValue:
			return false, true
		}
		return o.negated, true
	}
	pvs := make([]string, 0, len(c.Values))
	for _, pv := range c.Values {
		s, ok := substitute(pv, vars, o.wildcard)
		if !ok {
			return false, false
		}
		pvs = append(pvs, s)
	}
	anyMatch := func(rv string) bool {
		for _, pv := range pvs {
			if valueMatch(o, pv, rv) {
				return true
			}
		}
		return false
	}
	switch c.Set {
	case SetForAllValues:
		for _, rv := range reqVals {
			if anyMatch(rv) == o.negated {
				return false, true
			}
		}
		return true, true
	case SetForAnyValue:
		for _, rv := range reqVals {
			if anyMatch(rv) != o.negated {
				return true, true
			}
		}
		return false, true
	}
	matched := false
	for _, rv := range reqVals {
		if anyMatch(rv) {
			matched = true
			break
		}
	}
	return matched != o.negated, true
}

// valueMatch compares one policy value with one request value using the
// positive form of the operator.
func valueMatch(o opInfo, pv, rv string) bool {
	switch o.family {
	case famString:
		switch {
		case o.wildcard:
			return globMatch(pv, rv)
		case o.ignoreCase:
			return strings.EqualFold(pv, rv)
		}
		return pv == rv
	case famArn:
		return arnMatch(pv, rv)
	case famIP:
		p, ok := parseIPValue(pv)
		if !ok {
			return false
		}
		r, ok := parseIPValue(rv)
		if !ok {
			return false
		}
		return prefixCovers(p, r)
	case famNumeric:
		x, err1 := strconv.ParseFloat(strings.TrimSpace(rv), 64)
		y, err2 := strconv.ParseFloat(strings.TrimSpace(pv), 64)
		if err1 != nil || err2 != nil {
			return false
		}
		c := 0
		switch {
		case x < y:
			c = -1
		case x > y:
			c = 1
		case x != y: // NaN
			return false
		}
		return compare(c, o.cmp)
	case famDate:
		x, ok1 := parseDate(rv)
		y, ok2 := parseDate(pv)
		if !ok1 || !ok2 {
			return false
		}
		return compare(x.Compare(y), o.cmp)
	case famBool:
		return strings.EqualFold(pv, rv)
	case famBinary:
		return pv == rv
	}
	return false
}

func compare(c int, op string) bool {
	switch op {
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	}
	return c == 0
}

// parseDate accepts the date forms IAM accepts: ISO 8601 (with or without
// time, zone or fractional seconds) and epoch seconds.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > -1e12 && n < 1e12 {
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}

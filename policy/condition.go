package policy

import (
	"strings"
)

// Operator families.
const (
	famString  = "String"
	famArn     = "Arn"
	famIP      = "Ip"
	famNumeric = "Numeric"
	famDate    = "Date"
	famBool    = "Bool"
	famBinary  = "Binary"
	famNull    = "Null"
)

// opInfo describes one base condition operator.
type opInfo struct {
	name       string // canonical spelling
	family     string
	negated    bool   // true when a missing key makes the condition true
	wildcard   bool   // '*' and '?' are wildcards in the values
	ignoreCase bool   // string comparison ignores case
	cmp        string // for Numeric/Date: "eq","lt","le","gt","ge"
	complement string // base operator that is true exactly when this one is false (key present)
}

// operators maps lower-case base operator names to their description.
var operators = buildOperators()

func buildOperators() map[string]opInfo {
	ops := map[string]opInfo{}
	add := func(o opInfo) { ops[strings.ToLower(o.name)] = o }
	add(opInfo{name: "StringEquals", family: famString, complement: "StringNotEquals"})
	add(opInfo{name: "StringNotEquals", family: famString, negated: true, complement: "StringEquals"})
	add(opInfo{name: "StringEqualsIgnoreCase", family: famString, ignoreCase: true, complement: "StringNotEqualsIgnoreCase"})
	add(opInfo{name: "StringNotEqualsIgnoreCase", family: famString, ignoreCase: true, negated: true, complement: "StringEqualsIgnoreCase"})
	add(opInfo{name: "StringLike", family: famString, wildcard: true, complement: "StringNotLike"})
	add(opInfo{name: "StringNotLike", family: famString, wildcard: true, negated: true, complement: "StringLike"})
	for _, f := range []string{famNumeric, famDate} {
		add(opInfo{name: f + "Equals", family: f, cmp: "eq", complement: f + "NotEquals"})
		add(opInfo{name: f + "NotEquals", family: f, cmp: "eq", negated: true, complement: f + "Equals"})
		add(opInfo{name: f + "LessThan", family: f, cmp: "lt", complement: f + "GreaterThanEquals"})
		add(opInfo{name: f + "LessThanEquals", family: f, cmp: "le", complement: f + "GreaterThan"})
		add(opInfo{name: f + "GreaterThan", family: f, cmp: "gt", complement: f + "LessThanEquals"})
		add(opInfo{name: f + "GreaterThanEquals", family: f, cmp: "ge", complement: f + "LessThan"})
	}
	add(opInfo{name: "Bool", family: famBool})
	add(opInfo{name: "BinaryEquals", family: famBinary})
	add(opInfo{name: "IpAddress", family: famIP, complement: "NotIpAddress"})
	add(opInfo{name: "NotIpAddress", family: famIP, negated: true, complement: "IpAddress"})
	add(opInfo{name: "ArnEquals", family: famArn, wildcard: true, complement: "ArnNotEquals"})
	add(opInfo{name: "ArnLike", family: famArn, wildcard: true, complement: "ArnNotLike"})
	add(opInfo{name: "ArnNotEquals", family: famArn, wildcard: true, negated: true, complement: "ArnEquals"})
	add(opInfo{name: "ArnNotLike", family: famArn, wildcard: true, negated: true, complement: "ArnLike"})
	add(opInfo{name: "Null", family: famNull})
	return ops
}

// Set operator prefixes.
const (
	SetForAnyValue  = "ForAnyValue"
	SetForAllValues = "ForAllValues"
)

// parseOperator splits a condition operator as written ("ForAnyValue:stringlikeIfExists")
// into its canonical parts. Matching is case-insensitive.
func parseOperator(s string) (base opInfo, set string, ifExists bool, ok bool) {
	rest := s
	lower := strings.ToLower(rest)
	switch {
	case strings.HasPrefix(lower, "foranyvalue:"):
		set, rest = SetForAnyValue, rest[len("foranyvalue:"):]
	case strings.HasPrefix(lower, "forallvalues:"):
		set, rest = SetForAllValues, rest[len("forallvalues:"):]
	}
	lower = strings.ToLower(rest)
	if o, found := operators[lower]; found {
		return o, set, false, true
	}
	if strings.HasSuffix(lower, "ifexists") {
		if o, found := operators[strings.TrimSuffix(lower, "ifexists")]; found && o.family != famNull {
			return o, set, true, true
		}
	}
	return opInfo{}, "", false, false
}

func (c Condition) info() opInfo {
	return operators[strings.ToLower(c.Operator)]
}

// FullOperator is the operator as it would be written in a policy, e.g.
// "ForAnyValue:StringLikeIfExists".
func (c Condition) FullOperator() string {
	s := c.Operator
	if c.IfExists {
		s += "IfExists"
	}
	if c.Set != "" {
		s = c.Set + ":" + s
	}
	return s
}

// String renders the condition on one line, e.g.
// `StringEquals aws:SourceAccount = 111122223333` or
// `IpAddress aws:SourceIp in [192.0.2.0/24, 198.51.100.0/24]`.
func (c Condition) String() string {
	var b strings.Builder
	b.WriteString(c.FullOperator())
	b.WriteByte(' ')
	b.WriteString(c.Key)
	switch len(c.Values) {
	case 0:
		b.WriteString(" in []")
	case 1:
		b.WriteString(" = ")
		b.WriteString(c.Values[0])
	default:
		b.WriteString(" in [")
		b.WriteString(strings.Join(c.Values, ", "))
		b.WriteString("]")
	}
	return b.String()
}

// keyLower is the condition key in lower case (keys are case-insensitive).
func (c Condition) keyLower() string { return strings.ToLower(c.Key) }

// positivePresence reports whether the condition can only be true when the
// key is present in the request: a non-negated operator without IfExists and
// without ForAllValues. Only such conditions can restrict who a caller is.
func (c Condition) positivePresence() bool {
	o := c.info()
	if o.family == famNull || o.negated || c.IfExists || c.Set == SetForAllValues {
		return false
	}
	return true
}

// complement returns a condition that is true exactly when c is false, when
// one exists in the policy language. The result matters for "deny unless"
// statements: a Deny with StringNotEquals aws:SourceVpce leaves the Allow in
// force only where StringEquals aws:SourceVpce holds.
//
// Missing-key rules: a plain positive operator is false when the key is
// missing and a plain negated one true, so P and NotP are exact complements.
// PIfExists is true when the key is missing, so its complement ("present and
// not P") has no spelling; ok is false then. NotPIfExists complements to P.
// ForAllValues:P complements to ForAnyValue:NotP (false when missing) and
// ForAnyValue:P to ForAllValues:NotP (true when missing).
func (c Condition) complement() (Condition, bool) {
	o := c.info()
	out := c
	out.Values = c.Values
	switch o.family {
	case famNull:
		if len(c.Values) != 1 {
			return Condition{}, false
		}
		out.Values = []string{"true"}
		if strings.EqualFold(c.Values[0], "true") {
			out.Values = []string{"false"}
		}
		return out, true
	case famBool:
		// Bool k=v (false when missing) <-> BoolIfExists k=!v.
		if len(c.Values) != 1 || c.Set != "" {
			return Condition{}, false
		}
		out.Values = []string{"true"}
		if strings.EqualFold(c.Values[0], "true") {
			out.Values = []string{"false"}
		}
		out.IfExists = !c.IfExists
		return out, true
	case famBinary:
		return Condition{}, false
	}
	if o.complement == "" {
		return Condition{}, false
	}
	out.Operator = o.complement
	switch c.Set {
	case SetForAllValues:
		// not (missing or all match) = present and some value does not match
		if c.IfExists {
			out.IfExists = false
		}
		out.Set = SetForAnyValue
		return out, true
	case SetForAnyValue:
		if c.IfExists {
			return Condition{}, false
		}
		out.Set = SetForAllValues
		return out, true
	}
	if c.IfExists {
		if o.negated {
			out.IfExists = false
			return out, true
		}
		return Condition{}, false
	}
	if o.negated {
		return out, true
	}
	// A plain positive operator is false when the key is missing; its
	// complement is the negated operator, which is true when missing.
	return out, true
}

// hasWildcard reports whether s contains an IAM wildcard character.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// hasVariable reports whether s contains a policy variable such as
// ${aws:username}. Escapes ${*}, ${?} and ${$} are literal characters.
func hasVariable(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '$' && s[i+1] == '{' {
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return false
			}
			inner := s[i+2 : i+end]
			if inner != "*" && inner != "?" && inner != "$" {
				return true
			}
			i += end
		}
	}
	return false
}

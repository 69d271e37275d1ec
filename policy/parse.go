package policy

import (
	"fmt"
	"strings"
)

// ParseError reports an invalid policy document: where (a JSON path such as
// `$.Statement[2].Condition.StringEquals`) and what is wrong.
type ParseError struct {
	Path string
	Msg  string
}

// Error returns Path + ": " + Msg.
func (e *ParseError) Error() string { return e.Path + ": " + e.Msg }

func perr(path, format string, args ...any) error {
	return &ParseError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// Parse parses a policy document (JSON).
//
// It accepts every shape AWS accepts: Version "2012-10-17", "2008-10-17" or
// absent; Statement as one object or an array; a string or a list of strings
// for Action, NotAction, Resource, NotResource, principal values and
// condition values; Principal "*" or a map with AWS, Service, Federated and
// CanonicalUser; NotPrincipal; condition values as strings, booleans or
// numbers (normalised to strings); every condition operator family with the
// IfExists suffix and the ForAnyValue:/ForAllValues: prefixes.
//
// Case: element names (Version, Statement, Effect, Principal, AWS, ...),
// condition operators and condition keys match case-insensitively; the
// Effect value is case-sensitive ("Allow" or "Deny"), as IAM documents.
//
// Invalid documents return a *ParseError: malformed JSON, duplicate keys
// (also two spellings of one element name), unknown elements or operators,
// a bad Effect, a statement without Effect or without Action/NotAction,
// Action with NotAction, Principal with NotPrincipal, Resource with
// NotResource, an empty Statement list, values of the wrong type. Parse
// never panics.
func Parse(doc []byte) (*Policy, error) {
	root, err := decodeTree(doc)
	if err != nil {
		return nil, err
	}
	if root.kind != jObject {
		return nil, perr("$", "policy must be a JSON object, not %s", root.kind)
	}
	p := &Policy{}
	var stmtNode *jnode
	seen := map[string]string{}
	for i, k := range root.keys {
		v, path := root.vals[i], childPath("$", k)
		name := strings.ToLower(k)
		if prev, dup := seen[name]; dup {
			return nil, perr(path, "duplicate element %q (also written %q)", k, prev)
		}
		seen[name] = k
		switch name {
		case "version":
			s, err := scalarString(v, path)
			if err != nil {
				return nil, err
			}
			if s != Version2012 && s != Version2008 {
				return nil, perr(path, "unsupported policy version %q (want %q or %q)", s, Version2012, Version2008)
			}
			p.Version = s
		case "id":
			s, err := scalarString(v, path)
			if err != nil {
				return nil, err
			}
			p.ID = s
		case "statement":
			stmtNode = v
		default:
			return nil, perr(path, "unknown policy element %q", k)
		}
	}
	if stmtNode == nil {
		return nil, perr("$", "missing Statement")
	}
	stmtPath := childPath("$", seen["statement"])
	switch stmtNode.kind {
	case jObject:
		st, err := parseStatement(stmtNode, stmtPath, 0)
		if err != nil {
			return nil, err
		}
		p.Statements = []Statement{st}
	case jArray:
		if len(stmtNode.elems) == 0 {
			return nil, perr(stmtPath, "Statement must contain at least one statement")
		}
		for i, e := range stmtNode.elems {
			st, err := parseStatement(e, indexPath(stmtPath, i), i)
			if err != nil {
				return nil, err
			}
			p.Statements = append(p.Statements, st)
		}
	default:
		return nil, perr(stmtPath, "Statement must be an object or an array of objects, not %s", stmtNode.kind)
	}
	return p, nil
}

func scalarString(v *jnode, path string) (string, error) {
	if v.kind != jString {
		return "", perr(path, "must be a string, not %s", v.kind)
	}
	return v.text, nil
}

func parseStatement(n *jnode, path string, index int) (Statement, error) {
	st := Statement{Index: index}
	if n.kind != jObject {
		return st, perr(path, "statement must be an object, not %s", n.kind)
	}
	seen := map[string]string{}
	for i, k := range n.keys {
		v, p := n.vals[i], childPath(path, k)
		name := strings.ToLower(k)
		if prev, dup := seen[name]; dup {
			return st, perr(p, "duplicate element %q (also written %q)", k, prev)
		}
		seen[name] = k
		var err error
		switch name {
		case "sid":
			st.Sid, err = scalarString(v, p)
		case "effect":
			var s string
			if s, err = scalarString(v, p); err == nil {
				if s != string(Allow) && s != string(Deny) {
					err = perr(p, "Effect must be \"Allow\" or \"Deny\" (case-sensitive), not %q", s)
				}
				st.Effect = Effect(s)
			}
		case "principal":
			st.Principal, err = parsePrincipals(v, p)
		case "notprincipal":
			st.NotPrincipal, err = parsePrincipals(v, p)
		case "action":
			st.Action, err = parseActions(v, p)
		case "notaction":
			st.NotAction, err = parseActions(v, p)
		case "resource":
			st.Resource, err = stringList(v, p, "resource")
		case "notresource":
			st.NotResource, err = stringList(v, p, "resource")
		case "condition":
			st.Conditions, err = parseConditions(v, p)
		default:
			err = perr(p, "unknown statement element %q", k)
		}
		if err != nil {
			return st, err
		}
	}
	if st.Effect == "" {
		return st, perr(path, "missing Effect")
	}
	if st.Action != nil && st.NotAction != nil {
		return st, perr(childPath(path, seen["notaction"]), "Action and NotAction cannot both be present")
	}
	if st.Action == nil && st.NotAction == nil {
		return st, perr(path, "missing Action or NotAction")
	}
	if st.Principal != nil && st.NotPrincipal != nil {
		return st, perr(childPath(path, seen["notprincipal"]), "Principal and NotPrincipal cannot both be present")
	}
	if st.Resource != nil && st.NotResource != nil {
		return st, perr(childPath(path, seen["notresource"]), "Resource and NotResource cannot both be present")
	}
	return st, nil
}

// stringList accepts a non-empty string or a non-empty array of non-empty
// strings.
func stringList(v *jnode, path, what string) ([]string, error) {
	switch v.kind {
	case jString:
		if v.text == "" {
			return nil, perr(path, "%s must not be empty", what)
		}
		return []string{v.text}, nil
	case jArray:
		if len(v.elems) == 0 {
			return nil, perr(path, "%s list must not be empty", what)
		}
		out := make([]string, 0, len(v.elems))
		for i, e := range v.elems {
			ep := indexPath(path, i)
			if e.kind != jString {
				return nil, perr(ep, "%s must be a string, not %s", what, e.kind)
			}
			if e.text == "" {
				return nil, perr(ep, "%s must not be empty", what)
			}
			out = append(out, e.text)
		}
		return out, nil
	}
	return nil, perr(path, "%s must be a string or an array of strings, not %s", what, v.kind)
}

func parseActions(v *jnode, path string) ([]string, error) {
	list, err := stringList(v, path, "action")
	if err != nil {
		return nil, err
	}
	for i, a := range list {
		if strings.Trim(a, "*") == "" {
			continue
		}
		if svc, _, ok := strings.Cut(a, ":"); !ok || svc == "" {
			p := path
			if v.kind == jArray {
				p = indexPath(path, i)
			}
			return nil, perr(p, "action %q must be \"*\" or \"service:action\"", a)
		}
	}
	return list, nil
}

func parsePrincipals(v *jnode, path string) (*Principals, error) {
	switch v.kind {
	case jString:
		if v.text != "*" {
			return nil, perr(path, "a principal given as a string must be \"*\", not %q", v.text)
		}
		return &Principals{Wildcard: true}, nil
	case jObject:
	default:
		return nil, perr(path, "principal must be \"*\" or an object, not %s", v.kind)
	}
	if len(v.keys) == 0 {
		return nil, perr(path, "principal map must name at least one principal")
	}
	p := &Principals{}
	seen := map[string]string{}
	for i, k := range v.keys {
		kp := childPath(path, k)
		name := strings.ToLower(k)
		if prev, dup := seen[name]; dup {
			return nil, perr(kp, "duplicate principal type %q (also written %q)", k, prev)
		}
		seen[name] = k
		list, err := stringList(v.vals[i], kp, "principal")
		if err != nil {
			return nil, err
		}
		for _, s := range list {
			if s == "*" {
				p.Wildcard = true
			}
		}
		switch name {
		case "aws":
			p.AWS = list
		case "service":
			p.Service = list
		case "federated":
			p.Federated = list
		case "canonicaluser":
			p.CanonicalUser = list
		default:
			return nil, perr(kp, "unknown principal type %q (want AWS, Service, Federated or CanonicalUser)", k)
		}
	}
	return p, nil
}

func parseConditions(v *jnode, path string) ([]Condition, error) {
	if v.kind != jObject {
		return nil, perr(path, "Condition must be an object, not %s", v.kind)
	}
	var out []Condition
	for i, opName := range v.keys {
		opPath := childPath(path, opName)
		base, set, ifExists, ok := parseOperator(opName)
		if !ok {
			return nil, perr(opPath, "unknown condition operator %q", opName)
		}
		block := v.vals[i]
		if block.kind != jObject {
			return nil, perr(opPath, "condition operator block must be an object of key: value(s), not %s", block.kind)
		}
		for j, key := range block.keys {
			kp := childPath(opPath, key)
			if strings.TrimSpace(key) == "" {
				return nil, perr(kp, "condition key must not be empty")
			}
			vals, err := conditionValues(block.vals[j], kp)
			if err != nil {
				return nil, err
			}
			if base.family == famNull || base.family == famBool {
				for n, s := range vals {
					if !strings.EqualFold(s, "true") && !strings.EqualFold(s, "false") {
						vp := kp
						if block.vals[j].kind == jArray {
							vp = indexPath(kp, n)
						}
						return nil, perr(vp, "%s value must be true or false, not %q", base.name, s)
					}
				}
			}
			out = append(out, Condition{Operator: base.name, Set: set, IfExists: ifExists, Key: key, Values: vals})
		}
	}
	return out, nil
}

// conditionValues accepts a scalar or an array of scalars (string, number,
// boolean). Numbers and booleans keep their JSON text.
func conditionValues(v *jnode, path string) ([]string, error) {
	scalar := func(e *jnode, p string) (string, error) {
		switch e.kind {
		case jString, jNumber, jBool:
			return e.text, nil
		}
		return "", perr(p, "condition value must be a string, number or boolean, not %s", e.kind)
	}
	if v.kind != jArray {
		s, err := scalar(v, path)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	out := make([]string, 0, len(v.elems))
	for i, e := range v.elems {
		s, err := scalar(e, indexPath(path, i))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

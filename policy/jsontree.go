package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
)

// maxDepth bounds JSON nesting. A valid policy nests at most six levels
// (document, Statement list, statement, Condition, operator, value list);
// anything deeper is rejected before it can exhaust the stack.
const maxDepth = 32

type jkind int

const (
	jObject jkind = iota
	jArray
	jString
	jNumber
	jBool
	jNull
)

func (k jkind) String() string {
	switch k {
	case jObject:
		return "object"
	case jArray:
		return "array"
	case jString:
		return "string"
	case jNumber:
		return "number"
	case jBool:
		return "boolean"
	default:
		return "null"
	}
}

// jnode is one JSON value with object keys kept in document order, so that
// duplicate keys can be reported and errors can name exact paths.
type jnode struct {
	kind  jkind
	text  string   // string value, number literal as written, "true"/"false"
	keys  []string // object keys in order
	vals  []*jnode // object values, parallel to keys
	elems []*jnode // array elements
}

// decodeTree parses doc into a jnode tree. It rejects duplicate object keys
// (exact match), trailing data and excessive nesting.
func decodeTree(doc []byte) (*jnode, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	root, err := decodeValue(dec, "$", 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &ParseError{Path: "$", Msg: "unexpected data after the policy document"}
	}
	return root, nil
}

func syntaxError(err error, path string) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &ParseError{Path: path, Msg: fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &ParseError{Path: path, Msg: "invalid JSON: unexpected end of document"}
	}
	return &ParseError{Path: path, Msg: "invalid JSON: " + err.Error()}
}

func decodeValue(dec *json.Decoder, path string, depth int) (*jnode, error) {
	if depth > maxDepth {
		return nil, &ParseError{Path: path, Msg: "document nested too deeply"}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(err, path)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &jnode{kind: jObject}
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, syntaxError(err, path)
				}
				key, ok := kt.(string)
				if !ok {
					return nil, &ParseError{Path: path, Msg: "invalid JSON: object key is not a string"}
				}
				if seen[key] {
					return nil, &ParseError{Path: childPath(path, key), Msg: fmt.Sprintf("duplicate key %q", key)}
				}
				seen[key] = true
				v, err := decodeValue(dec, childPath(path, key), depth+1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, key)
				n.vals = append(n.vals, v)
			}
			if _, err := dec.Token(); err != nil { // closing '}'
				return nil, syntaxError(err, path)
			}
			return n, nil
		case '[':
			n := &jnode{kind: jArray}
			for i := 0; dec.More(); i++ {
				v, err := decodeValue(dec, indexPath(path, i), depth+1)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, v)
			}
			if _, err := dec.Token(); err != nil { // closing ']'
				return nil, syntaxError(err, path)
			}
			return n, nil
		}
		return nil, &ParseError{Path: path, Msg: fmt.Sprintf("invalid JSON: unexpected %q", t)}
	case string:
		return &jnode{kind: jString, text: t}, nil
	case json.Number:
		return &jnode{kind: jNumber, text: t.String()}, nil
	case bool:
		if t {
			return &jnode{kind: jBool, text: "true"}, nil
		}
		return &jnode{kind: jBool, text: "false"}, nil
	case nil:
		return &jnode{kind: jNull}, nil
	}
	return nil, &ParseError{Path: path, Msg: fmt.Sprintf("invalid JSON token %v", tok)}
}

var simpleKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// childPath appends an object key to a JSON path: `.Key` for plain
// identifiers, `["aws:SourceIp"]` otherwise.
func childPath(path, key string) string {
	if simpleKey.MatchString(key) {
		return path + "." + key
	}
	return path + "[" + quoteKey(key) + "]"
}

func quoteKey(key string) string {
	b, _ := json.Marshal(key)
	return string(b)
}

func indexPath(path string, i int) string {
	return fmt.Sprintf("%s[%d]", path, i)
}

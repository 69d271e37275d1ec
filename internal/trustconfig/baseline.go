package trustconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/trustmap/trustmap/analyzers/results"
)

// LoadBaseline reads a previous report.json or an OTM file (JSON or YAML)
// and adds what it already models to t: entry point ids and resource ARNs.
func LoadBaseline(path string, t *results.Trust) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return ParseBaseline(data, path, t)
}

// ParseBaseline is LoadBaseline on the file's bytes; name (the path) starts
// every error, which is one line and names the position where there is one.
func ParseBaseline(data []byte, name string, t *results.Trust) error {
	if t.Baseline == nil {
		t.Baseline = map[string]bool{}
	}
	t.BaselineName = name
	var probe map[string]any
	if looksJSON(data) {
		if err := json.Unmarshal(data, &probe); err != nil {
			return fmt.Errorf("%s: %w", name, jsonPosition(data, err))
		}
	} else if err := yaml.Unmarshal(data, &probe); err != nil {
		return yamlError(name, err)
	}
	switch {
	case probe["schema_version"] != nil && probe["entry_points"] != nil:
		var rep struct {
			EntryPoints []struct {
				ID          string `json:"id"`
				ResourceARN string `json:"resource_arn"`
			} `json:"entry_points"`
		}
		if err := json.Unmarshal(data, &rep); err != nil {
			return fmt.Errorf("%s: %w", name, jsonPosition(data, err))
		}
		for _, ep := range rep.EntryPoints {
			if ep.ID != "" { // an empty key would make every lookup "known"
				t.Baseline[ep.ID] = true
			}
		}
	case probe["otmVersion"] != nil:
		for _, c := range listOf(probe["components"]) {
			for _, v := range []any{c["id"], c["name"], mapOf(c["attributes"])["arn"]} {
				if s, ok := v.(string); ok && strings.HasPrefix(s, "arn:") {
					t.Baseline["arn:"+strings.TrimPrefix(s, "arn:")] = true
				}
			}
		}
	default:
		return fmt.Errorf("%s: not a trustmap report.json (no schema_version/entry_points) nor an OTM file (no otmVersion)", name)
	}
	return nil
}

// looksJSON reports whether data is meant as JSON: its first non-space
// byte opens an object or array. (YAML would also read most JSON, but its
// errors would not say where the JSON is broken.)
func looksJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// jsonPosition adds "line L, column C" to JSON syntax and type errors.
func jsonPosition(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = max(se.Offset-1, 0) // Offset counts the offending byte
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return err
	}
	off = min(off, int64(len(data)))
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

func listOf(v any) []map[string]any {
	var out []map[string]any
	if l, ok := v.([]any); ok {
		for _, x := range l {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// yamlError is one line: "name: line N: message", several type errors
// joined with "; ".
func yamlError(name string, err error) error {
	oneLine := strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace // values quoted in messages may hold newlines
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: %s", name, oneLine(strings.Join(te.Errors, "; ")))
	}
	return fmt.Errorf("%s: %s", name, oneLine(strings.TrimPrefix(err.Error(), "yaml: ")))
}

// Package trustconfig reads trustmap.yaml, the user's statement of what
// they already know and accept: named accounts, their organization,
// resources that are public on purpose, and suppressions with an owner and
// an expiry date. It also reads a baseline (a previous report.json or an
// OTM file) whose entry points count as recognized.
package trustconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/trustmap/trustmap/analyzers/results"
)

// Config is trustmap.yaml.
type Config struct {
	Version        int              `yaml:"version"`
	Organizations  []string         `yaml:"organizations"`
	KnownAccounts  []KnownAccount   `yaml:"known_accounts"`
	ExpectedPublic []ExpectedPublic `yaml:"expected_public"`
	Suppressions   []Suppression    `yaml:"suppressions"`
}

// KnownAccount is an account outside the scan the user trusts.
type KnownAccount struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name"`
	Reason string `yaml:"reason"`
}

// ExpectedPublic is a resource that is public on purpose.
type ExpectedPublic struct {
	Resource string `yaml:"resource"` // ARN, or a glob with *
	Reason   string `yaml:"reason"`
}

// Suppression silences findings until it expires.
type Suppression struct {
	Rule     string `yaml:"rule"`     // rule id, e.g. TM-DEP-002 (or "*")
	Resource string `yaml:"resource"` // ARN or glob
	Owner    string `yaml:"owner"`
	Expires  string `yaml:"expires"` // YYYY-MM-DD
	Reason   string `yaml:"reason"`
	line     int
}

var (
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	orgRE     = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
)

// Load reads and validates a trust config file.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// Parse decodes and validates a trust config; errors name the file and line.
func Parse(data []byte, name string) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err)
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, errEOF(err)) {
		return nil, yamlError(name, err)
	}
	lines := itemLines(&root)
	var errs []string
	at := func(section string, i int) string {
		if l := lines[section]; i < len(l) {
			return fmt.Sprintf("%s:%d", name, l[i])
		}
		return name
	}
	if c.Version != 0 && c.Version != 1 {
		errs = append(errs, fmt.Sprintf("%s: version %d: this trustmap reads version 1", name, c.Version))
	}
	for i, o := range c.Organizations {
		if !orgRE.MatchString(o) {
			errs = append(errs, fmt.Sprintf("%s: organizations[%d]: %q is not an organization id (o-...)", at("organizations", i), i, o))
		}
	}
	for i, a := range c.KnownAccounts {
		if !accountRE.MatchString(a.ID) {
			errs = append(errs, fmt.Sprintf("%s: known_accounts[%d].id: %q is not a 12-digit account id", at("known_accounts", i), i, a.ID))
		}
		if a.Name == "" {
			errs = append(errs, fmt.Sprintf("%s: known_accounts[%d]: a name is required", at("known_accounts", i), i))
		}
	}
	for i, e := range c.ExpectedPublic {
		if e.Resource == "" || e.Reason == "" {
			errs = append(errs, fmt.Sprintf("%s: expected_public[%d]: resource and reason are required", at("expected_public", i), i))
		}
	}
	for i := range c.Suppressions {
		s := &c.Suppressions[i]
		if l := lines["suppressions"]; i < len(l) {
			s.line = l[i]
		}
		switch {
		case s.Rule == "" && s.Resource == "":
			errs = append(errs, fmt.Sprintf("%s: suppressions[%d]: give a rule, a resource, or both", at("suppressions", i), i))
		case s.Owner == "":
			errs = append(errs, fmt.Sprintf("%s: suppressions[%d]: an owner is required", at("suppressions", i), i))
		case s.Expires == "":
			errs = append(errs, fmt.Sprintf("%s: suppressions[%d]: an expiry date (expires: YYYY-MM-DD) is required", at("suppressions", i), i))
		default:
			if _, err := time.Parse("2006-01-02", s.Expires); err != nil {
				errs = append(errs, fmt.Sprintf("%s: suppressions[%d].expires: %q is not a date (YYYY-MM-DD)", at("suppressions", i), i, s.Expires))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "; "))
	}
	return &c, nil
}

func errEOF(err error) error {
	if err != nil && err.Error() == "EOF" {
		return err
	}
	return errors.New("not EOF")
}

// itemLines returns, for each top-level sequence, the line of each item.
func itemLines(root *yaml.Node) map[string][]int {
	out := map[string][]int{}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return out
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i+1].Kind == yaml.SequenceNode {
			for _, item := range m.Content[i+1].Content {
				out[m.Content[i].Value] = append(out[m.Content[i].Value], item.Line)
			}
		}
	}
	return out
}

// Trust turns the config into what analyzers read.
func (c *Config) Trust(t *results.Trust) {
	if t.KnownAccounts == nil {
		t.KnownAccounts = map[string]string{}
	}
	if t.ExpectedPublic == nil {
		t.ExpectedPublic = map[string]string{}
	}
	for _, a := range c.KnownAccounts {
		t.KnownAccounts[a.ID] = a.Name
	}
	t.OrgIDs = append(t.OrgIDs, c.Organizations...)
	for _, e := range c.ExpectedPublic {
		t.ExpectedPublic[e.Resource] = e.Reason
	}
	for _, s := range c.Suppressions {
		exp, _ := time.Parse("2006-01-02", s.Expires)
		t.Suppressions = append(t.Suppressions, results.Suppression{
			Rule: s.Rule, Resource: s.Resource, Owner: s.Owner, Reason: s.Reason,
			Expires: exp.Add(24*time.Hour - time.Nanosecond), Line: s.line,
		})
	}
}

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

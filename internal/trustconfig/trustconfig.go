// Package trustconfig reads trustmap.yaml, the user's statement of what
// they already know and accept: named accounts, their organization,
// resources that are public on purpose, and suppressions with an owner and
// an expiry date. It also reads a baseline (a previous report.json or an
// OTM file) whose entry points count as recognized, and writes the starter
// file of `trustmap config init` (starter.go) and merges a newer scan into
// an existing file (merge.go).
//
// The file's reference is docs/trust-config.md and its JSON Schema
// report/schema/trustmap.schema.json. A section is added in four places,
// each checked by a test: a field of Config (its yaml tag is the key), its
// rules in check.go, its schema property (schema_test.go fails until the
// schema and Config describe the same fields) and its entry in the
// reference (docs_test.go fails until every field is documented).
package trustconfig

import (
	"fmt"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/trustmap/trustmap/analyzers/results"
)

// Version is the version of trustmap.yaml this package reads and writes.
const Version = 1

// Config is trustmap.yaml.
type Config struct {
	Version        int              `yaml:"version"`
	Organizations  []string         `yaml:"organizations"`
	KnownAccounts  []KnownAccount   `yaml:"known_accounts"`
	ExpectedPublic []ExpectedPublic `yaml:"expected_public"`
	Suppressions   []Suppression    `yaml:"suppressions"`
	// ModelMatch says how resources name the elements of an existing
	// threat model (trustmap model validate/update).
	ModelMatch ModelMatch `yaml:"model_match"`
	// CrownJewels are the resources whose loss matters most; a threat that
	// ends at one scores a higher impact (docs/scoring.md).
	CrownJewels []CrownJewel `yaml:"crown_jewels"`
	// DataClassification says how sensitive the data of resources is, by
	// ARN pattern and by a resource tag (docs/scoring.md).
	DataClassification DataClassification `yaml:"data_classification"`
}

// ModelMatch names the resource tag whose value is the id of the model
// element a resource is.
type ModelMatch struct {
	Tag string `yaml:"tag"`
}

// CrownJewel is a resource whose compromise matters most to the business.
type CrownJewel struct {
	Resource string `yaml:"resource"` // ARN or glob
	Reason   string `yaml:"reason"`
}

// DataClassification marks data by sensitivity.
type DataClassification struct {
	// Tag is the resource tag read for the level; "" means
	// data-classification.
	Tag       string       `yaml:"tag"`
	Resources []Classified `yaml:"resources"`
}

// Classified is the level of the data a resource (or several) holds.
type Classified struct {
	Resource string `yaml:"resource"` // ARN or glob
	Level    string `yaml:"level"`    // restricted, confidential, internal, public
	Reason   string `yaml:"reason"`
}

// KnownAccount is an account outside the scan the user trusts.
type KnownAccount struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name"`
	Reason string `yaml:"reason"`
}

// ExpectedPublic is a resource that is open to anyone on purpose.
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

// Load reads and validates a trust config file.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// Parse decodes and validates a trust config. An error is one line that
// starts with name and gives the position of each problem as
// name:line:column (YAML syntax errors carry a line only); several
// problems are joined with "; ".
func Parse(data []byte, name string) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, syntaxError(name, err)
	}
	c := &checker{name: name, at: map[string]*yaml.Node{}}
	var cfg Config
	doc := document(&root)
	if doc == nil { // an empty file, or comments only: a config that recognizes nothing
		return &cfg, nil
	}
	c.walk(doc, configType, "")
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := doc.Decode(&cfg); err != nil {
		// The walk accepted the shape, so this is unexpected; still one line.
		return nil, fmt.Errorf("%s: %s", name, oneLine(err.Error()))
	}
	for _, rule := range rules {
		rule(c, &cfg)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	for i := range cfg.Suppressions {
		if n := c.node(fmt.Sprintf("suppressions[%d]", i)); n != nil {
			cfg.Suppressions[i].line = n.Line
		}
	}
	return &cfg, nil
}

// document returns the top node of the file, nil when it has none.
func document(root *yaml.Node) *yaml.Node {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	return root.Content[0]
}

// syntaxError turns a YAML syntax error ("yaml: line 3: did not find
// expected ...") into "name:3: did not find expected ...".
func syntaxError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		_, rest, _ := strings.Cut(msg, ":")
		return fmt.Errorf("%s:%d: %s", name, line, oneLine(strings.TrimSpace(rest)))
	}
	return fmt.Errorf("%s: %s", name, oneLine(msg))
}

// oneLine keeps an error on one line: values quoted in messages may hold
// newlines.
var oneLine = strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace

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
	for _, j := range c.CrownJewels {
		t.CrownJewels = append(t.CrownJewels, results.Marking{Resource: j.Resource, Level: results.DataRestricted, Reason: j.Reason, CrownJewel: true})
	}
	for _, d := range c.DataClassification.Resources {
		t.Classification = append(t.Classification, results.Marking{Resource: d.Resource, Level: results.DataLevel(d.Level), Reason: d.Reason})
	}
	if c.DataClassification.Tag != "" {
		t.ClassificationTag = c.DataClassification.Tag
	}
	for _, s := range c.Suppressions {
		exp, _ := time.Parse(dateLayout, s.Expires)
		t.Suppressions = append(t.Suppressions, results.Suppression{
			Rule: s.Rule, Resource: s.Resource, Owner: s.Owner, Reason: s.Reason,
			Expires: exp.Add(24*time.Hour - time.Nanosecond), Line: s.line,
		})
	}
}

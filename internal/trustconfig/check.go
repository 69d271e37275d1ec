package trustconfig

import (
	"errors"
	"fmt"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The file is checked in two passes, each naming the line and column of
// every problem: the shape (walk: known keys, lists and mappings where
// Config has them, strings that YAML reads as strings, no key twice), read
// from Config's yaml tags so a new section is checked as soon as it is a
// field; then the rules below, one per section.

var configType = reflect.TypeFor[Config]()

const dateLayout = "2006-01-02"

var (
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	orgRE     = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	ruleRE    = regexp.MustCompile(`^(\*|TM-[A-Z]+-[0-9]{3})$`)
)

// rules are the checks of each section's values, run once the shape is
// right. Each names the path of the value it rejects.
var rules = []func(*checker, *Config){
	checkVersion,
	checkOrganizations,
	checkKnownAccounts,
	checkExpectedPublic,
	checkSuppressions,
	checkModelMatch,
	checkCrownJewels,
	checkDataClassification,
}

// tagKeyRE is what AWS accepts as a tag key (1–128 characters of letters,
// digits, spaces and _ . : / = + - @; the Tagging AWS Resources guide,
// "Tag naming limits and requirements"). The length is counted apart: a
// {1,128} repeat of these Unicode classes compiles to a program of about
// 5 MB, built at every start of trustmap.
var tagKeyRE = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)

func checkTagKey(c *checker, p, key string) {
	switch {
	case blank(key):
		c.errorf(p, "a tag key is required")
	case strings.HasPrefix(strings.ToLower(key), "aws:"):
		c.errorf(p, "%q: keys starting with aws: are AWS's own, not yours", key)
	case utf8.RuneCountInString(key) > 128 || !tagKeyRE.MatchString(key):
		c.errorf(p, "%q is not a tag key (1 to 128 letters, digits, spaces and _ . : / = + - @)", key)
	}
}

func checkModelMatch(c *checker, cfg *Config) {
	if c.node("model_match") != nil && !isNull(c.node("model_match")) {
		checkTagKey(c, "model_match.tag", cfg.ModelMatch.Tag)
	}
}

func checkCrownJewels(c *checker, cfg *Config) {
	for i, j := range cfg.CrownJewels {
		p := fmt.Sprintf("crown_jewels[%d]", i)
		c.checkResource(p+".resource", j.Resource)
		if blank(j.Reason) {
			c.errorf(p+".reason", "a reason is required: say what the business loses with it; reports quote it")
		}
	}
}

// DataLevels are the data classification levels, most sensitive first.
var DataLevels = []string{"restricted", "confidential", "internal", "public"}

func checkDataClassification(c *checker, cfg *Config) {
	dc := cfg.DataClassification
	if c.node("data_classification.tag") != nil {
		checkTagKey(c, "data_classification.tag", dc.Tag)
	}
	for i, r := range dc.Resources {
		p := fmt.Sprintf("data_classification.resources[%d]", i)
		c.checkResource(p+".resource", r.Resource)
		if !slices.Contains(DataLevels, r.Level) {
			c.errorf(p+".level", "%q is not a level (%s)", r.Level, strings.Join(DataLevels, ", "))
		}
	}
}

func checkVersion(c *checker, cfg *Config) {
	if c.node("version") != nil && cfg.Version != Version {
		c.errorf("version", "this trustmap reads version %d, not %d", Version, cfg.Version)
	}
}

func checkOrganizations(c *checker, cfg *Config) {
	for i, o := range cfg.Organizations {
		if !orgRE.MatchString(o) {
			c.errorf(fmt.Sprintf("organizations[%d]", i), "%q is not an organization id (o- and 10 to 32 lowercase letters or digits)", o)
		}
	}
}

func checkKnownAccounts(c *checker, cfg *Config) {
	for i, a := range cfg.KnownAccounts {
		p := fmt.Sprintf("known_accounts[%d]", i)
		if !accountRE.MatchString(a.ID) {
			c.errorf(p+".id", "%q is not a 12-digit account id", a.ID)
		}
		if blank(a.Name) {
			c.errorf(p+".name", "a name is required: reports say \"known: <name>\"")
		}
	}
}

func checkExpectedPublic(c *checker, cfg *Config) {
	for i, e := range cfg.ExpectedPublic {
		p := fmt.Sprintf("expected_public[%d]", i)
		c.checkResource(p+".resource", e.Resource)
		if blank(e.Reason) {
			c.errorf(p+".reason", "a reason is required: say why anyone may reach this resource")
		}
	}
}

func checkSuppressions(c *checker, cfg *Config) {
	for i, s := range cfg.Suppressions {
		p := fmt.Sprintf("suppressions[%d]", i)
		if c.node(p+".rule") == nil && c.node(p+".resource") == nil {
			c.errorf(p, "give a rule, a resource, or both")
		}
		if c.node(p+".rule") != nil && !ruleRE.MatchString(s.Rule) {
			c.errorf(p+".rule", "%q is not a rule id (TM-XXX-000, or \"*\" for every rule)", s.Rule)
		}
		if c.node(p+".resource") != nil {
			c.checkResource(p+".resource", s.Resource)
		}
		if blank(s.Owner) {
			c.errorf(p+".owner", "an owner is required: who accepted this risk")
		}
		if s.Expires == "" {
			c.errorf(p+".expires", "an expiry date is required (expires: YYYY-MM-DD)")
		} else if _, err := time.Parse(dateLayout, s.Expires); err != nil {
			c.errorf(p+".expires", "%q is not a date (YYYY-MM-DD)", s.Expires)
		}
	}
}

// checkResource checks an ARN or a glob over ARNs (path.Match syntax).
func (c *checker) checkResource(p, r string) {
	switch {
	case r == "":
		c.errorf(p, "a resource is required: an ARN, or a glob with *")
	case !strings.HasPrefix(r, "arn:"):
		c.errorf(p, "%q is not an ARN (arn:...), nor a glob over ARNs", r)
	default:
		if _, err := path.Match(r, ""); err != nil {
			c.errorf(p, "%q is not a valid glob: %v", r, err)
		}
	}
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// checker collects the problems of one file, each with its position.
type checker struct {
	name string
	at   map[string]*yaml.Node // the value at each path: "known_accounts[0].id"
	errs []string
}

// maxErrors bounds the message: the first problems say enough.
const maxErrors = 20

func (c *checker) node(p string) *yaml.Node { return c.at[p] }

// errorf records a problem with the value at path p, or, when that value
// is absent, at the nearest enclosing one.
func (c *checker) errorf(p, format string, args ...any) {
	c.errorAt(c.nearest(p), p, format, args...)
}

func (c *checker) errorAt(n *yaml.Node, p, format string, args ...any) {
	pos := c.name
	if n != nil {
		pos = fmt.Sprintf("%s:%d:%d", c.name, n.Line, n.Column)
	}
	msg := fmt.Sprintf(format, args...)
	if p != "" {
		msg = p + ": " + msg
	}
	c.errs = append(c.errs, pos+": "+oneLine(msg))
}

func (c *checker) nearest(p string) *yaml.Node {
	for {
		if n := c.at[p]; n != nil || p == "" {
			return n
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			p = ""
		} else {
			p = p[:i]
		}
	}
}

func (c *checker) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	errs := c.errs
	more := ""
	if len(errs) > maxErrors {
		more = fmt.Sprintf("; and %d more", len(errs)-maxErrors)
		errs = errs[:maxErrors]
	}
	return errors.New(strings.Join(errs, "; ") + more)
}

// walk checks that n has the shape of type t and records where each value
// is. It follows t, so it ends however the YAML's aliases nest.
func (c *checker) walk(n *yaml.Node, t reflect.Type, p string) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	c.at[p] = n
	switch t.Kind() {
	case reflect.Struct:
		fields := yamlFields(t)
		if n.Kind != yaml.MappingNode {
			c.errorAt(n, p, "expected a mapping with %s, found %s", strings.Join(fieldNames(fields), ", "), describe(n))
			return
		}
		first := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := k.Value
			sub := join(p, key)
			if prev := first[key]; prev != nil {
				c.errorAt(k, sub, "given twice (first on line %d)", prev.Line)
				continue
			}
			first[key] = k
			f, ok := fields[key]
			if !ok {
				c.errorAt(k, p, "unknown field %q%s (known: %s)", key, didYouMean(key, fieldNames(fields)), strings.Join(fieldNames(fields), ", "))
				continue
			}
			c.walk(v, f.Type, sub)
		}
	case reflect.Slice:
		if isNull(n) {
			return // "section:" with nothing under it: an empty list
		}
		if n.Kind != yaml.SequenceNode {
			c.errorAt(n, p, "expected a list (items starting with \"- \"), found %s", describe(n))
			return
		}
		for i, item := range n.Content {
			c.walk(item, t.Elem(), fmt.Sprintf("%s[%d]", p, i))
		}
	case reflect.String:
		switch {
		case n.Kind != yaml.ScalarNode:
			c.errorAt(n, p, "expected a string, found %s", describe(n))
		case n.Tag == "!!int" || n.Tag == "!!float" || n.Tag == "!!bool":
			c.errorAt(n, p, "YAML reads %s as %s, not text: quote it (\"%s\")", n.Value, describe(n), n.Value)
		}
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			c.errorAt(n, p, "expected a whole number, found %s", describe(n))
		}
	default:
		panic(fmt.Sprintf("trustconfig: walk: no shape for %v at %s", t, p))
	}
}

func join(p, key string) string {
	if p == "" {
		return key
	}
	return p + "." + key
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// describe names what a node holds, for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing"
		case "!!int", "!!float":
			return "a number"
		case "!!bool":
			return "a boolean"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an alias"
}

// yamlFields maps each key of a struct to its field.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = f
	}
	return out
}

// fieldNames lists the keys of fields in declaration order.
func fieldNames(fields map[string]reflect.StructField) []string {
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return fields[a].Index[0] - fields[b].Index[0] })
	return names
}

// didYouMean suggests the known key closest to a misspelt one.
func didYouMean(key string, known []string) string {
	best, bestD := "", 3 // suggest within two edits
	for _, k := range known {
		if d := editDistance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(", did you mean %q?", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

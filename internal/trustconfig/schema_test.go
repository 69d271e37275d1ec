package trustconfig

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// The JSON Schema of trustmap.yaml lives beside report.json's; editors use
// it to complete and check the file. These tests keep it and the Go reader
// in step: the same fields, and every file either accepts the other
// accepts.

const (
	schemaPath = "../../report/schema/trustmap.schema.json"
	repoRoot   = "../.."
)

var (
	schemaOnce     sync.Once
	schemaDoc      map[string]any
	schemaCompiled *jsonschema.Schema
	schemaErr      error
)

func trustSchema(t testing.TB) (map[string]any, *jsonschema.Schema) {
	t.Helper()
	schemaOnce.Do(func() {
		data, err := os.ReadFile(schemaPath)
		if err != nil {
			schemaErr = err
			return
		}
		if schemaErr = json.Unmarshal(data, &schemaDoc); schemaErr != nil {
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if schemaErr = c.AddResource("trustmap.schema.json", doc); schemaErr != nil {
			return
		}
		schemaCompiled, schemaErr = c.Compile("trustmap.schema.json")
	})
	if schemaErr != nil {
		t.Fatalf("%s: %v", schemaPath, schemaErr)
	}
	return schemaDoc, schemaCompiled
}

// validateYAML validates a YAML document against the schema, reading it as
// an editor does: YAML 1.2 scalars (a date stays text), an empty file is an
// empty mapping.
func validateYAML(t testing.TB, data []byte) error {
	t.Helper()
	_, s := trustSchema(t)
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return err
	}
	var v any = map[string]any{}
	if doc := document(&root); doc != nil {
		v = jsonValue(doc, 0)
	}
	js, err := json.Marshal(v)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

func jsonValue(n *yaml.Node, depth int) any {
	if depth > 20 {
		return nil
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = jsonValue(n.Content[i+1], depth+1)
		}
		return m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, jsonValue(c, depth+1))
		}
		return l
	case yaml.ScalarNode:
		if n.Tag == "!!timestamp" || n.Tag == "!!str" {
			return n.Value
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return n.Value
		}
		if f, ok := v.(float64); ok && (f != f || f > 1e308 || f < -1e308) { // NaN, ±Inf: not JSON
			return n.Value
		}
		return v
	}
	return nil
}

// goFields lists the field paths the reader accepts, read from Config:
// "known_accounts[].id".
func goFields(t reflect.Type, p string, out *[]string) {
	switch t.Kind() {
	case reflect.Struct:
		for key, f := range yamlFields(t) {
			sub := join(p, key)
			*out = append(*out, sub)
			goFields(f.Type, sub, out)
		}
	case reflect.Slice:
		goFields(t.Elem(), p+"[]", out)
	}
}

// schemaFields lists the field paths the schema describes, and fails on an
// object that allows properties it does not name or a field without a
// description (editors show it).
func schemaFields(t *testing.T, root, s map[string]any, p string, out *[]string) {
	t.Helper()
	for depth := 0; s["$ref"] != nil && depth < 10; depth++ {
		ref, _ := s["$ref"].(string)
		def := root["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")]
		if def == nil {
			t.Fatalf("%s: $ref %s not found", p, ref)
		}
		merged := map[string]any{}
		for k, v := range def.(map[string]any) {
			merged[k] = v
		}
		for k, v := range s {
			if k != "$ref" {
				merged[k] = v
			}
		}
		s = merged
	}
	if props, ok := s["properties"].(map[string]any); ok {
		if s["additionalProperties"] != false {
			t.Errorf("schema: %q must set additionalProperties: false, as the reader rejects unknown fields", p)
		}
		for key, v := range props {
			sub := join(p, key)
			*out = append(*out, sub)
			ps := v.(map[string]any)
			if d, _ := ps["description"].(string); d == "" {
				t.Errorf("schema: %s has no description", sub)
			}
			schemaFields(t, root, ps, sub, out)
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		schemaFields(t, root, items, p+"[]", out)
	}
}

// TestSchemaAndReaderDescribeTheSameFields: a field the reader accepts and
// the schema does not describe (or the reverse) fails here. Adding a
// section to Config means adding it to the schema too.
func TestSchemaAndReaderDescribeTheSameFields(t *testing.T) {
	root, _ := trustSchema(t)
	var goSide, schemaSide []string
	goFields(configType, "", &goSide)
	schemaFields(t, root, root, "", &schemaSide)
	slices.Sort(goSide)
	slices.Sort(schemaSide)
	if diff := cmp.Diff(goSide, schemaSide); diff != "" {
		t.Errorf("fields of Config (-) and of %s (+) differ:\n%s", schemaPath, diff)
	}
	if root["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v, want draft 2020-12 like report.schema.json", root["$schema"])
	}
}

// TestEveryFieldIsDocumented: docs/trust-config.md names every field.
func TestEveryFieldIsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "trust-config.md"))
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	goFields(configType, "", &fields)
	for _, f := range fields {
		if !bytes.Contains(doc, []byte("`"+f+"`")) {
			t.Errorf("docs/trust-config.md does not document `%s`", f)
		}
	}
}

// trustConfigFiles finds every trust config kept in the repository: files
// named trustmap.yaml or *.trustmap.yaml.
func trustConfigFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(repoRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (d.Name() == "trustmap.yaml" || strings.HasSuffix(d.Name(), ".trustmap.yaml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestEveryTrustConfigInTheRepoIsValidForTheReaderAndTheSchema(t *testing.T) {
	files := trustConfigFiles(t)
	for _, want := range []string{"docs/examples/trustmap.yaml", "cmd/trustmap/testdata/demo.trustmap.yaml"} {
		if !slices.Contains(files, filepath.Join(repoRoot, want)) {
			t.Errorf("%s not found among %v", want, files)
		}
	}
	for _, f := range files {
		t.Run(strings.TrimPrefix(f, repoRoot+"/"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Parse(data, f); err != nil {
				t.Errorf("the reader rejects it: %v", err)
			}
			if err := validateYAML(t, data); err != nil {
				t.Errorf("the schema rejects it: %v", err)
			}
		})
	}
}

// TestReaderAndSchemaAgree: documents each judges the same way.
func TestReaderAndSchemaAgree(t *testing.T) {
	valid := []string{
		good,
		"",
		"version: 1\nknown_accounts:\norganizations: ~\n",
		"known_accounts:\n  - id: \"012345678901\"\n    name: Zero Corp\n    reason:\n",
		"expected_public:\n  - resource: \"arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/resources/*/methods/GET\"\n    reason: public read API\n",
		"suppressions:\n  - {rule: \"*\", owner: a, expires: \"2027-01-31\"}\n  - {resource: \"arn:aws:s3:::x\", owner: a, expires: 2027-01-31}\n",
		"model_match: {tag: threatmodel-id}\n",
		"model_match:\n  tag: \"team:model id\"\n",
		"model_match: {tag: \"" + strings.Repeat("é", 128) + "\"}\n", // 128 characters (256 bytes): the longest key AWS takes
		"crown_jewels:\n  - {resource: \"arn:aws:s3:::acme-ledger\", reason: the general ledger}\n",
		"crown_jewels:\n",
		"data_classification:\n  tag: classification\n  resources:\n    - {resource: \"arn:aws:s3:::acme-*\", level: internal}\n    - {resource: \"arn:aws:s3:::acme-ledger\", level: restricted, reason: money}\n",
		"data_classification: {resources: }\n",
	}
	invalid := []string{
		"version: 2\n",
		"version: \"1\"\n",
		"version: 0\n",
		"bogus: 1\n",
		"- a\n",
		"organizations: o-a1b2c3d4e5\n",
		"organizations: [o-short]\n",
		"known_accounts:\n  - {id: 111122223333, name: x}\n",
		"known_accounts:\n  - {id: \"111122223333\"}\n",
		"known_accounts:\n  - {id: \"111122223333\", name: \"\"}\n",
		"known_accounts:\n  - {id: \"111122223333\", name: x, note: y}\n",
		"known_accounts:\n  - {id: \"111122223333\", name: 42}\n",
		"known_accounts:\n  -\n",
		"expected_public:\n  - {resource: \"arn:aws:s3:::x\"}\n",
		"expected_public:\n  - {resource: \"bucket-x\", reason: y}\n",
		"expected_public:\n  - {resource: \"arn:aws:s3:::x\", reason: true}\n",
		"suppressions:\n  - {owner: a, expires: 2027-01-31}\n",
		"suppressions:\n  - {rule: TM-EXP-001, expires: 2027-01-31}\n",
		"suppressions:\n  - {rule: TM-EXP-001, owner: a}\n",
		"suppressions:\n  - {rule: TM-EXP-001, owner: a, expires: 31/01/2027}\n",
		"suppressions:\n  - {rule: \"\", owner: a, expires: 2027-01-31}\n",
		"suppressions:\n  - {rule: exp-1, owner: a, expires: 2027-01-31}\n",
		"model_match: {}\n",
		"model_match: {tag: \"\"}\n",
		"model_match: {tag: \"aws:cloudformation:stack-id\"}\n",
		"model_match: {tag: \"bad{key}\"}\n",
		"model_match: {tag: \"" + strings.Repeat("k", 129) + "\"}\n",
		"model_match: {tag: x, other: y}\n",
		"model_match: threatmodel-id\n",
		"crown_jewels:\n  - {resource: \"arn:aws:s3:::acme-ledger\"}\n",
		"crown_jewels:\n  - {resource: ledger, reason: money}\n",
		"data_classification:\n  resources:\n    - {resource: \"arn:aws:s3:::x\", level: secret}\n",
		"data_classification:\n  resources:\n    - {resource: \"arn:aws:s3:::x\"}\n",
		"data_classification:\n  tag: 42\n",
		"data_classification: [restricted]\n",
	}
	for _, doc := range valid {
		if _, err := Parse([]byte(doc), "t.yaml"); err != nil {
			t.Errorf("reader rejects a valid file %q: %v", doc, err)
		}
		if err := validateYAML(t, []byte(doc)); err != nil {
			t.Errorf("schema rejects a valid file %q: %v", doc, err)
		}
	}
	for _, doc := range invalid {
		if _, err := Parse([]byte(doc), "t.yaml"); err == nil {
			t.Errorf("reader accepts an invalid file %q", doc)
		}
		if err := validateYAML(t, []byte(doc)); err == nil {
			t.Errorf("schema accepts an invalid file %q", doc)
		}
	}
}

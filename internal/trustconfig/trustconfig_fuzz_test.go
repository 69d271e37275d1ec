package trustconfig

import (
	"errors"
	"strings"
	"testing"

	"github.com/trustmap/trustmap/analyzers/results"
)

// FuzzParse: a trust config of any bytes never panics; an error is one
// line starting with the file name; a config that parses turns into trust
// and is valid for the JSON Schema too.
func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	for _, s := range []string{
		"known_accounts:\n  - {id: \"1234\", name: x}\n",
		"known_acounts: []\n",
		"suppressions:\n  - {rule: TM-EXP-001, owner: a, expires: tomorrow}\n",
		"known_accounts: [\n",
		"version: 2\norganizations: [o-a1b2c3d4e5f6]\n",
		"a: &a [*a, *a]\nb: *a\n",
		"known_accounts:\n  - &k {id: \"111122223333\", name: x}\n  - *k\n",
		"version: 1\nknown_accounts:\norganizations: ~\n",
		"suppressions:\n  - {rule: \"*\", owner: a, expires: 2027-01-31}\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "trustmap.yaml")
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "trustmap.yaml") || strings.Contains(msg, "\n") {
				t.Fatalf("error %q is not one line starting with the file name", msg)
			}
			return
		}
		c.Trust(&results.Trust{})
		if err := validateYAML(t, data); err != nil {
			t.Fatalf("the reader accepts %q, the schema does not: %v", data, err)
		}
	})
}

// FuzzParseBaseline: a baseline (report.json or OTM, JSON or YAML) of any
// bytes never panics, and an error is one line starting with the name.
func FuzzParseBaseline(f *testing.F) {
	for _, s := range []string{
		`{"schema_version":"1.0","entry_points":[{"id":"EP-0123456789ab","resource_arn":"arn:aws:s3:::x"}]}`,
		"otmVersion: 0.2.0\nproject: {name: x, id: x}\ncomponents:\n  - {id: c1, name: orders, type: s3, parent: {trustZone: z}, attributes: {arn: 'arn:aws:s3:::acme-orders'}}\n",
		`{"otmVersion":"0.2.0","components":[{"id":"arn:aws:lambda:us-east-1:1:function:f","attributes":{"arn":5}}]}`,
		"{\"schema_version\": \"1.0\",\n \"entry_points\": [ {\"id\": \"x\"}, }",
		"{\"schema_version\": \"1.0\",\n \"entry_points\": [ {\"id\": 5} ]}",
		"otmVersion: 0.2.0\ncomponents:\n  - id: [\n",
		`{"hello": 1}`, `[]`, ``, "\ufeff{}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tr := &results.Trust{}
		err := ParseBaseline(data, "base.json", tr)
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "base.json") || strings.Contains(msg, "\n") {
				t.Fatalf("error %q is not one line starting with the file name", msg)
			}
			return
		}
		for k := range tr.Baseline {
			if k == "" {
				t.Fatalf("an empty baseline key from %q", data)
			}
		}
	})
}

// FuzzMerge: merging a scan into any file that parses never loses a line,
// never changes what the file says (Merge checks that itself and reports an
// internal error, which fails here), and a second merge changes nothing.
func FuzzMerge(f *testing.F) {
	s := SeenIn(scan1())
	f.Add(Starter(s))
	for _, doc := range []string{
		good, "", "# c\n", "known_accounts: []   # none\n", "known_accounts: ~\nexpected_public: null\n",
		"known_accounts: [{id: \"111122223333\", name: p}]\n",
		"expected_public:\n- resource: \"arn:aws:s3:::acme-*\"\n  reason: site\n# - {resource: \"arn:aws:s3:::acme-vpce\", reason: \"\"}\n",
		"known_accounts:\n  # - {id: \"999988887777\", name: x}\n  - id: \"111122223333\"\n    name: p\norganizations:\n- o-a1b2c3d4e5\n",
		"version: 1\r\nknown_accounts:\r\n  - {id: \"111122223333\", name: p}\r\n",
		"known_accounts: &k\n  - {id: \"111122223333\", name: p}\n",
		"known_accounts:\n  -\n    id: \"111122223333\"\n    name: p\n",
		"  version: 1\n  organizations:\n  - o-a1b2c3d4e5\n",
		"---\nversion: 1\n...\n",
		"{}", "{version: 1}\n", "version: 1\r",
	} {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := Parse(data, "t.yaml"); err != nil {
			return
		}
		out, _, err := Merge(data, "t.yaml", s)
		if errors.Is(err, ErrCannotEdit) {
			return
		}
		if err != nil {
			t.Fatalf("merge of a valid file failed: %v\n%q", err, data)
		}
		// Every line is kept; "section: []" may have become "section:".
		norm := func(b []byte) string {
			lines := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
			for i, l := range lines {
				lines[i] = strings.TrimRight(emptyValueRE.ReplaceAllString(l, "$1$3"), " ")
			}
			return strings.Join(lines, "\n")
		}
		inserted(t, norm(data), norm(out))
		again, st, err := Merge(out, "t.yaml", s)
		if err != nil || !st.Unchanged || string(again) != string(out) {
			t.Fatalf("a second merge changed the file (err %v):\n%q\n->\n%q\n->\n%q", err, data, out, again)
		}
	})
}

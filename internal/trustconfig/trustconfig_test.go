package trustconfig

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trustmap/trustmap/analyzers/results"
)

const good = `version: 1
organizations: [o-a1b2c3d4e5]
known_accounts:
  - {id: "111122223333", name: partner, reason: data exchange}
expected_public:
  - {resource: "arn:aws:s3:::acme-website", reason: static site}
suppressions:
  - {rule: TM-DEP-002, resource: "arn:aws:iam::123456789012:role/*", owner: alice@acme.example, expires: 2027-01-31, reason: vendor migrating}
`

func TestAValidConfigBecomesTrust(t *testing.T) {
	c, err := Parse([]byte(good), "trustmap.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tr := &results.Trust{}
	c.Trust(tr)
	if tr.KnownAccounts["111122223333"] != "partner" || tr.OrgIDs[0] != "o-a1b2c3d4e5" || tr.ExpectedPublic["arn:aws:s3:::acme-website"] != "static site" {
		t.Errorf("trust = %+v", tr)
	}
	s := tr.Suppressions[0]
	if !s.Matches("TM-DEP-002", "arn:aws:iam::123456789012:role/datadog") || s.Matches("TM-DEP-001", "arn:aws:iam::123456789012:role/datadog") {
		t.Errorf("suppression matching is wrong: %+v", s)
	}
	if want := time.Date(2027, 1, 31, 23, 59, 59, 999999999, time.UTC); !s.Expires.Equal(want) {
		t.Errorf("expires = %v, want the end of the day %v", s.Expires, want)
	}
}

// TestAMalformedConfigGetsOneLineNamingFileLineAndColumn: every problem is
// named at its position (file:line:column; a YAML syntax error has a line
// only), with the path of the value and what to write instead.
func TestAMalformedConfigGetsOneLineNamingFileLineAndColumn(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"a bad account id", "known_accounts:\n  - {id: \"1234\", name: x}\n",
			`trustmap.yaml:2:10: known_accounts[0].id: "1234" is not a 12-digit account id`},
		{"an account id YAML reads as a number", "known_accounts:\n  - {id: 111122223333, name: x}\n",
			`trustmap.yaml:2:10: known_accounts[0].id: YAML reads 111122223333 as a number, not text: quote it ("111122223333")`},
		{"a misspelt section", "known_acounts: []\n",
			`trustmap.yaml:1:1: unknown field "known_acounts", did you mean "known_accounts"? (known: version, organizations, known_accounts, expected_public, suppressions, model_match, crown_jewels, data_classification)`},
		{"a misspelt field inside an entry", "expected_public:\n  - resource: arn:aws:s3:::x\n    reasons: y\n",
			`trustmap.yaml:3:5: expected_public[0]: unknown field "reasons", did you mean "reason"? (known: resource, reason)`},
		{"a section that is not a list", "organizations: o-a1b2c3d4e5\n",
			`trustmap.yaml:1:16: organizations: expected a list (items starting with "- "), found "o-a1b2c3d4e5"`},
		{"an entry that is not a mapping", "known_accounts:\n  - \"111122223333\"\n",
			`trustmap.yaml:2:5: known_accounts[0]: expected a mapping with id, name, reason, found "111122223333"`},
		{"a file that is a list", "- a\n",
			`trustmap.yaml:1:1: expected a mapping with version, organizations, known_accounts, expected_public, suppressions, model_match, crown_jewels, data_classification, found a list`},
		{"a key given twice", "version: 1\nversion: 1\n", `trustmap.yaml:2:1: version: given twice (first on line 1)`},
		{"another version", "version: 2\n", `trustmap.yaml:1:10: version: this trustmap reads version 1, not 2`},
		{"a version that is text", "version: one\n", `trustmap.yaml:1:10: version: expected a whole number, found "one"`},
		{"an account without a name", "known_accounts:\n  - id: \"111122223333\"\n",
			`trustmap.yaml:2:5: known_accounts[0].name: a name is required: reports say "known: <name>"`},
		{"a public resource without a reason", "expected_public:\n  - {resource: \"arn:aws:s3:::x\", reason: \" \"}\n",
			`trustmap.yaml:2:42: expected_public[0].reason: a reason is required: say why anyone may reach this resource`},
		{"a resource that is not an ARN", "expected_public:\n  - {resource: acme-website, reason: site}\n",
			`trustmap.yaml:2:16: expected_public[0].resource: "acme-website" is not an ARN (arn:...), nor a glob over ARNs`},
		{"a resource glob that is broken", "expected_public:\n  - {resource: \"arn:aws:s3:::acme-[\", reason: site}\n",
			`trustmap.yaml:2:16: expected_public[0].resource: "arn:aws:s3:::acme-[" is not a valid glob: syntax error in pattern`},
		{"a suppression without an owner", "suppressions:\n  - {rule: TM-EXP-001, expires: 2027-01-01}\n",
			`trustmap.yaml:2:5: suppressions[0].owner: an owner is required: who accepted this risk`},
		{"a suppression with a bad date", "suppressions:\n  - {rule: TM-EXP-001, owner: a, expires: tomorrow}\n",
			`trustmap.yaml:2:43: suppressions[0].expires: "tomorrow" is not a date (YYYY-MM-DD)`},
		{"a suppression with a day that does not exist", "suppressions:\n  - {rule: TM-EXP-001, owner: a, expires: 2027-02-30}\n",
			`trustmap.yaml:2:43: suppressions[0].expires: "2027-02-30" is not a date (YYYY-MM-DD)`},
		{"a suppression of nothing", "suppressions:\n  - {owner: a, expires: 2027-01-01}\n",
			`trustmap.yaml:2:5: suppressions[0]: give a rule, a resource, or both`},
		{"a suppression with a rule that is no rule id", "suppressions:\n  - {rule: EXP-1, owner: a, expires: 2027-01-01}\n",
			`trustmap.yaml:2:12: suppressions[0].rule: "EXP-1" is not a rule id (TM-XXX-000, or "*" for every rule)`},
		{"broken YAML", "known_accounts: [\n", `trustmap.yaml:1: did not find expected node content`},
		{"a bad organization id", "organizations: [org-1]\n",
			`trustmap.yaml:1:17: organizations[0]: "org-1" is not an organization id (o- and 10 to 32 lowercase letters or digits)`},
		{"several problems", "organizations: [org-1]\nknown_accounts:\n  - {id: \"1\", name: x}\n",
			`trustmap.yaml:1:17: organizations[0]: "org-1" is not an organization id (o- and 10 to 32 lowercase letters or digits); trustmap.yaml:3:10: known_accounts[0].id: "1" is not a 12-digit account id`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc), "trustmap.yaml")
			if err == nil {
				t.Fatalf("accepted:\n%s", tc.doc)
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestEmptyOrCommentedOutConfigsRecognizeNothing(t *testing.T) {
	for _, doc := range []string{"", "# nothing yet\n", "version: 1\nknown_accounts:\n  # - {id: \"111122223333\", name: x}\norganizations:\nexpected_public:\nsuppressions:\n"} {
		c, err := Parse([]byte(doc), "trustmap.yaml")
		if err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		tr := &results.Trust{}
		c.Trust(tr)
		if len(tr.KnownAccounts)+len(tr.OrgIDs)+len(tr.ExpectedPublic)+len(tr.Suppressions) != 0 {
			t.Errorf("%q recognizes something: %+v", doc, tr)
		}
	}
}

func TestBaselineFromAReportOrAnOTMFile(t *testing.T) {
	dir := t.TempDir()
	rep := filepath.Join(dir, "report.json")
	os.WriteFile(rep, []byte(`{"schema_version":"1.0","entry_points":[{"id":"EP-0123456789ab","resource_arn":"arn:aws:s3:::x"}]}`), 0o600)
	otm := filepath.Join(dir, "model.otm.yaml")
	os.WriteFile(otm, []byte("otmVersion: 0.2.0\nproject: {name: x, id: x}\ncomponents:\n  - {id: c1, name: orders, type: s3, parent: {trustZone: z}, attributes: {arn: 'arn:aws:s3:::acme-orders'}}\n"), 0o600)
	tr := &results.Trust{}
	if err := LoadBaseline(rep, tr); err != nil {
		t.Fatal(err)
	}
	if !tr.Known("EP-0123456789ab", "") {
		t.Errorf("report baseline did not record its entry point")
	}
	tr = &results.Trust{}
	if err := LoadBaseline(otm, tr); err != nil {
		t.Fatal(err)
	}
	if !tr.Known("", "arn:aws:s3:::acme-orders") {
		t.Errorf("OTM baseline did not record the component ARN: %+v", tr.Baseline)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"hello": 1}`), 0o600)
	if err := LoadBaseline(bad, &results.Trust{}); err == nil {
		t.Errorf("a file that is neither a report nor OTM was accepted")
	}
}

package trustconfig

import (
	"os"
	"path/filepath"
	"strings"
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

func TestAMalformedConfigNamesTheLine(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"a bad account id", "known_accounts:\n  - {id: \"1234\", name: x}\n", "trustmap.yaml:2: known_accounts[0].id"},
		{"an unknown field", "known_acounts: []\n", "line 1: field known_acounts not found"},
		{"a suppression without an owner", "suppressions:\n  - {rule: TM-EXP-001, expires: 2027-01-01}\n", "trustmap.yaml:2: suppressions[0]: an owner is required"},
		{"a suppression with a bad date", "suppressions:\n  - {rule: TM-EXP-001, owner: a, expires: tomorrow}\n", "trustmap.yaml:2: suppressions[0].expires"},
		{"broken YAML", "known_accounts: [\n", "trustmap.yaml: line"},
		{"a bad organization id", "organizations: [org-1]\n", "trustmap.yaml:1: organizations[0]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc), "trustmap.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
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

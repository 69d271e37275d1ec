package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// policyCase is one entry of a case file (the shared corpus format).
type policyCase struct {
	ID           string `json:"id"`
	Source       string `json:"source"`
	ResourceType string `json:"resource_type"`
	OwnerAccount string `json:"owner_account"`
	OrgID        string `json:"org_id"`
	// KnownPrincipals is Context.KnownPrincipals (own cases only).
	KnownPrincipals map[string]string `json:"known_principals,omitempty"`
	Policy          json.RawMessage   `json:"policy"`
	Expected        struct {
		Verdict            Verdict  `json:"verdict"`
		ExternalPrincipals []string `json:"external_principals"`
		Note               string   `json:"note"`
	} `json:"expected"`
}

func (c policyCase) context() Context {
	return Context{ResourceType: c.ResourceType, OwnerAccount: c.OwnerAccount, OrgID: c.OrgID, KnownPrincipals: c.KnownPrincipals}
}

// title turns a case into a t.Run name that reads as a sentence.
func (c policyCase) title() string {
	note := c.Expected.Note
	if i := strings.IndexAny(note, ".:;"); i > 0 {
		note = note[:i]
	}
	if len(note) > 90 {
		note = note[:90]
	}
	return c.ID + " is " + c.Expected.Verdict.String() + " because " + note
}

func loadCases(t testing.TB, path string) []policyCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var cases []policyCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return cases
}

var caseFiles = []string{
	filepath.Join("testdata", "corpus", "policy_cases.json"),
	filepath.Join("testdata", "cases_own.json"),
}

func runCases(t *testing.T, path string) {
	cases := loadCases(t, path)
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.ID] {
			t.Errorf("duplicate case id %s", c.ID)
		}
		seen[c.ID] = true
		t.Run(c.title(), func(t *testing.T) {
			if c.Source == "" {
				t.Errorf("case %s names no source", c.ID)
			}
			p, err := Parse(c.Policy)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := Analyze(p, c.context())
			want := c.Expected.ExternalPrincipals
			if want == nil {
				want = []string{}
			}
			if got.Verdict != c.Expected.Verdict {
				t.Errorf("verdict = %s, want %s (%s)", got.Verdict, c.Expected.Verdict, c.Expected.Note)
			}
			if diff := cmp.Diff(want, got.ExternalPrincipals, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("external principals (-want +got):\n%s", diff)
			}
			if t.Failed() {
				js, _ := json.MarshalIndent(got, "", "  ")
				t.Logf("result: %s", js)
			}
		})
	}
}

func TestCorpusCases(t *testing.T) { runCases(t, caseFiles[0]) }

func TestOwnCases(t *testing.T) { runCases(t, caseFiles[1]) }

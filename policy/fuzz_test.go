package policy

import (
	"errors"
	"io"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fuzzContexts are the resource contexts every fuzzed policy is analysed in.
var fuzzContexts = []Context{
	{ResourceType: "s3", OwnerAccount: "111122223333"},
	{ResourceType: ResourceTypeRoleTrust, OwnerAccount: "111122223333", OrgID: "o-a1b2c3d4e5"},
	{ResourceType: "", OwnerAccount: "444455556666"},
}

func addSeeds(f *testing.F, add func(doc []byte, c policyCase)) {
	for _, path := range caseFiles {
		for _, c := range loadCases(f, path) {
			add(c.Policy, c)
		}
	}
}

// checkResult asserts the invariants every Analyze result must keep.
func checkResult(t *testing.T, p *Policy, ctx Context, r Result) {
	t.Helper()
	if r2 := Analyze(p, ctx); !cmp.Equal(r, r2) {
		t.Fatalf("Analyze is not deterministic:\n%s", cmp.Diff(r, r2))
	}
	if !sort.StringsAreSorted(r.ExternalPrincipals) {
		t.Fatalf("external principals not sorted: %v", r.ExternalPrincipals)
	}
	for i := 1; i < len(r.ExternalPrincipals); i++ {
		if r.ExternalPrincipals[i] == r.ExternalPrincipals[i-1] {
			t.Fatalf("external principals not de-duplicated: %v", r.ExternalPrincipals)
		}
	}
	best := Internal
	for _, g := range r.Grants {
		if g.Exposure.Rank() > best.Rank() {
			best = g.Exposure
		}
		if g.Exposure != Internal && g.Fix == "" {
			t.Fatalf("external grant without a fix: %+v", g)
		}
	}
	if best != r.Verdict {
		t.Fatalf("verdict %s but most exposed grant is %s", r.Verdict, best)
	}
	if (r.Verdict == Internal) != (len(r.ExternalPrincipals) == 0) {
		t.Fatalf("verdict %s with external principals %v", r.Verdict, r.ExternalPrincipals)
	}
	if r.Verdict == Public && !contains(r.ExternalPrincipals, "*") {
		t.Fatalf("public verdict without \"*\": %v", r.ExternalPrincipals)
	}
	if err := Explain(io.Discard, p, ctx, r); err != nil {
		t.Fatalf("Explain: %v", err)
	}
	// Deny statements only ever take access away.
	allowOnly := &Policy{Version: p.Version, ID: p.ID}
	for _, st := range p.Statements {
		if st.Effect == Allow {
			allowOnly.Statements = append(allowOnly.Statements, st)
		}
	}
	if without := Analyze(allowOnly, ctx); without.Verdict.Rank() < r.Verdict.Rank() {
		t.Fatalf("Deny statements raised the verdict from %s to %s", without.Verdict, r.Verdict)
	}
}

func FuzzParse(f *testing.F) {
	addSeeds(f, func(doc []byte, _ policyCase) { f.Add(doc) })
	for _, s := range []string{``, `{}`, `[]`, `null`, `{"Statement":[]}`, `{"Statement":{"Effect":"Allow","Action":"*"}}`,
		`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Condition":{"StringLike":{"aws:SourceArn":"arn:*:s3:::*"}}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := Parse(doc)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError: %v", err, err)
			}
			return
		}
		for _, ctx := range fuzzContexts {
			checkResult(t, p, ctx, Analyze(p, ctx))
		}
		p.Decide(Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", PrincipalAccount: "444455556666",
			Context: map[string][]string{"aws:SourceIp": {"192.0.2.1"}, "aws:username": {"alice"}}})
	})
}

var fuzzTypes = []string{"", "s3", "sqs", "sns", "lambda", "apigateway", "kms", "secretsmanager", "ecr", ResourceTypeRoleTrust}

func FuzzAnalyze(f *testing.F) {
	addSeeds(f, func(doc []byte, c policyCase) {
		kind := uint8(0)
		for i, rt := range fuzzTypes {
			if rt == c.ResourceType {
				kind = uint8(i)
			}
		}
		f.Add(doc, kind, c.OwnerAccount, c.OrgID)
	})
	f.Fuzz(func(t *testing.T, doc []byte, kind uint8, owner, org string) {
		p, err := Parse(doc)
		if err != nil {
			return
		}
		ctx := Context{ResourceType: fuzzTypes[int(kind)%len(fuzzTypes)], OwnerAccount: owner, OrgID: org}
		checkResult(t, p, ctx, Analyze(p, ctx))
	})
}

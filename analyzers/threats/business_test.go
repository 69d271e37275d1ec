package threats_test

import (
	"strings"
	"testing"

	"github.com/trustmap/trustmap/analyzers"
	anall "github.com/trustmap/trustmap/analyzers/all"
	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/analyzers/paths"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/analyzers/threats"
	"github.com/trustmap/trustmap/graph"
)

// run analyses a fixture and returns its threats and paths by resource.
func runBusiness(t *testing.T, trust func(*results.Trust)) (map[string]results.Threat, []results.AttackPath) {
	t.Helper()
	snap, tr := analyzertest.Load(t, "testdata/business/business.yaml")
	if trust != nil {
		trust(tr)
	}
	g := graph.Resolve(snap)
	res, err := analyzers.Run(g, tr, anall.Analyzers())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]results.Threat{}
	for _, th := range res.ResultOf[threats.Analyzer].([]results.Threat) {
		out[th.ResourceARN] = th
	}
	return out, res.ResultOf[paths.Analyzer].([]results.AttackPath)
}

const (
	ledger  = "arn:aws:s3:::ledger"
	catalog = "arn:aws:s3:::catalog"
	notes   = "arn:aws:s3:::team-notes"
	plain   = "arn:aws:s3:::plain"
	getA    = "arn:aws:apigateway:us-east-1::/restapis/apia/resources/r1/methods/GET"
	getB    = "arn:aws:apigateway:us-east-1::/restapis/apib/resources/r1/methods/GET"
)

func TestImpactIsWeighedByTheDataTheOutcomeReaches(t *testing.T) {
	got, _ := runBusiness(t, nil)
	for _, c := range []struct {
		name, arn string
		impact    int
		reason    string
	}{
		{"reading a crown jewel scores one more, quoting the reason", ledger, 4,
			`can read data from the resource; raised by 1: ledger is a crown jewel (trustmap.yaml crown_jewels arn:aws:s3:::ledger (the general ledger))`},
		{"reading data tagged public scores 1 (the tag's value in any case)", catalog, 1,
			`can read data from the resource; lowered to 1: catalog holds public data only (tag data-classification=Public)`},
		{"reading data trustmap.yaml calls internal scores one less", notes, 2,
			`can read data from the resource; lowered by 1: reading team-notes discloses internal data only (trustmap.yaml data_classification arn:aws:s3:::team-notes)`},
		{"an unmarked resource keeps its score and reason", plain, 3, `can read data from the resource`},
		{"a path that ends at restricted data (by glob) scores one more than a read", getA, 4,
			`raised by 1: vault-1 holds restricted data (trustmap.yaml data_classification arn:aws:s3:::vault-*)`},
		{"a path that ends at public data scores below the invocation itself", getB, 2, `can invoke it or feed it input`},
	} {
		t.Run(c.name, func(t *testing.T) {
			th, ok := got[c.arn]
			if !ok {
				t.Fatalf("no threat on %s", c.arn)
			}
			if th.Impact != c.impact || !strings.Contains(th.Reasons.Impact, c.reason) {
				t.Errorf("impact %d (%q), want %d with %q", th.Impact, th.Reasons.Impact, c.impact, c.reason)
			}
			if th.Risk != th.Likelihood*th.Impact || th.Severity != threats.Band(th.Risk) {
				t.Errorf("risk %d severity %s do not follow L%d×I%d", th.Risk, th.Severity, th.Likelihood, th.Impact)
			}
		})
	}
	if got[getA].Risk <= got[getB].Risk {
		t.Errorf("the path to restricted data (risk %d) should score above the path to public data (risk %d)", got[getA].Risk, got[getB].Risk)
	}
}

func TestPathSeverityIsWeighedByTheDataItEndsAt(t *testing.T) {
	_, aps := runBusiness(t, nil)
	sev := map[string]results.Severity{}
	for _, p := range aps {
		sev[p.Target] = p.Severity
	}
	// Both are public reads three hops in (high without business context).
	if sev["arn:aws:s3:::vault-1"] != results.SevCritical || sev["arn:aws:s3:::www-assets"] != results.SevMedium {
		t.Errorf("severities: vault-1 %s (want critical: restricted), www-assets %s (want medium: public data)", sev["arn:aws:s3:::vault-1"], sev["arn:aws:s3:::www-assets"])
	}
}

func TestWithoutAnyMarkingScoresAreThoseWithoutBusinessContext(t *testing.T) {
	got, aps := runBusiness(t, func(tr *results.Trust) {
		tr.CrownJewels, tr.Classification = nil, nil
		tr.ClassificationTag = "not-the-tag-the-buckets-carry"
	})
	for arn, th := range got {
		if strings.Contains(th.Reasons.Impact, "data") && strings.Contains(th.Reasons.Impact, "(") {
			t.Errorf("%s: impact reason mentions a classification: %q", arn, th.Reasons.Impact)
		}
	}
	for _, arn := range []string{ledger, catalog, notes, plain} {
		if got[arn].Impact != 3 || got[arn].Reasons.Impact != "can read data from the resource" {
			t.Errorf("%s: impact %d %q, want 3 as for any public read", arn, got[arn].Impact, got[arn].Reasons.Impact)
		}
	}
	if got[getA].Impact != 3 || got[getB].Impact != 3 {
		t.Errorf("paths: impacts %d and %d, want 3 and 3", got[getA].Impact, got[getB].Impact)
	}
	for _, p := range aps {
		if p.Severity != results.SevHigh {
			t.Errorf("path to %s: %s, want high", p.Target, p.Severity)
		}
	}
}

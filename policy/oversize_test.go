package policy

import (
	"fmt"
	"strings"
	"testing"
)

// Oversized policies: AWS caps a bucket policy at 20 KB (a role trust
// policy at 2–4 KB, an SQS policy at 20 KB), but a snapshot or `trustmap
// policy explain` can hand the engine anything. These tests pin the cost
// of the largest real policy and check that the cost grows linearly with
// the number of statements, and no worse than allows × denies when
// explicit Denies must be subtracted from every grant.

// sizedPolicy returns a bucket policy of n statements cycling through
// partner, organization, network, NotAction, service and (with denies)
// Deny statements, each on its own resource.
func sizedPolicy(n int, denies bool) string {
	st := make([]string, 0, n)
	for i := range n {
		switch i % 6 {
		case 0:
			st = append(st, fmt.Sprintf(`{"Sid":"Partner%d","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::4444%08d:root"]},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/p%d/*"]}`, i, i, i))
		case 1:
			st = append(st, fmt.Sprintf(`{"Sid":"Org%d","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/shared%d/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`, i, i))
		case 2:
			st = append(st, fmt.Sprintf(`{"Sid":"Net%d","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"arn:aws:s3:::b/net%d/*","Condition":{"IpAddress":{"aws:SourceIp":["10.%d.0.0/16"]}}}`, i, i, i%256))
		case 3:
			st = append(st, fmt.Sprintf(`{"Sid":"Public%d","Effect":"Allow","Principal":"*","NotAction":["s3:Delete*"],"Resource":"arn:aws:s3:::b/pub%d/*"}`, i, i))
		case 4:
			st = append(st, fmt.Sprintf(`{"Sid":"Svc%d","Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/logs%d/*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`, i, i))
		case 5:
			if denies {
				st = append(st, fmt.Sprintf(`{"Sid":"Deny%d","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/pub%d/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, i, i-2))
			} else {
				st = append(st, fmt.Sprintf(`{"Sid":"Acct%d","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/x%d/*"}`, i, i))
			}
		}
	}
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(st, ",") + `]}`
}

var oversizeCtx = Context{ResourceType: "s3", OwnerAccount: "111122223333", OrgID: "o-a1b2c3d4e5"}

// parseAnalyzeAllocs is the allocations of one Parse + Analyze of doc.
func parseAnalyzeAllocs(t *testing.T, doc string) float64 {
	t.Helper()
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("%d-byte policy: %v", len(doc), err)
	}
	if r := Analyze(p, oversizeCtx); r.Verdict != Public {
		t.Fatalf("verdict %s, want public (statement Public*)", r.Verdict)
	}
	return testing.AllocsPerRun(3, func() {
		p, _ := Parse([]byte(doc))
		Analyze(p, oversizeCtx)
	})
}

func TestA20KBPolicyParsesAndAnalysesWithinBoundedAllocations(t *testing.T) {
	doc := sizedPolicy(120, true) // about 20 KB, AWS's bucket-policy maximum
	if len(doc) < 19_000 || len(doc) > 21_000 {
		t.Fatalf("the policy is %d bytes, want about 20 KB", len(doc))
	}
	// Measured: about 32,000 allocations (a few ms). The bound leaves room
	// for the engine to grow, not for a change of complexity.
	if a := parseAnalyzeAllocs(t, doc); a > 100_000 {
		t.Errorf("%d-byte policy: %.0f allocations per Parse+Analyze, want at most 100,000", len(doc), a)
	}
}

func TestPolicyCostGrowsLinearlyWithStatements(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000-statement policies")
	}
	// 250 → 1,000 statements is ×4. Without Denies the cost must grow ×4
	// (measured ×4.0); with a Deny in every six statements each Deny is
	// checked against every grant, allows × denies, so up to ×16 is the
	// quadratic ceiling (measured ×9) — bounded in practice by AWS's 20 KB
	// policy limit, where it costs a few ms (test above).
	for _, tc := range []struct {
		denies   bool
		maxRatio float64
		maxAlloc float64
	}{
		{false, 5, 400_000},   // measured 194,000 at 1,000 statements
		{true, 12, 1_600_000}, // measured 758,000 at 1,000 statements
	} {
		t.Run(fmt.Sprintf("denies %v", tc.denies), func(t *testing.T) {
			small := parseAnalyzeAllocs(t, sizedPolicy(250, tc.denies))
			large := parseAnalyzeAllocs(t, sizedPolicy(1000, tc.denies))
			if r := large / small; r > tc.maxRatio {
				t.Errorf("250 → 1,000 statements: allocations ×%.1f (%.0f → %.0f), want at most ×%.0f", r, small, large, tc.maxRatio)
			}
			if large > tc.maxAlloc {
				t.Errorf("1,000 statements: %.0f allocations, want at most %.0f", large, tc.maxAlloc)
			}
			t.Logf("250 statements: %.0f allocs; 1,000 statements: %.0f allocs (×%.1f)", small, large, large/small)
		})
	}
}

func BenchmarkParseAnalyze1000Statements(b *testing.B) {
	doc := []byte(sizedPolicy(1000, true))
	b.ReportAllocs()
	for b.Loop() {
		p, err := Parse(doc)
		if err != nil {
			b.Fatal(err)
		}
		Analyze(p, oversizeCtx)
	}
}

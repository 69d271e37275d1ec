package graph

import (
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/trustmap/trustmap/policy"
)

// mergeRun must give what folding Edge.Merge over the run gives, for runs
// of any shape: actions and evidence unsorted, duplicated, held or not by
// the first edge, empty on some edges; gates, exposures, certainties and
// principals on any of them.
func TestMergeRunIsPairwiseMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 2026))
	pick := func(from []string, max int) []string {
		n := r.IntN(max + 1)
		if n == 0 {
			if r.IntN(2) == 0 {
				return nil
			}
			return []string{}
		}
		out := make([]string, n)
		for i := range out {
			out[i] = from[r.IntN(len(from))]
		}
		return out
	}
	actions := []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:*"}
	conds := []string{"aws:SourceIp=10.0.0.0/8", "aws:PrincipalOrgID=o-1", "aws:SecureTransport=true"}
	evidence := func() []Evidence {
		n := r.IntN(4)
		if n == 0 {
			return nil
		}
		out := make([]Evidence, n)
		for i := range out {
			out[i] = Evidence{
				Source:     []string{"s3:GetBucketPolicy", "iam:GetRolePolicy"}[r.IntN(2)],
				Statements: []policy.StatementRef{{Index: r.IntN(3), Sid: []string{"", "A"}[r.IntN(2)]}},
				Actions:    pick(actions, 2),
				Conditions: pick(conds, 1),
			}
		}
		return out
	}
	exposures := []policy.Verdict{0, policy.Internal, policy.CrossAccount, policy.Public}
	for trial := range 5000 {
		run := make([]Edge, 2+r.IntN(5))
		for i := range run {
			e := Edge{From: "p", To: "r", Kind: EdgeCanRead, Via: ViaBucketPolicy,
				Actions:   pick(actions, 3),
				Exposure:  exposures[r.IntN(len(exposures))],
				Principal: []string{"", "111111111111", "*"}[r.IntN(3)],
				Certainty: Tri(r.IntN(3)),
				Evidence:  evidence(),
			}
			if r.IntN(2) == 0 {
				e.Gate = NewGate(pick(conds, 2), []policy.Guard{"network", "org"}[:r.IntN(3)], []string{"", "JWT a", "COGNITO b"}[r.IntN(3)])
			}
			run[i] = e
		}
		// A run whose first edge already holds everything is the common
		// case (one policy granting several actions on one resource).
		if trial%3 == 0 {
			for i := 1; i < len(run); i++ {
				run[i].Actions, run[i].Evidence = run[0].Actions, run[0].Evidence
			}
		}
		want := run[0]
		for _, o := range run[1:] {
			want.Merge(o)
		}
		got := mergeRun(run)
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("trial %d: mergeRun differs from pairwise Merge (-pairwise +run):\n%s", trial, diff)
		}
	}
}

// An edge is held hundreds of thousands of times: its kind, way in and
// exposure are two-byte codes, packed with its certainty.
func TestEdgeSize(t *testing.T) {
	if got := unsafe.Sizeof(Edge{}); got > 112 {
		t.Errorf("an edge is %d bytes, want at most 112", got)
	}
}

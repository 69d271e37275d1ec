package graph

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustmap/trustmap/policy"
)

// TestSortLargeIsStable: equal elements keep their order, as
// slices.SortStableFunc keeps them; mergeSorted folds a run of equal edges
// in that order.
func TestSortLargeIsStable(t *testing.T) {
	type item struct{ key, pos int }
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		s := make([]item, rng.IntN(300))
		for i := range s {
			s[i] = item{key: rng.IntN(8), pos: i}
		}
		want := slices.Clone(s)
		slices.SortStableFunc(want, func(a, b item) int { return a.key - b.key })
		sortLarge(s, func(a, b *item) int { return a.key - b.key })
		if !slices.Equal(s, want) {
			t.Fatalf("sortLarge = %v, want %v", s, want)
		}
	}
}

// TestBuilderMergesEqualEdgesInTheOrderAdded: where Edge.Merge depends on
// the order (two sides with the same conditions but different guards keep
// the first side's guards), Freeze keeps the first added, as the builder
// did when it merged each edge on arrival.
func TestBuilderMergesEqualEdgesInTheOrderAdded(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for round := range 40 {
		first, second := policy.Guard("a"), policy.Guard("b")
		if round%2 == 1 {
			first, second = second, first
		}
		b := NewBuilder()
		// Other edges in random order before, between and after the two,
		// so that an unstable sort would swap them in some rounds.
		other := func() {
			b.AddEdge(Edge{From: "arn:aws:iam::111122223333:root", To: fmt.Sprintf("arn:aws:s3:::%c%d", "wy"[rng.IntN(2)], rng.IntN(1000)), Kind: EdgeCanRead})
		}
		for range rng.IntN(500) {
			other()
		}
		e := Edge{From: "arn:aws:iam::111122223333:root", To: "arn:aws:s3:::x", Kind: EdgeCanRead, Certainty: True,
			Gate: NewGate([]string{"aws:SourceVpc"}, []policy.Guard{first}, "")}
		b.AddEdge(e)
		for range rng.IntN(500) {
			other()
		}
		e.Gate = NewGate([]string{"aws:SourceVpc"}, []policy.Guard{second}, "")
		b.AddEdge(e)
		for range rng.IntN(500) {
			other()
		}
		s := b.Freeze(Tool{Name: "trustmap"}, time.Time{})
		i := slices.IndexFunc(s.Edges, func(x Edge) bool { return x.To == "arn:aws:s3:::x" })
		if i < 0 || i+1 < len(s.Edges) && s.Edges[i+1].To == "arn:aws:s3:::x" {
			t.Fatalf("round %d: the two edges to x were not merged into one", round)
		}
		if g := s.Edges[i].Guards(); !slices.Equal(g, []policy.Guard{first}) {
			t.Errorf("round %d: guards %v, want the first added %v", round, g, first)
		}
		if len(b.Freeze(Tool{}, time.Time{}).Edges) != 0 {
			t.Error("a second Freeze found edges: Freeze must leave the builder empty")
		}
	}
}

// TestAnEmptyBuilderWritesEmptyLists: an account with nothing in it (an
// empty member of an organization) has "nodes": [] and "edges": [] in its
// part, as before the builder kept arrays, not null.
func TestAnEmptyBuilderWritesEmptyLists(t *testing.T) {
	var buf bytes.Buffer
	if err := NewBuilder().Freeze(Tool{Name: "trustmap"}, time.Time{}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"nodes": []`, `"edges": []`, `"coverage": []`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the empty snapshot has no %s:\n%s", want, buf.String())
		}
	}
}

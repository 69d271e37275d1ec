package graph

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ResolveInPlace is Resolve without the copy: the same graph, the snapshot's
// node array reused when it has room for the principals, and the snapshot's
// nodes and edges given up. Resolve leaves its snapshot as it was.
func TestResolveInPlaceGivesResolvesGraphWithoutACopy(t *testing.T) {
	opts := cmp.Options{cmpopts.IgnoreUnexported(Graph{}), cmpopts.IgnoreFields(Graph{}, "Snapshot")}

	orig := benchSnapshot(600)
	orig.Edges = []Edge{{From: orig.Nodes[1].ID, To: orig.Nodes[2].ID, Kind: EdgeContains}} // a structural edge
	before := len(orig.Nodes)
	want := Resolve(orig)
	if len(orig.Nodes) != before || len(orig.Edges) != 1 {
		t.Fatalf("Resolve changed its snapshot: %d nodes (had %d), %d edges (had 1)", len(orig.Nodes), before, len(orig.Edges))
	}
	if want.Snapshot != orig {
		t.Errorf("Resolve's graph does not keep its snapshot")
	}

	for _, room := range []bool{true, false} {
		s := benchSnapshot(600)
		s.Edges = []Edge{{From: s.Nodes[1].ID, To: s.Nodes[2].ID, Kind: EdgeContains}}
		if room {
			nodes := make([]Node, len(s.Nodes), len(s.Nodes)+PrincipalRoom(len(s.Nodes)))
			copy(nodes, s.Nodes)
			s.Nodes = nodes
		} else {
			s.Nodes = s.Nodes[:len(s.Nodes):len(s.Nodes)] // no room: ResolveInPlace copies
		}
		first := &s.Nodes[:1][0]
		got := ResolveInPlace(s)
		if diff := cmp.Diff(want, got, opts); diff != "" {
			t.Fatalf("room %v: ResolveInPlace differs from Resolve (-Resolve +in place):\n%s", room, diff)
		}
		if s.Nodes != nil || s.Edges != nil {
			t.Errorf("room %v: the snapshot kept its nodes or edges", room)
		}
		if reused := first == &got.Nodes[:1][0]; reused != room {
			t.Errorf("room %v: the graph reused the snapshot's array: %v", room, reused)
		}
		if got.Snapshot != s {
			t.Errorf("room %v: the graph does not keep its snapshot", room)
		}
	}
}

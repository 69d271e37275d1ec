package paths

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// randomGraph is a resolved graph of random resources and random edges
// between them, reached from the internet and another account: many
// entry points with many paths each, so that the keeper's list fills
// (MaxPaths) and its bar takes part, with uncertain hops, KMS keys that
// protect data, code providers and triggers.
func randomGraph(seed uint64, resources, edges int) *graph.Graph {
	rng := rand.New(rand.NewPCG(seed, 1))
	const acct = "123456789012"
	kinds := []graph.Kind{graph.KindLambdaFunction, graph.KindIAMRole, graph.KindS3Bucket, graph.KindSQSQueue,
		graph.KindSecret, graph.KindRestAPIMethod, graph.KindECRRepository, graph.KindKMSKey, graph.KindEventRule}
	snap := &graph.Snapshot{SchemaVersion: graph.SchemaVersion, Accounts: []string{acct}}
	snap.Nodes = append(snap.Nodes,
		graph.Node{ID: "internet", Kind: graph.KindInternet},
		graph.Node{ID: "account:999988887777", Kind: graph.KindExternalAccount, Account: "999988887777"})
	var ids []string
	kindOf := map[string]graph.Kind{}
	for i := range resources {
		k := kinds[rng.IntN(len(kinds))]
		id := fmt.Sprintf("arn:aws:x:us-east-1:%s:%s/r%04d", acct, k, i)
		snap.Nodes = append(snap.Nodes, graph.Node{ID: id, Kind: k, Account: acct, Region: "us-east-1"})
		ids = append(ids, id)
		kindOf[id] = k
	}
	certainty := func() graph.Tri {
		return []graph.Tri{graph.True, graph.True, graph.True, graph.Unknown, graph.False}[rng.IntN(5)]
	}
	access := []graph.EdgeKind{graph.EdgeCanRead, graph.EdgeCanWrite, graph.EdgeCanInvoke, graph.EdgeCanAssume,
		graph.EdgeCanAdminister, graph.EdgeCanSend, graph.EdgeCanReceive}
	for _, start := range []string{"internet", "account:999988887777"} {
		for range resources / 8 {
			exp := policy.Public
			if start != "internet" {
				exp = policy.CrossAccount
			}
			snap.Edges = append(snap.Edges, graph.Edge{From: start, To: ids[rng.IntN(len(ids))], Kind: access[rng.IntN(len(access))],
				Via: graph.ViaBucketPolicy, Exposure: exp, Certainty: certainty()})
		}
	}
	for range edges {
		from, to := ids[rng.IntN(len(ids))], ids[rng.IntN(len(ids))]
		e := graph.Edge{From: from, To: to, Certainty: certainty()}
		switch kindOf[from] {
		case graph.KindKMSKey:
			e.Kind = graph.EdgeProtects
		case graph.KindECRRepository:
			e.Kind = graph.EdgeProvidesCode
		case graph.KindLambdaFunction:
			e.Kind = graph.EdgeExecutesAs
		case graph.KindRestAPIMethod:
			e.Kind = graph.EdgeIntegratesWith
		case graph.KindS3Bucket, graph.KindSQSQueue:
			e.Kind = graph.EdgeTriggers
		default:
			e.Kind, e.Via = access[rng.IntN(len(access))], graph.ViaIdentityPolicy
		}
		snap.Edges = append(snap.Edges, e)
	}
	return graph.Resolve(snap)
}

func TestTheBoundChangesNoPath(t *testing.T) {
	for seed := range uint64(12) {
		g := randomGraph(seed, 150+int(seed)*30, 900+int(seed)*200)
		want := find(g, nil, true)
		got := find(g, nil, false)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("seed %d: the bounded search found other paths than the exhaustive one (-exhaustive +bounded):\n%s", seed, diff)
		}
		if seed == 11 && len(want) < MaxPaths {
			t.Errorf("seed %d: %d paths, fewer than MaxPaths: the keeper's bar never took part", seed, len(want))
		}
	}
}

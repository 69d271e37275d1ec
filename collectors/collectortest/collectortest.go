// Package collectortest runs collectors against internal/fakeaws through the
// real SDK clients, for tests.
package collectortest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/exposure"
	"github.com/trustmap/trustmap/analyzers/paths"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/fakeaws"
)

// Scan holds the outcome of a test scan.
type Scan struct {
	Snapshot *graph.Snapshot
	Server   *fakeaws.Server
	Stats    *collectors.Stats
	Outcome  collectors.Outcome
	Err      error
}

// Options adjust a test scan.
type Options struct {
	Regions []string
	// Limits, when nil, disables client-side rate limiting.
	Limits *collectors.Limits
	// MaxAttempts per operation (0: the scanner's default).
	MaxAttempts int
	Context     context.Context
}

// Start serves the fixture on 127.0.0.1 for the duration of the test.
func Start(t testing.TB, fixture string) *fakeaws.Server {
	t.Helper()
	w, err := fakeaws.ParseFixture([]byte(fixture), t.Name()+".yaml")
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	srv := fakeaws.New(w, fakeaws.Options{})
	if err := srv.Start(); err != nil {
		t.Fatalf("starting fakeaws: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// Run serves the fixture and scans it with the given collectors, with the
// first account's first access key.
func Run(t testing.TB, fixture string, o Options, cs ...collectors.Collector) Scan {
	t.Helper()
	srv := Start(t, fixture)
	w, _ := fakeaws.ParseFixture([]byte(fixture), "fixture.yaml")
	key := "AKIATEST000000000001"
	if len(w.Accounts) > 0 && len(w.Accounts[0].AccessKeys) > 0 {
		key = w.Accounts[0].AccessKeys[0]
	}
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := collectors.LoadConfig(ctx, collectors.ConfigOptions{
		EndpointURL: srv.URL(),
		Credentials: credentials.NewStaticCredentialsProvider(key, "test-secret", ""),
		MaxAttempts: o.MaxAttempts,
		HTTPTimeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	acct, arn, err := collectors.Identify(ctx, cfg)
	if err != nil {
		t.Fatalf("identify: %v", err)
	}
	stats := &collectors.Stats{}
	b := graph.NewBuilder()
	r := &collectors.Runner{Collectors: cs, Regions: o.Regions, MaxConcurrency: 8, Limits: o.Limits, Stats: stats, PathStyle: true}
	out, runErr := r.Run(ctx, []collectors.Account{{ID: acct, CallerARN: arn, Config: cfg}}, b)
	snap := b.Freeze(graph.Tool{Name: "trustmap", Version: "test"}, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	snap.Complete = out.Complete
	snap.Incomplete = out.Reason
	return Scan{Snapshot: snap, Server: srv, Stats: stats, Outcome: out, Err: runErr}
}

// Node returns the snapshot node with the given id, failing the test when
// there is none.
func (s Scan) Node(t testing.TB, id string) graph.Node {
	t.Helper()
	for _, n := range s.Snapshot.Nodes {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("no node %s in the snapshot", id)
	return graph.Node{}
}

// Gaps returns the coverage gaps for one API.
func (s Scan) Gaps(api string) []graph.Gap {
	var out []graph.Gap
	for _, g := range s.Snapshot.Coverage {
		if g.API == api {
			out = append(out, g)
		}
	}
	return out
}

// Indent prefixes every non-empty line of s with pre, so a YAML section
// written at column 0 can be placed under an account in a fixture.
func Indent(s, pre string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pre + l
		}
	}
	return strings.Join(lines, "\n")
}

// Resolved resolves the scan's snapshot and runs every analyzer the
// exposure and paths analyzers need: its entry points, attack paths and
// the graph's notes, for tests that check verdicts end to end.
type Resolved struct {
	Graph       *graph.Graph
	EntryPoints []results.EntryPoint
	Paths       []results.AttackPath
}

// Resolve resolves the snapshot and runs the exposure and paths analyzers.
func (s Scan) Resolve(t testing.TB) Resolved {
	t.Helper()
	g := graph.Resolve(s.Snapshot)
	res, err := analyzers.Run(g, nil, []*analyzers.Analyzer{exposure.Analyzer, paths.Analyzer})
	if err != nil {
		t.Fatal(err)
	}
	return Resolved{Graph: g, EntryPoints: res.ResultOf[exposure.Analyzer].([]results.EntryPoint), Paths: res.ResultOf[paths.Analyzer].([]results.AttackPath)}
}

// EntryPoint returns the entry point into resource via a way in, or nil.
func (r Resolved) EntryPoint(resource string, via graph.Via) *results.EntryPoint {
	for i := range r.EntryPoints {
		if r.EntryPoints[i].ResourceARN == resource && r.EntryPoints[i].Via == via {
			return &r.EntryPoints[i]
		}
	}
	return nil
}

// Lines renders entry points as "EXPOSURE RESOURCE VIA PRINCIPALS" (and
// " uncertain" when it rests on an unknown fact), sorted, for comparisons.
func (r Resolved) Lines() []string {
	var out []string
	for _, ep := range r.EntryPoints {
		l := fmt.Sprintf("%s %s %s %s", ep.Exposure, ep.ResourceARN, ep.Via, strings.Join(ep.Principals, ","))
		if !ep.Certain {
			l += " uncertain"
		}
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// PathLines renders attack paths as "ZONE -EDGE-> NODE -EDGE-> ...", sorted.
func (r Resolved) PathLines() []string {
	var out []string
	for _, p := range r.Paths {
		l := string(p.FromZone)
		for _, st := range p.Steps {
			l += " -" + st.Edge.String() + "-> " + st.To
		}
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// Notes returns the graph's notes about one resource, as "KIND: DETAIL".
func (r Resolved) Notes(resource string) []string {
	var out []string
	for _, n := range r.Graph.Notes {
		if n.Resource == resource {
			out = append(out, string(n.Kind)+": "+n.Detail)
		}
	}
	return out
}

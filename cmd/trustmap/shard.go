package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// Sharded collection (issue 16). `collect --org --shard i/n --output-dir
// DIR` scans the accounts whose id hashes to i (FNV-1a of the id, mod n):
// the assignment depends on the id alone, so shards never overlap and
// together cover the organization even if they list it at different
// moments. Each finished account is written at once to
// DIR/accounts/<id>.json (the snapshot format), what belongs to no account
// to DIR/scan.json, and DIR/manifest.json says which shard this is, the
// organization's accounts, the ones this shard covered, and whether it
// finished. `merge` and `analyze DIR` read such directories back. DIR may
// be s3://BUCKET/PREFIX, the same parts as objects (partstore_s3.go).

// shardSpec is --shard: shard I of N (N 0: no sharding).
type shardSpec struct {
	I, N int
}

// shardEnv are the variables --shard auto/N reads the index from: a
// Kubernetes Indexed Job's and an AWS Batch array job's.
var shardEnv = []string{"JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"}

func parseShard(s string, getenv func(string) string) (shardSpec, error) {
	if s == "" {
		return shardSpec{}, nil
	}
	is, ns, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(ns)
	if !ok || err != nil || n < 1 {
		return shardSpec{}, usageErr("--shard %q: want I/N or auto/N with N at least 1", s)
	}
	if is == "auto" {
		is = ""
		for _, v := range shardEnv {
			if is = getenv(v); is != "" {
				break
			}
		}
		if is == "" {
			return shardSpec{}, usageErr("--shard auto/%d: neither %s is set", n, strings.Join(shardEnv, " nor "))
		}
	}
	i, err := strconv.Atoi(is)
	if err != nil || i < 0 || i >= n {
		return shardSpec{}, usageErr("--shard %q: the index must be 0 to %d", s, n-1)
	}
	return shardSpec{I: i, N: n}, nil
}

// shardOf is the shard an account belongs to among n.
func shardOf(account string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(account))
	return int(h.Sum32() % uint32(n))
}

// has says whether the account is this shard's.
func (s shardSpec) has(account string) bool { return s.N == 0 || shardOf(account, s.N) == s.I }

// manifest is DIR/manifest.json.
type manifest struct {
	Shard int `json:"shard"`
	// Shards is n; 1 for an unsharded directory.
	Shards int `json:"shards"`
	// OrgAccounts is every account of the organization (empty without --org).
	OrgAccounts []string `json:"organization_accounts,omitempty"`
	// Accounts are the accounts this shard wrote a part for.
	Accounts   []string `json:"accounts"`
	Complete   bool     `json:"complete"`
	Incomplete string   `json:"incomplete_reason,omitempty"`
	// Running marks the manifest a shard writes when it starts: the
	// location is not finished until the final manifest replaces it.
	Running bool `json:"running,omitempty"`
}

// partWriter writes each finished account of a scan to its location (a
// directory or an S3 prefix: partstore.go).
type partWriter struct {
	store  partStore
	tool   graph.Tool
	now    func() time.Time
	mu     sync.Mutex
	ids    []string
	failed []graph.Gap // accounts whose part could not be written
}

// newPartWriter starts a location. A rerun of a shard first replaces its
// manifest with a running one: until the final manifest is written, merge
// does not take the location as finished, so parts of two runs are never
// read as one. That first write also proves the location writable before
// the scan starts.
func newPartWriter(ctx context.Context, store partStore, shard shardSpec, now func() time.Time) (*partWriter, error) {
	w := &partWriter{store: store, tool: graph.Tool{Name: "trustmap", Version: toolVersion()}, now: now}
	m := manifest{Shard: shard.I, Shards: max(1, shard.N), Accounts: []string{}, Running: true,
		Incomplete: "the shard is running, or stopped before it finished"}
	if err := w.putManifest(ctx, m); err != nil {
		return nil, failErr("--output-dir: %v", err)
	}
	return w, nil
}

func (w *partWriter) putManifest(ctx context.Context, m manifest) error {
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return w.store.put(ctx, "manifest.json", append(raw, '\n'))
}

// sink is the runner's Sink: freeze the account's part, write it, forget
// it. A part that cannot be written is remembered: finish makes it a gap
// and the shard incomplete.
func (w *partWriter) sink(ctx context.Context, p collectors.Part) error {
	snap := p.Builder.Freeze(w.tool, w.now())
	snap.Complete, snap.Incomplete = p.Outcome.Complete, p.Outcome.Reason
	ctx, cancel := writeContext(ctx) // partstore.go
	defer cancel()
	err := putSnapshot(ctx, w.store, "accounts/"+p.Account+".json", snap)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.failed = append(w.failed, graph.Gap{Account: p.Account, Service: "*", API: "*", Status: graph.GapError,
			Error: fmt.Sprintf("account scanned, but its part could not be written: %v", err)})
		return err
	}
	w.ids = append(w.ids, p.Account)
	return nil
}

func putSnapshot(ctx context.Context, st partStore, name string, snap *graph.Snapshot) error {
	var buf bytes.Buffer
	if err := snap.Write(&buf); err != nil {
		return err
	}
	return st.put(ctx, name, buf.Bytes())
}

func writeSnapshotFile(path string, snap *graph.Snapshot) error {
	var buf bytes.Buffer
	if err := snap.Write(&buf); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

// finish writes the scan's own part and, last, the manifest. Accounts
// whose part could not be written are gaps of the scan's part, the shard
// is incomplete, and finish says so with an exit-code-3 error.
func (w *partWriter) finish(ctx context.Context, snap *graph.Snapshot, o *collectOptions) error {
	ctx, cancel := writeContext(ctx) // partstore.go
	defer cancel()
	w.mu.Lock()
	failed := slices.Clone(w.failed)
	m := manifest{Shard: o.shard.I, Shards: max(1, o.shard.N), Accounts: slices.Sorted(slices.Values(w.ids))}
	w.mu.Unlock()
	if len(failed) > 0 {
		snap.Coverage = append(snap.Coverage, failed...)
		snap.Complete, snap.Incomplete = false, fmt.Sprintf("could not write the parts of %d accounts", len(failed))
	}
	if err := putSnapshot(ctx, w.store, "scan.json", snap); err != nil {
		return failErr("writing %s: %v", w.store, err)
	}
	m.Complete, m.Incomplete = snap.Complete, snap.Incomplete
	for _, a := range o.members {
		m.OrgAccounts = append(m.OrgAccounts, a.ID)
	}
	if err := w.putManifest(ctx, m); err != nil {
		return failErr("writing %s: %v", w.store, err)
	}
	if len(failed) > 0 {
		var ids []string
		for _, g := range failed {
			ids = append(ids, g.Account)
		}
		return failErr("writing %s: the parts of accounts %s could not be written (%s); they are coverage gaps and the shard is incomplete", w.store, strings.Join(ids, ", "), failed[0].Error)
	}
	return nil
}

// readParts builds one snapshot from the locations of a sharded scan. It
// refuses a set with a missing, unfinished or duplicated shard, naming it,
// unless allowPartial, which leaves unfinished locations out and marks the
// snapshot incomplete with each missing shard's accounts as gaps.
func readParts(ctx context.Context, locs []partStore, allowPartial bool) (*graph.Snapshot, error) {
	var (
		ms         []manifest
		done       []partStore
		unfinished []string
		n          int
		seen       = map[int]string{}
		probs      []string
	)
	for _, st := range locs {
		m, err := readManifest(ctx, st)
		switch {
		case errors.Is(err, errNoPart) || (err == nil && m.Running):
			unfinished = append(unfinished, st.String())
			continue
		case err != nil:
			return nil, err
		}
		if n == 0 {
			n = m.Shards
		} else if m.Shards != n {
			return nil, usageErr("%s is shard %d/%d but %s is of %d shards: they are not one set", st, m.Shard, m.Shards, done[0], n)
		}
		if prev, dup := seen[m.Shard]; dup {
			return nil, usageErr("shard %d/%d is given twice: %s and %s", m.Shard, n, prev, st)
		}
		seen[m.Shard] = st.String()
		ms = append(ms, m)
		done = append(done, st)
	}
	if len(unfinished) > 0 && (!allowPartial || n == 0) {
		return nil, failErr("%s: no finished manifest.json (a shard still running or stopped before it finished, or not a collect --output-dir location): rerun it, or merge with --allow-partial", strings.Join(unfinished, ", "))
	}
	var missing []int
	for i := range n {
		if _, ok := seen[i]; !ok {
			missing = append(missing, i)
		}
	}
	b := graph.NewBuilder()
	calls := 0
	var scannedAt time.Time
	complete, reason := true, ""
	org := map[string]bool{}
	for i, st := range done {
		m := ms[i]
		for _, a := range m.OrgAccounts {
			org[a] = true
		}
		if !m.Complete {
			complete, reason = false, "shard "+strconv.Itoa(m.Shard)+" "+m.Incomplete
			probs = append(probs, fmt.Sprintf("shard %d/%d (%s) did not finish: %s", m.Shard, n, st, m.Incomplete))
		}
		names := []string{"scan.json"}
		for _, a := range m.Accounts {
			names = append(names, "accounts/"+a+".json")
		}
		for _, name := range names {
			snap, err := readPart(ctx, st, name)
			if err != nil {
				return nil, failErr("%v", err)
			}
			addSnapshot(b, snap)
			calls += snap.Calls
			if scannedAt.IsZero() || snap.ScannedAt.Before(scannedAt) {
				scannedAt = snap.ScannedAt
			}
		}
	}
	if len(missing) > 0 {
		names := make([]string, len(missing))
		for i, s := range missing {
			names[i] = fmt.Sprintf("%d/%d", s, n)
		}
		if !allowPartial {
			return nil, failErr("shard %s missing: rerun it, or merge with --allow-partial", strings.Join(names, ", "))
		}
		complete, reason = false, "missing shard "+strings.Join(names, ", ")
		for a := range org {
			if slices.Contains(missing, shardOf(a, n)) {
				b.AddGap(graph.Gap{Account: a, Service: "*", API: "*", Status: graph.GapError, Error: fmt.Sprintf("account not scanned: its shard %d/%d is missing from the merge", shardOf(a, n), n)})
			}
		}
	}
	if len(probs) > 0 && !allowPartial {
		return nil, failErr("%s: rerun it, or merge with --allow-partial", strings.Join(probs, "; "))
	}
	snap := b.Freeze(graph.Tool{Name: "trustmap", Version: toolVersion()}, scannedAt)
	snap.Complete, snap.Incomplete, snap.Calls = complete, reason, calls
	return snap, nil
}

// collectSpilled is collectSnapshot for scan --org: each finished account
// is written to a temporary directory (owner-only, removed at the end) and
// the snapshot is read back from it, so that memory during collection holds
// the accounts in flight, not the organization. The snapshot is the one
// collectSnapshot would return: the run's own outcome, time and calls.
func collectSpilled(ctx context.Context, e env, g *globalOptions, o *collectOptions) (*graph.Snapshot, error) {
	tmp, err := os.MkdirTemp("", "trustmap-parts-*")
	if err != nil {
		return nil, failErr("temporary directory for the accounts' parts: %v", err)
	}
	defer os.RemoveAll(tmp)
	st := dirStore{tmp}
	w, err := newPartWriter(ctx, st, shardSpec{}, e.now)
	if err != nil {
		return nil, err
	}
	o.sink = w.sink
	run, err := collectSnapshot(ctx, e, g, o)
	if err != nil {
		return nil, err
	}
	// Reading back must not stop at Ctrl-C: what was collected is
	// reported, incomplete.
	ctx = context.WithoutCancel(ctx)
	if err := w.finish(ctx, run, o); err != nil {
		return nil, err
	}
	snap, err := readParts(ctx, []partStore{st}, true)
	if err != nil {
		return nil, err
	}
	snap.ScannedAt, snap.Complete, snap.Incomplete = run.ScannedAt, run.Complete, run.Incomplete
	return snap, nil
}

// readManifest reads a location's manifest.json.
func readManifest(ctx context.Context, st partStore) (manifest, error) {
	var m manifest
	rc, err := st.open(ctx, "manifest.json")
	if err != nil {
		if errors.Is(err, errNoPart) {
			return m, err
		}
		return m, failErr("%s: %v", st, err)
	}
	defer rc.Close()
	if err := json.NewDecoder(rc).Decode(&m); err != nil || m.Shards < 1 || m.Shard < 0 || m.Shard >= m.Shards {
		return m, usageErr("%s: manifest.json is not a shard manifest", st)
	}
	return m, nil
}

// readPart reads one snapshot part of a location.
func readPart(ctx context.Context, st partStore, name string) (*graph.Snapshot, error) {
	rc, err := st.open(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %s listed in manifest.json but not readable: %w", st, name, err)
	}
	defer rc.Close()
	snap, err := graph.ReadSnapshot(rc)
	if err != nil {
		return nil, fmt.Errorf("%s/%s: %w", st, name, err)
	}
	return snap, nil
}

func readSnapshotFile(path string) (*graph.Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	snap, err := graph.ReadSnapshot(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return snap, nil
}

// addSnapshot adds every node, edge, gap and scope of snap to b, merged as
// the builder merges what collectors add.
func addSnapshot(b *graph.Builder, snap *graph.Snapshot) {
	for _, a := range snap.Accounts {
		b.AddScope(a, "")
	}
	for _, r := range snap.Regions {
		b.AddScope("", r)
	}
	for _, n := range snap.Nodes {
		b.AddNode(n)
	}
	for _, e := range snap.Edges {
		b.AddEdge(e)
	}
	for _, g := range snap.Coverage {
		b.AddGap(g)
	}
}

// isPartsLocation says whether an argument of analyze names the parts of
// a scan (a directory, an s3:// or a store: prefix) rather than a snapshot
// file.
func isPartsLocation(arg string) bool {
	if isS3Location(arg) || isStoreLocation(arg) {
		return true
	}
	fi, err := os.Stat(arg)
	return err == nil && fi.IsDir()
}

var errNoOutput = errors.New("collect needs -o FILE or --output-dir DIR|s3://BUCKET/PREFIX|store:PREFIX")

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
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
// finished. `merge` and `analyze DIR` read such directories back.

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
}

// partWriter writes each finished account of a scan to dir.
type partWriter struct {
	dir  string
	tool graph.Tool
	now  func() time.Time
	mu   sync.Mutex
	ids  []string
}

func newPartWriter(dir string, now func() time.Time) (*partWriter, error) {
	if err := os.MkdirAll(filepath.Join(dir, "accounts"), 0o755); err != nil {
		return nil, failErr("--output-dir: %v", err)
	}
	// A rerun of a shard replaces its manifest last: until then the
	// directory reads as not complete.
	_ = os.Remove(filepath.Join(dir, "manifest.json"))
	return &partWriter{dir: dir, tool: graph.Tool{Name: "trustmap", Version: toolVersion()}, now: now}, nil
}

// sink is the runner's Sink: freeze the account's part, write it, forget it.
func (w *partWriter) sink(_ context.Context, p collectors.Part) error {
	snap := p.Builder.Freeze(w.tool, w.now())
	snap.Complete, snap.Incomplete = p.Outcome.Complete, p.Outcome.Reason
	if err := writeSnapshotFile(filepath.Join(w.dir, "accounts", p.Account+".json"), snap); err != nil {
		return err
	}
	w.mu.Lock()
	w.ids = append(w.ids, p.Account)
	w.mu.Unlock()
	return nil
}

func writeSnapshotFile(path string, snap *graph.Snapshot) error {
	var buf bytes.Buffer
	if err := snap.Write(&buf); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

// finish writes the scan's own part and the manifest.
func (w *partWriter) finish(snap *graph.Snapshot, o *collectOptions) error {
	if err := writeSnapshotFile(filepath.Join(w.dir, "scan.json"), snap); err != nil {
		return failErr("writing %s: %v", w.dir, err)
	}
	m := manifest{Shard: o.shard.I, Shards: max(1, o.shard.N), Complete: snap.Complete, Incomplete: snap.Incomplete}
	for _, a := range o.members {
		m.OrgAccounts = append(m.OrgAccounts, a.ID)
	}
	w.mu.Lock()
	m.Accounts = slices.Sorted(slices.Values(w.ids))
	w.mu.Unlock()
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(w.dir, "manifest.json"), append(raw, '\n')); err != nil {
		return failErr("writing %s: %v", w.dir, err)
	}
	return nil
}

// readParts builds one snapshot from shard directories. It refuses a set
// with a missing or duplicated shard, naming it, unless allowPartial, which
// marks the snapshot incomplete with each missing account as a gap.
func readParts(dirs []string, allowPartial bool) (*graph.Snapshot, error) {
	var (
		ms    []manifest
		n     int
		seen  = map[int]string{}
		probs []string
	)
	for _, d := range dirs {
		raw, err := os.ReadFile(filepath.Join(d, "manifest.json"))
		if err != nil {
			return nil, usageErr("%s: no manifest.json (a shard that did not finish, or not a trustmap output directory): %v", d, err)
		}
		var m manifest
		if err := json.Unmarshal(raw, &m); err != nil || m.Shards < 1 || m.Shard < 0 || m.Shard >= m.Shards {
			return nil, usageErr("%s: manifest.json is not a shard manifest", d)
		}
		if n == 0 {
			n = m.Shards
		} else if m.Shards != n {
			return nil, usageErr("%s is shard %d/%d but %s is of %d shards: they are not one set", d, m.Shard, m.Shards, dirs[0], n)
		}
		if prev, dup := seen[m.Shard]; dup {
			return nil, usageErr("shard %d/%d is given twice: %s and %s", m.Shard, n, prev, d)
		}
		seen[m.Shard] = d
		ms = append(ms, m)
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
	for i, d := range dirs {
		m := ms[i]
		for _, a := range m.OrgAccounts {
			org[a] = true
		}
		if !m.Complete {
			complete, reason = false, "shard "+strconv.Itoa(m.Shard)+" "+m.Incomplete
			probs = append(probs, fmt.Sprintf("shard %d/%d (%s) did not finish: %s", m.Shard, n, d, m.Incomplete))
		}
		files := []string{filepath.Join(d, "scan.json")}
		for _, a := range m.Accounts {
			files = append(files, filepath.Join(d, "accounts", a+".json"))
		}
		for _, f := range files {
			snap, err := readSnapshotFile(f)
			if err != nil {
				return nil, usageErr("%v", err)
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

// isShardDir says whether path is a directory written by collect
// --output-dir.
func isShardDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

var errNoOutput = errors.New("collect needs -o FILE or --output-dir DIR")

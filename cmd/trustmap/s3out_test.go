package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/fakeaws"
)

// resultsBucket is the results bucket the tests' management account owns.
const resultsBucket = "trustmap-results"

// startOrgWithResults serves a generated organization whose management
// account owns resultsBucket, with the given faults.
func startOrgWithResults(t *testing.T, spec fakeaws.OrgSpec, faults ...fakeaws.Fault) *fakeaws.Server {
	t.Helper()
	return startOrgWithResultsOpts(t, spec, fakeaws.Options{Latency: -1}, faults...)
}

func startOrgWithResultsOpts(t *testing.T, spec fakeaws.OrgSpec, opts fakeaws.Options, faults ...fakeaws.Fault) *fakeaws.Server {
	t.Helper()
	w := fakeaws.GenerateOrganization(spec)
	for _, a := range w.Accounts {
		if a.ID == fakeaws.OrgManagementAccount {
			a.S3.Buckets = append(a.S3.Buckets, &fakeaws.Bucket{Name: resultsBucket, Region: "us-east-1"})
		}
	}
	w.Faults = append(w.Faults, faults...)
	return serveOrg(t, w, opts)
}

// collectShardsToS3 runs n shards of collect --org to s3://resultsBucket/prefix/{shard}.
func collectShardsToS3(t *testing.T, srv *fakeaws.Server, prefix string, n int, extra ...string) {
	t.Helper()
	for i := range n {
		args := append([]string{"collect", "--shard", fmt.Sprintf("%d/%d", i, n), "--output-dir", "s3://" + resultsBucket + "/" + prefix + "/{shard}", "--endpoint-url", srv.URL()}, orgScanArgs...)
		if code, _, stderr := runCLI(t, "", append(args, extra...)...); code != exitOK {
			t.Fatalf("shard %d/%d to S3: exit %d: %s", i, n, code, stderr)
		}
	}
}

func s3Loc(prefix string) string { return "s3://" + resultsBucket + "/" + prefix }

func TestShardsToS3GiveTheReportOfOneProcessAndOfDirectories(t *testing.T) {
	srv := startOrgWithResults(t, fakeaws.OrgSpec{Seed: 3, Members: 14, Resources: 12, Suspended: 1, Unassumable: 1})
	ep := []string{"--endpoint-url", srv.URL()}
	one := t.TempDir()
	if code, _, stderr := runCLI(t, "", append(append([]string{"scan", "--output-dir", one}, orgScanArgs...), ep...)...); code != exitOK {
		t.Fatalf("scan --org: exit %d: %s", code, stderr)
	}
	want := viewOf(t, one)
	if len(want.Accounts) != 13 || len(want.EntryPoints) == 0 {
		t.Fatalf("the whole-organization scan saw %d accounts and %d entry points; want 13 and some", len(want.Accounts), len(want.EntryPoints))
	}
	for _, n := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
			prefix := fmt.Sprintf("org%d", n)
			collectShardsToS3(t, srv, prefix, n)
			var m manifest
			raw, ok := srv.Object(resultsBucket, prefix+"/0/manifest.json")
			if err := json.Unmarshal(raw, &m); !ok || err != nil || m.Running || !m.Complete || m.Shards != n {
				t.Fatalf("shard 0's manifest object: %s (%v, %v)", raw, ok, err)
			}
			for _, a := range m.Accounts {
				if _, ok := srv.Object(resultsBucket, prefix+"/0/accounts/"+a+".json"); !ok {
					t.Errorf("the manifest lists %s, which has no object", a)
				}
			}

			// merge from the parent prefix: its shard prefixes are found by listing.
			merged := filepath.Join(t.TempDir(), "org.json")
			if code, _, stderr := runCLI(t, "", append([]string{"merge", "-o", merged, s3Loc(prefix)}, ep...)...); code != exitOK {
				t.Fatalf("merge %s: exit %d: %s", s3Loc(prefix), code, stderr)
			}
			out := t.TempDir()
			if code, _, stderr := runCLI(t, "", "analyze", "-q", "--output-dir", out, merged); code != exitOK {
				t.Fatalf("analyze: exit %d: %s", code, stderr)
			}
			if d := cmp.Diff(want, viewOf(t, out)); d != "" {
				t.Errorf("%d shards to S3 + merge differ from one process (-one +s3):\n%s", n, d)
			}

			// analyze the shard prefixes themselves, and the same shards in directories.
			var locs, dirs []string
			base := t.TempDir()
			for i := range n {
				locs = append(locs, s3Loc(fmt.Sprintf("%s/%d", prefix, i)))
				d := filepath.Join(base, fmt.Sprint(i))
				args := append(append([]string{"collect", "--shard", fmt.Sprintf("%d/%d", i, n), "--output-dir", d}, orgScanArgs...), ep...)
				if code, _, stderr := runCLI(t, "", args...); code != exitOK {
					t.Fatalf("shard %d/%d to a directory: exit %d: %s", i, n, code, stderr)
				}
				dirs = append(dirs, d)
			}
			fromS3, fromDirs := t.TempDir(), t.TempDir()
			if code, _, stderr := runCLI(t, "", append(append([]string{"analyze", "-q", "--output-dir", fromS3}, locs...), ep...)...); code != exitOK {
				t.Fatalf("analyze %v: exit %d: %s", locs, code, stderr)
			}
			if code, _, stderr := runCLI(t, "", append([]string{"analyze", "-q", "--output-dir", fromDirs}, dirs...)...); code != exitOK {
				t.Fatalf("analyze %v: exit %d: %s", dirs, code, stderr)
			}
			if d := cmp.Diff(viewOf(t, fromDirs), viewOf(t, fromS3)); d != "" {
				t.Errorf("analyze of the S3 prefixes differs from analyze of the directories (-dirs +s3):\n%s", d)
			}
		})
	}
}

func TestS3MergeRefusesMissingDuplicatedAndUnfinishedShardsUnlessPartialIsAllowed(t *testing.T) {
	srv := startOrgWithResults(t, fakeaws.OrgSpec{Seed: 5, Members: 8, Resources: 8})
	ep := []string{"--endpoint-url", srv.URL()}
	collectShardsToS3(t, srv, "set", 3)
	out := filepath.Join(t.TempDir(), "org.json")
	merge := func(args ...string) (int, string) {
		code, _, stderr := runCLI(t, "", append(append([]string{"merge", "-o", out}, args...), ep...)...)
		return code, stderr
	}

	if code, stderr := merge(s3Loc("set/0"), s3Loc("set/2")); code != exitFailed || !strings.Contains(stderr, "shard 1/3 missing") {
		t.Errorf("merge without shard 1: exit %d, stderr %q; want a failure naming shard 1/3", code, stderr)
	}
	if code, stderr := merge(s3Loc("set/0"), s3Loc("set/1"), s3Loc("set/1"), s3Loc("set/2")); code != exitUsage || !strings.Contains(stderr, "shard 1/3 is given twice") {
		t.Errorf("merge with shard 1 twice: exit %d, stderr %q; want a refusal naming shard 1/3", code, stderr)
	}
	var m1 manifest
	raw, _ := srv.Object(resultsBucket, "set/1/manifest.json")
	if err := json.Unmarshal(raw, &m1); err != nil || len(m1.Accounts) == 0 {
		t.Fatalf("shard 1's manifest: %s (%v)", raw, err)
	}

	// A rerun of shard 1 starts, and dies before it finishes: its
	// location's manifest is the running one.
	ctx := context.Background()
	ro := &resultsOptions{region: "us-east-1"}
	st, err := ro.openPartStore(ctx, s3Loc("set/1"), collectors.ConfigOptions{EndpointURL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newPartWriter(ctx, st, shardSpec{I: 1, N: 3}, fixedNow); err != nil {
		t.Fatal(err)
	}
	if code, stderr := merge(s3Loc("set")); code != exitFailed || !strings.Contains(stderr, s3Loc("set/1")+": no finished manifest.json") {
		t.Errorf("merge with shard 1 unfinished: exit %d, stderr %q; want a failure naming %s", code, stderr, s3Loc("set/1"))
	}
	if code, stderr := merge("--allow-partial", s3Loc("set")); code != exitOK {
		t.Fatalf("merge --allow-partial: exit %d: %s", code, stderr)
	}
	snap := partialMerge(t, out, "1/3")
	for _, a := range m1.Accounts {
		if !slices.ContainsFunc(snap.Coverage, func(g graph.Gap) bool { return g.Account == a && strings.Contains(g.Error, "shard 1/3 is missing") }) {
			t.Errorf("account %s of the unfinished shard is no coverage gap", a)
		}
		if slices.Contains(snap.Accounts, a) {
			t.Errorf("account %s of the unfinished shard reads as scanned", a)
		}
	}

	// A location with parts and no manifest at all (a shard killed before
	// its first write finished, or parts copied without it).
	part, _ := srv.Object(resultsBucket, "set/0/accounts/"+m1.OrgAccounts[0]+".json")
	gone := &s3Store{c: st.(*s3Store).c, bucket: resultsBucket, prefix: "gone/0", owner: fakeaws.OrgManagementAccount}
	if err := gone.put(ctx, "accounts/"+m1.OrgAccounts[0]+".json", part); err != nil {
		t.Fatal(err)
	}
	if code, stderr := merge(s3Loc("set/0"), s3Loc("gone/0")); code != exitFailed || !strings.Contains(stderr, s3Loc("gone/0")+": no finished manifest.json") {
		t.Errorf("merge with a location without manifest: exit %d, stderr %q; want a failure naming %s", code, stderr, s3Loc("gone/0"))
	}
}

func TestS3OutputThatCannotBeWrittenIsAClearFailureBeforeTheScan(t *testing.T) {
	srv := startOrgWithResults(t, fakeaws.OrgSpec{Seed: 9, Members: 4, Resources: 4},
		fakeaws.Fault{Service: "s3", API: "PutObject", Region: "us-east-1", Resource: resultsBucket, Error: fakeaws.ErrAccessDenied})
	t.Setenv("AWS_SECRET_ACCESS_KEY", secretScanKey)
	t.Setenv("AWS_SESSION_TOKEN", secretToken)
	cases := []struct {
		name  string
		extra []string
		want  []string
	}{
		{"a denied PutObject names the object, the call and the permission", nil,
			[]string{s3Loc("denied/0/manifest.json") + ": PutObject: AccessDenied", "s3:PutObject", "iam/trustmap-results.json"}},
		{"a bucket in another region names the region to pass", []string{"--results-region", "eu-west-1"},
			[]string{"PermanentRedirect", "pass --results-region us-east-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"-vv", "collect", "--shard", "0/2", "--output-dir", s3Loc("denied/{shard}"), "--endpoint-url", srv.URL()}, orgScanArgs[1:]...), tc.extra...)
			code, stdout, stderr := runCLI(t, "", args...)
			if code != exitFailed {
				t.Fatalf("exit %d, want %d: %s", code, exitFailed, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "scanning") {
				t.Errorf("the scan started although its output cannot be written:\n%s", stderr)
			}
			checkNoSecret(t, "stdout and stderr", stdout+stderr)
		})
	}
	if keys := srv.ObjectKeys(resultsBucket); len(keys) != 0 {
		t.Errorf("objects were written: %v", keys)
	}
}

func TestS3BucketOfAnotherOwnerIsRefused(t *testing.T) {
	srv := startOrgWithResults(t, fakeaws.OrgSpec{Seed: 9, Members: 2, Resources: 2})
	args := append([]string{"collect", "--shard", "0/1", "--output-dir", s3Loc("x"), "--endpoint-url", srv.URL(), "--results-bucket-owner", "111122223333"}, orgScanArgs...)
	code, _, stderr := runCLI(t, "", args...)
	if code != exitFailed || !strings.Contains(stderr, "AccessDenied") || !strings.Contains(stderr, "--results-bucket-owner") {
		t.Errorf("exit %d, stderr %q; want AccessDenied mentioning --results-bucket-owner", code, stderr)
	}
	if keys := srv.ObjectKeys(resultsBucket); len(keys) != 0 {
		t.Errorf("objects were written to a bucket whose owner is not the one expected: %v", keys)
	}
}

func TestS3ShardObjectsCarryNoSecrets(t *testing.T) {
	srv := startOrgWithResults(t, fakeaws.OrgSpec{Seed: 9, Members: 6, Resources: 30})
	t.Setenv("AWS_SECRET_ACCESS_KEY", secretScanKey)
	t.Setenv("AWS_SESSION_TOKEN", secretToken)
	for i := range 2 {
		args := append([]string{"-vv", "collect", "--shard", fmt.Sprintf("%d/2", i), "--output-dir", s3Loc("sec/{shard}"), "--endpoint-url", srv.URL()}, orgScanArgs[1:]...)
		code, stdout, stderr := runCLI(t, "", args...)
		if code != exitOK {
			t.Fatalf("shard %d: exit %d: %s", i, code, stderr)
		}
		checkNoSecret(t, "stdout and stderr", stdout+stderr)
	}
	keys := srv.ObjectKeys(resultsBucket)
	for _, k := range keys {
		data, _ := srv.Object(resultsBucket, k)
		checkNoSecret(t, k, string(data))
	}
	if len(keys) < 8 {
		t.Fatalf("%d objects: %v", len(keys), keys)
	}
}

// failingStore is a directory whose writes of one part fail.
type failingStore struct {
	dirStore
	fail string
}

func (f failingStore) put(ctx context.Context, name string, data []byte) error {
	if name == f.fail {
		return errors.New("AccessDenied: Access Denied")
	}
	return f.dirStore.put(ctx, name, data)
}

func TestAPartThatCannotBeWrittenIsAGapAndFailsTheShard(t *testing.T) {
	srv := startOrg(t, fakeaws.OrgSpec{Seed: 7, Members: 3, Resources: 4}, fakeaws.Options{Latency: -1})
	ctx := context.Background()
	lost := fakeaws.OrgMemberID(2)
	st := failingStore{dirStore{t.TempDir()}, "accounts/" + lost + ".json"}
	w, err := newPartWriter(ctx, st, shardSpec{}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	o := &collectOptions{org: true, endpointURL: srv.URL(), regions: []string{"us-east-1"}, services: []string{"s3"}, maxConcurrency: 8, maxAccounts: 4, sink: w.sink}
	var sink strings.Builder
	snap, err := collectSnapshot(ctx, env{stdout: io.Discard, stderr: &sink, now: fixedNow}, &globalOptions{quiet: true}, o)
	if err != nil {
		t.Fatal(err)
	}
	err = w.finish(ctx, snap, o)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitFailed || !strings.Contains(err.Error(), lost) {
		t.Fatalf("finish: %v; want an exit-code-3 error naming account %s", err, lost)
	}
	m, err := readManifest(ctx, st)
	if err != nil || m.Complete || m.Running || slices.Contains(m.Accounts, lost) || len(m.Accounts) != 3 {
		t.Errorf("manifest %+v (%v): want finished, incomplete, the other 3 accounts", m, err)
	}
	merged, err := readParts(ctx, []partStore{st.dirStore}, true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(merged.Coverage, func(g graph.Gap) bool { return g.Account == lost && strings.Contains(g.Error, "could not be written") }) {
		t.Errorf("account %s, whose part was lost, is no coverage gap", lost)
	}
}

func TestAShardToS3StoppedByItsTimeoutStillWritesWhatItCollected(t *testing.T) {
	srv := startOrgWithResultsOpts(t, fakeaws.OrgSpec{Seed: 4, Members: 12, Resources: 20}, fakeaws.Options{Latency: 15 * time.Millisecond})
	args := append([]string{"collect", "--shard", "0/1", "--timeout", "400ms", "--max-accounts", "2", "--output-dir", s3Loc("late"), "--endpoint-url", srv.URL()}, orgScanArgs...)
	code, _, stderr := runCLI(t, "", args...)
	if code != exitIncomplete {
		t.Fatalf("exit %d, want %d (incomplete): %s", code, exitIncomplete, stderr)
	}
	var m manifest
	raw, ok := srv.Object(resultsBucket, "late/manifest.json")
	if err := json.Unmarshal(raw, &m); !ok || err != nil || m.Running || m.Complete || m.Incomplete != "timed out" {
		t.Fatalf("manifest after the timeout: %s (%v, %v); want a final, incomplete one", raw, ok, err)
	}
	for _, a := range m.Accounts {
		if _, ok := srv.Object(resultsBucket, "late/accounts/"+a+".json"); !ok {
			t.Errorf("the manifest lists %s, which has no object", a)
		}
	}
	if _, ok := srv.Object(resultsBucket, "late/scan.json"); !ok {
		t.Error("no scan.json after the timeout")
	}
}

// partialMerge reads the snapshot merge --allow-partial wrote to out and
// checks that it is incomplete, naming the missing shard ("1/3").
func partialMerge(t *testing.T, out, shard string) *graph.Snapshot {
	t.Helper()
	snap, err := readSnapshotFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Complete || !strings.Contains(snap.Incomplete, shard) {
		t.Errorf("partial merge: complete %v (%q); want incomplete, naming shard %s", snap.Complete, snap.Incomplete, shard)
	}
	return snap
}

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/fakeaws"
	"github.com/trustmap/trustmap/report"
)

// startOrg serves a generated organization and points the SDK's default
// chain at its management account.
func startOrg(t *testing.T, spec fakeaws.OrgSpec, opts fakeaws.Options) *fakeaws.Server {
	t.Helper()
	return serveOrg(t, fakeaws.GenerateOrganization(spec), opts)
}

// serveOrg serves an organization's world and points the SDK's default
// chain at its management account.
func serveOrg(t *testing.T, w *fakeaws.World, opts fakeaws.Options) *fakeaws.Server {
	t.Helper()
	srv := fakeaws.New(w, opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", fakeaws.OrgManagementKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	return srv
}

// reportView is what must not depend on how the organization was
// collected: entry points, attack paths, threats, accounts and the gaps.
type reportView struct {
	Accounts    []string
	EntryPoints []string
	Paths       []string
	Threats     []string
	Gaps        []string
}

func viewOf(t *testing.T, dir string) reportView {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep report.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	v := reportView{Accounts: rep.Accounts}
	for _, ep := range rep.EntryPoints {
		raw, _ := json.Marshal(ep)
		v.EntryPoints = append(v.EntryPoints, string(raw))
	}
	for _, p := range rep.AttackPaths {
		raw, _ := json.Marshal(p)
		v.Paths = append(v.Paths, string(raw))
	}
	for _, th := range rep.Threats {
		raw, _ := json.Marshal(th)
		v.Threats = append(v.Threats, string(raw))
	}
	for _, c := range rep.Coverage {
		v.Gaps = append(v.Gaps, fmt.Sprintf("%s %s %s %s %s %s", c.Account, c.Service, c.Region, c.API, c.Resource, c.Status))
	}
	slices.Sort(v.Gaps)
	return v
}

var orgScanArgs = []string{"-q", "--org", "--regions", "us-east-1,eu-west-1", "--services", "s3,sqs,lambda,iam"}

func TestShardsAndMergeGiveTheReportOfOneProcessOverTheOrganization(t *testing.T) {
	srv := startOrg(t, fakeaws.OrgSpec{Seed: 3, Members: 14, Resources: 12, Suspended: 1, Unassumable: 1}, fakeaws.Options{Latency: -1})
	ep := []string{"--endpoint-url", srv.URL()}
	one := t.TempDir()
	if code, _, stderr := runCLI(t, "", append(append([]string{"scan", "--output-dir", one}, orgScanArgs...), ep...)...); code != exitOK {
		t.Fatalf("scan --org: exit %d: %s", code, stderr)
	}
	want := viewOf(t, one)
	if len(want.Accounts) != 13 || len(want.EntryPoints) == 0 {
		t.Fatalf("the whole-organization scan saw %d accounts and %d entry points; want 13 (management + 12 reachable members) and some", len(want.Accounts), len(want.EntryPoints))
	}
	for _, n := range []int{1, 3, 7} {
		t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
			base := t.TempDir()
			var dirs []string
			for i := range n {
				d := filepath.Join(base, fmt.Sprint(i))
				args := append(append([]string{"collect", "--shard", fmt.Sprintf("%d/%d", i, n), "--output-dir", d}, orgScanArgs...), ep...)
				if code, _, stderr := runCLI(t, "", args...); code != exitOK {
					t.Fatalf("shard %d/%d: exit %d: %s", i, n, code, stderr)
				}
				dirs = append(dirs, d)
			}
			merged := filepath.Join(base, "org.json")
			if code, _, stderr := runCLI(t, "", append([]string{"merge", "-o", merged}, dirs...)...); code != exitOK {
				t.Fatalf("merge: exit %d: %s", code, stderr)
			}
			out := t.TempDir()
			if code, _, stderr := runCLI(t, "", "analyze", "-q", "--output-dir", out, merged); code != exitOK {
				t.Fatalf("analyze: exit %d: %s", code, stderr)
			}
			if d := cmp.Diff(want, viewOf(t, out)); d != "" {
				t.Errorf("%d shards + merge differ from one process (-one +shards):\n%s", n, d)
			}
		})
	}
}

func TestMergeRefusesAMissingOrDuplicatedShardUnlessPartialIsAllowed(t *testing.T) {
	srv := startOrg(t, fakeaws.OrgSpec{Seed: 5, Members: 8, Resources: 8}, fakeaws.Options{Latency: -1})
	base := t.TempDir()
	var dirs []string
	for i := range 3 {
		d := filepath.Join(base, fmt.Sprint(i))
		t.Setenv("JOB_COMPLETION_INDEX", fmt.Sprint(i)) // --shard auto/3, as in a Kubernetes Indexed Job
		args := append([]string{"collect", "--shard", "auto/3", "--output-dir", d, "--endpoint-url", srv.URL()}, orgScanArgs...)
		if code, _, stderr := runCLI(t, "", args...); code != exitOK {
			t.Fatalf("shard %d: exit %d: %s", i, code, stderr)
		}
		dirs = append(dirs, d)
	}
	out := filepath.Join(base, "org.json")
	code, _, stderr := runCLI(t, "", "merge", "-o", out, dirs[0], dirs[2])
	if code != exitFailed || !strings.Contains(stderr, "shard 1/3 missing") {
		t.Errorf("merge without shard 1: exit %d, stderr %q; want a failure naming shard 1/3", code, stderr)
	}
	code, _, stderr = runCLI(t, "", "merge", "-o", out, dirs[0], dirs[1], dirs[1], dirs[2])
	if code != exitUsage || !strings.Contains(stderr, "shard 1/3 is given twice") {
		t.Errorf("merge with shard 1 twice: exit %d, stderr %q; want a refusal naming shard 1/3", code, stderr)
	}
	code, _, stderr = runCLI(t, "", "merge", "--allow-partial", "-o", out, dirs[0], dirs[2])
	if code != exitOK {
		t.Fatalf("merge --allow-partial: exit %d: %s", code, stderr)
	}
	snap, err := readSnapshotFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	raw, _ := os.ReadFile(filepath.Join(dirs[1], "manifest.json"))
	if err := json.Unmarshal(raw, &m); err != nil || len(m.Accounts) == 0 {
		t.Fatalf("shard 1's manifest: %s (%v)", raw, err)
	}
	if snap.Complete || !strings.Contains(snap.Incomplete, "1/3") {
		t.Errorf("partial merge: complete %v (%q); want incomplete, naming shard 1/3", snap.Complete, snap.Incomplete)
	}
	for _, a := range m.Accounts {
		found := slices.ContainsFunc(snap.Coverage, func(g graph.Gap) bool { return g.Account == a && strings.Contains(g.Error, "shard 1/3 is missing") })
		if !found {
			t.Errorf("account %s of the missing shard is no coverage gap", a)
		}
		if slices.Contains(snap.Accounts, a) {
			t.Errorf("account %s of the missing shard reads as scanned", a)
		}
	}
}

func TestShardsNeverOverlapAndCoverEveryAccount(t *testing.T) {
	for _, n := range []int{1, 3, 7, 64} {
		seen := map[string]int{}
		for i := range n {
			for a := 1; a <= 500; a++ {
				if (shardSpec{I: i, N: n}).has(fakeaws.OrgMemberID(a)) {
					seen[fakeaws.OrgMemberID(a)]++
				}
			}
		}
		for a := 1; a <= 500; a++ {
			if seen[fakeaws.OrgMemberID(a)] != 1 {
				t.Fatalf("%d shards: account %s is in %d shards", n, fakeaws.OrgMemberID(a), seen[fakeaws.OrgMemberID(a)])
			}
		}
	}
	for _, bad := range []string{"3/3", "-1/3", "1/0", "x/2", "auto/2"} {
		if _, err := parseShard(bad, func(string) string { return "" }); err == nil {
			t.Errorf("--shard %s accepted", bad)
		}
	}
	if s, err := parseShard("auto/4", func(k string) string { return map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "3"}[k] }); err != nil || s != (shardSpec{3, 4}) {
		t.Errorf("auto/4 with AWS_BATCH_JOB_ARRAY_INDEX=3: %v, %v", s, err)
	}
}

func TestShardFilesCarryNoSecrets(t *testing.T) {
	srv := startOrg(t, fakeaws.OrgSpec{Seed: 9, Members: 6, Resources: 30}, fakeaws.Options{Latency: -1})
	t.Setenv("AWS_SECRET_ACCESS_KEY", secretScanKey)
	t.Setenv("AWS_SESSION_TOKEN", secretToken)
	base := t.TempDir()
	var dirs []string
	for i := range 2 {
		d := filepath.Join(base, fmt.Sprint(i))
		args := append([]string{"-vv", "collect", "--shard", fmt.Sprintf("%d/2", i), "--output-dir", d, "--endpoint-url", srv.URL()}, orgScanArgs[1:]...)
		code, stdout, stderr := runCLI(t, "", args...)
		if code != exitOK {
			t.Fatalf("shard %d: exit %d: %s", i, code, stderr)
		}
		checkNoSecret(t, "stdout and stderr", stdout+stderr)
		dirs = append(dirs, d)
	}
	if code, _, stderr := runCLI(t, "", append([]string{"merge", "-o", filepath.Join(base, "org.json")}, dirs...)...); code != exitOK {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	files := 0
	err := filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		files++
		checkNoSecret(t, path, string(data))
		return err
	})
	if err != nil || files < 8 {
		t.Fatalf("walked %d files: %v", files, err)
	}
}

// checkNoSecret fails on the planted environment values, the scanner's
// secret and session token, and the session tokens the fake's AssumeRole
// hands out (they begin FwoGZXIvYXdzE).
func checkNoSecret(t *testing.T, where, s string) {
	t.Helper()
	for _, secret := range []string{fakeaws.OrgSecretPrefix, secretScanKey, secretToken, "FwoGZXIvYXdzE"} {
		if strings.Contains(s, secret) {
			t.Errorf("%s holds a secret (%.12s…)", where, secret)
		}
	}
}

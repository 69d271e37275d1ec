package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// hostileNames are what an account can hold where trustmap takes names
// from: path traversal, separators, a NUL, markup, a very long name.
var hostileNames = []string{
	"../../../../tmp/trustmap-escape",
	"/etc/trustmap-escape",
	"a/b/../../c",
	"nul\x00byte",
	`<script>alert("x")</script>`,
	"..",
	strings.Repeat("long-name-", 500),
}

func hostileFixture() string {
	q := func(s string) string { // a YAML double-quoted scalar
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\x00", `\0`).Replace(s) + `"`
	}
	var b strings.Builder
	b.WriteString(`
accounts:
  - id: "123456789012"
    access_keys: [AKIAHOSTILE000000001]
    regions: [us-east-1]
    apigateway:
      rest_apis:
`)
	ids := []string{"h0stile001", "h0stile002", "h0stile003", "h0stile004", "h0stile005", "h0stile006", "h0stile007"}
	for i, name := range hostileNames {
		b.WriteString(`        - id: ` + ids[i] + `
          region: us-east-1
          name: ` + q(name) + `
          endpoint_types: [REGIONAL]
          resources:
            - {id: r00t00000` + string(rune('0'+i)) + `, path: /}
            - id: res000000` + string(rune('0'+i)) + `
              parent_id: r00t00000` + string(rune('0'+i)) + `
              path_part: ` + q(name) + `
              path: ` + q("/"+name) + `
              methods:
                GET: {authorization_type: NONE, integration: {type: HTTP_PROXY, http_method: GET, uri: ` + q("https://backend.example.com/"+name) + `}}
          stages:
            - {name: prod, deployment_id: d1}
`)
	}
	b.WriteString("    apigatewayv2:\n      apis:\n")
	for i, name := range hostileNames {
		b.WriteString(`        - id: v2hostil0` + string(rune('0'+i)) + `
          region: us-east-1
          name: ` + q(name) + `
          protocol_type: HTTP
          routes: [{id: rt1, route_key: ` + q("GET /"+name) + `, authorization_type: NONE, target: integrations/i1}]
          integrations: [{id: i1, type: HTTP_PROXY, uri: ` + q("https://backend.example.com/"+name) + `, method: GET, payload_format_version: "1.0"}]
          stages: [{name: $default, auto_deploy: true}]
`)
	}
	b.WriteString("    iam:\n      roles:\n")
	for i, name := range hostileNames[:3] {
		b.WriteString(`        - name: hostile-` + string(rune('a'+i)) + `
          path: ` + q("/"+strings.Trim(name, "/")+"/") + `
          id: AROAHOSTILE00000000` + string(rune('1'+i)) + `
          description: ` + q(name) + `
          trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:root"}, Action: sts:AssumeRole}]}
`)
	}
	return b.String()
}

// listTree returns every path under root, relative, sorted.
func listTree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if rel != "." {
			out = append(out, rel)
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func TestNamesFromTheAccountNeverChooseWhereFilesGo(t *testing.T) {
	srv, _ := serveFixture(t, hostileFixture(), fakeaws.Options{})
	useCredentials(t, "AKIAHOSTILE000000001", "test-secret", "")
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	cwd, _ := os.Getwd()
	cwdBefore := listTree(t, cwd)
	tmpBefore, _ := filepath.Glob("/tmp/trustmap-escape*")

	code, _, stderr := runCLI(t, "", "scan", "-q", "--endpoint-url", srv.URL(), "--regions", "us-east-1",
		"--format", strings.Join(formatNames(), ","), "--output-dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := []string{"snapshot.json"}
	for _, f := range formats {
		want = append(want, f.file)
	}
	slices.Sort(want)
	if got := listTree(t, dir); !slices.Equal(got, want) {
		t.Errorf("the output directory holds %q, want exactly %q", got, want)
	}
	if got := listTree(t, parent); !slices.Equal(got, append([]string{"out"}, prefixAll("out/", want)...)) {
		t.Errorf("something was written beside the output directory: %q", got)
	}
	if got := listTree(t, cwd); !slices.Equal(got, cwdBefore) {
		t.Errorf("the working directory changed during the scan")
	}
	if tmpAfter, _ := filepath.Glob("/tmp/trustmap-escape*"); len(tmpAfter) != len(tmpBefore) {
		t.Errorf("a file appeared at %v", tmpAfter)
	}
	// The names did reach the report (as data), so the test exercised them.
	rep, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rep), `../../../../tmp/trustmap-escape`) {
		t.Errorf("report.json does not mention the hostile names; the test did not exercise them")
	}
	// In HTML, markup from the account is text, never markup.
	if html, err := os.ReadFile(filepath.Join(dir, "report.html")); err == nil && strings.Contains(string(html), `<script>alert("x")</script>`) {
		t.Errorf("report.html holds the account's <script> unescaped")
	}
}

func prefixAll(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}

func TestEveryFormatWritesAFixedPlainFileName(t *testing.T) {
	seen := map[string]bool{"snapshot.json": true}
	for _, f := range formats {
		if f.file == "" || f.file != filepath.Base(f.file) || strings.ContainsAny(f.file, `/\`+"\x00") || strings.HasPrefix(f.file, ".") {
			t.Errorf("format %s writes %q: a report file name must be a fixed plain name", f.name, f.file)
		}
		if seen[f.file] {
			t.Errorf("format %s writes %q, which another output also writes", f.name, f.file)
		}
		seen[f.file] = true
	}
}

func TestEveryOutputIsOwnerOnlyAndReplacedWhole(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX permissions")
	}
	// A permissive umask must not loosen the files.
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Files from an earlier run, world-readable: each must be replaced by
	// a new file (a rename), not rewritten in place.
	stale := map[string]os.FileInfo{}
	for _, f := range append([]string{"snapshot.json"}, fileNames()...) {
		p := filepath.Join(dir, f)
		if err := os.WriteFile(p, []byte("stale"), 0o644); err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(p)
		stale[f] = st
	}
	code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--format", strings.Join(formatNames(), ","), "--output-dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range append([]string{"snapshot.json"}, fileNames()...) {
		p := filepath.Join(dir, f)
		st, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600: reports describe how to get into the account", f, st.Mode().Perm())
		}
		if os.SameFile(st, stale[f]) {
			t.Errorf("%s was rewritten in place; a reader could see it half-written", f)
		}
		if data, _ := os.ReadFile(p); string(data) == "stale" || len(data) == 0 {
			t.Errorf("%s was not written", f)
		}
	}
	if left := listTree(t, dir); len(left) != len(fileNames())+1 {
		t.Errorf("temporary files left behind: %q", left)
	}
	// A new output directory is owner-only too.
	fresh := filepath.Join(t.TempDir(), "fresh")
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", fresh); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if st, err := os.Stat(fresh); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("the new output directory has mode %v (%v), want 0700", st.Mode().Perm(), err)
	}
}

func fileNames() []string {
	var out []string
	for _, f := range formats {
		out = append(out, f.file)
	}
	return out
}

func TestAFailedWriteLeavesThePreviousReportWholeAndNoTemporaryFile(t *testing.T) {
	t.Run("the rename fails", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "report.json")
		// A directory where the report goes: the final rename fails.
		if err := os.MkdirAll(filepath.Join(p, "previous"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := writeFileAtomic(p, []byte("new")); err == nil {
			t.Fatal("replacing a non-empty directory succeeded")
		}
		if got := listTree(t, dir); !slices.Equal(got, []string{"report.json", "report.json/previous"}) {
			t.Errorf("after the failed write the directory holds %q", got)
		}
	})
	t.Run("the directory is read-only", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root ignores directory permissions")
		}
		dir := t.TempDir()
		p := filepath.Join(dir, "report.json")
		if err := os.WriteFile(p, []byte("previous"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o700)
		if err := writeFileAtomic(p, []byte("new")); err == nil {
			t.Fatal("writing into a read-only directory succeeded")
		}
		if data, _ := os.ReadFile(p); string(data) != "previous" {
			t.Errorf("the previous report became %q", data)
		}
	})
}

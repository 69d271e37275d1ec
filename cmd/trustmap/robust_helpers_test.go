package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/fakeaws"
	"github.com/trustmap/trustmap/report"
)

// serveFixture serves a fixture file (or inline YAML when path holds a
// newline) on 127.0.0.1 for the test.
func serveFixture(t *testing.T, path string, opts fakeaws.Options) (*fakeaws.Server, *fakeaws.World) {
	t.Helper()
	var w *fakeaws.World
	var err error
	if strings.Contains(path, "\n") {
		w, err = fakeaws.ParseFixture([]byte(path), t.Name()+".yaml")
	} else {
		w, err = fakeaws.LoadFixture(path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	srv := fakeaws.New(w, opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, w
}

// useCredentials points the SDK's default chain at these static
// credentials only (no profile, no IMDS).
func useCredentials(t *testing.T, key, secret, token string) {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", key)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", token)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", "")
}

// runCLICtx runs the CLI in-process with ctx (runCLI uses Background).
func runCLICtx(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errb syncBuffer
	e := env{stdout: &out, stderr: &errb, now: fixedNow, getenv: testGetenv(t)}
	code := runRoot(ctx, newRootCmd(e), args, e)
	return code, out.String(), errb.String()
}

// syncBuffer is a bytes.Buffer safe for the progress and log writers that
// share stderr.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func loadReportFile(t *testing.T, dir string) *report.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := report.Validate(data); err != nil {
		t.Errorf("report.json does not match its schema: %v", err)
	}
	var rep report.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

func readSnapshot(t *testing.T, path string) *graph.Snapshot {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := graph.ReadSnapshot(f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

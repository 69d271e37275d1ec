package graph

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// sampleSnapshot is a small snapshot with every part filled in.
func sampleSnapshot() *Snapshot {
	b := NewBuilder()
	b.AddScope("123456789012", "us-east-1")
	b.AddNode(Node{ID: "arn:aws:s3:::b1", Kind: KindS3Bucket, Name: "b1", Account: "123456789012", Region: "us-east-1",
		Attrs: &S3Bucket{Policy: Present(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b1/*"}]}`, "s3:GetBucketPolicy"),
			ACL: ACL{State: True}, OwnershipKnown: True, NotificationsKnown: True}})
	b.AddNode(Node{ID: "arn:aws:lambda:us-east-1:123456789012:function:f", Kind: KindLambdaFunction, Name: "f", Account: "123456789012", Region: "us-east-1",
		Attrs: &LambdaFunction{Runtime: "python3.12", EnvVarNames: []string{"A", "B"}, Policy: Hidden("lambda:GetPolicy")}})
	b.AddEdge(Edge{From: "arn:aws:s3:::b1", To: "arn:aws:lambda:us-east-1:123456789012:function:f", Kind: EdgeTriggers, Via: ViaS3Notification, Certainty: True})
	b.AddGap(Gap{Account: "123456789012", Service: "lambda", Region: "us-east-1", API: "GetPolicy", Resource: "f", Status: GapDenied, Error: "AccessDenied"})
	s := b.Freeze(Tool{Name: "trustmap", Version: "test"}, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	s.Complete = true
	s.Calls = 12
	return s
}

// readSnapshotReference is ReadSnapshot as it was before it streamed: the
// whole input in memory, decoded twice. The streaming reader must agree
// with it on every input it accepts.
func readSnapshotReference(raw []byte) (*Snapshot, error) {
	var probe struct {
		SchemaVersion *int `json:"schema_version"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, err
	}
	if probe.SchemaVersion == nil || !readableVersion(*probe.SchemaVersion) {
		return nil, errors.New("version")
	}
	var s Snapshot
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

func TestReadSnapshotReadsWhatWriteWrites(t *testing.T) {
	want := sampleSnapshot()
	var buf bytes.Buffer
	if err := want.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSnapshot(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestReadSnapshotAgreesWithJSONUnmarshal(t *testing.T) {
	cases := map[string]string{
		"fields in another order":            `{"nodes":[{"id":"a","kind":"S3Bucket"}],"schema_version":1,"complete":true}`,
		"unknown fields are ignored":         `{"schema_version":1,"future":{"x":[1,2,{"y":null}]},"nodes":[],"extra":"z"}`,
		"null arrays":                        `{"schema_version":1,"nodes":null,"edges":null,"coverage":null,"accounts":null}`,
		"keys in another case":               `{"Schema_Version":1,"NODES":[{"id":"a"}],"Complete":true}`,
		"null elements":                      `{"schema_version":1,"nodes":[null,{"id":"b"}]}`,
		"a key repeated: the last one wins":  `{"schema_version":1,"nodes":[{"id":"a"}],"nodes":[{"id":"b"},{"id":"c"}]}`,
		"whitespace everywhere":              " \n{ \"schema_version\" : 1 ,\n\t\"regions\" : [ \"us-east-1\" ] }\n\n",
		"the sample snapshot, compact":       mustCompact(sampleSnapshot()),
		"a Unicode key folding to a field":   `{"ſchema_version":1,"nodes":[{"id":"k"}]}`,
		"an empty object after the version":  `{"schema_version":1,"tool":{}}`,
		"a gap and an edge with every field": `{"schema_version":1,"edges":[{"from":"a","to":"b","kind":"triggers"}],"coverage":[{"service":"s3","api":"*","status":"denied"}]}`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			want, werr := readSnapshotReference([]byte(in))
			got, err := ReadSnapshot(strings.NewReader(in))
			if (werr == nil) != (err == nil) {
				t.Fatalf("reference error %v, streaming error %v", werr, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-reference +streaming):\n%s", diff)
			}
		})
	}
}

func mustCompact(s *Snapshot) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestAMalformedSnapshotIsOneLineNamingThePosition(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"a syntax error between nodes", "{\"schema_version\": 1,\n \"nodes\": [{\"id\": \"a\"}, }", "line 2, column 25: invalid character '}'"},
		{"a number where a node goes", "{\"schema_version\": 1,\n \"nodes\": [1]}", "line 2, column 13: json: cannot unmarshal number"},
		{"a syntax error inside a node", "{\"schema_version\": 1,\n \"nodes\": [\n  {\"id\": \"a\"},\n  {\"id\": x}]}", "line 4, column 10: invalid character 'x'"},
		{"a wrong type inside a node", "{\"schema_version\": 1,\n \"nodes\": [\n  {\"id\": \"a\", \"kind\": 5}]}", "line 3, column"},
		{"a cut-short file", "{\"schema_version\": 1,\n \"nodes\": [{\"id\": \"a\"", "line 2, column 22: unexpected end of input (the file is cut short)"},
		{"an empty file", "", "unexpected end of input"},
		{"not an object", "[1,2]", "line 1, column 1: not a JSON object"},
		{"data after the snapshot", "{\"schema_version\": 1}\n{}", "line 2, column 1: data after the snapshot"},
		{"nodes that are not an array", "{\"schema_version\": 1, \"nodes\": {\"id\": \"a\"}}", "line 1, column 32: want an array"},
		{"no schema version", `{"nodes": []}`, "no schema_version: not a trustmap snapshot"},
		{"another schema version", `{"schema_version": 3, "nodes": [{"id": 1}]}`, "schema_version 3, this trustmap reads 1 to 2"},
		{"a schema version that is not a number", "{\n\"schema_version\": \"1\"}", "line 2, column"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadSnapshot(strings.NewReader(tc.in))
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "snapshot: ") || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line containing %q", msg, tc.want)
			}
		})
	}
}

func TestErrorPositionsStayRightDeepIntoALargeFile(t *testing.T) {
	// 3 MB of nodes, one per line, then a broken one: the position is
	// counted across the reads the decoder made, not within its buffer.
	var b strings.Builder
	b.WriteString("{\"schema_version\": 1,\n\"nodes\": [\n")
	lines := 2
	for i := 0; b.Len() < 3<<20; i++ {
		fmt.Fprintf(&b, "{\"id\": \"arn:aws:s3:::bucket-%07d\", \"kind\": \"S3Bucket\", \"name\": \"bucket-%07d\"},\n", i, i)
		lines++
	}
	b.WriteString("{\"id\": \"bad\", \"kind\": ]}")
	_, err := ReadSnapshot(strings.NewReader(b.String()))
	want := fmt.Sprintf("line %d, column 23: invalid character ']'", lines+1)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}

func TestASnapshotBeyondTheLimitIsRefusedWithoutReadingIt(t *testing.T) {
	var buf bytes.Buffer
	if err := sampleSnapshot().Write(&buf); err != nil {
		t.Fatal(err)
	}
	n := int64(buf.Len())
	if _, err := ReadSnapshotLimit(bytes.NewReader(buf.Bytes()), n); err != nil {
		t.Fatalf("a snapshot of exactly the limit: %v", err)
	}
	// An endless stream: the reader must stop at the limit.
	endless := io.MultiReader(strings.NewReader(`{"schema_version":1,"nodes":[`), repeatReader(`{"id":"x"},`))
	_, err := ReadSnapshotLimit(endless, 1<<20)
	var tl *SnapshotTooLargeError
	if !errors.As(err, &tl) || err.Error() != "snapshot: larger than the 1 MiB maximum for a snapshot" {
		t.Errorf("error %v, want the limit", err)
	}
	if MaxSnapshotBytes != 512<<20 {
		t.Errorf("MaxSnapshotBytes = %d; the documented maximum (docs/SECURITY.md) is 512 MiB", MaxSnapshotBytes)
	}
}

type repeater struct {
	s string
	i int
}

func repeatReader(s string) io.Reader { return &repeater{s: s} }

func (r *repeater) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k := copy(p[n:], r.s[r.i:])
		n += k
		r.i = (r.i + k) % len(r.s)
	}
	return n, nil
}

// writeBigSnapshot writes a snapshot of at least size bytes to path,
// streaming, and returns the number of nodes.
func writeBigSnapshot(t *testing.T, path string, size int64) int {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "{\n  \"schema_version\": 1,\n  \"tool\": {\"name\": \"trustmap\", \"version\": \"test\"},\n  \"scanned_at\": \"2026-01-02T03:04:05Z\",\n  \"complete\": true,\n  \"accounts\": [\"123456789012\"],\n  \"regions\": [\"us-east-1\"],\n  \"nodes\": [\n")
	written, n := int64(200), 0
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}`
	for written < size {
		node := Node{ID: fmt.Sprintf("arn:aws:s3:::bucket-%08d", n), Kind: KindS3Bucket, Name: fmt.Sprintf("bucket-%08d", n),
			Account: "123456789012", Region: "us-east-1",
			Attrs: &S3Bucket{Policy: Present(policy, "s3:GetBucketPolicy"), ACL: ACL{State: True, OwnerID: strings.Repeat("ab", 32)},
				OwnershipKnown: True, NotificationsKnown: True}}
		b, err := json.MarshalIndent(node, "    ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			w.WriteString(",\n")
		}
		w.WriteString("    ")
		w.Write(b)
		written += int64(len(b)) + 6
		n++
	}
	fmt.Fprint(w, "\n  ],\n  \"edges\": [],\n  \"coverage\": []\n}\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return n
}

// peakHeap samples the heap while f runs and returns the highest value
// seen above the heap in use before.
func peakHeap(f func()) (peak, after uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var max atomic.Uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > max.Load() {
					max.Store(ms.HeapAlloc)
				}
			}
		}
	}()
	f()
	close(done)
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return max.Load() - min(base, max.Load()), ms.HeapAlloc - min(base, ms.HeapAlloc)
}

func TestA100MBSnapshotIsReadInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a 100 MB snapshot")
	}
	path := filepath.Join(t.TempDir(), "big.json")
	nodes := writeBigSnapshot(t, path, 100<<20)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// A tight GC target, so that the peak shows what the reader keeps, not
	// how much garbage the collector lets pile up before it runs.
	defer debug.SetGCPercent(debug.SetGCPercent(10))

	var snap *Snapshot
	start := time.Now()
	peak, live := peakHeap(func() {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		snap, err = ReadSnapshot(f)
		if err != nil {
			t.Fatal(err)
		}
	})
	elapsed := time.Since(start)
	if len(snap.Nodes) != nodes || snap.Nodes[nodes-1].Bucket().Policy.State != True {
		t.Fatalf("read %d nodes, want %d", len(snap.Nodes), nodes)
	}
	snap = nil
	refPeak, _ := peakHeap(func() {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := readSnapshotReference(raw); err != nil {
			t.Fatal(err)
		}
	})
	over := int64(peak) - int64(live)
	t.Logf("%d MB, %d nodes: read in %s; heap peak %d MB = decoded snapshot %d MB + %d MB; the whole-file reader peaked at %d MB",
		st.Size()>>20, nodes, elapsed.Round(time.Millisecond), peak>>20, live>>20, over>>20, refPeak>>20)
	// The decoded snapshot is live; beyond it the reader holds one node's
	// JSON and a window of 1–2 MiB, never the file. What the peak shows
	// beyond the snapshot is the node slice growing (old and new arrays
	// alive at once: at most one more array of Nodes, which grows with
	// the node count, not with the file) and the collector's headroom:
	// measured 26 MB when a node still had 20 attribute pointers, against
	// 100+ MB for any reader that holds the file.
	if limit := st.Size()/4 + int64(nodes)*int64(unsafe.Sizeof(Node{})); over > limit {
		t.Errorf("the heap peaked %d MB above the decoded snapshot for a %d MB file: the reader holds the file", over>>20, st.Size()>>20)
	}
}

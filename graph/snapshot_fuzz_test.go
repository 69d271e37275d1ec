package graph

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// repeatedVersion finds inputs that give schema_version twice (in any
// case): the streaming reader refuses a wrong version as soon as it reads
// it, where json.Unmarshal keeps the last one.
var repeatedVersion = regexp.MustCompile(`(?is)schema_version.*schema_version`)

// FuzzReadSnapshot feeds ReadSnapshot arbitrary bytes: it must never panic
// or hang, must accept exactly what the whole-file json.Unmarshal reader
// accepted (and decode it the same), and what it accepts must survive
// Write and a second read unchanged.
func FuzzReadSnapshot(f *testing.F) {
	var buf bytes.Buffer
	if err := sampleSnapshot().Write(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(mustCompact(sampleSnapshot())))
	for _, s := range []string{
		`{"schema_version":1}`,
		`{"schema_version":1,"nodes":[{"id":"a","kind":"S3Bucket","s3_bucket":{"policy":{"state":"true","text":"{}"}}}]}`,
		`{"schema_version":1,"nodes":null,"edges":[{"from":"a","to":"b"}],"coverage":[{"service":"s3","api":"*","status":"denied"}]}`,
		`{"Schema_Version":1,"NODES":[null]}`,
		"{\"schema_version\": 1,\n \"nodes\": [1, }",
		`{"schema_version":2}`,
		`[]`, ``, `{`, `{"schema_version":1}{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ReadSnapshot(bytes.NewReader(data))
		want, werr := readSnapshotReference(data)
		if !repeatedVersion.Match(data) {
			if (err == nil) != (werr == nil) {
				t.Fatalf("streaming error %v, whole-file error %v", err, werr)
			}
			if err == nil && !cmp.Equal(want, got) {
				t.Fatalf("the readers disagree (-whole-file +streaming):\n%s", cmp.Diff(want, got))
			}
		}
		if err != nil {
			if bytes.ContainsRune([]byte(err.Error()), '\n') {
				t.Fatalf("a multi-line error: %q", err)
			}
			return
		}
		var out bytes.Buffer
		if err := got.Write(&out); err != nil {
			t.Fatalf("Write: %v", err)
		}
		again, err := ReadSnapshot(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("reading back what Write wrote: %v\n%s", err, out.Bytes())
		}
		var out2 bytes.Buffer
		if err := again.Write(&out2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), out2.Bytes()) {
			t.Fatalf("Write/Read is not stable:\n%s", cmp.Diff(out.String(), out2.String()))
		}
	})
}

package graph

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Kinds and ways in are codes in memory and names everywhere else: JSON
// and YAML spell them, an unset one is left out as "" was, and they sort
// by name whatever their codes.
func TestKindsAndViasAreNamesOutsideMemory(t *testing.T) {
	type rec struct {
		Kind   EdgeKind   `json:"kind" yaml:"kind"`
		Via    Via        `json:"via,omitempty" yaml:"via,omitempty"`
		Access []EdgeKind `json:"access" yaml:"access"`
	}
	in := rec{Kind: EdgeCanRead, Via: ViaBucketPolicy, Access: []EdgeKind{EdgeCanWrite, EdgeCanAssume}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"kind":"can-read","via":"bucket-policy","access":["can-write","can-assume"]}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back rec
	if err := json.Unmarshal(b, &back); err != nil || back.Kind != in.Kind || back.Via != in.Via || !slices.Equal(back.Access, in.Access) {
		t.Errorf("JSON read back %+v (%v), want %+v", back, err, in)
	}
	if b, _ := json.Marshal(rec{Kind: EdgeTriggers}); string(b) != `{"kind":"triggers","access":null}` {
		t.Errorf("an unset via is written: %s", b)
	}
	y, err := yaml.Marshal(in)
	if err != nil || !strings.Contains(string(y), "via: bucket-policy") || !strings.Contains(string(y), "- can-assume") {
		t.Errorf("YAML %q (%v), want names", y, err)
	}
	var yback rec
	if err := yaml.Unmarshal(y, &yback); err != nil || yback.Via != in.Via || !slices.Equal(yback.Access, in.Access) {
		t.Errorf("YAML read back %+v (%v), want %+v", yback, err, in)
	}

	// Declared codes follow declaration order, not names: sorting goes by
	// name all the same.
	kinds := []EdgeKind{EdgeTriggers, EdgeCanWrite, EdgeCanAccess, 0}
	slices.SortFunc(kinds, EdgeKind.Compare)
	if got := joinNames(kinds); got != ",can-access,can-write,triggers" {
		t.Errorf("kinds sorted as %q", got)
	}
	if ViaBucketPolicy.Compare(ViaAccessPoint) <= 0 {
		t.Errorf("bucket-policy sorts before access-point")
	}
}

// A name this build does not declare (a snapshot from a newer one) reads,
// compares and writes back as it was.
func TestAnUnknownNameRoundTrips(t *testing.T) {
	var e Edge
	doc := `{"from":"a","to":"b","kind":"can-teleport","via":"wormhole-policy","certainty":"true","evidence":[]}`
	if err := json.Unmarshal([]byte(doc), &e); err != nil {
		t.Fatal(err)
	}
	if e.Kind.String() != "can-teleport" || e.Via.String() != "wormhole-policy" || e.Kind.IsAccess() {
		t.Errorf("read kind %q via %q (access %v)", e.Kind, e.Via, e.Kind.IsAccess())
	}
	again, err := ViaNamed("wormhole-policy")
	if err != nil || again != e.Via {
		t.Errorf("the same name has a second code: %d, %d (%v)", again, e.Via, err)
	}
	b, err := json.Marshal(e)
	if err != nil || !strings.Contains(string(b), `"kind":"can-teleport","via":"wormhole-policy"`) {
		t.Errorf("written back as %s (%v)", b, err)
	}
}

func joinNames(ks []EdgeKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = k.String()
	}
	return strings.Join(s, ",")
}

// Names a newer build wrote may be read by several goroutines at once (the
// parts of an organization's snapshot): each name gets one code.
func TestUnknownNamesReadConcurrentlyGetOneCodeEach(t *testing.T) {
	const readers, names = 8, 50
	got := make([][]Via, readers)
	done := make(chan int)
	for r := range readers {
		go func() {
			for i := range names {
				v, err := ViaNamed(fmt.Sprintf("concurrent-via-%d", i))
				if err != nil {
					t.Error(err)
				}
				got[r] = append(got[r], v)
			}
			done <- r
		}()
	}
	for range readers {
		<-done
	}
	for r := 1; r < readers; r++ {
		if !slices.Equal(got[r], got[0]) {
			t.Fatalf("reader %d got codes %v, reader 0 %v", r, got[r], got[0])
		}
	}
	for i, v := range got[0] {
		if want := fmt.Sprintf("concurrent-via-%d", i); v.String() != want {
			t.Errorf("code %d is named %q, want %q", v, v, want)
		}
	}
}

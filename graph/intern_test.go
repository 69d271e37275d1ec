package graph

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// strs are the strings of a node the tests below follow into its
// attributes: id, name, a tag, the runtime, an environment variable's
// name, the policy text.
func strs(n Node) []string {
	f := n.Function()
	return []string{n.ID, n.Name, n.Tags["team"], f.Runtime, f.EnvVarNames[0], f.Policy.Text}
}

// Freeze copies every string of a node, its attributes' included, out of
// the memory it came in: a string the AWS SDK decoded is a slice of a
// block shared with the rest of its response, and holding it held the
// block.
func TestFreezeCopiesStringsOutOfTheBlocksTheyCameIn(t *testing.T) {
	block := strings.Repeat("x", 4096) + `arn:aws:lambda:us-east-1:123456789012:function:f|f|payments|python3.12|DB_HOST|{"Statement":[]}`
	parts := strings.Split(block[4096:], "|")
	b := NewBuilder()
	b.AddNode(Node{ID: parts[0], Kind: KindLambdaFunction, Name: parts[1], Tags: map[string]string{"team": parts[2]},
		Attrs: &LambdaFunction{Runtime: parts[3], EnvVarNames: []string{parts[4]}, Policy: Present(parts[5], "lambda:GetPolicy")}})
	s := b.Freeze(Tool{Name: "trustmap"}, time.Time{})
	lo := uintptr(unsafe.Pointer(unsafe.StringData(block)))
	hi := lo + uintptr(len(block))
	for i, v := range strs(s.Nodes[0]) {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(v))); p >= lo && p < hi {
			t.Errorf("string %d (%q) still points into the block it was sliced from", i, v)
		}
		if v != parts[i] {
			t.Errorf("string %d is %q, want %q", i, v, parts[i])
		}
	}
}

// A snapshot read from JSON keeps one copy of each repeated string, in a
// node's attributes as in its id and tags.
func TestAReadSnapshotKeepsOneCopyOfARepeatedString(t *testing.T) {
	b := NewBuilder()
	for _, name := range []string{"f", "g"} {
		b.AddNode(Node{ID: "arn:aws:lambda:us-east-1:123456789012:function:" + name, Kind: KindLambdaFunction, Name: "fn",
			Tags:  map[string]string{"team": "payments"},
			Attrs: &LambdaFunction{Runtime: "python3.12", EnvVarNames: []string{"DB_HOST"}, Policy: Present(`{"Statement":[]}`, "lambda:GetPolicy")}})
	}
	var buf bytes.Buffer
	if err := b.Freeze(Tool{Name: "trustmap"}, time.Time{}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSnapshot(&buf)
	if err != nil {
		t.Fatal(err)
	}
	first, second := strs(s.Nodes[0]), strs(s.Nodes[1])
	for i := 1; i < len(first); i++ { // the ids differ
		if first[i] != second[i] || unsafe.StringData(first[i]) != unsafe.StringData(second[i]) {
			t.Errorf("string %d: %q and %q are two copies", i, first[i], second[i])
		}
	}
}

// fill sets every field reachable from v to a value that is not its zero.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(1)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i))
		}
	}
}

// Evidence that differs in any one field gets another key: edges share an
// evidence slice only when every field is equal, a field added to Evidence
// included (this test fills it by reflection).
func TestEvidenceThatDiffersInAnyFieldIsNotShared(t *testing.T) {
	keys := map[string]string{string(evidenceKey(nil, []Evidence{{}})): "none"}
	typ := reflect.TypeFor[Evidence]()
	for i := range typ.NumField() {
		var ev Evidence
		fill(reflect.ValueOf(&ev).Elem().Field(i))
		k := string(evidenceKey(nil, []Evidence{ev}))
		if other, ok := keys[k]; ok {
			t.Errorf("evidence with only %s set has the key of %s", typ.Field(i).Name, other)
		}
		keys[k] = typ.Field(i).Name
	}
	// A string's bytes cannot pass for the next field's.
	a := evidenceKey(nil, []Evidence{{Source: "ab", Fix: ""}})
	b := evidenceKey(nil, []Evidence{{Source: "a", Fix: "b"}})
	if string(a) == string(b) {
		t.Error(`{Source "ab"} and {Source "a", Fix "b"} share a key`)
	}
	edges := []Edge{
		{From: "a", To: "b", Actions: []string{"s3:GetObject"}, Evidence: []Evidence{{Source: "s3:GetBucketPolicy", Detail: "d"}}},
		{From: "a", To: "c", Actions: []string{"s3:GetObject"}, Evidence: []Evidence{{Source: "s3:GetBucketPolicy", Detail: "d"}}},
		{From: "a", To: "d", Actions: []string{"s3:PutObject"}, Evidence: []Evidence{{Source: "s3:GetBucketPolicy", Detail: "e"}}},
	}
	shareEdgeSlices(edges)
	if &edges[0].Evidence[0] != &edges[1].Evidence[0] || &edges[0].Actions[0] != &edges[1].Actions[0] {
		t.Error("two edges with equal evidence and actions do not share them")
	}
	if &edges[0].Evidence[0] == &edges[2].Evidence[0] || edges[2].Evidence[0].Detail != "e" || edges[2].Actions[0] != "s3:PutObject" {
		t.Error("an edge with other evidence or actions was given the first edge's")
	}
	// The shared slices sit end to end in one array each: appending to one
	// must never write over the next.
	for i, e := range edges {
		if cap(e.Evidence) != len(e.Evidence) || cap(e.Actions) != len(e.Actions) {
			t.Errorf("edge %d: evidence %d of capacity %d, actions %d of %d: an append would overwrite its neighbour", i, len(e.Evidence), cap(e.Evidence), len(e.Actions), cap(e.Actions))
		}
	}
	if grown := append(edges[0].Evidence, Evidence{Source: "x"}); edges[2].Evidence[0].Detail != "e" || len(grown) != 2 {
		t.Error("appending to one edge's evidence changed another's")
	}
}

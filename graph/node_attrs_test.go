package graph

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// attrAccessors are Node's accessors: the methods of no argument that
// return an attribute type.
func attrAccessors(t *testing.T) map[reflect.Type]string {
	t.Helper()
	attrs := reflect.TypeFor[Attrs]()
	out := map[reflect.Type]string{}
	nt := reflect.TypeFor[Node]()
	for i := range nt.NumMethod() {
		m := nt.Method(i)
		if m.Type.NumIn() == 1 && m.Type.NumOut() == 1 && m.Type.Out(0).Implements(attrs) {
			out[m.Type.Out(0)] = m.Name
		}
	}
	return out
}

// Every attribute type has an accessor and a JSON member, a node carrying
// it is written with exactly that member, and reads back with the same
// type: a new kind's attributes cannot be lost on the way through a
// snapshot.
func TestEveryAttributeTypeHasItsJSONMemberAndAccessor(t *testing.T) {
	acc := attrAccessors(t)
	if len(acc) != len(attrField) || len(acc) < 40 {
		t.Fatalf("%d accessors, %d JSON members of attributes: each attribute type needs both", len(acc), len(attrField))
	}
	for typ, method := range acc {
		if _, ok := attrField[typ]; !ok {
			t.Errorf("%s (Node.%s) has no member in nodeJSON", typ, method)
			continue
		}
		n := Node{ID: "x", Kind: KindS3Bucket, Attrs: reflect.New(typ.Elem()).Interface().(Attrs)}
		b, err := json.Marshal(n)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if _, ok := m[jsonName(typ)]; !ok || len(m) != 3 {
			t.Errorf("%s: written as %s, want id, kind and %q", typ, b, jsonName(typ))
		}
		var back Node
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if reflect.TypeOf(back.Attrs) != typ {
			t.Errorf("%s read back as %T", typ, back.Attrs)
		}
		got := reflect.ValueOf(back).MethodByName(method).Call(nil)[0]
		if got.IsNil() {
			t.Errorf("Node.%s() of a node read with %s is nil", method, typ)
		}
		// Every other accessor is nil on it.
		for other, name := range acc {
			if other != typ && !reflect.ValueOf(back).MethodByName(name).Call(nil)[0].IsNil() {
				t.Errorf("Node.%s() is not nil on a node of %s", name, typ)
			}
		}
	}
}

// A node is written byte for byte as the struct with a pointer per kind
// was, under either HTML escaping of the encoder that writes it (snapshots
// leave <, > and & alone; a caller may escape them).
func TestANodeIsWrittenAsItsOneMemberLayout(t *testing.T) {
	f := &LambdaFunction{Runtime: "python3.12", EnvVarNames: []string{"A<B", "C&D"}, Policy: Hidden("lambda:GetPolicy")}
	n := Node{ID: "arn:aws:lambda:us-east-1:123456789012:function:f<1>", Kind: KindLambdaFunction, Name: "f&g",
		Account: "123456789012", Region: "us-east-1", Tags: map[string]string{"team": "<a>"}, Attrs: f}
	want := nodeJSON{plainNode: plainNode{ID: n.ID, Kind: n.Kind, Name: n.Name, Account: n.Account, Region: n.Region, Tags: n.Tags}, Function: f}
	for _, escape := range []bool{true, false} {
		got, ref := encoded(t, n, "  ", escape), encoded(t, want, "  ", escape)
		if got.String() != ref.String() {
			t.Errorf("escapeHTML=%v:\n got %s\nwant %s", escape, got.String(), ref.String())
		}
	}
	var none bytes.Buffer
	if err := json.NewEncoder(&none).Encode(Node{ID: "account:123456789012", Kind: KindAccount}); err != nil {
		t.Fatal(err)
	}
	if got, want := none.String(), `{"id":"account:123456789012","kind":"`+string(KindAccount)+`"}`+"\n"; got != want {
		t.Errorf("a node without attributes: %s, want %s", got, want)
	}
}

// A snapshot whose node carries members of two attribute types is refused
// with both named: a node is of one kind, and keeping either would drop
// the other without a word.
func TestANodeWithTwoKindsOfAttributesIsRefused(t *testing.T) {
	var buf bytes.Buffer
	if err := sampleSnapshot().Write(&buf); err != nil {
		t.Fatal(err)
	}
	raw := strings.Replace(buf.String(), `"lambda_function": {`, `"sqs_queue": {}, "lambda_function": {`, 1)
	if raw == buf.String() {
		t.Fatal("the sample snapshot has no lambda_function member to add to")
	}
	_, err := ReadSnapshot(strings.NewReader(raw))
	if err == nil || !strings.Contains(err.Error(), "lambda_function") || !strings.Contains(err.Error(), "sqs_queue") {
		t.Fatalf("ReadSnapshot: %v, want a refusal naming lambda_function and sqs_queue", err)
	}
}

// A second AddNode of the same id keeps the first one's attributes unless
// it brings its own; a nil pointer of an attribute type brings none.
func TestAddingANodeAgainKeepsItsAttributesUnlessItBringsNew(t *testing.T) {
	b := NewBuilder()
	first := &S3Bucket{Ownership: "BucketOwnerEnforced"}
	b.AddNode(Node{ID: "arn:aws:s3:::b", Kind: KindS3Bucket, Attrs: first})
	b.AddNode(Node{ID: "arn:aws:s3:::b", Name: "b", Attrs: (*S3Bucket)(nil)})
	b.AddNode(Node{ID: "arn:aws:s3:::b", Region: "eu-west-1"})
	s := b.Freeze(Tool{Name: "trustmap"}, time.Time{})
	if n := s.Nodes[0]; n.Bucket() != first || n.Name != "b" || n.Region != "eu-west-1" {
		t.Fatalf("merged node %+v (bucket %p), want the first attributes %p with the later name and region", n, n.Bucket(), first)
	}
	second := &S3Bucket{Ownership: "ObjectWriter"}
	b = NewBuilder()
	b.AddNode(Node{ID: "arn:aws:s3:::b", Kind: KindS3Bucket, Attrs: first})
	b.AddNode(Node{ID: "arn:aws:s3:::b", Attrs: second})
	if n := b.Freeze(Tool{Name: "trustmap"}, time.Time{}).Nodes[0]; n.Bucket() != second {
		t.Fatalf("attributes %p after a second AddNode with its own, want %p", n.Bucket(), second)
	}
}

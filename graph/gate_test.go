package graph

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/trustmap/trustmap/policy"
)

// An edge is written byte for byte as the struct with the gate's members
// in line was, under either HTML escaping, and reads back with the same
// gate; an edge without one has none (nil, not an empty Gate).
func TestAnEdgeIsWrittenWithItsGateInLine(t *testing.T) {
	gated := Edge{From: "principal:*", To: "arn:aws:execute-api:us-east-1:123456789012:a1/prod/GET/<x>", Kind: EdgeCanInvoke,
		Via: ViaMethodAuthorizer, Actions: []string{"execute-api:Invoke"}, Exposure: policy.Public, Principal: "*", Certainty: True,
		Evidence: []Evidence{{Source: "apigateway:GetResources", Detail: "a & b"}},
		Gate:     NewGate([]string{"aws:SourceIp <10.0.0.0/8>"}, []policy.Guard{"network"}, "COGNITO_USER_POOLS pool-1")}
	plain := Edge{From: "arn:aws:s3:::b", To: "arn:aws:lambda:us-east-1:123456789012:function:f", Kind: EdgeTriggers, Via: ViaS3Notification, Certainty: True}
	for _, e := range []Edge{gated, plain} {
		want := edgeJSON{From: e.From, To: e.To, Kind: e.Kind, Via: e.Via, Actions: e.Actions, Exposure: e.Exposure,
			Principal: e.Principal, Certainty: e.Certainty, Evidence: e.Evidence}
		if e.Gate != nil {
			want.Conditions, want.Guards, want.Authorizer = e.Gate.Conditions, e.Gate.Guards, e.Gate.Authorizer
		}
		for _, escape := range []bool{true, false} {
			got, ref := encoded(t, e, "", escape), encoded(t, want, "", escape)
			if got.String() != ref.String() {
				t.Errorf("escapeHTML=%v:\n got %s\nwant %s", escape, got.String(), ref.String())
			}
		}
		b, _ := json.Marshal(e)
		var back Edge
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if (back.Gate == nil) != (e.Gate == nil) || !slices.Equal(back.Conditions(), e.Conditions()) ||
			!slices.Equal(back.Guards(), e.Guards()) || back.Authorizer() != e.Authorizer() {
			t.Errorf("read back with gate %+v, want %+v", back.Gate, e.Gate)
		}
	}
}

// Copies of an edge share its gate; a setter gives the edge it is called
// on a new one and leaves the copies' as they were, and setting every
// member empty leaves no gate at all.
func TestSettingAGateLeavesTheCopiesOfTheEdgeAlone(t *testing.T) {
	if g := NewGate(nil, nil, ""); g != nil {
		t.Fatalf("NewGate of nothing = %+v, want nil", g)
	}
	orig := Edge{From: "a", To: "b", Kind: EdgeCanInvoke, Gate: NewGate([]string{"c1"}, nil, "JWT j")}
	cp := orig
	cp.SetConditions([]string{"c2"})
	cp.SetAuthorizer("")
	if got := orig.Conditions(); !slices.Equal(got, []string{"c1"}) || orig.Authorizer() != "JWT j" {
		t.Errorf("the original's gate became %+v after its copy's was set", orig.Gate)
	}
	if !slices.Equal(cp.Conditions(), []string{"c2"}) || cp.Authorizer() != "" {
		t.Errorf("the copy's gate is %+v, want conditions [c2] and no authorizer", cp.Gate)
	}
	cp.SetConditions(nil)
	if cp.Gate != nil {
		t.Errorf("an edge with no conditions, guards or authorizer has gate %+v, want nil", cp.Gate)
	}
	cp.SetAuthorizer("JWT k")
	if a := cp.Authorizer(); a != "JWT k" || cp.Gate == orig.Gate {
		t.Errorf("authorizer %q, gate shared with the original: %v", a, cp.Gate == orig.Gate)
	}
}

// Merge keeps the least restricted side's conditions and guards and the
// first authorizer, whichever side holds a gate.
func TestMergeTakesTheLeastRestrictedGate(t *testing.T) {
	a := Edge{From: "a", To: "b", Kind: EdgeCanInvoke, Gate: NewGate([]string{"c1", "c2"}, []policy.Guard{"network"}, "")}
	b := Edge{From: "a", To: "b", Kind: EdgeCanInvoke, Gate: NewGate([]string{"c3"}, nil, "JWT j")}
	a.Merge(b)
	if !slices.Equal(a.Conditions(), []string{"c3"}) || len(a.Guards()) != 0 || a.Authorizer() != "JWT j" {
		t.Errorf("merged gate %+v, want b's conditions, no guards and b's authorizer", a.Gate)
	}
	open := Edge{From: "a", To: "b", Kind: EdgeCanInvoke}
	open.Merge(Edge{From: "a", To: "b", Kind: EdgeCanInvoke, Gate: NewGate([]string{"c1"}, nil, "")})
	if open.Gate != nil {
		t.Errorf("an unconditional edge merged with a conditional one has gate %+v, want none", open.Gate)
	}
}

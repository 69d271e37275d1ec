package policy

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// A verdict is a code in memory and its name everywhere else; the codes
// go in the names' order, so anything that sorted verdicts as strings
// sorts them the same as codes.
func TestVerdictsAreNamesOutsideMemory(t *testing.T) {
	all := []Verdict{0, CrossAccount, Internal, Public}
	if !slices.IsSortedFunc(all, func(a, b Verdict) int { return strings.Compare(a.String(), b.String()) }) || !slices.IsSorted(all) {
		t.Errorf("codes and names are not in one order: %v", all)
	}
	type rec struct {
		V Verdict `json:"v,omitempty"`
	}
	for _, v := range all {
		b, err := json.Marshal(rec{v})
		if err != nil {
			t.Fatal(err)
		}
		want := `{"v":"` + v.String() + `"}`
		if v == 0 {
			want = `{}`
		}
		if string(b) != want {
			t.Errorf("%v: JSON %s, want %s", v, b, want)
		}
		var back rec
		if err := json.Unmarshal([]byte(`{"v":"`+v.String()+`"}`), &back); err != nil || back.V != v {
			t.Errorf("%q read back as %v (%v)", v.String(), back.V, err)
		}
	}
	var bad rec
	if err := json.Unmarshal([]byte(`{"v":"semi-public"}`), &bad); err == nil || !strings.Contains(err.Error(), "semi-public") {
		t.Errorf("an unknown verdict was read without an error naming it: %v", err)
	}
	if Public.Rank() <= CrossAccount.Rank() || CrossAccount.Rank() <= Internal.Rank() {
		t.Error("ranks are not public > cross-account > internal")
	}
}

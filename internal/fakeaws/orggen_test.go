package fakeaws

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAGeneratedOrganizationIsValidAndTheSameForTheSameSeed(t *testing.T) {
	spec := OrgSpec{Seed: 7, Members: 220, Resources: 40, Suspended: 2, Unassumable: 3}
	w := GenerateOrganization(spec)
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := len(w.Accounts); got != 221 {
		t.Fatalf("accounts = %d, want the management account and 220 members", got)
	}
	if got := len(w.Accounts[0].Organization.Accounts); got != 221 {
		t.Fatalf("ListAccounts would list %d accounts, want 221", got)
	}
	sizes := map[int]int{}
	for i := 1; i <= spec.Members; i++ {
		sizes[spec.OrgSize(i)]++
	}
	if len(sizes) < 3 {
		t.Errorf("member sizes %v: want varied sizes", sizes)
	}
	if d := cmp.Diff(GenerateOrganization(spec).Accounts[57].IAM.Roles[3].TrustPolicy, w.Accounts[57].IAM.Roles[3].TrustPolicy); d != "" {
		t.Errorf("the same seed gave another world:\n%s", d)
	}
	if len(w.Accounts[220].RolesAssumable) != 0 || len(w.Accounts[217].RolesAssumable) != 0 || len(w.Accounts[210].RolesAssumable) != 1 {
		t.Error("suspended and unassumable members must have no assumable role; the others one")
	}
}

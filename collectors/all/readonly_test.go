package all

import (
	"slices"
	"strings"
	"testing"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// TestAWholeScanSendsOnlyReads scans the demo account through the real SDK
// clients and checks what the fake endpoint received: every operation is a
// read (the rule and allowlist of TestEveryCollectorClientHoldsOnlyReadMethods),
// and nothing was sent that the fake does not implement — which is where a
// write would land, since the fake implements reads only.
func TestAWholeScanSendsOnlyReads(t *testing.T) {
	scan := scanWorld(t, demoWorld(t), e2eOptions{Regions: demoRegions, Server: fakeaws.Options{}})
	st := scan.Server.Stats()
	if st.TotalCalls() == 0 {
		t.Fatal("the scan made no call")
	}
	var ops []string
	for key := range st.Calls {
		_, op, _ := strings.Cut(key, ":")
		if !isRead(op) {
			t.Errorf("the scan sent %s, which is not a read", key)
		}
		ops = append(ops, key)
	}
	if st.Rejected != 0 {
		t.Errorf("%d requests reached no operation the fake implements (the fake implements only reads)", st.Rejected)
	}
	slices.Sort(ops)
	t.Logf("%d calls, operations: %s", st.TotalCalls(), strings.Join(ops, " "))
}

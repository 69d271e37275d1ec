package all

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/fakeaws"
)

// Issue 11, whole scans of the demo account through the report: an answer
// that differs from AWS's in one place costs that one fact, never the
// verdicts around it.

// entryPointIDs are a report's entry points by id, with their exposure.
func entryPointIDs(s e2eScan) map[string]string {
	out := map[string]string{}
	for _, ep := range s.Report.EntryPoints {
		out[ep.ID] = ep.Exposure.String() + " " + ep.ResourceARN + " via " + ep.Via.String()
	}
	return out
}

// 11.1: an endpoint that refuses a GetQueueAttributes naming
// SqsManagedSseEnabled (moto) leaves every queue judged as on AWS.
func TestQueuesAreJudgedWhereTheEndpointRejectsSqsManagedSseEnabled(t *testing.T) {
	if testing.Short() {
		t.Skip("two whole scans")
	}
	clean := cleanDemoScan(t)
	w := demoWorld(t)
	w.Faults = append(w.Faults, fakeaws.Fault{Service: "sqs", API: "GetQueueAttributes", Error: "InvalidAttributeName", Status: 400,
		Message: "Unknown Attribute SqsManagedSseEnabled.", RequestContains: "SqsManagedSseEnabled"})
	scan := scanWorld(t, w, e2eOptions{Regions: demoRegions})
	if diff := cmp.Diff(entryPointIDs(clean), entryPointIDs(scan)); diff != "" {
		t.Errorf("entry points (-clean +this endpoint):\n%s", diff)
	}
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage = %+v, want none", scan.Snapshot.Coverage)
	}
}

// 11.2: an identity allowed lambda:GetFunctionUrlConfig but not
// lambda:ListFunctionUrlConfigs (or an endpoint without the list call)
// still gets every function URL verdict, and the coverage section says
// which form was used.
func TestFunctionURLVerdictsWithoutTheListCall(t *testing.T) {
	if testing.Short() {
		t.Skip("whole scans")
	}
	clean := cleanDemoScan(t)
	for _, tc := range []struct {
		name   string
		fault  fakeaws.Fault
		status graph.GapStatus
	}{
		{"denied", fakeaws.Fault{Service: "lambda", API: "ListFunctionUrlConfigs", Error: "AccessDeniedException"}, graph.GapDenied},
		{"not implemented (moto's 404 page)", fakeaws.Fault{Service: "lambda", API: "ListFunctionUrlConfigs", Kind: fakeaws.FaultHTML404}, graph.GapUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := demoWorld(t)
			w.Faults = append(w.Faults, tc.fault)
			scan := scanWorld(t, w, e2eOptions{Regions: demoRegions})
			if diff := cmp.Diff(entryPointIDs(clean), entryPointIDs(scan)); diff != "" {
				t.Errorf("entry points (-clean +without the list call):\n%s", diff)
			}
			urls := 0
			for _, ep := range scan.Report.EntryPoints {
				if ep.Via == graph.ViaFunctionURL {
					urls++
				}
			}
			if urls == 0 {
				t.Error("no function-url entry point: the demo has a public URL")
			}
			regions := map[string]bool{}
			for _, g := range scan.Snapshot.Coverage {
				if g.API != "ListFunctionUrlConfigs" || g.Status != tc.status || g.Resources == 0 || !strings.Contains(g.Error, "read with GetFunctionUrlConfig") {
					t.Errorf("gap %+v, want only the note that URLs were read with GetFunctionUrlConfig", g)
				}
				regions[g.Region] = true
			}
			if got := slices.Sorted(maps.Keys(regions)); !slices.Equal(got, demoRegions) {
				t.Errorf("notes in regions %v, want one in each region with functions %v", got, demoRegions)
			}
		})
	}
}

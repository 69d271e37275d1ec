package all

import (
	"errors"
	"strings"
	"testing"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/fakeaws"
)

// One error policy for every collector: a call that fails with an error of
// no known class becomes exactly one coverage gap, on that API, with status
// "error" — not a second, collector-wide gap (API "*"), and not a gap whose
// error then goes unreported. The runner still returns the error (it is a
// failure nobody classified), marked as already recorded.
func TestEveryCollectorRecordsOneGapPerFailedCallWithItsClass(t *testing.T) {
	cases := []struct{ service, api, resource, gapService string }{
		{"s3", "GetBucketAcl", "acme-legacy-logs", "s3"},
		{"lambda", "GetPolicy", "acme-webhook", "lambda"},
		{"sqs", "GetQueueAttributes", "acme-events", "sqs"},
		{"apigateway", "GetStages", "a1b2c3d4e5", "apigateway"},
		{"apigatewayv2", "GetRoutes", "h1b2c3d4e5", "apigatewayv2"},
		{"iam", "GetAccountAuthorizationDetails", "", "iam"},
		{"organizations", "DescribeOrganization", "", "organizations"},
	}
	for _, tc := range cases {
		t.Run(tc.service+" "+tc.api, func(t *testing.T) {
			w := demoWorld(t)
			w.Faults = append(w.Faults, fakeaws.Fault{Service: tc.service, API: tc.api, Resource: tc.resource,
				Error: "UnheardOfFailure", Status: 400, Message: "something no classifier knows"})
			scan := scanWorld(t, w, e2eOptions{Regions: demoRegions})
			var mine []graph.Gap
			for _, g := range scan.Snapshot.Coverage {
				if g.API == "*" {
					t.Errorf("a collector-wide gap: %+v", g)
				}
				if g.API == tc.api {
					mine = append(mine, g)
				}
			}
			if len(mine) != 1 || mine[0].Service != tc.gapService || mine[0].Status != graph.GapError ||
				!strings.Contains(mine[0].Resource, tc.resource) || !strings.Contains(mine[0].Error, "UnheardOfFailure") {
				t.Errorf("%s gaps = %+v, want exactly one, status error, on %q", tc.api, mine, tc.resource)
			}
			if len(scan.Snapshot.Coverage) != 1 {
				t.Errorf("coverage = %+v, want only that gap", scan.Snapshot.Coverage)
			}
			if scan.Err == nil || !collectors.Recorded(scan.Err) || !strings.Contains(scan.Err.Error(), "UnheardOfFailure") {
				t.Errorf("runner error = %v, want the failure returned, marked as recorded", scan.Err)
			}
		})
	}
}

func TestRecordedTellsRecordedFailuresFromOthers(t *testing.T) {
	rec := &collectors.RecordedError{Err: errors.New("x")}
	other := errors.New("y")
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false}, {rec, true}, {other, false},
		{errors.Join(rec, rec), true}, {errors.Join(rec, other), false},
	} {
		if got := collectors.Recorded(tc.err); got != tc.want {
			t.Errorf("Recorded(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

package lambda_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/lambda"
	"github.com/trustmap/trustmap/collectors/organizations"
	"github.com/trustmap/trustmap/collectors/sqs"
	"github.com/trustmap/trustmap/graph"
)

// The worked example of DESIGN.md §5 needs the three collectors together:
// the public queue, the mapping to the consumer, the consumer's role.
func TestTheOrdersPipelineFixtureYieldsTheStructuralEdges(t *testing.T) {
	data, err := os.ReadFile("../../testdata/accounts/lambda-sqs-org.yaml")
	if err != nil {
		t.Fatal(err)
	}
	scan := collectortest.Run(t, string(data), collectortest.Options{Regions: []string{"us-east-1", "eu-west-1", "af-south-1"}},
		lambda.New(), sqs.New(), organizations.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	const (
		fn = "arn:aws:lambda:us-east-1:123456789012:function:"
		q  = "arn:aws:sqs:us-east-1:123456789012:"
	)
	var got []string
	for _, e := range scan.Snapshot.Edges {
		got = append(got, fmt.Sprintf("%s -%s-> %s (%v)", e.From, e.Kind, e.To, e.Certainty))
	}
	want := []string{
		fn + "acme-ingest -executes-as-> arn:aws:iam::123456789012:role/acme-ingest-role (true)",
		fn + "acme-webhook -executes-as-> arn:aws:iam::123456789012:role/acme-webhook-role (true)",
		fn + "acme-webhook#url -routes-to-> " + fn + "acme-webhook (true)",
		q + "acme-events -triggers-> " + fn + "acme-ingest (true)",
		q + "acme-events -dead-letters-to-> " + q + "acme-events-dlq (true)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	ai := scan.Node(t, graph.AccountID("123456789012")).AccountInfo()
	if ai.OrgID != "o-a1b2c3d4e5" || ai.OrgManagementAcc != "123456789012" ||
		!cmp.Equal(ai.OrgAccountIDs, []string{"111122223333", "123456789012"}) {
		t.Errorf("organization = %q managed by %q with %v", ai.OrgID, ai.OrgManagementAcc, ai.OrgAccountIDs)
	}
	var gaps []string
	for _, g := range scan.Snapshot.Coverage {
		gaps = append(gaps, fmt.Sprintf("%s %s %s %s", g.Service, g.Region, g.API, g.Status))
	}
	if diff := cmp.Diff([]string{"* af-south-1 * region-not-enabled"}, gaps); diff != "" {
		t.Errorf("coverage (-want +got):\n%s", diff)
	}
	var buf bytes.Buffer
	if err := scan.Snapshot.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("not-a-real-secret-0000")) {
		t.Error("the snapshot holds an environment variable value")
	}
}

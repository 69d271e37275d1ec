package s3_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/s3"
	"github.com/trustmap/trustmap/graph"
)

// Answers moto 4.1.14 gives for every bucket (shared/emulators/moto/README.md),
// served by the fake's fault kinds: GetBucketNotificationConfiguration with
// none set is a 200 with an empty body (AWS sends an empty
// <NotificationConfiguration/>); GetBucketPolicyStatus, not implemented, is a
// 200 with the bucket's <ListBucketResult>. Neither is a transport failure:
// the scan must not retry them with backoff bucket after bucket.

func motoBuckets(n int) string {
	var b strings.Builder
	b.WriteString("s3:\n  buckets:\n")
	for i := range n {
		fmt.Fprintf(&b, "    - {name: bkt-%02d, region: us-east-1, policy: '%s'}\n", i, strings.ReplaceAll(publicPolicy, "demo-bkt", fmt.Sprintf("bkt-%02d", i)))
	}
	return b.String()
}

const motoFaults = `faults:
  - {service: s3, api: GetBucketNotificationConfiguration, kind: empty-body}
  - {service: s3, api: GetBucketPolicyStatus, kind: wrong-root}`

func TestAnEmptyNotificationAnswerIsNoneAfterOneConfirmationAndNotRetriedPerBucket(t *testing.T) {
	const n = 12
	scan := collectortest.Run(t, fixture(motoBuckets(n), motoFaults), collectortest.Options{Regions: []string{"us-east-1"}},
		&s3.Collector{BucketConcurrency: 1})
	for i := range n {
		bk := scan.Node(t, s3.BucketARN(fmt.Sprintf("bkt-%02d", i))).Bucket()
		if bk.NotificationsKnown != graph.True || len(bk.Notifications) != 0 {
			t.Errorf("bkt-%02d: notifications %v known %v, want none, known", i, bk.Notifications, bk.NotificationsKnown)
		}
	}
	if gaps := scan.Gaps("GetBucketNotificationConfiguration"); len(gaps) != 0 {
		t.Errorf("notification gaps = %+v, want none: an empty body that comes twice running is the answer", gaps)
	}
	// The first empty body is asked once more (a cut does not come twice
	// running); once confirmed, the endpoint's way of saying "none" is
	// taken at first sight for the rest of the account and region.
	if got := scan.Server.Stats().Calls["s3:GetBucketNotificationConfiguration"]; got != n+1 {
		t.Errorf("GetBucketNotificationConfiguration called %d times for %d buckets, want %d", got, n, n+1)
	}
}

func TestAPolicyStatusAnsweredWithAnotherDocumentStopsAfterThreeAndLeavesOneGap(t *testing.T) {
	const n = 12
	scan := collectortest.Run(t, fixture(motoBuckets(n), motoFaults), collectortest.Options{Regions: []string{"us-east-1"}},
		&s3.Collector{BucketConcurrency: 1})
	for i := range n {
		bk := scan.Node(t, s3.BucketARN(fmt.Sprintf("bkt-%02d", i))).Bucket()
		if bk.Policy.State != graph.True || bk.PolicyStatusPublic != graph.Unknown {
			t.Errorf("bkt-%02d: policy %v, policy status %v; want the policy read and AWS's verdict unknown", i, bk.Policy.State, bk.PolicyStatusPublic)
		}
	}
	if got := scan.Server.Stats().Calls["s3:GetBucketPolicyStatus"]; got != 3 {
		t.Errorf("GetBucketPolicyStatus called %d times, want 3 (no retry; not called again after three identical wrong answers)", got)
	}
	gaps := scan.Gaps("GetBucketPolicyStatus")
	if len(gaps) != 1 {
		t.Fatalf("GetBucketPolicyStatus gaps = %+v, want one for the whole region", gaps)
	}
	g := gaps[0]
	if g.Status != graph.GapUnsupported || g.Resources != n || g.Region != "us-east-1" || g.Resource != "" ||
		!strings.Contains(g.Error, "<ListBucketResult>") || !strings.Contains(g.Error, fmt.Sprintf("stands for %d resources", n)) {
		t.Errorf("gap = %+v, want unsupported, standing for %d buckets, naming the wrong document", g, n)
	}
	if r := scan.Stats.Retries.Load(); r != 1 {
		t.Errorf("%d retries, want 1 (the one confirmation of an empty notification answer)", r)
	}
}

// A transient failure is still retried: only deterministic answers are not.
func TestATransientPolicyStatusFailureIsStillRetried(t *testing.T) {
	buckets := strings.Replace(motoBuckets(1), "region: us-east-1,", "region: us-east-1, policy_is_public: true,", 1)
	scan := collectortest.Run(t, fixture(buckets, `faults:
  - {service: s3, api: GetBucketPolicyStatus, error: InternalError, count: 2}`), collectortest.Options{Regions: []string{"us-east-1"}},
		&s3.Collector{BucketConcurrency: 1})
	if bk := scan.Node(t, s3.BucketARN("bkt-00")).Bucket(); bk.PolicyStatusPublic != graph.True {
		t.Errorf("policy status %v after two 500s, want IsPublic read on the third attempt", bk.PolicyStatusPublic)
	}
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage = %+v", scan.Snapshot.Coverage)
	}
}

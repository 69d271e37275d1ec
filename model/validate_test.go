package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

// The demo models (testdata/models at the repository root) describe the
// demo account as its owners believe it is. Validating them against the
// demo scan finds each kind of drift, each with its evidence.

func TestValidatingTheDemoOTMModelFindsDriftBothWays(t *testing.T) {
	d := Validate(readModel(t, "../testdata/models/demo.otm.yaml"), demoScan(t, nil))
	// The unmodeled count grows with every resource the demo account gains
	// (other branches add services); what is asserted is what this model's
	// own elements make of the account.
	want := DriftSummary{Elements: 14, Matched: 12, ByARN: 3, ByName: 9, Stale: 2, Flows: 2, Contradictions: 5, NotJudged: 0}
	got := d.Summary
	if got.Unmodeled < 13 {
		t.Errorf("%d unmodeled ways in, want at least the 13 of the demo account this model was written against", got.Unmodeled)
	}
	got.Unmodeled = 0
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if !d.Drifted() {
		t.Error("Drifted() = false")
	}

	t.Run("unmodeled ways in are ranked by severity and carry their evidence", func(t *testing.T) {
		for i := 1; i < len(d.Unmodeled); i++ {
			if d.Unmodeled[i-1].Severity.Rank() < d.Unmodeled[i].Severity.Rank() {
				t.Errorf("%s (%s) before %s (%s)", d.Unmodeled[i-1].Resource, d.Unmodeled[i-1].Severity, d.Unmodeled[i].Resource, d.Unmodeled[i].Severity)
			}
		}
		u := findUnmodeled(t, d, "arn:aws:lambda:us-east-1:123456789012:function:acme-webhook")
		if u.Severity != "high" || u.Via != graph.ViaLambdaPermission || u.ModeledAs != nil ||
			!strings.Contains(u.What, "no element of the model stands for acme-webhook (LambdaFunction); the account lets any AWS account invoke it") ||
			!slices.Contains(u.Evidence, `lambda:GetPolicy; statement 1 (Sid "AnyoneInvokes")`) {
			t.Errorf("acme-webhook: %+v", u)
		}
		// The model's Orders API stands for its methods: GET /orders is modeled.
		for _, x := range d.Unmodeled {
			if strings.Contains(x.Resource, "/restapis/a1b2c3d4e5/") {
				t.Errorf("a method of the modeled Orders API is reported unmodeled: %s", x.Resource)
			}
		}
	})

	t.Run("stale elements name the call that listed what is there", func(t *testing.T) {
		got := map[string]Stale{}
		for _, s := range d.Stale {
			got[s.Element.ID] = s
		}
		q := got["legacy-queue"]
		if q.Resource != "arn:aws:sqs:us-east-1:123456789012:acme-legacy-orders" || q.Element.At != "../testdata/models/demo.otm.yaml:156:5" ||
			len(q.Evidence) != 1 || !regexp.MustCompile(`^sqs:ListQueues \(account 123456789012, us-east-1\) listed \d+ queues, none of them arn:aws:sqs:us-east-1:123456789012:acme-legacy-orders$`).MatchString(q.Evidence[0]) {
			t.Errorf("legacy-queue: %+v", q)
		}
		r := got["reports"]
		if r.What != "no resource of the scan has its name and kind" || len(r.Evidence) != 1 || !regexp.MustCompile(`^s3:ListBuckets \(accounts 123456789012\) listed \d+ buckets, none named like it$`).MatchString(r.Evidence[0]) {
			t.Errorf("reports: %+v", r)
		}
	})

	t.Run("flows the account does not allow show what it does allow", func(t *testing.T) {
		var ids []string
		for _, f := range d.Flows {
			ids = append(ids, f.Flow.ID)
		}
		if !slices.Equal(ids, []string{"orders-events", "ingest-status"}) {
			t.Fatalf("flows not allowed: %v", ids)
		}
		if ev := strings.Join(d.Flows[0].Evidence, " | "); ev != "acme-orders: executes-as acme-orders-role | acme-events: triggers acme-ingest" {
			t.Errorf("evidence: %s", ev)
		}
	})

	t.Run("contradictions say what the model says and what the account shows", func(t *testing.T) {
		got := map[string]Contradiction{}
		for _, c := range d.Contradictions {
			got[c.Kind+" "+c.Element.ID] = c
		}
		for key, want := range map[string][3]string{
			"trust-zone events-queue": {`"Events queue" (id events-queue) is in trust zone "AWS account acme - private", which reads as internal`,
				`acme-events is public: lets anyone on the internet send it (queue-policy, public)`, `sqs:GetQueueAttributes; statement 1 (Sid "AnyoneSends")`},
			"trust-zone partner-sync": {`"Partner sync" (id partner-sync) is in trust zone "AWS account acme - private", which reads as internal`,
				`acme-partner-sync is cross-account: lets 111122223333 invoke it (lambda-permission, cross-account)`, `lambda:GetPolicy; statement 1 (Sid "PartnerInvokes")`},
			"authentication customers-orders": {`flow "Order requests (HTTPS, Cognito-authenticated)" (id customers-orders) into "Orders API" (id orders-api) is marked authenticated (name: "Order requests (HTTPS, Cognito-authenticated)")`,
				`GET /orders in orders-api takes calls without credentials: GET /orders authorization NONE; no resource policy (method-auth)`, `apigateway:GetResources; GET /orders authorization NONE; no resource policy`},
			"mitigation injection-orders": {`threat "Injection through order requests" on "Orders API" (id orders-api) has mitigation "AWS WAF web ACL on the prod stage" marked implemented`,
				`orders-api has no web application firewall (AWS WAF web ACL)`, `apigateway:GetStages: stage prod of orders-api has no webAclArn`},
			"mitigation forged-events": {`threat "Forged order events" on "Events queue" (id events-queue) has mitigation "Queue policy admits only our SNS topic" marked implemented`,
				`acme-events has no resource policy that admits only named callers`, `acme-events is public through its queue-policy: sqs:GetQueueAttributes; statement 1 (Sid "AnyoneSends")`},
		} {
			c, ok := got[key]
			if !ok {
				t.Errorf("no contradiction %s; have %v", key, keys(got))
				continue
			}
			if c.Model != want[0] || c.Account != want[1] || !slices.Contains(c.Evidence, want[2]) {
				t.Errorf("%s:\n model   %s\n account %s\n evidence %q\nwant\n model   %s\n account %s\n evidence ∋ %s", key, c.Model, c.Account, c.Evidence, want[0], want[1], want[2])
			}
		}
	})

	t.Run("the mitigations the account shows are not contradicted", func(t *testing.T) {
		for _, c := range d.Contradictions {
			if c.Element.ID == "orders-theft" || c.Element.ID == "ledger-tampering" {
				t.Errorf("Block Public Access on acme-orders-data and encryption of acme-ledger hold, but: %+v", c)
			}
		}
	})
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func findUnmodeled(t *testing.T, d *Drift, res string) Unmodeled {
	t.Helper()
	for _, u := range d.Unmodeled {
		if u.Resource == res {
			return u
		}
	}
	t.Fatalf("%s is not among the unmodeled ways in", res)
	return Unmodeled{}
}

func TestValidatingTheDemoThreatDragonModel(t *testing.T) {
	d := Validate(readModel(t, "../testdata/models/demo.threatdragon.json"), demoScan(t, nil))
	want := DriftSummary{Elements: 12, Matched: 10, ByARN: 1, ByName: 9, Stale: 2, Flows: 1, Contradictions: 3}
	got := d.Summary
	if got.Unmodeled < 15 {
		t.Errorf("%d unmodeled ways in, want at least the 15 of the demo account this model was written against", got.Unmodeled)
	}
	got.Unmodeled = 0
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	var stale []string
	for _, s := range d.Stale {
		stale = append(stale, s.Element.Name+": "+s.What)
	}
	if diff := cmp.Diff([]string{
		"Image resizer: data.arn says it is arn:aws:lambda:us-east-1:123456789012:function:acme-image-resizer; the scan did not see it",
		"acme-reports-archive: no resource of the scan has its name and kind",
	}, stale); diff != "" {
		t.Errorf("stale (-want +got):\n%s", diff)
	}
	// A kind the scan holds none of is not said to have been listed: a
	// snapshot does not say which services were read.
	for _, st := range d.Stale {
		for _, ev := range st.Evidence {
			if strings.Contains(ev, " listed 0 ") {
				t.Errorf("%s: %q claims a listing the snapshot cannot show", st.Element.Name, ev)
			}
		}
		if st.Element.Name == "acme-reports-archive" && !slices.Contains(st.Evidence,
			"the scan holds no event sources (accounts 123456789012, regions eu-west-1, us-east-1): lambda:ListEventSourceMappings found none, or the scan did not call it") {
			t.Errorf("acme-reports-archive: evidence %q", st.Evidence)
		}
	}
	var kinds []string
	for _, c := range d.Contradictions {
		kinds = append(kinds, c.Kind+" "+c.Element.Name)
	}
	if diff := cmp.Diff([]string{"trust-zone acme-events", "authentication Order requests", "mitigation Injection through order requests"}, kinds); diff != "" {
		t.Errorf("contradictions (-want +got):\n%s", diff)
	}
}

// With a report.json alone the scan names only the resources of its ways
// in: nothing is called stale, and flows between resources are not judged;
// ways in and contradictions still are.
func TestAReportAloneJudgesNoStalenessAndNoInternalFlows(t *testing.T) {
	full := demoScan(t, nil)
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, report.Input{Report: full.Report}); err != nil {
		t.Fatal(err)
	}
	var rep report.Report
	if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	d := Validate(readModel(t, "../testdata/models/demo.otm.yaml"), &Scan{Report: &rep, Source: "report.json"})
	if len(d.Stale) != 0 || len(d.Flows) != 0 {
		t.Errorf("stale %v, flows %v: a report cannot tell", d.Stale, d.Flows)
	}
	// A report does not name APIs: the partner API's method, which the
	// model's "Partner API" stands for by name, is one more way in here.
	withSnapshot := Validate(readModel(t, "../testdata/models/demo.otm.yaml"), full).Summary
	if d.Summary.Unmodeled != withSnapshot.Unmodeled+1 || d.Summary.Contradictions != withSnapshot.Contradictions-1 {
		t.Errorf("unmodeled %d (want %d, one more than with the snapshot), contradictions %d (want %d, one fewer: the WAF needs the stages of the snapshot)",
			d.Summary.Unmodeled, withSnapshot.Unmodeled+1, d.Summary.Contradictions, withSnapshot.Contradictions-1)
	}
	for id, why := range map[string]string{
		"legacy-queue":     "give the snapshot.json beside it to judge staleness",
		"orders-events":    "holds no permissions between resources",
		"injection-orders": "a report.json does not hold API stages",
	} {
		if !hasNotJudged(d, id, why) {
			t.Errorf("%s is not left unjudged because %q: %v", id, why, d.NotJudged)
		}
	}
}

// What the scan could not see is not gone: an incomplete scan, or a denied
// listing, leaves elements "not judged", never stale.
func TestWhatTheScanCouldNotSeeIsNeverStale(t *testing.T) {
	m := readModel(t, "../testdata/models/demo.otm.yaml")
	t.Run("an incomplete scan", func(t *testing.T) {
		s := demoScan(t, nil)
		s.Report.Complete, s.Report.IncompleteReason = false, "interrupted"
		d := Validate(m, s)
		if len(d.Stale) != 0 || !hasNotJudged(d, "legacy-queue", "the scan was incomplete (interrupted)") {
			t.Errorf("stale %v; not judged %v", d.Stale, d.NotJudged)
		}
	})
	t.Run("a denied listing", func(t *testing.T) {
		s := demoScan(t, nil)
		s.Report.Coverage = append(s.Report.Coverage, report.Coverage{Account: "123456789012", Service: "sqs", Region: "us-east-1", API: "ListQueues", Status: string(graph.GapDenied)})
		d := Validate(m, s)
		if !hasNotJudged(d, "legacy-queue", "the scan could not list it: sqs ListQueues in us-east-1 was denied") {
			t.Errorf("not judged: %v", d.NotJudged)
		}
		for _, st := range d.Stale {
			if st.Element.ID == "legacy-queue" {
				t.Errorf("legacy-queue is stale although sqs:ListQueues was denied")
			}
		}
	})
	t.Run("a resource outside the scanned regions", func(t *testing.T) {
		mm := otmWith(t, `{id: x, name: X, type: s3, parent: {trustZone: aws}, attributes: {arn: "arn:aws:sqs:ap-south-1:123456789012:elsewhere"}}`)
		d := Validate(mm, demoScan(t, nil))
		if len(d.Stale) != 0 || !hasNotJudged(d, "x", "region ap-south-1 was not scanned") {
			t.Errorf("stale %v; not judged %v", d.Stale, d.NotJudged)
		}
	})
}

func hasNotJudged(d *Drift, id, why string) bool {
	for _, n := range d.NotJudged {
		if n.Item.ID == id && strings.Contains(n.Why, why) {
			return true
		}
	}
	return false
}

// A model that matches the account has no drift.
func TestAModelTheAccountMatchesHasNoDrift(t *testing.T) {
	s := demoScan(t, nil)
	m := readModel(t, "../testdata/models/demo.otm.yaml")
	if _, _, err := Update(m, s, UpdateOptions{Stale: StaleKeep}); err != nil {
		t.Fatal(err)
	}
	out, _ := m.Bytes()
	// The model's own flows and placements still disagree with the account
	// (the modeler decides); everything else is now modeled.
	d := Validate(mustParse(t, out), s)
	if len(d.Unmodeled) != 0 {
		t.Errorf("after the update, still unmodeled: %v", d.Unmodeled)
	}
	if len(d.Stale) != 2 || len(d.Flows) != 2 || len(d.Contradictions) != 5 {
		t.Errorf("stale %d flows %d contradictions %d: the modeler's own drift should stay reported", len(d.Stale), len(d.Flows), len(d.Contradictions))
	}
}

func mustParse(t *testing.T, data []byte) *Model {
	t.Helper()
	m, err := Parse(data, "updated")
	if err != nil {
		t.Fatalf("the updated model does not read: %v", err)
	}
	return m
}

func TestTheDriftWritersAgree(t *testing.T) {
	d := Validate(readModel(t, "../testdata/models/demo.otm.yaml"), demoScan(t, nil))
	var text, md, js bytes.Buffer
	if err := WriteDriftText(&text, d); err != nil {
		t.Fatal(err)
	}
	if err := WriteDriftMarkdown(&md, d); err != nil {
		t.Fatal(err)
	}
	if err := WriteDriftJSON(&js, d); err != nil {
		t.Fatal(err)
	}
	var back Drift
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d.Summary, back.Summary); diff != "" {
		t.Errorf("JSON summary (-drift +json):\n%s", diff)
	}
	for _, c := range d.Contradictions {
		for _, out := range []string{text.String(), md.String()} {
			if !strings.Contains(out, c.Element.ID) {
				t.Errorf("output lacks contradiction %s", c.Element.ID)
			}
		}
	}
	if d.Summary.Unmodeled < 13 {
		t.Errorf("%d unmodeled ways in, want at least the 13 of the demo account this model was written against", d.Summary.Unmodeled)
	}
	for _, head := range []string{fmt.Sprintf("UNMODELED WAYS IN (%d)", d.Summary.Unmodeled), "STALE (2)", "FLOWS THE ACCOUNT DOES NOT ALLOW (2)", "CONTRADICTIONS (5)"} {
		if !strings.Contains(text.String(), head) {
			t.Errorf("text output lacks %q", head)
		}
	}
	for _, head := range []string{fmt.Sprintf("## Unmodeled ways in (%d)", d.Summary.Unmodeled), "## Stale (2)", "## Contradictions (5)"} {
		if !strings.Contains(md.String(), head) {
			t.Errorf("Markdown output lacks %q", head)
		}
	}
	if strings.Contains(md.String(), "<") && !strings.Contains(md.String(), `\<`) {
		t.Error("Markdown output has unescaped markup")
	}
}

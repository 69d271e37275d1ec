package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/pgtest"
	"github.com/trustmap/trustmap/policy"
	"github.com/trustmap/trustmap/report"
)

// The store suite: every test runs against both backends, SQLite in a
// temporary file and PostgreSQL in a fresh database of the server named
// by TRUSTMAP_TEST_POSTGRES (.ci/run starts a throwaway cluster). Without
// it the PostgreSQL half skips, except under CI=true, where it fails.

type backend struct {
	name string
	open func(t testing.TB) (Store, string)
}

func backends(t testing.TB) []backend {
	bs := []backend{{"sqlite", func(t testing.TB) (Store, string) {
		path := filepath.Join(t.TempDir(), "history.db")
		return mustOpen(t, path), path
	}}}
	bs = append(bs, backend{"postgres", func(t testing.TB) (Store, string) {
		loc := pgtest.Fresh(t, "tm")
		return mustOpen(t, loc), loc
	}})
	return bs
}

func mustOpen(t testing.TB, loc string) Store {
	t.Helper()
	s, err := Open(context.Background(), loc)
	if err != nil {
		t.Fatalf("opening %s: %v", Describe(loc), err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func forEachBackend(t *testing.T, test func(t *testing.T, s Store, loc string)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s, loc := b.open(t)
			test(t, s, loc)
		})
	}
}

const acct = "123456789012"

var day0 = time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)

func day(n int) time.Time { return day0.Add(time.Duration(n) * 24 * time.Hour) }

// scanOf builds a report of account acct over us-east-1 and eu-west-1
// holding these entry points (each with a crossing, a threat and a
// finding, as the analyzers pair them).
func scanOf(at time.Time, eps ...results.EntryPoint) *report.Report {
	r := &report.Report{SchemaVersion: report.SchemaVersion, ScannedAt: at, Complete: true, Accounts: []string{acct},
		Regions: []string{"eu-west-1", "us-east-1"}, Coverage: []report.Coverage{}}
	r.Tool.Name, r.Tool.Version = "trustmap", "test"
	for _, ep := range eps {
		if ep.Account == "" {
			ep.Account = acct
		}
		if ep.Via == 0 {
			ep.Via = graph.ViaBucketPolicy
		}
		if ep.Severity == "" {
			ep.Severity = results.SevHigh
		}
		r.EntryPoints = append(r.EntryPoints, ep)
		r.Boundaries = append(r.Boundaries, results.Crossing{ID: "BX-" + ep.ID[3:], From: "internet", To: ep.ResourceARN, FromZone: "internet",
			ToZone: "account:" + acct, Kind: graph.EdgeCanRead, Exposure: ep.Exposure, EntryPoint: ep.ID})
		r.Threats = append(r.Threats, results.Threat{ID: "T-" + ep.ID[3:11], Title: "data read from " + ep.ResourceARN, ResourceARN: ep.ResourceARN,
			Likelihood: 4, Impact: 3, Risk: 12, Severity: ep.Severity, EntryPoint: ep.ID})
		r.Findings = append(r.Findings, analyzers.Finding{ID: "TM-EXP-001:" + ep.ID, RuleID: "TM-EXP-001", Title: "exposed", Severity: ep.Severity,
			Resource: ep.ResourceARN, Account: acct, Region: ep.Region, Details: &analyzers.Details{EntryPoint: ep.ID}})
		r.Summary.EntryPoints++
		switch ep.Exposure {
		case policy.Public:
			r.Summary.Public++
		case policy.CrossAccount:
			r.Summary.CrossAccount++
		}
		if !ep.Recognized {
			r.Summary.Unrecognized++
		}
	}
	return r
}

func bucket(name, exposure string, principals ...string) results.EntryPoint {
	id := fmt.Sprintf("EP-%012x", hash(name))
	return results.EntryPoint{ID: id, ResourceARN: "arn:aws:s3:::" + name, ResourceType: "S3Bucket", Region: "us-east-1",
		Exposure: verdictNamed(exposure), Principals: principals, Actions: []string{"s3:GetObject"}}
}

func role(name string, principals ...string) results.EntryPoint {
	return results.EntryPoint{ID: fmt.Sprintf("EP-%012x", hash("role/"+name)), ResourceARN: "arn:aws:iam::" + acct + ":role/" + name,
		ResourceType: "IAMRole", Exposure: policy.CrossAccount, Principals: principals, Actions: []string{"sts:AssumeRole"}, Via: graph.ViaTrustPolicy}
}

func hash(s string) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h & 0xffffffffffff
}

func record(t testing.TB, s Store, r *report.Report) *Scan {
	t.Helper()
	sc, err := s.Record(context.Background(), FromReport(r, RecordOptions{}))
	if err != nil {
		t.Fatalf("recording the scan of %s: %v", r.ScannedAt, err)
	}
	return sc
}

func timeline(t testing.TB, s Store, id string) *Timeline {
	t.Helper()
	tl, err := s.Timeline(context.Background(), id)
	if err != nil {
		t.Fatalf("timeline of %s: %v", id, err)
	}
	return tl
}

// events lists a timeline as "day type" strings.
func events(tl *Timeline) []string {
	var out []string
	for _, e := range tl.Events {
		out = append(out, fmt.Sprintf("%s %s", e.Scan.At.Format("01-02"), e.Type))
	}
	return out
}

func TestAPublicBucketAppearsChangesAndIsResolvedByACompleteScan(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s Store, _ string) {
		logs := bucket("acme-logs", "cross-account", "111122223333")
		other := role("partner", "111122223333")
		record(t, s, scanOf(day(0), other))
		record(t, s, scanOf(day(1), other, logs))
		pub := logs
		pub.Exposure, pub.Principals = policy.Public, []string{"*"}
		record(t, s, scanOf(day(2), other, pub))
		record(t, s, scanOf(day(3), other, pub))
		sc := record(t, s, scanOf(day(4), other))

		tl := timeline(t, s, logs.ID)
		if diff := cmp.Diff([]string{"03-02 appeared", "03-03 changed", "03-05 resolved"}, events(tl)); diff != "" {
			t.Errorf("timeline of the bucket (-want +got):\n%s", diff)
		}
		it := tl.Item
		if it.FirstSeen.At != day(1) || it.LastSeen.At != day(3) || it.TimesSeen != 3 || it.Resolved == nil || it.Resolved.At != day(4) || it.Reopened != 0 {
			t.Errorf("summary: first %v last %v times %d resolved %v reopened %d", it.FirstSeen.At, it.LastSeen.At, it.TimesSeen, it.Resolved, it.Reopened)
		}
		if !strings.Contains(string(tl.Events[1].State), `"exposure":"public"`) || !strings.Contains(string(tl.Events[1].Prev), `"exposure":"cross-account"`) {
			t.Errorf("the change event does not carry both states: %s / %s", tl.Events[1].Prev, tl.Events[1].State)
		}
		if sc.Resolved != 1 || sc.New != 0 {
			t.Errorf("the last scan counts %d new and %d resolved entry points, want 0 and 1", sc.New, sc.Resolved)
		}
		ot := timeline(t, s, other.ID)
		if ot.Item.TimesSeen != 5 || ot.Item.Resolved != nil || len(ot.Events) != 1 {
			t.Errorf("the unchanged role: times seen %d, resolved %v, %d events", ot.Item.TimesSeen, ot.Item.Resolved, len(ot.Events))
		}
		// The crossing, threat and finding of the bucket follow it.
		for _, id := range []string{"BX-" + logs.ID[3:], "T-" + logs.ID[3:11], "TM-EXP-001:" + logs.ID} {
			if tl := timeline(t, s, id); tl.Item.Resolved == nil || tl.Item.Resolved.At != day(4) {
				t.Errorf("%s is not resolved on day 4: %+v", id, tl.Item.Resolved)
			}
		}
	})
}

func TestOnlyACompleteScanWithoutGapsInTheItemsAccountAndRegionResolves(t *testing.T) {
	logs := bucket("acme-logs", "public", "*")
	iamRole := role("partner", "111122223333")
	cases := []struct {
		name    string
		edit    func(r *report.Report, o *RecordOptions)
		resolve bool
	}{
		{"a complete scan resolves", func(*report.Report, *RecordOptions) {}, true},
		{"an incomplete scan does not", func(r *report.Report, _ *RecordOptions) { r.Complete, r.IncompleteReason = false, "interrupted" }, false},
		{"a gap in the bucket's region does not", func(r *report.Report, _ *RecordOptions) {
			r.Coverage = append(r.Coverage, report.Coverage{Account: acct, Service: "s3", Region: "us-east-1", API: "GetBucketPolicy", Status: "denied"})
		}, false},
		{"a global gap of the account does not", func(r *report.Report, _ *RecordOptions) {
			r.Coverage = append(r.Coverage, report.Coverage{Account: acct, Service: "s3", API: "ListBuckets", Status: "throttled"})
		}, false},
		{"a gap in another region does", func(r *report.Report, _ *RecordOptions) {
			r.Coverage = append(r.Coverage, report.Coverage{Account: acct, Service: "sqs", Region: "eu-west-1", API: "ListQueues", Status: "denied"})
		}, true},
		{"a service absent from a region is no gap", func(r *report.Report, _ *RecordOptions) {
			r.Coverage = append(r.Coverage, report.Coverage{Account: acct, Service: "apigatewayv2", Region: "us-east-1", API: "GetApis", Status: "unsupported"})
		}, true},
		{"a scan without the bucket's region does not", func(r *report.Report, _ *RecordOptions) { r.Regions = []string{"eu-west-1"} }, false},
		{"a scan of another account does not", func(r *report.Report, _ *RecordOptions) { r.Accounts = []string{"999999999999"} }, false},
		{"a scan limited to some services does not", func(_ *report.Report, o *RecordOptions) { o.Services = []string{"sqs"} }, false},
	}
	forEachBackend(t, func(t *testing.T, s Store, _ string) {
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				// Each case uses its own bucket, seen on day 10i and then
				// gone from the scan of day 10i+1.
				b := bucket(fmt.Sprintf("case-%d", i), "public", "*")
				record(t, s, scanOf(day(10*i), b, iamRole))
				r := scanOf(day(10*i+1), iamRole)
				o := RecordOptions{}
				c.edit(r, &o)
				if _, err := s.Record(context.Background(), FromReport(r, o)); err != nil {
					t.Fatal(err)
				}
				tl := timeline(t, s, b.ID)
				if got := tl.Item.Resolved != nil; got != c.resolve {
					t.Errorf("resolved = %v, want %v (events %v)", got, c.resolve, events(tl))
				}
				// Seen again, complete: it is back in every case.
				record(t, s, scanOf(day(10*i+2), iamRole))
			})
		}
		_ = logs
	})
}

func TestAnEntryPointThatComesBackIsReopenedAndCountedAsNew(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s Store, _ string) {
		b := bucket("flappy", "public", "*")
		r := role("partner", "111122223333")
		record(t, s, scanOf(day(0), b, r))
		record(t, s, scanOf(day(1), r))
		sc := record(t, s, scanOf(day(2), b, r))
		tl := timeline(t, s, b.ID)
		if diff := cmp.Diff([]string{"03-01 appeared", "03-02 resolved", "03-03 reopened"}, events(tl)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if tl.Item.Reopened != 1 || tl.Item.Resolved != nil || tl.Item.FirstSeen.At != day(0) || tl.Item.TimesSeen != 2 {
			t.Errorf("summary %+v", tl.Item)
		}
		if sc.New != 1 {
			t.Errorf("the scan that saw it come back counts %d new entry points, want 1", sc.New)
		}
		a, err := s.AsOf(context.Background(), sc.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		h := ReportHistory(a, s.Backend())
		if len(h.New) == 0 || h.New[0].ID != b.ID || !h.New[0].Reopened {
			t.Errorf("history.new = %+v, want the reopened bucket first", h.New)
		}
	})
}

// history is every item's summary and timeline, for comparing stores.
func history(t testing.TB, s Store, ids []string) map[string]*Timeline {
	out := map[string]*Timeline{}
	for _, id := range ids {
		tl, err := s.Timeline(context.Background(), id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		tl.Item.State = nil
		out[id] = tl
	}
	return out
}

// aWeek is seven daily scans with changes every day, gaps and an
// incomplete scan among them.
func aWeek() ([]*report.Report, []string) {
	a, b, c := bucket("a", "public", "*"), bucket("b", "cross-account", "111122223333"), role("r", "444455556666")
	b2 := b
	b2.Principals = []string{"111122223333", "777788889999"}
	days := [][]results.EntryPoint{{a, c}, {a, b, c}, {b2, c}, {b2}, {a, b2, c}, {a, c}, {c}}
	var rs []*report.Report
	for i, eps := range days {
		r := scanOf(day(i), eps...)
		if i == 3 {
			r.Complete, r.IncompleteReason = false, "timeout"
		}
		if i == 5 {
			r.Coverage = []report.Coverage{{Account: acct, Service: "iam", API: "GetAccountAuthorizationDetails", Status: "denied"}}
		}
		rs = append(rs, r)
	}
	var ids []string
	for _, ep := range []results.EntryPoint{a, b, c} {
		ids = append(ids, ep.ID, "BX-"+ep.ID[3:], "T-"+ep.ID[3:11], "TM-EXP-001:"+ep.ID)
	}
	return rs, ids
}

func TestScansRecordedInAnyOrderGiveTheSameHistory(t *testing.T) {
	rs, ids := aWeek()
	forEachBackend(t, func(t *testing.T, _ Store, _ string) {
		var b backend
		for _, x := range backends(t) {
			if strings.HasPrefix(t.Name(), "TestScansRecordedInAnyOrderGiveTheSameHistory/"+x.name) {
				b = x
			}
		}
		inOrder, _ := b.open(t)
		for _, r := range rs {
			record(t, inOrder, r)
		}
		want := history(t, inOrder, ids)
		rng := rand.New(rand.NewPCG(1, 2))
		for trial := range 3 {
			s, _ := b.open(t)
			order := rng.Perm(len(rs))
			for _, i := range order {
				record(t, s, rs[i])
			}
			if diff := cmp.Diff(want, history(t, s, ids)); diff != "" {
				t.Errorf("trial %d, order %v (-in order +this order):\n%s", trial, order, diff)
			}
		}
		// Recording a scan again replaces it: nothing is counted twice.
		record(t, inOrder, rs[2])
		record(t, inOrder, rs[6])
		if diff := cmp.Diff(want, history(t, inOrder, ids)); diff != "" {
			t.Errorf("after recording two scans again (-before +after):\n%s", diff)
		}
		ss, err := inOrder.Scans(context.Background(), ScanQuery{})
		if err != nil || len(ss) != len(rs) {
			t.Errorf("%d scans listed (err %v), want %d", len(ss), err, len(rs))
		}
	})
}

func TestPruneKeepsFirstSeenCountsAndOpenState(t *testing.T) {
	rs, ids := aWeek()
	forEachBackend(t, func(t *testing.T, s Store, _ string) {
		for _, r := range rs {
			record(t, s, r)
		}
		before := history(t, s, ids)
		res, err := s.Prune(context.Background(), day(4))
		if err != nil {
			t.Fatal(err)
		}
		if res.Scans != 4 {
			t.Errorf("pruned %d scans, want 4", res.Scans)
		}
		ss, _ := s.Scans(context.Background(), ScanQuery{})
		if len(ss) != 3 || ss[len(ss)-1].ScannedAt != day(4) {
			t.Errorf("kept %d scans", len(ss))
		}
		after := history(t, s, ids)
		for _, id := range ids {
			if diff := cmp.Diff(before[id].Item, after[id].Item); diff != "" {
				t.Errorf("%s: summary changed by pruning (-before +after):\n%s", id, diff)
			}
		}
		// A late scan after the cut still folds onto the baseline...
		b := bucket("late", "public", "*")
		r := scanOf(day(4).Add(time.Hour), b, role("r", "444455556666"))
		record(t, s, r)
		for _, id := range ids {
			if diff := cmp.Diff(before[id].Item.FirstSeen, timeline(t, s, id).Item.FirstSeen); diff != "" {
				t.Errorf("%s: first seen moved after a late scan: %s", id, diff)
			}
		}
		// ...but one from before the cut cannot be placed.
		if _, err := s.Record(context.Background(), FromReport(scanOf(day(1).Add(time.Hour), b), RecordOptions{})); err == nil {
			t.Error("a scan older than the pruned history was accepted")
		}
	})
}

func TestHistoryAsOfAScanGivesNewResolvedAgesAndTrend(t *testing.T) {
	rs, _ := aWeek()
	forEachBackend(t, func(t *testing.T, s Store, _ string) {
		var scans []*Scan
		for _, r := range rs {
			scans = append(scans, record(t, s, r))
		}
		a, err := s.AsOf(context.Background(), scans[4].ID, 3)
		if err != nil {
			t.Fatal(err)
		}
		h := ReportHistory(a, s.Backend())
		if h.PreviousScan == nil || h.PreviousScan.ID != scans[3].ID || h.ScansRecorded != 5 {
			t.Errorf("previous %+v, recorded %d", h.PreviousScan, h.ScansRecorded)
		}
		var newEPs []string
		for _, it := range h.New {
			if it.Kind == string(KindEntryPoint) {
				newEPs = append(newEPs, it.Subject)
			}
		}
		// Day 4 (03-05): "a" is back (resolved on day 2); "r" was not
		// resolved by the incomplete day 3, so it is not new.
		if diff := cmp.Diff([]string{"arn:aws:s3:::a via bucket-policy"}, newEPs); diff != "" {
			t.Errorf("new entry points (-want +got):\n%s", diff)
		}
		if len(h.Trend) != 1 || len(h.Trend[0].Points) != 3 || h.Trend[0].Points[2].ScanID != scans[4].ID || h.Trend[0].Points[2].EntryPoints != 3 {
			t.Errorf("trend %+v", h.Trend)
		}
		for _, ep := range h.EntryPoints {
			if ep.FirstSeen != day(0) && ep.FirstSeen != day(1) {
				t.Errorf("%s first seen %v", ep.ID, ep.FirstSeen)
			}
			if want := int(day(4).Sub(ep.FirstSeen).Hours() / 24); ep.AgeDays != want {
				t.Errorf("%s age %d, want %d", ep.ID, ep.AgeDays, want)
			}
		}
		// Day 6: "a" resolved (complete, no gap).
		a6, _ := s.AsOf(context.Background(), scans[6].ID, 30)
		var resolved []string
		for _, it := range ReportHistory(a6, s.Backend()).Resolved {
			resolved = append(resolved, it.Kind+" "+it.ID)
		}
		ea := bucket("a", "", "").ID
		eb := bucket("b", "", "").ID
		// "b" too: gone since day 5, whose IAM gap (global, so the whole
		// account) kept it from being resolved there.
		want := []string{"entry_point " + ea, "entry_point " + eb, "crossing BX-" + ea[3:], "crossing BX-" + eb[3:],
			"threat T-" + ea[3:11], "threat T-" + eb[3:11], "finding TM-EXP-001:" + ea, "finding TM-EXP-001:" + eb}
		if diff := cmp.Diff(want, resolved); diff != "" {
			t.Errorf("resolved on day 6 (-want +got):\n%s", diff)
		}
	})
}

func TestFindScanTakesLastADateOrAnID(t *testing.T) {
	rs, _ := aWeek()
	forEachBackend(t, func(t *testing.T, s Store, _ string) {
		var ids []string
		for _, r := range rs {
			ids = append(ids, record(t, s, r).ID)
		}
		for ref, want := range map[string]string{"last": ids[6], "previous": ids[5], "2026-03-03": ids[2], day(4).Format(time.RFC3339): ids[4], ids[1]: ids[1]} {
			sc, err := s.FindScan(context.Background(), ref)
			if err != nil || sc.ID != want {
				t.Errorf("FindScan(%q) = %v, %v; want %s", ref, sc, err, want)
			}
		}
		if _, err := s.FindScan(context.Background(), "2020-01-01"); err == nil {
			t.Error("a date before every scan found one")
		}
		if _, err := s.FindScan(context.Background(), "S-000000000000"); err == nil {
			t.Error("an unknown id found a scan")
		}
		complete, _ := s.Scans(context.Background(), ScanQuery{CompleteOnly: true, Before: day(4)})
		if len(complete) != 3 || complete[0].ID != ids[2] {
			t.Errorf("the last complete scan before day 4 is not day 2: %v", complete)
		}
	})
}

func TestAScanRebuiltFromTheStoreDiffsLikeTheOriginal(t *testing.T) {
	rs, _ := aWeek()
	forEachBackend(t, func(t *testing.T, s Store, _ string) {
		var scans []*Scan
		for _, r := range rs[:3] {
			scans = append(scans, record(t, s, r))
		}
		rebuilt := func(sc *Scan) *report.Report {
			items, err := s.Items(context.Background(), sc.ID)
			if err != nil {
				t.Fatal(err)
			}
			r, err := ToReport(sc, items)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		want := report.Diff(rs[1], rs[2])
		got := report.Diff(rebuilt(scans[1]), rebuilt(scans[2]))
		if diff := cmp.Diff(want.Regressions, got.Regressions); diff != "" {
			t.Errorf("regressions (-from the reports +from the store):\n%s", diff)
		}
		if diff := cmp.Diff(want.EntryPoints.Changed, got.EntryPoints.Changed); diff != "" {
			t.Errorf("changed entry points (-from the reports +from the store):\n%s", diff)
		}
		if len(got.EntryPoints.Removed) != 1 || len(got.Findings.Removed) != 1 {
			t.Errorf("removed: %d entry points, %d findings", len(got.EntryPoints.Removed), len(got.Findings.Removed))
		}
	})
}

func TestAStoreWrittenByANewerTrustmapIsRefused(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s Store, loc string) {
		raw := s.(*sqlStore).db
		if _, err := raw.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)", SchemaVersion()+1); err != nil {
			t.Fatal(err)
		}
		_, err := Open(context.Background(), loc)
		if err == nil || !strings.Contains(err.Error(), "newer trustmap") || !strings.Contains(err.Error(), fmt.Sprintf("version %d", SchemaVersion()+1)) {
			t.Errorf("Open = %v, want a clear refusal", err)
		}
	})
}

func TestBothBackendsHaveTheSameSchema(t *testing.T) {
	cols := map[string][]string{}
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			db := s.(*sqlStore).db
			var q string
			if b.name == "sqlite" {
				q = `SELECT m.name || '.' || p.name || ' ' || lower(p.type) FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' AND m.name <> 'goose_db_version'`
			} else {
				q = `SELECT table_name || '.' || column_name || ' ' || CASE data_type WHEN 'bigint' THEN 'bigint' WHEN 'text' THEN 'text' WHEN 'boolean' THEN 'boolean' WHEN 'bytea' THEN 'bytea' ELSE data_type END
					FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`
			}
			rows, err := db.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var c string
				rows.Scan(&c)
				got = append(got, c)
			}
			slices.Sort(got)
			cols[b.name] = got
		})
	}
	if len(cols) == 2 {
		if diff := cmp.Diff(cols["sqlite"], cols["postgres"]); diff != "" {
			t.Errorf("schemas differ (-sqlite +postgres):\n%s", diff)
		}
	}
}

func TestTheSQLiteFileIsOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "history.db")
	s := mustOpen(t, path)
	record(t, s, scanOf(day(0), bucket("a", "public", "*")))
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(f)
		if err != nil {
			if f == path {
				t.Fatal(err)
			}
			continue
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(f), st.Mode().Perm())
		}
	}
	if st, _ := os.Stat(filepath.Dir(path)); st.Mode().Perm() != 0o700 {
		t.Errorf("the store's directory has mode %v, want 0700", st.Mode().Perm())
	}
}

func TestDescribeHidesThePassword(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://tm:s3cret@db:5432/hist":          "postgres://tm:xxxxx@db:5432/hist",
		"postgres://db/hist?user=tm&password=s3cret": "postgres://db/hist?password=xxxxx&user=tm",
		"sqlite:/var/lib/trustmap/history.db":        "/var/lib/trustmap/history.db",
		"/home/a/.local/share/trustmap/history.db":   "/home/a/.local/share/trustmap/history.db",
	} {
		if got := Describe(in); got != want || strings.Contains(got, "s3cret") {
			t.Errorf("Describe(%q) = %q, want %q", in, got, want)
		}
	}
}

// verdictNamed is the verdict of a name the test spells.
func verdictNamed(name string) policy.Verdict {
	v, err := policy.VerdictNamed(name)
	if err != nil {
		panic(err)
	}
	return v
}

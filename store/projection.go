package store

// This is the one file of the store that knows report.json's types: it
// projects a report into the rows the store keeps, and the store's rows
// back into report types (a past scan's report for `diff --since`, the
// history section of a new report). It names no analyzer type, only the
// report's fields, so the move of those types to another package leaves
// it unchanged.

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trustmap/trustmap/policy"
	"github.com/trustmap/trustmap/report"
)

// RecordOptions is what a report does not say about its scan.
type RecordOptions struct {
	StartedAt time.Time // zero when unknown
	Services  []string  // --services; nil for all
	Snapshot  []byte    // gzip-compressed snapshot.json, with --store-snapshots
}

// ScanID is a scan's id in the store: derived from its time, accounts and
// regions, so recording the same scan again (analyze on its snapshot)
// replaces it instead of counting it twice.
func ScanID(r *report.Report) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s", r.ScannedAt.UTC().Format(time.RFC3339Nano), strings.Join(r.Accounts, ","), strings.Join(r.Regions, ","))
	return "S-" + hex.EncodeToString(h.Sum(nil))[:12]
}

type scope struct{ account, region string }

// arnScope reads the account and region fields of an ARN.
func arnScope(arn string) scope {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 6 || p[0] != "arn" {
		return scope{}
	}
	return scope{account: p[4], region: p[3]}
}

// canonical marshals a state deterministically (struct fields in order,
// map keys sorted).
func canonical(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: a report item does not marshal: %v", err)) // report types always do
	}
	return b
}

func zero[T any](T) T {
	var z T
	return z
}

func sorted(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}

// FromReport projects a report into the record of its scan. Each item
// keeps the fields history and `diff` judge (exposure, principals,
// actions, severity, risk, recognized, suppressed, and what identifies it
// for people); evidence, attack trees and fixes stay in the report files.
func FromReport(r *report.Report, o RecordOptions) *Record {
	rec := &Record{
		ID: ScanID(r), ScannedAt: r.ScannedAt, StartedAt: o.StartedAt, Complete: r.Complete, IncompleteReason: r.IncompleteReason,
		ToolName: r.Tool.Name, ToolVersion: r.Tool.Version, ReportSchema: r.SchemaVersion,
		Accounts: sorted(r.Accounts), Regions: sorted(r.Regions), Services: sorted(o.Services), Snapshot: o.Snapshot,
	}
	if len(rec.Services) == 0 {
		rec.Services = nil
	}
	s := r.Summary
	rec.Counts = Counts{Resources: s.Resources, EntryPoints: len(r.EntryPoints), Public: s.Public, CrossAccount: s.CrossAccount,
		Unrecognized: s.Unrecognized, Crossings: len(r.Boundaries), UnrecognizedCrossings: s.UnrecognizedCross, Threats: len(r.Threats),
		Findings: len(r.Findings), AttackPaths: len(r.AttackPaths), CoverageGaps: len(r.Coverage), HighestSeverity: s.HighestSeverity}
	for _, g := range r.Coverage {
		rec.Gaps = append(rec.Gaps, Gap{Account: g.Account, Region: g.Region, Service: g.Service, API: g.API, Resource: g.Resource, Status: g.Status, Error: g.Error})
	}

	// Each item's account and region: an entry point's own; a crossing's,
	// threat's or finding's those of the entry point or crossing it
	// belongs to, else of the resource it names.
	whole := strings.Join(rec.Accounts, ",")
	fill := func(sc scope) scope {
		if sc.account == "" {
			sc.account = whole
		}
		return sc
	}
	byResource, byEP, byBX := map[string]scope{}, map[string]scope{}, map[string]scope{}
	resource := func(arn string) scope {
		if sc, ok := byResource[arn]; ok {
			return sc
		}
		return arnScope(arn)
	}
	perAccount := map[string]*AccountCounts{}
	for _, a := range rec.Accounts {
		perAccount[a] = &AccountCounts{Account: a}
	}
	for _, ep := range r.EntryPoints {
		sc := fill(scope{ep.Account, ep.Region})
		byEP[ep.ID], byResource[ep.ResourceARN] = sc, sc
		if c := perAccount[ep.Account]; c != nil {
			c.EntryPoints++
			switch ep.Exposure {
			case policy.Public:
				c.Public++
			case policy.CrossAccount:
				c.CrossAccount++
			}
			if !ep.Recognized {
				c.Unrecognized++
			}
		}
		st := ep
		st.Principals, st.Actions = sorted(ep.Principals), sorted(ep.Actions)
		st.Zones, st.Access, st.Guards, st.Evidence = zero(ep.Zones), zero(ep.Access), zero(ep.Guards), zero(ep.Evidence)
		rec.Items = append(rec.Items, Item{Kind: KindEntryPoint, ID: ep.ID, Account: sc.account, Region: sc.region,
			Subject: fmt.Sprintf("%s via %s", ep.ResourceARN, ep.Via), State: canonical(st)})
	}
	for _, c := range r.Boundaries {
		sc, ok := byEP[c.EntryPoint]
		if !ok {
			sc = resource(c.To)
			if sc.account == "" {
				sc = resource(c.From)
			}
			sc = fill(sc)
		}
		byBX[c.ID] = sc
		st := c
		st.Actions, st.Conditions, st.Guards, st.Grants, st.Evidence = sorted(c.Actions), nil, zero(c.Guards), zero(c.Grants), zero(c.Evidence)
		rec.Items = append(rec.Items, Item{Kind: KindCrossing, ID: c.ID, Account: sc.account, Region: sc.region,
			Subject: fmt.Sprintf("%s —%s→ %s", c.From, c.Kind, c.To), State: canonical(st)})
	}
	for _, t := range r.Threats {
		sc, ok := byEP[t.EntryPoint]
		if !ok {
			sc = fill(resource(t.ResourceARN))
		}
		st := t
		st.AttackTree, st.Mitigations, st.References, st.Reasons = nil, nil, nil, zero(t.Reasons)
		rec.Items = append(rec.Items, Item{Kind: KindThreat, ID: t.ID, Account: sc.account, Region: sc.region, Subject: t.Title, State: canonical(st)})
	}
	for _, f := range r.Findings {
		ep, bx := f.EntryPointID(), f.CrossingID()
		sc, ok := byEP[ep]
		if !ok {
			sc, ok = byBX[bx]
		}
		if !ok {
			if f.Account != "" {
				sc = scope{f.Account, f.Region}
			} else {
				sc = fill(resource(f.Resource))
			}
		}
		st := f
		st.Evidence, st.Message, st.Remediation = zero(f.Evidence), "", ""
		rec.Items = append(rec.Items, Item{Kind: KindFinding, ID: f.ID, Account: sc.account, Region: sc.region,
			Subject: f.Title + " on " + f.Resource, State: canonical(st)})
	}
	for _, a := range rec.Accounts {
		rec.AccountCounts = append(rec.AccountCounts, *perAccount[a])
	}
	return rec
}

func decodeInto[T any](dst *[]T, b []byte) error {
	var x T
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*dst = append(*dst, x)
	return nil
}

// ToReport rebuilds the report of a recorded scan from what the store
// keeps: enough for `diff` and `--fail-on-new` (which judge exactly the
// fields kept), not for the human formats.
func ToReport(sc *Scan, items []Item) (*report.Report, error) {
	r := &report.Report{
		SchemaVersion: sc.ReportSchema, ScannedAt: sc.ScannedAt, Complete: sc.Complete, IncompleteReason: sc.IncompleteReason,
		Accounts: sc.Accounts, Regions: sc.Regions, Coverage: []report.Coverage{},
	}
	r.Tool.Name, r.Tool.Version = sc.ToolName, sc.ToolVersion
	c := sc.Counts
	r.Summary = report.Summary{Resources: c.Resources, EntryPoints: c.EntryPoints, Public: c.Public, CrossAccount: c.CrossAccount,
		Unrecognized: c.Unrecognized, Crossings: c.Crossings, UnrecognizedCross: c.UnrecognizedCrossings, Threats: c.Threats,
		AttackPaths: c.AttackPaths, CoverageGaps: c.CoverageGaps, HighestSeverity: c.HighestSeverity, BySeverity: map[string]int{}}
	r.EntryPoints, r.Boundaries, r.Threats, r.Findings = r.EntryPoints[:0], r.Boundaries[:0], r.Threats[:0], r.Findings[:0]
	for _, it := range items {
		var err error
		switch it.Kind {
		case KindEntryPoint:
			err = decodeInto(&r.EntryPoints, it.State)
		case KindCrossing:
			err = decodeInto(&r.Boundaries, it.State)
		case KindThreat:
			err = decodeInto(&r.Threats, it.State)
		case KindFinding:
			err = decodeInto(&r.Findings, it.State)
		}
		if err != nil {
			return nil, fmt.Errorf("scan %s, %s %s: %w", sc.ID, it.Kind, it.ID, err)
		}
	}
	return r, nil
}

// Detail describes an item's state in a few words, for lists of what
// appeared or was resolved.
func Detail(kind Kind, state []byte) string {
	var m map[string]any
	if json.Unmarshal(state, &m) != nil {
		return ""
	}
	str := func(k string) string { s, _ := m[k].(string); return s }
	list := func(k string) string {
		xs, _ := m[k].([]any)
		var ss []string
		for _, x := range xs {
			ss = append(ss, fmt.Sprint(x))
		}
		return strings.Join(ss, ", ")
	}
	switch kind {
	case KindEntryPoint:
		return fmt.Sprintf("%s %s via %s for %s", str("severity"), str("exposure"), str("via"), list("principals"))
	case KindCrossing:
		return fmt.Sprintf("%s → %s (%s)", str("from_zone"), str("to_zone"), str("exposure"))
	case KindThreat:
		return fmt.Sprintf("risk %v %s", m["risk"], str("severity"))
	case KindFinding:
		return fmt.Sprintf("%s %s", str("severity"), str("rule_id"))
	}
	return ""
}

// ReportHistory turns the history as of a scan into the report's history
// section.
func ReportHistory(a *AsOf, backend string) *report.History {
	h := &report.History{Store: backend, ScanID: a.Scan.ID, ScansRecorded: a.Recorded,
		New: []report.HistoryItem{}, Resolved: []report.HistoryItem{}, EntryPoints: []report.EntryPointAge{}, Trend: []report.AccountTrend{}}
	if p := a.Previous; p != nil {
		h.PreviousScan = &report.HistoryScan{ID: p.ID, ScannedAt: p.ScannedAt, Complete: p.Complete}
	}
	item := func(it ItemSummary) report.HistoryItem {
		return report.HistoryItem{Kind: string(it.Kind), ID: it.ID, Subject: it.Subject, Detail: Detail(it.Kind, it.State), Account: it.Account,
			Region: it.Region, FirstSeen: it.FirstSeen.At, LastSeen: it.LastSeen.At, Reopened: it.Event == EventReopened}
	}
	order := func(a, b report.HistoryItem) int {
		return cmp.Or(cmp.Compare(kindRank(Kind(a.Kind)), kindRank(Kind(b.Kind))), cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.ID, b.ID))
	}
	// Without a previous scan everything is new; the list would only
	// repeat the report, so it stays empty (previous_scan is absent).
	for _, it := range a.New {
		if a.Previous != nil {
			h.New = append(h.New, item(it))
		}
	}
	for _, it := range a.Resolved {
		h.Resolved = append(h.Resolved, item(it))
	}
	slices.SortFunc(h.New, order)
	slices.SortFunc(h.Resolved, order)
	for _, it := range a.Seen {
		if it.Kind != KindEntryPoint {
			continue
		}
		h.EntryPoints = append(h.EntryPoints, report.EntryPointAge{ID: it.ID, FirstSeen: it.FirstSeen.At, FirstSeenScan: it.FirstSeen.ID,
			AgeDays: max(0, int(a.Scan.ScannedAt.Sub(it.FirstSeen.At)/(24*time.Hour))), Reopened: it.Reopened})
	}
	slices.SortFunc(h.EntryPoints, func(x, y report.EntryPointAge) int { return cmp.Compare(x.ID, y.ID) })
	var accounts []string
	for acct := range a.Trend {
		accounts = append(accounts, acct)
	}
	slices.Sort(accounts)
	for _, acct := range accounts {
		t := report.AccountTrend{Account: acct, Points: []report.TrendPoint{}}
		for _, p := range a.Trend[acct] {
			t.Points = append(t.Points, report.TrendPoint{ScanID: p.Scan.ID, ScannedAt: p.Scan.At, Complete: p.Complete,
				EntryPoints: p.EntryPoints, Public: p.Public, CrossAccount: p.CrossAccount, Unrecognized: p.Unrecognized})
		}
		h.Trend = append(h.Trend, t)
	}
	return h
}

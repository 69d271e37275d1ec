package report

import "time"

// This file holds the scan-history part of the report: the History
// section of report.json (schema 1.2) and its Markdown view (the HTML view
// is report/html/history.go). The
// history comes in with the Report (cmd fills it from the store); writers
// never read a store.

// History is what the history store says about this scan: the scan before
// it, what is new and what was resolved since, how old each entry point
// is, and each account's trend.
type History struct {
	// Store is the backend that keeps the history: sqlite or postgres.
	Store string `json:"store"`
	// ScanID is this scan's id in the store.
	ScanID string `json:"scan_id"`
	// ScansRecorded counts the scans in the store up to this one.
	ScansRecorded int `json:"scans_recorded"`
	// PreviousScan is the last scan before this one of any of its
	// accounts; absent for the first.
	PreviousScan *HistoryScan `json:"previous_scan,omitempty"`
	// New lists what appeared, or came back, since the previous scan
	// (empty for the first scan, when everything is new).
	New []HistoryItem `json:"new"`
	// Resolved lists what this scan resolved: seen before, absent now, in
	// a complete scan with no coverage gap in its account and region.
	Resolved []HistoryItem `json:"resolved"`
	// EntryPoints gives the first-seen date and age of every entry point
	// of this report.
	EntryPoints []EntryPointAge `json:"entry_points"`
	// Trend gives each account's entry-point counts over its last scans,
	// oldest first.
	Trend []AccountTrend `json:"trend"`
}

// HistoryScan names a recorded scan.
type HistoryScan struct {
	ID        string    `json:"id"`
	ScannedAt time.Time `json:"scanned_at"`
	Complete  bool      `json:"complete"`
}

// HistoryItem is an item that appeared or was resolved.
type HistoryItem struct {
	Kind      string    `json:"kind"` // entry_point, crossing, threat, finding
	ID        string    `json:"id"`
	Subject   string    `json:"subject"`
	Detail    string    `json:"detail,omitempty"`
	Account   string    `json:"account,omitempty"`
	Region    string    `json:"region,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// Reopened is true for an item that had been resolved and is back.
	Reopened bool `json:"reopened,omitempty"`
}

// EntryPointAge is the history of one entry point of this report.
type EntryPointAge struct {
	ID            string    `json:"id"`
	FirstSeen     time.Time `json:"first_seen"`
	FirstSeenScan string    `json:"first_seen_scan"`
	AgeDays       int       `json:"age_days"`
	// Reopened counts the times it came back after being resolved.
	Reopened int `json:"reopened"`
}

// AccountTrend is one account's entry points over its last scans.
type AccountTrend struct {
	Account string       `json:"account"`
	Points  []TrendPoint `json:"points"`
}

// TrendPoint is one scan's entry-point counts for one account.
type TrendPoint struct {
	ScanID       string    `json:"scan_id"`
	ScannedAt    time.Time `json:"scanned_at"`
	Complete     bool      `json:"complete"`
	EntryPoints  int       `json:"entry_points"`
	Public       int       `json:"public"`
	CrossAccount int       `json:"cross_account"`
	Unrecognized int       `json:"unrecognized"`
}

// writeHistoryMarkdown writes report.md's history section: what is new and
// what was resolved since the previous scan, how old each entry point is,
// and each account's trend.
func writeHistoryMarkdown(p *printer, r *Report) {
	h := r.History
	if h == nil {
		return
	}
	p.f("\n## Since the last scan\n\n")
	p.f("Scan %s, scan %d in the %s history store. ", h.ScanID, h.ScansRecorded, h.Store)
	if h.PreviousScan == nil {
		p.f("It is the first scan of these accounts the store holds: everything it found is new, and nothing can have been resolved.\n")
	} else {
		p.f("Previous scan: %s of %s (%s).\n", h.PreviousScan.ID, h.PreviousScan.ScannedAt.UTC().Format("2006-01-02 15:04 UTC"), completeWord(h.PreviousScan.Complete))
		for _, sec := range []struct {
			title string
			items []HistoryItem
			none  string
		}{
			{"New since the last scan", h.New, "Nothing new."},
			{"Resolved since the last scan", h.Resolved, "Nothing resolved. Only a complete scan with no coverage gap in an item's account and region resolves it."},
		} {
			p.f("\n### %s (%d)\n\n", sec.title, len(sec.items))
			if len(sec.items) == 0 {
				p.f("%s\n", sec.none)
				continue
			}
			p.f("| Kind | Id | Subject | Detail | First seen |\n|---|---|---|---|---|\n")
			for _, it := range sec.items {
				detail := it.Detail
				if it.Reopened {
					detail += " (back after being resolved)"
				}
				p.f("| %s | %s | %s | %s | %s |\n", KindWord(it.Kind), it.ID, code(it.Subject), md(detail), it.FirstSeen.UTC().Format("2006-01-02"))
			}
		}
	}
	if len(h.EntryPoints) > 0 {
		arn := map[string]string{}
		for _, ep := range r.EntryPoints {
			arn[ep.ID] = ep.ResourceARN + " via " + ep.Via.String()
		}
		p.f("\n### Age of the entry points\n\n| Entry point | Resource | First seen | Age (days) | Reopened |\n|---|---|---|---|---|\n")
		for _, a := range h.EntryPoints {
			p.f("| %s | %s | %s | %d | %d |\n", a.ID, code(arn[a.ID]), a.FirstSeen.UTC().Format("2006-01-02"), a.AgeDays, a.Reopened)
		}
	}
	for _, t := range h.Trend {
		p.f("\n### Trend of %s\n\n| Scan | Scanned at | Entry points | Public | Cross-account | Unrecognized |\n|---|---|---|---|---|---|\n", t.Account)
		for _, pt := range t.Points {
			note := ""
			if !pt.Complete {
				note = " (incomplete)"
			}
			p.f("| %s | %s%s | %d | %d | %d | %d |\n", pt.ScanID, pt.ScannedAt.UTC().Format("2006-01-02 15:04"), note, pt.EntryPoints, pt.Public, pt.CrossAccount, pt.Unrecognized)
		}
	}
}

func completeWord(c bool) string {
	if c {
		return "complete"
	}
	return "incomplete"
}

// KindWord names an item kind of the history for people.
func KindWord(k string) string {
	switch k {
	case "entry_point":
		return "entry point"
	case "crossing":
		return "boundary crossing"
	}
	return k
}

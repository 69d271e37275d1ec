package report

import "time"

// This file holds the scan-history part of the report: the History
// section of report.json (schema 1.1) and its Markdown and HTML views. The
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
	// New lists what appeared, or came back, since the previous scan.
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

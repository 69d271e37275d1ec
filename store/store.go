// Package store keeps the history of scans: what each scan saw, and for
// every stable id (entry points, trust-boundary crossings, threats,
// findings) when it was first and last seen, how often, when it was
// resolved and whether it came back.
//
// One interface, two backends on the same schema (migrations/): SQLite,
// embedded and the default (a pure-Go driver, so building trustmap needs no
// C toolchain), and PostgreSQL for teams. Each scan is written in one
// transaction, so a scan killed mid-write leaves the store as it was, and
// writers are serialised (SQLite's write lock, a PostgreSQL advisory lock),
// so overlapping scheduled runs both land.
//
// Only a complete scan that covered an item's account and region, with
// every service and no coverage gap there, resolves it: an incomplete scan,
// a scan limited to some services, or a gap never resolves anything.
//
// The store depends on report types in one file only (projection.go).
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind is the kind of an item with a stable id.
type Kind string

// The kinds of items the store follows.
const (
	KindEntryPoint Kind = "entry_point"
	KindCrossing   Kind = "crossing"
	KindThreat     Kind = "threat"
	KindFinding    Kind = "finding"
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{KindEntryPoint, KindCrossing, KindThreat, KindFinding}

// Record is one scan as the store takes it (FromReport builds it).
type Record struct {
	ID               string
	ScannedAt        time.Time // when collection finished (report.json scanned_at)
	StartedAt        time.Time // when collection started; zero when unknown (analyze)
	Complete         bool
	IncompleteReason string
	ToolName         string
	ToolVersion      string
	ReportSchema     string
	Accounts         []string
	Regions          []string
	// Services the scan was limited to (--services); nil means every
	// service. A limited scan never resolves anything.
	Services      []string
	Counts        Counts
	AccountCounts []AccountCounts
	Gaps          []Gap
	Items         []Item
	// Snapshot is the gzip-compressed snapshot.json, kept only with
	// --store-snapshots.
	Snapshot []byte
}

// Counts are the headline numbers of one scan.
type Counts struct {
	Resources             int
	EntryPoints           int
	Public                int
	CrossAccount          int
	Unrecognized          int
	Crossings             int
	UnrecognizedCrossings int
	Threats               int
	Findings              int
	AttackPaths           int
	CoverageGaps          int
	HighestSeverity       string
}

// AccountCounts are one account's entry-point counts in one scan: the
// points of its trend.
type AccountCounts struct {
	Account      string
	EntryPoints  int
	Public       int
	CrossAccount int
	Unrecognized int
}

// Gap is a coverage gap of a scan.
type Gap struct {
	Account, Region, Service, API, Resource, Status, Error string
}

// Item is one stable id's state in one scan. State is its canonical JSON
// (projection.go): two scans that saw the same state share one row.
type Item struct {
	Kind    Kind
	ID      string
	Account string // comma-separated when the item belongs to several accounts
	Region  string // "" for global resources
	Subject string // what it is about, for people
	State   []byte
}

// Scan is a recorded scan.
type Scan struct {
	ID               string
	ScannedAt        time.Time
	StartedAt        time.Time // zero when unknown
	RecordedAt       time.Time
	Complete         bool
	IncompleteReason string
	ToolName         string
	ToolVersion      string
	ReportSchema     string
	Accounts         []string
	Regions          []string
	Services         []string
	Counts           Counts
	AccountCounts    []AccountCounts
	// New and Resolved count the entry points that appeared (or came
	// back) and were resolved in this scan.
	New, Resolved int
	HasSnapshot   bool
}

// ScanRef names a scan and its time.
type ScanRef struct {
	ID string
	At time.Time
}

// ItemSummary is the derived history of one stable id.
type ItemSummary struct {
	Kind      Kind
	ID        string
	Account   string
	Region    string
	Subject   string
	FirstSeen ScanRef
	LastSeen  ScanRef
	TimesSeen int
	Resolved  *ScanRef // nil while open
	Reopened  int
	State     []byte // the state it was last seen in
	// Event is what happened to it in the scan of an AsOf (New, Resolved).
	Event EventType
}

// EventType is what happened to an item in a scan.
type EventType string

// Event types.
const (
	EventAppeared EventType = "appeared"
	EventChanged  EventType = "changed"
	EventResolved EventType = "resolved"
	EventReopened EventType = "reopened"
)

// Event is one change in an item's history.
type Event struct {
	Scan  ScanRef
	Type  EventType
	State []byte // the state seen (for resolved: the last state seen)
	Prev  []byte // the state before, for changed and reopened
}

// Timeline is an item's history.
type Timeline struct {
	Item   ItemSummary
	Events []Event
}

// ScanQuery selects scans, newest first.
type ScanQuery struct {
	Account string    // only scans of this account
	Before  time.Time // only scans strictly before this time
	Limit   int       // 0: all
	// CompleteOnly selects complete scans that were not limited to some
	// services.
	CompleteOnly bool
}

// AsOf is what the report of one scan says about history: the scan before
// it, what appeared and what was resolved in it, the first-seen dates of
// its items, and each account's trend.
type AsOf struct {
	Scan     Scan
	Previous *Scan
	Recorded int // scans in the store up to and including this one
	New      []ItemSummary
	Resolved []ItemSummary
	Seen     []ItemSummary // every item of this scan
	Trend    map[string][]TrendPoint
}

// TrendPoint is one scan's entry-point counts for one account.
type TrendPoint struct {
	Scan     ScanRef
	Complete bool
	AccountCounts
}

// PruneResult says what Prune removed.
type PruneResult struct {
	Scans, Items int
}

// Store is the history store. Every method is safe for concurrent use;
// Record is one transaction.
type Store interface {
	// Record writes a scan and updates the history of every item it saw
	// or resolved. Recording a scan id again replaces that scan.
	Record(ctx context.Context, r *Record) (*Scan, error)
	// Scans lists scans, newest first.
	Scans(ctx context.Context, q ScanQuery) ([]Scan, error)
	// FindScan resolves a reference: a scan id, "last", "previous" (the
	// one before the last), or a date (2006-01-02, or RFC 3339) meaning
	// the last scan at or before it.
	FindScan(ctx context.Context, ref string) (*Scan, error)
	// Items returns the items a scan saw, with their state in it.
	Items(ctx context.Context, scanID string) ([]Item, error)
	// Timeline returns an item's history; ErrNotFound if unknown.
	Timeline(ctx context.Context, id string) (*Timeline, error)
	// AsOf returns the history a report of scanID shows, with at most
	// trendLen points per account.
	AsOf(ctx context.Context, scanID string, trendLen int) (*AsOf, error)
	// Snapshot returns a scan's stored (gzip-compressed) snapshot;
	// ErrNotFound when it was not kept.
	Snapshot(ctx context.Context, scanID string) ([]byte, error)
	// Prune removes the scans before a time. First-seen dates, counts and
	// the open or resolved state of every item survive.
	Prune(ctx context.Context, before time.Time) (PruneResult, error)
	// PutPart writes the part of a sharded scan at a slash-separated
	// path whole, in one statement: a reader sees the part before or this
	// one, never half. Writing a path again replaces it (parts.go).
	PutPart(ctx context.Context, path string, data []byte) error
	// Part reads a part; ErrNotFound when there is none.
	Part(ctx context.Context, path string) ([]byte, error)
	// Parts lists the paths of the parts under prefix/ (every part for
	// ""), sorted.
	Parts(ctx context.Context, prefix string) ([]string, error)
	// Backend names the backend: "sqlite" or "postgres".
	Backend() string
	Close() error
}

// ErrNotFound is returned for an unknown scan or item.
var ErrNotFound = errors.New("not found")

// ErrTooNew is returned by Open for a store written by a newer trustmap.
var ErrTooNew = errors.New("the history store was written by a newer trustmap")

// Open opens (creating and migrating as needed) the store at location: a
// postgres:// or postgresql:// URL, or a SQLite file path (optionally
// sqlite:PATH).
func Open(ctx context.Context, location string) (Store, error) {
	switch {
	case strings.HasPrefix(location, "postgres://"), strings.HasPrefix(location, "postgresql://"):
		return openPostgres(ctx, location)
	case location == "":
		return nil, errors.New("no store location")
	default:
		return openSQLite(ctx, strings.TrimPrefix(location, "sqlite:"))
	}
}

// Describe names a store location for people, without a password.
func Describe(location string) string {
	if strings.HasPrefix(location, "postgres://") || strings.HasPrefix(location, "postgresql://") {
		return redactURL(location)
	}
	return strings.TrimPrefix(location, "sqlite:")
}

func notFound(what string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(what, args...), ErrNotFound)
}

package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"strings"
	"time"
)

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
				p.f("| %s | %s | `%s` | %s | %s |\n", kindWord(it.Kind), it.ID, md(it.Subject), md(detail), it.FirstSeen.UTC().Format("2006-01-02"))
			}
		}
	}
	if len(h.EntryPoints) > 0 {
		arn := map[string]string{}
		for _, ep := range r.EntryPoints {
			arn[ep.ID] = ep.ResourceARN + " via " + ep.Via
		}
		p.f("\n### Age of the entry points\n\n| Entry point | Resource | First seen | Age (days) | Reopened |\n|---|---|---|---|---|\n")
		for _, a := range h.EntryPoints {
			p.f("| %s | `%s` | %s | %d | %d |\n", a.ID, md(arn[a.ID]), a.FirstSeen.UTC().Format("2006-01-02"), a.AgeDays, a.Reopened)
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

func kindWord(k string) string {
	switch k {
	case "entry_point":
		return "entry point"
	case "crossing":
		return "boundary crossing"
	}
	return k
}

//go:embed history.tmpl
var historyHTML string

// The HTML history section is its own template ("history"), called from
// html.tmpl.
var _ = template.Must(htmlTmpl.Funcs(template.FuncMap{
	"trendChart": trendChart,
	"kindWord":   kindWord,
	"dateOnly":   func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	"dateTime":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"epSubject": func(r *Report, id string) string {
		for _, ep := range r.EntryPoints {
			if ep.ID == id {
				return ep.ResourceARN + " via " + ep.Via
			}
		}
		return ""
	},
}).New("history").Parse(historyHTML))

// trendView is one account's trend chart, laid out for the template.
type trendView struct {
	Account      string
	W, H         int
	Left, Bottom int
	Right, Top   int
	Series       []trendSeries
	YTicks       []trendTick
	XLabels      []trendTick
}

type trendSeries struct {
	Name, Class string
	Points      string // polyline points
	Dots        []trendDot
}

type trendDot struct {
	X, Y  int
	Title string
}

type trendTick struct {
	X, Y  int
	Label string
}

// trendChart lays out the counts of public, cross-account and
// unrecognized entry points per scan as lines on a small chart.
func trendChart(t AccountTrend) trendView {
	v := trendView{Account: t.Account, W: 520, H: 170, Left: 40, Bottom: 140, Right: 500, Top: 14}
	hi := 1
	for _, p := range t.Points {
		hi = max(hi, p.Public, p.CrossAccount, p.Unrecognized)
	}
	n := len(t.Points)
	x := func(i int) int {
		if n == 1 {
			return (v.Left + v.Right) / 2
		}
		return v.Left + 10 + i*(v.Right-v.Left-20)/(n-1)
	}
	y := func(c int) int { return v.Bottom - c*(v.Bottom-v.Top)/hi }
	for _, c := range []int{0, (hi + 1) / 2, hi} {
		v.YTicks = append(v.YTicks, trendTick{X: v.Left - 6, Y: y(c), Label: fmt.Sprint(c)})
	}
	for i, p := range t.Points {
		if i == 0 || i == n-1 || (n > 4 && i == n/2) {
			v.XLabels = append(v.XLabels, trendTick{X: x(i), Y: v.Bottom + 18, Label: p.ScannedAt.UTC().Format("01-02")})
		}
	}
	for _, s := range []struct {
		name, class string
		get         func(TrendPoint) int
	}{
		{"public", "t-public", func(p TrendPoint) int { return p.Public }},
		{"cross-account", "t-cross", func(p TrendPoint) int { return p.CrossAccount }},
		{"unrecognized", "t-unrec", func(p TrendPoint) int { return p.Unrecognized }},
	} {
		ser := trendSeries{Name: s.name, Class: s.class}
		var pts []string
		for i, p := range t.Points {
			pts = append(pts, fmt.Sprintf("%d,%d", x(i), y(s.get(p))))
			title := fmt.Sprintf("%s: %d %s (scan %s)", p.ScannedAt.UTC().Format("2006-01-02 15:04"), s.get(p), s.name, p.ScanID)
			if !p.Complete {
				title += ", incomplete"
			}
			ser.Dots = append(ser.Dots, trendDot{X: x(i), Y: y(s.get(p)), Title: title})
		}
		ser.Points = strings.Join(pts, " ")
		v.Series = append(v.Series, ser)
	}
	return v
}

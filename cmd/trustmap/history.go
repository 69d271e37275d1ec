package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/report"
	"github.com/trustmap/trustmap/store"
)

// This file holds `trustmap history` (the scans, one item's timeline, one
// scan's changes), `trustmap history prune` and `diff --since`.

type historyOptions struct {
	store   storeOptions
	account string
	limit   int
	output  string
}

func newHistoryCmd(e env) *cobra.Command {
	o := &historyOptions{}
	cmd := &cobra.Command{
		Use:   "history [ENTRY_ID | SCAN_ID]",
		Short: "Show the scan history: the scans with counts and trend, an entry point's timeline, or what one scan changed",
		Long: "history reads the history store that scan and analyze record into.\n\n" +
			"  trustmap history             the scans, newest first: counts, what appeared and was resolved, trend\n" +
			"  trustmap history EP-…        the timeline of an entry point (or BX-…, T-…, a finding id): when it\n" +
			"                               appeared, every change of exposure or principals, when it was resolved\n" +
			"  trustmap history S-…         what one scan saw appear and resolved\n" +
			"  trustmap history prune --keep 90d\n\n" +
			"Something is resolved only by a complete scan of every service that covered its account and region\n" +
			"with no coverage gap there; an incomplete scan or a gap never resolves anything.",
		Example: "  trustmap history\n  trustmap history --account 123456789012 --limit 30\n  trustmap history EP-09e1b2c51e9d",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.output != "text" && o.output != "json" {
				return usageErr("--output: unknown format %q (known: text, json)", o.output)
			}
			s, where, err := o.store.open(cmd.Context(), e)
			if err != nil {
				return err
			}
			defer s.Close()
			switch {
			case len(args) == 0:
				return o.listScans(cmd.Context(), e, s, where)
			case strings.HasPrefix(args[0], "S-"):
				return o.showScan(cmd.Context(), e, s, args[0])
			default:
				return o.showTimeline(cmd.Context(), e, s, args[0])
			}
		},
	}
	o.store.bindLocation(cmd)
	f := cmd.Flags()
	f.StringVar(&o.account, "account", "", "only scans of this account")
	f.IntVar(&o.limit, "limit", 50, "at most this many scans, newest first (0: all)")
	f.StringVar(&o.output, "output", "text", "output format: text or json")
	cmd.AddCommand(newPruneCmd(e))
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }
func scope(sc store.Scan) string {
	s := "complete"
	switch {
	case !sc.Complete:
		s = "INCOMPLETE"
	case len(sc.Services) > 0:
		s = "only " + strings.Join(sc.Services, ",")
	case sc.Counts.CoverageGaps > 0:
		s = fmt.Sprintf("%d gaps", sc.Counts.CoverageGaps)
	}
	return s
}

// sparkline draws counts as a row of block characters.
func sparkline(vs []int) string {
	const bars = "▁▂▃▄▅▆▇█"
	lo, hi := 0, 0
	for i, v := range vs {
		if i == 0 || v < lo {
			lo = v
		}
		hi = max(hi, v)
	}
	var b strings.Builder
	r := []rune(bars)
	for _, v := range vs {
		i := 0
		if hi > lo {
			i = (v - lo) * (len(r) - 1) / (hi - lo)
		}
		b.WriteRune(r[i])
	}
	return b.String()
}

func (o *historyOptions) listScans(ctx context.Context, e env, s store.Store, where string) error {
	scans, err := s.Scans(ctx, store.ScanQuery{Account: o.account, Limit: o.limit})
	if err != nil {
		return failErr("history store %s: %v", where, oneLine(err))
	}
	if o.output == "json" {
		return writeJSON(e.stdout, scans)
	}
	w := e.stdout
	fmt.Fprintf(w, "store  %s (%s)\n", where, s.Backend())
	if len(scans) == 0 {
		fmt.Fprintln(w, "\nno scan recorded yet: trustmap scan and analyze record into this store unless --no-store")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nSCAN\tSCANNED AT (UTC)\tACCOUNTS\tSCAN\tENTRY POINTS\tPUBLIC\tCROSS-ACCOUNT\tUNRECOGNIZED\tNEW\tRESOLVED\tTHREATS\tGAPS")
	for _, sc := range scans {
		c := sc.Counts
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t+%d\t-%d\t%d\t%d\n", sc.ID, day(sc.ScannedAt), strings.Join(sc.Accounts, ","), scope(sc),
			c.EntryPoints, c.Public, c.CrossAccount, c.Unrecognized, sc.New, sc.Resolved, c.Threats, c.CoverageGaps)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// The trend of each account, oldest first.
	series := map[string][][4]int{}
	var accounts []string
	for i := len(scans) - 1; i >= 0; i-- {
		for _, a := range scans[i].AccountCounts {
			if _, ok := series[a.Account]; !ok {
				accounts = append(accounts, a.Account)
			}
			series[a.Account] = append(series[a.Account], [4]int{a.EntryPoints, a.Public, a.CrossAccount, a.Unrecognized})
		}
	}
	fmt.Fprintln(w, "\ntrend, oldest to newest (at most the last 60 scans listed)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, a := range accounts {
		for i, name := range []string{"entry points", "public", "cross-account", "unrecognized"} {
			var vs []int
			for _, p := range series[a] {
				vs = append(vs, p[i])
			}
			vs = vs[max(0, len(vs)-60):] // the last 60 scans fit a terminal
			label := ""
			if i == 0 {
				label = a
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d → %d\n", label, name, sparkline(vs), vs[0], vs[len(vs)-1])
		}
	}
	return tw.Flush()
}

// change describes how an item's state changed, field by field, as diff
// judges it.
func change(kind store.Kind, id string, prev, cur []byte) string {
	mk := func(state []byte) *report.Report {
		r, err := store.ToReport(&store.Scan{}, []store.Item{{Kind: kind, ID: id, State: state}})
		if err != nil {
			return &report.Report{}
		}
		return r
	}
	d := report.Diff(mk(prev), mk(cur))
	var parts []string
	for _, cs := range [][]report.ItemChange{d.EntryPoints.Changed, d.Boundaries.Changed, d.Threats.Changed, d.Findings.Changed} {
		for _, c := range cs {
			for _, f := range c.Fields {
				parts = append(parts, f.Description)
			}
			if c.Worse {
				parts = append(parts, "[worse]")
			}
		}
	}
	if len(parts) == 0 {
		return "details changed"
	}
	return strings.Join(parts, "; ")
}

func kindName(k store.Kind) string { return strings.ReplaceAll(string(k), "_", " ") }

type timelineJSON struct {
	Kind      store.Kind      `json:"kind"`
	ID        string          `json:"id"`
	Subject   string          `json:"subject"`
	Account   string          `json:"account"`
	Region    string          `json:"region,omitempty"`
	FirstSeen store.ScanRef   `json:"first_seen"`
	LastSeen  store.ScanRef   `json:"last_seen"`
	TimesSeen int             `json:"times_seen"`
	Resolved  *store.ScanRef  `json:"resolved,omitempty"`
	Reopened  int             `json:"reopened"`
	State     json.RawMessage `json:"state"`
	Events    []eventJSON     `json:"events"`
}

type eventJSON struct {
	Scan   store.ScanRef   `json:"scan"`
	Type   store.EventType `json:"type"`
	Change string          `json:"change,omitempty"`
	State  json.RawMessage `json:"state"`
}

func (o *historyOptions) showTimeline(ctx context.Context, e env, s store.Store, id string) error {
	tl, err := s.Timeline(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return usageErr("%s is not in the history store (entry points are EP-…, crossings BX-…, threats T-…, scans S-…)", id)
	}
	if err != nil {
		return failErr("history store: %v", oneLine(err))
	}
	it := tl.Item
	if o.output == "json" {
		out := timelineJSON{Kind: it.Kind, ID: it.ID, Subject: it.Subject, Account: it.Account, Region: it.Region, FirstSeen: it.FirstSeen,
			LastSeen: it.LastSeen, TimesSeen: it.TimesSeen, Resolved: it.Resolved, Reopened: it.Reopened, State: it.State, Events: []eventJSON{}}
		for _, ev := range tl.Events {
			j := eventJSON{Scan: ev.Scan, Type: ev.Type, State: ev.State}
			if ev.Prev != nil {
				j.Change = change(it.Kind, it.ID, ev.Prev, ev.State)
			}
			out.Events = append(out.Events, j)
		}
		return writeJSON(e.stdout, out)
	}
	w := e.stdout
	fmt.Fprintf(w, "%s  %s\n\n", it.ID, it.Subject)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	where := it.Account
	if it.Region != "" {
		where += " (" + it.Region + ")"
	}
	fmt.Fprintf(tw, "kind\t%s\n", kindName(it.Kind))
	fmt.Fprintf(tw, "now\t%s\n", store.Detail(it.Kind, it.State))
	fmt.Fprintf(tw, "account\t%s\n", where)
	fmt.Fprintf(tw, "first seen\t%s UTC (scan %s)\n", day(it.FirstSeen.At), it.FirstSeen.ID)
	fmt.Fprintf(tw, "last seen\t%s UTC (scan %s)\n", day(it.LastSeen.At), it.LastSeen.ID)
	fmt.Fprintf(tw, "times seen\t%d\n", it.TimesSeen)
	if it.Resolved != nil {
		fmt.Fprintf(tw, "status\tresolved %s UTC (scan %s), after %s\n", day(it.Resolved.At), it.Resolved.ID, age(it.Resolved.At.Sub(it.FirstSeen.At)))
	} else {
		fmt.Fprintf(tw, "status\topen, seen for %s\n", age(it.LastSeen.At.Sub(it.FirstSeen.At)))
	}
	fmt.Fprintf(tw, "reopened\t%d\n", it.Reopened)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, ev := range tl.Events {
		what := ""
		switch ev.Type {
		case store.EventAppeared:
			what = store.Detail(it.Kind, ev.State)
		case store.EventChanged:
			what = change(it.Kind, it.ID, ev.Prev, ev.State)
		case store.EventReopened:
			what = "back after being resolved: " + store.Detail(it.Kind, ev.State)
			if c := change(it.Kind, it.ID, ev.Prev, ev.State); c != "details changed" {
				what += " (" + c + ")"
			}
		case store.EventResolved:
			what = "no longer seen by a complete scan with no coverage gap in " + where
		}
		fmt.Fprintf(tw, "%s UTC\t%s\t%s\t%s\n", day(ev.Scan.At), ev.Scan.ID, ev.Type, what)
	}
	return tw.Flush()
}

func age(d time.Duration) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch days := int(d / (24 * time.Hour)); {
	case days >= 1:
		return plural(days, "day")
	case d >= time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	return "less than an hour"
}

func (o *historyOptions) showScan(ctx context.Context, e env, s store.Store, id string) error {
	a, err := s.AsOf(ctx, id, trendPoints)
	if errors.Is(err, store.ErrNotFound) {
		return usageErr("scan %s is not in the history store", id)
	}
	if err != nil {
		return failErr("history store: %v", oneLine(err))
	}
	h := store.ReportHistory(a, s.Backend())
	if o.output == "json" {
		return writeJSON(e.stdout, struct {
			Scan    store.Scan      `json:"scan"`
			History *report.History `json:"history"`
		}{a.Scan, h})
	}
	w := e.stdout
	sc := a.Scan
	fmt.Fprintf(w, "%s  scanned %s UTC, accounts %s, %s\n", sc.ID, day(sc.ScannedAt), strings.Join(sc.Accounts, ","), scope(sc))
	if a.Previous != nil {
		fmt.Fprintf(w, "previous scan %s (%s UTC)\n", a.Previous.ID, day(a.Previous.ScannedAt))
	}
	for _, sec := range []struct {
		title string
		items []report.HistoryItem
		sign  string
	}{{"new since the previous scan", h.New, "+"}, {"resolved", h.Resolved, "-"}} {
		fmt.Fprintf(w, "\n%s: %d\n", sec.title, len(sec.items))
		for _, it := range sec.items {
			again := ""
			if it.Reopened {
				again = " (back)"
			}
			fmt.Fprintf(w, "  %s %-11s %s %s: %s%s\n", sec.sign, kindName(store.Kind(it.Kind)), it.ID, it.Subject, it.Detail, again)
		}
	}
	return nil
}

func newPruneCmd(e env) *cobra.Command {
	o := &storeOptions{}
	var keep string
	cmd := &cobra.Command{
		Use:   "prune --keep 90d",
		Short: "Remove scans older than --keep from the history store (first-seen dates and open or resolved state survive)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := parseKeep(keep)
			if err != nil {
				return usageErr("--keep: %v", err)
			}
			s, where, err := o.open(cmd.Context(), e)
			if err != nil {
				return err
			}
			defer s.Close()
			cut := e.now().Add(-d)
			res, err := s.Prune(cmd.Context(), cut)
			if err != nil {
				return failErr("history store %s: pruning: %v", where, oneLine(err))
			}
			fmt.Fprintf(e.stdout, "removed %d scans from before %s UTC and %d items resolved before then\n", res.Scans, day(cut), res.Items)
			return nil
		},
	}
	o.bindLocation(cmd)
	cmd.Flags().StringVar(&keep, "keep", "", "keep the scans of this long: 90d, 12w, 2160h")
	cmd.MarkFlagRequired("keep")
	return cmd
}

// parseKeep reads a duration with day (d) and week (w) units as well as
// Go's own.
func parseKeep(s string) (time.Duration, error) {
	for unit, mult := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, unit); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v <= 0 {
				return 0, fmt.Errorf("%q is not a number of %s", s, map[string]string{"d": "days", "w": "weeks"}[unit])
			}
			return time.Duration(v) * mult, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration (e.g. 90d, 12w, 2160h)", s)
	}
	return d, nil
}

// sinceOptions are diff's --since and --store.
type sinceOptions struct {
	ref   string
	store storeOptions
}

func (o *sinceOptions) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.ref, "since", "", "compare with a scan in the history store: last, previous (the one before the last), a date (2006-01-02, the last scan that day or before), or a scan id; NEW is a report or snapshot, or by default the store's latest scan")
	o.store.bindLocation(cmd)
}

// models returns the two sides of `diff --since REF [NEW]`.
func (o *sinceOptions) models(ctx context.Context, e env, args []string, mkTrust func() *results.Trust) (old, cur *report.Report, oldName, newName string, err error) {
	if len(args) > 1 {
		return nil, nil, "", "", usageErr("diff --since takes at most one argument (NEW)")
	}
	s, where, err := o.store.open(ctx, e)
	if err != nil {
		return nil, nil, "", "", err
	}
	defer s.Close()
	load := func(ref string) (*report.Report, string, error) {
		sc, err := s.FindScan(ctx, ref)
		if errors.Is(err, store.ErrNotFound) {
			return nil, "", usageErr("--since %s: %v in %s", ref, err, where)
		}
		if err != nil {
			return nil, "", failErr("history store %s: %v", where, oneLine(err))
		}
		items, err := s.Items(ctx, sc.ID)
		if err != nil {
			return nil, "", failErr("history store %s: %v", where, oneLine(err))
		}
		r, err := store.ToReport(sc, items)
		if err != nil {
			return nil, "", failErr("history store %s: %v", where, oneLine(err))
		}
		return r, "scan " + sc.ID, nil
	}
	if old, oldName, err = load(o.ref); err != nil {
		return nil, nil, "", "", err
	}
	if len(args) == 1 {
		cur, err = loadModel(args[0], mkTrust)
		return old, cur, oldName, args[0], err
	}
	cur, newName, err = load("last")
	return old, cur, oldName, newName, err
}

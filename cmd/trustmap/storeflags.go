package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustmap/trustmap/report"
	"github.com/trustmap/trustmap/store"
)

// This file holds the history store's flags and the step of scan and
// analyze that records a scan and gives its report the history section.

// storeOptions are --store, --no-store and --store-snapshots.
type storeOptions struct {
	location  string
	disabled  bool
	snapshots bool

	// Set by scan (analyze leaves them zero): what the report does not say.
	startedAt time.Time
	services  []string
	snapshot  []byte
}

func (o *storeOptions) bindLocation(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.location, "store", "", "history store: a SQLite file, or postgres://… (default: $TRUSTMAP_STORE, else $XDG_DATA_HOME/trustmap/history.db)")
}

func (o *storeOptions) bind(cmd *cobra.Command) {
	o.bindLocation(cmd)
	f := cmd.Flags()
	f.BoolVar(&o.disabled, "no-store", false, "do not record this scan in the history store (the report then has no history section)")
	f.BoolVar(&o.snapshots, "store-snapshots", false, "also keep the snapshot in the history store, gzip-compressed")
}

func (o *storeOptions) validate() error {
	if o.disabled && (o.location != "" || o.snapshots) {
		return usageErr("--no-store cannot be combined with --store or --store-snapshots")
	}
	return nil
}

func (e env) getenvOr(key string) string {
	if e.getenv != nil {
		return e.getenv(key)
	}
	return os.Getenv(key)
}

// resolve says where the store is: --store, else $TRUSTMAP_STORE, else the
// user's data directory ($XDG_DATA_HOME, by default ~/.local/share).
func (o *storeOptions) resolve(e env) (string, error) {
	if o.location != "" {
		return o.location, nil
	}
	if v := e.getenvOr("TRUSTMAP_STORE"); v != "" {
		return v, nil
	}
	dir := e.getenvOr("XDG_DATA_HOME")
	if dir == "" {
		home := e.getenvOr("HOME")
		if home == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return "", errors.New("no --store, no TRUSTMAP_STORE and no home directory to keep the history in")
			}
			home = h
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "trustmap", "history.db"), nil
}

// open opens the store; errors are exit 3 naming the store (never its
// password).
func (o *storeOptions) open(ctx context.Context, e env) (store.Store, string, error) {
	loc, err := o.resolve(e)
	if err != nil {
		return nil, "", failErr("history store: %v", err)
	}
	s, err := store.Open(ctx, loc)
	if err != nil {
		return nil, store.Describe(loc), failErr("history store %s: %v", store.Describe(loc), oneLine(err))
	}
	return s, store.Describe(loc), nil
}

// oneLine keeps the first line of an error: a database driver's message
// may run on.
func oneLine(err error) string {
	msg := err.Error()
	if i := bytes.IndexByte([]byte(msg), '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// recorded is what recording a scan gave: the store's baseline for
// --fail-on-new (its last complete scan before this one), or the error
// that kept the scan out of the store.
type recorded struct {
	baseline     *report.Report
	baselineScan *store.Scan
	err          error
}

// record writes the scan into the store and sets rep.History. A store
// that cannot be opened or written is not fatal here: the report is still
// written (without history) and the caller exits 3 afterwards.
func (o *storeOptions) record(ctx context.Context, e env, rep *report.Report) recorded {
	if o.disabled {
		return recorded{}
	}
	// A scan stopped by Ctrl-C or --timeout is still recorded (it resolves
	// nothing, and its one transaction either lands or does not).
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	s, _, err := o.open(ctx, e)
	if err != nil {
		return recorded{err: err}
	}
	defer s.Close()
	opts := store.RecordOptions{StartedAt: o.startedAt, Services: o.services}
	if o.snapshots && len(o.snapshot) > 0 {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(o.snapshot)
		zw.Close()
		opts.Snapshot = buf.Bytes()
	}
	rec := store.FromReport(rep, opts)
	sc, err := s.Record(ctx, rec)
	if err != nil {
		return recorded{err: failErr("history store: recording the scan: %v", oneLine(err))}
	}
	asOf, err := s.AsOf(ctx, sc.ID, trendPoints)
	if err != nil {
		return recorded{err: failErr("history store: reading the history: %v", oneLine(err))}
	}
	rep.History = store.ReportHistory(asOf, s.Backend())
	var out recorded
	prev, err := s.Scans(ctx, store.ScanQuery{CompleteOnly: true, Before: sc.ScannedAt, Limit: 1, Account: firstOr(sc.Accounts)})
	if err != nil {
		return recorded{err: failErr("history store: %v", oneLine(err))}
	}
	if len(prev) > 0 {
		items, err := s.Items(ctx, prev[0].ID)
		if err == nil {
			out.baseline, err = store.ToReport(&prev[0], items)
		}
		if err != nil {
			return recorded{err: failErr("history store: reading scan %s: %v", prev[0].ID, oneLine(err))}
		}
		out.baselineScan = &prev[0]
	}
	return out
}

// trendPoints is how many scans the report's trend chart shows.
const trendPoints = 30

func firstOr(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[0]
}

// storeNote adds the store's failure to the gate's and scan's verdicts.
func storeErr(r recorded, gateErr error) error {
	if r.err == nil {
		return nil
	}
	return &exitError{exitFailed, fmt.Errorf("%v (the report files were written, without history)%s", r.err, gateNote(gateErr))}
}

// storeGate judges --fail-on-new (without --baseline) against the store's
// last complete scan of the account before this one. A store with none (a
// first run) has nothing to compare with: that is said, and nothing is
// new.
func storeGate(e env, rep *report.Report, hist recorded) string {
	if hist.err != nil {
		return "" // storeErr reports it, with exit 3
	}
	if hist.baseline == nil {
		fmt.Fprintln(e.stderr, "trustmap: --fail-on-new: the history store has no earlier complete scan of this account to compare with; this scan is the baseline from now on")
		return ""
	}
	d := report.Diff(hist.baseline, rep)
	if len(d.Regressions) == 0 {
		return ""
	}
	return fmt.Sprintf("--fail-on-new: compared with the last complete scan %s (%s), %s", hist.baselineScan.ID,
		hist.baselineScan.ScannedAt.UTC().Format("2006-01-02 15:04 UTC"), summarizeRegressions(d.Regressions))
}

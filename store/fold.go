package store

import (
	"slices"
	"strings"
)

// This file holds the rules that turn what each scan saw into an item's
// history. Both write paths use step: the common one (a scan newer than
// every recorded scan) applies it once per item on top of the stored
// history; a scan recorded late (an overlapping run that committed second,
// a re-analysed old snapshot) re-folds the history of the items it touches
// over every retained scan, in scan-time order.

// scanInfo is what step needs to know about a scan.
type scanInfo struct {
	key       int64
	id        string
	at        int64 // scanned_at, µs
	complete  bool
	limited   bool // --services: not every service was collected
	accounts  map[string]bool
	regions   map[string]bool
	blocking  []gapScope
	accountsS string
}

type gapScope struct{ account, region string }

// blocks reports whether a coverage gap keeps a scan from judging anything
// in its scope: every status except "unsupported" (the service does not
// exist in that region, so nothing there was missed).
func blocks(status string) bool { return status != "unsupported" }

func newScanInfo(key int64, id string, at int64, complete bool, accounts, regions, services []string, gaps []Gap) *scanInfo {
	s := &scanInfo{key: key, id: id, at: at, complete: complete, limited: len(services) > 0,
		accounts: map[string]bool{}, regions: map[string]bool{}, accountsS: strings.Join(accounts, ",")}
	for _, a := range accounts {
		s.accounts[a] = true
	}
	for _, r := range regions {
		s.regions[r] = true
	}
	for _, g := range gaps {
		if blocks(g.Status) {
			s.blocking = append(s.blocking, gapScope{g.Account, g.Region})
		}
	}
	return s
}

// covers reports whether the scan would have seen an item of this account
// (comma-separated for several) and region ("" for global) had it still
// been there: a complete scan of every service, of the account and region,
// with no coverage gap in that account and region (a global gap of the
// account, or a regional gap for a global item, counts).
func (s *scanInfo) covers(account, region string) bool {
	if !s.complete || s.limited || account == "" {
		return false
	}
	if region != "" && !s.regions[region] {
		return false
	}
	for _, a := range strings.Split(account, ",") {
		if !s.accounts[a] {
			return false
		}
		for _, g := range s.blocking {
			if (g.account == "" || g.account == a) && (g.region == "" || region == "" || g.region == region) {
				return false
			}
		}
	}
	return true
}

// foldState is an item's history after some scans. It is also what the
// items table stores, and (as JSON) the baseline Prune leaves behind.
type foldState struct {
	Seen         bool   `json:"seen"`
	FirstScan    string `json:"first_scan,omitempty"`
	FirstAt      int64  `json:"first_at,omitempty"`
	LastScan     string `json:"last_scan,omitempty"`
	LastAt       int64  `json:"last_at,omitempty"`
	Times        int64  `json:"times,omitempty"`
	Resolved     bool   `json:"resolved,omitempty"`
	ResolvedScan string `json:"resolved_scan,omitempty"`
	ResolvedAt   int64  `json:"resolved_at,omitempty"`
	Reopened     int64  `json:"reopened,omitempty"`
	LastState    int64  `json:"last_state,omitempty"`
}

// foldEvent is an event before it is written.
type foldEvent struct {
	typ   EventType
	state int64
	prev  int64 // 0: none
}

// step applies one scan to an item's history. observed is the item's
// state key in the scan, 0 when the scan did not see it.
func step(st foldState, s *scanInfo, account, region string, observed int64) (foldState, *foldEvent) {
	switch {
	case observed != 0 && !st.Seen:
		st = foldState{Seen: true, FirstScan: s.id, FirstAt: s.at, LastScan: s.id, LastAt: s.at, Times: 1, LastState: observed}
		return st, &foldEvent{typ: EventAppeared, state: observed}
	case observed != 0:
		var ev *foldEvent
		switch {
		case st.Resolved:
			ev = &foldEvent{typ: EventReopened, state: observed, prev: st.LastState}
			st.Reopened++
			st.Resolved, st.ResolvedScan, st.ResolvedAt = false, "", 0
		case observed != st.LastState:
			ev = &foldEvent{typ: EventChanged, state: observed, prev: st.LastState}
		}
		st.LastScan, st.LastAt, st.LastState = s.id, s.at, observed
		st.Times++
		return st, ev
	case st.Seen && !st.Resolved && s.covers(account, region):
		st.Resolved, st.ResolvedScan, st.ResolvedAt = true, s.id, s.at
		return st, &foldEvent{typ: EventResolved, state: st.LastState}
	}
	return st, nil
}

// sortScans orders scans by time, then id: the order history is told in.
func sortScans(ss []*scanInfo) {
	slices.SortFunc(ss, func(a, b *scanInfo) int {
		if a.at != b.at {
			if a.at < b.at {
				return -1
			}
			return 1
		}
		return strings.Compare(a.id, b.id)
	})
}

// after reports whether a comes after b in history order.
func after(a, b *scanInfo) bool {
	return a.at > b.at || (a.at == b.at && a.id > b.id)
}

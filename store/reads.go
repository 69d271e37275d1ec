package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

const scanCols = "scan_key, id, scanned_at, started_at, recorded_at, complete, incomplete_reason, tool_name, tool_version, report_schema, accounts, regions, services, " +
	"resources, ep_total, ep_public, ep_cross_account, ep_unrecognized, bx_total, bx_unrecognized, threats, findings, attack_paths, gaps, highest_severity, snapshot IS NOT NULL, ep_new, ep_resolved"

func scanScan(rows interface{ Scan(...any) error }) (int64, *Scan, error) {
	var sc Scan
	var key, at, recorded int64
	var started sql.NullInt64
	var accounts, regions, services string
	c := &sc.Counts
	if err := rows.Scan(&key, &sc.ID, &at, &started, &recorded, &sc.Complete, &sc.IncompleteReason, &sc.ToolName, &sc.ToolVersion, &sc.ReportSchema,
		&accounts, &regions, &services, &c.Resources, &c.EntryPoints, &c.Public, &c.CrossAccount, &c.Unrecognized, &c.Crossings,
		&c.UnrecognizedCrossings, &c.Threats, &c.Findings, &c.AttackPaths, &c.CoverageGaps, &c.HighestSeverity, &sc.HasSnapshot, &sc.New, &sc.Resolved); err != nil {
		return 0, nil, err
	}
	sc.ScannedAt, sc.RecordedAt = fromUS(at), fromUS(recorded)
	if started.Valid {
		sc.StartedAt = fromUS(started.Int64)
	}
	sc.Accounts, sc.Regions, sc.Services = splitList(accounts), splitList(regions), splitList(services)
	if len(sc.Services) == 0 {
		sc.Services = nil
	}
	return key, &sc, nil
}

// scans runs a scans query and fills in the per-account counts.
func (s *sqlStore) scans(ctx context.Context, q querier, where string, args ...any) ([]int64, []Scan, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+scanCols+" FROM scans "+where, args...)
	if err != nil {
		return nil, nil, err
	}
	var keys []int64
	var out []Scan
	for rows.Next() {
		k, sc, err := scanScan(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		keys = append(keys, k)
		out = append(out, *sc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	idx := map[int64]int{}
	for i, k := range keys {
		idx[k] = i
	}
	if err := inList(ctx, q, "SELECT scan_key, account, ep_total, ep_public, ep_cross_account, ep_unrecognized FROM scan_accounts WHERE scan_key IN (%s) ORDER BY account", nil, keys, func(r *sql.Rows) error {
		var k int64
		var a AccountCounts
		if err := r.Scan(&k, &a.Account, &a.EntryPoints, &a.Public, &a.CrossAccount, &a.Unrecognized); err != nil {
			return err
		}
		out[idx[k]].AccountCounts = append(out[idx[k]].AccountCounts, a)
		return nil
	}); err != nil {
		return nil, nil, err
	}
	return keys, out, nil
}

func (s *sqlStore) scanBy(ctx context.Context, q querier, col string, v any) (*Scan, error) {
	_, ss, err := s.scans(ctx, q, "WHERE "+col+" = $1", v)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, notFound("scan %v", v)
	}
	return &ss[0], nil
}

func (s *sqlStore) scanKey(ctx context.Context, id string) (int64, *Scan, error) {
	keys, ss, err := s.scans(ctx, s.db, "WHERE id = $1", id)
	if err != nil {
		return 0, nil, err
	}
	if len(ss) == 0 {
		return 0, nil, notFound("scan %s", id)
	}
	return keys[0], &ss[0], nil
}

// Scans lists scans, newest first.
func (s *sqlStore) Scans(ctx context.Context, q ScanQuery) ([]Scan, error) {
	var conds []string
	var args []any
	if q.Account != "" {
		args = append(args, q.Account)
		conds = append(conds, fmt.Sprintf("scan_key IN (SELECT scan_key FROM scan_accounts WHERE account = $%d)", len(args)))
	}
	if !q.Before.IsZero() {
		args = append(args, us(q.Before))
		conds = append(conds, fmt.Sprintf("scanned_at < $%d", len(args)))
	}
	if q.CompleteOnly {
		conds = append(conds, "complete AND services = ''")
	}
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	where += " ORDER BY scanned_at DESC, id DESC"
	if q.Limit > 0 {
		where += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	_, ss, err := s.scans(ctx, s.db, where, args...)
	return ss, err
}

// FindScan resolves "last", a date or time, or a scan id.
func (s *sqlStore) FindScan(ctx context.Context, ref string) (*Scan, error) {
	var at time.Time
	switch {
	case ref == "last" || ref == "previous":
		n := 1
		if ref == "previous" {
			n = 2
		}
		ss, err := s.Scans(ctx, ScanQuery{Limit: n})
		if err != nil {
			return nil, err
		}
		if len(ss) < n {
			return nil, notFound("no %s scan recorded", ref)
		}
		return &ss[n-1], nil
	case len(ref) == len("2006-01-02"):
		d, err := time.Parse("2006-01-02", ref)
		if err != nil {
			return s.scanBy(ctx, s.db, "id", ref)
		}
		at = d.Add(24 * time.Hour)
	default:
		t, err := time.Parse(time.RFC3339, ref)
		if err != nil {
			return s.scanBy(ctx, s.db, "id", ref)
		}
		at = t.Add(time.Microsecond)
	}
	ss, err := s.Scans(ctx, ScanQuery{Before: at, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, notFound("no scan at or before %s", ref)
	}
	return &ss[0], nil
}

// Items returns the items a scan saw.
func (s *sqlStore) Items(ctx context.Context, scanID string) ([]Item, error) {
	key, _, err := s.scanKey(ctx, scanID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT i.kind, i.id, i.account, i.region, i.subject, st.body FROM observations o
		JOIN items i ON i.item_key = o.item_key JOIN states st ON st.state_key = o.state_key WHERE o.scan_key = $1 ORDER BY i.kind, i.id`, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		var kind, body string
		if err := rows.Scan(&kind, &it.ID, &it.Account, &it.Region, &it.Subject, &body); err != nil {
			return nil, err
		}
		it.Kind, it.State = Kind(kind), []byte(body)
		out = append(out, it)
	}
	return out, rows.Err()
}

const summaryCols = "i.kind, i.id, i.account, i.region, i.subject, i.first_seen_scan, i.first_seen_at, i.last_seen_scan, i.last_seen_at, i.times_seen, i.resolved_scan, i.resolved_at, i.reopened, ls.body"

func scanSummary(rows interface{ Scan(...any) error }, extra ...any) (ItemSummary, error) {
	var it ItemSummary
	var kind, body string
	var first, last int64
	var resolvedScan sql.NullString
	var resolvedAt sql.NullInt64
	dest := append([]any{&kind, &it.ID, &it.Account, &it.Region, &it.Subject, &it.FirstSeen.ID, &first, &it.LastSeen.ID, &last,
		&it.TimesSeen, &resolvedScan, &resolvedAt, &it.Reopened, &body}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return it, err
	}
	it.Kind, it.State = Kind(kind), []byte(body)
	it.FirstSeen.At, it.LastSeen.At = fromUS(first), fromUS(last)
	if resolvedAt.Valid {
		it.Resolved = &ScanRef{ID: resolvedScan.String, At: fromUS(resolvedAt.Int64)}
	}
	return it, nil
}

// Timeline returns an item's history.
func (s *sqlStore) Timeline(ctx context.Context, id string) (*Timeline, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+summaryCols+", i.item_key FROM items i JOIN states ls ON ls.state_key = i.last_state WHERE i.id = $1", id)
	if err != nil {
		return nil, err
	}
	var key int64
	var tl *Timeline
	for rows.Next() {
		var k int64
		it, err := scanSummary(rows, &k)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if tl == nil || kindRank(it.Kind) < kindRank(tl.Item.Kind) {
			tl, key = &Timeline{Item: it}, k
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if tl == nil {
		return nil, notFound("%s", id)
	}
	ev, err := s.db.QueryContext(ctx, `SELECT s.id, s.scanned_at, e.type, st.body, ps.body FROM events e JOIN scans s ON s.scan_key = e.scan_key
		JOIN states st ON st.state_key = e.state_key LEFT JOIN states ps ON ps.state_key = e.prev_state
		WHERE e.item_key = $1 ORDER BY s.scanned_at, s.id`, key)
	if err != nil {
		return nil, err
	}
	defer ev.Close()
	for ev.Next() {
		var e Event
		var at int64
		var typ, body string
		var prev sql.NullString
		if err := ev.Scan(&e.Scan.ID, &at, &typ, &body, &prev); err != nil {
			return nil, err
		}
		e.Scan.At, e.Type, e.State = fromUS(at), EventType(typ), []byte(body)
		if prev.Valid {
			e.Prev = []byte(prev.String)
		}
		tl.Events = append(tl.Events, e)
	}
	return tl, ev.Err()
}

func kindRank(k Kind) int {
	for i, x := range Kinds {
		if x == k {
			return i
		}
	}
	return len(Kinds)
}

// AsOf returns what the report of a scan says about history.
func (s *sqlStore) AsOf(ctx context.Context, scanID string, trendLen int) (*AsOf, error) {
	key, sc, err := s.scanKey(ctx, scanID)
	if err != nil {
		return nil, err
	}
	at := us(sc.ScannedAt)
	out := &AsOf{Scan: *sc, Trend: map[string][]TrendPoint{}}
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM scans WHERE scanned_at < $1 OR (scanned_at = $1 AND id <= $2)", at, sc.ID).Scan(&out.Recorded); err != nil {
		return nil, err
	}
	// The previous scan: the latest before this one that looked at one
	// of its accounts.
	var args []any
	var ph []string
	args = append(args, at, sc.ID)
	for _, a := range sc.Accounts {
		args = append(args, a)
		ph = append(ph, fmt.Sprintf("$%d", len(args)))
	}
	_, prev, err := s.scans(ctx, s.db, "WHERE (scanned_at < $1 OR (scanned_at = $1 AND id < $2)) AND scan_key IN (SELECT scan_key FROM scan_accounts WHERE account IN ("+
		strings.Join(ph, ", ")+")) ORDER BY scanned_at DESC, id DESC LIMIT 1", args...)
	if err != nil {
		return nil, err
	}
	if len(prev) > 0 {
		out.Previous = &prev[0]
	}
	// What happened in this scan, and everything it saw.
	rows, err := s.db.QueryContext(ctx, "SELECT e.type, "+summaryCols+` FROM events e JOIN items i ON i.item_key = e.item_key
		JOIN states ls ON ls.state_key = e.state_key WHERE e.scan_key = $1 ORDER BY i.kind, i.id`, key)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var typ string
		it, err := scanSummary(&typeScanner{rows, &typ})
		if err != nil {
			rows.Close()
			return nil, err
		}
		it.Event = EventType(typ)
		switch it.Event {
		case EventAppeared, EventReopened:
			out.New = append(out.New, it)
		case EventResolved:
			out.Resolved = append(out.Resolved, it)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, "SELECT "+summaryCols+` FROM observations o JOIN items i ON i.item_key = o.item_key
		JOIN states ls ON ls.state_key = o.state_key WHERE o.scan_key = $1 ORDER BY i.kind, i.id`, key)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		it, err := scanSummary(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out.Seen = append(out.Seen, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, a := range sc.Accounts {
		q, err := s.db.QueryContext(ctx, `SELECT s.id, s.scanned_at, s.complete, sa.ep_total, sa.ep_public, sa.ep_cross_account, sa.ep_unrecognized
			FROM scan_accounts sa JOIN scans s ON s.scan_key = sa.scan_key WHERE sa.account = $1 AND (s.scanned_at < $2 OR (s.scanned_at = $2 AND s.id <= $3))
			ORDER BY s.scanned_at DESC, s.id DESC LIMIT $4`, a, at, sc.ID, max(trendLen, 1))
		if err != nil {
			return nil, err
		}
		var pts []TrendPoint
		for q.Next() {
			var p TrendPoint
			var t int64
			if err := q.Scan(&p.Scan.ID, &t, &p.Complete, &p.EntryPoints, &p.Public, &p.CrossAccount, &p.Unrecognized); err != nil {
				q.Close()
				return nil, err
			}
			p.Scan.At, p.Account = fromUS(t), a
			pts = append(pts, p)
		}
		q.Close()
		if err := q.Err(); err != nil {
			return nil, err
		}
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
		out.Trend[a] = pts
	}
	return out, nil
}

type typeScanner struct {
	rows *sql.Rows
	typ  *string
}

func (t *typeScanner) Scan(dest ...any) error {
	return t.rows.Scan(append([]any{t.typ}, dest...)...)
}

// Snapshot returns a scan's stored snapshot.
func (s *sqlStore) Snapshot(ctx context.Context, scanID string) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, "SELECT snapshot FROM scans WHERE id = $1", scanID).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && b == nil) {
		return nil, notFound("snapshot of scan %s", scanID)
	}
	return b, err
}

// Prune removes the scans before a time, folding what they said into each
// item's baseline first, so first-seen dates, counts and the open or
// resolved state survive.
func (s *sqlStore) Prune(ctx context.Context, before time.Time) (PruneResult, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return PruneResult{}, err
	}
	defer tx.Rollback()
	pruned, err := loadScans(ctx, tx, "WHERE scanned_at < $1", us(before))
	if err != nil || len(pruned) == 0 {
		return PruneResult{}, err
	}
	var keys []int64
	for _, sc := range pruned {
		keys = append(keys, sc.key)
	}
	// Every item whose baseline may move: those the pruned scans saw or
	// could have resolved (their accounts).
	accounts := map[string]bool{}
	for _, sc := range pruned {
		for a := range sc.accounts {
			accounts[a] = true
		}
	}
	var accs []string
	for a := range accounts {
		accs = append(accs, a)
	}
	rows, err := loadScope(ctx, tx, accs)
	if err != nil {
		return PruneResult{}, err
	}
	byKey := map[int64]*itemRow{}
	for _, r := range rows {
		byKey[r.key] = r
	}
	obs := map[int64]map[int64]int64{}
	if err := inList(ctx, tx, "SELECT item_key, scan_key, state_key FROM observations WHERE scan_key IN (%s)", nil, keys, func(q *sql.Rows) error {
		var i, sc, st int64
		if err := q.Scan(&i, &sc, &st); err != nil {
			return err
		}
		if byKey[i] == nil {
			row, err := scanItemRow(tx.QueryRowContext(ctx, "SELECT "+itemCols+" FROM items WHERE item_key = $1", i))
			if err != nil {
				return err
			}
			byKey[i] = row
		}
		if obs[i] == nil {
			obs[i] = map[int64]int64{}
		}
		obs[i][sc] = st
		return nil
	}); err != nil {
		return PruneResult{}, err
	}
	var moved []*itemRow
	for _, row := range byKey {
		st := foldState{}
		if row.baseline != nil {
			st = *row.baseline
		}
		for _, sc := range pruned {
			st, _ = step(st, sc, row.account, row.region, obs[row.key][sc.key])
		}
		if st.Seen {
			row.baseline = &st
			moved = append(moved, row)
		}
	}
	if err := updateItems(ctx, tx, moved); err != nil {
		return PruneResult{}, err
	}
	if err := deleteScans(ctx, tx, keys); err != nil {
		return PruneResult{}, err
	}
	// Items resolved before the cut that no retained scan saw are gone
	// for good; open ones stay (nothing has shown they were fixed).
	res, err := tx.ExecContext(ctx, `DELETE FROM items WHERE resolved_at IS NOT NULL AND resolved_at < $1
		AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.item_key = items.item_key)
		AND NOT EXISTS (SELECT 1 FROM events e WHERE e.item_key = items.item_key)`, us(before))
	if err != nil {
		return PruneResult{}, err
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `DELETE FROM states WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE o.state_key = states.state_key)
		AND NOT EXISTS (SELECT 1 FROM items i WHERE i.last_state = states.state_key)
		AND NOT EXISTS (SELECT 1 FROM events e WHERE e.state_key = states.state_key OR e.prev_state = states.state_key)`); err != nil {
		return PruneResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return PruneResult{}, err
	}
	return PruneResult{Scans: len(keys), Items: int(n)}, nil
}

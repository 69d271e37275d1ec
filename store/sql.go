package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// sqlStore is the one implementation of Store over database/sql; the
// backends differ only in how they open, migrate and serialise writers.
// Every statement is plain SQL both accept ($n placeholders included).
type sqlStore struct {
	db        *sql.DB
	backend   string
	writeLock func(context.Context, *sql.Tx) error // nil: BEGIN IMMEDIATE already serialises
}

// testHookBeforeCommit, when set (by tests only), runs inside Record's
// transaction after every row is written and before the commit.
var testHookBeforeCommit func()

func (s *sqlStore) Backend() string { return s.backend }
func (s *sqlStore) Close() error    { return s.db.Close() }

func us(t time.Time) int64 { return t.UnixMicro() }
func fromUS(v int64) time.Time {
	return time.UnixMicro(v).UTC()
}

func joinList(ss []string) string { return strings.Join(ss, ",") }
func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// maxParams bounds the placeholders of one statement (both backends take
// far more; this keeps statements of a 100k-resource scan moderate).
const maxParams = 3000

// insertRows inserts rows with multi-row VALUES statements.
func insertRows(ctx context.Context, tx *wtx, table string, cols []string, rows [][]any) error {
	qmark := isSQLite(tx)
	if len(rows) == 0 {
		return nil
	}
	per := max(1, maxParams/len(cols))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(len(rows), start+per)]
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range cols {
				if j > 0 {
					b.WriteString(", ")
				}
				if qmark {
					b.WriteByte('?')
				} else {
					fmt.Fprintf(&b, "$%d", len(args)+1)
				}
				args = append(args, r[j])
			}
			b.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("inserting into %s: %w", table, err)
		}
	}
	return nil
}

// inList runs query once per chunk of keys, replacing the one "%s" in it
// with the chunk's placeholders (numbered after the fixed args).
func inList[K any](ctx context.Context, q querier, query string, fixed []any, keys []K, each func(*sql.Rows) error) error {
	qmark := isSQLite(q)
	if qmark {
		query = dollar.ReplaceAllString(query, "?")
	}
	per := maxParams - len(fixed)
	for start := 0; start < len(keys); start += per {
		chunk := keys[start:min(len(keys), start+per)]
		ph := make([]string, len(chunk))
		args := append([]any{}, fixed...)
		for i, k := range chunk {
			args = append(args, k)
			ph[i] = "?"
			if !qmark {
				ph[i] = fmt.Sprintf("$%d", len(args))
			}
		}
		rows, err := q.QueryContext(ctx, fmt.Sprintf(query, strings.Join(ph, ", ")), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := each(rows); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// execList runs an UPDATE or DELETE once per chunk of keys.
func execList[K any](ctx context.Context, tx *wtx, query string, fixed []any, keys []K) error {
	qmark := isSQLite(tx)
	if qmark {
		query = dollar.ReplaceAllString(query, "?")
	}
	per := maxParams - len(fixed)
	for start := 0; start < len(keys); start += per {
		chunk := keys[start:min(len(keys), start+per)]
		ph := make([]string, len(chunk))
		args := append([]any{}, fixed...)
		for i, k := range chunk {
			args = append(args, k)
			ph[i] = "?"
			if !qmark {
				ph[i] = fmt.Sprintf("$%d", len(args))
			}
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(query, strings.Join(ph, ", ")), args...); err != nil {
			return err
		}
	}
	return nil
}

// SQLite binds "?" parameters in linear time but looks each "$n" up in a
// list (quadratic in a statement's parameters), so the bulk statements use
// "?" there; their fixed parameters appear once each, in order.
var dollar = regexp.MustCompile(`\$[0-9]+`)

// sqliteConns marks the handles of SQLite stores.
var sqliteConns sync.Map // *sql.DB → bool

func isSQLite(q any) bool {
	switch x := q.(type) {
	case *wtx:
		return x.qmark
	case *sql.DB:
		_, ok := sqliteConns.Load(x)
		return ok
	}
	return false
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// wtx is a write transaction that knows its placeholder style.
type wtx struct {
	*sql.Tx
	qmark bool
}

func (s *sqlStore) begin(ctx context.Context) (*wtx, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if s.writeLock != nil {
		if err := s.writeLock(ctx, tx); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	return &wtx{Tx: tx, qmark: s.backend == "sqlite"}, nil
}

func validateRecord(r *Record) error {
	switch {
	case r.ID == "":
		return errors.New("record: no scan id")
	case r.ScannedAt.IsZero():
		return errors.New("record: no scan time")
	case len(r.Accounts) == 0:
		return errors.New("record: no account")
	}
	seen := map[string]bool{}
	for _, it := range r.Items {
		k := string(it.Kind) + "\x00" + it.ID
		if seen[k] {
			return fmt.Errorf("record: %s %s twice", it.Kind, it.ID)
		}
		seen[k] = true
		if !slices.Contains(Kinds, it.Kind) || it.ID == "" {
			return fmt.Errorf("record: bad item %q %q", it.Kind, it.ID)
		}
	}
	return nil
}

// itemRow is an items row with its derived history.
type itemRow struct {
	key                 int64
	kind                Kind
	id, account, region string
	subject             string
	st                  foldState
	baseline            *foldState
	observed            int64 // state key in the scan being recorded
	fresh               bool
	event               *foldEvent
}

const itemCols = "item_key, kind, id, account, region, subject, first_seen_scan, first_seen_at, last_seen_scan, last_seen_at, times_seen, resolved_scan, resolved_at, reopened, last_state, baseline"

func scanItemRow(rows interface{ Scan(...any) error }) (*itemRow, error) {
	var r itemRow
	var kind string
	var resolvedScan, baseline sql.NullString
	var resolvedAt sql.NullInt64
	if err := rows.Scan(&r.key, &kind, &r.id, &r.account, &r.region, &r.subject, &r.st.FirstScan, &r.st.FirstAt,
		&r.st.LastScan, &r.st.LastAt, &r.st.Times, &resolvedScan, &resolvedAt, &r.st.Reopened, &r.st.LastState, &baseline); err != nil {
		return nil, err
	}
	r.kind = Kind(kind)
	r.st.Seen = true
	if resolvedAt.Valid {
		r.st.Resolved, r.st.ResolvedScan, r.st.ResolvedAt = true, resolvedScan.String, resolvedAt.Int64
	}
	if baseline.Valid {
		var b foldState
		if err := json.Unmarshal([]byte(baseline.String), &b); err != nil {
			return nil, fmt.Errorf("item %s: baseline: %w", r.id, err)
		}
		r.baseline = &b
	}
	return &r, nil
}

func nullStr(ok bool, s string) any {
	if !ok {
		return nil
	}
	return s
}

func nullInt(ok bool, v int64) any {
	if !ok {
		return nil
	}
	return v
}

// Record writes a scan in one transaction.
func (s *sqlStore) Record(ctx context.Context, r *Record) (*Scan, error) {
	if err := validateRecord(r); err != nil {
		return nil, err
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	// Recording a scan again (analyze of the same snapshot, perhaps with a
	// new trust config) replaces it.
	var replaced bool
	var oldKey int64
	switch err := tx.QueryRowContext(ctx, "SELECT scan_key FROM scans WHERE id = $1", r.ID).Scan(&oldKey); {
	case err == nil:
		replaced = true
		if err := deleteScans(ctx, tx, []int64{oldKey}); err != nil {
			return nil, err
		}
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}

	var key int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(scan_key), 0) + 1 FROM scans").Scan(&key); err != nil {
		return nil, err
	}
	info := newScanInfo(key, r.ID, us(r.ScannedAt), r.Complete, r.Accounts, r.Regions, r.Services, r.Gaps)

	// A scan older than the history Prune folded away cannot be placed.
	var minAt sql.NullInt64
	var pruned bool
	if err := tx.QueryRowContext(ctx, "SELECT MIN(scanned_at) FROM scans").Scan(&minAt); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) > 0 FROM items WHERE baseline IS NOT NULL").Scan(&pruned); err != nil {
		return nil, err
	}
	if pruned && (!minAt.Valid || info.at < minAt.Int64) {
		return nil, fmt.Errorf("scan %s (%s) is older than the history kept after pruning", r.ID, r.ScannedAt.UTC().Format(time.RFC3339))
	}
	var latestAt sql.NullInt64
	var latestID sql.NullString
	err = tx.QueryRowContext(ctx, "SELECT scanned_at, id FROM scans ORDER BY scanned_at DESC, id DESC LIMIT 1").Scan(&latestAt, &latestID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	inOrder := !replaced && (!latestAt.Valid || after(info, &scanInfo{at: latestAt.Int64, id: latestID.String}))

	if err := insertScan(ctx, tx, key, r); err != nil {
		return nil, err
	}
	stateKeys, err := putStates(ctx, tx, r.Items)
	if err != nil {
		return nil, err
	}
	rows, err := loadScope(ctx, tx, r.Accounts)
	if err != nil {
		return nil, err
	}
	// Items the scope query could not find (an account outside the
	// scan's, or a kind/id recorded under another account) by id.
	var missing []string
	for _, it := range r.Items {
		if rows[string(it.Kind)+"\x00"+it.ID] == nil {
			missing = append(missing, it.ID)
		}
	}
	if err := inList(ctx, tx, "SELECT "+itemCols+" FROM items WHERE id IN (%s)", nil, missing, func(q *sql.Rows) error {
		row, err := scanItemRow(q)
		if err == nil {
			rows[string(row.kind)+"\x00"+row.id] = row
		}
		return err
	}); err != nil {
		return nil, err
	}
	var nextItem int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(item_key), 0) + 1 FROM items").Scan(&nextItem); err != nil {
		return nil, err
	}
	var fresh []*itemRow
	obsRows := make([][]any, 0, len(r.Items))
	for i, it := range r.Items {
		row := rows[string(it.Kind)+"\x00"+it.ID]
		if row == nil {
			row = &itemRow{key: nextItem, kind: it.Kind, id: it.ID, account: it.Account, region: it.Region, subject: it.Subject, fresh: true}
			nextItem++
			rows[string(it.Kind)+"\x00"+it.ID] = row
			fresh = append(fresh, row)
		}
		row.observed = stateKeys[i]
		obsRows = append(obsRows, []any{key, row.key, stateKeys[i]})
	}
	// New items go in first (observations and events refer to them),
	// with the history they get from this scan.
	var freshRows [][]any
	for _, row := range fresh {
		row.st, row.event = step(foldState{}, info, row.account, row.region, row.observed)
		freshRows = append(freshRows, row.values())
	}
	if err := insertRows(ctx, tx, "items", strings.Split(itemCols, ", "), freshRows); err != nil {
		return nil, err
	}
	if err := insertRows(ctx, tx, "observations", []string{"scan_key", "item_key", "state_key"}, obsRows); err != nil {
		return nil, err
	}

	if inOrder {
		err = applyInOrder(ctx, tx, info, rows)
	} else {
		err = refold(ctx, tx, info, rows)
	}
	if err != nil {
		return nil, err
	}
	// The per-scan counts of new and resolved entry points: this scan's,
	// or after a late scan (which rewrites others' events) every scan's.
	where := " WHERE scan_key = $1"
	args := []any{key}
	if !inOrder {
		where, args = "", nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE scans SET
		ep_new = (SELECT COUNT(*) FROM events e JOIN items i ON i.item_key = e.item_key
			WHERE e.scan_key = scans.scan_key AND i.kind = 'entry_point' AND e.type IN ('appeared', 'reopened')),
		ep_resolved = (SELECT COUNT(*) FROM events e JOIN items i ON i.item_key = e.item_key
			WHERE e.scan_key = scans.scan_key AND i.kind = 'entry_point' AND e.type = 'resolved')`+where, args...); err != nil {
		return nil, fmt.Errorf("counting new and resolved entry points: %w", err)
	}
	if testHookBeforeCommit != nil {
		testHookBeforeCommit()
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.scanBy(ctx, s.db, "id", r.ID)
}

func (row *itemRow) values() []any {
	var baseline any
	if row.baseline != nil {
		b, _ := json.Marshal(row.baseline)
		baseline = string(b)
	}
	return []any{row.key, string(row.kind), row.id, row.account, row.region, row.subject, row.st.FirstScan, row.st.FirstAt,
		row.st.LastScan, row.st.LastAt, row.st.Times, nullStr(row.st.Resolved, row.st.ResolvedScan), nullInt(row.st.Resolved, row.st.ResolvedAt),
		row.st.Reopened, row.st.LastState, baseline}
}

func insertScan(ctx context.Context, tx *wtx, key int64, r *Record) error {
	c := r.Counts
	var started any
	if !r.StartedAt.IsZero() {
		started = us(r.StartedAt)
	}
	var snap any
	if len(r.Snapshot) > 0 {
		snap = r.Snapshot
	}
	if err := insertRows(ctx, tx, "scans", []string{"scan_key", "id", "scanned_at", "started_at", "recorded_at", "complete", "incomplete_reason",
		"tool_name", "tool_version", "report_schema", "accounts", "regions", "services", "resources", "ep_total", "ep_public", "ep_cross_account",
		"ep_unrecognized", "bx_total", "bx_unrecognized", "threats", "findings", "attack_paths", "gaps", "highest_severity", "snapshot"},
		[][]any{{key, r.ID, us(r.ScannedAt), started, us(time.Now()), r.Complete, r.IncompleteReason, r.ToolName, r.ToolVersion, r.ReportSchema,
			joinList(r.Accounts), joinList(r.Regions), joinList(r.Services), c.Resources, c.EntryPoints, c.Public, c.CrossAccount, c.Unrecognized,
			c.Crossings, c.UnrecognizedCrossings, c.Threats, c.Findings, c.AttackPaths, c.CoverageGaps, c.HighestSeverity, snap}}); err != nil {
		return err
	}
	var acc [][]any
	for _, a := range r.AccountCounts {
		acc = append(acc, []any{key, a.Account, a.EntryPoints, a.Public, a.CrossAccount, a.Unrecognized})
	}
	if err := insertRows(ctx, tx, "scan_accounts", []string{"scan_key", "account", "ep_total", "ep_public", "ep_cross_account", "ep_unrecognized"}, acc); err != nil {
		return err
	}
	var gaps [][]any
	for i, g := range r.Gaps {
		gaps = append(gaps, []any{key, i, g.Account, g.Region, g.Service, g.API, g.Resource, g.Status, g.Error})
	}
	return insertRows(ctx, tx, "scan_gaps", []string{"scan_key", "seq", "account", "region", "service", "api", "resource", "status", "error"}, gaps)
}

// putStates stores each distinct state once and returns the key of every
// item's state.
func putStates(ctx context.Context, tx *wtx, items []Item) ([]int64, error) {
	digests := make([]string, len(items))
	byDigest := map[string]int64{}
	var want []string
	for i, it := range items {
		sum := sha256.Sum256(append([]byte(string(it.Kind)+"\x00"), it.State...))
		digests[i] = hex.EncodeToString(sum[:])
		if _, ok := byDigest[digests[i]]; !ok {
			byDigest[digests[i]] = 0
			want = append(want, digests[i])
		}
	}
	if err := inList(ctx, tx, "SELECT state_key, digest FROM states WHERE digest IN (%s)", nil, want, func(q *sql.Rows) error {
		var k int64
		var d string
		if err := q.Scan(&k, &d); err != nil {
			return err
		}
		byDigest[d] = k
		return nil
	}); err != nil {
		return nil, err
	}
	var next int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(state_key), 0) + 1 FROM states").Scan(&next); err != nil {
		return nil, err
	}
	var rows [][]any
	for i, it := range items {
		if byDigest[digests[i]] == 0 {
			byDigest[digests[i]] = next
			rows = append(rows, []any{next, digests[i], string(it.State)})
			next++
		}
	}
	if err := insertRows(ctx, tx, "states", []string{"state_key", "digest", "body"}, rows); err != nil {
		return nil, err
	}
	keys := make([]int64, len(items))
	for i := range items {
		keys[i] = byDigest[digests[i]]
	}
	return keys, nil
}

// loadScope loads every item of the accounts (and of account sets that
// include one of them), keyed by kind and id.
func loadScope(ctx context.Context, tx *wtx, accounts []string) (map[string]*itemRow, error) {
	rows := map[string]*itemRow{}
	add := func(q *sql.Rows) error {
		row, err := scanItemRow(q)
		if err == nil {
			rows[string(row.kind)+"\x00"+row.id] = row
		}
		return err
	}
	if err := inList(ctx, tx, "SELECT "+itemCols+" FROM items WHERE account IN (%s)", nil, accounts, add); err != nil {
		return nil, err
	}
	q, err := tx.QueryContext(ctx, "SELECT "+itemCols+" FROM items WHERE account LIKE '%,%'")
	if err != nil {
		return nil, err
	}
	defer q.Close()
	set := map[string]bool{}
	for _, a := range accounts {
		set[a] = true
	}
	for q.Next() {
		row, err := scanItemRow(q)
		if err != nil {
			return nil, err
		}
		for _, a := range strings.Split(row.account, ",") {
			if set[a] {
				rows[string(row.kind)+"\x00"+row.id] = row
				break
			}
		}
	}
	return rows, q.Err()
}

// applyInOrder applies a scan newer than every other to the stored
// history: one step per item, written with set-based updates (an item seen
// again in the same state only moves its last-seen scan).
func applyInOrder(ctx context.Context, tx *wtx, info *scanInfo, rows map[string]*itemRow) error {
	var same, resolved []int64
	var changed []*itemRow
	var events [][]any
	for _, row := range rows {
		if row.fresh {
			if row.event != nil {
				events = append(events, eventRow(info.key, row.key, row.event))
			}
			continue
		}
		prev := row.st
		st, ev := step(row.st, info, row.account, row.region, row.observed)
		row.st = st
		switch {
		case ev != nil && ev.typ == EventResolved:
			resolved = append(resolved, row.key)
		case ev != nil:
			changed = append(changed, row)
		case row.observed != 0 && st.LastState == prev.LastState:
			same = append(same, row.key)
		}
		if ev != nil {
			events = append(events, eventRow(info.key, row.key, ev))
		}
	}
	if err := execList(ctx, tx, "UPDATE items SET last_seen_scan = $1, last_seen_at = $2, times_seen = times_seen + 1 WHERE item_key IN (%s)",
		[]any{info.id, info.at}, same); err != nil {
		return err
	}
	if err := execList(ctx, tx, "UPDATE items SET resolved_scan = $1, resolved_at = $2 WHERE item_key IN (%s)",
		[]any{info.id, info.at}, resolved); err != nil {
		return err
	}
	if err := updateItems(ctx, tx, changed); err != nil {
		return err
	}
	return insertRows(ctx, tx, "events", []string{"scan_key", "item_key", "type", "state_key", "prev_state"}, events)
}

func eventRow(scanKey, itemKey int64, ev *foldEvent) []any {
	return []any{scanKey, itemKey, string(ev.typ), ev.state, nullInt(ev.prev != 0, ev.prev)}
}

// updateItems writes the history of many items, a few hundred per
// WITH v AS (VALUES …) UPDATE … FROM v statement (both backends take it; the casts
// give PostgreSQL the types of the parameters).
func updateItems(ctx context.Context, tx *wtx, rows []*itemRow) error {
	cols := []struct{ name, typ string }{{"item_key", "BIGINT"}, {"first_seen_scan", "TEXT"}, {"first_seen_at", "BIGINT"}, {"last_seen_scan", "TEXT"},
		{"last_seen_at", "BIGINT"}, {"times_seen", "BIGINT"}, {"resolved_scan", "TEXT"}, {"resolved_at", "BIGINT"}, {"reopened", "BIGINT"},
		{"last_state", "BIGINT"}, {"baseline", "TEXT"}}
	per := maxParams / len(cols)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(len(rows), start+per)]
		var b strings.Builder
		b.WriteString("WITH v (")
		for i, c := range cols {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c.name)
		}
		b.WriteString(") AS (VALUES ")
		var args []any
		for i, row := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			st := row.st
			var baseline any
			if row.baseline != nil {
				j, _ := json.Marshal(row.baseline)
				baseline = string(j)
			}
			vals := []any{row.key, st.FirstScan, st.FirstAt, st.LastScan, st.LastAt, st.Times, nullStr(st.Resolved, st.ResolvedScan),
				nullInt(st.Resolved, st.ResolvedAt), st.Reopened, st.LastState, baseline}
			for j, c := range cols {
				if j > 0 {
					b.WriteString(", ")
				}
				ph := "?"
				if !tx.qmark {
					ph = fmt.Sprintf("$%d", len(args)+1)
				}
				fmt.Fprintf(&b, "CAST(%s AS %s)", ph, c.typ)
				args = append(args, vals[j])
			}
			b.WriteByte(')')
		}
		b.WriteString(") UPDATE items SET ")
		for i, c := range cols[1:] {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s = v.%s", c.name, c.name)
		}
		b.WriteString(" FROM v WHERE items.item_key = v.item_key")
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("updating items: %w", err)
		}
	}
	return nil
}

// loadScans loads every retained scan's coverage, in history order.
func loadScans(ctx context.Context, q querier, where string, args ...any) ([]*scanInfo, error) {
	gaps := map[int64][]Gap{}
	grows, err := q.QueryContext(ctx, "SELECT scan_key, account, region, status FROM scan_gaps")
	if err != nil {
		return nil, err
	}
	for grows.Next() {
		var k int64
		var g Gap
		if err := grows.Scan(&k, &g.Account, &g.Region, &g.Status); err != nil {
			grows.Close()
			return nil, err
		}
		gaps[k] = append(gaps[k], g)
	}
	grows.Close()
	rows, err := q.QueryContext(ctx, "SELECT scan_key, id, scanned_at, complete, accounts, regions, services FROM scans "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*scanInfo
	for rows.Next() {
		var k, at int64
		var id, accounts, regions, services string
		var complete bool
		if err := rows.Scan(&k, &id, &at, &complete, &accounts, &regions, &services); err != nil {
			return nil, err
		}
		out = append(out, newScanInfo(k, id, at, complete, splitList(accounts), splitList(regions), splitList(services), gaps[k]))
	}
	sortScans(out)
	return out, rows.Err()
}

// refold recomputes the history of the items a late (or replaced) scan
// touches, over every retained scan in history order, starting from the
// baseline Prune left.
func refold(ctx context.Context, tx *wtx, info *scanInfo, rows map[string]*itemRow) error {
	scans, err := loadScans(ctx, tx, "")
	if err != nil {
		return err
	}
	byKey := map[int64]*itemRow{}
	var keys []int64
	for _, row := range rows {
		byKey[row.key] = row
		keys = append(keys, row.key)
	}
	obs := map[int64]map[int64]int64{} // item → scan → state
	if err := inList(ctx, tx, "SELECT item_key, scan_key, state_key FROM observations WHERE item_key IN (%s)", nil, keys, func(q *sql.Rows) error {
		var i, sc, st int64
		if err := q.Scan(&i, &sc, &st); err != nil {
			return err
		}
		if obs[i] == nil {
			obs[i] = map[int64]int64{}
		}
		obs[i][sc] = st
		return nil
	}); err != nil {
		return err
	}
	if err := execList(ctx, tx, "DELETE FROM events WHERE item_key IN (%s)", nil, keys); err != nil {
		return err
	}
	var events [][]any
	var gone []int64
	var changed []*itemRow
	for _, row := range byKey {
		st := foldState{}
		if row.baseline != nil {
			st = *row.baseline
		}
		for _, sc := range scans {
			var ev *foldEvent
			st, ev = step(st, sc, row.account, row.region, obs[row.key][sc.key])
			if ev != nil {
				events = append(events, eventRow(sc.key, row.key, ev))
			}
		}
		if !st.Seen {
			// Only the scan being replaced had seen it.
			gone = append(gone, row.key)
			continue
		}
		if st != row.st {
			row.st = st
			changed = append(changed, row)
		}
	}
	if err := updateItems(ctx, tx, changed); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, "events", []string{"scan_key", "item_key", "type", "state_key", "prev_state"}, events); err != nil {
		return err
	}
	return execList(ctx, tx, "DELETE FROM items WHERE item_key IN (%s)", nil, gone)
}

// deleteScans removes scans and everything recorded for them.
func deleteScans(ctx context.Context, tx *wtx, keys []int64) error {
	for _, t := range []string{"events", "observations", "scan_gaps", "scan_accounts", "scans"} {
		if err := execList(ctx, tx, "DELETE FROM "+t+" WHERE scan_key IN (%s)", nil, keys); err != nil {
			return fmt.Errorf("deleting from %s: %w", t, err)
		}
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver: no C toolchain needed
)

// sqliteBusyTimeout is how long a writer waits for another one (an
// overlapping scheduled run) to commit, in milliseconds.
const sqliteBusyTimeout = 120000

// openSQLite opens the SQLite store at path, creating it (and its
// directory) owner-only: a history of entry points says how to attack the
// accounts. WAL mode lets `history` read while a scan writes; every write
// transaction starts IMMEDIATE, so two writers queue on the busy timeout
// instead of failing on a lock upgrade.
func openSQLite(ctx context.Context, path string) (Store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("%s: a store path may not contain ? or #", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	f.Close()
	// SQLite gives the -wal and -shm files the database file's mode; a
	// file created by someone else with a wider mode is narrowed.
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil && !errors.Is(err, fs.ErrPermission) {
			return nil, err
		}
	}
	q := url.Values{}
	for _, p := range []string{
		fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout),
		"journal_mode(WAL)",
		"foreign_keys(1)",
		"synchronous(FULL)",
	} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, err
	}
	if !strings.EqualFold(mode, "wal") {
		db.Close()
		return nil, fmt.Errorf("%s: SQLite would not switch to WAL mode (journal_mode is %s)", path, mode)
	}
	if err := migrate(ctx, db, goose.DialectSQLite3, nil); err != nil {
		db.Close()
		return nil, err
	}
	sqliteConns.Store(db, true)
	return &sqlStore{db: db, backend: "sqlite"}, nil
}

package store

import (
	"context"
	"database/sql"
	"net/url"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// pgWriteLock is the advisory lock every write transaction takes, so
// overlapping runs write one after the other (the key is "trustmap" read
// as a number; any fixed value works).
const pgWriteLock = 0x7472757374

// openPostgres opens the PostgreSQL store at a postgres:// URL. Migrations
// run under goose's session advisory lock, so teams' parallel jobs may all
// open a new database at once.
func openPostgres(ctx context.Context, location string) (Store, error) {
	db, err := sql.Open("pgx", location)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := migrate(ctx, db, goose.DialectPostgres, locker); err != nil {
		db.Close()
		return nil, err
	}
	return &sqlStore{db: db, backend: "postgres", writeLock: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(pgWriteLock))
		return err
	}}, nil
}

// redactURL hides the password of a postgres:// URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

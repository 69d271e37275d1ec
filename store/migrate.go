package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// SchemaVersion is the newest schema this trustmap knows: the version of
// the last file in migrations/.
func SchemaVersion() int64 {
	entries, err := fs.ReadDir(migrationsFS(), ".")
	if err != nil {
		panic(err) // the embedded directory is part of the build
	}
	var v int64
	for _, e := range entries {
		n, _ := strconv.ParseInt(strings.SplitN(e.Name(), "_", 2)[0], 10, 64)
		v = max(v, n)
	}
	return v
}

func migrationsFS() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // the embedded directory is part of the build
	}
	return sub
}

func latestSource(p *goose.Provider) int64 {
	var v int64
	for _, s := range p.ListSources() {
		v = max(v, s.Version)
	}
	return v
}

// migrate brings the schema up to date, applying every pending migration
// (each in its own transaction), and refuses a store whose schema is newer
// than this binary knows. Two processes that open a new store at once may
// race to migrate it: the loser finds the work done and carries on.
func migrate(ctx context.Context, db *sql.DB, dialect goose.Dialect, locker lock.SessionLocker) error {
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if locker != nil {
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db, migrationsFS(), opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	latest := latestSource(p)
	for attempt := 0; ; attempt++ {
		var cur int64
		cur, err = p.GetDBVersion(ctx)
		if err == nil {
			if cur > latest {
				return fmt.Errorf("%w: its schema is version %d, this trustmap knows versions up to %d; upgrade trustmap (or use another --store)", ErrTooNew, cur, latest)
			}
			if cur == latest {
				return nil
			}
			if _, err = p.Up(ctx); err == nil {
				return nil
			}
		}
		if attempt == 20 || ctx.Err() != nil {
			return fmt.Errorf("migrating the schema: %w", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(50+attempt*25) * time.Millisecond):
		}
	}
}

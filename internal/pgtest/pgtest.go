// Package pgtest gives tests a fresh PostgreSQL database on the throwaway
// server that .ci/run starts (TRUSTMAP_TEST_POSTGRES, an admin URL).
package pgtest

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, as the store uses
)

var made atomic.Int64

// Fresh creates an empty database named PREFIX_PID_N on the test server and
// returns its URL; it is dropped when the test ends. Without
// TRUSTMAP_TEST_POSTGRES the test is skipped, or fails when CI=true: the
// PostgreSQL tests must run in CI.
func Fresh(t testing.TB, prefix string) string {
	t.Helper()
	admin := os.Getenv("TRUSTMAP_TEST_POSTGRES")
	if admin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TRUSTMAP_TEST_POSTGRES is unset and CI=true: the PostgreSQL tests must run in CI (.ci/run starts a throwaway cluster)")
		}
		t.Skip("TRUSTMAP_TEST_POSTGRES is unset: skipping the PostgreSQL backend (with CI=true this is a failure)")
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	name := fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), made.Add(1))
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("creating a test database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err == nil {
			db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			db.Close()
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

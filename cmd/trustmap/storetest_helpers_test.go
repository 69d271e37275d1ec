package main

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Each test gets its own data directory, so scan and analyze record into
// a history store of their own (never the developer's, never another
// test's): TRUSTMAP_STORE is hidden and XDG_DATA_HOME points into the
// test's temporary directory.
var testDataHomes sync.Map // testing.TB → string

func testGetenv(t testing.TB) func(string) string {
	return func(key string) string {
		switch key {
		case "TRUSTMAP_STORE":
			return ""
		case "XDG_DATA_HOME":
			if d, ok := testDataHomes.Load(t); ok {
				return d.(string)
			}
			d := t.TempDir()
			testDataHomes.Store(t, d)
			t.Cleanup(func() { testDataHomes.Delete(t) })
			return d
		}
		return os.Getenv(key)
	}
}

// testStorePath is where a test's runs record by default.
func testStorePath(t testing.TB) string {
	return filepath.Join(testGetenv(t)("XDG_DATA_HOME"), "trustmap", "history.db")
}

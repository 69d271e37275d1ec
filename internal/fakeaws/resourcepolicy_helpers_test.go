package fakeaws

import (
	"testing"
	"time"
)

// startFrozen starts a server for an inline fixture whose throttle clock
// never moves, so a token bucket refills not at all during a test: with
// rate R (burst R), exactly the (R+1)th call of a burst is throttled,
// however slow the machine.
func startFrozen(t *testing.T, fixture string) *Server {
	t.Helper()
	w, err := ParseFixture([]byte(fixture), t.Name())
	if err != nil {
		t.Fatal(err)
	}
	srv := New(w, Options{Logf: func(string, ...any) {}})
	frozen := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	srv.throttle.now = func() time.Time { return frozen }
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// callsUntilError makes up to limit calls and returns how many were made
// when the first error came (limit+1 when none did) and that error.
func callsUntilError(limit int, call func() error) (int, error) {
	for n := 1; n <= limit; n++ {
		if err := call(); err != nil {
			return n, err
		}
	}
	return limit + 1, nil
}

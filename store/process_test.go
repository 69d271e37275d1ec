package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/internal/pgtest"
	"github.com/trustmap/trustmap/report"
)

// These tests run recorders as separate processes (this test binary,
// re-executed into TestHelperRecorder), as two overlapping cron jobs or a
// killed scan would be.

// manyBuckets is a scan of day d with n buckets; every third changes
// exposure from day to day, and the bucket set shifts by d.
func manyBuckets(d, n int) *report.Report {
	var eps []results.EntryPoint
	for i := d; i < d+n; i++ {
		exp, who := "cross-account", "111122223333"
		if (i+d)%3 == 0 {
			exp, who = "public", "*"
		}
		eps = append(eps, bucket(fmt.Sprintf("b-%05d", i), exp, who))
	}
	return scanOf(day(d), eps...)
}

// TestHelperRecorder is not a test: it is the recorder process the tests
// below start.
func TestHelperRecorder(t *testing.T) {
	if os.Getenv("TRUSTMAP_STORE_HELPER") != "1" {
		t.Skip("a helper process for the multi-process tests")
	}
	loc := os.Getenv("TRUSTMAP_STORE_LOCATION")
	d, _ := strconv.Atoi(os.Getenv("TRUSTMAP_STORE_DAY"))
	n, _ := strconv.Atoi(os.Getenv("TRUSTMAP_STORE_N"))
	if start := os.Getenv("TRUSTMAP_STORE_START"); start != "" {
		for { // both processes go at once
			if _, err := os.Stat(start); err == nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	if os.Getenv("TRUSTMAP_STORE_HANG") == "1" {
		testHookBeforeCommit = func() {
			fmt.Println("WRITTEN, NOT COMMITTED")
			os.Stdout.Sync()
			time.Sleep(time.Hour)
		}
	}
	s, err := Open(context.Background(), loc)
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(3)
	}
	if _, err := s.Record(context.Background(), FromReport(manyBuckets(d, n), RecordOptions{})); err != nil {
		fmt.Fprintln(os.Stderr, "record:", err)
		os.Exit(4)
	}
	s.Close()
	os.Exit(0)
}

func recorder(t *testing.T, loc string, d, n int, extra ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRecorder$", "-test.count=1")
	cmd.Env = append(os.Environ(), "TRUSTMAP_STORE_HELPER=1", "TRUSTMAP_STORE_LOCATION="+loc,
		"TRUSTMAP_STORE_DAY="+strconv.Itoa(d), "TRUSTMAP_STORE_N="+strconv.Itoa(n))
	cmd.Env = append(cmd.Env, extra...)
	cmd.Stderr = os.Stderr
	return cmd
}

func allIDs(ds []int, n int) []string {
	seen := map[string]bool{}
	var ids []string
	for _, d := range ds {
		for _, it := range FromReport(manyBuckets(d, n), RecordOptions{}).Items {
			if !seen[it.ID] {
				seen[it.ID] = true
				ids = append(ids, it.ID)
			}
		}
	}
	return ids
}

func TestTwoProcessesRecordingAtOnceBothLandInEitherOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	const n = 400
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			// A store nobody has opened yet: the two also race to create
			// and migrate it.
			var loc string
			if b.name == "sqlite" {
				loc = filepath.Join(t.TempDir(), "history.db")
			} else {
				loc = pgtest.Fresh(t, "tm")
			}
			var days []int
			for round := range 3 {
				start := filepath.Join(t.TempDir(), "go")
				d1, d2 := 2*round, 2*round+1
				days = append(days, d1, d2)
				// The later scan starts first in odd rounds, so commits
				// land in both orders.
				if round%2 == 1 {
					d1, d2 = d2, d1
				}
				p1 := recorder(t, loc, d1, n, "TRUSTMAP_STORE_START="+start)
				p2 := recorder(t, loc, d2, n, "TRUSTMAP_STORE_START="+start)
				if err := p1.Start(); err != nil {
					t.Fatal(err)
				}
				if err := p2.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(300 * time.Millisecond) // both waiting
				os.WriteFile(start, nil, 0o600)
				e1, e2 := p1.Wait(), p2.Wait()
				if e1 != nil || e2 != nil {
					t.Fatalf("round %d: recorders exited %v, %v", round, e1, e2)
				}
			}
			s := mustOpen(t, loc)
			scans, err := s.Scans(context.Background(), ScanQuery{})
			if err != nil || len(scans) != len(days) {
				t.Fatalf("%d scans in the store (err %v), want %d", len(scans), err, len(days))
			}
			// The history is the one recording them in order gives.
			ref, _ := b.open(t)
			for _, d := range days {
				record(t, ref, manyBuckets(d, n))
			}
			ids := allIDs(days, n)
			want, got := history(t, ref, ids), history(t, s, ids)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("history after concurrent recording (-in order +concurrent):\n%s", diff)
			}
		})
	}
}

func TestAScanKilledMidWriteLeavesTheStoreAsItWas(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			var loc string
			if b.name == "sqlite" {
				loc = filepath.Join(t.TempDir(), "history.db")
			} else {
				loc = pgtest.Fresh(t, "tm")
			}
			s := mustOpen(t, loc)
			record(t, s, manyBuckets(0, 300))
			ids := allIDs([]int{0, 1}, 300)
			before := history(t, s, allIDs([]int{0}, 300))
			s.Close()

			p := recorder(t, loc, 1, 300, "TRUSTMAP_STORE_HANG=1")
			out, err := p.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil || !strings.Contains(line, "WRITTEN, NOT COMMITTED") {
				p.Process.Kill()
				t.Fatalf("the recorder did not reach its commit: %q %v", line, err)
			}
			if err := p.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			p.Wait()

			s = mustOpen(t, loc)
			scans, _ := s.Scans(context.Background(), ScanQuery{})
			if len(scans) != 1 {
				t.Errorf("%d scans after the kill, want the 1 before it", len(scans))
			}
			if diff := cmp.Diff(before, history(t, s, allIDs([]int{0}, 300))); diff != "" {
				t.Errorf("history changed by a killed write (-before +after):\n%s", diff)
			}
			if b.name == "sqlite" {
				var ok string
				if err := s.(*sqlStore).db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
					t.Errorf("integrity_check: %q %v", ok, err)
				}
			}
			// The next write goes through (no lock left behind).
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := s.Record(ctx, FromReport(manyBuckets(1, 300), RecordOptions{})); err != nil {
				t.Fatalf("recording after the kill: %v", err)
			}
			if n := len(history(t, s, ids)); n != len(ids) {
				t.Errorf("%d items, want %d", n, len(ids))
			}
		})
	}
}

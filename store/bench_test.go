package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/internal/pgtest"
	"github.com/trustmap/trustmap/report"
)

// Benchmarks: recording one scan of a large account, and `history` over a
// year of daily scans, on both backends.
//
//	go test ./store -run '^$' -bench . -benchtime 3x
//
// A synthetic account of R resources: one in ten is an entry point (with
// its crossing, threat and finding, as the analyzers pair them), and one
// in ten more has a finding of its own, so a scan holds R/2 items. From
// day to day 1% of the entry points change exposure and 0.5% are replaced.

func largeScan(d, resources int) *report.Report {
	n := resources / 10
	var eps []results.EntryPoint
	for i := 0; i < n; i++ {
		idx := i
		if i%200 == d%200 { // replaced: a new bucket takes its place
			idx = n*1000 + d*n + i
		}
		exp, who := "cross-account", "111122223333"
		if (i+d/7)%100 == 0 || i%3 == 0 {
			exp, who = "public", "*"
		}
		ep := bucket(fmt.Sprintf("large-%07d", idx), exp, who)
		if i%2 == 0 {
			ep.Region = "eu-west-1"
		}
		eps = append(eps, ep)
	}
	r := scanOf(day(d), eps...)
	for i := 0; i < n; i++ {
		r.Findings = append(r.Findings, analyzers.Finding{ID: fmt.Sprintf("TM-TOK-003:arn:aws:iam::%s:user/u%07d/access-key/1", acct, i), RuleID: "TM-TOK-003",
			Title: "long-lived access key", Severity: results.SevMedium, Resource: fmt.Sprintf("arn:aws:iam::%s:user/u%07d", acct, i), Account: acct})
	}
	r.Summary.Resources = resources
	return r
}

func BenchmarkRecord(b *testing.B) {
	for _, resources := range []int{20000, 100000} {
		for _, be := range backends(b) {
			b.Run(fmt.Sprintf("%s/resources=%d", be.name, resources), func(b *testing.B) {
				s, _ := be.open(b)
				// A store that already holds the previous day.
				record(b, s, largeScan(0, resources))
				recs := make([]*Record, b.N)
				for i := range recs {
					recs[i] = FromReport(largeScan(i+1, resources), RecordOptions{})
				}
				b.ReportMetric(float64(len(recs[0].Items)), "items/scan")
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := s.Record(context.Background(), recs[i]); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// yearStores caches, per backend, a store holding 365 daily scans of a
// 20k-resource account (building one takes minutes).
var yearStores sync.Map

func yearStore(b *testing.B, be backend) Store {
	if v, ok := yearStores.Load(be.name); ok {
		return v.(Store)
	}
	var s Store
	if be.name == "sqlite" {
		dir, err := os.MkdirTemp("", "trustmap-bench-")
		if err != nil {
			b.Fatal(err)
		}
		s = mustOpenNoCleanup(b, filepath.Join(dir, "history.db"))
	} else {
		s = mustOpenNoCleanup(b, pgtest.Fresh(b, "tm"))
	}
	start := time.Now()
	for d := range 365 {
		if _, err := s.Record(context.Background(), FromReport(largeScan(d, 20000), RecordOptions{})); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: 365 daily scans of 20k resources recorded in %v", be.name, time.Since(start).Round(time.Second))
	yearStores.Store(be.name, s)
	return s
}

func mustOpenNoCleanup(b *testing.B, loc string) Store {
	s, err := Open(context.Background(), loc)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkHistory is what `trustmap history`, `history EP-…` and a
// report's history section ask of a year of daily scans.
func BenchmarkHistory(b *testing.B) {
	if os.Getenv("TRUSTMAP_BENCH_YEAR") == "" {
		b.Skip("set TRUSTMAP_BENCH_YEAR=1: building a year of daily 20k-resource scans takes minutes per backend")
	}
	for _, be := range backends(b) {
		s := yearStore(b, be)
		ep := bucket(fmt.Sprintf("large-%07d", 3), "", "").ID
		last, err := s.FindScan(context.Background(), "last")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(be.name+"/list-365-scans", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if ss, err := s.Scans(context.Background(), ScanQuery{Account: acct, Limit: 365}); err != nil || len(ss) != 365 {
					b.Fatal(len(ss), err)
				}
			}
		})
		b.Run(be.name+"/timeline", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := s.Timeline(context.Background(), ep); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(be.name+"/report-history-of-last-scan", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := s.AsOf(context.Background(), last.ID, 30); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

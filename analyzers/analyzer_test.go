package analyzers_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/graph"
)

func emptyGraph() *graph.Graph {
	return graph.Resolve(&graph.Snapshot{SchemaVersion: graph.SchemaVersion})
}

// The driver checks each result against the declared ResultType, as
// go/analysis's does: a mismatch is the analyzer's failure, never "no
// results".
func TestTheDriverChecksEveryResultAgainstItsResultType(t *testing.T) {
	tests := []struct {
		name    string
		a       *analyzers.Analyzer
		wantErr string
	}{
		{"a result of the declared type passes",
			&analyzers.Analyzer{Name: "ok", Doc: "d", ResultType: reflect.TypeFor[[]string](), Run: func(*analyzers.Pass) (any, error) { return []string{"x"}, nil }}, ""},
		{"a typed nil of the declared type passes",
			&analyzers.Analyzer{Name: "nilok", Doc: "d", ResultType: reflect.TypeFor[[]string](), Run: func(*analyzers.Pass) (any, error) { return []string(nil), nil }}, ""},
		{"no ResultType and no result passes",
			&analyzers.Analyzer{Name: "none", Doc: "d", Run: func(*analyzers.Pass) (any, error) { return nil, nil }}, ""},
		{"another type fails",
			&analyzers.Analyzer{Name: "wrong", Doc: "d", ResultType: reflect.TypeFor[[]string](), Run: func(*analyzers.Pass) (any, error) { return []int{1}, nil }},
			"analyzer wrong: internal error: returned []int, but its ResultType is []string"},
		{"an untyped nil for a declared type fails",
			&analyzers.Analyzer{Name: "untyped", Doc: "d", ResultType: reflect.TypeFor[[]string](), Run: func(*analyzers.Pass) (any, error) { return nil, nil }},
			"analyzer untyped: internal error: returned <nil>, but its ResultType is []string"},
		{"a result without a ResultType fails",
			&analyzers.Analyzer{Name: "undeclared", Doc: "d", Run: func(*analyzers.Pass) (any, error) { return 3, nil }},
			"analyzer undeclared: internal error: returned a int but declares no ResultType"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := analyzers.Run(emptyGraph(), nil, []*analyzers.Analyzer{tc.a})
			if tc.wantErr == "" {
				if err != nil || len(res.Failures) != 0 {
					t.Fatalf("err %v, failures %v", err, res.Failures)
				}
				return
			}
			if err == nil || err.Error() != tc.wantErr {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
			if len(res.Failures) != 1 || res.Failures[0].Analyzer != tc.a.Name {
				t.Fatalf("failures %+v", res.Failures)
			}
			if _, ok := res.ResultOf[tc.a]; ok {
				t.Errorf("a failed analyzer has a result")
			}
		})
	}
}

// A failed analyzer, and every analyzer that needs it, is a Failure; the
// others still run and their findings are kept; a panic is a failure too.
func TestAFailedAnalyzerIsRecordedAndItsDependantsSkipped(t *testing.T) {
	boom := &analyzers.Analyzer{Name: "boom", Doc: "d", ResultType: reflect.TypeFor[int](), Run: func(*analyzers.Pass) (any, error) { panic("kaboom") }}
	needsBoom := &analyzers.Analyzer{Name: "needsboom", Doc: "d", Requires: []*analyzers.Analyzer{boom}, Run: func(*analyzers.Pass) (any, error) { return nil, nil }}
	fine := &analyzers.Analyzer{Name: "fine", Doc: "d", Run: func(p *analyzers.Pass) (any, error) {
		p.Report(analyzers.Finding{ID: "X:1", RuleID: "X", Resource: "r"})
		return nil, nil
	}}
	res, err := analyzers.Run(emptyGraph(), nil, []*analyzers.Analyzer{boom, needsBoom, fine})
	if err == nil || !strings.Contains(err.Error(), "analyzer boom: panic: kaboom") {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, f := range res.Failures {
		got = append(got, f.Analyzer+": "+f.Error)
	}
	want := "boom: panic: kaboom|needsboom: skipped: a required analyzer failed"
	if strings.Join(got, "|") != want {
		t.Errorf("failures %q, want %q", strings.Join(got, "|"), want)
	}
	if len(res.Findings) != 1 || res.Findings[0].Analyzer != "fine" {
		t.Errorf("findings %+v: the analyzer that worked lost its finding", res.Findings)
	}
}

package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/graph"
)

// result is the JSON line.
type result struct {
	Scenario          scenario                  `json:"scenario"`
	LatencyMS         float64                   `json:"latency_ms"`
	TimeScale         float64                   `json:"time_scale"`
	MaxConcurrency    int                       `json:"max_concurrency"`
	Resources         int                       `json:"resources"`
	ExpectedResources int                       `json:"expected_resources"`
	APICalls          int64                     `json:"api_calls"`
	MinimalCalls      int                       `json:"minimal_calls"`
	CallsPerResource  map[string]serviceCalls   `json:"calls_per_resource"`
	Retries           int64                     `json:"retries"`
	Throttled         int64                     `json:"throttled"`
	ThrottledByAPI    map[string]int64          `json:"throttled_by_api,omitempty"`
	Gaps              int                       `json:"gaps"`
	GapsByStatus      map[graph.GapStatus]int   `json:"gaps_by_status,omitempty"`
	Complete          bool                      `json:"complete"`
	WallS             float64                   `json:"wall_s"`
	ResolveS          float64                   `json:"resolve_s"`
	AnalyzeS          float64                   `json:"analyze_s"`
	TotalS            float64                   `json:"total_s"`
	FloorS            float64                   `json:"floor_s"`
	FloorBy           string                    `json:"floor_by"`
	LatencyTermS      float64                   `json:"latency_term_s"`
	ConcurrencyTermS  float64                   `json:"concurrency_term_s"` // not in the floor: the scanner's own bound
	Chain             int                       `json:"chain"`
	Ratio             float64                   `json:"ratio"`
	RatioTotal        float64                   `json:"ratio_total"`
	PeakRSSMB         float64                   `json:"peak_rss_mb"`
	PeakHeapMB        float64                   `json:"peak_heap_mb"`
	WorldHeapMB       float64                   `json:"world_heap_mb"`
	EntryPoints       int                       `json:"entry_points"`
	ExpectedEntry     int                       `json:"expected_entry_points"`
	EntryMissing      int                       `json:"entry_points_missing"`
	EntryUnexpected   int                       `json:"entry_points_unexpected"`
	Buckets           []bucketLoad              `json:"busiest_buckets"`
	Calls             map[string]*minimalActual `json:"calls"`

	// For tests: not printed.
	entries map[entryKey]bool
	gaps    []graph.Gap
}

// serviceCalls are one service's calls per resource.
type serviceCalls struct {
	Resources   int     `json:"resources"`
	Calls       int64   `json:"calls"`
	Minimal     int     `json:"minimal"`
	PerResource float64 `json:"per_resource"`
}

// minimalActual compares one API's calls with the plan.
type minimalActual struct {
	Minimal   int   `json:"minimal"`
	Actual    int64 `json:"actual"`
	Throttled int64 `json:"throttled,omitempty"`
}

// isResource says whether a node kind is a resource the collectors read (not
// a principal, the account, or an endpoint outside AWS).
func isResource(k graph.Kind) bool {
	switch k {
	case graph.KindAccount, graph.KindExternalEndpoint, graph.KindEventSource:
		return false
	}
	return !k.IsPrincipal()
}

// serviceKinds are the resources each service's calls are counted against.
var serviceKinds = map[string][]graph.Kind{
	"s3":           {graph.KindS3Bucket},
	"lambda":       {graph.KindLambdaFunction},
	"sqs":          {graph.KindSQSQueue},
	"apigateway":   {graph.KindRestAPI},
	"apigatewayv2": {graph.KindHTTPAPI},
	"iam":          {graph.KindIAMRole, graph.KindIAMUser},
	"cloudfront":   {graph.KindDistribution, graph.KindOriginAccessIdentity},
	"wafv2":        {graph.KindWebACL},
	"rds":          {graph.KindDBInstance, graph.KindDBCluster, graph.KindDBSnapshot, graph.KindDBClusterSnapshot},
	"eks":          {graph.KindEKSCluster},
	"es":           {graph.KindSearchDomain}, // OpenSearch, by its signing name
}

func perResource(calls map[string]*minimalActual, kinds map[graph.Kind]int) map[string]serviceCalls {
	out := map[string]serviceCalls{}
	for svc, ks := range serviceKinds {
		sc := serviceCalls{}
		for _, k := range ks {
			sc.Resources += kinds[k]
		}
		for op, m := range calls {
			s, _, _ := strings.Cut(op, ":")
			if s == svc || (svc == "s3" && s == "s3control") {
				sc.Calls += m.Actual
				sc.Minimal += m.Minimal
			}
		}
		if sc.Resources > 0 {
			sc.PerResource = math.Round(float64(sc.Calls)/float64(sc.Resources)*1000) / 1000
		}
		out[svc] = sc
	}
	return out
}

func reportEntryDiff(w io.Writer, want, got map[entryKey]bool) {
	var lines []string
	for k := range want {
		if !got[k] {
			lines = append(lines, "missing    "+k.Resource+" via "+k.Via)
		}
	}
	for k := range got {
		if !want[k] {
			lines = append(lines, "unexpected "+k.Resource+" via "+k.Via)
		}
	}
	slices.Sort(lines)
	for _, l := range lines[:min(len(lines), 20)] {
		fmt.Fprintln(w, "trustmap-bench: entry point", l)
	}
}

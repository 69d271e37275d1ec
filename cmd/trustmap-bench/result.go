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
	"s3":             {graph.KindS3Bucket},
	"s3control":      {graph.KindS3AccessPoint, graph.KindMultiRegionAccessPoint},
	"lambda":         {graph.KindLambdaFunction},
	"lambda-layers":  {graph.KindLambdaLayer},
	"ecr":            {graph.KindECRRepository},
	"sqs":            {graph.KindSQSQueue},
	"apigateway":     {graph.KindRestAPI},
	"apigatewayv2":   {graph.KindHTTPAPI},
	"iam":            {graph.KindIAMRole, graph.KindIAMUser},
	"sns":            {graph.KindSNSTopic},
	"events":         {graph.KindEventBus, graph.KindEventRule, graph.KindAPIDestination},
	"kms":            {graph.KindKMSKey},
	"secretsmanager": {graph.KindSecret},
	"cloudfront":     {graph.KindDistribution, graph.KindOriginAccessIdentity},
	"wafv2":          {graph.KindWebACL},
	"rds":            {graph.KindDBInstance, graph.KindDBCluster, graph.KindDBSnapshot, graph.KindDBClusterSnapshot},
	"eks":            {graph.KindEKSCluster},
	"es":             {graph.KindSearchDomain}, // OpenSearch, by its signing name
	"ec2":            {graph.KindEC2Instance, graph.KindSecurityGroup, graph.KindSubnet, graph.KindPrefixList, graph.KindLaunchTemplate},
	"elbv2":          {graph.KindLoadBalancer, graph.KindListener, graph.KindTargetGroup},
	"elb":            nil, // Classic load balancers and listeners: the same kinds as elbv2's (serviceOfNode)
}

// kindService is the service a resource kind is counted under.
var kindService = func() map[graph.Kind]string {
	out := map[graph.Kind]string{}
	for svc, ks := range serviceKinds {
		for _, k := range ks {
			out[k] = svc
		}
	}
	return out
}()

// serviceOfNode is the service whose calls a resource node is counted
// against: its kind's, except that Classic Load Balancers and their
// listeners (classic: the Classic load balancers' ids) are elb's.
func serviceOfNode(n *graph.Node, classic map[string]bool) string {
	switch {
	case n.Kind == graph.KindLoadBalancer && classic[n.ID],
		n.Kind == graph.KindListener && n.Listener() != nil && classic[n.Listener().LoadBalancer]:
		return "elb"
	}
	return kindService[n.Kind]
}

// serviceOf is the service an API's calls are counted under: the fake's
// service name, except the account's Block Public Access (S3 Control,
// read by the s3 collector), the layer reads (counted against layer
// versions, apart from the functions) and Elastic Load Balancing, whose two
// API versions are the elbv2 and elb collectors.
func serviceOf(op string) string {
	svc, api, _ := strings.Cut(op, ":")
	switch {
	case svc == "s3control" && api == "GetPublicAccessBlock":
		return "s3"
	case svc == "lambda" && (api == "ListLayers" || api == "ListLayerVersions" || api == "GetLayerVersionPolicy"):
		return "lambda-layers"
	case svc == "elasticloadbalancingv2":
		return "elbv2"
	case svc == "elasticloadbalancing":
		return "elb"
	}
	return svc
}

func perResource(calls map[string]*minimalActual, resources map[string]int) map[string]serviceCalls {
	out := map[string]serviceCalls{}
	for svc := range serviceKinds {
		sc := serviceCalls{Resources: resources[svc]}
		for op, m := range calls {
			if serviceOf(op) == svc {
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

package lambda_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/lambda"
	"github.com/trustmap/trustmap/graph"
)

// When ListFunctionUrlConfigs is not there — moto 4.1.14 answers it with a
// 404 HTML page (shared/emulators/moto/README.md) — or is denied (an audit
// policy that grants lambda:GetFunctionUrlConfig but not the list call),
// every function's URLs are still read, with GetFunctionUrlConfig for the
// function and each alias, and the coverage section says so once.

const publicURLPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"url","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:us-east-1:123456789012:function:open-url","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}`

// urlFunctions are n functions without a URL and two with one.
func urlFunctions(n int) string {
	var b strings.Builder
	b.WriteString("lambda:\n  functions:\n")
	fmt.Fprintf(&b, "    - {name: open-url, region: us-east-1, runtime: python3.12, handler: app.handler, role: %s, url: {auth_type: NONE}, policy: '%s'}\n", roleARN, publicURLPolicy)
	fmt.Fprintf(&b, "    - {name: iam-url, region: us-east-1, runtime: python3.12, handler: app.handler, role: %s, url: {auth_type: AWS_IAM}}\n", roleARN)
	for i := range n {
		fmt.Fprintf(&b, "    - {name: fn-%02d, region: us-east-1, runtime: python3.12, handler: app.handler, role: %s}\n", i, roleARN)
	}
	return b.String()
}

type urlFacts struct {
	URLKnown graph.Tri
	URLs     []string // auth types
}

func urlFactsOf(s *graph.Snapshot) map[string]urlFacts {
	out := map[string]urlFacts{}
	for name, n := range functions(s) {
		out[name] = urlFacts{URLKnown: n.Function().URLKnown}
	}
	for _, n := range s.Nodes {
		if n.Kind == graph.KindLambdaFunctionURL {
			name := strings.TrimSuffix(n.Name, " URL")
			f := out[name]
			f.URLs = append(f.URLs, n.FunctionURL().AuthType)
			out[name] = f
		}
	}
	return out
}

func TestFunctionURLsAreReadOneByOneWhereTheListCallIsMissingOrDenied(t *testing.T) {
	const n = 6
	for _, tc := range []struct {
		name, fault string
		status      graph.GapStatus
	}{
		{"not implemented (moto's 404 page)", "kind: html-404", graph.GapUnsupported},
		{"denied (an audit policy without the list call)", "error: AccessDeniedException", graph.GapDenied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scan := collectortest.Run(t, fixture(urlFunctions(n), "faults:\n  - {service: lambda, api: ListFunctionUrlConfigs, "+tc.fault+"}"),
				collectortest.Options{Regions: []string{"us-east-1"}}, &lambda.Collector{FunctionConcurrency: 1})
			want := map[string]urlFacts{"open-url": {graph.True, []string{"NONE"}}, "iam-url": {graph.True, []string{"AWS_IAM"}}}
			for i := range n {
				want[fmt.Sprintf("fn-%02d", i)] = urlFacts{URLKnown: graph.True}
			}
			if diff := cmp.Diff(want, urlFactsOf(scan.Snapshot)); diff != "" {
				t.Errorf("URLs per function (-want +got):\n%s", diff)
			}
			u := scan.Node(t, fnARN+"open-url#url")
			if u.FunctionURL().AuthType != "NONE" || u.FunctionURL().URL == "" {
				t.Errorf("open-url's URL = %+v", u.FunctionURL())
			}
			for _, e := range scan.Snapshot.Edges {
				if e.Via == graph.ViaFunctionURL && (len(e.Evidence) != 1 || e.Evidence[0].Source != "lambda:GetFunctionUrlConfig") {
					t.Errorf("URL edge %s -> %s has evidence %+v, want lambda:GetFunctionUrlConfig", e.From, e.To, e.Evidence)
				}
			}
			gaps := scan.Gaps("ListFunctionUrlConfigs")
			if len(gaps) != 1 || gaps[0].Status != tc.status || gaps[0].Resources != n+2 || gaps[0].Resource != "" ||
				!strings.Contains(gaps[0].Error, "read with GetFunctionUrlConfig") {
				t.Errorf("ListFunctionUrlConfigs gaps = %+v, want one %s gap saying %d functions' URLs were read with GetFunctionUrlConfig", gaps, tc.status, n+2)
			}
			if len(scan.Snapshot.Coverage) != 1 || scan.Err != nil {
				t.Errorf("coverage %+v, err %v; want only the note on the list call", scan.Snapshot.Coverage, scan.Err)
			}
			// The list call is tried until it has failed three times
			// running, then no more in the region (the collector reads up
			// to two functions at once here: a fourth may have started).
			st := scan.Server.Stats().Calls
			if l := st["lambda:ListFunctionUrlConfigs"]; l < 3 || l > 4 || st["lambda:GetFunctionUrlConfig"] != n+2 || st["lambda:ListAliases"] != n+2 {
				t.Errorf("calls: %d ListFunctionUrlConfigs, %d GetFunctionUrlConfig, %d ListAliases; want 3 or 4, %d, %d",
					l, st["lambda:GetFunctionUrlConfig"], st["lambda:ListAliases"], n+2, n+2)
			}
		})
	}
}

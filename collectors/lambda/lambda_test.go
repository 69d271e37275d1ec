package lambda_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/lambda"
	"github.com/trustmap/trustmap/graph"
)

const account = `
accounts:
  - id: "123456789012"
    access_keys: [AKIATEST000000000001]
    regions: [us-east-1, eu-west-1]
    disabled_regions: [af-south-1]
%s
%s
`

// fixture builds a one-account fixture with the given lambda section
// (indented under the account) and optional top-level extras (faults).
func fixture(section, extra string) string {
	return fmt.Sprintf(account, collectortest.Indent(section, "    "), extra)
}

const (
	fnARN   = "arn:aws:lambda:us-east-1:123456789012:function:"
	roleARN = "arn:aws:iam::123456789012:role/orders-role"
)

const invokePolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:with-policy"}]}`

// functions returns the function nodes of a snapshot by name.
func functions(s *graph.Snapshot) map[string]graph.Node {
	out := map[string]graph.Node{}
	for _, n := range s.Nodes {
		if n.Kind == graph.KindLambdaFunction {
			out[n.Name] = n
		}
	}
	return out
}

func TestFunctionsOverSeveralPagesAreEachReadOnce(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("lambda:\n  functions:\n")
	const n = 120 // three pages of 50
	for i := range n {
		fmt.Fprintf(&sb, "    - {name: fn-%03d, region: us-east-1, runtime: python3.12, handler: app.handler, role: %s}\n", i, roleARN)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: []string{"us-east-1"}}, lambda.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	fns := functions(scan.Snapshot)
	if len(fns) != n {
		t.Errorf("functions = %d, want %d", len(fns), n)
	}
	for name, node := range fns {
		if node.ID != fnARN+name || node.Function().Policy.State != graph.False || node.Function().URLKnown != graph.True {
			t.Errorf("%s: id %s, policy %v, url known %v; want unqualified ARN, no policy, URL lookup done",
				name, node.ID, node.Function().Policy.State, node.Function().URLKnown)
		}
	}
	calls := scan.Server.Stats().Calls
	want := map[string]int{
		"lambda:ListFunctions":           3,
		"lambda:GetPolicy":               n,
		"lambda:ListFunctionUrlConfigs":  n,
		"lambda:ListEventSourceMappings": 1,
	}
	for api, w := range want {
		if got := calls[api]; int(got) != w {
			t.Errorf("%s calls = %d, want %d (all calls: %v)", api, got, w, calls)
		}
	}
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage = %+v, want none", scan.Snapshot.Coverage)
	}
}

func TestFunctionAttributesURLsAndRoleBecomeNodesAndEdges(t *testing.T) {
	fx := fixture(`lambda:
  functions:
    - name: public-url
      region: us-east-1
      runtime: nodejs20.x
      handler: index.handler
      role: `+roleARN+`
      last_modified: 2024-01-07T10:00:00.000+0000
      url: {auth_type: NONE, cors: {allow_origins: ["https://example.com", "*"], allow_methods: ["GET"], allow_credentials: true}, invoke_mode: RESPONSE_STREAM}
    - name: iam-url
      region: us-east-1
      runtime: python3.12
      handler: app.handler
      role: `+roleARN+`
      url: {auth_type: AWS_IAM}
    - {name: with-policy, region: us-east-1, runtime: python3.12, handler: app.handler, role: `+roleARN+`, policy: '`+invokePolicy+`'}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}}, lambda.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}

	pub := scan.Node(t, fnARN+"public-url")
	wantFn := &graph.LambdaFunction{
		Runtime: "nodejs20.x", Handler: "index.handler", Role: roleARN,
		Policy: graph.Absent("lambda:GetPolicy"), URLKnown: graph.True,
		LastModified: "2024-01-07T10:00:00.000+0000", PackageType: pub.Function().PackageType,
	}
	if diff := cmp.Diff(wantFn, pub.Function()); diff != "" {
		t.Errorf("function public-url (-want +got):\n%s", diff)
	}
	if got := scan.Node(t, fnARN+"with-policy").Function().Policy; got != graph.Present(invokePolicy, "lambda:GetPolicy") {
		t.Errorf("with-policy policy = %+v, want the document verbatim", got)
	}

	url := scan.Node(t, fnARN+"public-url#url")
	if url.Kind != graph.KindLambdaFunctionURL || url.Region != "us-east-1" || url.Account != "123456789012" {
		t.Errorf("URL node = %+v, want a LambdaFunctionURL in us-east-1 of 123456789012", url)
	}
	wantURL := &graph.FunctionURL{
		URL: url.FunctionURL().URL, AuthType: "NONE", InvokeMode: "RESPONSE_STREAM",
		CORSAllowOrigins: []string{"https://example.com", "*"}, CORSAllowCreds: true,
	}
	if diff := cmp.Diff(wantURL, url.FunctionURL()); diff != "" {
		t.Errorf("function URL (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(url.FunctionURL().URL, "https://") {
		t.Errorf("function URL = %q, want the https URL AWS returns", url.FunctionURL().URL)
	}
	if got := scan.Node(t, fnARN+"iam-url#url").FunctionURL().AuthType; got != "AWS_IAM" {
		t.Errorf("iam-url auth type = %q, want AWS_IAM", got)
	}

	var edges []string
	for _, e := range scan.Snapshot.Edges {
		edges = append(edges, fmt.Sprintf("%s -%s/%s-> %s (%v)", e.From, e.Kind, e.Via, e.To, e.Certainty))
	}
	wantEdges := []string{
		fnARN + "iam-url -executes-as/execution-role-> " + roleARN + " (true)",
		fnARN + "iam-url#url -routes-to/function-url-> " + fnARN + "iam-url (true)",
		fnARN + "public-url -executes-as/execution-role-> " + roleARN + " (true)",
		fnARN + "public-url#url -routes-to/function-url-> " + fnARN + "public-url (true)",
		fnARN + "with-policy -executes-as/execution-role-> " + roleARN + " (true)",
	}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

func TestEnvironmentVariableValuesNeverReachTheSnapshot(t *testing.T) {
	const secret = "sk_live_9f8e7d6c5b4a-DO-NOT-LEAK"
	const secret2 = "hunter2-postgres-password"
	fx := fixture(`lambda:
  functions:
    - name: leaky
      region: us-east-1
      runtime: python3.12
      handler: app.handler
      role: `+roleARN+`
      environment: {STRIPE_KEY: `+secret+`, DB_PASSWORD: `+secret2+`, TABLE: tbl-value-7c1e}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}}, lambda.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	if diff := cmp.Diff([]string{"DB_PASSWORD", "STRIPE_KEY", "TABLE"}, scan.Node(t, fnARN+"leaky").Function().EnvVarNames); diff != "" {
		t.Errorf("env var names, sorted (-want +got):\n%s", diff)
	}
	var buf bytes.Buffer
	if err := scan.Snapshot.Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{secret, secret2, "tbl-value-7c1e"} {
		if bytes.Contains(buf.Bytes(), []byte(v)) {
			t.Errorf("snapshot JSON contains the environment value %q", v)
		}
	}
}

func TestDeniedGetPolicyLeavesOnlyThatFunctionsPolicyUnknown(t *testing.T) {
	fx := fixture(`lambda:
  functions:
    - {name: secretive, region: us-east-1, runtime: python3.12, handler: app.handler, role: `+roleARN+`, policy: '`+invokePolicy+`'}
    - {name: with-policy, region: us-east-1, runtime: python3.12, handler: app.handler, role: `+roleARN+`, policy: '`+invokePolicy+`'}
    - {name: plain, region: us-east-1, runtime: python3.12, handler: app.handler, role: `+roleARN+`}`, `faults:
  - {service: lambda, api: GetPolicy, resource: secretive, error: AccessDenied}
  - {service: lambda, api: ListFunctionUrlConfigs, resource: plain, error: AccessDenied}`)
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}}, lambda.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v (denials are gaps, not errors)", scan.Err)
	}
	type facts struct{ Policy, URLKnown graph.Tri }
	got := map[string]facts{}
	for name, n := range functions(scan.Snapshot) {
		got[name] = facts{n.Function().Policy.State, n.Function().URLKnown}
	}
	// plain's URLs are known all the same: read with GetFunctionUrlConfig
	// when the list call was denied.
	want := map[string]facts{
		"secretive":   {graph.Unknown, graph.True},
		"with-policy": {graph.True, graph.True},
		"plain":       {graph.False, graph.True},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("facts per function (-want +got):\n%s", diff)
	}
	gaps := scan.Gaps("GetPolicy")
	if len(gaps) != 1 || gaps[0].Status != graph.GapDenied || gaps[0].Resource != "secretive" ||
		gaps[0].Service != "lambda" || gaps[0].Region != "us-east-1" {
		t.Errorf("GetPolicy gaps = %+v, want one denied lambda gap in us-east-1 naming secretive", gaps)
	}
	gaps = scan.Gaps("ListFunctionUrlConfigs")
	if len(gaps) != 1 || gaps[0].Status != graph.GapDenied || gaps[0].Resources != 1 || !strings.Contains(gaps[0].Error, "GetFunctionUrlConfig") {
		t.Errorf("ListFunctionUrlConfigs gaps = %+v, want one denied gap saying 1 function's URLs were read with GetFunctionUrlConfig", gaps)
	}
}

func TestThrottledCallsAreRetriedAndLeaveNoGap(t *testing.T) {
	fx := fixture(`lambda:
  functions:
    - {name: with-policy, region: us-east-1, runtime: python3.12, handler: app.handler, role: `+roleARN+`, policy: '`+invokePolicy+`'}`, `faults:
  - {service: lambda, api: GetPolicy, resource: with-policy, error: Throttling, count: 2}`)
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}}, lambda.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	if len(scan.Snapshot.Coverage) != 0 {
		t.Errorf("coverage = %+v, want none after retries", scan.Snapshot.Coverage)
	}
	if got := scan.Stats.Retries.Load(); got != 2 {
		t.Errorf("retries = %d, want 2", got)
	}
	if got := scan.Node(t, fnARN+"with-policy").Function().Policy.State; got != graph.True {
		t.Errorf("policy state = %v, want true once the retries succeeded", got)
	}
}

func TestThrottledOutBecomesAThrottledGap(t *testing.T) {
	fx := fixture(`lambda:
  functions:
    - {name: busy, region: us-east-1, runtime: python3.12, handler: app.handler, role: `+roleARN+`}`, `faults:
  - {service: lambda, api: GetPolicy, resource: busy, error: Throttling}`)
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}, MaxAttempts: 2}, lambda.New())
	gaps := scan.Gaps("GetPolicy")
	if len(gaps) != 1 || gaps[0].Status != graph.GapThrottled || gaps[0].Resource != "busy" {
		t.Fatalf("gaps = %+v, want one throttled gap for busy", gaps)
	}
	if got := scan.Node(t, fnARN+"busy").Function().Policy.State; got != graph.Unknown {
		t.Errorf("policy state = %v, want unknown", got)
	}
}

func TestARegionThatIsNotEnabledIsSkippedAndRecorded(t *testing.T) {
	fx := fixture(`lambda:
  functions:
    - {name: east, region: us-east-1, runtime: python3.12, handler: app.handler, role: `+roleARN+`}
    - {name: west, region: eu-west-1, runtime: python3.12, handler: app.handler, role: `+roleARN+`}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1", "af-south-1"}}, lambda.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	var names []string
	for name, n := range functions(scan.Snapshot) {
		names = append(names, name+"@"+n.Region)
	}
	if diff := cmp.Diff([]string{"east@us-east-1"}, names); diff != "" {
		t.Errorf("functions (-want +got):\n%s", diff)
	}
	want := []graph.Gap{{Account: "123456789012", Service: "*", Region: "af-south-1", API: "*", Status: graph.GapNotEnabled,
		Error: "region is not enabled for this account"}}
	if diff := cmp.Diff(want, scan.Snapshot.Coverage); diff != "" {
		t.Errorf("coverage (-want +got):\n%s", diff)
	}
}

func TestEventSourceMappingsBecomeTriggerEdges(t *testing.T) {
	const queue = "arn:aws:sqs:us-east-1:123456789012:orders"
	const stream = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks"
	fx := fixture(`lambda:
  functions:
    - {name: ingest, region: us-east-1, runtime: python3.12, handler: app.handler, role: `+roleARN+`}
    - {name: clicks, region: us-east-1, runtime: python3.12, handler: app.handler, role: `+roleARN+`}
    - {name: ingest, region: eu-west-1, runtime: python3.12, handler: app.handler, role: `+roleARN+`}
  event_source_mappings:
    - {uuid: 11111111-2222-3333-4444-555555555555, region: us-east-1, function: ingest, event_source_arn: "`+queue+`", state: Enabled, batch_size: 10}
    - {uuid: 66666666-7777-8888-9999-000000000000, region: us-east-1, function: clicks, event_source_arn: "`+stream+`", state: Disabled, batch_size: 100}
    - {uuid: 99999999-8888-7777-6666-555555555555, region: eu-west-1, function: ingest, event_source_arn: "arn:aws:sqs:eu-west-1:123456789012:other", state: Enabled}`, "")
	scan := collectortest.Run(t, fx, collectortest.Options{Regions: []string{"us-east-1"}}, lambda.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	var got []graph.Edge
	for _, e := range scan.Snapshot.Edges {
		if e.Kind == graph.EdgeTriggers {
			got = append(got, e)
		}
	}
	want := []graph.Edge{
		{From: stream, To: fnARN + "clicks", Kind: graph.EdgeTriggers, Via: graph.ViaEventSourceMapping, Certainty: graph.False,
			Evidence: []graph.Evidence{{Source: "lambda:ListEventSourceMappings", Detail: "UUID 66666666-7777-8888-9999-000000000000, state Disabled"}}},
		{From: queue, To: fnARN + "ingest", Kind: graph.EdgeTriggers, Via: graph.ViaEventSourceMapping, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: "lambda:ListEventSourceMappings", Detail: "UUID 11111111-2222-3333-4444-555555555555, state Enabled"}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("trigger edges (-want +got):\n%s", diff)
	}
}

func TestEventSourceMappingsOverSeveralPagesAreAllSeen(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("lambda:\n  functions:\n    - {name: sink, region: us-east-1, runtime: python3.12, handler: app.handler, role: " + roleARN + "}\n")
	sb.WriteString("  event_source_mappings:\n")
	const n = 150 // two pages of 100
	for i := range n {
		fmt.Fprintf(&sb, "    - {uuid: 00000000-0000-0000-0000-%012d, region: us-east-1, function: sink, event_source_arn: \"arn:aws:sqs:us-east-1:123456789012:q-%03d\", state: Enabled}\n", i, i)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: []string{"us-east-1"}}, lambda.New())
	if scan.Err != nil {
		t.Fatalf("scan: %v", scan.Err)
	}
	var triggers int
	for _, e := range scan.Snapshot.Edges {
		if e.Kind == graph.EdgeTriggers && e.To == fnARN+"sink" {
			triggers++
		}
	}
	if triggers != n {
		t.Errorf("trigger edges = %d, want %d", triggers, n)
	}
	if got := scan.Server.Stats().Calls["lambda:ListEventSourceMappings"]; got != 2 {
		t.Errorf("ListEventSourceMappings calls = %d, want 2 pages", got)
	}
}

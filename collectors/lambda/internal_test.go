package lambda

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// These tests cover shapes the fake's fixture format cannot express (URLs
// on aliases, transitional mapping states, self-managed Kafka sources),
// with a stub built from the Lambda API reference's response shapes.

type stub struct {
	functions []types.FunctionConfiguration
	policies  map[string]string // "name" or "name:qualifier" -> document
	urls      map[string][]types.FunctionUrlConfig
	mappings  []types.EventSourceMappingConfiguration
	aliases   map[string][]string // function -> alias names
	listErr   error               // what ListFunctionUrlConfigs answers, when set
	// ignoreAliases: GetFunctionUrlConfig ignores Qualifier (moto)
	ignoreAliases bool

	mu       sync.Mutex
	policyIn []string
}

var notFound = &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "The resource you requested does not exist."}

func (s *stub) ListFunctions(_ context.Context, in *lambda.ListFunctionsInput, _ ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error) {
	return &lambda.ListFunctionsOutput{Functions: s.functions}, nil
}

func (s *stub) GetPolicy(_ context.Context, in *lambda.GetPolicyInput, _ ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error) {
	key := aws.ToString(in.FunctionName)
	if q := aws.ToString(in.Qualifier); q != "" {
		key += ":" + q
	}
	s.mu.Lock()
	s.policyIn = append(s.policyIn, key)
	s.mu.Unlock()
	if doc, ok := s.policies[key]; ok {
		return &lambda.GetPolicyOutput{Policy: aws.String(doc)}, nil
	}
	return nil, notFound
}

func (s *stub) ListFunctionUrlConfigs(_ context.Context, in *lambda.ListFunctionUrlConfigsInput, _ ...func(*lambda.Options)) (*lambda.ListFunctionUrlConfigsOutput, error) {
	if s.listErr != nil {
		return nil, s.listErr
	}
	return &lambda.ListFunctionUrlConfigsOutput{FunctionUrlConfigs: s.urls[aws.ToString(in.FunctionName)]}, nil
}

func (s *stub) GetFunctionUrlConfig(_ context.Context, in *lambda.GetFunctionUrlConfigInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionUrlConfigOutput, error) {
	name, q := aws.ToString(in.FunctionName), aws.ToString(in.Qualifier)
	if s.ignoreAliases {
		q = "" // as moto does
	}
	for _, u := range s.urls[name] {
		if qualifier(aws.ToString(u.FunctionArn)) == q {
			return &lambda.GetFunctionUrlConfigOutput{FunctionArn: u.FunctionArn, FunctionUrl: u.FunctionUrl, AuthType: u.AuthType, Cors: u.Cors, InvokeMode: u.InvokeMode}, nil
		}
	}
	return nil, notFound
}

func (s *stub) ListAliases(_ context.Context, in *lambda.ListAliasesInput, _ ...func(*lambda.Options)) (*lambda.ListAliasesOutput, error) {
	out := &lambda.ListAliasesOutput{}
	for _, a := range s.aliases[aws.ToString(in.FunctionName)] {
		out.Aliases = append(out.Aliases, types.AliasConfiguration{Name: aws.String(a), AliasArn: aws.String(arnPrefix + aws.ToString(in.FunctionName) + ":" + a)})
	}
	return out, nil
}

func (s *stub) ListEventSourceMappings(context.Context, *lambda.ListEventSourceMappingsInput, ...func(*lambda.Options)) (*lambda.ListEventSourceMappingsOutput, error) {
	return &lambda.ListEventSourceMappingsOutput{EventSourceMappings: s.mappings}, nil
}

func (s *stub) GetFunction(context.Context, *lambda.GetFunctionInput, ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error) {
	return nil, notFound
}

func (s *stub) ListLayers(context.Context, *lambda.ListLayersInput, ...func(*lambda.Options)) (*lambda.ListLayersOutput, error) {
	return &lambda.ListLayersOutput{}, nil
}

func (s *stub) ListLayerVersions(context.Context, *lambda.ListLayerVersionsInput, ...func(*lambda.Options)) (*lambda.ListLayerVersionsOutput, error) {
	return &lambda.ListLayerVersionsOutput{}, nil
}

func (s *stub) GetLayerVersionPolicy(context.Context, *lambda.GetLayerVersionPolicyInput, ...func(*lambda.Options)) (*lambda.GetLayerVersionPolicyOutput, error) {
	return nil, notFound
}

const arnPrefix = "arn:aws:lambda:us-east-1:123456789012:function:"

func run(t *testing.T, s *stub) *graph.Snapshot {
	t.Helper()
	b := graph.NewBuilder()
	tg := collectors.Target{Account: "123456789012", Region: "us-east-1"}
	if err := New().collect(context.Background(), tg, b, s); err != nil {
		t.Fatalf("collect: %v", err)
	}
	return b.Freeze(graph.Tool{Name: "test"}, time.Time{})
}

func TestAURLOnAnAliasIsItsOwnNodeWithTheAliasPolicy(t *testing.T) {
	for _, listErr := range []error{nil, notImplemented, denied} {
		name := "listed"
		if listErr != nil {
			name = "read one by one when the list call answers " + collectors.ErrorSummary(listErr)
		}
		t.Run(name, func(t *testing.T) { aliasURL(t, listErr) })
	}
}

// moto answers GetFunctionUrlConfig with Qualifier with the function's own
// URL (an unqualified FunctionArn), having stored an alias's URL on the
// function: that is one URL, the function's, not a second one on the alias.
func TestAnAliasQueryAnsweredWithTheFunctionsOwnURLIsNotASecondURL(t *testing.T) {
	s := &stub{
		functions: []types.FunctionConfiguration{{FunctionName: aws.String("api"), FunctionArn: aws.String(arnPrefix + "api")}},
		urls: map[string][]types.FunctionUrlConfig{"api": {
			{FunctionArn: aws.String(arnPrefix + "api"), FunctionUrl: aws.String("https://a.lambda-url.us-east-1.on.aws/"), AuthType: types.FunctionUrlAuthTypeAwsIam},
		}},
		aliases:       map[string][]string{"api": {"live"}},
		listErr:       notImplemented,
		ignoreAliases: true,
	}
	var ids []string
	for _, n := range run(t, s).Nodes {
		if n.Kind == graph.KindLambdaFunctionURL {
			ids = append(ids, n.ID)
		}
	}
	if diff := cmp.Diff([]string{arnPrefix + "api#url"}, ids); diff != "" {
		t.Errorf("URL nodes (-want +got):\n%s", diff)
	}
}

// Answers of a list call that is not there, or not allowed.
var (
	notImplemented = &smithy.GenericAPIError{Code: "NotImplemented", Message: "not implemented"}
	denied         = &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform lambda:ListFunctionUrlConfigs"}
)

func aliasURL(t *testing.T, listErr error) {
	const aliasPolicy = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:us-east-1:123456789012:function:api:live"}]}`
	s := &stub{
		functions: []types.FunctionConfiguration{{FunctionName: aws.String("api"), FunctionArn: aws.String(arnPrefix + "api")}},
		policies:  map[string]string{"api:live": aliasPolicy},
		urls: map[string][]types.FunctionUrlConfig{"api": {
			{FunctionArn: aws.String(arnPrefix + "api"), FunctionUrl: aws.String("https://a.lambda-url.us-east-1.on.aws/"), AuthType: types.FunctionUrlAuthTypeAwsIam},
			{FunctionArn: aws.String(arnPrefix + "api:live"), FunctionUrl: aws.String("https://b.lambda-url.us-east-1.on.aws/"), AuthType: types.FunctionUrlAuthTypeNone},
		}},
		aliases: map[string][]string{"api": {"stable", "live"}},
		listErr: listErr,
	}
	snap := run(t, s)
	got := map[string]graph.FunctionURL{}
	for _, n := range snap.Nodes {
		if n.Kind == graph.KindLambdaFunctionURL {
			got[n.ID] = *n.FunctionURL()
		}
	}
	want := map[string]graph.FunctionURL{
		arnPrefix + "api#url":      {URL: "https://a.lambda-url.us-east-1.on.aws/", AuthType: "AWS_IAM"},
		arnPrefix + "api#url:live": {URL: "https://b.lambda-url.us-east-1.on.aws/", AuthType: "NONE", Qualifier: "live", Policy: graph.Present(aliasPolicy, "lambda:GetPolicy")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("URL nodes (-want +got):\n%s", diff)
	}
	slices.Sort(s.policyIn)
	if diff := cmp.Diff([]string{"api", "api:live"}, s.policyIn); diff != "" {
		t.Errorf("GetPolicy calls (-want +got):\n%s", diff)
	}
	var edges []string
	for _, e := range snap.Edges {
		if e.Kind == graph.EdgeRoutesTo {
			edges = append(edges, e.From+" -> "+e.To)
		}
	}
	wantEdges := []string{arnPrefix + "api#url -> " + arnPrefix + "api", arnPrefix + "api#url:live -> " + arnPrefix + "api"}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("routes-to edges (-want +got):\n%s", diff)
	}
}

func TestMappingsOfOnePairMergeAndUnsettledStatesStayUnknown(t *testing.T) {
	m := func(uuid, src, fn, state string) types.EventSourceMappingConfiguration {
		return types.EventSourceMappingConfiguration{UUID: aws.String(uuid), EventSourceArn: aws.String(src), FunctionArn: aws.String(fn), State: aws.String(state)}
	}
	kafka := types.EventSourceMappingConfiguration{
		UUID: aws.String("k1"), FunctionArn: aws.String(arnPrefix + "f"), State: aws.String("Enabled"),
		SelfManagedEventSource: &types.SelfManagedEventSource{Endpoints: map[string][]string{"KAFKA_BOOTSTRAP_SERVERS": {"b2.example.com:9092", "b1.example.com:9092"}}},
	}
	s := &stub{mappings: []types.EventSourceMappingConfiguration{
		m("u2", "arn:aws:sqs:us-east-1:123456789012:q", arnPrefix+"f:live", "Enabled"),
		m("u1", "arn:aws:sqs:us-east-1:123456789012:q", arnPrefix+"f", "Disabled"),
		m("u3", "arn:aws:kinesis:us-east-1:123456789012:stream/s", arnPrefix+"f", "Creating"),
		kafka,
	}}
	snap := run(t, s)
	var got []string
	for _, e := range snap.Edges {
		got = append(got, fmt.Sprintf("%s -> %s %v [%s]", e.From, strings.TrimPrefix(e.To, arnPrefix), e.Certainty, e.Details()))
	}
	want := []string{
		"arn:aws:kinesis:us-east-1:123456789012:stream/s -> f unknown [UUID u3, state Creating]",
		"arn:aws:sqs:us-east-1:123456789012:q -> f true [UUID u1, state Disabled; UUID u2, state Enabled, qualifier live]",
		"kafka:b1.example.com:9092,b2.example.com:9092 -> f true [UUID k1, state Enabled]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("trigger edges (-want +got):\n%s", diff)
	}
	var kinds []graph.Kind
	for _, n := range snap.Nodes {
		kinds = append(kinds, n.Kind)
	}
	if diff := cmp.Diff([]graph.Kind{graph.KindExternalEndpoint}, kinds); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
}

func TestFunctionARNQualifiersAreSplitOff(t *testing.T) {
	cases := []struct{ arn, unqualified, qualifier string }{
		{arnPrefix + "f", arnPrefix + "f", ""},
		{arnPrefix + "f:live", arnPrefix + "f", "live"},
		{arnPrefix + "f:7", arnPrefix + "f", "7"},
		{arnPrefix + "f:$LATEST", arnPrefix + "f", ""},
	}
	for _, tc := range cases {
		if u, q := unqualified(tc.arn), qualifier(tc.arn); u != tc.unqualified || q != tc.qualifier {
			t.Errorf("%s: unqualified %q qualifier %q, want %q %q", tc.arn, u, q, tc.unqualified, tc.qualifier)
		}
	}
}

func TestTheClientHoldsOnlyReadsEachWithItsIAMAction(t *testing.T) {
	specs := New().Clients()
	got := map[string][]string{}
	for _, spec := range specs {
		for i := range spec.Interface.NumMethod() {
			m := spec.Interface.Method(i).Name
			got[m] = spec.Actions[m]
		}
	}
	want := map[string][]string{
		"GetFunctionUrlConfig":    {"lambda:GetFunctionUrlConfig"},
		"ListAliases":             {"lambda:ListAliases"},
		"GetPolicy":               {"lambda:GetPolicy"},
		"ListEventSourceMappings": {"lambda:ListEventSourceMappings"},
		"ListFunctionUrlConfigs":  {"lambda:ListFunctionUrlConfigs"},
		"ListFunctions":           {"lambda:ListFunctions"},
		"GetFunction":             {"lambda:GetFunction"},
		"ListLayers":              {"lambda:ListLayers"},
		"ListLayerVersions":       {"lambda:ListLayerVersions"},
		"GetLayerVersionPolicy":   {"lambda:GetLayerVersionPolicy"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("client methods and actions (-want +got):\n%s", diff)
	}
	if specs[0].Interface != reflect.TypeFor[api]() {
		t.Errorf("client spec names %v, want the collector's api interface", specs[0].Interface)
	}
}

// Package lambda collects Lambda functions: configuration (runtime, handler,
// execution role, environment variable names, VPC), resource policy,
// function URLs and event source mappings.
//
// # Calls
//
// Per region: ListFunctions, one call per 50 functions; ListEventSourceMappings,
// one call per 100 mappings (once per region, not per function); ListLayers,
// one call per 50 layers, then per layer ListLayerVersions (per 50 versions)
// and per version GetLayerVersionPolicy (layers.go).
// Per function: GetPolicy (1) and ListFunctionUrlConfigs (1; one more per 50
// URLs, which no real function reaches: a function has at most one URL per
// alias); GetFunction only for a function of package type Image, for its
// image URI (code.go). Per URL on an alias: one GetPolicy with that
// Qualifier. So a region with N functions (I of them Image functions), L
// layers and V layer versions costs about 2N + I + N/50 + 1 + L + V + L/50
// calls.
//
// # Why every function's URLs are listed
//
// The obvious saving, reading the URL configuration only where GetPolicy
// shows a lambda:InvokeFunctionUrl statement, would miss URLs:
//   - a URL on an alias is governed by the alias's policy, which the
//     unqualified GetPolicy does not return;
//   - a denied or throttled GetPolicy leaves nothing to decide on;
//   - a statement can grant the action through "lambda:*", "*" or a
//     NotAction, so deciding needs the policy engine, not a string search;
//   - an AWS_IAM URL needs no resource-policy statement for callers in the
//     owner account, yet it is an entry point the threat model must show.
//
// # When the listing is not available
//
// Some endpoints do not implement ListFunctionUrlConfigs (moto answers 404
// with an HTML page), and some audit policies grant
// lambda:GetFunctionUrlConfig but not the list call. When the list call is
// denied or unsupported, the function's URLs are read the other way:
// GetFunctionUrlConfig for the function, ListAliases, and
// GetFunctionUrlConfig with each alias as Qualifier
// (ResourceNotFoundException means no URL there). After urlListFailures
// such failures running in a region, the list call is no longer tried
// there. The coverage section says, in one gap on ListFunctionUrlConfigs,
// that the other form was used and for how many functions: no URL fact is
// missing unless another gap says so.
//
// The cost is small in time: Lambda limits GetPolicy to 15 requests per
// second on its own, and every other control-plane call (ListFunctions,
// ListFunctionUrlConfigs, ListEventSourceMappings) shares a second 15 rps
// budget per account and region. The two per-function calls therefore draw
// from different token buckets and are made side by side (concurrently, for
// each function): 1,000 functions take
// about 67 s of GetPolicy and, in parallel, 68 s of listing, instead of
// 67 s + ~2 s with the skip. ListFunctionUrlConfigs rather than
// GetFunctionUrlConfig is used because one call returns the URLs of the
// function and of all its aliases; GetFunctionUrlConfig would need one call
// per alias, and the aliases are not known without ListAliases.
//
// Note that AuthType NONE alone does not make a URL public: AWS documents
// that the function's resource policy "is always in effect and must grant
// public access" (Lambda developer guide, "Control access to Lambda
// function URLs"). The collector records both facts; graph.Resolve judges.
//
// # Secrets
//
// ListFunctions returns environment variable values. Only the names are
// kept (sorted); values are never stored, logged or put in an error.
package lambda

import (
	"context"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "lambda"

// api is the part of the Lambda client the collector uses: reads only.
type api interface {
	ListFunctions(context.Context, *lambda.ListFunctionsInput, ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error)
	GetPolicy(context.Context, *lambda.GetPolicyInput, ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error)
	ListFunctionUrlConfigs(context.Context, *lambda.ListFunctionUrlConfigsInput, ...func(*lambda.Options)) (*lambda.ListFunctionUrlConfigsOutput, error)
	ListEventSourceMappings(context.Context, *lambda.ListEventSourceMappingsInput, ...func(*lambda.Options)) (*lambda.ListEventSourceMappingsOutput, error)
	// Code: Image functions' image URI, and the region's layers (code.go, layers.go).
	GetFunction(context.Context, *lambda.GetFunctionInput, ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error)
	ListLayers(context.Context, *lambda.ListLayersInput, ...func(*lambda.Options)) (*lambda.ListLayersOutput, error)
	ListLayerVersions(context.Context, *lambda.ListLayerVersionsInput, ...func(*lambda.Options)) (*lambda.ListLayerVersionsOutput, error)
	GetLayerVersionPolicy(context.Context, *lambda.GetLayerVersionPolicyInput, ...func(*lambda.Options)) (*lambda.GetLayerVersionPolicyOutput, error)
	// The other way to read URLs, when the list call is denied or unsupported.
	GetFunctionUrlConfig(context.Context, *lambda.GetFunctionUrlConfigInput, ...func(*lambda.Options)) (*lambda.GetFunctionUrlConfigOutput, error)
	ListAliases(context.Context, *lambda.ListAliasesInput, ...func(*lambda.Options)) (*lambda.ListAliasesOutput, error)
}

// Page sizes: ListFunctions returns at most 50 per page whatever is asked,
// ListFunctionUrlConfigs accepts 1–50, ListEventSourceMappings 1–100.
const (
	functionsPage = 50
	urlsPage      = 50
	mappingsPage  = 100
	aliasesPage   = 50
)

// Collector reads Lambda in one account and region.
type Collector struct {
	// FunctionConcurrency bounds functions read at once (default 16); the
	// runner's token buckets bound the calls themselves.
	FunctionConcurrency int
}

// New returns the Lambda collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"ListFunctions":           {"lambda:ListFunctions"},
			"GetPolicy":               {"lambda:GetPolicy"},
			"ListFunctionUrlConfigs":  {"lambda:ListFunctionUrlConfigs"},
			"ListEventSourceMappings": {"lambda:ListEventSourceMappings"},
			"GetFunction":             {"lambda:GetFunction"},
			"ListLayers":              {"lambda:ListLayers"},
			"ListLayerVersions":       {"lambda:ListLayerVersions"},
			"GetLayerVersionPolicy":   {"lambda:GetLayerVersionPolicy"},
			"GetFunctionUrlConfig":    {"lambda:GetFunctionUrlConfig"},
			"ListAliases":             {"lambda:ListAliases"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, lambda.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	r := &reader{t: t, b: b, client: client, gaps: collectors.NewGaps(t, b, service), form: &urlForm{}}
	g, gctx := errgroup.WithContext(ctx)
	// The functions read at once, and the region's mappings: with at most
	// FunctionConcurrency+1 functions in flight, the URL list call is tried
	// at most that many times after the third failure (urlForm).
	g.SetLimit(c.concurrency() + 1)

	// The mappings are listed once for the region, beside the functions.
	g.Go(func() error {
		r.mappings(gctx)
		return nil
	})
	// So are the layers, beside the group: their reads draw from their own
	// buckets and do not take a function's place in it.
	layersDone := make(chan struct{})
	go func() {
		defer close(layersDone)
		c.layers(ctx, t, b, client, r.gaps)
	}()

	p := lambda.NewListFunctionsPaginator(client, &lambda.ListFunctionsInput{MaxItems: aws.Int32(functionsPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(gctx)
		if err != nil {
			r.gaps.Fail(t.Region, "ListFunctions", "", err)
			break
		}
		for _, fn := range page.Functions {
			g.Go(func() error {
				r.function(gctx, fn)
				return nil
			})
		}
	}
	_ = g.Wait()
	<-layersDone
	r.form.note(r)
	return r.gaps.Done(ctx)
}

// reader is one region's collection: the client, where gaps go, and which
// form of URL read works there.
type reader struct {
	t      collectors.Target
	b      *graph.Builder
	client api
	gaps   *collectors.Gaps
	form   *urlForm
}

func (c *Collector) concurrency() int {
	if c.FunctionConcurrency > 0 {
		return c.FunctionConcurrency
	}
	return 16
}

// function reads one function's policy and URLs and adds its node, its
// URL nodes and their edges.
func (r *reader) function(ctx context.Context, fn types.FunctionConfiguration) {
	t, b := r.t, r.b
	name := aws.ToString(fn.FunctionName)
	arn := unqualified(aws.ToString(fn.FunctionArn))
	attrs := configuration(fn)
	// The two reads are independent and draw from different token buckets
	// (GetPolicy's own, and the control plane's): side by side, each bucket
	// always has a call waiting and the function costs one round trip.
	done := make(chan struct{})
	go func() {
		defer close(done)
		attrs.Policy = r.policy(ctx, name, "")
	}()
	image := make(chan *graph.FunctionImage, 1)
	go func() { image <- r.image(ctx, fn) }()
	urls, known, source := r.urls(ctx, name)
	attrs.URLKnown = known
	<-done
	attrs.Image = <-image

	b.AddNode(graph.Node{ID: arn, Kind: graph.KindLambdaFunction, Name: name, Account: t.Account, Region: t.Region, Attrs: attrs})
	codeEdges(b, arn, fn, attrs.Image)
	if attrs.Role != "" {
		b.AddEdge(graph.Edge{
			From: arn, To: attrs.Role, Kind: graph.EdgeExecutesAs, Via: graph.ViaExecutionRole, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: "lambda:ListFunctions", Detail: "Role"}},
		})
	}
	for _, u := range urls {
		id, label := arn+"#url", name
		if u.Qualifier != "" {
			id += ":" + u.Qualifier
			label += ":" + u.Qualifier
			u.Policy = r.policy(ctx, name, u.Qualifier)
		}
		b.AddNode(graph.Node{ID: id, Kind: graph.KindLambdaFunctionURL, Name: label + " URL", Account: t.Account, Region: t.Region, Attrs: u})
		b.AddEdge(graph.Edge{
			From: id, To: arn, Kind: graph.EdgeRoutesTo, Via: graph.ViaFunctionURL, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: source, Detail: "AuthType " + u.AuthType}},
		})
	}
}

package lambda

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// Evidence sources of a URL: which call named it.
const (
	srcListURLs = "lambda:ListFunctionUrlConfigs"
	srcGetURL   = "lambda:GetFunctionUrlConfig"
)

// urlListFailures is how many denied or unsupported list calls running
// make a region read every further function's URLs the other way at once.
const urlListFailures = 3

// urlForm is which form of URL read works in one region (see "When the
// listing is not available" in the package comment). Safe for concurrent use.
type urlForm struct {
	mu       sync.Mutex
	failures int              // denied or unsupported list calls running
	first    error            // the first such failure, for the coverage note
	class    collectors.Class // its class
	fallback int              // functions whose URLs were read the other way
}

// useList says whether to try the list call for the next function.
func (f *urlForm) useList() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failures < urlListFailures
}

// listed records a list call that answered.
func (f *urlForm) listed() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = 0
}

// listFailed records a denied or unsupported list call.
func (f *urlForm) listFailed(err error, c collectors.Class) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures++
	if f.first == nil {
		f.first, f.class = err, c
	}
}

func (f *urlForm) usedFallback() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fallback++
}

// note records, once per region, that URLs were read the other way and for
// how many functions. Its status is the list call's own (denied or
// unsupported): that call did fail; what it would have told is not missing.
func (f *urlForm) note(r *reader) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fallback == 0 || f.first == nil {
		return
	}
	r.gaps.Add(graph.Gap{
		Region: r.t.Region, API: "ListFunctionUrlConfigs", Status: f.class.GapStatus(), Resources: f.fallback,
		Error: fmt.Sprintf("%s; function URLs were read with GetFunctionUrlConfig for each function and each alias (ListAliases) instead, "+
			"for %d %s: no URL is unknown unless another gap says so", collectors.ErrorSummary(f.first), f.fallback, pluralFunctions(f.fallback)),
	})
}

func pluralFunctions(n int) string {
	if n == 1 {
		return "function"
	}
	return "functions"
}

// urls reads the function URLs of a function and of its aliases, with the
// list call or, where that is denied or unsupported, one by one. The Tri
// says whether the read completed: on a failure the URLs read so far are
// still returned (each is a fact), and a gap says the list may be short.
// The string is the evidence source of the URLs.
func (r *reader) urls(ctx context.Context, name string) ([]*graph.FunctionURL, graph.Tri, string) {
	if r.form.useList() {
		urls, known, err := r.listURLs(ctx, name)
		if err == nil {
			r.form.listed()
			return urls, known, srcListURLs
		}
		switch c := collectors.Classify(err); c {
		case collectors.ClassNotFound:
			return urls, graph.True, srcListURLs // deleted after ListFunctions: no URL
		case collectors.ClassDenied, collectors.ClassUnsupported:
			r.form.listFailed(err, c)
		default:
			r.gaps.Fail(r.t.Region, "ListFunctionUrlConfigs", name, err)
			return urls, graph.Unknown, srcListURLs
		}
	}
	r.form.usedFallback()
	urls, known := r.getURLs(ctx, name)
	return urls, known, srcGetURL
}

// listURLs is the list call, every page.
func (r *reader) listURLs(ctx context.Context, name string) ([]*graph.FunctionURL, graph.Tri, error) {
	var urls []*graph.FunctionURL
	p := lambda.NewListFunctionUrlConfigsPaginator(r.client, &lambda.ListFunctionUrlConfigsInput{
		FunctionName: aws.String(name),
		MaxItems:     aws.Int32(urlsPage),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return urls, graph.Unknown, err
		}
		for _, cfg := range page.FunctionUrlConfigs {
			urls = append(urls, functionURL(cfg))
		}
	}
	return urls, graph.True, nil
}

// getURLs reads the URL of the function and of each alias one by one. A
// URL is configured on the function itself or on an alias, never on a
// published version (Lambda developer guide, "Creating and managing Lambda
// function URLs": the qualifier must be an alias), so the aliases are all
// that ListFunctionUrlConfigs would have added.
func (r *reader) getURLs(ctx context.Context, name string) ([]*graph.FunctionURL, graph.Tri) {
	known := graph.True
	var urls []*graph.FunctionURL
	seen := map[string]bool{} // qualifiers whose URL is read
	get := func(asked string) bool {
		in := &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(name)}
		resource := name
		if asked != "" {
			in.Qualifier = aws.String(asked)
			resource += ":" + asked
		}
		out, err := r.client.GetFunctionUrlConfig(ctx, in)
		switch {
		case err == nil:
			// The URL belongs where its FunctionArn says, as in the list
			// call's answer: moto ignores Qualifier and answers an alias
			// query with the function's own URL, which is then not an
			// alias URL (and not counted twice).
			q := asked
			if arn := aws.ToString(out.FunctionArn); arn != "" {
				q = qualifier(arn)
			}
			if seen[q] {
				return true
			}
			seen[q] = true
			u := &graph.FunctionURL{
				URL: aws.ToString(out.FunctionUrl), AuthType: string(out.AuthType),
				Qualifier: q, InvokeMode: string(out.InvokeMode),
			}
			if out.Cors != nil {
				u.CORSAllowOrigins = append([]string(nil), out.Cors.AllowOrigins...)
				u.CORSAllowCreds = aws.ToBool(out.Cors.AllowCredentials)
			}
			urls = append(urls, u)
		case collectors.IsNotFound(err):
			// No URL there (or the function is gone).
		default:
			r.gaps.Fail(r.t.Region, "GetFunctionUrlConfig", resource, err)
			known = graph.Unknown
			return false
		}
		return true
	}
	get("")
	p := lambda.NewListAliasesPaginator(r.client, &lambda.ListAliasesInput{FunctionName: aws.String(name), MaxItems: aws.Int32(aliasesPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if !collectors.IsNotFound(err) {
				r.gaps.Fail(r.t.Region, "ListAliases", name, err)
				known = graph.Unknown
			}
			break
		}
		for _, a := range page.Aliases {
			get(aws.ToString(a.Name))
		}
	}
	return urls, known
}

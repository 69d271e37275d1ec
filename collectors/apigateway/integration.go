package apigateway

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// Target is where an integration or authorizer URI leads.
type Target struct {
	// ID is the node id the edge points to: a Lambda function ARN, another
	// AWS resource's ARN, the API Gateway service-integration URI itself, or
	// a URL for an HTTP backend.
	ID string
	// External is set when ID is a URL outside AWS (an ExternalEndpoint).
	External bool
	// Detail says how the target was read: the URI, a stripped qualifier,
	// the stage whose variables resolved it.
	Detail string
}

// Integration is what an integration is made of, for either API Gateway
// version: its type, its URI, and its connection.
type Integration struct {
	Type           string // AWS, AWS_PROXY, HTTP, HTTP_PROXY, MOCK
	URI            string
	ConnectionType string // INTERNET, VPC_LINK
	Region         string // the API's region and account, for bare function names
	Account        string
}

// Stages maps a stage name to its stage variables.
type Stages map[string]map[string]string

// Targets returns where an integration leads.
//
// Lambda URIs (arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/
// FUNCTION_ARN/invocations, or a bare function ARN in HTTP APIs) lead to the
// unqualified function ARN: a version or alias qualifier (":prod",
// ":${stageVariables.alias}") is stripped and named in Detail, since the
// graph has one node per function and an alias runs the same function's code
// and role. A function named by a stage variable (function:${stageVariables.fn})
// is resolved against every stage that defines the variable, giving one
// target per distinct function; with no such stage there is no target (the
// URI stays on the method). HTTP URLs are resolved the same way and lead to
// an ExternalEndpoint whose id is the URL. Other AWS service integrations
// lead to the resource when the URI names one plainly (an SQS queue path, an
// S3 bucket) and otherwise to the URI itself. MOCK integrations lead nowhere.
func Targets(in Integration, stages Stages) []Target {
	uri := strings.TrimSpace(in.URI)
	if uri == "" || strings.EqualFold(in.Type, "MOCK") {
		return nil
	}
	var out []Target
	seen := map[string]bool{}
	add := func(t Target) {
		if t.ID != "" && !seen[t.ID] {
			seen[t.ID] = true
			out = append(out, t)
		}
	}
	// A literal function with a qualifier (even a stage variable one) needs
	// no stage: the qualifier is stripped.
	texts := []resolved{{text: uri}}
	if fn, _, ok := FunctionFromURI(uri); !ok || strings.Contains(fn, "${") {
		texts = expand(uri, stages)
	}
	for _, r := range texts {
		t, ok := target(in, r.text)
		if !ok {
			continue
		}
		t.Detail = joinDetail(in.Type+" integration "+uri, t.Detail, r.detail)
		if in.ConnectionType == "VPC_LINK" {
			t.Detail = joinDetail(t.Detail, "through a VPC link")
		}
		add(t)
	}
	return out
}

// AuthorizerFunction returns the Lambda function behind an authorizer URI,
// unqualified, or "".
func AuthorizerFunction(uri string) string {
	fn, _, ok := FunctionFromURI(uri)
	if !ok || strings.Contains(fn, "${") {
		return ""
	}
	return fn
}

func target(in Integration, uri string) (Target, bool) {
	if fn, q, ok := FunctionFromURI(uri); ok {
		if strings.Contains(fn, "${") {
			return Target{}, false // a stage variable no stage resolves
		}
		t := Target{ID: fn}
		if q != "" {
			t.Detail = "qualifier " + q + " stripped"
		}
		return t, true
	}
	if strings.Contains(uri, "${") {
		return Target{}, false
	}
	if name, ok := lambdaPart(uri); ok && !strings.Contains(name, ":") && in.Region != "" && in.Account != "" {
		// A bare function name (a stage variable that held one).
		return Target{ID: "arn:aws:lambda:" + in.Region + ":" + in.Account + ":function:" + name}, true
	}
	if strings.HasPrefix(uri, "arn:") {
		return Target{ID: serviceTarget(uri)}, true
	}
	if u, err := url.Parse(uri); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return Target{ID: uri, External: true}, true
	}
	return Target{}, false
}

// lambdaPart returns FUNCTION from arn:...:lambda:path/DATE/functions/FUNCTION/invocations.
func lambdaPart(uri string) (string, bool) {
	if !strings.HasPrefix(uri, "arn:") || !strings.Contains(uri, ":lambda:path/") {
		return "", false
	}
	i := strings.Index(uri, "/functions/")
	if i < 0 {
		return "", false
	}
	return strings.TrimSuffix(uri[i+len("/functions/"):], "/invocations"), true
}

// FunctionFromURI returns the unqualified Lambda function ARN an API Gateway
// Lambda URI or a Lambda function ARN names, and the qualifier it carried.
// The function part may still hold a ${stageVariables...} reference.
func FunctionFromURI(uri string) (fn, qualifier string, ok bool) {
	s := uri
	if part, ok := lambdaPart(uri); ok {
		s = part
	}
	// arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
	f := strings.SplitN(s, ":", 8)
	if len(f) < 7 || f[0] != "arn" || f[2] != "lambda" || f[5] != "function" || f[6] == "" {
		return "", "", false
	}
	fn = strings.Join(f[:7], ":")
	if len(f) == 8 {
		qualifier = f[7]
	}
	return fn, qualifier, true
}

// serviceTarget maps an API Gateway AWS-service integration URI
// (arn:aws:apigateway:REGION:[SUBDOMAIN.]SERVICE:path/... or :action/...)
// to the resource it names when that is plain, else returns the URI.
func serviceTarget(uri string) string {
	f := strings.SplitN(uri, ":", 6)
	if len(f) < 6 || f[2] != "apigateway" {
		return uri
	}
	partition, region, svc, rest := f[1], f[3], f[4], f[5]
	sub := ""
	if i := strings.LastIndexByte(svc, '.'); i >= 0 {
		sub, svc = svc[:i], svc[i+1:]
	}
	path, isPath := strings.CutPrefix(rest, "path/")
	literal := func(s string) bool { return s != "" && !strings.ContainsAny(s, "{}$") }
	switch svc {
	case "sqs":
		// path/ACCOUNT/QUEUE
		if p := strings.Split(path, "/"); isPath && len(p) >= 2 && literal(p[0]) && literal(p[1]) {
			return "arn:" + partition + ":sqs:" + region + ":" + p[0] + ":" + p[1]
		}
	case "s3":
		bucket := sub
		if bucket == "" && isPath {
			bucket, _, _ = strings.Cut(path, "/")
		}
		if literal(bucket) {
			return "arn:" + partition + ":s3:::" + bucket
		}
	}
	return uri
}

type resolved struct{ text, detail string }

// expand resolves ${stageVariables.NAME} references in s against each stage
// that defines them all. Without references it returns s itself.
func expand(s string, stages Stages) []resolved {
	if !strings.Contains(s, "${stageVariables.") {
		return []resolved{{text: s}}
	}
	var out []resolved
	for _, name := range slices.Sorted(maps.Keys(stages)) {
		vars := stages[name]
		text, ok := substitute(s, vars)
		if ok {
			out = append(out, resolved{text: text, detail: "stage variables of stage " + name})
		}
	}
	return out
}

func substitute(s string, vars map[string]string) (string, bool) {
	var b strings.Builder
	for {
		i := strings.Index(s, "${stageVariables.")
		if i < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return "", false
		}
		v, ok := vars[s[i+len("${stageVariables."):i+j]]
		if !ok || v == "" {
			return "", false
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+j+1:]
	}
}

// UnescapePolicy returns the policy document of a RestApi or DomainName.
// API Gateway escapes the policy twice: once decoded by the SDK the string
// still reads {\"Version\":...\/*}, so it is unescaped once more as the
// body of a JSON string. A policy that is already valid JSON (an endpoint
// that escapes only once) is returned as it is; one that cannot be
// unescaped is returned unchanged for the policy engine to reject.
func UnescapePolicy(s string) string {
	if json.Valid([]byte(s)) {
		return s
	}
	var out string
	if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
		return s
	}
	return out
}

func joinDetail(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "; ")
}

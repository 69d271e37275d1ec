package fakeaws

import (
	"cmp"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Lambda (REST-JSON; errors carry the code in X-Amzn-ErrorType and a
// {"Type":"User","Message":...} body): aws_wire.md §6.

const lambdaJSON = "application/json"

func lambdaService() *service {
	return &service{route: func(c *call) (operation, bool) {
		if c.r.Method != http.MethodGet {
			return operation{}, false
		}
		seg, ok := pathSegments(c.r.URL)
		if !ok {
			return operation{}, false
		}
		// The SDK sends /2015-03-31/functions; older clients add a slash.
		if n := len(seg); n > 2 && seg[n-1] == "" {
			seg = seg[:n-1]
		}
		if seg[0] == lambdaLayersPath {
			return lambdaLayerRoute(c, seg) // lambda_layers.go
		}
		fn := func(name string, h func(*call, string) (*response, error)) (operation, bool) {
			return operation{name: name, resource: functionNameOf(seg[2]), handle: func(c *call) (*response, error) { return h(c, seg[2]) }}, true
		}
		switch {
		case len(seg) == 2 && seg[0] == "2015-03-31" && seg[1] == "functions":
			return operation{name: "ListFunctions", handle: lambdaListFunctions}, true
		case len(seg) == 2 && seg[0] == "2015-03-31" && seg[1] == "event-source-mappings":
			return operation{name: "ListEventSourceMappings", resource: functionNameOf(c.form.Get("FunctionName")), handle: lambdaListEventSourceMappings}, true
		case len(seg) == 3 && seg[0] == "2015-03-31" && seg[1] == "functions":
			return fn("GetFunction", lambdaGetFunction)
		case len(seg) == 4 && seg[0] == "2015-03-31" && seg[1] == "functions" && seg[3] == "policy":
			return fn("GetPolicy", lambdaGetPolicy)
		case len(seg) == 4 && seg[0] == "2021-10-31" && seg[1] == "functions" && seg[3] == "url":
			return fn("GetFunctionUrlConfig", lambdaGetFunctionURLConfig)
		case len(seg) == 4 && seg[0] == "2021-10-31" && seg[1] == "functions" && seg[3] == "urls":
			return fn("ListFunctionUrlConfigs", lambdaListFunctionURLConfigs)
		case len(seg) == 4 && seg[0] == "2015-03-31" && seg[1] == "functions" && seg[3] == "aliases":
			return fn("ListAliases", lambdaListAliases)
		}
		return operation{}, false
	}}
}

// pathSegments splits a request path and percent-decodes each segment (the
// SDK encodes the ':' of a function ARN in the path label).
func pathSegments(u *url.URL) ([]string, bool) {
	seg := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
	for i, s := range seg {
		d, err := url.PathUnescape(s)
		if err != nil {
			return nil, false
		}
		seg[i] = d
	}
	return seg, true
}

// functionRefRE is the FunctionName pattern of the Lambda API reference: a
// name, a partial ARN (123456789012:function:name) or a full ARN, each with
// an optional :qualifier.
var functionRefRE = regexp.MustCompile(`^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$`)

// functionRef is a parsed FunctionName; region, account and qualifier are
// empty when it does not name them.
type functionRef struct{ region, account, name, qualifier string }

// parseFunctionRef parses a FunctionName, answering ValidationException as
// Lambda does for one outside the pattern or too long (140 characters, 64
// for a bare name).
func parseFunctionRef(ref string) (functionRef, error) {
	m := functionRefRE.FindStringSubmatch(ref)
	if m == nil || len(ref) > 140 || (m[1] == "" && m[5] == "" && len(ref) > 64) {
		return functionRef{}, errorFor("lambda", "ValidationException", fmt.Sprintf("1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", ref, strings.Trim(functionRefRE.String(), "^$")))
	}
	return functionRef{strings.TrimSuffix(m[3], ":"), strings.TrimSuffix(m[5], ":"), m[7], m[9]}, nil
}

// functionNameOf is the bare function name a FunctionName refers to, for
// fault matching.
func functionNameOf(ref string) string {
	if r, err := parseFunctionRef(ref); err == nil {
		return r.name
	}
	return ref
}

func functionARN(region, account, name string) string {
	return "arn:aws:lambda:" + region + ":" + account + ":function:" + name
}

// lambdaFunction finds the function ref names in the caller's account and
// the signed region, answering as Lambda does when it cannot.
func lambdaFunction(c *call, op, ref, qualifier string) (*Function, error) {
	r, err := parseFunctionRef(ref)
	if err != nil {
		return nil, err
	}
	if r.qualifier != "" && qualifier != "" && r.qualifier != qualifier {
		return nil, errorFor("lambda", "InvalidParameterValueException", "The derived qualifier from the function name does not match the specified qualifier.")
	}
	qualifier = orDefault(r.qualifier, qualifier)
	a := c.account()
	arn := functionARN(orDefault(r.region, c.region), orDefault(r.account, a.ID), r.name)
	if r.account != "" && r.account != a.ID {
		return nil, errorFor("lambda", ErrAccessDenied, fmt.Sprintf("User: %s is not authorized to perform: lambda:%s on resource: %s", c.caller.arn(), op, arn))
	}
	if qualifier != "" {
		arn += ":" + qualifier
	}
	f := findFunction(a, c.region, r.name)
	if f == nil || (r.region != "" && r.region != c.region) || (qualifier != "" && qualifier != "$LATEST") {
		return nil, errorFor("lambda", "ResourceNotFoundException", "Function not found: "+arn)
	}
	return f, nil
}

func findFunction(a *Account, region, name string) *Function {
	for _, f := range a.Lambda.Functions {
		if f != nil && f.Name == name && orDefault(f.Region, a.homeRegion()) == region {
			return f
		}
	}
	return nil
}

// maxItems reads the MaxItems query parameter (1-10000, as the model says):
// the page is the smaller of it and the operation's own cap.
func maxItems(c *call, pageCap int) (int, error) {
	v := c.form.Get("MaxItems")
	if v == "" {
		return pageCap, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 10000 {
		return 0, errorFor("lambda", "ValidationException", fmt.Sprintf("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000", v))
	}
	return min(n, pageCap), nil
}

func invalidMarker() error {
	return errorFor("lambda", "InvalidParameterValueException", "Invalid marker")
}

// lambdaFunctionJSON is a FunctionConfiguration.
type lambdaFunctionJSON struct {
	FunctionName     string
	FunctionArn      string
	Runtime          string `json:",omitempty"`
	Role             string `json:",omitempty"`
	Handler          string `json:",omitempty"`
	CodeSize         int64
	Description      string
	Timeout          int
	MemorySize       int
	LastModified     string
	CodeSha256       string
	Version          string
	VpcConfig        *lambdaVPCJSON         `json:",omitempty"`
	Environment      *lambdaEnvironmentJSON `json:",omitempty"`
	KMSKeyArn        string                 `json:",omitempty"`
	TracingConfig    struct{ Mode string }
	RevisionId       string
	PackageType      string
	Architectures    []string
	EphemeralStorage struct{ Size int }
	SnapStart        struct{ ApplyOn, OptimizationStatus string }
	LoggingConfig    struct{ LogFormat, LogGroup string }
	Layers           []lambdaLayerJSON `json:",omitempty"` // lambda_layers.go
	// Only GetFunction reports these (the ListFunctions docs say so).
	State            string `json:",omitempty"`
	LastUpdateStatus string `json:",omitempty"`
}

type lambdaVPCJSON struct {
	SubnetIds        []string
	SecurityGroupIds []string
	VpcId            string
}

type lambdaEnvironmentJSON struct{ Variables map[string]string }

// functionConfiguration renders f as ListFunctions and GetFunction do.
// Environment variables are served in plain text, as AWS serves them to a
// caller allowed to read the function.
func functionConfiguration(a *Account, f *Function) lambdaFunctionJSON {
	region := orDefault(f.Region, a.homeRegion())
	arn := functionARN(region, a.ID, f.Name)
	sum := sha256.Sum256([]byte(arn + f.LastModified))
	j := lambdaFunctionJSON{
		FunctionName:  f.Name,
		FunctionArn:   arn,
		Runtime:       f.Runtime,
		Role:          f.Role,
		Handler:       f.Handler,
		CodeSize:      int64(1024 + int(sum[0])<<4),
		Description:   f.Description,
		Timeout:       cmp.Or(f.Timeout, 3),
		MemorySize:    cmp.Or(f.MemorySize, 128),
		LastModified:  orDefault(f.LastModified, defaultTime.Format(lambdaTimeLayout)),
		CodeSha256:    base64.StdEncoding.EncodeToString(sum[:]),
		Version:       "$LATEST",
		KMSKeyArn:     f.KMSKeyARN,
		RevisionId:    uuidFrom("revision:" + arn + f.LastModified),
		PackageType:   orDefault(f.PackageType, "Zip"),
		Architectures: slices.Clone(f.Architectures),
	}
	if len(j.Architectures) == 0 {
		j.Architectures = []string{"x86_64"}
	}
	if f.VPC != nil {
		j.VpcConfig = &lambdaVPCJSON{SubnetIds: nonNil(f.VPC.SubnetIDs), SecurityGroupIds: nonNil(f.VPC.SecurityGroupIDs), VpcId: f.VPC.VPCID}
	}
	if len(f.Environment) > 0 {
		j.Environment = &lambdaEnvironmentJSON{Variables: f.Environment}
	}
	j.TracingConfig.Mode = "PassThrough"
	j.EphemeralStorage.Size = 512
	j.SnapStart.ApplyOn, j.SnapStart.OptimizationStatus = "None", "Off"
	j.LoggingConfig.LogFormat, j.LoggingConfig.LogGroup = "Text", "/aws/lambda/"+f.Name
	return j
}

// lambdaTimeLayout is how Lambda writes FunctionConfiguration.LastModified:
// 2019-10-01T16:47:28.490+0000 (no colon in the offset).
const lambdaTimeLayout = "2006-01-02T15:04:05.000-0700"

// lambdaListFunctions pages through the region's functions by name; a page
// holds at most 50 whatever MaxItems says (ListFunctions docs).
func lambdaListFunctions(c *call) (*response, error) {
	limit, err := maxItems(c, 50)
	if err != nil {
		return nil, err
	}
	a := c.account()
	var fns []*Function
	for _, f := range a.Lambda.Functions {
		if f != nil && orDefault(f.Region, a.homeRegion()) == c.region {
			fns = append(fns, f)
		}
	}
	slices.SortFunc(fns, func(x, y *Function) int { return strings.Compare(x.Name, y.Name) })
	items, next, ok := page(fns, func(f *Function) string { return f.Name }, "function", c.form.Get("Marker"), limit)
	if !ok {
		return nil, invalidMarker()
	}
	out := struct {
		Functions  []lambdaFunctionJSON
		NextMarker string `json:",omitempty"`
	}{Functions: []lambdaFunctionJSON{}, NextMarker: next}
	for _, f := range items {
		conf := functionConfiguration(a, f)
		conf.Layers = c.srv.functionLayers(f)
		out.Functions = append(out.Functions, conf)
	}
	return jsonReply(lambdaJSON, out)
}

// lambdaGetFunction answers the configuration (with State and
// LastUpdateStatus, which ListFunctions leaves out) and where the code is.
func lambdaGetFunction(c *call, ref string) (*response, error) {
	f, err := lambdaFunction(c, "GetFunction", ref, c.form.Get("Qualifier"))
	if err != nil {
		return nil, err
	}
	a := c.account()
	conf := functionConfiguration(a, f)
	conf.State, conf.LastUpdateStatus = "Active", "Successful"
	conf.Layers = c.srv.functionLayers(f)
	type code struct {
		RepositoryType   string
		Location         string `json:",omitempty"`
		ImageUri         string `json:",omitempty"`
		ResolvedImageUri string `json:",omitempty"`
	}
	out := struct {
		Configuration lambdaFunctionJSON
		Code          code
	}{Configuration: conf}
	if conf.PackageType == "Image" {
		uri := orDefault(f.ImageURI, a.ID+".dkr.ecr."+c.region+".amazonaws.com/"+f.Name+":latest")
		out.Code = code{RepositoryType: "ECR", ImageUri: uri, ResolvedImageUri: c.srv.resolveImageURI(uri)}
	} else {
		out.Code = code{RepositoryType: "S3", Location: "https://awslambda-" + c.region + "-tasks.s3." + c.region + ".amazonaws.com/snapshots/" +
			a.ID + "/" + f.Name + "-" + uuidFrom("code:"+conf.FunctionArn) + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600"}
	}
	return jsonReply(lambdaJSON, out)
}

// lambdaGetPolicy answers the resource policy as a JSON string; a function
// without one is a 404 ResourceNotFoundException.
func lambdaGetPolicy(c *call, ref string) (*response, error) {
	f, err := lambdaFunction(c, "GetPolicy", ref, c.form.Get("Qualifier"))
	if err != nil {
		return nil, err
	}
	if f.Policy == nil {
		return nil, errorFor("lambda", "ResourceNotFoundException", "The resource you requested does not exist.")
	}
	conf := functionConfiguration(c.account(), f)
	return jsonReply(lambdaJSON, struct{ Policy, RevisionId string }{f.Policy.JSON, conf.RevisionId})
}

type lambdaURLJSON struct {
	FunctionUrl      string
	FunctionArn      string
	AuthType         string
	Cors             *lambdaCorsJSON `json:",omitempty"`
	CreationTime     string
	LastModifiedTime string
	InvokeMode       string
}

type lambdaCorsJSON struct {
	AllowCredentials bool     `json:",omitempty"`
	AllowHeaders     []string `json:",omitempty"`
	AllowMethods     []string `json:",omitempty"`
	AllowOrigins     []string `json:",omitempty"`
	ExposeHeaders    []string `json:",omitempty"`
	MaxAge           int      `json:",omitempty"`
}

// functionURL renders f's URL configuration. Its times are ISO 8601 (not
// Lambda's LastModified format), taken from the function's LastModified.
func functionURL(a *Account, f *Function) lambdaURLJSON {
	region := orDefault(f.Region, a.homeRegion())
	arn := functionARN(region, a.ID, f.Name)
	sum := sha256.Sum256([]byte("url:" + arn))
	id := strings.ToLower(base32.StdEncoding.EncodeToString(sum[:]))[:32]
	t, err := time.Parse(lambdaTimeLayout, f.LastModified)
	if err != nil {
		t = defaultTime
	}
	u := f.URL
	j := lambdaURLJSON{
		FunctionUrl:      "https://" + id + ".lambda-url." + region + ".on.aws/",
		FunctionArn:      arn,
		AuthType:         u.AuthType,
		CreationTime:     isoMillis(t),
		LastModifiedTime: isoMillis(t),
		InvokeMode:       orDefault(u.InvokeMode, "BUFFERED"),
	}
	if cr := u.Cors; cr != nil {
		j.Cors = &lambdaCorsJSON{cr.AllowCredentials, cr.AllowHeaders, cr.AllowMethods, cr.AllowOrigins, cr.ExposeHeaders, cr.MaxAge}
	}
	return j
}

// lambdaGetFunctionURLConfig: URLs belong to the unqualified function here
// (the fixture has no aliases), so any Qualifier finds none.
func lambdaGetFunctionURLConfig(c *call, ref string) (*response, error) {
	f, err := lambdaFunction(c, "GetFunctionUrlConfig", ref, "")
	if err != nil {
		return nil, err
	}
	if r, _ := parseFunctionRef(ref); f.URL == nil || c.form.Get("Qualifier") != "" || r.qualifier != "" {
		return nil, errorFor("lambda", "ResourceNotFoundException", "The resource you requested does not exist.")
	}
	return jsonReply(lambdaJSON, functionURL(c.account(), f))
}

// lambdaListFunctionURLConfigs lists the function's URL configurations (0
// or 1 here), paged by Marker/MaxItems (at most 50).
func lambdaListFunctionURLConfigs(c *call, ref string) (*response, error) {
	limit, err := maxItems(c, 50)
	if err != nil {
		return nil, err
	}
	f, err := lambdaFunction(c, "ListFunctionUrlConfigs", ref, "")
	if err != nil {
		return nil, err
	}
	var urls []lambdaURLJSON
	if f.URL != nil {
		urls = append(urls, functionURL(c.account(), f))
	}
	items, next, ok := page(urls, func(u lambdaURLJSON) string { return u.FunctionArn }, "url", c.form.Get("Marker"), limit)
	if !ok {
		return nil, invalidMarker()
	}
	return jsonReply(lambdaJSON, struct {
		FunctionUrlConfigs []lambdaURLJSON
		NextMarker         string `json:",omitempty"`
	}{nonNil(items), next})
}

// lambdaListAliases lists a function's aliases: none here, since the
// fixture has no aliases (Lambda API Reference, ListAliases: GET
// /2015-03-31/functions/FunctionName/aliases, {"Aliases": [...],
// "NextMarker": ...}; MaxItems 1–10000). An unknown function is
// ResourceNotFoundException.
func lambdaListAliases(c *call, ref string) (*response, error) {
	if _, err := maxItems(c, 10000); err != nil {
		return nil, err
	}
	if _, err := lambdaFunction(c, "ListAliases", ref, ""); err != nil {
		return nil, err
	}
	return jsonReply(lambdaJSON, struct{ Aliases []struct{} }{Aliases: []struct{}{}})
}

type lambdaMappingJSON struct {
	UUID                  string
	BatchSize             int
	EventSourceArn        string
	FunctionArn           string
	LastModified          epochSeconds
	State                 string
	StateTransitionReason string
	EventSourceMappingArn string
}

// lambdaListEventSourceMappings lists the region's mappings by UUID,
// filtered by FunctionName (name or ARN) and EventSourceArn, at most 100 a
// page. A FunctionName without mappings is an empty list, not an error.
func lambdaListEventSourceMappings(c *call) (*response, error) {
	limit, err := maxItems(c, 100)
	if err != nil {
		return nil, err
	}
	a := c.account()
	var fn *functionRef
	if v := c.form.Get("FunctionName"); v != "" {
		r, err := parseFunctionRef(v)
		if err != nil {
			return nil, err
		}
		if r.account != "" && r.account != a.ID {
			return nil, errorFor("lambda", ErrAccessDenied, fmt.Sprintf("User: %s is not authorized to perform: lambda:ListEventSourceMappings on resource: %s", c.caller.arn(), functionARN(orDefault(r.region, c.region), r.account, r.name)))
		}
		fn = &r
	}
	var ms []*EventSourceMapping
	for _, m := range a.Lambda.EventSourceMappings {
		if m == nil || orDefault(m.Region, a.homeRegion()) != c.region {
			continue
		}
		if fn != nil && (fn.name != m.Function || (fn.region != "" && fn.region != c.region)) {
			continue
		}
		if src := c.form.Get("EventSourceArn"); src != "" && src != m.EventSourceARN {
			continue
		}
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(x, y *EventSourceMapping) int { return strings.Compare(x.UUID, y.UUID) })
	items, next, ok := page(ms, func(m *EventSourceMapping) string { return m.UUID }, "esm", c.form.Get("Marker"), limit)
	if !ok {
		return nil, invalidMarker()
	}
	out := struct {
		EventSourceMappings []lambdaMappingJSON
		NextMarker          string `json:",omitempty"`
	}{EventSourceMappings: []lambdaMappingJSON{}, NextMarker: next}
	for _, m := range items {
		out.EventSourceMappings = append(out.EventSourceMappings, lambdaMappingJSON{
			UUID:                  m.UUID,
			BatchSize:             cmp.Or(m.BatchSize, 10),
			EventSourceArn:        m.EventSourceARN,
			FunctionArn:           functionARN(c.region, a.ID, m.Function),
			LastModified:          epochSeconds(orDefaultTime(m.LastModified)),
			State:                 orDefault(m.State, "Enabled"),
			StateTransitionReason: "USER_INITIATED",
			EventSourceMappingArn: "arn:aws:lambda:" + c.region + ":" + a.ID + ":event-source-mapping:" + m.UUID,
		})
	}
	return jsonReply(lambdaJSON, out)
}

// uuidFrom derives a stable UUID-shaped id from seed.
func uuidFrom(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// nonNil turns a nil slice into an empty one, for lists the model requires.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

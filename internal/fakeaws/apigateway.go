package fakeaws

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// API Gateway REST APIs (v1, REST-JSON): aws_wire.md §8. The SDK asks for
// application/json, so bodies are the plain form of each page's "Response
// Syntax" (collections under "item"), never HAL. Timestamps are epoch
// seconds. Errors carry the code in X-Amzn-ErrorType and {"message"} in the
// body (errors.go).

func apigatewayService() *service {
	return &service{route: func(c *call) (operation, bool) {
		if c.r.Method != http.MethodGet {
			return operation{}, false
		}
		seg := agSegments(c.r.URL)
		op := func(name, resource string, h func(*call) (*response, error)) (operation, bool) {
			return operation{name: name, resource: resource, handle: h}, true
		}
		switch {
		case len(seg) == 1 && seg[0] == "restapis":
			return op("GetRestApis", "", agGetRestApis)
		case len(seg) == 1 && seg[0] == "domainnames":
			return op("GetDomainNames", "", agGetDomainNames)
		case len(seg) == 3 && seg[0] == "domainnames" && seg[2] == "basepathmappings":
			return op("GetBasePathMappings", seg[1], func(c *call) (*response, error) { return agGetBasePathMappings(c, seg[1]) })
		case len(seg) < 3 || seg[0] != "restapis":
			return operation{}, false
		}
		id := seg[1]
		withAPI := func(h func(*call, *RestAPI) (*response, error)) func(*call) (*response, error) {
			return func(c *call) (*response, error) {
				api, err := agFindAPI(c, id)
				if err != nil {
					return nil, err
				}
				return h(c, api)
			}
		}
		switch {
		case len(seg) == 3 && seg[2] == "resources":
			return op("GetResources", id, withAPI(agGetResources))
		case len(seg) == 3 && seg[2] == "authorizers":
			return op("GetAuthorizers", id, withAPI(agGetAuthorizers))
		case len(seg) == 3 && seg[2] == "stages":
			return op("GetStages", id, withAPI(agGetStages))
		case len(seg) == 6 && seg[2] == "resources" && seg[4] == "methods":
			return op("GetMethod", id, withAPI(func(c *call, api *RestAPI) (*response, error) {
				return agGetMethod(c, api, seg[3], seg[5], false)
			}))
		case len(seg) == 7 && seg[2] == "resources" && seg[4] == "methods" && seg[6] == "integration":
			return op("GetIntegration", id, withAPI(func(c *call, api *RestAPI) (*response, error) {
				return agGetMethod(c, api, seg[3], seg[5], true)
			}))
		}
		return operation{}, false
	}}
}

// agSegments splits the request path into its decoded segments. The SDK
// percent-encodes path labels, so a segment may hold an escaped character.
func agSegments(u *url.URL) []string {
	var out []string
	for _, s := range strings.Split(strings.Trim(u.EscapedPath(), "/"), "/") {
		if v, err := url.PathUnescape(s); err == nil {
			s = v
		}
		out = append(out, s)
	}
	return out
}

// agJSON is a 200 response holding v as JSON. HTML characters are not
// escaped, as AWS does not escape them.
func agJSON(v any) (*response, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &response{status: http.StatusOK, header: h, body: bytes.TrimSuffix(b.Bytes(), []byte("\n"))}, nil
}

func agError(service, code, format string, args ...any) error {
	return errorFor(service, code, fmt.Sprintf(format, args...))
}

// agFindAPI finds a REST API of the caller's account in the request's region.
func agFindAPI(c *call, id string) (*RestAPI, error) {
	a := c.account()
	for _, api := range a.APIGateway.RestAPIs {
		if api != nil && api.ID == id && orDefault(api.Region, a.homeRegion()) == c.region {
			return api, nil
		}
	}
	return nil, agError("apigateway", "NotFoundException", "Invalid API identifier specified %s:%s", a.ID, id)
}

// agPage pages n items the v1 way: limit (default 25, 1..500) and an opaque
// position, answered with the position of the next page ("" on the last).
func agPage(c *call, n int) (start, end int, next string, err error) {
	q := c.r.URL.Query()
	limit := 25
	if q.Has("limit") {
		l, err := strconv.Atoi(q.Get("limit"))
		if err != nil || l < 1 || l > 500 {
			return 0, 0, "", agError("apigateway", "BadRequestException", "Invalid limit: %s. The limit must be between 1 and 500.", q.Get("limit"))
		}
		limit = l
	}
	if p := q.Get("position"); p != "" {
		start, err = agDecodeToken(p, "position")
		if err != nil || start > n {
			return 0, 0, "", agError("apigateway", "BadRequestException", "Invalid position parameter")
		}
	}
	end = min(n, start+limit)
	if end < n {
		next = agEncodeToken("position", end)
	}
	return start, end, next, nil
}

func agEncodeToken(kind string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.Itoa(offset)))
}

func agDecodeToken(tok, kind string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, err
	}
	n, ok := strings.CutPrefix(string(raw), kind+":")
	if !ok {
		return 0, fmt.Errorf("not a %s token", kind)
	}
	return strconv.Atoi(n)
}

// agShortID derives an API Gateway style id (lower-case letters and digits)
// from seed, so the same fixture always yields the same ids.
func agShortID(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	return strings.ToLower(base32.StdEncoding.EncodeToString(sum[:]))[:n]
}

// agEscapePolicy is the REST API policy as AWS stores it: the document
// escaped as the inside of a JSON string, with "/" escaped as "\/". The
// response then JSON-encodes that string again, so a client decoding the
// body still sees \" and \/ and must unescape once more (aws_wire.md §8).
func agEscapePolicy(doc string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(doc) //nolint:errcheck // encoding a string cannot fail
	inner := strings.TrimSuffix(b.String(), "\n")
	inner = inner[1 : len(inner)-1]
	return strings.ReplaceAll(inner, "/", `\/`)
}

type agEndpointConfig struct {
	Types          []string `json:"types"`
	VPCEndpointIDs []string `json:"vpcEndpointIds,omitempty"`
}

type agRestAPIJSON struct {
	ID                        string            `json:"id"`
	Name                      string            `json:"name"`
	CreatedDate               int64             `json:"createdDate"`
	APIKeySource              string            `json:"apiKeySource"`
	EndpointConfiguration     agEndpointConfig  `json:"endpointConfiguration"`
	Policy                    string            `json:"policy,omitempty"`
	DisableExecuteAPIEndpoint bool              `json:"disableExecuteApiEndpoint"`
	RootResourceID            string            `json:"rootResourceId"`
	Tags                      map[string]string `json:"tags"`
}

// agGetRestApis lists the REST APIs of the caller's account in the region.
func agGetRestApis(c *call) (*response, error) {
	a := c.account()
	var apis []*RestAPI
	for _, api := range a.APIGateway.RestAPIs {
		if api != nil && orDefault(api.Region, a.homeRegion()) == c.region {
			apis = append(apis, api)
		}
	}
	start, end, next, err := agPage(c, len(apis))
	if err != nil {
		return nil, err
	}
	items := []agRestAPIJSON{}
	for _, api := range apis[start:end] {
		types := api.EndpointTypes
		if len(types) == 0 {
			types = []string{"EDGE"} // CreateRestApi's default
		}
		j := agRestAPIJSON{
			ID:                        api.ID,
			Name:                      api.Name,
			CreatedDate:               orDefaultTime(api.Created).Unix(),
			APIKeySource:              orDefault(api.APIKeySource, "HEADER"),
			EndpointConfiguration:     agEndpointConfig{Types: types, VPCEndpointIDs: api.VPCEndpointIDs},
			DisableExecuteAPIEndpoint: api.DisableExecuteAPIEndpoint,
			RootResourceID:            agResources(api)[0].ID,
			Tags:                      orEmptyTags(api.Tags),
		}
		if api.Policy != nil {
			j.Policy = agEscapePolicy(api.Policy.JSON)
		}
		items = append(items, j)
	}
	return agJSON(struct {
		Item     []agRestAPIJSON `json:"item"`
		Position string          `json:"position,omitempty"`
	}{items, next})
}

// agResources is the API's resources with the root ("/") first: every REST
// API has one, so a fixture that leaves it out gets a derived one.
func agResources(api *RestAPI) []*RestResource {
	var root *RestResource
	var rest []*RestResource
	for _, r := range api.Resources {
		switch {
		case r == nil:
		case root == nil && (r.Path == "/" || (r.Path == "" && r.ParentID == "" && r.PathPart == "")):
			root = r
		default:
			rest = append(rest, r)
		}
	}
	if root == nil {
		root = &RestResource{ID: agShortID("root:"+api.ID, 10), Path: "/"}
	}
	return append([]*RestResource{root}, rest...)
}

// agPath is a resource's full path: the fixture's, or built from its
// parent's (depth guards against a fixture whose parents form a cycle).
func agPath(all []*RestResource, r *RestResource, depth int) string {
	if r.Path != "" || depth > len(all) {
		return orDefault(r.Path, "/")
	}
	for _, p := range all {
		if r.ParentID != "" && p.ID == r.ParentID && p != r {
			return strings.TrimSuffix(agPath(all, p, depth+1), "/") + "/" + r.PathPart
		}
	}
	return "/" + r.PathPart
}

// orEmptyTags is a resource's tags as API Gateway returns them: an object,
// empty when the resource has none.
func orEmptyTags(tags map[string]string) map[string]string {
	if tags == nil {
		return map[string]string{}
	}
	return tags
}

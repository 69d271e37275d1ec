package fakeaws

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Lambda layers (REST-JSON under /2018-10-31/, errors as the rest of
// Lambda). Sources: Lambda API Reference "ListLayers", "ListLayerVersions",
// "GetLayerVersion", "GetLayerVersionByArn", "GetLayerVersionPolicy"
// (MaxItems 1-50); aws-sdk-go-v2 service/lambda request and response
// snapshots (paths, query names, members; CreatedDate is a string in
// Lambda's 2006-01-02T15:04:05.000+0000 format).

// lambdaLayerRoute routes a /2018-10-31/ request; seg is its decoded path.
func lambdaLayerRoute(c *call, seg []string) (operation, bool) {
	if len(seg) < 2 || seg[1] != "layers" {
		return operation{}, false
	}
	op := func(name, ref string, h func(*call, string, string) (*response, error), version string) (operation, bool) {
		return operation{name: name, resource: layerNameOf(ref), handle: func(c *call) (*response, error) { return h(c, ref, version) }}, true
	}
	switch {
	case len(seg) == 2 && c.form.Has("find"):
		// GetLayerVersionByArn shares ListLayers' path: GET
		// /2018-10-31/layers?find=LayerVersion&Arn=...
		return op("GetLayerVersionByArn", c.form.Get("Arn"), lambdaGetLayerVersionByARN, "")
	case len(seg) == 2:
		return op("ListLayers", "", func(c *call, _, _ string) (*response, error) { return lambdaListLayers(c) }, "")
	case len(seg) == 4 && seg[3] == "versions":
		return op("ListLayerVersions", seg[2], lambdaListLayerVersions, "")
	case len(seg) == 5 && seg[3] == "versions":
		return op("GetLayerVersion", seg[2], lambdaGetLayerVersion, seg[4])
	case len(seg) == 6 && seg[3] == "versions" && seg[5] == "policy":
		return op("GetLayerVersionPolicy", seg[2], lambdaGetLayerVersionPolicy, seg[4])
	}
	return operation{}, false
}

// layerRefRE is the LayerName pattern of the API Reference: a name or a
// layer ARN.
var layerRefRE = regexp.MustCompile(`^(?:arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):([0-9]{12}):layer:([a-zA-Z0-9_-]+)|([a-zA-Z0-9_-]+))$`)

// layerNameOf is the bare layer name of a LayerName, for fault matching.
func layerNameOf(ref string) string {
	if m := layerRefRE.FindStringSubmatch(ref); m != nil {
		return m[3] + m[4]
	}
	return ref
}

// layerRef parses a LayerName in the caller's account and signed region.
// Another account's layer is AccessDeniedException (the fake does not
// evaluate layer permissions); a layer ARN of another region finds nothing.
func layerRef(c *call, ref, op string) (region, name string, err error) {
	m := layerRefRE.FindStringSubmatch(ref)
	if m == nil || len(ref) > 140 {
		return "", "", errorFor("lambda", "ValidationException", fmt.Sprintf("1 validation error detected: Value '%s' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", ref, strings.Trim(layerRefRE.String(), "^$")))
	}
	if m[4] != "" {
		return c.region, m[4], nil
	}
	if a := c.account(); m[2] != a.ID {
		return "", "", errorFor("lambda", ErrAccessDenied, fmt.Sprintf("User: %s is not authorized to perform: lambda:%s on resource: %s", c.caller.arn(), op, ref))
	}
	return m[1], m[3], nil
}

func layerARN(region, account, name string) string {
	return "arn:aws:lambda:" + region + ":" + account + ":layer:" + name
}

// layerVersion is a layer version with its defaults filled in.
type layerVersion struct {
	*LayerVersion
	number int64
}

// versionsOf returns l's versions, newest first, numbered.
func versionsOf(l *LambdaLayer) []layerVersion {
	var out []layerVersion
	var last int64
	for _, v := range l.Versions {
		if v == nil {
			continue
		}
		n := v.Version
		if n == 0 {
			n = last + 1
		}
		last = n
		out = append(out, layerVersion{v, n})
	}
	slices.Reverse(out)
	return out
}

func findLayer(a *Account, region, name string) *LambdaLayer {
	for _, l := range a.Lambda.Layers {
		if l != nil && l.Name == name && orDefault(l.Region, a.homeRegion()) == region {
			return l
		}
	}
	return nil
}

// codeSize is the version's code size, derived when the fixture leaves it
// out.
func (v layerVersion) codeSize(arn string) int64 {
	if v.CodeSize > 0 {
		return v.CodeSize
	}
	sum := sha256.Sum256([]byte("layer-code:" + arn))
	return 4096 + int64(sum[0])<<8 + int64(sum[1])
}

type layerVersionJSON struct {
	LayerVersionArn         string
	Version                 int64
	Description             string `json:",omitempty"`
	CreatedDate             string
	CompatibleRuntimes      []string `json:",omitempty"`
	LicenseInfo             string   `json:",omitempty"`
	CompatibleArchitectures []string `json:",omitempty"`
}

func layerVersionOf(region, account, name string, v layerVersion) layerVersionJSON {
	return layerVersionJSON{
		LayerVersionArn:         layerARN(region, account, name) + ":" + strconv.FormatInt(v.number, 10),
		Version:                 v.number,
		Description:             v.Description,
		CreatedDate:             orDefault(v.Created, defaultTime.Format(lambdaTimeLayout)),
		CompatibleRuntimes:      v.CompatibleRuntimes,
		LicenseInfo:             v.LicenseInfo,
		CompatibleArchitectures: v.CompatibleArchitectures,
	}
}

// layerFilter keeps the versions compatible with the request's
// CompatibleRuntime and CompatibleArchitecture.
func layerFilter(c *call) func(layerVersion) bool {
	rt, arch := c.form.Get("CompatibleRuntime"), c.form.Get("CompatibleArchitecture")
	return func(v layerVersion) bool {
		return (rt == "" || slices.Contains(v.CompatibleRuntimes, rt)) && (arch == "" || slices.Contains(v.CompatibleArchitectures, arch))
	}
}

// layerMaxItems reads MaxItems: 1-50 for both layer lists (MaxLayerListItems
// in the model), 50 when absent.
func layerMaxItems(c *call) (int, error) {
	v := c.form.Get("MaxItems")
	if v == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 50 {
		return 0, errorFor("lambda", "ValidationException", fmt.Sprintf("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 50", v))
	}
	return n, nil
}

// lambdaListLayers lists the region's layers by name, each with its newest
// version that matches the filters; a layer with none is left out.
func lambdaListLayers(c *call) (*response, error) {
	limit, err := layerMaxItems(c)
	if err != nil {
		return nil, err
	}
	a := c.account()
	type layerJSON struct {
		LayerName             string
		LayerArn              string
		LatestMatchingVersion layerVersionJSON
	}
	var all []layerJSON
	keep := layerFilter(c)
	for _, l := range a.Lambda.Layers {
		if l == nil || orDefault(l.Region, a.homeRegion()) != c.region {
			continue
		}
		for _, v := range versionsOf(l) {
			if keep(v) {
				all = append(all, layerJSON{l.Name, layerARN(c.region, a.ID, l.Name), layerVersionOf(c.region, a.ID, l.Name, v)})
				break
			}
		}
	}
	slices.SortFunc(all, func(x, y layerJSON) int { return strings.Compare(x.LayerName, y.LayerName) })
	items, next, ok := page(all, func(l layerJSON) string { return l.LayerName }, "layer", c.form.Get("Marker"), limit)
	if !ok {
		return nil, invalidMarker()
	}
	return jsonReply(lambdaJSON, struct {
		Layers     []layerJSON
		NextMarker string `json:",omitempty"`
	}{nonNil(items), next})
}

// lambdaListLayerVersions lists a layer's versions, newest first (as Lambda
// does: scripts take LayerVersions[0] as the latest). An unknown layer is an
// empty list.
func lambdaListLayerVersions(c *call, ref, _ string) (*response, error) {
	limit, err := layerMaxItems(c)
	if err != nil {
		return nil, err
	}
	region, name, err := layerRef(c, ref, "ListLayerVersions")
	if err != nil {
		return nil, err
	}
	a := c.account()
	var vs []layerVersion
	if l := findLayer(a, c.region, name); l != nil && region == c.region {
		vs = slices.DeleteFunc(versionsOf(l), func(v layerVersion) bool { return !layerFilter(c)(v) })
	}
	// Newest first, so the marker key counts down.
	key := func(v layerVersion) string { return fmt.Sprintf("%020d", math.MaxInt64-v.number) }
	items, next, ok := page(vs, key, "layer-version", c.form.Get("Marker"), limit)
	if !ok {
		return nil, invalidMarker()
	}
	out := struct {
		LayerVersions []layerVersionJSON
		NextMarker    string `json:",omitempty"`
	}{LayerVersions: []layerVersionJSON{}, NextMarker: next}
	for _, v := range items {
		out.LayerVersions = append(out.LayerVersions, layerVersionOf(c.region, a.ID, name, v))
	}
	return jsonReply(lambdaJSON, out)
}

// findLayerVersion finds version (a path segment) of the layer ref names,
// answering ResourceNotFoundException as Lambda does for a missing one.
func findLayerVersion(c *call, ref, version, op string) (string, layerVersion, error) {
	region, name, err := layerRef(c, ref, op)
	if err != nil {
		return "", layerVersion{}, err
	}
	n, perr := strconv.ParseInt(version, 10, 64)
	if perr != nil {
		return "", layerVersion{}, errorFor("lambda", "ValidationException", fmt.Sprintf("1 validation error detected: Value '%s' at 'versionNumber' failed to satisfy constraint: Member must be a number", version))
	}
	a := c.account()
	arn := layerARN(region, a.ID, name) + ":" + version
	if l := findLayer(a, c.region, name); l != nil && region == c.region {
		for _, v := range versionsOf(l) {
			if v.number == n {
				return name, v, nil
			}
		}
	}
	return "", layerVersion{}, errorFor("lambda", "ResourceNotFoundException", "Layer version "+arn+" does not exist.")
}

func lambdaGetLayerVersion(c *call, ref, version string) (*response, error) {
	name, v, err := findLayerVersion(c, ref, version, "GetLayerVersion")
	if err != nil {
		return nil, err
	}
	return layerVersionReply(c, name, v)
}

// lambdaGetLayerVersionByArn is GetLayerVersion addressed by a layer
// version ARN.
func lambdaGetLayerVersionByARN(c *call, arn, _ string) (*response, error) {
	i := strings.LastIndexByte(arn, ':')
	if c.form.Get("find") != "LayerVersion" || i < 0 {
		return nil, errorFor("lambda", "ValidationException", fmt.Sprintf("1 validation error detected: Value '%s' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", arn, strings.Trim(layerVersionARNRE.String(), "^$")))
	}
	name, v, err := findLayerVersion(c, arn[:i], arn[i+1:], "GetLayerVersion")
	if err != nil {
		return nil, err
	}
	return layerVersionReply(c, name, v)
}

// layerVersionReply is GetLayerVersion's answer. Content.Location looks
// like the presigned S3 URL Lambda sends but points nowhere and carries no
// signature.
func layerVersionReply(c *call, name string, v layerVersion) (*response, error) {
	a := c.account()
	j := layerVersionOf(c.region, a.ID, name, v)
	sum := sha256.Sum256([]byte("layer-sha:" + j.LayerVersionArn))
	type content struct {
		Location   string
		CodeSha256 string
		CodeSize   int64
	}
	return jsonReply(lambdaJSON, struct {
		Content  content
		LayerArn string
		layerVersionJSON
	}{
		Content: content{
			Location: "https://awslambda-" + c.region + "-layers.s3." + c.region + ".amazonaws.com/snapshots/" + a.ID + "/" + name +
				"-" + uuidFrom("layer-code:"+j.LayerVersionArn) + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600",
			CodeSha256: base64.StdEncoding.EncodeToString(sum[:]),
			CodeSize:   v.codeSize(j.LayerVersionArn),
		},
		LayerArn:         layerARN(c.region, a.ID, name),
		layerVersionJSON: j,
	})
}

// lambdaGetLayerVersionPolicy answers the version's permissions policy; a
// version without one is ResourceNotFoundException "No policy is associated
// with the given resource." (the message of Lambda's policy reads).
func lambdaGetLayerVersionPolicy(c *call, ref, version string) (*response, error) {
	_, v, err := findLayerVersion(c, ref, version, "GetLayerVersionPolicy")
	if err != nil {
		return nil, err
	}
	if v.Policy == nil {
		return nil, errorFor("lambda", "ResourceNotFoundException", "No policy is associated with the given resource.")
	}
	return jsonReply(lambdaJSON, struct{ Policy, RevisionId string }{v.Policy.JSON, uuidFrom("layer-policy:" + ref + ":" + version + v.Policy.JSON)})
}

// lambdaLayerJSON is a function configuration's reference to a layer.
type lambdaLayerJSON struct {
	Arn      string
	CodeSize int64
}

// functionLayers is a function's Layers: each layer version ARN with its
// code size, from the fixture when the layer version is there (in any
// account), derived otherwise.
func (s *Server) functionLayers(f *Function) []lambdaLayerJSON {
	var out []lambdaLayerJSON
	for _, arn := range f.Layers {
		ref := lambdaLayerJSON{Arn: arn, CodeSize: layerVersion{LayerVersion: &LayerVersion{}}.codeSize(arn)}
		if m := layerVersionARNRE.FindStringSubmatch(arn); m != nil {
			if a := s.accounts[m[2]]; a != nil {
				if l := findLayer(a, m[1], m[3]); l != nil {
					for _, v := range versionsOf(l) {
						if strconv.FormatInt(v.number, 10) == m[4] {
							ref.CodeSize = v.codeSize(arn)
						}
					}
				}
			}
		}
		out = append(out, ref)
	}
	return out
}

// lambdaLayersPath is the path prefix of the layer API.
const lambdaLayersPath = "2018-10-31"

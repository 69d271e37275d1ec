package fakeaws

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// AWS WAFV2 (AWS JSON 1.1, X-Amz-Target AWSWAF_20190729.<Op>). Errors are
// {"__type": code, "Message": ...}, HTTP 400 for the WAF* exceptions (the
// model gives them no status). Scope=CLOUDFRONT is served only in us-east-1
// (API reference, "Scope": "for CLOUDFRONT you must also specify the Region
// US East (N. Virginia)").

const wafJSON = "application/x-amz-json-1.1"

// wafInput is every request member the served operations read.
type wafInput struct {
	Name         string
	Scope        string
	Id           string //nolint:revive // the wire name
	ARN          string
	Limit        *int
	NextMarker   string
	WebACLArn    string
	ResourceArn  string
	ResourceType string
}

var wafHandlers = map[string]func(*call, *wafInput) (*response, error){
	"ListWebACLs":            wafListWebACLs,
	"GetWebACL":              wafGetWebACL,
	"ListResourcesForWebACL": wafListResourcesForWebACL,
	"GetWebACLForResource":   wafGetWebACLForResource,
}

func wafv2Service() *service {
	return &service{route: func(c *call) (operation, bool) {
		name, ok := strings.CutPrefix(c.r.Header.Get("X-Amz-Target"), "AWSWAF_20190729.")
		h := wafHandlers[name]
		if !ok || h == nil || c.r.Method != http.MethodPost {
			return operation{}, false
		}
		in := &wafInput{}
		bad := len(c.body) > 0 && json.Unmarshal(c.body, in) != nil
		resource := in.Name
		switch name {
		case "GetWebACL":
			resource = orDefault(in.Name, in.ARN)
		case "ListResourcesForWebACL":
			resource = in.WebACLArn
		case "GetWebACLForResource":
			resource = in.ResourceArn
		}
		return operation{name: name, resource: resource, handle: func(c *call) (*response, error) {
			if bad {
				return nil, errorFor("wafv2", "SerializationException", "Start of structure or map found where not expected.")
			}
			return h(c, in)
		}}, true
	}}
}

// wafParamError is WAFInvalidParameterException with its Field and
// Parameter members, worded as WAF words them.
func wafParamError(field, param, reason string) error {
	return errorFor("wafv2", "WAFInvalidParameterException",
		fmt.Sprintf("Error reason: %s, field: %s, parameter: %s", reason, field, param)).
		with("Field", field).with("Parameter", param)
}

func wafNotFound() error { return errorFor("wafv2", "WAFNonexistentItemException", "") }

func wafResp(v any) (*response, error) {
	r, err := agJSON(v)
	if err == nil {
		r.header.Set("Content-Type", wafJSON)
	}
	return r, err
}

// wafScope checks Scope: REGIONAL anywhere, CLOUDFRONT only in us-east-1.
func wafScope(c *call, scope string) error {
	if scope == "REGIONAL" || (scope == "CLOUDFRONT" && c.region == "us-east-1") {
		return nil
	}
	return wafParamError("SCOPE_VALUE", scope, "The scope is not valid.")
}

// wafACLs are the caller's web ACLs of scope in the request's region,
// sorted by name then id.
func wafACLs(c *call, scope string) []*WebACL {
	a := c.account()
	var out []*WebACL
	for _, w := range a.WAFv2.WebACLs {
		if w != nil && w.scope() == scope && w.region(a) == c.region {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(x, y *WebACL) int {
		return strings.Compare(x.Name+"\x00"+x.id(a), y.Name+"\x00"+y.id(a))
	})
	return out
}

func wafLockToken(a *Account, w *WebACL) string { return wafUUID("lock:" + webACLARN(a, w)) }

type wafSummary struct {
	Name        string
	Id          string //nolint:revive // the wire name
	Description string
	LockToken   string
	ARN         string
}

// wafListWebACLs pages with Limit (1–100, default 100) and an opaque
// NextMarker of the fake's own.
func wafListWebACLs(c *call, in *wafInput) (*response, error) {
	if err := wafScope(c, in.Scope); err != nil {
		return nil, err
	}
	a := c.account()
	acls := wafACLs(c, in.Scope)
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 100 {
			return nil, wafParamError("ENTITY_LIMIT", strconv.Itoa(*in.Limit), "The limit is not valid.")
		}
		limit = *in.Limit
	}
	start := 0
	if in.NextMarker != "" {
		raw, err := base64.RawURLEncoding.DecodeString(in.NextMarker)
		off, ok := strings.CutPrefix(string(raw), "webacl:")
		n, aerr := strconv.Atoi(off)
		if err != nil || !ok || aerr != nil || n < 0 || n > len(acls) {
			return nil, wafParamError("NEXT_MARKER", in.NextMarker, "The marker is not valid.")
		}
		start = n
	}
	end := min(len(acls), start+limit)
	out := struct {
		NextMarker string `json:",omitempty"`
		WebACLs    []wafSummary
	}{WebACLs: []wafSummary{}}
	for _, w := range acls[start:end] {
		out.WebACLs = append(out.WebACLs, wafSummary{w.Name, w.id(a), w.Description, wafLockToken(a, w), webACLARN(a, w)})
	}
	if end < len(acls) {
		out.NextMarker = base64.RawURLEncoding.EncodeToString([]byte("webacl:" + strconv.Itoa(end)))
	}
	return wafResp(out)
}

// wafFindACL finds the caller's web ACL by ARN (any scope, the request's
// region) or by Name, Scope and Id.
func wafFindACL(c *call, in *wafInput) (*WebACL, error) {
	a := c.account()
	if in.ARN != "" {
		for _, scope := range []string{"REGIONAL", "CLOUDFRONT"} {
			for _, w := range wafACLs(c, scope) {
				if webACLARN(a, w) == in.ARN {
					return w, nil
				}
			}
		}
		return nil, wafNotFound()
	}
	if err := wafScope(c, in.Scope); err != nil {
		return nil, err
	}
	for _, w := range wafACLs(c, in.Scope) {
		if w.Name == in.Name && w.id(a) == in.Id {
			return w, nil
		}
	}
	return nil, wafNotFound()
}

// wafACLJSON is a WebACL as GetWebACL answers it. Rule statements are the
// fixture's documents, sent as they are.
func wafACLJSON(a *Account, w *WebACL) map[string]any {
	action := func(name string) map[string]any { return map[string]any{name: map[string]any{}} }
	visibility := func(metric string) map[string]any {
		return map[string]any{"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": metric}
	}
	rules := []map[string]any{}
	for _, r := range w.Rules {
		if r == nil {
			continue
		}
		rule := map[string]any{"Name": r.Name, "Priority": r.Priority, "VisibilityConfig": visibility(r.Name)}
		if r.Statement != nil {
			rule["Statement"] = json.RawMessage(r.Statement.JSON)
		}
		if r.Action != "" {
			rule["Action"] = action(r.Action)
		}
		if r.OverrideAction != "" {
			rule["OverrideAction"] = action(r.OverrideAction)
		}
		rules = append(rules, rule)
	}
	capacity := w.Capacity
	if capacity == 0 {
		capacity = int64(len(rules))
	}
	acl := map[string]any{
		"Name":                     w.Name,
		"Id":                       w.id(a),
		"ARN":                      webACLARN(a, w),
		"DefaultAction":            action(orDefault(w.DefaultAction, "Allow")),
		"Rules":                    rules,
		"VisibilityConfig":         visibility(w.Name),
		"Capacity":                 capacity,
		"ManagedByFirewallManager": w.ManagedByFirewallManager,
		"LabelNamespace":           "awswaf:" + a.ID + ":webacl:" + w.Name + ":",
	}
	if w.Description != "" {
		acl["Description"] = w.Description
	}
	return acl
}

func wafGetWebACL(c *call, in *wafInput) (*response, error) {
	w, err := wafFindACL(c, in)
	if err != nil {
		return nil, err
	}
	a := c.account()
	return wafResp(map[string]any{"WebACL": wafACLJSON(a, w), "LockToken": wafLockToken(a, w)})
}

// wafListResourcesForWebACL lists the resources of one type (default
// APPLICATION_LOAD_BALANCER, as the API reference says) a regional web ACL
// protects. For CLOUDFRONT-scoped web ACLs the API reference says to use
// CloudFront's ListDistributionsByWebACLId instead; the fake answers
// WAFInvalidParameterException (its own choice: AWS's answer is not documented).
func wafListResourcesForWebACL(c *call, in *wafInput) (*response, error) {
	a := c.account()
	typ := orDefault(in.ResourceType, "APPLICATION_LOAD_BALANCER")
	if !slices.ContainsFunc(wafResourceTypes, func(t wafResourceType) bool { return t.typ == typ }) {
		return nil, wafParamError("RESOURCE_TYPE", typ, "The resource type is not valid.")
	}
	for _, w := range wafACLs(c, "CLOUDFRONT") {
		if webACLARN(a, w) == in.WebACLArn {
			return nil, wafParamError("RESOURCE_ARN", in.WebACLArn, "The ARN isn't valid.")
		}
	}
	for _, w := range wafACLs(c, "REGIONAL") {
		if webACLARN(a, w) != in.WebACLArn {
			continue
		}
		arns := []string{}
		for _, r := range w.Resources {
			if t, _, _, _ := wafResource(r); t == typ {
				arns = append(arns, r)
			}
		}
		return wafResp(map[string]any{"ResourceArns": arns})
	}
	return nil, wafNotFound()
}

// wafGetWebACLForResource answers the web ACL a regional resource is
// associated with, or no WebACL member at all when it has none (the API
// reference: "WAF returns a null web ACL"). An ARN that is not one of the
// documented resource types (a CloudFront distribution among them: use
// GetDistributionConfig) or not in the request's region is
// WAFInvalidParameterException.
func wafGetWebACLForResource(c *call, in *wafInput) (*response, error) {
	typ, region, _, _ := wafResource(in.ResourceArn)
	if typ == "" || region != c.region {
		return nil, wafParamError("RESOURCE_ARN", in.ResourceArn, "The ARN isn't valid.")
	}
	a := c.account()
	for _, w := range wafACLs(c, "REGIONAL") {
		if slices.Contains(w.Resources, in.ResourceArn) {
			return wafResp(map[string]any{"WebACL": wafACLJSON(a, w)})
		}
	}
	return wafResp(map[string]any{})
}

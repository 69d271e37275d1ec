package fakeaws

import (
	"slices"
	"strings"
)

// EventBridge (AWS JSON 1.1, X-Amz-Target AWSEvents.Op, signing name
// events): ListEventBuses, DescribeEventBus, ListRules, DescribeRule,
// ListTargetsByRule, ListApiDestinations, DescribeApiDestination,
// ListConnections, DescribeConnection. Sources: the EventBridge API
// Reference and the aws-sdk-go-v2 eventbridge module (the Go SDK has no
// paginators for these: loop on NextToken). Every list takes Limit 1-100
// (model LimitMax100); without it the fake pages 100 at a time, the maximum
// the API reference gives for ListRules and ListTargetsByRule.

const eventsPageSize = 100

// eventsRequest holds the request members of the operations served.
type eventsRequest struct {
	Name            string
	NamePrefix      string
	EventBusName    string
	Rule            string
	ConnectionArn   string
	ConnectionState string
	NextToken       string
	Limit           *int32
}

func eventsService() *service {
	name := func(_ *call, r *eventsRequest) string { return r.Name }
	bus := func(_ *call, r *eventsRequest) string { return eventBusNameOf(r.EventBusName) }
	return jsonRPCService("events", "AWSEvents.", map[string]jsonOp[eventsRequest]{
		"ListEventBuses":         {handle: eventsListEventBuses},
		"DescribeEventBus":       {handle: eventsDescribeEventBus, resource: func(_ *call, r *eventsRequest) string { return eventBusNameOf(r.Name) }},
		"ListRules":              {handle: eventsListRules, resource: bus},
		"DescribeRule":           {handle: eventsDescribeRule, resource: name},
		"ListTargetsByRule":      {handle: eventsListTargetsByRule, resource: func(_ *call, r *eventsRequest) string { return r.Rule }},
		"ListApiDestinations":    {handle: eventsListAPIDestinations},
		"DescribeApiDestination": {handle: eventsDescribeAPIDestination, resource: name},
		"ListConnections":        {handle: eventsListConnections},
		"DescribeConnection":     {handle: eventsDescribeConnection, resource: name},
	})
}

func eventsARN(region, account, resource string) string {
	return "arn:aws:events:" + region + ":" + account + ":" + resource
}

// eventBusNameOf is the bus name an EventBusName (a name or an ARN, empty
// for the default bus) refers to.
func eventBusNameOf(ref string) string {
	if ref == "" {
		return "default"
	}
	if i := strings.Index(ref, ":event-bus/"); strings.HasPrefix(ref, "arn:") && i >= 0 {
		return ref[i+len(":event-bus/"):]
	}
	return ref
}

func eventsNotFound(msg string) error { return errorFor("events", "ResourceNotFoundException", msg) }

func eventsValidation(msg string) error { return errorFor("events", "ValidationException", msg) }

// eventsPage checks Limit (1-100) and pages items sorted by key. A token the
// fake did not issue is InvalidToken: "Using an expired pagination token
// results in an HTTP 400 InvalidToken error" (API Reference, NextToken of
// every List operation).
func eventsPage[T any](req *eventsRequest, items []T, key func(T) string, kind string) ([]T, string, error) {
	limit, err := pageSize(req.Limit, eventsPageSize, eventsPageSize, func(v int32) error {
		return eventsValidation(limitError("limit", v, eventsPageSize))
	})
	if err != nil {
		return nil, "", err
	}
	out, next, ok := page(items, key, kind, req.NextToken, limit)
	if !ok {
		return nil, "", errorFor("events", "InvalidToken", "")
	}
	return out, next, nil
}

// eventBus is a bus as the API shows it; the default bus exists in every
// enabled region, listed or not.
type eventBus struct {
	bus *EventBus
	arn string
}

func busesIn(a *Account, region string) []eventBus {
	var out []eventBus
	hasDefault := false
	for _, b := range a.EventBridge.Buses {
		if b != nil && regionOf(a, b.Region) == region {
			out = append(out, eventBus{b, eventsARN(region, a.ID, "event-bus/"+b.Name)})
			hasDefault = hasDefault || b.Name == "default"
		}
	}
	if !hasDefault {
		out = append(out, eventBus{&EventBus{Name: "default"}, eventsARN(region, a.ID, "event-bus/default")})
	}
	slices.SortFunc(out, func(x, y eventBus) int { return strings.Compare(x.bus.Name, y.bus.Name) })
	return out
}

// findBus resolves an EventBusName (name or ARN). Another account's bus is
// AccessDeniedException (bus policies are not evaluated); a missing one
// "Event bus NAME does not exist."
func findBus(c *call, ref string) (eventBus, error) {
	a := c.account()
	name := eventBusNameOf(ref)
	if strings.HasPrefix(ref, "arn:") {
		parts := strings.SplitN(ref, ":", 6)
		if len(parts) != 6 || parts[2] != "events" || !strings.HasPrefix(parts[5], "event-bus/") {
			return eventBus{}, eventsValidation("Parameter " + ref + " is not valid. Reason: Provided Arn is not in correct format.")
		}
		if parts[4] != a.ID {
			return eventBus{}, errorFor("events", ErrAccessDenied, "User: "+c.caller.arn()+" is not authorized to perform: events:DescribeEventBus on resource: "+ref)
		}
		if parts[3] != c.region {
			return eventBus{}, eventsNotFound("Event bus " + name + " does not exist.")
		}
	}
	for _, b := range busesIn(a, c.region) {
		if b.bus.Name == name {
			return b, nil
		}
	}
	return eventBus{}, eventsNotFound("Event bus " + name + " does not exist.")
}

// busJSON is EventBus in ListEventBuses and DescribeEventBusResponse.
type busJSON struct {
	Name             string
	Arn              string
	Description      string   `json:",omitempty"`
	Policy           string   `json:",omitempty"`
	KmsKeyIdentifier string   `json:",omitempty"`
	DeadLetterConfig *arnJSON `json:",omitempty"`
	ManagedBy        string   `json:",omitempty"`
	CreationTime     epochSeconds
	LastModifiedTime *epochSeconds `json:",omitempty"`
}

type arnJSON struct{ Arn string }

func (b eventBus) json(full bool) busJSON {
	out := busJSON{Name: b.bus.Name, Arn: b.arn, Description: b.bus.Description, ManagedBy: b.bus.ManagedBy,
		CreationTime: epochSeconds(orDefaultTime(b.bus.Created))}
	if b.bus.Policy != nil {
		out.Policy = b.bus.Policy.JSON
	}
	modified := epochSeconds(orDefaultTime(b.bus.LastUpdated))
	if b.bus.LastUpdated.IsZero() {
		modified = out.CreationTime
	}
	out.LastModifiedTime = &modified
	if full {
		out.KmsKeyIdentifier = b.bus.KMSKey
		if b.bus.DeadLetter != "" {
			out.DeadLetterConfig = &arnJSON{b.bus.DeadLetter}
		}
	}
	return out
}

func eventsListEventBuses(c *call, req *eventsRequest) (*response, error) {
	var buses []eventBus
	for _, b := range busesIn(c.account(), c.region) {
		if strings.HasPrefix(b.bus.Name, req.NamePrefix) {
			buses = append(buses, b)
		}
	}
	buses, next, err := eventsPage(req, buses, func(b eventBus) string { return b.bus.Name }, "bus")
	if err != nil {
		return nil, err
	}
	out := struct {
		EventBuses []busJSON
		NextToken  string `json:",omitempty"`
	}{EventBuses: []busJSON{}, NextToken: next}
	for _, b := range buses {
		out.EventBuses = append(out.EventBuses, b.json(false))
	}
	return json11(out)
}

// eventsDescribeEventBus answers Name, Arn and, only when the bus has one,
// Policy (API Reference, DescribeEventBus).
func eventsDescribeEventBus(c *call, req *eventsRequest) (*response, error) {
	b, err := findBus(c, req.Name)
	if err != nil {
		return nil, err
	}
	return json11(b.json(true))
}

// ruleARN: arn:aws:events:REGION:ACCOUNT:rule/[BUS/]NAME, the bus only for
// custom buses (Service Authorization Reference, EventBridge resource types).
func ruleARN(region, account, bus, name string) string {
	if bus == "default" {
		return eventsARN(region, account, "rule/"+name)
	}
	return eventsARN(region, account, "rule/"+bus+"/"+name)
}

type ruleJSON struct {
	Name               string
	Arn                string
	EventBusName       string
	State              string
	EventPattern       string `json:",omitempty"`
	ScheduleExpression string `json:",omitempty"`
	RoleArn            string `json:",omitempty"`
	Description        string `json:",omitempty"`
	ManagedBy          string `json:",omitempty"`
	CreatedBy          string `json:",omitempty"`
}

func rulesOn(a *Account, region, bus string) []*EventRule {
	var out []*EventRule
	for _, r := range a.EventBridge.Rules {
		if r != nil && regionOf(a, r.Region) == region && orDefault(r.Bus, "default") == bus {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(x, y *EventRule) int { return strings.Compare(x.Name, y.Name) })
	return out
}

func ruleToJSON(a *Account, region, bus string, r *EventRule) ruleJSON {
	out := ruleJSON{Name: r.Name, Arn: ruleARN(region, a.ID, bus, r.Name), EventBusName: bus, State: orDefault(r.State, "ENABLED"),
		ScheduleExpression: r.ScheduleExpression, RoleArn: r.RoleARN, Description: r.Description, ManagedBy: r.ManagedBy}
	if r.EventPattern != nil {
		out.EventPattern = r.EventPattern.JSON
	}
	return out
}

func eventsListRules(c *call, req *eventsRequest) (*response, error) {
	b, err := findBus(c, req.EventBusName)
	if err != nil {
		return nil, err
	}
	a := c.account()
	var rules []*EventRule
	for _, r := range rulesOn(a, c.region, b.bus.Name) {
		if strings.HasPrefix(r.Name, req.NamePrefix) {
			rules = append(rules, r)
		}
	}
	rules, next, err := eventsPage(req, rules, func(r *EventRule) string { return r.Name }, "rule")
	if err != nil {
		return nil, err
	}
	out := struct {
		Rules     []ruleJSON
		NextToken string `json:",omitempty"`
	}{Rules: []ruleJSON{}, NextToken: next}
	for _, r := range rules {
		out.Rules = append(out.Rules, ruleToJSON(a, c.region, b.bus.Name, r))
	}
	return json11(out)
}

var ruleNameRE = eventNameRE

// findRule resolves a rule name on a bus: a name outside the API pattern is
// ValidationException (as triggermesh/triggermesh#1306 quotes it), a
// missing rule "Rule NAME does not exist on EventBus BUS."
func findRule(c *call, name, busRef string) (eventBus, *EventRule, error) {
	if !ruleNameRE.MatchString(name) {
		return eventBus{}, nil, eventsValidation("1 validation error detected: Value '" + name + "' at 'rule' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
	}
	b, err := findBus(c, busRef)
	if err != nil {
		return eventBus{}, nil, err
	}
	for _, r := range rulesOn(c.account(), c.region, b.bus.Name) {
		if r.Name == name {
			return b, r, nil
		}
	}
	return eventBus{}, nil, eventsNotFound("Rule " + name + " does not exist on EventBus " + b.bus.Name + ".")
}

func eventsDescribeRule(c *call, req *eventsRequest) (*response, error) {
	b, r, err := findRule(c, req.Name, req.EventBusName)
	if err != nil {
		return nil, err
	}
	out := ruleToJSON(c.account(), c.region, b.bus.Name, r)
	out.CreatedBy = c.account().ID
	return json11(out)
}

type targetJSON struct {
	Id                string
	Arn               string
	RoleArn           string                             `json:",omitempty"`
	Input             string                             `json:",omitempty"`
	InputPath         string                             `json:",omitempty"`
	InputTransformer  *inputTransformerJSON              `json:",omitempty"`
	DeadLetterConfig  *arnJSON                           `json:",omitempty"`
	RetryPolicy       *retryPolicyJSON                   `json:",omitempty"`
	HttpParameters    *httpParametersJSON                `json:",omitempty"`
	SqsParameters     *struct{ MessageGroupId string }   `json:",omitempty"`
	KinesisParameters *struct{ PartitionKeyPath string } `json:",omitempty"`
}

type inputTransformerJSON struct {
	InputPathsMap map[string]string `json:",omitempty"`
	InputTemplate string
}

type retryPolicyJSON struct {
	MaximumRetryAttempts     *int `json:",omitempty"`
	MaximumEventAgeInSeconds *int `json:",omitempty"`
}

type httpParametersJSON struct {
	HeaderParameters      map[string]string `json:",omitempty"`
	QueryStringParameters map[string]string `json:",omitempty"`
	PathParameterValues   []string          `json:",omitempty"`
}

func targetToJSON(t *EventTarget) targetJSON {
	out := targetJSON{Id: t.ID, Arn: t.ARN, RoleArn: t.RoleARN, InputPath: t.InputPath}
	if t.Input != nil {
		out.Input = t.Input.JSON
	}
	if it := t.InputTransformer; it != nil {
		out.InputTransformer = &inputTransformerJSON{it.InputPathsMap, it.InputTemplate}
	}
	if t.DeadLetterARN != "" {
		out.DeadLetterConfig = &arnJSON{t.DeadLetterARN}
	}
	if rp := t.RetryPolicy; rp != nil {
		out.RetryPolicy = &retryPolicyJSON{rp.MaximumRetryAttempts, rp.MaximumEventAgeInSeconds}
	}
	if hp := t.HTTPParameters; hp != nil {
		out.HttpParameters = &httpParametersJSON{hp.HeaderParameters, hp.QueryStringParameters, hp.PathParameterValues}
	}
	if t.SQSMessageGroup != "" {
		out.SqsParameters = &struct{ MessageGroupId string }{t.SQSMessageGroup}
	}
	if t.KinesisPartition != "" {
		out.KinesisParameters = &struct{ PartitionKeyPath string }{t.KinesisPartition}
	}
	return out
}

// eventsListTargetsByRule lists a rule's targets by id.
func eventsListTargetsByRule(c *call, req *eventsRequest) (*response, error) {
	_, r, err := findRule(c, req.Rule, req.EventBusName)
	if err != nil {
		return nil, err
	}
	targets := slices.Clone(r.Targets)
	targets = slices.DeleteFunc(targets, func(t *EventTarget) bool { return t == nil })
	slices.SortFunc(targets, func(x, y *EventTarget) int { return strings.Compare(x.ID, y.ID) })
	targets, next, err := eventsPage(req, targets, func(t *EventTarget) string { return t.ID }, "target")
	if err != nil {
		return nil, err
	}
	out := struct {
		Targets   []targetJSON
		NextToken string `json:",omitempty"`
	}{Targets: []targetJSON{}, NextToken: next}
	for _, t := range targets {
		out.Targets = append(out.Targets, targetToJSON(t))
	}
	return json11(out)
}

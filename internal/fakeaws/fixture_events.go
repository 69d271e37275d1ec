package fakeaws

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// EventBridge is an account's EventBridge state (FIXTURE.md, "eventbridge";
// faults and throttles name the service by its signing name, events). Every
// enabled region has a default event bus whether or not it is listed.
type EventBridge struct {
	Buses           []*EventBus        `yaml:"buses"`
	Rules           []*EventRule       `yaml:"rules"`
	Connections     []*EventConnection `yaml:"connections"`
	APIDestinations []*APIDestination  `yaml:"api_destinations"`
}

// EventBus is an event bus. Listing "default" gives the region's default
// bus a policy or description.
type EventBus struct {
	Name   string `yaml:"name"`
	Region string `yaml:"region"`
	// Policy is the bus's resource policy (DescribeEventBus Policy); absent:
	// none, and Policy is left out of the answers.
	Policy      *Document `yaml:"policy"`
	Description string    `yaml:"description"`
	KMSKey      string    `yaml:"kms_key_identifier"`
	DeadLetter  string    `yaml:"dead_letter_arn"`
	ManagedBy   string    `yaml:"managed_by"`
	Created     time.Time `yaml:"created"`
	LastUpdated time.Time `yaml:"last_modified"`
}

// EventRule is a rule on an event bus.
type EventRule struct {
	Name   string `yaml:"name"`
	Region string `yaml:"region"`
	// Bus is the event bus name (default "default").
	Bus                string         `yaml:"bus"`
	State              string         `yaml:"state"` // ENABLED (default) | DISABLED | ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
	EventPattern       *Document      `yaml:"event_pattern"`
	ScheduleExpression string         `yaml:"schedule_expression"`
	RoleARN            string         `yaml:"role_arn"`
	Description        string         `yaml:"description"`
	ManagedBy          string         `yaml:"managed_by"`
	Targets            []*EventTarget `yaml:"targets"`
}

// EventTarget is one target of a rule.
type EventTarget struct {
	ID      string `yaml:"id"`
	ARN     string `yaml:"arn"`
	RoleARN string `yaml:"role_arn"`
	// Input is the constant JSON sent instead of the event: a mapping or a
	// string, served verbatim.
	Input            *Document              `yaml:"input"`
	InputPath        string                 `yaml:"input_path"`
	InputTransformer *EventInputTransformer `yaml:"input_transformer"`
	DeadLetterARN    string                 `yaml:"dead_letter_arn"`
	RetryPolicy      *EventRetryPolicy      `yaml:"retry_policy"`
	HTTPParameters   *EventHTTPParameters   `yaml:"http_parameters"`
	SQSMessageGroup  string                 `yaml:"sqs_message_group_id"`
	KinesisPartition string                 `yaml:"kinesis_partition_key_path"`
}

// EventInputTransformer rewrites the event before it reaches the target.
type EventInputTransformer struct {
	InputPathsMap map[string]string `yaml:"input_paths_map"`
	InputTemplate string            `yaml:"input_template"`
}

// EventRetryPolicy is a target's retry policy.
type EventRetryPolicy struct {
	MaximumRetryAttempts     *int `yaml:"maximum_retry_attempts"`
	MaximumEventAgeInSeconds *int `yaml:"maximum_event_age_in_seconds"`
}

// EventHTTPParameters are the HTTP parameters of an API Gateway or API
// destination target.
type EventHTTPParameters struct {
	HeaderParameters      map[string]string `yaml:"header_parameters"`
	QueryStringParameters map[string]string `yaml:"query_string_parameters"`
	PathParameterValues   []string          `yaml:"path_parameter_values"`
}

// EventConnection is an EventBridge connection: how API destinations
// authenticate. Its secret parts (api_key.value, basic.password,
// oauth.client_secret, parameters marked secret) are never served, as
// EventBridge never returns them; the fixture holds them only so a test can
// check that.
type EventConnection struct {
	Name              string    `yaml:"name"`
	Region            string    `yaml:"region"`
	AuthorizationType string    `yaml:"authorization_type"` // BASIC | OAUTH_CLIENT_CREDENTIALS | API_KEY
	State             string    `yaml:"state"`              // default AUTHORIZED
	StateReason       string    `yaml:"state_reason"`
	Description       string    `yaml:"description"`
	KMSKey            string    `yaml:"kms_key_identifier"`
	Created           time.Time `yaml:"created"`
	// ID is the UUID at the end of the connection ARN (default derived).
	ID         string                 `yaml:"id"`
	APIKey     *EventAPIKeyAuth       `yaml:"api_key"`
	Basic      *EventBasicAuth        `yaml:"basic"`
	OAuth      *EventOAuth            `yaml:"oauth"`
	Invocation *EventConnectionParams `yaml:"invocation_parameters"`
}

// EventAPIKeyAuth is API_KEY authorization.
type EventAPIKeyAuth struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"` // never served
}

// EventBasicAuth is BASIC authorization.
type EventBasicAuth struct {
	Username string `yaml:"username"`
	Password string `yaml:"password"` // never served
}

// EventOAuth is OAUTH_CLIENT_CREDENTIALS authorization.
type EventOAuth struct {
	AuthorizationEndpoint string                 `yaml:"authorization_endpoint"`
	HTTPMethod            string                 `yaml:"http_method"` // GET | POST | PUT
	ClientID              string                 `yaml:"client_id"`
	ClientSecret          string                 `yaml:"client_secret"` // never served
	Parameters            *EventConnectionParams `yaml:"parameters"`
}

// EventConnectionParams are extra header, query string and body parameters
// a connection sends.
type EventConnectionParams struct {
	Headers     []EventConnectionParam `yaml:"headers"`
	QueryString []EventConnectionParam `yaml:"query_string"`
	Body        []EventConnectionParam `yaml:"body"`
}

// EventConnectionParam is one parameter; a secret one is served without its
// value, as EventBridge does.
type EventConnectionParam struct {
	Key    string `yaml:"key"`
	Value  string `yaml:"value"`
	Secret bool   `yaml:"secret"`
}

// APIDestination is an HTTP endpoint EventBridge rules can target.
type APIDestination struct {
	Name       string `yaml:"name"`
	Region     string `yaml:"region"`
	Connection string `yaml:"connection"` // a connection name in the same region
	Endpoint   string `yaml:"endpoint"`   // InvocationEndpoint
	HTTPMethod string `yaml:"http_method"`
	// RateLimit is InvocationRateLimitPerSecond (default 300, as AWS).
	RateLimit   int       `yaml:"rate_limit_per_second"`
	State       string    `yaml:"state"` // ACTIVE (default) | INACTIVE
	Description string    `yaml:"description"`
	Created     time.Time `yaml:"created"`
	ID          string    `yaml:"id"` // UUID at the end of the ARN (default derived)
}

var (
	// eventNameRE is the rule, bus, connection and API destination name
	// pattern of the EventBridge API reference ([\.\-_A-Za-z0-9]+, 1-64).
	eventNameRE = regexp.MustCompile(`^[.\-_A-Za-z0-9]{1,64}$`)
	// eventBusNameRE also allows the slashes of partner buses
	// (aws.partner/example.com/...), up to 256 characters.
	eventBusNameRE = regexp.MustCompile(`^[/.\-_A-Za-z0-9]{1,256}$`)
)

var (
	eventRuleStates  = []string{"ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"}
	eventAuthTypes   = []string{"BASIC", "OAUTH_CLIENT_CREDENTIALS", "API_KEY"}
	eventConnStates  = []string{"CREATING", "UPDATING", "DELETING", "AUTHORIZED", "DEAUTHORIZED", "AUTHORIZING", "DEAUTHORIZING", "ACTIVE", "FAILED_CONNECTIVITY"}
	eventHTTPMethods = []string{"POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"}
)

func (v *validator) eventBridge(p []any, a *Account) {
	type regional struct{ region, name string }
	checkRegion := func(p []any, r string) string {
		rr := regionOf(a, r)
		if !validRegion(rr) {
			v.errf(at(p, "region"), "%q is not a region name", r)
		} else if !a.regionEnabled(rr) {
			v.errf(at(p, "region"), "region %s is not enabled for account %s", rr, a.ID)
		}
		return rr
	}
	eb := a.EventBridge
	buses := map[regional]bool{}
	for j, b := range eb.Buses {
		bp := at(p, "eventbridge", "buses", j)
		if b == nil {
			v.errf(bp, "empty event bus")
			continue
		}
		k := regional{checkRegion(bp, b.Region), b.Name}
		if !eventBusNameRE.MatchString(b.Name) {
			v.errf(at(bp, "name"), "%q is not a valid event bus name", b.Name)
		} else if buses[k] {
			v.errf(at(bp, "name"), "event bus %s appears twice in %s", b.Name, k.region)
		}
		buses[k] = true
	}
	rules := map[regional]bool{}
	for j, r := range eb.Rules {
		rp := at(p, "eventbridge", "rules", j)
		if r == nil {
			v.errf(rp, "empty rule")
			continue
		}
		region := checkRegion(rp, r.Region)
		bus := orDefault(r.Bus, "default")
		if bus != "default" && !buses[regional{region, bus}] {
			v.errf(at(rp, "bus"), "event bus %s is not in the fixture in %s", bus, region)
		}
		k := regional{region, bus + "/" + r.Name}
		if !eventNameRE.MatchString(r.Name) {
			v.errf(at(rp, "name"), "%q is not a valid rule name ([.-_A-Za-z0-9], 1-64)", r.Name)
		} else if rules[k] {
			v.errf(at(rp, "name"), "rule %s appears twice on bus %s in %s", r.Name, bus, region)
		}
		rules[k] = true
		if r.State != "" && !slices.Contains(eventRuleStates, r.State) {
			v.errf(at(rp, "state"), "state %q is not one of %s", r.State, strings.Join(eventRuleStates, ", "))
		}
		if r.EventPattern == nil && r.ScheduleExpression == "" {
			v.errf(rp, "a rule needs an event_pattern or a schedule_expression")
		}
		if r.RoleARN != "" && !roleARNRE.MatchString(r.RoleARN) {
			v.errf(at(rp, "role_arn"), "%q is not an IAM role ARN", r.RoleARN)
		}
		ids := map[string]bool{}
		for k, t := range r.Targets {
			tp := at(rp, "targets", k)
			if t == nil {
				v.errf(tp, "empty target")
				continue
			}
			if t.ID == "" || len(t.ID) > 64 {
				v.errf(at(tp, "id"), "a target needs an id of 1-64 characters")
			} else if ids[t.ID] {
				v.errf(at(tp, "id"), "target id %s appears twice on rule %s", t.ID, r.Name)
			}
			ids[t.ID] = true
			if !strings.HasPrefix(t.ARN, "arn:") {
				v.errf(at(tp, "arn"), "%q is not an ARN", t.ARN)
			}
			if t.RoleARN != "" && !roleARNRE.MatchString(t.RoleARN) {
				v.errf(at(tp, "role_arn"), "%q is not an IAM role ARN", t.RoleARN)
			}
			n := 0
			for _, set := range []bool{t.Input != nil, t.InputPath != "", t.InputTransformer != nil} {
				if set {
					n++
				}
			}
			if n > 1 {
				v.errf(tp, "input, input_path and input_transformer are mutually exclusive (PutTargets)")
			}
		}
	}
	conns := map[regional]bool{}
	for j, c := range eb.Connections {
		cp := at(p, "eventbridge", "connections", j)
		if c == nil {
			v.errf(cp, "empty connection")
			continue
		}
		k := regional{checkRegion(cp, c.Region), c.Name}
		if !eventNameRE.MatchString(c.Name) {
			v.errf(at(cp, "name"), "%q is not a valid connection name", c.Name)
		} else if conns[k] {
			v.errf(at(cp, "name"), "connection %s appears twice in %s", c.Name, k.region)
		}
		conns[k] = true
		if c.ID != "" && !lowerUUIDRE.MatchString(c.ID) {
			v.errf(at(cp, "id"), "connection id %q is not a lower-case UUID", c.ID)
		}
		if c.State != "" && !slices.Contains(eventConnStates, c.State) {
			v.errf(at(cp, "state"), "state %q is not one of %s", c.State, strings.Join(eventConnStates, ", "))
		}
		want := map[string]bool{"BASIC": c.Basic != nil, "API_KEY": c.APIKey != nil, "OAUTH_CLIENT_CREDENTIALS": c.OAuth != nil}
		switch {
		case !slices.Contains(eventAuthTypes, c.AuthorizationType):
			v.errf(at(cp, "authorization_type"), "authorization_type %q is not one of %s", c.AuthorizationType, strings.Join(eventAuthTypes, ", "))
		case !want[c.AuthorizationType]:
			v.errf(cp, "authorization_type %s needs its %s block", c.AuthorizationType, map[string]string{"BASIC": "basic", "API_KEY": "api_key", "OAUTH_CLIENT_CREDENTIALS": "oauth"}[c.AuthorizationType])
		}
		for t, set := range want {
			if set && t != c.AuthorizationType {
				v.errf(cp, "a %s connection has no %s authorization parameters", c.AuthorizationType, t)
			}
		}
		if c.OAuth != nil && c.OAuth.HTTPMethod != "" && !slices.Contains([]string{"GET", "POST", "PUT"}, c.OAuth.HTTPMethod) {
			v.errf(at(cp, "oauth", "http_method"), "http_method %q is not GET, POST or PUT", c.OAuth.HTTPMethod)
		}
	}
	dests := map[regional]bool{}
	for j, d := range eb.APIDestinations {
		dp := at(p, "eventbridge", "api_destinations", j)
		if d == nil {
			v.errf(dp, "empty API destination")
			continue
		}
		k := regional{checkRegion(dp, d.Region), d.Name}
		if !eventNameRE.MatchString(d.Name) {
			v.errf(at(dp, "name"), "%q is not a valid API destination name", d.Name)
		} else if dests[k] {
			v.errf(at(dp, "name"), "API destination %s appears twice in %s", d.Name, k.region)
		}
		dests[k] = true
		if !conns[regional{k.region, d.Connection}] {
			v.errf(at(dp, "connection"), "connection %q is not in the fixture in %s", d.Connection, k.region)
		}
		if !strings.HasPrefix(d.Endpoint, "https://") {
			v.errf(at(dp, "endpoint"), "endpoint %q is not an https:// URL (API destinations require HTTPS)", d.Endpoint)
		}
		if !slices.Contains(eventHTTPMethods, d.HTTPMethod) {
			v.errf(at(dp, "http_method"), "http_method %q is not one of %s", d.HTTPMethod, strings.Join(eventHTTPMethods, ", "))
		}
		if d.State != "" && d.State != "ACTIVE" && d.State != "INACTIVE" {
			v.errf(at(dp, "state"), "state %q is not ACTIVE or INACTIVE", d.State)
		}
		if d.RateLimit < 0 {
			v.errf(at(dp, "rate_limit_per_second"), "rate_limit_per_second %d is negative", d.RateLimit)
		}
		if d.ID != "" && !lowerUUIDRE.MatchString(d.ID) {
			v.errf(at(dp, "id"), "API destination id %q is not a lower-case UUID", d.ID)
		}
	}
}

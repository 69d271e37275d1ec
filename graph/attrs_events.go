package graph

// EventBus holds what the eventbridge collector read about an event bus.
type EventBus struct {
	// Policy is the bus's resource policy (ListEventBuses Policy): who else
	// may put events on it. EventBridge sends none for a bus without one.
	Policy Doc `json:"policy"`
	// RulesKnown is True when the bus's rules were listed completely.
	RulesKnown Tri `json:"rules_known"`
}

// EventRule holds what the eventbridge collector read about a rule.
type EventRule struct {
	Bus                string `json:"bus"`   // the event bus ARN
	State              string `json:"state"` // ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
	EventPattern       string `json:"event_pattern,omitempty"`
	ScheduleExpression string `json:"schedule_expression,omitempty"`
	ManagedBy          string `json:"managed_by,omitempty"`
	// TargetsKnown is True when ListTargetsByRule answered completely.
	TargetsKnown Tri           `json:"targets_known"`
	Targets      []EventTarget `json:"targets,omitempty"`
}

// Enabled says whether the rule matches events (any state but DISABLED).
func (r *EventRule) Enabled() Tri {
	if r == nil || r.State == "" {
		return Unknown
	}
	return TriOf(r.State != "DISABLED")
}

// EventTarget is one target of a rule.
type EventTarget struct {
	ID         string `json:"id"`
	ARN        string `json:"arn"`
	Role       string `json:"role,omitempty"`        // the role EventBridge uses to reach the target
	DeadLetter string `json:"dead_letter,omitempty"` // the target's dead-letter queue
}

// APIDestination is an EventBridge API destination: events sent to it leave
// AWS for an HTTPS endpoint.
type APIDestination struct {
	Endpoint   string `json:"endpoint"`
	HTTPMethod string `json:"http_method,omitempty"`
	Connection string `json:"connection,omitempty"` // the connection ARN (its credentials live in a Secrets Manager secret EventBridge owns)
	State      string `json:"state,omitempty"`      // ACTIVE, INACTIVE
}

package graph

// Elastic Load Balancing: load balancers (Application, Network, Gateway and
// Classic), their listeners with the rules that route requests, and target
// groups with their registered targets, as the elbv2 and elb collectors
// read them.

// LoadBalancer is an ELB load balancer of any type.
type LoadBalancer struct {
	Name string `json:"name"`
	// Type is "application", "network", "gateway" or "classic".
	Type string `json:"type"`
	// Scheme is "internet-facing" or "internal": only an internet-facing
	// load balancer has public addresses.
	Scheme string `json:"scheme"`
	// DNSName is the name the load balancer answers on (CloudFront custom
	// origins and DNS records point at it).
	DNSName        string   `json:"dns_name,omitempty"`
	State          string   `json:"state,omitempty"` // active, provisioning, active_impaired, failed
	VPCID          string   `json:"vpc_id,omitempty"`
	Subnets        []string `json:"subnets,omitempty"`
	SecurityGroups []string `json:"security_groups,omitempty"`
	IPAddressType  string   `json:"ip_address_type,omitempty"` // ipv4, dualstack, dualstack-without-public-ipv4
	// ListenersKnown is Unknown when the listeners could not be listed.
	ListenersKnown Tri `json:"listeners_known"`
	// Instances are a Classic Load Balancer's registered instances.
	Instances []string `json:"instances,omitempty"`
}

// InternetFacing says whether the load balancer has public addresses.
func (lb *LoadBalancer) InternetFacing() bool { return lb.Scheme == "internet-facing" }

// Listener is a listener of a load balancer: a port and protocol clients
// connect to, and the rules that decide what their requests reach.
type Listener struct {
	LoadBalancer string `json:"load_balancer"` // the load balancer's ARN
	Port         int    `json:"port"`
	// Protocol is HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE (ELBv2) or
	// HTTP, HTTPS, TCP, SSL (Classic).
	Protocol     string   `json:"protocol"`
	SSLPolicy    string   `json:"ssl_policy,omitempty"`
	Certificates []string `json:"certificates,omitempty"`
	// Rules are the listener's rules in priority order, the default rule
	// last. RulesKnown is Unknown when DescribeRules failed (the default
	// actions from DescribeListeners are then the only rule known).
	Rules      []ListenerRule `json:"rules,omitempty"`
	RulesKnown Tri            `json:"rules_known"`
	// InstancePort and InstanceProtocol are where a Classic listener
	// sends to its instances.
	InstancePort     int    `json:"instance_port,omitempty"`
	InstanceProtocol string `json:"instance_protocol,omitempty"`
}

// ListenerRule is one rule of a listener: conditions, an optional
// authentication, and where matching requests go.
type ListenerRule struct {
	Priority   string   `json:"priority"` // a number, or "default"
	Conditions []string `json:"conditions,omitempty"`
	// Authenticate is the authenticate action the rule runs first
	// ("authenticate-oidc https://issuer", "authenticate-cognito
	// arn:...userpool/..."), "" when none. OnUnauthenticated is what it
	// does with a request that is not authenticated: authenticate (the
	// default) or deny stop it; allow lets it through.
	Authenticate      string `json:"authenticate,omitempty"`
	OnUnauthenticated string `json:"on_unauthenticated,omitempty"`
	// Action is the final action: forward, redirect or fixed-response.
	Action       string   `json:"action"`
	TargetGroups []string `json:"target_groups,omitempty"`
	Redirect     string   `json:"redirect,omitempty"`
}

// Authenticates says whether the rule stops requests that carry no
// session its identity provider issued.
func (r ListenerRule) Authenticates() bool {
	return r.Authenticate != "" && r.OnUnauthenticated != "allow"
}

// TargetGroup is an ELBv2 target group: where forward actions send
// requests.
type TargetGroup struct {
	Name string `json:"name"`
	// TargetType is instance, ip, lambda or alb.
	TargetType    string   `json:"target_type"`
	Protocol      string   `json:"protocol,omitempty"`
	Port          int      `json:"port,omitempty"`
	VPCID         string   `json:"vpc_id,omitempty"`
	LoadBalancers []string `json:"load_balancers,omitempty"`
	// Targets are the registered targets with their health; TargetsKnown
	// is Unknown when DescribeTargetHealth failed.
	Targets      []Target `json:"targets,omitempty"`
	TargetsKnown Tri      `json:"targets_known"`
}

// Target is a registered target of a target group.
type Target struct {
	ID   string `json:"id"` // instance id, IP address, function ARN or load balancer ARN
	Port int    `json:"port,omitempty"`
	Zone string `json:"availability_zone,omitempty"`
	// Health is the target's state: healthy, unhealthy, initial, draining,
	// unused, unavailable.
	Health string `json:"health,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Serves says whether the load balancer may send requests to the target:
// not when it is unused (not in an enabled zone, its group on no load
// balancer, a stopped instance). An unhealthy target still gets requests
// when every target is unhealthy (ELB fails open).
func (t Target) Serves() Tri {
	switch t.Health {
	case "unused":
		return False
	case "":
		return Unknown
	}
	return True
}

// ClassicLoadBalancerARN is the node id of a Classic Load Balancer (the
// ARN form IAM policies use for it).
func ClassicLoadBalancerARN(region, account, name string) string {
	return "arn:aws:elasticloadbalancing:" + region + ":" + account + ":loadbalancer/" + name
}

package fakeaws

import "time"

// The Elastic Load Balancing parts of an Account (FIXTURE.md, "Elastic Load
// Balancing"): ELBv2 (Application, Network and Gateway Load Balancers and
// their target groups) and Classic Load Balancers. Both are regional; subnets,
// security groups and instances name the account's EC2 resources (ids or
// fixture names) in the same region.

// ELBv2 is an account's Elastic Load Balancing v2 state.
type ELBv2 struct {
	LoadBalancers []*LoadBalancerV2 `yaml:"load_balancers"`
	TargetGroups  []*TargetGroup    `yaml:"target_groups"`
}

// LoadBalancerV2 is an Application, Network or Gateway Load Balancer.
type LoadBalancerV2 struct {
	Name string `yaml:"name"`
	// ID is the last part of the ARN, 16 hex digits (default derived from
	// the account, region and name).
	ID            string   `yaml:"id"`
	Region        string   `yaml:"region"`
	Type          string   `yaml:"type"`            // application (default) | network | gateway
	Scheme        string   `yaml:"scheme"`          // internet-facing (default) | internal
	IPAddressType string   `yaml:"ip_address_type"` // ipv4 (default) | dualstack | dualstack-without-public-ipv4
	Subnets       []string `yaml:"subnets"`
	// Addresses are the per-subnet addresses of a Network Load Balancer
	// (Elastic IPs of an internet-facing one, private IPs of an internal one).
	Addresses      []LBAddress `yaml:"addresses"`
	SecurityGroups []string    `yaml:"security_groups"`
	State          string      `yaml:"state"` // active (default) | provisioning | active_impaired | failed
	StateReason    string      `yaml:"state_reason"`
	Created        time.Time   `yaml:"created"`
	// DNSName defaults to AWS's form for the type and scheme.
	DNSName string `yaml:"dns_name"`
	// Attributes add to or override the type's default attributes
	// (DescribeLoadBalancerAttributes).
	Attributes map[string]string `yaml:"attributes"`
	Tags       map[string]string `yaml:"tags"`
	Listeners  []*ListenerV2     `yaml:"listeners"`
}

// LBAddress is a Network Load Balancer's address in one subnet.
type LBAddress struct {
	Subnet             string `yaml:"subnet"`
	IPAddress          string `yaml:"ip_address"`
	AllocationID       string `yaml:"allocation_id"`
	PrivateIPv4Address string `yaml:"private_ipv4_address"`
	IPv6Address        string `yaml:"ipv6_address"`
}

// ListenerV2 is a listener of an ELBv2 load balancer.
type ListenerV2 struct {
	ID       string `yaml:"id"` // 16 hex digits (default derived)
	Port     int    `yaml:"port"`
	Protocol string `yaml:"protocol"` // HTTP | HTTPS | TCP | TLS | UDP | TCP_UDP | GENEVE
	// SSLPolicy is required for HTTPS and TLS listeners.
	SSLPolicy      string            `yaml:"ssl_policy"`
	Certificates   []string          `yaml:"certificates"` // ACM/IAM certificate ARNs; the first is the default
	ALPNPolicy     []string          `yaml:"alpn_policy"`
	DefaultActions []*ActionV2       `yaml:"default_actions"`
	Rules          []*RuleV2         `yaml:"rules"` // besides the default rule
	Tags           map[string]string `yaml:"tags"`
}

// RuleV2 is a listener rule other than the default one.
type RuleV2 struct {
	ID         string            `yaml:"id"`       // 16 hex digits (default derived)
	Priority   int               `yaml:"priority"` // 1-50000
	Conditions []*ConditionV2    `yaml:"conditions"`
	Actions    []*ActionV2       `yaml:"actions"`
	Tags       map[string]string `yaml:"tags"`
}

// ConditionV2 is a rule condition.
type ConditionV2 struct {
	// Field is path-pattern, host-header, http-header, http-request-method,
	// query-string or source-ip.
	Field          string          `yaml:"field"`
	Values         []string        `yaml:"values"`
	HTTPHeaderName string          `yaml:"http_header_name"` // http-header
	QueryStrings   []QueryStringKV `yaml:"query_strings"`    // query-string
}

// QueryStringKV is a query-string condition's key/value pair.
type QueryStringKV struct {
	Key   string `yaml:"key"`
	Value string `yaml:"value"`
}

// ActionV2 is a listener or rule action.
type ActionV2 struct {
	// Type is forward, redirect, fixed-response, authenticate-oidc or
	// authenticate-cognito.
	Type  string `yaml:"type"`
	Order int    `yaml:"order"` // default: its position + 1
	// TargetGroup (name or ARN) is a forward to one target group; Forward
	// is a weighted forward to several.
	TargetGroup         string                 `yaml:"target_group"`
	Forward             *ForwardV2             `yaml:"forward"`
	Redirect            *RedirectV2            `yaml:"redirect"`
	FixedResponse       *FixedResponseV2       `yaml:"fixed_response"`
	AuthenticateOIDC    *AuthenticateOIDCV2    `yaml:"authenticate_oidc"`
	AuthenticateCognito *AuthenticateCognitoV2 `yaml:"authenticate_cognito"`
}

// ForwardV2 is a weighted forward.
type ForwardV2 struct {
	TargetGroups []WeightedTargetGroup `yaml:"target_groups"`
	Stickiness   *StickinessV2         `yaml:"stickiness"`
}

// WeightedTargetGroup is one target group of a weighted forward.
type WeightedTargetGroup struct {
	TargetGroup string `yaml:"target_group"`
	Weight      *int   `yaml:"weight"` // default 1
}

// StickinessV2 is target group stickiness of a forward.
type StickinessV2 struct {
	Enabled         bool `yaml:"enabled"`
	DurationSeconds int  `yaml:"duration_seconds"`
}

// RedirectV2 is a redirect action; unset parts default to AWS's "#{...}"
// placeholders, which keep the request's own value.
type RedirectV2 struct {
	Protocol   string `yaml:"protocol"`
	Port       string `yaml:"port"`
	Host       string `yaml:"host"`
	Path       string `yaml:"path"`
	Query      string `yaml:"query"`
	StatusCode string `yaml:"status_code"` // HTTP_301 | HTTP_302
}

// FixedResponseV2 is a fixed-response action.
type FixedResponseV2 struct {
	StatusCode  string `yaml:"status_code"`
	ContentType string `yaml:"content_type"`
	MessageBody string `yaml:"message_body"`
}

// AuthenticateOIDCV2 is an authenticate-oidc action. It has no client secret:
// AWS never returns it, so the fixture cannot hold one.
type AuthenticateOIDCV2 struct {
	Issuer                string `yaml:"issuer"`
	AuthorizationEndpoint string `yaml:"authorization_endpoint"`
	TokenEndpoint         string `yaml:"token_endpoint"`
	UserInfoEndpoint      string `yaml:"user_info_endpoint"`
	ClientID              string `yaml:"client_id"`
	// The rest default as the CreateRule reference says: scope openid,
	// cookie AWSELBAuthSessionCookie, timeout 604800, authenticate.
	Scope                            string            `yaml:"scope"`
	SessionCookieName                string            `yaml:"session_cookie_name"`
	SessionTimeout                   int               `yaml:"session_timeout"`
	OnUnauthenticatedRequest         string            `yaml:"on_unauthenticated_request"` // deny | allow | authenticate
	AuthenticationRequestExtraParams map[string]string `yaml:"authentication_request_extra_params"`
}

// AuthenticateCognitoV2 is an authenticate-cognito action.
type AuthenticateCognitoV2 struct {
	UserPoolARN                      string            `yaml:"user_pool_arn"`
	UserPoolClientID                 string            `yaml:"user_pool_client_id"`
	UserPoolDomain                   string            `yaml:"user_pool_domain"`
	Scope                            string            `yaml:"scope"`
	SessionCookieName                string            `yaml:"session_cookie_name"`
	SessionTimeout                   int               `yaml:"session_timeout"`
	OnUnauthenticatedRequest         string            `yaml:"on_unauthenticated_request"`
	AuthenticationRequestExtraParams map[string]string `yaml:"authentication_request_extra_params"`
}

// TargetGroup is an ELBv2 target group.
type TargetGroup struct {
	Name       string `yaml:"name"`
	ID         string `yaml:"id"` // 16 hex digits (default derived)
	Region     string `yaml:"region"`
	TargetType string `yaml:"target_type"` // instance (default) | ip | lambda | alb
	// Protocol, Port and VPC are required except for lambda targets.
	Protocol        string `yaml:"protocol"`
	Port            int    `yaml:"port"`
	VPC             string `yaml:"vpc"`
	ProtocolVersion string `yaml:"protocol_version"` // HTTP/HTTPS: HTTP1 (default) | HTTP2 | GRPC
	IPAddressType   string `yaml:"ip_address_type"`  // ipv4 (default) | ipv6
	// HealthCheck settings default as the CreateTargetGroup reference says.
	HealthCheck *HealthCheckV2    `yaml:"health_check"`
	Targets     []*TargetV2       `yaml:"targets"`
	Tags        map[string]string `yaml:"tags"`
}

// HealthCheckV2 is a target group's health check.
type HealthCheckV2 struct {
	Enabled            *bool  `yaml:"enabled"`
	Protocol           string `yaml:"protocol"`
	Port               string `yaml:"port"`
	Path               string `yaml:"path"`
	IntervalSeconds    int    `yaml:"interval_seconds"`
	TimeoutSeconds     int    `yaml:"timeout_seconds"`
	HealthyThreshold   int    `yaml:"healthy_threshold"`
	UnhealthyThreshold int    `yaml:"unhealthy_threshold"`
	Matcher            string `yaml:"matcher"` // HTTP codes, e.g. 200-299
}

// TargetV2 is a registered target and its health.
type TargetV2 struct {
	// ID is an instance (id or name), an IP address, a Lambda function ARN or
	// an Application Load Balancer (name or ARN), as the target type says.
	ID               string `yaml:"id"`
	Port             int    `yaml:"port"` // default: the target group's port
	AvailabilityZone string `yaml:"availability_zone"`
	// State defaults to healthy (unavailable when health checks are
	// disabled, unused for a stopped instance); Reason and Description
	// default to AWS's for the state.
	State       string `yaml:"state"`
	Reason      string `yaml:"reason"`
	Description string `yaml:"description"`
}

// ELB is an account's Classic Load Balancer state.
type ELB struct {
	LoadBalancers []*ClassicLoadBalancer `yaml:"load_balancers"`
}

// ClassicLoadBalancer is a Classic Load Balancer in a VPC.
type ClassicLoadBalancer struct {
	Name           string            `yaml:"name"`
	Region         string            `yaml:"region"`
	Scheme         string            `yaml:"scheme"` // internet-facing (default) | internal
	Subnets        []string          `yaml:"subnets"`
	SecurityGroups []string          `yaml:"security_groups"`
	Listeners      []ClassicListener `yaml:"listeners"`
	Instances      []string          `yaml:"instances"` // ids or names
	HealthCheck    *ClassicHealth    `yaml:"health_check"`
	Policies       []ClassicPolicy   `yaml:"policies"`
	Created        time.Time         `yaml:"created"`
	DNSName        string            `yaml:"dns_name"`
	Tags           map[string]string `yaml:"tags"`
}

// ClassicListener is a Classic Load Balancer listener.
type ClassicListener struct {
	Protocol         string   `yaml:"protocol"` // HTTP | HTTPS | TCP | SSL
	LoadBalancerPort int      `yaml:"load_balancer_port"`
	InstanceProtocol string   `yaml:"instance_protocol"` // default: the listener's protocol
	InstancePort     int      `yaml:"instance_port"`
	SSLCertificateID string   `yaml:"ssl_certificate_id"`
	PolicyNames      []string `yaml:"policy_names"`
}

// ClassicHealth is a Classic Load Balancer health check.
type ClassicHealth struct {
	Target             string `yaml:"target"` // e.g. HTTP:80/
	Interval           int    `yaml:"interval"`
	Timeout            int    `yaml:"timeout"`
	UnhealthyThreshold int    `yaml:"unhealthy_threshold"`
	HealthyThreshold   int    `yaml:"healthy_threshold"`
}

// ClassicPolicy is a policy of a Classic Load Balancer
// (DescribeLoadBalancerPolicies); attributes are served in name order.
type ClassicPolicy struct {
	Name       string            `yaml:"name"`
	Type       string            `yaml:"type"` // SSLNegotiationPolicyType, ...
	Attributes map[string]string `yaml:"attributes"`
}

package fakeaws

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Elastic Load Balancing. Classic ELB (API version 2012-06-01) and ELBv2
// (2015-12-01) both use the AWS query protocol and sign as
// elasticloadbalancing; the fake tells them apart by the Version parameter
// and names them elasticloadbalancing (Classic) and elasticloadbalancingv2,
// as the aws-sdk-go-v2 packages are named. Faults, throttles, stats and chaos
// use those names. Classic handlers are here, ELBv2 ones in elbv2.go.

const (
	elbClassicVersion = "2012-06-01"
	elbV2Version      = "2015-12-01"
)

// elbWorlds caches each account's resolved load balancers for one server.
type elbWorlds struct {
	mu sync.Mutex
	m  map[*Account]*elbNet
}

func (w *elbWorlds) get(a *Account) *elbNet {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[*Account]*elbNet{}
	}
	n := w.m[a]
	if n == nil {
		n = buildELB(a, buildEC2(a, nil), nil)
		w.m[a] = n
	}
	return n
}

func (w *elbWorlds) regionOf(c *call) *elbRegion {
	if r := w.get(c.account()).regions[c.region]; r != nil {
		return r
	}
	return &elbRegion{}
}

type elbHandler struct {
	resource string // form field faults match on
	h        func(*call) (*response, error)
}

// elbService routes both APIs. A request for ELBv2 becomes service
// elasticloadbalancingv2 here, before the server counts, throttles or
// faults it.
func elbService() *service {
	w := &elbWorlds{}
	classic := map[string]elbHandler{
		"DescribeLoadBalancers":        {"", w.classicDescribeLoadBalancers},
		"DescribeLoadBalancerPolicies": {"LoadBalancerName", w.classicDescribeLoadBalancerPolicies},
	}
	v2 := map[string]elbHandler{
		"DescribeLoadBalancers":          {"", w.describeLoadBalancers},
		"DescribeListeners":              {"LoadBalancerArn", w.describeListeners},
		"DescribeRules":                  {"ListenerArn", w.describeRules},
		"DescribeTargetGroups":           {"LoadBalancerArn", w.describeTargetGroups},
		"DescribeTargetHealth":           {"TargetGroupArn", w.describeTargetHealth},
		"DescribeLoadBalancerAttributes": {"LoadBalancerArn", w.describeLoadBalancerAttributes},
		"DescribeTags":                   {"", w.describeTags},
	}
	return &service{route: func(c *call) (operation, bool) {
		handlers := classic
		if c.form.Get("Version") == elbV2Version {
			c.service, handlers = "elasticloadbalancingv2", v2
		} else if c.form.Get("Version") != elbClassicVersion {
			return operation{}, false
		}
		action := c.form.Get("Action")
		op, ok := handlers[action]
		if !ok {
			return operation{}, false
		}
		return operation{name: action, resource: c.form.Get(op.resource), handle: op.h}, true
	}}
}

func elbError(c *call, code, format string, args ...any) error {
	return errorFor(c.service, code, fmt.Sprintf(format, args...))
}

// elbMembers reads a query list: Name.member.1, Name.member.2, ...
func elbMembers(c *call, name string) []string {
	return ec2List(c.form, name+".member")
}

// elbPage pages n items with Marker and PageSize (1-400, default 400; out of
// range is ValidationError in the query services' words). The marker is
// opaque and names the operation.
func elbPage(c *call, op string, n int) (start, end int, next string, err error) {
	size := 400
	if v := c.form.Get("PageSize"); v != "" {
		s, perr := strconv.Atoi(v)
		switch {
		case perr != nil:
			return 0, 0, "", elbError(c, "ValidationError", "1 validation error detected: Value '%s' at 'pageSize' failed to satisfy constraint: Member must be a number", v)
		case s < 1:
			return 0, 0, "", elbError(c, "ValidationError", "1 validation error detected: Value '%d' at 'pageSize' failed to satisfy constraint: Member must have value greater than or equal to 1", s)
		case s > 400:
			return 0, 0, "", elbError(c, "ValidationError", "1 validation error detected: Value '%d' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 400", s)
		}
		size = s
	}
	if m := c.form.Get("Marker"); m != "" {
		raw, derr := base64.RawURLEncoding.DecodeString(m)
		rest, ok := strings.CutPrefix(string(raw), c.service+":"+op+":")
		off, aerr := strconv.Atoi(rest)
		if derr != nil || !ok || aerr != nil || off < 0 || off > n {
			return 0, 0, "", elbError(c, "ValidationError", "Invalid Marker %s", m)
		}
		start = off
	}
	end = min(n, start+size)
	if end < n {
		next = base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s:%s:%d", c.service, op, end)))
	}
	return start, end, next, nil
}

func elbMemberList(x *xmlw, name string, values []string) {
	x.open(name)
	for _, v := range values {
		x.leaf("member", v)
	}
	x.close(name)
}

// classicDescribeLoadBalancers lists Classic Load Balancers; a name that
// does not exist is LoadBalancerNotFound (AccessPointNotFoundException in
// the model), "There is no ACTIVE Load Balancer named 'NAME'".
func (w *elbWorlds) classicDescribeLoadBalancers(c *call) (*response, error) {
	lbs := w.regionOf(c).classic
	if names := elbMembers(c, "LoadBalancerNames"); len(names) > 0 {
		var picked []*clbR
		for _, name := range names {
			i := slices.IndexFunc(lbs, func(l *clbR) bool { return l.Name == name })
			if i < 0 {
				return nil, elbError(c, "LoadBalancerNotFound", "There is no ACTIVE Load Balancer named '%s'", name)
			}
			picked = append(picked, lbs[i])
		}
		lbs = picked
	}
	start, end, next, err := elbPage(c, "DescribeLoadBalancers", len(lbs))
	if err != nil {
		return nil, err
	}
	acct := c.account().ID
	return queryResponse(c, "DescribeLoadBalancers", func(x *xmlw) {
		x.open("LoadBalancerDescriptions")
		for _, l := range lbs[start:end] {
			x.open("member")
			writeClassicLB(x, acct, l)
			x.close("member")
		}
		x.close("LoadBalancerDescriptions")
		x.leafIf("NextMarker", next)
	}), nil
}

func writeClassicLB(x *xmlw, acct string, l *clbR) {
	x.leaf("LoadBalancerName", l.Name).leaf("DNSName", l.dns)
	if l.scheme == "internet-facing" {
		x.leaf("CanonicalHostedZoneName", l.dns)
	}
	x.leafIf("CanonicalHostedZoneNameID", l.zoneID).open("ListenerDescriptions")
	for _, li := range l.Listeners {
		x.open("member").open("Listener").leaf("Protocol", li.Protocol).leaf("LoadBalancerPort", strconv.Itoa(li.LoadBalancerPort)).
			leaf("InstanceProtocol", orDefault(li.InstanceProtocol, li.Protocol)).leaf("InstancePort", strconv.Itoa(li.InstancePort)).
			leafIf("SSLCertificateId", li.SSLCertificateID).close("Listener")
		elbMemberList(x, "PolicyNames", li.PolicyNames)
		x.close("member")
	}
	x.close("ListenerDescriptions").open("Policies").open("AppCookieStickinessPolicies")
	var other []string
	for _, p := range l.Policies {
		if p.Type == "AppCookieStickinessPolicyType" {
			x.open("member").leaf("PolicyName", p.Name).leaf("CookieName", p.Attributes["CookieName"]).close("member")
		}
	}
	x.close("AppCookieStickinessPolicies").open("LBCookieStickinessPolicies")
	for _, p := range l.Policies {
		switch p.Type {
		case "LBCookieStickinessPolicyType":
			x.open("member").leaf("PolicyName", p.Name).leafIf("CookieExpirationPeriod", p.Attributes["CookieExpirationPeriod"]).close("member")
		case "AppCookieStickinessPolicyType":
		default:
			other = append(other, p.Name)
		}
	}
	x.close("LBCookieStickinessPolicies")
	elbMemberList(x, "OtherPolicies", other)
	x.close("Policies").empty("BackendServerDescriptions")
	var zones, subnets, sgs, groupName []string
	for _, s := range l.subnets {
		if !slices.Contains(zones, s.az) {
			zones = append(zones, s.az)
		}
		subnets = append(subnets, s.id)
	}
	for _, sg := range l.sgs {
		sgs = append(sgs, sg.id)
		groupName = append(groupName, sg.Name)
	}
	elbMemberList(x, "AvailabilityZones", zones)
	elbMemberList(x, "Subnets", subnets)
	if l.vpc != nil {
		x.leaf("VPCId", l.vpc.id)
	}
	x.open("Instances")
	for _, in := range l.insts {
		x.open("member").leaf("InstanceId", in.id).close("member")
	}
	x.close("Instances")
	h := l.health
	x.open("HealthCheck").leaf("Target", h.Target).leaf("Interval", strconv.Itoa(h.Interval)).leaf("Timeout", strconv.Itoa(h.Timeout)).
		leaf("UnhealthyThreshold", strconv.Itoa(h.UnhealthyThreshold)).leaf("HealthyThreshold", strconv.Itoa(h.HealthyThreshold)).close("HealthCheck")
	if len(groupName) > 0 {
		// In a VPC the source group is the load balancer's first security
		// group, owned by the account.
		x.open("SourceSecurityGroup").leaf("OwnerAlias", acct).leaf("GroupName", groupName[0]).close("SourceSecurityGroup")
	}
	elbMemberList(x, "SecurityGroups", sgs)
	x.leaf("CreatedTime", isoMillis(orDefaultTime(l.Created))).leaf("Scheme", l.scheme)
}

// classicDescribeLoadBalancerPolicies lists a Classic Load Balancer's
// policies (all, or PolicyNames). AWS's predefined sample policies, which
// AWS answers without LoadBalancerName, are not modelled.
func (w *elbWorlds) classicDescribeLoadBalancerPolicies(c *call) (*response, error) {
	name := c.form.Get("LoadBalancerName")
	if name == "" {
		return nil, elbError(c, "InvalidConfigurationRequest", "fakeaws does not model the predefined sample policies; pass LoadBalancerName")
	}
	lbs := w.regionOf(c).classic
	i := slices.IndexFunc(lbs, func(l *clbR) bool { return l.Name == name })
	if i < 0 {
		return nil, elbError(c, "LoadBalancerNotFound", "There is no ACTIVE Load Balancer named '%s'", name)
	}
	policies := lbs[i].Policies
	if names := elbMembers(c, "PolicyNames"); len(names) > 0 {
		var picked []ClassicPolicy
		for _, pn := range names {
			j := slices.IndexFunc(policies, func(p ClassicPolicy) bool { return p.Name == pn })
			if j < 0 {
				return nil, elbError(c, "PolicyNotFound", "There is no policy with name %s for load balancer %s", pn, name)
			}
			picked = append(picked, policies[j])
		}
		policies = picked
	}
	return queryResponse(c, "DescribeLoadBalancerPolicies", func(x *xmlw) {
		x.open("PolicyDescriptions")
		for _, p := range policies {
			x.open("member").leaf("PolicyName", p.Name).leaf("PolicyTypeName", p.Type).open("PolicyAttributeDescriptions")
			for _, k := range iamSortedKeys(p.Attributes) {
				x.open("member").leaf("AttributeName", k).leaf("AttributeValue", p.Attributes[k]).close("member")
			}
			x.close("PolicyAttributeDescriptions").close("member")
		}
		x.close("PolicyDescriptions")
	}), nil
}

package fakeaws

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// elbNet is one account's load balancers as the ELBv2 and Classic ELB APIs
// report them: ARNs, DNS names and defaults derived, references to the EC2
// world (ec2_world.go) and between load balancers, listeners and target
// groups followed. Like buildEC2, buildELB serves validation and handlers.
type elbNet struct {
	account  *Account
	ec2      *ec2Net
	regions  map[string]*elbRegion
	problems []fixtureProblem
}

type elbRegion struct {
	lbs     []*lbR
	tgs     []*tgR
	classic []*clbR
}

type lbR struct {
	*LoadBalancerV2
	id, arn, typ, scheme, ipType, dns, zoneID, state string
	region                                           string
	vpc                                              *vpcR
	subnets                                          []*subnetR
	addrs                                            map[*subnetR]LBAddress
	sgs                                              []*sgR
	listeners                                        []*lisR
	attrs                                            [][2]string
}

type lisR struct {
	*ListenerV2
	arn      string
	lb       *lbR
	defaults []actR
	rules    []*ruleR // by priority, the default rule last
}

type ruleR struct {
	arn       string
	priority  string
	isDefault bool
	conds     []*ConditionV2
	actions   []actR
	tags      map[string]string
}

type actR struct {
	*ActionV2
	order   int
	tgArn   string     // a forward to one target group
	forward []weighted // every forward
	stick   StickinessV2
}

type weighted struct {
	arn    string
	weight int
}

type tgR struct {
	*TargetGroup
	id, arn, typ string
	region       string
	vpc          *vpcR
	lbs          []*lbR
	hc           HealthCheckV2
	hcEnabled    bool
	targets      []targetR
}

type targetR struct {
	id, az, state, reason, desc string
	port                        int
	inst                        *instR
}

type clbR struct {
	*ClassicLoadBalancer
	scheme, dns, zoneID string
	region              string
	vpc                 *vpcR
	subnets             []*subnetR
	sgs                 []*sgR
	insts               []*instR
	health              ClassicHealth
}

func (n *elbNet) errf(path []any, format string, args ...any) {
	n.problems = append(n.problems, fixtureProblem{path, fmt.Sprintf(format, args...)})
}

func (n *elbNet) region(r string) *elbRegion {
	if n.regions[r] == nil {
		n.regions[r] = &elbRegion{}
	}
	return n.regions[r]
}

// hex16 derives the 16 hex digits that end an ELBv2 ARN.
func hex16(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:8])
}

// digits10 derives the number in an Application or Classic Load Balancer's
// DNS name (my-alb-1234567890.us-east-1.elb.amazonaws.com).
func digits10(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return strconv.FormatUint(uint64(binary.BigEndian.Uint32(sum[:4]))%9000000000+1000000000, 10)
}

var (
	elbNameRE = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$`)
	hex16RE   = regexp.MustCompile(`^[0-9a-f]{16}$`)
)

// elbZones are the Route 53 hosted zones of load balancer DNS names per
// region: Application and Classic Load Balancers, and Network Load Balancers
// (AWS General Reference, "Elastic Load Balancing endpoints and quotas").
// Regions outside this table get no CanonicalHostedZoneId.
var elbZones = map[string][2]string{
	"us-east-1":      {"Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"},
	"us-east-2":      {"Z3AADJGX6KTTL2", "ZLMOA37VPKANP"},
	"us-west-1":      {"Z368ELLRRE2KJ0", "Z24FKFUX50B4VW"},
	"us-west-2":      {"Z1H1FL5HABSF5", "Z18D5FSROUN65G"},
	"eu-west-1":      {"Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F"},
	"eu-central-1":   {"Z215JYRZR1TBD5", "Z3F0SRJ5LGBH90"},
	"ap-southeast-2": {"Z1GM3OXH4ZPM65", "ZCT6FZBF4DROD"},
	"ap-northeast-1": {"Z14GRHDCWA56QT", "Z31USIVHYNEOWT"},
	"ap-south-1":     {"ZP97RAFLXTNZK", "ZVDDRBQ08TROA"},
}

var lbTypePrefix = map[string]string{"application": "app", "network": "net", "gateway": "gwy"}

// lbProtocols are the listener protocols of each load balancer type.
var lbProtocols = map[string][]string{
	"application": {"HTTP", "HTTPS"},
	"network":     {"TCP", "TLS", "UDP", "TCP_UDP"},
	"gateway":     {"GENEVE"},
}

// buildELB resolves an account's load balancers against its EC2 world.
func buildELB(a *Account, e *ec2Net, base []any) *elbNet {
	n := &elbNet{account: a, ec2: e, regions: map[string]*elbRegion{}}
	n.targetGroups(at(base, "elbv2", "target_groups"), a.ELBv2.TargetGroups)
	n.loadBalancers(at(base, "elbv2", "load_balancers"), a.ELBv2.LoadBalancers)
	n.targets(at(base, "elbv2", "target_groups"))
	n.classic(at(base, "elb", "load_balancers"), a.ELB.LoadBalancers)
	return n
}

// ec2Region is the EC2 world of a region (empty when it has nothing).
func (n *elbNet) ec2Region(region string) *ec2Region {
	if r := n.ec2.regions[region]; r != nil {
		return r
	}
	return &ec2Region{name: region}
}

func (n *elbNet) regionOf(p []any, r string) string {
	before := len(n.ec2.problems)
	r = n.ec2.regionOf(p, r)
	n.problems = append(n.problems, n.ec2.problems[before:]...)
	n.ec2.problems = n.ec2.problems[:before]
	return r
}

// ec2Refs runs an EC2 lookup, taking its problems as the load balancer's.
func (n *elbNet) ec2Refs(f func()) {
	before := len(n.ec2.problems)
	f()
	n.problems = append(n.problems, n.ec2.problems[before:]...)
	n.ec2.problems = n.ec2.problems[:before]
}

func (n *elbNet) targetGroups(p []any, tgs []*TargetGroup) {
	for j, tg := range tgs {
		tp := at(p, j)
		if tg == nil {
			n.errf(tp, "empty target group")
			continue
		}
		region := n.regionOf(tp, tg.Region)
		r := n.region(region)
		t := &tgR{TargetGroup: tg, region: region, typ: orDefault(tg.TargetType, "instance"), id: orDefault(tg.ID, hex16(n.account.ID+"/"+region+"/targetgroup/"+tg.Name))}
		if !elbNameRE.MatchString(tg.Name) {
			n.errf(at(tp, "name"), "target group name %q is not 1-32 letters, digits and hyphens, without a hyphen at either end", tg.Name)
		} else if slices.ContainsFunc(r.tgs, func(o *tgR) bool { return o.Name == tg.Name }) {
			n.errf(at(tp, "name"), "target group %s appears twice in %s", tg.Name, region)
		}
		if !hex16RE.MatchString(t.id) {
			n.errf(at(tp, "id"), "id %q is not 16 hex digits", tg.ID)
		}
		t.arn = "arn:aws:elasticloadbalancing:" + region + ":" + n.account.ID + ":targetgroup/" + tg.Name + "/" + t.id
		switch t.typ {
		case "lambda":
			if tg.Protocol != "" || tg.Port != 0 || tg.VPC != "" {
				n.errf(tp, "a lambda target group has no protocol, port or vpc")
			}
		case "instance", "ip", "alb":
			if !slices.Contains([]string{"HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"}, tg.Protocol) {
				n.errf(at(tp, "protocol"), "protocol %q is not HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP or GENEVE", tg.Protocol)
			}
			if tg.Port < 1 || tg.Port > 65535 {
				n.errf(at(tp, "port"), "port %d is not 1-65535", tg.Port)
			}
			n.ec2Refs(func() { t.vpc = n.ec2Region(region).vpc(n.ec2, at(tp, "vpc"), tg.VPC) })
		default:
			n.errf(at(tp, "target_type"), "target_type %q is not instance, ip, lambda or alb", tg.TargetType)
		}
		t.hc, t.hcEnabled = healthDefaults(t)
		r.tgs = append(r.tgs, t)
	}
}

// healthDefaults fills a target group's health check as the
// CreateTargetGroup reference gives the defaults.
func healthDefaults(t *tgR) (HealthCheckV2, bool) {
	hc := HealthCheckV2{}
	if t.HealthCheck != nil {
		hc = *t.HealthCheck
	}
	enabled := t.typ != "lambda"
	if hc.Enabled != nil {
		enabled = *hc.Enabled
	}
	web := t.Protocol == "HTTP" || t.Protocol == "HTTPS"
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	switch {
	case t.typ == "lambda":
		def(&hc.IntervalSeconds, 35)
		def(&hc.TimeoutSeconds, 30)
		def(&hc.HealthyThreshold, 5)
		def(&hc.UnhealthyThreshold, 5)
		hc.Protocol, hc.Path = orDefault(hc.Protocol, "HTTP"), orDefault(hc.Path, "/")
	case t.Protocol == "GENEVE":
		def(&hc.IntervalSeconds, 10)
		def(&hc.TimeoutSeconds, 5)
		hc.Protocol, hc.Port = orDefault(hc.Protocol, "TCP"), orDefault(hc.Port, "80")
	default:
		def(&hc.IntervalSeconds, 30)
		if t.Protocol == "HTTP" {
			def(&hc.TimeoutSeconds, 6)
		}
		def(&hc.TimeoutSeconds, 10)
		hc.Protocol = orDefault(hc.Protocol, map[bool]string{true: "HTTP", false: "TCP"}[web])
	}
	def(&hc.HealthyThreshold, 5)
	def(&hc.UnhealthyThreshold, 2)
	if t.typ != "lambda" {
		hc.Port = orDefault(hc.Port, "traffic-port")
	}
	if hc.Protocol == "HTTP" || hc.Protocol == "HTTPS" {
		hc.Path = orDefault(hc.Path, "/")
		hc.Matcher = orDefault(hc.Matcher, "200")
	}
	return hc, enabled
}

func (n *elbNet) loadBalancers(p []any, lbs []*LoadBalancerV2) {
	for j, lb := range lbs {
		lp := at(p, j)
		if lb == nil {
			n.errf(lp, "empty load balancer")
			continue
		}
		region := n.regionOf(lp, lb.Region)
		r := n.region(region)
		l := &lbR{LoadBalancerV2: lb, region: region, typ: orDefault(lb.Type, "application"), scheme: orDefault(lb.Scheme, "internet-facing"),
			ipType: orDefault(lb.IPAddressType, "ipv4"), state: orDefault(lb.State, "active"), addrs: map[*subnetR]LBAddress{},
			id: orDefault(lb.ID, hex16(n.account.ID+"/"+region+"/loadbalancer/"+lb.Name))}
		if !elbNameRE.MatchString(lb.Name) || strings.HasPrefix(lb.Name, "internal-") {
			n.errf(at(lp, "name"), "load balancer name %q is not 1-32 letters, digits and hyphens (no hyphen at either end, not internal-...)", lb.Name)
		} else if slices.ContainsFunc(r.lbs, func(o *lbR) bool { return o.Name == lb.Name }) {
			n.errf(at(lp, "name"), "load balancer %s appears twice in %s", lb.Name, region)
		}
		if !hex16RE.MatchString(l.id) {
			n.errf(at(lp, "id"), "id %q is not 16 hex digits", lb.ID)
		}
		prefix, ok := lbTypePrefix[l.typ]
		if !ok {
			n.errf(at(lp, "type"), "type %q is not application, network or gateway", lb.Type)
		}
		if l.scheme != "internet-facing" && l.scheme != "internal" {
			n.errf(at(lp, "scheme"), "scheme %q is not internet-facing or internal", lb.Scheme)
		}
		if !slices.Contains([]string{"ipv4", "dualstack", "dualstack-without-public-ipv4"}, l.ipType) {
			n.errf(at(lp, "ip_address_type"), "ip_address_type %q is not ipv4, dualstack or dualstack-without-public-ipv4", lb.IPAddressType)
		}
		if !slices.Contains([]string{"active", "provisioning", "active_impaired", "failed"}, l.state) {
			n.errf(at(lp, "state"), "state %q is not active, provisioning, active_impaired or failed", lb.State)
		}
		l.arn = "arn:aws:elasticloadbalancing:" + region + ":" + n.account.ID + ":loadbalancer/" + prefix + "/" + lb.Name + "/" + l.id
		n.lbNetwork(lp, l)
		l.dns, l.zoneID = lbDNS(l)
		l.attrs = lbAttributes(l)
		r.lbs = append(r.lbs, l)
	}
	// Listeners after every load balancer and target group exists.
	for _, region := range slices.Sorted(maps.Keys(n.regions)) {
		for _, l := range n.regions[region].lbs {
			lp := at(p, slices.Index(lbs, l.LoadBalancerV2))
			n.listeners(lp, l)
		}
	}
}

// lbNetwork resolves subnets (one VPC, one per zone; two zones at least for
// an Application Load Balancer), addresses and security groups (an
// Application Load Balancer without any gets its VPC's default group).
func (n *elbNet) lbNetwork(lp []any, l *lbR) {
	er := n.ec2Region(l.region)
	zones := map[string]bool{}
	for k, ref := range l.Subnets {
		var s *subnetR
		n.ec2Refs(func() { s = er.subnet(n.ec2, at(lp, "subnets", k), ref) })
		if s == nil {
			continue
		}
		if l.vpc == nil {
			l.vpc = s.vpc
		} else if s.vpc != l.vpc {
			n.errf(at(lp, "subnets", k), "subnet %s is in another VPC than the load balancer's other subnets", ref)
			continue
		}
		if zones[s.az] {
			n.errf(at(lp, "subnets", k), "a load balancer has one subnet per Availability Zone; %s has two", s.az)
		}
		zones[s.az] = true
		l.subnets = append(l.subnets, s)
	}
	if len(l.Subnets) == 0 {
		n.errf(at(lp, "subnets"), "a load balancer needs subnets")
	} else if l.typ == "application" && len(zones) < 2 {
		n.errf(at(lp, "subnets"), "an Application Load Balancer needs subnets in at least two Availability Zones")
	}
	for k, a := range l.Addresses {
		var s *subnetR
		n.ec2Refs(func() { s = er.subnet(n.ec2, at(lp, "addresses", k, "subnet"), a.Subnet) })
		if s != nil && !slices.Contains(l.subnets, s) {
			n.errf(at(lp, "addresses", k, "subnet"), "subnet %s is not one of the load balancer's subnets", a.Subnet)
		} else if s != nil {
			l.addrs[s] = a
		}
		if l.typ != "network" {
			n.errf(at(lp, "addresses", k), "only a Network Load Balancer has per-subnet addresses")
		}
	}
	if l.vpc == nil {
		return
	}
	switch {
	case l.typ == "gateway" && len(l.SecurityGroups) > 0:
		n.errf(at(lp, "security_groups"), "a Gateway Load Balancer has no security groups")
	case l.typ == "application" && len(l.SecurityGroups) == 0 && l.vpc.defaultSG != nil:
		l.sgs = []*sgR{l.vpc.defaultSG}
	default:
		n.ec2Refs(func() { l.sgs = n.ec2.sgInVPC(er, l.vpc, at(lp, "security_groups"), l.SecurityGroups) })
	}
}

// lbDNS is AWS's DNS name for a load balancer and the hosted zone it is in:
// NAME-DIGITS.REGION.elb.amazonaws.com for an Application Load Balancer
// (internal- in front when internal), NAME-ID.elb.REGION.amazonaws.com for
// a Network Load Balancer.
func lbDNS(l *lbR) (dns, zone string) {
	zones := elbZones[l.region]
	switch l.typ {
	case "network":
		dns, zone = l.Name+"-"+l.id+".elb."+l.region+".amazonaws.com", zones[1]
	case "application":
		dns, zone = l.Name+"-"+digits10(l.arn)+"."+l.region+".elb.amazonaws.com", zones[0]
		if l.scheme == "internal" {
			dns = "internal-" + dns
		}
	}
	return orDefault(l.DNSName, dns), zone
}

// lbAttributes are a load balancer's attributes: the documented defaults of
// its type, overridden and extended by the fixture, in key order.
func lbAttributes(l *lbR) [][2]string {
	attrs := map[string]string{"deletion_protection.enabled": "false", "load_balancing.cross_zone.enabled": "false"}
	switch l.typ {
	case "application":
		for k, v := range map[string]string{
			"access_logs.s3.enabled": "false", "access_logs.s3.bucket": "", "access_logs.s3.prefix": "",
			"connection_logs.s3.enabled": "false", "connection_logs.s3.bucket": "", "connection_logs.s3.prefix": "",
			"idle_timeout.timeout_seconds": "60", "client_keep_alive.seconds": "3600",
			"routing.http.desync_mitigation_mode": "defensive", "routing.http.drop_invalid_header_fields.enabled": "false",
			"routing.http.preserve_host_header.enabled": "false", "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
			"routing.http.xff_client_port.enabled": "false", "routing.http.xff_header_processing.mode": "append",
			"routing.http2.enabled": "true", "waf.fail_open.enabled": "false", "load_balancing.cross_zone.enabled": "true",
			"zonal_shift.config.enabled": "false",
		} {
			attrs[k] = v
		}
	case "network":
		for k, v := range map[string]string{
			"access_logs.s3.enabled": "false", "access_logs.s3.bucket": "", "access_logs.s3.prefix": "",
			"dns_record.client_routing_policy": "any_availability_zone", "zonal_shift.config.enabled": "false",
		} {
			attrs[k] = v
		}
	}
	for k, v := range l.Attributes {
		attrs[k] = v
	}
	var out [][2]string
	for _, k := range iamSortedKeys(attrs) {
		out = append(out, [2]string{k, attrs[k]})
	}
	return out
}

func (n *elbNet) listeners(lp []any, l *lbR) {
	prefix := lbTypePrefix[l.typ]
	for k, li := range l.Listeners {
		p := at(lp, "listeners", k)
		if li == nil {
			n.errf(p, "empty listener")
			continue
		}
		id := orDefault(li.ID, hex16(l.arn+"/listener/"+strconv.Itoa(li.Port)))
		if !hex16RE.MatchString(id) {
			n.errf(at(p, "id"), "id %q is not 16 hex digits", li.ID)
		}
		lr := &lisR{ListenerV2: li, lb: l, arn: "arn:aws:elasticloadbalancing:" + l.region + ":" + n.account.ID + ":listener/" + prefix + "/" + l.Name + "/" + l.id + "/" + id}
		if li.Port < 1 || li.Port > 65535 {
			n.errf(at(p, "port"), "port %d is not 1-65535", li.Port)
		} else if slices.ContainsFunc(l.listeners, func(o *lisR) bool { return o.Port == li.Port }) {
			n.errf(at(p, "port"), "the load balancer already has a listener on port %d", li.Port)
		}
		if !slices.Contains(lbProtocols[l.typ], li.Protocol) {
			n.errf(at(p, "protocol"), "protocol %q is not one of a %s load balancer's: %s", li.Protocol, l.typ, strings.Join(lbProtocols[l.typ], ", "))
		}
		secure := li.Protocol == "HTTPS" || li.Protocol == "TLS"
		if secure && (li.SSLPolicy == "" || len(li.Certificates) == 0) {
			n.errf(p, "an %s listener needs an ssl_policy and a certificate", li.Protocol)
		}
		if !secure && (li.SSLPolicy != "" || len(li.Certificates) > 0) {
			n.errf(p, "an %s listener has no ssl_policy or certificates", li.Protocol)
		}
		lr.defaults = n.actions(at(p, "default_actions"), lr, li.DefaultActions)
		for m, rule := range li.Rules {
			rp := at(p, "rules", m)
			if rule == nil {
				n.errf(rp, "empty rule")
				continue
			}
			if l.typ != "application" {
				n.errf(rp, "only an Application Load Balancer's listeners have rules")
			}
			if rule.Priority < 1 || rule.Priority > 50000 {
				n.errf(at(rp, "priority"), "priority %d is not 1-50000", rule.Priority)
			} else if slices.ContainsFunc(lr.rules, func(o *ruleR) bool { return o.priority == strconv.Itoa(rule.Priority) }) {
				n.errf(at(rp, "priority"), "priority %d is used twice on the listener", rule.Priority)
			}
			if len(rule.Conditions) == 0 {
				n.errf(at(rp, "conditions"), "a rule needs at least one condition")
			}
			n.conditions(at(rp, "conditions"), rule.Conditions)
			rid := orDefault(rule.ID, hex16(lr.arn+"/rule/"+strconv.Itoa(rule.Priority)))
			lr.rules = append(lr.rules, &ruleR{arn: strings.Replace(lr.arn, ":listener/", ":listener-rule/", 1) + "/" + rid,
				priority: strconv.Itoa(rule.Priority), conds: rule.Conditions, actions: n.actions(at(rp, "actions"), lr, rule.Actions), tags: rule.Tags})
		}
		slices.SortFunc(lr.rules, func(x, y *ruleR) int {
			a, _ := strconv.Atoi(x.priority)
			b, _ := strconv.Atoi(y.priority)
			return a - b
		})
		lr.rules = append(lr.rules, &ruleR{arn: strings.Replace(lr.arn, ":listener/", ":listener-rule/", 1) + "/" + hex16(lr.arn+"/rule/default"),
			priority: "default", isDefault: true, actions: lr.defaults})
		l.listeners = append(l.listeners, lr)
	}
}

var conditionFields = []string{"path-pattern", "host-header", "http-header", "http-request-method", "query-string", "source-ip"}

func (n *elbNet) conditions(p []any, conds []*ConditionV2) {
	for k, c := range conds {
		cp := at(p, k)
		switch {
		case c == nil:
			n.errf(cp, "empty condition")
		case !slices.Contains(conditionFields, c.Field):
			n.errf(at(cp, "field"), "field %q is not one of %s", c.Field, strings.Join(conditionFields, ", "))
		case c.Field == "query-string" && len(c.QueryStrings) == 0:
			n.errf(cp, "a query-string condition needs query_strings")
		case c.Field == "http-header" && (c.HTTPHeaderName == "" || len(c.Values) == 0):
			n.errf(cp, "an http-header condition needs http_header_name and values")
		case c.Field != "query-string" && len(c.Values) == 0:
			n.errf(cp, "a %s condition needs values", c.Field)
		case c.Field == "source-ip":
			for m, v := range c.Values {
				if _, err := netip.ParsePrefix(v); err != nil {
					n.errf(at(cp, "values", m), "%q is not a CIDR block", v)
				}
			}
		}
	}
}

package fakeaws

import (
	"slices"
	"strconv"
	"strings"
)

// ELBv2 (2015-12-01) handlers. Shapes follow the response snapshots of
// aws-sdk-go-v2/service/elasticloadbalancingv2; error codes are the model's
// awsQueryError codes (LoadBalancerNotFound, ListenerNotFound,
// TargetGroupNotFound, RuleNotFound), all HTTP 400. An ARN of another account
// or region is simply not found.

// byARNs picks the items named by ARN; any miss is notFound.
func byARNs[T comparable](arns []string, items []T, arn func(T) string, notFound func() error) ([]T, error) {
	var out []T
	for _, a := range arns {
		i := slices.IndexFunc(items, func(t T) bool { return arn(t) == a })
		if i < 0 {
			return nil, notFound()
		}
		if !slices.Contains(out, items[i]) {
			out = append(out, items[i])
		}
	}
	return out, nil
}

func lbNotFound(c *call) func() error {
	return func() error { return elbError(c, "LoadBalancerNotFound", "One or more load balancers not found") }
}

func (w *elbWorlds) findLB(c *call, arn string) (*lbR, error) {
	lbs, err := byARNs([]string{arn}, w.regionOf(c).lbs, func(l *lbR) string { return l.arn }, lbNotFound(c))
	if err != nil {
		return nil, err
	}
	return lbs[0], nil
}

func (w *elbWorlds) describeLoadBalancers(c *call) (*response, error) {
	lbs := w.regionOf(c).lbs
	arns, names := elbMembers(c, "LoadBalancerArns"), elbMembers(c, "Names")
	var err error
	switch {
	case len(arns) > 0 && len(names) > 0:
		return nil, elbError(c, "ValidationError", "Load balancer names and load balancer ARNs cannot be specified at the same time")
	case len(arns) > 20:
		return nil, elbError(c, "ValidationError", "1 validation error detected: Value at 'loadBalancerArns' failed to satisfy constraint: Member must have length less than or equal to 20")
	case len(arns) > 0:
		lbs, err = byARNs(arns, lbs, func(l *lbR) string { return l.arn }, lbNotFound(c))
	case len(names) > 0:
		lbs, err = byARNs(names, lbs, func(l *lbR) string { return l.Name }, func() error {
			return elbError(c, "LoadBalancerNotFound", "Load balancers '[%s]' not found", strings.Join(names, ", "))
		})
	}
	if err != nil {
		return nil, err
	}
	start, end, next, err := elbPage(c, "DescribeLoadBalancers", len(lbs))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "DescribeLoadBalancers", func(x *xmlw) {
		x.open("LoadBalancers")
		for _, l := range lbs[start:end] {
			x.open("member")
			writeLB(x, l)
			x.close("member")
		}
		x.close("LoadBalancers")
		x.leafIf("NextMarker", next)
	}), nil
}

func writeLB(x *xmlw, l *lbR) {
	x.leaf("LoadBalancerArn", l.arn).leafIf("DNSName", l.dns).leafIf("CanonicalHostedZoneId", l.zoneID).
		leaf("CreatedTime", isoMillis(orDefaultTime(l.Created))).leaf("LoadBalancerName", l.Name).leaf("Scheme", l.scheme)
	if l.vpc != nil {
		x.leaf("VpcId", l.vpc.id)
	}
	x.open("State").leaf("Code", l.state).leafIf("Reason", l.StateReason).close("State").leaf("Type", l.typ).open("AvailabilityZones")
	for _, s := range l.subnets {
		x.open("member").leaf("ZoneName", s.az).leaf("SubnetId", s.id).open("LoadBalancerAddresses")
		if a, ok := l.addrs[s]; ok {
			x.open("member").leafIf("IpAddress", a.IPAddress).leafIf("AllocationId", a.AllocationID).
				leafIf("PrivateIPv4Address", a.PrivateIPv4Address).leafIf("IPv6Address", a.IPv6Address).close("member")
		}
		x.close("LoadBalancerAddresses").close("member")
	}
	x.close("AvailabilityZones")
	if len(l.sgs) > 0 {
		var ids []string
		for _, sg := range l.sgs {
			ids = append(ids, sg.id)
		}
		elbMemberList(x, "SecurityGroups", ids)
	}
	x.leaf("IpAddressType", l.ipType)
}

func (w *elbWorlds) allListeners(c *call) []*lisR {
	var out []*lisR
	for _, l := range w.regionOf(c).lbs {
		out = append(out, l.listeners...)
	}
	return out
}

func (w *elbWorlds) describeListeners(c *call) (*response, error) {
	lbARN, arns := c.form.Get("LoadBalancerArn"), elbMembers(c, "ListenerArns")
	var listeners []*lisR
	switch {
	case lbARN != "" && len(arns) > 0:
		return nil, elbError(c, "ValidationError", "Listener ARNs and a load balancer ARN cannot be specified at the same time")
	case lbARN != "":
		lb, err := w.findLB(c, lbARN)
		if err != nil {
			return nil, err
		}
		listeners = lb.listeners
	case len(arns) > 0:
		var err error
		if listeners, err = byARNs(arns, w.allListeners(c), func(l *lisR) string { return l.arn }, func() error {
			return elbError(c, "ListenerNotFound", "One or more listeners not found")
		}); err != nil {
			return nil, err
		}
	default:
		return nil, elbError(c, "ValidationError", "You must specify either listener ARNs or a load balancer ARN")
	}
	start, end, next, err := elbPage(c, "DescribeListeners", len(listeners))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "DescribeListeners", func(x *xmlw) {
		x.open("Listeners")
		for _, li := range listeners[start:end] {
			x.open("member").leaf("ListenerArn", li.arn).leaf("LoadBalancerArn", li.lb.arn).leaf("Port", strconv.Itoa(li.Port)).
				leaf("Protocol", li.Protocol)
			if len(li.Certificates) > 0 {
				// DescribeListeners returns only the default certificate.
				x.open("Certificates").open("member").leaf("CertificateArn", li.Certificates[0]).close("member").close("Certificates")
			}
			x.leafIf("SslPolicy", li.SSLPolicy)
			writeActions(x, "DefaultActions", li.defaults)
			if len(li.ALPNPolicy) > 0 {
				elbMemberList(x, "AlpnPolicy", li.ALPNPolicy)
			}
			x.close("member")
		}
		x.close("Listeners")
		x.leafIf("NextMarker", next)
	}), nil
}

// writeActions writes actions as DescribeListeners and DescribeRules report
// them. A forward to one target group has both TargetGroupArn and
// ForwardConfig. Authenticate actions never carry the client secret (AWS
// omits it from every Describe answer).
func writeActions(x *xmlw, name string, acts []actR) {
	x.open(name)
	for _, a := range acts {
		x.open("member").leaf("Type", a.Type).leaf("Order", strconv.Itoa(a.order)).leafIf("TargetGroupArn", a.tgArn)
		if len(a.forward) > 0 {
			x.open("ForwardConfig").open("TargetGroups")
			for _, f := range a.forward {
				x.open("member").leaf("TargetGroupArn", f.arn).leaf("Weight", strconv.Itoa(f.weight)).close("member")
			}
			x.close("TargetGroups").open("TargetGroupStickinessConfig").boolLeaf("Enabled", a.stick.Enabled)
			if a.stick.Enabled {
				x.leaf("DurationSeconds", strconv.Itoa(a.stick.DurationSeconds))
			}
			x.close("TargetGroupStickinessConfig").close("ForwardConfig")
		}
		if r := a.Redirect; r != nil {
			x.open("RedirectConfig").leaf("Protocol", orDefault(r.Protocol, "#{protocol}")).leaf("Port", orDefault(r.Port, "#{port}")).
				leaf("Host", orDefault(r.Host, "#{host}")).leaf("Path", orDefault(r.Path, "/#{path}")).
				leaf("Query", orDefault(r.Query, "#{query}")).leaf("StatusCode", r.StatusCode).close("RedirectConfig")
		}
		if f := a.FixedResponse; f != nil {
			x.open("FixedResponseConfig").leafIf("MessageBody", f.MessageBody).leaf("StatusCode", f.StatusCode).
				leafIf("ContentType", f.ContentType).close("FixedResponseConfig")
		}
		if o := a.AuthenticateOIDC; o != nil {
			x.open("AuthenticateOidcConfig").leaf("Issuer", o.Issuer).leaf("AuthorizationEndpoint", o.AuthorizationEndpoint).
				leaf("TokenEndpoint", o.TokenEndpoint).leaf("UserInfoEndpoint", o.UserInfoEndpoint).leaf("ClientId", o.ClientID)
			writeAuthCommon(x, o.SessionCookieName, o.Scope, o.SessionTimeout, o.OnUnauthenticatedRequest, o.AuthenticationRequestExtraParams)
			x.close("AuthenticateOidcConfig")
		}
		if g := a.AuthenticateCognito; g != nil {
			x.open("AuthenticateCognitoConfig").leaf("UserPoolArn", g.UserPoolARN).leaf("UserPoolClientId", g.UserPoolClientID).
				leaf("UserPoolDomain", g.UserPoolDomain)
			writeAuthCommon(x, g.SessionCookieName, g.Scope, g.SessionTimeout, g.OnUnauthenticatedRequest, g.AuthenticationRequestExtraParams)
			x.close("AuthenticateCognitoConfig")
		}
		x.close("member")
	}
	x.close(name)
}

// writeAuthCommon writes the session settings of an authenticate action
// with the CreateRule reference's defaults: cookie AWSELBAuthSessionCookie,
// scope openid, 604800 seconds, authenticate.
func writeAuthCommon(x *xmlw, cookie, scope string, timeout int, onUnauth string, params map[string]string) {
	if timeout == 0 {
		timeout = 604800
	}
	x.leaf("SessionCookieName", orDefault(cookie, "AWSELBAuthSessionCookie")).leaf("Scope", orDefault(scope, "openid")).
		leaf("SessionTimeout", strconv.Itoa(timeout))
	if len(params) > 0 {
		x.open("AuthenticationRequestExtraParams")
		for _, k := range iamSortedKeys(params) {
			x.open("entry").leaf("key", k).leaf("value", params[k]).close("entry")
		}
		x.close("AuthenticationRequestExtraParams")
	}
	x.leaf("OnUnauthenticatedRequest", orDefault(onUnauth, "authenticate"))
}

func (w *elbWorlds) describeRules(c *call) (*response, error) {
	lisARN, arns := c.form.Get("ListenerArn"), elbMembers(c, "RuleArns")
	var rules []*ruleR
	switch {
	case lisARN != "" && len(arns) > 0:
		return nil, elbError(c, "ValidationError", "Rule ARNs and a listener ARN cannot be specified at the same time")
	case lisARN != "":
		ls, err := byARNs([]string{lisARN}, w.allListeners(c), func(l *lisR) string { return l.arn }, func() error {
			return elbError(c, "ListenerNotFound", "One or more listeners not found")
		})
		if err != nil {
			return nil, err
		}
		rules = ls[0].rules
	case len(arns) > 0:
		var all []*ruleR
		for _, li := range w.allListeners(c) {
			all = append(all, li.rules...)
		}
		var err error
		if rules, err = byARNs(arns, all, func(r *ruleR) string { return r.arn }, func() error {
			return elbError(c, "RuleNotFound", "One or more rules not found")
		}); err != nil {
			return nil, err
		}
	default:
		return nil, elbError(c, "ValidationError", "You must specify either rule ARNs or a listener ARN")
	}
	start, end, next, err := elbPage(c, "DescribeRules", len(rules))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "DescribeRules", func(x *xmlw) {
		x.open("Rules")
		for _, r := range rules[start:end] {
			x.open("member").leaf("RuleArn", r.arn).leaf("Priority", r.priority).open("Conditions")
			for _, cond := range r.conds {
				x.open("member")
				writeCondition(x, cond)
				x.close("member")
			}
			x.close("Conditions")
			writeActions(x, "Actions", r.actions)
			x.boolLeaf("IsDefault", r.isDefault).close("member")
		}
		x.close("Rules")
		x.leafIf("NextMarker", next)
	}), nil
}

// writeCondition writes a rule condition: path-pattern and host-header
// carry both the legacy Values and their config; the others only their
// config.
func writeCondition(x *xmlw, c *ConditionV2) {
	x.leaf("Field", c.Field)
	values := func(name string) {
		x.open(name)
		elbMemberList(x, "Values", c.Values)
		x.close(name)
	}
	switch c.Field {
	case "path-pattern":
		elbMemberList(x, "Values", c.Values)
		values("PathPatternConfig")
	case "host-header":
		elbMemberList(x, "Values", c.Values)
		values("HostHeaderConfig")
	case "http-header":
		x.open("HttpHeaderConfig").leaf("HttpHeaderName", c.HTTPHeaderName)
		elbMemberList(x, "Values", c.Values)
		x.close("HttpHeaderConfig")
	case "http-request-method":
		values("HttpRequestMethodConfig")
	case "source-ip":
		values("SourceIpConfig")
	case "query-string":
		x.open("QueryStringConfig").open("Values")
		for _, kv := range c.QueryStrings {
			x.open("member").leafIf("Key", kv.Key).leaf("Value", kv.Value).close("member")
		}
		x.close("Values").close("QueryStringConfig")
	}
}

func (w *elbWorlds) describeTargetGroups(c *call) (*response, error) {
	r := w.regionOf(c)
	tgs := r.tgs
	lbARN, arns, names := c.form.Get("LoadBalancerArn"), elbMembers(c, "TargetGroupArns"), elbMembers(c, "Names")
	given := 0
	for _, g := range []bool{lbARN != "", len(arns) > 0, len(names) > 0} {
		if g {
			given++
		}
	}
	var err error
	switch {
	case given > 1:
		return nil, elbError(c, "ValidationError", "A load balancer ARN, target group ARNs or target group names can be specified, only one of them")
	case lbARN != "":
		lb, err := w.findLB(c, lbARN)
		if err != nil {
			return nil, err
		}
		tgs = slices.DeleteFunc(slices.Clone(tgs), func(t *tgR) bool { return !slices.Contains(t.lbs, lb) })
	case len(arns) > 0:
		tgs, err = byARNs(arns, tgs, func(t *tgR) string { return t.arn }, func() error {
			return elbError(c, "TargetGroupNotFound", "One or more target groups not found")
		})
	case len(names) > 0:
		tgs, err = byARNs(names, tgs, func(t *tgR) string { return t.Name }, func() error {
			return elbError(c, "TargetGroupNotFound", "Target groups '[%s]' not found", strings.Join(names, ", "))
		})
	}
	if err != nil {
		return nil, err
	}
	start, end, next, err := elbPage(c, "DescribeTargetGroups", len(tgs))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "DescribeTargetGroups", func(x *xmlw) {
		x.open("TargetGroups")
		for _, t := range tgs[start:end] {
			x.open("member")
			writeTargetGroup(x, t)
			x.close("member")
		}
		x.close("TargetGroups")
		x.leafIf("NextMarker", next)
	}), nil
}

func writeTargetGroup(x *xmlw, t *tgR) {
	hc := t.hc
	x.leaf("TargetGroupArn", t.arn).leaf("TargetGroupName", t.Name).leafIf("Protocol", t.Protocol)
	if t.Port != 0 {
		x.leaf("Port", strconv.Itoa(t.Port))
	}
	if t.vpc != nil {
		x.leaf("VpcId", t.vpc.id)
	}
	x.leaf("HealthCheckProtocol", hc.Protocol).leafIf("HealthCheckPort", hc.Port).boolLeaf("HealthCheckEnabled", t.hcEnabled).
		leaf("HealthCheckIntervalSeconds", strconv.Itoa(hc.IntervalSeconds)).leaf("HealthCheckTimeoutSeconds", strconv.Itoa(hc.TimeoutSeconds)).
		leaf("HealthyThresholdCount", strconv.Itoa(hc.HealthyThreshold)).leaf("UnhealthyThresholdCount", strconv.Itoa(hc.UnhealthyThreshold)).
		leafIf("HealthCheckPath", hc.Path)
	if hc.Matcher != "" {
		x.open("Matcher").leaf("HttpCode", hc.Matcher).close("Matcher")
	}
	var lbs []string
	for _, l := range t.lbs {
		lbs = append(lbs, l.arn)
	}
	elbMemberList(x, "LoadBalancerArns", lbs)
	x.leaf("TargetType", t.typ)
	if t.Protocol == "HTTP" || t.Protocol == "HTTPS" {
		x.leaf("ProtocolVersion", orDefault(t.ProtocolVersion, "HTTP1"))
	}
	if t.typ != "lambda" {
		x.leaf("IpAddressType", orDefault(t.IPAddressType, "ipv4"))
	}
}

// describeTargetHealth reports every registered target, or the ones asked
// for: a target that is not registered is "unused", Target.NotRegistered.
func (w *elbWorlds) describeTargetHealth(c *call) (*response, error) {
	arn := c.form.Get("TargetGroupArn")
	if arn == "" {
		return nil, elbError(c, "ValidationError", "1 validation error detected: Value null at 'targetGroupArn' failed to satisfy constraint: Member must not be null")
	}
	tgs, err := byARNs([]string{arn}, w.regionOf(c).tgs, func(t *tgR) string { return t.arn }, func() error {
		return elbError(c, "TargetGroupNotFound", "One or more target groups not found")
	})
	if err != nil {
		return nil, err
	}
	t := tgs[0]
	targets := t.targets
	if c.form.Has("Targets.member.1.Id") {
		targets = nil
		for i := 1; c.form.Has("Targets.member." + strconv.Itoa(i) + ".Id"); i++ {
			pre := "Targets.member." + strconv.Itoa(i) + "."
			id, port := c.form.Get(pre+"Id"), c.form.Get(pre+"Port")
			j := slices.IndexFunc(t.targets, func(tr targetR) bool {
				return tr.id == id && (port == "" || strconv.Itoa(tr.port) == port)
			})
			if j >= 0 {
				targets = append(targets, t.targets[j])
				continue
			}
			if t.typ == "instance" && !ec2IDShape("i", id) {
				return nil, elbError(c, "InvalidTarget", "The following targets are not valid instances: '%s'", id)
			}
			p, _ := strconv.Atoi(port)
			targets = append(targets, targetR{id: id, port: p, az: c.form.Get(pre + "AvailabilityZone"), state: "unused",
				reason: "Target.NotRegistered", desc: "Target is not registered to the target group"})
		}
	}
	return queryResponse(c, "DescribeTargetHealth", func(x *xmlw) {
		x.open("TargetHealthDescriptions")
		for _, tr := range targets {
			x.open("member").open("Target").leaf("Id", tr.id)
			if tr.port != 0 {
				x.leaf("Port", strconv.Itoa(tr.port))
			}
			x.leafIf("AvailabilityZone", tr.az).close("Target")
			hcPort := t.hc.Port
			if hcPort == "traffic-port" {
				hcPort = strconv.Itoa(tr.port)
			}
			if t.typ != "lambda" {
				x.leaf("HealthCheckPort", hcPort)
			}
			x.open("TargetHealth").leaf("State", tr.state).leafIf("Reason", tr.reason).leafIf("Description", tr.desc).close("TargetHealth").close("member")
		}
		x.close("TargetHealthDescriptions")
	}), nil
}

func (w *elbWorlds) describeLoadBalancerAttributes(c *call) (*response, error) {
	lb, err := w.findLB(c, c.form.Get("LoadBalancerArn"))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "DescribeLoadBalancerAttributes", func(x *xmlw) {
		x.open("Attributes")
		for _, kv := range lb.attrs {
			x.open("member").leaf("Key", kv[0]).leaf("Value", kv[1]).close("member")
		}
		x.close("Attributes")
	}), nil
}

// describeTags answers the tags of up to 20 load balancers, target groups,
// listeners and rules; an unknown ARN is its kind's not-found error.
func (w *elbWorlds) describeTags(c *call) (*response, error) {
	arns := elbMembers(c, "ResourceArns")
	if len(arns) == 0 || len(arns) > 20 {
		return nil, elbError(c, "ValidationError", "1 validation error detected: Value at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to 20 and greater than or equal to 1")
	}
	r := w.regionOf(c)
	tags := map[string]map[string]string{}
	for _, l := range r.lbs {
		tags[l.arn] = l.Tags
		for _, li := range l.listeners {
			tags[li.arn] = li.Tags
			for _, rule := range li.rules {
				tags[rule.arn] = rule.tags
			}
		}
	}
	for _, t := range r.tgs {
		tags[t.arn] = t.Tags
	}
	for _, a := range arns {
		if _, ok := tags[a]; ok {
			continue
		}
		switch {
		case strings.Contains(a, ":targetgroup/"):
			return nil, elbError(c, "TargetGroupNotFound", "One or more target groups not found")
		case strings.Contains(a, ":listener-rule/"):
			return nil, elbError(c, "RuleNotFound", "One or more rules not found")
		case strings.Contains(a, ":listener/"):
			return nil, elbError(c, "ListenerNotFound", "One or more listeners not found")
		}
		return nil, elbError(c, "LoadBalancerNotFound", "One or more load balancers not found")
	}
	return queryResponse(c, "DescribeTags", func(x *xmlw) {
		x.open("TagDescriptions")
		for _, a := range arns {
			x.open("member").leaf("ResourceArn", a).open("Tags")
			for _, k := range iamSortedKeys(tags[a]) {
				x.open("member").leaf("Key", k).leaf("Value", tags[a][k]).close("member")
			}
			x.close("Tags").close("member")
		}
		x.close("TagDescriptions")
	}), nil
}

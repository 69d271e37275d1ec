package fakeaws

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Validation of a World: ids have AWS's shapes, names are unique where AWS
// makes them unique, and references point at things that exist. Checks for
// the services served by other files live beside those services' handlers
// when they need more than shapes.

var (
	accountIDRE   = regexp.MustCompile(`^[0-9]{12}$`)
	accessKeyRE   = regexp.MustCompile(`^[A-Z0-9]{16,128}$`)
	roleARNRE     = regexp.MustCompile(`^arn:aws:iam::([0-9]{12}):role/(?:[\x21-\x7e]+/)?([\w+=,.@-]{1,64})$`)
	callerARNRE   = regexp.MustCompile(`^arn:aws:(?:iam|sts)::([0-9]{12}):(root|user/.+|role/.+|assumed-role/[^/]+/.+)$`)
	orgIDRE       = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	bucketNameRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	functionRE    = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
	queueNameRE   = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,80}(\.fifo)?$`)
	apiIDRE       = regexp.MustCompile(`^[a-z0-9]{10}$`)
	serviceARNRE  = regexp.MustCompile(`^arn:aws:(sqs|lambda|sns):[a-z0-9-]+:[0-9]{12}:.+$`)
	iamEntityIDRE = regexp.MustCompile(`^[A-Z0-9]{16,128}$`)
)

// knownServices are the services faults and throttles may name.
var knownServices = []string{"s3", "s3control", "sts", "ec2", "iam", "lambda", "sqs", "apigateway", "apigatewayv2", "organizations",
	"sns", "events", "kms", "secretsmanager", // sns.go, events.go, kms.go, secretsmanager.go
	"ecr", // ecr.go

	// Edge and data services (issue 13).
	"cloudfront", "wafv2", "rds", "eks", "es", // cloudfront.go, wafv2.go, rds.go, eks.go, opensearch.go (OpenSearch signs as es)
	"elasticloadbalancing", "elasticloadbalancingv2", // elb.go: Classic ELB, ELBv2
}

type validator struct {
	name string
	root *yaml.Node
	errs []string
}

func (w *World) validate(name string, root *yaml.Node) error {
	v := &validator{name: name, root: root}
	if len(w.Accounts) == 0 {
		v.errf(nil, "a fixture needs at least one account")
	}
	ids := map[string]bool{}
	keys := map[string]string{}
	buckets := map[string]bool{}
	for i, a := range w.Accounts {
		p := at(nil, "accounts", i)
		if a == nil {
			v.errf(p, "empty account")
			continue
		}
		if !accountIDRE.MatchString(a.ID) {
			v.errf(at(p, "id"), "account id %q is not 12 digits", a.ID)
		} else if ids[a.ID] {
			v.errf(at(p, "id"), "account id %s appears twice", a.ID)
		}
		ids[a.ID] = true
		for j, k := range a.AccessKeys {
			if !accessKeyRE.MatchString(k) {
				v.errf(at(p, "access_keys", j), "access key id %q is not 16-128 upper-case letters and digits", k)
			} else if other, dup := keys[k]; dup {
				v.errf(at(p, "access_keys", j), "access key id %s is already used by account %s", k, other)
			}
			keys[k] = a.ID
		}
		if a.CallerARN != "" {
			if m := callerARNRE.FindStringSubmatch(a.CallerARN); m == nil {
				v.errf(at(p, "caller_arn"), "caller_arn %q is not an IAM user, role, root or assumed-role ARN", a.CallerARN)
			} else if m[1] != a.ID {
				v.errf(at(p, "caller_arn"), "caller_arn %s is in account %s, not %s", a.CallerARN, m[1], a.ID)
			}
		}
		v.regions(p, a)
		v.organization(at(p, "organization"), a.Organization)
		v.s3(p, a, buckets)
		v.otherServices(p, a)
		v.sns(p, a)            // fixture_sns.go
		v.eventBridge(p, a)    // fixture_events.go
		v.kms(p, a)            // fixture_kms.go
		v.secretsManager(p, a) // fixture_secretsmanager.go
		v.ecr(p, a)            // fixture_ecr.go
		v.lambdaLayers(p, a)   // fixture_lambda_layers.go
		v.bucketReads(p, a)    // fixture_s3control.go

		v.edgeAndData(p, a) // fixture_edge.go: CloudFront, WAFv2, RDS, EKS, OpenSearch
		v.network(p, a)     // fixture_ec2.go: EC2, ELBv2, Classic ELB
	}
	v.accessPoints(w) // fixture_s3control.go
	for i, a := range w.Accounts {
		if a == nil {
			continue
		}
		for j, r := range a.RolesAssumable {
			m := roleARNRE.FindStringSubmatch(r.ARN)
			switch {
			case m == nil:
				v.errf(at(nil, "accounts", i, "roles_assumable", j), "%q is not an IAM role ARN", r.ARN)
			case !ids[m[1]]:
				v.errf(at(nil, "accounts", i, "roles_assumable", j), "role %s is in account %s, which is not in the fixture", r.ARN, m[1])
			}
		}
	}
	v.faults(w.Faults)
	v.throttle(w.Throttle)
	v.chaos(w.Chaos) // chaos.go
	if w.Latency < 0 {
		v.errf(at(nil, "latency"), "latency %s is negative", w.Latency)
	}
	if len(v.errs) > 0 {
		return errors.New(strings.Join(v.errs, "\n"))
	}
	return nil
}

func (v *validator) regions(p []any, a *Account) {
	seen := map[string]bool{}
	for j, r := range a.Regions {
		if !validRegion(r) {
			v.errf(at(p, "regions", j), "%q is not a region name", r)
		} else if seen[r] {
			v.errf(at(p, "regions", j), "region %s appears twice", r)
		}
		seen[r] = true
	}
	for j, r := range a.DisabledRegions {
		switch {
		case !isOptIn(r):
			v.errf(at(p, "disabled_regions", j), "%q is not an opt-in region, so it cannot be disabled", r)
		case seen[r]:
			v.errf(at(p, "disabled_regions", j), "region %s is both enabled and disabled", r)
		}
	}
}

func (v *validator) organization(p []any, o *Organization) {
	if o == nil {
		return
	}
	if !orgIDRE.MatchString(o.ID) {
		v.errf(at(p, "id"), "organization id %q does not look like o-xxxxxxxxxx", o.ID)
	}
	if !accountIDRE.MatchString(o.MasterAccountID) {
		v.errf(at(p, "master_account_id"), "master_account_id %q is not 12 digits", o.MasterAccountID)
	}
	if o.FeatureSet != "" && o.FeatureSet != "ALL" && o.FeatureSet != "CONSOLIDATED_BILLING" {
		v.errf(at(p, "feature_set"), "feature_set %q is not ALL or CONSOLIDATED_BILLING", o.FeatureSet)
	}
	for j, m := range o.Accounts {
		if !accountIDRE.MatchString(m.ID) {
			v.errf(at(p, "accounts", j, "id"), "account id %q is not 12 digits", m.ID)
		}
		if m.Status != "" && !slices.Contains([]string{"ACTIVE", "SUSPENDED", "PENDING_CLOSURE"}, m.Status) {
			v.errf(at(p, "accounts", j, "status"), "status %q is not ACTIVE, SUSPENDED or PENDING_CLOSURE", m.Status)
		}
	}
}

func (v *validator) s3(p []any, a *Account, names map[string]bool) {
	for j, b := range a.S3.Buckets {
		bp := at(p, "s3", "buckets", j)
		if b == nil {
			v.errf(bp, "empty bucket")
			continue
		}
		if !validBucketName(b.Name) {
			v.errf(at(bp, "name"), "%q is not a valid bucket name", b.Name)
		} else if names[b.Name] {
			v.errf(at(bp, "name"), "bucket %s appears twice (bucket names are global)", b.Name)
		}
		names[b.Name] = true
		if b.Region != "" && !validRegion(b.Region) {
			v.errf(at(bp, "region"), "%q is not a region name", b.Region)
		} else if r := bucketRegion(a, b); !a.regionEnabled(r) {
			v.errf(at(bp, "region"), "region %s is not enabled for account %s", r, a.ID)
		}
		if b.PolicyIsPublic && b.Policy == nil {
			v.errf(at(bp, "policy_is_public"), "policy_is_public needs a policy")
		}
		if b.Ownership != "" && !slices.Contains([]string{"BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"}, b.Ownership) {
			v.errf(at(bp, "ownership"), "ownership %q is not BucketOwnerPreferred, ObjectWriter or BucketOwnerEnforced", b.Ownership)
		}
		v.acl(at(bp, "acl"), a, b)
		v.notifications(at(bp, "notifications"), b.Notifications)
	}
}

func validBucketName(n string) bool {
	if !bucketNameRE.MatchString(n) || strings.Contains(n, "..") {
		return false
	}
	_, err := netip.ParseAddr(n)
	return err != nil
}

var aclPermissions = []string{"FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"}

func (v *validator) acl(p []any, a *Account, b *Bucket) {
	if b.ACL == nil {
		return
	}
	owner := b.ACL.OwnerID
	if owner == "" {
		owner = canonicalID(a.ID)
	}
	for j, g := range b.ACL.Grants {
		gp := at(p, "grants", j)
		switch g.Type {
		case "CanonicalUser":
			if g.ID == "" {
				v.errf(gp, "a CanonicalUser grant needs an id")
			}
		case "AmazonCustomerByEmail":
			if g.Email == "" {
				v.errf(gp, "an AmazonCustomerByEmail grant needs an email")
			}
		case "Group":
			if !strings.HasPrefix(g.URI, "http://acs.amazonaws.com/groups/") {
				v.errf(gp, "group uri %q is not an http://acs.amazonaws.com/groups/ URI", g.URI)
			}
		default:
			v.errf(at(gp, "type"), "grant type %q is not CanonicalUser, AmazonCustomerByEmail or Group", g.Type)
		}
		if !slices.Contains(aclPermissions, g.Permission) {
			v.errf(at(gp, "permission"), "permission %q is not one of %s", g.Permission, strings.Join(aclPermissions, ", "))
		}
		// S3 refuses BucketOwnerEnforced while the ACL grants anyone but
		// the owner (User Guide, "Prerequisites for disabling ACLs").
		if b.Ownership == "BucketOwnerEnforced" && (g.Type != "CanonicalUser" || g.ID != owner) {
			v.errf(gp, "ownership BucketOwnerEnforced disables ACLs; only the owner may be granted")
		}
	}
}

func (v *validator) notifications(p []any, n *Notifications) {
	if n == nil {
		return
	}
	lists := []struct {
		key, service string
		targets      []NotificationTarget
	}{{"queues", "sqs", n.Queues}, {"lambdas", "lambda", n.Lambdas}, {"topics", "sns", n.Topics}}
	for _, l := range lists {
		for j, t := range l.targets {
			tp := at(p, l.key, j)
			if m := serviceARNRE.FindStringSubmatch(t.ARN); m == nil || m[1] != l.service {
				v.errf(at(tp, "arn"), "%q is not an %s ARN", t.ARN, l.service)
			}
			if len(t.Events) == 0 {
				v.errf(tp, "a notification needs at least one event")
			}
			for k, e := range t.Events {
				if !strings.HasPrefix(e, "s3:") {
					v.errf(at(tp, "events", k), "event %q does not start with s3:", e)
				}
			}
		}
	}
}

// otherServices checks the shapes of ids and names of the services whose
// handlers live in other files.
func (v *validator) otherServices(p []any, a *Account) {
	type regional struct{ region, name string }
	checkRegion := func(p []any, r string) {
		if r != "" && !validRegion(r) {
			v.errf(at(p, "region"), "%q is not a region name", r)
		}
	}
	fns := map[regional]bool{}
	for j, f := range a.Lambda.Functions {
		fp := at(p, "lambda", "functions", j)
		if f == nil {
			v.errf(fp, "empty function")
			continue
		}
		checkRegion(fp, f.Region)
		if !functionRE.MatchString(f.Name) {
			v.errf(at(fp, "name"), "%q is not a valid function name", f.Name)
		}
		k := regional{orDefault(f.Region, a.homeRegion()), f.Name}
		if fns[k] {
			v.errf(at(fp, "name"), "function %s appears twice in %s", f.Name, k.region)
		}
		fns[k] = true
		if f.Role != "" && !roleARNRE.MatchString(f.Role) {
			v.errf(at(fp, "role"), "%q is not an IAM role ARN", f.Role)
		}
		if u := f.URL; u != nil {
			if !slices.Contains([]string{"NONE", "AWS_IAM"}, u.AuthType) {
				v.errf(at(fp, "url", "auth_type"), "auth_type %q is not NONE or AWS_IAM", u.AuthType)
			}
			if u.InvokeMode != "" && u.InvokeMode != "BUFFERED" && u.InvokeMode != "RESPONSE_STREAM" {
				v.errf(at(fp, "url", "invoke_mode"), "invoke_mode %q is not BUFFERED or RESPONSE_STREAM", u.InvokeMode)
			}
		}
	}
	for j, m := range a.Lambda.EventSourceMappings {
		mp := at(p, "lambda", "event_source_mappings", j)
		if m == nil {
			v.errf(mp, "empty event source mapping")
			continue
		}
		checkRegion(mp, m.Region)
		if !fns[regional{orDefault(m.Region, a.homeRegion()), m.Function}] {
			v.errf(at(mp, "function"), "function %s is not in the fixture in that region", m.Function)
		}
	}
	queues := map[regional]bool{}
	for j, q := range a.SQS.Queues {
		qp := at(p, "sqs", "queues", j)
		if q == nil {
			v.errf(qp, "empty queue")
			continue
		}
		checkRegion(qp, q.Region)
		k := regional{orDefault(q.Region, a.homeRegion()), q.Name}
		if !queueNameRE.MatchString(q.Name) {
			v.errf(at(qp, "name"), "%q is not a valid queue name", q.Name)
		} else if queues[k] {
			v.errf(at(qp, "name"), "queue %s appears twice in %s", q.Name, k.region)
		}
		queues[k] = true
	}
	apis := map[string]bool{}
	for j, r := range a.APIGateway.RestAPIs {
		rp := at(p, "apigateway", "rest_apis", j)
		if r == nil {
			v.errf(rp, "empty rest api")
			continue
		}
		checkRegion(rp, r.Region)
		if !apiIDRE.MatchString(r.ID) {
			v.errf(at(rp, "id"), "rest api id %q is not 10 lower-case letters and digits", r.ID)
		} else if apis[r.ID] {
			v.errf(at(rp, "id"), "api id %s appears twice", r.ID)
		}
		apis[r.ID] = true
		for k, t := range r.EndpointTypes {
			if !slices.Contains([]string{"EDGE", "REGIONAL", "PRIVATE"}, t) {
				v.errf(at(rp, "endpoint_types", k), "endpoint type %q is not EDGE, REGIONAL or PRIVATE", t)
			}
		}
	}
	for j, d := range a.APIGateway.DomainNames {
		if d == nil {
			v.errf(at(p, "apigateway", "domain_names", j), "empty domain name")
			continue
		}
		checkRegion(at(p, "apigateway", "domain_names", j), d.Region)
	}
	for j, h := range a.APIGatewayV2.APIs {
		hp := at(p, "apigatewayv2", "apis", j)
		if h == nil {
			v.errf(hp, "empty api")
			continue
		}
		checkRegion(hp, h.Region)
		if !apiIDRE.MatchString(h.ID) {
			v.errf(at(hp, "id"), "api id %q is not 10 lower-case letters and digits", h.ID)
		} else if apis[h.ID] {
			v.errf(at(hp, "id"), "api id %s appears twice", h.ID)
		}
		apis[h.ID] = true
		if h.ProtocolType != "HTTP" && h.ProtocolType != "WEBSOCKET" {
			v.errf(at(hp, "protocol_type"), "protocol_type %q is not HTTP or WEBSOCKET", h.ProtocolType)
		}
	}
	v.iam(at(p, "iam"), a)
}

func (v *validator) iam(p []any, a *Account) {
	check := func(p []any, kind, name, id string, seen map[string]bool) {
		if name == "" {
			v.errf(at(p, "name"), "a %s needs a name", kind)
		} else if seen[name] {
			v.errf(at(p, "name"), "%s %s appears twice", kind, name)
		}
		seen[name] = true
		if id != "" && !iamEntityIDRE.MatchString(id) {
			v.errf(at(p, "id"), "%q is not an IAM unique id", id)
		}
	}
	roles, users, groups, policies := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for j, r := range a.IAM.Roles {
		if r == nil {
			v.errf(at(p, "roles", j), "empty role")
			continue
		}
		check(at(p, "roles", j), "role", r.Name, r.ID, roles)
	}
	for j, g := range a.IAM.Groups {
		if g == nil {
			v.errf(at(p, "groups", j), "empty group")
			continue
		}
		check(at(p, "groups", j), "group", g.Name, g.ID, groups)
	}
	for j, u := range a.IAM.Users {
		if u == nil {
			v.errf(at(p, "users", j), "empty user")
			continue
		}
		check(at(p, "users", j), "user", u.Name, u.ID, users)
		for k, g := range u.Groups {
			if !groups[g] {
				v.errf(at(p, "users", j, "groups", k), "group %s is not in the fixture", g)
			}
		}
	}
	for j, mp := range a.IAM.Policies {
		if mp == nil {
			v.errf(at(p, "policies", j), "empty policy")
			continue
		}
		check(at(p, "policies", j), "policy", mp.Name, "", policies)
	}
}

func (v *validator) faults(fs []Fault) {
	for i, f := range fs {
		p := at(nil, "faults", i)
		if !slices.Contains(knownServices, f.Service) {
			v.errf(at(p, "service"), "service %q is not one of %s", f.Service, strings.Join(knownServices, ", "))
		}
		switch {
		case f.Error == "" && f.Kind == "":
			v.errf(p, "a fault needs an error or a kind")
		case f.Error != "" && f.Kind != "":
			v.errf(p, "a fault has an error or a kind, not both")
		case f.Kind != "" && !slices.Contains(FaultKinds, f.Kind):
			v.errf(at(p, "kind"), "kind %q is not one of %s", f.Kind, strings.Join(FaultKinds, ", "))
		}
		if f.Count < 0 {
			v.errf(at(p, "count"), "count %d is negative", f.Count)
		}
		if f.Status != 0 && (f.Status < 300 || f.Status > 599) {
			v.errf(at(p, "status"), "status %d is not an HTTP error status", f.Status)
		}
		if f.Account != "" && !accountIDRE.MatchString(f.Account) {
			v.errf(at(p, "account"), "account %q is not 12 digits", f.Account)
		}
	}
}

func (v *validator) throttle(t Throttle) {
	check := func(p []any, r Rate) {
		if r.Rate < 0 || r.Burst < 0 {
			v.errf(p, "rate and burst must not be negative")
		}
	}
	check(at(nil, "throttle", "default"), t.Default)
	for k, r := range t.APIs {
		p := at(nil, "throttle", "apis", k)
		svc, api, ok := strings.Cut(k, ":")
		if !ok || api == "" || !slices.Contains(knownServices, svc) {
			v.errf(p, "%q is not service:Api with a known service", k)
		}
		check(p, r)
	}
	v.throttleGroups(t)
}

// errf records an error at path, with the line of the deepest part of the
// path found in the YAML.
func (v *validator) errf(path []any, format string, args ...any) {
	loc := v.name
	if line := v.line(path); line > 0 {
		loc = fmt.Sprintf("%s:%d", v.name, line)
	}
	msg := fmt.Sprintf(format, args...)
	if len(path) > 0 {
		msg = pathString(path) + ": " + msg
	}
	v.errs = append(v.errs, loc+": "+msg)
}

func (v *validator) line(path []any) int {
	if v.root == nil {
		return 0
	}
	n := v.root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		var next *yaml.Node
		switch p := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == p {
						next = n.Content[i+1]
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && p < len(n.Content) {
				next = n.Content[p]
			}
		}
		if next == nil {
			break
		}
		n, line = next, next.Line
	}
	return line
}

// at returns path extended by elems, without aliasing path.
func at(path []any, elems ...any) []any {
	return append(slices.Clip(path), elems...)
}

func pathString(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch p := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", p)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, p)
		}
	}
	return b.String()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

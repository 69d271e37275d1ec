package fakeaws

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
)

// WAFv2 is an account's AWS WAF (v2) state: web ACLs, regional or
// CLOUDFRONT-scoped. CLOUDFRONT-scoped ones live in us-east-1, the only
// Region AWS serves Scope=CLOUDFRONT from.
type WAFv2 struct {
	WebACLs []*WebACL `yaml:"web_acls"`
}

// WebACL is one web ACL (a "protection pack" in the new console).
type WebACL struct {
	Name        string `yaml:"name"`
	ID          string `yaml:"id"`     // default a UUID derived from account, scope, region and name
	Scope       string `yaml:"scope"`  // REGIONAL (default) | CLOUDFRONT
	Region      string `yaml:"region"` // REGIONAL only; default the account's first region
	Description string `yaml:"description"`
	// DefaultAction is what the web ACL does with a request no rule
	// matched: Allow (default) or Block.
	DefaultAction string     `yaml:"default_action"`
	Rules         []*WAFRule `yaml:"rules"`
	// Resources are the ARNs of the regional resources the web ACL is
	// associated with (ALB, API Gateway stage, AppSync, Cognito user pool,
	// App Runner, Verified Access, Amplify). CloudFront distributions name
	// their web ACL themselves (cloudfront.distributions[].web_acl).
	Resources                []string `yaml:"resources"`
	Capacity                 int64    `yaml:"capacity"` // WCUs; default 1 per rule
	ManagedByFirewallManager bool     `yaml:"managed_by_firewall_manager"`
}

// WAFRule is a rule of a web ACL. Statement is a WAFv2 Statement object,
// served as given, e.g. {ManagedRuleGroupStatement: {VendorName: AWS, Name:
// AWSManagedRulesCommonRuleSet}} or {RateBasedStatement: {Limit: 2000,
// AggregateKeyType: IP}}. Rule-group statements take an override_action,
// every other statement an action, as AWS requires.
type WAFRule struct {
	Name           string    `yaml:"name"`
	Priority       int       `yaml:"priority"`
	Statement      *Document `yaml:"statement"`
	Action         string    `yaml:"action"`          // Allow | Block | Count | Captcha | Challenge
	OverrideAction string    `yaml:"override_action"` // None | Count
}

// webACLScope is the web ACL's scope with its default.
func (w *WebACL) scope() string { return orDefault(w.Scope, "REGIONAL") }

// region is where the web ACL is served: us-east-1 for CLOUDFRONT scope.
func (w *WebACL) region(a *Account) string {
	if w.scope() == "CLOUDFRONT" {
		return "us-east-1"
	}
	return orDefault(w.Region, a.homeRegion())
}

func (w *WebACL) id(a *Account) string {
	if w.ID != "" {
		return w.ID
	}
	return wafUUID("webacl:" + a.ID + ":" + w.scope() + ":" + w.region(a) + ":" + w.Name)
}

// wafUUID derives a UUID-shaped id from seed.
func wafUUID(seed string) string {
	sum := sha256.Sum256([]byte("wafv2:" + seed))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// webACLARN is the web ACL's ARN: .../global/webacl/NAME/ID for CLOUDFRONT
// scope, .../regional/webacl/NAME/ID otherwise.
func webACLARN(a *Account, w *WebACL) string {
	kind := "regional"
	if w.scope() == "CLOUDFRONT" {
		kind = "global"
	}
	return "arn:aws:wafv2:" + w.region(a) + ":" + a.ID + ":" + kind + "/webacl/" + w.Name + "/" + w.id(a)
}

// findWebACL returns the account's first web ACL of scope in region that
// match accepts.
func findWebACL(a *Account, scope, region string, match func(*WebACL) bool) *WebACL {
	for _, w := range a.WAFv2.WebACLs {
		if w != nil && w.scope() == scope && w.region(a) == region && match(w) {
			return w
		}
	}
	return nil
}

// wafResourceTypes maps the ARN shapes GetWebACLForResource documents to
// ListResourcesForWebACL's ResourceType.
type wafResourceType struct {
	re  *regexp.Regexp
	typ string
}

var wafResourceTypes = []wafResourceType{
	{regexp.MustCompile(`^arn:aws:elasticloadbalancing:([a-z0-9-]+):([0-9]{12}):loadbalancer/app/[^/]+/[^/]+$`), "APPLICATION_LOAD_BALANCER"},
	{regexp.MustCompile(`^arn:aws:apigateway:([a-z0-9-]+):():/restapis/([^/]+)/stages/([^/]+)$`), "API_GATEWAY"},
	{regexp.MustCompile(`^arn:aws:appsync:([a-z0-9-]+):([0-9]{12}):apis/[^/]+$`), "APPSYNC"},
	{regexp.MustCompile(`^arn:aws:cognito-idp:([a-z0-9-]+):([0-9]{12}):userpool/[^/]+$`), "COGNITO_USER_POOL"},
	{regexp.MustCompile(`^arn:aws:apprunner:([a-z0-9-]+):([0-9]{12}):service/[^/]+/[^/]+$`), "APP_RUNNER_SERVICE"},
	{regexp.MustCompile(`^arn:aws:ec2:([a-z0-9-]+):([0-9]{12}):verified-access-instance/[^/]+$`), "VERIFIED_ACCESS_INSTANCE"},
	{regexp.MustCompile(`^arn:aws:amplify:([a-z0-9-]+):([0-9]{12}):apps/[^/]+$`), "AMPLIFY"},
}

// wafResource parses a resource ARN a web ACL can protect: its type,
// region and account ("" for API Gateway, whose ARNs carry none).
func wafResource(arn string) (typ, region, account string, m []string) {
	for _, t := range wafResourceTypes {
		if m := t.re.FindStringSubmatch(arn); m != nil {
			return t.typ, m[1], m[2], m
		}
	}
	return "", "", "", nil
}

var (
	wafNameRE         = regexp.MustCompile(`^[\w-]{1,128}$`)
	wafRuleGroupStmts = []string{"ManagedRuleGroupStatement", "RuleGroupReferenceStatement"}
)

// wafv2 checks the account's web ACLs: names unique per scope and region,
// rules well formed, and each associated resource a well-formed ARN of the
// account and region, associated with one web ACL only; an API Gateway
// stage must be in the fixture.
func (v *validator) wafv2(p []any, a *Account) {
	p = at(p, "wafv2", "web_acls")
	type key struct{ scope, region, name string }
	seen := map[key]bool{}
	owner := map[string]string{}
	for i, w := range a.WAFv2.WebACLs {
		wp := at(p, i)
		if w == nil {
			v.errf(wp, "empty web ACL")
			continue
		}
		if !wafNameRE.MatchString(w.Name) {
			v.errf(at(wp, "name"), "%q is not a valid web ACL name (1-128 letters, digits, _ and -)", w.Name)
		}
		v.oneOf(at(wp, "scope"), "scope", w.Scope, "REGIONAL", "CLOUDFRONT")
		if w.scope() == "CLOUDFRONT" && w.Region != "" && w.Region != "us-east-1" {
			v.errf(at(wp, "region"), "CLOUDFRONT-scoped web ACLs live in us-east-1")
		}
		if w.Region != "" && !validRegion(w.Region) {
			v.errf(at(wp, "region"), "%q is not a region name", w.Region)
		}
		k := key{w.scope(), w.region(a), w.Name}
		if seen[k] {
			v.errf(at(wp, "name"), "web ACL %s appears twice in scope %s, %s", w.Name, k.scope, k.region)
		}
		seen[k] = true
		v.oneOf(at(wp, "default_action"), "default_action", w.DefaultAction, "Allow", "Block")
		priorities := map[int]bool{}
		names := map[string]bool{}
		for j, r := range w.Rules {
			rp := at(wp, "rules", j)
			if r == nil {
				v.errf(rp, "empty rule")
				continue
			}
			if r.Name == "" || names[r.Name] {
				v.errf(at(rp, "name"), "a rule needs a name unique in its web ACL")
			}
			names[r.Name] = true
			if priorities[r.Priority] {
				v.errf(at(rp, "priority"), "priority %d is used by another rule", r.Priority)
			}
			priorities[r.Priority] = true
			kind := wafStatementKind(r.Statement)
			switch {
			case kind == "":
				v.errf(at(rp, "statement"), "a statement is an object with one key naming its type (ByteMatchStatement, ManagedRuleGroupStatement, ...)")
			case slices.Contains(wafRuleGroupStmts, kind):
				if r.Action != "" || r.OverrideAction == "" {
					v.errf(rp, "a %s takes an override_action (None or Count), not an action", kind)
				}
			default:
				if r.OverrideAction != "" || r.Action == "" {
					v.errf(rp, "a %s takes an action (Allow, Block, Count, Captcha or Challenge), not an override_action", kind)
				}
			}
			v.oneOf(at(rp, "action"), "action", r.Action, "Allow", "Block", "Count", "Captcha", "Challenge")
			v.oneOf(at(rp, "override_action"), "override_action", r.OverrideAction, "None", "Count")
		}
		if w.scope() == "CLOUDFRONT" && len(w.Resources) > 0 {
			v.errf(at(wp, "resources"), "CLOUDFRONT-scoped web ACLs are associated by the distribution (cloudfront.distributions[].web_acl), not here")
		}
		for j, r := range w.Resources {
			rp := at(wp, "resources", j)
			typ, region, account, m := wafResource(r)
			switch {
			case typ == "":
				v.errf(rp, "%q is not the ARN of a resource a regional web ACL can protect", r)
				continue
			case region != w.region(a):
				v.errf(rp, "%s is in %s; the web ACL is in %s", r, region, w.region(a))
			case account != "" && account != a.ID:
				v.errf(rp, "%s belongs to account %s; a web ACL protects its own account's resources", r, account)
			}
			if other, dup := owner[r]; dup {
				v.errf(rp, "%s is already associated with web ACL %s (a resource has one web ACL)", r, other)
			}
			owner[r] = w.Name
			if typ == "API_GATEWAY" {
				v.wafStage(rp, a, w, r, m[3], m[4], region)
			}
		}
	}
}

// wafStage checks that an associated API Gateway stage exists and that its
// own web_acl_arn (GetStages webAclArn) does not name another web ACL.
func (v *validator) wafStage(rp []any, a *Account, w *WebACL, arn, apiID, stage, region string) {
	for _, api := range a.APIGateway.RestAPIs {
		if api == nil || api.ID != apiID || orDefault(api.Region, a.homeRegion()) != region {
			continue
		}
		for _, s := range api.Stages {
			if s != nil && s.Name == stage {
				if s.WebACLARN != "" && s.WebACLARN != webACLARN(a, w) {
					v.errf(rp, "stage %s of API %s names web ACL %s in its web_acl_arn, not %s", stage, apiID, s.WebACLARN, webACLARN(a, w))
				}
				return
			}
		}
	}
	v.errf(rp, "%s is not a stage of a REST API in the fixture", arn)
}

// wafStatementKind is the one key of a statement object ("" when the
// document is not such an object).
func wafStatementKind(d *Document) string {
	if d == nil {
		return ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(d.JSON), &m) != nil || len(m) != 1 {
		return ""
	}
	for k := range m {
		if strings.HasSuffix(k, "Statement") {
			return k
		}
	}
	return ""
}

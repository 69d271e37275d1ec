package graph

// WebACL is an AWS WAF (v2) web ACL: what it does with a request no rule
// decides (DefaultAction) and its rules, named for people (a managed rule
// group as VENDOR/NAME). Its associations are filters edges from the web
// ACL to the resources it inspects.
type WebACL struct {
	Name          string `json:"name"`
	ID            string `json:"id,omitempty"`
	Scope         string `json:"scope"`          // REGIONAL or CLOUDFRONT
	DefaultAction string `json:"default_action"` // Allow or Block; "" when GetWebACL failed
	// Rules lists "name (action)" per rule; RulesKnown is Unknown when
	// GetWebACL failed.
	Rules      []string `json:"rules,omitempty"`
	RulesKnown Tri      `json:"rules_known"`
	// AssociationsKnown is Unknown when the resources a regional web ACL is
	// associated with could not be listed (ListResourcesForWebACL).
	AssociationsKnown Tri `json:"associations_known"`
}

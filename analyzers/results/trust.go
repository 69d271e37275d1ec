package results

import (
	"path"
	"time"
)

// Trust is what the user already knows and accepts: the trust config
// (trustmap.yaml) and an existing model. Analyzers use it to say which
// trust-boundary crossings are recognized.
type Trust struct {
	// KnownAccounts maps an account id to a name ("vendor: Datadog").
	KnownAccounts map[string]string
	// OrgIDs are organizations whose members are trusted.
	OrgIDs []string
	// ExpectedPublic maps a resource ARN (or a glob) to the reason it is public.
	ExpectedPublic map[string]string
	// Baseline holds the ids of entry points an existing model already has.
	Baseline map[string]bool
	// BaselineName names the baseline, for "recognized_by".
	BaselineName string
	// Suppressions silence findings until they expire.
	Suppressions []Suppression
	// Now is the time suppressions are judged at: the scan time, so an
	// analysis is a pure function of its inputs.
	Now time.Time
	// CrownJewels are the resources whose loss matters most (business.go).
	CrownJewels []Marking
	// Classification marks resources with the level of their data.
	Classification []Marking
	// ClassificationTag is the resource tag read for a level; "" means
	// DefaultClassificationTag.
	ClassificationTag string
}

// Suppression silences the findings of a rule on matching resources until
// it expires.
type Suppression struct {
	Rule     string
	Resource string
	Owner    string
	Reason   string
	Expires  time.Time
	Line     int
}

// Matches reports whether s covers a finding of rule on resource.
func (s Suppression) Matches(rule, resource string) bool {
	if s.Rule != "" && s.Rule != "*" && s.Rule != rule {
		return false
	}
	if s.Resource == "" {
		return true
	}
	ok, _ := path.Match(s.Resource, resource)
	return ok || s.Resource == resource
}

// Known says whether the baseline models an entry point (by id) or a
// resource (by ARN).
func (t *Trust) Known(id, arn string) bool {
	// Empty keys never match: Known("", arn) asks about the ARN alone.
	return t != nil && ((id != "" && t.Baseline[id]) || (arn != "" && t.Baseline[arn]))
}

// SuppressedBy says which suppression silenced a finding.
type SuppressedBy struct {
	Owner   string `json:"owner"`
	Reason  string `json:"reason,omitempty"`
	Expires string `json:"expires"`
}

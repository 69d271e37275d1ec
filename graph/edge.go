package graph

// EdgeKind names a relation between two nodes.
type EdgeKind string

// Access edges (from a principal to a resource) come from graph.Resolve;
// structural edges (between resources) come from collectors.
const (
	EdgeCanInvoke      EdgeKind = "can-invoke"
	EdgeCanRead        EdgeKind = "can-read"
	EdgeCanWrite       EdgeKind = "can-write"
	EdgeCanSend        EdgeKind = "can-send"
	EdgeCanReceive     EdgeKind = "can-receive"
	EdgeCanAssume      EdgeKind = "can-assume"
	EdgeCanAdminister  EdgeKind = "can-administer"
	EdgeCanAccess      EdgeKind = "can-access" // actions that fit no narrower kind
	EdgeTriggers       EdgeKind = "triggers"
	EdgeIntegratesWith EdgeKind = "integrates-with"
	EdgeExecutesAs     EdgeKind = "executes-as"
	EdgeAuthorizedBy   EdgeKind = "authorized-by"
	EdgeContains       EdgeKind = "contains"
	EdgeRoutesTo       EdgeKind = "routes-to"
	EdgeDeadLetters    EdgeKind = "dead-letters-to"
	EdgeHasKey         EdgeKind = "has-key"
	EdgeMemberOf       EdgeKind = "member-of"
)

// IsAccess reports whether the edge grants a principal access to a resource.
func (k EdgeKind) IsAccess() bool {
	switch k {
	case EdgeCanInvoke, EdgeCanRead, EdgeCanWrite, EdgeCanSend, EdgeCanReceive,
		EdgeCanAssume, EdgeCanAdminister, EdgeCanAccess:
		return true
	}
	return false
}

// Edge is a directed relation. Evidence says where it came from.
type Edge struct {
	From       string   `json:"from"`
	To         string   `json:"to"`
	Kind       EdgeKind `json:"kind"`
	Actions    []string `json:"actions,omitempty"`
	Conditions []string `json:"conditions,omitempty"` // conditions that still constrain the edge
	Exposure   string   `json:"exposure,omitempty"`   // public, cross-account, internal (access edges)
	Via        string   `json:"via,omitempty"`        // bucket-policy, bucket-acl, lambda-permission, function-url, ...
	Principal  string   `json:"principal,omitempty"`  // the principal as the policy names it ("*", account id, ARN, ...)
	Certainty  Tri      `json:"certainty"`            // Unknown when the edge rests on a fact the scan could not read
	Evidence   Evidence `json:"evidence"`
}

// Evidence names what an edge or finding rests on.
type Evidence struct {
	Source     string   `json:"source,omitempty"`     // API and field, e.g. "s3:GetBucketPolicy"
	Statements []int    `json:"statements,omitempty"` // 0-based statement indexes
	Sids       []string `json:"sids,omitempty"`
	Detail     string   `json:"detail,omitempty"`
	PinnedBy   []string `json:"pinned_by,omitempty"`
}

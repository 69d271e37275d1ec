package graph

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// EdgeKind names a relation between two nodes.
type EdgeKind uint16

// Access edges (from a principal to a resource) come from graph.Resolve;
// structural edges (between resources) come from collectors.
var (
	EdgeCanInvoke     = edgeKind("can-invoke")
	EdgeCanRead       = edgeKind("can-read")
	EdgeCanWrite      = edgeKind("can-write")
	EdgeCanSend       = edgeKind("can-send")
	EdgeCanReceive    = edgeKind("can-receive")
	EdgeCanAssume     = edgeKind("can-assume")
	EdgeCanAdminister = edgeKind("can-administer")
	EdgeCanAccess     = edgeKind("can-access") // actions that fit no narrower kind
	// EdgeCanConnect is network reachability: a principal (the internet, an
	// account, a prefix list) can open connections to the ports Actions
	// names ("tcp/443"), as security groups, NACLs and routes allow.
	EdgeCanConnect     = edgeKind("can-connect")
	EdgeTriggers       = edgeKind("triggers")
	EdgeIntegratesWith = edgeKind("integrates-with")
	EdgeExecutesAs     = edgeKind("executes-as")
	EdgeAuthorizedBy   = edgeKind("authorized-by")
	EdgeContains       = edgeKind("contains")
	EdgeRoutesTo       = edgeKind("routes-to")
	EdgeDeadLetters    = edgeKind("dead-letters-to")
	EdgeHasKey         = edgeKind("has-key")
	EdgeMemberOf       = edgeKind("member-of")
	// EdgeProtects goes from a KMS key to what it encrypts: reading the data
	// also takes kms:Decrypt on the key.
	EdgeProtects = edgeKind("protects")
	// EdgeProvidesCode goes from where code comes from (an ECR repository, a
	// Lambda layer) to what runs it: whoever can push there runs code there.
	EdgeProvidesCode = edgeKind("provides-code")
	// EdgeFilters goes from a WAF web ACL to the resource whose requests it
	// inspects (a distribution, a load balancer, an API stage). It is no way
	// in or further: resolvers read it as a condition on the resource's entry.
	EdgeFilters = edgeKind("filters")
)

// IsAccess reports whether the edge grants a principal access to a resource.
func (k EdgeKind) IsAccess() bool {
	switch k {
	case EdgeCanInvoke, EdgeCanRead, EdgeCanWrite, EdgeCanSend, EdgeCanReceive,
		EdgeCanAssume, EdgeCanAdminister, EdgeCanAccess, EdgeCanConnect:
		return true
	}
	return false
}

// Strong reports whether the access changes what the resource holds or
// does: writing, administering, or taking on a role.
func (k EdgeKind) Strong() bool {
	return k == EdgeCanWrite || k == EdgeCanAdminister || k == EdgeCanAssume
}

// Edge is a directed relation. Its identity is its Key: From, To, Kind and
// Via. Everything that yields the same key is one edge, and Merge keeps all
// of its evidence (see Merge for what combines how).
type Edge struct {
	From string
	To   string
	// Kind, Via and Exposure are two-byte codes (names.go,
	// policy.Verdict), with Certainty beside them: an edge is 112 bytes,
	// held hundreds of thousands of times.
	Kind EdgeKind
	Via  Via
	// Certainty is Unknown when the edge rests on a fact the scan could not
	// read, False when a fact says it is inert (a disabled event source).
	Certainty Tri
	// Exposure is the policy engine's verdict for access edges (none on
	// structural edges).
	Exposure policy.Verdict
	// Actions are the actions the edge stands for, sorted.
	Actions []string
	// Principal is the principal as the policy engine names it ("*", an
	// account id, an org id, a service or a principal ARN).
	Principal string
	// Evidence lists every piece the edge rests on: each granting
	// statement set, ACL grant or setting, as the stage that knew it said.
	Evidence []Evidence
	// Gate is what a caller must get past to use the edge, nil when
	// nothing: read it through Conditions, Guards and Authorizer, and set
	// it with NewGate or the setters. In JSON its members are the edge's
	// own (edgeJSON).
	Gate *Gate
}

// Gate is what stands in a caller's way on an edge. Out of line because
// it is rare: a large account's edges are hundreds of thousands, and one
// in a hundred has any of it. Copies of an edge share their Gate, so a
// Gate is never changed once an edge holds it: the setters replace it.
type Gate struct {
	// Conditions still constrain the edge: those of its least restricted
	// piece of evidence (the grant with the fewest conditions), since any
	// one grant is enough to get in. Each piece keeps its own.
	Conditions []string
	// Guards are what the least restricted grant demands of a caller (the
	// policy engine's classification of Conditions).
	Guards []policy.Guard
	// Authorizer is set when callers must present a token that an
	// authorizer accepts (an API Gateway Cognito/JWT/Lambda authorizer, an
	// ALB authenticate action): what kind and which. "" means none.
	Authorizer string
}

// NewGate returns the gate of those conditions, guards and authorizer:
// nil when all three are empty.
func NewGate(conditions []string, guards []policy.Guard, authorizer string) *Gate {
	if len(conditions) == 0 && len(guards) == 0 && authorizer == "" {
		return nil
	}
	return &Gate{Conditions: conditions, Guards: guards, Authorizer: authorizer}
}

// Conditions are the edge's conditions (Gate.Conditions).
func (e *Edge) Conditions() []string {
	if e.Gate == nil {
		return nil
	}
	return e.Gate.Conditions
}

// Guards are what the edge's least restricted grant demands (Gate.Guards).
func (e *Edge) Guards() []policy.Guard {
	if e.Gate == nil {
		return nil
	}
	return e.Gate.Guards
}

// Authorizer is the authorizer whose token callers present, "" when none
// (Gate.Authorizer).
func (e *Edge) Authorizer() string {
	if e.Gate == nil {
		return ""
	}
	return e.Gate.Authorizer
}

// SetConditions replaces the edge's conditions.
func (e *Edge) SetConditions(c []string) { e.Gate = NewGate(c, e.Guards(), e.Authorizer()) }

// SetAuthorizer replaces the edge's authorizer.
func (e *Edge) SetAuthorizer(a string) { e.Gate = NewGate(e.Conditions(), e.Guards(), a) }

// edgeJSON is an edge as JSON spells it: the gate's members are the
// edge's own, in the order they had before the gate was out of line.
type edgeJSON struct {
	From       string         `json:"from"`
	To         string         `json:"to"`
	Kind       EdgeKind       `json:"kind"`
	Via        Via            `json:"via,omitempty"`
	Actions    []string       `json:"actions,omitempty"`
	Conditions []string       `json:"conditions,omitempty"`
	Guards     []policy.Guard `json:"guards,omitempty"`
	Exposure   policy.Verdict `json:"exposure,omitempty"`
	Principal  string         `json:"principal,omitempty"`
	Authorizer string         `json:"authorizer,omitempty"`
	Certainty  Tri            `json:"certainty"`
	Evidence   []Evidence     `json:"evidence"`
}

// MarshalJSON writes the edge as edgeJSON, leaving HTML characters to the
// encoder that called it (as Node.MarshalJSON).
func (e Edge) MarshalJSON() ([]byte, error) {
	return marshalUnescaped(edgeJSON{From: e.From, To: e.To, Kind: e.Kind, Via: e.Via, Actions: e.Actions,
		Conditions: e.Conditions(), Guards: e.Guards(), Exposure: e.Exposure, Principal: e.Principal,
		Authorizer: e.Authorizer(), Certainty: e.Certainty, Evidence: e.Evidence})
}

// Evidence is one thing an edge rests on, typed as the stage that found it
// knew it: the API it came from, the statements of the policy (with the
// policy engine's smallest fix), the conditions of that grant, or the
// setting (Detail) that makes it.
type Evidence struct {
	// Source is the API and field, e.g. "s3:GetBucketPolicy".
	Source string `json:"source,omitempty"`
	// Statements are the policy statements responsible (0-based index, Sid).
	Statements []policy.StatementRef `json:"statements,omitempty"`
	// Actions are what this piece grants, when it is a grant.
	Actions []string `json:"actions,omitempty"`
	// Conditions are this piece's own conditions (who it is pinned to, then
	// the residual ones).
	Conditions []string `json:"conditions,omitempty"`
	// PinnedBy are the conditions that narrowed who (policy.Grant.PinnedBy).
	PinnedBy []string `json:"pinned_by,omitempty"`
	// Guards are what this piece's conditions demand of a caller.
	Guards []policy.Guard `json:"guards,omitempty"`
	// Fix is the smallest change that removes this piece (policy.Grant.Fix),
	// "" when none is known.
	Fix string `json:"fix,omitempty"`
	// Detail is the setting or fact in words, e.g. "AuthType NONE" or
	// "ACL grant Group AllUsers READ".
	Detail string `json:"detail,omitempty"`
}

// EdgeKey is an edge's identity.
type EdgeKey struct {
	From, To string
	Kind     EdgeKind
	Via      Via
}

// Key returns the edge's identity.
func (e *Edge) Key() EdgeKey { return EdgeKey{e.From, e.To, e.Kind, e.Via} }

// CompareKeys is the one order of edges: by From, To, Kind, Via.
func CompareKeys(a, b EdgeKey) int {
	return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To),
		a.Kind.Compare(b.Kind), a.Via.Compare(b.Via))
}

// CompareEdges orders edges by their keys.
func CompareEdges(a, b *Edge) int { return CompareKeys(a.Key(), b.Key()) }

// Merge folds o, an edge with the same key, into e. What combines:
//   - Actions: the union;
//   - Evidence: every piece of both, de-duplicated, in canonical order;
//   - Exposure: the wider (public > cross-account > internal);
//   - Certainty: an edge holds if any of its pieces holds, so True wins,
//     then Unknown, then False;
//   - Conditions and Guards: those of the least restricted side (fewest
//     conditions; on a tie the one that sorts first), since either side
//     alone lets the caller in;
//   - Principal and Authorizer: the first non-empty in sort order (the key
//     fixes From, which fixes the principal; an authorizer applies to all).
func (e *Edge) Merge(o Edge) {
	if e.Key() != o.Key() {
		panic("graph: Merge of edges with different keys")
	}
	e.Actions = sortedUnion(e.Actions, o.Actions)
	conds, guards := e.Conditions(), e.Guards()
	if less := leastRestricted(e, &o); less == &o {
		conds, guards = o.Conditions(), o.Guards()
	}
	e.Gate = NewGate(conds, guards, firstSet(e.Authorizer(), o.Authorizer()))
	if o.Exposure.Rank() > e.Exposure.Rank() {
		e.Exposure = o.Exposure
	}
	e.Certainty = mergeCertainty(e.Certainty, o.Certainty)
	e.Principal = firstSet(e.Principal, o.Principal)
	e.Evidence = mergeEvidence(e.Evidence, o.Evidence)
}

func leastRestricted(a, b *Edge) *Edge {
	if c := cmp.Compare(len(a.Conditions()), len(b.Conditions())); c != 0 {
		if c < 0 {
			return a
		}
		return b
	}
	if slices.Compare(b.Conditions(), a.Conditions()) < 0 {
		return b
	}
	return a
}

func mergeCertainty(a, b Tri) Tri {
	switch {
	case a == True || b == True:
		return True
	case a == Unknown || b == Unknown:
		return Unknown
	}
	return False
}

func firstSet(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return min(a, b)
}

func sortedUnion(a, b []string) []string {
	if len(b) == 0 || holdsAll(a, b, strings.Compare) {
		return a
	}
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// mergeEvidence returns the pieces of a and b, sorted and de-duplicated.
func mergeEvidence(a, b []Evidence) []Evidence {
	if holdsAll(a, b, CompareEvidence) {
		return a
	}
	out := append(slices.Clone(a), b...)
	slices.SortFunc(out, CompareEvidence)
	return slices.CompactFunc(out, func(x, y Evidence) bool { return CompareEvidence(x, y) == 0 })
}

// holdsAll says whether a is sorted without duplicates and holds every
// element of b: their sorted union is then a itself. Merging the edges of
// a large account mostly merges pieces an edge already has (one identity
// policy granting several actions on one resource), and would otherwise
// copy its evidence at every merge.
func holdsAll[T any](a, b []T, cmp func(x, y T) int) bool {
	for i := 1; i < len(a); i++ {
		if cmp(a[i-1], a[i]) >= 0 {
			return false
		}
	}
	for _, x := range b {
		if _, found := slices.BinarySearchFunc(a, x, cmp); !found {
			return false
		}
	}
	return true
}

// CompareEvidence orders pieces of evidence by source, statements, detail,
// fix and the rest, so that merged evidence never depends on input order.
func CompareEvidence(a, b Evidence) int {
	return cmp.Or(cmp.Compare(a.Source, b.Source),
		slices.CompareFunc(a.Statements, b.Statements, func(x, y policy.StatementRef) int {
			return cmp.Or(cmp.Compare(x.Index, y.Index), cmp.Compare(x.Sid, y.Sid))
		}),
		cmp.Compare(a.Detail, b.Detail), cmp.Compare(a.Fix, b.Fix),
		slices.Compare(a.Actions, b.Actions), slices.Compare(a.Conditions, b.Conditions),
		slices.Compare(a.PinnedBy, b.PinnedBy), slices.Compare(a.Guards, b.Guards))
}

// mergeSorted merges runs of edges with equal keys in a sorted slice.
func mergeSorted(es []Edge) []Edge {
	if len(es) < 2 {
		return es
	}
	w := 0
	for i := 0; i < len(es); {
		j := i + 1
		for j < len(es) && es[j].Key() == es[i].Key() {
			j++
		}
		if j-i == 1 {
			es[w] = es[i]
		} else {
			es[w] = mergeRun(es[i:j])
		}
		w++
		i = j
	}
	clear(es[w:])
	return es[:w]
}

// mergeRun is run[0].Merge of each of the other edges in turn, the edges
// having one key, but it copies the action list and the evidence once
// rather than at every merge: a run can be hundreds of edges (every grant
// of a role on one bucket), and merged pairwise it copied the evidence
// gathered so far each time (half a GB allocated to build the graph of
// 113,654 resources). TestMergeRunIsPairwiseMerge holds it to Merge.
func mergeRun(run []Edge) Edge {
	e := run[0]
	least := &run[0]
	authorizer := e.Authorizer()
	keepActions, keepEvidence := true, true
	nActions, nEvidence := len(e.Actions), len(e.Evidence)
	for i := 1; i < len(run); i++ {
		o := &run[i]
		if leastRestricted(least, o) == o {
			least = o
		}
		authorizer = firstSet(authorizer, o.Authorizer())
		if o.Exposure.Rank() > e.Exposure.Rank() {
			e.Exposure = o.Exposure
		}
		e.Certainty = mergeCertainty(e.Certainty, o.Certainty)
		e.Principal = firstSet(e.Principal, o.Principal)
		nActions += len(o.Actions)
		nEvidence += len(o.Evidence)
		keepActions = keepActions && (len(o.Actions) == 0 || holdsAll(e.Actions, o.Actions, strings.Compare))
		keepEvidence = keepEvidence && holdsAll(e.Evidence, o.Evidence, CompareEvidence)
	}
	// As sortedUnion: the first edge's list is kept, sorted or not, when
	// the others add nothing to it (holdsAll asks it to be sorted only
	// when they have actions), and a union of all is made otherwise.
	if !keepActions {
		out := make([]string, 0, nActions)
		for i := range run {
			out = append(out, run[i].Actions...)
		}
		slices.Sort(out)
		e.Actions = fitted(slices.Compact(out))
	}
	if !keepEvidence {
		out := make([]Evidence, 0, nEvidence)
		for i := range run {
			out = append(out, run[i].Evidence...)
		}
		slices.SortFunc(out, CompareEvidence)
		e.Evidence = fitted(slices.CompactFunc(out, func(x, y Evidence) bool { return CompareEvidence(x, y) == 0 }))
	}
	e.Gate = NewGate(least.Conditions(), least.Guards(), authorizer)
	return e
}

// fitted returns s in an array of its length when the one it is in is
// more than twice that: the union of a run of a hundred edges with the
// same two pieces of evidence is two pieces, not a hundred places.
func fitted[T any](s []T) []T {
	if cap(s) > 2*len(s) {
		return slices.Clone(s)
	}
	return s
}

// UnmarshalJSON reads an edge of either snapshot schema: version 2's
// evidence list, or version 1's single evidence object.
func (e *Edge) UnmarshalJSON(b []byte) error {
	var aux struct {
		edgeJSON
		Evidence json.RawMessage `json:"evidence"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	w := aux.edgeJSON
	*e = Edge{From: w.From, To: w.To, Kind: w.Kind, Via: w.Via, Actions: w.Actions, Exposure: w.Exposure,
		Principal: w.Principal, Certainty: w.Certainty, Gate: NewGate(w.Conditions, w.Guards, w.Authorizer)}
	raw := bytes.TrimSpace(aux.Evidence)
	switch {
	case len(raw) == 0 || string(raw) == "null":
	case raw[0] == '{':
		var one Evidence
		if err := json.Unmarshal(raw, &one); err != nil {
			return err
		}
		e.Evidence = []Evidence{one}
	default:
		return json.Unmarshal(raw, &e.Evidence)
	}
	return nil
}

// Details joins the Detail of every piece of evidence, in order, with "; ".
func (e *Edge) Details() string {
	var ds []string
	for _, ev := range e.Evidence {
		if ev.Detail != "" {
			ds = append(ds, ev.Detail)
		}
	}
	return strings.Join(ds, "; ")
}

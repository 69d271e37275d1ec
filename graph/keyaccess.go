package graph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// KeyUse says whether a principal can use the KMS key that protects some
// data: what an attack path that reaches the data can do with what it gets.
type KeyUse struct {
	// Key is the ARN of the key that protects the data.
	Key string `json:"key"`
	// Name is the key's name in the scan (its alias), "" when the key is
	// not in the scan.
	Name string `json:"name,omitempty"`
	// Action is what the access needs of the key: kms:Decrypt to read the
	// data, kms:GenerateDataKey to write it.
	Action string `json:"action"`
	// Access is True when the principal may use the key for Action, False
	// when nothing lets it, Unknown when what would decide could not be read
	// or depends on a condition the scan cannot know.
	Access Tri `json:"access"`
	// Via is the way the principal gets the key (key-policy, kms-grant,
	// identity-policy), "" when it does not.
	Via Via `json:"via,omitempty"`
	// Evidence says why, in words.
	Evidence string `json:"evidence,omitempty"`
}

// ProtectingKey returns the key that protects a data store ("" when none
// does, as far as the scan knows).
func (g *Graph) ProtectingKey(data string) string {
	for _, e := range g.In(data) {
		if e.Kind == EdgeProtects {
			return e.From
		}
	}
	return ""
}

// KeyAccess says whether principal can use, for action, the key that
// protects data; ok is false when no key protects it. It reads the access
// edges into the key that Resolve drew from the key policy, the key's
// grants and the identity policies the key policy delegates to:
//
//   - an edge from the principal itself;
//   - for a principal of a scanned account, an edge from its account (the
//     key policy lets every principal of the account in, as AWS managed
//     keys' policies do through the service);
//   - for a principal outside the scan, an edge from any principal of the
//     same zone (whoever controls the partner account controls its roles);
//   - an edge from any AWS account (a key policy open to "*").
//
// An anonymous caller (the internet zone) can never use a key: KMS takes
// only signed requests, and S3, for one, refuses anonymous reads of
// SSE-KMS objects. Conditions of kms:ViaService and kms:CallerAccount hold
// for a request that reaches the data through its own service; other
// conditions make the answer Unknown.
func (g *Graph) KeyAccess(principal, data, action string) (KeyUse, bool) {
	key := g.ProtectingKey(data)
	if key == "" {
		return KeyUse{}, false
	}
	u := KeyUse{Key: key, Action: action}
	kn, ok := g.Node(key)
	if !ok || kn.Key() == nil {
		u.Evidence = "the key is not in the scan (another account's key, or one that could not be listed)"
		return u, true
	}
	u.Name = kn.Name
	if kn.Key().Usable() == False {
		u.Access = False
		u.Evidence = "the key is " + kn.Key().State + ": nobody can use it"
		return u, true
	}
	pz := g.Zone(principal)
	if principal == InternetID {
		pz = ZoneInternet
	}
	if pz == ZoneInternet {
		u.Access = False
		u.Evidence = "an anonymous caller cannot use a KMS key (KMS takes only signed requests)"
		return u, true
	}
	var conditional *Edge
	for _, e := range g.In(key) {
		if !e.Kind.IsAccess() || !slices.ContainsFunc(e.Actions, func(a string) bool { return actionCovers(a, action) }) {
			continue
		}
		if !g.actsFor(e.From, principal, pz) {
			continue
		}
		if e.Certainty == True && serviceConditionsOnly(e.Conditions()) {
			u.Access, u.Via = True, e.Via
			u.Evidence = keyEvidence(e, action)
			return u, true
		}
		if conditional == nil {
			conditional = e
		}
	}
	switch {
	case conditional != nil:
		u.Access, u.Via = Unknown, conditional.Via
		u.Evidence = keyEvidence(conditional, action) + ", only under conditions the scan cannot check (" + strings.Join(conditional.Conditions(), "; ") + ")"
	case kn.Key().Policy.State != True:
		u.Evidence = "the key policy could not be read (" + kn.Key().Policy.Source + ")"
	case kn.Key().GrantsKnown != True:
		u.Evidence = "nothing in the key policy allows " + action + ", but the key's grants could not be listed"
	case !pz.Outside() && !g.policiesKnown(principal):
		u.Evidence = "nothing in the key policy or its grants allows " + action + ", and the principal's IAM policies could not be read"
	default:
		u.Access = False
		if pz.Outside() {
			u.Evidence = fmt.Sprintf("neither the key policy nor a grant allows %s to %s", action, principalName(principal))
		} else {
			u.Evidence = fmt.Sprintf("neither the key policy, a grant, nor an IAM policy the key policy delegates to allows %s to %s", action, principalName(principal))
		}
	}
	return u, true
}

// actsFor says whether an access edge from `from` stands for principal
// (see KeyAccess).
func (g *Graph) actsFor(from, principal string, pz Zone) bool {
	switch {
	case from == principal, from == AnyAWSAccountID:
		return true
	}
	fz := g.Zone(from)
	if pz.Outside() {
		return fz == pz
	}
	// A principal of a scanned account: an edge from its account stands for
	// every principal of it.
	if n, ok := g.Node(principal); ok && n.Account != "" {
		return from == AccountID(n.Account)
	}
	return false
}

// policiesKnown says whether a principal's own IAM policies were read.
func (g *Graph) policiesKnown(id string) bool {
	n, ok := g.Node(id)
	switch {
	case !ok:
		return false
	case n.Role() != nil:
		return n.Role().PoliciesKnown == True
	case n.User() != nil:
		return n.User().PoliciesKnown == True
	}
	return true
}

// actionCovers says whether an edge action (possibly a pattern such as
// kms:* or kms:GenerateDataKey*, or a NotAction:... marker) covers action.
func actionCovers(pattern, action string) bool {
	if not, ok := strings.CutPrefix(pattern, "NotAction:"); ok {
		return !policy.ActionMatches(not, action)
	}
	return policy.ActionMatches(pattern, action)
}

// serviceConditionsOnly says whether every condition only demands that a
// request come through an AWS service for a given account: kms:ViaService,
// kms:CallerAccount, aws:PrincipalAccount, aws:SourceAccount.
func serviceConditionsOnly(conds []string) bool {
	for _, c := range conds {
		l := strings.ToLower(c)
		if !strings.Contains(l, "kms:viaservice") && !strings.Contains(l, "kms:calleraccount") &&
			!strings.Contains(l, "aws:principalaccount") && !strings.Contains(l, "aws:sourceaccount") {
			return false
		}
	}
	return true
}

func keyEvidence(e *Edge, action string) string {
	s := fmt.Sprintf("%s allows %s", e.Via, action)
	if len(e.Evidence) > 0 {
		ev := e.Evidence[0]
		if len(ev.Statements) > 0 {
			s += " (" + statementList(ev.Statements[:1]) + ")"
		} else if ev.Detail != "" {
			s += " (" + ev.Detail + ")"
		}
	}
	if e.From != "" {
		s += " to " + principalName(e.From)
	}
	return s
}

func principalName(id string) string {
	switch {
	case id == AnyAWSAccountID:
		return "any AWS account"
	case strings.HasPrefix(id, "account:"):
		return "account " + strings.TrimPrefix(id, "account:")
	}
	return id
}

// Label is how the key is named for people: its alias, else the id.
func (u KeyUse) Label() string {
	if u.Name != "" {
		return u.Name
	}
	if i := strings.LastIndexByte(u.Key, '/'); i >= 0 {
		return u.Key[i+1:]
	}
	return u.Key
}

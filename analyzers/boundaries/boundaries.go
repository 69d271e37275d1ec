package boundaries

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/exposure"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// Analyzer finds trust-boundary crossings.
var Analyzer = &analyzers.Analyzer{
	Name:       "boundaries",
	Doc:        "trust-boundary crossings: every edge between two trust zones, recognized or not",
	URL:        "https://github.com/trustmap/trustmap/blob/main/docs/analyzers.md#boundaries",
	Requires:   []*analyzers.Analyzer{exposure.Analyzer},
	ResultType: reflect.TypeFor[[]results.Crossing](),
	Run:        run,
}

// RuleUnrecognized is reported for each unrecognized crossing into a
// scanned account.
const RuleUnrecognized = "TM-BND-001"

//go:embed vendors.json
var vendorsJSON []byte

var vendors = func() map[string]string {
	var v struct {
		Vendors []struct {
			Name     string   `json:"name"`
			Accounts []string `json:"accounts"`
		} `json:"vendors"`
	}
	if err := json.Unmarshal(vendorsJSON, &v); err != nil {
		panic("boundaries: vendors.json: " + err.Error())
	}
	m := map[string]string{}
	for _, x := range v.Vendors {
		for _, a := range x.Accounts {
			m[a] = x.Name
		}
	}
	return m
}()

// Vendor returns the name of a well-known vendor account, or "".
func Vendor(account string) string { return vendors[account] }

func run(pass *analyzers.Pass) (any, error) {
	g := pass.Graph
	eps := analyzers.ResultFor[[]results.EntryPoint](pass, exposure.Analyzer)
	type epKey struct {
		resource string
		via      graph.Via
	}
	epByKey := map[epKey]results.EntryPoint{}
	for _, ep := range eps {
		epByKey[epKey{ep.ResourceARN, ep.Via}] = ep
	}
	out := []results.Crossing{}
	for i := range g.Edges {
		e := &g.Edges[i]
		fromZ, toZ := g.Zone(e.From), g.Zone(e.To)
		if fromZ == toZ {
			continue
		}
		if e.Kind.IsAccess() && e.Exposure == policy.Internal {
			continue
		}
		c := results.Crossing{
			ID: crossingID(e), From: e.From, To: e.To, FromZone: fromZ, ToZone: toZ,
			Kind: e.Kind, Via: e.Via, Exposure: e.Exposure, Principal: e.Principal, Actions: e.Actions,
			Conditions: e.Conditions(), Guards: e.Guards(), Authorizer: e.Authorizer(), Certain: e.Certainty == graph.True,
			Grants: e.Evidence,
		}
		if len(e.Evidence) > 0 {
			c.Evidence = e.Evidence[0].Source
		}
		if acct := outsideAccount(g, e.From); acct != "" {
			c.Label = Vendor(acct)
		}
		c.Organization = g.OrgInternal(e)
		if ep, ok := epByKey[epKey{e.To, e.Via}]; ok {
			c.EntryPoint = ep.ID
			c.Recognized, c.RecognizedBy = ep.Recognized, ep.RecognizedBy
		} else {
			c.Recognized, c.RecognizedBy = recognizeStructural(pass.Trust, g, e)
		}
		if !c.Recognized && c.Organization != "" && pass.Trust != nil {
			// Between two scanned accounts of one organization: recognized
			// as internal to it, as a grant to the account's own
			// organization is (exposure.recognized).
			c.Recognized, c.RecognizedBy = true, "organization-internal "+c.Organization
		}
		out = append(out, c)
	}
	slices.SortFunc(out, results.CompareCrossings)
	for _, c := range out {
		if c.Recognized || c.ToZone.Outside() {
			continue
		}
		who := c.Principal
		if who == "" {
			who = c.From
		}
		if c.Label != "" {
			who += " (" + c.Label + ")"
		}
		sev := results.SevMedium
		if c.Exposure == policy.Public {
			sev = results.SevHigh
		}
		pass.Report(analyzers.Finding{
			ID: RuleUnrecognized + ":" + c.ID, RuleID: RuleUnrecognized, Title: "Unrecognized trust-boundary crossing",
			Severity: sev, Confidence: analyzers.ConfidenceOf(graph.TriOf(c.Certain)), Resource: c.To, Account: graph.AccountOfARN(c.To),
			Message: fmt.Sprintf("%s (%s) %s %s (%s) via %s, and neither trustmap.yaml nor the baseline covers it",
				who, c.FromZone, c.Kind, c.To, c.ToZone, c.Via),
			Remediation: "if this party is expected, add it to trustmap.yaml (known_accounts, organizations or expected_public); otherwise remove the grant",
			Details:     &analyzers.Details{Crossing: c.ID, FromZone: c.FromZone, ToZone: c.ToZone},
		})
	}
	return out, nil
}

// recognizeStructural judges crossings that are not entry points (e.g. a
// bucket notifying a queue in another account).
func recognizeStructural(t *results.Trust, g *graph.Graph, e *graph.Edge) (bool, string) {
	if t == nil {
		return false, ""
	}
	for _, id := range []string{e.From, e.To} {
		if acct := outsideAccount(g, id); acct != "" {
			if name := t.KnownAccounts[acct]; name != "" {
				return true, "known: " + name
			}
		}
	}
	if t.Known("", e.To) && t.Known("", e.From) {
		return true, "baseline " + t.BaselineName
	}
	return false, ""
}

// outsideAccount returns the account of a node outside the scan ("" if none).
func outsideAccount(g *graph.Graph, id string) string {
	acct := graph.AccountOfARN(id)
	if n, ok := g.Node(id); ok && n.Account != "" {
		acct = n.Account
	}
	if acct == "" || g.Scanned[acct] {
		return ""
	}
	return acct
}

func crossingID(e *graph.Edge) string {
	sum := sha256.Sum256([]byte(e.From + "|" + e.To + "|" + e.Kind.String() + "|" + e.Via.String()))
	return "BX-" + hex.EncodeToString(sum[:])[:12]
}

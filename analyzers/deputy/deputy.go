// Package deputy defines the deputy analyzer: confused-deputy exposure.
//
//   - TM-DEP-001: a resource policy lets an AWS service principal act on the
//     resource without aws:SourceAccount / aws:SourceArn pinning it to the
//     owner, so the service can be made to act for another account (IAM User
//     Guide, "The confused deputy problem"; Lambda's guide warns that a
//     deleted bucket's name can be re-created by another account).
//   - TM-DEP-002: a role trusts an account outside the organization without
//     requiring sts:ExternalId, so a third party serving many customers can
//     be tricked into using its access for someone else (IAM User Guide,
//     "Access to AWS accounts owned by third parties").
package deputy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/boundaries"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// Rule ids.
const (
	RuleUnpinnedService   = "TM-DEP-001"
	RuleNoExternalID      = "TM-DEP-002"
	sourceAccountFixShape = `add "aws:SourceAccount": "%s" (and "aws:SourceArn" of the expected source) to the statement granting %s`
)

// Analyzer finds confused-deputy exposure.
var Analyzer = &analyzers.Analyzer{
	Name: "deputy",
	Doc:  "confused deputies: unpinned service principals and third-party role trust without sts:ExternalId",
	URL:  "https://github.com/trustmap/trustmap/blob/main/docs/analyzers.md#deputy",
	Run:  run,
}

func run(pass *analyzers.Pass) (any, error) {
	g := pass.Graph
	for i := range g.Edges {
		e := &g.Edges[i]
		if !e.Kind.IsAccess() || e.Exposure != policy.CrossAccount {
			continue
		}
		from, ok := g.Node(e.From)
		if !ok {
			continue
		}
		to, _ := g.Node(e.To)
		acct := graph.AccountOfARN(e.To)
		if to != nil {
			acct = to.Account
		}
		switch {
		case from.Kind == graph.KindServicePrincipal:
			pass.Report(analyzers.Finding{
				ID: RuleUnpinnedService + ":" + e.To + ":" + from.Name, RuleID: RuleUnpinnedService,
				Title:    "AWS service can act on this resource for any account (confused deputy)",
				Severity: results.SevMedium, Confidence: analyzers.ConfidenceOf(e.Certainty), Resource: e.To, Account: acct,
				Message: fmt.Sprintf("%s may %s %s via %s without aws:SourceAccount or aws:SourceArn naming the owner; another account's use of %s could reach it",
					from.Name, strings.Join(e.Actions, ", "), e.To, e.Via, from.Name),
				Remediation: fixes(e, fmt.Sprintf(sourceAccountFixShape, acct, from.Name)),
				Evidence:    []*graph.Edge{e},
			})
		case e.Kind == graph.EdgeCanAssume && (from.Kind == graph.KindExternalAccount || from.Kind == graph.KindPrincipalARN) && !slices.Contains(e.Guards(), policy.GuardExternalID):
			outside := from.Account
			if g.Scanned[outside] || inOrg(g, acct, outside) {
				continue
			}
			sev := results.SevMedium
			label := ""
			if v := boundaries.Vendor(outside); v != "" {
				sev, label = results.SevHigh, " ("+v+")"
			}
			recognized := pass.Trust != nil && pass.Trust.KnownAccounts[outside] != ""
			pass.Report(analyzers.Finding{
				ID: RuleNoExternalID + ":" + e.To + ":" + outside, RuleID: RuleNoExternalID,
				Title:    "Role trusts a third-party account without sts:ExternalId",
				Severity: sev, Confidence: analyzers.ConfidenceOf(e.Certainty), Resource: e.To, Account: acct, Recognized: recognized,
				Message: fmt.Sprintf("account %s%s can assume %s with no sts:ExternalId condition: if it is a service that acts for many customers, another customer can make it act on this account",
					outside, label, e.To),
				Remediation: fmt.Sprintf(`add a condition {"StringEquals": {"sts:ExternalId": "<secret the third party gave you>"}} to the trust statement for %s`, e.Principal),
				Evidence:    []*graph.Edge{e},
			})
		}
	}
	return nil, nil
}

// inOrg says whether outside is a member of the organization of acct, as
// far as the scan could read it.
func inOrg(g *graph.Graph, acct, outside string) bool {
	n, ok := g.Node(graph.AccountID(acct))
	if !ok || n.AccountInfo() == nil {
		return false
	}
	for _, a := range n.AccountInfo().OrgAccountIDs {
		if a == outside {
			return true
		}
	}
	return false
}

// fixes joins the policy engine's fixes for the edge's grants, or gives
// def when the engine had none.
func fixes(e *graph.Edge, def string) string {
	var out []string
	for _, ev := range e.Evidence {
		if ev.Fix != "" && !slices.Contains(out, ev.Fix) {
			out = append(out, ev.Fix)
		}
	}
	if len(out) == 0 {
		return def
	}
	return strings.Join(out, "; ")
}

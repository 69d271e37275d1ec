// Package tokens defines the tokens analyzer: abuse of authentication
// tokens and credentials.
//
//   - TM-TOK-001: roles assumable from outside the account, by whom, and
//     whether MFA, sts:ExternalId or a source condition stands in the way.
//   - TM-TOK-002: internet-facing compute — any node of class compute with
//     an executes-as edge: a Lambda function behind a public URL, API or
//     permission, an EC2 instance behind an open port or a load balancer —
//     whose role credentials, if leaked (SSRF, an environment dump), give
//     what the role can do; raised when what the role reaches is not bound
//     to a network (the grant's aws:SourceVpc, aws:SourceVpce, aws:SourceIp,
//     aws:ViaAWSService, or the data's own Deny outside the VPC:
//     graph.BoundToVPC). Kinds with an instance metadata service add one
//     condition (graph.Node.SSRFCredentials): IMDSv1 hands the credentials
//     to any request forged to 169.254.169.254, IMDSv2 does not.
//   - TM-TOK-003: IAM users with long-lived access keys: active and older
//     than 90 days, or active and never used.
//   - TM-TOK-004: Lambda environment variable names that look like secrets
//     (values are never read into the snapshot; the name is the finding).
//   - TM-TOK-005: EC2 launch templates whose default or latest version
//     launches instances with IMDSv1 (HttpTokens optional, or left to the
//     launch default, which is optional unless the AMI or the account's
//     instance metadata defaults say otherwise).
package tokens

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// Rule ids.
const (
	RuleAssumable     = "TM-TOK-001"
	RuleExposedRole   = "TM-TOK-002"
	RuleLongLivedKey  = "TM-TOK-003"
	RuleSecretEnvName = "TM-TOK-004"
	RuleTemplateIMDS  = "TM-TOK-005"
	MaxKeyAge         = 90 * 24 * time.Hour
)

// Analyzer finds token-abuse exposure.
var Analyzer = &analyzers.Analyzer{
	Name: "tokens",
	Doc:  "token abuse: assumable roles, leakable compute role credentials, long-lived keys, secret-looking env names, launch templates with IMDSv1",
	URL:  "https://github.com/trustmap/trustmap/blob/main/docs/analyzers.md#tokens",
	Run:  run,
}

var secretName = regexp.MustCompile(`(?i)(secret|passw(or)?d|pwd|token|api[_-]?key|private[_-]?key|credential|access[_-]?key|auth)`)

func run(pass *analyzers.Pass) (any, error) {
	g := pass.Graph
	now := g.Snapshot.ScannedAt
	for i := range g.Nodes {
		n := &g.Nodes[i]
		switch n.Kind {
		case graph.KindIAMRole:
			assumable(pass, n)
		case graph.KindLambdaFunction:
			exposedRole(pass, n)
			secretEnv(pass, n)
		case graph.KindAccessKey:
			longLived(pass, n, now)
		case graph.KindLaunchTemplate:
			templateIMDS(pass, n)
		default:
			if n.Kind.Class() == graph.ClassCompute {
				exposedRole(pass, n)
			}
		}
	}
	return nil, nil
}

// guardNames are the guards that stand between an outside caller and a
// role, in words.
var guardNames = map[policy.Guard]string{
	policy.GuardExternalID: "ExternalId",
	policy.GuardMFA:        "MFA",
	policy.GuardSourceIP:   "source network",
	policy.GuardSourceVPC:  "source network",
}

func assumable(pass *analyzers.Pass, n *graph.Node) {
	g := pass.Graph
	for _, e := range g.In(n.ID) {
		if e.Kind != graph.EdgeCanAssume || e.Via != graph.ViaTrustPolicy || e.Exposure == policy.Internal {
			continue
		}
		var guards []string
		for _, gd := range e.Guards() {
			if name, ok := guardNames[gd]; ok {
				guards = append(guards, name)
			}
		}
		var fixes []string
		for _, ev := range e.Evidence {
			for _, c := range ev.PinnedBy {
				guards = append(guards, "pinned by "+c)
			}
			if ev.Fix != "" {
				fixes = append(fixes, ev.Fix)
			}
		}
		sev := results.SevHigh
		switch {
		case e.Exposure == policy.Public:
			sev = results.SevCritical
		case len(guards) > 0:
			sev = results.SevMedium
		}
		who := e.Principal
		guard := "nothing but the trust policy"
		if len(guards) > 0 {
			guard = strings.Join(uniq(guards), ", ")
		}
		remedy := "limit the trust policy to the principals that need it and require sts:ExternalId or MFA"
		if len(fixes) > 0 {
			remedy = strings.Join(uniq(fixes), "; ")
		}
		pass.Report(analyzers.Finding{
			ID: RuleAssumable + ":" + n.ID + ":" + e.Principal, RuleID: RuleAssumable, Title: "Role assumable from outside the account",
			Severity: sev, Confidence: analyzers.ConfidenceOf(e.Certainty), Resource: n.ID, Account: n.Account,
			Message:     fmt.Sprintf("%s (%s) can assume %s; standing in the way: %s", who, g.Zone(e.From), n.Name, guard),
			Remediation: remedy,
			Recognized:  recognized(pass.Trust, e.Principal),
			Evidence:    []*graph.Edge{e},
		})
	}
}

// exposedRole reports compute reachable from outside whose role can reach
// data. Nothing here names a kind: compute is what the class says, its role
// what its executes-as edge says, and a metadata service what
// SSRFCredentials says.
func exposedRole(pass *analyzers.Pass, fn *graph.Node) {
	g := pass.Graph
	how := reachedFrom(g, fn.ID)
	if how == "" {
		return
	}
	var role, via string
	for _, e := range g.Out(fn.ID) {
		if e.Kind == graph.EdgeExecutesAs && e.Certainty != graph.False {
			role, via = e.To, ""
			if e.Via != 0 {
				via = " (" + e.Via.String() + ")"
			}
		}
	}
	if role == "" {
		return
	}
	var grants []string
	bound, unknown := true, false
	strong := false
	var evidence []*graph.Edge
	for _, e := range g.Out(role) {
		if e.Via != graph.ViaIdentityPolicy {
			continue
		}
		grants = append(grants, fmt.Sprintf("%s %s", strings.Join(e.Actions, ","), e.To))
		evidence = append(evidence, e)
		switch b, _ := g.BoundToVPC(e, fn); b {
		case graph.False:
			bound = false
		case graph.Unknown:
			bound, unknown = false, true
		}
		if e.Kind.Strong() {
			strong = true
		}
	}
	if len(grants) == 0 {
		return
	}
	sev := results.SevMedium
	if strong {
		sev = results.SevHigh
	}
	note := "they work from anywhere: no network condition binds them"
	if bound {
		note = "they are bound to a network by conditions, which limits use outside it"
		sev = results.SevLow
	} else if strong {
		sev = results.SevCritical
	}
	if unknown {
		note += " (a resource policy that could bind them was not readable)"
	}
	leak := "SSRF or an environment dump"
	conf := results.ConfidenceMedium
	remedy := fmt.Sprintf("narrow %s to the resources it needs, and add an aws:SourceVpc or aws:ViaAWSService condition where it runs in a VPC or calls through AWS services", short(role))
	if imds, ok := fn.SSRFCredentials(); ok {
		fix := fmt.Sprintf("narrow %s to the resources it needs and deny them outside the VPC (a Deny with StringNotEquals aws:ec2InstanceSourceVPC: ${aws:SourceVpc})", short(role))
		switch imds {
		case graph.True:
			leak = "SSRF: the instance metadata service answers IMDSv1, so one forged GET to 169.254.169.254 returns them"
			conf = results.ConfidenceHigh
			if !bound {
				sev = raise(sev) // the credentials are one request away, and work anywhere
			}
			remedy = fmt.Sprintf("require IMDSv2 on %s (aws ec2 modify-instance-metadata-options --http-tokens required --http-put-response-hop-limit 1); %s", fn.Name, fix)
		case graph.False:
			leak = "code execution on it; IMDSv2 is required, so SSRF alone does not fetch them"
			sev = lower(sev)
			remedy = fix
		default:
			leak = "SSRF, if the instance metadata service answers IMDSv1 (its settings were not read)"
			conf = results.ConfidenceLow
			remedy = fmt.Sprintf("make sure %s requires IMDSv2 (HttpTokens required); %s", fn.Name, fix)
		}
	}
	credentials := fmt.Sprintf("if its role credentials%s leak through %s", via, leak)
	if strings.Contains(how, "(code)") {
		credentials = fmt.Sprintf("code pushed there runs with its role credentials%s, whether or not they leak through %s", via, leak)
	}
	pass.Report(analyzers.Finding{
		ID: RuleExposedRole + ":" + fn.ID, RuleID: RuleExposedRole, Title: "Internet-facing compute's role credentials are worth stealing",
		Severity: sev, Confidence: conf, Resource: fn.ID, Account: fn.Account, Region: fn.Region,
		Message: fmt.Sprintf("%s is reachable from %s; %s, they allow %s — %s",
			fn.Name, how, credentials, strings.Join(grants, "; "), note),
		Remediation: remedy,
		Evidence:    evidence,
	})
}

// raise is one severity step up.
func raise(s results.Severity) results.Severity {
	return results.SeverityOfRank(min(4, s.Rank()+1))
}

// lower is one severity step down.
func lower(s results.Severity) results.Severity {
	return results.SeverityOfRank(max(1, s.Rank()-1))
}

func short(arn string) string {
	if i := strings.LastIndexAny(arn, ":/"); i >= 0 && i < len(arn)-1 {
		return arn[i+1:]
	}
	return arn
}

// maxHops bounds how far back reachedFrom walks from compute: an entry
// point, then up to this many structural hops (listener → target group →
// instance, topic → queue → function, bus → rule → function, method →
// integration → function).
const maxHops = 4

// reachedFrom says how compute is reachable from outside ("" if not): an
// access edge from outside into it, or into something that leads to it
// along structural edges (routes-to, integrates-with, triggers) that are
// not inert; or whoever may write the code it runs (a strong access edge
// into what provides its code; such a way is marked "(code)").
func reachedFrom(g *graph.Graph, fn string) string {
	var ways []string
	seen := map[string]bool{fn: true}
	frontier := []string{fn}
	for hop := 0; hop <= maxHops && len(frontier) > 0; hop++ {
		var next []string
		for _, id := range frontier {
			for _, e := range g.In(id) {
				switch {
				case e.Kind.IsAccess() && e.Exposure != policy.Internal && e.Exposure != 0:
					if id == fn {
						ways = append(ways, fmt.Sprintf("%s via %s", g.Zone(e.From), e.Via))
					} else {
						ways = append(ways, fmt.Sprintf("%s via %s %s", g.Zone(e.From), e.Via, id))
					}
				case (e.Kind == graph.EdgeRoutesTo || e.Kind == graph.EdgeIntegratesWith || e.Kind == graph.EdgeTriggers) &&
					e.Certainty != graph.False && !seen[e.From]:
					seen[e.From] = true
					next = append(next, e.From)
				case e.Kind == graph.EdgeProvidesCode && e.Certainty != graph.False:
					// Whoever can write the code the function runs (push
					// its image) has its role's credentials outright.
					for _, in := range g.In(e.From) {
						if in.Kind.IsAccess() && in.Kind.Strong() && in.Exposure != policy.Internal && in.Exposure != 0 {
							ways = append(ways, fmt.Sprintf("%s via %s %s (code)", g.Zone(in.From), in.Via, e.From))
						}
					}
				}
			}
		}
		frontier = next
	}
	return strings.Join(uniq(ways), ", ")
}

// templateIMDS reports a launch template whose default or latest version
// launches instances that answer IMDSv1.
func templateIMDS(pass *analyzers.Pass, n *graph.Node) {
	lt := n.LaunchTemplate()
	if lt == nil {
		return
	}
	var explicit, unset []string
	profile := ""
	for _, v := range lt.Versions {
		if !v.Default && !v.Latest || v.IMDS.Known != graph.True || strings.EqualFold(v.IMDS.HTTPEndpoint, "disabled") {
			continue
		}
		which := fmt.Sprintf("version %d", v.Number)
		switch {
		case v.Default && v.Latest:
			which += " (default and latest)"
		case v.Default:
			which += " (default)"
		default:
			which += " (latest)"
		}
		switch {
		case strings.EqualFold(v.IMDS.HTTPTokens, "optional"):
			explicit = append(explicit, which)
		case v.IMDS.HTTPTokens == "":
			unset = append(unset, which)
		default:
			continue
		}
		profile = cmp.Or(profile, v.InstanceProfile)
	}
	if len(explicit)+len(unset) == 0 {
		return
	}
	sev, conf := results.SevLow, results.ConfidenceHigh
	if profile != "" {
		sev = results.SevMedium
	}
	var parts []string
	if len(explicit) > 0 {
		parts = append(parts, strings.Join(explicit, ", ")+" set HttpTokens optional")
	}
	if len(unset) > 0 {
		parts = append(parts, strings.Join(unset, ", ")+" leave HttpTokens to the launch default, which is optional unless the AMI (ImdsSupport v2.0) or the account's instance metadata defaults require tokens")
		if len(explicit) == 0 {
			conf = results.ConfidenceMedium
		}
	}
	creds := "the instances it launches answer IMDSv1"
	if profile != "" {
		creds = "the instances it launches with instance profile " + profile + " hand that role's credentials to any request forged to 169.254.169.254 (IMDSv1)"
	}
	pass.Report(analyzers.Finding{
		ID: RuleTemplateIMDS + ":" + n.ID, RuleID: RuleTemplateIMDS, Title: "Launch template launches instances with IMDSv1",
		Severity: sev, Confidence: conf, Resource: n.ID, Account: n.Account, Region: n.Region,
		Message:     fmt.Sprintf("launch template %s: %s; %s", n.Name, strings.Join(parts, "; "), creds),
		Remediation: fmt.Sprintf("create a version of %s with MetadataOptions HttpTokens required (and HttpPutResponseHopLimit 1, or 2 for containers) and make it the default", n.Name),
	})
}

func longLived(pass *analyzers.Pass, n *graph.Node, now time.Time) {
	k := n.AccessKey()
	if k == nil || k.Status != "Active" {
		return
	}
	var why string
	switch {
	case k.LastUsedKnown == graph.True && k.LastUsed.IsZero():
		why = "has never been used"
	case !k.CreatedAt.IsZero() && now.Sub(k.CreatedAt) > MaxKeyAge:
		why = fmt.Sprintf("is %d days old", int(now.Sub(k.CreatedAt).Hours()/24))
	default:
		return
	}
	pass.Report(analyzers.Finding{
		ID: RuleLongLivedKey + ":" + n.ID, RuleID: RuleLongLivedKey, Title: "Long-lived access key",
		Severity: results.SevMedium, Confidence: results.ConfidenceHigh, Resource: n.ID, Account: n.Account,
		Message:     fmt.Sprintf("an active access key of user %s %s; a leaked long-lived key works until someone rotates it", k.User, why),
		Remediation: fmt.Sprintf("rotate or delete the key of %s; prefer roles (IAM Identity Center, OIDC federation) over access keys", k.User),
	})
}

func secretEnv(pass *analyzers.Pass, fn *graph.Node) {
	if fn.Function() == nil {
		return
	}
	var names []string
	for _, v := range fn.Function().EnvVarNames {
		if secretName.MatchString(v) {
			names = append(names, v)
		}
	}
	if len(names) == 0 {
		return
	}
	pass.Report(analyzers.Finding{
		ID: RuleSecretEnvName + ":" + fn.ID, RuleID: RuleSecretEnvName, Title: "Secret-looking environment variables",
		Severity: results.SevMedium, Confidence: results.ConfidenceMedium, Resource: fn.ID, Account: fn.Account, Region: fn.Region,
		Message:     fmt.Sprintf("%s has environment variables named %s: values in the environment leak with any environment dump and to anyone who can read the function configuration", fn.Name, strings.Join(names, ", ")),
		Remediation: "keep secrets in AWS Secrets Manager or SSM Parameter Store (SecureString) and read them at run time",
	})
}

func recognized(t *results.Trust, principal string) bool {
	if t == nil {
		return false
	}
	acct := graph.AccountOfARN(principal)
	if acct == "" {
		acct = principal
	}
	return t.KnownAccounts[acct] != "" || slices.Contains(t.OrgIDs, principal)
}

func uniq(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

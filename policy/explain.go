package policy

import (
	"fmt"
	"io"
	"strings"
)

// Explain writes r in plain words: the verdict, then for each external grant
// who can do what because of which statement, what limits it, and the fix;
// internal grants are summarised at the end.
func Explain(w io.Writer, p *Policy, ctx Context, r Result) error {
	var b strings.Builder
	owner := ctx.OwnerAccount
	if owner == "" {
		owner = "(unknown)"
	}
	var external, internal []Grant
	for _, g := range r.Grants {
		if g.Exposure == Internal {
			internal = append(internal, g)
		} else {
			external = append(external, g)
		}
	}
	switch r.Verdict {
	case Public:
		fmt.Fprintf(&b, "Verdict: public. Anyone outside account %s can get in; external principals: %s.\n", owner, strings.Join(r.ExternalPrincipals, ", "))
	case CrossAccount:
		fmt.Fprintf(&b, "Verdict: cross-account. Principals outside account %s can get in, but not everyone; external principals: %s.\n", owner, strings.Join(r.ExternalPrincipals, ", "))
	default:
		fmt.Fprintf(&b, "Verdict: internal. Nothing outside account %s gets access through this policy.\n", owner)
	}
	if r.Incomplete {
		b.WriteString("Note: the policy has too many interacting Deny statements to subtract them all; the access below may be over-stated.\n")
	}
	if len(external) > 0 {
		b.WriteString("\nExternal access:\n")
		for i, g := range external {
			fmt.Fprintf(&b, "%d. [%s] %s can %s because of %s.\n", i+1, g.Exposure, describeWho(g, ctx), describeWhat(g), stmtNames(g.Statements))
			if len(g.PinnedBy) > 0 {
				fmt.Fprintf(&b, "   Limited by: %s.\n", strings.Join(g.PinnedBy, "; "))
			}
			if len(g.Conditions) > 0 {
				fmt.Fprintf(&b, "   Also required, but does not limit who: %s.\n", strings.Join(g.Conditions, "; "))
			}
			if len(g.NarrowedBy) > 0 {
				fmt.Fprintf(&b, "   Narrowed by Deny %s.\n", stmtNames(g.NarrowedBy))
			}
			if g.Fix != "" {
				fmt.Fprintf(&b, "   Fix: %s.\n", strings.TrimSuffix(g.Fix, "."))
			}
		}
	}
	if len(internal) > 0 {
		fmt.Fprintf(&b, "\nInternal (%d grant%s, no action needed):\n", len(internal), plural(len(internal)))
		for _, g := range internal {
			fmt.Fprintf(&b, "- %s: %s via %s.\n", describeWho(g, ctx), describeWhat(g), stmtNames(g.Statements))
		}
	}
	if p != nil && len(r.Grants) == 0 {
		b.WriteString("\nNo statement grants anything: explicit Deny removes it all, or no request can meet the conditions.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// describeWho names a grantee in plain words.
func describeWho(g Grant, ctx Context) string {
	via := ""
	switch g.Via {
	case "":
	case AnyService:
		via = "an AWS service acting for "
	default:
		via = g.Via + " acting for "
	}
	switch g.PrincipalKind {
	case KindAnyone:
		return "Anyone (principals of every AWS account, and anonymous callers)"
	case KindNetwork:
		return "Any principal of any AWS account (only from the network named under Limited by)"
	case KindAccount:
		if strings.HasPrefix(g.Principal, "arn:") {
			acct := ""
			if parts, ok := splitARN(g.Principal); ok {
				acct = parts[4]
			}
			return fmt.Sprintf("%s (account %s)", g.Principal, acct)
		}
		return fmt.Sprintf("%saccount %s", via, g.Principal)
	case KindOrganization:
		own := ""
		if g.Principal == ctx.OrgID {
			own = ", the owner's own organization"
		}
		return fmt.Sprintf("%sany account of organization %s%s", via, g.Principal, own)
	case KindService:
		if g.Exposure == Internal {
			return fmt.Sprintf("service %s", g.Principal)
		}
		return fmt.Sprintf("service %s acting for any account (no aws:SourceAccount or aws:SourceArn pins it to %s)", g.Principal, ctx.OwnerAccount)
	case KindFederated:
		if g.Exposure == Public {
			return fmt.Sprintf("Anyone who can get a token from %s", g.Principal)
		}
		return fmt.Sprintf("users of identity provider %s", g.Principal)
	case KindOwner:
		if g.Via != "" {
			return fmt.Sprintf("%sthe owner account %s", via, ctx.OwnerAccount)
		}
		if g.Principal != ctx.OwnerAccount {
			return fmt.Sprintf("owner principal %s", g.Principal)
		}
		return fmt.Sprintf("owner account %s", g.Principal)
	case KindCanonicalUser:
		return fmt.Sprintf("S3 canonical user %s (account not visible)", g.Principal)
	case KindPrincipalID:
		return fmt.Sprintf("principal %s (account not visible)", g.Principal)
	case KindDeleted:
		return fmt.Sprintf("deleted principal %s (matches nobody)", g.Principal)
	}
	return g.Principal
}

// describeWhat renders the actions and resources of a grant.
func describeWhat(g Grant) string {
	var b strings.Builder
	b.WriteString(strings.Join(g.Actions, ", "))
	if len(g.NotActions) > 0 {
		b.WriteString(" except " + strings.Join(g.NotActions, ", "))
	}
	if len(g.Resources) > 0 && !(len(g.Resources) == 1 && g.Resources[0] == "*" && len(g.NotResources) == 0) {
		b.WriteString(" on " + strings.Join(g.Resources, ", "))
		if len(g.NotResources) > 0 {
			b.WriteString(" except " + strings.Join(g.NotResources, ", "))
		}
	}
	return b.String()
}

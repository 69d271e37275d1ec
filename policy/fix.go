package policy

import (
	"fmt"
	"strings"
)

// stmtByIndex finds the statement a reference points at.
func (a *analyzer) stmtByIndex(i int) *Statement {
	if a.p == nil {
		return nil
	}
	for n := range a.p.Statements {
		if a.p.Statements[n].Index == i {
			return &a.p.Statements[n]
		}
	}
	return nil
}

// stmtName renders a statement for people: "statement 2 (Sid "AllowS3")".
// Statements are numbered from 1 in text; StatementRef.Index is 0-based.
func stmtName(index int, sid string) string {
	if sid != "" {
		return fmt.Sprintf("statement %d (Sid %q)", index+1, sid)
	}
	return fmt.Sprintf("statement %d", index+1)
}

func stmtNames(refs []StatementRef) string {
	names := make([]string, 0, len(refs))
	for _, r := range refs {
		names = append(names, stmtName(r.Index, r.Sid))
	}
	switch len(names) {
	case 0:
		return "the policy"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// deliveryActions are the actions AWS services call to deliver events; a
// public grant of only these is almost always meant for a service.
var deliveryActions = map[string]bool{
	"sns:publish":             true,
	"sqs:sendmessage":         true,
	"lambda:invokefunction":   true,
	"events:putevents":        true,
	"kinesis:putrecord":       true,
	"kinesis:putrecords":      true,
	"firehose:putrecord":      true,
	"firehose:putrecordbatch": true,
}

// notificationSourceArn gives an example aws:SourceArn for services that
// deliver notifications, so the fix can pin the exact source.
func (a *analyzer) notificationSourceArn(service string, resources []string) string {
	region := "REGION"
	for _, r := range resources {
		if parts, ok := splitARN(r); ok && parts[3] != "" && !hasWildcard(parts[3]) {
			region = parts[3]
			break
		}
	}
	owner := a.ctx.OwnerAccount
	switch strings.ToLower(service) {
	case "s3.amazonaws.com":
		return "arn:aws:s3:::SOURCE-BUCKET"
	case "sns.amazonaws.com":
		return fmt.Sprintf("arn:aws:sns:%s:%s:TOPIC", region, owner)
	case "events.amazonaws.com":
		return fmt.Sprintf("arn:aws:events:%s:%s:rule/RULE", region, owner)
	case "sqs.amazonaws.com":
		return fmt.Sprintf("arn:aws:sqs:%s:%s:QUEUE", region, owner)
	case "cloudwatch.amazonaws.com":
		return fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:ALARM", region, owner)
	}
	return ""
}

func hasKey(st *Statement, keyLower string) bool {
	for _, c := range st.Conditions {
		if c.keyLower() == keyLower {
			return true
		}
	}
	return false
}

// fix returns the smallest concrete change that removes an external grant:
// one change per statement that makes it (removing the grant from one
// statement leaves it open through the others), joined with "; ".
func (a *analyzer) fix(g *Grant) string {
	var fixes []string
	for _, ref := range g.Statements {
		if f := a.fixIn(g, ref); f != "" && !contains(fixes, f) {
			fixes = append(fixes, f)
		}
	}
	return strings.Join(fixes, "; ")
}

// fixIn is the change to one statement that removes its part of a grant.
func (a *analyzer) fixIn(g *Grant, ref StatementRef) string {
	st := a.stmtByIndex(ref.Index)
	if st == nil {
		return ""
	}
	where := stmtName(ref.Index, ref.Sid)
	owner := a.ctx.OwnerAccount
	trust := a.ctx.ResourceType == ResourceTypeRoleTrust
	switch g.PrincipalKind {
	case KindAnyone:
		if st.NotPrincipal != nil {
			return fmt.Sprintf(`replace NotPrincipal with "Principal": {"AWS": "arn:aws:iam::%s:root"} (or the account that should have access) in %s`, owner, where)
		}
		if s := weakPinFix(st, where); s != "" {
			return s
		}
		key := "aws:PrincipalAccount"
		switch {
		case a.looksLikeDelivery(g.Actions):
			key = "aws:SourceAccount"
		case a.ctx.ResourceType == "kms":
			// KMS Developer Guide, "kms:CallerAccount": the condition key
			// that limits a key policy statement to one account's identities.
			key = "kms:CallerAccount"
		}
		if trust {
			return fmt.Sprintf(`replace "AWS": "*" with "arn:aws:iam::%s:root" in %s, or add "%s": "%s"`, intendedAccount(st, owner), where, key, intendedAccount(st, owner))
		}
		return fmt.Sprintf(`add "%s": "%s" to %s`, key, intendedAccount(st, owner), where)
	case KindFederated:
		issuer, saml := issuerOf(g.Principal)
		if g.Exposure == Public {
			key, example, op := suggestedClaim(issuer)
			return fmt.Sprintf(`add %s "%s": "%s" to %s`, op, key, example, where)
		}
		if saml {
			return fmt.Sprintf("none needed if every user %s can sign in is trusted; otherwise remove it from %s", g.Principal, where)
		}
		if _, multi := multiTenant[issuer]; multi {
			key, example, _ := suggestedClaim(issuer)
			return fmt.Sprintf(`narrow "%s" to one subject (e.g. "%s") in %s if broader access is not intended`, key, example, where)
		}
		return fmt.Sprintf(`add StringEquals "%s:sub" naming the intended identity to %s`, issuer, where)
	case KindNetwork:
		if a.ctx.OrgID != "" {
			return fmt.Sprintf(`add "aws:PrincipalOrgID": "%s" to %s: the network condition alone admits principals of any account`, a.ctx.OrgID, where)
		}
		return fmt.Sprintf(`add "aws:PrincipalAccount": "%s" to %s: the network condition alone admits principals of any account`, owner, where)
	case KindService:
		fix := fmt.Sprintf(`add "aws:SourceAccount": "%s"`, owner)
		if !hasKey(st, "aws:sourcearn") {
			if arn := a.notificationSourceArn(g.Principal, g.Resources); arn != "" {
				fix += fmt.Sprintf(` and "aws:SourceArn": "%s"`, arn)
			}
		}
		return fix + " to " + where
	case KindAccount:
		acct := g.Principal
		if parts, ok := splitARN(acct); ok {
			acct = parts[4]
		}
		if g.Via != "" {
			svc := g.Via
			if svc == AnyService {
				svc = "the service"
			}
			return fmt.Sprintf(`set "aws:SourceAccount" to "%s" in %s if %s should only act for this account (it names %s)`, owner, where, svc, acct)
		}
		if trust && strings.HasPrefix(strings.ToLower(strings.Join(g.Actions, ",")), "sts:") && !hasKey(st, "sts:externalid") {
			return fmt.Sprintf(`add StringEquals "sts:ExternalId": "<id agreed with %s>" to %s, or remove %s if it should not assume the role`, acct, where, acct)
		}
		return fmt.Sprintf("remove account %s from %s unless it is a trusted partner", acct, where)
	case KindOrganization:
		if g.Principal == a.ctx.OrgID {
			return fmt.Sprintf(`none needed if every account of %s is trusted; otherwise replace the organization condition in %s with "aws:PrincipalAccount": "%s"`, g.Principal, where, owner)
		}
		return fmt.Sprintf("remove organization %s from %s unless it is trusted", g.Principal, where)
	case KindCanonicalUser, KindPrincipalID:
		if strings.Contains(g.Principal, "CloudFront Origin Access Identity") || g.PrincipalKind == KindCanonicalUser {
			return fmt.Sprintf(`replace %s in %s with "Service": "cloudfront.amazonaws.com" and "aws:SourceArn": "arn:aws:cloudfront::%s:distribution/DISTRIBUTION-ID" (origin access control), or confirm it belongs to account %s`, g.Principal, where, owner, owner)
		}
		return fmt.Sprintf(`replace %s in %s with "aws:PrincipalArn" naming the intended principal, whose account is then visible`, g.Principal, where)
	}
	return ""
}

func (a *analyzer) looksLikeDelivery(actions []string) bool {
	switch a.ctx.ResourceType {
	case "sns", "sqs", "lambda", "":
	default:
		return false
	}
	if len(actions) == 0 {
		return false
	}
	for _, act := range actions {
		if !deliveryActions[strings.ToLower(act)] {
			return false
		}
	}
	return true
}

// intendedAccount guesses the account a statement was meant for: a 12-digit
// value in one of its (non-restricting) conditions, such as a mistaken
// aws:ResourceAccount or an IfExists form; the owner otherwise.
func intendedAccount(st *Statement, owner string) string {
	for _, c := range st.Conditions {
		for _, v := range c.Values {
			if isAccountID(v) {
				return v
			}
		}
	}
	return owner
}

// weakPinFix spots a condition that would pin the caller but for IfExists
// or ForAllValues, and suggests the strict operator.
func weakPinFix(st *Statement, where string) string {
	for _, c := range st.Conditions {
		if c.info().negated || c.info().family == famNull || (!c.IfExists && c.Set != SetForAllValues) {
			continue
		}
		strict := c
		strict.IfExists = false
		if strict.Set == SetForAllValues {
			strict.Set = ""
			if k := c.keyLower(); strings.HasSuffix(k, "orgpaths") {
				strict.Set = SetForAnyValue
			}
		}
		if p, ok := classifyPin(strict); ok && len(p.values) > 0 {
			return fmt.Sprintf(`change %q to %q for %q in %s: the weaker form is true for requests without the key`, c.FullOperator(), strict.FullOperator(), c.Key, where)
		}
	}
	return ""
}

package threats

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// mitigations lists concrete changes: the policy engine's smallest fix for
// each responsible statement first, then the setting that closes the way
// in, then what limits the blast radius along the attack path.
func mitigations(ep results.EntryPoint, path *results.AttackPath, g *graph.Graph) []string {
	out := slices.Clone(ep.Evidence.Fix)
	name := ep.Name
	if name == "" {
		name = ep.ResourceARN
	}
	switch ep.Via {
	case graph.ViaBucketPolicy:
		out = append(out, fmt.Sprintf("turn on RestrictPublicBuckets for %s (or the account) unless public access is intended, and list it under expected_public in trustmap.yaml if it is", name))
	case graph.ViaBucketACL:
		out = append(out, fmt.Sprintf("set Object Ownership of %s to BucketOwnerEnforced (disables ACLs), or turn on IgnorePublicAcls", name))
	case graph.ViaFunctionURL:
		out = append(out, fmt.Sprintf("set the function URL of %s to AuthType AWS_IAM, or front it with CloudFront and origin access control", name))
	case graph.ViaSecurityGroup:
		out = append(out, fmt.Sprintf("admit only the load balancer's security group (or your own networks) on %s of %s, and reach it through Session Manager rather than an open SSH or RDP port", strings.Join(ep.Actions, ", "), name))
	case graph.ViaListener:
		out = append(out, fmt.Sprintf("put AWS WAF in front of %s, and an authenticate-oidc or authenticate-cognito action on the rules that need signed-in users", name))
	case graph.ViaListenerAuthenticated:
		out = append(out, fmt.Sprintf("check that the identity provider behind %s issues sessions only to your users (closed sign-up, a checked audience)", name))
	case graph.ViaMethodAuthorizer, graph.ViaRouteAuthorizer:
		out = append(out, fmt.Sprintf("check that the authorizer of %s rejects tokens from outside your user pool or issuer, and that sign-up is closed", name))
	case graph.ViaQueuePolicy:
		out = append(out, fmt.Sprintf(`pin who can send to %s with "aws:SourceArn" (the topic or bucket that should feed it) and "aws:SourceAccount"`, name))
	case graph.ViaLambdaPermission:
		out = append(out, fmt.Sprintf(`remove the statement granting "*" on %s, or pin it with "aws:SourceArn"/"aws:SourceAccount"`, name))
	case graph.ViaTrustPolicy:
		if slices.Contains(ep.Guards, policy.GuardExternalID) || slices.Contains(ep.Guards, policy.GuardMFA) {
			break // already guarded
		}
		out = append(out, fmt.Sprintf(`require "sts:ExternalId" (third parties) or "aws:MultiFactorAuthPresent" (people) in the trust policy of %s, and name the exact role ARN instead of an account root`, name))
	}
	if path != nil && len(path.Steps) > 1 {
		for _, s := range path.Steps {
			if s.Edge == graph.EdgeExecutesAs {
				out = append(out, fmt.Sprintf("narrow %s to the resources and actions %s needs (it now reaches %s)", short(s.To), computeNoun(g, s.From), short(path.Target)))
				break
			}
		}
		if slices.ContainsFunc(path.Steps, func(s results.PathStep) bool { return s.Edge == graph.EdgeTriggers }) {
			out = append(out, "validate the origin and shape of each event in the consumer before acting on it")
		}
	}
	slices.Sort(out[len(ep.Evidence.Fix):])
	return slices.Compact(out)
}

// computeOf is the node of a path that runs as a role ("" when none).
func computeOf(path *results.AttackPath) string {
	for _, s := range path.Steps {
		if s.Edge == graph.EdgeExecutesAs {
			return s.From
		}
	}
	return ""
}

// computeNoun names what runs as a role, for a mitigation: "the function"
// or "the instance", by the attributes the node carries.
func computeNoun(g *graph.Graph, id string) string {
	if n, ok := g.Node(id); ok && n.Instance != nil {
		return "the instance"
	}
	return "the function"
}

// references names ATT&CK for Cloud and CAPEC entries per STRIDE category
// and way in (shared/reference/formats.md §7.2).
func references(stride []string, ep results.EntryPoint) []string {
	var refs []string
	add := func(r ...string) { refs = append(refs, r...) }
	for _, c := range stride {
		switch c {
		case Disclosure:
			if strings.HasPrefix(ep.ResourceARN, "arn:aws:s3:::") {
				add("ATT&CK T1530 Data from Cloud Storage", "CAPEC-1")
			} else {
				add("ATT&CK T1552 Unsecured Credentials")
			}
		case Tampering:
			add("ATT&CK T1565 Data Manipulation")
			if ep.Via == graph.ViaQueuePolicy {
				add("CAPEC-125 Flooding")
			}
		case DenialOfSvc:
			add("ATT&CK T1499 Endpoint Denial of Service", "ATT&CK T1496 Resource Hijacking")
		case Spoofing:
			if ep.Via == graph.ViaTrustPolicy {
				add("ATT&CK T1078.004 Valid Accounts: Cloud Accounts", "ATT&CK T1199 Trusted Relationship", "CAPEC-122")
			} else {
				add("ATT&CK T1190 Exploit Public-Facing Application", "CAPEC-1")
			}
		case ElevationPrivs:
			add("ATT&CK T1078.004 Valid Accounts: Cloud Accounts", "CAPEC-233 Privilege Escalation")
		}
	}
	slices.Sort(refs)
	return slices.Compact(refs)
}

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
	case graph.ViaTopicPolicy:
		out = append(out, fmt.Sprintf(`limit the topic policy of %s to the accounts that publish and subscribe, and pin AWS services with "aws:SourceArn" and "aws:SourceAccount"`, name))
	case graph.ViaBusPolicy:
		out = append(out, fmt.Sprintf(`limit who may put events on %s to named accounts or your organization ("aws:PrincipalOrgID"), and make the rules that act on them match the sending "account"`, name))
	case graph.ViaKeyPolicy:
		out = append(out, fmt.Sprintf(`limit the key policy of %s to the owner's root and named principals, and pin every "*" statement with "kms:CallerAccount" (and "kms:ViaService")`, name))
	case graph.ViaKMSGrant:
		out = append(out, fmt.Sprintf("retire the grants on %s that no partner still needs, and give the rest encryption-context constraints", name))
	case graph.ViaSecretPolicy:
		out = append(out, fmt.Sprintf(`remove the statements of %s's resource policy that reach outside the account, or pin them with "aws:PrincipalOrgID"; put policies with BlockPublicPolicy`, name))
	case graph.ViaRepositoryPolicy:
		if ep.HasAccess(graph.EdgeCanWrite) || ep.HasAccess(graph.EdgeCanAdminister) {
			out = append(out, fmt.Sprintf("allow other accounts only the pull actions on %s (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability), and push from a pipeline in this account", name))
		}
	case graph.ViaRegistryPolicy:
		out = append(out, fmt.Sprintf("limit the registry policy's ecr:ReplicateImage to the source accounts you replicate from, and its Resource to the repository prefixes they fill (%s)", name))
	case graph.ViaLayerPolicy:
		out = append(out, fmt.Sprintf("remove the layer version permissions of %s that no consumer needs (RemoveLayerVersionPermission): whoever may use a layer can download its code", name))
	case graph.ViaAccessPointPolicy, graph.ViaMRAPPolicy:
		m := fmt.Sprintf("remove the grant from the policy of %s, or stop the bucket policy delegating to access points (s3:DataAccessPointAccount)", name)
		if n, ok := g.Node(ep.ResourceARN); ok && n.AccessPoint() != nil && n.AccessPoint().NetworkOrigin != "VPC" {
			m += "; for use inside the account, create access points with a VPC network origin"
		}
		out = append(out, m)
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
		if c, ok := codeOf(path); ok {
			out = append(out, fmt.Sprintf("deploy %s by image digest and turn on IMMUTABLE image tags, so that a pushed image runs only when you deploy it", short(c.runner)))
		}
		if slices.ContainsFunc(path.Steps, func(s results.PathStep) bool { return s.Edge == graph.EdgeTriggers }) {
			out = append(out, "validate the origin and shape of each event in the consumer before acting on it")
		}
	}
	if path != nil {
		if last := path.Steps[len(path.Steps)-1]; last.Key != nil && last.Key.Access == graph.True {
			out = append(out, keyMitigation(last))
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
	if n, ok := g.Node(id); ok && n.Instance() != nil {
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
			switch {
			case strings.HasPrefix(ep.ResourceARN, "arn:aws:s3:"): // buckets, access points, Multi-Region Access Points
				add("ATT&CK T1530 Data from Cloud Storage", "CAPEC-1")
			case ep.ResourceType == graph.KindSecret:
				add("ATT&CK T1555.006 Credentials from Password Stores: Cloud Secrets Management Stores")
			default:
				add("ATT&CK T1552 Unsecured Credentials")
			}
		case Tampering:
			add("ATT&CK T1565 Data Manipulation")
			if ep.Via == graph.ViaRepositoryPolicy || ep.Via == graph.ViaRegistryPolicy {
				add("ATT&CK T1525 Implant Internal Image", "ATT&CK T1195.002 Compromise Software Supply Chain")
			}
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

// keyMitigation says how to make the data a path reaches ciphertext to the
// principal that reaches it, by the way that principal gets the key.
func keyMitigation(s results.PathStep) string {
	k, who, what := s.Key, short(s.From), short(s.To)
	switch k.Via {
	case graph.ViaIdentityPolicy:
		return fmt.Sprintf("if %s need not %s %s, remove %s on KMS key %s from its IAM policies: the data is then ciphertext to it",
			who, strings.TrimPrefix(s.Edge.String(), "can-"), what, k.Action, k.Label())
	case graph.ViaKMSGrant:
		return fmt.Sprintf("retire the grant on KMS key %s that gives %s %s, unless it must read %s", k.Label(), who, k.Action, what)
	}
	return fmt.Sprintf("narrow the key policy of KMS key %s to the principals that must use it (an AWS managed key's policy cannot change: encrypt %s with a customer managed key instead)",
		k.Label(), what)
}

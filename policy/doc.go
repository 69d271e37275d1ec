// Package policy is trustmap's IAM policy engine: it parses every policy
// shape AWS accepts and answers, for a resource policy (or an IAM role trust
// policy) and the account that owns the resource, who outside that account
// can do what, the way IAM Access Analyzer reasons about it, with
// explanations and fixes. It imports the standard library only and is a pure
// function of its inputs.
//
// # Entry points
//
//   - Parse turns a JSON document into a Policy or a *ParseError naming the
//     JSON path of the problem.
//   - Analyze computes the effective grants after explicit Deny and the
//     Verdict (public, cross-account, internal).
//   - Explain renders a Result for people.
//   - Policy.Decide evaluates one request (identity policies, or checking a
//     specific call against a resource policy); ActionMatches matches actions.
//
// # How Analyze decides
//
// The rules follow ../shared/reference/policy_semantics.md; in short:
//
//   - Principals: "*" (anywhere in a principal map, or as the account of a
//     principal ARN) and NotPrincipal with Allow mean anyone. Bare account
//     ids equal their root ARNs. The owner's principals are internal. A
//     principal whose text hides its account (a CloudFront origin access
//     identity's ARN or canonical user id) is opaque, cross-account, unless
//     Context.KnownPrincipals names its account.
//   - A wildcard principal stops being public only through a positive,
//     non-IfExists, non-ForAllValues condition on a key that identifies the
//     caller, with fixed values (no wildcard in the identifying part, no
//     policy variable): aws:PrincipalAccount, aws:PrincipalArn,
//     kms:CallerAccount, s3:DataAccessPointAccount/Arn (the account),
//     aws:SourceAccount, aws:SourceOwner, aws:SourceArn (the account a
//     service acts for), aws:PrincipalOrgID/OrgPaths, aws:SourceOrgID/
//     OrgPaths (the organization), aws:SourceIp (not wider than IPv4 /8 or
//     IPv6 /32), aws:SourceVpc, aws:SourceVpce (the network), aws:userid, the
//     claims of multi-tenant web identity issuers. Conditions AND; values of
//     one key OR, so one open value makes the whole condition open.
//   - A literal value that cannot name anything real (StringEquals "*" on an
//     organization id, a 13-digit account) makes the statement grant nothing.
//   - Service principals are internal when pinned to the owner, external for
//     the account/organization they are pinned to, and external via the
//     service when unpinned (confused deputy). In role trust policies an
//     unpinned service is internal (iam:PassRole is needed to use the role).
//   - Federated principals: SAML providers and tenant-specific OIDC issuers
//     are cross-account; GitHub Actions, GitLab, Terraform Cloud, Buildkite,
//     Cognito, Google, Facebook and Login with Amazon are public unless a
//     claim ties the token to one tenant (a `sub` naming the repository owner
//     such as "repo:acme/*", an `aud` / `app_id`).
//   - Only the resource's own actions count: for a typed Context (s3, sqs,
//     sns, lambda, apigateway = execute-api, kms, secretsmanager, ecr, es
//     for OpenSearch domains, and sts for role trust) an Allow of another
//     service's actions grants nothing on it.
//   - Explicit Deny is subtracted exactly where it can be proven: by
//     principal, by action and resource pattern containment (a Deny covering
//     part of an Allow leaves the rest, reported as NotActions/NotResources),
//     and by conditions: a Deny whose condition is known to hold for the
//     grant removes it, a "deny unless X" leaves the grant pinned by X, a
//     positive-condition Deny (an IP block-list) leaves everyone else in.
//     Conditions the Allow already fixes (a pinned VPC endpoint, the same
//     IfExists test, a key required absent by Null) decide the Deny's
//     conditions too. Whenever coverage cannot be proven the grant is kept:
//     the engine may over-state access, never under-state it. A
//     differential test (soundness_test.go) checks this against Decide on
//     random policies.
//
// # Conventions
//
// Statement.Index and StatementRef.Index are 0-based positions in the
// Statement array (as in ParseError paths like $.Statement[2]); text for
// people (Explain, Grant.Fix) numbers statements from 1.
//
// Element names (Version, Statement, Effect, Principal, AWS, Condition, ...)
// are matched case-insensitively; two spellings of one element in the same
// object are a duplicate. The Effect value is case-sensitive, as IAM
// documents. Condition operators and condition keys are case-insensitive;
// condition values are case-sensitive unless the operator ignores case.
package policy

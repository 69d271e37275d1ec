package iam

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const detailsSource = "iam:GetAccountAuthorizationDetails"

// user is a user being assembled: GetAccountAuthorizationDetails gives its
// policies and groups, the credential report (or the per-user fallback) its
// password, MFA and keys. The user node is added once both are in.
type user struct {
	name, arn string
	attrs     *graph.IAMUser
	tags      map[string]string
}

// details is what GetAccountAuthorizationDetails gave.
type details struct {
	users      []*user
	groups     map[string]string // group name -> ARN
	awsManaged []string          // distinct AWS-managed policy ARNs attached anywhere
	complete   bool              // every page was read
}

// details reads users, roles, groups and customer-managed policies, and adds
// the role, group and policy nodes.
func (c *Collector) details(ctx context.Context, t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, client api) *details {
	d := &details{groups: map[string]string{}, complete: true}
	managed := map[string]bool{}
	attached := func(ps []types.AttachedPolicy, boundary *types.AttachedPermissionsBoundary) []string {
		var arns []string
		for _, p := range ps {
			arns = append(arns, aws.ToString(p.PolicyArn))
		}
		all := arns
		if boundary != nil && aws.ToString(boundary.PermissionsBoundaryArn) != "" {
			all = append(slices.Clone(arns), aws.ToString(boundary.PermissionsBoundaryArn))
		}
		for _, a := range all {
			if isAWSManaged(a) {
				managed[a] = true
			}
		}
		return arns
	}

	p := iam.NewGetAccountAuthorizationDetailsPaginator(client, &iam.GetAccountAuthorizationDetailsInput{
		MaxItems: aws.Int32(1000),
		Filter:   []types.EntityType{types.EntityTypeUser, types.EntityTypeRole, types.EntityTypeGroup, types.EntityTypeLocalManagedPolicy},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			gaps.Fail("", "GetAccountAuthorizationDetails", "", err)
			d.complete = false
			break
		}
		for _, r := range page.RoleDetailList {
			role := &graph.IAMRole{
				RoleID: aws.ToString(r.RoleId), Path: aws.ToString(r.Path), CreatedAt: utc(r.CreateDate),
				TrustPolicy:      graph.Hidden(detailsSource),
				InlinePolicies:   inline(r.RolePolicyList),
				AttachedPolicies: attached(r.AttachedManagedPolicies, r.PermissionsBoundary),
				PoliciesKnown:    graph.True,
			}
			if doc := aws.ToString(r.AssumeRolePolicyDocument); doc != "" {
				role.TrustPolicy = graph.Present(decode(doc), detailsSource)
			}
			if bd := r.PermissionsBoundary; bd != nil {
				role.Boundary = aws.ToString(bd.PermissionsBoundaryArn)
			}
			// The instance profiles that hold the role: an EC2 instance
			// launched with one acts as the role (no extra call). A
			// profile's own Roles list is authoritative (IAM API
			// Reference, InstanceProfile: "The role associated with the
			// instance profile"): one listed under a role it does not
			// hold is not the role's (moto 4.1 lists every profile
			// under every role; AWS never does).
			for _, ip := range r.InstanceProfileList {
				if holds(ip.Roles, aws.ToString(r.Arn)) {
					role.InstanceProfiles = append(role.InstanceProfiles, aws.ToString(ip.Arn))
				}
			}
			slices.Sort(role.InstanceProfiles)
			if r.RoleLastUsed != nil {
				role.LastUsed = utc(r.RoleLastUsed.LastUsedDate)
			}
			b.AddNode(graph.Node{ID: aws.ToString(r.Arn), Kind: graph.KindIAMRole, Name: aws.ToString(r.RoleName), Account: t.Account, Attrs: role, Tags: tagMap(r.Tags)})
		}
		for _, g := range page.GroupDetailList {
			name, arn := aws.ToString(g.GroupName), aws.ToString(g.Arn)
			d.groups[name] = arn
			b.AddNode(graph.Node{ID: arn, Kind: graph.KindIAMGroup, Name: name, Account: t.Account, Attrs: &graph.IAMGroup{
				InlinePolicies: inline(g.GroupPolicyList), AttachedPolicies: attached(g.AttachedManagedPolicies, nil),
			}})
		}
		for _, u := range page.UserDetailList {
			d.users = append(d.users, &user{name: aws.ToString(u.UserName), arn: aws.ToString(u.Arn), attrs: &graph.IAMUser{
				UserID: aws.ToString(u.UserId), CreatedAt: utc(u.CreateDate), InlinePolicies: inline(u.UserPolicyList),
				AttachedPolicies: attached(u.AttachedManagedPolicies, u.PermissionsBoundary), Groups: u.GroupList,
				PoliciesKnown: graph.True,
			}, tags: tagMap(u.Tags)})
		}
		for _, mp := range page.Policies {
			pol := &graph.IAMPolicy{DefaultVersion: aws.ToString(mp.DefaultVersionId)}
			for _, v := range mp.PolicyVersionList {
				if v.IsDefaultVersion || aws.ToString(v.VersionId) == pol.DefaultVersion {
					pol.Document = decode(aws.ToString(v.Document))
					break
				}
			}
			b.AddNode(graph.Node{ID: aws.ToString(mp.Arn), Kind: graph.KindIAMPolicy, Name: aws.ToString(mp.PolicyName), Account: t.Account, Attrs: pol})
		}
	}
	for a := range managed {
		d.awsManaged = append(d.awsManaged, a)
	}
	slices.Sort(d.awsManaged)
	return d
}

// managedPolicies reads the default version of each AWS-managed policy
// attached in the account, once each. A policy that cannot be read gets no
// node (an empty document would read as "allows nothing") and a gap.
func (c *Collector) managedPolicies(ctx context.Context, t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, client api, arns []string) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.concurrency())
	for _, arn := range arns {
		g.Go(func() error {
			p, err := client.GetPolicy(gctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
			if err != nil {
				if !collectors.IsNotFound(err) {
					gaps.Fail("", "GetPolicy", arn, err)
				}
				return nil
			}
			version := aws.ToString(p.Policy.DefaultVersionId)
			v, err := client.GetPolicyVersion(gctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(version)})
			if err != nil {
				if !collectors.IsNotFound(err) {
					gaps.Fail("", "GetPolicyVersion", arn, err)
				}
				return nil
			}
			b.AddNode(graph.Node{ID: arn, Kind: graph.KindIAMPolicy, Name: aws.ToString(p.Policy.PolicyName), Attrs: &graph.IAMPolicy{
				DefaultVersion: version, Document: decode(aws.ToString(v.PolicyVersion.Document)), AWSManaged: true,
			}})
			return nil
		})
	}
	_ = g.Wait()
}

// isAWSManaged reports whether arn is an AWS-managed policy
// (arn:PARTITION:iam::aws:policy/...).
func isAWSManaged(arn string) bool {
	f := strings.SplitN(arn, ":", 6)
	return len(f) == 6 && f[2] == "iam" && f[4] == "aws" && strings.HasPrefix(f[5], "policy/")
}

// decode URL-decodes a policy document as IAM returns it. A document that
// is not valid URL encoding is kept as it came, for the policy engine to
// reject.
func decode(doc string) string {
	s, err := url.QueryUnescape(doc)
	if err != nil {
		return doc
	}
	return s
}

func inline(ps []types.PolicyDetail) map[string]string {
	if len(ps) == 0 {
		return nil
	}
	out := make(map[string]string, len(ps))
	for _, p := range ps {
		out[aws.ToString(p.PolicyName)] = decode(aws.ToString(p.PolicyDocument))
	}
	return out
}

func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// tagMap is what trustmap keeps of a role's or user's tags:
// GetAccountAuthorizationDetails returns them with each role and user
// (RoleDetail.Tags, UserDetail.Tags), so reading them costs no call. People
// put tokens in IAM tags (docs/SECURITY.md): only a tag whose value is a
// data classification level (restricted, confidential, internal, public,
// any case — what business context reads, under whatever key trustmap.yaml
// names) is kept; every other value is dropped here.
func tagMap(tags []types.Tag) map[string]string {
	m := map[string]string{}
	for _, tg := range tags {
		if v := aws.ToString(tg.Value); isDataLevel(v) {
			m[aws.ToString(tg.Key)] = v
		}
	}
	return graph.TagMap(m)
}

// isDataLevel reports whether a tag value is one of the data
// classification levels (analyzers/results.ParseDataLevel reads them).
func isDataLevel(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "restricted", "confidential", "internal", "public":
		return true
	}
	return false
}

// holds says whether an instance profile's roles include arn; a profile
// answered without its roles is taken as listed.
func holds(roles []types.Role, arn string) bool {
	if len(roles) == 0 {
		return true
	}
	for _, r := range roles {
		if aws.ToString(r.Arn) == arn {
			return true
		}
	}
	return false
}

package kms

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// policyName is the name of a key's one key policy.
const policyName = "default"

// key reads one key's metadata, policy and grants side by side and adds
// its node, reporting whether it did. A key deleted since ListKeys
// (NotFoundException) is dropped.
func (c *Collector) key(ctx context.Context, t collectors.Target, b *graph.Builder, client api, id, arn string, errs *collectors.Gaps) bool {
	attrs := &graph.KMSKey{}
	var gone bool
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		gone = c.describe(ctx, t, b, client, id, attrs, errs)
	}()
	go func() {
		defer wg.Done()
		attrs.Grants, attrs.GrantsKnown = c.grants(ctx, t, b, client, id, errs)
	}()
	attrs.Policy = c.policy(ctx, t, b, client, id, errs)
	wg.Wait()
	if gone {
		return false
	}
	acct := graph.AccountOfARN(arn)
	if acct == "" {
		acct = t.Account
	}
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindKMSKey, Name: id, Account: acct, Region: t.Region, Attrs: attrs})
	return true
}

// describe reads DescribeKey into attrs; it reports gone for a key that no
// longer exists.
func (c *Collector) describe(ctx context.Context, t collectors.Target, b *graph.Builder, client api, id string, attrs *graph.KMSKey, errs *collectors.Gaps) (gone bool) {
	out, err := client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	switch {
	case err == nil && out.KeyMetadata != nil:
		m := out.KeyMetadata
		attrs.DescribeKnown = graph.True
		attrs.Manager = string(m.KeyManager)
		attrs.State = string(m.KeyState)
		attrs.Usage = string(m.KeyUsage)
		attrs.Spec = string(m.KeySpec)
		attrs.MultiRegion = aws.ToBool(m.MultiRegion)
	case err == nil:
	case collectors.IsNotFound(err):
		return true
	default:
		errs.Fail(t.Region, "DescribeKey", id, err)
	}
	return false
}

// policy reads the key policy. Every key has one, so a failed read is
// Hidden, never Absent.
func (c *Collector) policy(ctx context.Context, t collectors.Target, b *graph.Builder, client api, id string, errs *collectors.Gaps) graph.Doc {
	const src = "kms:GetKeyPolicy"
	out, err := client.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String(policyName)})
	switch {
	case err == nil && aws.ToString(out.Policy) != "":
		return graph.Present(aws.ToString(out.Policy), src)
	case err == nil, collectors.IsNotFound(err):
		// An empty answer, or a key deleted meanwhile: not read either way.
		return graph.Hidden(src)
	default:
		errs.Fail(t.Region, "GetKeyPolicy", id, err)
		return graph.Hidden(src)
	}
}

// grants lists a key's grants. The Tri says whether the listing completed;
// on failure the grants read so far are kept.
func (c *Collector) grants(ctx context.Context, t collectors.Target, b *graph.Builder, client api, id string, errs *collectors.Gaps) ([]graph.KMSGrant, graph.Tri) {
	var out []graph.KMSGrant
	p := kms.NewListGrantsPaginator(client, &kms.ListGrantsInput{KeyId: aws.String(id), Limit: aws.Int32(grantsPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if collectors.IsNotFound(err) {
				return out, graph.True
			}
			errs.Fail(t.Region, "ListGrants", id, err)
			return out, graph.Unknown
		}
		for _, g := range page.Grants {
			out = append(out, grant(g))
		}
	}
	return out, graph.True
}

func grant(g types.GrantListEntry) graph.KMSGrant {
	out := graph.KMSGrant{
		ID: aws.ToString(g.GrantId), Name: aws.ToString(g.Name),
		Grantee:  firstOf(aws.ToString(g.GranteePrincipal), aws.ToString(g.GranteeServicePrincipal)),
		Retiring: firstOf(aws.ToString(g.RetiringPrincipal), aws.ToString(g.RetiringServicePrincipal)),
		Issuing:  aws.ToString(g.IssuingAccount),
	}
	for _, op := range g.Operations {
		out.Operations = append(out.Operations, string(op))
	}
	if c := g.Constraints; c != nil {
		for k, v := range c.EncryptionContextEquals {
			out.Constraints = append(out.Constraints, fmt.Sprintf("kms:EncryptionContext:%s = %s (equals)", k, v))
		}
		for k, v := range c.EncryptionContextSubset {
			out.Constraints = append(out.Constraints, fmt.Sprintf("kms:EncryptionContext:%s = %s (subset)", k, v))
		}
		slices.Sort(out.Constraints)
	}
	return out
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

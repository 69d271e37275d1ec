package iam

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// listUsers completes the user list with ListUsers when
// GetAccountAuthorizationDetails could not list every user. Users it adds
// have PoliciesKnown Unknown.
func (c *Collector) listUsers(ctx context.Context, t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, client api, d *details) []*user {
	have := map[string]bool{}
	for _, u := range d.users {
		have[u.name] = true
	}
	p := iam.NewListUsersPaginator(client, &iam.ListUsersInput{MaxItems: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			gaps.Fail("", "ListUsers", "", err)
			break
		}
		for _, u := range page.Users {
			name := aws.ToString(u.UserName)
			if have[name] {
				continue
			}
			have[name] = true
			d.users = append(d.users, &user{name: name, arn: aws.ToString(u.Arn), attrs: &graph.IAMUser{
				UserID: aws.ToString(u.UserId), CreatedAt: utc(u.CreateDate),
			}})
		}
	}
	return d.users
}

// perUser reads each user's access keys with ListAccessKeys and
// GetAccessKeyLastUsed: the fallback when the credential report cannot be
// had, and for users the report does not list yet. Password and MFA stay
// Unknown. Key nodes carry a masked key id in their name, never the id.
func (c *Collector) perUser(ctx context.Context, t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, client api, users []*user) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.concurrency())
	for _, u := range users {
		g.Go(func() error {
			c.userKeys(gctx, t, b, gaps, client, u)
			return nil
		})
	}
	_ = g.Wait()
}

func (c *Collector) userKeys(ctx context.Context, t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, client api, u *user) {
	var keys []types.AccessKeyMetadata
	p := iam.NewListAccessKeysPaginator(client, &iam.ListAccessKeysInput{UserName: aws.String(u.name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if !collectors.IsNotFound(err) { // a user deleted meanwhile has no keys
				gaps.Fail("", "ListAccessKeys", "user "+u.name, err)
				return
			}
			break
		}
		keys = append(keys, page.AccessKeyMetadata...)
	}
	u.attrs.KeysKnown = graph.True
	// Slots in creation order, as the credential report numbers them.
	slices.SortStableFunc(keys, func(a, b types.AccessKeyMetadata) int {
		return utc(a.CreateDate).Compare(utc(b.CreateDate))
	})
	for i, k := range keys {
		slot := i + 1
		ak := &graph.AccessKey{User: u.name, Status: cmp.Or(string(k.Status), "Active"), CreatedAt: utc(k.CreateDate)}
		out, err := client.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: k.AccessKeyId})
		switch {
		case err == nil && out.AccessKeyLastUsed != nil:
			lu := out.AccessKeyLastUsed
			ak.LastUsed, ak.LastUsedKnown = utc(lu.LastUsedDate), graph.True
			if svc := aws.ToString(lu.ServiceName); !sentinel(svc) {
				ak.LastUsedService = svc
			}
		case err == nil:
			ak.LastUsedKnown = graph.True
		default:
			gaps.Fail("", "GetAccessKeyLastUsed", fmt.Sprintf("user %s access key %d", u.name, slot), err)
		}
		addKey(t, b, u, slot, maskKeyID(aws.ToString(k.AccessKeyId)), ak, "iam:ListAccessKeys")
	}
}

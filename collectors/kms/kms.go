// Package kms collects KMS keys: metadata (who manages the key, its state),
// the key policy, the grants on it, and the aliases that name it. The keys
// are linked to the data they encrypt by graph.Resolve, from the key each
// data store names (an SQS queue's KmsMasterKeyId, a topic's, a secret's
// KmsKeyId), which may be an alias: this collector records every alias.
//
// # Calls
//
// Per region: ListKeys, one call per 1,000 keys, and beside it ListAliases,
// one call per 100 aliases. Per key, side by side: DescribeKey,
// GetKeyPolicy (policy name "default", the only one a key has), and
// ListGrants, one call per 100 grants. A region with K keys and A aliases
// costs about 3K + K/1000 + A/100 calls. ListKeyPolicies is not called: a
// key has exactly one policy, named default (KMS API Reference,
// GetKeyPolicy). GetKeyRotationStatus is not called: rotation is hygiene,
// not who can use the key.
//
// Nothing secret is read: the key material never leaves KMS, and the
// scanner's policy holds no cryptographic operation (kms:Decrypt,
// kms:GenerateDataKey ...).
//
// A key whose key policy does not let the scanner read it answers
// AccessDeniedException: a coverage gap, and the fact stays Unknown — the
// key policy is not "absent", and the grants not "none".
package kms

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"golang.org/x/sync/errgroup"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "kms"

// Page sizes: ListKeys takes 1-1000, ListAliases and ListGrants 1-100.
const (
	keysPage    = 1000
	aliasesPage = 100
	grantsPage  = 100
)

// api is the part of the KMS client the collector uses: reads only, and no
// cryptographic operation.
type api interface {
	ListKeys(context.Context, *kms.ListKeysInput, ...func(*kms.Options)) (*kms.ListKeysOutput, error)
	ListAliases(context.Context, *kms.ListAliasesInput, ...func(*kms.Options)) (*kms.ListAliasesOutput, error)
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
	ListGrants(context.Context, *kms.ListGrantsInput, ...func(*kms.Options)) (*kms.ListGrantsOutput, error)
}

// Collector reads KMS in one account and region.
type Collector struct {
	// KeyConcurrency bounds keys read at once (default 16); the runner's
	// token buckets bound the calls themselves.
	KeyConcurrency int
}

// New returns the KMS collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"ListKeys":     {"kms:ListKeys"},
			"ListAliases":  {"kms:ListAliases"},
			"DescribeKey":  {"kms:DescribeKey"},
			"GetKeyPolicy": {"kms:GetKeyPolicy"},
			"ListGrants":   {"kms:ListGrants"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, kms.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	errs := collectors.NewGaps(t, b, service)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(2, c.concurrency()+1))
	aliases := make(chan map[string][]string, 1)
	g.Go(func() error {
		aliases <- c.aliases(gctx, t, b, client, errs)
		return nil
	})
	var mu sync.Mutex
	var keys []string // the keys added
	p := kms.NewListKeysPaginator(client, &kms.ListKeysInput{Limit: aws.Int32(keysPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(gctx)
		if err != nil {
			errs.Fail(t.Region, "ListKeys", "", err)
			break
		}
		for _, k := range page.Keys {
			id, arn := aws.ToString(k.KeyId), aws.ToString(k.KeyArn)
			g.Go(func() error {
				if c.key(gctx, t, b, client, id, arn, errs) {
					mu.Lock()
					keys = append(keys, arn)
					mu.Unlock()
				}
				return nil
			})
		}
	}
	_ = g.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	// Aliases name keys by id; every key listed gets its aliases, known
	// once both listings are done.
	byKey := <-aliases
	for _, arn := range keys {
		if as := byKey[keyID(arn)]; len(as) > 0 {
			slices.Sort(as)
			b.UpdateNode(arn, graph.KindKMSKey, func(n *graph.Node) {
				if n.Key() == nil {
					n.Attrs = &graph.KMSKey{}
				}
				n.Key().Aliases = as
				n.Name = aliasName(as) // people know a key by its alias
			})
		}
	}
	return errs.Err()
}

func (c *Collector) concurrency() int {
	if c.KeyConcurrency > 0 {
		return c.KeyConcurrency
	}
	return 16
}

// aliases lists the region's aliases by the id of the key they name. An
// alias with no target (a predefined AWS alias whose key does not exist
// yet) names nothing. On failure the aliases read so far are kept and the
// gap says the rest are unknown.
func (c *Collector) aliases(ctx context.Context, t collectors.Target, b *graph.Builder, client api, errs *collectors.Gaps) map[string][]string {
	out := map[string][]string{}
	p := kms.NewListAliasesPaginator(client, &kms.ListAliasesInput{Limit: aws.Int32(aliasesPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			errs.Fail(t.Region, "ListAliases", "", err)
			return out
		}
		for _, a := range page.Aliases {
			if id := aws.ToString(a.TargetKeyId); id != "" {
				out[id] = append(out[id], aws.ToString(a.AliasName))
			}
		}
	}
	return out
}

// keyID is the id at the end of a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID).
func keyID(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}

// aliasName is the alias a key is shown by: the first of the account's
// own aliases, else the first AWS one (alias/aws/SERVICE), without the
// "alias/" prefix.
func aliasName(sorted []string) string {
	pick := sorted[0]
	for _, a := range sorted {
		if !strings.HasPrefix(a, "alias/aws/") {
			pick = a
			break
		}
	}
	return strings.TrimPrefix(pick, "alias/")
}

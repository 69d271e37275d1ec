// Package secretsmanager collects Secrets Manager secrets: the resource
// policy, the KMS key that encrypts each, and the Lambda function that
// rotates it. Never a secret value: the client interface holds ListSecrets
// and GetResourcePolicy only, neither of which returns one, and the shipped
// IAM policy holds neither secretsmanager:GetSecretValue nor
// BatchGetSecretValue (collectors/all tests both).
//
// # Calls
//
// Per region: ListSecrets, one call per 100 secrets; it returns each
// secret's KmsKeyId, RotationEnabled, RotationLambdaARN and OwningService,
// so no DescribeSecret is needed. Per secret: GetResourcePolicy. A region
// with N secrets costs N + N/100 calls. Secrets scheduled for deletion are
// left out (ListSecrets' default): nobody can read one until it is
// restored.
//
// A secret listed and deleted before its policy is read
// (ResourceNotFoundException) is gone, not hidden: it is dropped without a
// gap.
package secretsmanager

import (
	"context"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "secretsmanager"

// secretsPage is the largest ListSecrets page (MaxResults 1-100).
const secretsPage = 100

// api is the part of the Secrets Manager client the collector uses: reads
// that return no secret value.
type api interface {
	ListSecrets(context.Context, *secretsmanager.ListSecretsInput, ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretsOutput, error)
	GetResourcePolicy(context.Context, *secretsmanager.GetResourcePolicyInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetResourcePolicyOutput, error)
}

// Collector reads Secrets Manager in one account and region.
type Collector struct {
	// SecretConcurrency bounds secrets read at once (default 16); the
	// runner's token buckets bound the calls themselves.
	SecretConcurrency int
}

// New returns the Secrets Manager collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"ListSecrets":       {"secretsmanager:ListSecrets"},
			"GetResourcePolicy": {"secretsmanager:GetResourcePolicy"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, secretsmanager.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	gaps := collectors.NewGaps(t, b, service)
	p := secretsmanager.NewListSecretsPaginator(client, &secretsmanager.ListSecretsInput{MaxResults: aws.Int32(secretsPage)})
	collectors.ReadEach(ctx, gaps, t.Region, "ListSecrets", c.concurrency(), p.HasMorePages, p.NextPage,
		func(o *secretsmanager.ListSecretsOutput) []types.SecretListEntry { return o.SecretList },
		func(ctx context.Context, s types.SecretListEntry) { c.secret(ctx, t, b, client, s, gaps) })
	return gaps.Done(ctx)
}

func (c *Collector) concurrency() int {
	if c.SecretConcurrency > 0 {
		return c.SecretConcurrency
	}
	return 16
}

// secret reads one secret's resource policy and adds its node and the edge
// to its rotation function.
func (c *Collector) secret(ctx context.Context, t collectors.Target, b *graph.Builder, client api, s types.SecretListEntry, errs *collectors.Gaps) {
	const src = "secretsmanager:GetResourcePolicy"
	arn, name := aws.ToString(s.ARN), aws.ToString(s.Name)
	attrs := &graph.Secret{
		KMSKeyID: aws.ToString(s.KmsKeyId),
		// ListSecrets sends RotationEnabled only when it is true.
		RotationEnabled: graph.TriOf(aws.ToBool(s.RotationEnabled)),
		RotationLambda:  aws.ToString(s.RotationLambdaARN),
		OwningService:   aws.ToString(s.OwningService),
		PrimaryRegion:   aws.ToString(s.PrimaryRegion),
	}
	out, err := client.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: aws.String(arn)})
	switch {
	case err == nil && aws.ToString(out.ResourcePolicy) != "":
		attrs.Policy = graph.Present(aws.ToString(out.ResourcePolicy), src)
	case err == nil:
		attrs.Policy = graph.Absent(src)
	case collectors.IsNotFound(err):
		return // deleted since ListSecrets: gone, not hidden
	default:
		errs.Fail(t.Region, "GetResourcePolicy", name, err)
		attrs.Policy = graph.Hidden(src)
	}
	acct := graph.AccountOfARN(arn)
	if acct == "" {
		acct = t.Account
	}
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindSecret, Name: name, Account: acct, Region: t.Region, Attrs: attrs})
	if attrs.RotationLambda != "" {
		detail := "RotationLambdaARN, rotation enabled"
		if attrs.RotationEnabled != graph.True {
			detail = "RotationLambdaARN, rotation disabled"
		}
		b.AddEdge(graph.Edge{
			From: arn, To: attrs.RotationLambda, Kind: graph.EdgeTriggers, Via: graph.ViaRotationFunction, Certainty: attrs.RotationEnabled,
			Evidence: []graph.Evidence{{Source: "secretsmanager:ListSecrets", Detail: detail}},
		})
	}
}

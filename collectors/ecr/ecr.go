// Package ecr collects Amazon ECR private repositories and registries:
// each repository's policy, and each region's registry policy.
//
// # Calls
//
// Per region: DescribeRepositories in pages of 1,000 (maxResults; ECR
// answers 100 a page without it) and, beside it, GetRegistryPolicy once.
// Per repository: GetRepositoryPolicy. So a region with N repositories
// costs N + ceil(N/1000) + 1 calls. Repositories are read as their page
// arrives, RepositoryConcurrency at once.
//
// # What is not read
//
// Nothing that returns image content or credentials: ecr:BatchGetImage
// (image manifests), ecr:GetDownloadUrlForLayer (layer download URLs) and
// ecr:GetAuthorizationToken (a Docker password) are not needed — who may
// pull or push is a fact of the policies, not of the images — and the
// shipped IAM policy does not grant them (collectors/all tests it).
// DescribeImages is not read either: which image a workload runs comes
// from the workload (Lambda's GetFunction, collectors/lambda).
// Replication rules (DescribeRegistry) are left out: they copy this
// account's images out, which the registry policy of the destination, not
// this account, decides.
package ecr

import (
	"context"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const service = "ecr"

// api is the part of the ECR client the collector uses: reads only.
type api interface {
	DescribeRepositories(context.Context, *ecr.DescribeRepositoriesInput, ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
	GetRepositoryPolicy(context.Context, *ecr.GetRepositoryPolicyInput, ...func(*ecr.Options)) (*ecr.GetRepositoryPolicyOutput, error)
	GetRegistryPolicy(context.Context, *ecr.GetRegistryPolicyInput, ...func(*ecr.Options)) (*ecr.GetRegistryPolicyOutput, error)
}

// repositoriesPage is DescribeRepositories' largest page (API Reference:
// maxResults 1–1000).
const repositoriesPage = 1000

// Collector reads ECR in one account and region.
type Collector struct {
	// RepositoryConcurrency bounds repositories read at once (default 16);
	// the runner's token buckets bound the calls themselves.
	RepositoryConcurrency int
}

// New returns the ECR collector.
func New() *Collector { return &Collector{} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return service }

// Scope implements collectors.Collector.
func (*Collector) Scope() collectors.Scope { return collectors.Regional }

// Clients implements collectors.Describer.
func (*Collector) Clients() []collectors.ClientSpec {
	return []collectors.ClientSpec{
		{Interface: reflect.TypeFor[api](), Actions: map[string][]string{
			"DescribeRepositories": {"ecr:DescribeRepositories"},
			"GetRepositoryPolicy":  {"ecr:GetRepositoryPolicy"},
			"GetRegistryPolicy":    {"ecr:GetRegistryPolicy"},
		}},
	}
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, b *graph.Builder) error {
	return c.collect(ctx, t, b, ecr.NewFromConfig(t.Config))
}

func (c *Collector) collect(ctx context.Context, t collectors.Target, b *graph.Builder, client api) error {
	gaps := collectors.NewGaps(t, b, service)
	registry := make(chan struct{})
	go func() {
		defer close(registry)
		c.registry(ctx, t, b, client, gaps)
	}()
	p := ecr.NewDescribeRepositoriesPaginator(client, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(repositoriesPage)})
	collectors.ReadEach(ctx, gaps, t.Region, "DescribeRepositories", c.concurrency(), p.HasMorePages, p.NextPage,
		func(o *ecr.DescribeRepositoriesOutput) []types.Repository { return o.Repositories },
		func(ctx context.Context, repo types.Repository) { c.repository(ctx, t, b, client, repo, gaps) })
	<-registry
	return gaps.Done(ctx)
}

func (c *Collector) concurrency() int {
	if c.RepositoryConcurrency > 0 {
		return c.RepositoryConcurrency
	}
	return 16
}

// registry reads the region's registry policy. A registry without one
// adds no node: it lets no one in. A failed read adds the registry with
// its policy Unknown, so the report says what could not be judged.
func (c *Collector) registry(ctx context.Context, t collectors.Target, b *graph.Builder, client api, errs *collectors.Gaps) {
	const src = "ecr:GetRegistryPolicy"
	var doc graph.Doc
	out, err := client.GetRegistryPolicy(ctx, &ecr.GetRegistryPolicyInput{})
	switch {
	case err == nil && aws.ToString(out.PolicyText) != "":
		doc = graph.Present(aws.ToString(out.PolicyText), src)
	case err == nil, collectors.IsNotFound(err):
		return
	default:
		errs.Fail(t.Region, "GetRegistryPolicy", "", err)
		doc = graph.Hidden(src)
	}
	b.AddNode(graph.Node{
		ID: graph.RegistryID(t.Region, t.Account), Kind: graph.KindECRRegistry, Name: "ECR registry " + t.Region,
		Account: t.Account, Region: t.Region, Attrs: &graph.ECRRegistry{Policy: doc},
	})
}

// repository reads one repository's policy and adds its node.
func (c *Collector) repository(ctx context.Context, t collectors.Target, b *graph.Builder, client api, repo types.Repository, errs *collectors.Gaps) {
	const src = "ecr:GetRepositoryPolicy"
	name := aws.ToString(repo.RepositoryName)
	attrs := &graph.ECRRepository{
		URI:           aws.ToString(repo.RepositoryUri),
		TagMutability: string(repo.ImageTagMutability),
	}
	if repo.CreatedAt != nil {
		attrs.CreatedAt = repo.CreatedAt.UTC()
	}
	if repo.ImageScanningConfiguration != nil {
		attrs.ScanOnPush = repo.ImageScanningConfiguration.ScanOnPush
	}
	if e := repo.EncryptionConfiguration; e != nil {
		attrs.EncryptionType = string(e.EncryptionType)
		attrs.KMSKey = aws.ToString(e.KmsKey)
	}
	out, err := client.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String(name)})
	switch {
	case err == nil && aws.ToString(out.PolicyText) != "":
		attrs.Policy = graph.Present(aws.ToString(out.PolicyText), src)
	case err == nil, collectors.IsNotFound(err):
		// RepositoryPolicyNotFoundException: no policy. (A repository
		// deleted since the listing answers RepositoryNotFoundException,
		// which leaves it with no policy either.)
		attrs.Policy = graph.Absent(src)
	default:
		errs.Fail(t.Region, "GetRepositoryPolicy", name, err)
		attrs.Policy = graph.Hidden(src)
	}
	arn := aws.ToString(repo.RepositoryArn)
	if arn == "" {
		arn = graph.RepositoryARN(t.Region, t.Account, name)
	}
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindECRRepository, Name: name, Account: t.Account, Region: t.Region, Attrs: attrs})
}

package graph

import (
	"slices"

	"github.com/trustmap/trustmap/policy"
)

// ECR. A repository policy says who else may pull from or push to the
// repository; the registry policy of the account and region says who may
// replicate images into it (ecr:ReplicateImage, ECR User Guide, "Private
// registry permissions in Amazon ECR") or import upstream images through a
// pull through cache rule (ecr:BatchImportUpstreamImage). Every ECR call
// is signed (docker login needs credentials of some account, ECR User
// Guide, "Private registry authentication"), so "anyone" is any AWS
// account, never the anonymous internet.
//
// A grant of push (ecr:PutImage, ecr:InitiateLayerUpload, ...) or of
// replication into a repository is write access: with the provides-code
// edges from the repository to the functions that run its images, the
// paths analyzer follows it into their roles.

// ecrRepository derives the access edges of a repository: its own policy,
// and the registry policy's grants whose Resource covers it.
func (r *resolver) ecrRepository(n *Node) {
	repo := n.Repository()
	if repo == nil {
		return
	}
	if res, ok := r.judgePolicy(n, repo.Policy, "ecr", ViaRepositoryPolicy); ok && repo.Policy.State == True {
		r.grantEdges(n, res, ViaRepositoryPolicy, repo.Policy.Source, false, True, nil)
	}
	reg, ok := r.node(RegistryID(n.Region, n.Account))
	if !ok || reg.Registry() == nil || reg.Registry().Policy.State != True {
		return
	}
	res, ok := r.registryResult(reg)
	if !ok {
		return
	}
	for _, gr := range res.Grants {
		if !external(gr) || !grantCovers(gr, n.ID) {
			continue
		}
		var actions []string
		for _, a := range registryIntoRepository {
			if actionGranted(gr, a) {
				actions = append(actions, a)
			}
		}
		if len(actions) == 0 {
			continue
		}
		from := r.principal(gr.Principal, gr.PrincipalKind, n.Account, false)
		for kind, acts := range EdgeKindsFor(actions, nil) {
			e := grantEdge(from, n.ID, kind, ViaRegistryPolicy, acts, gr, reg.Registry().Policy.Source, True)
			e.Evidence[0].Detail = "the registry policy of " + n.Region + " lets it put images into this repository"
			r.edge(e)
		}
	}
}

// registryIntoRepository are the registry-policy actions that put images
// into an existing repository.
var registryIntoRepository = []string{"ecr:ReplicateImage", "ecr:BatchImportUpstreamImage"}

// ecrRegistry derives the access edges of a registry policy onto the
// registry itself: what it lets others do there (create repositories,
// replicate into them), whatever repositories exist today.
func (r *resolver) ecrRegistry(n *Node) {
	if n.Registry() == nil {
		return
	}
	res, ok := r.registryResult(n)
	if !ok || n.Registry().Policy.State != True {
		return
	}
	r.grantEdges(n, res, ViaRegistryPolicy, n.Registry().Policy.Source, false, True, nil)
}

// registryResult judges a registry policy once per Resolve (every
// repository of the region asks for it).
func (r *resolver) registryResult(reg *Node) (policy.Result, bool) {
	if r.registries == nil {
		r.registries = map[string]registryJudged{}
	}
	if j, ok := r.registries[reg.ID]; ok {
		return j.res, j.ok
	}
	res, ok := r.judgePolicy(reg, reg.Registry().Policy, "ecr", ViaRegistryPolicy)
	r.registries[reg.ID] = registryJudged{res, ok}
	return res, ok
}

type registryJudged struct {
	res policy.Result
	ok  bool
}

// grantCovers says whether a grant's Resource element covers resource.
func grantCovers(gr policy.Grant, resource string) bool {
	match := func(ps []string) bool {
		return slices.ContainsFunc(ps, func(p string) bool { return policy.ResourceMatches(p, resource) })
	}
	return (len(gr.Resources) == 0 || match(gr.Resources)) && !match(gr.NotResources)
}

// actionGranted says whether a grant allows action.
func actionGranted(gr policy.Grant, action string) bool {
	in := func(ps []string) bool {
		return slices.ContainsFunc(ps, func(p string) bool { return policy.ActionMatches(p, action) })
	}
	return in(gr.Actions) && !in(gr.NotActions)
}

// lambdaLayer derives access edges from a layer version's permissions:
// who may use (read) it. Lambda layer permissions grant
// lambda:GetLayerVersion to an account, an organization or "*" (Lambda
// Developer Guide, "Granting layer access to other accounts"); the calls
// are signed, so "*" is any AWS account. No one can write to a published
// version (versions are immutable), so a layer is never a way to inject
// code: its exposure is disclosure of the code it holds.
func (r *resolver) lambdaLayer(n *Node) {
	l := n.Layer()
	if l == nil {
		return
	}
	if res, ok := r.judgePolicy(n, l.Policy, "lambda", ViaLayerPolicy); ok && l.Policy.State == True {
		r.grantEdges(n, res, ViaLayerPolicy, l.Policy.Source, false, True, nil)
	}
}

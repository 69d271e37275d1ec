package apigateway

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// restAPI reads one REST API's stages, authorizers and resources and adds
// the API, its stages and methods, and their edges. A failed read leaves its
// fact Unknown and records a gap naming the API; an API deleted while it was
// being read (NotFoundException) is left out.
func (c *Collector) restAPI(ctx context.Context, t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, client api, a types.RestApi, budget *budget) {
	id := aws.ToString(a.Id)
	arn := APIARN(t.Region, id)
	r := &reader{ctx: ctx, t: t, b: b, gaps: gaps, client: client, id: id}
	attrs := &graph.RestAPI{
		APIID:                     id,
		APIKeySource:              string(a.ApiKeySource),
		DisableExecuteAPIEndpoint: a.DisableExecuteApiEndpoint,
		Policy:                    policyDoc(a.Policy, "apigateway:GetRestApis"),
	}
	if ec := a.EndpointConfiguration; ec != nil {
		for _, ty := range ec.Types {
			attrs.EndpointTypes = append(attrs.EndpointTypes, string(ty))
		}
		attrs.VPCEndpointIDs = ec.VpcEndpointIds
	}

	stages, vars, stageTags := r.stages()
	attrs.StagesKnown = r.known
	if r.gone {
		return
	}
	authorizers := r.authorizers()
	attrs.AuthorizersKnown, attrs.Authorizers = r.known, authorizers
	if r.gone {
		return
	}
	methods := r.methods()
	attrs.ResourcesKnown = r.known
	if r.gone {
		return
	}
	c.lookupIntegrations(r, methods, budget)

	// GetRestApis and GetStages return the tags: reading them costs no call.
	b.AddNode(graph.Node{ID: arn, Kind: graph.KindRestAPI, Name: aws.ToString(a.Name), Account: t.Account, Region: t.Region, Attrs: attrs, Tags: graph.TagMap(a.Tags)})
	for _, s := range stages {
		sid := StageARN(t.Region, id, s.StageName)
		b.AddNode(graph.Node{ID: sid, Kind: graph.KindRestAPIStage, Name: s.StageName, Account: t.Account, Region: t.Region, Attrs: s, Tags: stageTags[s.StageName]})
		b.AddEdge(graph.Edge{From: arn, To: sid, Kind: graph.EdgeContains, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: "apigateway:GetStages", Detail: "stage " + s.StageName}}})
	}
	byID := map[string]graph.Authorizer{}
	for _, au := range authorizers {
		byID[au.ID] = au
	}
	for _, m := range methods {
		addMethod(t, b, arn, m, vars, byID)
	}
}

// method is a method read from GetResources, with its integration when known.
type method struct {
	id, resourceID string
	attrs          *graph.APIMethod
	integration    *types.Integration
	source         string // the API the integration was read from
}

// reader reads one API's sub-collections. After each read, known says
// whether the read was complete; gone is set when the API no longer exists.
type reader struct {
	ctx    context.Context
	t      collectors.Target
	b      *graph.Builder
	gaps   *collectors.Gaps
	client api
	id     string
	known  graph.Tri
	gone   bool
}

// fail records err from api as a gap naming the API (or notes that the API
// was deleted) and leaves the fact Unknown.
func (r *reader) fail(api string, err error) {
	r.known = graph.Unknown
	if collectors.IsNotFound(err) {
		r.gone = true
		return
	}
	r.gaps.Fail(r.t.Region, api, r.id, err)
}

func (r *reader) stages() ([]*graph.APIStage, Stages, map[string]map[string]string) {
	r.known = graph.True
	out, err := r.client.GetStages(r.ctx, &apigateway.GetStagesInput{RestApiId: aws.String(r.id)})
	if err != nil {
		r.fail("GetStages", err)
		return nil, nil, nil
	}
	var stages []*graph.APIStage
	vars := Stages{}
	tags := map[string]map[string]string{}
	for _, s := range out.Item {
		name := aws.ToString(s.StageName)
		st := &graph.APIStage{APIID: r.id, StageName: name, WebACLARN: aws.ToString(s.WebAclArn), Tracing: s.TracingEnabled}
		if s.AccessLogSettings != nil && aws.ToString(s.AccessLogSettings.DestinationArn) != "" {
			st.AccessLogging = true
		}
		stages = append(stages, st)
		vars[name] = s.Variables
		tags[name] = graph.TagMap(s.Tags)
	}
	return stages, vars, tags
}

// authorizers pages through GetAuthorizers by hand: the Go SDK has no
// paginator for it. A position seen twice ends the loop.
func (r *reader) authorizers() []graph.Authorizer {
	r.known = graph.True
	var out []graph.Authorizer
	var pos *string
	seen := map[string]bool{}
	for {
		page, err := r.client.GetAuthorizers(r.ctx, &apigateway.GetAuthorizersInput{
			RestApiId: aws.String(r.id), Limit: aws.Int32(pageSize), Position: pos,
		})
		if err != nil {
			r.fail("GetAuthorizers", err)
			return out
		}
		for _, a := range page.Items {
			au := graph.Authorizer{
				ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Type: string(a.Type),
				URI: aws.ToString(a.AuthorizerUri), ProviderARNs: a.ProviderARNs,
			}
			au.Function = AuthorizerFunction(au.URI)
			for _, src := range strings.Split(aws.ToString(a.IdentitySource), ",") {
				if src = strings.TrimSpace(src); src != "" {
					au.IdentitySource = append(au.IdentitySource, src)
				}
			}
			out = append(out, au)
		}
		next := aws.ToString(page.Position)
		if next == "" || seen[next] {
			return out
		}
		seen[next] = true
		pos = aws.String(next)
	}
}

// methods reads every resource with its methods embedded: one paged
// GetResources per API, never one call per resource.
func (r *reader) methods() []*method {
	r.known = graph.True
	var out []*method
	p := apigateway.NewGetResourcesPaginator(r.client, &apigateway.GetResourcesInput{
		RestApiId: aws.String(r.id), Embed: []string{"methods"}, Limit: aws.Int32(pageSize),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(r.ctx)
		if err != nil {
			r.fail("GetResources", err)
			return out
		}
		for _, res := range page.Items {
			for verb, m := range res.ResourceMethods {
				if hm := aws.ToString(m.HttpMethod); hm != "" {
					verb = hm
				}
				mm := &method{resourceID: aws.ToString(res.Id), integration: m.MethodIntegration, source: "apigateway:GetResources"}
				mm.id = MethodARN(r.t.Region, r.id, mm.resourceID, verb)
				mm.attrs = &graph.APIMethod{
					APIID: r.id, Path: aws.ToString(res.Path), HTTPMethod: verb,
					AuthorizationType: aws.ToString(m.AuthorizationType), AuthorizerID: aws.ToString(m.AuthorizerId),
					APIKeyRequired: aws.ToBool(m.ApiKeyRequired),
				}
				out = append(out, mm)
			}
		}
	}
	return out
}

// lookupIntegrations reads the integration of methods whose GetResources
// entry did not embed one, within the region's budget. NotFoundException
// here means the method has no integration.
func (c *Collector) lookupIntegrations(r *reader, methods []*method, budget *budget) {
	skipped := 0
	for _, m := range methods {
		if m.integration != nil {
			m.attrs.IntegrationKnown = graph.True
			continue
		}
		if !budget.take() {
			skipped++
			continue
		}
		out, err := r.client.GetIntegration(r.ctx, &apigateway.GetIntegrationInput{
			RestApiId: aws.String(r.id), ResourceId: aws.String(m.resourceID), HttpMethod: aws.String(m.attrs.HTTPMethod),
		})
		switch {
		case err == nil:
			m.integration = &types.Integration{Type: out.Type, Uri: out.Uri, ConnectionType: out.ConnectionType, Credentials: out.Credentials}
			m.source = "apigateway:GetIntegration"
			m.attrs.IntegrationKnown = graph.True
		case collectors.IsNotFound(err):
			m.attrs.IntegrationKnown = graph.True // no integration set up
		default:
			r.gaps.Fail(r.t.Region, "GetIntegration", r.id+" "+m.attrs.HTTPMethod+" "+m.attrs.Path, err)
		}
	}
	if skipped > 0 {
		r.gaps.Add(graph.Gap{Region: r.t.Region, API: "GetIntegration", Resource: r.id, Resources: skipped,
			Status: graph.GapThrottled, Error: fmt.Sprintf("%d methods came without an embedded integration and were not read: "+
				"the region's GetIntegration budget is spent (API Gateway's shared 10 rps)", skipped)})
	}
}

// addMethod adds a method node and its edges: contained by the API,
// integrating with its backend, authorized by its authorizer.
func addMethod(t collectors.Target, b *graph.Builder, apiARN string, m *method, vars Stages, authorizers map[string]graph.Authorizer) {
	if it := m.integration; it != nil {
		m.attrs.IntegrationType = string(it.Type)
		m.attrs.IntegrationURI = aws.ToString(it.Uri)
	}
	name := m.attrs.HTTPMethod + " " + m.attrs.Path
	b.AddNode(graph.Node{ID: m.id, Kind: graph.KindRestAPIMethod, Name: name, Account: t.Account, Region: t.Region, Attrs: m.attrs})
	b.AddEdge(graph.Edge{From: apiARN, To: m.id, Kind: graph.EdgeContains, Certainty: graph.True,
		Evidence: []graph.Evidence{{Source: "apigateway:GetResources", Detail: name}}})
	if it := m.integration; it != nil {
		in := Integration{Type: string(it.Type), URI: aws.ToString(it.Uri), ConnectionType: string(it.ConnectionType), Region: t.Region, Account: t.Account}
		AddIntegrationEdges(b, m.id, in, vars, m.source)
		if role := aws.ToString(it.Credentials); strings.HasPrefix(role, "arn:") && !strings.Contains(role, ":user/*") {
			b.AddEdge(graph.Edge{From: m.id, To: role, Kind: graph.EdgeExecutesAs, Via: graph.ViaIntegrationCredentials, Certainty: graph.True,
				Evidence: []graph.Evidence{{Source: m.source, Detail: "the integration calls its backend as this role"}}})
		}
	}
	au, ok := authorizers[m.attrs.AuthorizerID]
	if !ok || m.attrs.AuthorizerID == "" {
		return
	}
	detail := fmt.Sprintf("%s authorizer %s (%s)", m.attrs.AuthorizationType, au.ID, au.Name)
	switch strings.ToUpper(m.attrs.AuthorizationType) {
	case "CUSTOM":
		if au.Function != "" {
			b.AddEdge(graph.Edge{From: m.id, To: au.Function, Kind: graph.EdgeAuthorizedBy, Via: graph.ViaLambdaAuthorizer, Certainty: graph.True,
				Evidence: []graph.Evidence{{Source: "apigateway:GetAuthorizers", Detail: detail + "; " + au.URI}}})
		}
	case "COGNITO_USER_POOLS":
		for _, pool := range au.ProviderARNs {
			b.AddEdge(graph.Edge{From: m.id, To: pool, Kind: graph.EdgeAuthorizedBy, Via: graph.ViaCognitoAuthorizer, Certainty: graph.True,
				Evidence: []graph.Evidence{{Source: "apigateway:GetAuthorizers", Detail: detail}}})
		}
	}
}

// AddIntegrationEdges adds integrates-with edges from a method or route to
// what its integration leads to, and an ExternalEndpoint node for each URL.
func AddIntegrationEdges(b *graph.Builder, from string, in Integration, stages Stages, source string) {
	for _, tg := range Targets(in, stages) {
		if tg.External {
			b.AddNode(graph.Node{ID: tg.ID, Kind: graph.KindExternalEndpoint, Name: hostOf(tg.ID)})
		}
		b.AddEdge(graph.Edge{From: from, To: tg.ID, Kind: graph.EdgeIntegratesWith, Via: graph.ViaIntegration, Certainty: graph.True,
			Evidence: []graph.Evidence{{Source: source, Detail: tg.Detail}}})
	}
}

func hostOf(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	host, _, _ := strings.Cut(rest, "/")
	return host
}

func policyDoc(raw *string, source string) graph.Doc {
	s := aws.ToString(raw)
	if s == "" {
		return graph.Absent(source)
	}
	return graph.Present(UnescapePolicy(s), source)
}

// budget is a count of calls left, safe for concurrent use.
type budget struct{ left atomic.Int64 }

func newBudget(n int) *budget {
	b := &budget{}
	switch {
	case n == 0:
		b.left.Store(100)
	case n > 0:
		b.left.Store(int64(n))
	}
	return b
}

func (b *budget) take() bool { return b.left.Add(-1) >= 0 }

package fakeaws

import (
	"slices"
	"strings"
)

// API Gateway v1 resources, methods, authorizers, stages and custom domains.

type agIntegrationJSON struct {
	Type                string            `json:"type"`
	HTTPMethod          string            `json:"httpMethod,omitempty"`
	URI                 string            `json:"uri,omitempty"`
	Credentials         string            `json:"credentials,omitempty"`
	RequestParameters   map[string]string `json:"requestParameters,omitempty"`
	ConnectionType      string            `json:"connectionType,omitempty"`
	PassthroughBehavior string            `json:"passthroughBehavior"`
	TimeoutInMillis     int               `json:"timeoutInMillis"`
	CacheNamespace      string            `json:"cacheNamespace"`
	CacheKeyParameters  []string          `json:"cacheKeyParameters"`
}

// agMethodJSON is a Method. Without embed=methods GetResources sends each
// verb with an empty object, so every field is omitted when empty.
type agMethodJSON struct {
	HTTPMethod        string             `json:"httpMethod,omitempty"`
	AuthorizationType string             `json:"authorizationType,omitempty"`
	AuthorizerID      string             `json:"authorizerId,omitempty"`
	APIKeyRequired    *bool              `json:"apiKeyRequired,omitempty"`
	MethodIntegration *agIntegrationJSON `json:"methodIntegration,omitempty"`
}

type agResourceJSON struct {
	ID              string                  `json:"id"`
	ParentID        string                  `json:"parentId,omitempty"`
	PathPart        string                  `json:"pathPart,omitempty"`
	Path            string                  `json:"path"`
	ResourceMethods map[string]agMethodJSON `json:"resourceMethods,omitempty"`
}

func agIntegration(r *RestResource, in *RestIntegration) *agIntegrationJSON {
	j := &agIntegrationJSON{
		Type:                in.Type,
		HTTPMethod:          in.HTTPMethod,
		URI:                 in.URI,
		Credentials:         in.Credentials,
		RequestParameters:   in.RequestParameters,
		PassthroughBehavior: "WHEN_NO_MATCH",
		TimeoutInMillis:     29000,
		CacheNamespace:      r.ID,
		CacheKeyParameters:  []string{},
	}
	if in.Type != "MOCK" {
		j.ConnectionType = "INTERNET"
	}
	return j
}

func agMethod(r *RestResource, verb string, m *RestMethod) agMethodJSON {
	j := agMethodJSON{
		HTTPMethod:        verb,
		AuthorizationType: orDefault(m.AuthorizationType, "NONE"),
		AuthorizerID:      m.AuthorizerID,
		APIKeyRequired:    &m.APIKeyRequired,
	}
	if m.Integration != nil {
		j.MethodIntegration = agIntegration(r, m.Integration)
	}
	return j
}

// agGetResources lists the API's resources. resourceMethods is keyed by
// verb; with embed=methods each holds the Method (with its integration),
// without it an empty object, as the AWS CLI example for get-resources shows
// ("resourceMethods": {"POST": {}}). A resource without methods has no
// resourceMethods.
func agGetResources(c *call, api *RestAPI) (*response, error) {
	embed := false
	for _, v := range c.r.URL.Query()["embed"] {
		embed = embed || slices.Contains(strings.Split(v, ","), "methods")
	}
	all := agResources(api)
	start, end, next, err := agPage(c, len(all))
	if err != nil {
		return nil, err
	}
	items := []agResourceJSON{}
	for _, r := range all[start:end] {
		j := agResourceJSON{ID: r.ID, ParentID: r.ParentID, PathPart: r.PathPart, Path: agPath(all, r, 0)}
		if j.Path != "/" && j.ParentID == "" {
			j.ParentID = all[0].ID
		}
		if j.PathPart == "" && j.Path != "/" {
			j.PathPart = j.Path[strings.LastIndex(j.Path, "/")+1:]
		}
		for verb, m := range r.Methods {
			if m == nil {
				m = &RestMethod{}
			}
			if j.ResourceMethods == nil {
				j.ResourceMethods = map[string]agMethodJSON{}
			}
			j.ResourceMethods[verb] = agMethodJSON{}
			if embed {
				j.ResourceMethods[verb] = agMethod(r, verb, m)
			}
		}
		items = append(items, j)
	}
	return agJSON(struct {
		Item     []agResourceJSON `json:"item"`
		Position string           `json:"position,omitempty"`
	}{items, next})
}

// agGetMethod answers GetMethod, or GetIntegration when integration is set.
func agGetMethod(c *call, api *RestAPI, resourceID, verb string, integration bool) (*response, error) {
	for _, r := range agResources(api) {
		if r.ID != resourceID {
			continue
		}
		m, ok := r.Methods[verb]
		if !ok {
			return nil, agError("apigateway", "NotFoundException", "Invalid Method identifier specified")
		}
		if m == nil {
			m = &RestMethod{}
		}
		if !integration {
			return agJSON(agMethod(r, verb, m))
		}
		if m.Integration == nil {
			return nil, agError("apigateway", "NotFoundException", "No integration defined for method")
		}
		return agJSON(agIntegration(r, m.Integration))
	}
	return nil, agError("apigateway", "NotFoundException", "Invalid Resource identifier specified")
}

type agAuthorizerJSON struct {
	ID                    string   `json:"id"`
	Name                  string   `json:"name"`
	Type                  string   `json:"type"`
	AuthorizerURI         string   `json:"authorizerUri,omitempty"`
	AuthorizerCredentials string   `json:"authorizerCredentials,omitempty"`
	IdentitySource        string   `json:"identitySource,omitempty"`
	ProviderARNs          []string `json:"providerARNs,omitempty"`
	ResultTTL             int      `json:"authorizerResultTtlInSeconds"`
}

// agGetAuthorizers pages with position/limit like the other lists; the Go
// SDK just has no paginator for it.
func agGetAuthorizers(c *call, api *RestAPI) (*response, error) {
	start, end, next, err := agPage(c, len(api.Authorizers))
	if err != nil {
		return nil, err
	}
	items := []agAuthorizerJSON{}
	for _, au := range api.Authorizers[start:end] {
		if au == nil {
			continue
		}
		ttl := 300
		if au.ResultTTL != nil {
			ttl = *au.ResultTTL
		}
		items = append(items, agAuthorizerJSON{
			ID: au.ID, Name: au.Name, Type: orDefault(au.Type, "TOKEN"),
			AuthorizerURI: au.AuthorizerURI, AuthorizerCredentials: au.AuthorizerCredentials,
			IdentitySource: au.IdentitySource, ProviderARNs: au.ProviderARNs, ResultTTL: ttl,
		})
	}
	return agJSON(struct {
		Item     []agAuthorizerJSON `json:"item"`
		Position string             `json:"position,omitempty"`
	}{items, next})
}

// RestMethodSetting is a stage's setting for one method ("resource/VERB",
// or "*/*" for all).
type RestMethodSetting struct {
	LoggingLevel         string   `yaml:"logging_level"` // OFF | ERROR | INFO
	MetricsEnabled       bool     `yaml:"metrics_enabled"`
	DataTraceEnabled     bool     `yaml:"data_trace_enabled"`
	ThrottlingBurstLimit *int     `yaml:"throttling_burst_limit"`
	ThrottlingRateLimit  *float64 `yaml:"throttling_rate_limit"`
	CachingEnabled       bool     `yaml:"caching_enabled"`
}

type agMethodSettingJSON struct {
	MetricsEnabled                         bool    `json:"metricsEnabled"`
	LoggingLevel                           string  `json:"loggingLevel"`
	DataTraceEnabled                       bool    `json:"dataTraceEnabled"`
	ThrottlingBurstLimit                   int     `json:"throttlingBurstLimit"`
	ThrottlingRateLimit                    float64 `json:"throttlingRateLimit"`
	CachingEnabled                         bool    `json:"cachingEnabled"`
	CacheTTLInSeconds                      int     `json:"cacheTtlInSeconds"`
	CacheDataEncrypted                     bool    `json:"cacheDataEncrypted"`
	RequireAuthorizationForCacheControl    bool    `json:"requireAuthorizationForCacheControl"`
	UnauthorizedCacheControlHeaderStrategy string  `json:"unauthorizedCacheControlHeaderStrategy"`
}

type agAccessLogJSON struct {
	DestinationARN string `json:"destinationArn"`
	Format         string `json:"format,omitempty"`
}

type agStageJSON struct {
	StageName          string                         `json:"stageName"`
	DeploymentID       string                         `json:"deploymentId,omitempty"`
	CreatedDate        int64                          `json:"createdDate"`
	LastUpdatedDate    int64                          `json:"lastUpdatedDate"`
	CacheClusterOn     bool                           `json:"cacheClusterEnabled"`
	CacheClusterStatus string                         `json:"cacheClusterStatus"`
	TracingEnabled     bool                           `json:"tracingEnabled"`
	WebACLARN          string                         `json:"webAclArn,omitempty"`
	AccessLogSettings  *agAccessLogJSON               `json:"accessLogSettings,omitempty"`
	MethodSettings     map[string]agMethodSettingJSON `json:"methodSettings"`
	Variables          map[string]string              `json:"variables,omitempty"`
	Tags               map[string]string              `json:"tags,omitempty"`
}

// agGetStages is not paginated; deploymentId filters.
func agGetStages(c *call, api *RestAPI) (*response, error) {
	dep := c.r.URL.Query().Get("deploymentId")
	items := []agStageJSON{}
	for _, st := range api.Stages {
		if st == nil || (dep != "" && st.DeploymentID != dep) {
			continue
		}
		created := orDefaultTime(st.Created)
		updated := st.LastUpdated
		if updated.IsZero() {
			updated = created
		}
		j := agStageJSON{
			StageName: st.Name, DeploymentID: st.DeploymentID,
			CreatedDate: created.Unix(), LastUpdatedDate: updated.Unix(),
			CacheClusterStatus: "NOT_AVAILABLE", TracingEnabled: st.TracingEnabled,
			WebACLARN: st.WebACLARN, MethodSettings: map[string]agMethodSettingJSON{}, Variables: st.Variables, Tags: st.Tags,
		}
		if st.AccessLogDestination != "" {
			j.AccessLogSettings = &agAccessLogJSON{DestinationARN: st.AccessLogDestination, Format: st.AccessLogFormat}
		}
		for path, ms := range st.MethodSettings {
			if ms == nil {
				ms = &RestMethodSetting{}
			}
			s := agMethodSettingJSON{
				MetricsEnabled: ms.MetricsEnabled, LoggingLevel: orDefault(ms.LoggingLevel, "OFF"),
				DataTraceEnabled: ms.DataTraceEnabled, ThrottlingBurstLimit: 5000, ThrottlingRateLimit: 10000,
				CachingEnabled: ms.CachingEnabled, CacheTTLInSeconds: 300,
				RequireAuthorizationForCacheControl: true, UnauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER",
			}
			if ms.ThrottlingBurstLimit != nil {
				s.ThrottlingBurstLimit = *ms.ThrottlingBurstLimit
			}
			if ms.ThrottlingRateLimit != nil {
				s.ThrottlingRateLimit = *ms.ThrottlingRateLimit
			}
			j.MethodSettings[path] = s
		}
		items = append(items, j)
	}
	return agJSON(struct {
		Item []agStageJSON `json:"item"`
	}{items})
}

type agDomainNameJSON struct {
	DomainName               string            `json:"domainName"`
	CertificateARN           string            `json:"certificateArn,omitempty"`
	DistributionDomainName   string            `json:"distributionDomainName,omitempty"`
	DistributionHostedZoneID string            `json:"distributionHostedZoneId,omitempty"`
	RegionalCertificateARN   string            `json:"regionalCertificateArn,omitempty"`
	RegionalDomainName       string            `json:"regionalDomainName,omitempty"`
	RegionalHostedZoneID     string            `json:"regionalHostedZoneId,omitempty"`
	EndpointConfiguration    agEndpointConfig  `json:"endpointConfiguration"`
	DomainNameStatus         string            `json:"domainNameStatus"`
	SecurityPolicy           string            `json:"securityPolicy"`
	Tags                     map[string]string `json:"tags"`
}

// agDomains is the caller's custom domains in the request's region.
func agDomains(c *call) []*DomainName {
	a := c.account()
	var out []*DomainName
	for _, d := range a.APIGateway.DomainNames {
		if d != nil && orDefault(d.Region, a.homeRegion()) == c.region {
			out = append(out, d)
		}
	}
	return out
}

// agGetDomainNames: resourceOwner=OTHER_ACCOUNTS lists domains shared from
// other accounts, which a fixture cannot hold, so it is empty.
func agGetDomainNames(c *call) (*response, error) {
	domains := agDomains(c)
	if c.r.URL.Query().Get("resourceOwner") == "OTHER_ACCOUNTS" {
		domains = nil
	}
	start, end, next, err := agPage(c, len(domains))
	if err != nil {
		return nil, err
	}
	items := []agDomainNameJSON{}
	for _, d := range domains[start:end] {
		types := d.EndpointTypes
		if len(types) == 0 {
			types = []string{"EDGE"}
		}
		j := agDomainNameJSON{
			DomainName: d.Name, EndpointConfiguration: agEndpointConfig{Types: types},
			DomainNameStatus: "AVAILABLE", SecurityPolicy: orDefault(d.SecurityPolicy, "TLS_1_2"), Tags: map[string]string{},
		}
		if slices.Contains(types, "EDGE") {
			j.CertificateARN = d.CertificateARN
			j.DistributionDomainName = "d" + agShortID("cf:"+d.Name, 13) + ".cloudfront.net"
			j.DistributionHostedZoneID = "Z2FDTNDATAQYW2" // CloudFront's, the same everywhere
		} else {
			j.RegionalCertificateARN = d.CertificateARN
			j.RegionalDomainName = "d-" + agShortID("rd:"+d.Name, 10) + ".execute-api." + c.region + ".amazonaws.com"
			if c.region == "us-east-1" {
				j.RegionalHostedZoneID = "Z1UJRXOUMOOFQ8" // aws_wire.md §8
			}
		}
		items = append(items, j)
	}
	return agJSON(struct {
		Item     []agDomainNameJSON `json:"item"`
		Position string             `json:"position,omitempty"`
	}{items, next})
}

type agBasePathMappingJSON struct {
	BasePath  string `json:"basePath"`
	RestAPIID string `json:"restApiId"`
	Stage     string `json:"stage,omitempty"`
}

// agGetBasePathMappings: an empty base path is the literal "(none)".
func agGetBasePathMappings(c *call, name string) (*response, error) {
	var d *DomainName
	for _, dn := range agDomains(c) {
		if dn.Name == name {
			d = dn
		}
	}
	if d == nil {
		return nil, agError("apigateway", "NotFoundException", "Invalid domain name identifier specified")
	}
	start, end, next, err := agPage(c, len(d.Mappings))
	if err != nil {
		return nil, err
	}
	items := []agBasePathMappingJSON{}
	for _, m := range d.Mappings[start:end] {
		items = append(items, agBasePathMappingJSON{BasePath: orDefault(m.BasePath, "(none)"), RestAPIID: m.RestAPIID, Stage: m.Stage})
	}
	return agJSON(struct {
		Item     []agBasePathMappingJSON `json:"item"`
		Position string                  `json:"position,omitempty"`
	}{items, next})
}

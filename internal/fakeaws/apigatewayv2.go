package fakeaws

import (
	"net/http"
	"strconv"
	"time"
)

// API Gateway v2 (HTTP and WebSocket APIs, REST-JSON): aws_wire.md §9.
// Requests sign as apigateway; serviceOf routes /v2/ paths here. Keys are
// lower camel case, timestamps ISO 8601 strings, lists {"items", "nextToken"}.
//
// Paging: maxResults is a string in the model. Without it the whole list
// comes back with no nextToken (observed on AWS: "v2 repeats the SQS
// pagination trap: no NextToken without MaxResults"); with it, pages of that
// size. The docs give no default page size and no maximum.

func apigatewayv2Service() *service {
	return &service{route: func(c *call) (operation, bool) {
		seg := agSegments(c.r.URL)
		if c.r.Method != http.MethodGet || len(seg) < 2 || seg[0] != "v2" || seg[1] != "apis" {
			return operation{}, false
		}
		if len(seg) == 2 {
			return operation{name: "GetApis", handle: agv2GetApis}, true
		}
		if len(seg) != 4 {
			return operation{}, false
		}
		id := seg[2]
		handlers := map[string]struct {
			name string
			h    func(*call, *HTTPAPI) (*response, error)
		}{
			"routes":       {"GetRoutes", agv2GetRoutes},
			"authorizers":  {"GetAuthorizers", agv2GetAuthorizers},
			"integrations": {"GetIntegrations", agv2GetIntegrations},
			"stages":       {"GetStages", agv2GetStages},
		}
		op, ok := handlers[seg[3]]
		if !ok {
			return operation{}, false
		}
		return operation{name: op.name, resource: id, handle: func(c *call) (*response, error) {
			api, err := agv2FindAPI(c, id)
			if err != nil {
				return nil, err
			}
			return op.h(c, api)
		}}, true
	}}
}

func agv2FindAPI(c *call, id string) (*HTTPAPI, error) {
	a := c.account()
	for _, api := range a.APIGatewayV2.APIs {
		if api != nil && api.ID == id && orDefault(api.Region, a.homeRegion()) == c.region {
			return api, nil
		}
	}
	return nil, agError("apigatewayv2", "NotFoundException", "Invalid API identifier specified %s:%s", a.ID, id)
}

// agv2Page pages n items with maxResults/nextToken (see the file comment).
func agv2Page(c *call, n int) (start, end int, next string, err error) {
	q := c.r.URL.Query()
	if t := q.Get("nextToken"); t != "" {
		start, err = agDecodeToken(t, "next")
		if err != nil || start > n {
			return 0, 0, "", agError("apigatewayv2", "BadRequestException", "Invalid nextToken")
		}
	}
	if !q.Has("maxResults") {
		return start, n, "", nil
	}
	limit, err := strconv.Atoi(q.Get("maxResults"))
	if err != nil || limit < 1 {
		return 0, 0, "", agError("apigatewayv2", "BadRequestException", "Invalid maxResults: %s", q.Get("maxResults"))
	}
	end = min(n, start+limit)
	if end < n {
		next = agEncodeToken("next", end)
	}
	return start, end, next, nil
}

// agv2List writes {"items": [...], "nextToken": ...} for the page of list
// that the request asks for, converting each item with conv.
func agv2List[T, J any](c *call, list []*T, conv func(*T) J) (*response, error) {
	var all []*T
	for _, v := range list {
		if v != nil {
			all = append(all, v)
		}
	}
	start, end, next, err := agv2Page(c, len(all))
	if err != nil {
		return nil, err
	}
	items := []J{}
	for _, v := range all[start:end] {
		items = append(items, conv(v))
	}
	return agJSON(struct {
		Items     []J    `json:"items"`
		NextToken string `json:"nextToken,omitempty"`
	}{items, next})
}

func agv2Time(t time.Time) string { return orDefaultTime(t).UTC().Format(time.RFC3339) }

type agv2APIJSON struct {
	APIID                     string            `json:"apiId"`
	Name                      string            `json:"name"`
	ProtocolType              string            `json:"protocolType"`
	RouteSelectionExpression  string            `json:"routeSelectionExpression"`
	APIKeySelectionExpression string            `json:"apiKeySelectionExpression"`
	APIEndpoint               string            `json:"apiEndpoint"`
	CreatedDate               string            `json:"createdDate"`
	DisableExecuteAPIEndpoint bool              `json:"disableExecuteApiEndpoint"`
	IPAddressType             string            `json:"ipAddressType"`
	Tags                      map[string]string `json:"tags"`
}

func agv2GetApis(c *call) (*response, error) {
	a := c.account()
	var apis []*HTTPAPI
	for _, api := range a.APIGatewayV2.APIs {
		if api != nil && orDefault(api.Region, a.homeRegion()) == c.region {
			apis = append(apis, api)
		}
	}
	return agv2List(c, apis, func(api *HTTPAPI) agv2APIJSON {
		scheme, rse := "https", "$request.method $request.path"
		if api.ProtocolType == "WEBSOCKET" {
			scheme, rse = "wss", "$request.body.action"
		}
		return agv2APIJSON{
			APIID: api.ID, Name: api.Name, ProtocolType: api.ProtocolType,
			RouteSelectionExpression:  orDefault(api.RouteSelectionExpression, rse),
			APIKeySelectionExpression: "$request.header.x-api-key",
			APIEndpoint:               scheme + "://" + api.ID + ".execute-api." + c.region + ".amazonaws.com",
			CreatedDate:               agv2Time(api.Created),
			DisableExecuteAPIEndpoint: api.DisableExecuteAPIEndpoint,
			IPAddressType:             "ipv4",
			Tags:                      orEmptyTags(api.Tags),
		}
	})
}

type agv2RouteJSON struct {
	RouteID           string `json:"routeId"`
	RouteKey          string `json:"routeKey"`
	AuthorizationType string `json:"authorizationType"`
	AuthorizerID      string `json:"authorizerId,omitempty"`
	APIKeyRequired    bool   `json:"apiKeyRequired"`
	Target            string `json:"target,omitempty"`
	APIGatewayManaged bool   `json:"apiGatewayManaged"`
}

func agv2GetRoutes(c *call, api *HTTPAPI) (*response, error) {
	return agv2List(c, api.Routes, func(r *V2Route) agv2RouteJSON {
		return agv2RouteJSON{
			RouteID: r.ID, RouteKey: r.RouteKey, AuthorizationType: orDefault(r.AuthorizationType, "NONE"),
			AuthorizerID: r.AuthorizerID, APIKeyRequired: r.APIKeyRequired, Target: r.Target,
		}
	})
}

type agv2JWTJSON struct {
	Audience []string `json:"audience,omitempty"`
	Issuer   string   `json:"issuer,omitempty"`
}

type agv2AuthorizerJSON struct {
	AuthorizerID             string       `json:"authorizerId"`
	Name                     string       `json:"name"`
	AuthorizerType           string       `json:"authorizerType"`
	IdentitySource           []string     `json:"identitySource,omitempty"`
	JWTConfiguration         *agv2JWTJSON `json:"jwtConfiguration,omitempty"`
	AuthorizerURI            string       `json:"authorizerUri,omitempty"`
	AuthorizerCredentialsARN string       `json:"authorizerCredentialsArn,omitempty"`
	PayloadFormatVersion     string       `json:"authorizerPayloadFormatVersion,omitempty"`
	ResultTTL                *int         `json:"authorizerResultTtlInSeconds,omitempty"`
	EnableSimpleResponses    *bool        `json:"enableSimpleResponses,omitempty"`
}

// agv2GetAuthorizers: JWT authorizers carry jwtConfiguration; Lambda
// (REQUEST) ones on HTTP APIs carry a payload format version ("2.0" unless
// the fixture says otherwise) and enableSimpleResponses.
func agv2GetAuthorizers(c *call, api *HTTPAPI) (*response, error) {
	return agv2List(c, api.Authorizers, func(au *V2Authorizer) agv2AuthorizerJSON {
		j := agv2AuthorizerJSON{
			AuthorizerID: au.ID, Name: au.Name, AuthorizerType: orDefault(au.Type, "REQUEST"),
			IdentitySource: au.IdentitySource, AuthorizerURI: au.AuthorizerURI,
			AuthorizerCredentialsARN: au.CredentialsARN, ResultTTL: au.ResultTTL,
		}
		switch {
		case j.AuthorizerType == "JWT":
			j.JWTConfiguration = &agv2JWTJSON{Audience: au.JWTAudience, Issuer: au.JWTIssuer}
		case api.ProtocolType == "HTTP":
			j.PayloadFormatVersion = orDefault(au.PayloadFormatVersion, "2.0")
			j.EnableSimpleResponses = &au.EnableSimpleResponses
		}
		return j
	})
}

type agv2IntegrationJSON struct {
	IntegrationID        string            `json:"integrationId"`
	IntegrationType      string            `json:"integrationType"`
	IntegrationSubtype   string            `json:"integrationSubtype,omitempty"`
	IntegrationURI       string            `json:"integrationUri,omitempty"`
	IntegrationMethod    string            `json:"integrationMethod,omitempty"`
	CredentialsARN       string            `json:"credentialsArn,omitempty"`
	RequestParameters    map[string]string `json:"requestParameters,omitempty"`
	PayloadFormatVersion string            `json:"payloadFormatVersion"`
	ConnectionType       string            `json:"connectionType"`
	ConnectionID         string            `json:"connectionId,omitempty"`
	TimeoutInMillis      int               `json:"timeoutInMillis"`
	APIGatewayManaged    bool              `json:"apiGatewayManaged"`
}

// agv2GetIntegrations: payloadFormatVersion defaults to "1.0" (the only
// value outside HTTP API Lambda proxies); timeouts are the documented
// defaults, 30 s for HTTP APIs and 29 s for WebSocket APIs.
func agv2GetIntegrations(c *call, api *HTTPAPI) (*response, error) {
	timeout := 30000
	if api.ProtocolType == "WEBSOCKET" {
		timeout = 29000
	}
	return agv2List(c, api.Integrations, func(in *V2Integration) agv2IntegrationJSON {
		return agv2IntegrationJSON{
			IntegrationID: in.ID, IntegrationType: in.Type, IntegrationSubtype: in.Subtype,
			IntegrationURI: in.URI, IntegrationMethod: in.Method, CredentialsARN: in.CredentialsARN,
			RequestParameters: in.RequestParameters, PayloadFormatVersion: orDefault(in.PayloadFormatVersion, "1.0"),
			ConnectionType: orDefault(in.ConnectionType, "INTERNET"), ConnectionID: in.ConnectionID,
			TimeoutInMillis: timeout,
		}
	})
}

type agv2StageJSON struct {
	StageName            string            `json:"stageName"`
	AutoDeploy           bool              `json:"autoDeploy"`
	DeploymentID         string            `json:"deploymentId,omitempty"`
	CreatedDate          string            `json:"createdDate"`
	LastUpdatedDate      string            `json:"lastUpdatedDate"`
	AccessLogSettings    *agAccessLogJSON  `json:"accessLogSettings,omitempty"`
	DefaultRouteSettings map[string]bool   `json:"defaultRouteSettings"`
	RouteSettings        map[string]any    `json:"routeSettings"`
	StageVariables       map[string]string `json:"stageVariables"`
	Tags                 map[string]string `json:"tags"`
	APIGatewayManaged    bool              `json:"apiGatewayManaged"`
}

// agv2GetStages: defaultRouteSettings is {"detailedMetricsEnabled": false}
// as in the AWS CLI update-stage example.
func agv2GetStages(c *call, api *HTTPAPI) (*response, error) {
	return agv2List(c, api.Stages, func(st *V2Stage) agv2StageJSON {
		updated := st.LastUpdated
		if updated.IsZero() {
			updated = st.Created
		}
		j := agv2StageJSON{
			StageName: st.Name, AutoDeploy: st.AutoDeploy, DeploymentID: st.DeploymentID,
			CreatedDate: agv2Time(st.Created), LastUpdatedDate: agv2Time(updated),
			DefaultRouteSettings: map[string]bool{"detailedMetricsEnabled": false},
			RouteSettings:        map[string]any{}, StageVariables: st.Variables, Tags: orEmptyTags(st.Tags),
		}
		if j.StageVariables == nil {
			j.StageVariables = map[string]string{}
		}
		if st.AccessLogDestination != "" {
			j.AccessLogSettings = &agAccessLogJSON{DestinationARN: st.AccessLogDestination, Format: st.AccessLogFormat}
		}
		return j
	})
}

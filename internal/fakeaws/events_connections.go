package fakeaws

import (
	"slices"
	"strings"
)

// EventBridge connections and API destinations (events.go has the service).
// A connection's credentials live in a Secrets Manager secret EventBridge
// owns; the API never returns them (API Reference, DescribeConnection).

func (ec *EventConnection) id(a *Account) string {
	return orDefault(ec.ID, derivedUUID("events-connection:"+a.ID+":"+regionOf(a, ec.Region)+":"+ec.Name))
}

func (ec *EventConnection) arn(a *Account) string {
	return eventsARN(regionOf(a, ec.Region), a.ID, "connection/"+ec.Name+"/"+ec.id(a))
}

// secretName is the Secrets Manager secret EventBridge keeps the
// connection's credentials in (OwningService events).
func (ec *EventConnection) secretName(a *Account) string {
	return "events!connection/" + ec.Name + "/" + derivedUUID("events-connection-secret:"+ec.arn(a))
}

func connectionsIn(a *Account, region string) []*EventConnection {
	var out []*EventConnection
	for _, ec := range a.EventBridge.Connections {
		if ec != nil && regionOf(a, ec.Region) == region {
			out = append(out, ec)
		}
	}
	slices.SortFunc(out, func(x, y *EventConnection) int { return strings.Compare(x.Name, y.Name) })
	return out
}

type connectionJSON struct {
	ConnectionArn      string
	Name               string
	ConnectionState    string
	StateReason        string `json:",omitempty"`
	AuthorizationType  string
	Description        string          `json:",omitempty"`
	SecretArn          string          `json:",omitempty"`
	KmsKeyIdentifier   string          `json:",omitempty"`
	AuthParameters     *authParamsJSON `json:",omitempty"`
	CreationTime       epochSeconds
	LastModifiedTime   epochSeconds
	LastAuthorizedTime *epochSeconds `json:",omitempty"`
}

type authParamsJSON struct {
	ApiKeyAuthParameters     *struct{ ApiKeyName string } `json:",omitempty"`
	BasicAuthParameters      *struct{ Username string }   `json:",omitempty"`
	OAuthParameters          *oauthJSON                   `json:",omitempty"`
	InvocationHttpParameters *connParamsJSON              `json:",omitempty"`
}

type oauthJSON struct {
	ClientParameters      struct{ ClientID string }
	AuthorizationEndpoint string
	HttpMethod            string
	OAuthHttpParameters   *connParamsJSON `json:",omitempty"`
}

type connParamsJSON struct {
	HeaderParameters      []connParamJSON `json:",omitempty"`
	QueryStringParameters []connParamJSON `json:",omitempty"`
	BodyParameters        []connParamJSON `json:",omitempty"`
}

type connParamJSON struct {
	Key           string
	Value         string `json:",omitempty"`
	IsValueSecret bool
}

// connParams renders extra parameters; a secret parameter's value is left
// out, as DescribeConnection does.
func connParams(p *EventConnectionParams) *connParamsJSON {
	if p == nil {
		return nil
	}
	conv := func(ps []EventConnectionParam) []connParamJSON {
		var out []connParamJSON
		for _, x := range ps {
			v := x.Value
			if x.Secret {
				v = ""
			}
			out = append(out, connParamJSON{x.Key, v, x.Secret})
		}
		return out
	}
	return &connParamsJSON{conv(p.Headers), conv(p.QueryString), conv(p.Body)}
}

// connectionToJSON renders a connection. ListConnections carries no
// AuthParameters or SecretArn; DescribeConnection does, but never a secret:
// the API key value, password and client secret stay in Secrets Manager
// (API Reference, DescribeConnection / ConnectionAuthResponseParameters).
func connectionToJSON(a *Account, ec *EventConnection, full bool) connectionJSON {
	created := epochSeconds(orDefaultTime(ec.Created))
	out := connectionJSON{ConnectionArn: ec.arn(a), Name: ec.Name, ConnectionState: orDefault(ec.State, "AUTHORIZED"), StateReason: ec.StateReason,
		AuthorizationType: ec.AuthorizationType, CreationTime: created, LastModifiedTime: created}
	if out.ConnectionState == "AUTHORIZED" {
		out.LastAuthorizedTime = &created
	}
	if !full {
		return out
	}
	region := regionOf(a, ec.Region)
	out.Description, out.KmsKeyIdentifier = ec.Description, ec.KMSKey
	out.SecretArn = secretARN(region, a.ID, ec.secretName(a), derivedAlnum(6, "events-connection-suffix:"+ec.arn(a)))
	ap := &authParamsJSON{InvocationHttpParameters: connParams(ec.Invocation)}
	switch {
	case ec.APIKey != nil:
		ap.ApiKeyAuthParameters = &struct{ ApiKeyName string }{ec.APIKey.Name}
	case ec.Basic != nil:
		ap.BasicAuthParameters = &struct{ Username string }{ec.Basic.Username}
	case ec.OAuth != nil:
		o := &oauthJSON{AuthorizationEndpoint: ec.OAuth.AuthorizationEndpoint, HttpMethod: orDefault(ec.OAuth.HTTPMethod, "POST"),
			OAuthHttpParameters: connParams(ec.OAuth.Parameters)}
		o.ClientParameters.ClientID = ec.OAuth.ClientID
		ap.OAuthParameters = o
	}
	out.AuthParameters = ap
	return out
}

func eventsListConnections(c *call, req *eventsRequest) (*response, error) {
	a := c.account()
	var conns []*EventConnection
	for _, ec := range connectionsIn(a, c.region) {
		if strings.HasPrefix(ec.Name, req.NamePrefix) && (req.ConnectionState == "" || orDefault(ec.State, "AUTHORIZED") == req.ConnectionState) {
			conns = append(conns, ec)
		}
	}
	conns, next, err := eventsPage(req, conns, func(ec *EventConnection) string { return ec.Name }, "connection")
	if err != nil {
		return nil, err
	}
	out := struct {
		Connections []connectionJSON
		NextToken   string `json:",omitempty"`
	}{Connections: []connectionJSON{}, NextToken: next}
	for _, ec := range conns {
		out.Connections = append(out.Connections, connectionToJSON(a, ec, false))
	}
	return json11(out)
}

func eventsDescribeConnection(c *call, req *eventsRequest) (*response, error) {
	a := c.account()
	for _, ec := range connectionsIn(a, c.region) {
		if ec.Name == req.Name {
			return json11(connectionToJSON(a, ec, true))
		}
	}
	return nil, eventsNotFound("Failed to describe the connection(s). Connection '" + req.Name + "' does not exist.")
}

func (d *APIDestination) arn(a *Account) string {
	region := regionOf(a, d.Region)
	return eventsARN(region, a.ID, "api-destination/"+d.Name+"/"+orDefault(d.ID, derivedUUID("events-api-destination:"+a.ID+":"+region+":"+d.Name)))
}

type apiDestinationJSON struct {
	ApiDestinationArn            string
	Name                         string
	ApiDestinationState          string
	ConnectionArn                string
	InvocationEndpoint           string
	HttpMethod                   string
	InvocationRateLimitPerSecond int
	Description                  string `json:",omitempty"`
	CreationTime                 epochSeconds
	LastModifiedTime             epochSeconds
}

func apiDestinationToJSON(a *Account, d *APIDestination, full bool) apiDestinationJSON {
	created := epochSeconds(orDefaultTime(d.Created))
	conn := ""
	for _, ec := range connectionsIn(a, regionOf(a, d.Region)) {
		if ec.Name == d.Connection {
			conn = ec.arn(a)
		}
	}
	rate := d.RateLimit
	if rate == 0 {
		rate = 300 // CreateApiDestination: "If you don't specify a value, the default is 300"
	}
	out := apiDestinationJSON{ApiDestinationArn: d.arn(a), Name: d.Name, ApiDestinationState: orDefault(d.State, "ACTIVE"), ConnectionArn: conn,
		InvocationEndpoint: d.Endpoint, HttpMethod: d.HTTPMethod, InvocationRateLimitPerSecond: rate, CreationTime: created, LastModifiedTime: created}
	if full {
		out.Description = d.Description
	}
	return out
}

func destinationsIn(a *Account, region string) []*APIDestination {
	var out []*APIDestination
	for _, d := range a.EventBridge.APIDestinations {
		if d != nil && regionOf(a, d.Region) == region {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(x, y *APIDestination) int { return strings.Compare(x.Name, y.Name) })
	return out
}

func eventsListAPIDestinations(c *call, req *eventsRequest) (*response, error) {
	a := c.account()
	var dests []apiDestinationJSON
	for _, d := range destinationsIn(a, c.region) {
		j := apiDestinationToJSON(a, d, false)
		if strings.HasPrefix(d.Name, req.NamePrefix) && (req.ConnectionArn == "" || j.ConnectionArn == req.ConnectionArn) {
			dests = append(dests, j)
		}
	}
	dests, next, err := eventsPage(req, dests, func(d apiDestinationJSON) string { return d.Name }, "api-destination")
	if err != nil {
		return nil, err
	}
	return json11(struct {
		ApiDestinations []apiDestinationJSON
		NextToken       string `json:",omitempty"`
	}{append([]apiDestinationJSON{}, dests...), next})
}

func eventsDescribeAPIDestination(c *call, req *eventsRequest) (*response, error) {
	a := c.account()
	for _, d := range destinationsIn(a, c.region) {
		if d.Name == req.Name {
			return json11(apiDestinationToJSON(a, d, true))
		}
	}
	return nil, eventsNotFound("Failed to describe the api-destination(s). An api-destination '" + req.Name + "' does not exist.")
}

package fakeaws

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// Amazon OpenSearch Service (REST-JSON, API 2021-01-01, signing name es).
// Members are UpperCamelCase as in the model. ResourceNotFoundException is
// HTTP 409, ThrottlingException 429 (botocore service-2 httpStatusCode).
// Neither ListDomainNames nor DescribeDomains pages; DescribeDomains takes
// at most 5 names (API reference, "DescribeDomains").

func opensearchService() *service {
	return &service{route: func(c *call) (operation, bool) {
		seg := agSegments(c.r.URL)
		if len(seg) < 2 || seg[0] != "2021-01-01" {
			return operation{}, false
		}
		switch {
		case c.r.Method == http.MethodGet && len(seg) == 2 && seg[1] == "domain":
			return operation{name: "ListDomainNames", handle: osListDomainNames}, true
		case c.r.Method == http.MethodGet && len(seg) == 4 && seg[1] == "opensearch" && seg[2] == "domain":
			return operation{name: "DescribeDomain", resource: seg[3], handle: func(c *call) (*response, error) {
				return osDescribeDomain(c, seg[3])
			}}, true
		case c.r.Method == http.MethodPost && len(seg) == 3 && seg[1] == "opensearch" && seg[2] == "domain-info":
			return operation{name: "DescribeDomains", handle: osDescribeDomains}, true
		}
		return operation{}, false
	}}
}

func osDomains(c *call) []*OpenSearchDomain {
	a := c.account()
	var out []*OpenSearchDomain
	for _, d := range a.OpenSearch.Domains {
		if d != nil && orDefault(d.Region, a.homeRegion()) == c.region {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(x, y *OpenSearchDomain) int { return strings.Compare(x.Name, y.Name) })
	return out
}

func osVersion(d *OpenSearchDomain) string { return orDefault(d.EngineVersion, "OpenSearch_2.13") }

// osListDomainNames lists every domain of the region, or those of one
// engineType (OpenSearch | Elasticsearch; anything else is a
// ValidationException).
func osListDomainNames(c *call) (*response, error) {
	engine := c.r.URL.Query().Get("engineType")
	if engine != "" && engine != "OpenSearch" && engine != "Elasticsearch" {
		return nil, errorFor("es", "ValidationException", "1 validation error detected: Value '"+engine+
			"' at 'engineType' failed to satisfy constraint: Member must satisfy enum value set: [OpenSearch, Elasticsearch]")
	}
	type info struct{ DomainName, EngineType string }
	names := []info{}
	for _, d := range osDomains(c) {
		if t := osEngineType(osVersion(d)); engine == "" || t == engine {
			names = append(names, info{d.Name, t})
		}
	}
	return agJSON(map[string]any{"DomainNames": names})
}

func osDescribeDomain(c *call, name string) (*response, error) {
	for _, d := range osDomains(c) {
		if d.Name == name {
			return agJSON(map[string]any{"DomainStatus": osStatus(c, d)})
		}
	}
	return nil, errorFor("es", "ResourceNotFoundException", "Domain not found: "+name)
}

// osDescribeDomains answers the named domains that exist (unknown names are
// left out); 1 to 5 names, else ValidationException.
func osDescribeDomains(c *call) (*response, error) {
	var in struct{ DomainNames []string }
	if err := json.Unmarshal(c.body, &in); err != nil {
		return nil, errorFor("es", "ValidationException", "The request body is not valid JSON.")
	}
	if len(in.DomainNames) == 0 || len(in.DomainNames) > 5 {
		return nil, errorFor("es", "ValidationException", "1 validation error detected: Value at 'domainNames' failed to satisfy constraint: Member must have length less than or equal to 5 and greater than or equal to 1")
	}
	list := []map[string]any{}
	for _, d := range osDomains(c) {
		if slices.Contains(in.DomainNames, d.Name) {
			list = append(list, osStatus(c, d))
		}
	}
	return agJSON(map[string]any{"DomainStatusList": list})
}

// osStatus is a DomainStatus. A public domain has Endpoint; a VPC domain
// has Endpoints {"vpc": ...} and VPCOptions instead.
func osStatus(c *call, d *OpenSearchDomain) map[string]any {
	a := c.account()
	suffix := osEndpointSuffix(a.ID, c.region, d.Name)
	policy := ""
	if d.AccessPolicies != nil {
		policy = d.AccessPolicies.JSON
	}
	fg := d.AdvancedSecurity
	if fg == nil {
		fg = &OpenSearchFineGrained{}
	}
	endpoint := map[string]any{
		"EnforceHTTPS":          d.EnforceHTTPS,
		"TLSSecurityPolicy":     orDefault(d.TLSSecurityPolicy, "Policy-Min-TLS-1-0-2019-07"),
		"CustomEndpointEnabled": d.CustomEndpoint != nil,
	}
	if ce := d.CustomEndpoint; ce != nil {
		endpoint["CustomEndpoint"] = ce.Hostname
		endpoint["CustomEndpointCertificateArn"] = ce.CertificateARN
	}
	instanceType := orDefault(d.InstanceType, "r6g.large.search")
	st := map[string]any{
		"DomainId":      a.ID + "/" + d.Name,
		"DomainName":    d.Name,
		"ARN":           "arn:aws:es:" + c.region + ":" + a.ID + ":domain/" + d.Name,
		"Created":       true,
		"Deleted":       false,
		"Processing":    false,
		"EngineVersion": osVersion(d),
		"ClusterConfig": map[string]any{
			"InstanceType": instanceType, "InstanceCount": orInt(d.InstanceCount, 1),
			"DedicatedMasterEnabled": false, "ZoneAwarenessEnabled": false, "WarmEnabled": false,
			"ColdStorageOptions": map[string]any{"Enabled": false}, "MultiAZWithStandbyEnabled": false,
		},
		"EBSOptions":                  map[string]any{"EBSEnabled": true, "VolumeType": "gp3", "VolumeSize": 10, "Iops": 3000, "Throughput": 125},
		"AccessPolicies":              policy,
		"IPAddressType":               orDefault(d.IPAddressType, "ipv4"),
		"SnapshotOptions":             map[string]any{},
		"CognitoOptions":              map[string]any{"Enabled": false},
		"EncryptionAtRestOptions":     map[string]any{"Enabled": d.EncryptionAtRest},
		"NodeToNodeEncryptionOptions": map[string]any{"Enabled": d.NodeToNodeEncryption},
		"AdvancedOptions":             map[string]string{"override_main_response_version": "false", "rest.action.multi.allow_explicit_index": "true"},
		"DomainEndpointOptions":       endpoint,
		"AdvancedSecurityOptions": map[string]any{
			"Enabled": fg.Enabled, "InternalUserDatabaseEnabled": fg.InternalUserDatabaseEnabled, "AnonymousAuthEnabled": fg.AnonymousAuthEnabled,
		},
		"DomainProcessingStatus": "Active",
		"ServiceSoftwareOptions": map[string]any{"CurrentVersion": "OpenSearch_2_13_R20240520", "NewVersion": "", "UpdateAvailable": false,
			"Cancellable": false, "UpdateStatus": "COMPLETED", "Description": "There is no software update available for this domain.", "OptionalDeployment": true},
	}
	if d.EncryptionAtRest && d.KMSKeyID != "" {
		st["EncryptionAtRestOptions"] = map[string]any{"Enabled": true, "KmsKeyId": d.KMSKeyID}
	}
	if cg := d.Cognito; cg != nil {
		st["CognitoOptions"] = map[string]any{"Enabled": true, "UserPoolId": cg.UserPoolID, "IdentityPoolId": cg.IdentityPoolID, "RoleArn": cg.RoleARN}
	}
	if v := d.VPC; v != nil {
		st["Endpoints"] = map[string]string{"vpc": orDefault(d.Endpoint, "vpc-"+d.Name+"-"+suffix+"."+c.region+".es.amazonaws.com")}
		opt := func(s []string) []string {
			if s == nil {
				return []string{}
			}
			return s
		}
		st["VPCOptions"] = map[string]any{"VPCId": v.VPCID, "SubnetIds": opt(v.SubnetIDs), "AvailabilityZones": opt(v.AvailabilityZones),
			"SecurityGroupIds": opt(v.SecurityGroupIDs)}
	} else {
		st["Endpoint"] = orDefault(d.Endpoint, "search-"+d.Name+"-"+suffix+"."+c.region+".es.amazonaws.com")
	}
	return st
}

package fakeaws

import (
	"crypto/sha256"
	"encoding/base32"
	"regexp"
	"strings"
)

// OpenSearch is an account's Amazon OpenSearch Service state, regional.
type OpenSearch struct {
	Domains []*OpenSearchDomain `yaml:"domains"`
}

// OpenSearchDomain is one OpenSearch Service domain. A domain with VPC
// options has a VPC endpoint (Endpoints {"vpc": ...}) and no public one.
type OpenSearchDomain struct {
	Name          string `yaml:"name"`
	Region        string `yaml:"region"`
	EngineVersion string `yaml:"engine_version"` // default OpenSearch_2.13; Elasticsearch_7.10 style for legacy domains
	Endpoint      string `yaml:"endpoint"`       // default search-NAME-XXXXXXXXXXXXXXXXXXXXXXXXXX.REGION.es.amazonaws.com (vpc-... in a VPC)
	// AccessPolicies is the domain's resource-based policy (absent: none,
	// served as an empty string as AWS does).
	AccessPolicies *Document      `yaml:"access_policies"`
	VPC            *OpenSearchVPC `yaml:"vpc"`
	// EnforceHTTPS and TLSSecurityPolicy are DomainEndpointOptions;
	// defaults false and Policy-Min-TLS-1-0-2019-07 (the API's).
	EnforceHTTPS         bool                    `yaml:"enforce_https"`
	TLSSecurityPolicy    string                  `yaml:"tls_security_policy"`
	AdvancedSecurity     *OpenSearchFineGrained  `yaml:"advanced_security"`
	EncryptionAtRest     bool                    `yaml:"encryption_at_rest"`
	KMSKeyID             string                  `yaml:"kms_key_id"`
	NodeToNodeEncryption bool                    `yaml:"node_to_node_encryption"`
	Cognito              *OpenSearchCognito      `yaml:"cognito"`
	InstanceType         string                  `yaml:"instance_type"`  // default r6g.large.search
	InstanceCount        int                     `yaml:"instance_count"` // default 1
	IPAddressType        string                  `yaml:"ip_address_type"`
	CustomEndpoint       *OpenSearchCustomDomain `yaml:"custom_endpoint"`
}

// OpenSearchVPC places a domain in a VPC.
type OpenSearchVPC struct {
	VPCID             string   `yaml:"vpc_id"`
	SubnetIDs         []string `yaml:"subnet_ids"`
	SecurityGroupIDs  []string `yaml:"security_group_ids"`
	AvailabilityZones []string `yaml:"availability_zones"`
}

// OpenSearchFineGrained is fine-grained access control
// (AdvancedSecurityOptions).
type OpenSearchFineGrained struct {
	Enabled                     bool `yaml:"enabled"`
	InternalUserDatabaseEnabled bool `yaml:"internal_user_database"`
	AnonymousAuthEnabled        bool `yaml:"anonymous_auth"`
}

// OpenSearchCognito is Cognito authentication for OpenSearch Dashboards.
type OpenSearchCognito struct {
	UserPoolID     string `yaml:"user_pool_id"`
	IdentityPoolID string `yaml:"identity_pool_id"`
	RoleARN        string `yaml:"role_arn"`
}

// OpenSearchCustomDomain is a custom endpoint.
type OpenSearchCustomDomain struct {
	Hostname       string `yaml:"hostname"`
	CertificateARN string `yaml:"certificate_arn"`
}

var osDomainRE = regexp.MustCompile(`^[a-z][a-z0-9\-]{2,27}$`)

// osEngineType is ListDomainNames' EngineType for an engine version.
func osEngineType(version string) string {
	if strings.HasPrefix(version, "Elasticsearch_") {
		return "Elasticsearch"
	}
	return "OpenSearch"
}

// osEndpointSuffix is the 26 letters and digits AWS puts after the domain
// name in its endpoint.
func osEndpointSuffix(account, region, name string) string {
	sum := sha256.Sum256([]byte("opensearch:" + account + ":" + region + ":" + name))
	return strings.ToLower(base32.StdEncoding.EncodeToString(sum[:]))[:26]
}

func (v *validator) opensearch(p []any, a *Account) {
	p = at(p, "opensearch", "domains")
	type key struct{ region, name string }
	seen := map[key]bool{}
	for i, d := range a.OpenSearch.Domains {
		dp := at(p, i)
		if d == nil {
			v.errf(dp, "empty domain")
			continue
		}
		v.regionField(dp, d.Region)
		k := key{orDefault(d.Region, a.homeRegion()), d.Name}
		if !osDomainRE.MatchString(d.Name) {
			v.errf(at(dp, "name"), "%q is not a valid domain name (3-28 lower-case letters, digits and hyphens, starting with a letter)", d.Name)
		} else if seen[k] {
			v.errf(at(dp, "name"), "domain %s appears twice in %s", d.Name, k.region)
		}
		seen[k] = true
		if ev := d.EngineVersion; ev != "" && !strings.HasPrefix(ev, "OpenSearch_") && !strings.HasPrefix(ev, "Elasticsearch_") {
			v.errf(at(dp, "engine_version"), "engine_version %q is not OpenSearch_X.Y or Elasticsearch_X.Y", ev)
		}
		v.oneOf(at(dp, "tls_security_policy"), "tls_security_policy", d.TLSSecurityPolicy,
			"Policy-Min-TLS-1-0-2019-07", "Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10", "Policy-Min-TLS-1-2-RFC9151-FIPS-2024-08")
		v.oneOf(at(dp, "ip_address_type"), "ip_address_type", d.IPAddressType, "ipv4", "dualstack")
		if d.VPC != nil && (d.VPC.VPCID == "" || len(d.VPC.SubnetIDs) == 0) {
			v.errf(at(dp, "vpc"), "a VPC domain needs a vpc_id and subnet_ids")
		}
		if fg := d.AdvancedSecurity; fg != nil && fg.Enabled && (!d.EnforceHTTPS || !d.NodeToNodeEncryption || !d.EncryptionAtRest) {
			// Fine-grained access control requires HTTPS, node-to-node
			// encryption and encryption at rest (OpenSearch Service
			// Developer Guide, "Fine-grained access control").
			v.errf(at(dp, "advanced_security"), "fine-grained access control needs enforce_https, node_to_node_encryption and encryption_at_rest")
		}
	}
}

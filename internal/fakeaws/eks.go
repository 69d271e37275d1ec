package fakeaws

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Amazon EKS (REST-JSON, lower camel case members, timestamps as epoch
// seconds). Errors carry the code in X-Amzn-ErrorType and {"message"} in
// the body; ResourceNotFoundException (404) adds clusterName, as the model
// has it ("No cluster found for name: NAME.").

func eksService() *service {
	return &service{route: func(c *call) (operation, bool) {
		seg := agSegments(c.r.URL)
		if c.r.Method != http.MethodGet || len(seg) == 0 || seg[0] != "clusters" {
			return operation{}, false
		}
		op := func(name, resource string, h func(*call) (*response, error)) (operation, bool) {
			return operation{name: name, resource: resource, handle: h}, true
		}
		withCluster := func(h func(*call, *EKSCluster) (*response, error)) func(*call) (*response, error) {
			return func(c *call) (*response, error) {
				cl, err := eksFind(c, seg[1])
				if err != nil {
					return nil, err
				}
				return h(c, cl)
			}
		}
		switch {
		case len(seg) == 1:
			return op("ListClusters", "", eksListClusters)
		case len(seg) == 2:
			return op("DescribeCluster", seg[1], withCluster(eksDescribeCluster))
		case len(seg) == 3 && seg[2] == "access-entries":
			return op("ListAccessEntries", seg[1], withCluster(eksListAccessEntries))
		case len(seg) == 4 && seg[2] == "access-entries":
			return op("DescribeAccessEntry", seg[1], withCluster(func(c *call, cl *EKSCluster) (*response, error) {
				return eksDescribeAccessEntry(c, cl, seg[3])
			}))
		case len(seg) == 5 && seg[2] == "access-entries" && seg[4] == "access-policies":
			return op("ListAssociatedAccessPolicies", seg[1], withCluster(func(c *call, cl *EKSCluster) (*response, error) {
				return eksListAssociatedAccessPolicies(c, cl, seg[3])
			}))
		}
		return operation{}, false
	}}
}

func eksClusters(c *call) []*EKSCluster {
	a := c.account()
	var out []*EKSCluster
	for _, cl := range a.EKS.Clusters {
		if cl != nil && orDefault(cl.Region, a.homeRegion()) == c.region {
			out = append(out, cl)
		}
	}
	slices.SortFunc(out, func(x, y *EKSCluster) int { return strings.Compare(x.Name, y.Name) })
	return out
}

func eksFind(c *call, name string) (*EKSCluster, error) {
	for _, cl := range eksClusters(c) {
		if cl.Name == name {
			return cl, nil
		}
	}
	return nil, errorFor("eks", "ResourceNotFoundException", "No cluster found for name: "+name+".").with("clusterName", name)
}

// eksPage pages n items: maxResults 1–100 (default 100, else
// InvalidParameterException) and an opaque nextToken of the fake's own.
func eksPage(c *call, kind string, n int) (start, end int, next string, err error) {
	q := c.r.URL.Query()
	limit := 100
	if q.Has("maxResults") {
		l, err := strconv.Atoi(q.Get("maxResults"))
		if err != nil || l < 1 || l > 100 {
			return 0, 0, "", errorFor("eks", "InvalidParameterException", "maxResults needs to be 1 - 100")
		}
		limit = l
	}
	if t := q.Get("nextToken"); t != "" {
		start, err = agDecodeToken(t, kind)
		if err != nil || start < 0 || start > n {
			return 0, 0, "", errorFor("eks", "InvalidParameterException", "The nextToken is not valid.")
		}
	}
	end = min(n, start+limit)
	if end < n {
		next = agEncodeToken(kind, end)
	}
	return start, end, next, nil
}

func eksJSON(v any) (*response, error) { return agJSON(v) }

func eksListClusters(c *call) (*response, error) {
	cls := eksClusters(c)
	start, end, next, err := eksPage(c, "clusters", len(cls))
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, cl := range cls[start:end] {
		names = append(names, cl.Name)
	}
	return eksJSON(struct {
		Clusters  []string `json:"clusters"`
		NextToken string   `json:"nextToken,omitempty"`
	}{names, next})
}

func eksARN(c *call, name string) string {
	return "arn:aws:eks:" + c.region + ":" + c.account().ID + ":cluster/" + name
}

// eksDescribeCluster answers the cluster with CreateCluster's defaults for
// what the fixture leaves out: public endpoint on, private off,
// publicAccessCidrs 0.0.0.0/0 (reported even with the public endpoint
// off), authentication mode API_AND_CONFIG_MAP.
func eksDescribeCluster(c *call, cl *EKSCluster) (*response, error) {
	a := c.account()
	hex := eksHex(a.ID, c.region, cl.Name)
	public := cl.EndpointPublicAccess == nil || *cl.EndpointPublicAccess
	cidrs := cl.PublicAccessCIDRs
	if len(cidrs) == 0 {
		cidrs = []string{"0.0.0.0/0"}
	}
	orEmpty := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	all := []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}
	var off []string
	for _, t := range all {
		if !slices.Contains(cl.LoggingTypes, t) {
			off = append(off, t)
		}
	}
	logging := []map[string]any{}
	if len(cl.LoggingTypes) > 0 {
		logging = append(logging, map[string]any{"types": cl.LoggingTypes, "enabled": true})
	}
	if len(off) > 0 {
		logging = append(logging, map[string]any{"types": off, "enabled": false})
	}
	tags := cl.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	out := map[string]any{
		"name":      cl.Name,
		"arn":       eksARN(c, cl.Name),
		"createdAt": orDefaultTime(cl.Created).Unix(),
		"version":   orDefault(cl.Version, "1.31"),
		"endpoint":  orDefault(cl.Endpoint, "https://"+hex+".gr7."+c.region+".eks.amazonaws.com"),
		"roleArn":   orDefault(cl.RoleARN, "arn:aws:iam::"+a.ID+":role/eks-cluster-role"),
		"resourcesVpcConfig": map[string]any{
			"subnetIds":              orEmpty(cl.SubnetIDs),
			"securityGroupIds":       orEmpty(cl.SecurityGroupIDs),
			"clusterSecurityGroupId": orDefault(cl.ClusterSecurityGroupID, "sg-"+strings.ToLower(hex[:17])),
			"vpcId":                  cl.VPCID,
			"endpointPublicAccess":   public,
			"endpointPrivateAccess":  cl.EndpointPrivateAccess,
			"publicAccessCidrs":      cidrs,
		},
		"kubernetesNetworkConfig": map[string]any{"serviceIpv4Cidr": "10.100.0.0/16", "ipFamily": "ipv4"},
		"logging":                 map[string]any{"clusterLogging": logging},
		"identity":                map[string]any{"oidc": map[string]any{"issuer": orDefault(cl.OIDCIssuer, "https://oidc.eks."+c.region+".amazonaws.com/id/"+hex)}},
		"status":                  orDefault(cl.Status, "ACTIVE"),
		"certificateAuthority":    map[string]any{"data": base64.StdEncoding.EncodeToString([]byte("fakeaws certificate authority of " + eksARN(c, cl.Name)))},
		"platformVersion":         orDefault(cl.PlatformVersion, "eks.1"),
		"tags":                    tags,
		"accessConfig": map[string]any{
			"bootstrapClusterCreatorAdminPermissions": cl.BootstrapClusterCreatorAdmin == nil || *cl.BootstrapClusterCreatorAdmin,
			"authenticationMode":                      orDefault(cl.AuthenticationMode, "API_AND_CONFIG_MAP"),
		},
	}
	if cl.SecretsKMSKeyARN != "" {
		out["encryptionConfig"] = []map[string]any{{"resources": []string{"secrets"}, "provider": map[string]any{"keyArn": cl.SecretsKMSKeyARN}}}
	}
	return eksJSON(map[string]any{"cluster": out})
}

// eksAccessAPI refuses the access-entry operations on a CONFIG_MAP
// cluster, as EKS does.
func eksAccessAPI(cl *EKSCluster) error {
	if cl.AuthenticationMode == "CONFIG_MAP" {
		return errorFor("eks", "InvalidRequestException",
			"The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.")
	}
	return nil
}

func eksEntries(cl *EKSCluster) []*EKSAccessEntry {
	var out []*EKSAccessEntry
	for _, e := range cl.AccessEntries {
		if e != nil {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(x, y *EKSAccessEntry) int { return strings.Compare(x.PrincipalARN, y.PrincipalARN) })
	return out
}

// eksListAccessEntries lists principal ARNs, optionally only those with
// the associatedPolicyArn.
func eksListAccessEntries(c *call, cl *EKSCluster) (*response, error) {
	if err := eksAccessAPI(cl); err != nil {
		return nil, err
	}
	policy := c.r.URL.Query().Get("associatedPolicyArn")
	var arns []string
	for _, e := range eksEntries(cl) {
		if policy == "" || slices.ContainsFunc(e.Policies, func(p EKSAccessPolicy) bool { return p.PolicyARN == policy }) {
			arns = append(arns, e.PrincipalARN)
		}
	}
	start, end, next, err := eksPage(c, "access-entries", len(arns))
	if err != nil {
		return nil, err
	}
	page := append([]string{}, arns[start:end]...)
	return eksJSON(struct {
		AccessEntries []string `json:"accessEntries"`
		NextToken     string   `json:"nextToken,omitempty"`
	}{page, next})
}

func eksFindEntry(cl *EKSCluster, principal string) (*EKSAccessEntry, error) {
	for _, e := range eksEntries(cl) {
		if e.PrincipalARN == principal {
			return e, nil
		}
	}
	return nil, errorFor("eks", "ResourceNotFoundException",
		"The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.").
		with("clusterName", cl.Name)
}

// eksUsername is the Kubernetes user name EKS gives an access entry when
// none was set: the role's assumed-role ARN with {{SessionName}}, or the
// user's ARN (EKS User Guide, "Create access entries").
func eksUsername(e *EKSAccessEntry) string {
	if e.Username != "" {
		return e.Username
	}
	if i := strings.Index(e.PrincipalARN, ":role/"); i >= 0 {
		name := e.PrincipalARN[strings.LastIndex(e.PrincipalARN, "/")+1:]
		return "arn:aws:sts::" + e.PrincipalARN[len("arn:aws:iam::"):i] + ":assumed-role/" + name + "/{{SessionName}}"
	}
	return e.PrincipalARN
}

func eksDescribeAccessEntry(c *call, cl *EKSCluster, principal string) (*response, error) {
	if err := eksAccessAPI(cl); err != nil {
		return nil, err
	}
	e, err := eksFindEntry(cl, principal)
	if err != nil {
		return nil, err
	}
	groups := e.KubernetesGroups
	if groups == nil {
		groups = []string{}
	}
	// arn:aws:iam::ACCOUNT:role/NAME -> access-entry/CLUSTER/role/ACCOUNT/NAME/UUID
	account, resource, _ := strings.Cut(e.PrincipalARN[strings.Index(e.PrincipalARN, "::")+2:], ":")
	kind := strings.SplitN(resource, "/", 2)[0]
	name := resource[strings.LastIndex(resource, "/")+1:]
	created := orDefaultTime(e.Created).Unix()
	return eksJSON(map[string]any{"accessEntry": map[string]any{
		"clusterName":      cl.Name,
		"principalArn":     e.PrincipalARN,
		"kubernetesGroups": groups,
		"accessEntryArn": "arn:aws:eks:" + c.region + ":" + c.account().ID + ":access-entry/" + cl.Name + "/" +
			kind + "/" + account + "/" + name + "/" + wafUUID("access-entry:"+e.PrincipalARN),
		"createdAt":  created,
		"modifiedAt": created,
		"tags":       map[string]string{},
		"username":   eksUsername(e),
		"type":       orDefault(e.Type, "STANDARD"),
	}})
}

func eksListAssociatedAccessPolicies(c *call, cl *EKSCluster, principal string) (*response, error) {
	if err := eksAccessAPI(cl); err != nil {
		return nil, err
	}
	e, err := eksFindEntry(cl, principal)
	if err != nil {
		return nil, err
	}
	start, end, next, err := eksPage(c, "access-policies", len(e.Policies))
	if err != nil {
		return nil, err
	}
	created := orDefaultTime(e.Created).Unix()
	pols := []map[string]any{}
	for _, p := range e.Policies[start:end] {
		ns := p.Namespaces
		if ns == nil {
			ns = []string{}
		}
		pols = append(pols, map[string]any{
			"policyArn":    p.PolicyARN,
			"accessScope":  map[string]any{"type": orDefault(p.Scope, "cluster"), "namespaces": ns},
			"associatedAt": created,
			"modifiedAt":   created,
		})
	}
	out := map[string]any{"clusterName": cl.Name, "principalArn": e.PrincipalARN, "associatedAccessPolicies": pols}
	if next != "" {
		out["nextToken"] = next
	}
	return eksJSON(out)
}

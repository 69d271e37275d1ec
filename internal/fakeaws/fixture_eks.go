package fakeaws

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"regexp"
	"strings"
	"time"
)

// EKS is an account's Amazon EKS state, regional.
type EKS struct {
	Clusters []*EKSCluster `yaml:"clusters"`
}

// EKSCluster is one EKS cluster.
type EKSCluster struct {
	Name            string `yaml:"name"`
	Region          string `yaml:"region"`
	Version         string `yaml:"version"` // Kubernetes version, default 1.31
	Status          string `yaml:"status"`  // ACTIVE (default) | CREATING | DELETING | FAILED | UPDATING | PENDING
	RoleARN         string `yaml:"role_arn"`
	Endpoint        string `yaml:"endpoint"` // default https://HEX.grN.REGION.eks.amazonaws.com
	PlatformVersion string `yaml:"platform_version"`
	// EndpointPublicAccess defaults to true and EndpointPrivateAccess to
	// false, as CreateCluster's do. PublicAccessCIDRs defaults to
	// 0.0.0.0/0 and is reported even when public access is off, as AWS does.
	EndpointPublicAccess   *bool    `yaml:"endpoint_public_access"`
	EndpointPrivateAccess  bool     `yaml:"endpoint_private_access"`
	PublicAccessCIDRs      []string `yaml:"public_access_cidrs"`
	SubnetIDs              []string `yaml:"subnet_ids"`
	SecurityGroupIDs       []string `yaml:"security_group_ids"`
	ClusterSecurityGroupID string   `yaml:"cluster_security_group_id"` // default derived sg-...
	VPCID                  string   `yaml:"vpc_id"`
	// AuthenticationMode is accessConfig.authenticationMode: API |
	// API_AND_CONFIG_MAP (default, the console's) | CONFIG_MAP.
	AuthenticationMode string `yaml:"authentication_mode"`
	// BootstrapClusterCreatorAdmin defaults to true, as CreateCluster's does.
	BootstrapClusterCreatorAdmin *bool             `yaml:"bootstrap_cluster_creator_admin"`
	OIDCIssuer                   string            `yaml:"oidc_issuer"` // default https://oidc.eks.REGION.amazonaws.com/id/HEX
	SecretsKMSKeyARN             string            `yaml:"secrets_kms_key_arn"`
	LoggingTypes                 []string          `yaml:"logging_types"` // enabled control-plane log types
	Created                      time.Time         `yaml:"created"`
	Tags                         map[string]string `yaml:"tags"`
	AccessEntries                []*EKSAccessEntry `yaml:"access_entries"`
}

// EKSAccessEntry is an access entry: an IAM principal let into the
// cluster, with the access policies associated with it.
type EKSAccessEntry struct {
	PrincipalARN     string            `yaml:"principal_arn"`
	KubernetesGroups []string          `yaml:"kubernetes_groups"`
	Username         string            `yaml:"username"` // default derived as EKS does (the principal ARN)
	Type             string            `yaml:"type"`     // STANDARD (default) | EC2_LINUX | EC2_WINDOWS | FARGATE_LINUX | EC2 | HYBRID_LINUX | HYPERPOD_LINUX
	Created          time.Time         `yaml:"created"`
	Policies         []EKSAccessPolicy `yaml:"access_policies"`
}

// EKSAccessPolicy is an access policy associated with an access entry.
type EKSAccessPolicy struct {
	PolicyARN  string   `yaml:"policy_arn"` // e.g. arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
	Scope      string   `yaml:"scope"`      // cluster (default) | namespace
	Namespaces []string `yaml:"namespaces"`
}

var (
	eksNameRE      = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$`)
	eksPrincipalRE = regexp.MustCompile(`^arn:aws:(iam|sts)::[0-9]{12}:(role|user|assumed-role)/.+$`)
	eksPolicyRE    = regexp.MustCompile(`^arn:aws:eks::aws:cluster-access-policy/[A-Za-z0-9]+$`)
)

// eksHex is the 32 hex digits EKS puts in a cluster's endpoint and OIDC
// issuer, derived from the cluster so it is stable.
func eksHex(account, region, name string) string {
	sum := sha256.Sum256([]byte("eks:" + account + ":" + region + ":" + name))
	return strings.ToUpper(hex.EncodeToString(sum[:16]))
}

func (v *validator) eks(p []any, a *Account) {
	p = at(p, "eks", "clusters")
	type key struct{ region, name string }
	seen := map[key]bool{}
	for i, c := range a.EKS.Clusters {
		cp := at(p, i)
		if c == nil {
			v.errf(cp, "empty cluster")
			continue
		}
		v.regionField(cp, c.Region)
		k := key{orDefault(c.Region, a.homeRegion()), c.Name}
		if !eksNameRE.MatchString(c.Name) {
			v.errf(at(cp, "name"), "%q is not a valid EKS cluster name", c.Name)
		} else if seen[k] {
			v.errf(at(cp, "name"), "cluster %s appears twice in %s", c.Name, k.region)
		}
		seen[k] = true
		if c.RoleARN != "" && !roleARNRE.MatchString(c.RoleARN) {
			v.errf(at(cp, "role_arn"), "%q is not an IAM role ARN", c.RoleARN)
		}
		v.oneOf(at(cp, "status"), "status", c.Status, "CREATING", "ACTIVE", "DELETING", "FAILED", "UPDATING", "PENDING")
		v.oneOf(at(cp, "authentication_mode"), "authentication_mode", c.AuthenticationMode, "API", "API_AND_CONFIG_MAP", "CONFIG_MAP")
		if c.EndpointPublicAccess != nil && !*c.EndpointPublicAccess && !c.EndpointPrivateAccess {
			// UpdateClusterConfig refuses to turn both off.
			v.errf(cp, "a cluster endpoint needs public or private access (or both)")
		}
		for j, cidr := range c.PublicAccessCIDRs {
			if pf, err := netip.ParsePrefix(cidr); err != nil || !pf.Addr().Is4() {
				v.errf(at(cp, "public_access_cidrs", j), "%q is not an IPv4 CIDR block", cidr)
			}
		}
		for j, t := range c.LoggingTypes {
			v.oneOf(at(cp, "logging_types", j), "logging type", t, "api", "audit", "authenticator", "controllerManager", "scheduler")
		}
		if len(c.AccessEntries) > 0 && c.AuthenticationMode == "CONFIG_MAP" {
			v.errf(at(cp, "access_entries"), "access entries need authentication_mode API or API_AND_CONFIG_MAP")
		}
		principals := map[string]bool{}
		for j, e := range c.AccessEntries {
			ep := at(cp, "access_entries", j)
			if e == nil {
				v.errf(ep, "empty access entry")
				continue
			}
			if !eksPrincipalRE.MatchString(e.PrincipalARN) {
				v.errf(at(ep, "principal_arn"), "%q is not an IAM role or user ARN", e.PrincipalARN)
			} else if principals[e.PrincipalARN] {
				v.errf(at(ep, "principal_arn"), "principal %s has two access entries", e.PrincipalARN)
			}
			principals[e.PrincipalARN] = true
			v.oneOf(at(ep, "type"), "type", e.Type, "STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX")
			for k, pol := range e.Policies {
				pp := at(ep, "access_policies", k)
				if !eksPolicyRE.MatchString(pol.PolicyARN) {
					v.errf(at(pp, "policy_arn"), "%q is not an EKS cluster access policy ARN", pol.PolicyARN)
				}
				v.oneOf(at(pp, "scope"), "scope", pol.Scope, "cluster", "namespace")
				if (pol.Scope == "namespace") != (len(pol.Namespaces) > 0) {
					v.errf(pp, "namespaces go with scope namespace, and only with it")
				}
			}
		}
	}
}

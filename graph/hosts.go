package graph

import (
	"regexp"
	"strings"
)

// HostNames returns the DNS names a node answers on, lower case, as far as
// its attributes say: a distribution's cloudfront.net name and aliases, an
// API's execute-api host, an API Gateway custom domain, a database's
// endpoints, a search domain's endpoint and custom endpoint, an EKS API
// server, a load balancer's DNS name. A resolver that meets a host name (a
// CloudFront origin) finds the node by it; a new kind that answers on a
// name of its own adds a case here.
func (n *Node) HostNames() []string {
	var hs []string
	add := func(names ...string) {
		for _, h := range names {
			if h = hostOfURL(h); h != "" {
				hs = append(hs, h)
			}
		}
	}
	switch {
	case n.Distribution() != nil:
		add(n.Distribution().DomainName)
		add(n.Distribution().Aliases...)
	case n.RestAPI() != nil && !n.RestAPI().DisableExecuteAPIEndpoint && n.Region != "":
		add(n.RestAPI().APIID + ".execute-api." + n.Region + ".amazonaws.com")
	case n.HTTPAPI() != nil && !n.HTTPAPI().DisableExecuteAPIEndpoint:
		if n.HTTPAPI().Endpoint != "" {
			add(n.HTTPAPI().Endpoint)
		} else if n.Region != "" {
			add(n.HTTPAPI().APIID + ".execute-api." + n.Region + ".amazonaws.com")
		}
	case n.Kind == KindDomainName:
		add(n.Name)
	case n.Database() != nil:
		add(n.Database().Endpoint, n.Database().ReaderEndpoint)
	case n.Search() != nil:
		add(n.Search().Endpoint, n.Search().CustomDomain)
	case n.EKS() != nil:
		add(n.EKS().Endpoint)
	case n.LoadBalancer() != nil:
		// Elastic Load Balancing User Guide: clients (CloudFront among
		// them) reach a load balancer by its DNS name; an internal one's
		// name resolves to private addresses, which CloudFront reaches
		// only through a VPC origin, but the name is still the load
		// balancer's.
		add(n.LoadBalancer().DNSName)
	}
	return hs
}

// hostOfURL returns the host of a URL or host name, lower case, without a
// port or a trailing dot.
func hostOfURL(s string) string {
	s = strings.TrimSpace(s)
	if _, rest, ok := strings.Cut(s, "://"); ok {
		s = rest
	}
	s, _, _ = strings.Cut(s, "/")
	if h, _, ok := strings.Cut(s, ":"); ok {
		s = h
	}
	return strings.TrimSuffix(strings.ToLower(s), ".")
}

// s3Host matches the S3 endpoints a bucket is reached by: the REST
// endpoints (BUCKET.s3.amazonaws.com, BUCKET.s3.REGION.amazonaws.com, the
// legacy BUCKET.s3-REGION.amazonaws.com and BUCKET.s3-external-1...,
// dual-stack BUCKET.s3.dualstack.REGION...) and the website endpoints
// (BUCKET.s3-website-REGION.amazonaws.com, BUCKET.s3-website.REGION...):
// Amazon S3 User Guide, "Virtual hosting of buckets" and "Website
// endpoints". The bucket name is greedy, so a name that itself holds ".s3"
// is kept whole.
var s3Host = regexp.MustCompile(`^(.+)\.s3(-website)?(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$`)

// S3HostBucket reads a bucket name out of an S3 endpoint host name; website
// says it is a website endpoint. ok is false for any other host.
func S3HostBucket(host string) (bucket string, website, ok bool) {
	m := s3Host.FindStringSubmatch(hostOfURL(host))
	if m == nil {
		return "", false, false
	}
	return m[1], m[2] != "", true
}

package graph

import "testing"

// Sources: Amazon S3 User Guide, "Virtual hosting of buckets" (REST
// endpoints, legacy s3-REGION and s3-external-1, dual-stack) and "Website
// endpoints" (s3-website-REGION and s3-website.REGION).
func TestS3HostBucket(t *testing.T) {
	tests := []struct {
		host, bucket string
		website, ok  bool
	}{
		{"acme-assets.s3.amazonaws.com", "acme-assets", false, true},
		{"acme-assets.s3.us-east-1.amazonaws.com", "acme-assets", false, true},
		{"acme-assets.s3-us-west-2.amazonaws.com", "acme-assets", false, true},
		{"acme-assets.s3-external-1.amazonaws.com", "acme-assets", false, true},
		{"acme-assets.s3.dualstack.eu-west-1.amazonaws.com", "acme-assets", false, true},
		{"my.bucket.s3.amazonaws.com", "my.bucket", false, true},
		{"logs.s3data.s3.eu-west-1.amazonaws.com", "logs.s3data", false, true},
		{"acme-site.s3-website-us-east-1.amazonaws.com", "acme-site", true, true},
		{"acme-site.s3-website.eu-central-1.amazonaws.com", "acme-site", true, true},
		{"https://acme-assets.s3.amazonaws.com/", "acme-assets", false, true},
		{"a1b2c3d4e5.execute-api.us-east-1.amazonaws.com", "", false, false},
		{"web-123.us-east-1.elb.amazonaws.com", "", false, false},
		{"s3.amazonaws.com", "", false, false},
		{"media.example.com", "", false, false},
	}
	for _, tc := range tests {
		b, w, ok := S3HostBucket(tc.host)
		if b != tc.bucket || w != tc.website || ok != tc.ok {
			t.Errorf("S3HostBucket(%q) = %q, %v, %v; want %q, %v, %v", tc.host, b, w, ok, tc.bucket, tc.website, tc.ok)
		}
	}
}

func TestHostNamesOfTheKindsThatAnswerOnOne(t *testing.T) {
	nodes := []struct {
		n    Node
		want []string
	}{
		{Node{Attrs: &Distribution{DomainName: "d111.cloudfront.net", Aliases: []string{"CDN.Example.com"}}}, []string{"d111.cloudfront.net", "cdn.example.com"}},
		{Node{Region: "us-east-1", Attrs: &RestAPI{APIID: "a1b2c3d4e5"}}, []string{"a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"}},
		{Node{Region: "us-east-1", Attrs: &RestAPI{APIID: "a1b2c3d4e5", DisableExecuteAPIEndpoint: true}}, nil},
		{Node{Attrs: &HTTPAPI{APIID: "h1", Endpoint: "https://h1.execute-api.eu-west-1.amazonaws.com"}}, []string{"h1.execute-api.eu-west-1.amazonaws.com"}},
		{Node{Kind: KindDomainName, Name: "api.example.com"}, []string{"api.example.com"}},
		{Node{Attrs: &Database{Endpoint: "db.abc.us-east-1.rds.amazonaws.com"}}, []string{"db.abc.us-east-1.rds.amazonaws.com"}},
		{Node{Attrs: &EKSCluster{Endpoint: "https://ABC.gr7.us-east-1.eks.amazonaws.com"}}, []string{"abc.gr7.us-east-1.eks.amazonaws.com"}},
		{Node{Attrs: &SearchDomain{Endpoint: "search-logs-x.us-east-1.es.amazonaws.com", CustomDomain: "search.example.com"}}, []string{"search-logs-x.us-east-1.es.amazonaws.com", "search.example.com"}},
		{Node{Attrs: &LoadBalancer{DNSName: "Acme-Web-Alb-3656231886.us-east-1.elb.amazonaws.com."}}, []string{"acme-web-alb-3656231886.us-east-1.elb.amazonaws.com"}},
		{Node{Kind: KindS3Bucket, Attrs: &S3Bucket{}}, nil},
	}
	for _, tc := range nodes {
		got := tc.n.HostNames()
		if len(got) != len(tc.want) {
			t.Errorf("%+v: HostNames %q, want %q", tc.n, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%+v: HostNames %q, want %q", tc.n, got, tc.want)
			}
		}
	}
}

// A rule for another port does not make its source admitted on the port
// asked about (EC2 User Guide, "Security group rules": a rule is a protocol
// and port range with its sources).
func TestAdmittedSourcesOnOnePort(t *testing.T) {
	sg := &SecurityGroup{GroupID: "sg-1", IngressKnown: True, Ingress: []IngressRule{
		{Protocol: "tcp", FromPort: 22, ToPort: 22, CIDRs: []string{"0.0.0.0/0"}},
		{Protocol: "tcp", FromPort: 5432, ToPort: 5432, CIDRs: []string{"203.0.113.0/24"}},
		{Protocol: "-1", FromPort: -1, ToPort: -1, Groups: []GroupRef{{GroupID: "sg-partner", Account: "111122223333"}}},
	}}
	got, known := AdmittedSourcesOn("123456789012", []*SecurityGroup{sg, nil}, "tcp", 5432)
	if known != Unknown {
		t.Errorf("known %v: a group not collected leaves it unknown", known)
	}
	var ps []string
	for _, s := range got {
		ps = append(ps, s.Principal)
	}
	if len(ps) != 2 || ps[0] != "network:203.0.113.0/24" || ps[1] != "account:111122223333" {
		t.Errorf("sources on tcp/5432: %q, want the fixed range and the partner's group, not the internet's SSH rule", ps)
	}
	if len(sg.Ingress) != 3 {
		t.Error("AdmittedSourcesOn changed the group it was given")
	}
}

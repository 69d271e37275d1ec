package threats_test

import (
	"slices"
	"testing"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/exposure"
	"github.com/trustmap/trustmap/analyzers/paths"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/analyzers/threats"
	"github.com/trustmap/trustmap/graph"
)

// The SSRF credential-theft sub-threat cites ATT&CK T1552.005 and CAPEC-664
// (the fixture lines do not render references): internet → ALB listener →
// target group → instance with IMDSv1 → role → bucket.
func TestSSRFThreatReferences(t *testing.T) {
	const (
		listener = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/alb/1/2"
		lb       = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/alb/1"
		tg       = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/3"
		inst     = "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
		role     = "arn:aws:iam::123456789012:role/web"
		bucket   = "arn:aws:s3:::data"
	)
	snap := &graph.Snapshot{SchemaVersion: graph.SchemaVersion, Accounts: []string{"123456789012"}, Nodes: []graph.Node{
		{ID: lb, Kind: graph.KindLoadBalancer, Name: "alb", Account: "123456789012", Region: "us-east-1",
			Attrs: &graph.LoadBalancer{Name: "alb", Type: "network", Scheme: "internet-facing", State: "active", VPCID: "vpc-1", Subnets: []string{"subnet-1"}}},
		{ID: listener, Kind: graph.KindListener, Name: "alb TCP:443", Account: "123456789012", Region: "us-east-1",
			Attrs: &graph.Listener{LoadBalancer: lb, Port: 443, Protocol: "TCP", RulesKnown: graph.True, Rules: []graph.ListenerRule{{Priority: "default", Action: "forward", TargetGroups: []string{tg}}}}},
		{ID: graph.SubnetARN("us-east-1", "123456789012", "subnet-1"), Kind: graph.KindSubnet, Account: "123456789012", Region: "us-east-1",
			Attrs: &graph.Subnet{SubnetID: "subnet-1", RoutesKnown: graph.True, InternetRoutes: []string{"0.0.0.0/0"}, ACLKnown: graph.True,
				Inbound: []graph.ACLRule{{Number: 100, Protocol: "-1", Allow: true, CIDR: "0.0.0.0/0"}}}},
		{ID: tg, Kind: graph.KindTargetGroup, Name: "tg", Account: "123456789012", Region: "us-east-1", Attrs: &graph.TargetGroup{Name: "tg", TargetType: "instance"}},
		{ID: inst, Kind: graph.KindEC2Instance, Name: "web", Account: "123456789012", Region: "us-east-1", Attrs: &graph.EC2Instance{
			InstanceID: "i-1", State: "running", VPCID: "vpc-1", InstanceProfile: "arn:aws:iam::123456789012:instance-profile/web",
			IMDS: graph.IMDSOptions{Known: graph.True, HTTPTokens: "optional", HTTPEndpoint: "enabled", HopLimit: 1}}},
		{ID: role, Kind: graph.KindIAMRole, Name: "web", Account: "123456789012", Attrs: &graph.IAMRole{PoliciesKnown: graph.True,
			InstanceProfiles: []string{"arn:aws:iam::123456789012:instance-profile/web"}, TrustPolicy: graph.Absent("iam"),
			InlinePolicies: map[string]string{"read": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}`}}},
		{ID: bucket, Kind: graph.KindS3Bucket, Name: "data", Account: "123456789012", Attrs: &graph.S3Bucket{Policy: graph.Absent("s3")}},
	}, Edges: []graph.Edge{
		{From: lb, To: listener, Kind: graph.EdgeRoutesTo, Via: graph.ViaLoadBalancerListener, Certainty: graph.True},
		{From: listener, To: tg, Kind: graph.EdgeRoutesTo, Via: graph.ViaListenerRule, Certainty: graph.True},
		{From: tg, To: inst, Kind: graph.EdgeRoutesTo, Via: graph.ViaTarget, Certainty: graph.True},
	}}
	g := graph.Resolve(snap)
	res, err := analyzers.Run(g, &results.Trust{}, []*analyzers.Analyzer{exposure.Analyzer, paths.Analyzer, threats.Analyzer})
	if err != nil {
		t.Fatal(err)
	}
	ths := analyzers.ResultFor[[]results.Threat](&analyzers.Pass{ResultOf: res.ResultOf}, threats.Analyzer)
	if len(ths) != 1 {
		t.Fatalf("threats = %d, want 1", len(ths))
	}
	th := ths[0]
	for _, ref := range []string{"ATT&CK T1552.005 Unsecured Credentials: Cloud Instance Metadata API", "CAPEC-664 Server Side Request Forgery"} {
		if !slices.Contains(th.References, ref) {
			t.Errorf("references %v lack %q", th.References, ref)
		}
	}
	if !slices.Contains(th.STRIDE, threats.Spoofing) || !slices.Contains(th.STRIDE, threats.ElevationPrivs) {
		t.Errorf("STRIDE %v, want Spoofing and Elevation of privilege", th.STRIDE)
	}
}

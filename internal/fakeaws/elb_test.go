package fakeaws

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"
)

func TestClassicLoadBalancers(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	ctx := context.Background()
	ids := readNetIDs(t, srv.ec2(t, clientConfig{}))
	insts, _ := instancesByName(t, srv, &ec2.DescribeInstancesInput{})
	out, err := srv.elb(t, clientConfig{}).DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	if err != nil {
		t.Fatal(err)
	}
	l := out.LoadBalancerDescriptions[0]
	li := l.ListenerDescriptions[0]
	got := fmt.Sprintf("%s %s %s:%d -> %s:%d cert=%s policies=%v instances=%s sgs=%v source=%s/%s vpc=%s subnets=%d zones=%v health=%s",
		aws.ToString(l.LoadBalancerName), aws.ToString(l.Scheme), aws.ToString(li.Listener.Protocol), li.Listener.LoadBalancerPort,
		aws.ToString(li.Listener.InstanceProtocol), aws.ToInt32(li.Listener.InstancePort), aws.ToString(li.Listener.SSLCertificateId), li.PolicyNames,
		aws.ToString(l.Instances[0].InstanceId), l.SecurityGroups, aws.ToString(l.SourceSecurityGroup.OwnerAlias), aws.ToString(l.SourceSecurityGroup.GroupName),
		aws.ToString(l.VPCId), len(l.Subnets), l.AvailabilityZones, aws.ToString(l.HealthCheck.Target))
	want := fmt.Sprintf("legacy-elb internet-facing HTTPS:443 -> HTTP:80 cert=arn:aws:iam::123456789012:server-certificate/legacy policies=[legacy-ssl] instances=%s sgs=[%s] source=123456789012/alb-public vpc=%s subnets=2 zones=[us-east-1a us-east-1b] health=TCP:80",
		aws.ToString(insts["web-1"].InstanceId), ids.sgs["alb-public"], ids.vpc)
	if got != want {
		t.Errorf("classic load balancer\n got %s\nwant %s", got, want)
	}
	if dns := aws.ToString(l.DNSName); !strings.HasPrefix(dns, "legacy-elb-") || !strings.HasSuffix(dns, ".us-east-1.elb.amazonaws.com") ||
		aws.ToString(l.CanonicalHostedZoneName) != dns || aws.ToString(l.CanonicalHostedZoneNameID) != "Z35SXDOTRQ7X7K" {
		t.Errorf("DNS %s, zone %s %s", dns, aws.ToString(l.CanonicalHostedZoneName), aws.ToString(l.CanonicalHostedZoneNameID))
	}
	if other := l.Policies.OtherPolicies; len(other) != 1 || other[0] != "legacy-ssl" {
		t.Errorf("other policies %v", other)
	}

	t.Run("the listener's SSL policy and the predefined policy it references", func(t *testing.T) {
		pol, err := srv.elb(t, clientConfig{}).DescribeLoadBalancerPolicies(ctx, &elb.DescribeLoadBalancerPoliciesInput{LoadBalancerName: aws.String("legacy-elb")})
		if err != nil {
			t.Fatal(err)
		}
		p := pol.PolicyDescriptions[0]
		if aws.ToString(p.PolicyTypeName) != "SSLNegotiationPolicyType" || aws.ToString(p.PolicyAttributeDescriptions[0].AttributeName) != "Reference-Security-Policy" ||
			aws.ToString(p.PolicyAttributeDescriptions[0].AttributeValue) != "ELBSecurityPolicy-TLS-1-0-2015-04" {
			t.Errorf("policy %+v", p)
		}
	})

	errs := []struct {
		name string
		call func() error
		want apiError
	}{
		{"an unknown name is LoadBalancerNotFound", func() error {
			_, err := srv.elb(t, clientConfig{attempts: 1}).DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{LoadBalancerNames: []string{"nope"}})
			return err
		}, apiError{"LoadBalancerNotFound", 400}},
		{"a PageSize above 400 is ValidationError", func() error {
			_, err := srv.elb(t, clientConfig{attempts: 1}).DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(401)})
			return err
		}, apiError{"ValidationError", 400}},
		{"an unknown policy is PolicyNotFound", func() error {
			_, err := srv.elb(t, clientConfig{attempts: 1}).DescribeLoadBalancerPolicies(ctx, &elb.DescribeLoadBalancerPoliciesInput{LoadBalancerName: aws.String("legacy-elb"), PolicyNames: []string{"nope"}})
			return err
		}, apiError{"PolicyNotFound", 400}},
		{"policies of an unknown load balancer are LoadBalancerNotFound", func() error {
			_, err := srv.elb(t, clientConfig{attempts: 1}).DescribeLoadBalancerPolicies(ctx, &elb.DescribeLoadBalancerPoliciesInput{LoadBalancerName: aws.String("nope")})
			return err
		}, apiError{"LoadBalancerNotFound", 400}},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, decodeError(t, tc.call())); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClassicLoadBalancersPage(t *testing.T) {
	var b strings.Builder
	b.WriteString(`accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    ec2:
      vpcs: [{name: v, cidr_block: 10.0.0.0/16}]
      subnets: [{name: a, vpc: v, cidr_block: 10.0.1.0/24}]
    elb:
      load_balancers:
`)
	for i := range 5 {
		fmt.Fprintf(&b, "        - {name: clb-%d, subnets: [a], listeners: [{protocol: TCP, load_balancer_port: 80, instance_port: 80}]}\n", i)
	}
	srv := startYAML(t, b.String(), Options{})
	p := elb.NewDescribeLoadBalancersPaginator(srv.elb(t, clientConfig{}), &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(2)})
	var names []string
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, l := range page.LoadBalancerDescriptions {
			names = append(names, aws.ToString(l.LoadBalancerName))
		}
	}
	if diff := cmp.Diff([]string{"clb-0", "clb-1", "clb-2", "clb-3", "clb-4"}, names); diff != "" || pages != 3 {
		t.Errorf("%d pages; names (-want +got):\n%s", pages, diff)
	}
}

// TestInstanceProfiles: GetAccountAuthorizationDetails lists each role's
// instance profiles with the role inside (RoleDetail.InstanceProfileList),
// and ListInstanceProfiles pages the same profiles.
func TestInstanceProfiles(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	ctx := context.Background()
	c := srv.iamClient(t, clientConfig{})
	gaad, err := c.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{})
	if err != nil {
		t.Fatal(err)
	}
	fromDetails := map[string]string{}
	for _, r := range gaad.RoleDetailList {
		for _, ip := range r.InstanceProfileList {
			fromDetails[aws.ToString(ip.Arn)] = aws.ToString(ip.InstanceProfileId) + " " + aws.ToString(ip.Roles[0].RoleName)
		}
	}
	p := iam.NewListInstanceProfilesPaginator(c, &iam.ListInstanceProfilesInput{MaxItems: aws.Int32(1)})
	fromList := map[string]string{}
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, ip := range page.InstanceProfiles {
			fromList[aws.ToString(ip.Arn)] = aws.ToString(ip.InstanceProfileId) + " " + aws.ToString(ip.Roles[0].RoleName)
		}
	}
	if diff := cmp.Diff(fromDetails, fromList); diff != "" || pages != 2 || len(fromList) != 2 {
		t.Errorf("%d pages; ListInstanceProfiles vs GetAccountAuthorizationDetails (-details +list):\n%s", pages, diff)
	}
	_, err = srv.iamClient(t, clientConfig{attempts: 1}).GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("nope")})
	if diff := cmp.Diff(apiError{"NoSuchEntity", 404}, decodeError(t, err)); diff != "" {
		t.Errorf("GetInstanceProfile of an unknown profile (-want +got):\n%s", diff)
	}
}

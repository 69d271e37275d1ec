package fakeaws

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"
)

func nameTag(tags []types.Tag) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == "Name" {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

// instancesByName describes every instance of the network fixture.
func instancesByName(t *testing.T, srv *Server, in *ec2.DescribeInstancesInput) (map[string]types.Instance, []types.Reservation) {
	t.Helper()
	out, err := srv.ec2(t, clientConfig{}).DescribeInstances(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]types.Instance{}
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			got[nameTag(i.Tags)] = i
		}
	}
	return got, out.Reservations
}

func TestDescribeInstancesReportsTheNetworkAroundEachInstance(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	ctx := context.Background()
	insts, reservations := instancesByName(t, srv, &ec2.DescribeInstancesInput{})

	t.Run("a public instance has its public IP on the instance and on its interface's association, owned by amazon", func(t *testing.T) {
		web := insts["web-1"]
		ni := web.NetworkInterfaces[0]
		type view struct {
			State                      types.InstanceStateName
			Code                       int32
			Public, Private, IPv6, DNS string
			AssocIP, AssocOwner        string
			AssocDNS                   string
			Groups                     []string
			Launch                     time.Time
		}
		got := view{web.State.Name, aws.ToInt32(web.State.Code), aws.ToString(web.PublicIpAddress), aws.ToString(web.PrivateIpAddress),
			aws.ToString(web.Ipv6Address), aws.ToString(web.PublicDnsName), aws.ToString(ni.Association.PublicIp),
			aws.ToString(ni.Association.IpOwnerId), aws.ToString(ni.Association.PublicDnsName), nil, aws.ToTime(web.LaunchTime)}
		for _, g := range web.SecurityGroups {
			got.Groups = append(got.Groups, aws.ToString(g.GroupName))
		}
		want := view{types.InstanceStateNameRunning, 16, "203.0.113.10", "10.0.1.10", "2001:db8:1234:1a01::10",
			"ec2-203-0-113-10.compute-1.amazonaws.com", "203.0.113.10", "amazon", "ec2-203-0-113-10.compute-1.amazonaws.com",
			[]string{"web-open"}, time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("web-1 (-want +got):\n%s", diff)
		}
		if aws.ToString(ni.SubnetId) != aws.ToString(web.SubnetId) || aws.ToString(ni.VpcId) != aws.ToString(web.VpcId) || ni.Ipv6Addresses[0].Ipv6Address == nil {
			t.Errorf("interface %+v does not carry the instance's subnet, VPC and IPv6 address", ni)
		}
	})

	t.Run("IMDS options are reported, defaults included", func(t *testing.T) {
		got := map[string]types.InstanceMetadataOptionsResponse{}
		for _, n := range []string{"web-1", "app-1"} {
			m := *insts[n].MetadataOptions
			got[n] = types.InstanceMetadataOptionsResponse{HttpTokens: m.HttpTokens, HttpPutResponseHopLimit: m.HttpPutResponseHopLimit,
				HttpEndpoint: m.HttpEndpoint, HttpProtocolIpv6: m.HttpProtocolIpv6, InstanceMetadataTags: m.InstanceMetadataTags, State: m.State}
		}
		want := map[string]types.InstanceMetadataOptionsResponse{
			"web-1": {HttpTokens: "optional", HttpPutResponseHopLimit: aws.Int32(1), HttpEndpoint: "enabled", HttpProtocolIpv6: "disabled", InstanceMetadataTags: "disabled", State: "applied"},
			"app-1": {HttpTokens: "required", HttpPutResponseHopLimit: aws.Int32(2), HttpEndpoint: "enabled", HttpProtocolIpv6: "disabled", InstanceMetadataTags: "disabled", State: "applied"},
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(types.InstanceMetadataOptionsResponse{})); diff != "" {
			t.Errorf("metadata options (-want +got):\n%s", diff)
		}
	})

	t.Run("the instance profile is the one IAM reports for the role", func(t *testing.T) {
		prof, err := srv.iamClient(t, clientConfig{}).GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("web-profile")})
		if err != nil {
			t.Fatal(err)
		}
		got := *insts["web-1"].IamInstanceProfile
		if aws.ToString(got.Arn) != aws.ToString(prof.InstanceProfile.Arn) || aws.ToString(got.Id) != aws.ToString(prof.InstanceProfile.InstanceProfileId) {
			t.Errorf("instance profile %s %s, IAM says %s %s", aws.ToString(got.Arn), aws.ToString(got.Id),
				aws.ToString(prof.InstanceProfile.Arn), aws.ToString(prof.InstanceProfile.InstanceProfileId))
		}
		if r := prof.InstanceProfile.Roles; len(r) != 1 || aws.ToString(r[0].RoleName) != "web-role" {
			t.Errorf("profile roles %v, want web-role", r)
		}
	})

	t.Run("an Elastic IP is the instance's public IP, owned by the account", func(t *testing.T) {
		b := insts["bastion-1"]
		a := b.NetworkInterfaces[0].Association
		if aws.ToString(b.PublicIpAddress) != "198.51.100.20" || aws.ToString(a.PublicIp) != "198.51.100.20" || aws.ToString(a.IpOwnerId) != "123456789012" {
			t.Errorf("bastion-1 public %s, association %+v", aws.ToString(b.PublicIpAddress), a)
		}
	})

	t.Run("private and stopped instances have no public address", func(t *testing.T) {
		for _, n := range []string{"app-1", "app-2", "old-app"} {
			i := insts[n]
			if i.PublicIpAddress != nil || i.NetworkInterfaces[0].Association != nil || aws.ToString(i.PublicDnsName) != "" {
				t.Errorf("%s has a public address: %s %+v", n, aws.ToString(i.PublicIpAddress), i.NetworkInterfaces[0].Association)
			}
		}
		old := insts["old-app"]
		if old.State.Name != types.InstanceStateNameStopped || aws.ToInt32(old.State.Code) != 80 || aws.ToString(old.StateReason.Code) != "Client.UserInitiatedShutdown" {
			t.Errorf("old-app state %+v, reason %+v", old.State, old.StateReason)
		}
	})

	t.Run("instances launched together share a reservation", func(t *testing.T) {
		var sizes []int
		for _, r := range reservations {
			sizes = append(sizes, len(r.Instances))
			if aws.ToString(r.OwnerId) != "123456789012" || !strings.HasPrefix(aws.ToString(r.ReservationId), "r-") {
				t.Errorf("reservation %s owner %s", aws.ToString(r.ReservationId), aws.ToString(r.OwnerId))
			}
		}
		slices.Sort(sizes)
		if diff := cmp.Diff([]int{1, 1, 1, 2}, sizes); diff != "" {
			t.Errorf("reservation sizes (-want +got):\n%s", diff)
		}
	})

	t.Run("ids are stable from one server to the next", func(t *testing.T) {
		again, _ := instancesByName(t, startFixture(t, networkFixture, Options{}), &ec2.DescribeInstancesInput{})
		for n, i := range insts {
			if aws.ToString(again[n].InstanceId) != aws.ToString(i.InstanceId) || !ec2IDShape("i", aws.ToString(i.InstanceId)) {
				t.Errorf("%s: %s then %s", n, aws.ToString(i.InstanceId), aws.ToString(again[n].InstanceId))
			}
		}
	})
}

func TestDescribeInstancesFilters(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	all, _ := instancesByName(t, srv, &ec2.DescribeInstancesInput{})
	vpc := aws.ToString(all["web-1"].VpcId)
	filter := func(name string, values ...string) []types.Filter {
		return []types.Filter{{Name: aws.String(name), Values: values}}
	}
	tests := []struct {
		name    string
		filters []types.Filter
		want    []string
	}{
		{"instance-state-name keeps the running ones", filter("instance-state-name", "running"), []string{"app-1", "app-2", "bastion-1", "web-1"}},
		{"several values of one filter are alternatives", filter("instance-state-name", "stopped", "terminated"), []string{"old-app"}},
		{"vpc-id", filter("vpc-id", vpc), []string{"app-1", "app-2", "bastion-1", "old-app", "web-1"}},
		{"another vpc-id matches nothing", filter("vpc-id", "vpc-00000000"), nil},
		{"a tag filter with a wildcard", filter("tag:Name", "app-*"), []string{"app-1", "app-2"}},
		{"filters combine with AND", append(filter("tag:tier", "app"), filter("iam-instance-profile.arn", "arn:aws:iam::123456789012:instance-profile/app-profile")...), []string{"app-1"}},
		{"metadata-options.http-tokens finds IMDSv1, the default", filter("metadata-options.http-tokens", "optional"), []string{"old-app", "web-1"}},
		{"a public IP, Elastic or not", filter("ip-address", "198.51.100.20", "203.0.113.10"), []string{"bastion-1", "web-1"}},
		{"instance.group-name", filter("instance.group-name", "web-open"), []string{"bastion-1", "web-1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := instancesByName(t, srv, &ec2.DescribeInstancesInput{Filters: tc.filters})
			names := slices.Sorted(func(yield func(string) bool) {
				for n := range got {
					if !yield(n) {
						return
					}
				}
			})
			if diff := cmp.Diff(tc.want, names); diff != "" {
				t.Errorf("instances (-want +got):\n%s", diff)
			}
		})
	}
}

// manyInstances is a fixture with n instances in one subnet, for paging.
func manyInstances(n int) string {
	var b strings.Builder
	b.WriteString(`accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    ec2:
      vpcs: [{name: v, cidr_block: 10.0.0.0/16}]
      subnets: [{name: s, vpc: v, cidr_block: 10.0.0.0/24}]
      instances:
`)
	for i := range n {
		fmt.Fprintf(&b, "        - {name: i%02d, subnet: s, reservation: r%d, tags: {Name: i%02d}}\n", i, i/3, i)
	}
	b.WriteString("  - id: \"111122223333\"\n    access_keys: [AKIAPARTNER0000001]\n    ec2:\n      vpcs: [{name: v, cidr_block: 10.0.0.0/16}]\n      subnets: [{name: s, vpc: v, cidr_block: 10.0.0.0/24}]\n      instances: [{name: theirs, id: i-0a1b2c3d4e5f60001, subnet: s}]\n")
	return b.String()
}

func TestDescribeInstancesPaging(t *testing.T) {
	srv := startYAML(t, manyInstances(12), Options{})
	ctx := context.Background()
	p := ec2.NewDescribeInstancesPaginator(srv.ec2(t, clientConfig{}), &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
	var pages []int
	var names []string
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range out.Reservations {
			for _, i := range r.Instances {
				names = append(names, nameTag(i.Tags))
				n++
			}
		}
		pages = append(pages, n)
	}
	if diff := cmp.Diff([]int{5, 5, 2}, pages); diff != "" {
		t.Errorf("instances per page (-want +got):\n%s", diff)
	}
	want := make([]string, 12)
	for i := range want {
		want[i] = fmt.Sprintf("i%02d", i)
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("every instance once, in order (-want +got):\n%s", diff)
	}

	t.Run("without MaxResults everything comes back and no token", func(t *testing.T) {
		out, err := srv.ec2(t, clientConfig{}).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
		if err != nil || out.NextToken != nil || len(out.Reservations) != 4 {
			t.Errorf("reservations %d, token %v, err %v", len(out.Reservations), out.NextToken, err)
		}
	})
}

func TestDescribeInstancesErrors(t *testing.T) {
	srv := startYAML(t, manyInstances(2), Options{})
	all, _ := instancesByName(t, srv, &ec2.DescribeInstancesInput{})
	mine := aws.ToString(all["i00"].InstanceId)
	tests := []struct {
		name string
		in   ec2.DescribeInstancesInput
		want apiError
	}{
		{"an unknown id is InvalidInstanceID.NotFound", ec2.DescribeInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}}, apiError{"InvalidInstanceID.NotFound", 400}},
		{"a malformed id is InvalidInstanceID.Malformed", ec2.DescribeInstancesInput{InstanceIds: []string{"web-1"}}, apiError{"InvalidInstanceID.Malformed", 400}},
		{"ids with MaxResults are InvalidParameterCombination", ec2.DescribeInstancesInput{InstanceIds: []string{mine}, MaxResults: aws.Int32(5)}, apiError{"InvalidParameterCombination", 400}},
		{"MaxResults below 5 is InvalidParameterValue", ec2.DescribeInstancesInput{MaxResults: aws.Int32(1)}, apiError{"InvalidParameterValue", 400}},
		{"MaxResults above 1000 is InvalidParameterValue", ec2.DescribeInstancesInput{MaxResults: aws.Int32(1001)}, apiError{"InvalidParameterValue", 400}},
		{"a foreign NextToken is InvalidParameterValue", ec2.DescribeInstancesInput{NextToken: aws.String("bm90LWEtdG9rZW4")}, apiError{"InvalidParameterValue", 400}},
		{"an unknown filter is InvalidParameterValue", ec2.DescribeInstancesInput{Filters: []types.Filter{{Name: aws.String("colour"), Values: []string{"red"}}}}, apiError{"InvalidParameterValue", 400}},
		{"DryRun is DryRunOperation", ec2.DescribeInstancesInput{DryRun: aws.Bool(true)}, apiError{"DryRunOperation", 412}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := srv.ec2(t, clientConfig{attempts: 1}).DescribeInstances(context.Background(), &tc.in)
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("another account's instance is left out, as the reference says", func(t *testing.T) {
		out, err := srv.ec2(t, clientConfig{}).DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: []string{mine, "i-0a1b2c3d4e5f60001"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Reservations) != 1 || aws.ToString(out.Reservations[0].Instances[0].InstanceId) != mine {
			t.Errorf("reservations %+v, want only %s", out.Reservations, mine)
		}
	})

	t.Run("another region holds none of the account's instances", func(t *testing.T) {
		out, err := srv.ec2(t, clientConfig{region: "eu-west-1"}).DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{})
		if err != nil || len(out.Reservations) != 0 {
			t.Errorf("eu-west-1: %d reservations, err %v", len(out.Reservations), err)
		}
	})
}

func TestDescribeAddresses(t *testing.T) {
	srv := startFixture(t, networkFixture, Options{})
	ctx := context.Background()
	insts, _ := instancesByName(t, srv, &ec2.DescribeInstancesInput{})
	out, err := srv.ec2(t, clientConfig{}).DescribeAddresses(ctx, &ec2.DescribeAddressesInput{})
	if err != nil {
		t.Fatal(err)
	}
	type addr struct{ IP, Instance, ENI, Private, Domain string }
	var got []addr
	for _, a := range out.Addresses {
		got = append(got, addr{aws.ToString(a.PublicIp), aws.ToString(a.InstanceId), aws.ToString(a.NetworkInterfaceId), aws.ToString(a.PrivateIpAddress), string(a.Domain)})
		if !ec2IDShape("eipalloc", aws.ToString(a.AllocationId)) {
			t.Errorf("allocation id %s", aws.ToString(a.AllocationId))
		}
	}
	b := insts["bastion-1"]
	want := []addr{{"198.51.100.20", aws.ToString(b.InstanceId), aws.ToString(b.NetworkInterfaces[0].NetworkInterfaceId), aws.ToString(b.PrivateIpAddress), "vpc"},
		{"198.51.100.21", "", "", "", "vpc"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("addresses (-want +got):\n%s", diff)
	}
	assoc := aws.ToString(out.Addresses[0].AssociationId)
	if !ec2IDShape("eipassoc", assoc) {
		t.Errorf("association id %q", assoc)
	}

	t.Run("filters, public IPs and allocation ids select", func(t *testing.T) {
		one, err := srv.ec2(t, clientConfig{}).DescribeAddresses(ctx, &ec2.DescribeAddressesInput{Filters: []types.Filter{{Name: aws.String("instance-id"), Values: []string{aws.ToString(b.InstanceId)}}}})
		if err != nil || len(one.Addresses) != 1 {
			t.Errorf("by instance: %v, %v", one, err)
		}
		two, err := srv.ec2(t, clientConfig{}).DescribeAddresses(ctx, &ec2.DescribeAddressesInput{PublicIps: []string{"198.51.100.21"}})
		if err != nil || len(two.Addresses) != 1 || two.Addresses[0].InstanceId != nil {
			t.Errorf("by public IP: %v, %v", two, err)
		}
	})
	for _, tc := range []struct {
		name string
		in   ec2.DescribeAddressesInput
		want apiError
	}{
		{"an unknown public IP is InvalidAddress.NotFound", ec2.DescribeAddressesInput{PublicIps: []string{"192.0.2.1"}}, apiError{"InvalidAddress.NotFound", 400}},
		{"an unknown allocation is InvalidAllocationID.NotFound", ec2.DescribeAddressesInput{AllocationIds: []string{"eipalloc-0123456789abcdef0"}}, apiError{"InvalidAllocationID.NotFound", 400}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := srv.ec2(t, clientConfig{attempts: 1}).DescribeAddresses(ctx, &tc.in)
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

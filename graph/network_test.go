package graph

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Sources: EC2 User Guide, "Security group rules" (a rule names a protocol,
// a port range and a source: a CIDR, a prefix list or a security group,
// possibly of another account; traffic is allowed if any rule of any of the
// interface's groups allows it); S3 User Guide, "The meaning of public"
// (the /8 and /32 breadth limits the policy engine uses for IP ranges).
func TestAdmittedSources(t *testing.T) {
	web := &SecurityGroup{GroupID: "sg-web", IngressKnown: True, Ingress: []IngressRule{
		{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"0.0.0.0/0", "::/0"}},
		{Protocol: "tcp", FromPort: 22, ToPort: 22, CIDRs: []string{"203.0.113.0/24"}, Description: "office"},
		{Protocol: "-1", FromPort: -1, ToPort: -1, Groups: []GroupRef{{GroupID: "sg-partner", Account: "111122223333"}, {GroupID: "sg-app", Account: "123456789012"}}},
		{Protocol: "tcp", FromPort: 80, ToPort: 80, PrefixLists: []string{"pl-cloudfront"}},
		{Protocol: "tcp", FromPort: 8000, ToPort: 8999, CIDRs: []string{"10.0.0.0/8", "10.0.0.0/7"}},
	}}
	got, known := AdmittedSources("123456789012", []*SecurityGroup{web})
	if known != True {
		t.Fatalf("known %v", known)
	}
	var lines []string
	for _, s := range got {
		lines = append(lines, s.Principal+" "+strings.Join(s.Ports, ","))
	}
	want := []string{
		"internet tcp/443,tcp/8000-8999", // ::/0 and 0.0.0.0/0 on 443; a /7 is as broad as the internet
		"network:10.0.0.0/8 tcp/8000-8999",
		"network:203.0.113.0/24 tcp/22",
		"prefix-list:pl-cloudfront tcp/80",
		"account:111122223333 all",
		"sg-app all",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if fix := got[0].Evidence[0].Fix; !strings.Contains(fix, "sg-web") {
		t.Errorf("fix %q does not name the group", fix)
	}

	t.Run("an unreadable group makes what the interface admits unknown", func(t *testing.T) {
		_, known := AdmittedSources("123456789012", []*SecurityGroup{web, {GroupID: "sg-denied", IngressKnown: Unknown}})
		if known != Unknown {
			t.Errorf("known %v", known)
		}
	})
}

func TestIngressRulePorts(t *testing.T) {
	tests := []struct {
		r     IngressRule
		ports string
		admit bool // tcp/22
	}{
		{IngressRule{Protocol: "tcp", FromPort: 22, ToPort: 22}, "tcp/22", true},
		{IngressRule{Protocol: "tcp", FromPort: 0, ToPort: 65535}, "tcp/all", true},
		{IngressRule{Protocol: "tcp", FromPort: 1024, ToPort: 65535}, "tcp/1024-65535", false},
		{IngressRule{Protocol: "udp", FromPort: 22, ToPort: 22}, "udp/22", false},
		{IngressRule{Protocol: "-1", FromPort: -1, ToPort: -1}, "all", true},
		{IngressRule{Protocol: "6", FromPort: 20, ToPort: 30}, "tcp/20-30", true},
		{IngressRule{Protocol: "icmp", FromPort: -1, ToPort: -1}, "icmp/all", false},
	}
	for _, tc := range tests {
		if got := tc.r.Ports(); got != tc.ports {
			t.Errorf("%+v: Ports %q, want %q", tc.r, got, tc.ports)
		}
		if got := tc.r.Admits("tcp", 22); got != tc.admit {
			t.Errorf("%+v: Admits(tcp, 22) = %v", tc.r, got)
		}
	}
}

func TestSecurityGroupsAreLookedUpByARNAndMissingOnesAreNil(t *testing.T) {
	sg := &SecurityGroup{GroupID: "sg-1", IngressKnown: True}
	r := &resolver{nodes: map[string]*Node{
		SecurityGroupARN("us-east-1", "123456789012", "sg-1"): {ID: SecurityGroupARN("us-east-1", "123456789012", "sg-1"), Kind: KindSecurityGroup, Attrs: sg},
	}}
	got := r.securityGroups("123456789012", "us-east-1", []string{"sg-1", "sg-missing"})
	if len(got) != 2 || got[0] != sg || got[1] != nil {
		t.Fatalf("got %v", got)
	}
	if _, known := AdmittedSources("123456789012", got); known != Unknown {
		t.Errorf("a group that was not collected leaves what is admitted unknown")
	}
}

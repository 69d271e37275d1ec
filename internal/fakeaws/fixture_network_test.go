package fakeaws

import (
	"strings"
	"testing"
)

// netHead is an account with a VPC, two subnets and a security group, to
// which each case appends.
const netHead = `accounts:
  - id: "123456789012"
    iam:
      roles: [{name: r, instance_profiles: [p]}]
    ec2:
      vpcs: [{name: v, cidr_block: 10.0.0.0/16}]
      subnets:
        - {name: a, vpc: v, cidr_block: 10.0.1.0/24, availability_zone: us-east-1a}
        - {name: b, vpc: v, cidr_block: 10.0.2.0/24, availability_zone: us-east-1b}
      security_groups: [{name: web, vpc: v}]
`

func TestNetworkFixtureErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       string // a substring of the error, which starts with file:line
	}{
		{"an unknown field in an instance names its line", netHead + "      instances: [{name: i, subnet: a, colour: red}]\n",
			"bad.yaml:11: field colour not found in type fakeaws.Instance"},
		{"an instance in a subnet that does not exist", netHead + "      instances: [{name: i, subnet: nope}]\n",
			"bad.yaml:11: accounts[0].ec2.instances[0].subnet: subnet nope is not in the fixture in that region"},
		{"an instance with a security group that does not exist", netHead + "      instances: [{name: i, subnet: a, security_groups: [db]}]\n",
			"accounts[0].ec2.instances[0].security_groups[0]: security group db is not in the fixture in that VPC"},
		{"an instance profile no role has", netHead + "      instances: [{name: i, subnet: a, iam_instance_profile: q}]\n",
			"instance profile q is not one of the account's roles' instance_profiles"},
		{"IMDS http_tokens is optional or required", netHead + "      instances: [{name: i, subnet: a, metadata_options: {http_tokens: maybe}}]\n",
			"http_tokens \"maybe\" is not one of [optional required]"},
		{"a private IP outside the subnet", netHead + "      instances: [{name: i, subnet: a, private_ip: 10.0.2.5}]\n",
			"private address 10.0.2.5 is not in subnet 10.0.1.0/24"},
		{"a stopped instance has no public IP", netHead + "      instances: [{name: i, subnet: a, state: stopped, public_ip: 203.0.113.1}]\n",
			"a stopped instance has released its public IP"},
		{"an Elastic IP replaces a public IP", netHead + "      instances: [{name: i, subnet: a, public_ip: 203.0.113.1}]\n      addresses: [{public_ip: 203.0.113.2, instance: i}]\n",
			"an Elastic IP replaces it, so drop public_ip"},
		{"a subnet CIDR outside the VPC", strings.Replace(netHead, "10.0.2.0/24", "10.1.2.0/24", 1),
			"bad.yaml:9: accounts[0].ec2.subnets[1].cidr_block: subnet 10.1.2.0/24 is not inside its VPC's 10.0.0.0/16"},
		{"a given id must have the EC2 shape", strings.Replace(netHead, "{name: web, vpc: v}", "{name: web, vpc: v, id: web-1}", 1),
			"\"web-1\" is not a security-group id (sg- and 8 or 17 hex digits)"},
		{"a route needs exactly one target", netHead + "      route_tables: [{name: rt, vpc: v, routes: [{destination: 0.0.0.0/0}]}]\n",
			"a route needs exactly one target"},
		{"a route to an internet gateway not attached to the VPC", netHead + "      internet_gateways: [{name: igw}]\n      route_tables: [{name: rt, vpc: v, routes: [{destination: 0.0.0.0/0, gateway: igw}]}]\n",
			"internet gateway igw is not attached to the route table's VPC"},
		{"a subnet in two network ACLs", netHead + "      network_acls: [{name: x, vpc: v, subnets: [a]}, {name: y, vpc: v, subnets: [a]}]\n",
			"subnet a is already associated with network ACL"},
		{"a NACL tcp entry needs a port range", netHead + "      network_acls: [{name: x, vpc: v, entries: [{rule_number: 10, protocol: tcp, rule_action: deny, cidr_block: 0.0.0.0/0}]}]\n",
			"a tcp or udp entry needs a port_range"},
		{"a rule to all protocols has no ports", sgHead(`[{name: g, vpc: v, ingress: [{protocol: "-1", from_port: 22, to_port: 22, cidrs: [0.0.0.0/0]}]}]`),
			"protocol -1 has no ports"},
		{"a rule from a prefix list that does not exist", sgHead(`[{name: g, vpc: v, ingress: [{protocol: tcp, from_port: 22, to_port: 22, prefix_lists: [nope]}]}]`),
			"prefix list nope is not in the fixture in that region"},
		{"another account's group is given by id", sgHead(`[{name: g, vpc: v, ingress: [{protocol: tcp, from_port: 1, to_port: 2, groups: [{group: their-web, user_id: "111122223333"}]}]}]`),
			"another account's group is named by its sg- id"},
		{"a launch template's default version must exist", netHead + "      launch_templates: [{name: lt1, default_version: 3, versions: [{data: {}}]}]\n",
			"default_version 3 is not one of the versions"},
		{"a listener forwarding to a missing target group", netHead + "    elbv2:\n      load_balancers: [{name: alb, subnets: [a, b], listeners: [{port: 80, protocol: HTTP, default_actions: [{type: forward, target_group: nope}]}]}]\n",
			"bad.yaml:12: accounts[0].elbv2.load_balancers[0].listeners[0].default_actions[0].target_group: target group nope is not in the fixture in us-east-1"},
		{"an Application Load Balancer needs two zones", netHead + "    elbv2:\n      load_balancers: [{name: alb, subnets: [a]}]\n",
			"an Application Load Balancer needs subnets in at least two Availability Zones"},
		{"an HTTPS listener needs an SSL policy", netHead + "    elbv2:\n      load_balancers: [{name: alb, subnets: [a, b], listeners: [{port: 443, protocol: HTTPS, certificates: [x], default_actions: [{type: fixed-response, fixed_response: {status_code: \"404\"}}]}]}]\n",
			"an HTTPS listener needs an ssl_policy and a certificate"},
		{"authenticate actions need an HTTPS listener", netHead + "    elbv2:\n      load_balancers: [{name: alb, subnets: [a, b], listeners: [{port: 80, protocol: HTTP, default_actions: [{type: authenticate-oidc, authenticate_oidc: {issuer: i, authorization_endpoint: a, token_endpoint: t, user_info_endpoint: u, client_id: c}}, {type: fixed-response, fixed_response: {status_code: \"200\"}}]}]}]\n",
			"authenticate actions are supported on HTTPS listeners only"},
		{"the fixture cannot hold an OIDC client secret", netHead + "    elbv2:\n      load_balancers: [{name: alb, subnets: [a, b], listeners: [{port: 443, protocol: HTTPS, ssl_policy: p, certificates: [x], default_actions: [{type: authenticate-oidc, authenticate_oidc: {client_secret: s}}]}]}]\n",
			"field client_secret not found in type fakeaws.AuthenticateOIDCV2"},
		{"a terminal action comes last", netHead + "    elbv2:\n      load_balancers: [{name: alb, subnets: [a, b], listeners: [{port: 80, protocol: HTTP, default_actions: [{type: fixed-response, fixed_response: {status_code: \"200\"}}, {type: fixed-response, fixed_response: {status_code: \"200\"}}]}]}]\n",
			"the last action, and only the last, is forward, redirect or fixed-response"},
		{"a load balancer name cannot start with internal-", netHead + "    elbv2:\n      load_balancers: [{name: internal-x, subnets: [a, b]}]\n",
			"not internal-"},
		{"a target group in another VPC than the load balancer", strings.Replace(netHead, "vpcs: [{name: v, cidr_block: 10.0.0.0/16}]", "vpcs: [{name: v, cidr_block: 10.0.0.0/16}, {name: w, cidr_block: 10.9.0.0/16}]", 1) +
			"    elbv2:\n      target_groups: [{name: tg, protocol: HTTP, port: 80, vpc: w}]\n      load_balancers: [{name: alb, subnets: [a, b], listeners: [{port: 80, protocol: HTTP, default_actions: [{type: forward, target_group: tg}]}]}]\n",
			"target group tg is in another VPC than load balancer alb"},
		{"an instance target that does not exist", netHead + "    elbv2:\n      target_groups: [{name: tg, protocol: HTTP, port: 80, vpc: v, targets: [{id: nope}]}]\n",
			"accounts[0].elbv2.target_groups[0].targets[0].id: instance nope is not in the fixture in that region"},
		{"a classic listener's policy must exist", netHead + "    elb:\n      load_balancers: [{name: c, subnets: [a], listeners: [{protocol: TCP, load_balancer_port: 80, instance_port: 80, policy_names: [p]}]}]\n",
			"policy p is not one of the load balancer's policies"},
		{"a profile belongs to one role", strings.Replace(netHead, "roles: [{name: r, instance_profiles: [p]}]", "roles: [{name: r, instance_profiles: [p]}, {name: s, instance_profiles: [p]}]", 1),
			"instance profile p belongs to two roles"},
		{"faults may name the load balancing services", netHead + "faults: [{service: elasticloadbalancingv2, error: Throttling}, {service: elb, error: Throttling}]\n",
			"faults[1].service: service \"elb\" is not one of"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFixture([]byte(tc.yaml), "bad.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tc.want)
			}
			for _, line := range strings.Split(errText(err), "\n") {
				if !strings.HasPrefix(line, "bad.yaml") {
					t.Errorf("error line %q does not name the fixture", line)
				}
			}
		})
	}
}

// sgHead is netHead with its security groups replaced.
func sgHead(groups string) string {
	return strings.Replace(netHead, "security_groups: [{name: web, vpc: v}]", "security_groups: "+groups, 1)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestTheNetworkFixtureIsValidAndItsIDsAreStable(t *testing.T) {
	a, err := LoadFixture(networkFixture)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadFixture(networkFixture)
	if err != nil {
		t.Fatal(err)
	}
	na, nb := buildEC2(a.Accounts[0], nil), buildEC2(b.Accounts[0], nil)
	for i, in := range na.regions["us-east-1"].instances {
		if in.id != nb.regions["us-east-1"].instances[i].id {
			t.Errorf("instance %d: %s then %s", i, in.id, nb.regions["us-east-1"].instances[i].id)
		}
	}
	if err := a.Validate(); err != nil {
		t.Errorf("a parsed world does not validate: %v", err)
	}
}

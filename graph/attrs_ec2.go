package graph

import "strings"

// EC2 instances and the network around them, as the ec2 collector reads
// them: what decides whether a packet from outside reaches an instance
// (public address, the subnet's route to an internet gateway, its network
// ACL, the interface's security groups) and what the instance runs as (its
// instance profile's role, reachable through the instance metadata
// service).

// EC2Instance is an EC2 instance.
type EC2Instance struct {
	InstanceID   string `json:"instance_id"`
	State        string `json:"state"` // pending, running, stopping, stopped, shutting-down, terminated
	InstanceType string `json:"instance_type,omitempty"`
	ImageID      string `json:"image_id,omitempty"`
	KeyName      string `json:"key_name,omitempty"`
	VPCID        string `json:"vpc_id,omitempty"`
	// Interfaces are the instance's network interfaces, the primary
	// (device 0) first: each has its own subnet, addresses and groups.
	Interfaces []NetworkInterface `json:"interfaces,omitempty"`
	// InstanceProfile is the ARN of the instance profile ("" when none):
	// its role is what the instance's credentials act as.
	InstanceProfile string `json:"instance_profile,omitempty"`
	// LaunchTemplate is the id of the launch template the instance was
	// launched from, when EC2 tagged it (aws:ec2launchtemplate:id).
	LaunchTemplate string      `json:"launch_template,omitempty"`
	IMDS           IMDSOptions `json:"imds"`
}

// NetworkInterface is one network interface of an instance.
type NetworkInterface struct {
	ID         string   `json:"id,omitempty"`
	SubnetID   string   `json:"subnet_id"`
	PrivateIPs []string `json:"private_ips,omitempty"`
	// PublicIP is the public IPv4 address on the interface (auto-assigned,
	// or an Elastic IP when ElasticIP is set); "" when it has none.
	PublicIP  string `json:"public_ip,omitempty"`
	ElasticIP bool   `json:"elastic_ip,omitempty"`
	// IPv6 are the interface's IPv6 addresses: globally unique, so
	// reachable from the internet wherever the subnet routes ::/0 to an
	// internet gateway.
	IPv6           []string `json:"ipv6,omitempty"`
	SecurityGroups []string `json:"security_groups,omitempty"`
}

// IMDSOptions are an instance's (or a launch template's) instance metadata
// service settings (EC2 User Guide, "Configure the instance metadata
// options"). Known is Unknown when the answer did not carry them (an
// emulator that drops MetadataOptions); on a launch template an empty
// field means the template leaves it to the launch-time default.
type IMDSOptions struct {
	Known Tri `json:"known"`
	// HTTPTokens is "optional" (IMDSv1 and IMDSv2 both answer) or
	// "required" (IMDSv2 only: a session token from a PUT is needed).
	HTTPTokens string `json:"http_tokens,omitempty"`
	// HopLimit is the PUT response hop limit of IMDSv2 tokens.
	HopLimit int `json:"hop_limit,omitempty"`
	// HTTPEndpoint is "enabled" or "disabled" (no metadata service at all).
	HTTPEndpoint string `json:"http_endpoint,omitempty"`
}

// V1 says whether IMDSv1 answers: a plain GET, such as an SSRF in the
// instance's software can send, gets the role's credentials. True for
// HttpTokens optional with the endpoint enabled; False for required
// tokens or a disabled endpoint; Unknown when the settings were not read.
func (o IMDSOptions) V1() Tri {
	switch {
	case o.Known != True:
		return Unknown
	case strings.EqualFold(o.HTTPEndpoint, "disabled"):
		return False
	case strings.EqualFold(o.HTTPTokens, "required"):
		return False
	case strings.EqualFold(o.HTTPTokens, "optional"):
		return True
	}
	return Unknown
}

// SSRFCredentials says whether a request the workload can be tricked into
// sending (server-side request forgery) fetches its role's credentials
// from an instance metadata service, for the kinds that have one: True
// when IMDSv1 answers, False when IMDSv2 is required or the endpoint is
// off, Unknown when the settings were not read. ok is false for kinds
// without a metadata service (Lambda gives credentials in the environment:
// SSRF alone does not reach them). Rules ask this rather than a kind.
func (n *Node) SSRFCredentials() (exposed Tri, ok bool) {
	if n.Instance() != nil {
		return n.Instance().IMDS.V1(), true
	}
	return Unknown, false
}

// PublicAddresses lists the instance's public addresses: public IPv4
// (Elastic or not) and IPv6 of every interface.
func (i *EC2Instance) PublicAddresses() []string {
	var out []string
	for _, nic := range i.Interfaces {
		if nic.PublicIP != "" {
			out = append(out, nic.PublicIP)
		}
		out = append(out, nic.IPv6...)
	}
	return out
}

// Subnet is a VPC subnet with the two facts about it that decide what
// reaches its interfaces from outside: the routes its route table sends to
// an internet gateway, and its network ACL's inbound rules.
type Subnet struct {
	SubnetID  string   `json:"subnet_id"`
	VPCID     string   `json:"vpc_id,omitempty"`
	CIDR      string   `json:"cidr,omitempty"`
	IPv6CIDRs []string `json:"ipv6_cidrs,omitempty"`
	Zone      string   `json:"availability_zone,omitempty"`
	// RouteTable is the route table the subnet uses: its explicit
	// association, else its VPC's main table.
	RouteTable string `json:"route_table,omitempty"`
	// InternetRoutes are the destinations the route table sends to an
	// internet gateway (igw-) with the route active: "0.0.0.0/0", "::/0"
	// or narrower ranges. RoutesKnown is Unknown when the route tables
	// could not be read.
	InternetRoutes []string `json:"internet_routes,omitempty"`
	Gateway        string   `json:"internet_gateway,omitempty"`
	RoutesKnown    Tri      `json:"routes_known"`
	// NetworkACL is the network ACL associated with the subnet; Inbound
	// its inbound rules in rule-number order, the "*" rule included.
	// ACLKnown is Unknown when the network ACLs could not be read.
	NetworkACL string    `json:"network_acl,omitempty"`
	Inbound    []ACLRule `json:"inbound_acl,omitempty"`
	ACLKnown   Tri       `json:"acl_known"`
}

// ACLRule is one numbered inbound rule of a network ACL.
type ACLRule struct {
	Number int `json:"number"` // 32767 is the "*" rule
	// Protocol is "-1" (all) or an IP protocol number ("6" TCP, "17" UDP,
	// "1" ICMP, "58" ICMPv6), as AWS reports it.
	Protocol string `json:"protocol"`
	Allow    bool   `json:"allow"`
	CIDR     string `json:"cidr"` // IPv4 or IPv6
	// FromPort and ToPort bound TCP and UDP ports; 0/0 when the rule
	// names none (all ports).
	FromPort int `json:"from_port,omitempty"`
	ToPort   int `json:"to_port,omitempty"`
}

// SubnetARN is the node id of a subnet.
func SubnetARN(region, account, subnetID string) string {
	return "arn:aws:ec2:" + region + ":" + account + ":subnet/" + subnetID
}

// InstanceARN is the node id of an instance.
func InstanceARN(region, account, instanceID string) string {
	return "arn:aws:ec2:" + region + ":" + account + ":instance/" + instanceID
}

// PrefixList is a managed prefix list: a named set of CIDRs a security
// group rule can admit at once. AWS manages some for its services
// (com.amazonaws.global.cloudfront.origin-facing: CloudFront's servers).
type PrefixList struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Owner string `json:"owner,omitempty"` // "AWS" for AWS-managed lists
	// Entries are the list's CIDRs; EntriesKnown is False when they were
	// not read (AWS-managed lists stand for their service) and Unknown
	// when the read failed.
	Entries      []string `json:"entries,omitempty"`
	EntriesKnown Tri      `json:"entries_known"`
}

// PrefixListARN is the node id of a prefix list as seen from account (the
// scanning account's view: a list shared with it or managed by AWS is
// still named under the account, since rules name it by id only).
func PrefixListARN(region, account, id string) string {
	return "arn:aws:ec2:" + region + ":" + account + ":prefix-list/" + id
}

// LaunchTemplate is an EC2 launch template: its default and latest
// versions, which are what launches without a version number use.
type LaunchTemplate struct {
	TemplateID string                  `json:"template_id"`
	Versions   []LaunchTemplateVersion `json:"versions,omitempty"`
}

// LaunchTemplateVersion is one version of a launch template.
type LaunchTemplateVersion struct {
	Number  int  `json:"number"`
	Default bool `json:"default,omitempty"`
	Latest  bool `json:"latest,omitempty"`
	// IMDS holds only what the version sets (Known True); an empty
	// HTTPTokens leaves it to the launch-time default.
	IMDS            IMDSOptions `json:"imds"`
	InstanceProfile string      `json:"instance_profile,omitempty"` // ARN or name, as the version gives it
}

// LaunchTemplateARN is the node id of a launch template.
func LaunchTemplateARN(region, account, id string) string {
	return "arn:aws:ec2:" + region + ":" + account + ":launch-template/" + id
}

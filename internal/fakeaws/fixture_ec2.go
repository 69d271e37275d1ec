package fakeaws

import "time"

// The EC2 part of an Account: instances and the network around them
// (FIXTURE.md, "EC2 networking and instances"). Every resource is regional
// (region defaults to the account's first region) and has an optional id,
// generated deterministically when absent (ec2_world.go). Resources without
// an AWS name take an optional fixture name, a handle other resources may use
// instead of the id; it is never served (tags are, so give a Name tag if the
// resource should have one).

// EC2 is an account's EC2 state.
type EC2 struct {
	VPCs             []*VPC             `yaml:"vpcs"`
	Subnets          []*Subnet          `yaml:"subnets"`
	InternetGateways []*InternetGateway `yaml:"internet_gateways"`
	RouteTables      []*RouteTable      `yaml:"route_tables"`
	NetworkACLs      []*NetworkACL      `yaml:"network_acls"`
	SecurityGroups   []*SecurityGroup   `yaml:"security_groups"`
	PrefixLists      []*PrefixList      `yaml:"prefix_lists"`
	Instances        []*Instance        `yaml:"instances"`
	Addresses        []*ElasticIP       `yaml:"addresses"`
	LaunchTemplates  []*LaunchTemplate  `yaml:"launch_templates"`
	VPCEndpoints     []*VPCEndpoint     `yaml:"vpc_endpoints"`
}

// VPC is a virtual private cloud. Each VPC has a main route table, a default
// network ACL and a default security group; the fake derives the ones the
// fixture does not declare, as AWS creates them with the VPC.
type VPC struct {
	ID            string `yaml:"id"`
	Name          string `yaml:"name"`
	Region        string `yaml:"region"`
	CIDRBlock     string `yaml:"cidr_block"`
	IPv6CIDRBlock string `yaml:"ipv6_cidr_block"`
	IsDefault     bool   `yaml:"is_default"`
	// EnableDNSHostnames decides whether instances with a public IP get a
	// public DNS name (default: true in the default VPC, false otherwise).
	EnableDNSHostnames *bool             `yaml:"enable_dns_hostnames"`
	Tags               map[string]string `yaml:"tags"`
}

// Subnet is a VPC subnet in one Availability Zone.
type Subnet struct {
	ID            string `yaml:"id"`
	Name          string `yaml:"name"`
	Region        string `yaml:"region"`
	VPC           string `yaml:"vpc"` // id or name
	CIDRBlock     string `yaml:"cidr_block"`
	IPv6CIDRBlock string `yaml:"ipv6_cidr_block"`
	// AvailabilityZone defaults to the region's "a" zone.
	AvailabilityZone            string            `yaml:"availability_zone"`
	MapPublicIPOnLaunch         bool              `yaml:"map_public_ip_on_launch"`
	AssignIPv6AddressOnCreation bool              `yaml:"assign_ipv6_address_on_creation"`
	DefaultForAZ                bool              `yaml:"default_for_az"`
	Tags                        map[string]string `yaml:"tags"`
}

// InternetGateway is an internet gateway, attached to VPC when it names one.
type InternetGateway struct {
	ID     string            `yaml:"id"`
	Name   string            `yaml:"name"`
	Region string            `yaml:"region"`
	VPC    string            `yaml:"vpc"`
	Tags   map[string]string `yaml:"tags"`
}

// RouteTable is a VPC route table. The local route of the VPC's CIDR blocks
// is added by the fake, as AWS adds it; a subnet without an explicit
// association uses its VPC's main route table.
type RouteTable struct {
	ID      string            `yaml:"id"`
	Name    string            `yaml:"name"`
	Region  string            `yaml:"region"`
	VPC     string            `yaml:"vpc"`
	Main    bool              `yaml:"main"`
	Subnets []string          `yaml:"subnets"` // explicit associations
	Routes  []Route           `yaml:"routes"`
	Tags    map[string]string `yaml:"tags"`
}

// Route is one route: a destination (an IPv4 or IPv6 CIDR, or a prefix list)
// and exactly one target.
type Route struct {
	Destination           string `yaml:"destination"`
	DestinationPrefixList string `yaml:"destination_prefix_list"`
	// Gateway is an internet gateway of the fixture (id or name, attached to
	// the route table's VPC), or the id of a virtual private gateway (vgw-)
	// or gateway VPC endpoint (vpce-).
	Gateway                   string `yaml:"gateway"`
	NATGateway                string `yaml:"nat_gateway"`
	Instance                  string `yaml:"instance"` // id or name
	NetworkInterface          string `yaml:"network_interface"`
	VPCPeeringConnection      string `yaml:"vpc_peering_connection"`
	TransitGateway            string `yaml:"transit_gateway"`
	EgressOnlyInternetGateway string `yaml:"egress_only_internet_gateway"`
	State                     string `yaml:"state"` // active (default) | blackhole
}

// NetworkACL is a network ACL. The fake appends the "*" rules (32767, and
// 32768 for IPv6 in a VPC with an IPv6 block) that deny what no rule allows,
// as AWS does. Each subnet is associated with the ACL that lists it, else
// with its VPC's default ACL.
type NetworkACL struct {
	ID      string            `yaml:"id"`
	Name    string            `yaml:"name"`
	Region  string            `yaml:"region"`
	VPC     string            `yaml:"vpc"`
	Default bool              `yaml:"default"`
	Subnets []string          `yaml:"subnets"`
	Entries []NetworkACLEntry `yaml:"entries"`
	Tags    map[string]string `yaml:"tags"`
}

// NetworkACLEntry is one numbered rule of a network ACL.
type NetworkACLEntry struct {
	RuleNumber int  `yaml:"rule_number"` // 1-32766
	Egress     bool `yaml:"egress"`
	// Protocol is -1 (all), tcp, udp, icmp, icmpv6 or a protocol number;
	// AWS reports numbers ("6"), and so does the fake.
	Protocol      string        `yaml:"protocol"`
	RuleAction    string        `yaml:"rule_action"` // allow | deny
	CIDRBlock     string        `yaml:"cidr_block"`
	IPv6CIDRBlock string        `yaml:"ipv6_cidr_block"`
	PortRange     *PortRange    `yaml:"port_range"`     // tcp and udp
	ICMPTypeCode  *ICMPTypeCode `yaml:"icmp_type_code"` // icmp and icmpv6
}

// PortRange is an inclusive range of ports.
type PortRange struct {
	From int `yaml:"from"`
	To   int `yaml:"to"`
}

// ICMPTypeCode is an ICMP type and code; -1 means all.
type ICMPTypeCode struct {
	Type int `yaml:"type"`
	Code int `yaml:"code"`
}

// SecurityGroup is a VPC security group. Name is its GroupName, unique in its
// VPC.
type SecurityGroup struct {
	ID          string         `yaml:"id"`
	Name        string         `yaml:"name"`
	Region      string         `yaml:"region"`
	VPC         string         `yaml:"vpc"`
	Description string         `yaml:"description"` // default: the name
	Ingress     []SGPermission `yaml:"ingress"`
	// Egress absent is AWS's default rule for a new group (all traffic to
	// 0.0.0.0/0); an empty list is no egress rule at all.
	Egress []SGPermission    `yaml:"egress"`
	Tags   map[string]string `yaml:"tags"`
}

// SGPermission is one IpPermission: a protocol and port range and the
// sources (or destinations) it applies to.
type SGPermission struct {
	// Protocol is -1 (all traffic, no ports), tcp, udp, icmp, icmpv6 or a
	// protocol number; 6, 17, 1 and 58 are reported by name.
	Protocol string `yaml:"protocol"`
	// FromPort and ToPort are the port range (tcp, udp) or the ICMP type and
	// code (-1 for all).
	FromPort    *int          `yaml:"from_port"`
	ToPort      *int          `yaml:"to_port"`
	CIDRs       []string      `yaml:"cidrs"`
	IPv6CIDRs   []string      `yaml:"ipv6_cidrs"`
	PrefixLists []string      `yaml:"prefix_lists"` // ids or names of the fixture's prefix lists
	Groups      []SGGroupPair `yaml:"groups"`
	// Description is the description of each source of the permission.
	Description string `yaml:"description"`
}

// SGGroupPair is a security group as the source of a rule: one of the
// account's groups (id or name, in the same VPC), or with user_id another
// account's group by id.
type SGGroupPair struct {
	Group                  string `yaml:"group"`
	UserID                 string `yaml:"user_id"`
	VPCID                  string `yaml:"vpc_id"`
	VPCPeeringConnectionID string `yaml:"vpc_peering_connection_id"`
	PeeringStatus          string `yaml:"peering_status"`
}

// PrefixList is a managed prefix list. OwnerID defaults to the account; use
// "AWS" for an AWS-managed list and another account's id for one shared with
// this account.
type PrefixList struct {
	ID            string            `yaml:"id"`
	Name          string            `yaml:"name"`
	Region        string            `yaml:"region"`
	OwnerID       string            `yaml:"owner_id"`
	AddressFamily string            `yaml:"address_family"` // IPv4 (default) | IPv6
	MaxEntries    int               `yaml:"max_entries"`    // default: the number of entries (at least 1)
	Version       int               `yaml:"version"`        // default 1
	Entries       []PrefixListEntry `yaml:"entries"`
	Tags          map[string]string `yaml:"tags"`
}

// PrefixListEntry is one CIDR of a prefix list.
type PrefixListEntry struct {
	CIDR        string `yaml:"cidr"`
	Description string `yaml:"description"`
}

// Instance is an EC2 instance in a VPC subnet. Its primary network interface
// (device 0) carries the instance's subnet, addresses and security groups.
type Instance struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name"`
	Region string `yaml:"region"`
	// Reservation groups instances into one reservation (DescribeInstances
	// Reservations); each instance is its own reservation otherwise.
	Reservation  string `yaml:"reservation"`
	State        string `yaml:"state"`         // running (default) | pending | shutting-down | terminated | stopping | stopped
	InstanceType string `yaml:"instance_type"` // default t3.micro
	ImageID      string `yaml:"image_id"`      // default derived
	KeyName      string `yaml:"key_name"`
	Platform     string `yaml:"platform"` // "" (Linux/UNIX) | windows
	Subnet       string `yaml:"subnet"`   // id or name; required
	// NetworkInterfaceID is the primary interface's id (default derived).
	NetworkInterfaceID string `yaml:"network_interface_id"`
	// PrivateIP defaults to the next free address of the subnet.
	PrivateIP string `yaml:"private_ip"`
	// PublicIP is an auto-assigned public IPv4 address (owner "amazon"); an
	// Elastic IP associated with the instance takes its place.
	PublicIP      string   `yaml:"public_ip"`
	CarrierIP     string   `yaml:"carrier_ip"`
	IPv6Addresses []string `yaml:"ipv6_addresses"`
	// SecurityGroups are ids or names in the subnet's VPC (default: the
	// VPC's default group).
	SecurityGroups []string `yaml:"security_groups"`
	// IAMInstanceProfile is the name or ARN of an instance profile of one of
	// the account's roles (iam.roles[].instance_profiles).
	IAMInstanceProfile string                      `yaml:"iam_instance_profile"`
	MetadataOptions    *MetadataOptions            `yaml:"metadata_options"`
	NetworkInterfaces  []*InstanceNetworkInterface `yaml:"network_interfaces"` // secondary interfaces
	LaunchTime         time.Time                   `yaml:"launch_time"`
	Tags               map[string]string           `yaml:"tags"`
}

// MetadataOptions are an instance's IMDS settings. On an instance the
// defaults are http_tokens optional, hop limit 1, endpoint enabled, IPv6 and
// tags disabled; in a launch template only what is set is reported.
type MetadataOptions struct {
	HTTPTokens              string `yaml:"http_tokens"` // optional | required
	HTTPPutResponseHopLimit int    `yaml:"http_put_response_hop_limit"`
	HTTPEndpoint            string `yaml:"http_endpoint"`          // enabled | disabled
	HTTPProtocolIPv6        string `yaml:"http_protocol_ipv6"`     // enabled | disabled
	InstanceMetadataTags    string `yaml:"instance_metadata_tags"` // enabled | disabled
}

// InstanceNetworkInterface is a secondary network interface of an instance.
type InstanceNetworkInterface struct {
	ID             string   `yaml:"id"`
	DeviceIndex    int      `yaml:"device_index"` // default: its position + 1
	Subnet         string   `yaml:"subnet"`       // default: the instance's subnet
	PrivateIP      string   `yaml:"private_ip"`
	PublicIP       string   `yaml:"public_ip"`
	IPv6Addresses  []string `yaml:"ipv6_addresses"`
	SecurityGroups []string `yaml:"security_groups"` // default: the instance's
	Description    string   `yaml:"description"`
}

// ElasticIP is an Elastic IP address, associated with an instance (its
// primary interface) or a network interface when one is named.
type ElasticIP struct {
	PublicIP         string            `yaml:"public_ip"`
	AllocationID     string            `yaml:"allocation_id"`
	Region           string            `yaml:"region"`
	Instance         string            `yaml:"instance"`          // id or name
	NetworkInterface string            `yaml:"network_interface"` // an instance interface's id
	PrivateIP        string            `yaml:"private_ip"`        // default: the interface's primary private IP
	AssociationID    string            `yaml:"association_id"`
	Tags             map[string]string `yaml:"tags"`
}

// LaunchTemplate is a launch template with its versions.
type LaunchTemplate struct {
	ID        string    `yaml:"id"`
	Name      string    `yaml:"name"`
	Region    string    `yaml:"region"`
	Created   time.Time `yaml:"created"`
	CreatedBy string    `yaml:"created_by"` // default arn:aws:iam::ACCOUNT:root
	// DefaultVersion defaults to 1.
	DefaultVersion int                      `yaml:"default_version"`
	Versions       []*LaunchTemplateVersion `yaml:"versions"`
	Tags           map[string]string        `yaml:"tags"`
}

// LaunchTemplateVersion is one version of a launch template.
type LaunchTemplateVersion struct {
	Number      int                `yaml:"number"` // default: its position + 1
	Description string             `yaml:"description"`
	Created     time.Time          `yaml:"created"`
	Data        LaunchTemplateData `yaml:"data"`
}

// LaunchTemplateData is what a launch template version specifies; only what
// is set is reported. Security groups and subnets that name the fixture's
// resources are resolved to their ids; anything else is reported as given
// (AWS does not check them until launch).
type LaunchTemplateData struct {
	ImageID            string               `yaml:"image_id"`
	InstanceType       string               `yaml:"instance_type"`
	KeyName            string               `yaml:"key_name"`
	IAMInstanceProfile *LTInstanceProfile   `yaml:"iam_instance_profile"`
	MetadataOptions    *MetadataOptions     `yaml:"metadata_options"`
	NetworkInterfaces  []LTNetworkInterface `yaml:"network_interfaces"`
	SecurityGroupIDs   []string             `yaml:"security_group_ids"`
	SecurityGroups     []string             `yaml:"security_groups"` // names
	UserData           string               `yaml:"user_data"`       // base64, served as stored
	TagSpecifications  []LTTagSpecification `yaml:"tag_specifications"`
}

// LTInstanceProfile names an instance profile by name or ARN.
type LTInstanceProfile struct {
	Name string `yaml:"name"`
	ARN  string `yaml:"arn"`
}

// LTNetworkInterface is a network interface specification of a launch
// template.
type LTNetworkInterface struct {
	DeviceIndex              *int     `yaml:"device_index"`
	AssociatePublicIPAddress *bool    `yaml:"associate_public_ip_address"`
	Subnet                   string   `yaml:"subnet"`
	SecurityGroups           []string `yaml:"security_groups"`
	DeleteOnTermination      *bool    `yaml:"delete_on_termination"`
	Description              string   `yaml:"description"`
}

// LTTagSpecification tags the resources a launch creates.
type LTTagSpecification struct {
	ResourceType string            `yaml:"resource_type"`
	Tags         map[string]string `yaml:"tags"`
}

// VPCEndpoint is a VPC endpoint.
type VPCEndpoint struct {
	ID          string `yaml:"id"`
	Name        string `yaml:"name"`
	Region      string `yaml:"region"`
	VPC         string `yaml:"vpc"`
	ServiceName string `yaml:"service_name"`
	Type        string `yaml:"type"`  // Gateway (default) | Interface | GatewayLoadBalancer
	State       string `yaml:"state"` // available (default)
	// Policy defaults to full access for Gateway and Interface endpoints.
	Policy            *Document         `yaml:"policy"`
	RouteTables       []string          `yaml:"route_tables"`    // Gateway
	Subnets           []string          `yaml:"subnets"`         // Interface, GatewayLoadBalancer
	SecurityGroups    []string          `yaml:"security_groups"` // Interface
	PrivateDNSEnabled bool              `yaml:"private_dns_enabled"`
	Created           time.Time         `yaml:"created"`
	Tags              map[string]string `yaml:"tags"`
}

// network checks the account's EC2 and Elastic Load Balancing sections and
// its instance profiles: everything buildEC2 and buildELB could not resolve
// is an error at its line.
func (v *validator) network(p []any, a *Account) {
	v.instanceProfiles(p, a)
	n := buildEC2(a, p)
	for _, pr := range append(n.problems, buildELB(a, n, p).problems...) {
		v.errf(pr.path, "%s", pr.msg)
	}
}

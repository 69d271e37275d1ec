package graph

import (
	"fmt"
	"strings"
)

// ec2Instance derives who can open connections to a running instance,
// interface by interface (reach.go), and the instance's executes-as edge to
// the role of its instance profile (IAM User Guide, "Use an IAM role to
// grant permissions to applications running on Amazon EC2 instances": the
// instance's software gets the role's temporary credentials from the
// instance metadata service).
func (r *resolver) ec2Instance(n *Node) {
	inst := n.Instance()
	if inst == nil {
		return
	}
	r.instanceRole(n)
	if inst.State != "running" && inst.State != "pending" {
		return // a stopped instance has no public address and answers nothing
	}
	for _, nic := range inst.Interfaces {
		addr := Evidence{Source: "ec2:DescribeInstances"}
		var parts []string
		if nic.PublicIP != "" {
			kind := "auto-assigned public IPv4"
			if nic.ElasticIP {
				kind = "Elastic IP"
			}
			parts = append(parts, fmt.Sprintf("%s %s", kind, nic.PublicIP))
		}
		if len(nic.IPv6) > 0 {
			parts = append(parts, "IPv6 "+strings.Join(nic.IPv6, ", "))
		}
		if len(parts) > 0 {
			addr.Detail = fmt.Sprintf("instance %s has %s on %s", inst.InstanceID, strings.Join(parts, " and "), nonEmpty(nic.ID, "its primary interface"))
			addr.Fix = fmt.Sprintf("remove the public address of %s (launch it in a private subnet, without an Elastic IP) and reach it through a load balancer or Session Manager", inst.InstanceID)
		}
		r.connect(netTarget{
			id: n.ID, account: n.Account, region: n.Region, name: "instance " + nonEmpty(n.Name, inst.InstanceID), via: ViaSecurityGroup,
			groupIDs: nic.SecurityGroups, subnetIDs: []string{nic.SubnetID},
			public4: nic.PublicIP != "", public6: len(nic.IPv6) > 0, address: addr,
		})
	}
}

// instanceRole draws the instance's executes-as edge to its instance
// profile's role. IAM's authorization details list each role's instance
// profiles; a profile no collected role holds gives no edge (a profile
// without a role gives no credentials), unless the account's roles were
// not collected at all, which leaves the role unknown (a note).
func (r *resolver) instanceRole(n *Node) {
	inst := n.Instance()
	if inst.InstanceProfile == "" {
		return
	}
	role, ok := r.profileRoles()[inst.InstanceProfile]
	if !ok {
		if !r.hasRoles(n.Account) {
			r.note(n.ID, NoteUnknownExposure, ViaInstanceProfile, "instance %s runs with instance profile %s, but the account's roles were not read (iam:GetAccountAuthorizationDetails): what its credentials reach is unknown",
				nonEmpty(n.Name, inst.InstanceID), inst.InstanceProfile)
		}
		return
	}
	cert, detail := True, "the instance's software gets the role's credentials from the instance metadata service"
	if inst.IMDS.Known == True && strings.EqualFold(inst.IMDS.HTTPEndpoint, "disabled") {
		cert, detail = False, "the instance metadata endpoint is disabled: the instance cannot fetch the role's credentials"
	}
	r.edge(Edge{From: n.ID, To: role, Kind: EdgeExecutesAs, Via: ViaInstanceProfile, Certainty: cert,
		Evidence: []Evidence{
			{Source: "ec2:DescribeInstances", Detail: "IamInstanceProfile " + inst.InstanceProfile + "; " + detail},
			{Source: "iam:GetAccountAuthorizationDetails", Detail: "instance profile " + inst.InstanceProfile + " holds role " + role},
		}})
}

// profileRoles indexes the collected roles by the ARNs of their instance
// profiles, once.
func (r *resolver) profileRoles() map[string]string {
	if r.profiles == nil {
		r.profiles = map[string]string{}
		for _, n := range r.byKind[KindIAMRole] {
			if n.Role() == nil {
				continue
			}
			for _, p := range n.Role().InstanceProfiles {
				r.profiles[p] = n.ID
			}
		}
	}
	return r.profiles
}

// hasRoles says whether any role of the account was collected.
func (r *resolver) hasRoles(account string) bool {
	for _, n := range r.byKind[KindIAMRole] {
		if n.Account == account {
			return true
		}
	}
	return false
}

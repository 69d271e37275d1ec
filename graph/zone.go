package graph

import "strings"

// Zone names a trust zone. Every node belongs to exactly one.
type Zone string

// Fixed zones; the others are built with the functions below.
const (
	ZoneInternet      Zone = "internet"
	ZoneAnyAWSAccount Zone = "any-aws-account"
)

// ZoneExternalAccount is the zone of a named account outside the scan.
func ZoneExternalAccount(acct string) Zone { return Zone("external-account:" + acct) }

// ZoneOrganization is the zone of an organization's accounts.
func ZoneOrganization(org string) Zone { return Zone("organization:" + org) }

// ZoneAWSService is the zone of an AWS service principal.
func ZoneAWSService(svc string) Zone { return Zone("aws-service:" + svc) }

// ZoneAccount is the zone of a scanned account.
func ZoneAccount(acct string) Zone { return Zone("account:" + acct) }

// ZoneFederated is the zone of the users of a federated identity provider.
func ZoneFederated(provider string) Zone { return Zone("federated:" + provider) }

// Outside reports whether z lies outside every scanned account.
func (z Zone) Outside() bool { return !strings.HasPrefix(string(z), "account:") }

// ZoneOf returns the trust zone of a node, given the set of scanned accounts.
func ZoneOf(n *Node, scanned map[string]bool) Zone {
	switch n.Kind {
	case KindInternet:
		return ZoneInternet
	case KindAnyAWSAccount:
		return ZoneAnyAWSAccount
	case KindOrganization:
		return ZoneOrganization(strings.TrimPrefix(n.ID, "org:"))
	case KindServicePrincipal:
		return ZoneAWSService(strings.TrimPrefix(n.ID, "service:"))
	case KindFederated:
		return ZoneFederated(strings.TrimPrefix(n.ID, "federated:"))
	case KindExternalEndpoint:
		// An HTTP backend, a JWT issuer, a Kafka cluster: outside AWS.
		return ZoneInternet
	}
	if n.Account != "" && !scanned[n.Account] {
		return ZoneExternalAccount(n.Account)
	}
	if n.Account == "" {
		return ZoneAnyAWSAccount
	}
	return ZoneAccount(n.Account)
}

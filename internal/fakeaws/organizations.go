package fakeaws

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Organizations (AWS JSON 1.1, global; every error is HTTP 400 with the code
// in __type): aws_wire.md §5.

const orgJSON = "application/x-amz-json-1.1"

var orgHandlers = map[string]func(*call, *orgMembership) (*response, error){
	"DescribeOrganization": orgDescribeOrganization,
	"ListAccounts":         orgListAccounts,
}

func organizationsService() *service {
	return &service{route: func(c *call) (operation, bool) {
		name, ok := strings.CutPrefix(c.r.Header.Get("X-Amz-Target"), "AWSOrganizationsV20161128.")
		h := orgHandlers[name]
		if !ok || h == nil || c.r.Method != http.MethodPost {
			return operation{}, false
		}
		return operation{name: name, handle: func(c *call) (*response, error) {
			m := organizationOf(c.srv, c.account())
			if m == nil {
				return nil, errorFor("organizations", "AWSOrganizationsNotInUseException", "")
			}
			return h(c, m)
		}}, true
	}}
}

// orgMembership is the organization a caller belongs to and the fixture
// account whose organization block describes it.
type orgMembership struct {
	org   *Organization
	owner *Account
}

// organizationOf finds a's organization: its own organization block, or
// else the block of a management account in the fixture that lists a among
// its accounts. nil means a is in no organization.
func organizationOf(s *Server, a *Account) *orgMembership {
	if a.Organization != nil {
		return &orgMembership{a.Organization, a}
	}
	for _, other := range s.world.Accounts {
		if other == nil || other.Organization == nil || other.Organization.MasterAccountID != other.ID {
			continue
		}
		if slices.ContainsFunc(other.Organization.Accounts, func(m OrgAccount) bool { return m.ID == a.ID }) {
			return &orgMembership{other.Organization, other}
		}
	}
	return nil
}

func (o *Organization) arn() string {
	return "arn:aws:organizations::" + o.MasterAccountID + ":organization/" + o.ID
}

func (o *Organization) accountARN(id string) string {
	return "arn:aws:organizations::" + o.MasterAccountID + ":account/" + o.ID + "/" + id
}

// orgDescribeOrganization answers for members and the management account
// alike. AvailablePolicyTypes (deprecated, but still sent) lists the
// fixture's policy_types as ENABLED.
func orgDescribeOrganization(c *call, m *orgMembership) (*response, error) {
	o := m.org
	featureSet := orDefault(o.FeatureSet, "ALL")
	types := o.PolicyTypes
	if types == nil && featureSet == "ALL" {
		types = []string{"SERVICE_CONTROL_POLICY"}
	}
	type policyType struct{ Type, Status string }
	out := struct {
		Organization struct {
			Id                   string
			Arn                  string
			FeatureSet           string
			MasterAccountArn     string
			MasterAccountId      string
			MasterAccountEmail   string `json:",omitempty"`
			AvailablePolicyTypes []policyType
		}
	}{}
	org := &out.Organization
	org.Id, org.Arn, org.FeatureSet = o.ID, o.arn(), featureSet
	org.MasterAccountArn, org.MasterAccountId = o.accountARN(o.MasterAccountID), o.MasterAccountID
	org.MasterAccountEmail = orDefault(o.MasterAccountEmail, masterMember(m).Email)
	org.AvailablePolicyTypes = []policyType{}
	for _, t := range types {
		org.AvailablePolicyTypes = append(org.AvailablePolicyTypes, policyType{t, "ENABLED"})
	}
	return jsonReply(orgJSON, out)
}

// masterMember is the management account as ListAccounts reports it: its
// entry in the fixture's account list, or one made up from the
// organization (ListAccounts always includes the management account).
func masterMember(m *orgMembership) OrgAccount {
	o := m.org
	for _, a := range o.Accounts {
		if a.ID == o.MasterAccountID {
			return a
		}
	}
	name := o.MasterAccountID
	if m.owner.ID == o.MasterAccountID {
		name = orDefault(m.owner.Alias, name)
	}
	return OrgAccount{ID: o.MasterAccountID, Name: name, Email: o.MasterAccountEmail}
}

// orgInvalidInput is Organizations' InvalidInputException with its Reason.
func orgInvalidInput(reason, msg string) error {
	return errorFor("organizations", "InvalidInputException", msg).with("Reason", reason)
}

// orgListAccounts pages through the organization's accounts (by id, at
// most 20 a page). Only the management account and delegated
// administrators may call it.
func orgListAccounts(c *call, m *orgMembership) (*response, error) {
	o, a := m.org, c.account()
	if a.ID != o.MasterAccountID && !slices.Contains(o.DelegatedAdministrators, a.ID) {
		return nil, errorFor("organizations", ErrAccessDenied, "You don't have permissions to access this resource.")
	}
	var req struct {
		MaxResults *int
		NextToken  string
	}
	if len(c.body) > 0 && json.Unmarshal(c.body, &req) != nil {
		return nil, errorFor("organizations", "SerializationException", "")
	}
	limit := 20
	if req.MaxResults != nil {
		switch n := *req.MaxResults; {
		case n < 1:
			return nil, orgInvalidInput("MIN_VALUE_EXCEEDED", "You provided a value that is too small for MaxResults: "+strconv.Itoa(n)+".")
		case n > 20:
			return nil, orgInvalidInput("MAX_VALUE_EXCEEDED", "You provided a value that is too large for MaxResults: "+strconv.Itoa(n)+".")
		}
		limit = *req.MaxResults
	}
	members := slices.Clone(o.Accounts)
	if !slices.ContainsFunc(members, func(x OrgAccount) bool { return x.ID == o.MasterAccountID }) {
		members = append(members, masterMember(m))
	}
	slices.SortFunc(members, func(x, y OrgAccount) int { return strings.Compare(x.ID, y.ID) })
	items, next, ok := page(members, func(x OrgAccount) string { return x.ID }, "account", req.NextToken, limit)
	if !ok {
		return nil, orgInvalidInput("INVALID_NEXT_TOKEN", "The NextToken value is not valid.")
	}
	type account struct {
		Id              string
		Arn             string
		Email           string
		Name            string
		Status          string
		State           string
		JoinedMethod    string
		JoinedTimestamp epochSeconds
	}
	out := struct {
		Accounts  []account
		NextToken string `json:",omitempty"`
	}{Accounts: []account{}, NextToken: next}
	for _, x := range items {
		status := orDefault(x.Status, "ACTIVE")
		out.Accounts = append(out.Accounts, account{
			Id:              x.ID,
			Arn:             o.accountARN(x.ID),
			Email:           x.Email,
			Name:            x.Name,
			Status:          status,
			State:           status, // the newer State has the same values for these
			JoinedMethod:    orDefault(x.JoinedMethod, "INVITED"),
			JoinedTimestamp: epochSeconds(orDefaultTime(x.Joined)),
		})
	}
	return jsonReply(orgJSON, out)
}

package fakeaws

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// A generated organization (issue 16): a management account and many
// member accounts of varied sizes, with the trusts that matter in real
// organizations — a shared-services role every member may assume (pinned
// to the organization with aws:PrincipalOrgID), roles in one member trusted
// by another, buckets and queues shared with other members, and partners
// outside the organization trusted with and without an external id. One
// fakeaws process serves it all; the throttler keeps one bucket per account
// (AWS throttles per account and Region), so members do not slow each other.
//
// Everything follows from OrgSpec: the same spec gives the same world.

// OrgSpec is what GenerateOrganization builds.
type OrgSpec struct {
	Seed    uint64
	Members int // member accounts besides the management account
	// Resources is the mean number of resources per member; each member's
	// size is drawn from a skewed distribution (most small, a few large:
	// 0.25×, 1×, 2.5× or 5× the mean).
	Resources int
	Regions   []string // default us-east-1, eu-west-1
	// Suspended members are listed SUSPENDED by ListAccounts; Unassumable
	// members are ACTIVE but their OrganizationAccountAccessRole cannot be
	// assumed (AccessDenied), as when an account's role was deleted.
	Suspended   int
	Unassumable int
	Partners    int // accounts outside the organization that members trust (default 3)
	// RoleName is the role assumable in every member (default
	// OrganizationAccountAccessRole).
	RoleName string
	Latency  time.Duration
	Throttle Throttle
}

// Generated organization constants.
const (
	OrgManagementAccount = "100000000000"
	OrgManagementKey     = "AKIAORGMANAGEMENT001"
	orgCreated           = "2024-01-07T10:00:00Z"
	// OrgSecretPrefix begins every secret value planted in the generated
	// organization (functions' environment values).
	OrgSecretPrefix = "gen-secret-"
)

// OrgMemberID is the account id of member i (1-based).
func OrgMemberID(i int) string { return fmt.Sprintf("1%011d", i) }

// OrgPartnerID is the account id of partner p (outside the organization).
func OrgPartnerID(p int) string { return fmt.Sprintf("9%011d", p+1) }

// orgID is the generated organization's id.
func (s OrgSpec) orgID() string { return fmt.Sprintf("o-gen%07d", s.Seed%10000000) }

// OrgSize is member i's number of resources.
func (s OrgSpec) OrgSize(i int) int {
	r := rand.New(rand.NewPCG(s.Seed, uint64(i)))
	f := 0.25
	switch x := r.Float64(); {
	case x >= 0.97:
		f = 5
	case x >= 0.85:
		f = 2.5
	case x >= 0.45:
		f = 1
	}
	return max(4, int(float64(s.Resources)*f))
}

// GenerateOrganization builds the organization s describes.
func GenerateOrganization(s OrgSpec) *World {
	if len(s.Regions) == 0 {
		s.Regions = []string{"us-east-1", "eu-west-1"}
	}
	if s.Partners <= 0 {
		s.Partners = 3
	}
	if s.RoleName == "" {
		s.RoleName = "OrganizationAccountAccessRole"
	}
	created, _ := time.Parse(time.RFC3339, orgCreated)
	org := &Organization{ID: s.orgID(), MasterAccountID: OrgManagementAccount, MasterAccountEmail: "aws-root@example.com"}
	mgmt := &Account{
		ID: OrgManagementAccount, Alias: "management", AccessKeys: []string{OrgManagementKey},
		CallerARN: "arn:aws:iam::" + OrgManagementAccount + ":user/trustmap", Regions: s.Regions, Organization: org,
	}
	org.Accounts = append(org.Accounts, OrgAccount{ID: mgmt.ID, Name: "management", Email: "aws-root@example.com", JoinedMethod: "CREATED", Joined: created})
	w := &World{Accounts: []*Account{mgmt}, Latency: s.Latency, Throttle: s.Throttle}
	g := orgGen{s: s, org: org, created: created}
	g.account(mgmt, 0, max(4, s.Resources/4))
	for i := 1; i <= s.Members; i++ {
		id := OrgMemberID(i)
		status := "ACTIVE"
		if i > s.Members-s.Suspended {
			status = "SUSPENDED"
		}
		org.Accounts = append(org.Accounts, OrgAccount{ID: id, Name: fmt.Sprintf("member-%04d", i), Email: fmt.Sprintf("aws+%04d@example.com", i), Status: status, JoinedMethod: "CREATED", Joined: created})
		a := &Account{ID: id, Alias: fmt.Sprintf("member-%04d", i), Regions: s.Regions}
		if status == "ACTIVE" && i > s.Members-s.Suspended-s.Unassumable {
			// Unassumable: the role is gone; AssumeRole answers AccessDenied.
		} else if status == "ACTIVE" {
			a.RolesAssumable = []AssumableRole{{ARN: "arn:aws:iam::" + id + ":role/" + s.RoleName}}
		}
		g.account(a, i, s.OrgSize(i))
		w.Accounts = append(w.Accounts, a)
	}
	return w
}

type orgGen struct {
	s       OrgSpec
	org     *Organization
	created time.Time
}

// other is a member other than i, picked by k.
func (g orgGen) other(i, k int) string {
	n := max(1, g.s.Members)
	j := (i+k*7919)%n + 1
	if j == i {
		j = j%n + 1
	}
	return OrgMemberID(j)
}

func (g orgGen) partner(k int) string { return OrgPartnerID(k % g.s.Partners) }

// account fills account a (member i; 0 is the management account) with n
// resources: 30% buckets, 25% queues, 25% functions, 20% roles.
func (g orgGen) account(a *Account, i, n int) {
	regs := g.s.Regions
	nb, nq, nf := n*30/100, n*25/100, n*25/100
	nr := max(1, n-nb-nq-nf)
	id := a.ID
	role := func(j int) string { return fmt.Sprintf("arn:aws:iam::%s:role/app-%04d", id, j%nr) }
	// The management account's access role in each member, and a
	// shared-services role (member 1) that every account of the
	// organization may assume.
	if i > 0 {
		a.IAM.Roles = append(a.IAM.Roles, &Role{Name: g.s.RoleName, Path: "/", Created: g.created,
			TrustPolicy:      Doc(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}`, OrgManagementAccount)),
			AttachedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}})
	}
	if i == 1 {
		a.IAM.Roles = append(a.IAM.Roles, &Role{Name: "shared-deployer", Path: "/", Created: g.created,
			TrustPolicy:    Doc(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"%s"}}}]}`, g.org.ID)),
			InlinePolicies: map[string]*Document{"deploy": Doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::*"}]}`)}})
	}
	for j := range nr {
		r := &Role{Name: fmt.Sprintf("app-%04d", j), Path: "/", Created: g.created}
		trust := `{"Service":"lambda.amazonaws.com"}`
		var cond string
		switch {
		case j%5 == 1:
			trust = fmt.Sprintf(`{"AWS":"arn:aws:iam::%s:root"}`, g.other(i, j)) // another member
		case j%20 == 3 && i%4 == 0:
			trust = fmt.Sprintf(`{"AWS":"arn:aws:iam::%s:root"}`, g.partner(i+j))
			cond = fmt.Sprintf(`,"Condition":{"StringEquals":{"sts:ExternalId":"ext-%s-%d"}}`, id, j)
		case j%40 == 7 && i%10 == 0:
			trust = fmt.Sprintf(`{"AWS":"arn:aws:iam::%s:root"}`, g.partner(i+j)) // no external id
		}
		r.TrustPolicy = Doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + trust + `,"Action":"sts:AssumeRole"` + cond + `}]}`)
		stmts := []string{fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::%s/*"}`, orgBucket(id, j%max(1, nb)))}
		if j%9 == 2 && i > 0 {
			// A role chain into another member's role.
			stmts = append(stmts, fmt.Sprintf(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::%s:role/app-0001"}`, g.other(i, j+1)))
		}
		r.InlinePolicies = map[string]*Document{"app": Doc(`{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`)}
		a.IAM.Roles = append(a.IAM.Roles, r)
	}
	for j := range nb {
		name := orgBucket(id, j)
		arn := "arn:aws:s3:::" + name
		b := &Bucket{Name: name, Region: regs[j%len(regs)], Created: g.created, Ownership: "BucketOwnerEnforced"}
		switch {
		case j%25 == 0:
			b.Policy = Doc(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"%s/*"}]}`, arn))
			b.PolicyIsPublic = true
		case j%7 == 3:
			b.Policy = Doc(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"Member","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"%s/*"}]}`, g.other(i, j), arn))
		case j%31 == 5:
			b.Policy = Doc(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"s3:GetObject","Resource":"%s/*"}]}`, g.partner(i+j), arn))
		case j%11 == 4:
			b.Policy = Doc(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"Org","Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"%s/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"%s"}}}]}`, arn, g.org.ID))
		}
		a.S3.Buckets = append(a.S3.Buckets, b)
	}
	for j := range nq {
		region := regs[j%len(regs)]
		name := fmt.Sprintf("q-%04d", j)
		arn := "arn:aws:sqs:" + region + ":" + id + ":" + name
		q := &Queue{Name: name, Region: region, Created: g.created}
		switch {
		case j%50 == 0:
			q.Policy = Doc(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"%s"}]}`, arn))
		case j%10 == 3:
			q.Policy = Doc(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:role/app-0001"},"Action":"sqs:SendMessage","Resource":"%s"}]}`, g.other(i, j), arn))
		}
		a.SQS.Queues = append(a.SQS.Queues, q)
	}
	for j := range nf {
		region := regs[j%len(regs)]
		name := fmt.Sprintf("fn-%04d", j)
		arn := "arn:aws:lambda:" + region + ":" + id + ":function:" + name
		f := &Function{Name: name, Region: region, Runtime: "python3.12", Handler: "app.handler", Role: role(j),
			LastModified: "2024-01-07T10:00:00.000+0000"}
		if j%13 == 0 {
			// A value no output may carry (only the variable's name is kept).
			f.Environment = map[string]string{"DB_PASSWORD": OrgSecretPrefix + id + "-" + name}
		}
		switch {
		case j%12 == 5:
			f.Policy = Doc(fmt.Sprintf(`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"Member","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"lambda:InvokeFunction","Resource":"%s"}]}`, g.other(i, j), arn))
		case j%40 == 9:
			f.URL = &FunctionURL{AuthType: "NONE"}
		}
		a.Lambda.Functions = append(a.Lambda.Functions, f)
	}
}

func orgBucket(account string, j int) string { return fmt.Sprintf("b-%s-%04d", account, j) }

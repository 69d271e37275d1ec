package fakeaws

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Managed policies: the fixture's customer-managed ones, and a small
// built-in set of AWS-managed ones for attachments that name them.

// ManagedPolicyVersion is one version of a customer-managed policy.
type ManagedPolicyVersion struct {
	ID       string    `yaml:"id"` // v1, v2, ...
	Document *Document `yaml:"document"`
	Created  time.Time `yaml:"created"`
}

// iamPolicy is a managed policy as IAM reports it.
type iamPolicy struct {
	name, arn, path, id, description string
	created, updated                 time.Time
	defaultVersion                   string
	versions                         []iamPolicyVersion
}

type iamPolicyVersion struct {
	id, doc string
	created time.Time
}

// awsManagedPolicies are the AWS-managed policies the fake knows, keyed by
// ARN. Their documents are short but real-shaped (ReadOnlyAccess is
// abbreviated: the real one lists hundreds of actions), and stored
// pretty-printed, as AWS stores its managed policies, so the URL-encoded
// form carries %0A and %20. Version ids and dates are illustrative.
var awsManagedPolicies = map[string]*iamPolicy{}

func init() {
	day := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	for _, p := range []struct{ path, name, version, created, updated, doc string }{
		{"/", "AdministratorAccess", "v1", "2015-02-06T18:39:46Z", "2015-02-06T18:39:46Z",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
		{"/", "ReadOnlyAccess", "v120", "2015-02-06T18:39:48Z", "2024-06-12T18:32:08Z",
			`{"Version":"2012-10-17","Statement":[{"Sid":"ReadOnlyActions","Effect":"Allow","Action":["apigateway:GET","cloudformation:Describe*","cloudformation:Get*","cloudformation:List*","dynamodb:Describe*","dynamodb:Get*","dynamodb:List*","dynamodb:Query","dynamodb:Scan","ec2:Describe*","ec2:Get*","iam:Generate*","iam:Get*","iam:List*","iam:Simulate*","lambda:Get*","lambda:List*","logs:Describe*","logs:FilterLogEvents","logs:Get*","organizations:Describe*","organizations:List*","s3:Get*","s3:List*","sqs:Get*","sqs:List*","sts:GetCallerIdentity"],"Resource":"*"}]}`},
		{"/", "AmazonS3ReadOnlyAccess", "v3", "2015-02-06T18:40:59Z", "2023-08-10T21:31:39Z",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}`},
		{"/service-role/", "AWSLambdaBasicExecutionRole", "v1", "2015-04-09T15:03:43Z", "2015-04-09T15:03:43Z",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`},
		{"/", "AmazonSQSFullAccess", "v2", "2015-02-06T18:41:07Z", "2024-02-01T18:11:25Z",
			`{"Version":"2012-10-17","Statement":[{"Sid":"SQSFullAccess","Effect":"Allow","Action":["sqs:*"],"Resource":"*"}]}`},
	} {
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, []byte(p.doc), "", "    "); err != nil {
			panic(err)
		}
		arn := "arn:aws:iam::aws:policy" + p.path + p.name
		awsManagedPolicies[arn] = &iamPolicy{
			name: p.name, arn: arn, path: p.path, id: uniqueID("ANPA", arn),
			created: day(p.created), updated: day(p.updated), defaultVersion: p.version,
			versions: []iamPolicyVersion{{id: p.version, doc: pretty.String(), created: day(p.updated)}},
		}
	}
}

// iamCustomerPolicy resolves a fixture policy: its ARN defaults from its
// path and name; without versions it has one, default_version (v1), holding
// document.
func iamCustomerPolicy(a *Account, mp *ManagedPolicy) *iamPolicy {
	arn := orDefault(mp.ARN, iamARN(a.ID, "policy", mp.Path, mp.Name))
	path := mp.Path
	if path == "" {
		_, rest, _ := strings.Cut(arn, ":policy")
		path = rest[:strings.LastIndex(rest, "/")+1]
	}
	p := &iamPolicy{
		name: mp.Name, arn: arn, path: iamPath(path), id: uniqueID("ANPA", arn), description: mp.Description,
		created: orDefaultTime(mp.Created), defaultVersion: mp.DefaultVersion,
	}
	p.updated = p.created
	for _, v := range mp.Versions {
		if v == nil {
			continue
		}
		pv := iamPolicyVersion{id: v.ID, doc: `{"Version":"2012-10-17","Statement":[]}`, created: orDefaultTime(v.Created)}
		if v.Document != nil {
			pv.doc = v.Document.JSON
		}
		p.versions = append(p.versions, pv)
		if pv.created.After(p.updated) {
			p.updated = pv.created
		}
	}
	if len(p.versions) == 0 {
		doc := `{"Version":"2012-10-17","Statement":[]}`
		if mp.Document != nil {
			doc = mp.Document.JSON
		}
		p.versions = []iamPolicyVersion{{id: orDefault(mp.DefaultVersion, "v1"), doc: doc, created: p.created}}
	}
	if p.defaultVersion == "" {
		p.defaultVersion = p.versions[len(p.versions)-1].id
	}
	return p
}

// iamCustomerPolicies are the account's customer-managed policies.
func iamCustomerPolicies(a *Account) []*iamPolicy {
	var out []*iamPolicy
	for _, mp := range a.IAM.Policies {
		if mp != nil {
			out = append(out, iamCustomerPolicy(a, mp))
		}
	}
	return out
}

// iamFindPolicy finds a managed policy by ARN: the account's own, or a
// built-in AWS-managed one.
func iamFindPolicy(a *Account, arn string) (*iamPolicy, error) {
	for _, p := range iamCustomerPolicies(a) {
		if p.arn == arn {
			return p, nil
		}
	}
	if p, ok := awsManagedPolicies[arn]; ok {
		return p, nil
	}
	return nil, iamError("NoSuchEntity", "Policy %s does not exist or is not attachable.", arn)
}

// iamUsage counts the attachments of a policy, and its uses as a
// permissions boundary, in the account.
func iamUsage(a *Account, arn string) (attachments, boundaries int) {
	count := func(attached []string, boundary string) {
		for _, at := range attached {
			if at == arn {
				attachments++
			}
		}
		if boundary == arn {
			boundaries++
		}
	}
	for _, u := range a.IAM.Users {
		if u != nil {
			count(u.AttachedPolicies, u.PermissionsBoundary)
		}
	}
	for _, g := range a.IAM.Groups {
		if g != nil {
			count(g.AttachedPolicies, "")
		}
	}
	for _, r := range a.IAM.Roles {
		if r != nil {
			count(r.AttachedPolicies, r.PermissionsBoundary)
		}
	}
	return attachments, boundaries
}

// iamPolicyCore writes the Policy members GetPolicy and
// GetAccountAuthorizationDetails share.
func iamPolicyCore(x *xmlw, a *Account, p *iamPolicy) {
	attached, boundaries := iamUsage(a, p.arn)
	x.leaf("PolicyName", p.name).leaf("PolicyId", p.id).leaf("Arn", p.arn).leaf("Path", p.path).
		leaf("DefaultVersionId", p.defaultVersion).leaf("AttachmentCount", strconv.Itoa(attached)).
		leaf("PermissionsBoundaryUsageCount", strconv.Itoa(boundaries)).leaf("IsAttachable", "true").
		leafIf("Description", p.description).
		leaf("CreateDate", isoSeconds(p.created)).leaf("UpdateDate", isoSeconds(p.updated))
}

func iamPolicyVersionXML(x *xmlw, p *iamPolicy, v iamPolicyVersion) {
	x.leaf("Document", iamEncode(v.doc)).leaf("VersionId", v.id).
		boolLeaf("IsDefaultVersion", v.id == p.defaultVersion).leaf("CreateDate", isoSeconds(v.created))
}

func iamGetPolicy(c *call) (*response, error) {
	a := c.account()
	p, err := iamFindPolicy(a, c.form.Get("PolicyArn"))
	if err != nil {
		return nil, err
	}
	return queryResponse(c, "GetPolicy", func(x *xmlw) {
		x.open("Policy")
		iamPolicyCore(x, a, p)
		x.close("Policy")
	}), nil
}

func iamGetPolicyVersion(c *call) (*response, error) {
	arn, id := c.form.Get("PolicyArn"), c.form.Get("VersionId")
	p, err := iamFindPolicy(c.account(), arn)
	if err != nil {
		return nil, err
	}
	for _, v := range p.versions {
		if v.id == id {
			return queryResponse(c, "GetPolicyVersion", func(x *xmlw) {
				x.open("PolicyVersion")
				iamPolicyVersionXML(x, p, v)
				x.close("PolicyVersion")
			}), nil
		}
	}
	return nil, iamError("NoSuchEntity", "Policy %s version %s does not exist or is not attachable.", arn, id)
}

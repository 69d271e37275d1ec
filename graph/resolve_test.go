package graph

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const owner = "123456789012"

func snapshotOf(nodes ...Node) *Snapshot {
	s := &Snapshot{SchemaVersion: SchemaVersion, Accounts: []string{owner}}
	s.Nodes = append(s.Nodes, nodes...)
	return s
}

// access lists the access edges into resources as "from -kind/via/exposure-> to".
func access(g *Graph) []string {
	var out []string
	for _, e := range g.Edges {
		if e.Kind.IsAccess() && e.Via != ViaIdentityPolicy {
			out = append(out, fmt.Sprintf("%s -%s/%s/%s-> %s", e.From, e.Kind, e.Via, e.Exposure, e.To))
		}
	}
	return out
}

func doc(text string) Doc { return Present(text, "test") }

const (
	fnARN     = "arn:aws:lambda:us-east-1:123456789012:function:f"
	apiARN    = "arn:aws:apigateway:us-east-1::/restapis/a1"
	methodARN = apiARN + "/resources/r1/methods/GET"
	httpARN   = "arn:aws:apigateway:us-east-1::/apis/h1"
	routeARN  = httpARN + "/routes/rt1"
)

func fn(policyText string) Node {
	d := Absent("lambda:GetPolicy")
	if policyText != "" {
		d = doc(policyText)
	}
	return Node{ID: fnARN, Kind: KindLambdaFunction, Account: owner, Region: "us-east-1", Attrs: &LambdaFunction{Policy: d}}
}

func restAPI(types []string, policyText string, disabled bool) Node {
	d := Absent("apigateway:GetRestApis")
	if policyText != "" {
		d = doc(policyText)
	}
	return Node{ID: apiARN, Kind: KindRestAPI, Account: owner, Region: "us-east-1",
		Attrs: &RestAPI{APIID: "a1", EndpointTypes: types, Policy: d, DisableExecuteAPIEndpoint: disabled}}
}

func method(auth string) Node {
	return Node{ID: methodARN, Kind: KindRestAPIMethod, Account: owner, Region: "us-east-1",
		Attrs: &APIMethod{APIID: "a1", Path: "/orders", HTTPMethod: "GET", AuthorizationType: auth}}
}

func TestResolveDrawsAccessEdgesForEachWayIn(t *testing.T) {
	const anyoneInvokes = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}]}`
	const partnerInvokes = `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"lambda:InvokeFunction","Resource":"*"}]}`
	const publicURL = `{"Statement":[{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}`
	const urlPolicy = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"AWS_IAM"}}}]}`
	const apiAnyone = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}`
	const apiPartner = `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"execute-api:Invoke","Resource":"*"}]}`
	cases := []struct {
		name  string
		nodes []Node
		edges []Edge
		want  []string
	}{
		{"a Lambda permission for * is open to any AWS account, not the anonymous internet",
			[]Node{fn(anyoneInvokes)}, nil,
			[]string{"aws:any-account -can-invoke/lambda-permission/public-> " + fnARN}},
		{"a Lambda permission for another account is cross-account",
			[]Node{fn(partnerInvokes)}, nil,
			[]string{"account:111122223333 -can-invoke/lambda-permission/cross-account-> " + fnARN}},
		{"a function URL with AuthType NONE whose policy grants InvokeFunctionUrl to * is public from the internet",
			[]Node{fn(publicURL), {ID: fnARN + "#url", Kind: KindLambdaFunctionURL, Account: owner, Attrs: &FunctionURL{AuthType: "NONE"}}}, nil,
			[]string{"internet -can-invoke/function-url/public-> " + fnARN + "#url"}},
		{"a function URL with AuthType NONE and no public grant answers 403 to everyone",
			[]Node{fn(""), {ID: fnARN + "#url", Kind: KindLambdaFunctionURL, Account: owner, Attrs: &FunctionURL{AuthType: "NONE"}}}, nil,
			nil},
		{"a function URL with AWS_IAM is open to whom the policy grants InvokeFunctionUrl, and the Invoke API is not",
			[]Node{fn(urlPolicy), {ID: fnARN + "#url", Kind: KindLambdaFunctionURL, Account: owner, Attrs: &FunctionURL{AuthType: "AWS_IAM"}}}, nil,
			[]string{"aws:any-account -can-invoke/function-url/public-> " + fnARN + "#url"}},
		{"a REGIONAL REST method with no authorizer and no policy is public",
			[]Node{restAPI([]string{"REGIONAL"}, "", false), method("NONE")}, nil,
			[]string{"internet -can-invoke/method-auth/public-> " + methodARN}},
		{"a REST method behind a Cognito authorizer is internet-facing but authenticated",
			[]Node{restAPI([]string{"EDGE"}, "", false), method("COGNITO_USER_POOLS")}, nil,
			[]string{"internet -can-invoke/method-authorizer/public-> " + methodARN}},
		{"a REST method with IAM auth and no resource policy is internal",
			[]Node{restAPI([]string{"REGIONAL"}, "", false), method("AWS_IAM")}, nil, nil},
		{"a REST method with IAM auth and a policy granting another account is cross-account",
			[]Node{restAPI([]string{"REGIONAL"}, apiPartner, false), method("AWS_IAM")}, nil,
			[]string{"account:111122223333 -can-invoke/rest-api-policy/cross-account-> " + methodARN}},
		{"a PRIVATE API without a resource policy cannot be invoked",
			[]Node{restAPI([]string{"PRIVATE"}, "", false), method("NONE")}, nil, nil},
		{"a PRIVATE API open to * is reachable only from VPC endpoints: cross-account, not public",
			[]Node{restAPI([]string{"PRIVATE"}, apiAnyone, false), method("NONE")}, nil,
			[]string{"aws:any-account -can-invoke/method-auth/cross-account-> " + methodARN}},
		{"an API whose default endpoint is disabled and has no custom domain is unreachable",
			[]Node{restAPI([]string{"REGIONAL"}, "", true), method("NONE")}, nil, nil},
		{"an API whose default endpoint is disabled is still reachable through a custom domain",
			[]Node{restAPI([]string{"REGIONAL"}, "", true), method("NONE"),
				{ID: "arn:aws:apigateway:us-east-1::/domainnames/api.example.com", Kind: KindDomainName, Name: "api.example.com", Account: owner}},
			[]Edge{{From: "arn:aws:apigateway:us-east-1::/domainnames/api.example.com", To: apiARN, Kind: EdgeRoutesTo}},
			[]string{"internet -can-invoke/method-auth/public-> " + methodARN}},
		{"an HTTP API route with no authorizer is public, with JWT authenticated, with IAM internal",
			[]Node{{ID: httpARN, Kind: KindHTTPAPI, Account: owner, Attrs: &HTTPAPI{APIID: "h1"}},
				{ID: routeARN, Kind: KindHTTPAPIRoute, Account: owner, Attrs: &APIMethod{APIID: "h1", RouteKey: "GET /a", AuthorizationType: "NONE"}},
				{ID: routeARN + "2", Kind: KindHTTPAPIRoute, Account: owner, Attrs: &APIMethod{APIID: "h1", RouteKey: "GET /b", AuthorizationType: "JWT"}},
				{ID: routeARN + "3", Kind: KindHTTPAPIRoute, Account: owner, Attrs: &APIMethod{APIID: "h1", RouteKey: "GET /c", AuthorizationType: "AWS_IAM"}}}, nil,
			[]string{"internet -can-invoke/route-auth/public-> " + routeARN, "internet -can-invoke/route-authorizer/public-> " + routeARN + "2"}},
		{"a role trusting another account can be assumed from it",
			[]Node{{ID: "arn:aws:iam::123456789012:role/r", Kind: KindIAMRole, Account: owner, Attrs: &IAMRole{TrustPolicy: doc(
				`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`)}}}, nil,
			[]string{"account:111122223333 -can-assume/trust-policy/cross-account-> arn:aws:iam::123456789012:role/r"}},
		{"an SQS queue open to * is public to the internet",
			[]Node{{ID: "arn:aws:sqs:us-east-1:123456789012:q", Kind: KindSQSQueue, Account: owner, Attrs: &SQSQueue{Policy: doc(
				`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}`)}}}, nil,
			[]string{"internet -can-send/queue-policy/public-> arn:aws:sqs:us-east-1:123456789012:q"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := snapshotOf(tc.nodes...)
			s.Edges = tc.edges
			got := access(Resolve(s))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("access edges (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIdentityPoliciesGiveRoleToResourceEdges(t *testing.T) {
	role := Node{ID: "arn:aws:iam::123456789012:role/app", Kind: KindIAMRole, Account: owner, Attrs: &IAMRole{
		TrustPolicy:    doc(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		InlinePolicies: map[string]string{"rw": `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::ledger/*"},{"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::ledger/locked/*"},{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`},
	}}
	bucket := Node{ID: "arn:aws:s3:::ledger", Kind: KindS3Bucket, Account: owner, Attrs: &S3Bucket{}}
	other := Node{ID: "arn:aws:s3:::other", Kind: KindS3Bucket, Account: owner, Attrs: &S3Bucket{}}
	queue := Node{ID: "arn:aws:sqs:us-east-1:123456789012:q", Kind: KindSQSQueue, Account: owner, Attrs: &SQSQueue{}}
	g := Resolve(snapshotOf(role, bucket, other, queue))
	var got []string
	for _, e := range g.Edges {
		if e.Via == ViaIdentityPolicy {
			got = append(got, fmt.Sprintf("%s -%s %v certain=%v-> %s", e.From, e.Kind, e.Actions, e.Certainty, e.To))
		}
	}
	slices.Sort(got)
	want := []string{
		"arn:aws:iam::123456789012:role/app -can-read [s3:GetObject] certain=true-> arn:aws:s3:::ledger",
		"arn:aws:iam::123456789012:role/app -can-send [sqs:SendMessage] certain=unknown-> arn:aws:sqs:us-east-1:123456789012:q",
		"arn:aws:iam::123456789012:role/app -can-write [s3:PutObject] certain=true-> arn:aws:s3:::ledger",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("identity edges (-want +got):\n%s", diff)
	}
}

func TestAPolicyThatCannotBeParsedIsANoteNotASilentInternal(t *testing.T) {
	g := Resolve(snapshotOf(Node{ID: "arn:aws:sqs:us-east-1:123456789012:q", Kind: KindSQSQueue, Account: owner,
		Attrs: &SQSQueue{Policy: doc(`{"Statement":[{"Effect":"Allow",`)}}))
	if len(access(g)) != 0 {
		t.Errorf("edges from an unparseable policy: %v", access(g))
	}
	if len(g.Notes) != 1 || g.Notes[0].Kind != "policy-unparseable" {
		t.Errorf("notes = %+v, want one policy-unparseable note", g.Notes)
	}
}

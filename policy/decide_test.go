package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const identityPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:List?ucket"], "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]},
    {"Sid": "Home", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"},
    {"Sid": "Team", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::teams/${aws:PrincipalTag/team, 'shared'}/*"},
    {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
    {"Sid": "AllButIAM", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "NotResource": "arn:aws:s3:::secret/*",
     "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]}}},
    {"Sid": "Tagged", "Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*",
     "Condition": {"StringEquals": {"aws:ResourceTag/env": "dev"}}},
    {"Sid": "VpceOnly", "Effect": "Deny", "Action": "dynamodb:*", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}},
    {"Sid": "DynamoRead", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"},
    {"Sid": "MFA", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}},
    {"Sid": "Window", "Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
     "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["env", "owner"]}}},
    {"Sid": "TagAny", "Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
     "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": "team-*"}, "Null": {"aws:RequestTag/cost": "false"}}},
    {"Sid": "SecretDeny", "Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
     "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalTag/clearance": "high"}}},
    {"Sid": "Secrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
  ]
}`

func TestDecideEvaluatesIdentityPolicies(t *testing.T) {
	p, err := Parse([]byte(identityPolicy))
	if err != nil {
		t.Fatal(err)
	}
	ref := func(i int, sid string) StatementRef { return StatementRef{Index: i, Sid: sid} }
	ip := map[string][]string{"aws:SourceIp": {"192.0.2.10"}}
	tests := []struct {
		name string
		req  Request
		want Decision
	}{
		{"a wildcard action allows a matching read", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/a.txt"},
			Decision{Effect: DecisionAllow, Statements: []StatementRef{ref(0, "Read")}}},
		{"action matching ignores case", Request{Action: "S3:GETOBJECT", Resource: "arn:aws:s3:::data/a.txt"},
			Decision{Effect: DecisionAllow, Statements: []StatementRef{ref(0, "Read")}}},
		{"a question mark matches exactly one character", Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::data"},
			Decision{Effect: DecisionAllow, Statements: []StatementRef{ref(0, "Read")}}},
		{"resource matching is case-sensitive", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::DATA/a.txt"},
			Decision{Effect: DecisionNotApplicable, Statements: []StatementRef{}}},
		{"a policy variable is filled from the request", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::home/alice/f", Context: map[string][]string{"aws:username": {"alice"}}},
			Decision{Effect: DecisionAllow, Statements: []StatementRef{ref(1, "Home")}}},
		{"a policy variable for someone else does not match", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::home/bob/f", Context: map[string][]string{"aws:username": {"alice"}}},
			Decision{Effect: DecisionNotApplicable, Statements: []StatementRef{}}},
		{"an unresolved policy variable makes the decision conditional", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::home/alice/f"},
			Decision{Effect: DecisionAllow, Conditional: true, Statements: []StatementRef{ref(1, "Home")}}},
		{"a policy variable falls back to its default", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::teams/shared/f"},
			Decision{Effect: DecisionAllow, Statements: []StatementRef{ref(2, "Team")}}},
		{"an explicit deny beats the NotAction allow", Request{Action: "s3:DeleteObject", Resource: "arn:aws:s3:::data/a.txt", Context: ip},
			Decision{Effect: DecisionDeny, Statements: []StatementRef{ref(3, "NoDelete")}}},
		{"NotAction allows other services from the allowed network", Request{Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111122223333:q", Context: ip},
			Decision{Effect: DecisionAllow, Statements: []StatementRef{ref(4, "AllButIAM")}}},
		{"NotAction excludes the listed services", Request{Action: "iam:CreateUser", Resource: "*", Context: ip},
			Decision{Effect: DecisionNotApplicable, Statements: []StatementRef{}}},
		{"NotResource excludes the listed resources", Request{Action: "sqs:SendMessage", Resource: "arn:aws:s3:::secret/x", Context: ip},
			Decision{Effect: DecisionNotApplicable, Statements: []StatementRef{}}},
		{"an IPv6 source inside the allowed /32 matches", Request{Action: "sqs:SendMessage", Resource: "q", Context: map[string][]string{"AWS:SOURCEIP": {"2001:db8:ffff::1"}}},
			Decision{Effect: DecisionAllow, Statements: []StatementRef{ref(4, "AllButIAM")}}},
		{"a source outside the allowed ranges does not match", Request{Action: "sqs:SendMessage", Resource: "q", Context: map[string][]string{"aws:SourceIp": {"203.0.113.9"}}},
			Decision{Effect: DecisionNotApplicable, Statements: []StatementRef{}}},
		{"a positive condition on an unknown key is conditional", Request{Action: "ec2:StartInstances", Resource: "arn:aws:ec2:us-east-1:111122223333:instance/i-1"},
			Decision{Effect: DecisionAllow, Conditional: true, Statements: []StatementRef{ref(5, "Tagged")}, Conditions: []string{"StringEquals aws:ResourceTag/env = dev"}}},
		{"a known tag decides the condition", Request{Action: "ec2:StartInstances", Resource: "i", Context: map[string][]string{"aws:resourcetag/env": {"prod"}}},
			Decision{Effect: DecisionNotApplicable, Statements: []StatementRef{}}},
		{"a negated deny condition on a missing key applies", Request{Action: "dynamodb:GetItem", Resource: "t"},
			Decision{Effect: DecisionDeny, Statements: []StatementRef{ref(6, "VpceOnly")}}},
		{"the deny-unless-endpoint lets the endpoint through", Request{Action: "dynamodb:GetItem", Resource: "t", Context: map[string][]string{"aws:SourceVpce": {"vpce-1a2b3c4d"}}},
			Decision{Effect: DecisionAllow, Statements: []StatementRef{ref(7, "DynamoRead")}}},
		{"IfExists on a missing key is true but a missing numeric key is unknown", Request{Action: "sts:AssumeRole", Resource: "r"},
			Decision{Effect: DecisionAllow, Conditional: true, Statements: []StatementRef{ref(8, "MFA")}, Conditions: []string{"NumericLessThan aws:MultiFactorAuthAge = 3600"}, Guards: []Guard{GuardMFA}}},
		{"numeric and boolean values are compared by type", Request{Action: "sts:AssumeRole", Resource: "r", Context: map[string][]string{"aws:MultiFactorAuthPresent": {"TRUE"}, "aws:MultiFactorAuthAge": {"120.5"}}},
			Decision{Effect: DecisionAllow, Statements: []StatementRef{ref(8, "MFA")}}},
		{"an old MFA session fails the numeric test", Request{Action: "sts:AssumeRole", Resource: "r", Context: map[string][]string{"aws:MultiFactorAuthAge": {"7200"}}},
			Decision{Effect: DecisionNotApplicable, Statements: []StatementRef{}}},
		{"ForAllValues is true for a missing key and dates compare in time", Request{Action: "ssm:StartSession", Resource: "r", Context: map[string][]string{"aws:CurrentTime": {"2025-06-01T12:00:00Z"}}},
			Decision{Effect: DecisionAllow, Statements: []StatementRef{ref(9, "Window")}}},
		{"ForAllValues fails when one request value is outside the set", Request{Action: "ssm:StartSession", Resource: "r", Context: map[string][]string{"aws:CurrentTime": {"2025-06-01T12:00:00Z"}, "aws:TagKeys": {"env", "secret"}}},
			Decision{Effect: DecisionNotApplicable, Statements: []StatementRef{}}},
		{"a date after the window fails", Request{Action: "ssm:StartSession", Resource: "r", Context: map[string][]string{"aws:CurrentTime": {"1893456000"}}},
			Decision{Effect: DecisionNotApplicable, Statements: []StatementRef{}}},
		{"ForAnyValue needs one matching request value and Null checks presence", Request{Action: "ec2:CreateTags", Resource: "r", Context: map[string][]string{"aws:TagKeys": {"env", "team-a"}, "aws:RequestTag/cost": {"42"}}},
			Decision{Effect: DecisionAllow, Statements: []StatementRef{ref(10, "TagAny")}}},
		{"Null=false fails for a missing key", Request{Action: "ec2:CreateTags", Resource: "r", Context: map[string][]string{"aws:TagKeys": {"team-a"}}},
			Decision{Effect: DecisionNotApplicable, Statements: []StatementRef{}}},
		{"ForAnyValue on an unknown key is conditional", Request{Action: "ec2:CreateTags", Resource: "r", Context: map[string][]string{"aws:RequestTag/cost": {"1"}}},
			Decision{Effect: DecisionAllow, Conditional: true, Statements: []StatementRef{ref(10, "TagAny")}, Conditions: []string{"ForAnyValue:StringLike aws:TagKeys = team-*"}}},
		{"a negated IfExists deny applies to a missing key", Request{Action: "secretsmanager:GetSecretValue", Resource: "s"},
			Decision{Effect: DecisionDeny, Statements: []StatementRef{ref(11, "SecretDeny")}}},
		{"the clearance tag lifts the deny", Request{Action: "secretsmanager:GetSecretValue", Resource: "s", Context: map[string][]string{"aws:PrincipalTag/clearance": {"high"}}},
			Decision{Effect: DecisionAllow, Statements: []StatementRef{ref(12, "Secrets")}}},
		{"an action no statement names is not applicable", Request{Action: "kms:Decrypt", Resource: "k", Context: map[string][]string{"aws:SourceIp": {"203.0.113.1"}}},
			Decision{Effect: DecisionNotApplicable, Statements: []StatementRef{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Unless a case is about the source address, requests come from
			// outside the AllButIAM network, so that statement stays out.
			req := tt.req
			ctx := map[string][]string{"aws:SourceIp": {"203.0.113.9"}}
			for k, v := range req.Context {
				if strings.EqualFold(k, "aws:SourceIp") {
					delete(ctx, "aws:SourceIp")
				}
				ctx[k] = v
			}
			req.Context = ctx
			got := p.Decide(req)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Decide mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecideMarksAnUnknownDenyAsConditional(t *testing.T) {
	p, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"s3:*","Resource":"*"},
	  {"Sid":"Tag","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/locked":"yes"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := p.Decide(Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"})
	want := Decision{Effect: DecisionAllow, Conditional: true,
		Statements: []StatementRef{{Index: 0}, {Index: 1, Sid: "Tag"}},
		Conditions: []string{"StringEquals aws:PrincipalTag/locked = yes"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decide mismatch (-want +got):\n%s", diff)
	}
}

func TestDecideMatchesResourcePolicyPrincipals(t *testing.T) {
	p, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sqs:SendMessage","Resource":"*"},
	  {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::777788889999:role/app"},"Action":"sqs:ReceiveMessage","Resource":"*"},
	  {"Effect":"Deny","NotPrincipal":{"AWS":"444455556666"},"Action":"sqs:DeleteMessage","Resource":"*"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		req    Request
		effect string
		cond   bool
	}{
		{"the named account is allowed", Request{Action: "sqs:SendMessage", Resource: "q", PrincipalAccount: "444455556666"}, DecisionAllow, false},
		{"another account is not", Request{Action: "sqs:SendMessage", Resource: "q", PrincipalAccount: "999999999999"}, DecisionNotApplicable, false},
		{"an unknown caller account is conditional", Request{Action: "sqs:SendMessage", Resource: "q"}, DecisionAllow, true},
		{"a role ARN needs aws:PrincipalArn to be sure", Request{Action: "sqs:ReceiveMessage", Resource: "q", PrincipalAccount: "777788889999"}, DecisionAllow, true},
		{"the exact role ARN matches", Request{Action: "sqs:ReceiveMessage", Resource: "q", PrincipalAccount: "777788889999",
			Context: map[string][]string{"aws:PrincipalArn": {"arn:aws:iam::777788889999:role/app"}}}, DecisionAllow, false},
		{"NotPrincipal deny applies to everyone else", Request{Action: "sqs:DeleteMessage", Resource: "q", PrincipalAccount: "999999999999"}, DecisionDeny, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Decide(tt.req)
			if got.Effect != tt.effect || got.Conditional != tt.cond {
				t.Errorf("Decide = %+v, want effect %s conditional %v", got, tt.effect, tt.cond)
			}
		})
	}
}

func TestDecideTreatsVariablesLiterallyInVersion2008(t *testing.T) {
	p, err := Parse([]byte(`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	ctx := map[string][]string{"aws:username": {"alice"}}
	if got := p.Decide(Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/alice", Context: ctx}); got.Effect != DecisionNotApplicable {
		t.Errorf("variable was substituted in a 2008-10-17 policy: %+v", got)
	}
	if got := p.Decide(Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/${aws:username}", Context: ctx}); got.Effect != DecisionAllow {
		t.Errorf("literal resource did not match: %+v", got)
	}
}

func TestActionMatchesWildcards(t *testing.T) {
	tests := []struct {
		pattern, action string
		want            bool
	}{
		{"*", "s3:GetObject", true},
		{"s3:*", "S3:GetObject", true},
		{"s3:Get*", "s3:getobjectacl", true},
		{"s3:Get?bject", "s3:GetObject", true},
		{"s3:Get?bject", "s3:GetObjject", false},
		{"s3:*Object", "s3:PutObjectAcl", false},
		{"sqs:*", "sns:Publish", false},
		{"s3:GetObject", "s3:GetObjectVersion", false},
	}
	for _, tt := range tests {
		if got := ActionMatches(tt.pattern, tt.action); got != tt.want {
			t.Errorf("ActionMatches(%q, %q) = %v, want %v", tt.pattern, tt.action, got, tt.want)
		}
	}
}

package policy

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseRejectsInvalidDocumentsWithAPath(t *testing.T) {
	tests := []struct {
		name     string
		doc      string
		wantPath string
	}{
		{"truncated JSON is reported where it broke off", `{"Statement": [`, "$.Statement"},
		{"a syntax error at the top is reported at the root", `{Statement: 1}`, "$"},
		{"trailing data after the document is rejected", `{"Statement":{"Effect":"Allow","Action":"s3:*"}} {}`, "$"},
		{"a policy that is not an object is rejected", `["Statement"]`, "$"},
		{"a missing Statement is reported at the root", `{"Version":"2012-10-17"}`, "$"},
		{"an empty Statement array is rejected", `{"Statement":[]}`, "$.Statement"},
		{"a Statement that is a string is rejected", `{"Statement":"allow all"}`, "$.Statement"},
		{"a statement that is not an object names its index", `{"Statement":[{"Effect":"Allow","Action":"s3:*"}, 7]}`, "$.Statement[1]"},
		{"an unknown Version is rejected", `{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"s3:*"}}`, "$.Version"},
		{"a numeric Version is rejected", `{"Version":2012,"Statement":{"Effect":"Allow","Action":"s3:*"}}`, "$.Version"},
		{"an unknown top-level element is rejected", `{"Statement":{"Effect":"Allow","Action":"s3:*"},"Extra":1}`, "$.Extra"},
		{"a duplicate top-level key is rejected", `{"Version":"2012-10-17","Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*"}}`, "$.Version"},
		{"two spellings of one element are a duplicate", `{"Statement":{"Effect":"Allow","effect":"Deny","Action":"s3:*"}}`, "$.Statement.effect"},
		{"a duplicate key inside a condition block is rejected", `{"Statement":{"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":{"aws:SourceAccount":"1","aws:SourceAccount":"2"}}}}`, `$.Statement.Condition.StringEquals["aws:SourceAccount"]`},
		{"a missing Effect names the statement", `{"Statement":[{"Action":"s3:*"}]}`, "$.Statement[0]"},
		{"an Effect in lower case is rejected", `{"Statement":[{"Effect":"allow","Action":"s3:*"}]}`, "$.Statement[0].Effect"},
		{"an Effect other than Allow or Deny is rejected", `{"Statement":[{"Effect":"Permit","Action":"s3:*"}]}`, "$.Statement[0].Effect"},
		{"a missing Action and NotAction names the statement", `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, "$.Statement[0]"},
		{"Action together with NotAction is rejected at NotAction", `{"Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*"}]}`, "$.Statement[0].NotAction"},
		{"Principal together with NotPrincipal is rejected at NotPrincipal", `{"Statement":[{"Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*"}]}`, "$.Statement[0].NotPrincipal"},
		{"Resource together with NotResource is rejected at NotResource", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"x"}]}`, "$.Statement[0].NotResource"},
		{"an Action that is a number is rejected", `{"Statement":[{"Effect":"Allow","Action":5}]}`, "$.Statement[0].Action"},
		{"a non-string entry in an Action list names its index", `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject",true]}]}`, "$.Statement[0].Action[1]"},
		{"an empty Action list is rejected", `{"Statement":[{"Effect":"Allow","Action":[]}]}`, "$.Statement[0].Action"},
		{"an action without a service prefix is rejected", `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","GetObject"]}]}`, "$.Statement[0].Action[1]"},
		{"an empty Resource string is rejected", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":""}]}`, "$.Statement[0].Resource"},
		{"a Principal string other than * is rejected", `{"Statement":[{"Effect":"Allow","Principal":"111122223333","Action":"s3:*"}]}`, "$.Statement[0].Principal"},
		{"an unknown principal type is rejected", `{"Statement":[{"Effect":"Allow","Principal":{"Group":"admins"},"Action":"s3:*"}]}`, "$.Statement[0].Principal.Group"},
		{"an empty principal map is rejected", `{"Statement":[{"Effect":"Allow","Principal":{},"Action":"s3:*"}]}`, "$.Statement[0].Principal"},
		{"an empty principal list is rejected", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":[]},"Action":"s3:*"}]}`, "$.Statement[0].Principal.AWS"},
		{"a Sid that is not a string is rejected", `{"Statement":[{"Sid":1,"Effect":"Allow","Action":"s3:*"}]}`, "$.Statement[0].Sid"},
		{"an unknown statement element is rejected", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Principals":"*"}]}`, "$.Statement[0].Principals"},
		{"a Condition that is a list is rejected", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":[]}]}`, "$.Statement[0].Condition"},
		{"an unknown condition operator is rejected", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"StringEqual":{"aws:SourceAccount":"1"}}}]}`, "$.Statement[0].Condition.StringEqual"},
		{"Null with IfExists is rejected", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"NullIfExists":{"aws:SourceVpce":"true"}}}]}`, "$.Statement[0].Condition.NullIfExists"},
		{"an unknown set prefix is rejected", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"ForSomeValues:StringLike":{"aws:TagKeys":"a"}}}]}`, `$.Statement[0].Condition["ForSomeValues:StringLike"]`},
		{"an operator block that is a string is rejected", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":"aws:SourceAccount"}}]}`, "$.Statement[0].Condition.StringEquals"},
		{"a null condition value is rejected", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":{"aws:SourceAccount":null}}}]}`, `$.Statement[0].Condition.StringEquals["aws:SourceAccount"]`},
		{"a nested object as condition value is rejected", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":{"k":[{"a":1}]}}}]}`, `$.Statement[0].Condition.StringEquals.k[0]`},
		{"a Bool value that is not true or false is rejected", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}]}`, `$.Statement[0].Condition.Bool["aws:SecureTransport"]`},
		{"an empty condition key is rejected", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":{"":"x"}}}]}`, `$.Statement[0].Condition.StringEquals[""]`},
		{"an error in a single-object Statement has no index", `{"Statement":{"Effect":"Allow"}}`, "$.Statement"},
		{"deep nesting is rejected", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":{"k":` + nest(40) + `}}}]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc))
			if err == nil {
				t.Fatalf("Parse succeeded (%+v), want an error", p)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a *ParseError", err, err)
			}
			if tt.wantPath != "" && pe.Path != tt.wantPath {
				t.Errorf("Path = %q, want %q (error: %v)", pe.Path, tt.wantPath, err)
			}
			if pe.Msg == "" || err.Error() != pe.Path+": "+pe.Msg {
				t.Errorf("Error() = %q, want Path + \": \" + Msg", err.Error())
			}
		})
	}
}

func nest(n int) string {
	s := `"x"`
	for i := 0; i < n; i++ {
		s = "[" + s + "]"
	}
	return s
}

func TestParseAcceptsEveryShapeAWSAccepts(t *testing.T) {
	doc := `{
	  "version": "2008-10-17",
	  "Id": "shapes",
	  "statement": [
	    {"Sid": "one", "effect": "Allow", "principal": "*", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/*",
	     "condition": {
	       "forAnyValue:stringLikeIfExists": {"AWS:PrincipalOrgPaths": "o-a1b2c3d4e5/*"},
	       "NumericLessThanEquals": {"s3:max-keys": 10},
	       "BOOL": {"aws:SecureTransport": true},
	       "IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]},
	       "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
	       "Null": {"aws:TokenIssueTime": "false"},
	       "BinaryEquals": {"s3:x-amz-meta-key": "QmluYXJ5"},
	       "ArnNotLikeIfExists": {"aws:SourceArn": ["arn:aws:sns:*:111122223333:t"]}
	     }},
	    {"Effect": "Deny", "NotPrincipal": {"AWS": ["111122223333", "arn:aws:iam::111122223333:root"], "Service": "s3.amazonaws.com",
	      "Federated": "cognito-identity.amazonaws.com", "CanonicalUser": "abc"},
	     "NotAction": ["s3:Get*"], "NotResource": "arn:aws:s3:::b/public/*"}
	  ]
	}`
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &Policy{
		Version: "2008-10-17",
		ID:      "shapes",
		Statements: []Statement{
			{
				Index: 0, Sid: "one", Effect: Allow,
				Principal: &Principals{Wildcard: true},
				Action:    []string{"s3:GetObject"},
				Resource:  []string{"arn:aws:s3:::b/*"},
				Conditions: []Condition{
					{Operator: "StringLike", Set: "ForAnyValue", IfExists: true, Key: "AWS:PrincipalOrgPaths", Values: []string{"o-a1b2c3d4e5/*"}},
					{Operator: "NumericLessThanEquals", Key: "s3:max-keys", Values: []string{"10"}},
					{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"true"}},
					{Operator: "IpAddress", Key: "aws:SourceIp", Values: []string{"192.0.2.0/24", "2001:db8::/32"}},
					{Operator: "DateGreaterThan", Key: "aws:CurrentTime", Values: []string{"2020-01-01T00:00:00Z"}},
					{Operator: "Null", Key: "aws:TokenIssueTime", Values: []string{"false"}},
					{Operator: "BinaryEquals", Key: "s3:x-amz-meta-key", Values: []string{"QmluYXJ5"}},
					{Operator: "ArnNotLike", IfExists: true, Key: "aws:SourceArn", Values: []string{"arn:aws:sns:*:111122223333:t"}},
				},
			},
			{
				Index: 1, Effect: Deny,
				NotPrincipal: &Principals{
					AWS:           []string{"111122223333", "arn:aws:iam::111122223333:root"},
					Service:       []string{"s3.amazonaws.com"},
					Federated:     []string{"cognito-identity.amazonaws.com"},
					CanonicalUser: []string{"abc"},
				},
				NotAction:   []string{"s3:Get*"},
				NotResource: []string{"arn:aws:s3:::b/public/*"},
			},
		},
	}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

func TestParseMarksWildcardsInsidePrincipalMaps(t *testing.T) {
	for _, doc := range []string{
		`{"Statement":{"Effect":"Allow","Principal":{"AWS":["111122223333","*"]},"Action":"s3:*"}}`,
		`{"Statement":{"Effect":"Allow","Principal":{"CanonicalUser":"*"},"Action":"s3:*"}}`,
		`{"Statement":{"Effect":"Allow","Principal":{"Federated":"*"},"Action":"s3:*"}}`,
	} {
		p, err := Parse([]byte(doc))
		if err != nil {
			t.Fatalf("Parse(%s): %v", doc, err)
		}
		if !p.Statements[0].Principal.Wildcard {
			t.Errorf("Parse(%s): Wildcard = false, want true", doc)
		}
	}
}

func TestConditionStringReadsLikeThePolicy(t *testing.T) {
	tests := []struct {
		name string
		c    Condition
		want string
	}{
		{"a single value uses =", Condition{Operator: "StringEquals", Key: "aws:SourceAccount", Values: []string{"111122223333"}}, "StringEquals aws:SourceAccount = 111122223333"},
		{"several values are listed", Condition{Operator: "IpAddress", Key: "aws:SourceIp", Values: []string{"192.0.2.0/24", "198.51.100.0/24"}}, "IpAddress aws:SourceIp in [192.0.2.0/24, 198.51.100.0/24]"},
		{"set prefix and IfExists are spelled out", Condition{Operator: "StringLike", Set: "ForAnyValue", IfExists: true, Key: "k", Values: []string{"v"}}, "ForAnyValue:StringLikeIfExists k = v"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Sources: IAM User Guide, "AWS global condition context keys"
// (aws:MultiFactorAuthPresent, aws:SourceIp, aws:SourceVpc(e),
// aws:ViaAWSService, aws:CalledVia, aws:SecureTransport, aws:Principal*,
// aws:Source*); IAM User Guide, "Access to AWS accounts owned by third
// parties" (sts:ExternalId); KMS Developer Guide, "kms:ViaService";
// GitHub docs, "Configuring OpenID Connect in Amazon Web Services" (claims
// keyed by the issuer host).
func TestGuardsClassifyWhatAConditionDemands(t *testing.T) {
	cond := func(op, key string, vals ...string) Condition {
		return Condition{Operator: op, Key: key, Values: vals}
	}
	tests := []struct {
		name  string
		conds []Condition
		want  []Guard
	}{
		{"an ExternalId is a guard", []Condition{cond("StringEquals", "sts:ExternalId", "x")}, []Guard{GuardExternalID}},
		{"MFA present true is a guard", []Condition{cond("Bool", "aws:MultiFactorAuthPresent", "true")}, []Guard{GuardMFA}},
		{"MFA present false demands nothing", []Condition{cond("Bool", "aws:MultiFactorAuthPresent", "false")}, nil},
		{"a recent MFA is a guard", []Condition{cond("NumericLessThan", "aws:MultiFactorAuthAge", "3600")}, []Guard{GuardMFA}},
		{"a source IP range is a guard", []Condition{cond("IpAddress", "aws:SourceIp", "10.0.0.0/8")}, []Guard{GuardSourceIP}},
		{"an excluded IP range demands nothing", []Condition{cond("NotIpAddress", "aws:SourceIp", "10.0.0.0/8")}, nil},
		{"a VPC endpoint is a guard", []Condition{cond("StringEquals", "aws:SourceVpce", "vpce-1")}, []Guard{GuardSourceVPC}},
		{"the instance's own VPC is a guard", []Condition{cond("StringEquals", "aws:ec2InstanceSourceVPC", "vpc-1")}, []Guard{GuardSourceVPC}},
		{"kms:ViaService is a guard", []Condition{cond("StringEquals", "kms:ViaService", "s3.us-east-1.amazonaws.com")}, []Guard{GuardViaService}},
		{"ViaAWSService true is a guard", []Condition{cond("Bool", "aws:ViaAWSService", "true")}, []Guard{GuardViaService}},
		{"a source ARN pins a service", []Condition{cond("ArnLike", "aws:SourceArn", "arn:aws:s3:::b")}, []Guard{GuardSource}},
		{"an org id is a guard", []Condition{cond("StringEquals", "aws:PrincipalOrgID", "o-1")}, []Guard{GuardOrganization}},
		{"a GitHub sub claim is a guard", []Condition{cond("StringLike", "token.actions.githubusercontent.com:sub", "repo:acme/*")}, []Guard{GuardTokenClaim}},
		{"Null demands nothing", []Condition{cond("Null", "sts:ExternalId", "false")}, nil},
		{"an unrelated key demands nothing", []Condition{cond("StringEquals", "aws:RequestedRegion", "eu-west-1")}, nil},
		{"guards are sorted and unique", []Condition{cond("StringEquals", "sts:ExternalId", "x"), cond("Bool", "aws:SecureTransport", "true"), cond("StringEquals", "sts:ExternalId", "y")},
			[]Guard{GuardExternalID, GuardSecureTransport}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, GuardsOf(tc.conds)); diff != "" {
				t.Errorf("GuardsOf (-want +got):\n%s", diff)
			}
		})
	}
}

// Source: IAM User Guide, "Policy evaluation logic" — a request is denied
// unless an Allow applies, so a document without an Allow grants nothing.
func TestGrantsNothing(t *testing.T) {
	tests := []struct {
		name, doc string
		want      bool
	}{
		{"an empty Statement list grants nothing", `{"Version":"2012-10-17","Id":"default","Statement":[]}`, true},
		{"a missing Statement grants nothing", `{"Version":"2012-10-17"}`, true},
		{"only Deny statements grant nothing", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*"}]}`, true},
		{"an Allow statement may grant", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}`, false},
		{"a lower-case allow may grant (not ours to guess)", `{"Statement":{"Effect":"allow","Principal":"*"}}`, false},
		{"a statement without Effect may grant", `{"Statement":[{"Principal":"*","Action":"*"}]}`, false},
		{"a malformed document may grant", `{"Statement":[{"Effect":"Allow"`, false},
		{"a statement that is not an object may grant", `{"Statement":["Allow"]}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := GrantsNothing([]byte(tc.doc)); got != tc.want {
				t.Errorf("GrantsNothing(%s) = %v, want %v", tc.doc, got, tc.want)
			}
		})
	}
}

package policy

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func mustAnalyze(t *testing.T, doc string, ctx Context) (*Policy, Result) {
	t.Helper()
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p, Analyze(p, ctx)
}

var s3Owner = Context{ResourceType: "s3", OwnerAccount: "111122223333"}

func TestAnalyzeKeepsTheActionsAPartialDenyLeaves(t *testing.T) {
	_, r := mustAnalyze(t, `{"Version":"2012-10-17","Statement":[
	  {"Sid":"Open","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
	  {"Sid":"NoWrite","Effect":"Deny","Principal":"*","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::b/*"}]}`, s3Owner)
	want := []Grant{{
		Principal: "*", PrincipalKind: KindAnyone, Exposure: Public,
		Actions: []string{"s3:*"}, NotActions: []string{"s3:DeleteObject", "s3:PutObject"},
		Resources:  []string{"arn:aws:s3:::b/*"},
		Statements: []StatementRef{{Index: 0, Sid: "Open"}}, NarrowedBy: []StatementRef{{Index: 1, Sid: "NoWrite"}},
		Fix: `add "aws:PrincipalAccount": "111122223333" to statement 1 (Sid "Open")`,
	}}
	if diff := cmp.Diff(want, r.Grants); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
}

func TestAnalyzeKeepsTheResourcesAPartialDenyLeaves(t *testing.T) {
	_, r := mustAnalyze(t, `{"Statement":[
	  {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
	  {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/private/*"}]}`, s3Owner)
	if len(r.Grants) != 1 {
		t.Fatalf("got %d grants, want 1: %+v", len(r.Grants), r.Grants)
	}
	g := r.Grants[0]
	if diff := cmp.Diff([]string{"arn:aws:s3:::b/private/*"}, g.NotResources); diff != "" || g.Exposure != Public {
		t.Errorf("grant = %+v, want public with NotResources b/private/* (%s)", g, diff)
	}
}

func TestAnalyzeReportsWhatNarrowsAGrant(t *testing.T) {
	_, r := mustAnalyze(t, `{"Statement":[
	  {"Sid":"Api","Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:111122223333:abc/*",
	   "Condition":{"Bool":{"aws:SecureTransport":"true"}}},
	  {"Sid":"VpceOnly","Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:111122223333:abc/*",
	   "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`,
		Context{ResourceType: "apigateway", OwnerAccount: "111122223333"})
	want := Result{
		Verdict:            CrossAccount,
		ExternalPrincipals: []string{"*"},
		Grants: []Grant{{
			Principal: "*", PrincipalKind: KindNetwork, Exposure: CrossAccount,
			Actions:    []string{"execute-api:Invoke"},
			Resources:  []string{"arn:aws:execute-api:us-east-1:111122223333:abc/*"},
			PinnedBy:   []string{"StringEquals aws:SourceVpce = vpce-1a2b3c4d (Deny statement 2)"},
			Conditions: []string{"Bool aws:SecureTransport = true"},
			Guards:     []Guard{GuardSecureTransport, GuardSourceVPC},
			Statements: []StatementRef{{Index: 0, Sid: "Api"}},
			NarrowedBy: []StatementRef{{Index: 1, Sid: "VpceOnly"}},
			Fix:        `add "aws:PrincipalAccount": "111122223333" to statement 1 (Sid "Api"): the network condition alone admits principals of any account`,
		}},
	}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestAnalyzeSuggestsFixesThatNameTheMissingCondition(t *testing.T) {
	tests := []struct {
		name    string
		ctx     Context
		doc     string
		wantFix string
	}{
		{"an unpinned notification service gets SourceAccount and SourceArn", Context{ResourceType: "sqs", OwnerAccount: "111122223333"},
			`{"Statement":[{"Sid":"AllowS3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:q"}]}`,
			`add "aws:SourceAccount": "111122223333" and "aws:SourceArn": "arn:aws:s3:::SOURCE-BUCKET" to statement 1 (Sid "AllowS3")`},
		{"a public topic meant for a service gets SourceAccount", Context{ResourceType: "sns", OwnerAccount: "111122223333"},
			`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:111122223333:t"}]}`,
			`add "aws:SourceAccount": "111122223333" to statement 1`},
		{"a mistaken ResourceAccount condition names the intended account", Context{ResourceType: "s3", OwnerAccount: "111122223333"},
			`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:ResourceAccount":"444455556666"}}}]}`,
			`add "aws:PrincipalAccount": "444455556666" to statement 1`},
		{"an external trust without ExternalId suggests one", Context{ResourceType: ResourceTypeRoleTrust, OwnerAccount: "111122223333"},
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}`,
			`add StringEquals "sts:ExternalId": "<id agreed with 444455556666>" to statement 1, or remove 444455556666 if it should not assume the role`},
		{"a GitHub trust without sub suggests a repository subject", Context{ResourceType: ResourceTypeRoleTrust, OwnerAccount: "111122223333"},
			`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
			`add StringEquals "token.actions.githubusercontent.com:sub": "repo:ORG/REPO:ref:refs/heads/main" to statement 1`},
		{"an IfExists pin suggests the strict operator", Context{ResourceType: "s3", OwnerAccount: "111122223333"},
			`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}]}`,
			`change "StringEqualsIfExists" to "StringEquals" for "aws:SourceVpce" in statement 1: the weaker form is true for requests without the key`},
		// KMS Developer Guide, "kms:CallerAccount": the key that limits a
		// key policy statement to the identities of one account, and the one
		// its kms:ViaService examples pair with.
		{"a public key policy statement through a service suggests kms:CallerAccount", Context{ResourceType: "kms", OwnerAccount: "111122223333"},
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]}`,
			`add "kms:CallerAccount": "111122223333" to statement 1`},
		// EventBridge User Guide, "Permissions for Amazon EventBridge event
		// buses": accounts are named, or an organization, never a service.
		{"a public event bus suggests pinning the putting account", Context{ResourceType: "events", OwnerAccount: "111122223333"},
			`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"arn:aws:events:us-east-1:111122223333:event-bus/default"}]}`,
			`add "aws:PrincipalAccount": "111122223333" to statement 1`},
		// One grant made by two statements (the same account by id and by
		// root ARN): removing it from one leaves it open through the other,
		// so the fix names both (IAM JSON reference, Principal: an account
		// id is shorthand for its root ARN).
		{"a grant two statements make is fixed in both", Context{ResourceType: "s3", OwnerAccount: "111122223333"},
			`{"Statement":[{"Sid":"ById","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},` +
				`{"Sid":"ByRoot","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`,
			`remove account 444455556666 from statement 1 (Sid "ById") unless it is a trusted partner; remove account 444455556666 from statement 2 (Sid "ByRoot") unless it is a trusted partner`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, r := mustAnalyze(t, tt.doc, tt.ctx)
			if len(r.Grants) == 0 {
				t.Fatalf("no grants")
			}
			if got := r.Grants[0].Fix; got != tt.wantFix {
				t.Errorf("Fix = %q\nwant  %q", got, tt.wantFix)
			}
		})
	}
}

func TestExplainNamesStatementPrincipalAndFix(t *testing.T) {
	ctx := Context{ResourceType: "sqs", OwnerAccount: "111122223333"}
	p, r := mustAnalyze(t, `{"Version":"2012-10-17","Statement":[
	  {"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:111122223333:q"},
	  {"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:q"},
	  {"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"sqs:ReceiveMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:q"}]}`, ctx)
	var buf bytes.Buffer
	if err := Explain(&buf, p, ctx, r); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{
		"Verdict: public.",
		`Anyone (principals of every AWS account, and anonymous callers) can sqs:ReceiveMessage on arn:aws:sqs:us-east-1:111122223333:q because of statement 3 (Sid "Anyone").`,
		`Fix: add "aws:PrincipalAccount": "111122223333" to statement 3 (Sid "Anyone").`,
		`account 444455556666 can sqs:SendMessage on arn:aws:sqs:us-east-1:111122223333:q because of statement 2 (Sid "Partner").`,
		`Fix: remove account 444455556666 from statement 2 (Sid "Partner") unless it is a trusted partner.`,
		"Internal (1 grant, no action needed):",
		`- owner account 111122223333: sqs:* on arn:aws:sqs:us-east-1:111122223333:q via statement 1 (Sid "Owner").`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q\n--- got:\n%s", want, text)
		}
	}
	if strings.Index(text, "Anyone (") > strings.Index(text, "account 444455556666 can") {
		t.Errorf("public grants should be listed before cross-account ones:\n%s", text)
	}
}

func TestExplainSaysWhenNothingIsExposed(t *testing.T) {
	ctx := Context{ResourceType: "kms", OwnerAccount: "111122223333"}
	p, r := mustAnalyze(t, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}]}`, ctx)
	var buf bytes.Buffer
	if err := Explain(&buf, p, ctx, r); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "Verdict: internal. Nothing outside account 111122223333") {
		t.Errorf("got:\n%s", buf.String())
	}
}

func TestAnalyzeResultIsStableJSON(t *testing.T) {
	_, r := mustAnalyze(t, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`, s3Owner)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"verdict":"internal","external_principals":[],"grants":[{"principal":"111122223333","principal_kind":"owner","exposure":"internal","actions":["s3:GetObject"],"resources":["arn:aws:s3:::b/*"],"statements":[{"index":0}]}]}`
	if string(b) != want {
		t.Errorf("JSON =\n%s\nwant\n%s", b, want)
	}
}

func TestAnalyzeOfNilPolicyIsInternal(t *testing.T) {
	r := Analyze(nil, s3Owner)
	if diff := cmp.Diff(Result{Verdict: Internal}, r, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestGlobContainmentAndOverlap(t *testing.T) {
	tests := []struct {
		d, a           string
		covers, overlp bool
	}{
		{"s3:*", "s3:getobject", true, true},
		{"s3:put*", "s3:getobject", false, false},
		{"*", "*", true, true},
		{"s3:get*", "s3:*", false, true},
		{"s3:*object", "s3:get*", false, true},
		{"a?c", "abc", true, true},
		{"a*?", "a?*", true, true},
		{"a?", "a*", false, true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/private/*", true, true},
		{"arn:aws:s3:::b/private/*", "arn:aws:s3:::b/*", false, true},
		{"arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/x/*", true, true},
	}
	for _, tt := range tests {
		if got := globCovers(tt.d, tt.a, true); got != tt.covers {
			t.Errorf("globCovers(%q, %q) = %v, want %v", tt.d, tt.a, got, tt.covers)
		}
		if got := globOverlap(tt.d, tt.a, true); got != tt.overlp {
			t.Errorf("globOverlap(%q, %q) = %v, want %v", tt.d, tt.a, got, tt.overlp)
		}
	}
}

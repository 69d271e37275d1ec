package apigateway

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIntegrationTargets(t *testing.T) {
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:orders"
	lambdaURI := func(f string) string {
		return "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + f + "/invocations"
	}
	stages := Stages{"prod": {"alias": "live", "fn": "orders-prod", "host": "api.example.com"}, "dev": {"fn": "orders-dev"}}
	cases := []struct {
		name string
		in   Integration
		want []Target
	}{
		{
			name: "a Lambda proxy URI leads to the function",
			in:   Integration{Type: "AWS_PROXY", URI: lambdaURI(fn)},
			want: []Target{{ID: fn, Detail: "AWS_PROXY integration " + lambdaURI(fn)}},
		},
		{
			name: "an alias qualifier is stripped and named",
			in:   Integration{Type: "AWS_PROXY", URI: lambdaURI(fn + ":live")},
			want: []Target{{ID: fn, Detail: "AWS_PROXY integration " + lambdaURI(fn+":live") + "; qualifier live stripped"}},
		},
		{
			name: "a stage-variable qualifier is stripped without needing a stage",
			in:   Integration{Type: "AWS", URI: lambdaURI(fn + ":${stageVariables.alias}")},
			want: []Target{{ID: fn, Detail: "AWS integration " + lambdaURI(fn+":${stageVariables.alias}") + "; qualifier ${stageVariables.alias} stripped"}},
		},
		{
			name: "a function named by a stage variable resolves once per stage that defines it",
			in:   Integration{Type: "AWS_PROXY", URI: lambdaURI("arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}")},
			want: []Target{
				{ID: fn + "-dev", Detail: "AWS_PROXY integration " + lambdaURI("arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}") + "; stage variables of stage dev"},
				{ID: fn + "-prod", Detail: "AWS_PROXY integration " + lambdaURI("arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}") + "; stage variables of stage prod"},
			},
		},
		{
			name: "a bare function name from a stage variable gets the API's region and account",
			in:   Integration{Type: "AWS_PROXY", URI: lambdaURI("${stageVariables.fn}"), Region: "us-east-1", Account: "123456789012"},
			want: []Target{
				{ID: fn + "-dev", Detail: "AWS_PROXY integration " + lambdaURI("${stageVariables.fn}") + "; stage variables of stage dev"},
				{ID: fn + "-prod", Detail: "AWS_PROXY integration " + lambdaURI("${stageVariables.fn}") + "; stage variables of stage prod"},
			},
		},
		{
			name: "a stage variable no stage defines leads nowhere",
			in:   Integration{Type: "AWS_PROXY", URI: lambdaURI("arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.nope}")},
		},
		{
			name: "an HTTP API's bare function ARN leads to the function",
			in:   Integration{Type: "AWS_PROXY", URI: fn + ":3"},
			want: []Target{{ID: fn, Detail: "AWS_PROXY integration " + fn + ":3; qualifier 3 stripped"}},
		},
		{
			name: "an HTTP proxy URL is an external endpoint",
			in:   Integration{Type: "HTTP_PROXY", URI: "https://backend.example.com/{proxy}"},
			want: []Target{{ID: "https://backend.example.com/{proxy}", External: true, Detail: "HTTP_PROXY integration https://backend.example.com/{proxy}"}},
		},
		{
			name: "an HTTP URL with a stage-variable host resolves per stage",
			in:   Integration{Type: "HTTP", URI: "https://${stageVariables.host}/v1"},
			want: []Target{{ID: "https://api.example.com/v1", External: true, Detail: "HTTP integration https://${stageVariables.host}/v1; stage variables of stage prod"}},
		},
		{
			name: "a VPC link integration says so",
			in:   Integration{Type: "HTTP_PROXY", URI: "http://internal-nlb.example.com/", ConnectionType: "VPC_LINK"},
			want: []Target{{ID: "http://internal-nlb.example.com/", External: true, Detail: "HTTP_PROXY integration http://internal-nlb.example.com/; through a VPC link"}},
		},
		{
			name: "an SQS service integration leads to the queue",
			in:   Integration{Type: "AWS", URI: "arn:aws:apigateway:us-east-1:sqs:path/123456789012/orders"},
			want: []Target{{ID: "arn:aws:sqs:us-east-1:123456789012:orders", Detail: "AWS integration arn:aws:apigateway:us-east-1:sqs:path/123456789012/orders"}},
		},
		{
			name: "an S3 integration with a literal bucket leads to the bucket",
			in:   Integration{Type: "AWS", URI: "arn:aws:apigateway:us-east-1:s3:path/acme-assets/{key}"},
			want: []Target{{ID: "arn:aws:s3:::acme-assets", Detail: "AWS integration arn:aws:apigateway:us-east-1:s3:path/acme-assets/{key}"}},
		},
		{
			name: "an S3 integration whose bucket is a path parameter leads to the URI",
			in:   Integration{Type: "AWS", URI: "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}"},
			want: []Target{{ID: "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}", Detail: "AWS integration arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}"}},
		},
		{
			name: "another AWS service integration leads to the URI itself",
			in:   Integration{Type: "AWS", URI: "arn:aws:apigateway:us-east-1:dynamodb:action/PutItem"},
			want: []Target{{ID: "arn:aws:apigateway:us-east-1:dynamodb:action/PutItem", Detail: "AWS integration arn:aws:apigateway:us-east-1:dynamodb:action/PutItem"}},
		},
		{
			name: "a mock integration leads nowhere",
			in:   Integration{Type: "MOCK"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Targets(tc.in, stages)); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnescapePolicy(t *testing.T) {
	const want = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*"}]}`
	cases := []struct{ name, in, want string }{
		{
			name: "the twice-escaped form API Gateway sends is unescaped once",
			in:   `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5\/*\"}]}`,
			want: want,
		},
		{name: "an already valid document is kept as it is", in: want, want: want},
		{name: "text that is neither is kept for the policy engine to reject", in: `{"broken`, want: `{"broken`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := UnescapePolicy(tc.in)
			if got != tc.want {
				t.Errorf("UnescapePolicy = %s, want %s", got, tc.want)
			}
			if tc.want == want && !json.Valid([]byte(got)) {
				t.Errorf("result is not valid JSON: %s", got)
			}
		})
	}
}

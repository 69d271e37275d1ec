package apigatewayv2

import "testing"

func TestServiceResourceReadsLiteralParametersOnly(t *testing.T) {
	cases := []struct{ name, param, value, want string }{
		{"a literal queue URL names the queue", "QueueUrl", "https://sqs.us-east-1.amazonaws.com/123456789012/orders", "arn:aws:sqs:us-east-1:123456789012:orders"},
		{"a literal state machine ARN names itself", "StateMachineArn", "arn:aws:states:us-east-1:123456789012:stateMachine:flow", "arn:aws:states:us-east-1:123456789012:stateMachine:flow"},
		{"a mapping expression names nothing", "QueueUrl", "$request.header.queue", ""},
		{"a message body names nothing", "MessageBody", "hello", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := serviceResource(tc.param, tc.value); got != tc.want {
				t.Errorf("serviceResource(%q, %q) = %q, want %q", tc.param, tc.value, got, tc.want)
			}
		})
	}
}

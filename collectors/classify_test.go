package collectors

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/trustmap/trustmap/graph"
)

func TestClassifyReadsWrappedV2ErrorsByCode(t *testing.T) {
	wrap := func(code string) error {
		return &smithy.OperationError{ServiceID: "S3", OperationName: "GetBucketPolicy",
			Err: fmt.Errorf("https response error: %w", &smithy.GenericAPIError{Code: code, Message: "m"})}
	}
	cases := []struct {
		name string
		err  error
		want graph.GapStatus
		nf   bool
	}{
		{"AccessDenied is a denied gap", wrap("AccessDenied"), graph.GapDenied, false},
		{"AccessDeniedException is a denied gap", wrap("AccessDeniedException"), graph.GapDenied, false},
		{"SlowDown is throttled", wrap("SlowDown"), graph.GapThrottled, false},
		{"TooManyRequestsException is throttled", wrap("TooManyRequestsException"), graph.GapThrottled, false},
		{"NoSuchBucketPolicy means absent", wrap("NoSuchBucketPolicy"), graph.GapError, true},
		{"the SQS legacy code for a missing queue means absent", wrap("AWS.SimpleQueueService.NonExistentQueue"), graph.GapError, true},
		{"UnrecognizedClientException is a region not enabled", wrap("UnrecognizedClientException"), graph.GapNotEnabled, false},
		{"NotImplemented from an emulator is unsupported", wrap("NotImplemented"), graph.GapUnsupported, false},
		{"a cancelled context is cancelled", fmt.Errorf("op: %w", context.Canceled), graph.GapCancelled, false},
		{"a deadline is a timeout", fmt.Errorf("op: %w", context.DeadlineExceeded), graph.GapTimeout, false},
		{"no endpoint in the region is unsupported", fmt.Errorf("dial: %w", &net.DNSError{Err: "no such host", Name: "lambda.xx-new-1.amazonaws.com", IsNotFound: true}), graph.GapUnsupported, false},
		{"anything else is an error", errors.New("boom"), graph.GapError, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Classify(tc.err)
			if got := c.GapStatus(); got != tc.want {
				t.Errorf("gap status = %s, want %s", got, tc.want)
			}
			if IsNotFound(tc.err) != tc.nf {
				t.Errorf("IsNotFound = %v, want %v", !tc.nf, tc.nf)
			}
		})
	}
}

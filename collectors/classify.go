package collectors

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/trustmap/trustmap/graph"
)

// Class is what an API error means for the scan.
type Class int

// Error classes.
const (
	ClassOK Class = iota
	ClassNotFound
	ClassDenied
	ClassThrottled
	ClassTimeout
	ClassCancelled
	ClassUnsupported
	ClassNotEnabled
	ClassOther
	// ClassMalformed is a 2xx answer whose body was cut short, garbled or
	// undecodable even after retries: a coverage gap (status "error") whose
	// fact stays Unknown, like a timeout — not a bug to return (bodycheck.go).
	ClassMalformed
	// ClassUnavailable is a 5xx answer or a broken connection that
	// persisted through the retries: the service failed or could not be
	// reached, so this is a coverage gap (status "error") whose fact stays
	// Unknown, not a bug to return.
	ClassUnavailable
)

// GapStatus maps a class to the coverage-gap status it is recorded as.
func (c Class) GapStatus() graph.GapStatus {
	switch c {
	case ClassDenied:
		return graph.GapDenied
	case ClassThrottled:
		return graph.GapThrottled
	case ClassTimeout:
		return graph.GapTimeout
	case ClassCancelled:
		return graph.GapCancelled
	case ClassUnsupported:
		return graph.GapUnsupported
	case ClassNotEnabled:
		return graph.GapNotEnabled
	}
	return graph.GapError
}

// notFoundCodes are error codes that mean "this thing does not exist": an
// answer, not a failure.
var notFoundCodes = map[string]bool{
	"NoSuchBucketPolicy":                      true,
	"NoSuchPublicAccessBlockConfiguration":    true,
	"OwnershipControlsNotFoundError":          true,
	"NoSuchBucket":                            true,
	"ResourceNotFoundException":               true,
	"NoSuchEntity":                            true,
	"NotFoundException":                       true,
	"AWS.SimpleQueueService.NonExistentQueue": true,
	"QueueDoesNotExist":                       true,
	"AWSOrganizationsNotInUseException":       true,
	// EC2 and Elastic Load Balancing: a resource deleted between a listing
	// and the call about it.
	"InvalidPrefixListID.NotFound": true,
	"InvalidPrefixListId.NotFound": true,
	"LoadBalancerNotFound":         true,
	"ListenerNotFound":             true,
	"TargetGroupNotFound":          true,
}

var deniedCodes = map[string]bool{
	"AccessDenied":                       true,
	"AccessDeniedException":              true,
	"UnauthorizedOperation":              true,
	"AuthorizationError":                 true,
	"UnauthorizedException":              true,
	"Forbidden":                          true,
	"InvalidSecurity":                    true,
	"AllAccessDisabled":                  true,
	"AccessDeniedForDependencyException": true,
}

var throttleCodes = map[string]bool{
	"Throttling":                             true,
	"ThrottlingException":                    true,
	"ThrottledException":                     true,
	"RequestThrottledException":              true,
	"TooManyRequestsException":               true,
	"ProvisionedThroughputExceededException": true,
	"TransactionInProgressException":         true,
	"RequestLimitExceeded":                   true,
	"BandwidthLimitExceeded":                 true,
	"LimitExceededException":                 true,
	"RequestThrottled":                       true,
	"SlowDown":                               true,
	"PriorRequestNotComplete":                true,
	"EC2ThrottledException":                  true,
}

var notEnabledCodes = map[string]bool{
	"UnrecognizedClientException":   true,
	"InvalidClientTokenId":          true,
	"OptInRequired":                 true,
	"AuthFailure":                   true,
	"SubscriptionRequiredException": true,
}

var unsupportedCodes = map[string]bool{
	"NotImplemented":                              true,
	"UnknownOperationException":                   true,
	"InvalidAction":                               true,
	"UnsupportedOperation":                        true,
	"AWS.SimpleQueueService.UnsupportedOperation": true,
	"MethodNotAllowed":                            true,
	"NotImplementedException":                     true,
}

// Classify says what an API error means. It reads the smithy API error code
// (errors.As, so wrapped v2 errors match), the HTTP status, and context and
// network errors.
func Classify(err error) Class {
	if err == nil {
		return ClassOK
	}
	if errors.Is(err, context.Canceled) {
		return ClassCancelled
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ClassTimeout
	}
	var skipped *SkippedError
	if errors.As(err, &skipped) {
		return ClassUnsupported // the answer breaker stopped the API (breaker.go)
	}
	var malformed *MalformedResponseError
	if errors.As(err, &malformed) {
		return ClassMalformed
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code := apiErr.ErrorCode()
		switch {
		case notFoundCodes[code]:
			return ClassNotFound
		case deniedCodes[code]:
			return ClassDenied
		case throttleCodes[code]:
			return ClassThrottled
		case notEnabledCodes[code]:
			return ClassNotEnabled
		case unsupportedCodes[code]:
			return ClassUnsupported
		}
	}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) {
		switch respErr.HTTPStatusCode() {
		case 403:
			return ClassDenied
		case 429:
			return ClassThrottled
		case 404, 405, 501:
			// An endpoint that does not implement the operation (an emulator,
			// an S3-compatible store) answers 404/501 with no modelled code.
			if apiErr == nil || apiErr.ErrorCode() == "" || apiErr.ErrorCode() == "NotFound" || apiErr.ErrorCode() == "UnknownError" {
				return ClassUnsupported
			}
		}
		if respErr.HTTPStatusCode() >= 500 && respErr.HTTPStatusCode() != 501 {
			return ClassUnavailable
		}
	}
	var opErr *smithy.OperationError
	if errors.As(err, &opErr) {
		var de *smithy.DeserializationError
		if errors.As(err, &de) {
			// A 2xx answer that could not be decoded is a failed read (the
			// fact stays Unknown), not a service missing from the region.
			if respErr != nil && respErr.HTTPStatusCode() >= 200 && respErr.HTTPStatusCode() < 300 {
				return ClassMalformed
			}
			return ClassUnsupported
		}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		// The service has no endpoint in this region: it does not exist
		// there, which is an answer, not a failure.
		return ClassUnsupported
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return ClassTimeout
	}
	var sendErr *smithyhttp.RequestSendError
	if errors.As(err, &sendErr) {
		return ClassUnavailable // reset, refused, closed mid-answer: through every retry
	}
	if strings.Contains(err.Error(), "retry quota exceeded") || strings.Contains(err.Error(), "exceeded maximum number of attempts") {
		if apiErr != nil && throttleCodes[apiErr.ErrorCode()] {
			return ClassThrottled
		}
	}
	return ClassOther
}

// IsNotFound reports whether err means the thing asked for does not exist.
func IsNotFound(err error) bool { return Classify(err) == ClassNotFound }

// ErrorSummary is a one-line description of err for reports: the API error
// code and message when there is one. It never includes request signatures
// or credentials (the SDK's errors carry neither).
func ErrorSummary(err error) string {
	if err == nil {
		return ""
	}
	var apiErr smithy.APIError
	var respErr *awshttp.ResponseError
	hasResp := errors.As(err, &respErr)
	if errors.As(err, &apiErr) && hasResp && apiErr.ErrorCode() == "UnknownError" && respErr.HTTPStatusCode() >= 300 {
		// The SDK found no error code where the protocol puts it (S3
		// Control's wrapped <ErrorResponse>, say).
		code := respErr.HTTPStatusCode()
		return fmt.Sprintf("HTTP %d %s with an error document whose code the SDK cannot read (UnknownError)", code, http.StatusText(code))
	}
	if apiErr != nil {
		msg := apiErr.ErrorMessage()
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		if msg == "" {
			return apiErr.ErrorCode()
		}
		return apiErr.ErrorCode() + ": " + msg
	}
	if hasResp && respErr.HTTPStatusCode() >= 300 {
		// An answer without the service's error document (an emulator's
		// or a proxy's HTML page): the status is all it says.
		code := respErr.HTTPStatusCode()
		return fmt.Sprintf("HTTP %d %s with no AWS error document", code, http.StatusText(code))
	}
	s := err.Error()
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

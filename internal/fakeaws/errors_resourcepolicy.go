package fakeaws

// How SNS, EventBridge, KMS and Secrets Manager send their errors, where
// they depart from their protocol family (errors.go). Codes, statuses and
// message members come from the aws-sdk-go-v2 models (schemas.go,
// response_snapshot/*.error.snap of each service module) and the API
// references; where the model and what AWS sends disagree, the comment
// names what was observed.

// snsLogical: SNS is AWS query. Denials are AuthorizationError 403 (model
// AuthorizationErrorException, awsQueryError "AuthorizationError").
// Throttling: "Amazon SNS returns a ThrottlingException error ... Rate
// exceeded" (AWS re:Post knowledge center, "How do I troubleshoot
// ThrottlingException and Rate exceeded errors in Amazon SNS?"), 400 as in
// the common errors of the query APIs. Internal errors are the modeled
// InternalError 500.
var snsLogical = map[string]spec{
	ErrAccessDenied:  {code: "AuthorizationError", status: 403, msg: "User is not authorized to perform this operation"},
	ErrThrottling:    {code: "ThrottlingException", status: 400, msg: "Rate exceeded"},
	ErrInternalError: {code: "InternalError", status: 500, msg: "The request processing has failed because of an unknown error, exception or failure."},
	// Codes the handlers send (awsQueryError codes of the SNS model).
	"NotFound":           {code: "NotFound", status: 404, msg: "Topic does not exist"},
	"AuthorizationError": {code: "AuthorizationError", status: 403},
	"InvalidParameter":   {code: "InvalidParameter", status: 400},
}

// eventsLogical: EventBridge is JSON 1.1; every modeled error is 400
// (ResourceNotFoundException.error.snap; "StatusCode: 400 ...
// ResourceNotFoundException: Rule test-rule does not exist on EventBus
// default." in TerraConstructs/base#88).
var eventsLogical = map[string]spec{
	ErrInternalError:             {code: "InternalException", status: 500, msg: "An internal error occurred."},
	"ResourceNotFoundException":  {code: "ResourceNotFoundException", status: 400},
	"ValidationException":        {code: "ValidationException", status: 400},
	"InvalidToken":               {code: "InvalidToken", status: 400, msg: "The NextToken is invalid or expired."},
	"IllegalStatusException":     {code: "IllegalStatusException", status: 400},
	"OperationDisabledException": {code: "OperationDisabledException", status: 400},
}

// kmsLogical: KMS is JSON 1.1. The model gives NotFoundException 404, but
// KMS sends 400 ("NotFoundException: Key 'arn:aws:kms:...' does not exist
// status code: 400", hashicorp/terraform-provider-aws#1818; the API
// reference lists 400), so the fake sends 400. Throttling is
// ThrottlingException 400 with KMS's own message (KMS Developer Guide,
// "Request quotas").
var kmsLogical = map[string]spec{
	ErrAccessDenied:           {code: "AccessDeniedException", status: 400, msg: "User is not authorized to perform this operation"},
	ErrThrottling:             {code: "ThrottlingException", status: 400, msg: "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."},
	ErrInternalError:          {code: "KMSInternalException", status: 500, msg: "An internal error occurred."},
	"NotFoundException":       {code: "NotFoundException", status: 400},
	"InvalidArnException":     {code: "InvalidArnException", status: 400},
	"InvalidMarkerException":  {code: "InvalidMarkerException", status: 400, msg: "Invalid marker"},
	"ValidationException":     {code: "ValidationException", status: 400},
	"InvalidGrantIdException": {code: "InvalidGrantIdException", status: 400},
}

// secretsManagerLogical: Secrets Manager is JSON 1.1, errors 400 (no
// httpError traits in the model), message member "Message".
var secretsManagerLogical = map[string]spec{
	ErrInternalError:            {code: "InternalServiceError", status: 500, msg: "An error occurred on the server side."},
	"ResourceNotFoundException": {code: "ResourceNotFoundException", status: 400, msg: "Secrets Manager can't find the specified secret."},
	"InvalidNextTokenException": {code: "InvalidNextTokenException", status: 400, msg: "The NextToken value is invalid."},
	"InvalidParameterException": {code: "InvalidParameterException", status: 400},
	"InvalidRequestException":   {code: "InvalidRequestException", status: 400},
}

// jsonMessageKey is the member a JSON service's error body carries its
// message in: the member name of its error shapes in the model ("message"
// for SQS, KMS and EventBridge; "Message" for Organizations and Secrets
// Manager). The SDK reads either.
func jsonMessageKey(service string) string {
	switch service {
	case "sqs", "kms", "events", "ecr":
		return "message"
	}
	return "Message"
}

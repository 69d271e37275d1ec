package fakeaws

import (
	"fmt"
	"net/http"
	"strings"
)

// protocol is a service's wire protocol; it decides how errors are rendered.
type protocol int

const (
	protoRESTXML        protocol = iota // S3: bare <Error>
	protoRESTXMLWrapped                 // S3 Control: <ErrorResponse><Error>
	protoQuery                          // STS, IAM
	protoEC2                            // EC2 query
	protoJSON10                         // SQS (query-compatible)
	protoJSON11                         // Organizations
	protoRESTJSON                       // Lambda, API Gateway v1 and v2
)

var serviceProtocols = map[string]protocol{
	"s3": protoRESTXML, "s3control": protoRESTXMLWrapped,
	"sts": protoQuery, "iam": protoQuery, "ec2": protoEC2,
	"sqs": protoJSON10, "organizations": protoJSON11,
	"lambda": protoRESTJSON, "apigateway": protoRESTJSON, "apigatewayv2": protoRESTJSON,
	"sns":            protoQuery,  // sns.go
	"events":         protoJSON11, // events.go (EventBridge)
	"kms":            protoJSON11, // kms.go
	"secretsmanager": protoJSON11, // secretsmanager.go
	"ecr":            protoJSON11,

	// Edge and data services (issue 13).
	"cloudfront": protoQuery, // REST-XML paths, errors in the query envelope (cloudfront.go)
	"wafv2":      protoJSON11,
	"rds":        protoQuery,
	"eks":        protoRESTJSON,
	"es":         protoRESTJSON, // OpenSearch

	"elasticloadbalancing": protoQuery, "elasticloadbalancingv2": protoQuery, // elb.go: Classic ELB, ELBv2
}

func protocolOf(service string) protocol {
	if p, ok := serviceProtocols[service]; ok {
		return p
	}
	return protoJSON10
}

// queryNamespaces and apiVersions are the XML namespaces and API versions of
// the query-protocol services.
var (
	queryNamespaces = map[string]string{
		"sts": "https://sts.amazonaws.com/doc/2011-06-15/",
		"iam": "https://iam.amazonaws.com/doc/2010-05-08/",
		"ec2": "http://ec2.amazonaws.com/doc/2016-11-15/",
		"sns": "http://sns.amazonaws.com/doc/2010-03-31/",

		// CloudFront is REST-XML; its errors use this namespace (cloudfront.go).
		"cloudfront": "http://cloudfront.amazonaws.com/doc/2020-05-31/",
		"rds":        "http://rds.amazonaws.com/doc/2014-10-31/",

		"elasticloadbalancing":   "http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/", // elb.go
		"elasticloadbalancingv2": "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/", // elb.go
	}
	apiVersions = map[string]string{"sts": "2011-06-15", "iam": "2010-05-08", "ec2": "2016-11-15",
		"sns": "2010-03-31",
		"rds": "2014-10-31",

		"elasticloadbalancing": elbClassicVersion, "elasticloadbalancingv2": elbV2Version, // elb.go
	}
)

// Logical errors: names a fixture fault (or a handler) may use for any
// service; errorFor turns them into the code and status that service sends.
// Any other name is sent as the code itself.
const (
	ErrAccessDenied       = "AccessDenied"
	ErrThrottling         = "Throttling"
	ErrInternalError      = "InternalError"
	ErrServiceUnavailable = "ServiceUnavailable"
	ErrNotImplemented     = "NotImplemented"

	errMissingAuth = "MissingAuthentication" // no signature at all
	errBadAuth     = "IncompleteSignature"   // an Authorization header we cannot parse
	errBadToken    = "InvalidClientToken"    // credentials not valid here (disabled region)
)

// awsError is an error as a service sends it.
type awsError struct {
	Code    string
	Message string
	Status  int
	// QueryCode is what SQS puts in x-amzn-query-error (Code when empty).
	QueryCode string
	// Fields are extra members of the error body, in order (S3 BucketName,
	// Lambda Reason...).
	Fields []field
	Header http.Header
}

type field struct{ name, value string }

func (e *awsError) Error() string { return e.Code + ": " + e.Message }

func (e *awsError) with(name, value string) *awsError {
	e.Fields = append(e.Fields, field{name, value})
	return e
}

func (e *awsError) withHeader(k, v string) *awsError {
	if e.Header == nil {
		e.Header = http.Header{}
	}
	e.Header.Set(k, v)
	return e
}

// spec is how one service renders one error.
type spec struct {
	code, msg string
	status    int
	query     string
	fields    []field
	header    [][2]string
}

// logical maps the logical errors per protocol family, with per-service
// exceptions in serviceLogical. Sources: aws_wire.md §0.2, §1-§10, and the
// notes in FIXTURE.md ("Errors").
var logical = map[protocol]map[string]spec{
	protoRESTXML: {
		ErrAccessDenied:       {code: "AccessDenied", status: 403, msg: "Access Denied"},
		ErrThrottling:         {code: "SlowDown", status: 503, msg: "Please reduce your request rate."},
		ErrInternalError:      {code: "InternalError", status: 500, msg: "We encountered an internal error. Please try again."},
		ErrServiceUnavailable: {code: "ServiceUnavailable", status: 503, msg: "Service is unable to handle request."},
		ErrNotImplemented:     {code: "NotImplemented", status: 501, msg: "A header you provided implies functionality that is not implemented."},
		errMissingAuth:        {code: "AccessDenied", status: 403, msg: "Access Denied"},
		errBadAuth:            {code: "AuthorizationHeaderMalformed", status: 400, msg: "The authorization header is malformed; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."},
		errBadToken:           {code: "InvalidAccessKeyId", status: 403, msg: "The AWS Access Key Id you provided does not exist in our records."},
	},
	protoQuery: {
		ErrAccessDenied:       {code: "AccessDenied", status: 403, msg: "User is not authorized to perform this operation"},
		ErrThrottling:         {code: "Throttling", status: 400, msg: "Rate exceeded"},
		ErrInternalError:      {code: "InternalFailure", status: 500, msg: "The request processing has failed because of an unknown error, exception or failure."},
		ErrServiceUnavailable: {code: "ServiceUnavailable", status: 503, msg: "The request has failed due to a temporary failure of the server."},
		ErrNotImplemented:     {code: "InvalidAction", status: 400, msg: "The action or operation requested is invalid."},
		errMissingAuth:        {code: "MissingAuthenticationToken", status: 403, msg: "Request is missing Authentication Token"},
		errBadAuth:            {code: "IncompleteSignature", status: 400, msg: "Authorization header requires 'Credential' parameter."},
		errBadToken:           {code: "InvalidClientTokenId", status: 403, msg: "The security token included in the request is invalid."},
	},
	protoEC2: {
		ErrAccessDenied:       {code: "UnauthorizedOperation", status: 403, msg: "You are not authorized to perform this operation."},
		ErrThrottling:         {code: "RequestLimitExceeded", status: 503, msg: "Request limit exceeded."},
		ErrInternalError:      {code: "InternalError", status: 500, msg: "An internal error has occurred."},
		ErrServiceUnavailable: {code: "Unavailable", status: 503, msg: "The server is overloaded and can't handle the request."},
		ErrNotImplemented:     {code: "InvalidAction", status: 400, msg: "The action is not valid for this web service."},
		errMissingAuth:        {code: "MissingAuthenticationToken", status: 401, msg: "The request must contain either a valid (registered) AWS access key ID or X.509 certificate."},
		errBadAuth:            {code: "IncompleteSignature", status: 400, msg: "Authorization header requires 'Credential' parameter."},
		errBadToken:           {code: "AuthFailure", status: 401, msg: "AWS was not able to validate the provided access credentials"},
	},
	protoJSON10: {
		ErrAccessDenied:       {code: "AccessDeniedException", status: 400, msg: "User is not authorized to perform this operation"},
		ErrThrottling:         {code: "ThrottlingException", status: 400, msg: "Rate exceeded"},
		ErrInternalError:      {code: "InternalFailure", status: 500, msg: "The request processing has failed because of an unknown error, exception or failure."},
		ErrServiceUnavailable: {code: "ServiceUnavailable", status: 503, msg: "The request has failed due to a temporary failure of the server."},
		ErrNotImplemented:     {code: "UnknownOperationException", status: 400, msg: ""},
		errMissingAuth:        {code: "MissingAuthenticationTokenException", status: 400, msg: "Request is missing Authentication Token"},
		errBadAuth:            {code: "IncompleteSignatureException", status: 400, msg: "Authorization header requires 'Credential' parameter."},
		errBadToken:           {code: "UnrecognizedClientException", status: 400, msg: "The security token included in the request is invalid."},
	},
	protoRESTJSON: {
		ErrAccessDenied:       {code: "AccessDeniedException", status: 403, msg: "User is not authorized to perform this operation"},
		ErrThrottling:         {code: "TooManyRequestsException", status: 429, msg: "Too Many Requests", header: [][2]string{{"Retry-After", "1"}}},
		ErrInternalError:      {code: "InternalFailure", status: 500, msg: "The request processing has failed because of an unknown error, exception or failure."},
		ErrServiceUnavailable: {code: "ServiceUnavailableException", status: 503, msg: "Service Unavailable"},
		ErrNotImplemented:     {code: "UnknownOperationException", status: 404, msg: "Unknown operation"},
		errMissingAuth:        {code: "MissingAuthenticationTokenException", status: 403, msg: "Missing Authentication Token"},
		errBadAuth:            {code: "IncompleteSignatureException", status: 403, msg: "Authorization header requires 'Credential' parameter."},
		errBadToken:           {code: "UnrecognizedClientException", status: 403, msg: "The security token included in the request is invalid."},
	},
}

// serviceLogical holds the services that depart from their protocol family.
var serviceLogical = map[string]map[string]spec{
	"s3control": {
		ErrThrottling: {code: "SlowDown", status: 503, msg: "Please reduce your request rate."},
	},
	"iam": {
		ErrInternalError: {code: "ServiceFailure", status: 500, msg: "The request processing has failed because of an unknown error, exception or failure."},
	},
	"sqs": {
		// SQS model: RequestThrottled is awsQueryError RequestThrottled, 403.
		ErrAccessDenied:   {code: "AccessDeniedException", status: 403, query: "AccessDenied", msg: "Access to the resource is denied."},
		ErrThrottling:     {code: "RequestThrottled", status: 403, msg: "Request is throttled."},
		ErrInternalError:  {code: "InternalFailure", status: 500, query: "InternalError", msg: "We encountered an internal error. Please try again."},
		ErrNotImplemented: {code: "UnknownOperationException", status: 400, query: "InvalidAction", msg: "The action or operation requested is invalid."},
	},
	"organizations": {
		// Organizations docs give HTTP 400 for its errors (aws_wire.md §5).
		ErrAccessDenied:       {code: "AccessDeniedException", status: 400, msg: "You don't have permissions to perform the requested operation."},
		ErrThrottling:         {code: "TooManyRequestsException", status: 400, msg: "AWS Organizations can't complete your request because it received too many requests.", fields: []field{{"Type", "AWSOrganizations"}}},
		ErrInternalError:      {code: "ServiceException", status: 500, msg: "AWS Organizations can't complete your request because of an internal service error. Try again later."},
		ErrServiceUnavailable: {code: "ServiceException", status: 500, msg: "AWS Organizations can't complete your request because of an internal service error. Try again later."},
	},
	"sns":            snsLogical,            // errors_resourcepolicy.go
	"events":         eventsLogical,         // errors_resourcepolicy.go
	"kms":            kmsLogical,            // errors_resourcepolicy.go
	"secretsmanager": secretsManagerLogical, // errors_resourcepolicy.go
	// ECR's modeled server error is ServerException (ecr.go).
	"ecr": {ErrInternalError: {code: "ServerException", status: 500, msg: "The request processing has failed because of an unknown error, exception or failure."}},

	// Edge and data services (issue 13): errors_edge.go.
	"cloudfront": cloudfrontLogical,
	"wafv2":      wafv2Logical,
	"rds":        rdsLogical,
	"eks":        eksLogical,
	"es":         esLogical,

	"lambda": {
		ErrThrottling:         {code: "TooManyRequestsException", status: 429, msg: "Rate exceeded", fields: []field{{"Reason", "CallerRateLimitExceeded"}}, header: [][2]string{{"Retry-After", "1"}}},
		ErrInternalError:      {code: "ServiceException", status: 500, msg: "An internal error occurred."},
		ErrServiceUnavailable: {code: "ServiceException", status: 500, msg: "An internal error occurred."},
	},
}

// knownCodes gives the status (and message) of codes sent as themselves.
var knownCodes = map[string]spec{
	// S3 / S3 Control
	"NoSuchBucket":                         {status: 404, msg: "The specified bucket does not exist"},
	"NoSuchBucketPolicy":                   {status: 404, msg: "The bucket policy does not exist"},
	"NoSuchPublicAccessBlockConfiguration": {status: 404, msg: "The public access block configuration was not found"},
	"OwnershipControlsNotFoundError":       {status: 404, msg: "The bucket ownership controls were not found"},
	"NoSuchKey":                            {status: 404, msg: "The specified key does not exist."},
	"PermanentRedirect":                    {status: 301, msg: "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint."},
	"IllegalLocationConstraintException":   {status: 400},
	"InvalidAccessKeyId":                   {status: 403, msg: "The AWS Access Key Id you provided does not exist in our records."},
	"InvalidToken":                         {status: 400, msg: "The provided token is malformed or otherwise invalid."},
	"InvalidArgument":                      {status: 400, msg: "Invalid Argument"},
	"InvalidRequest":                       {status: 400},
	"SlowDown":                             {status: 503, msg: "Please reduce your request rate."},
	"NoSuchWebsiteConfiguration":           {status: 404, msg: "The specified bucket does not have a website configuration"},
	"NoSuchAccessPoint":                    {status: 404, msg: "The specified accesspoint does not exist"},
	"NoSuchAccessPointPolicy":              {status: 404, msg: "The specified accesspoint policy does not exist"},
	"NoSuchMultiRegionAccessPoint":         {status: 404, msg: "The specified Multi-Region Access Point does not exist"},
	// query / EC2
	"InvalidClientTokenId":        {status: 403, msg: "The security token included in the request is invalid."},
	"ExpiredToken":                {status: 400, msg: "The security token included in the request is expired"},
	"ValidationError":             {status: 400},
	"RegionDisabledException":     {status: 403},
	"NoSuchEntity":                {status: 404},
	"ReportNotPresent":            {status: 410},
	"ReportExpired":               {status: 410},
	"ReportInProgress":            {status: 404},
	"LimitExceeded":               {status: 409},
	"EntityAlreadyExists":         {status: 409},
	"AuthFailure":                 {status: 401, msg: "AWS was not able to validate the provided access credentials"},
	"UnauthorizedOperation":       {status: 403, msg: "You are not authorized to perform this operation."},
	"RequestLimitExceeded":        {status: 503, msg: "Request limit exceeded."},
	"OptInRequired":               {status: 403},
	"DryRunOperation":             {status: 412},
	"Throttling":                  {status: 400, msg: "Rate exceeded"},
	"ServiceFailure":              {status: 500},
	"InternalFailure":             {status: 500},
	"ServiceUnavailable":          {status: 503},
	"Unavailable":                 {status: 503},
	"UnrecognizedClientException": {status: 400, msg: "The security token included in the request is invalid."},
	// SQS (code, query code)
	"QueueDoesNotExist":    {status: 400, query: "AWS.SimpleQueueService.NonExistentQueue", msg: "The specified queue does not exist."},
	"UnsupportedOperation": {status: 400, query: "AWS.SimpleQueueService.UnsupportedOperation"},
	"InvalidAddress":       {status: 404},
	"InvalidSecurity":      {status: 403},
	"RequestThrottled":     {status: 403, msg: "Request is throttled."},
	// JSON and REST-JSON
	"ResourceNotFoundException":         {status: 404, msg: "The resource you requested does not exist."},
	"NotFoundException":                 {status: 404},
	"BadRequestException":               {status: 400},
	"UnauthorizedException":             {status: 401},
	"ConflictException":                 {status: 409},
	"LimitExceededException":            {status: 429},
	"TooManyRequestsException":          {status: 429, msg: "Too Many Requests"},
	"ThrottlingException":               {status: 400, msg: "Rate exceeded"},
	"ServiceException":                  {status: 500},
	"ServiceUnavailableException":       {status: 503},
	"InternalServerException":           {status: 500},
	"AccessDeniedException":             {status: 403},
	"AWSOrganizationsNotInUseException": {status: 400, msg: "Your account is not a member of an organization."},
}

// errorFor returns the error service sends for name, a logical error or a
// code. msg, when not empty, replaces the default message.
func errorFor(service, name, msg string) *awsError {
	s, ok := serviceLogical[service][name]
	if !ok {
		s, ok = logical[family(protocolOf(service))][name]
	}
	if !ok {
		s = knownCodes[name]
		s.code = name
		if s.status == 0 {
			s.status = 400
		}
	}
	e := &awsError{Code: s.code, Message: s.msg, Status: s.status, QueryCode: s.query}
	if msg != "" {
		e.Message = msg
	}
	if e.Message == "" && family(protocolOf(service)) != protoJSON10 {
		e.Message = s.code
	}
	e.Fields = append(e.Fields, s.fields...)
	for _, h := range s.header {
		e.withHeader(h[0], h[1])
	}
	return e
}

// family is the protocol whose logical errors a protocol shares.
func family(p protocol) protocol {
	switch p {
	case protoRESTXMLWrapped:
		return protoRESTXML
	case protoJSON11:
		return protoJSON10
	}
	return p
}

// unknownOperation is the error for a request the fake does not implement.
func unknownOperation(c *call) *awsError {
	svc := c.service
	if svc == "cloudfront" { // REST paths, query-style errors: no Action to name
		return errorFor(svc, ErrNotImplemented, "")
	}
	switch protocolOf(svc) {
	case protoQuery:
		return errorFor(svc, ErrNotImplemented, fmt.Sprintf("Could not find operation %s for version %s", c.form.Get("Action"), apiVersions[svc]))
	case protoEC2:
		return errorFor(svc, ErrNotImplemented, fmt.Sprintf("The action %s is not valid for this web service.", c.form.Get("Action")))
	}
	return errorFor(svc, ErrNotImplemented, "")
}

// sqsModeled are the SQS error shapes, sent as com.amazonaws.sqs#Name;
// anything else is a common error, com.amazon.coral.service#Name.
var sqsModeled = map[string]bool{
	"QueueDoesNotExist": true, "RequestThrottled": true, "InvalidAddress": true, "InvalidSecurity": true,
	"UnsupportedOperation": true, "InvalidAttributeName": true, "InvalidAttributeValue": true,
	"OverLimit": true, "InvalidIdFormat": true, "ResourceNotFoundException": true,
}

// render writes e in the service's protocol.
func renderError(service string, e *awsError, ids requestIDs, head bool) *response {
	resp := &response{status: e.Status, header: http.Header{}}
	for k, v := range e.Header {
		resp.header[k] = v
	}
	var b strings.Builder
	switch p := protocolOf(service); p {
	case protoRESTXML, protoRESTXMLWrapped:
		x := newXML(&b)
		if p == protoRESTXMLWrapped {
			x.open("ErrorResponse")
		}
		x.open("Error").leaf("Code", e.Code).leaf("Message", e.Message)
		for _, f := range e.Fields {
			x.leaf(f.name, f.value)
		}
		if p == protoRESTXMLWrapped {
			x.close("Error")
		}
		x.leaf("RequestId", ids.id).leaf("HostId", ids.hostID)
		if p == protoRESTXMLWrapped {
			x.close("ErrorResponse")
		} else {
			x.close("Error")
		}
		resp.header.Set("Content-Type", "application/xml")
	case protoQuery:
		x := newXML(&b)
		x.open("ErrorResponse", "xmlns", queryNamespaces[service])
		x.open("Error").leaf("Type", faultType(e)).leaf("Code", e.Code).leaf("Message", e.Message)
		for _, f := range e.Fields {
			x.leaf(f.name, f.value)
		}
		x.close("Error").leaf("RequestId", ids.id).close("ErrorResponse")
		resp.header.Set("Content-Type", "text/xml")
	case protoEC2:
		x := newXML(&b)
		x.open("Response").open("Errors").open("Error").leaf("Code", e.Code).leaf("Message", e.Message)
		x.close("Error").close("Errors").leaf("RequestID", ids.id).close("Response")
		resp.header.Set("Content-Type", "text/xml;charset=UTF-8")
	case protoJSON10, protoJSON11:
		typ, msgKey := e.Code, jsonMessageKey(service)
		if service == "sqs" {
			ns := "com.amazon.coral.service#"
			if sqsModeled[e.Code] {
				ns = "com.amazonaws.sqs#"
			}
			typ, msgKey = ns+e.Code, "message"
			resp.header.Set("x-amzn-query-error", orDefault(e.QueryCode, e.Code)+";"+faultType(e))
		}
		writeJSONObject(&b, append([]field{{"__type", typ}, {msgKey, e.Message}}, e.Fields...))
		resp.header.Set("Content-Type", map[protocol]string{protoJSON10: "application/x-amz-json-1.0", protoJSON11: "application/x-amz-json-1.1"}[p])
	case protoRESTJSON:
		fields := []field{{"message", e.Message}}
		if service == "lambda" {
			fields = []field{{"Type", map[bool]string{true: "Service", false: "User"}[e.Status >= 500]}, {"Message", e.Message}}
		}
		writeJSONObject(&b, append(fields, e.Fields...))
		resp.header.Set("X-Amzn-ErrorType", e.Code)
		resp.header.Set("Content-Type", "application/json")
	}
	if !head {
		resp.body = []byte(b.String())
	}
	return resp
}

func faultType(e *awsError) string {
	if e.Status >= 500 {
		return "Receiver"
	}
	return "Sender"
}

func writeJSONObject(b *strings.Builder, fields []field) {
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(jsonQuote(f.name))
		b.WriteByte(':')
		b.WriteString(jsonQuote(f.value))
	}
	b.WriteByte('}')
}

package fakeaws

// How CloudFront, WAFv2, RDS, EKS and OpenSearch send their errors, where
// they depart from their protocol family (errors.go), and the codes their
// handlers send. Statuses and codes are the botocore service-2 models'
// (httpStatusCode, awsQueryError code); where a real answer was observed,
// the comment names it. Messages come from AWS answers quoted in the
// sources named, or are the fake's own: key on codes, never on messages.

// cloudfrontLogical: CloudFront is REST-XML whose errors are the query
// envelope with Type, Code and Message, and Throttling 400 "Rate exceeded"
// (spacecatninja/craft-imager-x#19 quotes one), as protoQuery renders. AWS's
// answer to a path it does not serve is undocumented:
// UnknownOperationException 404 is the fake's choice.
var cloudfrontLogical = map[string]spec{
	ErrNotImplemented:                      {code: "UnknownOperationException", status: 404, msg: "Unknown operation"},
	"NoSuchDistribution":                   {code: "NoSuchDistribution", status: 404, msg: "The specified distribution does not exist."},
	"NoSuchOriginAccessControl":            {code: "NoSuchOriginAccessControl", status: 404, msg: "The specified origin access control does not exist."},
	"NoSuchCloudFrontOriginAccessIdentity": {code: "NoSuchCloudFrontOriginAccessIdentity", status: 404, msg: "The specified origin access identity does not exist."},
	"NoSuchFunctionExists":                 {code: "NoSuchFunctionExists", status: 404, msg: "The function does not exist."},
	"InvalidArgument":                      {code: "InvalidArgument", status: 400},
}

// wafv2Logical: JSON 1.1; the WAF exceptions carry no status in the model,
// so they are 400 as every JSON-protocol client error.
var wafv2Logical = map[string]spec{
	ErrInternalError:               {code: "WAFInternalErrorException", status: 500, msg: "AWS WAF couldn’t perform your request because of an internal error. Retry your request."},
	"WAFNonexistentItemException":  {code: "WAFNonexistentItemException", status: 400, msg: "AWS WAF couldn’t perform the operation because your resource doesn’t exist."},
	"WAFInvalidParameterException": {code: "WAFInvalidParameterException", status: 400},
}

// rdsLogical: AWS query; the not-found codes are the model's awsQueryError
// codes (DBInstanceNotFound, not DBInstanceNotFoundFault), all 404.
var rdsLogical = map[string]spec{
	"DBInstanceNotFound":             {code: "DBInstanceNotFound", status: 404},
	"DBClusterNotFoundFault":         {code: "DBClusterNotFoundFault", status: 404},
	"DBSnapshotNotFound":             {code: "DBSnapshotNotFound", status: 404},
	"DBClusterSnapshotNotFoundFault": {code: "DBClusterSnapshotNotFoundFault", status: 404},
	"InvalidParameterValue":          {code: "InvalidParameterValue", status: 400},
	"InvalidParameterCombination":    {code: "InvalidParameterCombination", status: 400},
}

// eksLogical: REST-JSON; the model gives ThrottlingException 429 and
// ServerException 500.
var eksLogical = map[string]spec{
	ErrThrottling:               {code: "ThrottlingException", status: 429, msg: "Rate exceeded"},
	ErrInternalError:            {code: "ServerException", status: 500, msg: "An internal error occurred."},
	"ResourceNotFoundException": {code: "ResourceNotFoundException", status: 404},
	"InvalidParameterException": {code: "InvalidParameterException", status: 400},
	"InvalidRequestException":   {code: "InvalidRequestException", status: 400},
}

// esLogical: OpenSearch, REST-JSON; the model gives ThrottlingException
// 429, InternalException 500 and ResourceNotFoundException 409.
var esLogical = map[string]spec{
	ErrThrottling:               {code: "ThrottlingException", status: 429, msg: "Rate exceeded"},
	ErrInternalError:            {code: "InternalException", status: 500, msg: "An internal error occurred."},
	"ResourceNotFoundException": {code: "ResourceNotFoundException", status: 409, msg: "Domain not found"},
	"ValidationException":       {code: "ValidationException", status: 400},
}

package collectors

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// A 200 answer whose body was cut short or garbled on the way (a proxy, a
// reset mid-body, a load balancer's error page) must not read as an empty
// answer. The SDK's deserializers take an empty body as "nothing there" —
// no buckets, no functions, no policy — and a well-formed body with the
// wrong root element (an HTML error page) the same way; either would turn a
// failed read into a false "not configured" and a silently short listing.
// bodyCheck reads every 2xx body of the services trustmap reads before the
// deserializer does, and refuses one that cannot be the operation's answer
// with a *MalformedResponseError. It tells a failure of the transport from
// an answer the endpoint gives every time:
//   - a body cut short — fewer bytes than Content-Length said, or XML or
//     JSON that stops mid-way — or garbled is transient: retried with the
//     SDK's backoff, then a coverage gap;
//   - a complete, well-formed document that is not the answer (another
//     operation's root element, a JSON value that is not an object) is
//     deterministic: not retried; the answer breaker (breaker.go) counts it;
//   - a complete empty body is asked once more at once (no backoff): a cut
//     to nothing does not come twice running, an endpoint's habit does. The
//     second empty body is deterministic — except for the operations in
//     emptyIsNone, where it is the endpoint's way of saying "nothing
//     configured" (moto's GetBucketNotificationConfiguration; AWS sends the
//     empty root element, which the SDK reads the same way). Once confirmed
//     for an API in an account and region, the breaker lets later empty
//     answers of that API through at first sight.

// MalformedResponseError is a 2xx answer whose body cannot be the
// operation's answer. Its message never quotes the body (which may hold
// secrets, such as Lambda environment values).
type MalformedResponseError struct {
	Service, Operation string
	Status             int
	Reason             string
	// Deterministic: a complete answer the endpoint gives every time (see
	// above); not retried.
	Deterministic bool
	// Immediate: retry once without backoff (a complete empty body).
	Immediate bool
}

func (e *MalformedResponseError) Error() string {
	return fmt.Sprintf("malformed response: %s %s answered %d with %s", e.Service, e.Operation, e.Status, e.Reason)
}

// RetryableError tells the SDK's retryer to try again when the body was cut
// or garbled on the way, and not when it is what the endpoint answers.
func (e *MalformedResponseError) RetryableError() bool { return !e.Deterministic }

// emptyIsNone are the operations (SDK service id and operation) whose
// complete empty answer means "nothing configured": the SDK reads an empty
// body as the empty document, which AWS sends in that case.
// Source: S3 API Reference, GetBucketNotificationConfiguration: "If
// notifications are not enabled on the bucket, the action returns an empty
// NotificationConfiguration element."
var emptyIsNone = map[string]bool{"S3:GetBucketNotificationConfiguration": true}

// opState is one operation's state across its attempts, in its context.
type opState struct {
	empties       int  // complete empty bodies seen so far
	emptyIsNone   bool // the breaker knows this API answers "none" with an empty body
	acceptedEmpty bool // an empty body was taken as "nothing configured"
}

type opStateKey struct{}

func opStateFrom(ctx context.Context) *opState {
	st, _ := middleware.GetStackValue(ctx, opStateKey{}).(*opState)
	return st
}

// opStart puts a fresh opState in each operation's context, in the
// initialize step (outside the retry loop).
type opStart struct{}

func (opStart) ID() string { return "trustmapOpState" }

func (opStart) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	return next.HandleInitialize(middleware.WithStackValue(ctx, opStateKey{}, &opState{}), in)
}

// maxCheckedBody bounds the bytes bodyCheck holds; a longer body is passed
// on unchecked (no answer trustmap reads comes near it).
const maxCheckedBody = 32 << 20

type bodyFormat int

const (
	bodyUnchecked bodyFormat = iota
	bodyXML
	bodyJSON
)

// bodyFormats says what each service (by SDK service id) answers in.
var bodyFormats = map[string]bodyFormat{
	"S3": bodyXML, "S3 Control": bodyXML, "IAM": bodyXML, "STS": bodyXML, "EC2": bodyXML,
	"Elastic Load Balancing": bodyXML, "Elastic Load Balancing v2": bodyXML,
	"Lambda": bodyJSON, "API Gateway": bodyJSON, "ApiGatewayV2": bodyJSON, "SQS": bodyJSON, "Organizations": bodyJSON,
	"CloudFront": bodyXML, "RDS": bodyXML, "WAFV2": bodyJSON, "EKS": bodyJSON, "OpenSearch": bodyJSON,
}

// cloudFrontRoots are the root elements of the CloudFront answers trustmap
// reads (REST-XML: the payload member's own name).
var cloudFrontRoots = map[string]string{
	"ListDistributions":                    "DistributionList",
	"ListOriginAccessControls":             "OriginAccessControlList",
	"ListCloudFrontOriginAccessIdentities": "CloudFrontOriginAccessIdentityList",
}

// s3Payloads are S3 operations whose body is not an XML document: the
// bucket policy is the JSON document itself; objects are anything.
var s3Payloads = map[string]bodyFormat{"GetBucketPolicy": bodyJSON, "GetObject": bodyUnchecked}

// s3Roots are the root elements of the S3 answers trustmap reads.
var s3Roots = map[string]string{
	"ListBuckets":                        "ListAllMyBucketsResult",
	"GetBucketLocation":                  "LocationConstraint",
	"GetBucketPolicyStatus":              "PolicyStatus",
	"GetBucketAcl":                       "AccessControlPolicy",
	"GetPublicAccessBlock":               "PublicAccessBlockConfiguration",
	"GetBucketOwnershipControls":         "OwnershipControls",
	"GetBucketNotificationConfiguration": "NotificationConfiguration",
}

type bodyCheck struct{}

func (bodyCheck) ID() string { return "trustmapBodyCheck" }

func (bodyCheck) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	out, md, err := next.HandleDeserialize(ctx, in)
	if err != nil {
		return out, md, err
	}
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if ok && resp.Body != nil && resp.StatusCode == http.StatusInternalServerError {
		return crashPage(ctx, out, md, resp)
	}
	if !ok || resp.Body == nil || resp.StatusCode < 200 || resp.StatusCode > 299 || resp.StatusCode == http.StatusNoContent {
		return out, md, nil
	}
	if req, ok := in.Request.(*smithyhttp.Request); ok && req.Method == http.MethodHead {
		return out, md, nil
	}
	svc, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
	format := bodyFormats[svc]
	if svc == "S3" {
		if f, ok := s3Payloads[op]; ok {
			format = f
		}
	}
	if format == bodyUnchecked {
		return out, md, nil
	}
	body := resp.Body
	data, rerr := io.ReadAll(io.LimitReader(body, maxCheckedBody+1))
	if len(data) > maxCheckedBody && rerr == nil {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(data), body), body}
		return out, md, nil
	}
	body.Close() //nolint:errcheck // read to the end or failed; nothing more to do
	resp.Body = io.NopCloser(bytes.NewReader(data))
	fail := func(reason string) (middleware.DeserializeOutput, middleware.Metadata, error) {
		return out, md, &MalformedResponseError{Service: svc, Operation: op, Status: resp.StatusCode, Reason: reason}
	}
	if rerr != nil {
		return fail(fmt.Sprintf("a body that could not be read to its end (%v)", rerr))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		st := opStateFrom(ctx)
		switch {
		case st == nil:
			return fail("an empty body")
		case emptyIsNone[svc+":"+op] && (st.emptyIsNone || st.empties > 0):
			st.acceptedEmpty = true
			return out, md, nil
		case st.empties > 0:
			return out, md, &MalformedResponseError{Service: svc, Operation: op, Status: resp.StatusCode, Reason: "an empty body", Deterministic: true}
		}
		st.empties++
		return out, md, &MalformedResponseError{Service: svc, Operation: op, Status: resp.StatusCode, Reason: "an empty body", Immediate: true}
	}
	wrong := func(reason string) (middleware.DeserializeOutput, middleware.Metadata, error) {
		return out, md, &MalformedResponseError{Service: svc, Operation: op, Status: resp.StatusCode, Reason: reason, Deterministic: true}
	}
	switch format {
	case bodyJSON:
		if !json.Valid(data) {
			return fail("a body that is not well-formed JSON (cut short or garbled)")
		}
		if t := bytes.TrimSpace(data); t[0] != '{' {
			return wrong("a JSON body that is not an object")
		}
	case bodyXML:
		root, err := xmlRoot(data)
		if err != nil {
			return fail("a body that is not well-formed XML (" + err.Error() + ")")
		}
		want := ""
		switch svc {
		case "IAM", "STS", "EC2", "RDS", "Elastic Load Balancing", "Elastic Load Balancing v2":
			want = op + "Response"
		case "S3":
			want = s3Roots[op]
		case "CloudFront":
			want = cloudFrontRoots[op]
		}
		if want != "" && root != want {
			return wrong(fmt.Sprintf("an XML document rooted at <%s>, not <%s>", root, want))
		}
	}
	return out, md, nil
}

// crashPage refuses a 500 whose body is an HTML page rather than the
// service's error document: the server's own crash page (moto answers so
// for a route it lacks, API Gateway v2 GetAuthorizers), which comes again
// on every attempt. It is deterministic — not retried, and counted by the
// answer breaker. AWS sends its 500s as error documents (InternalFailure,
// ServiceException); those, and gateways' 502/503/504 pages, stay
// retryable. Any other 500 body is handed back untouched.
func crashPage(ctx context.Context, out middleware.DeserializeOutput, md middleware.Metadata, resp *smithyhttp.Response) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	head, err := io.ReadAll(io.LimitReader(resp.Body, 512))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	if err != nil || !isHTML(head) {
		return out, md, nil
	}
	return out, md, &MalformedResponseError{Service: awsmiddleware.GetServiceID(ctx), Operation: awsmiddleware.GetOperationName(ctx),
		Status: resp.StatusCode, Reason: "an HTML page instead of an AWS error document", Deterministic: true}
}

// isHTML says whether a body starts like an HTML page.
func isHTML(b []byte) bool {
	t := bytes.ToLower(bytes.TrimSpace(b))
	return bytes.HasPrefix(t, []byte("<!doctype html")) || bytes.HasPrefix(t, []byte("<html"))
}

// xmlRoot checks that data is one complete, well-formed XML element and
// returns its name. Errors name what is wrong, never the content.
func xmlRoot(data []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	root, depth := "", 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if root == "" {
				return "", errors.New("no element")
			}
			return root, nil
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return "", fmt.Errorf("syntax error on line %d", se.Line)
			}
			return "", errors.New("unreadable")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 && root != "" {
				return "", errors.New("more than one root element")
			}
			if depth == 0 {
				root = t.Name.Local
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return "", errors.New("text outside the root element")
			}
		}
	}
}

// addBodyCheck installs bodyCheck innermost in the deserialize step, next
// to the transport, so it sees each attempt's raw answer before the
// operation's deserializer; and opStart, which gives each operation the
// state bodyCheck keeps across attempts.
func addBodyCheck(st *middleware.Stack) error {
	if err := st.Initialize.Add(opStart{}, middleware.After); err != nil {
		return err
	}
	return st.Deserialize.Add(bodyCheck{}, middleware.After)
}

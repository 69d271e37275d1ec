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
// deserializer does, and refuses one that is empty, not well-formed XML or
// JSON, or (for query protocols and S3) not rooted where the operation's
// answer is, with a retryable *MalformedResponseError: the SDK tries again,
// and a call that never gets a good answer becomes a coverage gap.

// MalformedResponseError is a 2xx answer whose body cannot be the
// operation's answer. Its message never quotes the body (which may hold
// secrets, such as Lambda environment values).
type MalformedResponseError struct {
	Service, Operation string
	Status             int
	Reason             string
}

func (e *MalformedResponseError) Error() string {
	return fmt.Sprintf("malformed response: %s %s answered %d with %s", e.Service, e.Operation, e.Status, e.Reason)
}

// RetryableError tells the SDK's retryer to try again: a cut or garbled
// body is a transport failure.
func (e *MalformedResponseError) RetryableError() bool { return true }

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
	"S3": bodyXML, "S3 Control": bodyXML, "IAM": bodyXML, "STS": bodyXML, "EC2": bodyXML, "SNS": bodyXML,
	"Lambda": bodyJSON, "API Gateway": bodyJSON, "ApiGatewayV2": bodyJSON, "SQS": bodyJSON, "Organizations": bodyJSON,
	"EventBridge": bodyJSON, "KMS": bodyJSON, "Secrets Manager": bodyJSON, "ECR": bodyJSON,
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
	"GetBucketEncryption":                "ServerSideEncryptionConfiguration",
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
		return fail("an empty body")
	}
	switch format {
	case bodyJSON:
		if !json.Valid(data) {
			return fail("a body that is not well-formed JSON (cut short or garbled)")
		}
		if t := bytes.TrimSpace(data); t[0] != '{' {
			return fail("a JSON body that is not an object")
		}
	case bodyXML:
		root, err := xmlRoot(data)
		if err != nil {
			return fail("a body that is not well-formed XML (" + err.Error() + ")")
		}
		want := ""
		switch svc {
		case "IAM", "STS", "EC2", "SNS":
			want = op + "Response"
		case "S3":
			want = s3Roots[op]
		}
		if want != "" && root != want {
			return fail(fmt.Sprintf("an XML document rooted at <%s>, not <%s>", root, want))
		}
	}
	return out, md, nil
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
// operation's deserializer.
func addBodyCheck(st *middleware.Stack) error {
	return st.Deserialize.Add(bodyCheck{}, middleware.After)
}

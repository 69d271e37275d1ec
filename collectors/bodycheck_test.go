package collectors

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/trustmap/trustmap/graph"
)

// cannedHTTP answers every request with status 200 and the next body in
// bodies (the last one repeats), and counts the requests. With short set,
// each body is announced 100 bytes longer than it is and ends with
// io.ErrUnexpectedEOF, as net/http reports a connection closed mid-body.
type cannedHTTP struct {
	bodies []string
	short  bool
	n      atomic.Int32
}

func (c *cannedHTTP) Do(r *http.Request) (*http.Response, error) {
	i := int(c.n.Add(1)) - 1
	body := c.bodies[min(i, len(c.bodies)-1)]
	length := len(body)
	var rd io.Reader = strings.NewReader(body)
	if c.short {
		length += 100
		rd = io.MultiReader(rd, iotestErrReader{io.ErrUnexpectedEOF})
	}
	h := http.Header{}
	h.Set("Content-Length", fmt.Sprint(length))
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: h, Body: io.NopCloser(rd),
		ContentLength: int64(length), Request: r}, nil
}

type iotestErrReader struct{ err error }

func (r iotestErrReader) Read([]byte) (int, error) { return 0, r.err }

func cannedConfig(h aws.HTTPClient, check bool) aws.Config {
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIATEST000000000001", "secret", ""),
		HTTPClient:   h,
		BaseEndpoint: aws.String("http://127.0.0.1:1"),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 5
				o.MaxBackoff = time.Millisecond
				o.RateLimiter = ratelimit.None
			})
		},
	}
	if check {
		cfg.APIOptions = append(cfg.APIOptions, addBodyCheck)
	}
	return cfg
}

// bodyCase is one operation answered with a 200 and a body.
type bodyCase struct {
	name string
	body string
	// short: the connection closes before Content-Length bytes came.
	short bool
	call  func(context.Context, aws.Config) (empty bool, err error)
	// silent says that, without the check, the SDK takes the body for an
	// empty answer with no error: the bug the check exists for.
	silent bool
	// ok says the body is a good answer that the check must let through
	// (after attempts attempts; 0 means 1).
	ok bool
	// attempts the check makes the SDK send: 5 (every attempt) for a
	// transient failure, 2 for a complete empty body (asked once more at
	// once), 1 for a complete document that is not the answer.
	attempts int32
}

var (
	lambdaGetPolicy = func(ctx context.Context, cfg aws.Config) (bool, error) {
		out, err := lambda.NewFromConfig(cfg).GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("fn")})
		return err == nil && aws.ToString(out.Policy) == "", err
	}
	lambdaListFunctions = func(ctx context.Context, cfg aws.Config) (bool, error) {
		out, err := lambda.NewFromConfig(cfg).ListFunctions(ctx, &lambda.ListFunctionsInput{})
		return err == nil && len(out.Functions) == 0, err
	}
	s3ListBuckets = func(ctx context.Context, cfg aws.Config) (bool, error) {
		out, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{})
		return err == nil && len(out.Buckets) == 0, err
	}
	s3GetBucketPolicy = func(ctx context.Context, cfg aws.Config) (bool, error) {
		out, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("b")})
		return err == nil && aws.ToString(out.Policy) == "", err
	}
	iamDetails = func(ctx context.Context, cfg aws.Config) (bool, error) {
		out, err := iam.NewFromConfig(cfg).GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{})
		return err == nil && len(out.RoleDetailList) == 0, err
	}
	s3PolicyStatus = func(ctx context.Context, cfg aws.Config) (bool, error) {
		out, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("b")})
		// Without the check the SDK decodes the listing as a PolicyStatus
		// with no IsPublic: "not public" to a reader of aws.ToBool.
		return err == nil && (out.PolicyStatus == nil || out.PolicyStatus.IsPublic == nil), err
	}
	s3Notifications = func(ctx context.Context, cfg aws.Config) (bool, error) {
		out, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("b")})
		return err == nil && len(out.QueueConfigurations)+len(out.LambdaFunctionConfigurations)+len(out.TopicConfigurations) == 0, err
	}
	sqsListQueues = func(ctx context.Context, cfg aws.Config) (bool, error) {
		out, err := sqs.NewFromConfig(cfg).ListQueues(ctx, &sqs.ListQueuesInput{})
		return err == nil && len(out.QueueUrls) == 0, err
	}
)

const listBuckets = `<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets><Bucket><Name>a</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket><Bucket><Name>b</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>`

// moto answers GetBucketPolicyStatus, which it does not implement, with the
// bucket's object listing.
const motoPolicyStatus = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>`

var bodyCases = []bodyCase{
	{name: "an empty Lambda GetPolicy answer", body: "", call: lambdaGetPolicy, silent: true, attempts: 2},
	{name: "an empty S3 ListBuckets answer", body: "", call: s3ListBuckets, silent: true, attempts: 2},
	{name: "an HTML page instead of ListBuckets", body: "<html><body>OK</body></html>", call: s3ListBuckets, silent: true, attempts: 1},
	{name: "an HTML page instead of IAM authorization details", body: "<html><body>OK</body></html>", call: iamDetails, attempts: 1},
	{name: "an empty S3 bucket policy", body: "", call: s3GetBucketPolicy, silent: true, attempts: 2},
	{name: "a ListBucketResult instead of GetBucketPolicyStatus (moto)", body: motoPolicyStatus, call: s3PolicyStatus, silent: true, attempts: 1},
	{name: "a JSON array instead of a Lambda policy answer", body: `[]`, call: lambdaGetPolicy, attempts: 1},
	{name: "ListBuckets cut after the first bucket", body: listBuckets[:strings.Index(listBuckets, "<Bucket><Name>b")], call: s3ListBuckets, attempts: 5},
	{name: "ListFunctions cut mid-way", body: `{"Functions":[{"FunctionName":"a"},`, call: lambdaListFunctions, attempts: 5},
	{name: "a bucket policy cut mid-way", body: `{"Version":"2012-10-17","Statement":[`, call: s3GetBucketPolicy, attempts: 5},
	{name: "a ListBuckets shorter than its Content-Length", body: listBuckets, short: true, call: s3ListBuckets, attempts: 5},
	{name: "a notification configuration cut to nothing before its Content-Length", body: "", short: true, call: s3Notifications, attempts: 5},
	{name: "a complete ListBuckets", body: listBuckets, call: s3ListBuckets, ok: true},
	{name: "a complete bucket policy", body: `{"Version":"2012-10-17","Statement":[]}`, call: s3GetBucketPolicy, ok: true},
	{name: "SQS ListQueues with no queue (a legitimate {})", body: `{}`, call: sqsListQueues, ok: true},
	{name: "AWS's empty NotificationConfiguration element", body: `<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>`, call: s3Notifications, ok: true},
	// moto's answer when no notification is set: Content-Length: 0. Asked
	// once more, the same complete empty body is the answer "none".
	{name: "a complete empty notification configuration (moto)", body: "", call: s3Notifications, ok: true, attempts: 2},
}

// The check tells a body cut on the way (retried with backoff, then a gap)
// from a complete answer the endpoint gives every time (not retried, or
// asked once more when empty), and never reads either as "nothing there".
func TestBodyCheckTellsCutAnswersFromAnswersTheEndpointGivesEveryTime(t *testing.T) {
	ctx := context.Background()
	for _, tc := range bodyCases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.silent {
				empty, err := tc.call(ctx, cannedConfig(&cannedHTTP{bodies: []string{tc.body}}, false))
				if err != nil || !empty {
					t.Fatalf("without the check: empty %v, err %v; this case no longer shows the SDK reading a bad body as an empty answer", empty, err)
				}
			}
			h := &cannedHTTP{bodies: []string{tc.body}, short: tc.short}
			_, err := tc.call(ctx, cannedConfig(h, true))
			if tc.ok {
				if err != nil || h.n.Load() != max(1, tc.attempts) {
					t.Errorf("a good answer was refused: %v (%d attempts, want %d)", err, h.n.Load(), max(1, tc.attempts))
				}
				return
			}
			var me *MalformedResponseError
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want a MalformedResponseError", err)
			}
			if got := h.n.Load(); got != tc.attempts {
				t.Errorf("%d attempts, want %d", got, tc.attempts)
			}
			if me.Deterministic != (tc.attempts < 5) {
				t.Errorf("deterministic = %v after %d attempts", me.Deterministic, h.n.Load())
			}
			if c := Classify(err); c != ClassMalformed || c.GapStatus() != graph.GapError {
				t.Errorf("classified %v (gap %s), want malformed (gap error)", c, c.GapStatus())
			}
			if tc.body != "" && strings.Contains(ErrorSummary(err), tc.body[:min(len(tc.body), 12)]) {
				t.Errorf("the error quotes the body: %s", ErrorSummary(err))
			}
		})
	}
}

func TestABadAnswerFollowedByAGoodOneIsJustARetry(t *testing.T) {
	h := &cannedHTTP{bodies: []string{"", listBuckets[:40], listBuckets}}
	empty, err := s3ListBuckets(context.Background(), cannedConfig(h, true))
	if err != nil || empty || h.n.Load() != 3 {
		t.Errorf("empty %v, err %v, %d attempts; want both buckets on the third attempt", empty, err, h.n.Load())
	}
}

func TestClassifyFailuresThatOutlastTheRetries(t *testing.T) {
	resp := func(status int) *smithyhttp.Response {
		return &smithyhttp.Response{Response: &http.Response{StatusCode: status, Header: http.Header{}}}
	}
	wrap := func(status int, err error) error {
		return &smithy.OperationError{ServiceID: "Lambda", OperationName: "GetPolicy",
			Err: &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: resp(status), Err: err}}}
	}
	cases := []struct {
		name  string
		err   error
		class Class
		gap   graph.GapStatus
	}{
		{"a 200 that cannot be decoded is a failed read, not an unsupported service",
			wrap(200, &smithy.DeserializationError{Err: errors.New("unexpected EOF")}), ClassMalformed, graph.GapError},
		{"a non-2xx that cannot be decoded is still unsupported (an emulator's page)",
			wrap(404, &smithy.DeserializationError{Err: errors.New("not json")}), ClassUnsupported, graph.GapUnsupported},
		{"a 500 through every retry is the service failing",
			wrap(500, &smithy.GenericAPIError{Code: "ServiceException", Message: "m"}), ClassUnavailable, graph.GapError},
		{"a 503 through every retry is the service failing",
			wrap(503, &smithy.GenericAPIError{Code: "ServiceUnavailable", Message: "m"}), ClassUnavailable, graph.GapError},
		{"a connection reset through every retry is the service unreachable",
			&smithy.OperationError{ServiceID: "IAM", OperationName: "GetPolicy", Err: &smithyhttp.RequestSendError{Err: errors.New("read: connection reset by peer")}}, ClassUnavailable, graph.GapError},
		{"a 503 SlowDown is still throttling",
			wrap(503, &smithy.GenericAPIError{Code: "SlowDown", Message: "m"}), ClassThrottled, graph.GapThrottled},
		{"a malformed answer through every retry",
			fmt.Errorf("op: %w", &MalformedResponseError{Service: "S3", Operation: "ListBuckets", Status: 200, Reason: "an empty body"}), ClassMalformed, graph.GapError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Classify(tc.err)
			if c != tc.class || c.GapStatus() != tc.gap {
				t.Errorf("class %v gap %s, want %v gap %s", c, c.GapStatus(), tc.class, tc.gap)
			}
		})
	}
}

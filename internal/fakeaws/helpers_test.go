package fakeaws

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

const (
	basicFixture = "../../testdata/accounts/s3-basic.yaml"
	demoKey      = "AKIADEMO0000000001" // account 123456789012
	partnerKey   = "AKIAPARTNER0000001" // account 111122223333
)

// startFixture starts a server for a fixture file.
func startFixture(t *testing.T, path string, opts Options) *Server {
	t.Helper()
	w, err := LoadFixture(path)
	if err != nil {
		t.Fatal(err)
	}
	return startWorld(t, w, opts)
}

// startYAML starts a server for an inline fixture.
func startYAML(t *testing.T, fixture string, opts Options) *Server {
	t.Helper()
	w, err := ParseFixture([]byte(fixture), t.Name())
	if err != nil {
		t.Fatal(err)
	}
	return startWorld(t, w, opts)
}

func startWorld(t *testing.T, w *World, opts Options) *Server {
	t.Helper()
	var mu sync.Mutex
	done := false
	if opts.Logf == nil {
		// Handlers may still run after a test ends; t.Logf would panic then.
		opts.Logf = func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			if !done {
				t.Logf(format, args...)
			}
		}
	}
	srv := New(w, opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		mu.Lock()
		done = true
		mu.Unlock()
		srv.Close()
	})
	return srv
}

// clientConfig is how a test reaches the fake: static credentials, and an
// HTTP client that dials the server whatever the host (S3 Control puts the
// account id in front of it).
type clientConfig struct {
	region   string
	key      string
	token    string
	attempts int           // 1 disables retries; 0 means the SDK default (3)
	backoff  time.Duration // max retry backoff, default 5ms
}

func (s *Server) config(t *testing.T, cc clientConfig) aws.Config {
	t.Helper()
	addr := strings.TrimPrefix(s.URL(), "http://")
	hc := &http.Client{Transport: bufferedBody{&http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}}
	if cc.region == "" {
		cc.region = "us-east-1"
	}
	if cc.key == "" {
		cc.key = demoKey
	}
	if cc.backoff == 0 {
		cc.backoff = 5 * time.Millisecond
	}
	cfg := aws.Config{
		Region:      cc.region,
		Credentials: credentials.NewStaticCredentialsProvider(cc.key, "secret", cc.token),
		HTTPClient:  hc,
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				if cc.attempts > 0 {
					o.MaxAttempts = cc.attempts
				}
				o.MaxBackoff = cc.backoff
				o.RateLimiter = ratelimit.None
			})
		},
	}
	return cfg
}

func (s *Server) s3(t *testing.T, cc clientConfig) *s3.Client {
	return s3.NewFromConfig(s.config(t, cc), func(o *s3.Options) {
		o.BaseEndpoint = aws.String(s.URL())
		o.UsePathStyle = true
	})
}

func (s *Server) s3control(t *testing.T, cc clientConfig) *s3control.Client {
	return s3control.NewFromConfig(s.config(t, cc), func(o *s3control.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func (s *Server) sts(t *testing.T, cc clientConfig) *sts.Client {
	return sts.NewFromConfig(s.config(t, cc), func(o *sts.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func (s *Server) ec2(t *testing.T, cc clientConfig) *ec2.Client {
	return ec2.NewFromConfig(s.config(t, cc), func(o *ec2.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

// bufferedBody hands the transport a copy of the request body. smithy-go
// closes the request body as soon as client.Do returns, which on loopback
// can be before the transport's write loop has made its final read of the
// body (it reads once more to check for extra bytes); the transport then
// fails the write and closes the connection under the response still being
// read ("use of closed network connection", about one call in a few hundred
// with a body of a few KB).
type bufferedBody struct{ rt http.RoundTripper }

func (b bufferedBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		data, err := io.ReadAll(r.Body)
		r.Body.Close() //nolint:errcheck // the copy is what gets sent
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(data))
	}
	return b.rt.RoundTrip(r)
}

// apiError is what the SDK made of an error response.
type apiError struct {
	Code   string
	Status int
}

// decodeError fails the test unless err is an API error the SDK decoded.
func decodeError(t *testing.T, err error) apiError {
	t.Helper()
	if err == nil {
		t.Fatal("got no error, want an API error")
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not a smithy.APIError", err)
	}
	var re *awshttp.ResponseError
	status := 0
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return apiError{Code: ae.ErrorCode(), Status: status}
}

// rawRequest sends a hand-made request to the server.
func (s *Server) rawRequest(t *testing.T, method, path, host string, header http.Header, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// signedHeader is an Authorization header the fake accepts (it never checks
// the signature).
func signedHeader(key, region, service string) http.Header {
	h := http.Header{}
	h.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+key+"/20240101/"+region+"/"+service+"/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000")
	return h
}

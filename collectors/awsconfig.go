package collectors

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// ConfigOptions say how to reach AWS: which credentials, which endpoint.
type ConfigOptions struct {
	Profile     string
	Region      string // home region for global services; default us-east-1
	EndpointURL string // overrides every service's endpoint (emulators, the demo)
	AssumeRole  string // role ARN to assume first
	ExternalID  string
	// Credentials, when set, replace the default chain (the demo uses it).
	Credentials aws.CredentialsProvider
	// HTTPTimeout bounds one HTTP attempt; 0 means 30 s.
	HTTPTimeout time.Duration
	// MaxAttempts per operation, retries included; 0 means 5.
	MaxAttempts int
}

// LoadConfig builds an aws.Config from the default credential chain (env,
// shared profiles, SSO, IMDS) or o.Credentials, with one fresh standard
// retryer per client and no shared client-side retry quota. The SDK's own
// AWS_ENDPOINT_URL is honoured; o.EndpointURL takes precedence.
func LoadConfig(ctx context.Context, o ConfigOptions) (aws.Config, error) {
	region := o.Region
	if region == "" {
		region = "us-east-1"
	}
	attempts := o.MaxAttempts
	if attempts == 0 {
		attempts = 5
	}
	timeout := o.HTTPTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(region),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = attempts
				so.MaxBackoff = 20 * time.Second
				so.Backoff = confirmAtOnce{retry.NewExponentialJitterBackoff(so.MaxBackoff)}
				so.RateLimiter = ratelimit.None
			})
		}),
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(o.Credentials))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if o.EndpointURL != "" {
		if _, err := url.ParseRequestURI(o.EndpointURL); err != nil {
			return aws.Config{}, fmt.Errorf("--endpoint-url %q: %w", o.EndpointURL, err)
		}
		cfg.BaseEndpoint = aws.String(o.EndpointURL)
	}
	cfg.HTTPClient = newHTTPClient(cfg.BaseEndpoint, timeout)
	// A cut or garbled 200 body is retried, then a gap; never an empty answer (bodycheck.go).
	cfg.APIOptions = append(cfg.APIOptions, addBodyCheck)
	if o.AssumeRole != "" {
		cfg = AssumeRoleConfig(cfg, o.AssumeRole, o.ExternalID)
	}
	return cfg, nil
}

// confirmAtOnce is the retryer's backoff: the SDK's exponential jitter,
// except that a complete empty body is asked again at once (bodycheck.go):
// that retry confirms an answer, it does not wait out a failure.
type confirmAtOnce struct{ retry.BackoffDelayer }

func (b confirmAtOnce) BackoffDelay(attempt int, err error) (time.Duration, error) {
	var mal *MalformedResponseError
	if errors.As(err, &mal) && mal.Immediate {
		return 0, nil
	}
	return b.BackoffDelayer.BackoffDelay(attempt, err)
}

// RefreshWindow is how long before they expire assumed-role credentials
// are renewed: a scan of an organization outlives a one-hour session, and a
// call signed just before expiry must not arrive just after it.
const RefreshWindow = 5 * time.Minute

// AssumeRoleConfig returns a copy of base whose credentials come from
// assuming roleARN with base's credentials, cached and refreshed by the SDK
// RefreshWindow before they expire. The role is assumed at the first call
// that needs it, not here.
func AssumeRoleConfig(base aws.Config, roleARN, externalID string) aws.Config {
	return AssumeRoleConfigWindow(base, roleARN, externalID, RefreshWindow)
}

// AssumeRoleConfigWindow is AssumeRoleConfig with another refresh window
// (tests of refresh, against sessions of seconds).
func AssumeRoleConfigWindow(base aws.Config, roleARN, externalID string, window time.Duration) aws.Config {
	cfg := base.Copy()
	provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "trustmap"
		if externalID != "" {
			o.ExternalID = aws.String(externalID)
		}
	})
	cfg.Credentials = aws.NewCredentialsCache(provider, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = window
		o.ExpiryWindowJitterFrac = 0.2
	})
	return cfg
}

// newHTTPClient returns the SDK's HTTP client with a per-attempt timeout.
// With an endpoint override it also sends host-prefixed requests (S3
// Control's "{AccountId}.host") to the endpoint itself, since such names do
// not resolve for a local emulator.
func newHTTPClient(endpoint *string, timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	tr.ResponseHeaderTimeout = timeout
	if endpoint != nil {
		if u, err := url.Parse(*endpoint); err == nil && u.Hostname() != "" {
			host := u.Hostname()
			d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
			tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
				h, port, err := net.SplitHostPort(addr)
				if err == nil && strings.HasSuffix(h, "."+host) {
					addr = net.JoinHostPort(host, port)
				}
				return d.DialContext(ctx, network, addr)
			}
		}
	}
	return &http.Client{Transport: tr, Timeout: 2 * timeout}
}

// Identify asks STS who the configured credentials are.
func Identify(ctx context.Context, cfg aws.Config) (account, arn string, err error) {
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", "", err
	}
	return aws.ToString(out.Account), aws.ToString(out.Arn), nil
}

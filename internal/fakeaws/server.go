// Package fakeaws is a fake AWS endpoint for tests, the demo and the
// benchmark: an HTTP server on 127.0.0.1 that answers the AWS APIs
// trustmap's collectors call, in each service's real wire protocol, from a
// declarative fixture (FIXTURE.md). It follows what AWS sends
// (../shared/reference/aws_wire.md), not what a collector expects.
//
// Requests are routed by their SigV4 credential scope: the service and
// region come from Credential=AKID/DATE/REGION/SERVICE/aws4_request and the
// account from the access key id. Signatures are never verified.
package fakeaws

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Options configure a Server.
type Options struct {
	// Addr is the listen address; default 127.0.0.1:0 (a free port).
	Addr string
	// Latency overrides the fixture's per-call latency when positive;
	// a negative value turns latency off.
	Latency time.Duration
	// Logf, when set, gets one line per request.
	Logf func(format string, args ...any)
	// Chaos, when set, replaces the fixture's chaos section (chaos.go).
	Chaos *Chaos
	// SessionDuration, when positive, is how long AssumeRole's credentials
	// last whatever DurationSeconds asks (tests of credential refresh,
	// which cannot wait out STS's 15-minute minimum). Calls signed with a
	// session's expired credentials are refused with ExpiredToken.
	SessionDuration time.Duration
}

// Server is a running (or startable) fake AWS endpoint. It is safe for
// concurrent use.
type Server struct {
	world    *World
	opts     Options
	latency  time.Duration
	services map[string]*service
	accounts map[string]*Account
	keys     map[string]*Account
	first    *Account // where unknown access keys land
	buckets  map[string]ownedBucket
	objects  objectStore // S3 objects put while the server runs (s3_objects.go)
	sessions sessionStore
	faults   *faultSet
	throttle *throttler
	stats    *statsCounter
	chaos    *chaosState // nil without chaos mode (chaos.go)
	seq      atomic.Uint64

	ln  net.Listener
	hs  *http.Server
	url string
}

// service is one AWS service the fake answers. Each lives in its own file.
type service struct {
	// route identifies the operation a request calls; ok is false for
	// operations the fake does not implement.
	route func(c *call) (op operation, ok bool)
}

// operation is one routed call.
type operation struct {
	name     string // the SDK's operation name, e.g. GetBucketPolicy
	resource string // what faults match on: bucket name, function name, ...
	handle   func(c *call) (*response, error)
}

// services lists every service the fake implements, keyed by the name
// faults and stats use. Services in serviceProtocols but not here answer
// every call with their protocol's unknown-operation error.
func services() map[string]*service {
	return map[string]*service{
		"s3":            s3Service(),
		"s3control":     s3controlService(),
		"sts":           stsService(),
		"ec2":           ec2Service(),
		"lambda":        lambdaService(),
		"sqs":           sqsService(),
		"organizations": organizationsService(),
		"apigateway":    apigatewayService(),
		"apigatewayv2":  apigatewayv2Service(),
		"iam":           iamService(),

		"sns":            snsService(),
		"events":         eventsService(),
		"kms":            kmsService(),
		"secretsmanager": secretsManagerService(),
		"ecr":            ecrService(),

		// Edge and data services (issue 13).
		"cloudfront": cloudfrontService(),
		"wafv2":      wafv2Service(),
		"rds":        rdsService(),
		"eks":        eksService(),
		"es":         opensearchService(),

		"elasticloadbalancing": elbService(), // Classic ELB, and ELBv2 by Version (elb.go)
	}
}

// ownedBucket is a bucket with the account that owns it.
type ownedBucket struct {
	bucket  *Bucket
	account *Account
}

// New returns a server for w; call Start to listen. The world must not be
// changed while the server runs.
func New(w *World, opts Options) *Server {
	s := &Server{
		world:    w,
		opts:     opts,
		services: services(),
		accounts: map[string]*Account{},
		keys:     map[string]*Account{},
		buckets:  map[string]ownedBucket{},
		faults:   newFaultSet(w.Faults),
		throttle: newThrottler(w.Throttle),
		stats:    newStatsCounter(),
	}
	// Chaos mode (chaos.go): Options.Chaos, else the fixture's.
	if opts.Chaos != nil {
		s.chaos = newChaos(opts.Chaos)
	} else {
		s.chaos = newChaos(w.Chaos)
	}
	switch {
	case opts.Latency > 0:
		s.latency = opts.Latency
	case opts.Latency == 0:
		s.latency = w.Latency
	}
	for _, a := range w.Accounts {
		if a == nil {
			continue
		}
		s.accounts[a.ID] = a
		if s.first == nil {
			s.first = a
		}
		for _, k := range a.AccessKeys {
			s.keys[k] = a
		}
		for _, b := range a.S3.Buckets {
			if b != nil {
				s.buckets[b.Name] = ownedBucket{b, a}
			}
		}
	}
	if s.first == nil {
		s.first = &Account{ID: "123456789012"}
	}
	return s
}

// Start listens on Options.Addr and serves in the background.
func (s *Server) Start() error {
	addr := s.opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("fakeaws: %w", err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.hs = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.hs.Serve(ln) //nolint:errcheck // Serve always returns ErrServerClosed after Close
	return nil
}

// URL is the server's base URL, e.g. http://127.0.0.1:40123, for an SDK
// client's BaseEndpoint.
func (s *Server) URL() string { return s.url }

// Close stops the server and drops its connections.
func (s *Server) Close() {
	if s.hs != nil {
		s.hs.Close() //nolint:errcheck // nothing to do about a failed close
	}
}

// Stats returns a snapshot of the server's counters.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// call is one request being answered.
type call struct {
	ctx     context.Context
	r       *http.Request
	srv     *Server
	body    []byte
	form    url.Values // query string, plus the form body of query protocols
	service string
	region  string
	key     string // access key id
	caller  caller
	ids     requestIDs
	// tooLarge says the body was cut at its limit (maxBody, or
	// maxObjectBody for a PUT).
	tooLarge bool
}

func (c *call) account() *Account { return c.caller.account }

type requestIDs struct{ id, hostID string }

const maxBody = 16 << 20

// ServeHTTP answers one AWS API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{ctx: r.Context(), r: r, srv: s}
	limit := int64(maxBody)
	if r.Method == http.MethodPut { // S3 PutObject (s3_objects.go)
		limit = maxObjectBody
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return
	}
	if int64(len(body)) > limit {
		body, c.tooLarge = body[:limit], true
	}
	c.body = body
	c.form = r.URL.Query()
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if f, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range f {
				c.form[k] = append(c.form[k], v...)
			}
		}
	}
	resp, api := s.answer(c)
	if resp == nil {
		return // the client went away
	}
	if resp == resetResponse { // chaos mode (chaos.go)
		resetConn(w)
		return
	}
	s.write(w, c, resp)
	if s.opts.Logf != nil {
		s.opts.Logf("fakeaws: %s %s:%s account=%s region=%s -> %d", r.Method, c.service, api, idOf(c.caller.account), c.region, resp.status)
	}
}

func idOf(a *Account) string {
	if a == nil {
		return "-"
	}
	return a.ID
}

// answer runs the pipeline: authenticate, route, latency, throttle,
// faults, handler. It returns the operation name for the log.
func (s *Server) answer(c *call) (*response, string) {
	scope, err := parseAuth(c.r)
	if err != nil {
		c.service = guessService(c.r, func() string { return c.form.Get("Version") })
		c.ids = s.newIDs(c.service)
		s.stats.rejected()
		name := errMissingAuth
		if errors.Is(err, errMalformedAuth) {
			name = errBadAuth
		}
		return s.errorResponse(c, errorFor(c.service, name, "")), "-"
	}
	c.service, c.region, c.key = serviceOf(scope.service, c.r), scope.region, scope.accessKey
	c.ids = s.newIDs(c.service)
	c.caller = s.resolve(c.key)
	if sess := c.caller.session; sess != nil && !sess.expires.IsZero() && time.Now().After(sess.expires) {
		s.stats.rejected()
		return s.errorResponse(c, errorFor(c.service, "ExpiredToken", "")), "-"
	}
	if !globalServices[c.service] && !c.account().regionEnabled(c.region) {
		s.stats.rejected()
		return s.errorResponse(c, s.regionDisabled(c)), "-"
	}
	svc, ok := s.services[c.service]
	var op operation
	if ok {
		op, ok = svc.route(c)
	}
	if !ok {
		s.stats.rejected()
		return s.errorResponse(c, unknownOperation(c)), "-"
	}
	key := c.service + ":" + op.name
	s.stats.call(key)
	if !s.sleep(c.ctx) {
		return nil, op.name
	}
	if !s.throttle.allow(throttleKey{c.account().ID, c.region, c.service, op.name}) {
		s.stats.throttled(key)
		return s.errorResponse(c, errorFor(c.service, ErrThrottling, "")), op.name
	}
	ci := callInfo{c.service, op.name, c.account().ID, c.region, op.resource}
	if f, hit := s.faults.match(ci, string(c.body)+"?"+c.r.URL.RawQuery); hit {
		s.stats.fault(key)
		if f.Kind != "" {
			return f.answer(op.resource), op.name
		}
		return s.errorResponse(c, f.err(c.service)), op.name
	}
	// Chaos mode (chaos.go): a random fault instead of, or on, the answer.
	chaosResp, chaos := s.chaosBefore(c, ci)
	if chaosResp != nil {
		return chaosResp, op.name
	}
	if c.ctx.Err() != nil {
		return nil, op.name // a slow answer outlived the client
	}
	resp, err := op.handle(c)
	if err != nil {
		var ae *awsError
		if !errors.As(err, &ae) {
			ae = errorFor(c.service, ErrInternalError, "")
		}
		return s.chaosAfter(c, chaos, s.errorResponse(c, ae)), op.name
	}
	return s.chaosAfter(c, chaos, resp), op.name
}

// globalServices are signed for us-east-1 whatever region the caller uses
// and are not subject to region opt-in.
var globalServices = map[string]bool{"iam": true, "organizations": true}

// regionDisabled is the error for a request to a region the account has not
// enabled: the credentials are unknown there (FIXTURE.md, "Regions").
func (s *Server) regionDisabled(c *call) *awsError {
	e := errorFor(c.service, errBadToken, "")
	switch c.service {
	case "s3", "s3control":
		if c.caller.session != nil || c.r.Header.Get("X-Amz-Security-Token") != "" {
			return errorFor(c.service, "InvalidToken", "")
		}
		e.with("AWSAccessKeyId", c.key)
	}
	return e
}

// resolve finds who holds an access key id: a session from AssumeRole, an
// account's long-term key, or (for anything else) the first account.
func (s *Server) resolve(key string) caller {
	if sess := s.sessions.get(key); sess != nil {
		return caller{account: sess.account, session: sess}
	}
	if a, ok := s.keys[key]; ok {
		return caller{account: a}
	}
	if strings.HasPrefix(key, "ASIA") && len(key) >= 16 {
		if a, ok := s.accounts[key[4:16]]; ok {
			return caller{account: a}
		}
	}
	return caller{account: s.first}
}

// sleep waits out the configured latency, or until the request is cancelled.
func (s *Server) sleep(ctx context.Context) bool {
	if s.latency <= 0 {
		return true
	}
	t := time.NewTimer(s.latency)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Server) errorResponse(c *call, e *awsError) *response {
	return renderError(c.service, e, c.ids, c.r.Method == http.MethodHead)
}

// newIDs makes request ids in the service's style: S3's 16 hex digits plus a
// host id, or a UUID.
func (s *Server) newIDs(service string) requestIDs {
	n := s.seq.Add(1)
	var rnd [12]byte
	rand.Read(rnd[:]) //nolint:errcheck // crypto/rand.Read never fails
	if service == "s3" || service == "s3control" {
		host := make([]byte, 48)
		rand.Read(host) //nolint:errcheck // crypto/rand.Read never fails
		return requestIDs{
			id:     strings.ToUpper(fmt.Sprintf("%08X%s", uint32(n), hex.EncodeToString(rnd[:4]))),
			hostID: base64.StdEncoding.EncodeToString(host),
		}
	}
	h := hex.EncodeToString(rnd[:])
	return requestIDs{id: fmt.Sprintf("%08x-%s-%s-%s-%s", uint32(n), h[0:4], h[4:8], h[8:12], h[12:24])}
}

func (s *Server) write(w http.ResponseWriter, c *call, resp *response) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	if c.service == "s3" || c.service == "s3control" {
		h.Set("x-amz-request-id", c.ids.id)
		h.Set("x-amz-id-2", c.ids.hostID)
		h.Set("Server", "AmazonS3")
	} else {
		h.Set("x-amzn-RequestId", c.ids.id)
	}
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	status := resp.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if c.r.Method != http.MethodHead {
		w.Write(resp.body) //nolint:errcheck // the client may have gone
	}
}

package fakeaws

import (
	"bytes"
	"encoding/binary"
	"hash/fnv"
	"math"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Chaos mode: random faults of the kinds a real network and a real AWS
// produce, decided per call from a seed. The fixture's `chaos:` section (or
// Options.Chaos) turns it on; FIXTURE.md documents the fields.
//
// Determinism. The decision for a call is a pure function of the seed, the
// call's key (account, region, service, operation, resource) and how many
// calls that key has had before: goroutine timing across keys does not
// change it. A collector that reads each resource from one goroutine (all of
// them) therefore gets the same faults, in the same places, on every run.

// Chaos fault kinds.
const (
	ChaosInternalError = "500"       // the protocol's InternalError, status 500
	ChaosUnavailable   = "503"       // the protocol's ServiceUnavailable, status 503
	ChaosThrottle      = "throttle"  // a throttling storm: Storm throttling errors in a row on the key
	ChaosReset         = "reset"     // the connection is reset (TCP RST) without an answer
	ChaosTruncate      = "truncate"  // a 200 whose body is cut mid-way (possibly to nothing)
	ChaosMalformed     = "malformed" // a 200 whose body is not XML/JSON at all
	ChaosSlow          = "slow"      // the answer comes after Slow, past any sane client timeout
)

// ChaosKinds lists every chaos kind, in the order the decision picks from.
var ChaosKinds = []string{ChaosInternalError, ChaosUnavailable, ChaosThrottle, ChaosReset, ChaosTruncate, ChaosMalformed, ChaosSlow}

// Chaos configures chaos mode.
type Chaos struct {
	// Seed makes the faults reproducible.
	Seed int64 `yaml:"seed"`
	// Rate is the probability (0–1) that a call gets a fault.
	Rate float64 `yaml:"rate"`
	// Kinds to draw from (default: all of ChaosKinds).
	Kinds []string `yaml:"kinds"`
	// Slow is how late a "slow" answer comes (default 3s).
	Slow time.Duration `yaml:"slow"`
	// Storm is how many throttling errors in a row a "throttle" fault sends
	// on its key (default 3).
	Storm int `yaml:"storm"`
	// Services limits chaos to these services (signing names as in faults;
	// default: every service).
	Services []string `yaml:"services"`
}

// ChaosCall is one call that reached an operation while chaos was on, with
// the fault it got ("" when none). N counts the calls of its key, from 1.
type ChaosCall struct {
	Service, API, Account, Region, Resource string
	N                                       int
	Kind                                    string
}

// Key is the call's key: "account region service:API resource".
func (c ChaosCall) Key() string {
	return c.Account + " " + c.Region + " " + c.Service + ":" + c.API + " " + c.Resource
}

// chaosState is a server's chaos mode: the configuration, each key's call
// count and storm, and the call log.
type chaosState struct {
	cfg   Chaos
	kinds []string

	mu    sync.Mutex
	n     map[string]int
	storm map[string]int
	log   []ChaosCall
}

func newChaos(c *Chaos) *chaosState {
	if c == nil || c.Rate <= 0 {
		return nil
	}
	cs := &chaosState{cfg: *c, kinds: c.Kinds, n: map[string]int{}, storm: map[string]int{}}
	if len(cs.kinds) == 0 {
		cs.kinds = ChaosKinds
	}
	if cs.cfg.Slow <= 0 {
		cs.cfg.Slow = 3 * time.Second
	}
	if cs.cfg.Storm <= 0 {
		cs.cfg.Storm = 3
	}
	return cs
}

// decide picks the fault for one call and logs the call. It returns the
// logged call (Kind "" for none) and its index in the log (-1 when the
// call is outside chaos).
func (cs *chaosState) decide(ci callInfo) (ChaosCall, int) {
	if cs == nil || (len(cs.cfg.Services) > 0 && !slices.Contains(cs.cfg.Services, ci.service)) {
		return ChaosCall{}, -1
	}
	call := ChaosCall{Service: ci.service, API: ci.api, Account: ci.account, Region: ci.region, Resource: ci.resource}
	key := call.Key()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.n[key]++
	call.N = cs.n[key]
	switch {
	case cs.storm[key] > 0:
		cs.storm[key]--
		call.Kind = ChaosThrottle
	case cs.draw(key, call.N, 0) < cs.cfg.Rate:
		call.Kind = cs.kinds[int(cs.draw(key, call.N, 1)*float64(len(cs.kinds)))%len(cs.kinds)]
		if call.Kind == ChaosThrottle {
			cs.storm[key] = cs.cfg.Storm - 1
		}
	}
	cs.log = append(cs.log, call)
	return call, len(cs.log) - 1
}

// undo records that the fault decided for log entry i could not be applied
// (a truncation of an error or empty answer): the call was answered
// normally.
func (cs *chaosState) undo(i int) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.log[i].Kind = ""
}

// draw is a uniform number in [0, 1) from the seed, the key, the call
// number and a stream (0: whether, 1: which kind, 2: where to cut).
func (cs *chaosState) draw(key string, n, stream int) float64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(cs.cfg.Seed))
	h.Write(b[:])
	h.Write([]byte(key))
	binary.LittleEndian.PutUint64(b[:], uint64(n)<<8|uint64(stream))
	h.Write(b[:])
	return float64(splitmix(h.Sum64())>>11) / (1 << 53)
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// calls returns a copy of the call log.
func (cs *chaosState) calls() []ChaosCall {
	if cs == nil {
		return nil
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return slices.Clone(cs.log)
}

// ChaosCalls returns every call that reached an operation while chaos was
// on, in arrival order, with the fault each got. Empty without chaos.
func (s *Server) ChaosCalls() []ChaosCall { return s.chaos.calls() }

// resetResponse is answer's signal to ServeHTTP that the connection must be
// reset instead of answered.
var resetResponse = &response{}

// chaosBefore decides the call's fault and applies one that comes before
// the handler: an error response, a reset, or a late answer. It returns the
// response to send instead of the handler's (nil to run the handler), and
// the decision, which chaosAfter needs.
func (s *Server) chaosBefore(c *call, ci callInfo) (*response, chaosDecision) {
	call, i := s.chaos.decide(ci)
	d := chaosDecision{call, i}
	key := c.service + ":" + ci.api
	switch call.Kind {
	case ChaosInternalError:
		s.stats.chaos(call.Kind, key)
		return s.errorResponse(c, errorFor(c.service, ErrInternalError, "")), d
	case ChaosUnavailable:
		s.stats.chaos(call.Kind, key)
		e := errorFor(c.service, ErrServiceUnavailable, "")
		e.Status = http.StatusServiceUnavailable
		return s.errorResponse(c, e), d
	case ChaosThrottle:
		s.stats.chaos(call.Kind, key)
		return s.errorResponse(c, errorFor(c.service, ErrThrottling, "")), d
	case ChaosReset:
		s.stats.chaos(call.Kind, key)
		return resetResponse, d
	case ChaosSlow:
		s.stats.chaos(call.Kind, key)
		t := time.NewTimer(s.chaos.cfg.Slow)
		defer t.Stop()
		select {
		case <-t.C:
		case <-c.ctx.Done(): // the client gave up, as it should
		}
	}
	return nil, d
}

// chaosDecision is a call's chaos decision and its place in the log.
type chaosDecision struct {
	call ChaosCall
	i    int
}

// chaosAfter applies a fault to the handler's answer: a cut or garbled body
// with status 200. Error answers and empty bodies are left alone, and the
// call is then logged as answered normally.
func (s *Server) chaosAfter(c *call, d chaosDecision, resp *response) *response {
	kind := d.call.Kind
	if kind != ChaosTruncate && kind != ChaosMalformed {
		return resp
	}
	body := bytes.TrimRight(resp.body, " \r\n\t")
	if (resp.status != 0 && resp.status != http.StatusOK) || len(body) == 0 || c.r.Method == http.MethodHead {
		s.chaos.undo(d.i)
		return resp
	}
	s.stats.chaos(kind, c.service+":"+d.call.API)
	out := &response{status: http.StatusOK, header: resp.header.Clone()}
	if kind == ChaosTruncate {
		cut := int(s.chaos.draw(d.call.Key(), d.call.N, 2) * float64(len(body)))
		out.body = slices.Clone(body[:cut])
		return out
	}
	out.body = []byte(malformedBody(protocolOf(c.service)))
	return out
}

// malformedBody is what a broken proxy or load balancer might send with a
// 200: for XML services something that is not XML, for JSON services
// something that is not JSON.
func malformedBody(p protocol) string {
	switch p {
	case protoRESTXML, protoRESTXMLWrapped, protoQuery, protoEC2:
		return "<html><body><h1>502 Bad Gateway</h1><hr>"
	}
	return `{"message": "upstream connect error or disconnect/reset before headers` + "\x00"
}

// resetConn resets the client's connection: it takes the connection from
// the HTTP server and closes it with SO_LINGER 0, so the peer gets a TCP RST
// and no answer.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) //nolint:errcheck // best effort: a FIN is a close too
	}
	conn.Close() //nolint:errcheck // nothing to do about it
}

// validateChaos checks the chaos section of a fixture.
func (v *validator) chaos(c *Chaos) {
	if c == nil {
		return
	}
	p := at(nil, "chaos")
	if c.Rate < 0 || c.Rate > 1 || math.IsNaN(c.Rate) {
		v.errf(at(p, "rate"), "rate %v is not a probability between 0 and 1", c.Rate)
	}
	for i, k := range c.Kinds {
		if !slices.Contains(ChaosKinds, k) {
			v.errf(at(p, "kinds", i), "kind %q is not one of %s", k, strings.Join(ChaosKinds, ", "))
		}
	}
	if c.Slow < 0 {
		v.errf(at(p, "slow"), "slow %s is negative", c.Slow)
	}
	if c.Storm < 0 {
		v.errf(at(p, "storm"), "storm %d is negative", c.Storm)
	}
	for i, s := range c.Services {
		if !slices.Contains(knownServices, s) {
			v.errf(at(p, "services", i), "service %q is not one of %s", s, strings.Join(knownServices, ", "))
		}
	}
}

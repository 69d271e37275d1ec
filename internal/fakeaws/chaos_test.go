package fakeaws

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const chaosFixture = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1]
    s3:
      buckets:
        - {name: bucket-a, region: us-east-1}
        - {name: bucket-b, region: us-east-1}
    lambda:
      functions:
        - {name: fn-a, region: us-east-1, runtime: python3.12, handler: app.handler, role: "arn:aws:iam::123456789012:role/r"}
%s`

// chaosRequest is one raw signed request: S3 ListBuckets or Lambda
// ListFunctions, so both an XML and a JSON protocol are covered.
type chaosRequest struct {
	name, service, path string
	parse               func([]byte) error
}

var chaosRequests = []chaosRequest{
	{"S3 ListBuckets (REST-XML)", "s3", "/?x-id=ListBuckets", func(b []byte) error {
		var v struct {
			XMLName xml.Name `xml:"ListAllMyBucketsResult"`
		}
		return xml.Unmarshal(b, &v)
	}},
	{"Lambda ListFunctions (REST-JSON)", "lambda", "/2015-03-31/functions/", func(b []byte) error {
		var v map[string]any
		return json.Unmarshal(b, &v)
	}},
}

// send makes one raw request with a client timeout and returns the status
// and body, or the transport error.
func (rq chaosRequest) send(srv *Server, timeout time.Duration) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, srv.URL()+rq.path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header = signedHeader(demoKey, "us-east-1", rq.service)
	c := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func chaosServer(t *testing.T, c *Chaos) *Server {
	t.Helper()
	return startYAML(t, fmt.Sprintf(chaosFixture, ""), Options{Chaos: c, Logf: func(string, ...any) {}})
}

func TestEachChaosKindBreaksTheAnswerTheWayItSays(t *testing.T) {
	for _, rq := range chaosRequests {
		clean := chaosServer(t, nil)
		status, want, err := rq.send(clean, 5*time.Second)
		if err != nil || status != 200 || rq.parse(want) != nil {
			t.Fatalf("%s without chaos: status %d, err %v, body %q", rq.name, status, err, want)
		}
		cases := []struct {
			kind  string
			check func(t *testing.T, status int, body []byte, err error)
		}{
			{ChaosInternalError, func(t *testing.T, status int, body []byte, err error) {
				if err != nil || status != 500 {
					t.Errorf("status %d, err %v; want a 500", status, err)
				}
			}},
			{ChaosUnavailable, func(t *testing.T, status int, body []byte, err error) {
				if err != nil || status != 503 {
					t.Errorf("status %d, err %v; want a 503", status, err)
				}
			}},
			{ChaosThrottle, func(t *testing.T, status int, body []byte, err error) {
				code := map[string]string{"s3": "SlowDown", "lambda": "TooManyRequestsException"}[rq.service]
				if err != nil || status < 400 || !strings.Contains(string(body), code) && code != "TooManyRequestsException" {
					t.Errorf("status %d, err %v, body %q; want the protocol's throttling error", status, err, body)
				}
			}},
			{ChaosReset, func(t *testing.T, status int, body []byte, err error) {
				if err == nil {
					t.Errorf("got status %d and %q; want the connection reset", status, body)
				}
			}},
			{ChaosTruncate, func(t *testing.T, status int, body []byte, err error) {
				if err != nil || status != 200 {
					t.Fatalf("status %d, err %v; want a 200", status, err)
				}
				if !bytes.HasPrefix(want, body) || len(body) >= len(bytes.TrimSpace(want)) {
					t.Errorf("body %q is not a strict prefix of %q", body, want)
				}
				if rq.parse(body) == nil {
					t.Errorf("the cut body %q still parses", body)
				}
			}},
			{ChaosMalformed, func(t *testing.T, status int, body []byte, err error) {
				if err != nil || status != 200 {
					t.Fatalf("status %d, err %v; want a 200", status, err)
				}
				if rq.parse(body) == nil {
					t.Errorf("the malformed body %q parses", body)
				}
			}},
			{ChaosSlow, func(t *testing.T, status int, body []byte, err error) {
				var ne net.Error
				if !errors.As(err, &ne) || !ne.Timeout() {
					t.Errorf("status %d, err %v; want the client to time out", status, err)
				}
			}},
		}
		for _, tc := range cases {
			t.Run(rq.name+" "+tc.kind, func(t *testing.T) {
				srv := chaosServer(t, &Chaos{Seed: 1, Rate: 1, Kinds: []string{tc.kind}, Slow: 10 * time.Second})
				start := time.Now()
				status, body, err := rq.send(srv, 200*time.Millisecond)
				tc.check(t, status, body, err)
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("the call took %s", d)
				}
				st := srv.Stats()
				if st.Chaos[tc.kind] != 1 || st.TotalChaos() != 1 {
					t.Errorf("stats count %v, want one %s", st.Chaos, tc.kind)
				}
				calls := srv.ChaosCalls()
				if len(calls) != 1 || calls[0].Kind != tc.kind || calls[0].N != 1 {
					t.Errorf("call log %+v, want one call with %s", calls, tc.kind)
				}
			})
		}
	}
}

func TestChaosLeavesErrorAnswersAlone(t *testing.T) {
	// GetBucketPolicy on a bucket without a policy is NoSuchBucketPolicy: a
	// truncation has nothing to cut, and the call is logged as answered.
	srv := chaosServer(t, &Chaos{Seed: 1, Rate: 1, Kinds: []string{ChaosTruncate}})
	rq := chaosRequest{service: "s3", path: "/bucket-a?policy"}
	status, body, err := rq.send(srv, 5*time.Second)
	if err != nil || status != 404 || !strings.Contains(string(body), "NoSuchBucketPolicy") {
		t.Fatalf("status %d, err %v, body %q; want NoSuchBucketPolicy", status, err, body)
	}
	if n := srv.Stats().TotalChaos(); n != 0 {
		t.Errorf("%d faults counted, want 0", n)
	}
	if calls := srv.ChaosCalls(); len(calls) != 1 || calls[0].Kind != "" {
		t.Errorf("call log %+v, want one call with no fault", calls)
	}
}

// drive makes calls on many keys straight through the decision, as the
// server would, and returns the log.
func drive(c Chaos, keys, perKey int) []ChaosCall {
	cs := newChaos(&c)
	for k := range keys {
		for range perKey {
			cs.decide(callInfo{"s3", "GetBucketPolicy", "123456789012", "us-east-1", fmt.Sprintf("bucket-%03d", k)})
		}
	}
	return cs.calls()
}

func TestChaosIsDeterministicGivenTheSeedAndTheOrderOfEachKeysCalls(t *testing.T) {
	c := Chaos{Seed: 42, Rate: 0.3}
	a := drive(c, 50, 6)
	// The same calls, keys interleaved differently: each key's own order is
	// what matters.
	cs := newChaos(&c)
	for i := range 6 {
		for k := 49; k >= 0; k-- {
			_ = i
			cs.decide(callInfo{"s3", "GetBucketPolicy", "123456789012", "us-east-1", fmt.Sprintf("bucket-%03d", k)})
		}
	}
	byKey := func(log []ChaosCall) map[string][]string {
		m := map[string][]string{}
		for _, c := range log {
			m[c.Key()] = append(m[c.Key()], c.Kind)
		}
		return m
	}
	if diff := cmp.Diff(byKey(a), byKey(cs.calls())); diff != "" {
		t.Errorf("interleaving changed the faults (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(byKey(a), byKey(drive(Chaos{Seed: 43, Rate: 0.3}, 50, 6))); diff == "" {
		t.Error("another seed gave the same faults")
	}
}

func TestChaosRateAndKindsAreRespected(t *testing.T) {
	log := drive(Chaos{Seed: 7, Rate: 0.1, Kinds: []string{ChaosInternalError, ChaosReset}}, 400, 5)
	n := 0
	for _, c := range log {
		switch c.Kind {
		case "":
		case ChaosInternalError, ChaosReset:
			n++
		default:
			t.Fatalf("kind %q was not asked for", c.Kind)
		}
	}
	if f := float64(n) / float64(len(log)); f < 0.07 || f > 0.13 {
		t.Errorf("%d of %d calls faulted (%.3f), want about 0.1", n, len(log), f)
	}
}

func TestAThrottleStartsAStormOfStormThrottlesOnItsKey(t *testing.T) {
	const storm = 4
	log := drive(Chaos{Seed: 3, Rate: 0.15, Kinds: []string{ChaosThrottle}, Storm: storm}, 200, 12)
	runs := map[string][]int{}
	last := map[string]int{}
	for _, c := range log {
		k := c.Key()
		if c.Kind == ChaosThrottle {
			if last[k] == c.N-1 && len(runs[k]) > 0 && c.N > 1 {
				runs[k][len(runs[k])-1]++
			} else {
				runs[k] = append(runs[k], 1)
			}
			last[k] = c.N
		}
	}
	storms := 0
	for k, rs := range runs {
		for i, r := range rs {
			storms++
			end := last[k] == 12 && i == len(rs)-1 // cut short by the end of the calls
			if r%storm != 0 && !end {
				t.Errorf("%s: a run of %d throttles, want a multiple of %d", k, r, storm)
			}
		}
	}
	if storms == 0 {
		t.Fatal("no storm at all")
	}
}

func TestChaosSectionOfAFixture(t *testing.T) {
	w, err := ParseFixture([]byte(fmt.Sprintf(chaosFixture, `chaos: {seed: 9, rate: 0.25, kinds: [500, "503", reset, slow], slow: 2s, storm: 2, services: [s3]}`)), "f.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := &Chaos{Seed: 9, Rate: 0.25, Kinds: []string{"500", "503", "reset", "slow"}, Slow: 2 * time.Second, Storm: 2, Services: []string{"s3"}}
	if diff := cmp.Diff(want, w.Chaos); diff != "" {
		t.Errorf("chaos (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ name, chaos, msg string }{
		{"an unknown kind", `chaos: {rate: 0.1, kinds: [explode]}`, `f.yaml:13: chaos.kinds[0]: kind "explode" is not one of`},
		{"a rate above 1", `chaos: {rate: 1.5}`, `f.yaml:13: chaos.rate: rate 1.5 is not a probability`},
		{"an unknown service", `chaos: {rate: 0.1, services: [ec3]}`, `chaos.services[0]: service "ec3"`},
	} {
		t.Run(tc.name+" is an error naming the line", func(t *testing.T) {
			_, err := ParseFixture([]byte(fmt.Sprintf(chaosFixture, tc.chaos)), "f.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want %q", err, tc.msg)
			}
		})
	}
}

func TestChaosLimitedToServicesSparesTheOthers(t *testing.T) {
	srv := chaosServer(t, &Chaos{Seed: 1, Rate: 1, Kinds: []string{ChaosInternalError}, Services: []string{"lambda"}})
	if status, _, err := chaosRequests[0].send(srv, 5*time.Second); err != nil || status != 200 {
		t.Errorf("S3: status %d, err %v; want 200", status, err)
	}
	if status, _, err := chaosRequests[1].send(srv, 5*time.Second); err != nil || status != 500 {
		t.Errorf("Lambda: status %d, err %v; want 500", status, err)
	}
}

package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// lambdaAtAWSRates is an account with n functions whose Lambda endpoint
// throttles GetPolicy at AWS's documented 15 requests per second (Lambda
// quotas, "GetPolicy API requests: 15 per second"), with a burst of 10
// (AWS publishes none; the scanner's own is 5, collectors/limits.go).
func lambdaAtAWSRates(n int) string {
	var b strings.Builder
	b.WriteString(`accounts:
  - id: "123456789012"
    access_keys: [AKIARATE000000000001]
    regions: [us-east-1]
    lambda:
      functions:
`)
	for i := range n {
		fmt.Fprintf(&b, "        - {name: fn-%02d, region: us-east-1, runtime: python3.12, handler: app.handler, role: \"arn:aws:iam::123456789012:role/r\"}\n", i)
	}
	b.WriteString(`throttle:
  apis:
    "lambda:GetPolicy": {rate: 15, burst: 10}
`)
	return b.String()
}

func TestRateLimitsKeepAWSRatesByDefaultAndCanBeScaledOrTurnedOff(t *testing.T) {
	if testing.Short() {
		t.Skip("scans at AWS's rates take seconds")
	}
	const n = 30
	for _, tc := range []struct {
		flag      []string
		throttled bool // whether the endpoint, throttling at AWS's rate, refuses some calls
	}{
		{nil, false}, // the default: AWS's rates, also with --endpoint-url
		{[]string{"--rate-limits", "aws*0.5"}, false},
		{[]string{"--rate-limits", "off"}, true}, // faster than AWS allows: only for an emulator
	} {
		t.Run(strings.Join(append([]string{"flags"}, tc.flag...), " "), func(t *testing.T) {
			srv, _ := serveFixture(t, lambdaAtAWSRates(n), fakeaws.Options{})
			useCredentials(t, "AKIARATE000000000001", "secret", "")
			args := append([]string{"scan", "-q", "--endpoint-url", srv.URL(), "--regions", "us-east-1", "--services", "lambda",
				"--max-concurrency", "32", "--output-dir", t.TempDir(), "--format", "json"}, tc.flag...)
			code, _, stderr := runCLI(t, "", args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			st := srv.Stats()
			if got := st.Throttled["lambda:GetPolicy"] > 0; got != tc.throttled {
				t.Errorf("GetPolicy throttled %d times by an endpoint at AWS's rate; want throttled: %v", st.Throttled["lambda:GetPolicy"], tc.throttled)
			}
		})
	}
}

func TestRateLimitsFlagValues(t *testing.T) {
	for _, tc := range []struct {
		in    string
		scale float64
		ok    bool
	}{
		{"aws", 1, true}, {"AWS", 1, true}, {"off", 0, true}, {"aws*0.5", 0.5, true}, {"aws*2", 2, true},
		{"aws*0", 0, false}, {"aws*-1", 0, false}, {"aws*x", 0, false}, {"fast", 0, false}, {"", 0, false}, {"aws*Inf", 0, false},
	} {
		var r rateLimits
		err := r.Set(tc.in)
		if (err == nil) != tc.ok || (tc.ok && r.scale != tc.scale) {
			t.Errorf("Set(%q) = scale %v, err %v; want scale %v, ok %v", tc.in, r.scale, err, tc.scale, tc.ok)
		}
	}
	var unset rateLimits
	if unset.String() != "aws" || unset.limits() == nil {
		t.Errorf("the unset flag reads %q", unset.String())
	}
}

func TestABadRateLimitsValueIsAUsageError(t *testing.T) {
	code, _, stderr := runCLI(t, "", "scan", "--rate-limits", "fast", "--demo", "--output-dir", t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, "rate-limits") {
		t.Errorf("exit %d, stderr %q; want a usage error naming --rate-limits", code, stderr)
	}
}

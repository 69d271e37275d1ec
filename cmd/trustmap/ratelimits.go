package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/trustmap/trustmap/collectors"
)

// rateLimits is the --rate-limits flag: the client-side token buckets the
// scan holds itself to. "aws" (the default, everywhere — with
// --endpoint-url too) is AWS's own throttle rates per account, region and
// API (collectors.DefaultLimits); "aws*F" scales every rate by F, for an
// account whose other tools share the quota (aws*0.5 leaves them half);
// "off" sends as fast as --max-concurrency allows, which only makes sense
// against an endpoint that is not AWS (an emulator on this machine).
type rateLimits struct {
	scale float64 // 0: off
	text  string
}

func (r *rateLimits) String() string {
	if r.text == "" {
		return "aws"
	}
	return r.text
}

func (r *rateLimits) Type() string { return "aws|off|aws*F" }

func (r *rateLimits) Set(s string) error {
	v := strings.ToLower(strings.TrimSpace(s))
	switch {
	case v == "aws":
		r.scale = 1
	case v == "off":
		r.scale = 0
	case strings.HasPrefix(v, "aws*"):
		f, err := strconv.ParseFloat(strings.TrimPrefix(v, "aws*"), 64)
		if err != nil || f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("%q: the factor after aws* must be a number above 0 (e.g. aws*0.5)", s)
		}
		r.scale = f
	default:
		return fmt.Errorf("%q is not aws, off or aws*F (e.g. aws*0.5)", s)
	}
	r.text = v
	return nil
}

// limits returns the token buckets the flag asks for.
func (r *rateLimits) limits() *collectors.Limits {
	if r.text == "" {
		return collectors.NewLimits(nil, 1)
	}
	return collectors.NewLimits(nil, r.scale)
}

const rateLimitsHelp = "client-side rate limits: aws (AWS's own throttle rates per account, region and API; the default, " +
	"also with --endpoint-url), aws*F (every rate times F, e.g. aws*0.5 when other tools share the account's quota), " +
	"or off (no client-side limit: for a local emulator, never for AWS)"

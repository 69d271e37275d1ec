// Package collectors reads live AWS accounts into a graph.Builder.
//
// The contract is small: a Collector names itself, says whether it runs once
// per account (Global) or once per account and region (Regional), and adds
// what it reads to the builder. The Runner fans collectors out over accounts
// and regions, rate-limits every API action, retries with the SDK's retryer,
// and records every call that failed as a coverage gap.
package collectors

import (
	"context"
	"log/slog"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trustmap/trustmap/graph"
)

// Scope says how often a collector runs.
type Scope int

const (
	// Global collectors run once per account (IAM, S3's bucket list, Organizations).
	Global Scope = iota
	// Regional collectors run once per account and enabled region.
	Regional
)

func (s Scope) String() string {
	if s == Global {
		return "global"
	}
	return "regional"
}

// Collector reads one AWS service.
type Collector interface {
	// Name is the service's short name, as used in --services and coverage gaps.
	Name() string
	// Scope says whether Collect runs per account or per account and region.
	Scope() Scope
	// Collect reads the service for t and adds nodes, edges and gaps to b.
	// It returns only errors that are not coverage gaps (which it records in b).
	Collect(ctx context.Context, t Target, b *graph.Builder) error
}

// Target is one unit of collection: an account, and for regional collectors
// a region. Config carries credentials, the endpoint override, the retryer
// and the rate-limiting middleware; collectors build their clients from it
// and never load credentials themselves.
type Target struct {
	Account string
	// Region is the region for regional collectors; for global collectors it
	// is the account's home region for global endpoints.
	Region string
	// Regions are the regions in scope for the account (global collectors
	// such as S3 use them to filter and to pick per-resource endpoints).
	Regions []string
	Config  aws.Config
	// PathStyle is set when an endpoint override is in use (S3-compatible
	// endpoints and emulators need path-style addressing).
	PathStyle bool
	Logger    *slog.Logger
	// OrgID is the organization of the account when known ("" otherwise).
	OrgID string
	// answers is the scan's answer breaker (breaker.go); nil outside the
	// runner.
	answers *breaker
}

// InScope reports whether region r is one of the target's regions.
func (t Target) InScope(r string) bool {
	for _, x := range t.Regions {
		if x == r {
			return true
		}
	}
	return false
}

// ClientSpec describes one narrow SDK client interface a collector uses and
// the IAM actions each of its methods needs. Tests use it to prove that
// collectors only read, and that the shipped IAM policy allows every call.
type ClientSpec struct {
	// Interface is the reflect.Type of the collector's client interface,
	// e.g. reflect.TypeFor[s3API]().
	Interface reflect.Type
	// Actions maps each method name to the IAM actions it needs.
	Actions map[string][]string
}

// Describer is implemented by every collector: it lists its client interfaces.
type Describer interface {
	Clients() []ClientSpec
}

// RunnerActions are the IAM actions the runner itself needs, beside the
// collectors': who the credentials are, and which regions are enabled.
var RunnerActions = []string{"sts:GetCallerIdentity", "ec2:DescribeRegions"}

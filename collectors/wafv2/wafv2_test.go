package wafv2_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/wafv2"
	"github.com/trustmap/trustmap/graph"
)

const account = `
accounts:
  - id: "123456789012"
    access_keys: [AKIATEST000000000001]
    regions: [us-east-1, eu-west-1]
%s
%s
`

func fixture(sections, extra string) string {
	return fmt.Sprintf(account, collectortest.Indent(sections, "    "), extra)
}

const (
	alb  = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef"
	acls = `wafv2:
  web_acls:
    - name: edge
      scope: CLOUDFRONT
      default_action: Allow
      rules:
        - {name: common, priority: 0, override_action: None, statement: {ManagedRuleGroupStatement: {VendorName: AWS, Name: AWSManagedRulesCommonRuleSet}}}
        - {name: rate, priority: 1, action: Block, statement: {RateBasedStatement: {Limit: 2000, AggregateKeyType: IP}}}
    - name: web
      id: 11111111-2222-3333-4444-555555555555
      region: us-east-1
      default_action: Block
      rules: [{name: office, priority: 0, action: Allow, statement: {IPSetReferenceStatement: {ARN: "arn:aws:wafv2:us-east-1:123456789012:regional/ipset/office/aaaa"}}}]
      resources: [` + alb + `]
    - {name: eu, region: eu-west-1}`
)

// AWS WAF Developer Guide, "Using AWS WAF with Amazon CloudFront" (a
// CLOUDFRONT web ACL lives in us-east-1) and "Associating or disassociating
// a web ACL with an AWS resource" (ListResourcesForWebACL for a load
// balancer).
func TestWebACLsAndTheirAssociations(t *testing.T) {
	scan := collectortest.Run(t, fixture(acls, ""), collectortest.Options{}, wafv2.New())
	if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 {
		t.Fatalf("scan: %v, gaps %+v", scan.Err, scan.Snapshot.Coverage)
	}
	var got []string
	for _, n := range scan.Snapshot.Nodes {
		if n.WebACL() != nil {
			got = append(got, fmt.Sprintf("%s %s %s [%s] %s default=%s rules=%s", n.Name, n.WebACL().Scope, n.Region, n.WebACL().RulesKnown, n.WebACL().AssociationsKnown,
				n.WebACL().DefaultAction, strings.Join(n.WebACL().Rules, "; ")))
		}
	}
	slices.Sort(got)
	want := []string{
		"edge CLOUDFRONT  [true] true default=Allow rules=common [AWS/AWSManagedRulesCommonRuleSet]; rate [rate limit 2000] (Block)",
		"eu REGIONAL eu-west-1 [true] true default=Allow rules=",
		"web REGIONAL us-east-1 [true] true default=Block rules=office (Allow)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("web ACLs (-want +got):\n%s", diff)
	}
	var edges []string
	for _, e := range scan.Snapshot.Edges {
		edges = append(edges, fmt.Sprintf("%s -%s-> %s", e.From, e.Kind, e.To))
	}
	wantEdges := []string{"arn:aws:wafv2:us-east-1:123456789012:regional/webacl/web/11111111-2222-3333-4444-555555555555 -filters-> " + alb}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	calls := scan.Server.Stats().Calls
	// The CLOUDFRONT scope once (in us-east-1), REGIONAL per region;
	// associations only for regional web ACLs.
	if calls["wafv2:ListWebACLs"] != 3 || calls["wafv2:GetWebACL"] != 3 || calls["wafv2:ListResourcesForWebACL"] != 2 {
		t.Errorf("calls %v", calls)
	}
}

func TestTheCloudFrontScopeIsReadOnceEvenWithoutUSEast1(t *testing.T) {
	scan := collectortest.Run(t, fixture(acls, ""), collectortest.Options{Regions: []string{"eu-west-1"}}, wafv2.New())
	var names []string
	for _, n := range scan.Snapshot.Nodes {
		if n.WebACL() != nil {
			names = append(names, n.Name)
		}
	}
	slices.Sort(names)
	if diff := cmp.Diff([]string{"edge", "eu"}, names); diff != "" {
		t.Errorf("web ACLs (-want +got):\n%s", diff)
	}
}

func TestListWebACLsOverSeveralPagesSeesEveryWebACLOnce(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("wafv2:\n  web_acls:\n")
	for i := range 130 {
		fmt.Fprintf(&sb, "    - {name: acl-%03d, region: eu-west-1}\n", i)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: []string{"eu-west-1"}}, wafv2.New())
	n := 0
	for _, node := range scan.Snapshot.Nodes {
		if node.Kind == graph.KindWebACL && node.WebACL().Scope == "REGIONAL" {
			n++
		}
	}
	if n != 130 {
		t.Errorf("regional web ACLs = %d, want 130", n)
	}
	// REGIONAL: two pages of 100; CLOUDFRONT (read from eu-west-1's task): one.
	if got := scan.Server.Stats().Calls["wafv2:ListWebACLs"]; got != 3 {
		t.Errorf("ListWebACLs calls = %d, want 3", got)
	}
}

func TestDeniedReadsAreGapsAndLeaveTheRulesUnknown(t *testing.T) {
	scan := collectortest.Run(t, fixture(acls, `faults:
  - {service: wafv2, api: GetWebACL, resource: web, error: AccessDenied}
  - {service: wafv2, api: ListResourcesForWebACL, error: AccessDenied}`), collectortest.Options{Regions: []string{"us-east-1"}}, wafv2.New())
	n := scan.Node(t, "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/web/11111111-2222-3333-4444-555555555555")
	if n.WebACL().RulesKnown != graph.Unknown || n.WebACL().AssociationsKnown != graph.Unknown || n.WebACL().DefaultAction != "" {
		t.Errorf("web ACL %+v: want rules and associations unknown (a denied read is not an empty web ACL)", n.WebACL())
	}
	for _, api := range []string{"GetWebACL", "ListResourcesForWebACL"} {
		if gaps := scan.Gaps(api); len(gaps) != 1 || gaps[0].Status != graph.GapDenied {
			t.Errorf("%s gaps = %+v, want one denied gap", api, gaps)
		}
	}
}

func TestThrottledCallsAreRetried(t *testing.T) {
	collectortest.Throttling{
		Fixture: func(faults string) string { return fixture(acls, faults) },
		Options: collectortest.Options{Regions: []string{"us-east-1"}},
		New:     func() collectors.Collector { return wafv2.New() },
		Service: "wafv2", API: "ListResourcesForWebACL",
		Read: func(t testing.TB, s collectortest.Scan) {
			if len(s.Snapshot.Edges) != 1 {
				t.Errorf("edges %+v: want the association read after the retries", s.Snapshot.Edges)
			}
		},
	}.Test(t)
}

package opensearch_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/collectors/opensearch"
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

const domain = "arn:aws:es:us-east-1:123456789012:domain/"

func policy(name, principal, action, cond string) string {
	c := ""
	if cond != "" {
		c = `,"Condition":` + cond
	}
	return fmt.Sprintf(`'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":%s,"Action":%s,"Resource":"%s%s/*"%s}]}'`, principal, action, domain, name, c)
}

func TestOpenSearchExposure(t *testing.T) {
	cases := []struct {
		name, domains string
		want          []string
		authorizer    string
	}{
		{
			name:    "Identity and Access Management in Amazon OpenSearch Service: an access policy granting es:* to AWS * on a public endpoint is open to anyone",
			domains: `- {name: logs, region: us-east-1, access_policies: ` + policy("logs", `{"AWS":"*"}`, `"es:*"`, "") + `}`,
			want:    []string{"public " + domain + "logs domain-access-policy *"},
		},
		{
			name:    "Identity and Access Management in Amazon OpenSearch Service, IP-based policies: Principal * limited by aws:SourceIp is network-restricted",
			domains: `- {name: search, region: us-east-1, access_policies: ` + policy("search", `{"AWS":"*"}`, `["es:ESHttpGet"]`, `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}`) + `}`,
			want:    []string{"cross-account " + domain + "search domain-access-policy *"},
		},
		{
			name:    "Launching your Amazon OpenSearch Service domains within a VPC: an open policy reaches only callers inside the VPC",
			domains: `- {name: vpc, region: us-east-1, vpc: {vpc_id: vpc-1, subnet_ids: [subnet-1], security_group_ids: [sg-1]}, access_policies: ` + policy("vpc", `{"AWS":"*"}`, `"es:ESHttp*"`, "") + `}`,
			want:    []string{"cross-account " + domain + "vpc domain-access-policy *"},
		},
		{
			name:       "Fine-grained access control in Amazon OpenSearch Service: an open policy with fine-grained access control is behind its authentication",
			domains:    `- {name: fgac, region: us-east-1, advanced_security: {enabled: true, internal_user_database: true}, enforce_https: true, node_to_node_encryption: true, encryption_at_rest: true, access_policies: ` + policy("fgac", `{"AWS":"*"}`, `"es:ESHttp*"`, "") + `}`,
			want:       []string{"public " + domain + "fgac domain-access-policy *"},
			authorizer: "fine-grained access control (internal user database)",
		},
		{
			name:    "Identity and Access Management in Amazon OpenSearch Service: a domain without an access policy admits no one outside the account",
			domains: `- {name: closed, region: us-east-1}`,
		},
		{
			name:    "Identity and Access Management in Amazon OpenSearch Service: a role of another account is cross-account",
			domains: `- {name: shared, region: us-east-1, access_policies: ` + policy("shared", `{"AWS":"arn:aws:iam::111122223333:role/reader"}`, `"es:ESHttpGet"`, "") + `}`,
			want:    []string{"cross-account " + domain + "shared domain-access-policy arn:aws:iam::111122223333:role/reader"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			scan := collectortest.Run(t, fixture("opensearch:\n  domains:\n"+collectortest.Indent(tc.domains, "    "), ""), collectortest.Options{Regions: []string{"us-east-1"}}, opensearch.New())
			if scan.Err != nil || len(scan.Snapshot.Coverage) != 0 {
				t.Fatalf("scan: %v, gaps %+v", scan.Err, scan.Snapshot.Coverage)
			}
			r := scan.Resolve(t)
			if diff := cmp.Diff(tc.want, r.Lines()); diff != "" {
				t.Errorf("entry points (-want +got):\n%s", diff)
			}
			if tc.authorizer != "" && (len(r.EntryPoints) != 1 || r.EntryPoints[0].Authorizer != tc.authorizer) {
				t.Errorf("entry points %+v: want authorizer %q", r.EntryPoints, tc.authorizer)
			}
		})
	}
}

func TestDomainsAreDescribedFiveAtATime(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("opensearch:\n  domains:\n")
	for i := range 12 {
		fmt.Fprintf(&sb, "    - {name: d%02d, region: eu-west-1}\n", i)
	}
	scan := collectortest.Run(t, fixture(sb.String(), ""), collectortest.Options{Regions: []string{"eu-west-1"}}, opensearch.New())
	n := 0
	for _, node := range scan.Snapshot.Nodes {
		if node.Kind == graph.KindSearchDomain && node.Search().AccessPolicy.State == graph.False {
			n++
		}
	}
	calls := scan.Server.Stats().Calls
	if n != 12 || calls["es:ListDomainNames"] != 1 || calls["es:DescribeDomains"] != 3 {
		t.Errorf("domains %d, calls %v: want 12 domains from 1 listing and 3 batches of at most 5", n, calls)
	}
}

func TestADeniedDescribeIsAGapAndAnUnknownExposure(t *testing.T) {
	scan := collectortest.Run(t, fixture(`opensearch:
  domains:
    - {name: logs, region: us-east-1, access_policies: `+policy("logs", `{"AWS":"*"}`, `"es:*"`, "")+`}`, `faults:
  - {service: es, api: DescribeDomains, error: AccessDenied}`), collectortest.Options{Regions: []string{"us-east-1"}}, opensearch.New())
	if gaps := scan.Gaps("DescribeDomains"); len(gaps) != 1 || gaps[0].Status != graph.GapDenied {
		t.Fatalf("gaps = %+v", gaps)
	}
	n := scan.Node(t, domain+"logs")
	if n.Search().AccessPolicy.State != graph.Unknown {
		t.Errorf("policy state %v, want unknown (a denied read is not 'no policy')", n.Search().AccessPolicy.State)
	}
	r := scan.Resolve(t)
	if len(r.EntryPoints) != 0 {
		t.Errorf("entry points %v claimed from a policy the scan could not read", r.Lines())
	}
	if notes := r.Notes(domain + "logs"); len(notes) != 1 || !strings.HasPrefix(notes[0], "unknown-exposure:") {
		t.Errorf("notes %q, want one unknown-exposure note", notes)
	}
}

func TestThrottledCallsAreRetried(t *testing.T) {
	collectortest.Throttling{
		Fixture: func(faults string) string {
			return fixture("opensearch:\n  domains:\n    - {name: logs, region: us-east-1}", faults)
		},
		Options: collectortest.Options{Regions: []string{"us-east-1"}},
		New:     func() collectors.Collector { return opensearch.New() },
		Service: "es", API: "ListDomainNames",
		Read: func(t testing.TB, s collectortest.Scan) { s.Node(t, domain+"logs") },
	}.Test(t)
}

package exposure

import (
	"testing"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// The evidence's source names what makes the entry point: a policy
// statement that grants, else a setting that opens the way (it has a fix),
// and only then what merely lets it through (a network ACL or a route that
// allows, which nobody needs to change).
func TestTheSourceIsWhatGrantsThenWhatOpensThenWhatLetsThrough(t *testing.T) {
	nacl := graph.Evidence{Source: "ec2:DescribeNetworkAcls", Detail: "rule 100 allows all from 0.0.0.0/0"}
	route := graph.Evidence{Source: "ec2:DescribeRouteTables", Detail: "routes 0.0.0.0/0 to an internet gateway"}
	sg := graph.Evidence{Source: "ec2:DescribeSecurityGroups", Detail: "admits tcp/443 from 0.0.0.0/0", Fix: "remove the rule"}
	lb := graph.Evidence{Source: "elasticloadbalancing:DescribeLoadBalancers", Detail: "internet-facing", Fix: "make it internal"}
	stmt := graph.Evidence{Source: "s3:GetBucketPolicy", Statements: []policy.StatementRef{{Index: 0}}}
	for _, tc := range []struct {
		name   string
		pieces []graph.Evidence
		want   string
	}{
		{"a statement first", []graph.Evidence{nacl, sg, stmt}, "s3:GetBucketPolicy"},
		{"a setting with a fix before an ACL that allows", []graph.Evidence{nacl, route, lb, sg}, "ec2:DescribeSecurityGroups"},
		{"only what lets through", []graph.Evidence{route, nacl}, "ec2:DescribeNetworkAcls"},
	} {
		if got := summarise(tc.pieces, &graph.Edge{}).Source; got != tc.want {
			t.Errorf("%s: source %q, want %q", tc.name, got, tc.want)
		}
	}
}

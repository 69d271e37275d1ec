package html

import (
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
	"github.com/trustmap/trustmap/report"
)

//go:embed report.js
var script string

// htmlCSP is the page's Content-Security-Policy: nothing may load from
// anywhere; inline styles, data: images and the one script whose SHA-256
// it names are allowed.
var htmlCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '" + scriptHash(script) + "'"

// scriptHash is the CSP source of an inline script: its SHA-256, base64.
func scriptHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// resourceName is how the page names a resource: what people call it
// ("GET /orders"), where it sits ("orders-api", the API that holds the
// method), what it is, and the full id.
type resourceName struct {
	Name, Context, Kind, ID string
}

// names gives resources their names from the graph (a node's name, the
// name of the node that contains it), or from the id alone.
type names struct {
	g      *graph.Graph
	parent map[string]string
}

func newNames(in report.Input) *names {
	n := &names{g: in.Graph, parent: map[string]string{}}
	if in.Graph != nil {
		for _, e := range in.Graph.Edges {
			if e.Kind == graph.EdgeContains {
				n.parent[e.To] = e.From
			}
		}
	}
	return n
}

func (n *names) node(id string) *graph.Node {
	if n.g == nil {
		return nil
	}
	gn, _ := n.g.Node(id)
	return gn
}

func (n *names) of(id string) resourceName {
	gn := n.node(id)
	rn := resourceName{Name: report.Name(id, gn), ID: id}
	if gn != nil {
		rn.Kind = report.KindText(gn.Kind)
	} else {
		rn.Kind = report.KindText(report.KindOfID(id))
	}
	if p := n.parent[id]; p != "" {
		rn.Context = report.Name(p, n.node(p))
	}
	return rn
}

// serviceNames are the services' names as AWS writes them; another
// service shows by its ARN's service part.
var serviceNames = map[string]string{
	"apigateway": "API Gateway", "execute-api": "API Gateway", "lambda": "Lambda", "s3": "S3", "sqs": "SQS", "sns": "SNS",
	"iam": "IAM", "sts": "STS", "events": "EventBridge", "kms": "KMS", "secretsmanager": "Secrets Manager", "ecr": "ECR",
	"ec2": "EC2", "elasticloadbalancing": "Elastic Load Balancing", "cloudfront": "CloudFront", "rds": "RDS", "eks": "EKS",
	"es": "OpenSearch", "aoss": "OpenSearch Serverless",
}

// serviceOf is the AWS service of a resource, from its ARN.
func serviceOf(id string) string {
	parts := strings.SplitN(id, ":", 4)
	if len(parts) < 3 || parts[0] != "arn" || parts[2] == "" {
		return "Other"
	}
	if s, ok := serviceNames[parts[2]]; ok {
		return s
	}
	return parts[2]
}

// groupEntryPoints groups the entry points by account, then service; each
// group keeps the report's order (results.CompareEntryPoints).
func groupEntryPoints(eps []results.EntryPoint, nm *names) []epAccount {
	ways := map[string]int{}
	for _, ep := range eps {
		ways[ep.ResourceARN]++
	}
	var accts []epAccount
	idx := map[string]int{}
	for _, ep := range eps {
		acct := cmp.Or(ep.Account, graph.AccountOfARN(ep.ResourceARN), "unknown")
		i, ok := idx[acct]
		if !ok {
			i = len(accts)
			idx[acct] = i
			accts = append(accts, epAccount{Account: acct})
		}
		a := &accts[i]
		a.N++
		if ep.Exposure == policy.Public {
			a.Public++
		}
		svc := serviceOf(ep.ResourceARN)
		j := slices.IndexFunc(a.Services, func(s epService) bool { return s.Service == svc })
		if j < 0 {
			j = len(a.Services)
			a.Services = append(a.Services, epService{Service: svc})
		}
		s := &a.Services[j]
		s.N++
		s.Rows = append(s.Rows, epRow{EP: ep, WaysIn: ways[ep.ResourceARN], Resource: nm.of(ep.ResourceARN)})
	}
	slices.SortStableFunc(accts, func(a, b epAccount) int { return cmp.Compare(a.Account, b.Account) })
	for i := range accts {
		slices.SortStableFunc(accts[i].Services, func(a, b epService) int { return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Service, b.Service)) })
		for j := range accts[i].Services {
			accts[i].Services[j].Open = accts[i].Services[j].N <= openGroupMax
		}
	}
	return accts
}

// groupThreats returns the first n groups of threats of the same shape,
// in the report's order (results.CompareThreats).
func groupThreats(in report.Input, ts []results.Threat, n int) []threatGroup {
	var out []threatGroup
	idx := map[string]int{}
	kind := func(id string) graph.Kind {
		if in.Graph != nil {
			if gn, ok := in.Graph.Node(id); ok {
				return gn.Kind
			}
		}
		return report.KindOfID(id)
	}
	via := map[string]graph.Via{}
	for _, ep := range in.Report.EntryPoints {
		via[ep.ID] = ep.Via
	}
	for _, t := range ts {
		access := make([]string, len(t.Access))
		for i, a := range t.Access {
			access[i] = a.String()
		}
		key := fmt.Sprint(t.Risk, t.Likelihood, t.Impact, t.Exposure, access, t.STRIDE, kind(t.ResourceARN), via[t.EntryPoint])
		if i, ok := idx[key]; ok {
			out[i].Others = append(out[i].Others, t)
			continue
		}
		if len(out) == n {
			continue
		}
		idx[key] = len(out)
		out = append(out, threatGroup{First: t})
	}
	return out
}

package report

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// What every writer calls things: kinds, nodes, zones, threats and the
// evidence of an edge, in words people use.

// KindText is what a node of kind k is, in words ("S3 bucket"). A kind it
// does not know is shown by its own name, so a new service's kinds read
// sensibly before anyone words them.
func KindText(k graph.Kind) string {
	if t, ok := kindTexts[k]; ok {
		return t
	}
	return string(k)
}

var kindTexts = map[graph.Kind]string{
	graph.KindAccount: "account root", graph.KindS3Bucket: "S3 bucket", graph.KindLambdaFunction: "Lambda function",
	graph.KindLambdaFunctionURL: "function URL", graph.KindSQSQueue: "SQS queue", graph.KindSNSTopic: "SNS topic",
	graph.KindRestAPI: "REST API", graph.KindRestAPIStage: "API stage", graph.KindHTTPAPIStage: "API stage",
	graph.KindRestAPIMethod: "API method", graph.KindHTTPAPI: "HTTP API", graph.KindHTTPAPIRoute: "API route",
	graph.KindDomainName: "custom domain", graph.KindIAMRole: "IAM role", graph.KindIAMUser: "IAM user",
	graph.KindIAMGroup: "IAM group", graph.KindIAMPolicy: "IAM policy", graph.KindAccessKey: "access key",
	graph.KindEventSource: "event source", graph.KindExternalEndpoint: "external endpoint", graph.KindInternet: "anyone",
	graph.KindAnyAWSAccount: "any AWS account", graph.KindExternalAccount: "AWS account",
	graph.KindOrganization: "any account in the org", graph.KindServicePrincipal: "AWS service",
	graph.KindFederated: "federated users", graph.KindPrincipalARN: "outside principal",
	graph.KindEventBus: "event bus", graph.KindEventRule: "EventBridge rule", graph.KindAPIDestination: "API destination",
	graph.KindStateMachine: "state machine", graph.KindKMSKey: "KMS key", graph.KindSecret: "secret",
}

// KindOfID guesses the kind of an id that is not a node of the graph (a
// report read without its snapshot, an ARN a policy names).
func KindOfID(id string) graph.Kind {
	switch {
	case id == graph.InternetID:
		return graph.KindInternet
	case id == graph.AnyAWSAccountID:
		return graph.KindAnyAWSAccount
	case strings.HasPrefix(id, "account:"):
		return graph.KindExternalAccount
	case strings.HasPrefix(id, "org:"):
		return graph.KindOrganization
	case strings.HasPrefix(id, "service:"):
		return graph.KindServicePrincipal
	case strings.HasPrefix(id, "federated:"):
		return graph.KindFederated
	}
	parts := strings.SplitN(id, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return graph.KindExternalEndpoint
	}
	switch svc, res := parts[2], parts[5]; {
	case svc == "s3":
		return graph.KindS3Bucket
	case svc == "sqs":
		return graph.KindSQSQueue
	case svc == "sns":
		return graph.KindSNSTopic
	case svc == "lambda" && strings.HasSuffix(res, "#url"):
		return graph.KindLambdaFunctionURL
	case svc == "lambda":
		return graph.KindLambdaFunction
	case svc == "apigateway" && strings.Contains(res, "/methods/"):
		return graph.KindRestAPIMethod
	case svc == "apigateway" && strings.Contains(res, "/routes/"):
		return graph.KindHTTPAPIRoute
	case svc == "apigateway" && strings.HasPrefix(res, "/restapis/") && strings.Contains(res, "/stages/"):
		return graph.KindRestAPIStage
	case svc == "apigateway" && strings.HasPrefix(res, "/apis/") && strings.Contains(res, "/stages/"):
		return graph.KindHTTPAPIStage
	case svc == "apigateway" && strings.HasPrefix(res, "/restapis/"):
		return graph.KindRestAPI
	case svc == "apigateway" && strings.HasPrefix(res, "/apis/"):
		return graph.KindHTTPAPI
	case svc == "events" && strings.HasPrefix(res, "event-bus/"):
		return graph.KindEventBus
	case svc == "events" && strings.HasPrefix(res, "rule/"):
		return graph.KindEventRule
	case svc == "events" && strings.HasPrefix(res, "api-destination/"):
		return graph.KindAPIDestination
	case svc == "states" && strings.HasPrefix(res, "stateMachine:"):
		return graph.KindStateMachine
	case svc == "kms" && strings.HasPrefix(res, "key/"):
		return graph.KindKMSKey
	case svc == "secretsmanager":
		return graph.KindSecret
	case svc == "iam" && strings.HasPrefix(res, "role/"):
		return graph.KindIAMRole
	case svc == "iam" && strings.HasPrefix(res, "user/"):
		return graph.KindIAMUser
	case svc == "iam" || svc == "sts":
		return graph.KindPrincipalARN
	}
	return graph.KindEventSource
}

// Name is the name of a node: its own when the scan read one, otherwise
// what its id says (a principal without its prefix, the last part of an
// ARN).
func Name(id string, n *graph.Node) string {
	if n != nil && n.Name != "" {
		return n.Name
	}
	switch {
	case id == graph.InternetID:
		return "Internet"
	case id == graph.AnyAWSAccountID:
		return "Any AWS account"
	case strings.HasPrefix(id, "account:"):
		return "Account " + strings.TrimPrefix(id, "account:")
	case strings.HasPrefix(id, "org:"):
		return "Organization " + strings.TrimPrefix(id, "org:")
	case strings.HasPrefix(id, "service:"):
		return strings.TrimPrefix(id, "service:")
	case strings.HasPrefix(id, "federated:"):
		return strings.TrimPrefix(id, "federated:")
	}
	if i := strings.LastIndexAny(id, ":/"); i >= 0 && i < len(id)-1 {
		return id[i+1:]
	}
	return id
}

// DisplayID is how a drawing captions a node without a name: an ARN's
// resource part ("role/x"), a principal id without its prefix.
func DisplayID(id string) string {
	if strings.HasPrefix(id, "arn:") {
		if parts := strings.SplitN(id, ":", 6); len(parts) == 6 && parts[5] != "" {
			return parts[5]
		}
		return id
	}
	if _, rest, ok := strings.Cut(id, ":"); ok && rest != "" {
		return rest
	}
	return id
}

// ShortID is the readable tail of an id: a bucket or function name, the
// last part of a role path, an account id.
func ShortID(id string) string {
	switch {
	case strings.HasPrefix(id, "arn:"):
		parts := strings.SplitN(id, ":", 6)
		if len(parts) == 6 {
			res := parts[5]
			if i := strings.LastIndexAny(res, ":/"); i >= 0 && i < len(res)-1 {
				return res[i+1:]
			}
			return res
		}
	case strings.Contains(id, ":"):
		_, rest, _ := strings.Cut(id, ":")
		return rest
	}
	return id
}

// ZoneTypeRanks orders zone types from least to most trusted.
var zoneTypeRanks = map[string]int{"internet": 0, "any-aws-account": 1, "federated": 2, "external-account": 3, "organization": 4, "aws-service": 5, "account": 6}

// ZoneType is the type part of a zone ("external-account" of
// "external-account:111122223333") and its rank, least trusted first.
func ZoneType(z graph.Zone) (string, int) {
	typ, _, _ := strings.Cut(string(z), ":")
	if r, ok := zoneTypeRanks[typ]; ok {
		return typ, r
	}
	return typ, len(zoneTypeRanks)
}

// ZoneName names a zone for people: "External account 111122223333
// (Datadog)" with the label a trust config gives it, "Account
// 123456789012 (prod)" with the account's alias.
func ZoneName(z graph.Zone, label string, g *graph.Graph) string {
	typ, key, _ := strings.Cut(string(z), ":")
	switch typ {
	case "internet":
		return "Internet"
	case "any-aws-account":
		return "Any AWS account"
	case "federated":
		return "Federated users of " + key
	case "external-account":
		if label != "" {
			return "External account " + key + " (" + label + ")"
		}
		return "External account " + key
	case "organization":
		return "Organization " + key
	case "aws-service":
		return "AWS service " + key
	case "account":
		if g != nil {
			if n, ok := g.Node(graph.AccountID(key)); ok && n.AccountInfo() != nil && n.AccountInfo().Alias != "" {
				return "Account " + key + " (" + n.AccountInfo().Alias + ")"
			}
		}
		return "Account " + key
	}
	return string(z)
}

// EdgeEvidence is the evidence of an edge in one line: each piece's source,
// statements (numbered from 1, with Sids) and setting, pieces separated
// by " | ".
func EdgeEvidence(evs []graph.Evidence) string {
	var pieces []string
	for _, ev := range evs {
		var parts []string
		if ev.Source != "" {
			parts = append(parts, ev.Source)
		}
		if len(ev.Statements) > 0 {
			parts = append(parts, StatementNames(ev.Statements))
		}
		if ev.Detail != "" {
			parts = append(parts, ev.Detail)
		}
		if len(parts) > 0 {
			pieces = append(pieces, strings.Join(parts, "; "))
		}
	}
	return strings.Join(pieces, " | ")
}

// StatementNames renders statement references for people: "statement 1
// (Sid "A"), statement 3".
func StatementNames(refs []policy.StatementRef) string {
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = fmt.Sprintf("statement %d", r.Index+1)
		if r.Sid != "" {
			names[i] += fmt.Sprintf(" (Sid %q)", r.Sid)
		}
	}
	return strings.Join(names, ", ")
}

// ThreatText is the plain-text body of a threat: scores with their
// reasons, then the attack tree.
func ThreatText(t results.Threat) string {
	s := fmt.Sprintf("Likelihood %d: %s.\nImpact %d: %s.\nRisk %d (%s).", t.Likelihood, t.Reasons.Likelihood, t.Impact, t.Reasons.Impact, t.Risk, t.Severity)
	if t.AttackTree != nil {
		s += "\nAttack tree:\n" + flattenTree(t.AttackTree)
	}
	return s
}

// flattenTree writes an attack tree as indented text lines: each goal with
// the failure condition that lets it hold and whether it holds.
func flattenTree(n *results.AttackNode) string {
	var b strings.Builder
	var walk func(n *results.AttackNode, depth int)
	walk = func(n *results.AttackNode, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		if depth > 0 {
			b.WriteString("- ")
		} else {
			b.WriteString("goal: ")
		}
		b.WriteString(n.Goal)
		if n.Condition != "" {
			fmt.Fprintf(&b, " [%s: %s]", n.Holds, n.Condition)
		}
		b.WriteString("\n")
		for _, c := range n.Children {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return strings.TrimRight(b.String(), "\n")
}

// Ellipsize shortens s to n characters, ending with … when it was longer.
func Ellipsize(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

package fakeaws

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// World is a parsed account fixture: the accounts the fake answers for, plus
// fault injection and performance settings. FIXTURE.md documents the format.
//
// The server treats a World as read-only; it may be shared by several servers.
// A World built in Go rather than parsed should be checked with Validate.
type World struct {
	Accounts []*Account    `yaml:"accounts"`
	Faults   []Fault       `yaml:"faults"`
	Latency  time.Duration `yaml:"latency"`
	Throttle Throttle      `yaml:"throttle"`
	// Chaos turns on chaos mode: random faults from a seed (chaos.go).
	Chaos *Chaos `yaml:"chaos"`
}

// Account is one AWS account and everything in it.
type Account struct {
	ID              string          `yaml:"id"`
	Alias           string          `yaml:"alias"`
	AccessKeys      []string        `yaml:"access_keys"`
	CallerARN       string          `yaml:"caller_arn"`
	CallerUserID    string          `yaml:"caller_user_id"`
	Regions         []string        `yaml:"regions"`
	DisabledRegions []string        `yaml:"disabled_regions"`
	Organization    *Organization   `yaml:"organization"`
	RolesAssumable  []AssumableRole `yaml:"roles_assumable"`

	S3           S3           `yaml:"s3"`
	Lambda       Lambda       `yaml:"lambda"`
	SQS          SQS          `yaml:"sqs"`
	APIGateway   APIGateway   `yaml:"apigateway"`
	APIGatewayV2 APIGatewayV2 `yaml:"apigatewayv2"`
	IAM          IAM          `yaml:"iam"`

	// Resource-policy services (issue 12).
	SNS            SNS            `yaml:"sns"`            // fixture_sns.go
	EventBridge    EventBridge    `yaml:"eventbridge"`    // fixture_events.go (service "events")
	KMS            KMS            `yaml:"kms"`            // fixture_kms.go
	SecretsManager SecretsManager `yaml:"secretsmanager"` // fixture_secretsmanager.go
	ECR            ECR            `yaml:"ecr"`            // fixture_ecr.go

	// Edge and data services (issue 13).
	CloudFront CloudFront `yaml:"cloudfront"` // fixture_cloudfront.go
	WAFv2      WAFv2      `yaml:"wafv2"`      // fixture_wafv2.go
	RDS        RDS        `yaml:"rds"`        // fixture_rds.go
	EKS        EKS        `yaml:"eks"`        // fixture_eks.go
	OpenSearch OpenSearch `yaml:"opensearch"` // fixture_opensearch.go

	// Internet-facing compute and the network (issue 13).
	EC2   EC2   `yaml:"ec2"`   // fixture_ec2.go
	ELBv2 ELBv2 `yaml:"elbv2"` // fixture_elb.go
	ELB   ELB   `yaml:"elb"`   // fixture_elb.go (Classic)
}

// Organization is the AWS Organization an account belongs to.
type Organization struct {
	ID                 string       `yaml:"id"`
	MasterAccountID    string       `yaml:"master_account_id"`
	MasterAccountEmail string       `yaml:"master_account_email"`
	FeatureSet         string       `yaml:"feature_set"`
	Accounts           []OrgAccount `yaml:"accounts"`
	// DelegatedAdministrators may call ListAccounts besides the
	// management account.
	DelegatedAdministrators []string `yaml:"delegated_administrators"`
	// PolicyTypes are the enabled policy types DescribeOrganization
	// reports (default: SERVICE_CONTROL_POLICY with feature set ALL).
	PolicyTypes []string `yaml:"policy_types"`
}

// OrgAccount is a member account as Organizations ListAccounts reports it.
type OrgAccount struct {
	ID           string    `yaml:"id"`
	Name         string    `yaml:"name"`
	Email        string    `yaml:"email"`
	Status       string    `yaml:"status"`
	JoinedMethod string    `yaml:"joined_method"`
	Joined       time.Time `yaml:"joined"`
}

// AssumableRole is a role sts:AssumeRole succeeds for. In YAML it is either
// the role ARN or a mapping {arn, external_id}.
type AssumableRole struct {
	ARN        string
	ExternalID string
}

// Fault injects an error into matching calls. Empty match fields match
// anything; the first fault (in file order) that matches and is not used up
// wins.
type Fault struct {
	Service  string `yaml:"service"`
	API      string `yaml:"api"`
	Account  string `yaml:"account"`
	Region   string `yaml:"region"`
	Resource string `yaml:"resource"`
	Error    string `yaml:"error"`
	// Count > 0 fails the first Count matching calls, then the fault no
	// longer matches; 0 fails every matching call.
	Count int `yaml:"count"`
	// Status and Message override the HTTP status and message the error
	// would otherwise get.
	Status  int    `yaml:"status"`
	Message string `yaml:"message"`
	// Kind, instead of Error, answers the way a documented non-AWS
	// endpoint does (faults.go, FaultKinds): moto 4.1.14, see
	// shared/emulators/moto/README.md.
	Kind string `yaml:"kind"`
	// RequestContains, when set, limits the fault to requests whose body
	// or query string contains it (e.g. an attribute name an endpoint
	// rejects).
	RequestContains string `yaml:"request_contains"`
}

// Throttle configures per-(account, region, service, api) token buckets.
type Throttle struct {
	Default Rate            `yaml:"default"`
	APIs    map[string]Rate `yaml:"apis"` // key "service:Api", e.g. "s3:GetBucketPolicy"; "service:*" for each API of a service
	// Groups are buckets several APIs share per (account, region); see
	// ThrottleGroup and Throttle.Bucket (throttle.go).
	Groups map[string]ThrottleGroup `yaml:"groups"`
}

// Rate is a token bucket: Rate tokens a second, holding at most Burst.
// Rate 0 means unlimited; Burst 0 means max(1, ceil(Rate)).
type Rate struct {
	Rate  float64 `yaml:"rate"`
	Burst int     `yaml:"burst"`
}

// LoadFixture reads and parses a fixture file.
func LoadFixture(path string) (*World, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fakeaws: %w", err)
	}
	return ParseFixture(data, path)
}

// ParseFixture parses a fixture. name (usually the file path) prefixes every
// error, which also carries the line: unknown fields, wrong types and invalid
// ids are all errors.
func ParseFixture(data []byte, name string) (*World, error) {
	var w World
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&w); err != nil {
		return nil, yamlError(name, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err)
	}
	if err := w.validate(name, &root); err != nil {
		return nil, err
	}
	return &w, nil
}

// Validate checks a World built in Go the way ParseFixture checks a file.
func (w *World) Validate() error { return w.validate("world", nil) }

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError rewrites yaml.v3 errors as "name:LINE: message".
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, 0, len(te.Errors))
		for _, e := range te.Errors {
			msgs = append(msgs, lineMessage(name, e))
		}
		return fmt.Errorf("%s", strings.Join(msgs, "\n"))
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: empty fixture", name)
	}
	return fmt.Errorf("%s", lineMessage(name, err.Error()))
}

func lineMessage(name, msg string) string {
	// A quoted value may hold newlines; each error stays one line.
	msg = strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(msg)
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s:%s: %s", name, m[1], m[2])
	}
	return fmt.Sprintf("%s: %s", name, strings.TrimPrefix(msg, "yaml: "))
}

// UnmarshalYAML accepts a role ARN or {arn, external_id}.
func (r *AssumableRole) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		r.ARN = n.Value
		return nil
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: %s must be a string", v.Line, k.Value)
			}
			switch k.Value {
			case "arn":
				r.ARN = v.Value
			case "external_id":
				r.ExternalID = v.Value
			default:
				return fmt.Errorf("line %d: field %s not found in type fakeaws.AssumableRole", k.Line, k.Value)
			}
		}
		return nil
	}
	return fmt.Errorf("line %d: a role must be an ARN or {arn, external_id}", n.Line)
}

// Document is a JSON document (a policy, a redrive policy). In YAML it is
// either a mapping or sequence, converted to compact JSON with its key order
// kept, or a string, served verbatim (so a test can plant malformed JSON).
type Document struct {
	JSON string
}

// Doc returns a Document holding s verbatim.
func Doc(s string) *Document { return &Document{JSON: s} }

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Document) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
		d.JSON = n.Value
		return nil
	}
	var b strings.Builder
	if err := nodeJSON(&b, n); err != nil {
		return err
	}
	d.JSON = b.String()
	return nil
}

// nodeJSON writes a YAML node as compact JSON, keeping mapping key order.
// Aliases are followed, but not into themselves, and the output is capped,
// so no fixture can make the parser recurse forever or expand aliases
// without bound (both found by FuzzParseFixture).
func nodeJSON(b *strings.Builder, n *yaml.Node) error {
	return (&docWriter{b: b, active: map[*yaml.Node]bool{}}).write(n)
}

// maxDocument bounds the JSON one policy document may expand to.
const maxDocument = 1 << 20

// docWriter is nodeJSON's state: the aliases being expanded.
type docWriter struct {
	b      *strings.Builder
	active map[*yaml.Node]bool
}

func (w *docWriter) write(n *yaml.Node) error {
	b := w.b
	if b.Len() > maxDocument {
		return fmt.Errorf("line %d: the document expands to more than %d bytes", n.Line, maxDocument)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			b.WriteString("null")
			return nil
		}
		return w.write(n.Content[0])
	case yaml.AliasNode:
		if w.active[n.Alias] {
			return fmt.Errorf("line %d: alias *%s refers to itself", n.Line, n.Value)
		}
		w.active[n.Alias] = true
		defer delete(w.active, n.Alias)
		return w.write(n.Alias)
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(jsonQuote(n.Content[i].Value))
			b.WriteByte(':')
			if err := w.write(n.Content[i+1]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := w.write(c); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		writeJSONScalar(b, n)
	default:
		return fmt.Errorf("line %d: unsupported YAML node in a document", n.Line)
	}
	return nil
}

func writeJSONScalar(b *strings.Builder, n *yaml.Node) {
	switch n.ShortTag() {
	case "!!null":
		b.WriteString("null")
		return
	case "!!bool":
		if v, err := strconv.ParseBool(strings.ToLower(n.Value)); err == nil {
			b.WriteString(strconv.FormatBool(v))
			return
		}
	case "!!int", "!!float":
		if jsonNumberRE.MatchString(n.Value) {
			b.WriteString(n.Value)
			return
		}
	}
	b.WriteString(jsonQuote(n.Value))
}

var jsonNumberRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// jsonQuote quotes s as a JSON string (strconv.Quote uses Go escapes such as
// \x00 that JSON does not have).
func jsonQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

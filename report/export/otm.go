package export

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
	"github.com/trustmap/trustmap/report/diagram"
)

// OTMVersion is the Open Threat Model version the OTM writers emit
// (iriusrisk/OpenThreatModel, schema in schema/otm-0.2.0.schema.json).
const OTMVersion = "0.2.0"

// IriusRisk's well-known trust zones (StartLeft's default mappings use the
// same UUID as id and type), so an import into IriusRisk lands in zones its
// library knows.
const (
	otmInternetZone    = "f0ba7722-39b6-4c81-8290-a30a248bb8d9"
	otmPublicCloudZone = "b61d6911-338d-46a8-9f39-8dcd24abfe91"
)

// otmTrust is the trustRating (0–100, higher is more trusted) of each zone
// type. Internet 1 and Public Cloud 10 are IriusRisk's defaults; the rest
// order what trustmap knows about the caller.
var otmTrust = map[string]int{"internet": 1, "any-aws-account": 5, "federated": 20, "external-account": 30,
	"organization": 60, "aws-service": 70, "account": 90}

// Mitigation riskReduction: a change to the way in (the policy engine's fix
// for the responsible statement) removes the entry point; the others cut
// likelihood or blast radius.
const (
	otmReductionEntry = 80
	otmReductionOther = 40
)

type otmProject struct {
	Name        string            `json:"name" yaml:"name"`
	ID          string            `json:"id" yaml:"id"`
	Description string            `json:"description,omitempty" yaml:"description,omitempty"`
	Owner       string            `json:"owner,omitempty" yaml:"owner,omitempty"`
	Tags        []string          `json:"tags,omitempty" yaml:"tags,omitempty"`
	Attributes  map[string]string `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

type otmParent struct {
	TrustZone string `json:"trustZone,omitempty" yaml:"trustZone,omitempty"`
	Component string `json:"component,omitempty" yaml:"component,omitempty"`
}

type otmTrustZone struct {
	ID          string            `json:"id" yaml:"id"`
	Name        string            `json:"name" yaml:"name"`
	Type        string            `json:"type" yaml:"type"`
	Description string            `json:"description,omitempty" yaml:"description,omitempty"`
	Risk        otmTrustRisk      `json:"risk" yaml:"risk"`
	Parent      *otmParent        `json:"parent,omitempty" yaml:"parent,omitempty"`
	Attributes  map[string]string `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

type otmTrustRisk struct {
	TrustRating int `json:"trustRating" yaml:"trustRating"`
}

type otmComponent struct {
	ID          string              `json:"id" yaml:"id"`
	Name        string              `json:"name" yaml:"name"`
	Type        string              `json:"type" yaml:"type"`
	Description string              `json:"description,omitempty" yaml:"description,omitempty"`
	Parent      otmParent           `json:"parent" yaml:"parent"`
	Threats     []otmThreatInstance `json:"threats,omitempty" yaml:"threats,omitempty"`
	Tags        []string            `json:"tags,omitempty" yaml:"tags,omitempty"`
	Attributes  map[string]string   `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

type otmThreatInstance struct {
	Threat      string                  `json:"threat" yaml:"threat"`
	State       string                  `json:"state" yaml:"state"`
	Mitigations []otmMitigationInstance `json:"mitigations" yaml:"mitigations"`
}

type otmMitigationInstance struct {
	Mitigation string `json:"mitigation" yaml:"mitigation"`
	State      string `json:"state" yaml:"state"`
}

type otmDataflow struct {
	ID            string            `json:"id" yaml:"id"`
	Name          string            `json:"name" yaml:"name"`
	Description   string            `json:"description,omitempty" yaml:"description,omitempty"`
	Bidirectional bool              `json:"bidirectional" yaml:"bidirectional"`
	Source        string            `json:"source" yaml:"source"`
	Destination   string            `json:"destination" yaml:"destination"`
	Tags          []string          `json:"tags,omitempty" yaml:"tags,omitempty"`
	Attributes    map[string]string `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

type otmThreat struct {
	ID          string            `json:"id" yaml:"id"`
	Name        string            `json:"name" yaml:"name"`
	Description string            `json:"description,omitempty" yaml:"description,omitempty"`
	Categories  []string          `json:"categories" yaml:"categories"`
	Risk        otmThreatRisk     `json:"risk" yaml:"risk"`
	Tags        []string          `json:"tags,omitempty" yaml:"tags,omitempty"`
	Attributes  map[string]string `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

type otmThreatRisk struct {
	Likelihood        int    `json:"likelihood" yaml:"likelihood"`
	LikelihoodComment string `json:"likelihoodComment,omitempty" yaml:"likelihoodComment,omitempty"`
	Impact            int    `json:"impact" yaml:"impact"`
	ImpactComment     string `json:"impactComment,omitempty" yaml:"impactComment,omitempty"`
}

type otmMitigation struct {
	ID            string            `json:"id" yaml:"id"`
	Name          string            `json:"name" yaml:"name"`
	Description   string            `json:"description,omitempty" yaml:"description,omitempty"`
	RiskReduction int               `json:"riskReduction" yaml:"riskReduction"`
	Attributes    map[string]string `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

// WriteOTMJSON writes the threat model as Open Threat Model 0.2.0 JSON,
// as json.Encoder with SetIndent("", "  ") would write the whole model,
// but streamed (otmDoc): components, data flows and threats are made and
// written one at a time. The whole model of an account of 100,000
// resources held 200 MB, and the encoder's copies of it three times that.
func WriteOTMJSON(w io.Writer, in report.Input) error {
	jw := graph.NewJSONWriter(w, false)
	jw.Object()
	newOTMDoc(in).write(otmJSON{jw})
	jw.End()
	return jw.Close()
}

// WriteOTMYAML writes the same model as OTM YAML, as yaml.v3's Encoder
// with SetIndent(2) would write the whole model, and streamed as the JSON
// is: yaml.v3 holds a node tree of all it encodes, several GB for the
// whole model of a large account.
func WriteOTMYAML(w io.Writer, in report.Input) error {
	y := &otmYAML{w: bufio.NewWriterSize(w, 64<<10)}
	newOTMDoc(in).write(y)
	if y.err != nil {
		return y.err
	}
	return y.w.Flush()
}

// otmOut is where an OTM document goes, member by member in the order
// otmDoc.write gives; a list's items come one at a time.
type otmOut interface {
	member(key string, v any)
	list(key string, items iter.Seq[any])
}

// otmJSON writes members and lists through a graph.JSONWriter.
type otmJSON struct{ w *graph.JSONWriter }

func (o otmJSON) member(key string, v any) { o.w.Member(key, v) }

func (o otmJSON) list(key string, items iter.Seq[any]) {
	o.w.Key(key)
	o.w.Array()
	for v := range items {
		if o.w.Err() != nil {
			break
		}
		o.w.Value(v)
	}
	o.w.End()
}

// otmYAML writes the top-level mapping one member at a time, and a list
// one item at a time: each item is encoded on its own and shifted under
// its key as yaml.v3 nests a sequence item ("  - " on its first line, four
// spaces on the others; the empty lines of a literal block stay empty).
// An item's YAML does not depend on where it sits: yaml.v3 does not fold
// long lines, and a block's indentation is relative to its key.
type otmYAML struct {
	w   *bufio.Writer
	buf bytes.Buffer
	err error
}

// encode returns v as yaml.v3's Encoder with SetIndent(2) writes it alone.
func (y *otmYAML) encode(v any) []byte {
	y.buf.Reset()
	enc := yaml.NewEncoder(&y.buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		y.err = err
		return nil
	}
	if err := enc.Close(); err != nil {
		y.err = err
		return nil
	}
	return y.buf.Bytes()
}

func (y *otmYAML) member(key string, v any) {
	if y.err == nil {
		y.w.Write(y.encode(map[string]any{key: v}))
	}
}

func (y *otmYAML) list(key string, items iter.Seq[any]) {
	empty := true
	for v := range items {
		if y.err != nil {
			return
		}
		if empty {
			y.w.WriteString(key + ":\n")
			empty = false
		}
		doc := y.encode(v)
		for i := 0; len(doc) > 0; i++ {
			line, rest, _ := bytes.Cut(doc, []byte{'\n'})
			switch {
			case i == 0:
				y.w.WriteString("  - ")
			case len(line) > 0:
				y.w.WriteString("    ")
			}
			y.w.Write(line)
			y.w.WriteByte('\n')
			doc = rest
		}
	}
	if empty && y.err == nil {
		y.w.WriteString(key + ": []\n")
	}
}

// otmDoc makes an OTM document's parts from a report: the project and
// trust zones whole (a few per account), the components, data flows and
// threats one at a time as they are written.
type otmDoc struct {
	in      report.Input
	m       *diagram.Model
	project otmProject
	zones   []otmTrustZone
}

func newOTMDoc(in report.Input) *otmDoc {
	r := in.Report
	accounts := strings.Join(r.Accounts, ", ")
	d := &otmDoc{in: in, m: diagram.Build(in, diagram.Everything),
		project: otmProject{
			Name:        "trustmap: AWS " + orNone(accounts),
			ID:          "trustmap-" + strings.Join(r.Accounts, "-"),
			Description: fmt.Sprintf("Entry points, trust boundaries and STRIDE threats of AWS account(s) %s, scanned by %s %s.", orNone(accounts), r.Tool.Name, r.Tool.Version),
			Owner:       r.Tool.Name,
			Tags:        []string{"trustmap", "aws"},
			Attributes: map[string]string{
				"scanned_at": r.ScannedAt.UTC().Format("2006-01-02T15:04:05Z"),
				"regions":    strings.Join(r.Regions, ","),
				"complete":   fmt.Sprint(r.Complete),
				"tool":       strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version),
			},
		},
		zones: []otmTrustZone{},
	}
	if len(r.Accounts) == 0 {
		d.project.ID = "trustmap"
	}
	for _, z := range otmZones(d.m) {
		tz := otmTrustZone{ID: otmZoneID(z.ID), Name: z.Name, Type: "trustmap-" + z.Type,
			Risk: otmTrustRisk{TrustRating: otmTrust[z.Type]}, Attributes: map[string]string{"zone": string(z.ID)}}
		switch z.Type {
		case "internet":
			tz.Type = otmInternetZone
			tz.Description = "Anyone on the internet, unauthenticated."
		case "account":
			// A scanned account is our own cloud: a Public Cloud zone in
			// IriusRisk's terms, nested in the Public Cloud zone so that
			// several accounts stay apart.
			if !slices.ContainsFunc(d.zones, func(t otmTrustZone) bool { return t.ID == otmPublicCloudZone }) {
				d.zones = append(d.zones, otmTrustZone{ID: otmPublicCloudZone, Name: "Public Cloud", Type: otmPublicCloudZone,
					Description: "The cloud the scanned accounts run in.", Risk: otmTrustRisk{TrustRating: 10}})
			}
			tz.Type = otmPublicCloudZone
			tz.Parent = &otmParent{TrustZone: otmPublicCloudZone}
			tz.Description = "A scanned AWS account."
			if in.Graph != nil {
				if org := in.Graph.OrgIDs[strings.TrimPrefix(string(z.ID), "account:")]; org != "" {
					tz.Attributes["organization"] = org
				}
			}
		}
		d.zones = append(d.zones, tz)
	}
	return d
}

// write writes the document's members in the order OTM documents have
// always had here (the golden files pin it).
func (d *otmDoc) write(out otmOut) {
	out.member("otmVersion", OTMVersion)
	out.member("project", d.project)
	out.member("trustZones", d.zones)
	out.list("components", d.components)
	out.list("dataflows", d.dataflows)
	out.list("threats", d.threats)
	out.member("mitigations", d.mitigations())
}

func (d *otmDoc) threats(yield func(any) bool) {
	for _, t := range d.in.Report.Threats {
		if !yield(otmThreatFrom(t)) {
			return
		}
	}
}

// mitigations lists each distinct mitigation text once, in the order the
// threats first name it, with the largest risk reduction any threat gives
// it.
func (d *otmDoc) mitigations() []otmMitigation {
	r := d.in.Report
	out := []otmMitigation{}
	mitIDs := map[string]int{} // mitigation text → index in out
	fixes := entryFixes(r)
	for _, t := range r.Threats {
		for _, text := range t.Mitigations {
			red := otmReductionOther
			if slices.Contains(fixes[t.EntryPoint], text) {
				red = otmReductionEntry
			}
			if j, ok := mitIDs[text]; ok {
				out[j].RiskReduction = max(out[j].RiskReduction, red)
				continue
			}
			mitIDs[text] = len(out)
			out = append(out, otmMitigation{ID: mitigationID(text), Name: truncateUTF8(text, 200), Description: text, RiskReduction: red})
		}
	}
	for i := range out {
		basis := "limits likelihood or blast radius"
		if out[i].RiskReduction == otmReductionEntry {
			basis = "closes the way in"
		}
		out[i].Attributes = map[string]string{"basis": basis}
	}
	return out
}

func (d *otmDoc) components(yield func(any) bool) {
	for _, e := range d.m.Nodes {
		c := otmComponent{ID: otmComponentID(e.ID), Name: e.Name, Type: otmComponentType(e.Kind),
			Parent: otmParent{TrustZone: otmZoneID(e.Zone.ID)}, Tags: []string{string(e.Kind)},
			Attributes: map[string]string{"kind": string(e.Kind), "zone": string(e.Zone.ID)}}
		if e.Parent != "" {
			c.Parent = otmParent{Component: otmComponentID(e.Parent)}
		}
		if isARN(e.ID) {
			c.Attributes["arn"] = e.ID
		} else {
			c.Attributes["principal"] = e.ID
		}
		if e.Graph != nil {
			if e.Graph.Account != "" {
				c.Attributes["account"] = e.Graph.Account
			}
			if e.Graph.Region != "" {
				c.Attributes["region"] = e.Graph.Region
			}
		}
		if e.Graph == nil {
			c.Description = "Named by a policy or edge; not collected by the scan."
		}
		for _, t := range e.Threats {
			ti := otmThreatInstance{Threat: t.ID, State: "exposed", Mitigations: []otmMitigationInstance{}}
			for _, text := range t.Mitigations {
				ti.Mitigations = append(ti.Mitigations, otmMitigationInstance{Mitigation: mitigationID(text), State: "required"})
			}
			c.Threats = append(c.Threats, ti)
		}
		if !yield(c) {
			return
		}
	}
}

func (d *otmDoc) dataflows(yield func(any) bool) {
	g := d.in.Graph
	for _, f := range d.m.Flows {
		df := otmDataflow{
			ID:          stableUUID("dataflow", f.From, f.To, f.Kind.String(), f.Via.String()),
			Name:        f.Kind.String(),
			Source:      otmComponentID(f.From),
			Destination: otmComponentID(f.To),
			Tags:        []string{f.Kind.String()},
			Attributes:  map[string]string{"from": f.From, "to": f.To},
		}
		if g != nil && g.Crosses(&f) {
			df.Tags = append(df.Tags, "crosses-trust-boundary")
		}
		if f.Via != 0 {
			df.Tags = append(df.Tags, f.Via.String())
			df.Attributes["via"] = f.Via.String()
		}
		if f.Exposure != 0 {
			df.Tags = append(df.Tags, f.Exposure.String())
			df.Attributes["exposure"] = f.Exposure.String()
		}
		if len(f.Actions) > 0 {
			df.Attributes["actions"] = strings.Join(f.Actions, ",")
			df.Description = strings.Join(f.Actions, ", ")
		}
		if len(f.Conditions()) > 0 {
			df.Attributes["conditions"] = strings.Join(f.Conditions(), "; ")
		}
		if f.Principal != "" {
			df.Attributes["principal"] = f.Principal
		}
		if ev := report.EdgeEvidence(f.Evidence); ev != "" {
			df.Attributes["evidence"] = ev
		}
		if f.Certainty != graph.True {
			df.Attributes["certainty"] = f.Certainty.String()
		}
		if !yield(df) {
			return
		}
	}
}

// otmZoneID returns the OTM id of a trust zone: IriusRisk's Internet zone
// for the internet, a stable UUID of the zone name otherwise.
func otmZoneID(z graph.Zone) string {
	if z == graph.ZoneInternet {
		return otmInternetZone
	}
	return stableUUID("zone", string(z))
}

// otmComponentID returns the OTM id of an element: a stable UUID of its id
// (the ARN for AWS resources).
func otmComponentID(id string) string { return stableUUID("component", id) }

func otmThreatFrom(t results.Threat) otmThreat {
	ot := otmThreat{
		ID:          t.ID,
		Name:        t.Title,
		Description: report.ThreatText(t),
		Categories:  append([]string{}, t.STRIDE...),
		Risk: otmThreatRisk{
			Likelihood: t.Likelihood * 20, LikelihoodComment: t.Reasons.Likelihood,
			Impact: t.Impact * 20, ImpactComment: t.Reasons.Impact,
		},
		Tags: []string{string(t.Severity)},
		Attributes: map[string]string{
			"resource_arn": t.ResourceARN,
			"likelihood":   fmt.Sprint(t.Likelihood),
			"impact":       fmt.Sprint(t.Impact),
			"risk":         fmt.Sprint(t.Risk),
			"severity":     string(t.Severity),
			"recognized":   fmt.Sprint(t.Recognized),
		},
	}
	if !t.Recognized {
		ot.Tags = append(ot.Tags, "unrecognized")
	}
	if t.EntryPoint != "" {
		ot.Attributes["entry_point"] = t.EntryPoint
	}
	if t.AttackPath != "" {
		ot.Attributes["attack_path"] = t.AttackPath
	}
	if len(t.References) > 0 {
		ot.Attributes["references"] = strings.Join(t.References, "; ")
	}
	return ot
}

// entryFixes maps each entry point id to the policy engine's fixes for it.
func entryFixes(r *report.Report) map[string][]string {
	out := map[string][]string{}
	for _, ep := range r.EntryPoints {
		out[ep.ID] = ep.Evidence.Fix
	}
	return out
}

// mitigationID is the stable id of a mitigation text.
func mitigationID(text string) string { return "M-" + stableUUID("mitigation", text)[:8] }

// otmComponentType maps a node kind to the component type IriusRisk's
// library and StartLeft's AWS mappings use; kinds without one become
// empty-component (StartLeft's own fallback) with the kind in a tag.
func otmComponentType(k graph.Kind) string {
	switch k {
	case graph.KindS3Bucket:
		return "s3"
	case graph.KindLambdaFunction:
		return "aws-lambda-function"
	case graph.KindSQSQueue:
		return "sqs-simple-queue-service"
	// The next four as StartLeft's IriusRisk mapping for Terraform's AWS
	// provider names them (examples/terraform/iriusrisk-tf-aws-mapping.yaml:
	// aws_sns_*, aws_kms_key, aws_secretsmanager_secret, aws_sfn_*).
	case graph.KindSNSTopic:
		return "sns"
	case graph.KindKMSKey:
		return "kms"
	case graph.KindSecret:
		return "CD-SECRETS-MANAGER"
	case graph.KindStateMachine:
		return "step-functions"
	case graph.KindRestAPI, graph.KindHTTPAPI:
		return "api-gateway"
	case graph.KindIAMRole, graph.KindIAMUser, graph.KindIAMGroup:
		return "CD-AWS-IAM"
	// iriusrisk/startleft, startleft/config/default-cloudformation-mapping.yaml:
	// AWS::CloudFront::* → cf-cloudfront, AWS::RDS::DBInstance → rds,
	// AWS::EKS::Cluster → elastic-container-kubernetes, AWS::WAF* → CD-WAF.
	case graph.KindDistribution:
		return "cf-cloudfront"
	case graph.KindDBInstance, graph.KindDBCluster:
		return "rds"
	case graph.KindEKSCluster:
		return "elastic-container-kubernetes"
	case graph.KindWebACL:
		return "CD-WAF"
	case graph.KindInternet:
		return "generic-client"
	case graph.KindAnyAWSAccount, graph.KindExternalAccount:
		return "aws-account"
	case graph.KindOrganization:
		return "aws-organization"
	case graph.KindServicePrincipal:
		return "aws-service-principal"
	case graph.KindFederated:
		return "federated-identity-provider"
	case graph.KindPrincipalARN:
		return "aws-principal"
	}
	return "empty-component"
}

// otmZones lists the model's zones as OTM has them: side by side, least
// trusted first (a scanned account's organization is an attribute, not a
// parent zone).
func otmZones(m *diagram.Model) []*diagram.Zone {
	zs := slices.DeleteFunc(m.AllZones(), func(z *diagram.Zone) bool { return len(z.Nodes) == 0 })
	slices.SortStableFunc(zs, func(a, b *diagram.Zone) int { return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.ID, b.ID)) })
	return zs
}

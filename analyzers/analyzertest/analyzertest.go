// Package analyzertest runs one analyzer over fixtures that carry their own
// expectations, in the manner of golang.org/x/tools/go/analysis/analysistest
// and its "// want" comments.
//
// A fixture is testdata/NAME.yaml: a trustmap snapshot written as YAML
// (policy documents as strings), an optional `trust:` section
// (known_accounts: {id: name}, organizations, expected_public: {arn:
// reason}, baseline: [ids]), and expectations next to the resources that
// produce them: a node may carry `want:`, a list of regular expressions;
// expectations about ids that are not nodes (principals, ARNs outside the
// scan, "" for account-wide findings) go in a top-level `want:` map from id
// to list.
//
// The analyzer and what it requires run over the resolved graph. Every
// finding the analyzer reports, and every item of its result, is rendered
// as one line (see Line) and anchored at a resource: a finding at its
// Resource, an entry point and a threat at their resource, a crossing at
// its To, an attack path at the resource it enters. Each line must match
// one expectation at its anchor, and each expectation must match one line:
// an expectation is used up by the first line it matches. A line nobody
// expected, or an expectation nothing produced, fails the test.
package analyzertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
)

type fixture struct {
	Trust struct {
		KnownAccounts  map[string]string `yaml:"known_accounts"`
		Organizations  []string          `yaml:"organizations"`
		ExpectedPublic map[string]string `yaml:"expected_public"`
		Baseline       []string          `yaml:"baseline"`
		// Business context: crown jewels (ARN or glob → reason), data
		// classification (ARN or glob → level) and the tag read for a level.
		CrownJewels        map[string]string `yaml:"crown_jewels"`
		DataClassification map[string]string `yaml:"data_classification"`
		ClassificationTag  string            `yaml:"classification_tag"`
	} `yaml:"trust"`
	Want     map[string][]string `yaml:"want"`
	Snapshot map[string]any      `yaml:"snapshot"`
}

// Run runs a over every fixture in dir and checks each one's expectations.
func Run(t *testing.T, a *analyzers.Analyzer, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s", dir)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			Check(t, a, file)
		})
	}
}

// Check runs a over one fixture and compares what it produced with the
// fixture's expectations.
func Check(t *testing.T, a *analyzers.Analyzer, file string) {
	t.Helper()
	snap, trust, wants := load(t, file)
	got := Produce(t, a, snap, trust)
	anchors := map[string]bool{}
	for id := range wants {
		anchors[id] = true
	}
	for id := range got {
		anchors[id] = true
	}
	ids := make([]string, 0, len(anchors))
	for id := range anchors {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		pending := slices.Clone(wants[id])
		used := make([]bool, len(pending))
		for _, line := range got[id] {
			matched := false
			for i, w := range pending {
				if !used[i] && w.re.MatchString(line) {
					used[i], matched = true, true
					break
				}
			}
			if !matched {
				t.Errorf("%s: at %s: unexpected %s", filepath.Base(file), orAccount(id), line)
			}
		}
		for i, w := range pending {
			if !used[i] {
				t.Errorf("%s:%d: at %s: nothing matches want %q; produced there:\n\t%s", filepath.Base(file), w.line, orAccount(id), w.re,
					strings.Join(got[id], "\n\t"))
			}
		}
	}
}

func orAccount(id string) string {
	if id == "" {
		return "(no resource)"
	}
	return id
}

// Produce runs a (and what it requires) and returns its findings and result
// items as lines, by anchor.
func Produce(t testing.TB, a *analyzers.Analyzer, snap *graph.Snapshot, trust *results.Trust) map[string][]string {
	t.Helper()
	g := graph.Resolve(snap)
	res, err := analyzers.Run(g, trust, closure(a))
	if err != nil {
		t.Fatalf("analyzers: %v", err)
	}
	out := map[string][]string{}
	for _, f := range res.Findings {
		if f.Analyzer == a.Name {
			out[f.Resource] = append(out[f.Resource], FindingLine(f))
		}
	}
	for anchor, line := range ResultLines(res.ResultOf[a]) {
		out[anchor] = append(out[anchor], line...)
	}
	return out
}

// FindingLine renders a finding: "finding RULE severity [recognized]
// [suppressed] confidence=C: message | fix: remediation".
func FindingLine(f analyzers.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "finding %s %s", f.RuleID, f.Severity)
	if f.Recognized {
		b.WriteString(" recognized")
	}
	if f.Suppressed != nil {
		b.WriteString(" suppressed")
	}
	fmt.Fprintf(&b, " confidence=%s: %s", f.Confidence, f.Message)
	if f.Remediation != "" {
		b.WriteString(" | fix: " + f.Remediation)
	}
	return b.String()
}

// ResultLines renders the items of an analyzer's result, by anchor. A
// result of a type it does not know is one line at "" naming the type, so
// a new result type fails loudly until it is rendered here.
func ResultLines(v any) map[string][]string {
	out := map[string][]string{}
	add := func(anchor, line string) { out[anchor] = append(out[anchor], line) }
	switch r := v.(type) {
	case nil:
	case []results.EntryPoint:
		for _, ep := range r {
			line := fmt.Sprintf("entry-point via=%s exposure=%s principals=%s access=%s actions=%s severity=%s recognized=%v certain=%v",
				ep.Via, ep.Exposure, strings.Join(ep.Principals, ","), join(ep.Access), strings.Join(ep.Actions, ","), ep.Severity, ep.Recognized, ep.Certain)
			if ep.Authorizer != "" {
				line += " authorizer=" + ep.Authorizer
			}
			if len(ep.Guards) > 0 {
				line += " guards=" + joinStrings(ep.Guards)
			}
			if len(ep.Evidence.Conditions) > 0 {
				line += " conditions=" + strings.Join(ep.Evidence.Conditions, "; ")
			}
			if len(ep.Evidence.Fix) > 0 {
				line += " fix=" + strings.Join(ep.Evidence.Fix, "; ")
			}
			add(ep.ResourceARN, line)
		}
	case []results.Crossing:
		for _, c := range r {
			line := fmt.Sprintf("crossing from=%s (%s) kind=%s via=%s exposure=%s recognized=%v", c.From, c.FromZone, c.Kind, c.Via, c.Exposure, c.Recognized)
			if c.RecognizedBy != "" {
				line += " by=" + c.RecognizedBy
			}
			if c.Label != "" {
				line += " label=" + c.Label
			}
			if c.Organization != "" {
				line += " organization=" + c.Organization
			}
			add(c.To, line)
		}
	case []results.AttackPath:
		for _, p := range r {
			var steps []string
			for _, s := range p.Steps {
				step := fmt.Sprintf("-%s-> %s", s.Edge, s.To)
				if k := s.Key; k != nil {
					step += fmt.Sprintf(" [key %s %s=%s]", k.Key, k.Action, k.Access)
				}
				steps = append(steps, step)
			}
			line := fmt.Sprintf("path from=%s via=%s severity=%s certain=%v target=%s steps=%s", p.FromZone, p.EntryVia, p.Severity, p.Certain, p.Target, strings.Join(steps, " "))
			anchor := p.Target
			if len(p.Steps) > 0 {
				anchor = p.Steps[0].To
			}
			add(anchor, line)
		}
	case []results.Threat:
		for _, th := range r {
			line := fmt.Sprintf("threat L%d×I%d=%d %s recognized=%v stride=%s title=%s tree=%s mitigations=%s",
				th.Likelihood, th.Impact, th.Risk, th.Severity, th.Recognized, strings.Join(th.STRIDE, ","), th.Title, tree(th.AttackTree), strings.Join(th.Mitigations, " / "))
			add(th.ResourceARN, line)
		}
	case []results.AccountReach:
		// Anchored at the account's node (account:<id>).
		for _, ar := range r {
			if len(ar.FromOutside) == 0 {
				add(graph.AccountID(ar.Account), fmt.Sprintf("reach org=%s from-outside=none", ar.Organization))
			}
			for _, o := range ar.FromOutside {
				add(graph.AccountID(ar.Account), fmt.Sprintf("reach org=%s from=%s direct=%v severity=%s through=%s resources=%s",
					ar.Organization, o.Zone, o.Direct, o.Severity, strings.Join(o.Through, ","), strings.Join(o.Resources, ",")))
			}
		}
	default:
		add("", fmt.Sprintf("result of type %T that analyzertest cannot render", v))
	}
	return out
}

// tree renders an attack tree as goal[holds](children...).
func tree(n *results.AttackNode) string {
	if n == nil {
		return ""
	}
	s := n.Goal + "[" + n.Holds.String() + "]"
	if len(n.Children) > 0 {
		var cs []string
		for _, c := range n.Children {
			cs = append(cs, tree(c))
		}
		s += "(" + strings.Join(cs, "; ") + ")"
	}
	return s
}

func joinStrings[S ~string](vs []S) string {
	ss := make([]string, len(vs))
	for i, v := range vs {
		ss[i] = string(v)
	}
	return strings.Join(ss, ",")
}

func join[S fmt.Stringer](vs []S) string {
	ss := make([]string, len(vs))
	for i, v := range vs {
		ss[i] = v.String()
	}
	return strings.Join(ss, ",")
}

type want struct {
	re   *regexp.Regexp
	line int
}

// Load reads a fixture into a snapshot and a trust config (for tests that
// run analyzers over fixtures themselves).
func Load(t testing.TB, file string) (*graph.Snapshot, *results.Trust) {
	snap, trust, _ := load(t, file)
	return snap, trust
}

func load(t testing.TB, file string) (*graph.Snapshot, *results.Trust, map[string][]want) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var fx fixture
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fx); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	wants := map[string][]want{}
	compile := func(id string, patterns []string, line func(int) int) {
		for i, p := range patterns {
			re, err := regexp.Compile(p)
			if err != nil {
				t.Fatalf("%s:%d: want %q: %v", file, line(i), p, err)
			}
			wants[id] = append(wants[id], want{re, line(i)})
		}
	}
	for id, ps := range fx.Want {
		compile(id, ps, func(i int) int { return wantLine(&doc, "", id, i) })
	}
	if fx.Snapshot == nil {
		t.Fatalf("%s: no snapshot", file)
	}
	nodes, _ := fx.Snapshot["nodes"].([]any)
	for _, n := range nodes {
		m, ok := n.(map[string]any)
		if !ok {
			continue
		}
		id, _ := m["id"].(string)
		if w, ok := m["want"]; ok {
			var ps []string
			for _, p := range w.([]any) {
				ps = append(ps, fmt.Sprint(p))
			}
			compile(id, ps, func(i int) int { return wantLine(&doc, id, "", i) })
			delete(m, "want")
		}
	}
	if fx.Snapshot["schema_version"] == nil {
		fx.Snapshot["schema_version"] = graph.SchemaVersion
	}
	raw, err := json.Marshal(fx.Snapshot)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	snap, err := graph.ReadSnapshot(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if snap.ScannedAt.IsZero() {
		snap.ScannedAt = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	}
	trust := &results.Trust{
		KnownAccounts:  fx.Trust.KnownAccounts,
		OrgIDs:         fx.Trust.Organizations,
		ExpectedPublic: fx.Trust.ExpectedPublic,
		Baseline:       map[string]bool{},
		BaselineName:   "fixture baseline",
		Now:            snap.ScannedAt,
	}
	for _, id := range fx.Trust.Baseline {
		trust.Baseline[id] = true
	}
	for _, arn := range slices.Sorted(maps.Keys(fx.Trust.CrownJewels)) {
		trust.CrownJewels = append(trust.CrownJewels, results.Marking{Resource: arn, Level: results.DataRestricted, Reason: fx.Trust.CrownJewels[arn], CrownJewel: true})
	}
	for _, arn := range slices.Sorted(maps.Keys(fx.Trust.DataClassification)) {
		trust.Classification = append(trust.Classification, results.Marking{Resource: arn, Level: results.DataLevel(fx.Trust.DataClassification[arn])})
	}
	trust.ClassificationTag = fx.Trust.ClassificationTag
	return snap, trust, wants
}

// wantLine finds the line of the i-th expectation of a node (nodeID) or of
// the top-level want map (key), for error messages.
func wantLine(doc *yaml.Node, nodeID, key string, i int) int {
	var found int
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if found != 0 || n == nil {
			return
		}
		if n.Kind == yaml.MappingNode {
			var id string
			var wantSeq *yaml.Node
			for j := 0; j+1 < len(n.Content); j += 2 {
				k, v := n.Content[j].Value, n.Content[j+1]
				switch {
				case k == "id":
					id = v.Value
				case k == "want" && v.Kind == yaml.SequenceNode:
					wantSeq = v
				case k == "want" && v.Kind == yaml.MappingNode && nodeID == "":
					for l := 0; l+1 < len(v.Content); l += 2 {
						if v.Content[l].Value == key && i < len(v.Content[l+1].Content) {
							found = v.Content[l+1].Content[i].Line
							return
						}
					}
				}
			}
			if nodeID != "" && id == nodeID && wantSeq != nil && i < len(wantSeq.Content) {
				found = wantSeq.Content[i].Line
				return
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc)
	return found
}

// closure returns a and everything it requires, dependencies first.
func closure(a *analyzers.Analyzer) []*analyzers.Analyzer {
	var out []*analyzers.Analyzer
	seen := map[*analyzers.Analyzer]bool{}
	var visit func(*analyzers.Analyzer)
	visit = func(x *analyzers.Analyzer) {
		if seen[x] {
			return
		}
		seen[x] = true
		for _, r := range x.Requires {
			visit(r)
		}
		out = append(out, x)
	}
	visit(a)
	return out
}

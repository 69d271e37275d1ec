package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/internal/golden"
	"github.com/trustmap/trustmap/internal/reporttest"
	"github.com/trustmap/trustmap/internal/trustconfig"
	"github.com/trustmap/trustmap/report"
	"github.com/trustmap/trustmap/report/diagram"
)

const pipelineFixture = "testdata/pipeline.yaml"

// pipelineInput runs the whole offline pipeline over the threats fixture:
// the DESIGN.md queue plus a public API method.
func pipelineInput(t testing.TB) report.Input {
	t.Helper()
	return reporttest.Input(t, pipelineFixture)
}

func render(t testing.TB, write func(io.Writer, report.Input) error, in report.Input) []byte {
	t.Helper()
	return reporttest.Render(t, write, in)
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got)
}

var (
	schemaMu    sync.Mutex
	schemaCache = map[string]*jsonschema.Schema{}
)

// validateSchema checks doc against one of the official schemas kept in
// schema/ (see schema/README.md for their sources).
func validateSchema(t *testing.T, file string, doc []byte) {
	t.Helper()
	schemaMu.Lock()
	s, ok := schemaCache[file]
	if !ok {
		raw, err := os.ReadFile(filepath.Join("schema", file))
		if err != nil {
			schemaMu.Unlock()
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			schemaMu.Unlock()
			t.Fatalf("%s: %v", file, err)
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource(file, v); err != nil {
			schemaMu.Unlock()
			t.Fatal(err)
		}
		if s, err = c.Compile(file); err != nil {
			schemaMu.Unlock()
			t.Fatalf("compiling %s: %v", file, err)
		}
		schemaCache[file] = s
	}
	schemaMu.Unlock()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("output does not match %s: %v", file, err)
	}
}

func TestOTMJSONMatchesTheGoldenFileAndTheOTMSchema(t *testing.T) {
	got := render(t, WriteOTMJSON, pipelineInput(t))
	checkGolden(t, "pipeline.otm.json.golden", got)
	validateSchema(t, "otm-0.2.0.schema.json", got)
}

func TestOTMYAMLMatchesTheGoldenFileAndTheOTMSchemaAndEqualsTheJSON(t *testing.T) {
	in := pipelineInput(t)
	got := render(t, WriteOTMYAML, in)
	checkGolden(t, "pipeline.otm.yaml.golden", got)
	var y any
	if err := yaml.Unmarshal(got, &y); err != nil {
		t.Fatal(err)
	}
	asJSON, err := json.Marshal(y)
	if err != nil {
		t.Fatal(err)
	}
	validateSchema(t, "otm-0.2.0.schema.json", asJSON)
	var fromYAML, fromJSON any
	json.Unmarshal(asJSON, &fromYAML)
	json.Unmarshal(render(t, WriteOTMJSON, in), &fromJSON)
	if diff := cmp.Diff(fromJSON, fromYAML); diff != "" {
		t.Errorf("OTM YAML and JSON hold different models (-json +yaml):\n%s", diff)
	}
}

func TestThreatDragonMatchesTheGoldenFileAndTheThreatDragonSchema(t *testing.T) {
	got := render(t, WriteThreatDragon, pipelineInput(t))
	checkGolden(t, "pipeline.threatdragon.json.golden", got)
	validateSchema(t, "threat-dragon-v2.schema.json", got)
}

func TestSARIFMatchesTheGoldenFileAndTheSARIFSchema(t *testing.T) {
	got := render(t, WriteSARIF, pipelineInput(t))
	checkGolden(t, "pipeline.sarif.golden", got)
	validateSchema(t, "sarif-2.1.0.schema.json", got)
}

func TestASFFMatchesTheGoldenFile(t *testing.T) {
	checkGolden(t, "pipeline.asff.json.golden", render(t, WriteASFF, pipelineInput(t)))
}

func TestEveryExportIsByteForByteTheSameWhenThePipelineIsRunAgain(t *testing.T) {
	writers := map[string]func(io.Writer, report.Input) error{
		"otm": WriteOTMJSON, "otm-yaml": WriteOTMYAML, "threatdragon": WriteThreatDragon, "sarif": WriteSARIF, "asff": WriteASFF,
	}
	for name, w := range writers {
		t.Run(name, func(t *testing.T) {
			a := render(t, w, pipelineInput(t))
			b := render(t, w, pipelineInput(t))
			if !bytes.Equal(a, b) {
				t.Errorf("two runs over the same snapshot differ:\n%s", cmp.Diff(string(a), string(b)))
			}
		})
	}
}

func TestOTMIdsAreStableHashesAndEveryReferenceResolves(t *testing.T) {
	in := pipelineInput(t)
	var o otmModel
	if err := json.Unmarshal(render(t, WriteOTMJSON, in), &o); err != nil {
		t.Fatal(err)
	}
	zones, comps, threats, mits := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, z := range o.TrustZones {
		zones[z.ID] = true
	}
	for _, c := range o.Components {
		if comps[c.ID] {
			t.Errorf("component id %s used twice", c.ID)
		}
		comps[c.ID] = true
	}
	for _, th := range o.Threats {
		threats[th.ID] = true
	}
	for _, m := range o.Mitigations {
		mits[m.ID] = true
		if m.RiskReduction <= 0 || m.RiskReduction > 100 {
			t.Errorf("mitigation %s riskReduction %d outside 1–100", m.ID, m.RiskReduction)
		}
	}
	if !zones[otmInternetZone] || !zones[otmPublicCloudZone] {
		t.Errorf("IriusRisk's Internet and Public Cloud zones are missing: %v", zones)
	}
	for _, z := range o.TrustZones {
		if z.Parent != nil && !zones[z.Parent.TrustZone] {
			t.Errorf("zone %s has an unknown parent %s", z.Name, z.Parent.TrustZone)
		}
	}
	arnOf := map[string]string{}
	for _, c := range o.Components {
		if (c.Parent.TrustZone == "") == (c.Parent.Component == "") {
			t.Errorf("component %s must have exactly one parent: %+v", c.Name, c.Parent)
		}
		if c.Parent.TrustZone != "" && !zones[c.Parent.TrustZone] || c.Parent.Component != "" && !comps[c.Parent.Component] {
			t.Errorf("component %s has an unknown parent %+v", c.Name, c.Parent)
		}
		id := c.Attributes["arn"] + c.Attributes["principal"]
		if c.ID != otmComponentID(id) {
			t.Errorf("component %s id %s is not the stable hash of %s", c.Name, c.ID, id)
		}
		arnOf[c.ID] = id
		for _, ti := range c.Threats {
			if !threats[ti.Threat] || ti.State != "exposed" {
				t.Errorf("component %s: threat instance %+v", c.Name, ti)
			}
			for _, mi := range ti.Mitigations {
				if !mits[mi.Mitigation] || mi.State != "required" {
					t.Errorf("component %s: mitigation instance %+v", c.Name, mi)
				}
			}
		}
	}
	for _, d := range o.Dataflows {
		if !comps[d.Source] || !comps[d.Destination] {
			t.Errorf("dataflow %s connects something that is not a component: %s → %s", d.Name, d.Source, d.Destination)
		}
	}
	// The API method hangs under its API; the internet is a generic client.
	method := "arn:aws:apigateway:us-east-1::/restapis/a1b2c3/resources/r1/methods/GET"
	for _, c := range o.Components {
		switch arnOf[c.ID] {
		case method:
			if c.Parent.Component != otmComponentID("arn:aws:apigateway:us-east-1::/restapis/a1b2c3") {
				t.Errorf("the method's parent is %+v, want its API", c.Parent)
			}
		case "internet":
			if c.Type != "generic-client" || c.Parent.TrustZone != otmInternetZone {
				t.Errorf("internet component: %+v", c)
			}
		}
	}
	for _, th := range o.Threats {
		for _, rt := range in.Report.Threats {
			if rt.ID == th.ID && (th.Risk.Likelihood != rt.Likelihood*20 || th.Risk.Impact != rt.Impact*20) {
				t.Errorf("threat %s risk %+v, want likelihood %d and impact %d", th.ID, th.Risk, rt.Likelihood*20, rt.Impact*20)
			}
		}
	}
}

func TestAnOTMExportUsedAsBaselineRecognizesEveryResourceItModels(t *testing.T) {
	in := pipelineInput(t)
	for _, format := range []struct {
		name  string
		write func(io.Writer, report.Input) error
	}{{"model.otm.json", WriteOTMJSON}, {"model.otm.yaml", WriteOTMYAML}} {
		path := filepath.Join(t.TempDir(), format.name)
		if err := os.WriteFile(path, render(t, format.write, in), 0o600); err != nil {
			t.Fatal(err)
		}
		tr := &results.Trust{}
		if err := trustconfig.LoadBaseline(path, tr); err != nil {
			t.Fatal(err)
		}
		for _, ep := range in.Report.EntryPoints {
			if !tr.Known("", ep.ResourceARN) {
				t.Errorf("%s: the baseline does not know %s", format.name, ep.ResourceARN)
			}
		}
	}
}

func TestThreatDragonPutsEachThreatOnItsResourceWithOneThreatPerSTRIDECategory(t *testing.T) {
	in := pipelineInput(t)
	td := readThreatDragon(t, in)
	byCell := map[string]tdCell{}
	for _, c := range td.Detail.Diagrams[0].Cells {
		byCell[c.ID] = c
	}
	total := 0
	for _, th := range in.Report.Threats {
		c, ok := byCell[stableUUID("td-element", th.ResourceARN)]
		if !ok {
			t.Fatalf("no cell for %s", th.ResourceARN)
		}
		var types []string
		for _, x := range c.Data.Threats {
			if strings.HasPrefix(x.Title, th.ID+" ") {
				types = append(types, x.Type)
				if x.Status != "Open" || x.Severity != severityWord(th.Severity) || x.Score == "" || x.Mitigation == "" || x.ModelType != "STRIDE" {
					t.Errorf("threat %+v", x)
				}
			}
		}
		if diff := cmp.Diff(th.STRIDE, types); diff != "" {
			t.Errorf("%s: STRIDE types on the cell (-want +got):\n%s", th.ID, diff)
		}
		if !c.Data.HasOpenThreats {
			t.Errorf("cell %s has open threats but hasOpenThreats is false", c.Data.Name)
		}
		total += len(types)
	}
	if td.Detail.ThreatTop != total {
		t.Errorf("threatTop %d, want %d", td.Detail.ThreatTop, total)
	}
	for _, c := range td.Detail.Diagrams[0].Cells {
		if c.Shape == "flow" {
			if _, ok := byCell[c.Source.Cell]; !ok {
				t.Errorf("flow %s starts at no cell", c.Data.Name)
			}
			if _, ok := byCell[c.Target.Cell]; !ok {
				t.Errorf("flow %s ends at no cell", c.Data.Name)
			}
		}
	}
}

// The official schemas are kept verbatim (schema/README.md names their
// sources); an edit would silently weaken every validation above.
func TestTheOfficialSchemasAreTheVerbatimUpstreamCopies(t *testing.T) {
	for file, want := range map[string]string{
		"otm-0.2.0.schema.json":        "349394d3fd38f0492cef7c154014c623db7b858a5cb16180b26f0af8b6098660",
		"threat-dragon-v2.schema.json": "9a7363a6fa308ac7dc3badc19df2cf70dc00d6f3a2cec76131331b854a7ae20e",
		"threat-dragon-v1.schema.json": "c13e84018f4a1102bec077ffc443047a7c458d39dabd54a9a2b7282b7956f913",
		"sarif-2.1.0.schema.json":      "80cd7ffb9b62a4162d541aa9170862dd264f6cce0f04c57f1ac9f2337b808958",
	} {
		raw, err := os.ReadFile(filepath.Join("schema", file))
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(raw)); got != want {
			t.Errorf("schema/%s was changed (sha256 %s); replace it only with an upstream copy and update schema/README.md", file, got)
		}
	}
}

// Every analyzer fixture (external accounts, organizations, service
// principals, function URLs, users and keys, ...) through every export:
// schema-valid, within ASFF's and GitHub's rules, and a readable layout.
func TestEveryAnalyzerFixtureExportsToValidFilesWithAReadableDiagram(t *testing.T) {
	files, err := filepath.Glob("../../analyzers/*/testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimPrefix(file, "../../analyzers/"), func(t *testing.T) {
			in := reporttest.Input(t, file)
			in.SnapshotFile = ""
			validateSchema(t, "otm-0.2.0.schema.json", render(t, WriteOTMJSON, in))
			validateSchema(t, "threat-dragon-v2.schema.json", render(t, WriteThreatDragon, in))
			validateSchema(t, "sarif-2.1.0.schema.json", render(t, WriteSARIF, in))
			for _, f := range parseASFF(t, in) {
				checkASFF(t, f)
			}
			m := diagram.Build(in, diagram.Everything)
			for _, p := range diagram.Place(m, tdGrid).Problems(m) {
				t.Error(p)
			}
		})
	}
}

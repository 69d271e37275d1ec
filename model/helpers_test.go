package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/trustmap/trustmap/analyzers"
	anall "github.com/trustmap/trustmap/analyzers/all"
	"github.com/trustmap/trustmap/analyzers/results"
	collall "github.com/trustmap/trustmap/collectors/all"
	"github.com/trustmap/trustmap/collectors/collectortest"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/demo"
	"github.com/trustmap/trustmap/report"
)

var (
	demoOnce sync.Once
	demoSnap *graph.Snapshot
)

// demoScan is the demo account (internal/demo), scanned through the real
// collectors against the fake endpoint once per test binary, analysed
// with trust (nil: none).
func demoScan(t *testing.T, trust *results.Trust) *Scan {
	t.Helper()
	demoOnce.Do(func() {
		s := collectortest.Run(t, string(demo.Fixture), collectortest.Options{}, collall.Collectors()...)
		if s.Err != nil {
			t.Fatalf("scanning the demo: %v", s.Err)
		}
		demoSnap = s.Snapshot
	})
	if demoSnap == nil {
		t.Fatal("the demo scan failed in an earlier test")
	}
	return analysed(t, demoSnap, trust, "demo snapshot")
}

// analysed runs the analyzers over a snapshot, as trustmap analyze does.
func analysed(t *testing.T, snap *graph.Snapshot, trust *results.Trust, source string) *Scan {
	t.Helper()
	if trust == nil {
		trust = &results.Trust{}
	}
	trust.Now = snap.ScannedAt
	g := graph.Resolve(snap)
	res, err := analyzers.Run(g, trust, anall.Analyzers())
	if err != nil {
		t.Fatal(err)
	}
	return &Scan{Report: report.Build(g, res), Graph: g, Source: source}
}

// readModel reads a model file, failing the test on error.
func readModel(t *testing.T, path string) *Model {
	t.Helper()
	m, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// fixtures are the real-world-shaped models of testdata/models (README.md
// there says what each is shaped after), the demo models, and trustmap's
// own exports.
var fixtures = []string{
	"testdata/models/iriusrisk-style.otm.yaml",
	"testdata/models/startleft-style.otm.yaml",
	"testdata/models/mtmt-style.otm.yaml",
	"testdata/models/manual.otm.json",
	"testdata/models/td-v2-curves.json",
	"testdata/models/td-v2-boxes.json",
	"testdata/models/td-v1.json",
	"../testdata/models/demo.otm.yaml",
	"../testdata/models/demo.threatdragon.json",
	"../report/export/testdata/pipeline.otm.json.golden",
	"../report/export/testdata/pipeline.otm.yaml.golden",
	"../report/export/testdata/pipeline.threatdragon.json.golden",
	"testdata/models/upstream/otm-EXAMPLE.yaml",
	"testdata/models/upstream/td-example-open-threat-model.json",
	"testdata/models/upstream/td-demo-threat-model.json",
	"testdata/models/upstream/td-v2-new-model.json",
	"testdata/models/upstream/td-test-v1-model.json",
	"testdata/models/upstream/td-test-v2-model.json",
}

// generic reads a model file as plain data (maps, lists, scalars).
func generic(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if looksJSON(data) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		return v
	}
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("not YAML: %v", err)
	}
	return v
}

var (
	schemaMu    sync.Mutex
	schemaCache = map[string]*jsonschema.Schema{}
)

// schemaErrors validates a model against the official schema of its
// format kept in report/export/schema (OTM 0.2.0, Threat Dragon v1 and v2) and
// returns where it fails, as instance locations and keywords; "" entries
// are never returned.
func schemaErrors(t *testing.T, m *Model, data []byte) map[string]bool {
	t.Helper()
	file := "otm-0.2.0.schema.json"
	if m.Format == FormatThreatDragon {
		file = fmt.Sprintf("threat-dragon-v%d.schema.json", m.TDMajor)
	}
	schemaMu.Lock()
	s, ok := schemaCache[file]
	if !ok {
		raw, err := os.ReadFile(filepath.Join("..", "report", "export", "schema", file))
		if err != nil {
			schemaMu.Unlock()
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			schemaMu.Unlock()
			t.Fatal(err)
		}
		nullable(doc)
		c := jsonschema.NewCompiler()
		if err := c.AddResource(file, doc); err != nil {
			schemaMu.Unlock()
			t.Fatal(err)
		}
		if s, err = c.Compile(file); err != nil {
			schemaMu.Unlock()
			t.Fatal(err)
		}
		schemaCache[file] = s
	}
	schemaMu.Unlock()
	js := data
	if !looksJSON(data) {
		var err error
		if js, err = json.Marshal(jsonable(generic(t, data))); err != nil {
			t.Fatal(err)
		}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	if err := s.Validate(inst); err != nil {
		var leaves func(e *jsonschema.ValidationError)
		leaves = func(e *jsonschema.ValidationError) {
			if len(e.Causes) == 0 {
				loc := "/"
				for _, p := range e.InstanceLocation {
					loc += p + "/"
				}
				out[loc+" "+e.ErrorKind.KeywordPath()[len(e.ErrorKind.KeywordPath())-1]] = true
				return
			}
			for _, c := range e.Causes {
				leaves(c)
			}
		}
		if ve, ok := err.(*jsonschema.ValidationError); ok {
			leaves(ve)
		} else {
			t.Fatal(err)
		}
	}
	return out
}

// nullable gives the schema the meaning Threat Dragon's own validator
// gives it: the app checks models with Ajv (td.vue/src/service/schema/
// ajv.js), which reads OpenAPI's "nullable": true as "null is allowed too",
// and the app writes null where the schema says nullable (strokeDasharray).
// JSON Schema ignores the keyword, so each such type becomes [type, "null"].
// The file in report/export/schema stays verbatim.
func nullable(v any) {
	switch x := v.(type) {
	case map[string]any:
		if x["nullable"] == true {
			switch ty := x["type"].(type) {
			case string:
				x["type"] = []any{ty, "null"}
			case []any:
				if !slices.Contains(ty, any("null")) {
					x["type"] = append(ty, "null")
				}
			}
		}
		for _, e := range x {
			nullable(e)
		}
	case []any:
		for _, e := range x {
			nullable(e)
		}
	}
}

// jsonable turns YAML's decoded maps into ones JSON can encode.
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonable(e)
		}
		return x
	case map[any]any:
		m := map[string]any{}
		for k, e := range x {
			m[toString(k)] = jsonable(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonable(e)
		}
	}
	return v
}

func toString(v any) string {
	b, _ := json.Marshal(v)
	return string(bytes.Trim(b, `"`))
}

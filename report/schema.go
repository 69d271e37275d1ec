package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Schema is the JSON Schema of report.json, kept in the repository.
//
//go:embed schema/report.schema.json
var Schema []byte

var (
	compileOnce sync.Once
	compiled    *jsonschema.Schema
	compileErr  error
)

// Validate checks a report.json document against Schema.
func Validate(doc []byte) error {
	compileOnce.Do(func() {
		var s any
		if compileErr = json.Unmarshal(Schema, &s); compileErr != nil {
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if compileErr = c.AddResource("report.schema.json", s); compileErr != nil {
			return
		}
		compiled, compileErr = c.Compile("report.schema.json")
	})
	if compileErr != nil {
		return fmt.Errorf("report schema: %w", compileErr)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("report.json: %w", err)
	}
	return compiled.Validate(v)
}

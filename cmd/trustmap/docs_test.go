package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	anall "github.com/trustmap/trustmap/analyzers/all"
	"github.com/trustmap/trustmap/collectors"
	collall "github.com/trustmap/trustmap/collectors/all"
	goldenfile "github.com/trustmap/trustmap/internal/golden"
)

// docsPath is the generated list of collectors and analyzers. It is built
// from collectors/all and analyzers/all, so the docs cannot drift from the
// code: `go test ./cmd/trustmap -run TestGeneratedDocs -update` rewrites it.
const docsPath = "../../docs/analyzers.md"

func generatedDocs() string {
	var b strings.Builder
	b.WriteString("# Collectors and analyzers\n\n")
	b.WriteString("Generated from `collectors/all` and `analyzers/all` by `go test ./cmd/trustmap -run TestGeneratedDocs -update`; CI fails when it is stale.\n\n")
	b.WriteString("## Collectors\n\n| collector | scope | API calls (IAM actions) |\n|---|---|---|\n")
	for _, c := range collall.Collectors() {
		var calls []string
		if d, ok := c.(collectors.Describer); ok {
			for _, spec := range d.Clients() {
				for i := 0; i < spec.Interface.NumMethod(); i++ {
					m := spec.Interface.Method(i).Name
					calls = append(calls, fmt.Sprintf("%s (%s)", m, strings.Join(spec.Actions[m], ", ")))
				}
			}
		}
		slices.Sort(calls)
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c.Name(), c.Scope(), strings.Join(calls, "<br>"))
	}
	fmt.Fprintf(&b, "\nThe runner itself calls %s.\n", strings.Join(collectors.RunnerActions, " and "))
	b.WriteString("\n## Analyzers\n\nRun in dependency order; each is one package under `analyzers/`.\n\n")
	for _, a := range anall.Analyzers() {
		fmt.Fprintf(&b, "### %s\n\n%s\n\n", a.Name, a.Doc)
		if len(a.Requires) > 0 {
			var req []string
			for _, r := range a.Requires {
				req = append(req, r.Name)
			}
			fmt.Fprintf(&b, "Requires: %s.\n\n", strings.Join(req, ", "))
		}
		if a.ResultType != nil {
			fmt.Fprintf(&b, "Result: `%s`.\n\n", a.ResultType)
		}
	}
	return b.String()
}

func TestGeneratedDocsListEveryCollectorAndAnalyzer(t *testing.T) {
	got := generatedDocs()
	goldenfile.Check(t, docsPath, []byte(got))
}

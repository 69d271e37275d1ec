// Package arch holds the test that keeps the house's layering: imports
// point one way, cmd → collectors / analyzers / report → graph → policy,
// no AWS SDK outside collectors and cmd, and the fake AWS endpoint and the
// collectors never share code. It reads the real import graph with
// `go list -deps`, so a new import that breaks a rule fails here.
package arch

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/trustmap/trustmap"

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
	Standard   bool
}

// list returns every package of the module with its direct imports and
// its transitive dependencies (non-test code).
func list(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-json", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(out)
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("go list: %v", err)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages: is the module root right?", len(pkgs))
	}
	return pkgs
}

func under(path string, prefixes ...string) bool {
	for _, p := range prefixes {
		p = module + "/" + p
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

func ours(path string) bool { return path == module || strings.HasPrefix(path, module+"/") }

func TestImportsPointOneWay(t *testing.T) {
	type rule struct {
		name    string
		applies func(p string) bool
		bad     func(dep string) bool
	}
	sdk := func(dep string) bool {
		return strings.HasPrefix(dep, "github.com/aws/aws-sdk-go-v2") || strings.HasPrefix(dep, "github.com/aws/smithy-go")
	}
	rules := []rule{
		{"policy imports nothing of the project", func(p string) bool { return under(p, "policy") },
			func(d string) bool { return ours(d) && !under(d, "policy") }},
		{"graph imports only policy of the project", func(p string) bool { return under(p, "graph") },
			func(d string) bool { return ours(d) && !under(d, "graph", "policy") }},
		{"analyzers import only graph and policy of the project", func(p string) bool { return under(p, "analyzers") },
			func(d string) bool { return ours(d) && !under(d, "analyzers", "graph", "policy") }},
		{"report reaches no analyzer: what writers need comes in through Input", func(p string) bool { return under(p, "report") },
			func(d string) bool {
				return ours(d) && !under(d, "report", "graph", "policy", "analyzers/results") && d != module+"/analyzers"
			}},
		// The report model knows no writer built on it; diagrams know no
		// export; exports and the page draw with diagrams.
		{"report (the model) imports none of its writer packages", func(p string) bool { return p == module+"/report" },
			func(d string) bool { return under(d, "report/diagram", "report/export", "report/html") }},
		{"report/diagram imports report, graph, policy and analyzers/results only", func(p string) bool { return under(p, "report/diagram") },
			func(d string) bool {
				return ours(d) && !under(d, "graph", "policy", "analyzers/results", "report/diagram") && d != module+"/report" && d != module+"/analyzers"
			}},
		{"report/export draws with report/diagram and reaches no other writer", func(p string) bool { return under(p, "report/export") },
			func(d string) bool { return under(d, "report/html") }},
		{"report/html reaches no export", func(p string) bool { return under(p, "report/html") },
			func(d string) bool { return under(d, "report/export") }},
		{"graph, policy, analyzers, report, store and model never reach the SDK or collectors",
			func(p string) bool { return under(p, "graph", "policy", "analyzers", "report", "store", "model") },
			func(d string) bool { return sdk(d) || under(d, "collectors", "cmd", "internal/fakeaws") }},
		{"the fake AWS endpoint shares no code with the collectors", func(p string) bool { return under(p, "internal/fakeaws") },
			func(d string) bool { return under(d, "collectors", "graph", "analyzers", "report", "policy") }},
		// collectortest is the collectors' test harness: it starts the fake.
		{"collectors never import the fake", func(p string) bool { return under(p, "collectors") && !under(p, "collectors/collectortest") },
			func(d string) bool { return under(d, "internal/fakeaws", "analyzers", "report") }},
	}
	for _, p := range list(t) {
		for _, r := range rules {
			if !r.applies(p.ImportPath) {
				continue
			}
			for _, d := range p.Deps {
				if r.bad(d) {
					t.Errorf("%s: %s depends on %s", r.name, p.ImportPath, d)
				}
			}
		}
	}
}

package graph

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// Every Kind constant declares its class in kindClasses: a new kind that
// does not fails here, before an analyzer silently treats it as "other".
func TestEveryKindHasAClass(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	n := 0
	{
		for _, f := range files {
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || gd.Tok != token.CONST {
					continue
				}
				for _, sp := range gd.Specs {
					vs := sp.(*ast.ValueSpec)
					if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Kind" {
						continue
					}
					for _, name := range vs.Names {
						n++
						lit := vs.Values[0].(*ast.BasicLit).Value
						k := Kind(strings.Trim(lit, `"`))
						if _, ok := kindClasses[k]; !ok {
							t.Errorf("Kind %s (%s) has no class in kindClasses", name.Name, k)
						}
					}
				}
			}
		}
	}
	if n < 20 {
		t.Fatalf("found %d Kind constants: the test is not reading the package", n)
	}
}

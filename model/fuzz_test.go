package model

import (
	"os"
	"strings"
	"testing"
)

// The readers take files from many tools and from people: on any input
// they either read a model or return one line naming the file, never
// panic; a model they read is written back unchanged, and an edit of it
// writes a file that reads again and keeps everything it held.

func fuzzSeeds(f *testing.F) {
	for _, p := range fixtures {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`{"otmVersion": "0.2.0", "project": {"name": "p", "id": "p"}, "components": null}`,
		"otmVersion: 0.2.0\nproject: {name: p, id: p}\ncomponents:\n  - {id: a, parent: {trustZone: z}, attributes: ~}\n",
		`{"summary": {"title": "t"}, "detail": {"diagrams": [{"diagramJson": {"cells": [{"type": "tm.Actor", "id": "a"}]}}]}}`,
		"a: &x {b: *x}\n",
		"otmVersion: 0.2.0\nproject: &p {name: p, id: p}\ncomponents: [*p]\n",
		`{"otmVersion": 1, "project": {"name": 2, "id": 3}, "components": [{"id": 4, "threats": [{"threat": 5}]}]}`,
		// Threat Dragon's "New threat model", version 1 and 2: no diagram
		// (td.vue/tests/unit/service/schema/test-v1-model.json, test-v2-model.json).
		`{"version": "1.6.1", "summary": {"title": "New threat model"}, "detail": {"contributors": [], "diagrams": []}}`,
		`{"version": "2.0.0-RC1", "summary": {"title": "New"}, "detail": {"contributors": [], "diagrams": [], "diagramTop": 0, "reviewer": "", "threatTop": 0}}`,
	} {
		f.Add([]byte(s))
	}
}

func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data, "fuzz.model")
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "fuzz.model") || strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
			return
		}
		out, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != string(data) {
			t.Fatal("a model read and not edited is written back differently")
		}
	})
}

// FuzzEdit adds a component or cell and marks the first element on any
// model the readers accept: the file written must read again, with the
// same elements (and the one added).
func FuzzEdit(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data, "fuzz.model")
		if err != nil {
			return
		}
		before := len(m.Elements)
		ed, ok := editorFor(m)
		if !ok {
			return
		}
		if len(m.Elements) > 0 {
			ed.mark(markable{e: m.Elements[0]}, "fuzzed: gone")
		}
		ed.addElement(newElement{id: "fuzz-new", name: "new: {x}", typ: "s3", shape: "store", zone: "",
			res: &resource{ID: "arn:aws:s3:::fuzz", Kind: "S3Bucket", Account: "123456789012"}})
		if err := ed.finish(&planner{}); err != nil {
			t.Fatal(err)
		}
		out, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		again, err := Parse(out, "written")
		if err != nil {
			t.Fatalf("the edited file does not read: %v\n%s", err, out)
		}
		if len(again.Elements) != before+1 || again.Element("fuzz-new") == nil {
			t.Fatalf("%d elements before, %d after the edit (want one more, fuzz-new)", before, len(again.Elements))
		}
	})
}

// editorFor returns the editor of a model's format.
func editorFor(m *Model) (editor, bool) {
	switch m.Format {
	case FormatOTM:
		return &otmEditor{m: m}, true
	case FormatThreatDragon:
		ed := newTDEditor(m)
		return ed, true
	}
	return nil, false
}

package model

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// The trees write back what no edit touched byte for byte, and place what
// an edit adds in the file's own layout.

func parseTree(t *testing.T, src string) doc {
	t.Helper()
	var d doc
	var err error
	if looksJSON([]byte(src)) {
		d, err = parseJSON([]byte(src))
	} else {
		d, err = parseYAML([]byte(src))
	}
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func written(t *testing.T, d doc) string {
	t.Helper()
	out, err := d.bytes()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestATreeNoEditTouchedIsWrittenBackAsItWasRead(t *testing.T) {
	for name, src := range map[string]string{
		"pretty JSON with escapes and long floats": "{\n  \"a\": \"caf\\u00e9 \\\"x\\\"\",\n  \"n\": 151.99999999999983,\n  \"l\": [ 1,2 ,3 ],\n  \"o\": {}\n}\n",
		"one-line JSON": `{"a":1,"b":[true,false,null]}`,
		"YAML with comments, blank lines, styles": "# head\na: 1   # one\n\nb:\n  - 'x'\n  - >-\n    folded\n    text\nc: \"q\"\n",
	} {
		t.Run(name, func(t *testing.T) {
			d := parseTree(t, src)
			// A set that writes what is there is no edit.
			if d.root().get("a") != nil && d.root().get("a").kind() == kNumber && d.root().set("a", 1) {
				t.Error("setting a to the value it has reported a change")
			}
			if d.changed() {
				t.Error("changed without an edit")
			}
			if got := written(t, d); got != src {
				t.Errorf("written back (-read +written):\n%s", cmp.Diff(src, got))
			}
		})
	}
}

func TestJSONEditsChangeOnlyWhatTheyTouch(t *testing.T) {
	src := `{
    "keep": {"x": 1.50, "s": "\u00e9"},
    "list": [
        {"id": "a"}
    ],
    "empty": [],
    "nothing": null,
    "obj": {}
}
`
	d := parseTree(t, src)
	r := d.root()
	r.get("list").add(omap{{"id", "b"}, {"tags", []any{"t1", "t2"}}})
	appendIn(r, "empty", "first")
	setIn(r, "nothing", "k", "v")
	r.get("obj").set("added", true)
	r.set("new", omap{{"n", 1}})
	want := `{
    "keep": {"x": 1.50, "s": "\u00e9"},
    "list": [
        {"id": "a"},
        {
            "id": "b",
            "tags": [
                "t1",
                "t2"
            ]
        }
    ],
    "empty": [
        "first"
    ],
    "nothing": {
        "k": "v"
    },
    "obj": {
        "added": true
    },
    "new": {
        "n": 1
    }
}
`
	if got := written(t, d); got != want {
		t.Errorf("(-want +got):\n%s", cmp.Diff(want, got))
	}
	// Removing members keeps the rest as written.
	r.get("obj").unset("added")
	r.unset("new")
	if got := written(t, d); !json.Valid([]byte(got)) {
		t.Errorf("not JSON after removals:\n%s", got)
	}
}

func TestOneLineJSONStaysOnOneLine(t *testing.T) {
	d := parseTree(t, `{"a":[{"id":1}],"b":{}}`)
	d.root().get("a").add(omap{{"id", 2}})
	d.root().get("b").set("k", "v")
	if got, want := written(t, d), `{"a":[{"id":1},{"id":2}],"b":{"k":"v"}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestYAMLEditsAreSplicedIntoTheFile(t *testing.T) {
	src := `# the model
otmVersion: 0.2.0   # pinned

components:
  - id: a
    name: A   # first
    attributes:
    threats: []

  - id: b
    description: 'multi
      line'
    tags: [x]
  # a parked component
  # - id: c

dataflows:
- id: f1
  source: a
  destination: b
`
	d := parseTree(t, src)
	r := d.root()
	comps := r.get("components")
	a, b := comps.items()[0], comps.items()[1]
	setIn(a, "attributes", "arn", "arn:aws:s3:::a")
	appendIn(a, "threats", omap{{"threat", "T-1"}, {"state", "exposed"}})
	a.set("name", "A2")
	setIn(b, "attributes", "trustmap-stale", "gone: yes")
	comps.add(omap{{"id", "new"}, {"name", "007"}, {"parent", omap{{"trustZone", "z"}}}})
	r.get("dataflows").add(omap{{"id", "f2"}, {"source", "b"}, {"destination", "new"}})
	want := `# the model
otmVersion: 0.2.0   # pinned

components:
  - id: a
    name: A2   # first
    attributes:
      arn: arn:aws:s3:::a
    threats:
      - threat: T-1
        state: exposed

  - id: b
    description: 'multi
      line'
    tags: [x]
    attributes:
      trustmap-stale: 'gone: yes'
  - id: new
    name: "007"
    parent:
      trustZone: z
  # a parked component
  # - id: c

dataflows:
- id: f1
  source: a
  destination: b
- id: f2
  source: b
  destination: new
`
	got := written(t, d)
	if got != want {
		t.Errorf("(-want +got):\n%s", cmp.Diff(want, got))
	}
	var before, after map[string]any
	if err := yaml.Unmarshal([]byte(src), &before); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(got), &after); err != nil {
		t.Fatalf("not YAML: %v", err)
	}
	// Removing the mark again takes its line away.
	obj(b, "attributes").unset("trustmap-stale")
	if got := written(t, d); !containsLine(got, "    attributes:") || containsLine(got, "      trustmap-stale: 'gone: yes'") {
		t.Errorf("after removing the mark:\n%s", got)
	}
}

func containsLine(s, line string) bool {
	for _, l := range splitLines(s) {
		if l == line {
			return true
		}
	}
	return false
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func TestYAMLEditsThatCannotBeSplicedReencodeKeepingEveryValue(t *testing.T) {
	src := "a: {x: 1}\nb: |\n  block\n  text\n"
	d := parseTree(t, src)
	d.root().get("a").set("y", 2) // inside a flow mapping
	d.root().set("b", "replaced") // a block scalar
	got := written(t, d)
	var v map[string]any
	if err := yaml.Unmarshal([]byte(got), &v); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": map[string]any{"x": 1, "y": 2}, "b": "replaced"}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

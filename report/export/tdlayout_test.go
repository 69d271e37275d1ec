package export

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/report/diagram"
)

// The geometry checks again, on the cells of the written model: what
// Threat Dragon will draw.
func TestThreatDragonFileOfThePipelineHasNoOverlapsAndBoxesEncloseTheirMembers(t *testing.T) {
	in := pipelineInput(t)
	m := diagram.Build(in, diagram.Everything)
	var doc struct {
		Detail struct {
			Diagrams []struct {
				Cells []struct {
					ID       string
					Shape    string
					Position *struct{ X, Y int }
					Size     *struct{ Width, Height int }
					Source   struct{ Cell string }
					Target   struct{ Cell string }
					Vertices []tdPoint
				}
			}
		}
	}
	if err := json.Unmarshal(render(t, WriteThreatDragon, in), &doc); err != nil {
		t.Fatal(err)
	}
	rects := map[string]diagram.Rect{}
	bends := map[[2]string][]tdPoint{}
	for _, c := range doc.Detail.Diagrams[0].Cells {
		if c.Shape == "flow" {
			if c.Position != nil || c.Size != nil {
				t.Errorf("flow %s has a position or size", c.ID)
			}
			bends[[2]string{c.Source.Cell, c.Target.Cell}] = c.Vertices
			continue
		}
		rects[c.ID] = diagram.Rect{X: c.Position.X, Y: c.Position.Y, W: c.Size.Width, H: c.Size.Height}
	}
	// The layout as the file has it: boxes and shapes from the cells, the
	// bends from the flows' vertices.
	lay := &diagram.Layout{Grid: tdGrid, Boxes: map[*diagram.Zone]diagram.Rect{}, Nodes: map[string]diagram.Rect{}}
	for _, z := range m.AllZones() {
		r, ok := rects[stableUUID("td-zone", string(z.ID))]
		if !ok {
			t.Fatalf("no box for zone %s", z.ID)
		}
		lay.Boxes[z] = r
	}
	for _, e := range m.Nodes {
		r, ok := rects[stableUUID("td-element", e.ID)]
		if !ok {
			t.Fatalf("no cell for %s", e.ID)
		}
		lay.Nodes[e.ID] = r
	}
	for _, p := range lay.Problems(m) {
		t.Error(p)
	}
	// The vertices written are the bends the layout routes.
	want := diagram.Place(m, tdGrid)
	for _, f := range m.Flows {
		got := bends[[2]string{stableUUID("td-element", f.From), stableUUID("td-element", f.To)}]
		if diff := cmp.Diff(tdPoints(want.Route(f.From, f.To)), got); diff != "" {
			t.Errorf("flow %s → %s: vertices (-routed +written):\n%s", f.From, f.To, diff)
		}
	}
}

func TestLongNamesAreWrappedToFitTheirShape(t *testing.T) {
	for name, want := range map[string]string{
		"orders":                           "orders",
		"arn:aws:iam::999988887777:role/x": "arn:aws:iam::999988887777:\nrole/x",
		"GET /orders/<script>alert(1)</script> & #1": "GET /orders/<script>alert(\n1)</script> & #1",
		strings.Repeat("a", 100):                     strings.Repeat("a", 26) + "\n" + strings.Repeat("a", 26) + "\n" + strings.Repeat("a", 25) + "…",
	} {
		if got := tdWrap(name); got != want {
			t.Errorf("tdWrap(%q) = %q, want %q", name, got, want)
		}
	}
}

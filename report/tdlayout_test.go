package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/trustmap/trustmap/graph"
)

// bigModel is an element model larger than any fixture: many zones, a zone
// whose tiers wrap into several columns, and every tier present.
func bigModel() *expModel {
	m := &expModel{byID: map[string]*expElement{}, zoneIdx: map[graph.Zone]int{}}
	addZone := func(z graph.Zone) {
		m.zoneIdx[z] = len(m.Zones)
		m.Zones = append(m.Zones, describeZone(z, "", nil))
	}
	add := func(z graph.Zone, k graph.Kind, name string) {
		e := &expElement{ID: string(z) + "/" + name, Kind: k, Name: name, Zone: z}
		m.Elements = append(m.Elements, e)
		m.byID[e.ID] = e
	}
	addZone(graph.ZoneInternet)
	add(graph.ZoneInternet, graph.KindInternet, "internet")
	addZone(graph.ZoneAnyAWSAccount)
	add(graph.ZoneAnyAWSAccount, graph.KindAnyAWSAccount, "any")
	for i := range 7 {
		z := graph.ZoneExternalAccount(fmt.Sprintf("1111222233%02d", i))
		addZone(z)
		add(z, graph.KindExternalAccount, "root")
	}
	acct := graph.ZoneAccount("123456789012")
	addZone(acct)
	for i := range 3 {
		add(acct, graph.KindRestAPI, fmt.Sprintf("api-%d", i))
	}
	for i := range 19 {
		add(acct, graph.KindRestAPIMethod, fmt.Sprintf("method-%02d", i))
	}
	for i := range 11 {
		add(acct, graph.KindLambdaFunction, fmt.Sprintf("fn-%02d", i))
	}
	for i := range 4 {
		add(acct, graph.KindIAMRole, fmt.Sprintf("role-%d", i))
	}
	for i := range 25 {
		add(acct, graph.KindS3Bucket, fmt.Sprintf("bucket-%02d", i))
	}
	add(acct, graph.Kind("SomethingNew"), "unranked")
	flow := func(from, to string) {
		m.Flows = append(m.Flows, graph.Edge{From: from, To: to, Kind: graph.EdgeCanInvoke})
	}
	a := func(name string) string { return string(acct) + "/" + name }
	for i := range 19 {
		flow("internet/internet", a(fmt.Sprintf("method-%02d", i)))
		flow(a(fmt.Sprintf("api-%d", i%3)), a(fmt.Sprintf("method-%02d", i)))
		flow(a(fmt.Sprintf("method-%02d", i)), a(fmt.Sprintf("fn-%02d", (i*7)%11)))
	}
	for i := range 11 {
		flow(a(fmt.Sprintf("fn-%02d", i)), a(fmt.Sprintf("role-%d", i%4)))
		flow(a(fmt.Sprintf("fn-%02d", i)), a(fmt.Sprintf("fn-%02d", (i+5)%11)))
	}
	for i := range 25 {
		flow(a(fmt.Sprintf("role-%d", i%4)), a(fmt.Sprintf("bucket-%02d", i)))
	}
	for i := range 7 {
		flow(fmt.Sprintf("external-account:1111222233%02d/root", i), a(fmt.Sprintf("role-%d", i%4)))
		flow(a("bucket-00"), fmt.Sprintf("external-account:1111222233%02d/root", i)) // leftwards
	}
	return m
}

// checkFlows asserts that every flow, straight or bent, touches only the
// two elements it joins.
func checkFlows(t *testing.T, m *expModel, nodes map[string]tdRect, bends func(graph.Edge) []tdPoint) {
	t.Helper()
	lay := tdLayout{nodes: nodes}
	for _, f := range m.Flows {
		pts := append([]tdPoint{nodes[f.From].center()}, bends(f)...)
		pts = append(pts, nodes[f.To].center())
		for i := 1; i < len(pts); i++ {
			if lay.hitsOther(pts[i-1], pts[i], f.From, f.To) {
				t.Errorf("flow %s → %s crosses another element between %+v and %+v", f.From, f.To, pts[i-1], pts[i])
			}
		}
	}
}

// checkLayout asserts what makes a diagram readable: no two element shapes
// overlap, each element lies inside its own zone's box with padding, and no
// two boxes overlap.
func checkLayout(t *testing.T, m *expModel, boxes map[graph.Zone]tdRect, nodes map[string]tdRect) {
	t.Helper()
	if len(nodes) != len(m.Elements) || len(boxes) != len(m.Zones) {
		t.Fatalf("%d element shapes for %d elements, %d boxes for %d zones", len(nodes), len(m.Elements), len(boxes), len(m.Zones))
	}
	for i, a := range m.Elements {
		ra := nodes[a.ID]
		if ra.W < 10 || ra.H < 10 {
			t.Errorf("%s is %dx%d; Threat Dragon needs at least 10x10", a.Name, ra.W, ra.H)
		}
		if !boxes[a.Zone].contains(ra, tdPad) {
			t.Errorf("%s %+v is not inside its zone %s %+v with %dpx padding", a.Name, ra, a.Zone, boxes[a.Zone], tdPad)
		}
		for _, b := range m.Elements[i+1:] {
			if ra.overlaps(nodes[b.ID]) {
				t.Errorf("%s %+v overlaps %s %+v", a.Name, ra, b.Name, nodes[b.ID])
			}
		}
	}
	for i, a := range m.Zones {
		for _, b := range m.Zones[i+1:] {
			if boxes[a.Zone].overlaps(boxes[b.Zone]) {
				t.Errorf("zone %s %+v overlaps zone %s %+v", a.Zone, boxes[a.Zone], b.Zone, boxes[b.Zone])
			}
		}
	}
}

func TestThreatDragonLayoutOfALargeModelHasNoOverlapsAndBoxesEncloseTheirMembers(t *testing.T) {
	m := bigModel()
	lay := layoutTD(m)
	checkLayout(t, m, lay.boxes, lay.nodes)
	checkFlows(t, m, lay.nodes, func(f graph.Edge) []tdPoint { return lay.route(f.From, f.To) })
	if b := lay.boxes[graph.ZoneAccount("123456789012")]; b.H > tdHeader+2*tdPad+tdRows*(tdNodeH+tdGapY) {
		t.Errorf("the account box is %dpx high: tiers should wrap into columns of %d", b.H, tdRows)
	}
	// Tiers read left to right: front doors, compute, identities, data.
	x := func(name string) int { return lay.nodes["account:123456789012/"+name].X }
	if !(x("method-00") < x("fn-00") && x("fn-00") < x("role-0") && x("role-0") < x("bucket-00")) {
		t.Errorf("tiers out of order: method %d, function %d, role %d, bucket %d", x("method-00"), x("fn-00"), x("role-0"), x("bucket-00"))
	}
}

func TestThreatDragonLayoutIsTheSameOnEveryRun(t *testing.T) {
	a, b := layoutTD(bigModel()), layoutTD(bigModel())
	for id, r := range a.nodes {
		if b.nodes[id] != r {
			t.Fatalf("%s placed at %+v, then at %+v", id, r, b.nodes[id])
		}
	}
}

// The geometry checks again, on the cells of the written model: what
// Threat Dragon will draw.
func TestThreatDragonFileOfThePipelineHasNoOverlapsAndBoxesEncloseTheirMembers(t *testing.T) {
	in := pipelineInput(t)
	m := buildExpModel(in)
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
	rects := map[string]tdRect{}
	bends := map[[2]string][]tdPoint{}
	for _, c := range doc.Detail.Diagrams[0].Cells {
		if c.Shape == "flow" {
			if c.Position != nil || c.Size != nil {
				t.Errorf("flow %s has a position or size", c.ID)
			}
			bends[[2]string{c.Source.Cell, c.Target.Cell}] = c.Vertices
			continue
		}
		rects[c.ID] = tdRect{c.Position.X, c.Position.Y, c.Size.Width, c.Size.Height}
	}
	boxes, nodes := map[graph.Zone]tdRect{}, map[string]tdRect{}
	for _, z := range m.Zones {
		r, ok := rects[stableUUID("td-zone", string(z.Zone))]
		if !ok {
			t.Fatalf("no box for zone %s", z.Zone)
		}
		boxes[z.Zone] = r
	}
	for _, e := range m.Elements {
		r, ok := rects[stableUUID("td-element", e.ID)]
		if !ok {
			t.Fatalf("no cell for %s", e.ID)
		}
		nodes[e.ID] = r
	}
	checkLayout(t, m, boxes, nodes)
	checkFlows(t, m, nodes, func(f graph.Edge) []tdPoint {
		return bends[[2]string{stableUUID("td-element", f.From), stableUUID("td-element", f.To)}]
	})
}

func TestSegmentHitsFindsCrossingsAndMisses(t *testing.T) {
	r := tdRect{100, 100, 50, 50}
	for _, c := range []struct {
		p, q tdPoint
		want bool
	}{
		{tdPoint{0, 125}, tdPoint{300, 125}, true},   // straight through
		{tdPoint{0, 0}, tdPoint{300, 300}, true},     // diagonal through
		{tdPoint{0, 90}, tdPoint{300, 90}, false},    // above
		{tdPoint{0, 0}, tdPoint{90, 300}, false},     // beside
		{tdPoint{120, 0}, tdPoint{120, 99}, false},   // stops short
		{tdPoint{120, 0}, tdPoint{120, 100}, true},   // touches the edge
		{tdPoint{110, 110}, tdPoint{120, 120}, true}, // inside
	} {
		if got := segmentHits(c.p, c.q, r); got != c.want {
			t.Errorf("segment %+v–%+v: %v, want %v", c.p, c.q, got, c.want)
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

package diagram

import (
	"fmt"
	"testing"

	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

// bigModel is a model larger than any fixture: many zones, an account
// inside its organization, a zone whose layers wrap into several columns,
// every class present, a kind the code has never heard of, and cycles.
func bigModel() *Model {
	m := &Model{byID: map[string]*Node{}}
	zones := map[graph.Zone]*Zone{}
	zone := func(id graph.Zone) *Zone {
		if z, ok := zones[id]; ok {
			return z
		}
		z := &Zone{ID: id, Name: report.ZoneName(id, "", nil), Outside: id.Outside()}
		z.Type, z.Rank = report.ZoneType(id)
		zones[id] = z
		m.Zones = append(m.Zones, z)
		return z
	}
	add := func(zid graph.Zone, k graph.Kind, name string) {
		z := zone(zid)
		n := &Node{ID: string(zid) + "/" + name, Kind: k, Name: name, Label: name, Shape: ShapeOf(k), Zone: z}
		z.Nodes = append(z.Nodes, n)
		m.Nodes = append(m.Nodes, n)
		m.byID[n.ID] = n
	}
	add(graph.ZoneInternet, graph.KindInternet, "internet")
	add(graph.ZoneAnyAWSAccount, graph.KindAnyAWSAccount, "any")
	for i := range 7 {
		add(graph.ZoneExternalAccount(fmt.Sprintf("1111222233%02d", i)), graph.KindExternalAccount, "root")
	}
	org := graph.ZoneOrganization("o-1")
	add(org, graph.KindOrganization, "org")
	acct := graph.ZoneAccount("123456789012")
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
	zones[org].Outside = false
	zones[acct].Parent = zones[org]
	zones[org].Children = []*Zone{zones[acct]}
	m.Zones = m.Zones[:len(m.Zones)-1] // the account is drawn inside its organization
	flow := func(from, to string) {
		m.Edges = append(m.Edges, &Edge{From: m.byID[from], To: m.byID[to], Kinds: []graph.EdgeKind{graph.EdgeCanInvoke}})
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
	flow("organization:o-1/org", a("bucket-01"))
	return m
}

func TestTheLayoutOfALargeModelHasNoOverlapsAndBoxesEncloseTheirMembers(t *testing.T) {
	for name, g := range map[string]Grid{"svg": SVGGrid, "threat dragon": {NodeW: 200, NodeH: 80, GapX: 60, GapY: 40, Pad: 30, Header: 40, ZoneGap: 120, Margin: 40, Rows: 8}} {
		t.Run(name, func(t *testing.T) {
			m := bigModel()
			lay := Place(m, g)
			for _, p := range lay.Problems(m) {
				t.Error(p)
			}
			acct := m.Node("account:123456789012/api-0").Zone
			if b := lay.Boxes[acct]; b.H > g.Header+2*g.Pad+g.Rows*(g.NodeH+g.GapY) {
				t.Errorf("the account box is %dpx high: layers should wrap into columns of %d", b.H, g.Rows)
			}
			// Layers read left to right along the flows: front doors,
			// compute, identities, data.
			x := func(name string) int { return lay.Nodes["account:123456789012/"+name].X }
			if !(x("method-00") < x("fn-00") && x("fn-00") < x("role-0") && x("role-0") < x("bucket-00")) {
				t.Errorf("layers out of order: method %d, function %d, role %d, bucket %d", x("method-00"), x("fn-00"), x("role-0"), x("bucket-00"))
			}
		})
	}
}

func TestTheLayoutIsTheSameOnEveryRun(t *testing.T) {
	a, b := Place(bigModel(), SVGGrid), Place(bigModel(), SVGGrid)
	for id, r := range a.Nodes {
		if b.Nodes[id] != r {
			t.Fatalf("%s placed at %+v, then at %+v", id, r, b.Nodes[id])
		}
	}
}

// A zone of two thousand nodes stacks about the square root of its count
// per column, so the drawing stays roughly as wide as high rather than a
// strip two hundred columns long.
func TestAHugeZoneWrapsIntoASquarishBlock(t *testing.T) {
	m := &Model{byID: map[string]*Node{}}
	z := &Zone{ID: graph.ZoneAccount("123456789012"), Type: "account"}
	m.Zones = []*Zone{z}
	for i := range 2000 {
		n := &Node{ID: fmt.Sprintf("b%04d", i), Kind: graph.KindS3Bucket, Zone: z}
		z.Nodes = append(z.Nodes, n)
		m.Nodes = append(m.Nodes, n)
		m.byID[n.ID] = n
	}
	lay := Place(m, SVGGrid)
	for _, p := range lay.Problems(m) {
		t.Fatal(p)
	}
	if ratio := float64(lay.W) / float64(lay.H); ratio > 6 || ratio < 1.0/6 {
		t.Errorf("the drawing is %dx%d", lay.W, lay.H)
	}
}

func TestSegmentHitsFindsCrossingsAndMisses(t *testing.T) {
	r := Rect{100, 100, 50, 50}
	for _, c := range []struct {
		p, q Point
		want bool
	}{
		{Point{0, 125}, Point{300, 125}, true},   // straight through
		{Point{0, 0}, Point{300, 300}, true},     // diagonal through
		{Point{0, 90}, Point{300, 90}, false},    // above
		{Point{0, 0}, Point{90, 300}, false},     // beside
		{Point{120, 0}, Point{120, 99}, false},   // stops short
		{Point{120, 0}, Point{120, 100}, true},   // touches the edge
		{Point{110, 110}, Point{120, 120}, true}, // inside
	} {
		if got := SegmentHits(c.p, c.q, r); got != c.want {
			t.Errorf("segment %+v–%+v: %v, want %v", c.p, c.q, got, c.want)
		}
	}
}

func TestAPathStartsAndEndsOnTheBordersOfItsShapes(t *testing.T) {
	m := bigModel()
	lay := Place(m, SVGGrid)
	for _, e := range m.Edges[:20] {
		pts := lay.Path(e.From.ID, e.To.ID)
		s, d := lay.Nodes[e.From.ID], lay.Nodes[e.To.ID]
		on := func(p Point, r Rect) bool {
			inX, inY := p.X >= r.X-1 && p.X <= r.X+r.W+1, p.Y >= r.Y-1 && p.Y <= r.Y+r.H+1
			edgeX, edgeY := abs(p.X-r.X) <= 1 || abs(p.X-r.X-r.W) <= 1, abs(p.Y-r.Y) <= 1 || abs(p.Y-r.Y-r.H) <= 1
			return inX && inY && (edgeX || edgeY)
		}
		if !on(pts[0], s) || !on(pts[len(pts)-1], d) {
			t.Errorf("%s → %s: path %v does not start on %+v and end on %+v", e.From.ID, e.To.ID, pts, s, d)
		}
	}
}

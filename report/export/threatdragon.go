package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
	"github.com/trustmap/trustmap/report/diagram"
)

// tdVersion is the Threat Dragon model version written (the v2 format; the
// app's own demo models carry this value).
const tdVersion = "2.3.0"

type tdSummary struct {
	Title       string `json:"title"`
	Owner       string `json:"owner"`
	Description string `json:"description"`
	ID          int    `json:"id"`
}

type tdContributor struct {
	Name string `json:"name"`
}

// tdCell is a node (actor, process, store, trust-boundary-box) or an edge
// (flow) of the X6 graph Threat Dragon draws.
type tdCell struct {
	ID        string         `json:"id"`
	Shape     string         `json:"shape"`
	ZIndex    int            `json:"zIndex"`
	Visible   bool           `json:"visible"`
	Position  *tdPoint       `json:"position,omitempty"`
	Size      *tdSize        `json:"size,omitempty"`
	Attrs     map[string]any `json:"attrs"`
	Labels    []any          `json:"labels,omitempty"`
	Connector string         `json:"connector,omitempty"`
	Source    *tdEnd         `json:"source,omitempty"`
	Target    *tdEnd         `json:"target,omitempty"`
	Vertices  []tdPoint      `json:"vertices,omitempty"`
	Data      tdData         `json:"data"`
}

type tdPoint struct {
	X int `json:"x"`
	Y int `json:"y"`
}

type tdSize struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

type tdEnd struct {
	Cell string `json:"cell"`
}

// tdData is a cell's data; the element-specific flags are pointers so each
// shape carries only its own.
type tdData struct {
	Type                   string     `json:"type"`
	Name                   string     `json:"name"`
	Description            string     `json:"description"`
	OutOfScope             bool       `json:"outOfScope"`
	ReasonOutOfScope       string     `json:"reasonOutOfScope"`
	IsTrustBoundary        bool       `json:"isTrustBoundary"`
	HasOpenThreats         bool       `json:"hasOpenThreats"`
	Threats                []tdThreat `json:"threats"`
	ProvidesAuthentication *bool      `json:"providesAuthentication,omitempty"`
	PrivilegeLevel         *string    `json:"privilegeLevel,omitempty"`
	IsWebApplication       *bool      `json:"isWebApplication,omitempty"`
	IsALog                 *bool      `json:"isALog,omitempty"`
	IsEncrypted            *bool      `json:"isEncrypted,omitempty"`
	IsSigned               *bool      `json:"isSigned,omitempty"`
	StoresCredentials      *bool      `json:"storesCredentials,omitempty"`
	IsBidirectional        *bool      `json:"isBidirectional,omitempty"`
	IsPublicNetwork        *bool      `json:"isPublicNetwork,omitempty"`
	Protocol               *string    `json:"protocol,omitempty"`
}

type tdThreat struct {
	ID          string `json:"id"`
	ThreatID    string `json:"threatId"`
	Number      int    `json:"number"`
	Title       string `json:"title"`
	Type        string `json:"type"`
	ModelType   string `json:"modelType"`
	Status      string `json:"status"`
	Severity    string `json:"severity"`
	Score       string `json:"score"`
	Description string `json:"description"`
	Mitigation  string `json:"mitigation"`
}

// WriteThreatDragon writes the threat model as an OWASP Threat Dragon v2
// model: one STRIDE diagram with a trust-boundary box per zone, the
// elements laid out inside their boxes, data flows between them, and each
// threat on the cell of its resource.
//
// The document is streamed: each cell is built and written at once, so
// that only the diagram's model and layout are held, never every cell (on
// an account of a hundred thousand resources the cells alone held most of
// a gigabyte). The document's outer members are therefore written one by
// one rather than from a struct, in the order the file has always had
// (the golden file pins it): version, summary, then detail with
// contributors, diagrams, diagramTop, reviewer and threatTop. threatTop
// counts the threats numbered on the cells and comes after them, so it
// needs no pass of its own.
func WriteThreatDragon(w io.Writer, in report.Input) error {
	r := in.Report
	m := diagram.Build(in, diagram.Everything)
	lay := diagram.Place(m, tdGrid)
	accounts := orNone(strings.Join(r.Accounts, ", "))

	jw := graph.NewJSONWriter(w, false)
	jw.Object()
	jw.Member("version", tdVersion)
	jw.Member("summary", tdSummary{Title: "trustmap: AWS " + accounts, Owner: r.Tool.Name,
		Description: fmt.Sprintf("Entry points, trust boundaries and STRIDE threats of AWS account(s) %s (regions %s).", accounts, orNone(strings.Join(r.Regions, ", "))),
		ID:          0})
	jw.Key("detail")
	jw.Object()
	jw.Member("contributors", []tdContributor{{Name: r.Tool.Name}})
	jw.Key("diagrams")
	jw.Array()
	jw.Object()
	jw.Member("id", 0)
	jw.Member("title", "Entry points of AWS "+accounts)
	jw.Member("diagramType", "STRIDE")
	jw.Member("placeholder", "Entry points, trust boundaries and data flows found by trustmap")
	jw.Member("thumbnail", "./public/content/images/thumbnail.stride.jpg")
	jw.Member("version", tdVersion)
	jw.Member("description", fmt.Sprintf("Generated by %s %s from a scan at %s. One box per trust zone; flows are the edges of the entry-point graph.",
		r.Tool.Name, r.Tool.Version, r.ScannedAt.UTC().Format("2006-01-02 15:04 UTC")))
	jw.Key("cells")
	jw.Array()
	// Zones, then elements, then flows: the boxes are drawn first, behind
	// what they hold. A write error stops the stream rather than building
	// every remaining cell for nothing.
	for _, z := range m.AllZones() {
		c := tdZoneCell(z, lay.Boxes[z])
		jw.Value(&c)
		if err := jw.Err(); err != nil {
			return err
		}
	}
	threats := 0
	for i, e := range m.Nodes {
		c := tdElementCell(i+1, e, lay.Nodes[e.ID], threats+1)
		threats += len(c.Data.Threats)
		jw.Value(&c)
		if err := jw.Err(); err != nil {
			return err
		}
	}
	for _, fl := range m.Flows {
		c := tdFlowCell(m, lay, fl)
		jw.Value(&c)
		if err := jw.Err(); err != nil {
			return err
		}
	}
	jw.End() // cells
	jw.End() // the diagram
	jw.End() // diagrams
	jw.Member("diagramTop", 1)
	jw.Member("reviewer", "")
	jw.Member("threatTop", threats)
	jw.End() // detail
	jw.End()
	return jw.Close()
}

// tdZoneCell is the trust-boundary box of a zone, drawn behind its
// members.
func tdZoneCell(z *diagram.Zone, b diagram.Rect) tdCell {
	return tdCell{
		ID: stableUUID("td-zone", string(z.ID)), Shape: "trust-boundary-box", ZIndex: -1, Visible: true,
		Position: &tdPoint{b.X, b.Y}, Size: &tdSize{b.W, b.H},
		Attrs: map[string]any{
			"headerText": map[string]any{"text": z.Name},
			"body":       map[string]any{"stroke": "#333333", "strokeWidth": 3, "strokeDasharray": "5 5"},
		},
		Data: tdData{Type: "tm.BoundaryBox", Name: z.Name, Description: "trust zone " + string(z.ID),
			IsTrustBoundary: true, Threats: []tdThreat{}},
	}
}

// tdElementCell is the cell of an element at the given z-index, with one
// threat per STRIDE category of each of its threats, numbered from first
// on: Threat Dragon numbers threats across the whole model, so the caller
// carries the count from cell to cell.
func tdElementCell(zIndex int, e *diagram.Node, rect diagram.Rect, first int) tdCell {
	c := tdCell{ID: stableUUID("td-element", e.ID), ZIndex: zIndex, Visible: true,
		Position: &tdPoint{rect.X, rect.Y}, Size: &tdSize{rect.W, rect.H},
		Data: tdData{Name: e.Name, Description: tdElementDescription(e), Threats: []tdThreat{}}}
	number := first
	for _, t := range e.Threats {
		for _, cat := range t.STRIDE {
			c.Data.Threats = append(c.Data.Threats, tdThreatFrom(t, cat, number))
			number++
		}
	}
	c.Data.HasOpenThreats = len(c.Data.Threats) > 0
	stroke, width := "#333333", 1.5
	if c.Data.HasOpenThreats {
		stroke, width = "red", 2.5
	}
	line := map[string]any{"stroke": stroke, "strokeWidth": width, "strokeDasharray": ""}
	f := false
	switch e.Shape {
	case diagram.Actor:
		c.Shape, c.Data.Type = "actor", "tm.Actor"
		c.Data.ProvidesAuthentication = &f
		c.Attrs = map[string]any{"text": map[string]any{"text": tdWrap(e.Name)}, "body": line}
	case diagram.Store:
		c.Shape, c.Data.Type = "store", "tm.Store"
		c.Data.IsALog, c.Data.IsEncrypted, c.Data.IsSigned, c.Data.StoresCredentials = &f, tdEncrypted(e), &f, &f
		c.Attrs = map[string]any{"text": map[string]any{"text": tdWrap(e.Name)}, "topLine": line, "bottomLine": line}
	default:
		c.Shape, c.Data.Type = "process", "tm.Process"
		priv := ""
		if e.Kind.Class() == graph.ClassIdentity {
			priv = "IAM identity"
		}
		web := tdWeb(e.Kind)
		c.Data.PrivilegeLevel, c.Data.IsWebApplication = &priv, &web
		c.Attrs = map[string]any{"text": map[string]any{"text": tdWrap(e.Name)}, "body": line}
	}
	return c
}

// tdFlowCell is the data flow of one graph edge, between the cells of its
// two ends.
func tdFlowCell(m *diagram.Model, lay *diagram.Layout, fl graph.Edge) tdCell {
	from, to := m.Node(fl.From), m.Node(fl.To)
	name := fl.Kind.String()
	desc := report.EdgeEvidence(fl.Evidence)
	if len(fl.Actions) > 0 {
		desc = strings.TrimPrefix(desc+"; actions: "+strings.Join(fl.Actions, ", "), "; ")
	}
	f := false
	public := from.Zone.ID == graph.ZoneInternet || to.Zone.ID == graph.ZoneInternet
	proto := ""
	dash := map[string]any{"stroke": "#333333", "strokeWidth": 1, "targetMarker": map[string]any{"name": "block"}}
	if fl.Kind.IsAccess() {
		dash["strokeDasharray"] = "4 3" // a permission, not a wired connection
	}
	connector, bends := "smooth", tdPoints(lay.Route(from.ID, to.ID))
	if bends != nil {
		connector = "rounded" // follow the bends around other elements
	}
	return tdCell{
		ID: stableUUID("td-flow", fl.From, fl.To, fl.Kind.String(), fl.Via.String()), Shape: "flow", ZIndex: 10, Visible: true,
		Attrs:     map[string]any{"line": dash},
		Labels:    []any{tdLabel(name)},
		Connector: connector,
		Source:    &tdEnd{stableUUID("td-element", from.ID)},
		Target:    &tdEnd{stableUUID("td-element", to.ID)},
		Vertices:  bends,
		Data: tdData{Type: "tm.Flow", Name: name, Description: desc, Threats: []tdThreat{},
			IsBidirectional: &f, IsEncrypted: &f, IsPublicNetwork: &public, Protocol: &proto},
	}
}

// tdWrap breaks a long name into lines that fit a shape (about 26
// characters, at most three lines), preferring to break after a
// separator; the full name stays in the cell's data.
func tdWrap(name string) string {
	const width, lines = 26, 3
	rs := []rune(name)
	var out []string
	for len(rs) > width && len(out) < lines-1 {
		cut := width
		for i := width; i > width/2; i-- {
			if strings.ContainsRune("/:- ._", rs[i-1]) {
				cut = i
				break
			}
		}
		out = append(out, string(rs[:cut]))
		rs = rs[cut:]
	}
	if len(rs) > width {
		rs = append(rs[:width-1], '…')
	}
	return strings.Join(append(out, string(rs)), "\n")
}

func tdLabel(text string) map[string]any {
	return map[string]any{
		"markup": []any{map[string]any{"tagName": "ellipse", "selector": "labelBody"}, map[string]any{"tagName": "text", "selector": "labelText"}},
		"attrs": map[string]any{
			"labelText": map[string]any{"text": text, "textAnchor": "middle", "textVerticalAnchor": "middle"},
			"labelBody": map[string]any{"ref": "labelText", "refRx": "50%", "refRy": "60%", "fill": "#fff", "strokeWidth": 0},
		},
		"position": 0.5,
	}
}

// tdGrid is the geometry of the Threat Dragon diagram: the shapes the app
// draws by default, with room between them for flow labels.
var tdGrid = diagram.Grid{NodeW: 200, NodeH: 80, GapX: 60, GapY: 40, Pad: 30, Header: 40, ZoneGap: 120, Margin: 40, Rows: 8}

// tdWeb reports whether a kind is web-facing: a way in over HTTP (a front
// door other than a queue) or what groups such ways in.
func tdWeb(k graph.Kind) bool {
	switch k.Class() {
	case graph.ClassFrontDoor:
		return true
	case graph.ClassGrouping:
		return k != graph.KindAccount
	}
	return false
}

// tdPoints converts a route's bends to Threat Dragon vertices.
func tdPoints(ps []diagram.Point) []tdPoint {
	var out []tdPoint
	for _, p := range ps {
		out = append(out, tdPoint{p.X, p.Y})
	}
	return out
}

// tdEncrypted reports what the scan knows about encryption at rest (queues,
// topics, and secrets, which Secrets Manager always encrypts); unknown reads
// as false, as Threat Dragon has no third value.
func tdEncrypted(e *diagram.Node) *bool {
	n := e.Graph
	b := n != nil && (n.Queue() != nil && (n.Queue().SSEManaged == graph.True || n.Queue().KMSKeyID != "") ||
		n.Topic() != nil && n.Topic().KMSKeyID != "" || n.Secret() != nil)
	return &b
}

func tdElementDescription(e *diagram.Node) string {
	s := string(e.Kind) + " " + e.ID
	if e.Graph == nil {
		s += " (named by a policy or edge; not collected by the scan)"
	}
	return s
}

func tdThreatFrom(t results.Threat, category string, number int) tdThreat {
	id := stableUUID("td-threat", t.ID, category)
	title := t.Title
	if _, rest, ok := strings.Cut(t.Title, " — "); ok {
		title = rest
	}
	return tdThreat{
		ID: id, ThreatID: id, Number: number,
		Title:       fmt.Sprintf("%s %s: %s", t.ID, category, title),
		Type:        category,
		ModelType:   "STRIDE",
		Status:      "Open",
		Severity:    severityWord(t.Severity),
		Score:       fmt.Sprint(t.Risk),
		Description: fmt.Sprintf("%s\n%s\nResource: %s", t.Title, report.ThreatText(t), t.ResourceARN),
		Mitigation:  strings.Join(t.Mitigations, "\n"),
	}
}

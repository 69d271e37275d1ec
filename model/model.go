package model

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
)

// Format is a model file's format.
type Format string

// Formats trustmap reads and writes back.
const (
	FormatOTM          Format = "otm"
	FormatThreatDragon Format = "threatdragon"
)

// Model is an existing threat model, in one form for every format: trust
// zones, the elements inside them, the data flows between elements, and
// the threats on elements and flows with their status and mitigations.
// Every field keeps what the file says; the nodes behind them are what an
// update edits (update.go).
type Model struct {
	File     string // the file's name, for messages
	Format   Format
	Encoding string // "json" or "yaml"
	// Version is the file's format version: otmVersion, or Threat
	// Dragon's version field ("" in version 1 files that have none).
	Version string
	// TDMajor is 1 (JointJS cells under diagramJson) or 2 (X6 cells) for a
	// Threat Dragon model.
	TDMajor  int
	Title    string
	Zones    []*Zone
	Elements []*Element
	Flows    []*Flow
	// Threats are the threats the model places on elements and flows (an
	// OTM threat instance joined with its catalogue entry; a Threat Dragon
	// cell's threat), then OTM catalogue threats no element carries.
	Threats     []*Threat
	Mitigations []*Mitigation // OTM's mitigation catalogue
	Diagrams    []*Diagram    // Threat Dragon diagrams; OTM diagram representations
	// Warnings are what the file says that trustmap cannot use (a flow
	// whose end is no element); the file is still read.
	Warnings []string

	doc doc
}

// Diagram is one Threat Dragon diagram (or an OTM diagram representation).
type Diagram struct {
	ID    string
	Title string
	Index int
	n     node // the diagram; for Threat Dragon its cells live under it
	cells node // the cells array
}

// Rect is a shape's place on a diagram (y grows downwards).
type Rect struct{ X, Y, W, H float64 }

// Overlaps reports whether r and o share any area.
func (r Rect) Overlaps(o Rect) bool {
	return r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H
}

// Contains reports whether o lies inside r.
func (r Rect) Contains(o Rect) bool {
	return o.X >= r.X && o.Y >= r.Y && o.X+o.W <= r.X+r.W && o.Y+o.H <= r.Y+r.H
}

// Zone is a trust zone (OTM) or a trust-boundary box (Threat Dragon).
type Zone struct {
	ID, Name, Type, Description string
	Parent                      string // enclosing zone id
	TrustRating                 *float64
	Attributes                  map[string]string
	Box                         *Rect
	Diagram                     int
	At                          pos
	n                           node
}

// Element is a component (OTM) or an actor, process or store (Threat
// Dragon).
type Element struct {
	ID, Name, Type, Description string
	// Shape is the Threat Dragon shape (actor, process, store); "" in OTM.
	Shape string
	// Zone is the id of the trust zone the element is in: its parent zone
	// in OTM (through parent components), the innermost box that holds its
	// centre in Threat Dragon; "" when none.
	Zone            string
	ParentComponent string
	// ARN is the AWS resource the model says the element is, and ARNFrom
	// where the model says it (attributes.arn, data.arn, the description);
	// for an outside party trustmap added, its id (attributes.principal,
	// data.principal: internet, account:111122223333, ...).
	ARN, ARNFrom string
	Attributes   map[string]string
	Tags         []string
	Box          *Rect
	Diagram      int
	OutOfScope   bool
	At           pos
	n            node
}

// Label is how reports name an element: its name and id.
func (e *Element) Label() string {
	name := strings.ReplaceAll(e.Name, "\n", " ")
	if name == "" {
		return "element " + e.ID
	}
	return fmt.Sprintf("%q (id %s)", name, e.ID)
}

// Flow is a data flow from one element to another.
type Flow struct {
	ID, Name, Description string
	Source, Destination   string // element ids
	Bidirectional         bool
	Protocol              string
	Attributes            map[string]string
	Tags                  []string
	Diagram               int
	At                    pos
	n                     node
}

// Label is how reports name a flow.
func (f *Flow) Label() string {
	name := strings.ReplaceAll(f.Name, "\n", " ")
	if name == "" {
		return "flow " + f.ID
	}
	return fmt.Sprintf("flow %q (id %s)", name, f.ID)
}

// Threat is a threat on an element or flow.
type Threat struct {
	ID          string // the catalogue id (OTM) or the threat's own id (Threat Dragon)
	Title       string
	Description string
	Categories  []string // STRIDE and other categories
	Severity    string
	On          string // the element or flow it is on; "" for an OTM catalogue threat no one carries
	// Status is the state the modeler gave it: OTM's instance state
	// ("exposed", "mitigated", ...), Threat Dragon's status ("Open",
	// "Mitigated", "NotApplicable", ...).
	Status      string
	Mitigations []MitigationRef
	// Trustmap is the id of the trustmap threat this one is (T-xxxxxxxx),
	// "" for the modeler's own threats.
	Trustmap string
	At       pos
	n        node // the OTM threat instance, or the Threat Dragon threat
	def      node // the OTM catalogue entry
}

// MitigationRef is a mitigation of a threat as the model states it: an OTM
// mitigation instance (catalogue id and state), or a Threat Dragon
// threat's mitigation text (state from the threat's status).
type MitigationRef struct {
	ID    string
	Name  string
	Text  string
	State string
}

// Mitigation is an entry of OTM's mitigation catalogue.
type Mitigation struct {
	ID, Name, Description string
	RiskReduction         float64
	At                    pos
	n                     node
}

// trustmapThreatRE matches the ids trustmap gives threats.
var trustmapThreatRE = regexp.MustCompile(`^T-[0-9a-f]{8}$`)

// Read reads a model file.
func Read(path string) (*Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// Parse reads a model from its bytes: OTM (JSON or YAML) or Threat Dragon
// (version 1 or 2). name starts every error, which is one line giving the
// position of each problem as name:line:column (several joined by "; ").
func Parse(data []byte, name string) (*Model, error) {
	m := &Model{File: name}
	var d doc
	if looksJSON(data) {
		jd, err := parseJSON(data)
		if err != nil {
			return nil, at(name, err)
		}
		d, m.Encoding = jd, "json"
	} else {
		yd, err := parseYAML(data)
		if err != nil {
			return nil, at(name, err)
		}
		d, m.Encoding = yd, "yaml"
	}
	m.doc = d
	root := d.root()
	if root.kind() != kObject {
		return nil, fmt.Errorf("%s:%s: the file holds %s, not a threat model (an OTM file or a Threat Dragon model)", name, root.at(), root.kind())
	}
	p := &problems{file: name}
	switch {
	case root.get("otmVersion") != nil:
		m.Format = FormatOTM
		readOTM(m, root, p)
	case obj(root, "detail") != nil && root.get("summary") != nil:
		m.Format = FormatThreatDragon
		readTD(m, root, p)
	default:
		return nil, fmt.Errorf("%s: neither an OTM file (no otmVersion) nor a Threat Dragon model (no summary and detail)", name)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return m, nil
}

// Bytes writes the model back, with the edits an update made.
func (m *Model) Bytes() ([]byte, error) { return m.doc.bytes() }

// Changed reports whether an update edited the model.
func (m *Model) Changed() bool { return m.doc.changed() }

// Element returns the element with the given id.
func (m *Model) Element(id string) *Element {
	for _, e := range m.Elements {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// Zone returns the zone with the given id.
func (m *Model) Zone(id string) *Zone {
	for _, z := range m.Zones {
		if z.ID == id {
			return z
		}
	}
	return nil
}

// Describe says what the model holds, in one line.
func (m *Model) Describe() string {
	f := "OTM " + m.Version
	if m.Format == FormatThreatDragon {
		f = fmt.Sprintf("Threat Dragon v%d", m.TDMajor)
	}
	return fmt.Sprintf("%s (%s, %s): %s, %s, %s, %s", m.File, f, m.Encoding,
		count(len(m.Elements), "element"), count(len(m.Zones), "trust zone"), count(len(m.Flows), "data flow"), count(len(m.Threats), "threat"))
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// looksJSON reports whether data is meant as JSON: its first non-space
// byte opens an object or array.
func looksJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// at prefixes an error with the file name (and its position).
func at(name string, err error) error {
	var pe *posError
	if errors.As(err, &pe) {
		if pe.at.Col == 0 {
			return fmt.Errorf("%s:%d: %s", name, pe.at.Line, pe.msg)
		}
		return fmt.Errorf("%s:%s: %s", name, pe.at, pe.msg)
	}
	return fmt.Errorf("%s: %v", name, err)
}

// problems collects what is wrong with a file, each at its position.
type problems struct {
	file string
	errs []problem
}

type problem struct {
	at  pos
	msg string
}

const maxProblems = 10

func (p *problems) add(n node, path, format string, args ...any) {
	where := p.file
	var at pos
	if n != nil {
		if at = n.at(); at.Line > 0 {
			where += ":" + at.String()
		}
	}
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	p.errs = append(p.errs, problem{at, where + ": " + oneLine(msg)})
}

// err is every problem in one line, in the order of the file.
func (p *problems) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(p.errs, func(a, b problem) int {
		return cmp.Or(cmp.Compare(a.at.Line, b.at.Line), cmp.Compare(a.at.Col, b.at.Col))
	})
	var errs []string
	for _, e := range p.errs {
		errs = append(errs, e.msg)
	}
	more := ""
	if len(errs) > maxProblems {
		more = fmt.Sprintf("; and %d more", len(errs)-maxProblems)
		errs = errs[:maxProblems]
	}
	return errors.New(strings.Join(errs, "; ") + more)
}

// want checks that member key of n, when present, is of one of the kinds.
func (p *problems) want(n node, path, key string, kinds ...nkind) {
	if n == nil {
		return
	}
	m := n.get(key)
	if m == nil {
		return
	}
	for _, k := range kinds {
		if m.kind() == k {
			return
		}
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.String()
	}
	p.add(m, join(path, key), "expected %s, found %s", strings.Join(names, " or "), m.kind())
}

// need checks that member key of n is present and a scalar (an id or a
// name may be written as a number in YAML).
func (p *problems) need(n node, path, key string) {
	if n == nil {
		return
	}
	m := n.get(key)
	switch {
	case m == nil:
		p.add(n, path, "%s is required", key)
	case m.kind() == kObject || m.kind() == kArray || m.kind() == kNull:
		p.add(m, join(path, key), "expected a string, found %s", m.kind())
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// arnIn finds an ARN in free text (a description that names its resource).
var arnIn = regexp.MustCompile(`arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[^\s"'<>,;()\[\]]+`)

// isPrincipalID reports whether s is how trustmap names an outside party
// (graph node ids: internet, aws:any-account, account:…, org:…, service:…,
// federated:…) or an outside endpoint (an https URL).
func isPrincipalID(s string) bool {
	switch {
	case s == "internet" || s == "aws:any-account":
		return true
	case strings.HasPrefix(s, "account:") || strings.HasPrefix(s, "org:") || strings.HasPrefix(s, "service:") || strings.HasPrefix(s, "federated:"):
		return true
	case strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://"):
		return true
	}
	return false
}

func findARN(s string) string {
	a := arnIn.FindString(s)
	return strings.TrimRight(a, ".")
}

package graph

import (
	"io"
	"time"
)

// SchemaVersion is the version of the snapshot format. Bump it on any change
// that an older reader would misread; Read refuses versions outside
// MinSchemaVersion..SchemaVersion. Version 2: an edge's evidence is a list.
const SchemaVersion = 2

// MinSchemaVersion is the oldest snapshot format this trustmap reads.
const MinSchemaVersion = 1

// Snapshot is the graph as collected: nodes, structural edges and coverage.
// It holds no access edges: those are derived by Resolve, so an old snapshot
// is re-judged by today's policy engine.
type Snapshot struct {
	SchemaVersion int       `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	ScannedAt     time.Time `json:"scanned_at"`
	Complete      bool      `json:"complete"`
	Incomplete    string    `json:"incomplete_reason,omitempty"`
	Accounts      []string  `json:"accounts"`
	Regions       []string  `json:"regions"`
	Nodes         []Node    `json:"nodes"`
	Edges         []Edge    `json:"edges"`
	Coverage      []Gap     `json:"coverage"`
	Calls         int       `json:"api_calls,omitempty"`
}

// Tool identifies the program that wrote a snapshot or report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// GapStatus says why an API call's answer is missing.
type GapStatus string

// Gap statuses.
const (
	GapDenied      GapStatus = "denied"
	GapThrottled   GapStatus = "throttled"
	GapTimeout     GapStatus = "timeout"
	GapNotEnabled  GapStatus = "region-not-enabled"
	GapUnsupported GapStatus = "unsupported"
	GapCancelled   GapStatus = "cancelled"
	GapError       GapStatus = "error"
)

// Gap is a coverage gap: something the scan could not see.
type Gap struct {
	Account  string    `json:"account,omitempty"`
	Service  string    `json:"service"`
	Region   string    `json:"region,omitempty"`
	API      string    `json:"api"`
	Resource string    `json:"resource,omitempty"`
	Status   GapStatus `json:"status"`
	Error    string    `json:"error,omitempty"`
	// Resources is how many resources one gap stands for when it folds the
	// failed calls of one API together (0: the one Resource, or the call
	// was account- or region-wide).
	Resources int `json:"resources,omitempty"`
}

// Write encodes the snapshot as indented JSON, as json.Encoder with
// SetIndent("", "  ") writes it, streaming (EncodeIndented): one node
// or edge at a time is marshalled, not the whole snapshot (over 100 MB
// for an account of 100,000 resources).
func (s *Snapshot) Write(w io.Writer) error {
	return EncodeIndented(w, s, true)
}

// ReadSnapshot decodes a snapshot and refuses one of another schema
// version, or one larger than MaxSnapshotBytes. It streams (snapshot_read.go):
// memory holds the decoded snapshot, not the file.
func ReadSnapshot(r io.Reader) (*Snapshot, error) {
	return ReadSnapshotLimit(r, MaxSnapshotBytes)
}

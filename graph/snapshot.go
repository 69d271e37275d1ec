package graph

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// SchemaVersion is the version of the snapshot format. Bump it on any change
// that an older reader would misread; Read refuses other versions.
const SchemaVersion = 1

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
}

// Write encodes the snapshot as indented JSON.
func (s *Snapshot) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// ReadSnapshot decodes a snapshot and refuses one of another schema version.
func ReadSnapshot(r io.Reader) (*Snapshot, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	var probe struct {
		SchemaVersion *int `json:"schema_version"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, fmt.Errorf("snapshot: %w", jsonPosition(raw, err))
	}
	if probe.SchemaVersion == nil {
		return nil, fmt.Errorf("snapshot: no schema_version: not a trustmap snapshot")
	}
	if *probe.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("snapshot: schema_version %d, this trustmap reads %d", *probe.SchemaVersion, SchemaVersion)
	}
	var s Snapshot
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("snapshot: %w", jsonPosition(raw, err))
	}
	return &s, nil
}

// jsonPosition adds a line:column to JSON syntax and type errors.
func jsonPosition(data []byte, err error) error {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if off < 0 || len(data) == 0 {
		return err
	}
	line, col := 1, 1
	for i := int64(0); i < off && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

package emulatortest

import (
	"encoding/json"
	"testing"
)

// report is report.json decoded by its field names, the stable contract
// (DESIGN.md §6), not by the report package's Go types.
type report struct {
	SchemaVersion string       `json:"schema_version"`
	Complete      *bool        `json:"complete"`
	Summary       summary      `json:"summary"`
	Coverage      []coverage   `json:"coverage"`
	EntryPoints   []entryPoint `json:"entry_points"`
	Findings      []finding    `json:"findings"`
	AttackPaths   []attackPath `json:"attack_paths"`
	Threats       []threat     `json:"threats"`
	Notes         []note       `json:"notes"`
}

type threat struct {
	ResourceARN string      `json:"resource_arn"`
	AttackTree  *attackNode `json:"attack_tree"`
}

type attackNode struct {
	Goal      string        `json:"goal"`
	Condition string        `json:"condition"`
	Holds     string        `json:"holds"`
	Children  []*attackNode `json:"children"`
}

type note struct {
	Resource string `json:"resource"`
	Kind     string `json:"kind"`
	Detail   string `json:"detail"`
}

type summary struct {
	Resources int `json:"resources"`
	APICalls  int `json:"api_calls"`
}

type coverage struct {
	Account   string `json:"account"`
	Service   string `json:"service"`
	Region    string `json:"region"`
	API       string `json:"api"`
	Resource  string `json:"resource"`
	Status    string `json:"status"`
	Error     string `json:"error"`
	Resources int    `json:"resources"` // not in report.json yet: graph.Gap carries it
}

type entryPoint struct {
	ID           string   `json:"id"`
	ResourceARN  string   `json:"resource_arn"`
	ResourceType string   `json:"resource_type"`
	Exposure     string   `json:"exposure"`
	Principals   []string `json:"principals"`
	Actions      []string `json:"actions"`
	Via          string   `json:"via"`
	Certain      bool     `json:"certain"`
}

type finding struct {
	ID       string `json:"id"`
	RuleID   string `json:"rule_id"`
	Resource string `json:"resource"`
	Message  string `json:"message"`
}

type attackPath struct {
	ID       string `json:"id"`
	FromZone string `json:"from_zone"`
	Steps    []step `json:"steps"`
	Target   string `json:"target"`
	EntryVia string `json:"entry_via"`
}

type step struct {
	From string `json:"from"`
	To   string `json:"to"`
	Edge string `json:"edge"`
}

func decodeReport(t *testing.T, data []byte) *report {
	t.Helper()
	var r report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	return &r
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestScanWritesEveryInterchangeFormatAskedFor(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", dir, "--format", "json,otm,otm-yaml,threatdragon,sarif,asff")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, f := range []string{"report.otm.json", "report.threatdragon.json", "report.sarif", "report.asff.json"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(data) {
			t.Errorf("%s is not JSON", f)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.otm.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var otm map[string]any
	if err := yaml.Unmarshal(data, &otm); err != nil || otm["otmVersion"] != "0.2.0" {
		t.Errorf("report.otm.yaml: %v, otmVersion %v", err, otm["otmVersion"])
	}
	sarif, _ := os.ReadFile(filepath.Join(dir, "report.sarif"))
	if !strings.Contains(string(sarif), `"uri": "snapshot.json"`) {
		t.Error("SARIF results do not point at the snapshot written beside them")
	}
	if _, err := os.Stat(filepath.Join(dir, "snapshot.json")); err != nil {
		t.Error(err)
	}
}

// TestTheDemosExportsCarryTheWebTierInTheAccountZone: the OTM and Threat
// Dragon files of the demo model the internet-facing listener of acme-web-alb
// and the IMDSv1 instance behind it inside the account's trust zone, with a
// dataflow from the Internet zone to the listener only; the internal ALB's
// listener and the back-office instance are modelled with no way in.
func TestTheDemosExportsCarryTheWebTierInTheAccountZone(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", dir, "--format", "otm,threatdragon"); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	const (
		listener   = "acme-web-alb HTTPS:443"
		web        = "acme-web-1"
		internal   = "acme-backoffice-alb HTTP:80"
		backoffice = "acme-backoffice-1"
		account    = "Account 123456789012"
	)
	var otm struct {
		TrustZones []struct{ ID, Name string } `json:"trustZones"`
		Components []struct {
			ID, Name string
			Parent   struct {
				TrustZone string `json:"trustZone"`
			} `json:"parent"`
		} `json:"components"`
		Dataflows []struct{ Source, Destination string } `json:"dataflows"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.otm.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &otm); err != nil {
		t.Fatal(err)
	}
	names, zones := map[string]string{}, map[string]bool{}
	for _, z := range otm.TrustZones {
		names[z.ID], zones[z.Name] = z.Name, true
	}
	zoneOf := map[string]string{}
	for _, c := range otm.Components {
		names[c.ID] = c.Name
		zoneOf[c.Name] = names[c.Parent.TrustZone]
	}
	for _, n := range []string{listener, web, internal, backoffice} {
		if zoneOf[n] != account {
			t.Errorf("OTM component %q is in trust zone %q, want %q", n, zoneOf[n], account)
		}
	}
	into := map[string][]string{}
	for _, f := range otm.Dataflows {
		into[names[f.Destination]] = append(into[names[f.Destination]], names[f.Source])
	}
	if !slices.Contains(into[listener], "Internet (anyone)") {
		t.Errorf("no OTM dataflow from the Internet zone into %q: %v", listener, into[listener])
	}
	for _, n := range []string{internal, backoffice, web} {
		for _, from := range into[n] {
			if zones[from] {
				t.Errorf("OTM dataflow into %q from a trust zone (%q): it is no way in", n, from)
			}
		}
	}

	type tdCell struct {
		Shape    string
		Position *struct{ X, Y int }
		Size     *struct{ Width, Height int }
		Data     struct {
			Name    string
			Threats []json.RawMessage
		}
	}
	var td struct {
		Detail struct {
			Diagrams []struct{ Cells []tdCell }
		}
	}
	data, err = os.ReadFile(filepath.Join(dir, "report.threatdragon.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &td); err != nil || len(td.Detail.Diagrams) != 1 {
		t.Fatalf("threat dragon file: %v, %d diagrams", err, len(td.Detail.Diagrams))
	}
	cells := td.Detail.Diagrams[0].Cells
	box := slices.IndexFunc(cells, func(c tdCell) bool { return c.Shape == "trust-boundary-box" && c.Data.Name == account })
	if box < 0 {
		t.Fatalf("no trust boundary box %q", account)
	}
	b := cells[box]
	found := map[string]int{}
	for _, c := range cells {
		if c.Position == nil || c.Size == nil || c.Shape == "trust-boundary-box" {
			continue
		}
		switch c.Data.Name {
		case listener, web, internal, backoffice:
		default:
			continue
		}
		found[c.Data.Name] = len(c.Data.Threats)
		if c.Position.X < b.Position.X || c.Position.Y < b.Position.Y ||
			c.Position.X+c.Size.Width > b.Position.X+b.Size.Width || c.Position.Y+c.Size.Height > b.Position.Y+b.Size.Height {
			t.Errorf("Threat Dragon cell %q lies outside the %q boundary", c.Data.Name, account)
		}
	}
	if len(found) != 4 {
		t.Errorf("Threat Dragon cells found: %v, want %q, %q, %q and %q", found, listener, web, internal, backoffice)
	}
	if found[listener] == 0 || found[internal] != 0 || found[backoffice] != 0 {
		t.Errorf("threats per cell %v: want some on %q, none on the internal listener or the back-office instance", found, listener)
	}
}

package model

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
)

// update updates a model read from path with s and returns the bytes
// written and the changes.
func update(t *testing.T, path string, s *Scan, o UpdateOptions) (*Model, []byte, []Change) {
	t.Helper()
	m := readModel(t, path)
	_, changes, err := Update(m, s, o)
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return m, out, changes
}

// emptyScan is an account diff with nothing in it: a complete report with
// no way in and no inventory (so nothing can be called stale).
func emptyScan() *Scan {
	return &Scan{Report: &report.Report{Complete: true, Accounts: []string{"123456789012"}, Regions: []string{"us-east-1"}}, Source: "empty"}
}

// pipelineScan is the account trustmap's export goldens were written from
// (report/export/testdata/pipeline.yaml).
func pipelineScan(t *testing.T) *Scan {
	t.Helper()
	snap, trust := analyzertest.Load(t, "../report/export/testdata/pipeline.yaml")
	snap.Complete = true
	return analysed(t, snap, trust, "pipeline.yaml")
}

// The round trip is lossless: a model updated with an empty account diff
// is written back byte for byte (so it is semantically identical too),
// for every format and every real-world shape.
func TestTheRoundTripIsLossless(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f, func(t *testing.T) {
			in := readFile(t, f)
			_, out, changes := update(t, f, emptyScan(), UpdateOptions{})
			if len(changes) != 0 {
				t.Errorf("an empty diff made changes: %v", changes)
			}
			if diff := cmp.Diff(generic(t, in), generic(t, out)); diff != "" {
				t.Errorf("not semantically identical (-read +written):\n%s", diff)
			}
			if string(out) != string(in) {
				t.Error("written back differently")
			}
		})
	}
	// trustmap's own exports, updated with the very account they describe:
	// every element matches, every threat is the same; nothing changes.
	for _, f := range []string{"../report/export/testdata/pipeline.otm.json.golden", "../report/export/testdata/pipeline.otm.yaml.golden",
		"../report/export/testdata/pipeline.threatdragon.json.golden"} {
		t.Run(f+" with its own account", func(t *testing.T) {
			_, out, changes := update(t, f, pipelineScan(t), UpdateOptions{})
			if len(changes) != 0 {
				t.Errorf("changes: %v", changes)
			}
			if string(out) != string(readFile(t, f)) {
				t.Error("written back differently")
			}
		})
	}
}

// Updating twice with the same account changes nothing the second time,
// byte for byte, for every format.
func TestUpdateIsIdempotent(t *testing.T) {
	s := demoScan(t, nil)
	for _, f := range fixtures {
		t.Run(f, func(t *testing.T) {
			_, first, changes := update(t, f, s, UpdateOptions{})
			if len(changes) == 0 {
				t.Fatal("the first update changed nothing: the test would prove nothing")
			}
			m := mustParse(t, first)
			_, again, err := Update(m, s, UpdateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			second, _ := m.Bytes()
			if Edits(again) != 0 || m.Changed() {
				t.Errorf("the second update changed: %v", again)
			}
			if string(second) != string(first) {
				t.Errorf("the second update wrote something else:\n%s", cmp.Diff(string(first), string(second)))
			}
		})
	}
}

// An update keeps everything the modeler wrote: every value of the input
// is in the output at the same place, except the few an update may touch
// (a stale mark in a description, the open-threats flag, Threat Dragon's
// threat and diagram counters, a null the update fills, trustmap's own
// threats).
func TestUpdateKeepsEverythingTheModelerWrote(t *testing.T) {
	s := demoScan(t, nil)
	for _, f := range fixtures {
		t.Run(f, func(t *testing.T) {
			in := readFile(t, f)
			_, out, _ := update(t, f, s, UpdateOptions{})
			for _, p := range notKept("", generic(t, in), generic(t, out)) {
				t.Errorf("not kept: %s", p)
			}
		})
	}
}

// Every model file an update writes passes the official schema of its
// format and version kept in report/export/schema (OTM 0.2.0, Threat
// Dragon v1 and v2): after an empty diff, after the demo account's (which
// adds zones, elements, flows and threats and marks stale ones), and after
// the pipeline account's (which updates trustmap's own threats). Every
// input passes it too, so a failure is the update's.
func TestEveryWrittenModelPassesItsFormatsOfficialSchema(t *testing.T) {
	scans := []struct {
		name string
		s    *Scan
	}{{"empty diff", emptyScan()}, {"demo account", demoScan(t, nil)}, {"pipeline account", pipelineScan(t)}}
	for _, f := range fixtures {
		t.Run(f, func(t *testing.T) {
			m := readModel(t, f)
			for e := range schemaErrors(t, m, readFile(t, f)) {
				t.Fatalf("the input fails its schema, so the test would prove nothing: %s", e)
			}
			for _, sc := range scans {
				m, out, _ := update(t, f, sc.s, UpdateOptions{})
				for e := range schemaErrors(t, m, out) {
					t.Errorf("after the %s: %s", sc.name, e)
				}
			}
		})
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	m := readModel(t, path)
	data, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var markedDescription = regexp.MustCompile(`(?s)^(.*\n)?\[trustmap\] stale: .*$`)

// notKept lists the places where b does not keep what a holds.
func notKept(path string, a, b any) []string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: an object became %T", path, b)}
		}
		if owned(x) {
			return nil // a threat trustmap owns follows the scan
		}
		var out []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if _, ok := y[k]; !ok {
				out = append(out, path+"/"+k+": removed")
				continue
			}
			out = append(out, notKept(path+"/"+k, x[k], y[k])...)
		}
		return out
	case []any:
		y, ok := b.([]any)
		if !ok || len(y) < len(x) {
			return []string{fmt.Sprintf("%s: a list of %d became %v", path, len(x), b)}
		}
		var out []string
		for i := range x {
			out = append(out, notKept(fmt.Sprintf("%s/%d", path, i), x[i], y[i])...)
		}
		return out
	case nil:
		return nil // a null an update may fill (attributes:, threats:)
	}
	if fmt.Sprint(a) == fmt.Sprint(b) {
		return nil
	}
	switch {
	case strings.HasSuffix(path, "/description") && markedDescription.MatchString(fmt.Sprint(b)) &&
		strings.HasPrefix(fmt.Sprint(b), fmt.Sprint(a)):
		return nil
	case strings.HasSuffix(path, "/hasOpenThreats") && fmt.Sprint(b) == "true":
		return nil
	case path == "/detail/threatTop", path == "/detail/diagramTop":
		return nil
	}
	return []string{fmt.Sprintf("%s: %v became %v", path, a, b)}
}

// owned reports whether a decoded object is a threat trustmap owns: an OTM
// catalogue entry with a T- id and a resource_arn, a Threat Dragon threat
// titled "T-xxxxxxxx …".
func owned(x map[string]any) bool {
	id, _ := x["id"].(string)
	attrs, _ := x["attributes"].(map[string]any)
	title, _ := x["title"].(string)
	return (trustmapThreatRE.MatchString(id) && attrs["resource_arn"] != nil) || tdTrustmapTitle.MatchString(title)
}

// Threat Dragon cells an update adds stand in free space: they overlap no
// shape or box of the modeler's, and each lies in the box of its zone (or
// in a box continuing it).
func TestUpdatedThreatDragonCellsStandInFreeSpace(t *testing.T) {
	s := demoScan(t, nil)
	for _, f := range []string{"../testdata/models/demo.threatdragon.json", "testdata/models/td-v2-boxes.json", "testdata/models/td-v2-curves.json",
		"testdata/models/td-v1.json", "../report/export/testdata/pipeline.threatdragon.json.golden"} {
		t.Run(f, func(t *testing.T) {
			orig := readModel(t, f)
			m, out, _ := update(t, f, s, UpdateOptions{})
			planned := map[string]string{} // new element → the zone the update chose
			for _, e := range m.Elements {
				if orig.Element(e.ID) == nil {
					planned[e.ID] = e.Zone
				}
			}
			if len(planned) == 0 {
				t.Fatal("nothing was added")
			}
			got := mustParse(t, out)
			var old []Rect
			for _, c := range cellsOf(orig) {
				if r := tdRect(c); r != nil && r.W > 0 {
					old = append(old, *r)
				}
			}
			for _, e := range got.Elements {
				zone, isNew := planned[e.ID]
				if !isNew {
					continue
				}
				if e.Box == nil {
					t.Errorf("%s has no place", e.Label())
					continue
				}
				for _, r := range old {
					if e.Box.Overlaps(r) && !r.Contains(*e.Box) {
						t.Errorf("%s at %+v overlaps the modeler's shape at %+v", e.Label(), *e.Box, r)
					}
					if r.Contains(*e.Box) && !boxOfZone(orig, r, zone) {
						t.Errorf("%s at %+v was put inside the modeler's shape at %+v, not its zone's box", e.Label(), *e.Box, r)
					}
				}
				if got.TDMajor == 2 && zone != "" {
					if z := got.Zone(e.Zone); z == nil || (z.ID != zone && oneLineName(z.Name) != oneLineName(zoneName(m, zone))+" (continued)") {
						t.Errorf("%s stands in zone %q, planned %q", e.Label(), e.Zone, zone)
					}
				}
			}
			for _, z := range got.Zones {
				if orig.Zone(z.ID) != nil || z.Box == nil {
					continue
				}
				for _, r := range old {
					if z.Box.Overlaps(r) {
						t.Errorf("new box %q at %+v overlaps the modeler's shape at %+v", z.Name, *z.Box, r)
					}
				}
			}
		})
	}
}

func cellsOf(m *Model) []node {
	var out []node
	for _, d := range m.Diagrams {
		if d.cells != nil && d.cells.kind() == kArray {
			out = append(out, d.cells.items()...)
		}
	}
	return out
}

func zoneName(m *Model, id string) string {
	if z := m.Zone(id); z != nil {
		return z.Name
	}
	return ""
}

// boxOfZone reports whether r is the box of the zone (or of one around it).
func boxOfZone(m *Model, r Rect, zone string) bool {
	for z := m.Zone(zone); z != nil; z = m.Zone(z.Parent) {
		if z.Box != nil && *z.Box == r {
			return true
		}
		if z.Parent == "" {
			break
		}
	}
	return false
}

// trustmap's own threats follow the account; the status the modeler gave
// them stays, and one the scan no longer finds is marked, not deleted.
func TestThreatsTrustmapOwnsAreUpdatedInPlace(t *testing.T) {
	s := pipelineScan(t)
	t.Run("OTM", func(t *testing.T) {
		src := string(readFile(t, "../report/export/testdata/pipeline.otm.json.golden"))
		src = strings.Replace(src, `"threat": "T-803d12dc",
          "state": "exposed"`, `"threat": "T-803d12dc",
          "state": "mitigated"`, 1)
		src = strings.Replace(src, `"likelihood": 100,`, `"likelihood": 40,`, 1)
		gone := `{"id": "T-deadbeef", "name": "an old way in", "categories": [], "risk": {"likelihood": 20, "impact": 20}, "attributes": {"resource_arn": "arn:aws:s3:::gone"}},`
		src = strings.Replace(src, `"threats": [
    {`, `"threats": [
    `+gone+`
    {`, 1)
		m, err := Parse([]byte(src), "edited.otm.json")
		if err != nil {
			t.Fatal(err)
		}
		_, changes, err := Update(m, s, UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out, _ := m.Bytes()
		var doc struct {
			Components []struct {
				Threats []struct{ Threat, State string }
			}
			Threats []struct {
				ID         string
				Risk       struct{ Likelihood int }
				Attributes map[string]string
			}
		}
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		for _, c := range doc.Components {
			for _, th := range c.Threats {
				if th.Threat == "T-803d12dc" && th.State != "mitigated" {
					t.Errorf("the modeler's state became %q", th.State)
				}
			}
		}
		for _, th := range doc.Threats {
			switch th.ID {
			case "T-803d12dc":
				if th.Risk.Likelihood != 100 {
					t.Errorf("likelihood %d: trustmap's threat should follow the scan (5 × 20)", th.Risk.Likelihood)
				}
			case "T-deadbeef":
				if !strings.HasPrefix(th.Attributes["trustmap-stale"], "the scan of 2026-11-27 no longer finds this threat") {
					t.Errorf("the gone threat is not marked: %v", th.Attributes)
				}
			}
		}
		if kinds := changeKinds(changes); !slices.Equal(kinds, []string{"mark-stale", "update-threat"}) {
			t.Errorf("changes: %v", changes)
		}
	})
	t.Run("Threat Dragon", func(t *testing.T) {
		src := string(readFile(t, "../report/export/testdata/pipeline.threatdragon.json.golden"))
		i := strings.Index(src, `"status": "Open"`)
		src = src[:i] + `"status": "Mitigated"` + src[i+len(`"status": "Open"`):]
		src = strings.Replace(src, `"severity": "High"`, `"severity": "Low"`, 1)
		m, err := Parse([]byte(src), "edited.json")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := Update(m, s, UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		out, _ := m.Bytes()
		got := mustParse(t, out)
		statuses, severities := map[string]int{}, map[string]int{}
		for _, th := range got.Threats {
			statuses[th.Status]++
			severities[th.Severity]++
		}
		if statuses["Mitigated"] != 1 {
			t.Errorf("statuses %v: the modeler's Mitigated should stay", statuses)
		}
		if severities["Low"] != 0 {
			t.Errorf("severities %v: trustmap's threat should follow the scan", severities)
		}
	})
}

func changeKinds(cs []Change) []string {
	var out []string
	for _, c := range cs {
		if !slices.Contains(out, c.Kind) {
			out = append(out, c.Kind)
		}
	}
	slices.Sort(out)
	return out
}

// Stale marks are set once, kept (with their first date) while the
// element stays gone, removed when it comes back, never deleted with the
// element; --stale keep and an incomplete scan set none.
func TestStaleMarksComeAndGo(t *testing.T) {
	full := demoScan(t, nil)
	without := *demoSnap
	without.Nodes = slices.DeleteFunc(slices.Clone(demoSnap.Nodes), func(n graph.Node) bool { return n.ID == "arn:aws:s3:::acme-ledger" })
	gone := analysed(t, &without, nil, "without the ledger")
	const f = "../testdata/models/demo.otm.yaml"

	_, marked, _ := update(t, f, gone, UpdateOptions{})
	ledger := mustParse(t, marked).Element("ledger")
	if !strings.HasPrefix(ledger.Attributes["trustmap-stale"], "no deployed counterpart since the scan of 2026-01-02: attributes.arn says it is arn:aws:s3:::acme-ledger") {
		t.Fatalf("the ledger is not marked: %v", ledger.Attributes)
	}
	m := mustParse(t, marked)
	if _, changes, _ := Update(m, full, UpdateOptions{}); !slices.ContainsFunc(changes, func(c Change) bool {
		return c.Kind == "unmark-stale" && strings.Contains(c.What, `"Ledger"`)
	}) {
		t.Errorf("no unmark when the ledger is back: %v", changes)
	}
	back, _ := m.Bytes()
	if e := mustParse(t, back).Element("ledger"); e == nil || e.Attributes["trustmap-stale"] != "" {
		t.Errorf("the mark stayed, or the element went: %+v", e)
	}

	_, kept, _ := update(t, f, gone, UpdateOptions{Stale: StaleKeep})
	if strings.Contains(string(kept), "trustmap-stale") {
		t.Error("--stale keep marked something")
	}
	incomplete := analysed(t, &without, nil, "incomplete")
	incomplete.Report.Complete = false
	_, partial, changes := update(t, f, incomplete, UpdateOptions{})
	if strings.Contains(string(partial), "trustmap-stale") {
		t.Error("an incomplete scan marked something")
	}
	if !slices.Contains(changeKinds(changes), "add-element") {
		t.Error("an incomplete scan should still add what it saw")
	}
}

// What an update adds carries its ARN and lands in the zone that fits it,
// so the next validation matches it by ARN and finds no contradiction in
// it.
func TestWhatAnUpdateAddsIsMatchedByARNAndFitsItsZone(t *testing.T) {
	s := demoScan(t, nil)
	for _, f := range []string{"../testdata/models/demo.otm.yaml", "../testdata/models/demo.threatdragon.json", "testdata/models/td-v1.json"} {
		t.Run(f, func(t *testing.T) {
			orig := readModel(t, f)
			_, out, _ := update(t, f, s, UpdateOptions{})
			d := Validate(mustParse(t, out), s)
			for _, x := range d.Matches {
				if orig.Element(x.Element.ID) == nil && x.Method != ByARN {
					t.Errorf("added %s matched %s, not by ARN", x.Element.ID, x.Method)
				}
			}
			for _, c := range d.Contradictions {
				if orig.Element(c.Element.ID) == nil && c.Kind == ContradictsZone {
					t.Errorf("the update put %s in a zone the account contradicts: %s", c.Element.Name, c.Account)
				}
			}
			if len(d.Unmodeled) != 0 {
				t.Errorf("still unmodeled: %v", d.Unmodeled)
			}
		})
	}
}

// An ambiguous element is not guessed: what it may stand for is not added
// a second time either.
func TestAnAmbiguousElementIsNotDuplicated(t *testing.T) {
	s := matchScan(t)
	m := otmWith(t, `{id: e10, name: acme-ingest, type: empty-component, parent: {trustZone: aws}}`)
	_, _, err := Update(m, s, UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := m.Bytes()
	if strings.Count(string(out), "acme-ingest") != 1 {
		t.Errorf("acme-ingest was added although e10 may be it:\n%s", out)
	}
}

// The update says what it did not add for an ambiguous element on every
// run, as a note that edits nothing, so a second update still changes
// nothing. Found on Threat Dragon's generic-cms demo model, whose actor
// "Admin" half-matches the demo account's public acme-legacy-admin role.
func TestASkipIsANoteThatASecondUpdateRepeatsWithoutEditing(t *testing.T) {
	s := demoScan(t, nil)
	isSkip := func(c Change) bool {
		return c.Kind == "skip" && strings.HasPrefix(c.What, `arn:aws:iam::123456789012:role/acme-legacy-admin: "Admin" (id c0) may already stand for it`)
	}
	m := tdWith(t, [2]string{"actor", "Admin"})
	_, changes, err := Update(m, s, UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(changes, isSkip) {
		t.Fatalf("the update does not say what it skipped: %v", changes)
	}
	out, _ := m.Bytes()
	if strings.Contains(string(out), "arn:aws:iam::123456789012:role/acme-legacy-admin") {
		t.Error("acme-legacy-admin was added although Admin may be it")
	}
	again := mustParse(t, out)
	_, changes, err = Update(again, s, UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := Edits(changes); n != 0 || again.Changed() {
		t.Errorf("the second update made %d edits: %v", n, changes)
	}
	if !slices.ContainsFunc(changes, isSkip) {
		t.Errorf("the second update no longer notes the skip: %v", changes)
	}
}

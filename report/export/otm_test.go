package export

import (
	"bufio"
	"bytes"
	"iter"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// otmModel is the shape of an OTM document, members in the order
// otmDoc.write writes them: the tests read documents back into it, and
// encode it whole as the reference the streamed YAML must match.
type otmModel struct {
	OTMVersion  string          `json:"otmVersion" yaml:"otmVersion"`
	Project     otmProject      `json:"project" yaml:"project"`
	TrustZones  []otmTrustZone  `json:"trustZones" yaml:"trustZones"`
	Components  []otmComponent  `json:"components" yaml:"components"`
	Dataflows   []otmDataflow   `json:"dataflows" yaml:"dataflows"`
	Threats     []otmThreat     `json:"threats" yaml:"threats"`
	Mitigations []otmMitigation `json:"mitigations" yaml:"mitigations"`
}

// TestOTMYAMLStreamsWhatYAMLWouldWriteWhole writes random OTM documents
// whose strings are hard for YAML (several lines, empty lines inside a
// literal block, leading and trailing spaces, long lines, "true", "0.1",
// "- " and ": " inside, quotes, non-ASCII) member by member and item by
// item, as WriteOTMYAML does, and compares the bytes with yaml.v3's
// Encoder (SetIndent 2) on the whole model: shifting an item encoded on
// its own under its key must give what yaml.v3 writes in place.
func TestOTMYAMLStreamsWhatYAMLWouldWriteWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	strs := []string{"", "plain", "two\nlines", "gap\n\nafter an empty line", "trailing \n", " leading", "true", "0.1", "null",
		"- dash", "key: value", "# hash", `"quoted"`, "it's", "é ünïcode ✓", strings.Repeat("long words ", 20),
		"ends with newline\n", "\n\nstarts with two", "tab\there", "a: b\n- c\n  d"}
	s := func() string { return strs[rng.IntN(len(strs))] }
	list := func() []string {
		var l []string
		for range rng.IntN(3) {
			l = append(l, s())
		}
		return l
	}
	attrs := func() map[string]string {
		if rng.IntN(3) == 0 {
			return nil
		}
		m := map[string]string{}
		for range 1 + rng.IntN(3) {
			m[s()+"k"] = s()
		}
		return m
	}
	for doc := range 200 {
		m := otmModel{OTMVersion: OTMVersion, Project: otmProject{Name: s(), ID: s(), Description: s(), Tags: list(), Attributes: attrs()},
			TrustZones: []otmTrustZone{}, Components: []otmComponent{}, Dataflows: []otmDataflow{}, Threats: []otmThreat{}, Mitigations: []otmMitigation{}}
		for range rng.IntN(3) {
			m.TrustZones = append(m.TrustZones, otmTrustZone{ID: s(), Name: s(), Type: s(), Description: s(), Risk: otmTrustRisk{TrustRating: rng.IntN(100)}, Attributes: attrs()})
		}
		for range rng.IntN(4) {
			c := otmComponent{ID: s(), Name: s(), Type: s(), Description: s(), Parent: otmParent{TrustZone: s()}, Tags: list(), Attributes: attrs()}
			for range rng.IntN(3) {
				c.Threats = append(c.Threats, otmThreatInstance{Threat: s(), State: "exposed", Mitigations: []otmMitigationInstance{}})
			}
			m.Components = append(m.Components, c)
		}
		for range rng.IntN(4) {
			m.Dataflows = append(m.Dataflows, otmDataflow{ID: s(), Name: s(), Description: s(), Source: s(), Destination: s(), Tags: list(), Attributes: attrs()})
		}
		for range rng.IntN(4) {
			m.Threats = append(m.Threats, otmThreat{ID: s(), Name: s(), Description: s(), Categories: append([]string{}, list()...),
				Risk: otmThreatRisk{Likelihood: rng.IntN(100), LikelihoodComment: s(), Impact: rng.IntN(100), ImpactComment: s()}, Tags: list(), Attributes: attrs()})
		}
		for range rng.IntN(3) {
			m.Mitigations = append(m.Mitigations, otmMitigation{ID: s(), Name: s(), Description: s(), RiskReduction: rng.IntN(100), Attributes: attrs()})
		}

		var want bytes.Buffer
		enc := yaml.NewEncoder(&want)
		enc.SetIndent(2)
		if err := enc.Encode(&m); err != nil {
			t.Fatal(err)
		}
		enc.Close()

		var got bytes.Buffer
		y := &otmYAML{w: bufio.NewWriter(&got)}
		y.member("otmVersion", m.OTMVersion)
		y.member("project", m.Project)
		y.member("trustZones", m.TrustZones)
		y.list("components", each(m.Components))
		y.list("dataflows", each(m.Dataflows))
		y.list("threats", each(m.Threats))
		y.member("mitigations", m.Mitigations)
		if y.err != nil {
			t.Fatal(y.err)
		}
		y.w.Flush()
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Fatalf("document %d (-whole +streamed):\n%s", doc, diff)
		}
	}
}

func each[T any](s []T) iter.Seq[any] {
	return func(yield func(any) bool) {
		for _, v := range s {
			if !yield(v) {
				return
			}
		}
	}
}

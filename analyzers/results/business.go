package results

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/graph"
)

// Business context (PASTA's first stage, "define the objectives"): what
// the user says matters — crown jewels, and how sensitive each resource's
// data is — read from trustmap.yaml (crown_jewels, data_classification by
// ARN pattern) and from a resource tag (data-classification by default).
// The threats analyzer weighs a threat's impact by the data its worst
// outcome reaches (docs/scoring.md); without any marking nothing changes.

// DataLevel is a data classification level.
type DataLevel string

// Levels, most sensitive first.
const (
	DataRestricted   DataLevel = "restricted"
	DataConfidential DataLevel = "confidential"
	DataInternal     DataLevel = "internal"
	DataPublic       DataLevel = "public"
)

// DefaultClassificationTag is the resource tag read for a level when
// trustmap.yaml names none.
const DefaultClassificationTag = "data-classification"

// ParseDataLevel reads a level (any case), false when it is none.
func ParseDataLevel(s string) (DataLevel, bool) {
	switch l := DataLevel(strings.ToLower(strings.TrimSpace(s))); l {
	case DataRestricted, DataConfidential, DataInternal, DataPublic:
		return l, true
	}
	return "", false
}

// Marking is the user's word on a resource (or, with a glob, several).
type Marking struct {
	Resource   string    // ARN or glob (path.Match)
	Level      DataLevel // restricted for a crown jewel
	Reason     string
	CrownJewel bool
}

// Classification is what is known about the data of one resource, and
// who said it.
type Classification struct {
	Level      DataLevel
	CrownJewel bool
	// Source says where it comes from, for the impact's reason:
	// `trustmap.yaml crown_jewels "arn:…" (the general ledger)`,
	// `tag data-classification=restricted`.
	Source string
}

// Marked reports whether trustmap.yaml marks anything: crown jewels or
// classified resources. (Tags are judged per resource, by Classify.)
func (t *Trust) Marked() bool {
	return t != nil && (len(t.CrownJewels) > 0 || len(t.Classification) > 0)
}

// ClassTag is the resource tag read for a level.
func (t *Trust) ClassTag() string {
	if t != nil && t.ClassificationTag != "" {
		return t.ClassificationTag
	}
	return DefaultClassificationTag
}

// Classify says how sensitive a resource's data is: a crown jewel first,
// then trustmap.yaml's data_classification (the exact ARN, else the first
// matching glob in sorted order), then the resource's tag. ok is false
// when nothing marks it.
func (t *Trust) Classify(arn string, tags map[string]string) (Classification, bool) {
	if t != nil {
		if m, ok := firstMatch(t.CrownJewels, arn); ok {
			return Classification{Level: DataRestricted, CrownJewel: true, Source: quoteSource("crown_jewels", m)}, true
		}
		if m, ok := firstMatch(t.Classification, arn); ok {
			return Classification{Level: m.Level, Source: quoteSource("data_classification", m)}, true
		}
	}
	key := t.ClassTag()
	if v, ok := tags[key]; ok {
		if l, ok := ParseDataLevel(v); ok {
			return Classification{Level: l, Source: "tag " + key + "=" + v}, true
		}
	}
	return Classification{}, false
}

func quoteSource(section string, m Marking) string {
	s := "trustmap.yaml " + section + " " + m.Resource
	if m.Reason != "" {
		s += " (" + m.Reason + ")"
	}
	return s
}

// firstMatch is the marking of the exact ARN, else the first glob (in
// sorted order) that matches it.
func firstMatch(ms []Marking, arn string) (Marking, bool) {
	for _, m := range ms {
		if m.Resource == arn {
			return m, true
		}
	}
	sorted := slices.Clone(ms)
	slices.SortStableFunc(sorted, func(a, b Marking) int { return strings.Compare(a.Resource, b.Resource) })
	for _, m := range sorted {
		if ok, _ := path.Match(m.Resource, arn); ok {
			return m, true
		}
	}
	return Marking{}, false
}

// WeighImpact adjusts an impact score (1–5) for the data the outcome
// reaches (docs/scoring.md, "Business context"): restricted data (a crown
// jewel) one more, at most 5; confidential unchanged; reading internal
// data one less, reading public data 1 (there is nothing to disclose);
// writing or administering internal or public data unchanged (tampering
// with it still matters). name names the resource in the reason.
func (c Classification) WeighImpact(base int, read bool, name string) (int, string) {
	switch {
	case c.Level == DataRestricted:
		what := name + " holds restricted data"
		if c.CrownJewel {
			what = name + " is a crown jewel"
		}
		if base >= 5 {
			return 5, fmt.Sprintf("%s (%s): already the highest impact", what, c.Source)
		}
		return base + 1, fmt.Sprintf("raised by 1: %s (%s)", what, c.Source)
	case c.Level == DataInternal && read && base > 1:
		return base - 1, fmt.Sprintf("lowered by 1: reading %s discloses internal data only (%s)", name, c.Source)
	case c.Level == DataPublic && read && base > 1:
		return 1, fmt.Sprintf("lowered to 1: %s holds public data only (%s)", name, c.Source)
	}
	return base, fmt.Sprintf("%s holds %s data (%s): unchanged", name, c.Level, c.Source)
}

// WeighSeverity adjusts an attack path's severity for the data it ends
// at: one band higher at restricted data (a crown jewel), one lower for
// reading public data; otherwise unchanged.
func (c Classification) WeighSeverity(s Severity, read bool) Severity {
	switch {
	case c.Level == DataRestricted:
		return SeverityOfRank(min(s.Rank()+1, SevCritical.Rank()))
	case c.Level == DataPublic && read:
		return SeverityOfRank(max(s.Rank()-1, SevLow.Rank()))
	}
	return s
}

// Reads reports whether an access or path edge discloses data rather than
// changing it.
func Reads(k graph.EdgeKind) bool { return k == graph.EdgeCanRead || k == graph.EdgeCanReceive }

// Business is the business context an analysis weighs outcomes by: the
// user's markings and the resources' tags. Its zero value (nil) weighs
// nothing, which is what an analysis gets when nothing is marked.
type Business struct {
	trust *Trust
	g     *graph.Graph
}

// BusinessOf returns the business context of an analysis, nil when
// nothing is marked: no crown jewel, no classified resource in
// trustmap.yaml and no resource carrying the classification tag with a
// level. Scores are then exactly those without business context.
func BusinessOf(t *Trust, g *graph.Graph) *Business {
	if t.Marked() {
		return &Business{t, g}
	}
	key := t.ClassTag()
	for i := range g.Nodes {
		if v, ok := g.Nodes[i].Tags[key]; ok {
			if _, ok := ParseDataLevel(v); ok {
				return &Business{t, g}
			}
		}
	}
	return nil
}

// Classify classifies a resource of the graph.
func (b *Business) Classify(id string) (Classification, bool) {
	if b == nil {
		return Classification{}, false
	}
	var tags map[string]string
	if n, ok := b.g.Node(id); ok {
		tags = n.Tags
	}
	return b.trust.Classify(id, tags)
}

package results

import (
	"path"
	"slices"
	"strings"
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

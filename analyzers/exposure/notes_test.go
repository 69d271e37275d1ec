package exposure

import (
	"testing"

	"github.com/trustmap/trustmap/graph"
)

// Every kind of note the graph makes is handled: it becomes a finding of a
// rule, or is deliberately only a note. A new kind fails here until it is
// given one or the other.
func TestEveryNoteKindHasARuleOrIsDeliberatelyOnlyANote(t *testing.T) {
	for _, k := range graph.NoteKinds() {
		if _, ok := noteRules[k]; !ok {
			t.Errorf("note kind %q is not in noteRules", k)
		}
	}
	if len(noteRules) != len(graph.NoteKinds()) {
		t.Errorf("noteRules has %d kinds, graph.NoteKinds %d: a rule for a kind that does not exist", len(noteRules), len(graph.NoteKinds()))
	}
}

package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
)

// DiffResult is what changed between two reports: entry points,
// trust-boundary crossings, threats and findings matched by their stable
// ids, each added, removed or changed (with the fields that changed).
//
// Regressions lists what was added or got worse. An addition counts only
// when nobody accepted it: an entry point, crossing, threat or finding the
// trust config or baseline recognizes, or a suppression covers, is listed
// as added but is not a regression (nor is a finding that only restates an
// entry point or crossing: that item is judged instead). A change counts when it widens access
// or raises severity or risk: exposure internal → cross-account → public,
// a principal or action added that no wildcard already granted, recognized
// → unrecognized, severity or risk up, a suppression gone.
type DiffResult struct {
	Old         DiffSide                        `json:"old"`
	New         DiffSide                        `json:"new"`
	EntryPoints DiffSection[results.EntryPoint] `json:"entry_points"`
	Boundaries  DiffSection[results.Crossing]   `json:"boundaries"`
	Threats     DiffSection[results.Threat]     `json:"threats"`
	Findings    DiffSection[analyzers.Finding]  `json:"findings"`
	Regressions []string                        `json:"regressions"`
}

// DiffSide names one of the two reports.
type DiffSide struct {
	Source    string    `json:"source,omitempty"` // file name, filled in by the caller
	ScannedAt time.Time `json:"scanned_at"`
	Accounts  []string  `json:"accounts"`
}

// DiffSection is the difference in one kind of item.
type DiffSection[T any] struct {
	Added   []T          `json:"added"`
	Removed []T          `json:"removed"`
	Changed []ItemChange `json:"changed"`
}

func (s DiffSection[T]) empty() bool {
	return len(s.Added) == 0 && len(s.Removed) == 0 && len(s.Changed) == 0
}

// ItemChange is one item present in both reports whose fields differ.
type ItemChange struct {
	ID      string        `json:"id"`
	Subject string        `json:"subject"` // what the item is about, for people
	Worse   bool          `json:"worse"`
	Fields  []FieldChange `json:"fields"`
}

// FieldChange is one changed field of an item.
type FieldChange struct {
	Field       string `json:"field"`
	Old         string `json:"old"`
	New         string `json:"new"`
	Worse       bool   `json:"worse"`
	Description string `json:"description"`
}

// Empty reports whether the two reports hold the same items.
func (d DiffResult) Empty() bool {
	return d.EntryPoints.empty() && d.Boundaries.empty() && d.Threats.empty() && d.Findings.empty()
}

// Worse reports whether something was added that nobody accepted, or got
// worse.
func (d DiffResult) Worse() bool { return len(d.Regressions) > 0 }

// Diff compares two reports.
func Diff(old, new *Report) DiffResult {
	d := DiffResult{
		Old: DiffSide{ScannedAt: old.ScannedAt, Accounts: nonNil(old.Accounts)},
		New: DiffSide{ScannedAt: new.ScannedAt, Accounts: nonNil(new.Accounts)},
	}
	d.Regressions = []string{}
	suppressed := suppressedEntryPoints(new)

	d.EntryPoints = diffItems(old.EntryPoints, new.EntryPoints,
		func(e results.EntryPoint) string { return e.ID }, results.CompareEntryPoints, changeEntryPoint)
	for _, e := range d.EntryPoints.Added {
		if !e.Recognized && !suppressed[e.ID] {
			d.Regressions = append(d.Regressions, fmt.Sprintf("new entry point %s (%s): %s access to %s via %s for %s",
				e.ID, e.Severity, e.Exposure, e.ResourceARN, e.Via, strings.Join(e.Principals, ", ")))
		}
	}
	d.Boundaries = diffItems(old.Boundaries, new.Boundaries,
		func(c results.Crossing) string { return c.ID }, results.CompareCrossings, changeCrossing)
	for _, c := range d.Boundaries.Added {
		if !c.Recognized && !suppressed[c.EntryPoint] {
			d.Regressions = append(d.Regressions, fmt.Sprintf("new unrecognized trust-boundary crossing %s: %s —%s→ %s (%s → %s)",
				c.ID, c.From, c.Kind, c.To, c.FromZone, c.ToZone))
		}
	}
	d.Threats = diffItems(old.Threats, new.Threats,
		func(t results.Threat) string { return t.ID }, results.CompareThreats, changeThreat)
	for _, t := range d.Threats.Added {
		if !t.Recognized && !suppressed[t.EntryPoint] {
			d.Regressions = append(d.Regressions, fmt.Sprintf("new threat %s (risk %d, %s): %s", t.ID, t.Risk, t.Severity, t.Title))
		}
	}
	d.Findings = diffItems(old.Findings, new.Findings,
		func(f analyzers.Finding) string { return f.ID }, analyzers.CompareFindings, changeFinding)
	// A finding that restates an entry point or a crossing (the exposure
	// and boundary rules) is judged with that item, not counted twice.
	mirrored := map[string]bool{}
	for _, e := range new.EntryPoints {
		mirrored[e.ID] = true
	}
	for _, c := range new.Boundaries {
		mirrored[c.ID] = true
	}
	for _, f := range d.Findings.Added {
		ep, bx := f.EntryPointID(), f.CrossingID()
		if !f.Recognized && f.Suppressed == nil && !mirrored[ep] && !mirrored[bx] {
			d.Regressions = append(d.Regressions, fmt.Sprintf("new finding %s (%s): %s on %s", f.ID, f.Severity, f.Title, f.Resource))
		}
	}
	for _, sec := range []struct {
		kind    string
		changes []ItemChange
	}{{"entry point", d.EntryPoints.Changed}, {"trust-boundary crossing", d.Boundaries.Changed}, {"threat", d.Threats.Changed}, {"finding", d.Findings.Changed}} {
		for _, c := range sec.changes {
			if !c.Worse {
				continue
			}
			var why []string
			for _, f := range c.Fields {
				if f.Worse {
					why = append(why, f.Description)
				}
			}
			d.Regressions = append(d.Regressions, fmt.Sprintf("%s %s got worse (%s): %s", sec.kind, c.ID, c.Subject, strings.Join(why, "; ")))
		}
	}
	return d
}

// suppressedEntryPoints returns the entry points whose finding a
// suppression silences.
func suppressedEntryPoints(r *Report) map[string]bool {
	s := map[string]bool{}
	for _, f := range r.Findings {
		if f.Suppressed == nil {
			continue
		}
		if ep := f.EntryPointID(); ep != "" {
			s[ep] = true
		}
	}
	return s
}

func diffItems[T any](old, new []T, id func(T) string, order func(a, b T) int, change func(a, b T) (ItemChange, bool)) DiffSection[T] {
	s := DiffSection[T]{Added: []T{}, Removed: []T{}, Changed: []ItemChange{}}
	olds := map[string]T{}
	for _, x := range old {
		olds[id(x)] = x
	}
	news := map[string]bool{}
	for _, x := range new {
		news[id(x)] = true
		o, ok := olds[id(x)]
		if !ok {
			s.Added = append(s.Added, x)
			continue
		}
		if c, changed := change(o, x); changed {
			s.Changed = append(s.Changed, c)
		}
	}
	for _, x := range old {
		if !news[id(x)] {
			s.Removed = append(s.Removed, x)
		}
	}
	slices.SortStableFunc(s.Added, order)
	slices.SortStableFunc(s.Removed, order)
	slices.SortFunc(s.Changed, func(a, b ItemChange) int { return cmp.Compare(a.ID, b.ID) })
	return s
}

// fields collects the field changes of one item.
type fields struct{ list []FieldChange }

func (f *fields) value(name, old, new string, worse bool) {
	if old == new {
		return
	}
	f.list = append(f.list, FieldChange{Field: name, Old: old, New: new, Worse: worse,
		Description: fmt.Sprintf("%s %s → %s", name, orDash(old), orDash(new))})
}

func (f *fields) set(name string, old, new []string) {
	added, removed := setDiff(old, new)
	if len(added) == 0 && len(removed) == 0 {
		return
	}
	var parts []string
	for _, a := range added {
		parts = append(parts, "+"+a)
	}
	for _, r := range removed {
		parts = append(parts, "−"+r)
	}
	worse := false
	for _, a := range added {
		worse = worse || !covered(old, a)
	}
	f.list = append(f.list, FieldChange{Field: name, Old: strings.Join(old, ", "), New: strings.Join(new, ", "), Worse: worse,
		Description: name + " " + strings.Join(parts, " ")})
}

// covered reports whether a wildcard in old already grants x: "*" covers
// every principal and action, "s3:*" or "s3:Get*" the actions it matches.
func covered(old []string, x string) bool {
	for _, o := range old {
		if o == "*" || (strings.HasSuffix(o, "*") && strings.HasPrefix(strings.ToLower(x), strings.ToLower(strings.TrimSuffix(o, "*")))) {
			return true
		}
	}
	return false
}

func (f *fields) recognized(old, new bool) {
	f.value("recognized", yesNo(old), yesNo(new), old && !new)
}

func (f *fields) result(id, subject string) (ItemChange, bool) {
	c := ItemChange{ID: id, Subject: subject, Fields: f.list}
	for _, x := range f.list {
		c.Worse = c.Worse || x.Worse
	}
	return c, len(f.list) > 0
}

func changeEntryPoint(a, b results.EntryPoint) (ItemChange, bool) {
	var f fields
	f.value("exposure", a.Exposure.String(), b.Exposure.String(), b.Exposure.Rank() > a.Exposure.Rank())
	f.set("principals", a.Principals, b.Principals)
	f.set("actions", a.Actions, b.Actions)
	f.recognized(a.Recognized, b.Recognized)
	f.value("severity", string(a.Severity), string(b.Severity), b.Severity.Rank() > a.Severity.Rank())
	return f.result(b.ID, b.ResourceARN+" via "+b.Via.String())
}

func changeCrossing(a, b results.Crossing) (ItemChange, bool) {
	var f fields
	f.value("exposure", a.Exposure.String(), b.Exposure.String(), b.Exposure.Rank() > a.Exposure.Rank())
	f.set("actions", a.Actions, b.Actions)
	f.recognized(a.Recognized, b.Recognized)
	return f.result(b.ID, fmt.Sprintf("%s —%s→ %s", b.From, b.Kind, b.To))
}

func changeThreat(a, b results.Threat) (ItemChange, bool) {
	var f fields
	f.value("risk", fmt.Sprint(a.Risk), fmt.Sprint(b.Risk), b.Risk > a.Risk)
	f.value("severity", string(a.Severity), string(b.Severity), b.Severity.Rank() > a.Severity.Rank())
	f.value("likelihood", fmt.Sprint(a.Likelihood), fmt.Sprint(b.Likelihood), false)
	f.value("impact", fmt.Sprint(a.Impact), fmt.Sprint(b.Impact), false)
	f.recognized(a.Recognized, b.Recognized)
	return f.result(b.ID, b.Title)
}

func changeFinding(a, b analyzers.Finding) (ItemChange, bool) {
	var f fields
	f.value("severity", string(a.Severity), string(b.Severity), b.Severity.Rank() > a.Severity.Rank())
	f.recognized(a.Recognized, b.Recognized)
	f.value("suppressed", yesNo(a.Suppressed != nil), yesNo(b.Suppressed != nil), a.Suppressed != nil && b.Suppressed == nil)
	return f.result(b.ID, b.Title+" on "+b.Resource)
}

func setDiff(old, new []string) (added, removed []string) {
	for _, x := range new {
		if !slices.Contains(old, x) {
			added = append(added, x)
		}
	}
	for _, x := range old {
		if !slices.Contains(new, x) {
			removed = append(removed, x)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	return added, removed
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// WriteDiffJSON writes the difference as indented JSON.
func WriteDiffJSON(w io.Writer, d DiffResult) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

// diffLines is one section's lines, shared by the text and Markdown writers.
type diffLines struct {
	title                   string
	added, removed, changed []string
}

func (d DiffResult) lines() []diffLines {
	var out []diffLines
	ep := diffLines{title: "Entry points"}
	for _, e := range d.EntryPoints.Added {
		ep.added = append(ep.added, fmt.Sprintf("%s %s %s %s via %s for %s%s", e.ID, e.Severity, e.Exposure, e.ResourceARN, e.Via, strings.Join(e.Principals, ", "), recognizedNote(e.Recognized)))
	}
	for _, e := range d.EntryPoints.Removed {
		ep.removed = append(ep.removed, fmt.Sprintf("%s %s %s %s via %s for %s", e.ID, e.Severity, e.Exposure, e.ResourceARN, e.Via, strings.Join(e.Principals, ", ")))
	}
	ep.changed = changeLines(d.EntryPoints.Changed)
	bx := diffLines{title: "Trust-boundary crossings"}
	for _, c := range d.Boundaries.Added {
		bx.added = append(bx.added, fmt.Sprintf("%s %s —%s→ %s (%s)%s", c.ID, c.From, c.Kind, c.To, c.Via, recognizedNote(c.Recognized)))
	}
	for _, c := range d.Boundaries.Removed {
		bx.removed = append(bx.removed, fmt.Sprintf("%s %s —%s→ %s (%s)", c.ID, c.From, c.Kind, c.To, c.Via))
	}
	bx.changed = changeLines(d.Boundaries.Changed)
	th := diffLines{title: "Threats"}
	for _, t := range d.Threats.Added {
		th.added = append(th.added, fmt.Sprintf("%s risk %d %s: %s", t.ID, t.Risk, t.Severity, t.Title))
	}
	for _, t := range d.Threats.Removed {
		th.removed = append(th.removed, fmt.Sprintf("%s risk %d %s: %s", t.ID, t.Risk, t.Severity, t.Title))
	}
	th.changed = changeLines(d.Threats.Changed)
	fi := diffLines{title: "Findings"}
	for _, f := range d.Findings.Added {
		note := recognizedNote(f.Recognized)
		if f.Suppressed != nil {
			note = " (suppressed)"
		}
		fi.added = append(fi.added, fmt.Sprintf("%s %s: %s on %s%s", f.ID, f.Severity, f.Title, f.Resource, note))
	}
	for _, f := range d.Findings.Removed {
		fi.removed = append(fi.removed, fmt.Sprintf("%s %s: %s on %s", f.ID, f.Severity, f.Title, f.Resource))
	}
	fi.changed = changeLines(d.Findings.Changed)
	return append(out, ep, bx, th, fi)
}

func changeLines(cs []ItemChange) []string {
	var out []string
	for _, c := range cs {
		var ds []string
		for _, f := range c.Fields {
			ds = append(ds, f.Description)
		}
		worse := ""
		if c.Worse {
			worse = " [worse]"
		}
		out = append(out, fmt.Sprintf("%s %s: %s%s", c.ID, c.Subject, strings.Join(ds, "; "), worse))
	}
	return out
}

func recognizedNote(r bool) string {
	if r {
		return " (recognized)"
	}
	return ""
}

func sideText(s DiffSide) string {
	name := s.Source
	if name == "" {
		name = "report"
	}
	return fmt.Sprintf("%s (scanned %s, accounts %s)", name, s.ScannedAt.UTC().Format("2006-01-02 15:04 UTC"), orNone(strings.Join(s.Accounts, ", ")))
}

// WriteDiffText writes the difference for a terminal: one line per item,
// + added, - removed, ~ changed, ! regression.
func WriteDiffText(w io.Writer, d DiffResult) error {
	p := &printer{w: w}
	p.f("old: %s\nnew: %s\n", sideText(d.Old), sideText(d.New))
	if d.Empty() {
		p.f("\nno differences\n")
		return p.err
	}
	for _, s := range d.lines() {
		if len(s.added)+len(s.removed)+len(s.changed) == 0 {
			continue
		}
		p.f("\n%s: %d added, %d removed, %d changed\n", strings.ToLower(s.title), len(s.added), len(s.removed), len(s.changed))
		for _, l := range s.added {
			p.f("  + %s\n", l)
		}
		for _, l := range s.removed {
			p.f("  - %s\n", l)
		}
		for _, l := range s.changed {
			p.f("  ~ %s\n", l)
		}
	}
	if len(d.Regressions) == 0 {
		p.f("\nnothing new that is unrecognized, and nothing got worse\n")
	} else {
		p.f("\n%d added or worse:\n", len(d.Regressions))
		for _, r := range d.Regressions {
			p.f("  ! %s\n", r)
		}
	}
	return p.err
}

// WriteDiffMarkdown writes the difference as Markdown (for a pull-request
// comment or a CI summary).
func WriteDiffMarkdown(w io.Writer, d DiffResult) error {
	p := &printer{w: w}
	p.f("# trustmap diff\n\n- Old: %s\n- New: %s\n", md(sideText(d.Old)), md(sideText(d.New)))
	if d.Empty() {
		p.f("\nNo differences.\n")
		return p.err
	}
	p.f("\n## Added or worse\n\n")
	if len(d.Regressions) == 0 {
		p.f("Nothing new that is unrecognized, and nothing got worse.\n")
	}
	for _, r := range d.Regressions {
		p.f("- %s\n", md(r))
	}
	for _, s := range d.lines() {
		if len(s.added)+len(s.removed)+len(s.changed) == 0 {
			continue
		}
		p.f("\n## %s\n\n| | |\n|---|---|\n", s.title)
		for _, l := range s.added {
			p.f("| added | %s |\n", md(l))
		}
		for _, l := range s.removed {
			p.f("| removed | %s |\n", md(l))
		}
		for _, l := range s.changed {
			p.f("| changed | %s |\n", md(l))
		}
	}
	return p.err
}

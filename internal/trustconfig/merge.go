package trustconfig

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ErrCannotEdit is Merge's answer for a valid file it cannot edit line by
// line without risk; the message says what to change.
var ErrCannotEdit = errors.New("init cannot edit this file safely")

// oddBreaks says whether data holds a line break YAML knows other than LF
// and CRLF: a lone CR, NEL (U+0085), LS (U+2028) or PS (U+2029).
func oddBreaks(data []byte) bool {
	for i, b := range data {
		if b == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			return true
		}
	}
	return bytes.Contains(data, []byte("\u0085")) || bytes.Contains(data, []byte("\u2028")) || bytes.Contains(data, []byte("\u2029"))
}

// MergeStats says what Merge changed.
type MergeStats struct {
	Added     map[string]int // new commented-out entries, by section
	Marked    int            // entries newly marked as not seen
	Unmarked  int            // marks removed because the scan saw the entry again
	Unchanged bool
}

// Merge brings an existing trust config up to date with a newer scan. The
// file is read with yaml.v3's node API to find its sections and entries
// (those written and those still commented out), and edited as text, so
// every line the user wrote — entries, comments, spacing — stays as it
// is. It adds a commented-out entry for each party the file does not list
// yet, marks (never deletes) each entry whose account, organization or
// resource the scan no longer saw, and removes that mark when the scan
// sees it again. An incomplete scan marks nothing: what it did not see may
// still be there. Merging the same scan twice changes nothing.
func Merge(existing []byte, name string, s *Scan) ([]byte, MergeStats, error) {
	st := MergeStats{Added: map[string]int{}}
	before, err := Parse(existing, name)
	if err != nil {
		return nil, st, err
	}
	if oddBreaks(existing) {
		// YAML counts these as line breaks; editing by lines would then put
		// lines in the wrong place.
		return nil, st, fmt.Errorf("%s: %w: it breaks lines with CR, NEL, LS or PS; convert them to LF", name, ErrCannotEdit)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(existing, &root); err != nil {
		return nil, st, syntaxError(name, err)
	}
	if doc := document(&root); doc != nil && doc.Style&yaml.FlowStyle != 0 {
		return nil, st, fmt.Errorf("%s:%d:%d: %w: it is written as one {mapping}; write one section per line", name, doc.Line, doc.Column, ErrCannotEdit)
	}
	f := newFileLines(existing)
	sections := f.sections(document(&root))

	for _, sec := range sectionOrder {
		if !recognizing(sec) {
			continue
		}
		info := sections[sec]
		seen := map[string]bool{}
		for _, p := range s.Parties[sec] {
			seen[p.Key] = true
		}
		// Mark or unmark what the file lists.
		if info != nil && s.Complete {
			for _, e := range info.entries {
				unseen := !covers(sec, e.key, s.Parties[sec])
				mark := f.markAbove(e.line, e.key)
				switch {
				case unseen && mark < 0:
					f.insert(e.line, e.indent+"# "+markText(s, e.key))
					st.Marked++
				case !unseen && mark >= 0:
					f.remove(mark)
					st.Unmarked++
				}
			}
		}
		// Add what the file does not list.
		var fresh []Party
		for _, p := range s.Parties[sec] {
			if info == nil || !info.lists(sec, p.Key) {
				fresh = append(fresh, p)
			}
		}
		if len(fresh) == 0 {
			continue
		}
		st.Added[sec] = len(fresh)
		if info == nil {
			// A new section at the end, at the indentation of the file's
			// top-level keys (YAML lets a document indent them all).
			top := topIndent(document(&root), f)
			lines := []string{""}
			for _, l := range sectionHelp[sec] {
				lines = append(lines, top+l)
			}
			lines = append(lines, top+sec+":")
			lines = append(lines, entries(sec, fresh, top+"  ")...)
			if end := f.docEnd(); end < len(f.lines) {
				f.insert(end, append(lines[1:], "")...) // inside the first document, before its "..." or "---"
			} else {
				f.append(lines)
			}
			continue
		}
		var lines []string
		if info.flowList {
			lines = append(lines, info.indent+"# (the list above is written [like, this]: to uncomment an entry below, write the list one \"- \" item per line)")
		}
		lines = append(lines, entries(sec, fresh, info.indent)...)
		if info.emptyValue {
			f.replace(info.keyLine, strings.TrimRight(emptyValueRE.ReplaceAllString(f.lines[info.keyLine], "$1$3"), " "))
		}
		body := false
		for ln := info.keyLine + 1; ln <= info.end; ln++ {
			if noneSeenRE.MatchString(f.lines[ln]) {
				f.remove(ln) // our own "(none seen ...)" is no longer true
			} else if strings.TrimSpace(f.lines[ln]) != "" {
				body = true
			}
		}
		if body {
			lines = append([]string{""}, lines...)
		}
		if next := info.end + 1; next < len(f.lines) && strings.TrimSpace(f.lines[next]) != "" {
			lines = append(lines, "") // keep the next section apart
		}
		f.insertAfter(info.end, lines)
	}

	out := f.bytes()
	if bytes.Equal(out, existing) {
		st.Unchanged = true
		return out, st, nil
	}
	after, err := Parse(out, name)
	if err != nil {
		return nil, st, fmt.Errorf("%s: internal error: the merged file does not parse (%v); the file was not changed", name, err)
	}
	if !sameMeaning(before, after) {
		return nil, st, fmt.Errorf("%s: internal error: merging changed what the file says; the file was not changed", name)
	}
	return out, st, nil
}

func entries(sec string, ps []Party, indent string) []string {
	var lines []string
	for i, p := range ps {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, entry(sec, p, indent)...)
	}
	return lines
}

var (
	// markRE finds the marks Merge puts above an entry the scan no longer
	// saw; each names the entry's key.
	markRE = regexp.MustCompile(`^\s*# not seen since the scan of `)
	// noneSeenRE is the line of a section the starter file found empty.
	noneSeenRE = regexp.MustCompile(`^\s*# \(none seen by the scan`)
)

func markText(s *Scan, key string) string {
	return "not seen since the scan of " + s.ScannedAt.UTC().Format("2006-01-02 15:04 UTC") + ": " + commentSafe(strconv.Quote(key)) + "; remove this entry if that access is gone"
}

// markAbove returns the line of the mark naming key among the marks right
// above line at, or -1.
func (f *fileLines) markAbove(at int, key string) int {
	q := commentSafe(strconv.Quote(key))
	for ln := at - 1; ln >= 0 && markRE.MatchString(f.lines[ln]); ln-- {
		if strings.Contains(f.lines[ln], ": "+q+";") {
			return ln
		}
	}
	return -1
}

// covers says whether an entry's key (an id, or a resource glob) names
// one of the parties a scan saw.
func covers(sec, key string, ps []Party) bool {
	for _, p := range ps {
		if matches(sec, key, p.Key) {
			return true
		}
	}
	return false
}

// matches says whether an entry key names a party: the same id, or for
// expected_public a glob that matches the ARN (as the analyzer matches).
func matches(sec, key, party string) bool {
	if key == party {
		return true
	}
	if sec == SectionExpectedPublic {
		ok, _ := path.Match(key, party)
		return ok
	}
	return false
}

// sameMeaning compares two configs, ignoring where suppressions are.
func sameMeaning(a, b *Config) bool {
	strip := func(c *Config) Config {
		cp := *c
		cp.Suppressions = slices.Clone(c.Suppressions)
		for i := range cp.Suppressions {
			cp.Suppressions[i].line = 0
		}
		// "section: []" and "section:" say the same.
		cp.Organizations, cp.KnownAccounts, cp.ExpectedPublic, cp.Suppressions =
			nilIfEmpty(cp.Organizations), nilIfEmpty(cp.KnownAccounts), nilIfEmpty(cp.ExpectedPublic), nilIfEmpty(cp.Suppressions)
		return cp
	}
	return reflect.DeepEqual(strip(a), strip(b))
}

// fileEntry is one entry of a section, written or commented out.
type fileEntry struct {
	key    string
	line   int    // 0-based index of its first line
	indent string // the whitespace before it ("- " or "# ")
}

// sectionInfo is where a section is in the file and what it lists.
type sectionInfo struct {
	keyLine    int // 0-based line of "section:"
	end        int // 0-based last line of its body (blank lines and column-0 comments after it excluded)
	indent     string
	entries    []fileEntry
	flowList   bool // a non-empty [a, b] list: entries cannot be uncommented below it
	emptyValue bool // "section: []" or "section: ~": rewritten "section:" before entries are added
}

func (si *sectionInfo) lists(sec, key string) bool {
	for _, e := range si.entries {
		if matches(sec, e.key, key) {
			return true
		}
	}
	return false
}

var (
	// commentedEntryRE is a commented-out list item: "  # - {id: ...}".
	commentedEntryRE = regexp.MustCompile(`^(\s*)#\s?(\s*- .*)$`)
	// emptyValueRE is a key whose value is an empty list or null on its line.
	emptyValueRE = regexp.MustCompile(`^([A-Za-z_]+:)\s*(\[\s*\]|~|null|Null|NULL)(\s*#.*)?$`)
)

// sections finds the recognizing sections of a parsed file and their
// entries.
func (f *fileLines) sections(doc *yaml.Node) map[string]*sectionInfo {
	out := map[string]*sectionInfo{}
	if doc == nil || doc.Kind != yaml.MappingNode {
		return out
	}
	type top struct {
		key  string
		line int // 0-based
		val  *yaml.Node
	}
	var tops []top
	for i := 0; i+1 < len(doc.Content); i += 2 {
		tops = append(tops, top{doc.Content[i].Value, doc.Content[i].Line - 1, doc.Content[i+1]})
	}
	for i, t := range tops {
		if !slices.Contains(sectionOrder, t.key) || !recognizing(t.key) {
			continue
		}
		limit := f.docEnd() - 1
		if i+1 < len(tops) {
			limit = tops[i+1].line - 1
		}
		end := limit
		for end > t.line && (strings.TrimSpace(f.lines[end]) == "" || strings.HasPrefix(f.lines[end], "#")) {
			end--
		}
		si := &sectionInfo{keyLine: t.line, end: end, indent: "  "}
		val := t.val
		for val.Kind == yaml.AliasNode && val.Alias != nil {
			val = val.Alias
		}
		switch {
		case val.Kind == yaml.SequenceNode && val.Style&yaml.FlowStyle != 0:
			if len(val.Content) == 0 && val.Line-1 == t.line && emptyValueRE.MatchString(f.lines[t.line]) {
				si.emptyValue = true
			} else {
				si.flowList = true
			}
		case isNull(val) && val.Value != "" && emptyValueRE.MatchString(f.lines[t.line]):
			si.emptyValue = true
		}
		indentSet := false
		if val.Kind == yaml.SequenceNode {
			for _, item := range val.Content {
				k := entryKey(t.key, item)
				if k == "" {
					continue
				}
				ind := leadingSpace(f.lines[item.Line-1])
				if !indentSet && !si.flowList {
					si.indent, indentSet = ind, true
				}
				si.entries = append(si.entries, fileEntry{key: k, line: item.Line - 1, indent: ind})
			}
		}
		for ln := t.line + 1; ln <= limit; ln++ {
			m := commentedEntryRE.FindStringSubmatch(f.lines[ln])
			if m == nil {
				continue
			}
			var seq yaml.Node
			if yaml.Unmarshal([]byte(m[2]), &seq) != nil {
				continue
			}
			items := document(&seq)
			if items == nil || items.Kind != yaml.SequenceNode || len(items.Content) != 1 {
				continue
			}
			k := entryKey(t.key, items.Content[0])
			if k == "" {
				continue
			}
			if !indentSet {
				si.indent, indentSet = m[1], true
			}
			si.entries = append(si.entries, fileEntry{key: k, line: ln, indent: m[1]})
			si.end = max(si.end, ln) // a commented entry at column 0 is still the section's
		}
		slices.SortFunc(si.entries, func(a, b fileEntry) int { return a.line - b.line })
		out[t.key] = si
	}
	return out
}

// docEnd is the line of the marker ("..." or "---") that ends the file's
// first document, len(lines) when the document runs to the end.
func (f *fileLines) docEnd() int {
	marker := func(l, m string) bool { return l == m || strings.HasPrefix(l, m+" ") || strings.HasPrefix(l, m+"\t") }
	started := false
	for i, l := range f.lines {
		switch {
		case !started && marker(l, "---"):
			started = true
		case marker(l, "..."), marker(l, "---"):
			return i
		case strings.TrimSpace(l) != "" && !strings.HasPrefix(strings.TrimSpace(l), "#"):
			started = true
		}
	}
	return len(f.lines)
}

// topIndent is the whitespace before the file's top-level keys.
func topIndent(doc *yaml.Node, f *fileLines) string {
	if doc == nil || doc.Kind != yaml.MappingNode || len(doc.Content) == 0 {
		return ""
	}
	k := doc.Content[0]
	if l := k.Line - 1; l >= 0 && l < len(f.lines) && k.Column-1 <= len(f.lines[l]) {
		if ind := f.lines[l][:k.Column-1]; strings.TrimLeft(ind, " ") == "" {
			return ind
		}
	}
	return ""
}

// entryKey reads the key of one entry of a section: an account id, an
// organization id, a resource.
func entryKey(sec string, n *yaml.Node) string {
	switch sec {
	case SectionKnownAccounts:
		var a KnownAccount
		if n.Decode(&a) == nil {
			return a.ID
		}
	case SectionOrganizations:
		var o string
		if n.Decode(&o) == nil {
			return o
		}
	case SectionExpectedPublic:
		var e ExpectedPublic
		if n.Decode(&e) == nil {
			return e.Resource
		}
	}
	return ""
}

func leadingSpace(s string) string { return s[:len(s)-len(strings.TrimLeft(s, " \t"))] }

// fileLines is a file as lines, edited by line index. Edits are recorded
// against the original indexes and applied together, so one edit never
// shifts the place of another.
type fileLines struct {
	lines  []string
	eol    string
	finalN bool // the file ended with a line break
	before map[int][]string
	after  map[int][]string
	drop   map[int]bool
	repl   map[int]string
	tail   []string
}

func newFileLines(data []byte) *fileLines {
	s := string(data)
	f := &fileLines{eol: "\n", before: map[int][]string{}, after: map[int][]string{}, drop: map[int]bool{}, repl: map[int]string{}}
	if strings.Contains(s, "\r\n") {
		f.eol = "\r\n"
	}
	f.finalN = strings.HasSuffix(s, "\n")
	s = strings.TrimSuffix(s, "\n")
	f.lines = strings.Split(s, "\n")
	for i, l := range f.lines {
		f.lines[i] = strings.TrimSuffix(l, "\r")
	}
	return f
}

func (f *fileLines) insert(at int, lines ...string)     { f.before[at] = append(f.before[at], lines...) }
func (f *fileLines) insertAfter(at int, lines []string) { f.after[at] = append(f.after[at], lines...) }
func (f *fileLines) remove(at int)                      { f.drop[at] = true }
func (f *fileLines) replace(at int, line string)        { f.repl[at] = line }
func (f *fileLines) append(lines []string)              { f.tail = append(f.tail, lines...) }

func (f *fileLines) bytes() []byte {
	var out []string
	for i, l := range f.lines {
		out = append(out, f.before[i]...)
		if r, ok := f.repl[i]; ok {
			l = r
		}
		if !f.drop[i] {
			out = append(out, l)
		}
		out = append(out, f.after[i]...)
	}
	out = append(out, f.tail...)
	s := strings.Join(out, f.eol)
	if f.finalN || len(f.tail) > 0 {
		s += f.eol
	}
	return []byte(s)
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

package report

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
)

// WriteMarkdown writes report.md: a summary, entry points sorted by
// severity (unrecognized first), attack paths, threats, findings to review
// and the coverage gaps.
func WriteMarkdown(w io.Writer, in Input) error {
	r := in.Report
	p := &printer{w: w}
	p.f("# trustmap report\n\n")
	p.f("- Accounts: %s\n", orNone(strings.Join(r.Accounts, ", ")))
	p.f("- Regions: %s\n", orNone(strings.Join(r.Regions, ", ")))
	p.f("- Scanned at: %s\n", r.ScannedAt.Format("2006-01-02 15:04:05 UTC"))
	p.f("- Tool: %s %s\n", r.Tool.Name, r.Tool.Version)
	if !r.Complete {
		p.f("\n> **Incomplete scan** (%s): what follows covers only what was collected before the scan stopped.\n", r.IncompleteReason)
	}
	s := r.Summary
	p.f("\n## Summary\n\n")
	p.f("| | |\n|---|---|\n")
	p.f("| Resources | %d |\n| Entry points | %d (%d public, %d cross-account) |\n| Unrecognized entry points | %d |\n| Highest severity | %s |\n| Threats | %d |\n| Attack paths | %d |\n| Coverage gaps | %d |\n",
		s.Resources, s.EntryPoints, s.Public, s.CrossAccount, s.Unrecognized, s.HighestSeverity, s.Threats, s.AttackPaths, s.CoverageGaps)
	if s.CoverageGaps > 0 {
		p.f("\n> The scan could not see everything: %d API calls failed (see *Coverage gaps*). Facts behind them are unknown, not absent.\n", s.CoverageGaps)
	}

	writeExecutive(p, r)
	writeOrganizationMarkdown(p, r) // organization_md.go
	writeHistoryMarkdown(p, r)      // history.go
	writeBoundaries(p, r)

	p.f("\n## Entry points\n\n")
	if len(r.EntryPoints) == 0 {
		p.f("No resource is reachable from outside its account.\n")
	} else {
		p.f("| Severity | Exposure | Resource | Way in | Who | Access | Recognized |\n|---|---|---|---|---|---|---|\n")
		for _, ep := range r.EntryPoints {
			rec := "**no**"
			if ep.Recognized {
				rec = "yes (" + md(ep.RecognizedBy) + ")"
			}
			sev := string(ep.Severity)
			if !ep.Certain {
				sev += " (unconfirmed)"
			}
			p.f("| %s | %s | %s | %s | %s | %s | %s |\n", sev, ep.Exposure, code(ep.ResourceARN), md(ep.Via.String()),
				codes(ep.Principals), codes(ep.Actions), rec)
		}
		p.f("\n")
		for _, ep := range r.EntryPoints {
			p.f("### %s %s via %s\n\n", ep.ID, code(ep.ResourceARN), md(ep.Via.String()))
			p.f("- Exposure: **%s** to %s (zones: %s)\n", ep.Exposure, codes(ep.Principals), md(joinStrings(ep.Zones, ", ")))
			p.f("- Access: %s — %s\n", joinNames(ep.Access, ", "), codes(ep.Actions))
			p.f("- Evidence: %s", md(ep.Evidence.Source))
			if len(ep.Evidence.Statements) > 0 {
				p.f(", statement %s", ints(ep.Evidence.Statements))
			}
			if len(ep.Evidence.Sids) > 0 {
				p.f(" (Sid %s)", md(strings.Join(ep.Evidence.Sids, ", ")))
			}
			p.f("\n")
			for _, d := range ep.Evidence.Details {
				p.f("- Detail: %s\n", md(d))
			}
			if len(ep.Evidence.Conditions) > 0 {
				p.f("- Conditions that still apply: %s\n", md(strings.Join(ep.Evidence.Conditions, "; ")))
			}
			for _, f := range ep.Evidence.Fix {
				p.f("- Fix: %s\n", md(f))
			}
			if !ep.Certain {
				p.f("- Unconfirmed: it rests on a setting the scan could not read (see coverage gaps).\n")
			}
			p.f("\n")
		}
	}

	if len(r.AttackPaths) > 0 {
		p.f("## Attack paths\n\n")
		for _, ap := range r.AttackPaths {
			p.f("- **%s** (%s) from %s to %s: ", ap.ID, ap.Severity, md(string(ap.FromZone)), code(ap.Target))
			var hops []string
			var keys []string
			for _, st := range ap.Steps {
				hops = append(hops, fmt.Sprintf("%s —%s→ %s", code(st.From), st.Edge, code(st.To)))
				if k := st.Key; k != nil {
					keys = append(keys, fmt.Sprintf("  - %s is encrypted with KMS key %s (%s): %s for %s: **%s** (%s)",
						code(st.To), md(k.Label()), code(k.Key), k.Action, code(st.From), KeyVerdict(k.Access), md(k.Evidence)))
				}
			}
			p.f("%s\n", strings.Join(hops, ", "))
			for _, k := range keys {
				p.f("%s\n", k)
			}
		}
		p.f("\n")
	}

	if len(r.Threats) > 0 {
		p.f("## Threats\n\n")
		for _, t := range r.Threats {
			p.f("### %s %s (risk %d, %s)\n\n", t.ID, md(t.Title), t.Risk, t.Severity)
			p.f("- Resource: %s\n- Likelihood %d: %s\n- Impact %d: %s\n", code(t.ResourceARN), t.Likelihood, md(t.Reasons.Likelihood), t.Impact, md(t.Reasons.Impact))
			if t.AttackTree != nil {
				var tree strings.Builder
				writeTree(&printer{w: &tree}, t.AttackTree, "", true, true)
				f := fence(tree.String())
				p.f("\nAttack tree:\n\n%s\n%s%s\n", f, tree.String(), f)
			}
			if len(t.Mitigations) > 0 {
				p.f("\nMitigations:\n\n")
				for _, m := range t.Mitigations {
					p.f("- %s\n", md(m))
				}
			}
			if len(t.References) > 0 {
				p.f("\nReferences: %s\n", md(strings.Join(t.References, "; ")))
			}
			p.f("\n")
		}
	}

	var review []analyzers.Finding
	for _, f := range r.Findings {
		if f.RuleID != "TM-EXP-001" && f.RuleID != "TM-EXP-002" {
			review = append(review, f)
		}
	}
	if len(review) > 0 {
		p.f("## Findings to review\n\n| Severity | Rule | Resource | Finding |\n|---|---|---|---|\n")
		for _, f := range review {
			p.f("| %s | %s | %s | %s: %s |\n", f.Severity, f.RuleID, code(f.Resource), md(f.Title), md(f.Message))
		}
		p.f("\n")
	}

	p.f("## Coverage gaps\n\n")
	if len(r.Coverage) == 0 {
		p.f("None: every API call the scan needed succeeded.\n")
	} else {
		p.f("| Account | Service | Region | API | Resource | Status | Error |\n|---|---|---|---|---|---|---|\n")
		for _, c := range r.Coverage {
			p.f("| %s | %s | %s | %s | %s | %s | %s |\n", md(c.Account), md(c.Service), md(c.Region), md(c.API), md(c.Resource), md(c.Status), md(c.Error))
		}
	}
	return p.err
}

func writeTree(p *printer, n *results.AttackNode, prefix string, last, root bool) {
	line := n.Goal
	if n.Condition != "" {
		line += "   [" + n.Holds.String() + ": " + n.Condition + "]"
	}
	if root {
		p.f("goal: %s\n", line)
	} else {
		branch := "├─ "
		if last {
			branch = "└─ "
		}
		p.f("%s%s%s\n", prefix, branch, line)
		if last {
			prefix += "   "
		} else {
			prefix += "│  "
		}
	}
	for i, c := range n.Children {
		writeTree(p, c, prefix, i == len(n.Children)-1, false)
	}
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format, args...)
}

// md escapes text from the account (names, policy snippets, messages) for
// running Markdown text and table cells: every character GitHub's Markdown
// could read as markup is backslash-escaped (CommonMark lets any ASCII
// punctuation be escaped so; GitHub adds tables, strikethrough and $ math),
// and line breaks, which would end a table row or a list item, become
// spaces. A backslash escape reads as the character itself both rendered
// and raw, where an entity such as &lt; shows as "&lt;" to whoever reads
// the file. An underscore inside a word and an ampersand that starts no
// entity cannot be markup and stay as they are, so AWS_IAM and ATT&CK read
// as written.
func md(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch r {
		case '\\', '`', '*', '[', ']', '<', '>', '|', '~', '$', '#':
			b.WriteByte('\\')
		case '_':
			if i == 0 || i == len(rs)-1 || !isWordRune(rs[i-1]) || !isWordRune(rs[i+1]) {
				b.WriteByte('\\')
			}
		case '&':
			if entityRE.MatchString(string(rs[i:min(len(rs), i+40)])) {
				b.WriteByte('\\')
			}
		case '\r', '\n':
			if r == '\n' && i > 0 && rs[i-1] == '\r' {
				continue
			}
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// entityRE matches the start of an HTML entity reference, which Markdown
// would decode.
var entityRE = regexp.MustCompile(`^&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});`)

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// codeReplacer keeps a code span on one line of a table cell. Built once:
// a replacer builds its tables on first use, and code runs per cell.
var codeReplacer = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", `\|`)

// code puts s in a code span, with a fence longer than any run of
// backticks in it; a pipe is escaped, as GitHub's tables require even
// inside code spans.
func code(s string) string {
	s = codeReplacer.Replace(s)
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// fence returns a code fence for a block holding s: at least three
// backticks, and more than any run of backticks in s.
func fence(s string) string { return strings.Repeat("`", max(3, longestRun(s, '`')+1)) }

func longestRun(s string, c rune) int {
	best, n := 0, 0
	for _, r := range s {
		if r == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// codes lists identifiers (principals, actions) as code spans.
func codes(ids []string) string {
	cs := make([]string, len(ids))
	for i, id := range ids {
		cs[i] = code(id)
	}
	return strings.Join(cs, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// ints lists statement indexes for people: 1-based, as the fixes say
// "statement 1" (report.json keeps the 0-based index).
func ints(is []int) string {
	var ss []string
	for _, i := range is {
		ss = append(ss, fmt.Sprint(i+1))
	}
	return strings.Join(ss, ", ")
}

// writeExecutive is the paragraph a reader who stops here needs.
func writeExecutive(p *printer, r *Report) {
	s := r.Summary
	p.f("\n## Executive summary\n\n")
	if s.EntryPoints == 0 {
		p.f("Nothing in the scanned accounts is reachable from outside them")
		if s.CoverageGaps > 0 {
			p.f(", as far as the scan could see (%d coverage gaps)", s.CoverageGaps)
		}
		p.f(".\n")
		return
	}
	p.f("%d ways into the account from outside (%d public, %d cross-account); **%d are not recognized** by the trust config or baseline. ",
		s.EntryPoints, s.Public, s.CrossAccount, s.Unrecognized)
	p.f("%d trust-boundary crossings, %d unrecognized. %d attack paths lead past an entry point to compute, roles or data.\n",
		s.Crossings, s.UnrecognizedCross, s.AttackPaths)
	if len(r.Threats) > 0 {
		p.f("\nTop threats:\n\n")
		for i, t := range r.Threats {
			if i == 5 {
				break
			}
			p.f("%d. **%s** %s (risk %d, %s)\n", i+1, t.ID, md(t.Title), t.Risk, t.Severity)
		}
	}
}

// writeBoundaries lists the trust-boundary crossings nobody recognized.
func writeBoundaries(p *printer, r *Report) {
	var un []results.Crossing
	for _, c := range r.Boundaries {
		if !c.Recognized {
			un = append(un, c)
		}
	}
	p.f("\n## Unrecognized trust boundaries\n\n")
	if len(un) == 0 {
		p.f("Every trust-boundary crossing is recognized by the trust config or the baseline.\n")
		return
	}
	p.f("| From (zone) | Edge | To (zone) | Via | Exposure |\n|---|---|---|---|---|\n")
	for _, c := range un {
		from := code(c.From)
		if c.Label != "" {
			from += " (" + md(c.Label) + ")"
		}
		p.f("| %s (%s) | %s | %s (%s) | %s | %s |\n", from, md(string(c.FromZone)), c.Kind, code(c.To), md(string(c.ToZone)), md(c.Via.String()), c.Exposure)
	}
}

// joinStrings joins values of a string type.
// joinNames joins the names of codes (edge kinds).
func joinNames[S fmt.Stringer](vs []S, sep string) string {
	ss := make([]string, len(vs))
	for i, v := range vs {
		ss[i] = v.String()
	}
	return strings.Join(ss, sep)
}

func joinStrings[S ~string](vs []S, sep string) string {
	ss := make([]string, len(vs))
	for i, v := range vs {
		ss[i] = string(v)
	}
	return strings.Join(ss, sep)
}

// KeyVerdict says in words whether a principal may use a KMS key.
func KeyVerdict(t graph.Tri) string {
	switch t {
	case graph.True:
		return "allowed"
	case graph.False:
		return "denied: ciphertext only"
	}
	return "unknown"
}

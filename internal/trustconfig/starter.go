package trustconfig

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/trustmap/trustmap/graph"
)

// SchemaURL is where editors fetch the JSON Schema of trustmap.yaml; the
// starter file names it in a yaml-language-server comment.
const SchemaURL = "https://raw.githubusercontent.com/trustmap/trustmap/main/report/schema/trustmap.schema.json"

// Starter is the file `trustmap config init` writes when there is none: a
// header that says how to use it, version 1, and one section per kind of
// party with every party the scan saw, each commented out with what it
// reaches and why, so the file recognizes nothing until the user
// uncomments the lines of the parties they trust.
func Starter(s *Scan) []byte {
	var b strings.Builder
	for _, l := range header(s) {
		b.WriteString(l + "\n")
	}
	fmt.Fprintf(&b, "version: %d\n", Version)
	for _, sec := range sectionOrder {
		b.WriteString("\n")
		for _, l := range section(sec, s) {
			b.WriteString(l + "\n")
		}
	}
	return []byte(b.String())
}

var sectionOrder = []string{SectionKnownAccounts, SectionOrganizations, SectionExpectedPublic, SectionSuppressions}

// recognizing says which sections list what a scan saw.
func recognizing(section string) bool { return section != SectionSuppressions }

func header(s *Scan) []string {
	return []string{
		"# yaml-language-server: $schema=" + SchemaURL,
		"#",
		"# trustmap.yaml: the parties and resources you already know and accept.",
		"# Written by `trustmap config init` from the " + scanName(s) + ".",
		"#",
		"# Every entry is commented out, so this file recognizes nothing yet. Above each",
		"# one is what the scan saw it reach and the policy statement or setting that",
		"# grants it. To recognize a party you trust, uncomment its \"- \" line (remove",
		"# the \"# \" before it); then scan with it:",
		"#     trustmap scan --config trustmap.yaml",
		"# and its crossings are reported as recognized. Run `trustmap config init",
		"# NEWER/report.json` on a later scan to add what is new: your lines are kept,",
		"# and entries the scan no longer saw are marked, not deleted.",
		"# Reference: https://github.com/trustmap/trustmap/blob/main/docs/trust-config.md",
	}
}

func scanName(s *Scan) string {
	name := "scan"
	if len(s.Accounts) > 0 {
		name += " of " + strings.Join(s.Accounts, ", ")
	}
	if !s.ScannedAt.IsZero() {
		name += " at " + s.ScannedAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	if s.Source != "" {
		name += " (" + commentSafe(s.Source) + ")"
	}
	return name
}

// sectionHelp is the comment above each section's key.
var sectionHelp = map[string][]string{
	SectionKnownAccounts: {
		"# known_accounts: accounts outside the scan that you trust. Access granted to",
		"# the account, or to any role or user in it, is recognized as \"known: <name>\".",
		"# Rename it to what you call it. A vendor name shown below comes from",
		"# trustmap's list of well-known accounts: a label, never a recognition.",
	},
	SectionOrganizations: {
		"# organizations: AWS Organizations whose member accounts you trust. The scanned",
		"# account's own organization is recognized without being listed.",
	},
	SectionExpectedPublic: {
		"# expected_public: resources anyone may reach on purpose. Uncomment an entry",
		"# and write its reason (required). resource may be a glob: * matches anything",
		"# but \"/\". It also recognizes a resource open to any AWS principal behind a",
		"# network condition (a VPC endpoint, an IP range).",
	},
	SectionSuppressions: {
		"# suppressions: findings you accept for a while. Each needs a rule or a",
		"# resource (or both), an owner and an expiry date; an expired one silences",
		"# nothing and is reported as TM-CFG-001. Suppressing a finding does not",
		"# recognize its entry point: recognize the party above when you trust it.",
	},
}

// section renders a whole section: help, key, entries.
func section(sec string, s *Scan) []string {
	lines := append([]string{}, sectionHelp[sec]...)
	lines = append(lines, sec+":")
	return append(lines, sectionBody(sec, s, "  ")...)
}

// sectionBody renders the entries of a section for a file that has none
// of them yet.
func sectionBody(sec string, s *Scan, indent string) []string {
	if !recognizing(sec) {
		acct := "123456789012"
		if len(s.Accounts) > 0 {
			acct = s.Accounts[0]
		}
		return []string{indent + `# - {rule: TM-DEP-002, resource: "arn:aws:iam::` + acct + `:role/example", owner: you@example.com, expires: 2027-01-31, reason: "vendor is migrating to an external id"}`}
	}
	if len(s.Parties[sec]) == 0 {
		return []string{indent + "# (none seen by the " + scanName(s) + ")"}
	}
	var lines []string
	for i, p := range s.Parties[sec] {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, entry(sec, p, indent)...)
	}
	return lines
}

// entry renders one party: what it reaches, then its commented-out line.
func entry(sec string, p Party, indent string) []string {
	c := func(format string, args ...any) string {
		return indent + "# " + commentSafe(fmt.Sprintf(format, args...))
	}
	ways := "1 way in"
	if len(p.Reaches) != 1 {
		ways = fmt.Sprintf("%d ways in", len(p.Reaches))
	}
	what := p.Key
	switch {
	case p.Label != "":
		what += " (" + p.Label + ", from trustmap's list of well-known accounts: a label, not a recognition)"
	case sec == SectionExpectedPublic && !public(p):
		what += " (not public: open to any AWS principal that meets the conditions below)"
	}
	lines := []string{c("%s: %s, highest severity %s", what, ways, p.Severity)}
	for _, rc := range p.Reaches {
		head := ""
		if rc.Resource == p.Key { // a resource open to anyone: say how, not what
			lines = append(lines, c("  %-8s %s through its %s", rc.Severity, joinKinds(rc.Access), rc.Via))
		} else {
			target := rc.Resource
			if rc.Outward {
				target += " -> " + rc.Target
			}
			lines = append(lines, c("  %-8s %s  %s", rc.Severity, joinKinds(rc.Access), target))
			head = rc.Via.String()
		}
		why := slices.Clone(rc.Evidence)
		if len(rc.Conditions) > 0 {
			why = append(why, "when "+strings.Join(rc.Conditions, "; "))
		}
		switch {
		case head != "" && len(why) > 0:
			lines = append(lines, c("           %s: %s", head, strings.Join(why, "; ")))
		case head != "":
			lines = append(lines, c("           %s", head))
		case len(why) > 0:
			lines = append(lines, c("           %s", strings.Join(why, "; ")))
		}
	}
	if len(p.RecognizedBy) > 0 {
		lines = append(lines, c("  already recognized by the scan (%s): listing it is not needed", strings.Join(p.RecognizedBy, "; ")))
	}
	return append(lines, indent+"# "+entryLine(sec, p))
}

// public says whether a party of expected_public is open to anyone (not
// only to any AWS principal behind a network condition).
func public(p Party) bool {
	for _, rc := range p.Reaches {
		if len(rc.Conditions) == 0 {
			return true
		}
	}
	return false
}

// entryLine is the YAML of a party's entry, one line, ready to uncomment.
func entryLine(sec string, p Party) string {
	q := strconv.Quote
	switch sec {
	case SectionKnownAccounts:
		name := p.Label
		if name == "" {
			name = "account " + p.Key
		}
		return fmt.Sprintf("- {id: %s, name: %s}", q(p.Key), q(name))
	case SectionOrganizations:
		return "- " + q(p.Key)
	case SectionExpectedPublic:
		return fmt.Sprintf("- {resource: %s, reason: \"\"}", q(p.Key))
	}
	panic("trustconfig: no entry line for section " + sec)
}

func joinKinds(ks []graph.EdgeKind) string {
	ss := make([]string, len(ks))
	for i, k := range ks {
		ss[i] = k.String()
	}
	return strings.Join(ss, ", ")
}

// commentSafe keeps text from the scanned account (Sids, settings, names)
// inside one comment line: every character YAML could read as a line
// break, and every other control character, is written as \uXXXX.
func commentSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u0085' || r == '\u2028' || r == '\u2029' || r == '\ufeff' {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

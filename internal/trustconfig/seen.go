package trustconfig

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trustmap/trustmap/analyzers/boundaries"
	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// The sections of trustmap.yaml that recognize parties, in file order.
const (
	SectionKnownAccounts  = "known_accounts"
	SectionOrganizations  = "organizations"
	SectionExpectedPublic = "expected_public"
	SectionSuppressions   = "suppressions"
)

// Scan is what one scan saw that trustmap.yaml can recognize: the outside
// accounts, organizations and resources open to anyone, each with the ways
// in that put it there.
type Scan struct {
	Source    string    // the file it was read from, or "scan"
	Accounts  []string  // the scanned accounts
	ScannedAt time.Time // when
	// Complete is false when the scan or its analysis stopped early: what
	// it did not see may still be there, so nothing is marked unseen.
	Complete bool
	// Parties by section (SectionKnownAccounts, ...), ordered by severity
	// (highest first), then key.
	Parties map[string][]Party
}

// Party is one thing trustmap.yaml can recognize: an outside account, an
// organization, or a resource open to anyone.
type Party struct {
	Key      string           // account id, organization id or resource ARN
	Label    string           // well-known vendor name of an account ("" if none)
	Severity results.Severity // the highest of its ways in
	Reaches  []Reach
	// RecognizedBy says how the scan already recognized every way in
	// (own organization, baseline, a config); empty when one is not.
	RecognizedBy []string
}

// Reach is one way a party reaches the scanned account, or one way into a
// resource open to anyone.
type Reach struct {
	Severity results.Severity
	// Resource is what is reached; for an outward crossing (Outward: the
	// scanned account's resource sends to the party's), the resource that
	// sends.
	Resource string
	Target   string // for an outward crossing, the party's resource
	Outward  bool
	Access   []graph.EdgeKind
	Via      graph.Via
	// Evidence is the statement or setting that grants it, in words.
	Evidence []string
	// Conditions still constrain it ("" when none).
	Conditions []string
}

// Results is the part of a report (report.json) that SeenIn reads.
type Results struct {
	Source      string // where it was read from, for the starter file's header
	Accounts    []string
	ScannedAt   time.Time
	Complete    bool
	EntryPoints []results.EntryPoint
	Boundaries  []results.Crossing
}

// SeenIn gathers from a scan's results what trustmap.yaml can recognize.
func SeenIn(r Results) *Scan {
	s := &Scan{Source: r.Source, Accounts: r.Accounts, ScannedAt: r.ScannedAt, Complete: r.Complete, Parties: map[string][]Party{}}
	eps := map[string]results.EntryPoint{}
	for _, ep := range r.EntryPoints {
		eps[ep.ID] = ep
	}
	type pkey struct{ section, key string }
	parties := map[pkey]*party{}
	get := func(section, key string) *party {
		k := pkey{section, key}
		if parties[k] == nil {
			parties[k] = &party{Party: Party{Key: key}, reaches: map[reachKey]*Reach{}, recognized: true}
		}
		return parties[k]
	}
	for _, c := range r.Boundaries {
		sev := results.SevMedium
		if ep, ok := eps[c.EntryPoint]; ok {
			sev = ep.Severity
		}
		for i, z := range []graph.Zone{c.FromZone, c.ToZone} {
			section, key := zoneParty(z)
			if section == "" {
				continue
			}
			rc := Reach{Severity: sev, Resource: c.To, Access: []graph.EdgeKind{c.Kind}, Via: c.Via,
				Evidence: evidence(c.Grants), Conditions: c.Conditions}
			if i == 1 { // the party is the receiving end: our resource reaches theirs
				rc.Resource, rc.Target, rc.Outward = c.From, c.To, true
			}
			get(section, key).add(rc, c.Recognized, c.RecognizedBy)
		}
	}
	for _, ep := range r.EntryPoints {
		if ep.Exposure != policy.Public && !slices.Contains(ep.Principals, "*") {
			continue
		}
		var conds []string
		if ep.Exposure != policy.Public {
			conds = ep.Evidence.Conditions
		}
		get(SectionExpectedPublic, ep.ResourceARN).add(Reach{Severity: ep.Severity, Resource: ep.ResourceARN, Access: ep.Access, Via: ep.Via,
			Evidence: evidence(ep.Evidence.Grants), Conditions: conds}, ep.Recognized, ep.RecognizedBy)
	}
	for k, p := range parties {
		if k.section == SectionKnownAccounts {
			p.Label = boundaries.Vendor(k.key)
		}
		s.Parties[k.section] = append(s.Parties[k.section], p.done())
	}
	for _, ps := range s.Parties {
		slices.SortFunc(ps, func(a, b Party) int {
			return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), cmp.Compare(a.Key, b.Key))
		})
	}
	return s
}

// zoneParty returns the section and key that recognize a zone's party.
func zoneParty(z graph.Zone) (section, key string) {
	switch zs := string(z); {
	case strings.HasPrefix(zs, "external-account:"):
		return SectionKnownAccounts, strings.TrimPrefix(zs, "external-account:")
	case strings.HasPrefix(zs, "organization:"):
		return SectionOrganizations, strings.TrimPrefix(zs, "organization:")
	}
	return "", ""
}

type reachKey struct {
	resource, target string
	via              graph.Via
}

// party accumulates a Party: its ways in merged by resource and way in.
type party struct {
	Party
	reaches    map[reachKey]*Reach
	recognized bool
	by         []string
}

func (p *party) add(rc Reach, recognized bool, by string) {
	if !recognized {
		p.recognized = false
	} else if by != "" && !slices.Contains(p.by, by) {
		p.by = append(p.by, by)
	}
	k := reachKey{rc.Resource, rc.Target, rc.Via}
	cur := p.reaches[k]
	if cur == nil {
		cp := rc
		p.reaches[k] = &cp
		return
	}
	if rc.Severity.Rank() > cur.Severity.Rank() {
		cur.Severity = rc.Severity
	}
	cur.Access = union(cur.Access, rc.Access, graph.EdgeKind.Compare)
	cur.Evidence = union(cur.Evidence, rc.Evidence, strings.Compare)
	cur.Conditions = union(cur.Conditions, rc.Conditions, strings.Compare)
}

func (p *party) done() Party {
	out := p.Party
	out.Severity = results.SevInfo
	for _, rc := range p.reaches {
		out.Reaches = append(out.Reaches, *rc)
		if rc.Severity.Rank() > out.Severity.Rank() {
			out.Severity = rc.Severity
		}
	}
	slices.SortFunc(out.Reaches, func(a, b Reach) int {
		return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), cmp.Compare(a.Resource, b.Resource),
			cmp.Compare(a.Target, b.Target), a.Via.Compare(b.Via))
	})
	if p.recognized {
		out.RecognizedBy = slices.Sorted(slices.Values(p.by))
	}
	return out
}

// union is a and b sorted by compare, without repeats.
func union[T comparable](a, b []T, compare func(x, y T) int) []T {
	out := append(slices.Clone(a), b...)
	slices.SortFunc(out, compare)
	return slices.Compact(out)
}

// evidence says, for each piece, the statement or setting that grants it:
// `s3:GetBucketPolicy statement 1 (Sid "Partner")`, `s3:GetBucketAcl: ACL
// grant Group AllUsers READ`. Statements are numbered from 1, as the
// report's fixes number them.
func evidence(grants []graph.Evidence) []string {
	var out []string
	for _, g := range grants {
		var parts []string
		for _, st := range g.Statements {
			s := fmt.Sprintf("statement %d", st.Index+1)
			if st.Sid != "" {
				s += fmt.Sprintf(" (Sid %q)", st.Sid)
			}
			parts = append(parts, s)
		}
		if g.Detail != "" {
			parts = append(parts, g.Detail)
		}
		line := g.Source
		if len(parts) > 0 {
			if line != "" {
				line += " "
			}
			line += strings.Join(parts, ", ")
		}
		if line != "" && !slices.Contains(out, line) {
			out = append(out, line)
		}
	}
	slices.Sort(out)
	return out
}
